"""The store: the only package that knows the archive's SQLite layout."""

from archivist.store.archive import DEFAULT_DB, Archive, BatchCounts, pack_original
from archivist.store.schema import SCHEMA_VERSION

__all__ = ["DEFAULT_DB", "SCHEMA_VERSION", "Archive", "BatchCounts", "pack_original"]

"""The store: the only package that knows the archive's SQLite layout."""

from sqlite3 import DatabaseError as ArchiveDatabaseError  # what a damaged, locked or full archive raises

from archivist.store.archive import DEFAULT_DB, Archive, BatchCounts, explain_error, pack_original
from archivist.store.schema import SCHEMA_VERSION

__all__ = ["DEFAULT_DB", "SCHEMA_VERSION", "Archive", "ArchiveDatabaseError", "BatchCounts", "explain_error",
           "pack_original"]  # fmt: skip

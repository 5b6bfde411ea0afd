"""archivist: raw historical writings from online archives into one clean SQLite archive."""

from archivist import _native

_native.install()  # the compiled extraction modules, when built from these sources (archivist/_native.py)

from archivist.model import Document, Extraction, Part, Provenance, SourceFile  # noqa: E402

__all__ = ["Document", "Extraction", "Part", "Provenance", "SourceFile", "__version__"]
__version__ = "0.1.0"

"""archivist: raw historical writings from online archives into one clean SQLite archive."""

from archivist.model import Document, Extraction, Part, Provenance, SourceFile

__all__ = ["Document", "Extraction", "Part", "Provenance", "SourceFile", "__version__"]
__version__ = "0.1.0"

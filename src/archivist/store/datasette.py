"""How the archive presents itself in Datasette: table descriptions, label columns, facets, and
the tables a reader never needs (the original bytes) out of the way.

Datasette reads this from a metadata file (`datasette archive.db -m archive.datasette.json`);
`archivist datasette` writes it beside the archive.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

TABLES: dict[str, dict[str, Any]] = {
    "current_documents": {
        "description": "The documents as they stand: current versions, with people's corrections applied.",
        "label_column": "title",
        "facets": ["collection", "language", "doc_type"],
    },
    "documents": {
        "description": "One row per document (key: collection/path), its current version as extracted; "
        "is_current=0 once withdrawn. Corrections are in `corrections` and applied in `current_documents`.",
        "label_column": "title",
        "facets": ["collection", "language", "doc_type", "status"],
    },
    "parts_text": {
        "description": "Each part of each current document (header, body, signature, postscript, "
        "editorial note, footnote, …) with its text.",
        "facets": ["kind"],
    },
    "parts": {"description": "The extractor's parts: spans of documents.text (a view of the `parts` layer)."},
    "spans": {
        "description": "Everything said about the text, as spans in named layers (parts, header, "
        "paragraphs, dates, …) with the agent that made each.",
        "facets": ["layer", "kind", "agent"],
    },
    "corrections": {
        "description": "People's corrections: who, when, why, and the value the extractor gave.",
        "label_column": "path",
        "facets": ["target", "field", "author"],
    },
    "versions": {
        "description": "Every version of every document; superseded ones are kept whole in `record`."
    },
    "document_authors": {"description": "Authors as written, one row each.", "facets": ["name"]},
    "provenance": {"description": "Where each field's value came from.", "facets": ["field", "origin"]},
    "files": {
        "description": "Input files: key → current bytes and document.",
        "facets": ["collection", "status", "format"],
    },
    "file_versions": {"description": "Each time the bytes at a path changed."},
    "failures": {"description": "Files that could not be read, with the reason.", "facets": ["reason"]},
    "ingest_runs": {"description": "Every ingest run.", "facets": ["status", "engine"]},
    "collections": {
        "description": "Each input folder and the name its files are stored under.",
        "label_column": "name",
    },
    "stage_runs": {"description": "Which stage read which document version.", "facets": ["stage"]},
    "entities": {
        "description": "People, organisations, places, periodicals and events the archive names: from the "
        "authority file, or the archive's own (people clustered across documents); rebuilt by `archivist enrich`.",
        "label_column": "name",
        "facets": ["type", "origin"],
    },
    "entity_mentions": {
        "description": "Each mention (layer `mentions`) resolved to its entity, with evidence, confidence "
        "and the document's year.",
        "label_column": "text",
        "facets": ["label", "entity_id", "year"],
    },
    "blobs": {"hidden": True, "description": "Original bytes, zlib-compressed, by SHA-256."},
}


def datasette_metadata(db: str | Path) -> dict[str, Any]:
    """Datasette metadata for the archive file `db`."""
    name = Path(db).stem
    return {
        "title": f"archivist: {name}",
        "description": "An archive of historical writings built by archivist: documents with "
        "provenance for every field, parts as stand-off spans, original bytes, corrections kept apart.",
        "databases": {name: {"tables": TABLES}},
    }

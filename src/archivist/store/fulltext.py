"""The SQL that search needs: what the search index must mirror, and SQLite's own full-text
tables (FTS5) — `documents_fts` for Datasette's `?_search=`, and a passage table the search
benchmark compares tantivy with.

Functions take an `Archive` and use `archive.conn`; the archive stays the record, the search
index (archive.index/) is derived from it and rebuilt from it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from archivist.model import Document
from archivist.store.archive import Archive


def index_markers(archive: Archive) -> dict[str, str]:
    """Every current document's id and a marker of its stored version: when the marker changes
    (new bytes, new extractor, another run wrote it, a correction made or undone), the index must
    read the document again."""
    rows = archive.conn.execute(
        "SELECT id, version || ':' || extractor_version || ':' || length(text) || ':' || "
        "COALESCE(run_id, '') || ':' || COALESCE(language, '') || ':' || "
        "(SELECT COUNT(*) || '-' || COALESCE(MAX(c.id), 0) FROM corrections c "
        " WHERE c.document_id = documents.id AND c.undone_at IS NULL) "
        "FROM documents WHERE is_current = 1"
    )
    return {str(doc_id): str(marker) for doc_id, marker in rows}


def document_entities(archive: Archive) -> dict[str, list[tuple[str, list[str]]]]:
    """Each current document's entities, from `entity_mentions` (written by `archivist enrich`):
    (entity id, its names — the canonical one, the archive's merged names, this document's
    spellings of it), in id order. Empty before the archive is enriched."""
    names: dict[str, list[str]] = {}
    for entity_id, name, aliases in archive.conn.execute("SELECT id, name, aliases FROM entities"):
        extra = json.loads(aliases) if aliases else []
        names[str(entity_id)] = [str(name), *(str(a) for a in extra if isinstance(a, str))]
    found: dict[str, dict[str, list[str]]] = {}
    rows = archive.conn.execute(
        "SELECT m.document_id, m.entity_id, m.text FROM entity_mentions m "
        "JOIN current_documents d ON d.id = m.document_id ORDER BY m.document_id, m.entity_id, m.seq"
    )
    for doc_id, entity_id, text in rows:
        spellings = found.setdefault(str(doc_id), {}).setdefault(
            str(entity_id), list(names.get(entity_id, []))
        )
        if text and text not in spellings:
            spellings.append(str(text))
    return {doc_id: sorted(entities.items()) for doc_id, entities in found.items()}


def entities_marker(entities: list[tuple[str, list[str]]] | None) -> str:
    """A short digest of what a document names, added to its index marker: when enrich links
    it to other entities (or renames them), the index reads the document again."""
    if not entities:
        return ""
    return hashlib.blake2b(json.dumps(entities, ensure_ascii=False).encode(), digest_size=6).hexdigest()


def documents_by_id(archive: Archive, ids: Iterable[str]) -> Iterator[Document]:
    for doc_id in ids:
        doc = archive.document(doc_id)
        if doc is not None:
            yield doc


def archive_state(archive: Archive) -> dict[str, Any]:
    """What the index records of the archive it was built from, to tell when it fell behind."""
    one = archive.conn.execute
    return {
        "documents": int(one("SELECT COUNT(*) FROM documents WHERE is_current = 1").fetchone()[0]),
        "last_run": int(one("SELECT COALESCE(MAX(id), 0) FROM ingest_runs").fetchone()[0]),
        "schema": archive.schema_version,
    }


# -- FTS5 on documents (Datasette) ---------------------------------------------------------------
def documents_fts_search(archive: Archive, match: str, limit: int = 10) -> list[dict[str, Any]]:
    """Documents matching an FTS5 MATCH expression, best first — what Datasette's `?_search=`
    runs on the documents table."""
    rows = archive.conn.execute(
        "SELECT d.id, d.path, d.title, bm25(documents_fts) AS rank FROM documents_fts "
        "JOIN documents d ON d.rowid = documents_fts.rowid "
        "WHERE documents_fts MATCH ? AND d.is_current = 1 ORDER BY rank LIMIT ?",
        (match, limit),
    )
    return [dict(r) for r in rows]


def documents_fts_bytes(archive: Archive) -> int:
    """Bytes the FTS5 table and its shadow tables take in the archive file (0 without dbstat)."""
    try:
        row = archive.conn.execute(
            "SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name LIKE 'documents_fts%'"
        ).fetchone()
    except sqlite3.OperationalError:
        return 0
    return int(row[0])


# -- FTS5 on passages (bench/search.py's baseline) -------------------------------------------------
class PassageFTS:
    """A SQLite file of passages with an FTS5 index, the baseline tantivy is measured against."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.conn = sqlite3.connect(self.path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode = OFF")
        self.conn.execute("PRAGMA synchronous = OFF")
        self.conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS passages USING fts5(doc_id UNINDEXED, part UNINDEXED, "
            "title, text, author UNINDEXED, year UNINDEXED, tokenize='unicode61 remove_diacritics 2')"
        )

    def add(self, rows: Iterable[tuple[str, str, str, str, str, int | None]]) -> None:
        self.conn.execute("BEGIN")
        self.conn.executemany("INSERT INTO passages VALUES (?,?,?,?,?,?)", rows)
        self.conn.execute("COMMIT")

    def optimize(self) -> None:
        self.conn.execute("INSERT INTO passages(passages) VALUES('optimize')")

    def search(self, match: str, limit: int = 10, facets: bool = False) -> dict[str, Any]:
        """Top passages by BM25 with a snippet, the count of documents, and (with `facets`)
        documents per author and year — the same work the tantivy path does."""
        hits = self.conn.execute(
            "SELECT doc_id, part, snippet(passages, 3, '<b>', '</b>', '…', 24), bm25(passages) AS r "
            "FROM passages WHERE passages MATCH ? ORDER BY r LIMIT ?",
            (match, limit),
        ).fetchall()
        total = self.conn.execute(
            "SELECT COUNT(DISTINCT doc_id) FROM passages WHERE passages MATCH ?", (match,)
        ).fetchone()[0]
        out: dict[str, Any] = {"hits": hits, "total": total}
        if facets:
            out["authors"] = self.conn.execute(
                "SELECT author, COUNT(DISTINCT doc_id) FROM passages WHERE passages MATCH ? "
                "GROUP BY author ORDER BY 2 DESC LIMIT 10",
                (match,),
            ).fetchall()
            out["years"] = self.conn.execute(
                "SELECT year, COUNT(DISTINCT doc_id) FROM passages WHERE passages MATCH ? GROUP BY year",
                (match,),
            ).fetchall()
        return out

    def bytes(self) -> int:
        return self.path.stat().st_size

    def close(self) -> None:
        self.conn.close()

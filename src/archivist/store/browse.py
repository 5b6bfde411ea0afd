"""Read-only queries for browsing an archive: counts, facets, an author's works, a file's versions.

Functions of an open `Archive` (they use its connection), kept apart from the writer in
`archive.py`. The reading room (`archivist.web`) asks these and nothing else; a list of documents
comes back as `DocumentSummary` rows, small enough for a page of fifty.

A document's year is the year it was written, else the year it was published (as in `stats`).
Every query reads the documents as people corrected them (the `current_documents` view).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

from archivist.store.archive import Archive

FACETS = ("author", "year", "source", "type", "language")

_YEAR = "substr(COALESCE(d.date_written, d.date_published), 1, 4)"
_HAS_YEAR = f"{_YEAR} GLOB '[0-9][0-9][0-9][0-9]'"
# facet -> (SQL value of a current document `d`, extra FROM, extra WHERE)
_FACET_SQL = {
    "author": ("a.value", ", json_each(d.authors) a", ""),
    "year": (_YEAR, "", f"AND {_HAS_YEAR}"),
    "source": ("d.source_title", "", "AND d.source_title IS NOT NULL"),
    "type": ("d.doc_type", "", ""),
    "language": ("d.language", "", "AND d.language IS NOT NULL"),
}
_ORDER = {
    "year": "value",
    "author": "count DESC, value",
    "source": "count DESC, value",
    "type": "count DESC, value",
    "language": "count DESC, value",
}
_SUMMARY_COLUMNS = "d.id, d.title, d.authors, d.date_written, d.date_published, d.source_title, d.doc_type, d.language, d.path"
_DOCUMENT_ORDER = "COALESCE(d.date_written, d.date_published, '9999'), d.title, d.id"


@dataclass(slots=True)
class DocumentSummary:
    id: str
    title: str | None
    authors: list[str]
    date_written: str | None
    date_published: str | None
    source_title: str | None
    doc_type: str
    language: str | None
    path: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _summary(row: sqlite3.Row) -> DocumentSummary:
    return DocumentSummary(
        id=row["id"],
        title=row["title"],
        authors=json.loads(row["authors"]),
        date_written=row["date_written"],
        date_published=row["date_published"],
        source_title=row["source_title"],
        doc_type=row["doc_type"],
        language=row["language"],
        path=row["path"],
    )


@contextmanager
def snapshot(archive: Archive) -> Iterator[Archive]:
    """One read transaction: every query inside sees the same state of the archive, even while
    an ingest commits batches (WAL readers never wait for the writer)."""
    archive.conn.execute("BEGIN")
    try:
        yield archive
    finally:
        archive.conn.execute("COMMIT")


def overview(archive: Archive) -> dict[str, int]:
    """What is in the archive, in four numbers."""
    one = archive.conn.execute
    return {
        "documents": one("SELECT COUNT(*) FROM current_documents").fetchone()[0],
        "authors": one(
            "SELECT COUNT(DISTINCT a.value) FROM current_documents d, json_each(d.authors) a"
        ).fetchone()[0],
        "sources": one(
            "SELECT COUNT(DISTINCT source_title) FROM current_documents WHERE source_title IS NOT NULL"
        ).fetchone()[0],
        "languages": one(
            "SELECT COUNT(DISTINCT language) FROM current_documents WHERE language IS NOT NULL"
        ).fetchone()[0],
    }


def documents_per_year(archive: Archive) -> list[tuple[int, int]]:
    rows = archive.conn.execute(
        f"SELECT {_YEAR} AS y, COUNT(*) FROM current_documents d WHERE {_HAS_YEAR} GROUP BY y ORDER BY y"
    )
    return [(int(y), n) for y, n in rows]


def recent_runs(archive: Archive, limit: int = 5) -> list[dict[str, Any]]:
    rows = archive.conn.execute(
        "SELECT id, started_at, finished_at, status, engine, files_seen, files_new, files_changed, "
        "files_unchanged, files_failed FROM ingest_runs ORDER BY id DESC LIMIT ?",
        (limit,),
    )
    return [dict(r) for r in rows]


def recent_failures(archive: Archive, limit: int = 10) -> list[dict[str, Any]]:
    rows = archive.conn.execute(
        "SELECT path, reason, message, run_id, at FROM failures ORDER BY at DESC, path LIMIT ?", (limit,)
    )
    return [dict(r) for r in rows]


def facet_counts(archive: Archive, facet: str, limit: int, offset: int) -> tuple[list[tuple[str, int]], int]:
    """The values of one facet over current documents with their counts, a page of them, and how
    many values there are in all."""
    value, join, where = _FACET_SQL[facet]
    base = f"SELECT {value} AS value, COUNT(DISTINCT d.id) AS count FROM current_documents d {join} WHERE 1=1 {where} GROUP BY value"
    total = archive.conn.execute(f"SELECT COUNT(*) FROM ({base})").fetchone()[0]
    rows = archive.conn.execute(f"{base} ORDER BY {_ORDER[facet]} LIMIT ? OFFSET ?", (limit, offset))
    return [(str(r["value"]), r["count"]) for r in rows], total


def documents_by(
    archive: Archive, facet: str, value: str, limit: int, offset: int
) -> tuple[list[DocumentSummary], int]:
    """Current documents with this facet value (a page of them, by date), and how many in all."""
    column, join, where = _FACET_SQL[facet]
    base = f"FROM current_documents d {join} WHERE 1=1 {where} AND {column} = ?"
    total = archive.conn.execute(f"SELECT COUNT(DISTINCT d.id) {base}", (value,)).fetchone()[0]
    rows = archive.conn.execute(
        f"SELECT DISTINCT {_SUMMARY_COLUMNS} {base} ORDER BY {_DOCUMENT_ORDER} LIMIT ? OFFSET ?",
        (value, limit, offset),
    )
    return [_summary(r) for r in rows], total


def author_profile(archive: Archive, name: str) -> dict[str, Any] | None:
    """An author's current documents (by date), with the years, sources, co-authors and
    translators of those documents; None when no current document has this author."""
    rows = archive.conn.execute(
        f"SELECT DISTINCT {_SUMMARY_COLUMNS}, d.translator FROM current_documents d, json_each(d.authors) a "
        f"WHERE a.value = ? ORDER BY {_DOCUMENT_ORDER}",
        (name,),
    ).fetchall()
    if not rows:
        return None
    documents = [_summary(r) for r in rows]
    by_year: dict[str, int] = {}
    sources: dict[str, int] = {}
    coauthors: dict[str, int] = {}
    translators: dict[str, int] = {}
    for doc, row in zip(documents, rows, strict=True):
        year = (doc.date_written or doc.date_published or "")[:4]
        by_year[year if year.isdigit() else "undated"] = (
            by_year.get(year if year.isdigit() else "undated", 0) + 1
        )
        if doc.source_title:
            sources[doc.source_title] = sources.get(doc.source_title, 0) + 1
        for other in doc.authors:
            if other != name:
                coauthors[other] = coauthors.get(other, 0) + 1
        if row["translator"]:
            translators[row["translator"]] = translators.get(row["translator"], 0) + 1
    ranked = lambda counts: sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))  # noqa: E731
    return {
        "name": name,
        "documents": documents,
        "by_year": sorted(by_year.items(), key=lambda kv: (kv[0] == "undated", kv[0])),
        "sources": ranked(sources),
        "coauthors": ranked(coauthors),
        "translators": ranked(translators),
    }


def versions(archive: Archive, document_id: str) -> list[dict[str, Any]]:
    """Every stored version of this document, oldest first: its version number, the id it is read
    by (the version id: an older version is read whole, as it was), when it was seen, and whether
    it is the current one."""
    rows = archive.conn.execute(
        """SELECT v.seq AS version, v.version AS version_id, v.sha256, v.seen_at, v.version AS document_id,
                  (v.version = d.version AND d.is_current = 1) AS is_current
           FROM versions v JOIN documents d ON d.id = v.document_id
           WHERE v.document_id = (SELECT COALESCE((SELECT id FROM documents WHERE id = ?),
                                                  (SELECT document_id FROM versions WHERE version = ? LIMIT 1)))
           ORDER BY v.seq""",
        (document_id, document_id),
    )
    out = [dict(r) for r in rows]
    for item in out:  # the current version is read by the document's own id
        if item["is_current"]:
            item["document_id"] = archive.conn.execute(
                "SELECT id FROM documents WHERE version = ?", (item["document_id"],)
            ).fetchone()[0]
    return out


def original_file(archive: Archive, document_id: str, version: int | None = None) -> dict[str, Any] | None:
    """Where this document's original bytes are (their SHA-256) and what they are (path, format,
    the encoding they were read in) — or those of another `version` of the same document; None for
    an unknown document or version. `document_id` may be a version id."""
    row = archive.conn.execute(
        "SELECT id, sha256, path, format, encoding FROM documents WHERE id=?", (document_id,)
    ).fetchone()
    if row is None:
        old = archive.conn.execute(
            "SELECT document_id, sha256 FROM versions WHERE version=? LIMIT 1", (document_id,)
        ).fetchone()
        if old is None:
            return None
        row = archive.conn.execute(
            "SELECT id, sha256, path, format, encoding FROM documents WHERE id=?", (old["document_id"],)
        ).fetchone()
        if row is None:
            return None
        found = {k: row[k] for k in ("sha256", "path", "format", "encoding")}
        found["sha256"] = old["sha256"]
        if version is None:
            return found
    else:
        found = {k: row[k] for k in ("sha256", "path", "format", "encoding")}
        if version is None:
            return found
    other = archive.conn.execute(
        "SELECT sha256 FROM versions WHERE document_id=? AND seq=?", (row["id"], version)
    ).fetchone()
    return {**found, "sha256": other["sha256"]} if other else None


def document_ids(archive: Archive, limit: int) -> list[str]:
    """Ids of current documents, in a stable order (for benchmarks and smoke tests)."""
    rows = archive.conn.execute("SELECT id FROM current_documents ORDER BY id LIMIT ?", (limit,))
    return [r[0] for r in rows]

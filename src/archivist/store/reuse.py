"""The SQL of text reuse: the fingerprint index, shared passages, pairs and works.

Functions of an open `Archive`; the logic is in `archivist.reuse`. Tables (schema migration 3):
`reuse_docs` (each indexed document and the fingerprint it was indexed with), `reuse_grams`
(sampled n-gram hash → documents: the inverted index candidates come from), `reuse_pairs` (two
documents that share passages: coverage of each, witnesses of one work or not), `reuse_links`
(each shared passage, once from each side: spans of both documents, overlap, the earlier copy),
`reuse_works` (each current document's work, its relation to the preferred text).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import numpy as np

from archivist.model import METADATA_FIELDS
from archivist.store.archive import Archive

_CHUNK = 900  # values per IN (...) list


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@contextmanager
def transaction(archive: Archive) -> Iterator[None]:
    archive.conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        archive.conn.execute("COMMIT")
    except BaseException:
        if archive.conn.in_transaction:
            archive.conn.execute("ROLLBACK")
        raise


def clear(archive: Archive) -> None:
    """Forget every result of text reuse (`archivist reuse --rebuild`)."""
    with transaction(archive):
        for table in ("reuse_links", "reuse_pairs", "reuse_works", "reuse_grams", "reuse_docs"):
            archive.conn.execute(f"DELETE FROM {table}")


def pending(archive: Archive) -> list[tuple[str, str, str]]:
    """(document id, version, fingerprint version) of current documents whose fingerprint is not
    indexed yet, or was indexed for an older version of the document or of the stage."""
    rows = archive.conn.execute(
        "SELECT d.id, d.version, r.stage_version FROM documents d "
        "JOIN stage_runs r ON r.document_id = d.id AND r.stage = 'fingerprints' AND r.version = d.version "
        "LEFT JOIN reuse_docs x ON x.document_id = d.id "
        "WHERE d.is_current = 1 AND (x.document_id IS NULL OR x.version != d.version "
        "OR x.fingerprint != r.stage_version) ORDER BY d.path"
    )
    return [(r[0], r[1], r[2]) for r in rows]


def unfingerprinted(archive: Archive) -> int:
    """Current documents the fingerprints stage has not read in their current version."""
    return int(
        archive.conn.execute(
            "SELECT COUNT(*) FROM documents d LEFT JOIN stage_runs r ON r.document_id = d.id "
            "AND r.stage = 'fingerprints' AND r.version = d.version WHERE d.is_current = 1 AND r.document_id IS NULL"
        ).fetchone()[0]
    )


def stale(archive: Archive) -> list[str]:
    """Indexed documents that are no longer current (withdrawn)."""
    return [
        r[0]
        for r in archive.conn.execute(
            "SELECT x.document_id FROM reuse_docs x JOIN documents d ON d.id = x.document_id WHERE d.is_current = 0"
        )
    ]


def forget(archive: Archive, document_id: str) -> None:
    """Take a document out of the index, with its pairs and links (inside a transaction)."""
    conn = archive.conn
    row = conn.execute("SELECT doc, grams FROM reuse_docs WHERE document_id=?", (document_id,)).fetchone()
    if row is not None:
        grams = np.frombuffer(row["grams"], dtype="<u4").tolist()
        conn.executemany("DELETE FROM reuse_grams WHERE gram=? AND doc=?", [(g, row["doc"]) for g in grams])
        conn.execute("DELETE FROM reuse_docs WHERE doc=?", (row["doc"],))
    conn.execute("DELETE FROM reuse_pairs WHERE a=? OR b=?", (document_id, document_id))
    conn.execute("DELETE FROM reuse_links WHERE document_id=? OR other_id=?", (document_id, document_id))


def fingerprint(archive: Archive, document_id: str) -> dict[str, Any]:
    """The attrs of a document's stored fingerprint span: words, packed grams and anchors, language."""
    row = archive.conn.execute(
        # "+kind": the primary key (document_id, layer) finds the row; the index on (layer, kind) would
        # scan every document's fingerprint span for each look-up
        "SELECT attrs FROM spans WHERE document_id=? AND layer='fingerprints' AND +kind='text' LIMIT 1",
        (document_id,),
    ).fetchone()
    if row is None or not row["attrs"]:
        return {}
    attrs: dict[str, Any] = json.loads(row["attrs"])
    return attrs


def languages(archive: Archive, ids: Iterable[str] | None = None) -> dict[str, str | None]:
    """The language of each document's fingerprint (of every fingerprinted document without ids)."""
    sql = "SELECT document_id, json_extract(attrs, '$.language') FROM spans WHERE layer='fingerprints' AND +kind='text'"
    if ids is None:
        return {r[0]: r[1] for r in archive.conn.execute(sql)}
    wanted = list(ids)
    out: dict[str, str | None] = {}
    for i in range(0, len(wanted), _CHUNK):
        chunk = wanted[i : i + _CHUNK]
        marks = ",".join("?" * len(chunk))
        out.update(archive.conn.execute(f"{sql} AND document_id IN ({marks})", chunk).fetchall())
    return out


def document_frequencies(archive: Archive, grams: list[int], before: int | None = None) -> dict[int, int]:
    """How many indexed documents hold each n-gram hash (those held by none are left out); with
    `before`, only the documents indexed before that index key (`index`'s return value)."""
    out: dict[int, int] = {}
    below = "" if before is None else " AND doc < ?"
    for i in range(0, len(grams), _CHUNK):
        chunk = grams[i : i + _CHUNK]
        marks = ",".join("?" * len(chunk))
        out.update(
            archive.conn.execute(
                f"SELECT gram, COUNT(*) FROM reuse_grams WHERE gram IN ({marks}){below} GROUP BY gram",
                chunk if before is None else [*chunk, before],
            ).fetchall()
        )
    return out


def postings(archive: Archive, grams: list[int], before: int | None = None) -> list[tuple[int, str]]:
    """(n-gram hash, document id) of every indexed document holding one of `grams` (with `before`:
    indexed before that index key)."""
    out: list[tuple[int, str]] = []
    below = "" if before is None else " AND g.doc < ?"
    for i in range(0, len(grams), _CHUNK):
        chunk = grams[i : i + _CHUNK]
        marks = ",".join("?" * len(chunk))
        out.extend(
            archive.conn.execute(
                f"SELECT g.gram, x.document_id FROM reuse_grams g JOIN reuse_docs x ON x.doc = g.doc "
                f"WHERE g.gram IN ({marks}){below}",
                chunk if before is None else [*chunk, before],
            ).fetchall()
        )
    return out


def index(
    archive: Archive, document_id: str, version: str, stage_version: str, words: int, grams: np.ndarray
) -> int:
    """Put a document's fingerprint in the index (inside a transaction); its index key, which grows
    with each document indexed (SQLite gives a new row the largest key plus one), so a document is
    compared with those whose key is smaller."""
    packed = grams.astype("<u4").tobytes()
    cursor = archive.conn.execute(
        "INSERT INTO reuse_docs (document_id, version, fingerprint, words, grams, indexed_at, compared) "
        "VALUES (?,?,?,?,?,?,0)",
        (document_id, version, stage_version, words, packed, _now()),
    )
    doc = cursor.lastrowid
    archive.conn.executemany(
        "INSERT OR IGNORE INTO reuse_grams (gram, doc) VALUES (?,?)", ((int(g), doc) for g in grams)
    )
    return int(doc or 0)


def texts(archive: Archive, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """What alignment reads of each document: version, text, parts (kind, start, end) and dates."""
    out: dict[str, dict[str, Any]] = {}
    for document_id in ids:
        row = archive.conn.execute(
            "SELECT id, version, text, date_written, date_published FROM current_documents WHERE id=?",
            (document_id,),
        ).fetchone()
        if row is None:
            continue
        parts = archive.conn.execute(
            "SELECT kind, start, \"end\" FROM spans WHERE document_id=? AND layer='parts' ORDER BY seq",
            (document_id,),
        ).fetchall()
        out[document_id] = {
            "version": row["version"],
            "text": row["text"],
            "parts": [(p[0], p[1], p[2]) for p in parts],
            "date": row["date_written"] or row["date_published"],
        }
    return out


def put_pair(archive: Archive, pair: dict[str, Any], links: list[dict[str, Any]]) -> None:
    """A pair of documents that share passages, and the passages (inside a transaction)."""
    archive.conn.execute(
        "INSERT OR REPLACE INTO reuse_pairs (a, b, a_version, b_version, a_coverage, b_coverage, passages, "
        "same_text, relation, confidence, evidence, at) VALUES (:a, :b, :a_version, :b_version, :a_coverage, "
        ":b_coverage, :passages, :same_text, :relation, :confidence, :evidence, :at)",
        {
            **pair,
            "confidence": pair.get("confidence"),
            "evidence": json.dumps(pair["evidence"], ensure_ascii=False) if pair.get("evidence") else None,
            "at": _now(),
        },
    )
    archive.conn.executemany(
        'INSERT INTO reuse_links (document_id, version, start, "end", other_id, other_version, other_start, '
        "other_end, words, other_words, overlap, earlier) VALUES (:document_id, :version, :start, :end, "
        ":other_id, :other_version, :other_start, :other_end, :words, :other_words, :overlap, :earlier)",
        links,
    )


def pairs(archive: Archive, same_text_only: bool = False) -> list[dict[str, Any]]:
    where = "WHERE same_text = 1" if same_text_only else ""
    return [dict(r) for r in archive.conn.execute(f"SELECT * FROM reuse_pairs {where} ORDER BY a, b")]


def members(archive: Archive) -> list[dict[str, Any]]:
    """Every current document with what choosing a preferred text reads: words, metadata filled."""
    filled = " + ".join(
        f"(CASE WHEN {f} IS NOT NULL AND {f} NOT IN ('', '[]', 'other') THEN 1 ELSE 0 END)"
        for f in METADATA_FIELDS
    )
    rows = archive.conn.execute(
        f"SELECT d.id, d.path, COALESCE(x.words, 0) AS words, {filled} AS filled, "
        "COALESCE(d.date_written, d.date_published) AS date FROM documents d "
        "LEFT JOIN reuse_docs x ON x.document_id = d.id WHERE d.is_current = 1 ORDER BY d.path"
    )
    return [dict(r) for r in rows]


def put_works(archive: Archive, rows: list[tuple[str, str, str, int]]) -> None:
    """Replace the works: (document id, work, relation, preferred) for every current document."""
    with transaction(archive):
        archive.conn.execute("DELETE FROM reuse_works")
        archive.conn.executemany(
            "INSERT INTO reuse_works (document_id, work, relation, preferred) VALUES (?,?,?,?)", rows
        )


def works(archive: Archive) -> list[dict[str, Any]]:
    """Every current document with its work, relation and whether it is the preferred text."""
    rows = archive.conn.execute(
        "SELECT d.id, d.path, w.work, w.relation, w.preferred FROM documents d "
        "LEFT JOIN reuse_works w ON w.document_id = d.id WHERE d.is_current = 1 "
        "ORDER BY w.work IS NULL, w.work, w.preferred DESC, d.path"
    )
    return [dict(r) for r in rows]


def work_of(archive: Archive, document_id: str) -> str | None:
    row = archive.conn.execute("SELECT work FROM reuse_works WHERE document_id=?", (document_id,)).fetchone()
    return row[0] if row else None


def witnesses(archive: Archive, work: str) -> list[dict[str, Any]]:
    """The documents of a work, preferred first, with their metadata (as corrected) and provenance."""
    out = []
    for row in archive.conn.execute(
        "SELECT w.document_id, w.relation, w.preferred, COALESCE(x.words, 0) AS words, d.* FROM reuse_works w "
        "JOIN current_documents d ON d.id = w.document_id LEFT JOIN reuse_docs x ON x.document_id = w.document_id "
        "WHERE w.work=? ORDER BY w.preferred DESC, d.path",
        (work,),
    ):
        record = {k: row[k] for k in ("document_id", "relation", "preferred", "words", "path", "version")}
        record["metadata"] = {f: row[f] for f in METADATA_FIELDS}
        record["metadata"]["authors"] = json.loads(row["authors"]) if row["authors"] else []
        record["provenance"] = {
            p["field"]: p["origin"]
            for p in archive.conn.execute(
                "SELECT field, origin FROM provenance WHERE document_id=?", (row["document_id"],)
            )
        }
        out.append(record)
    return out


def pair(archive: Archive, a: str, b: str) -> dict[str, Any] | None:
    x, y = sorted((a, b))
    row = archive.conn.execute("SELECT * FROM reuse_pairs WHERE a=? AND b=?", (x, y)).fetchone()
    if row is None:
        return None
    out = dict(row)
    out["evidence"] = json.loads(out["evidence"]) if out.get("evidence") else None
    return out


def links(archive: Archive, document_id: str) -> list[dict[str, Any]]:
    """The passages of a document found in others, with both texts."""
    rows = archive.conn.execute(
        'SELECT l.*, substr(d.text, l.start + 1, l."end" - l.start) AS text, '
        "substr(o.text, l.other_start + 1, l.other_end - l.other_start) AS other_text, o.path AS other_path "
        "FROM reuse_links l JOIN documents d ON d.id = l.document_id JOIN documents o ON o.id = l.other_id "
        "WHERE l.document_id=? ORDER BY l.start, l.other_id",
        (document_id,),
    )
    return [dict(r) for r in rows]


def mark_compared(archive: Archive, ids: Iterable[str]) -> None:
    """The documents' comparisons are stored (inside the transaction that stores them)."""
    archive.conn.executemany("UPDATE reuse_docs SET compared=1 WHERE document_id=?", ((i,) for i in ids))


def uncompared(archive: Archive) -> list[str]:
    """Documents indexed by a run that stopped before their comparisons were stored."""
    return [r[0] for r in archive.conn.execute("SELECT document_id FROM reuse_docs WHERE compared=0")]


def indexed_count(archive: Archive) -> int:
    return int(archive.conn.execute("SELECT COUNT(*) FROM reuse_docs").fetchone()[0])

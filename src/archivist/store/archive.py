"""`Archive`: the one SQLite file that is the whole archive. All SQL lives in this package.

Writes come in batches, one transaction each, from one writer; a batch either lands whole or not
at all, so an interrupted ingest (Ctrl-C, kill -9) loses nothing already committed and a rerun
finishes the job without duplicates. Original bytes are kept zlib-compressed, addressed by
SHA-256, so every document can be rebuilt from the archive alone.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archivist.errors import StoreError
from archivist.model import EXTRACTOR_VERSION, METADATA_FIELDS, Document, Extraction, Part, Provenance
from archivist.store.schema import MIGRATIONS, SCHEMA_VERSION

DEFAULT_DB = "archive.db"


def pack_original(data: bytes) -> tuple[bytes, str]:
    """A file's bytes as the archive keeps them, and how: zlib where it saves space, else as they
    are. Pure, so the workers call it and the writer only stores the result."""
    packed = zlib.compress(data, 6)
    return (packed, "zlib") if len(packed) < len(data) else (data, "none")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(slots=True)
class BatchCounts:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # path, reason, message

    def add(self, other: BatchCounts) -> None:
        self.new += other.new
        self.changed += other.changed
        self.unchanged += other.unchanged
        self.failed += other.failed
        self.failures.extend(other.failures)


class Archive:
    """An archive file. Use as a context manager; `readonly=True` never creates or migrates."""

    def __init__(self, path: str | Path = DEFAULT_DB, readonly: bool = False) -> None:
        self.path = str(path)
        if readonly and not Path(self.path).exists():
            raise StoreError(
                f"{self.path}: no archive here; create one with `archivist ingest DIR --db {self.path}`"
            )
        uri = f"file:{Path(self.path).resolve()}?mode=ro" if readonly else None
        try:
            self.conn = sqlite3.connect(uri or self.path, uri=bool(uri), isolation_level=None, timeout=30)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys = ON")
            if not readonly:
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as err:
            raise StoreError(f"{self.path}: not an archivist archive ({err})") from err
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: archive schema {version} is newer than this archivist ({SCHEMA_VERSION}); upgrade it"
            )
        if version < SCHEMA_VERSION:
            if readonly:
                raise StoreError(
                    f"{self.path}: archive schema {version} needs migrating; open it read-write once"
                )
            self._migrate(version)

    def _migrate(self, version: int) -> None:
        for number in range(version, SCHEMA_VERSION):
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in MIGRATIONS[number]:
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {number + 1}")
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- runs ------------------------------------------------------------------------------------
    def begin_run(self, engine: str, inputs: list[str]) -> int:
        cursor = self.conn.execute(
            "INSERT INTO ingest_runs (started_at, status, engine, inputs, extractor_version) VALUES (?,?,?,?,?)",
            (_now(), "running", engine, json.dumps(inputs), EXTRACTOR_VERSION),
        )
        return int(cursor.lastrowid or 0)

    def finish_run(self, run_id: int, status: str, seen: int, counts: BatchCounts) -> None:
        self.conn.execute(
            """UPDATE ingest_runs SET finished_at=?, status=?, files_seen=?, files_new=?, files_changed=?,
               files_unchanged=?, files_failed=? WHERE id=?""",
            (_now(), status, seen, counts.new, counts.changed, counts.unchanged, counts.failed, run_id),
        )

    # -- the writer --------------------------------------------------------------------------------
    def unchanged_files(self, stats: Iterable[tuple[str, int, int]]) -> set[str]:
        """Paths whose (size, mtime) match what the archive holds, extracted by this version:
        the ingest skips them without reading a byte."""
        known: set[str] = set()
        query = """SELECT f.size, f.mtime_ns, f.status, d.extractor_version FROM files f
                   LEFT JOIN documents d ON d.id = f.document_id WHERE f.path = ?"""
        for path, size, mtime_ns in stats:
            row = self.conn.execute(query, (path,)).fetchone()
            if row is None or row["size"] != size or row["mtime_ns"] != mtime_ns:
                continue
            if row["status"] == "failed" or row["extractor_version"] == EXTRACTOR_VERSION:
                known.add(path)
        return known

    def touch_files(self, run_id: int, paths: Iterable[str]) -> None:
        self.conn.executemany("UPDATE files SET last_run=? WHERE path=?", [(run_id, p) for p in paths])

    def write_batch(self, run_id: int, extractions: list[Extraction], mtimes: dict[str, int]) -> BatchCounts:
        """Store a batch of extractions in one transaction (all or nothing)."""
        counts = BatchCounts()
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            for extraction in extractions:
                self._write_one(run_id, extraction, mtimes.get(extraction.file.path), counts)
            self.conn.execute("COMMIT")
        except BaseException:
            # Ctrl-C can land just after COMMIT: there is then nothing left to roll back.
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        return counts

    def _write_one(self, run_id: int, ex: Extraction, mtime_ns: int | None, counts: BatchCounts) -> None:
        f = ex.file
        self._put_blob(f.sha256, f.size, ex.compression, ex.original)
        current = self.conn.execute(
            "SELECT f.sha256, f.status, f.document_id, d.extractor_version FROM files f "
            "LEFT JOIN documents d ON d.id = f.document_id WHERE f.path=?",
            (f.path,),
        ).fetchone()
        same_bytes = current is not None and current["sha256"] == f.sha256
        if (
            same_bytes
            and (current["status"] == "failed") == (not ex.ok)
            and (not ex.ok or current["extractor_version"] == EXTRACTOR_VERSION)
        ):
            self.conn.execute(
                "UPDATE files SET last_run=?, mtime_ns=? WHERE path=?", (run_id, mtime_ns, f.path)
            )
            counts.unchanged += 1
            if not ex.ok:
                counts.failed += 1
                counts.failures.append((f.path, ex.failure or "failed", ex.failure_detail or ""))
            return
        if current is None:
            counts.new += 1
        elif not same_bytes:
            counts.changed += 1
        if not same_bytes:
            last = self.conn.execute(
                "SELECT MAX(version) FROM file_versions WHERE path=?", (f.path,)
            ).fetchone()[0]
            self.conn.execute(
                "INSERT OR IGNORE INTO file_versions (path, version, sha256, run_id, seen_at) VALUES (?,?,?,?,?)",
                (f.path, (last or 0) + 1, f.sha256, run_id, _now()),
            )
        document_id = None
        if ex.document is not None:
            self._put_document(run_id, ex.document, f.sha256)
            document_id = ex.document.id
            self.conn.execute("DELETE FROM failures WHERE path=?", (f.path,))
        else:
            counts.failed += 1
            counts.failures.append((f.path, ex.failure or "failed", ex.failure_detail or ""))
            self.conn.execute(
                "INSERT OR REPLACE INTO failures (path, sha256, reason, message, run_id, at) VALUES (?,?,?,?,?,?)",
                (f.path, f.sha256, ex.failure or "failed", ex.failure_detail or "", run_id, _now()),
            )
        self.conn.execute(
            """INSERT INTO files (path, sha256, size, mtime_ns, format, encoding, status, document_id,
                                  first_run, last_run)
               VALUES (?,?,?,?,?,?,?,?,?,?)
               ON CONFLICT(path) DO UPDATE SET sha256=excluded.sha256, size=excluded.size,
                 mtime_ns=excluded.mtime_ns, format=excluded.format, encoding=excluded.encoding,
                 status=excluded.status, document_id=excluded.document_id, last_run=excluded.last_run""",
            (f.path, f.sha256, f.size, mtime_ns, f.format, f.encoding, "ok" if ex.ok else "failed",
             document_id, run_id, run_id),
        )  # fmt: skip
        if current is not None and current["document_id"] and current["document_id"] != document_id:
            # The old version stays in the archive, marked as no longer current at any path.
            self.conn.execute(
                "UPDATE documents SET is_current = EXISTS (SELECT 1 FROM files WHERE document_id = documents.id) "
                "WHERE id=?",
                (current["document_id"],),
            )

    def _put_blob(self, sha256: str, size: int, compression: str, payload: bytes) -> None:
        if self.conn.execute("SELECT 1 FROM blobs WHERE sha256=?", (sha256,)).fetchone():
            return
        self.conn.execute(
            "INSERT INTO blobs (sha256, size, compression, data) VALUES (?,?,?,?)",
            (sha256, size, compression, payload),
        )

    def _put_document(self, run_id: int, doc: Document, sha256: str) -> None:
        for table in ("parts", "provenance", "document_authors"):
            self.conn.execute(f"DELETE FROM {table} WHERE document_id=?", (doc.id,))
        columns = ["id", "sha256", "path", *METADATA_FIELDS, "format", "encoding", "text", "is_current",
                   "extractor_version", "run_id"]  # fmt: skip
        values: list[Any] = [doc.id, sha256, doc.path]
        for name in METADATA_FIELDS:
            value = getattr(doc, name)
            values.append(json.dumps(value, ensure_ascii=False) if name == "authors" else value)
        values += [doc.format, doc.encoding, doc.text, 1, EXTRACTOR_VERSION, run_id]
        placeholders = ",".join("?" for _ in columns)
        quoted = ",".join(f'"{c}"' for c in columns)
        self.conn.execute(f"INSERT OR REPLACE INTO documents ({quoted}) VALUES ({placeholders})", values)
        self.conn.executemany(
            "INSERT INTO document_authors (document_id, position, name) VALUES (?,?,?)",
            [(doc.id, i, name) for i, name in enumerate(doc.authors)],
        )
        self.conn.executemany(
            'INSERT INTO parts (document_id, seq, kind, start, "end", author, date, place, title) '
            "VALUES (?,?,?,?,?,?,?,?,?)",
            [
                (doc.id, i, p.kind, p.start, p.end, p.author, p.date, p.place, p.title)
                for i, p in enumerate(doc.parts)
            ],
        )
        self.conn.executemany(
            "INSERT INTO provenance (document_id, field, origin, raw, confidence) VALUES (?,?,?,?,?)",
            [(doc.id, name, p.origin, p.raw, p.confidence) for name, p in doc.provenance.items()],
        )

    # -- reading -----------------------------------------------------------------------------------
    def document(self, document_id: str) -> Document | None:
        row = self.conn.execute("SELECT * FROM documents WHERE id=?", (document_id,)).fetchone()
        return self._document_from_row(row) if row else None

    def document_at(self, path: str) -> Document | None:
        """The current document of a file path (exact, or the only path ending with it)."""
        row = self.conn.execute("SELECT document_id FROM files WHERE path=?", (path,)).fetchone()
        if row is None:
            rows = self.conn.execute(
                "SELECT document_id FROM files WHERE path LIKE ? ESCAPE '\\' LIMIT 2",
                ("%" + path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"),),
            ).fetchall()
            row = rows[0] if len(rows) == 1 else None
        return self.document(row["document_id"]) if row and row["document_id"] else None

    def documents(self, current_only: bool = True) -> Iterator[Document]:
        where = "WHERE is_current=1" if current_only else ""
        for row in self.conn.execute(f"SELECT * FROM documents {where} ORDER BY path, id"):
            yield self._document_from_row(row)

    def _document_from_row(self, row: sqlite3.Row) -> Document:
        record = {name: row[name] for name in METADATA_FIELDS}
        record["authors"] = json.loads(row["authors"])
        parts = [
            Part(
                kind=p["kind"],
                start=p["start"],
                end=p["end"],
                author=p["author"],
                date=p["date"],
                place=p["place"],
                title=p["title"],
            )
            for p in self.conn.execute("SELECT * FROM parts WHERE document_id=? ORDER BY seq", (row["id"],))
        ]
        provenance = {
            p["field"]: Provenance(origin=p["origin"], raw=p["raw"], confidence=p["confidence"])
            for p in self.conn.execute("SELECT * FROM provenance WHERE document_id=?", (row["id"],))
        }
        return Document(path=row["path"], id=row["id"], text=row["text"], parts=parts, provenance=provenance,
                        format=row["format"], encoding=row["encoding"], **record)  # fmt: skip

    def original_bytes(self, sha256_or_id: str) -> bytes:
        row = self.conn.execute(
            "SELECT compression, data FROM blobs WHERE sha256=? OR substr(sha256,1,16)=?",
            (sha256_or_id, sha256_or_id),
        ).fetchone()
        if row is None:
            raise StoreError(f"{self.path}: no stored original {sha256_or_id}")
        return zlib.decompress(row["data"]) if row["compression"] == "zlib" else bytes(row["data"])

    def failures(self) -> list[dict[str, Any]]:
        rows = self.conn.execute("SELECT path, reason, message, run_id, at FROM failures ORDER BY path")
        return [dict(r) for r in rows]

    def runs(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.conn.execute("SELECT * FROM ingest_runs ORDER BY id")]

    def storage(self) -> dict[str, Any]:
        """What the archive costs on disk: bytes in all (file and WAL, after a checkpoint), bytes
        by table and index where SQLite has the dbstat table, characters of text."""
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        tables: dict[str, int] = {}
        try:
            for name, size in self.conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"):
                base = re.sub(r"^sqlite_autoindex_(\w+?)_\d+$", r"\1 (index)", name)
                tables[base] = tables.get(base, 0) + int(size)
        except sqlite3.OperationalError:  # SQLite built without dbstat
            pass
        text_chars = self.conn.execute("SELECT COALESCE(SUM(length(text)), 0) FROM documents").fetchone()[0]
        path = Path(self.path)
        size = path.stat().st_size + sum(p.stat().st_size for p in path.parent.glob(path.name + "-*"))
        return {"bytes": size, "by_table": dict(sorted(tables.items(), key=lambda kv: -kv[1])),
                "text_chars": text_chars}  # fmt: skip

    def trial_fulltext_index(self) -> dict[str, Any]:
        """Build an FTS5 index over titles and texts, measure it (bytes, seconds) and drop it: what
        search inside SQLite would cost, for capacity planning (docs/scaling.md)."""
        started = time.perf_counter()
        self.conn.execute(
            "CREATE VIRTUAL TABLE trial_fts USING fts5(title, text, content='documents', content_rowid='rowid')"
        )
        self.conn.execute("INSERT INTO trial_fts(trial_fts) VALUES('rebuild')")
        seconds = time.perf_counter() - started
        size = self.conn.execute("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'trial_fts%'").fetchone()[0]
        documents = self.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        self.conn.execute("DROP TABLE trial_fts")
        return {"bytes": int(size or 0), "seconds": round(seconds, 2), "documents": documents}

    def stats(self) -> dict[str, Any]:
        """Counts a historian wants first: what is in the archive and what failed."""
        one = self.conn.execute
        by = lambda sql: {str(k): v for k, v in one(sql).fetchall()}  # noqa: E731
        return {
            "documents": one("SELECT COUNT(*) FROM documents WHERE is_current=1").fetchone()[0],
            "document_versions": one("SELECT COUNT(*) FROM documents").fetchone()[0],
            "files": one("SELECT COUNT(*) FROM files").fetchone()[0],
            "failures": one("SELECT COUNT(*) FROM failures").fetchone()[0],
            "originals_bytes": one("SELECT COALESCE(SUM(size),0) FROM blobs").fetchone()[0],
            "parts": one("SELECT COUNT(*) FROM parts").fetchone()[0],
            "by_source": by(
                "SELECT CASE WHEN instr(substr(path, instr(path,'/')+1), '/') > 0 THEN "
                "substr(path, 1, instr(path,'/') + instr(substr(path, instr(path,'/')+1), '/') - 1) "
                "ELSE substr(path, 1, instr(path,'/') - 1) END AS s, COUNT(*) FROM files GROUP BY s ORDER BY 2 DESC"
            ),
            "by_format": by("SELECT COALESCE(format,'?'), COUNT(*) FROM files GROUP BY 1 ORDER BY 2 DESC"),
            "by_language": by(
                "SELECT COALESCE(language,'?'), COUNT(*) FROM documents WHERE is_current=1 GROUP BY 1 ORDER BY 2 DESC"
            ),
            "by_type": by(
                "SELECT doc_type, COUNT(*) FROM documents WHERE is_current=1 GROUP BY 1 ORDER BY 2 DESC"
            ),
            "by_decade": by(
                "SELECT substr(COALESCE(date_written, date_published),1,3) || '0s', COUNT(*) FROM documents "
                "WHERE is_current=1 AND COALESCE(date_written, date_published) GLOB '[0-9][0-9][0-9]*' "
                "GROUP BY 1 ORDER BY 1"
            ),
            "top_authors": by(
                "SELECT a.name, COUNT(*) FROM document_authors a JOIN documents d ON d.id=a.document_id "
                "WHERE d.is_current=1 GROUP BY a.name ORDER BY 2 DESC, 1 LIMIT 15"
            ),
            "failure_reasons": by("SELECT reason, COUNT(*) FROM failures GROUP BY reason ORDER BY 2 DESC"),
        }

"""`Archive`: the one SQLite file that is the whole archive. All SQL lives in this package.

Writes come in batches, one transaction each, from one writer; a batch either lands whole or not
at all, so an interrupted ingest (Ctrl-C, kill -9) loses nothing already committed and a rerun
finishes the job without duplicates. Original bytes are kept zlib-compressed, addressed by
SHA-256, so every document can be rebuilt from the archive alone.
"""

from __future__ import annotations

import json
import os
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
from archivist.model import (
    DOC_TYPES,
    EXTRACTOR_VERSION,
    METADATA_FIELDS,
    PART_KINDS,
    Correction,
    Document,
    Extraction,
    Part,
    Provenance,
    Span,
)
from archivist.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

EXTRACTOR_LAYERS = ("parts", "header")  # the layers the extractor writes; stages write others

DEFAULT_DB = "archive.db"
# How long to wait for another process's write lock before saying so (ARCHIVIST_LOCK_TIMEOUT).
LOCK_SECONDS = float(os.environ.get("ARCHIVIST_LOCK_TIMEOUT", "30"))


# The originals are deflated at level 2, not zlib's default 6: a third of the time for originals 12%
# larger. ISA-L's deflate (the `isal` package) writes the same zlib format, which the standard
# library reads back, in about a quarter of zlib's time at its level 2 and no larger (0.07 against
# 0.27 ms for the corpus's 25 KB pages, 40.5% against 40.7% of their size); without its wheel, zlib.
try:
    from isal import isal_zlib as _deflate
except ImportError:  # pragma: no cover - a platform without the wheel
    _deflate = zlib  # type: ignore[no-redef,misc]
ORIGINAL_LEVEL = 2


def pack_original(data: bytes) -> tuple[bytes, str]:
    """A file's bytes as the archive keeps them, and how: the zlib format where it saves space, else
    as they are. Pure, so the workers call it and the writer only stores the result."""
    packed = _deflate.compress(data, ORIGINAL_LEVEL)
    return (packed, "zlib") if len(packed) < len(data) else (data, "none")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def explain_error(err: sqlite3.DatabaseError) -> str:
    """SQLite's error in words a user can act on."""
    text = str(err)
    if "not a database" in text or "malformed" in text:
        return f"not an archive, or a damaged one ({text}); restore it from a copy or give --db a new file"
    if "locked" in text or "busy" in text:
        return (
            f"the archive is busy: another process holds its write lock ({text}); try again when it is done"
        )
    if "disk is full" in text or "disk I/O" in text:
        return f"cannot write: {text}; free some space and run the same command again (nothing committed is lost)"
    if "readonly" in text or "read-only" in text:
        return f"cannot write: the archive or its folder is read-only ({text})"
    return text


def _same_file(a: str, b: str) -> bool:
    try:
        return Path(a).samefile(b)
    except OSError:
        return False


def _find_part(doc: Document, kind: str | None, quote: str | None) -> int | None:
    """The part a correction was made on: the same kind and text, else the same text, else the
    part of that kind that holds the text (the file was edited around it)."""
    if quote is None:
        return None
    for test in (
        lambda p: p.kind == kind and doc.part_text(p) == quote,
        lambda p: doc.part_text(p) == quote,
        lambda p: p.kind == kind and quote in doc.part_text(p),
    ):
        for i, part in enumerate(doc.parts):
            if test(part):
                return i
    return None


def _nearest(text: str, needle: str, around: int) -> int | None:
    """The occurrence of `needle` in `text` closest to offset `around`."""
    best, pos = None, text.find(needle)
    while pos >= 0:
        if best is None or abs(pos - around) < abs(best - around):
            best = pos
        pos = text.find(needle, pos + 1)
    return best


def _attrs(values: dict[str, Any]) -> str | None:
    return json.dumps(values, ensure_ascii=False, sort_keys=True) if values else None


_EDTF = re.compile(r"[0-9X]{4}(-[0-9X]{2}(-[0-9X]{2})?)?[~?%]?(/[0-9X]{4}(-[0-9X]{2}(-[0-9X]{2})?)?[~?%]?)?")


def field_value_from_text(field: str, value: str) -> Any:
    """A field's value as a person types it (command line, reading-room form), in the field's own
    shape: authors separated by ';' (or a JSON list), empty or `null` clears, dates ISO 8601 / EDTF.
    Raises ValueError with a line that says what is expected."""
    if field == "authors":
        if value.strip().startswith("["):
            try:
                parsed = json.loads(value)
            except json.JSONDecodeError:
                parsed = None
            if not isinstance(parsed, list) or not all(isinstance(v, str) for v in parsed):
                raise ValueError("authors: a JSON list of names, or names separated by ';'")
            return parsed
        return [v.strip() for v in value.split(";") if v.strip()]
    value = value.strip()
    if value in ("", "null", "none", "None"):
        return None
    if field in ("date_written", "date_published") and not _EDTF.fullmatch(value):
        raise ValueError(
            f"{field}: an ISO 8601 / EDTF date such as 1939-09-14, 1933-03, 1917, 1917-03/1917-04"
        )
    return value


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
    """An archive file. Use as a context manager; `readonly=True` never creates or migrates, and
    reads archives in read-only folders too."""

    def __init__(self, path: str | Path = DEFAULT_DB, readonly: bool = False) -> None:
        self.path = str(path)
        self.readonly = readonly
        file = Path(self.path)
        if readonly and not file.exists():
            raise StoreError(
                f"{self.path}: no archive here; create one with `archivist ingest DIR --db {self.path}`"
            )
        if file.is_dir():
            raise StoreError(f"{self.path}: is a folder, not an archive file")
        existed = file.exists() and file.stat().st_size > 0
        try:
            self.conn = self._connect(readonly)
            self._check(existed)
            if not readonly:
                self._set_wal()
                self.conn.execute("PRAGMA synchronous = NORMAL")
                self._migrate()
        except sqlite3.DatabaseError as err:
            raise StoreError(f"{self.path}: {explain_error(err)}") from err
        if self.schema_version < SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: archive schema {self.schema_version} needs migrating; open it read-write once"
            )

    def _connect(self, readonly: bool) -> sqlite3.Connection:
        resolved = Path(self.path).resolve()
        if not readonly:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=LOCK_SECONDS)
        else:
            conn = sqlite3.connect(
                f"file:{resolved}?mode=ro", uri=True, isolation_level=None, timeout=LOCK_SECONDS
            )
            try:
                conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            except sqlite3.OperationalError:
                # A WAL archive in a read-only folder: SQLite cannot make its -shm file there, so the
                # file is read as it stands (immutable), which is exact once no writer is running.
                conn.close()
                conn = sqlite3.connect(f"file:{resolved}?immutable=1", uri=True, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    def _set_wal(self) -> None:
        """Switch to WAL. The switch needs the file to itself and SQLite does not wait for that
        (no busy handler), so a process opening the archive while another creates it retries, up
        to the lock wait."""
        deadline = time.monotonic() + LOCK_SECONDS
        while True:
            try:
                self.conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _check(self, existed: bool) -> None:
        """Refuse a file that is not an archivist archive, or one newer than this code, before
        anything (even the journal mode) is changed in it."""
        app_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if app_id not in (0, APPLICATION_ID):
            raise StoreError(
                f"{self.path}: not an archivist archive (another application's SQLite file); left unchanged"
            )
        if app_id == 0 and existed:
            tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if tables and not {"blobs", "files", "ingest_runs"} <= tables:
                raise StoreError(
                    f"{self.path}: not an archivist archive (it holds other tables: "
                    f"{', '.join(sorted(tables)[:5])}); left unchanged — give --db a new file"
                )
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: archive schema {version} is newer than this archivist ({SCHEMA_VERSION}); upgrade it"
            )

    def _migrate(self) -> None:
        """Bring the schema up to date under the write lock, taken first: two processes creating
        the same new archive wait for each other instead of racing."""
        if self.schema_version >= SCHEMA_VERSION and self._application_id() == APPLICATION_ID:
            return
        # Foreign keys off while tables are rebuilt (SQLite's procedure for schema changes), and
        # checked whole before the commit.
        self.conn.execute("PRAGMA foreign_keys = OFF")
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            version = self.schema_version
            for number in range(version, SCHEMA_VERSION):
                migration = MIGRATIONS[number]
                if callable(migration):
                    migration(self.conn)
                    self.conn.row_factory = sqlite3.Row
                else:
                    for statement in migration:
                        self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {number + 1}")
            self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            broken = self.conn.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise StoreError(
                    f"{self.path}: migration left {len(broken)} broken references; nothing was changed"
                )
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        finally:
            self.conn.execute("PRAGMA foreign_keys = ON")

    def _application_id(self) -> int:
        return int(self.conn.execute("PRAGMA application_id").fetchone()[0])

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- runs and collections -----------------------------------------------------------------------
    def begin_run(self, engine: str, inputs: list[str]) -> int:
        cursor = self.conn.execute(
            "INSERT INTO ingest_runs (started_at, status, engine, inputs, extractor_version) VALUES (?,?,?,?,?)",
            (_now(), "running", engine, json.dumps(inputs), EXTRACTOR_VERSION),
        )
        return int(cursor.lastrowid or 0)

    def finish_run(
        self, run_id: int, status: str, seen: int, counts: BatchCounts, skipped: dict[str, Any] | None = None
    ) -> None:
        self.conn.execute(
            """UPDATE ingest_runs SET finished_at=?, status=?, files_seen=?, files_new=?, files_changed=?,
               files_unchanged=?, files_failed=?, skipped=? WHERE id=?""",
            (_now(), status, seen, counts.new, counts.changed, counts.unchanged, counts.failed,
             json.dumps(skipped or {}), run_id),
        )  # fmt: skip

    def claim_collection(self, name: str, root: str) -> None:
        """Record that collection `name` is read from folder `root`. A name already given to
        another folder that still exists is refused (two folders named alike would overwrite each
        other's documents); a folder that moved keeps its name, and so its documents' keys."""
        row = self.conn.execute("SELECT root FROM collections WHERE name=?", (name,)).fetchone()
        if (
            row is not None
            and row["root"] != root
            and Path(row["root"]).exists()
            and not _same_file(row["root"], root)
        ):
            raise StoreError(
                f"{root}: the collection name {name!r} already belongs to {row['root']} in {self.path}; "
                f"name this one with --collection NAME (or ingest {row['root']} again to update it)"
            )
        self.conn.execute(
            "INSERT INTO collections (name, root, last_seen) VALUES (?,?,?) "
            "ON CONFLICT(name) DO UPDATE SET root=excluded.root, last_seen=excluded.last_seen",
            (name, root, _now()),
        )

    def collections(self) -> list[dict[str, Any]]:
        return [
            dict(r)
            for r in self.conn.execute(
                "SELECT c.name, c.root, c.last_seen, (SELECT COUNT(*) FROM documents d WHERE d.collection=c.name "
                "AND d.is_current=1) AS documents FROM collections c ORDER BY c.name"
            )
        ]

    # -- the writer --------------------------------------------------------------------------------
    def unchanged_files(self, stats: Iterable[tuple[str, int, int]]) -> set[str]:
        """Paths whose (size, mtime) match what the archive holds, extracted by this version:
        the ingest skips them without reading a byte."""
        known: set[str] = set()
        query = """SELECT f.size, f.mtime_ns, f.status, d.extractor_version, d.status AS doc_status FROM files f
                   LEFT JOIN documents d ON d.id = f.document_id WHERE f.path = ?"""
        for path, size, mtime_ns in stats:
            row = self.conn.execute(query, (path,)).fetchone()
            if row is None or row["size"] != size or row["mtime_ns"] != mtime_ns:
                continue
            if row["status"] == "failed" or (
                row["extractor_version"] == EXTRACTOR_VERSION and row["doc_status"] == "current"
            ):
                known.add(path)
        return known

    def count_failed(self, paths: Iterable[str]) -> int:
        return sum(
            1
            for p in paths
            if (r := self.conn.execute("SELECT status FROM files WHERE path=?", (p,)).fetchone())
            and r[0] == "failed"
        )

    def touch_files(self, run_id: int, paths: Iterable[str]) -> None:
        self.conn.executemany("UPDATE files SET last_run=? WHERE path=?", [(run_id, p) for p in paths])

    def withdraw_missing(self, run_id: int, collection: str, present: set[str]) -> int:
        """Documents of `collection` whose file was not found: withdrawn (kept, with their
        history and corrections, but no longer current). Returns how many."""
        gone = [
            r["id"]
            for r in self.conn.execute(
                "SELECT id, path FROM documents WHERE collection=? AND status='current'", (collection,)
            )
            if r["path"] not in present
        ]
        if gone:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.executemany(
                "UPDATE documents SET is_current=0, status='withdrawn', withdrawn_run=? WHERE id=?",
                [(run_id, i) for i in gone],
            )
            self.conn.executemany(
                "UPDATE files SET status='withdrawn' WHERE document_id=?", [(i,) for i in gone]
            )
            self.conn.execute("COMMIT")
        return len(gone)

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
            "SELECT f.sha256, f.status, f.document_id, d.extractor_version, d.status AS doc_status FROM files f "
            "LEFT JOIN documents d ON d.id = f.document_id WHERE f.path=?",
            (f.path,),
        ).fetchone()
        same_bytes = current is not None and current["sha256"] == f.sha256
        if (
            same_bytes
            and (current["status"] == "failed") == (not ex.ok)
            and (
                not ex.ok
                or (current["extractor_version"] == EXTRACTOR_VERSION and current["doc_status"] == "current")
            )
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
        else:  # the same bytes read again by a newer extractor
            counts.unchanged += 1
        if not same_bytes and f.size:
            last = self.conn.execute(
                "SELECT MAX(version) FROM file_versions WHERE path=?", (f.path,)
            ).fetchone()[0]
            self.conn.execute(
                "INSERT OR IGNORE INTO file_versions (path, version, sha256, run_id, seen_at) VALUES (?,?,?,?,?)",
                (f.path, (last or 0) + 1, f.sha256, run_id, _now()),
            )
        document_id = current["document_id"] if current is not None else None
        if ex.document is not None:
            self._put_document(run_id, ex.document, f.sha256, f.warnings)
            document_id = ex.document.id
            self.conn.execute("DELETE FROM failures WHERE path=?", (f.path,))
        else:
            counts.failed += 1
            counts.failures.append((f.path, ex.failure or "failed", ex.failure_detail or ""))
            self.conn.execute(
                "INSERT OR REPLACE INTO failures (path, sha256, reason, message, run_id, at) VALUES (?,?,?,?,?,?)",
                (f.path, f.sha256, ex.failure or "failed", ex.failure_detail or "", run_id, _now()),
            )
            if document_id is not None:
                # The last good version stays readable by its id, but is no longer current.
                self.conn.execute(
                    "UPDATE documents SET is_current=0, status='failed' WHERE id=?", (document_id,)
                )
        self.conn.execute(
            """INSERT INTO files (path, collection, sha256, size, mtime_ns, format, encoding, status, document_id,
                                  first_run, last_run)
               VALUES (?,?,?,?,?,?,?,?,?,?,?)
               ON CONFLICT(path) DO UPDATE SET sha256=excluded.sha256, size=excluded.size,
                 mtime_ns=excluded.mtime_ns, format=excluded.format, encoding=excluded.encoding,
                 status=excluded.status, document_id=excluded.document_id, last_run=excluded.last_run""",
            (f.path, f.path.split("/", 1)[0], f.sha256, f.size, mtime_ns, f.format, f.encoding,
             "ok" if ex.ok else "failed", document_id, run_id, run_id),
        )  # fmt: skip

    def _put_blob(self, sha256: str, size: int, compression: str, payload: bytes) -> None:
        if self.conn.execute("SELECT 1 FROM blobs WHERE sha256=?", (sha256,)).fetchone():
            return
        self.conn.execute(
            "INSERT INTO blobs (sha256, size, compression, data) VALUES (?,?,?,?)",
            (sha256, size, compression, payload),
        )

    def _put_document(self, run_id: int, doc: Document, sha256: str, warnings: list[str]) -> None:
        """Upsert the document's current version in place (its row, and so its rowid and the rows
        that hang on its id, stay); the version it replaces is kept whole in `versions`."""
        version = doc.version or sha256[:16]
        before = self.conn.execute("SELECT version, text FROM documents WHERE id=?", (doc.id,)).fetchone()
        if before is not None and before["version"] != version:
            old = self._document_from_row(
                self.conn.execute("SELECT * FROM documents WHERE id=?", (doc.id,)).fetchone()
            )
            old.status = "superseded"
            self.conn.execute(
                "UPDATE versions SET record=?, superseded_at=? WHERE document_id=? AND version=?",
                (json.dumps(old.to_record(), ensure_ascii=False), _now(), doc.id, before["version"]),
            )
        columns = ["id", "collection", "path", "version", "sha256", *METADATA_FIELDS, "format", "encoding",
                   "warnings", "text", "is_current", "status", "extractor_version", "run_id", "first_run",
                   "withdrawn_run"]  # fmt: skip
        values: list[Any] = [doc.id, doc.collection, doc.path, version, sha256]
        for name in METADATA_FIELDS:
            value = getattr(doc, name)
            values.append(json.dumps(value, ensure_ascii=False) if name == "authors" else value)
        values += [doc.format, doc.encoding, json.dumps(warnings) if warnings else None, doc.text, 1, "current",
                   EXTRACTOR_VERSION, run_id, run_id, None]  # fmt: skip
        quoted = ",".join(f'"{c}"' for c in columns)
        updates = ",".join(f'"{c}"=excluded."{c}"' for c in columns if c not in ("id", "first_run"))
        self.conn.execute(
            f"INSERT INTO documents ({quoted}) VALUES ({','.join('?' * len(columns))}) "
            f"ON CONFLICT(id) DO UPDATE SET {updates}",
            values,
        )
        seq = self.conn.execute(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM versions WHERE document_id=?", (doc.id,)
        ).fetchone()[0]
        self.conn.execute(
            "INSERT INTO versions (document_id, version, sha256, seq, run_id, extractor_version, seen_at) "
            "VALUES (?,?,?,?,?,?,?) ON CONFLICT(document_id, version) DO UPDATE SET record=NULL, superseded_at=NULL, "
            "extractor_version=excluded.extractor_version",
            (doc.id, version, sha256, seq, run_id, EXTRACTOR_VERSION, _now()),
        )
        for table in ("provenance", "document_authors"):
            self.conn.execute(f"DELETE FROM {table} WHERE document_id=?", (doc.id,))
        if before is not None and before["text"] != doc.text:
            # Offsets of every other layer pointed into the old text: those stages run again.
            self.conn.execute("DELETE FROM spans WHERE document_id=?", (doc.id,))
            self.conn.execute("DELETE FROM stage_runs WHERE document_id=?", (doc.id,))
        else:
            self.conn.execute(
                f"DELETE FROM spans WHERE document_id=? AND layer IN ({','.join('?' * len(EXTRACTOR_LAYERS))})",
                (doc.id, *EXTRACTOR_LAYERS),
            )
            self.conn.execute("UPDATE spans SET version=? WHERE document_id=?", (version, doc.id))
            self.conn.execute("UPDATE stage_runs SET version=? WHERE document_id=?", (version, doc.id))
        self.conn.executemany(
            "INSERT INTO document_authors (document_id, position, name) VALUES (?,?,?)",
            [(doc.id, i, name) for i, name in enumerate(doc.authors)],
        )
        agent = f"extractor@{EXTRACTOR_VERSION}"
        part_spans = [
            Span("parts", p.kind, p.start, p.end,
                 {k: v for k in ("author", "date", "place", "title") if (v := getattr(p, k)) is not None}, agent)
            for p in doc.parts
        ]  # fmt: skip
        self._insert_spans(
            doc.id, version, [*part_spans, *(s for s in doc.spans if s.layer in EXTRACTOR_LAYERS)]
        )
        self.conn.executemany(
            "INSERT INTO provenance (document_id, field, origin, raw, confidence) VALUES (?,?,?,?,?)",
            [(doc.id, name, p.origin, p.raw, p.confidence) for name, p in doc.provenance.items()],
        )

    def _insert_spans(self, document_id: str, version: str, spans: Iterable[Span]) -> int:
        seqs: dict[str, int] = {}
        rows = []
        for span in spans:
            seq = seqs.get(span.layer, 0)
            seqs[span.layer] = seq + 1
            rows.append((document_id, version, span.layer, seq, span.kind, span.start, span.end, _attrs(span.attrs),
                         span.agent, span.confidence))  # fmt: skip
        self.conn.executemany(
            'INSERT INTO spans (document_id, version, layer, seq, kind, start, "end", attrs, agent, confidence) '
            "VALUES (?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        return len(rows)

    # -- reading -----------------------------------------------------------------------------------
    def document(self, ref: str, corrected: bool = True) -> Document | None:
        """A document by its stable id, or by a version id (an older version comes back as it
        was, marked superseded). Corrections are applied unless `corrected=False`."""
        row = self.conn.execute("SELECT * FROM documents WHERE id=?", (ref,)).fetchone()
        if row is None:
            row = self.conn.execute("SELECT * FROM documents WHERE version=?", (ref,)).fetchone()
        if row is not None:
            doc = self._document_from_row(row)
            return self._apply_corrections(doc) if corrected else doc
        old = self.conn.execute(
            "SELECT record FROM versions WHERE version=? AND record IS NOT NULL", (ref,)
        ).fetchone()
        return Document.from_record(json.loads(old["record"])) if old else None

    def matching_paths(self, path: str, limit: int = 50) -> list[str]:
        """Keys equal to `path`, or else ending with it at a folder boundary."""
        if self.conn.execute("SELECT 1 FROM documents WHERE path=?", (path,)).fetchone():
            return [path]
        pattern = "%/" + path.lstrip("/").replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self.conn.execute(
            "SELECT path FROM documents WHERE path LIKE ? ESCAPE '\\' ORDER BY is_current DESC, path LIMIT ?",
            (pattern, limit),
        )
        return [r[0] for r in rows]

    def document_at(self, path: str) -> Document | None:
        """The document of a file path (exact, or the only key ending with it)."""
        matches = self.matching_paths(path, limit=2)
        if len(matches) != 1:
            return None
        row = self.conn.execute("SELECT id FROM documents WHERE path=?", (matches[0],)).fetchone()
        return self.document(row["id"]) if row else None

    def documents(self, current_only: bool = True, corrected: bool = True) -> Iterator[Document]:
        where = "WHERE is_current=1" if current_only else ""
        for row in self.conn.execute(f"SELECT * FROM documents {where} ORDER BY path").fetchall():
            doc = self._document_from_row(row)
            yield self._apply_corrections(doc) if corrected else doc

    def versions(self, document_id: str) -> list[dict[str, Any]]:
        """Every version of a document, oldest first: its id, bytes, when seen, whether current."""
        return [
            dict(r)
            for r in self.conn.execute(
                "SELECT v.version, v.sha256, v.seq, v.run_id, v.seen_at, v.superseded_at, v.extractor_version, "
                "v.record IS NULL AND d.version = v.version AS current FROM versions v "
                "JOIN documents d ON d.id = v.document_id WHERE v.document_id=? ORDER BY v.seq",
                (document_id,),
            )
        ]

    def _document_from_row(self, row: sqlite3.Row) -> Document:
        record = {name: row[name] for name in METADATA_FIELDS}
        record["authors"] = json.loads(row["authors"])
        spans = [
            Span(s["layer"], s["kind"], s["start"], s["end"], json.loads(s["attrs"]) if s["attrs"] else {},
                 s["agent"], s["confidence"])
            for s in self.conn.execute(
                "SELECT * FROM spans WHERE document_id=? ORDER BY layer, seq", (row["id"],)
            )
        ]  # fmt: skip
        parts = [
            Part(kind=s.kind, start=s.start, end=s.end, author=s.attrs.get("author"), date=s.attrs.get("date"),
                 place=s.attrs.get("place"), title=s.attrs.get("title"))
            for s in spans if s.layer == "parts"
        ]  # fmt: skip
        provenance = {
            p["field"]: Provenance(origin=p["origin"], raw=p["raw"], confidence=p["confidence"])
            for p in self.conn.execute("SELECT * FROM provenance WHERE document_id=?", (row["id"],))
        }
        return Document(path=row["path"], id=row["id"], text=row["text"], parts=parts, provenance=provenance,
                        format=row["format"], encoding=row["encoding"], version=row["version"],
                        spans=[s for s in spans if s.layer != "parts"], status=row["status"],
                        **record)  # fmt: skip

    def original_bytes(self, ref: str) -> bytes:
        """The original bytes of a file: by SHA-256, by a version id, or by a document id (its
        current version)."""
        row = self.conn.execute(
            "SELECT compression, data FROM blobs WHERE sha256 = COALESCE("
            "(SELECT sha256 FROM documents WHERE id=?), (SELECT sha256 FROM versions WHERE version=? LIMIT 1), ?)",
            (ref, ref, ref),
        ).fetchone()
        if row is None:
            raise StoreError(f"{self.path}: no stored original for {ref!r}")
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

    # -- corrections -----------------------------------------------------------------------------------
    def correct_field(
        self, document_id: str, field: str, value: Any, author: str, note: str | None = None
    ) -> int:
        """Record a person's correction of a metadata field; the extracted value stays as it is."""
        if field not in METADATA_FIELDS:
            raise StoreError(f"{field!r} is not a field; one of: {', '.join(METADATA_FIELDS)}")
        if field == "doc_type" and value not in DOC_TYPES:
            raise StoreError(f"{value!r} is not a document type; one of: {', '.join(DOC_TYPES)}")
        doc = self.document(document_id, corrected=False)
        if doc is None or doc.status == "superseded":
            raise StoreError(f"{self.path}: no document {document_id!r}")
        return self._add_correction(doc, "field", field, value, getattr(doc, field), None, None, author, note)

    def correct_part(
        self,
        document_id: str,
        seq: int,
        author: str,
        kind: str | None = None,
        text: str | None = None,
        note: str | None = None,
    ) -> int:
        """Record a correction of part `seq` (as `show` numbers them): its kind, and/or its
        boundaries given as the exact text it should cover. It is kept with the part's kind and
        text, by which it is found again on a later version of the file."""
        if kind is None and text is None:
            raise StoreError("say what to correct: a new kind, new text boundaries, or both")
        if kind is not None and kind not in PART_KINDS:
            raise StoreError(f"{kind!r} is not a part kind; one of: {', '.join(PART_KINDS)}")
        doc = self.document(document_id)
        if doc is None or doc.status == "superseded":
            raise StoreError(f"{self.path}: no document {document_id!r}")
        if not 0 <= seq < len(doc.parts):
            raise StoreError(f"{document_id}: no part {seq}; the document has parts 0..{len(doc.parts) - 1}")
        part = doc.parts[seq]
        if text is not None and doc.text.find(text) < 0:
            raise StoreError(f"{document_id}: the text {text[:40]!r}… does not occur in the document")
        value = {k: v for k, v in (("kind", kind), ("text", text)) if v is not None}
        extracted = {"kind": part.kind, "start": part.start, "end": part.end}
        return self._add_correction(
            doc, "part", None, value, extracted, part.kind, doc.part_text(part), author, note
        )

    def _add_correction(self, doc: Document, target: str, field: str | None, value: Any, extracted: Any,
                        part_kind: str | None, quote: str | None, author: str, note: str | None) -> int:  # fmt: skip
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            cursor = self.conn.execute(
                "INSERT INTO corrections (document_id, path, target, field, value, extracted, part_kind, quote, note, "
                "author, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (doc.id, doc.path, target, field, json.dumps(value, ensure_ascii=False),
                 json.dumps(extracted, ensure_ascii=False), part_kind, quote, note, author, _now()),
            )  # fmt: skip
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        return int(cursor.lastrowid or 0)

    def undo_correction(self, correction_id: int, author: str) -> None:
        row = self.conn.execute("SELECT undone_at FROM corrections WHERE id=?", (correction_id,)).fetchone()
        if row is None:
            raise StoreError(f"{self.path}: no correction {correction_id}")
        if row["undone_at"]:
            raise StoreError(f"correction {correction_id} was already undone ({row['undone_at']})")
        self.conn.execute(
            "UPDATE corrections SET undone_at=?, undone_by=? WHERE id=?", (_now(), author, correction_id)
        )

    def corrections(
        self, document_id: str | None = None, include_undone: bool = False
    ) -> list[dict[str, Any]]:
        """Every correction with who, when and why, and whether it still applies."""
        where, args = [], []
        if document_id:
            where.append("document_id=?")
            args.append(document_id)
        if not include_undone:
            where.append("undone_at IS NULL")
        sql = (
            "SELECT * FROM corrections" + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY id"
        )
        out = []
        applied: dict[str, dict[int, str]] = {}
        for row in self.conn.execute(sql, args).fetchall():
            item = dict(row)
            item["value"] = json.loads(row["value"]) if row["value"] is not None else None
            item["extracted"] = json.loads(row["extracted"]) if row["extracted"] is not None else None
            if row["undone_at"]:
                item["status"] = "undone"
            else:
                if row["document_id"] not in applied:
                    doc = self.document(row["document_id"])
                    applied[row["document_id"]] = {c.id: c.status for c in doc.corrections} if doc else {}
                item["status"] = applied[row["document_id"]].get(row["id"], "unanchored")
            out.append(item)
        return out

    def _apply_corrections(self, doc: Document) -> Document:
        """The document as people corrected it: fields replaced (the extracted value kept in the
        correction), parts re-kinded or re-bounded, found again by their text on a new version."""
        rows = self.conn.execute(
            "SELECT * FROM corrections WHERE document_id=? AND undone_at IS NULL ORDER BY id", (doc.id,)
        ).fetchall()
        extracted_values = {f: getattr(doc, f) for f in METADATA_FIELDS} if rows else {}
        for row in rows:
            value = json.loads(row["value"]) if row["value"] is not None else None
            if row["target"] == "field":
                field = row["field"]
                extracted = extracted_values[field]
                if field == "authors":
                    value = [str(v) for v in (value or [])]
                setattr(doc, field, value)
                doc.provenance[field] = Provenance(origin=f"correction:{row['id']}", raw=row["note"])
                doc.corrections = [c for c in doc.corrections if c.field != field]
                doc.corrections.append(Correction(row["id"], "field", field, value, extracted, row["note"],
                                                  row["author"], row["created_at"]))  # fmt: skip
                continue
            value = value if isinstance(value, dict) else {}
            seq = _find_part(doc, row["part_kind"], row["quote"])
            status = "applied"
            if seq is None:
                status = "unanchored"
            else:
                part = doc.parts[seq]
                extracted = {"kind": part.kind, "start": part.start, "end": part.end}
                new_text = value.get("text")
                if new_text is not None:
                    start = _nearest(doc.text, new_text, part.start)
                    if start is None:
                        status = "unanchored"
                    else:
                        part.start, part.end = start, start + len(new_text)
                if status == "applied" and value.get("kind"):
                    part.kind = value["kind"]
            doc.corrections.append(Correction(row["id"], "part", None, value, extracted if seq is not None else None,
                                              row["note"], row["author"], row["created_at"], status, seq))  # fmt: skip
        if any(c.target == "part" and c.status == "applied" for c in doc.corrections):
            corrected = [(c, doc.parts[c.part]) for c in doc.corrections if c.part is not None]
            doc.parts.sort(key=lambda p: (p.start, p.end))
            for correction, part in corrected:  # the part's place once sorted, as `show` numbers them
                correction.part = next(i for i, p in enumerate(doc.parts) if p is part)
        return doc

    # -- layers written by stages ------------------------------------------------------------------------
    def stage_todo(self, stage: str, stage_version: str, force: bool = False) -> list[str]:
        """Ids of current documents the stage has not yet read in their current version (by this
        version of the stage): the incremental part of `archivist annotate`."""
        if force:
            sql, args = "SELECT id FROM documents WHERE is_current=1 ORDER BY path", ()
        else:
            sql = (
                "SELECT d.id FROM documents d LEFT JOIN stage_runs r ON r.document_id = d.id AND r.stage = ? "
                "WHERE d.is_current=1 AND (r.document_id IS NULL OR r.stage_version != ? OR r.version != d.version) "
                "ORDER BY d.path"
            )
            args = (stage, stage_version)  # type: ignore[assignment]
        return [r[0] for r in self.conn.execute(sql, args)]

    def put_stage_results(
        self,
        stage: str,
        stage_version: str,
        layers: tuple[str, ...],
        results: list[tuple[str, str, list[Span]]],
    ) -> int:
        """Replace the stage's layers of each (document id, version, spans), in one transaction; a
        document whose version moved on meanwhile is left for the next run. Returns spans written."""
        if any(layer in EXTRACTOR_LAYERS for layer in layers):
            raise StoreError(f"stage {stage!r} may not write the extractor's layers {EXTRACTOR_LAYERS}")
        written = 0
        marks = ",".join("?" * len(layers))
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            for document_id, version, spans in results:
                row = self.conn.execute("SELECT version FROM documents WHERE id=?", (document_id,)).fetchone()
                if row is None or row["version"] != version:
                    continue
                self.conn.execute(
                    f"DELETE FROM spans WHERE document_id=? AND layer IN ({marks})", (document_id, *layers)
                )
                written += self._insert_spans(document_id, version, [s for s in spans if s.layer in layers])
                self.conn.execute(
                    "INSERT INTO stage_runs (document_id, stage, stage_version, version, spans, at) VALUES (?,?,?,?,?,?) "
                    "ON CONFLICT(document_id, stage) DO UPDATE SET stage_version=excluded.stage_version, "
                    "version=excluded.version, spans=excluded.spans, at=excluded.at",
                    (document_id, stage, stage_version, version, len(spans), _now()),
                )
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        return written

    def layers(self) -> dict[str, dict[str, Any]]:
        """Each layer with its spans, documents and the agents that wrote it."""
        return {
            r["layer"]: {"spans": r["n"], "documents": r["docs"], "agents": r["agents"].split(",")}
            for r in self.conn.execute(
                "SELECT layer, COUNT(*) AS n, COUNT(DISTINCT document_id) AS docs, group_concat(DISTINCT agent) AS agents "
                "FROM spans GROUP BY layer ORDER BY layer"
            )
        }

    def stats(self) -> dict[str, Any]:
        """Counts a historian wants first: what is in the archive (as corrected) and what failed."""
        one = self.conn.execute
        by = lambda sql: {str(k): v for k, v in one(sql).fetchall()}  # noqa: E731
        return {
            "documents": one("SELECT COUNT(*) FROM documents WHERE is_current=1").fetchone()[0],
            "document_versions": one("SELECT COUNT(*) FROM versions").fetchone()[0],
            "withdrawn": one("SELECT COUNT(*) FROM documents WHERE status='withdrawn'").fetchone()[0],
            "files": one("SELECT COUNT(*) FROM files").fetchone()[0],
            "failures": one("SELECT COUNT(*) FROM failures").fetchone()[0],
            "corrections": one("SELECT COUNT(*) FROM corrections WHERE undone_at IS NULL").fetchone()[0],
            "originals_bytes": one("SELECT COALESCE(SUM(size),0) FROM blobs").fetchone()[0],
            "parts": one("SELECT COUNT(*) FROM spans WHERE layer='parts'").fetchone()[0],
            "by_collection": by(
                "SELECT collection, COUNT(*) FROM documents WHERE is_current=1 GROUP BY 1 ORDER BY 2 DESC, 1"
            ),
            "by_source": by(
                "SELECT CASE WHEN instr(substr(path, instr(path,'/')+1), '/') > 0 THEN "
                "substr(path, 1, instr(path,'/') + instr(substr(path, instr(path,'/')+1), '/') - 1) "
                "ELSE substr(path, 1, instr(path,'/') - 1) END AS s, COUNT(*) FROM files GROUP BY s ORDER BY 2 DESC"
            ),
            "by_format": by("SELECT COALESCE(format,'?'), COUNT(*) FROM files GROUP BY 1 ORDER BY 2 DESC"),
            "by_language": by(
                "SELECT COALESCE(language,'?'), COUNT(*) FROM current_documents GROUP BY 1 ORDER BY 2 DESC"
            ),
            "by_type": by("SELECT doc_type, COUNT(*) FROM current_documents GROUP BY 1 ORDER BY 2 DESC"),
            "by_decade": by(
                "SELECT substr(COALESCE(date_written, date_published),1,3) || '0s', COUNT(*) FROM current_documents "
                "WHERE COALESCE(date_written, date_published) GLOB '[0-9][0-9][0-9]*' GROUP BY 1 ORDER BY 1"
            ),
            "top_authors": by(
                "SELECT j.value, COUNT(*) FROM current_documents d, json_each(d.authors) j "
                "GROUP BY j.value ORDER BY 2 DESC, 1 LIMIT 50"
            ),
            # After `archivist enrich`: the byline's names linked to entities, every spelling of one
            # person counted once ("Friedrich Engels", "Frederick Engels", "Engels").
            "top_author_entities": by(
                "SELECT COALESCE(e.name, json_extract(s.attrs, '$.entity_name')), COUNT(DISTINCT s.document_id) "
                "FROM spans s JOIN current_documents d ON d.id = s.document_id "
                "LEFT JOIN entity_mentions em ON em.document_id = s.document_id AND em.seq = s.seq "
                "LEFT JOIN entities e ON e.id = em.entity_id "
                "WHERE s.layer = 'mentions' AND s.attrs LIKE '%\"fields\"%' AND EXISTS "
                "(SELECT 1 FROM json_each(s.attrs, '$.fields') f WHERE f.value = 'authors') "
                "GROUP BY COALESCE(em.entity_id, json_extract(s.attrs, '$.entity_id')) ORDER BY 2 DESC, 1 LIMIT 50"
            ),
            "failure_reasons": by("SELECT reason, COUNT(*) FROM failures GROUP BY reason ORDER BY 2 DESC"),
        }

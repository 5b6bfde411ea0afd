"""The archive's schema and its migrations. Only the store package knows this layout.

Each migration is a list of statements, or a function of the connection, applied in one
transaction; `PRAGMA user_version` holds the number of the last one applied, so opening an old
archive upgrades it in place and opening a newer one is refused. `PRAGMA application_id` marks the
file as an archivist archive, so another application's database is never written to.

Schema 2 (the trust issue): a document is its key — collection and path — with a stable id;
its current version lives in `documents` (updated in place), older versions are kept in
`versions`; everything said about the text is a span in a named layer (`spans`, of which
`parts` is a view); people's corrections are kept apart in `corrections`.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable

APPLICATION_ID = 0x41524356  # "ARCV": PRAGMA application_id of every archivist archive

Migration = list[str] | Callable[[sqlite3.Connection], None]

MIGRATIONS: list[Migration] = [
    [
        """CREATE TABLE blobs (
            sha256 TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            compression TEXT NOT NULL,      -- 'zlib' or 'none'; bytes are restored exactly
            data BLOB NOT NULL
        )""",
        """CREATE TABLE ingest_runs (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL,           -- running, completed, interrupted, failed
            engine TEXT NOT NULL,
            inputs TEXT NOT NULL,           -- JSON list of the paths given
            files_seen INTEGER NOT NULL DEFAULT 0,
            files_new INTEGER NOT NULL DEFAULT 0,
            files_changed INTEGER NOT NULL DEFAULT 0,
            files_unchanged INTEGER NOT NULL DEFAULT 0,
            files_failed INTEGER NOT NULL DEFAULT 0,
            extractor_version TEXT NOT NULL
        )""",
        """CREATE TABLE files (
            path TEXT PRIMARY KEY,          -- as given: <input folder name>/<path inside it>
            sha256 TEXT NOT NULL REFERENCES blobs(sha256),
            size INTEGER NOT NULL,
            mtime_ns INTEGER,
            format TEXT,
            encoding TEXT,
            status TEXT NOT NULL,           -- ok or failed
            document_id TEXT REFERENCES documents(id),
            first_run INTEGER REFERENCES ingest_runs(id),
            last_run INTEGER REFERENCES ingest_runs(id)
        )""",
        """CREATE TABLE file_versions (
            path TEXT NOT NULL,
            version INTEGER NOT NULL,       -- 1, 2, ... each time the bytes at this path changed
            sha256 TEXT NOT NULL REFERENCES blobs(sha256),
            run_id INTEGER REFERENCES ingest_runs(id),
            seen_at TEXT NOT NULL,
            PRIMARY KEY (path, version),
            UNIQUE (path, sha256)
        )""",
        """CREATE TABLE documents (
            id TEXT PRIMARY KEY,            -- first 16 hex digits of the SHA-256 of the file's bytes
            sha256 TEXT NOT NULL REFERENCES blobs(sha256),
            path TEXT NOT NULL,
            title TEXT,
            authors TEXT NOT NULL,          -- JSON list, as written; one row each in document_authors
            date_written TEXT,
            date_published TEXT,
            source TEXT,
            source_title TEXT,
            source_volume TEXT,
            source_issue TEXT,
            source_page TEXT,
            place TEXT,
            translator TEXT,
            transcriber TEXT,
            rights TEXT,
            language TEXT,
            doc_type TEXT NOT NULL,
            classification TEXT,
            addressee TEXT,
            format TEXT,
            encoding TEXT,
            text TEXT NOT NULL,
            is_current INTEGER NOT NULL DEFAULT 1,  -- 0 once the file at its path changed
            extractor_version TEXT NOT NULL,
            run_id INTEGER REFERENCES ingest_runs(id)
        )""",
        """CREATE TABLE document_authors (
            document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            PRIMARY KEY (document_id, position)
        )""",
        """CREATE TABLE parts (
            document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            kind TEXT NOT NULL,
            start INTEGER NOT NULL,         -- character offsets into documents.text
            "end" INTEGER NOT NULL,
            author TEXT,
            date TEXT,
            place TEXT,
            title TEXT,
            PRIMARY KEY (document_id, seq)
        )""",
        """CREATE TABLE provenance (
            document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            field TEXT NOT NULL,
            origin TEXT NOT NULL,           -- header:Written, dateline, title, tei:sourceDesc, inferred:...
            raw TEXT,
            confidence REAL NOT NULL,
            PRIMARY KEY (document_id, field)
        )""",
        """CREATE TABLE failures (
            path TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            reason TEXT NOT NULL,           -- empty, binary, undecodable, too-large, no-text, ...
            message TEXT NOT NULL,
            run_id INTEGER REFERENCES ingest_runs(id),
            at TEXT NOT NULL,
            PRIMARY KEY (path, sha256)
        )""",
        "CREATE INDEX documents_path ON documents(path)",
        "CREATE INDEX documents_language ON documents(language)",
        "CREATE INDEX documents_type ON documents(doc_type)",
        "CREATE INDEX document_authors_name ON document_authors(name)",
        "CREATE INDEX files_document ON files(document_id)",
        "CREATE INDEX parts_kind ON parts(kind)",
    ],
]


# The metadata columns of `documents`, in contract order (model.METADATA_FIELDS).
FIELD_COLUMNS = ("title", "authors", "date_written", "date_published", "source", "source_title",
                 "source_volume", "source_issue", "source_page", "place", "translator", "transcriber", "rights",
                 "language", "doc_type", "classification", "addressee", "url")  # fmt: skip

DOCUMENTS_V2 = """CREATE TABLE documents (
    id TEXT PRIMARY KEY,            -- stable: first 16 hex of SHA-256 of the key (collection/path)
    collection TEXT NOT NULL,
    path TEXT NOT NULL UNIQUE,      -- the key: <collection>/<path inside the collection's folder>
    version TEXT NOT NULL,          -- the current version: first 16 hex of SHA-256 of the file's bytes
    sha256 TEXT NOT NULL REFERENCES blobs(sha256),
    title TEXT,
    authors TEXT NOT NULL,          -- JSON list, as written; one row each in document_authors
    date_written TEXT,
    date_published TEXT,
    source TEXT,
    source_title TEXT,
    source_volume TEXT,
    source_issue TEXT,
    source_page TEXT,
    place TEXT,
    translator TEXT,
    transcriber TEXT,
    rights TEXT,
    language TEXT,
    doc_type TEXT NOT NULL,
    classification TEXT,
    addressee TEXT,
    url TEXT,                       -- where it was published (MANIFEST.csv, canonical link, ...)
    format TEXT,
    encoding TEXT,
    warnings TEXT,                  -- JSON list: what reading the bytes had to guess or repair
    text TEXT NOT NULL,
    is_current INTEGER NOT NULL DEFAULT 1,  -- 0 once withdrawn (its file is gone)
    status TEXT NOT NULL DEFAULT 'current', -- current or withdrawn
    extractor_version TEXT NOT NULL,
    run_id INTEGER REFERENCES ingest_runs(id),
    first_run INTEGER REFERENCES ingest_runs(id),
    withdrawn_run INTEGER REFERENCES ingest_runs(id)
)"""

V2_TABLES = [
    """CREATE TABLE collections (
        name TEXT PRIMARY KEY,
        root TEXT NOT NULL,             -- the folder it was last ingested from
        first_run INTEGER REFERENCES ingest_runs(id),
        last_seen TEXT
    )""",
    """CREATE TABLE versions (
        document_id TEXT NOT NULL REFERENCES documents(id),
        version TEXT NOT NULL,          -- first 16 hex of the SHA-256 of the file's bytes
        sha256 TEXT NOT NULL REFERENCES blobs(sha256),
        seq INTEGER NOT NULL,           -- 1, 2, ... in the order the versions were seen
        run_id INTEGER REFERENCES ingest_runs(id),
        extractor_version TEXT NOT NULL,
        seen_at TEXT NOT NULL,
        superseded_at TEXT,
        record TEXT,                    -- JSON of the whole document once superseded (NULL while current)
        PRIMARY KEY (document_id, version)
    )""",
    """CREATE TABLE spans (
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        version TEXT NOT NULL,          -- the version whose text the offsets point into
        layer TEXT NOT NULL,            -- parts, header, paragraphs, dates, mentions, ...
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL,
        start INTEGER NOT NULL,         -- character offsets into documents.text
        "end" INTEGER NOT NULL,
        attrs TEXT,                     -- JSON object: what the span says
        agent TEXT NOT NULL,            -- extractor@<version>, stage:<name>@<version>, or a person
        confidence REAL NOT NULL DEFAULT 1.0,
        PRIMARY KEY (document_id, layer, seq)
    )""",
    "CREATE INDEX spans_layer_kind ON spans(layer, kind)",
    """CREATE TABLE stage_runs (
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        stage TEXT NOT NULL,
        stage_version TEXT NOT NULL,
        version TEXT NOT NULL,          -- the document version the stage read
        spans INTEGER NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (document_id, stage)
    )""",
    """CREATE TABLE corrections (
        id INTEGER PRIMARY KEY,
        document_id TEXT NOT NULL,      -- the stable id: corrections outlive versions and re-ingests
        path TEXT NOT NULL,             -- the document's key, for people reading this table
        target TEXT NOT NULL,           -- field or part
        field TEXT,                     -- the metadata field (target=field)
        value TEXT,                     -- JSON: the corrected value, or for a part {"kind", "text"}
        extracted TEXT,                 -- JSON: what the extractor said when the correction was made
        part_kind TEXT,                 -- target=part: the part's kind and text when corrected,
        quote TEXT,                     --   which re-anchor the correction on a new version
        note TEXT,
        author TEXT NOT NULL,
        created_at TEXT NOT NULL,
        undone_at TEXT,
        undone_by TEXT
    )""",
    "CREATE INDEX corrections_document ON corrections(document_id)",
]


def _corrected(field: str) -> str:
    """SQL for a field's value with the latest standing correction applied (the extracted one kept
    in `documents`)."""
    latest = (
        "SELECT value FROM corrections c WHERE c.document_id = d.id AND c.target = 'field' "
        f"AND c.field = '{field}' AND c.undone_at IS NULL ORDER BY c.id DESC LIMIT 1"
    )
    if field == "authors":
        return f"COALESCE(({latest}), d.authors) AS authors"
    return f"CASE WHEN EXISTS ({latest}) THEN json_extract(({latest}), '$') ELSE d.{field} END AS {field}"


VIEWS = [
    """CREATE VIEW parts AS
        SELECT document_id, seq, kind, start, "end",
               json_extract(attrs, '$.author') AS author, json_extract(attrs, '$.date') AS date,
               json_extract(attrs, '$.place') AS place, json_extract(attrs, '$.title') AS title
        FROM spans WHERE layer = 'parts'""",
    "CREATE VIEW current_documents AS SELECT d.id, d.collection, d.path, d.version, "
    + ", ".join(_corrected(f) for f in FIELD_COLUMNS)
    + ", d.format, d.encoding, d.text, d.status, "
    "(SELECT COUNT(*) FROM corrections c WHERE c.document_id = d.id AND c.undone_at IS NULL) AS corrections "
    "FROM documents d WHERE d.is_current = 1",
    """CREATE VIEW parts_text AS
        SELECT s.document_id, d.path, d.title, s.seq, s.kind,
               substr(d.text, s.start + 1, s."end" - s.start) AS text, s.start, s."end",
               json_extract(s.attrs, '$.author') AS author, json_extract(s.attrs, '$.date') AS date,
               json_extract(s.attrs, '$.place') AS place
        FROM spans s JOIN documents d ON d.id = s.document_id
        WHERE s.layer = 'parts' AND d.is_current = 1""",
]


def _key_id(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def _to_v2(conn: sqlite3.Connection) -> None:
    """Schema 1 → 2: documents named by content become documents named by key; the current one of
    each path stays in `documents`, older ones are kept whole in `versions`; parts become spans."""
    conn.execute("PRAGMA defer_foreign_keys = ON")
    conn.execute("PRAGMA legacy_alter_table = ON")  # keep other tables' references to "documents"
    conn.row_factory = sqlite3.Row
    old = [dict(r) for r in conn.execute("SELECT * FROM documents ORDER BY run_id, rowid")]
    parts: dict[str, list[dict[str, object]]] = {}
    for row in conn.execute("SELECT * FROM parts ORDER BY document_id, seq"):
        parts.setdefault(row["document_id"], []).append(dict(row))
    provenance: dict[str, dict[str, dict[str, object]]] = {}
    for row in conn.execute("SELECT * FROM provenance"):
        provenance.setdefault(row["document_id"], {})[row["field"]] = {
            "origin": row["origin"], "raw": row["raw"], "confidence": row["confidence"]
        }  # fmt: skip
    for statement in ("DROP TABLE parts", "DROP TABLE provenance", "DROP TABLE document_authors",
                      "DROP INDEX documents_path", "DROP INDEX documents_language", "DROP INDEX documents_type",
                      "ALTER TABLE documents RENAME TO documents_v1"):  # fmt: skip
        conn.execute(statement)
    for statement in _V2_STATEMENTS:
        conn.execute(statement)
    conn.execute("ALTER TABLE ingest_runs ADD COLUMN skipped TEXT")
    conn.execute("ALTER TABLE files ADD COLUMN collection TEXT")
    conn.execute("UPDATE files SET collection = substr(path, 1, instr(path, '/') - 1)")
    current = {r["path"]: r["document_id"] for r in conn.execute("SELECT path, document_id FROM files")}
    seq: dict[str, int] = {}
    for row in old:
        key, doc_id = row["path"], _key_id(row["path"])
        seq[key] = seq.get(key, 0) + 1
        is_current = current.get(key) == row["id"] and row["is_current"]
        record = None
        if not is_current:
            record = dict(row, id=doc_id, version=row["id"], authors=json.loads(row["authors"]), url=None)
            record["parts"] = [
                {k: v for k, v in p.items() if k not in ("document_id", "seq") and v is not None}
                for p in parts.get(row["id"], [])
            ]
            record["provenance"] = provenance.get(row["id"], {})
            record["status"] = "superseded"
        conn.execute(
            "INSERT OR IGNORE INTO versions (document_id, version, sha256, seq, run_id, extractor_version, seen_at, "
            "superseded_at, record) VALUES (?,?,?,?,?,?,datetime('now'),?,?)",
            (doc_id, row["id"], row["sha256"], seq[key], row["run_id"], row["extractor_version"],
             None if is_current else "migrated", json.dumps(record, ensure_ascii=False) if record else None),
        )  # fmt: skip
        if not is_current:
            continue
        columns = ["id", "collection", "path", "version", "sha256", *FIELD_COLUMNS[:-1], "format", "encoding",
                   "text", "is_current", "status", "extractor_version", "run_id", "first_run"]  # fmt: skip
        values = [doc_id, key.split("/", 1)[0], key, row["id"], row["sha256"]]
        values += [row[c] for c in FIELD_COLUMNS[:-1]]
        values += [row["format"], row["encoding"], row["text"], 1, "current", row["extractor_version"],
                   row["run_id"], row["run_id"]]  # fmt: skip
        quoted = ",".join(f'"{c}"' for c in columns)
        conn.execute(f"INSERT INTO documents ({quoted}) VALUES ({','.join('?' * len(columns))})", values)
        conn.executemany(
            "INSERT INTO document_authors (document_id, position, name) VALUES (?,?,?)",
            [(doc_id, i, n) for i, n in enumerate(json.loads(row["authors"]))],
        )
        conn.executemany(
            "INSERT INTO provenance (document_id, field, origin, raw, confidence) VALUES (?,?,?,?,?)",
            [
                (doc_id, f, p["origin"], p["raw"], p["confidence"])
                for f, p in provenance.get(row["id"], {}).items()
            ],
        )
        conn.executemany(
            'INSERT INTO spans (document_id, version, layer, seq, kind, start, "end", attrs, agent) '
            "VALUES (?,?,?,?,?,?,?,?,?)",
            [
                (doc_id, row["id"], "parts", p["seq"], p["kind"], p["start"], p["end"],
                 json.dumps({k: p[k] for k in ("author", "date", "place", "title") if p[k] is not None}) or None,
                 f"extractor@{row['extractor_version']}")
                for p in parts.get(row["id"], [])
            ],
        )  # fmt: skip
        conn.execute("UPDATE files SET document_id = ? WHERE path = ?", (doc_id, key))
    conn.execute("UPDATE files SET document_id = NULL WHERE document_id NOT IN (SELECT id FROM documents)")
    conn.execute("DROP TABLE documents_v1")
    conn.execute("PRAGMA legacy_alter_table = OFF")


_V2_STATEMENTS = [
    DOCUMENTS_V2,
    "CREATE INDEX documents_collection ON documents(collection)",
    "CREATE INDEX documents_language ON documents(language)",
    "CREATE INDEX documents_type ON documents(doc_type)",
    """CREATE TABLE document_authors (
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        PRIMARY KEY (document_id, position)
    )""",
    "CREATE INDEX document_authors_name ON document_authors(name)",
    """CREATE TABLE provenance (
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        field TEXT NOT NULL,
        origin TEXT NOT NULL,           -- header:Written, dateline, title, tei:sourceDesc, manifest, ...
        raw TEXT,
        confidence REAL NOT NULL,
        PRIMARY KEY (document_id, field)
    )""",
    *V2_TABLES,
    *VIEWS,
]

MIGRATIONS.append(_to_v2)

# Schema 3: full-text search for Datasette, `?_search=` on the documents table. External content
# (the text is stored once, in documents), kept in step by triggers; the writer upserts, so an
# update trigger sees every change. content="documents" in double quotes is what Datasette's
# detect_fts looks for.
FULLTEXT = [
    """CREATE VIRTUAL TABLE documents_fts USING fts5(
        title, authors, text, content="documents", content_rowid="rowid",
        tokenize='unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER documents_fts_after_insert AFTER INSERT ON documents BEGIN
        INSERT INTO documents_fts(rowid, title, authors, text) VALUES (new.rowid, new.title, new.authors, new.text);
    END""",
    """CREATE TRIGGER documents_fts_after_delete AFTER DELETE ON documents BEGIN
        INSERT INTO documents_fts(documents_fts, rowid, title, authors, text)
          VALUES ('delete', old.rowid, old.title, old.authors, old.text);
    END""",
    """CREATE TRIGGER documents_fts_after_update AFTER UPDATE OF title, authors, text ON documents BEGIN
        INSERT INTO documents_fts(documents_fts, rowid, title, authors, text)
          VALUES ('delete', old.rowid, old.title, old.authors, old.text);
        INSERT INTO documents_fts(rowid, title, authors, text) VALUES (new.rowid, new.title, new.authors, new.text);
    END""",
    "INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')",
]

MIGRATIONS.append(FULLTEXT)

# Text reuse (issue 18): the index of fingerprints, the pairs of documents that share text, the
# passages they share (links between spans, one row per direction) and the works they form.
MIGRATIONS.append(
    [
        """CREATE TABLE reuse_docs (
            doc INTEGER PRIMARY KEY,        -- a compact key for reuse_grams
            document_id TEXT NOT NULL UNIQUE REFERENCES documents(id) ON DELETE CASCADE,
            version TEXT NOT NULL,          -- the document version whose fingerprint is indexed
            fingerprint TEXT NOT NULL,      -- the version of the fingerprints stage that made it
            words INTEGER NOT NULL,         -- words of the document's own text (no header, notes)
            grams BLOB NOT NULL,            -- the indexed n-gram hashes (uint32 LE), to unindex them
            indexed_at TEXT NOT NULL
        )""",
        """CREATE TABLE reuse_grams (
            gram INTEGER NOT NULL,          -- a sampled word n-gram hash (archivist.reuse.text)
            doc INTEGER NOT NULL,           -- reuse_docs.doc
            PRIMARY KEY (gram, doc)
        ) WITHOUT ROWID""",
        """CREATE TABLE reuse_pairs (
            a TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,   -- a < b
            b TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            a_version TEXT NOT NULL,
            b_version TEXT NOT NULL,
            a_coverage REAL NOT NULL,       -- share of a's words inside passages shared with b
            b_coverage REAL NOT NULL,
            passages INTEGER NOT NULL,
            same_text INTEGER NOT NULL,     -- 1: witnesses of one work; 0: quotations only
            relation TEXT,                  -- b as seen from a: same, excerpt, abridged, extended
            at TEXT NOT NULL,
            PRIMARY KEY (a, b)
        )""",
        "CREATE INDEX reuse_pairs_b ON reuse_pairs(b)",
        """CREATE TABLE reuse_links (
            id INTEGER PRIMARY KEY,
            document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            version TEXT NOT NULL,
            start INTEGER NOT NULL,         -- character offsets into documents.text of document_id
            "end" INTEGER NOT NULL,
            other_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            other_version TEXT NOT NULL,
            other_start INTEGER NOT NULL,   -- character offsets into the other document's text
            other_end INTEGER NOT NULL,
            words INTEGER NOT NULL,         -- words of the passage on this side
            other_words INTEGER NOT NULL,
            overlap REAL NOT NULL,          -- similarity of the two word sequences, 0..1
            earlier TEXT                    -- the id of the earlier copy when dates allow, else NULL
        )""",
        "CREATE INDEX reuse_links_document ON reuse_links(document_id)",
        "CREATE INDEX reuse_links_other ON reuse_links(other_id)",
        """CREATE TABLE reuse_works (
            document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            work TEXT NOT NULL,             -- the work's id: 'w' + the smallest document id in it
            relation TEXT NOT NULL,         -- to the preferred text: preferred, same, excerpt, abridged, extended
            preferred INTEGER NOT NULL      -- 1 for the work's preferred reading text
        )""",
        "CREATE INDEX reuse_works_work ON reuse_works(work)",
    ]
)

# The entities of the archive (issue 16): the authority file's entries the documents mention and the
# archive's own (people not in the file, clustered across documents), and each mention resolved to
# one of them. Rebuilt whole by `archivist enrich` from the `mentions` layer (enrich/entities.py).
MIGRATIONS.append(
    [
        """CREATE TABLE entities (
            id TEXT PRIMARY KEY,            -- person:trotsky-leon (authority) or person:x-mike-bessler (archive)
            type TEXT NOT NULL,             -- person, organisation, place, periodical, event
            name TEXT NOT NULL,
            origin TEXT NOT NULL,           -- authority@<version> or archive (clustered from mentions)
            wikidata TEXT,
            born INTEGER,
            died INTEGER,
            aliases TEXT,                   -- JSON list: the archive's own entities' merged names
            documents INTEGER NOT NULL DEFAULT 0,
            mentions INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX entities_type ON entities(type)",
        "CREATE INDEX entities_name ON entities(name)",
        """CREATE TABLE entity_mentions (
            document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,           -- the span's seq in the mentions layer
            entity_id TEXT NOT NULL,        -- after clustering across documents
            local_id TEXT NOT NULL,         -- as the stage linked it
            label TEXT NOT NULL,
            text TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            confidence REAL NOT NULL,
            evidence TEXT,
            year INTEGER,                   -- the document's year (written, else published)
            PRIMARY KEY (document_id, seq)
        )""",
        "CREATE INDEX entity_mentions_entity ON entity_mentions(entity_id)",
    ]
)

# Other translations (issue 18): a pair of documents in different languages found to be one text by
# their anchors (archivist.reuse.translation) keeps the figures that decided it and a confidence.
MIGRATIONS.append(
    [
        "ALTER TABLE reuse_pairs ADD COLUMN confidence REAL",  # 0.5-1 for other translations
        "ALTER TABLE reuse_pairs ADD COLUMN evidence TEXT",  # JSON: the anchor chain's figures
    ]
)

# A reuse run indexes a round of documents, then compares them: one interrupted in between left
# documents indexed that were never compared, and the next run took them as done. `compared` is 0
# from indexing until the round's pairs are stored; the next run compares what is still 0.
MIGRATIONS.append(
    ["ALTER TABLE reuse_docs ADD COLUMN compared INTEGER NOT NULL DEFAULT 1"]  # rows before: as they were
)

SCHEMA_VERSION = len(MIGRATIONS)

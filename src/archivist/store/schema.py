"""The archive's schema and its migrations. Only the store package knows this layout.

Each migration is a list of statements applied in one transaction; `PRAGMA user_version` holds
the number of the last one applied, so opening an old archive upgrades it in place and opening a
newer one is refused.
"""

from __future__ import annotations

MIGRATIONS: list[list[str]] = [
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
    # Full-text search for Datasette: `?_search=` on the documents table. External content (the
    # text is stored once, in documents), kept in step by triggers. content="documents" in double
    # quotes is what Datasette's detect_fts looks for. The BEFORE INSERT trigger covers
    # INSERT OR REPLACE, whose implicit delete fires no delete trigger.
    [
        """CREATE VIRTUAL TABLE documents_fts USING fts5(
            title, authors, text, content="documents", content_rowid="rowid",
            tokenize='unicode61 remove_diacritics 2'
        )""",
        """CREATE TRIGGER documents_fts_before_insert BEFORE INSERT ON documents BEGIN
            INSERT INTO documents_fts(documents_fts, rowid, title, authors, text)
              SELECT 'delete', rowid, title, authors, text FROM documents WHERE id = new.id;
        END""",
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
    ],
]

SCHEMA_VERSION = len(MIGRATIONS)

"""How much a replicated corpus flatters a full-text index: FTS5 bytes and vocabulary per page on
distinct texts against the same corpus copied (as bench/scale.py copies it).

    python bench/fulltext.py                       # ../shared/corpus + corpus-wide, against corpus x4

Each input is ingested into its own temporary archive; `Archive.trial_fulltext_index` builds an FTS5
index over titles and texts and measures it; an `fts5vocab` table over the same index counts the
distinct terms. Replicas differ only by trailing newlines, so their terms are the original's: the
index's posting lists grow, its vocabulary does not.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import make_replicas

from archivist.pipeline import ingest
from archivist.store import Archive

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT / ".." / "shared").resolve()


def measure(inputs: list[Path], db: Path) -> dict[str, Any]:
    with Archive(db) as archive:
        report = ingest([str(i) for i in inputs], archive)
        size = archive.storage()
    conn = sqlite3.connect(db)
    docs, chars = conn.execute("SELECT COUNT(*), SUM(LENGTH(text)) FROM documents").fetchone()
    started = time.perf_counter()
    conn.execute(
        "CREATE VIRTUAL TABLE fts USING fts5(title, text, content='documents', content_rowid='rowid')"
    )
    conn.execute("INSERT INTO fts(fts) VALUES ('rebuild')")
    conn.commit()
    seconds = time.perf_counter() - started
    fts_bytes = conn.execute("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'fts%'").fetchone()[0]
    conn.execute("CREATE VIRTUAL TABLE fts_terms USING fts5vocab(fts, 'row')")
    terms, tokens = conn.execute("SELECT COUNT(*), SUM(cnt) FROM fts_terms").fetchone()
    conn.close()
    return {
        "inputs": [str(i) for i in inputs],
        "files": report.files_seen,
        "documents": docs,
        "text_chars_per_document": round(chars / docs),
        "archive_bytes_per_document": round(size["bytes"] / docs),
        "fts5_bytes_per_document": round(fts_bytes / docs),
        "fts5_bytes_per_text_char": round(fts_bytes / chars, 3),
        "fts5_build_documents_per_s": round(docs / seconds, 1),
        "distinct_terms": terms,
        "tokens": tokens,
        "distinct_terms_per_1000_tokens": round(terms / tokens * 1000, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--distinct", type=Path, nargs="+", default=[SHARED / "corpus", SHARED / "corpus-wide"]
    )
    parser.add_argument("--replicate", type=Path, default=SHARED / "corpus")
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "fulltext.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="archivist-fulltext-") as tmp:
        work = Path(tmp)
        distinct = measure(args.distinct, work / "distinct.db")
        print(json.dumps(distinct, indent=1), flush=True)
        make_replicas(args.replicate, args.copies, work / "replicas")
        replicated = measure([work / "replicas"], work / "replicated.db")
        print(json.dumps(replicated, indent=1), flush=True)
    result = {"distinct": distinct, "replicated": {**replicated, "copies": args.copies}}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

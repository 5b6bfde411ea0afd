"""The writer alone: `Archive.write_batch` fed finished extractions (no extraction, no Dask, no
reading of inputs), as the archive grows; and what compressing the stored text would cost and save.

    python bench/writer.py --documents 20000                      # ~0.8 GB archive, a few minutes
    taskset -c 0 python bench/writer.py --gigabytes 20 --db /work/big.db   # the large-file run
    python bench/writer.py --corpus ../shared/corpus ../shared/corpus-wide --documents 5000

The corpora are extracted once (not timed). Copy k of a page is the same extraction under its own
path, document id, version and SHA-256 (so the original is a blob of its own, as a distinct file's
would be) — the writer does the same work per document as for a new file of that size. Documents go
to the archive in batches of 64, one transaction each, as `ingest` writes them; the rate (CPU and
wall) is reported per slice of the run with the archive's size at its end, to show whether it falls
as the file outgrows the page cache. The pickled size of the results and the CPU time to unpickle
them (what a Dask client does with each result before the writer sees it) are measured apart.

The archive is deleted at the end unless --keep. Check the disk first: `df -h` (the large run needs
the archive's size free and more).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import pickle
import statistics
import sys
import time
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archivist.model import Extraction, document_id
from archivist.pipeline import collect_inputs, extract_input
from archivist.store import Archive

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
RESULTS = ROOT / "bench" / "results"
BATCH = 64


def extract_all(corpora: list[Path]) -> list[Extraction]:
    out = []
    for corpus in corpora:
        for item in collect_inputs([corpus]).files:
            extraction = extract_input(item)
            if extraction.ok:
                out.append(extraction)
    return out


def copy_of(ex: Extraction, k: int) -> Extraction:
    """Copy k of an extraction: another file with the same content."""
    assert ex.document is not None
    path = f"w{k:06d}/{ex.file.path}"
    sha = hashlib.sha256(f"{k}:{ex.file.sha256}".encode()).hexdigest()
    doc = dataclasses.replace(ex.document, path=path, id=document_id(path), version=sha[:16])
    return dataclasses.replace(ex, file=dataclasses.replace(ex.file, path=path, sha256=sha), document=doc)


def file_bytes(db: Path) -> int:
    return sum(p.stat().st_size for p in db.parent.glob(db.name + "*") if p.is_file())


def write(
    base: list[Extraction], db: Path, documents: int, gigabytes: float | None, slices: int
) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    written = 0
    cpu_total = wall_total = 0.0
    with Archive(db) as archive:
        archive.claim_collection("w", str(db.parent))
        run_id = archive.begin_run("bench-writer", [])
        k = 0
        slice_docs = slice_cpu = slice_wall = 0.0
        every = max(BATCH, (documents // slices) if not gigabytes else 50_000)
        while True:
            batch = []
            while len(batch) < BATCH:
                batch.append(copy_of(base[written % len(base)], k))
                written += 1
                if written % len(base) == 0:
                    k += 1
            mtimes = {ex.file.path: 0 for ex in batch}
            cpu, wall = time.process_time(), time.perf_counter()
            archive.write_batch(run_id, batch, mtimes)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            slice_docs += len(batch)
            slice_cpu += cpu
            slice_wall += wall
            done = (gigabytes is not None and file_bytes(db) >= gigabytes * 1e9) or (
                gigabytes is None and written >= documents
            )
            if slice_docs >= every or done:
                size = file_bytes(db)
                rows.append({"documents": written, "archive_bytes": size,
                             "docs_per_s_cpu": round(slice_docs / slice_cpu, 1),
                             "docs_per_s_wall": round(slice_docs / slice_wall, 1),
                             "load_average": round(os.getloadavg()[0], 2)})  # fmt: skip
                print(f"  {written:>9,} documents  {size / 1e9:6.2f} GB  {slice_docs / slice_cpu:7.0f} docs/s (CPU)"
                      f"  {slice_docs / slice_wall:7.0f} docs/s (wall)  load {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
                cpu_total += slice_cpu
                wall_total += slice_wall
                slice_docs = slice_cpu = slice_wall = 0.0
            if done:
                break
        storage = archive.storage() if gigabytes is None else {"bytes": file_bytes(db)}
    return {
        "documents": written,
        "docs_per_s_cpu": round(written / cpu_total, 1),
        "docs_per_s_wall": round(written / wall_total, 1),
        "ms_per_document_cpu": round(cpu_total / written * 1000, 3),
        "archive_bytes": storage["bytes"],
        "bytes_per_document": round(storage["bytes"] / written),
        "by_table_bytes_per_document": {
            k: round(v / written) for k, v in storage.get("by_table", {}).items()
        },
        "slices": rows,
    }


def payload(base: list[Extraction]) -> dict[str, Any]:
    """What one result weighs on the wire (pickled, as Dask sends it) and costs to unpickle."""
    blobs = [pickle.dumps(ex, protocol=5) for ex in base]
    cpu = time.process_time()
    for _ in range(3):
        for blob in blobs:
            pickle.loads(blob)
    cpu = (time.process_time() - cpu) / 3
    return {
        "pickled_bytes_per_page": round(statistics.mean(len(b) for b in blobs)),
        "input_bytes_per_page": round(statistics.mean(ex.file.size for ex in base)),
        "unpickle_ms_per_page_cpu": round(cpu / len(blobs) * 1000, 3),
    }


def text_compression(base: list[Extraction]) -> dict[str, Any]:
    """Compressing each document's text alone (as a column value): bytes saved, CPU both ways."""
    texts = [ex.document.text.encode("utf-8") for ex in base if ex.document is not None]
    raw = sum(map(len, texts))
    out: dict[str, Any] = {"documents": len(texts), "text_bytes_per_document": round(raw / len(texts))}
    for level in (1, 6):
        cpu = time.process_time()
        packed = [zlib.compress(t, level) for t in texts]
        compress = time.process_time() - cpu
        cpu = time.process_time()
        for p in packed:
            zlib.decompress(p)
        decompress = time.process_time() - cpu
        size = sum(map(len, packed))
        out[f"zlib{level}"] = {
            "bytes_per_document": round(size / len(texts)),
            "ratio": round(size / raw, 3),
            "saved_bytes_per_document": round((raw - size) / len(texts)),
            "compress_ms_per_document": round(compress / len(texts) * 1000, 3),
            "decompress_ms_per_document": round(decompress / len(texts) * 1000, 3),
        }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, nargs="+", default=[DEFAULT_CORPUS])
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--gigabytes", type=float, default=None, help="write until the archive is this large")
    parser.add_argument("--slices", type=int, default=5, help="rate reported per slice (default 5)")
    parser.add_argument("--db", type=Path, default=None, help="where (default: a temporary file here)")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    db = args.db or Path(f"/tmp/archivist-writer-{os.getpid()}.db")
    if any(db.parent.glob(db.name + "*")):
        raise SystemExit(f"{db} exists: give another --db")
    started = time.perf_counter()
    base = extract_all([c.resolve() for c in args.corpus])
    print(f"{len(base)} extractions from {', '.join(map(str, args.corpus))} in {time.perf_counter() - started:.0f} s",
          flush=True)  # fmt: skip
    report: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "corpus": [str(c) for c in args.corpus],
        "distinct_pages": len(base),
        "affinity": sorted(os.sched_getaffinity(0)),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "payload": payload(base),
        "text_compression": text_compression(base),
    }
    print(json.dumps({k: report[k] for k in ("payload", "text_compression")}, indent=1), flush=True)
    try:
        report["write"] = write(base, db, args.documents, args.gigabytes, args.slices)
    finally:
        if not args.keep:
            for path in db.parent.glob(db.name + "*"):
                path.unlink()
    w = report["write"]
    print(f"\n{w['documents']:,} documents: {w['docs_per_s_cpu']:,} docs/s (CPU), {w['docs_per_s_wall']:,} (wall), "
          f"{w['ms_per_document_cpu']} ms CPU each; {w['bytes_per_document']:,} bytes per document")  # fmt: skip
    out = args.json or RESULTS / f"writer-{datetime.now(UTC).strftime('%Y-%m-%d')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

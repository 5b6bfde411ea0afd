"""The ingest pipeline: find files, extract each with a pure function, write in batches.

`extract_data(data, path)` is the whole per-file work — bytes and a path in, an `Extraction` out,
no database, no global state — so the same function runs in-process, in a local process pool
(`jobs > 1`) or on a Dask cluster (`engine="dask"`, see `archivist.cluster`). Only the writer,
in this process, touches the store, one transaction per batch, as results arrive.
"""

from __future__ import annotations

import hashlib
import os
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from archivist.errors import ArchivistError, UnreadableFile
from archivist.extract import build_document
from archivist.model import Extraction, SourceFile, document_id
from archivist.sources import read_page
from archivist.store import Archive, BatchCounts, pack_original

SKIP_NAMES = {"MANIFEST.csv", "README.md", ".DS_Store", "Thumbs.db"}
SKIP_SUFFIXES = (".csv", ".json", ".jsonl", ".css", ".js", ".png", ".jpg", ".jpeg", ".gif", ".pdf", ".ico",
                 ".rng", ".xsl", ".zip", ".gz")  # fmt: skip


@dataclass(frozen=True, slots=True)
class InputFile:
    location: str  # where to read it
    path: str  # how the archive names it: <input folder name>/<path inside it>
    size: int
    mtime_ns: int


def extract_data(data: bytes, path: str) -> Extraction:
    """The per-file function: never raises for a bad file; the failure is in the result."""
    sha256 = hashlib.sha256(data).hexdigest()
    source = SourceFile(path=path, sha256=sha256, size=len(data))
    original, compression = pack_original(data)
    try:
        page = read_page(data, path)
        source.format, source.encoding = page.format, page.encoding
        document = build_document(page, document_id(data))
        if not document.text.strip():
            raise UnreadableFile(path, "no-text", "no text left after removing page furniture")
        return Extraction(source, original, compression, document=document)
    except UnreadableFile as err:
        return Extraction(source, original, compression, failure=err.reason, failure_detail=err.message)
    except Exception as err:  # an extractor bug must cost one file, not the batch
        detail = "".join(traceback.format_exception_only(type(err), err)).strip()
        return Extraction(source, original, compression, failure="extractor-error", failure_detail=detail)


def extract_file(location: str, path: str) -> Extraction:
    """Read a file by its location and extract it (what a worker does with a task)."""
    try:
        data = Path(location).read_bytes()
    except OSError as err:
        source = SourceFile(path=path, sha256=hashlib.sha256(b"").hexdigest(), size=0)
        return Extraction(source, b"", failure="unreadable", failure_detail=f"cannot read: {err.strerror}")
    return extract_data(data, path)


def extract_input(item: InputFile) -> Extraction:
    return extract_file(item.location, item.path)


def collect_inputs(inputs: Iterable[str | Path]) -> list[InputFile]:
    """Every candidate file under the given files and folders, sorted, named by input folder."""
    found: dict[str, InputFile] = {}
    for given in inputs:
        root = Path(given)
        if not root.exists():
            raise ArchivistError(f"{given}: no such file or folder")
        if root.is_file():
            candidates = [(root, f"{root.resolve().parent.name}/{root.name}")]
        else:
            base = root.resolve().name
            candidates = [
                (p, f"{base}/{p.relative_to(root).as_posix()}")
                for p in sorted(root.rglob("*"))
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
            ]
        for location, name in candidates:
            if location.name in SKIP_NAMES or location.suffix.lower() in SKIP_SUFFIXES:
                continue
            stat = location.stat()
            found.setdefault(name, InputFile(str(location), name, stat.st_size, stat.st_mtime_ns))
    return sorted(found.values(), key=lambda f: f.path)


# -- executors: each maps extract_input over the items and yields results as they complete ------
Executor = Callable[[list[InputFile]], Iterator[Extraction]]


def serial_executor(items: list[InputFile]) -> Iterator[Extraction]:
    for item in items:
        yield extract_input(item)


def pool_executor(jobs: int) -> Executor:
    """A local process pool with a bounded number of tasks in flight (memory stays flat)."""

    def run(items: list[InputFile]) -> Iterator[Extraction]:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            pending: set[Future[Extraction]] = set()
            queue = iter(items)
            for item in queue:
                pending.add(pool.submit(extract_input, item))
                if len(pending) >= jobs * 8:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    yield from (f.result() for f in done)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                yield from (f.result() for f in done)

    return run


@dataclass(slots=True)
class IngestReport:
    run_id: int
    status: str
    files_seen: int
    counts: BatchCounts = field(default_factory=BatchCounts)
    seconds: float = 0.0

    @property
    def documents_written(self) -> int:
        return self.counts.new + self.counts.changed - self.counts.failed

    def to_dict(self) -> dict[str, object]:
        return {
            "run": self.run_id,
            "status": self.status,
            "files_seen": self.files_seen,
            "new": self.counts.new,
            "changed": self.counts.changed,
            "unchanged": self.counts.unchanged,
            "failed": self.counts.failed,
            "seconds": round(self.seconds, 2),
            "failures": [{"path": p, "reason": r, "message": m} for p, r, m in self.counts.failures],
        }


class Progress:
    """What the ingest tells its caller as it goes (the CLI draws a bar from it)."""

    def start(self, total: int) -> None: ...
    def advance(self, extraction: Extraction | None, n: int = 1) -> None: ...
    def finish(self) -> None: ...


def ingest(
    inputs: Iterable[str | Path],
    archive: Archive,
    executor: Executor | None = None,
    engine: str = "local",
    batch_size: int = 64,
    force: bool = False,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest files and folders into `archive`. Unchanged files are skipped; each batch is one
    transaction; Ctrl-C ends the run as `interrupted` with every finished batch kept."""
    progress = progress or Progress()
    given = [str(i) for i in inputs]
    items = collect_inputs(given)
    run_id = archive.begin_run(engine, given)
    report = IngestReport(run_id=run_id, status="running", files_seen=len(items))
    started = time.perf_counter()
    progress.start(len(items))
    skipped = set() if force else archive.unchanged_files((i.path, i.size, i.mtime_ns) for i in items)
    if skipped:
        archive.touch_files(run_id, skipped)
        report.counts.unchanged += len(skipped)
        progress.advance(None, len(skipped))
    todo = [i for i in items if i.path not in skipped]
    mtimes = {i.path: i.mtime_ns for i in todo}
    batch: list[Extraction] = []
    try:
        for extraction in (executor or serial_executor)(todo):
            batch.append(extraction)
            progress.advance(extraction)
            if len(batch) >= batch_size:
                report.counts.add(archive.write_batch(run_id, batch, mtimes))
                batch = []
        if batch:
            report.counts.add(archive.write_batch(run_id, batch, mtimes))
        report.status = "completed"
    except KeyboardInterrupt:
        report.status = "interrupted"
        raise
    finally:
        report.seconds = time.perf_counter() - started
        if report.status == "running":
            report.status = "failed"
        archive.finish_run(run_id, report.status, len(items), report.counts)
        progress.finish()
    return report


def default_jobs() -> int:
    return max(
        1, min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8)
    )

"""The ingest pipeline: find files, extract each with a pure function, write in batches.

`extract_data(data, path)` is the whole per-file work — bytes and a path in, an `Extraction` out,
no database, no global state — so the same function runs in-process, in a local process pool
(`jobs > 1`) or on a Dask cluster (`engine="dask"`, see `archivist.cluster`). Only the writer,
in this process, touches the store, one transaction per batch, as results arrive.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import os
import signal
import stat
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from archivist.errors import ArchivistError, UnreadableFile
from archivist.extract import build_document
from archivist.model import Extraction, Provenance, SourceFile, document_id
from archivist.sources import read_page
from archivist.store import Archive, BatchCounts, pack_original

SKIP_NAMES = {"MANIFEST.csv", "README.md", ".DS_Store", "Thumbs.db"}
SKIP_SUFFIXES = (".csv", ".json", ".jsonl", ".css", ".js", ".png", ".jpg", ".jpeg", ".gif", ".pdf", ".ico",
                 ".rng", ".xsl", ".zip", ".gz")  # fmt: skip
# Archive pages are kilobytes; the largest real texts (a whole book as plain text) a few megabytes.
# Past this a file is refused before a byte is read, so one huge file cannot exhaust memory.
MAX_FILE_BYTES = 32 * 1024 * 1024
# A page that takes longer than this to extract is a `timeout` failure (where the per-file work
# runs in a process's main thread: serially and in the process pool).
FILE_SECONDS = 60.0
_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


@dataclass(frozen=True, slots=True)
class InputFile:
    location: str  # where to read it
    path: str  # its key in the archive: <collection>/<path inside the collection's folder>
    size: int
    mtime_ns: int
    url: str | None = None  # the published address given beside the files (MANIFEST.csv, mirror)
    url_origin: str | None = None


@dataclass(frozen=True, slots=True)
class Collection:
    """One input: a folder (or a single file) and the name its files are stored under."""

    name: str
    root: str  # the folder's absolute path; for a single file, its folder
    whole: bool  # the whole folder was given, so files missing from it are withdrawn


@dataclass(slots=True)
class Inputs:
    """What the collector found: the files to ingest, the collections they belong to, and the
    entries it skipped, each with a reason (hidden, link-outside, not-a-file, unreadable-folder,
    link-loop, archive-file, not-a-page)."""

    files: list[InputFile] = field(default_factory=list)
    collections: list[Collection] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (location, reason)

    def skipped_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for _, reason in self.skipped:
            counts[reason] = counts.get(reason, 0) + 1
        return dict(sorted(counts.items()))

    def skipped_examples(self, per_reason: int = 100) -> dict[str, list[str]]:
        """The entries skipped, by reason (the first `per_reason` of each), as printable paths."""
        out: dict[str, list[str]] = {}
        for location, reason in self.skipped:
            listed = out.setdefault(reason, [])
            if len(listed) < per_reason:
                listed.append(_display(location))
        return dict(sorted(out.items()))


def extract_data(data: bytes, path: str, url: str | None = None, url_origin: str | None = None) -> Extraction:
    """The per-file function: never raises for a bad file; the failure is in the result."""
    sha256 = hashlib.sha256(data).hexdigest()
    source = SourceFile(path=path, sha256=sha256, size=len(data))
    original, compression = pack_original(data)
    try:
        page = read_page(data, path)
        source.format, source.encoding = page.format, page.encoding
        source.warnings = [*page.decode_warnings, *page.warnings]
        document = build_document(page, document_id(path))
        document.version = sha256[:16]  # = version_id(data), without hashing twice
        if url:
            document.url = url
            document.provenance["url"] = Provenance(origin=url_origin or "input")
        if not document.text.strip():
            raise UnreadableFile(path, "no-text", "no text left after removing page furniture")
        return Extraction(source, original, compression, document=document)
    except UnreadableFile as err:
        return Extraction(source, original, compression, failure=err.reason, failure_detail=err.message)
    except FileTimeout:
        return Extraction(source, original, compression, failure="timeout",
                          failure_detail=f"extraction took longer than {FILE_SECONDS:.0f} s")  # fmt: skip
    except RecursionError:
        return Extraction(source, original, compression, failure="too-deep",
                          failure_detail="the page is nested too deeply to read")  # fmt: skip
    except MemoryError:
        return Extraction(source, original, compression, failure="too-large",
                          failure_detail="the page needs more memory than one file may use")  # fmt: skip
    except Exception as err:  # an extractor bug must cost one file, not the batch
        detail = "".join(traceback.format_exception_only(type(err), err)).strip()
        return Extraction(source, original, compression, failure="extractor-error", failure_detail=detail)


def no_bytes_failure(path: str, reason: str, detail: str) -> Extraction:
    """A failure with no bytes read (unreadable, too large, lost with its worker): stored with size
    0 and no original, so the next run tries the file again."""
    return Extraction(SourceFile(path=path, sha256=_EMPTY_SHA256, size=0), b"", failure=reason,
                      failure_detail=detail)  # fmt: skip


def read_input(item: InputFile, max_bytes: int = MAX_FILE_BYTES) -> bytes | Extraction:
    """The file's bytes, or the failure that stops them being read. The size is checked on the
    open file before reading, so a file that grew since it was listed is caught too."""
    try:
        with open(item.location, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                return no_bytes_failure(item.path, "too-large",
                                        f"{size:,} bytes; files over {max_bytes:,} bytes are not read")  # fmt: skip
            data = handle.read(max_bytes + 1)
    except OSError as err:
        return no_bytes_failure(item.path, "unreadable", f"cannot read: {err.strerror or err}")
    if len(data) > max_bytes:
        return no_bytes_failure(item.path, "too-large", f"over {max_bytes:,} bytes; not read")
    return data


class FileTimeout(Exception):
    """Raised inside the per-file work when its time budget is spent."""


@contextlib.contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Interrupt the work inside after `seconds` with `FileTimeout`: by SIGALRM in a process's main
    thread (serial runs, pool workers), by an asynchronous exception in any other thread (a Dask
    worker's task thread). Either lands between two Python bytecodes, so a single call into a C
    library is not cut short; the readers keep those linear."""
    import threading

    if seconds <= 0:
        yield
        return
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):

        def expire(signum: int, frame: object) -> None:
            raise FileTimeout()

        previous = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        return
    import ctypes

    target = ctypes.c_ulong(threading.get_ident())
    lock = threading.Lock()
    state = {"active": True, "fired": False}

    def fire() -> None:
        with lock:
            if state["active"]:
                state["fired"] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(target, ctypes.py_object(FileTimeout))

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            state["active"] = False
            timer.cancel()
            if state["fired"]:  # raised, or still pending: never let it land in the caller's code
                ctypes.pythonapi.PyThreadState_SetAsyncExc(target, None)


def extract_file(
    location: str, path: str, url: str | None = None, url_origin: str | None = None
) -> Extraction:
    """Read a file by its location and extract it (what a worker does with a task)."""
    return extract_input(InputFile(location, path, 0, 0, url, url_origin))


def extract_input(item: InputFile) -> Extraction:
    data = read_input(item)
    if isinstance(data, Extraction):
        return data
    try:
        with time_budget(FILE_SECONDS):
            return extract_data(data, item.path, item.url, item.url_origin)
    except FileTimeout:  # the alarm rang outside extract_data's own handler
        return no_bytes_failure(item.path, "timeout", f"extraction took longer than {FILE_SECONDS:.0f} s")


# -- finding the inputs -------------------------------------------------------------------------------
def _display(name: str) -> str:
    """A file name as the archive stores it: any str, losslessly. Names that are not valid UTF-8
    (Python keeps their bytes as surrogates) show those bytes as \\xNN escapes."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")


def _within(path: str, roots: list[str]) -> bool:
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def _walk(root: str, roots: list[str], excluded: set[str], inputs: Inputs) -> Iterator[tuple[str, str]]:
    """(location, path relative to root) of every regular file under `root`, without recursion:
    links are followed only when they stay inside the given inputs, each folder is entered once
    (no loops), hidden entries are skipped, and everything skipped is recorded with its reason."""
    seen_dirs = {os.path.realpath(root)}
    stack = [(root, "")]
    while stack:
        folder, rel = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name, reverse=True)
        except OSError:
            inputs.skipped.append((folder, "unreadable-folder"))
            continue
        for entry in entries:
            child_rel = f"{rel}/{entry.name}" if rel else entry.name
            if entry.name.startswith("."):
                inputs.skipped.append((entry.path, "hidden"))
                continue
            try:
                if entry.is_symlink():
                    target = os.path.realpath(entry.path)
                    if not _within(target, roots):
                        inputs.skipped.append((entry.path, "link-outside"))
                        continue
                    mode = os.stat(entry.path).st_mode
                else:
                    target = entry.path
                    mode = entry.stat(follow_symlinks=False).st_mode
            except OSError:
                inputs.skipped.append((entry.path, "broken-link" if entry.is_symlink() else "unreadable"))
                continue
            if stat.S_ISDIR(mode):
                real = os.path.realpath(target)
                if real in excluded:
                    inputs.skipped.append((entry.path, "archive-file"))
                    continue
                if real in seen_dirs:
                    inputs.skipped.append((entry.path, "link-loop"))
                    continue
                seen_dirs.add(real)
                stack.append((entry.path, child_rel))
            elif stat.S_ISREG(mode):
                if os.path.realpath(target) in excluded:
                    inputs.skipped.append((entry.path, "archive-file"))
                    continue
                yield entry.path, child_rel
            else:
                inputs.skipped.append((entry.path, "not-a-file"))


def _manifest_urls(folder: str) -> dict[str, str]:
    """`path,original_url` rows of a MANIFEST.csv at the top of a collection, if there is one."""
    manifest = os.path.join(folder, "MANIFEST.csv")
    urls: dict[str, str] = {}
    try:
        with open(manifest, newline="", encoding="utf-8", errors="replace") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames and {"path", "original_url"} <= set(reader.fieldnames):
                for row in reader:
                    if row.get("path") and (row.get("original_url") or "").startswith(
                        ("http://", "https://")
                    ):
                        urls[row["path"]] = row["original_url"]
    except (OSError, csv.Error):
        return {}
    return urls


def _mirror_url(rel: str) -> str | None:
    """A wget mirror keeps each page under a folder named by its host (www.marxists.org/…)."""
    host, _, rest = rel.partition("/")
    if (
        rest
        and "." in host
        and host.replace(".", "").replace("-", "").isalnum()
        and not host.endswith((".htm", ".html", ".txt", ".xml", ".md"))
    ):
        return f"http://{host}/{rest}"
    return None


def archive_files(db: str | Path) -> set[str]:
    """The archive's own files and its search index folder (archive.db → archive.index/), never
    ingested as pages."""
    base = os.path.realpath(db)
    index = os.path.splitext(base)[0] + ".index"
    return {base, index, *(base + suffix for suffix in ("-wal", "-shm", "-journal"))}


def collect_inputs(
    inputs: Iterable[str | Path], collection: str | None = None, exclude: Iterable[str] = ()
) -> Inputs:
    """Every candidate file under the given files and folders, each named by its key
    ``<collection>/<path inside>``: the collection is `collection` or the folder's own name.
    Two inputs that would store different files under one key are refused, never merged."""
    given = [str(i) for i in inputs]
    roots = [os.path.realpath(g) for g in given]
    excluded = set(exclude)
    found = Inputs()
    owners: dict[str, str] = {}  # key -> real location
    seen_collections: dict[str, Collection] = {}
    for raw, real in zip(given, roots, strict=True):
        if not os.path.lexists(raw):
            raise ArchivistError(f"{raw}: no such file or folder")
        if os.path.isdir(real):
            name = collection or os.path.basename(real.rstrip(os.sep)) or "root"
            this = Collection(name, real, whole=True)
            urls = _manifest_urls(real)
            candidates = list(_walk(real, roots, excluded, found))
        elif os.path.isfile(real):
            folder = os.path.dirname(real)
            name = collection or os.path.basename(folder) or "root"
            this = Collection(name, folder, whole=False)
            urls = _manifest_urls(folder)
            candidates = [] if real in excluded else [(real, os.path.basename(real))]
        else:
            found.skipped.append((raw, "not-a-file"))
            continue
        name = _display(name)
        if "/" in name or not name.strip():
            raise ArchivistError(f"{raw}: {name!r} cannot name a collection (no slashes, not empty)")
        previous = seen_collections.get(name)
        if previous is None or (previous.whole is False and this.whole):
            seen_collections[name] = this
        for location, rel in candidates:
            base = os.path.basename(location)
            if base in SKIP_NAMES or os.path.splitext(base)[1].lower() in SKIP_SUFFIXES:
                found.skipped.append((location, "not-a-page"))
                continue
            key = f"{name}/{_display(rel)}"
            real_location = os.path.realpath(location)
            owner = owners.get(key)
            if owner is not None:
                if owner != real_location:
                    raise ArchivistError(
                        f"{key}: two inputs give this name ({owner} and {real_location}); "
                        "give each folder its own name with --collection, or ingest them one at a time "
                        "with --collection NAME"
                    )
                continue
            owners[key] = real_location
            try:
                info = os.stat(location)
            except OSError:
                found.skipped.append((location, "unreadable"))
                continue
            url, origin = urls.get(rel), "manifest"
            if url is None and (url := _mirror_url(rel)):
                origin = "mirror-path"
            found.files.append(
                InputFile(location, key, info.st_size, info.st_mtime_ns, url, origin if url else None)
            )
    found.files.sort(key=lambda f: f.path)
    found.collections = sorted(seen_collections.values(), key=lambda c: c.name)
    return found


# -- executors: each maps extract_input over the items and yields results as they complete ------
Executor = Callable[[list[InputFile]], Iterator[Extraction]]


def serial_executor(items: list[InputFile]) -> Iterator[Extraction]:
    for item in items:
        yield extract_input(item)


def worker_init() -> None:
    """In each pool worker: die with the parent (even on kill -9), and leave Ctrl-C to the parent,
    which shuts the pool down itself."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def close_pool(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now: queued work is cancelled and the workers are ended, not waited for."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.kill()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(5)


WORKER_LOST = "worker-lost"


def _alone(item: InputFile) -> Extraction:
    """One file in a pool of its own: the retry of a file that was in flight when a worker died."""
    pool = ProcessPoolExecutor(max_workers=1, initializer=worker_init)
    try:
        return pool.submit(extract_input, item).result()
    except BrokenProcessPool:
        return no_bytes_failure(item.path, WORKER_LOST,
                                "the worker process died extracting this file (killed, or out of memory)")  # fmt: skip
    finally:
        close_pool(pool)


def pool_executor(jobs: int) -> Executor:
    """A local process pool with a bounded number of tasks in flight (memory stays flat). A worker
    that dies (killed, out of memory) costs no run: the files that were in flight are retried one
    by one, each in a fresh worker, and a file that kills its worker again is a `worker-lost`
    failure; the rest of the run goes on in a new pool."""

    def run(items: list[InputFile]) -> Iterator[Extraction]:
        queue = iter(items)
        exhausted = False
        while not exhausted:
            suspects: list[InputFile] = []
            pool = ProcessPoolExecutor(max_workers=jobs, initializer=worker_init)
            try:
                pending: dict[Future[Extraction], InputFile] = {}
                while True:
                    while len(pending) < jobs * 8:
                        item = next(queue, None)
                        if item is None:
                            exhausted = True
                            break
                        pending[pool.submit(extract_input, item)] = item
                    if not pending:
                        break
                    done, _ = wait(pending, return_when=FIRST_COMPLETED)
                    broken = False
                    for future in done:
                        item = pending.pop(future)
                        try:
                            yield future.result()
                        except BrokenProcessPool:
                            suspects.append(item)
                            broken = True
                    if broken:
                        for future, item in pending.items():
                            if future.done() and not future.cancelled() and future.exception() is None:
                                yield future.result()
                            else:
                                suspects.append(item)
                        break
            finally:
                close_pool(pool)
            for item in suspects:
                yield _alone(item)

    return run


@dataclass(slots=True)
class IngestReport:
    run_id: int
    status: str
    files_seen: int
    counts: BatchCounts = field(default_factory=BatchCounts)
    seconds: float = 0.0
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> entries not read
    skipped_paths: dict[str, list[str]] = field(default_factory=dict)  # reason -> the first of them
    withdrawn: int = 0  # documents whose file is gone from a re-ingested folder
    still_failing: int = 0  # unchanged files that failed before and were not tried again

    @property
    def documents_written(self) -> int:
        return self.counts.new + self.counts.changed - self.counts.failed

    @property
    def failing(self) -> int:
        return self.counts.failed + self.still_failing

    def to_dict(self) -> dict[str, object]:
        return {
            "run": self.run_id,
            "status": self.status,
            "files_seen": self.files_seen,
            "new": self.counts.new,
            "changed": self.counts.changed,
            "unchanged": self.counts.unchanged,
            "failed": self.counts.failed,
            "still_failing": self.still_failing,
            "withdrawn": self.withdrawn,
            "skipped": self.skipped,
            "skipped_paths": self.skipped_paths,
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
    collection: str | None = None,
    stop: Callable[[], bool] | None = None,
) -> IngestReport:
    """Ingest files and folders into `archive`, each folder as a collection (its own name, or
    `collection`). Unchanged files are skipped; each batch is one transaction; a file gone from a
    folder given whole is withdrawn (kept, no longer current); Ctrl-C ends the run as
    `interrupted` with every finished batch kept. `stop`, asked after each file, ends it the same
    way: a signal's KeyboardInterrupt raised inside a garbage collector's callback is ignored by
    Python, so the caller's handler also records the signal where `stop` can see it."""
    progress = progress or Progress()
    given = [str(i) for i in inputs]
    found = collect_inputs(given, collection=collection, exclude=archive_files(archive.path))
    items = found.files
    for coll in found.collections:
        archive.claim_collection(coll.name, coll.root)
    run_id = archive.begin_run(engine, given)
    report = IngestReport(run_id=run_id, status="running", files_seen=len(items), skipped=found.skipped_counts(),
                          skipped_paths=found.skipped_examples())  # fmt: skip
    started = time.perf_counter()
    progress.start(len(items))
    skipped = set() if force else archive.unchanged_files((i.path, i.size, i.mtime_ns) for i in items)
    if skipped:
        archive.touch_files(run_id, skipped)
        report.counts.unchanged += len(skipped)
        report.still_failing = archive.count_failed(skipped)
        progress.advance(None, len(skipped))
    todo = [i for i in items if i.path not in skipped]
    mtimes = {i.path: i.mtime_ns for i in todo}
    batch: list[Extraction] = []
    try:
        for extraction in (executor or serial_executor)(todo):
            if stop is not None and stop():
                raise KeyboardInterrupt
            batch.append(extraction)
            progress.advance(extraction)
            if len(batch) >= batch_size:
                report.counts.add(archive.write_batch(run_id, batch, mtimes))
                batch = []
        if batch:
            report.counts.add(archive.write_batch(run_id, batch, mtimes))
        present = {i.path for i in items}
        for coll in found.collections:
            if coll.whole:
                report.withdrawn += archive.withdraw_missing(run_id, coll.name, present)
        report.status = "completed"
    except KeyboardInterrupt:
        report.status = "interrupted"
        raise
    finally:
        report.seconds = time.perf_counter() - started
        if report.status == "running":
            report.status = "failed"
        archive.finish_run(run_id, report.status, len(items), report.counts,
                           {"counts": report.skipped, "paths": report.skipped_paths})  # fmt: skip
        progress.finish()
    return report


def default_jobs() -> int:
    return max(
        1, min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8)
    )

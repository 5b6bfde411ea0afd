"""The ingest on a Dask cluster: the same per-file function, another executor.

`dask_executor()` returns an `Executor` (see `archivist.pipeline`): a callable that takes the
`InputFile`s still to do and yields one `Extraction` per file as the cluster finishes them. The
workers run `archivist.pipeline.extract_input` — the very function the in-process run and the
process pool run — so an ingest with `--engine dask` gives the same archive, document for
document. The workers only extract; the writer in this process alone touches the store, one
transaction per batch, as results arrive.

A task extracts `files_per_task` files (8 by default: Dask's own cost, ~5 ms of CPU per task on
this machine, would otherwise be half the cost of extracting a page). Memory stays flat whatever
the corpus size: at most `in_flight` tasks (4 per worker thread by default) exist at any time;
more are submitted, in one message, as they complete, and each future is released as soon as its
results are in hand. Nothing holds the whole corpus.

Where the bytes come from:

* by path (the default): each task carries only the file's location, and the worker reads it.
  This needs the inputs on a file system every worker sees at the same path (one machine, NFS,
  a cluster file system); it keeps the scheduler and the client's network link out of the data
  path, which is what lets the run scale.
* `send_bytes=True`: this process reads each file and sends its bytes with the task to
  `archivist.pipeline.extract_data` — for workers that cannot see the inputs. Files up to
  `inline_limit` bytes travel inside the task (through the scheduler, fine for pages of tens of
  kilobytes); larger ones are scattered straight to a worker first, so the scheduler never carries
  a big payload. The client's upload bandwidth is then the ceiling of the whole run.

Faults: Dask reschedules the tasks of a worker that dies (its nanny starts a new one), and
recomputes results lost with it before they were fetched. A task whose workers die
`distributed.scheduler.allowed-failures` + 1 times (a file that crashes or exhausts its worker,
or a cluster losing machines) raises `KilledWorker`: a task of several files is then split into
one task per file, and a single file's becomes a failure with reason ``worker-lost`` while the
run goes on. Such a failure is stored with size 0, so the next run retries the file rather than
skipping it as unchanged. A task that raises (extract_input never does for a bad file) is split the same
way, and the file that raises is an ``extractor-error`` failure. Ctrl-C, or the caller closing the generator, cancels the
outstanding tasks and closes the client, and the local cluster if this executor started it; the
local cluster's workers ignore SIGINT so that a terminal's Ctrl-C reaches the ingest alone. (If
the interrupt lands while the writer is storing a batch, the generator is closed when the
ingest's frame is released, or at exit by distributed's own handler.)
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import logging
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from archivist.errors import ArchivistError, MissingExtra
from archivist.model import EXTRACTOR_VERSION, Extraction, SourceFile
from archivist.pipeline import Executor, InputFile, extract_data, extract_input

INSTALL_HINT = "pip install 'archivist[cluster]'"
WORKER_LOST = "worker-lost"
FILES_PER_TASK = 8  # a task of ~8 pages: Dask's per-task cost is then ~10% of the work (docs/scaling.md)
INLINE_LIMIT = 1024 * 1024  # bytes sent inside a task with send_bytes=True; larger files are scattered
_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def _distributed() -> Any:
    """The `distributed` package, or a `MissingExtra` that says how to install it."""
    try:
        import distributed
    except ImportError as err:
        raise MissingExtra(
            f"--engine dask needs Dask's distributed scheduler, which is not installed; "
            f"install it with: {INSTALL_HINT}"
        ) from err
    return distributed


def worker_versions() -> tuple[str, str]:
    """Run on each worker before any task: proves archivist imports there, and which version."""
    from archivist import __version__

    return __version__, EXTRACTOR_VERSION


def dask_setup(worker: Any) -> None:
    """Preload of the local cluster's workers: Ctrl-C in a terminal reaches every process of the
    group; the workers leave it to the ingest, which closes the cluster in order."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def extract_files(
    items: list[InputFile], function: Callable[[InputFile], Extraction] = extract_input
) -> list[Extraction]:
    """One task: `extract_input` on each file, read by path on the worker."""
    return [function(item) for item in items]


def extract_payloads(payloads: list[tuple[bytes, str, str | None]]) -> list[Extraction]:
    """One task with `send_bytes`: `extract_data` on each (bytes, path, url) sent with it."""
    return [extract_data(data, path, url) for data, path, url in payloads]


def dask_executor(
    scheduler: str | None = None,
    workers: int = 2,
    *,
    files_per_task: int = FILES_PER_TASK,
    send_bytes: bool = False,
    inline_limit: int = INLINE_LIMIT,
    in_flight: int | None = None,
    silence_logs: int = logging.CRITICAL,
    connect_timeout: float = 30.0,
    _function: Callable[[InputFile], Extraction] | None = None,
) -> Executor:
    """An `Executor` that extracts on Dask.

    scheduler: address of a running scheduler (``tcp://HOST:8786``); None starts a `LocalCluster`
        of `workers` single-threaded worker processes for the run and closes it at the end.
    workers: worker processes of the local cluster (ignored with `scheduler`).
    files_per_task: files extracted by one task (each with `extract_input`). Dask costs about
        4 ms of CPU per task on the 2-core test machine (scheduler, worker and client together,
        docs/scaling.md) against ~8 ms to extract a page: one file per task would spend a third
        of the machine on Dask. A task of several files that fails (its workers keep dying) is
        split into one task per file, so only the file at fault ends as a failure.
    send_bytes: read files here and send their bytes with the tasks (workers need not see the
        inputs) instead of letting the workers read them by path.
    inline_limit: with `send_bytes`, files larger than this are scattered to a worker first.
    in_flight: most tasks submitted at once (default 4 per worker thread, at least 8).
    silence_logs: log level of the local cluster's own loggers. Critical only by default: what
        they would report (a worker lost, a heartbeat cut short by Ctrl-C) reaches the user as a
        recorded failure or a one-line error, not as log lines across the progress bar.
    _function: for tests only: a stand-in for `extract_input` (to crash a worker on purpose).

    Raises `MissingExtra` at once when dask's `distributed` is not installed.
    """
    _distributed()
    if workers < 1:
        raise ArchivistError(f"--engine dask needs at least one worker, not {workers}")
    if files_per_task < 1:
        raise ArchivistError(f"files_per_task must be at least 1, not {files_per_task}")
    function = _function or extract_input

    def run(items: list[InputFile]) -> Iterator[Extraction]:
        if not items:
            return
        dd = _distributed()
        with dask_client(scheduler, workers, silence_logs=silence_logs, timeout=connect_timeout) as (
            client,
            threads,
        ):
            window = in_flight or max(8, 4 * threads)
            submit = _submitter(client, function, send_bytes, inline_limit)
            yield from _stream(dd, client, items, window, files_per_task, submit)

    return run


@contextlib.contextmanager
def dask_client(
    scheduler: str | None = None,
    workers: int = 2,
    *,
    silence_logs: int = logging.CRITICAL,
    timeout: float = 30.0,
) -> Iterator[tuple[Any, int]]:
    """A Dask client whose workers are checked to run this archivist, and their thread count.

    With `scheduler` it connects to a running cluster; without, it starts a `LocalCluster` of
    `workers` single-threaded processes (the workers ignore Ctrl-C, see `dask_setup`) and closes
    it on leaving. Every Dask run of archivist (the ingest, the enrichment stages) starts here, so
    they report an unreachable scheduler, a cluster without workers or a worker running another
    archivist with the same one-line errors.
    """
    dd = _distributed()
    cluster, client = _connect(dd, scheduler, workers, silence_logs, timeout)
    try:
        yield client, _check_workers(client, scheduler, timeout)
    finally:
        _close(client, cluster)


def _connect(
    dd: Any, scheduler: str | None, workers: int, silence_logs: int, timeout: float
) -> tuple[Any, Any]:
    if scheduler:
        try:
            return None, dd.Client(scheduler, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as err:
            raise ArchivistError(f"cannot reach the Dask scheduler at {scheduler}: {err}") from err
    cluster = dd.LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=silence_logs,
        preload=[__name__],  # dask_setup above, and archivist imported before the first task
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},  # its health page: any free local port
    )
    try:
        client = dd.Client(cluster, set_as_default=False)
    except BaseException:
        cluster.close()
        raise
    return cluster, client


def _check_workers(client: Any, scheduler: str | None, timeout: float) -> int:
    """Wait for a worker, check every worker runs this archivist; return the worker threads."""
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError as err:
        raise ArchivistError(
            f"the Dask scheduler at {scheduler} has no workers after {timeout:.0f}s"
        ) from err
    try:
        versions = client.run(worker_versions)
    except Exception as err:
        raise ArchivistError(
            f"the Dask workers cannot run archivist ({type(err).__name__}: {err}); "
            "install the same archivist on every worker"
        ) from err
    ours = worker_versions()
    for address, theirs in versions.items():
        if tuple(theirs) != ours:
            raise ArchivistError(
                f"Dask worker {address} runs archivist {theirs[0]} (extractor {theirs[1]}), this is "
                f"{ours[0]} (extractor {ours[1]}); install the same archivist on every worker"
            )
    return sum(client.nthreads().values()) or 1


Task = tuple[list[InputFile], Any]  # the files of one task, and its future
Submit = Callable[[list[list[InputFile]]], tuple[list[Task], list[Extraction]]]


def _submitter(
    client: Any,
    function: Callable[[InputFile], Extraction],
    send_bytes: bool,
    inline_limit: int,
) -> Submit:
    """Submit chunks of files as tasks (one message for all of them); with `send_bytes`, files
    this process cannot read come back at once as failures."""

    def by_path(chunks: list[list[InputFile]]) -> tuple[list[Task], list[Extraction]]:
        if function is extract_input:
            futures = client.map(extract_files, chunks, pure=False)
        else:
            futures = client.map(extract_files, chunks, pure=False, function=function)
        return list(zip(chunks, futures, strict=True)), []

    def by_bytes(chunks: list[list[InputFile]]) -> tuple[list[Task], list[Extraction]]:
        failed: list[Extraction] = []
        kept_chunks: list[list[InputFile]] = []
        payloads: list[list[tuple[Any, str, str | None]]] = []
        for chunk in chunks:
            kept, sent = [], []
            for item in chunk:
                try:
                    data = Path(item.location).read_bytes()
                except OSError as err:
                    failed.append(_failure(item, "unreadable", f"cannot read: {err.strerror}"))
                    continue
                sent.append(
                    (
                        client.scatter(data, hash=False) if len(data) > inline_limit else data,
                        item.path,
                        item.url,
                    )
                )
                kept.append(item)
            if kept:
                kept_chunks.append(kept)
                payloads.append(sent)
        futures = client.map(extract_payloads, payloads, pure=False) if payloads else []
        return list(zip(kept_chunks, futures, strict=True)), failed

    return by_bytes if send_bytes else by_path


def _stream(
    dd: Any, client: Any, items: list[InputFile], window: int, per_task: int, submit: Submit
) -> Iterator[Extraction]:
    """At most `window` tasks at a time; yield each file's result as its task completes."""
    queue = iter(items)
    pending: dict[Any, list[InputFile]] = {}  # future -> its files
    completed = dd.as_completed(loop=client.loop)

    def top_up() -> list[Extraction]:
        """Refill to `window` tasks once half of it is done: one message to the scheduler."""
        if len(pending) > window // 2:
            return []
        chunks: list[list[InputFile]] = []
        while len(pending) + len(chunks) < window and (chunk := list(itertools.islice(queue, per_task))):
            chunks.append(chunk)
        if not chunks:
            return []
        return send(chunks)

    def send(chunks: list[list[InputFile]]) -> list[Extraction]:
        tasks, failed = submit(chunks)
        pending.update((future, chunk) for chunk, future in tasks)
        completed.update(future for _, future in tasks)
        return failed

    try:
        yield from top_up()
        for done in completed.batches():  # every task finished since the last look
            extractions: list[Extraction] = []
            results = _gather(dd, client, [f for f in done if f.status == "finished"])
            for future in done:
                chunk = pending[future]
                if future in results:
                    extractions += _results(results[future], chunk)
                elif len(chunk) > 1 and future.status == "error":
                    # one of its files kills workers (or raises): run each file alone, so only it fails
                    extractions += send([[item] for item in chunk])
                elif future.status in ("error", "cancelled"):
                    extractions += _failures(dd, future, chunk)
                else:  # its result was lost with a worker before we fetched it: Dask computes it again
                    completed.add(future)
                    continue
                del pending[future]
                future.release()  # the scheduler forgets the task and its result now
            del done, results
            extractions += top_up()  # keep the workers busy while the writer stores these
            yield from extractions
    finally:
        if pending:
            with contextlib.suppress(Exception):
                client.cancel(list(pending), force=True)
            pending.clear()


def _gather(dd: Any, client: Any, futures: list[Any]) -> dict[Any, Any]:
    """The results of finished tasks, in one round trip; one by one if that fails (a result lost
    with its worker and then failing), leaving the failed ones to `_failures`."""
    if not futures:
        return {}
    try:
        return dict(zip(futures, client.gather(futures), strict=True))
    except (Exception, dd.CancelledError):
        results = {}
        for future in futures:
            with contextlib.suppress(Exception, dd.CancelledError):
                results[future] = future.result()
        return results


def _results(result: Any, chunk: list[InputFile]) -> list[Extraction]:
    if not (isinstance(result, list) and len(result) == len(chunk)):
        raise ArchivistError(
            f"{chunk[0].path}: a Dask worker returned {type(result).__name__}, not its results"
        )
    return result


def _failures(dd: Any, future: Any, chunk: list[InputFile]) -> list[Extraction]:
    if future.status == "cancelled":  # the scheduler dropped it (restarted, or lost this client)
        raise ArchivistError(
            f"{chunk[0].path}: the Dask cluster cancelled its task; every finished batch is kept: "
            "run the same command again to finish"
        )
    exc = future.exception()
    if isinstance(exc, dd.KilledWorker):
        tries = exc.args[2] + 1 if len(exc.args) > 2 else "several"
        last = getattr(exc.args[1], "address", exc.args[1]) if len(exc.args) > 1 else "?"
        detail = f"the Dask workers running it died {tries} times (last: {last}); the next run retries it"
        return [_failure(item, WORKER_LOST, detail) for item in chunk]
    detail = f"the task raised on a Dask worker: {type(exc).__name__}: {exc}"
    return [_failure(item, "extractor-error", detail) for item in chunk]


def _failure(item: InputFile, reason: str, detail: str) -> Extraction:
    """A failure with no bytes read: stored with size 0, so the next run tries the file again."""
    source = SourceFile(path=item.path, sha256=_EMPTY_SHA256, size=0)
    return Extraction(file=source, original=b"", failure=reason, failure_detail=detail)


def _close(client: Any, cluster: Any) -> None:
    with contextlib.suppress(Exception):
        client.close(timeout=10)
    if cluster is not None:
        with contextlib.suppress(Exception):
            cluster.close(timeout=20)

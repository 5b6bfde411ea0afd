"""Running stages over an archive: incremental, batched, on one process, a pool or Dask.

The documents a stage has not read in their current version are loaded here, sent to workers
(`apply_stage` is the whole per-document work), and their spans written back in batches by this
process alone — as the ingest does — so a run can be interrupted at any point and resumed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from archivist.enrich.stage import Stage, apply_stage, order_stages
from archivist.model import Document, Span
from archivist.store import Archive

Result = tuple[str, str, list[Span]]


def _apply_batch(name: str, docs: list[Document]) -> list[Result]:
    return [apply_stage(name, doc) for doc in docs]


def _batches(archive: Archive, ids: list[str], size: int) -> Iterator[list[Document]]:
    for i in range(0, len(ids), size):
        docs = [archive.document(d) for d in ids[i : i + size]]
        yield [d for d in docs if d is not None]


def _serial(stage: Stage, batches: Iterator[list[Document]]) -> Iterator[list[Result]]:
    for docs in batches:
        yield _apply_batch(stage.name, docs)


def _windowed(submit: Any, batches: Iterator[list[Document]], window: int) -> Iterator[list[Result]]:
    """Results in batch order, with at most `window` batches submitted and not yet collected."""
    pending: list[Any] = []
    for docs in batches:
        pending.append(submit(docs))
        if len(pending) >= window:
            yield pending.pop(0).result()
    for future in pending:
        yield future.result()


def _pool(stage: Stage, batches: Iterator[list[Document]], jobs: int) -> Iterator[list[Result]]:
    from archivist.pipeline import close_pool, worker_init

    pool = ProcessPoolExecutor(max_workers=jobs, initializer=worker_init)
    try:
        yield from _windowed(lambda docs: pool.submit(_apply_batch, stage.name, docs), batches, jobs * 2)
    finally:
        close_pool(pool)


def _dask(
    stage: Stage, batches: Iterator[list[Document]], jobs: int, scheduler: str | None
) -> Iterator[list[Result]]:
    from archivist.cluster import dask_client

    with dask_client(scheduler, jobs) as (client, threads):
        submit = lambda docs: client.submit(_apply_batch, stage.name, docs, pure=False)  # noqa: E731
        yield from _windowed(submit, batches, max(2, threads * 2))


def run_stages(
    archive: Archive,
    names: list[str],
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    force: bool = False,
    progress: bool = False,
    batch_size: int = 32,
    stop: Callable[[], bool] | None = None,
) -> list[dict[str, Any]]:
    """Run the named stages (in dependency order) on the documents each has not read yet. `stop`,
    asked after each stored batch, raises KeyboardInterrupt there: a Ctrl-C whose own
    KeyboardInterrupt Python ignored (raised in a garbage collector's callback) still stops the run."""
    from archivist.pipeline import default_jobs

    jobs = jobs or default_jobs()
    reports = []
    for stage in order_stages(names):
        started = time.perf_counter()
        todo = archive.stage_todo(stage.name, stage.version, force=force)
        current = archive.stats()["documents"]
        batches = _batches(archive, todo, batch_size)
        if engine == "dask":
            results = _dask(stage, batches, jobs, scheduler)
        elif jobs > 1 and len(todo) > batch_size:
            results = _pool(stage, batches, jobs)
        else:
            results = _serial(stage, batches)
        bar = progress_bar(stage.name, len(todo)) if progress else None
        spans = done = 0
        try:
            for batch in results:
                spans += archive.put_stage_results(stage.name, stage.version, stage.adds, batch)
                done += len(batch)
                if bar is not None:
                    bar[0].update(bar[1], advance=len(batch))
                if stop is not None and stop():
                    raise KeyboardInterrupt
        finally:
            if bar is not None:
                bar[0].stop()
        reports.append({"stage": stage.name, "version": stage.version, "documents": done, "spans": spans,
                        "up_to_date": current - len(todo), "seconds": round(time.perf_counter() - started, 2)})  # fmt: skip
    return reports


def progress_bar(name: str, total: int) -> tuple[Any, Any]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn(f"[bold]{name}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=Console(stderr=True))  # fmt: skip
    bar.start()
    return bar, bar.add_task(name, total=total)

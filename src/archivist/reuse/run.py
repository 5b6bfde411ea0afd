"""Running the cross-document step of text reuse: in this process, on a pool or on Dask.

This process is the only writer. It first takes every document to compare (new, or changed
since it was indexed) out of the index, with its pairs and links. It then puts them back in, in
rounds of `ROUND`, one transaction each; every document of a round is compared with the
documents indexed *before* it (`archivist.reuse.works`) — a read-only query of the index and an
alignment of its candidates, the costly part, done by workers that open the archive read-only —
while this process indexes the next round; their pairs and links come back here and are written
in one transaction per round. A document is compared with exactly the documents a one-by-one run would
compare it with (the index key orders them), so the results do not depend on `--jobs`, the
engine or `ROUND`. Dask workers must see the archive's file at the same path (one machine, or a
shared file system), as for an ingest that sends paths.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from archivist.enrich.fingerprints import unpack
from archivist.reuse.works import (
    Texts,
    candidates,
    compare,
    compare_translation,
    regroup,
    translation_candidates,
)
from archivist.store import Archive
from archivist.store import reuse as store

ROUND = 200  # documents indexed in one transaction, then compared (each with those indexed before it)
PER_TASK = 5  # documents a worker compares in one task

Task = list[tuple[str, int]]  # (document id, index key)
Found = dict[str, Any]  # one document's candidates, pairs with links, translations, timings

# A worker's read-only archive and text cache, by run and thread (SQLite connections stay in their thread)
_WORKER: dict[tuple[str, int], tuple[Archive, Texts]] = {}


def compare_earlier(archive: Archive, texts: Texts, document_id: str, key: int) -> Found:
    """What one document shares with the documents indexed before it (`key`: its own index key)."""
    attrs = store.fingerprint(archive, document_id)
    grams, anchors = _packed(attrs, "grams"), _packed(attrs, "anchors")
    positions = unpack(attrs["positions"]) if attrs.get("positions") else None
    t0 = time.perf_counter()
    entry = texts.get(document_id) if positions is None else None
    found = candidates(archive, grams, positions, entry[1] if entry else None, document_id, before=key)
    other_language = translation_candidates(archive, anchors, document_id, attrs.get("language"), key) - found
    t1 = time.perf_counter()
    pairs = [r for r in (compare(texts, document_id, other) for other in sorted(found)) if r is not None]
    t2 = time.perf_counter()
    translations = [
        p for p in (compare_translation(texts, document_id, other) for other in sorted(other_language)) if p
    ]
    return {"candidates": len(found) + len(other_language), "pairs": pairs, "translations": translations,
            "seconds": (t1 - t0, t2 - t1, time.perf_counter() - t2)}  # fmt: skip


def _packed(attrs: dict[str, Any], name: str) -> np.ndarray:
    """One array of a stored fingerprint (empty when the text had none)."""
    return unpack(attrs[name]) if attrs.get(name) else np.zeros(0, dtype=np.int64)


def compare_task(db: str, run: str, task: Task) -> list[Found]:
    """A worker's task: its documents compared, from the archive opened read-only (once a run)."""
    key = (run, threading.get_ident())
    if key not in _WORKER:
        for old in [k for k in _WORKER if k[0] != run]:  # an earlier run's (a long-lived Dask worker)
            with contextlib.suppress(Exception):  # another thread's connection closes when collected
                _WORKER.pop(old)[0].close()
        archive = Archive(db, readonly=True)
        _WORKER[key] = (archive, Texts(archive))
    archive, texts = _WORKER[key]
    return [compare_earlier(archive, texts, document_id, key) for document_id, key in task]


def update(
    archive: Archive,
    rebuild: bool = False,
    progress: Callable[[int, int], None] | None = None,
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    stop: Callable[[], bool] | None = None,
) -> dict[str, Any]:
    """Bring text reuse up to date with the archive's fingerprints (see the module docstring).
    `stop`, asked after each stored round, raises KeyboardInterrupt there."""
    started = time.perf_counter()
    if rebuild:
        store.clear(archive)
    removed = store.stale(archive)
    unfinished = store.uncompared(archive)  # an interrupted run's: indexed, never compared
    if removed or unfinished:
        with store.transaction(archive):
            for document_id in removed + unfinished:
                store.forget(archive, document_id)
    todo = store.pending(archive)
    with store.transaction(archive):  # before any comparing: no worker may meet an outdated entry
        for document_id, _, _ in todo:
            store.forget(archive, document_id)
    report: dict[str, Any] = {"indexed": 0, "removed": len(removed), "candidates": 0, "pairs": 0, "witness_pairs": 0,
              "translations": 0, "links": 0}  # fmt: skip
    timings = [0.0, 0.0, 0.0]
    run = uuid.uuid4().hex
    with _executor(archive, run, jobs, engine, scheduler, len(todo)) as start:
        running = None  # a round being compared while the next one is indexed
        running_ids: list[str] = []
        for i in range(0, len(todo) + ROUND, ROUND):
            tasks = _index_round(archive, todo[i : i + ROUND]) if i < len(todo) else []
            if running is not None:
                with store.transaction(archive):
                    for results in running:
                        for found in results:
                            _store(archive, found, report, timings)
                    store.mark_compared(archive, running_ids)
                if progress is not None:
                    progress(min(i, len(todo)), len(todo))
                if stop is not None and stop():
                    raise KeyboardInterrupt
            report["indexed"] += sum(len(t) for t in tasks)
            running = start(tasks) if tasks else None
            running_ids = [document_id for task in tasks for document_id, _ in task]
    t2 = time.perf_counter()
    groups = regroup(archive)
    report["works"] = len(groups)
    report["multi_witness_works"] = sum(1 for g in groups.values() if len(g) > 1)
    report["seconds_candidates"] = round(timings[0], 2)
    report["seconds_alignment"] = round(timings[1], 2)
    report["seconds_translations"] = round(timings[2], 2)
    report["seconds_grouping"] = round(time.perf_counter() - t2, 2)
    report["seconds"] = round(time.perf_counter() - started, 2)
    return report


def _index_round(archive: Archive, documents: list[tuple[str, str, str]]) -> list[Task]:
    """Put a round's documents in the index; the tasks comparing them."""
    keys: Task = []
    with store.transaction(archive):
        for document_id, version, stage_version in documents:
            attrs = store.fingerprint(archive, document_id)
            hashes = np.concatenate([_packed(attrs, "grams"), _packed(attrs, "anchors")])
            key = store.index(
                archive, document_id, version, stage_version, int(attrs.get("words", 0)), hashes
            )
            keys.append((document_id, key))
    return [keys[k : k + PER_TASK] for k in range(0, len(keys), PER_TASK)]


def _store(archive: Archive, found: Found, report: dict[str, Any], timings: list[float]) -> None:
    report["candidates"] += found["candidates"]
    for pair, links in found["pairs"]:
        store.put_pair(archive, pair, links)
        report["pairs"] += 1
        report["witness_pairs"] += pair["same_text"]
        report["links"] += len(links)
    for pair in found["translations"]:
        store.put_pair(archive, pair, [])
        report["pairs"] += 1
        report["witness_pairs"] += 1
        report["translations"] += 1
    for k, seconds in enumerate(found["seconds"]):
        timings[k] += seconds


@contextmanager
def _executor(archive: Archive, run: str, jobs: int, engine: str, scheduler: str | None,
              documents: int) -> Iterator[Callable[[list[Task]], Iterator[list[Found]]]]:  # fmt: skip
    """What starts comparing a round's tasks (on workers: at once) and gives their results in
    task order: this process (one job, or too few documents to pay for workers, comparing as the
    results are read), a process pool, or Dask."""
    if engine == "dask":
        from archivist.cluster import dask_client

        with dask_client(scheduler, jobs) as (client, _):

            def on_dask(tasks: list[Task]) -> Iterator[list[Found]]:
                futures = [client.submit(compare_task, archive.path, run, t, pure=False) for t in tasks]
                return (future.result() for future in futures)

            yield on_dask
    elif jobs > 1 and documents > PER_TASK:
        from concurrent.futures import ProcessPoolExecutor

        from archivist.pipeline import close_pool, worker_init

        pool = ProcessPoolExecutor(max_workers=jobs, initializer=worker_init)

        def on_pool(tasks: list[Task]) -> Iterator[list[Found]]:
            futures = [pool.submit(compare_task, archive.path, run, task) for task in tasks]
            return (future.result() for future in futures)

        try:
            yield on_pool
        finally:
            close_pool(pool)
    else:
        texts = Texts(archive)
        yield lambda tasks: ([compare_earlier(archive, texts, d, k) for d, k in task] for task in tasks)

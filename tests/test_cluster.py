"""`--engine dask`: the same archive as the in-process ingest, through faults, from the CLI too.

Every run here starts real Dask worker processes on this machine (a `LocalCluster`), so the file
takes about a minute; the whole corpus is ingested three times (serial, dask, dask with a kill).
"""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archivist.errors import MissingExtra
from archivist.pipeline import InputFile, ingest, serial_executor
from archivist.store import Archive

pytestmark = pytest.mark.cluster

distributed = pytest.importorskip("distributed")
from archivist.cluster import WORKER_LOST, dask_executor  # noqa: E402
from tests.conftest import CORPUS, SEEDS, shared_or_skip  # noqa: E402


def snapshot(db: Path) -> tuple[list[dict[str, Any]], list[tuple[str, str, str]]]:
    """Everything a reader sees: every current document, field for field, and the failures."""
    with Archive(db, readonly=True) as archive:
        documents = [d.to_record() for d in archive.documents()]
        failures = [(f["path"], f["reason"], f["message"]) for f in archive.failures()]
    return documents, failures


def counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "documents": one("SELECT COUNT(*) FROM documents"),
            "files": one("SELECT COUNT(*) FROM files"),
            "versions": one("SELECT COUNT(*) FROM file_versions"),
            "paths": one("SELECT COUNT(DISTINCT path) FROM file_versions"),
        }


@pytest.fixture(scope="module")
def serial_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference: the whole corpus ingested in-process."""
    corpus = shared_or_skip(CORPUS)
    db = tmp_path_factory.mktemp("serial") / "serial.db"
    with Archive(db) as archive:
        report = ingest([corpus], archive, executor=serial_executor)
    assert report.status == "completed" and report.documents_written > 500
    return db


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """A running LocalCluster of two worker processes, for tests that need its address or pids."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR
    ) as running:
        yield running


def test_dask_gives_the_same_archive_as_in_process(serial_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "dask.db"
    with Archive(db) as archive:
        report = ingest([CORPUS], archive, executor=dask_executor(workers=2), engine="dask")
    assert report.status == "completed"
    dask_docs, dask_failures = snapshot(db)
    serial_docs, serial_failures = snapshot(serial_db)
    assert len(dask_docs) == len(serial_docs) > 500
    for ours, theirs in zip(dask_docs, serial_docs, strict=True):
        assert ours == theirs, ours["path"]
    assert dask_failures == serial_failures
    assert counts(db) == counts(serial_db)
    with Archive(db, readonly=True) as archive:
        assert archive.runs()[-1]["engine"] == "dask"


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(
    serial_db: Path, tmp_path: Path, cluster: Any
) -> None:
    run = dask_executor(scheduler=cluster.scheduler_address, files_per_task=1)  # a task per file
    with distributed.Client(cluster, set_as_default=False) as client:
        pids_before = client.run(os.getpid)
        assert len(pids_before) == 2
        victim = next(iter(pids_before.values()))
        seen = 0

        def killing(items: list[InputFile]) -> Iterator[Any]:
            nonlocal seen
            for extraction in run(items):
                seen += 1
                if seen == 100:  # well inside the run: 530 files
                    os.kill(victim, signal.SIGKILL)
                yield extraction

        db = tmp_path / "killed.db"
        with Archive(db) as archive:
            report = ingest([CORPUS], archive, executor=killing, engine="dask")
        client.wait_for_workers(2, timeout=60)
        assert victim not in client.run(os.getpid).values(), "the worker was not killed"
    assert report.status == "completed"
    assert report.counts.new == report.files_seen == seen
    assert snapshot(db) == snapshot(serial_db)
    assert counts(db) == counts(serial_db)
    c = counts(db)
    assert c["versions"] == c["paths"] == c["files"]  # no file written twice


def test_bytes_sent_with_the_tasks_give_the_same_documents(tmp_path: Path, cluster: Any) -> None:
    folder = shared_or_skip(CORPUS) / "hurlus-tei"  # TEI files of tens to hundreds of kilobytes
    serial_db, sent_db = tmp_path / "serial.db", tmp_path / "sent.db"
    with Archive(serial_db) as archive:
        ingest([folder], archive)
    # inline_limit=20 kB: the small files travel inside their task, the larger ones are scattered
    run = dask_executor(scheduler=cluster.scheduler_address, send_bytes=True, inline_limit=20_000)
    with Archive(sent_db) as archive:
        report = ingest([folder], archive, executor=run, engine="dask")
    assert report.status == "completed" and report.files_seen > 10
    sizes = [p.stat().st_size for p in folder.iterdir()]
    assert min(sizes) < 20_000 < max(sizes)  # both paths were taken
    assert snapshot(sent_db) == snapshot(serial_db)


def test_a_task_that_keeps_killing_workers_is_a_recorded_failure(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(6):
        (folder / f"page{i}.txt").write_text(
            f"Page {i}\n\nThe text of page {i}, long enough to be a page of text.\n"
        )
    (folder / "poison.txt").write_text("Poison\n\nA page whose extraction kills the worker every time.\n")

    def poison(item: InputFile) -> Any:  # pickled by value: the workers need not import this test
        from archivist.pipeline import extract_input

        if item.path.endswith("poison.txt"):
            os._exit(1)
        return extract_input(item)

    db = tmp_path / "a.db"
    import dask

    with dask.config.set({"distributed.scheduler.allowed-failures": 1}), Archive(db) as archive:
        report = ingest([folder], archive, executor=dask_executor(workers=2, _function=poison), engine="dask")
    assert report.status == "completed"
    failed = {path: reason for path, reason, _ in report.counts.failures}
    assert failed.get("in/poison.txt") == WORKER_LOST
    # a worker that died also took the tasks queued on it: those are lost too, never wrong
    assert set(failed.values()) == {WORKER_LOST}
    with Archive(db) as archive:
        assert len(list(archive.documents())) == 6 - (len(failed) - 1)
        # worker-lost is not "unchanged": the next run (here in-process) extracts those files
        again = ingest([folder], archive)
        assert again.counts.failed == 0 and again.counts.unchanged == 7 - len(failed)
        assert len(list(archive.documents())) == 7


def test_a_task_that_raises_fails_only_its_file(tmp_path: Path, cluster: Any) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(5):
        (folder / f"page{i}.txt").write_text(f"Page {i}\n\nThe text of page {i}, long enough to be a page.\n")
    (folder / "raises.txt").write_text("Raises\n\nA page whose extraction raises.\n")

    def raising(item: InputFile) -> Any:
        from archivist.pipeline import extract_input

        if item.path.endswith("raises.txt"):
            raise RuntimeError("boom")
        return extract_input(item)

    with Archive(tmp_path / "a.db") as archive:
        run = dask_executor(scheduler=cluster.scheduler_address, _function=raising)  # all 6 in one task
        report = ingest([folder], archive, executor=run, engine="dask")
        assert len(list(archive.documents())) == 5
    [(path, reason, message)] = report.counts.failures
    assert (path, reason) == ("in/raises.txt", "extractor-error")
    assert "RuntimeError: boom" in message


def test_cli_ingest_engine_dask(tmp_path: Path) -> None:
    seeds = shared_or_skip(SEEDS)
    db = tmp_path / "seeds.db"
    command = [
        sys.executable,
        "-m",
        "archivist.cli",
        "ingest",
        str(seeds),
        "--db",
        str(db),
        "--engine",
        "dask",
    ]
    done = subprocess.run([*command, "-j", "2"], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert "2 new" in done.stdout
    again = subprocess.run(
        [*command, "-j", "2", "--format", "json"], capture_output=True, text=True, timeout=180
    )
    assert again.returncode == 0, again.stderr
    assert '"unchanged": 2' in again.stdout
    with Archive(db, readonly=True) as archive:
        assert {d.path for d in archive.documents()} == {f"seeds/{p.name}" for p in seeds.iterdir()}


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm", "kill-9"])
def test_ctrl_c_stops_cleanly_and_a_rerun_finishes(serial_db: Path, tmp_path: Path, how: str) -> None:
    """Ctrl-C (SIGINT to the terminal's process group) and SIGTERM (to the ingest alone, as a
    service manager or `kill` sends it) stop the run the same way; after kill -9 of the ingest
    alone, its cluster's workers go too and a rerun finishes the job."""
    db = tmp_path / "interrupted.db"
    command = [sys.executable, "-m", "archivist.cli", "ingest", str(CORPUS), "--db", str(db), "--engine", "dask",
               "-j", "2", "-q", "--batch-size", "16"]  # fmt: skip
    proc = subprocess.Popen(command, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while _files_in(db) < 48:  # some batches committed, most of the corpus still to do
            assert proc.poll() is None and time.monotonic() < deadline, "the ingest ended before Ctrl-C"
            time.sleep(0.2)
        if how == "ctrl-c":
            os.killpg(proc.pid, signal.SIGINT)  # what a terminal does: the whole process group
        elif how == "sigterm":
            proc.send_signal(signal.SIGTERM)
        else:
            proc.kill()
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == (-9 if how == "kill-9" else 130), err.decode()
    assert "Traceback" not in err.decode()
    assert _live_in_group(proc.pid, wait=15) == [], "worker processes outlived the ingest"
    with Archive(db, readonly=True) as archive:
        assert archive.runs()[-1]["status"] == ("running" if how == "kill-9" else "interrupted")
    done = subprocess.run(command[:-2], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert snapshot(db) == snapshot(serial_db)
    c = counts(db)
    assert c["versions"] == c["paths"] == c["files"] == counts(serial_db)["files"]


def _files_in(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM files").fetchone()[0])
    except sqlite3.Error:
        return 0


def _live_in_group(pgid: int, wait: float) -> list[int]:
    """Processes of a process group still alive (zombies do not count), after up to `wait` s."""
    if not Path("/proc").is_dir():
        return []
    deadline = time.monotonic() + wait
    while True:
        live = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                live.append(int(stat.parent.name))
        if not live or time.monotonic() > deadline:
            return live
        time.sleep(0.5)


def test_missing_dask_says_how_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if it were not installed
    with pytest.raises(MissingExtra, match=r"pip install 'archivist\[cluster\]'"):
        dask_executor(workers=2)
    from click.testing import CliRunner

    from archivist.cli import main

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("A\n\nSome text.\n")
    result = CliRunner().invoke(main, ["ingest", str(tmp_path / "in"), "--db", str(tmp_path / "a.db"),
                                       "--engine", "dask"])  # fmt: skip
    assert result.exit_code == 1
    assert "pip install 'archivist[cluster]'" in result.output
    assert "Traceback" not in result.output


def test_stages_on_dask_give_the_same_layers_as_in_process(tmp_path: Path, cluster: Any) -> None:
    from archivist.enrich import run_stages

    seeds = shared_or_skip(SEEDS)
    layers = {}
    for engine in ("local", "dask"):
        db = tmp_path / f"{engine}.db"
        with Archive(db) as archive:
            ingest([seeds], archive)
            reports = run_stages(archive, ["paragraphs", "dates"], engine=engine, jobs=2,
                                 scheduler=cluster.scheduler_address if engine == "dask" else None)  # fmt: skip
            assert [r["documents"] for r in reports] == [2, 2]
            layers[engine] = [(d.id, [s.to_record() for s in d.spans]) for d in archive.documents()]
    assert layers["dask"] == layers["local"] and layers["local"][0][1]

"""Scale-out benchmark: the in-process ingest against `--engine dask` with 1 and 2 workers.

    python bench/scale.py                     # the corpus replicated to >= 50,000 files
    python bench/scale.py --quick             # 4 replicas (~2,100 files): a few minutes
    python bench/scale.py --replicas 20 --configs serial,dask2

Every configuration ingests the same replicated files into its own fresh archive, in the same
run. The replicas are written under a temporary folder (each copy of a page gets its own number
of trailing newlines, so content hashes and document ids differ) and deleted at the end.

Configurations: `serial` (in-process), `daskN` (a scheduler process and N single-threaded worker
processes started here, the ingest connecting to them with `--scheduler`: the writer, scheduler
and workers are separate processes, so each one's memory and CPU is measured apart),
`daskN-local` (the `LocalCluster` that `archivist ingest --engine dask -j N` starts: scheduler
inside the writer's process), and `-xK` (K files per task).

Measured: pages/s; CPU seconds per page of the writer, scheduler and workers; peak RSS of each
process (sampled every 0.25 s with psutil); bytes per page; extraction cost per page (serial run
minus its writes); store write rate (time inside `Archive.write_batch`: documents and parts per
second); archive size per page (and by table); an FTS5 full-text index built over the serial
archive (size, time); the per-task overhead of Dask (no-op tasks through the same executor).
Results: a table on stdout and JSON in bench/results/scale-<date>[-quick].json. The machine's
load average is recorded with each run: timings on a shared machine are only as good as it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from archivist.cluster import FILES_PER_TASK
from archivist.model import Extraction, SourceFile
from archivist.pipeline import Executor, InputFile, collect_inputs, ingest, serial_executor
from archivist.store import Archive

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
RESULTS = ROOT / "bench" / "results"


# -- replicas ---------------------------------------------------------------------------------------
def _suffix(data: bytes, n: int) -> bytes:
    """n trailing newlines in the file's own encoding (UTF-16 pages stay well-formed)."""
    if data.startswith(b"\xff\xfe"):
        return b"\n\x00" * n
    if data.startswith(b"\xfe\xff"):
        return b"\x00\n" * n
    return b"\n" * n


def make_replicas(corpus: Path, replicas: int, into: Path) -> tuple[int, int]:
    """Copy every input file of `corpus` `replicas` times, each copy made distinct; (files, bytes)."""
    sources = [(Path(i.location), i.path.split("/", 1)[1]) for i in collect_inputs([corpus]).files]
    originals = [(rel, src.read_bytes()) for src, rel in sources]
    files = total = 0
    for r in range(replicas):
        base = into / f"r{r:03d}"
        for rel, data in originals:
            target = base / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            copy = data + _suffix(data, r + 1)
            target.write_bytes(copy)
            files += 1
            total += len(copy)
    return files, total


# -- processes and their resources ------------------------------------------------------------------
class Monitor:
    """Samples the RSS and CPU time of named processes in a background thread."""

    def __init__(self, interval: float = 0.25) -> None:
        self.interval = interval
        self.procs: dict[str, psutil.Process] = {}
        self.peak: dict[str, int] = {}
        self.cpu: dict[str, float] = {}
        self.loads: list[float] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.own_cpu = 0.0

    def watch(self, name: str, pid: int) -> None:
        self.procs[name] = psutil.Process(pid)
        self.peak.setdefault(name, 0)

    def sample(self) -> None:
        for name, proc in list(self.procs.items()):
            with contextlib.suppress(psutil.Error), proc.oneshot():
                self.peak[name] = max(self.peak[name], proc.memory_info().rss)
                times = proc.cpu_times()
                self.cpu[name] = times.user + times.system
        self.loads.append(os.getloadavg()[0])

    def cpu_now(self) -> dict[str, float]:
        self.sample()
        return dict(self.cpu)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()
            self.own_cpu = time.thread_time()  # this thread's CPU is in the writer's: subtracted from it

    def __enter__(self) -> Monitor:
        self.sample()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()
        self.sample()


@dataclass
class Cluster:
    """A scheduler process and N worker processes on this machine (`dask scheduler`/`dask worker`)."""

    workers: int
    folder: Path
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    address: str = ""

    def __enter__(self) -> Cluster:
        import distributed

        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        log = (self.folder / "cluster.log").open("ab")
        file = self.folder / f"scheduler-{os.getpid()}-{time.monotonic_ns()}.json"
        self.procs.append(subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0",
             "--no-dashboard", "--dashboard-address", "127.0.0.1:0", "--scheduler-file", str(file)],
            stdout=log, stderr=log, env=env, start_new_session=True))  # fmt: skip
        deadline = time.monotonic() + 60
        while not file.exists() or not file.read_text().strip().endswith("}"):
            if time.monotonic() > deadline or self.procs[0].poll() is not None:
                raise RuntimeError(f"the scheduler did not start; see {self.folder / 'cluster.log'}")
            time.sleep(0.1)
        self.address = json.loads(file.read_text())["address"]
        for i in range(self.workers):
            self.procs.append(subprocess.Popen(
                [sys.executable, "-m", "distributed.cli.dask_worker", self.address, "--no-nanny",
                 "--nthreads", "1", "--no-dashboard", "--name", f"w{i}", "--preload", "archivist.cluster",
                 "--memory-limit", "0"],
                stdout=log, stderr=log, env=env, start_new_session=True))  # fmt: skip
        with distributed.Client(self.address, set_as_default=False) as client:
            client.wait_for_workers(self.workers, timeout=120)
        return self

    @property
    def scheduler_pid(self) -> int:
        return self.procs[0].pid

    @property
    def worker_pids(self) -> list[int]:
        return [p.pid for p in self.procs[1:]]

    def __exit__(self, *exc: object) -> None:
        for proc in reversed(self.procs):
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


# -- one configuration ------------------------------------------------------------------------------
@dataclass
class WriteTimer:
    seconds: float = 0.0
    batches: int = 0
    documents: int = 0
    failures: int = 0
    parts: int = 0
    provenance: int = 0
    authors: int = 0

    def wrap(self, archive: Archive) -> None:
        write = archive.write_batch

        def timed(run_id: int, extractions: list[Extraction], mtimes: dict[str, int]) -> Any:
            started = time.perf_counter()
            try:
                return write(run_id, extractions, mtimes)
            finally:
                self.seconds += time.perf_counter() - started
                self.batches += 1
                for ex in extractions:
                    if ex.document is None:
                        self.failures += 1
                        continue
                    self.documents += 1
                    self.parts += len(ex.document.parts)
                    self.provenance += len(ex.document.provenance)
                    self.authors += len(ex.document.authors)

        archive.write_batch = timed  # type: ignore[method-assign]


class Counter:
    """Progress on stdout every 10% (the full run takes long: tail its log)."""

    def __init__(self, name: str) -> None:
        self.name, self.total, self.done, self.next, self.started = name, 0, 0, 0, time.perf_counter()

    def start(self, total: int) -> None:
        self.total, self.next, self.started = total, max(1, total // 10), time.perf_counter()

    def advance(self, extraction: Extraction | None, n: int = 1) -> None:
        self.done += n
        if self.done >= self.next:
            rate = self.done / (time.perf_counter() - self.started)
            print(f"  {self.name}: {self.done:,}/{self.total:,} ({rate:,.1f} pages/s, "
                  f"load {os.getloadavg()[0]:.1f})", flush=True)  # fmt: skip
            self.next += max(1, self.total // 10)

    def finish(self) -> None: ...


def run_config(name: str, inputs: Path, workdir: Path, monitor_interval: float) -> dict[str, Any]:
    m = re.fullmatch(r"serial|dask(\d+)(-local)?(?:-x(\d+))?", name)
    if not m:
        raise SystemExit(f"unknown configuration {name!r}: serial, daskN, daskN-local, daskN-xK")
    db = workdir / f"{name}.db"
    timer = WriteTimer()
    result: dict[str, Any] = {"config": name}
    with contextlib.ExitStack() as stack:
        monitor = stack.enter_context(Monitor(monitor_interval))
        monitor.watch("writer", os.getpid())
        executor: Executor = serial_executor
        cluster_started = time.perf_counter()
        if name != "serial":
            from archivist.cluster import dask_executor

            workers, local, per_task = int(m.group(1)), bool(m.group(2)), int(m.group(3) or FILES_PER_TASK)
            result.update(
                workers=workers, files_per_task=per_task, cluster="LocalCluster" if local else "processes"
            )
            if local:
                executor = _local_executor(
                    dask_executor(workers=workers, files_per_task=per_task), monitor, workers
                )
            else:
                cluster = stack.enter_context(Cluster(workers, workdir))
                monitor.watch("scheduler", cluster.scheduler_pid)
                for i, pid in enumerate(cluster.worker_pids):
                    monitor.watch(f"worker{i}", pid)
                executor = dask_executor(scheduler=cluster.address, files_per_task=per_task)
        result["cluster_start_s"] = round(time.perf_counter() - cluster_started, 2)
        cpu_before, monitor_before = monitor.cpu_now(), monitor.own_cpu
        load_from = len(monitor.loads)
        progress = Counter(name)
        with Archive(db) as archive:
            timer.wrap(archive)
            started = time.perf_counter()
            report = ingest([inputs], archive, executor=executor, engine="dask" if name != "serial" else "local",
                            batch_size=64, progress=progress)  # fmt: skip
            seconds = time.perf_counter() - started
        cpu_after, monitor_cpu = monitor.cpu_now(), monitor.own_cpu - monitor_before
        loads = monitor.loads[load_from:]
    pages = report.files_seen
    cpu = {k: round(cpu_after.get(k, 0.0) - cpu_before.get(k, 0.0), 2) for k in cpu_after}
    cpu["writer"] = round(cpu["writer"] - monitor_cpu, 2)  # the sampling thread is not the writer's work
    result["monitor_cpu_s"] = round(monitor_cpu, 3)
    worker_cpu = sum(v for k, v in cpu.items() if k.startswith("worker"))
    result.update(
        status=report.status,
        pages=pages,
        documents=timer.documents,
        failures=timer.failures,
        seconds=round(seconds, 2),
        pages_per_s=round(pages / seconds, 1),
        cpu_s=cpu,
        cpu_ms_per_page={k: round(v / pages * 1000, 2) for k, v in cpu.items()},
        worker_cpu_ms_per_page=round(worker_cpu / pages * 1000, 2) if worker_cpu else None,
        peak_rss_mb={k: round(v / 2**20, 1) for k, v in monitor.peak.items()},
        load_avg_mean=round(sum(loads) / len(loads), 2) if loads else None,
        load_avg_max=round(max(loads), 2) if loads else None,
        writes={
            "seconds": round(timer.seconds, 2),
            "batches": timer.batches,
            "documents": timer.documents,
            "parts": timer.parts,
            "provenance_rows": timer.provenance,
            "documents_per_s": round(timer.documents / timer.seconds, 1) if timer.seconds else None,
            "parts_per_s": round(timer.parts / timer.seconds, 1) if timer.seconds else None,
            "ms_per_document": round(timer.seconds / max(1, timer.documents + timer.failures) * 1000, 3),
        },
    )
    with Archive(db) as archive:
        size = archive.storage()
    result["archive"] = {
        "bytes": size["bytes"],
        "bytes_per_page": round(size["bytes"] / max(1, pages)),
        "text_chars_per_page": round(size["text_chars"] / max(1, timer.documents)),
        "by_table_bytes": size["by_table"],
    }
    if name == "serial":
        result["extraction_ms_per_page"] = round((seconds - timer.seconds) / pages * 1000, 2)
    result["_db"] = str(db)
    return result


def _local_executor(executor: Executor, monitor: Monitor, workers: int) -> Executor:
    """The CLI's LocalCluster: watch its worker processes (children of this one) as they appear.

    Looking for them costs about 1 ms of this process's CPU (`children(recursive=True)` reads /proc
    for every descendant), and this process is the writer whose CPU per page is measured: so look
    only until all `workers` are found, and at most twice a second."""

    def run(items: list[InputFile]) -> Iterator[Extraction]:
        seen: set[int] = set()
        next_look = 0.0
        for extraction in executor(items):
            if len(seen) < workers and (now := time.monotonic()) >= next_look:
                next_look = now + 0.5
                for child in psutil.Process().children(recursive=True):
                    with contextlib.suppress(psutil.Error):
                        if child.pid not in seen and "spawn_main" in " ".join(child.cmdline()):
                            seen.add(child.pid)
                            monitor.watch(f"worker{len(seen) - 1}", child.pid)
            yield extraction

    return run


# -- the per-task overhead ----------------------------------------------------------------------------
def _noop(item: InputFile) -> Extraction:
    """A task that does nothing: what is left of its time is Dask's."""
    return Extraction(file=SourceFile(path=item.path, sha256="0" * 64, size=0), original=b"", failure="noop")


def task_overhead(
    items: list[InputFile], workdir: Path, files_per_task: int, workers: int = 1
) -> dict[str, Any]:
    """Files that do nothing, through the same executor: what is left of their time is Dask's."""
    from archivist.cluster import dask_executor

    with Monitor() as monitor, Cluster(workers, workdir) as cluster:
        monitor.watch("writer", os.getpid())
        monitor.watch("scheduler", cluster.scheduler_pid)
        for i, pid in enumerate(cluster.worker_pids):
            monitor.watch(f"worker{i}", pid)
        executor = dask_executor(scheduler=cluster.address, _function=_noop, files_per_task=files_per_task)
        sum(1 for _ in executor(items[:200]))  # warm up
        before = monitor.cpu_now()
        started = time.perf_counter()
        n = sum(1 for _ in executor(items))
        seconds = time.perf_counter() - started
        after = monitor.cpu_now()
    tasks = -(-n // files_per_task)
    cpu = {k: (after[k] - before.get(k, 0.0)) / tasks * 1000 for k in after}
    return {
        "files": n,
        "files_per_task": files_per_task,
        "tasks": tasks,
        "workers": workers,
        "ms_per_task_wall": round(seconds / tasks * 1000, 3),
        "ms_per_file_wall": round(seconds / n * 1000, 3),
        "tasks_per_s": round(tasks / seconds, 1),
        "cpu_ms_per_task": {k: round(v, 3) for k, v in cpu.items()},
        "cpu_ms_per_task_total": round(sum(cpu.values()), 3),
        "cpu_ms_per_file_total": round(sum(cpu.values()) / files_per_task, 3),
    }


# -- report -------------------------------------------------------------------------------------------
def print_table(results: dict[str, Any]) -> None:
    runs = results["runs"]
    print()
    print(f"{results['files']:,} files, {results['bytes_per_page']:,} bytes per page; "
          f"{results['machine']['cpus']} CPUs; load average during runs shown per run")  # fmt: skip
    head = (
        f"{'config':<14}{'pages/s':>9}{'seconds':>9}{'load':>6}  {'cpu ms/page (writer, sched, workers)':<38}"
    )
    head += f"{'peak RSS MB (writer, sched, worker)':<36}{'writes docs/s':>14}{'parts/s':>10}{'archive B/page':>15}"
    print(head)
    for r in runs:
        cpu = r["cpu_ms_per_page"]
        peak = r["peak_rss_mb"]
        workers = [v for k, v in peak.items() if k.startswith("worker")]
        cpu_s = f"{cpu.get('writer', 0):.1f}, {cpu.get('scheduler', 0):.1f}, {r['worker_cpu_ms_per_page'] or 0:.1f}"
        peak_s = f"{peak.get('writer', 0):.0f}, {peak.get('scheduler', 0):.0f}, {max(workers, default=0):.0f}"
        print(f"{r['config']:<14}{r['pages_per_s']:>9.1f}{r['seconds']:>9.1f}{r['load_avg_mean'] or 0:>6.1f}  "
              f"{cpu_s:<38}{peak_s:<36}{r['writes']['documents_per_s'] or 0:>14,.0f}"
              f"{r['writes']['parts_per_s'] or 0:>10,.0f}{r['archive']['bytes_per_page']:>15,}")  # fmt: skip
    for o in results.get("task_overhead", []):
        print(f"\nDask overhead, no-op files, {o['files_per_task']} per task, {o['workers']} worker: "
              f"{o['ms_per_task_wall']} ms wall and {o['cpu_ms_per_task_total']} ms CPU per task "
              f"({o['cpu_ms_per_task']}), {o['tasks_per_s']:,} tasks/s; {o['cpu_ms_per_file_total']} ms CPU per file")  # fmt: skip
    for key, label in (("extraction_ms_per_page", "extraction per page (serial, writes excluded)"),
                       ("fts5_index", "FTS5 index over the serial archive")):  # fmt: skip
        if key in results:
            print(f"{label}: {results[key]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--replicas", type=int, default=None, help="copies of the corpus (default: >= 50,000 files)"
    )
    parser.add_argument("--quick", action="store_true", help="4 replicas, and every configuration")
    parser.add_argument(
        "--configs",
        default=None,
        help="comma list: serial,dask1,dask2,dask2-local,dask2-x1 (-xK: K files per task)",
    )
    parser.add_argument(
        "--overhead-tasks", type=int, default=3000, help="no-op tasks for the overhead (0: skip)"
    )
    parser.add_argument(
        "--tmp", type=Path, default=None, help="where the replicas go (default: the system temp)"
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="JSON results (default bench/results/scale-DATE.json)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the replicas and archives (prints where)")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        raise SystemExit(f"{args.corpus}: no corpus here; pass --corpus DIR")
    corpus_files = len(collect_inputs([args.corpus]).files)
    replicas = args.replicas or (4 if args.quick else -(-50_000 // corpus_files))
    configs = args.configs or (
        "serial,dask1,dask2,dask2-local,dask2-x1" if args.quick else "serial,dask1,dask2"
    )
    date = datetime.now(UTC).strftime("%Y-%m-%d")
    out = args.out or RESULTS / f"scale-{date}{'-quick' if args.quick else ''}.json"

    workdir = Path(tempfile.mkdtemp(prefix="archivist-scale-", dir=args.tmp))
    inputs = workdir / "replicas"
    try:
        started = time.perf_counter()
        files, total = make_replicas(args.corpus, replicas, inputs)
        print(f"{files:,} files ({total / 2**20:,.0f} MiB) in {inputs}, written in "
              f"{time.perf_counter() - started:.0f}s", flush=True)  # fmt: skip
        results: dict[str, Any] = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "corpus": str(args.corpus),
            "corpus_files": corpus_files,
            "replicas": replicas,
            "files": files,
            "bytes": total,
            "bytes_per_page": round(total / files),
            "machine": _machine(),
            "runs": [],
        }
        for name in [c for c in configs.split(",") if c.strip() and c.strip() != "none"]:
            print(f"{name}: ingesting {files:,} files", flush=True)
            run = run_config(name.strip(), inputs, workdir, 0.25)
            db = Path(run.pop("_db"))
            if run["config"] == "serial":
                results["extraction_ms_per_page"] = run["extraction_ms_per_page"]
                with Archive(db) as archive:
                    results["fts5_index"] = archive.trial_fulltext_index()
                results["fts5_index"]["bytes_per_page"] = round(results["fts5_index"]["bytes"] / files)
            results["runs"].append(run)
            print(f"{name}: {run['pages_per_s']} pages/s, {run['seconds']}s, load {run['load_avg_mean']}",
                  flush=True)  # fmt: skip
            if not args.keep:
                for path in db.parent.glob(db.name + "*"):
                    path.unlink()
            _write(out, results)
        if args.overhead_tasks:
            items = collect_inputs([inputs]).files[: args.overhead_tasks]
            results["task_overhead"] = [task_overhead(items, workdir, k) for k in (1, FILES_PER_TASK)]
        serial = next((r for r in results["runs"] if r["config"] == "serial"), None)
        for r in results["runs"]:
            if serial and r is not serial:
                r["speedup_vs_serial"] = round(r["pages_per_s"] / serial["pages_per_s"], 2)
                if r.get("workers") == 1:  # (dask time - serial time) / tasks, for one worker
                    tasks = -(-r["pages"] // r["files_per_task"])
                    r["overhead_ms_per_task_vs_serial"] = round(
                        (r["seconds"] - serial["seconds"]) / tasks * 1000, 2
                    )
        _write(out, results)
        print_table(results)
        print(f"\nresults: {out}")
    finally:
        if args.keep:
            print(f"kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def _machine() -> dict[str, Any]:
    import dask
    import distributed

    from archivist import __version__

    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
        "dask": dask.__version__,
        "distributed": distributed.__version__,
        "archivist": __version__,
        "commit": commit.stdout.strip() or None,
        "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _write(out: Path, results: dict[str, Any]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(results, indent=2) + "\n")
    tmp.replace(out)


if __name__ == "__main__":
    main()

"""Reading-room throughput: requests per second and latency percentiles per kind of page (document
pages, search pages, faceted search pages, keyword in context), with N concurrent clients on
loopback, optionally while an ingest writes into the same archive.

The server is `archivist serve` in a process of its own (`--workers N` is passed on to it) on
127.0.0.1 and an ephemeral port. The clients are N asyncio tasks in this one process (uvloop when
installed), each on a keep-alive connection of its own, speaking HTTP/1.1 over a raw socket: a
request is one write and the response is read by its Content-Length, so a client costs a few tens
of microseconds per request and the clients' CPU time is reported apart from the server's (both
from /proc: on a loaded 2-core machine they are the figures wall-clock latency is not). Each
client fetches the next URL of one list that interleaves the kinds of `--mix` (documents: round
robin over every current document; searches: a fixed list of queries; faceted searches: the facet
links those searches' own pages offer — author, decade, type, language — as a reader clicks them)
for `--duration` seconds or `--max-requests` requests, whichever comes first, after a short
warm-up. `--ingest DIR` runs `archivist ingest DIR` into the same archive again and again (each
time as a new collection) for as long as the load lasts, so the server reads while a writer commits
and the search index is updated under it. Only loopback is ever a target.

Before/after in one run: `--reference SRC` (another version's `src`, e.g. from `git archive`) runs
the same load against a server of that code and one of this code, alternated `--repeat` times,
each on a fresh copy of the same archive.

    .venv/bin/python bench/serve.py --corpus ../shared/corpus          # ingest to a temp archive, measure
    .venv/bin/python bench/serve.py --corpus ../shared/corpus --ingest ../shared/corpus-wide/wikirouge-mecw
    .venv/bin/python bench/serve.py --db archive.db --duration 5       # an existing archive
    .venv/bin/python bench/serve.py --mix document --path '.json'      # the documents' JSON twins only
    .venv/bin/python bench/serve.py --reference /tmp/base/src --duration 60 --ingest DIR   # before/after
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import importlib.metadata
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
RESULTS = REPO / "bench" / "results"
HOST = "127.0.0.1"  # loopback only


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _archive(args: argparse.Namespace, workdir: Path) -> Path:
    if args.db:
        return Path(args.db)
    db = workdir / "bench.db"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "archivist.cli",
            "ingest",
            str(args.corpus),
            "--db",
            str(db),
            "--jobs",
            "2",
            "-q",
        ],
        check=True,
    )
    return db


def _document_ids(db: Path) -> list[str]:
    from archivist.store import Archive
    from archivist.store.browse import document_ids

    with Archive(db, readonly=True) as archive:
        return document_ids(archive, 1_000_000)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time so far of a process and its children (the workers of `archivist serve
    --workers N`), from /proc: the server's own cost, which the load of a shared machine does not
    inflate the way it inflates wall-clock latency."""
    total = 0.0
    for one in [pid, *_children(pid)]:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def _start_server(db: Path, src: Path | None, workers: int | None) -> tuple[subprocess.Popen[str], str]:
    """`archivist serve` of this code, or of the code in `src` (a reference version)."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(src), *filter(None, [env.get("PYTHONPATH")])])
    command = [sys.executable, "-m", "archivist.cli", "serve", "--db", str(db), "--host", HOST, "--port", "0"]
    if workers is not None:
        command += ["--workers", str(workers)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None
    match = re.search(r"(http://127\.0\.0\.1:\d+/)", process.stdout.readline())
    if not match:
        process.kill()
        raise SystemExit("the server did not print its URL")
    return process, match.group(1)


# Searches a historian might type: words, a phrase, a prefix, fields. Their pages' facet links
# make the faceted searches.
QUERIES = [
    "revolution",
    "opposition",
    '"Left Opposition"',
    "dialectic",
    "bourgeoisie proletariat",
    "strike",
    "war peace",
    "party congress",
    "syndicalis*",
    "capital labour",
    "author:trotsky",
    "peasants land",
    "imperialism",
    "democracy",
    "letter type:letter",
    "revolution lang:fr",
]
FACETS_CLICKED = ("author", "decade", "type", "lang")
WHAT = {
    "document": "/documents/{{id}}{path}, every current document round robin",
    "search": "/search?q=…, the queries of QUERIES, with all seven facets",
    "facet": "/search?q=… with a facet filter added, the links the search pages offer",
    "kwic": "/kwic?q=…",
}


def _latency(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    return {
        "p50": round(_percentile(values, 0.50) * 1000, 1),
        "p95": round(_percentile(values, 0.95) * 1000, 1),
        "p99": round(_percentile(values, 0.99) * 1000, 1),
        "max": round(max(values) * 1000, 1),
        "mean": round(statistics.fmean(values) * 1000, 1),
    }


def _mix_urls(base: str, kinds: list[str], ids: list[str], path: str) -> list[tuple[str, str]]:
    """(kind, url) pairs, the kinds interleaved: document, search, facet, document, search, …"""
    lists: dict[str, list[str]] = {}
    if "document" in kinds:
        lists["document"] = [f"/documents/{doc_id}{path}" for doc_id in ids]
    searches = [f"/search?{urlencode({'q': q})}" for q in QUERIES]
    if "search" in kinds:
        lists["search"] = searches
    if "facet" in kinds:
        faceted: list[str] = []
        with httpx.Client(base_url=base, timeout=60) as http:
            for q in QUERIES:
                data = http.get("/search.json", params={"q": q}).json()
                for name in FACETS_CLICKED:
                    faceted += [v["url"] for v in data["facets"].get(name, [])[:3]]
        lists["facet"] = faceted
    if "kwic" in kinds:
        lists["kwic"] = [f"/kwic?{urlencode({'q': q})}" for q in QUERIES if ":" not in q]
    longest = max(len(v) for v in lists.values())
    return [(kind, urls[i % len(urls)]) for i in range(longest) for kind, urls in lists.items()]


class _Ingests:
    """`archivist ingest DIR` into the archive, again and again under new collection names, until
    stopped: the writer the reading room must not notice."""

    def __init__(self, db: Path, folder: Path | None) -> None:
        self.db, self.folder = db, folder
        self.runs: list[dict[str, Any]] = []
        self.process: subprocess.Popen[bytes] | None = None
        self.started = 0.0

    def poll(self) -> None:
        if self.folder is None:
            return
        if self.process is not None:
            code = self.process.poll()
            if code is None:
                return
            self.runs.append({"seconds": round(time.perf_counter() - self.started, 2), "exit": code})
        self.started = time.perf_counter()
        collection = f"bench-live-{len(self.runs) + 1}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "archivist.cli", "ingest", str(self.folder), "--collection", collection,
             "--db", str(self.db), "--jobs", "1", "-q"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def stop(self) -> dict[str, Any] | None:
        if self.folder is None:
            return None
        unfinished = 0
        if self.process is not None and self.process.poll() is None:
            self.process.wait(timeout=300)  # let the run finish: no half-written state to measure
            unfinished = 1
            self.runs.append({"seconds": round(time.perf_counter() - self.started, 2), "exit": self.process.returncode,
                              "finished_after_load": True})  # fmt: skip
        return {
            "folder": str(self.folder),
            "runs": self.runs,
            "completed_during_load": len(self.runs) - unfinished,
            "all_exit_0": all(r["exit"] == 0 for r in self.runs),
        }


class _Connection:
    """One client's keep-alive HTTP/1.1 connection over a raw socket: GET, read the status line
    and headers, then the body by its Content-Length (or chunks). Reopened after an error or a
    `Connection: close`."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> tuple[int, int]:
        """(status, body bytes) of GET path."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n\r\n".encode())
        head = (await self.reader.readuntil(b"\r\n\r\n")).lower()
        status = int(head[9:12])
        at = head.find(b"\r\ncontent-length:")
        if at >= 0:
            length = int(head[at + 17 : head.index(b"\r\n", at + 2)])
            await self.reader.readexactly(length)
        elif b"\r\ntransfer-encoding: chunked" in head:
            length = 0
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await self.reader.readexactly(size + 2)
                length += size
                if size == 0:
                    break
        else:
            raise ConnectionError(f"a response with no length: {head[:200]!r}")
        if b"\r\nconnection: close" in head:
            self.close()
        return status, length

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _load(
    base: str,
    urls: list[tuple[str, str]],
    clients: int,
    duration: float,
    max_requests: int,
    server_pid: int | None = None,
    ingests: _Ingests | None = None,
) -> dict[str, Any]:
    latencies: dict[str, list[float]] = {kind: [] for kind, _ in urls}
    statuses: dict[str, dict[int, int]] = {kind: {} for kind in latencies}
    errors: list[str] = []
    counter = 0
    host, port = base.split("//")[1].rstrip("/").split(":")
    connections = [_Connection(host, int(port)) for _ in range(clients)]
    # warm-up: each client's connection open, templates compiled, SQLite's pages read once
    for start in range(0, clients * 2, clients):
        await asyncio.gather(*(c.get(urls[(start + i) % len(urls)][1]) for i, c in enumerate(connections)))
    deadline = time.perf_counter() + duration
    clock = time.perf_counter

    async def client(connection: _Connection) -> None:
        nonlocal counter
        while clock() < deadline and counter < max_requests:
            kind, url = urls[counter % len(urls)]
            counter += 1
            started = clock()
            try:
                status, _ = await connection.get(url)
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as err:
                errors.append(f"{url}: {err!r}")
                connection.close()
                continue
            latencies[kind].append(clock() - started)
            statuses[kind][status] = statuses[kind].get(status, 0) + 1
            if status != 200 and len(errors) < 20:
                errors.append(f"{url}: {status}")

    async def writer() -> None:
        while ingests is not None and clock() < deadline:
            ingests.poll()
            await asyncio.sleep(0.2)

    started = clock()
    cpu_before = _cpu_seconds(server_pid) if server_pid else 0.0
    client_cpu_before = time.process_time()
    await asyncio.gather(writer(), *(client(c) for c in connections))
    elapsed = clock() - started
    client_cpu = time.process_time() - client_cpu_before
    server_cpu = _cpu_seconds(server_pid) - cpu_before if server_pid else None
    for connection in connections:
        connection.close()
    every = [v for values in latencies.values() for v in values]
    every_status: dict[int, int] = {}
    for counts in statuses.values():
        for code, n in counts.items():
            every_status[code] = every_status.get(code, 0) + n
    return {
        "server_cpu_ms_per_request": round(server_cpu * 1000 / len(every), 3) if server_cpu else None,
        "client_cpu_ms_per_request": round(client_cpu * 1000 / len(every), 3) if every else None,
        "server_cpu_seconds": round(server_cpu, 2) if server_cpu else None,
        "client_cpu_seconds": round(client_cpu, 2),
        "requests": len(every),
        "seconds": round(elapsed, 2),
        "requests_per_second": round(len(every) / elapsed, 1),
        "latency_ms": _latency(every),
        "by_kind": {
            kind: {
                "requests": len(values),
                "requests_per_second": round(len(values) / elapsed, 1),
                "latency_ms": _latency(values),
                "statuses": {str(k): v for k, v in sorted(statuses[kind].items())},
            }
            for kind, values in latencies.items()
        },
        "statuses": {str(k): v for k, v in sorted(every_status.items())},
        "errors": len([e for e in errors if not e.endswith(": 200")]),
        "first_errors": errors[:5],
    }


def _copy_archive(db: Path, folder: Path) -> Path:
    """A fresh copy of the archive and its search index, for one pass."""
    folder.mkdir(parents=True)
    copy = folder / db.name
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{db}{suffix}").exists():
            shutil.copy2(f"{db}{suffix}", f"{copy}{suffix}")
    index = db.with_name(db.stem + ".index")
    if index.is_dir():
        shutil.copytree(index, copy.with_name(copy.stem + ".index"))
    return copy


def _run_pass(
    args: argparse.Namespace, db: Path, kinds: list[str], ids: list[str], src: Path | None
) -> tuple[dict[str, Any], dict[str, Any] | None, list[tuple[str, str]]]:
    server, base = _start_server(db, src, None if src is not None else args.workers)
    ingests = _Ingests(db, args.ingest)
    try:
        urls = _mix_urls(base, kinds, ids, args.path)
        load_before = os.getloadavg()[0]
        result = _run(_load(base, urls, args.clients, min(args.duration, 60.0), args.max_requests,
                            server.pid, ingests))  # fmt: skip
        result["load_average_1min"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    finally:
        ingest_report = ingests.stop()
        server.terminate()
        server.wait(timeout=15)
    return result, ingest_report, urls


def _run(coroutine: Any) -> Any:
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus to ingest when no --db")
    parser.add_argument("--db", help="an existing archive (default: ingest --corpus into a temporary one)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load (at most 60)")
    parser.add_argument("--max-requests", type=int, default=1_000_000)
    parser.add_argument("--path", default="", help="suffix of each document URL: '' (the page) or '.json'")
    parser.add_argument(
        "--mix",
        default="document,search,facet",
        help="page kinds, interleaved: document, search, facet, kwic",
    )
    parser.add_argument(
        "--ingest", type=Path, help="a folder to ingest into the archive, again and again, meanwhile"
    )
    parser.add_argument("--workers", type=int, help="`archivist serve --workers N` (this code's server only)")
    parser.add_argument("--reference", type=Path, help="another version's src: the same load against it too")
    parser.add_argument("--repeat", type=int, default=1, help="passes of each version, alternated")
    parser.add_argument(
        "--json", type=Path, help="where to write the result (default bench/results/serve-DATE.json)"
    )
    args = parser.parse_args(argv)
    kinds = [k.strip() for k in args.mix.split(",") if k.strip()]
    versions: list[tuple[str, Path | None]] = [("current", None)]
    if args.reference:
        versions.insert(0, ("reference", args.reference.resolve()))
    passes: list[dict[str, Any]] = []
    ok = True
    with tempfile.TemporaryDirectory() as workdir:
        db = _archive(args, Path(workdir))
        ids = _document_ids(db)
        for repetition in range(args.repeat):
            order = versions if repetition % 2 == 0 else versions[::-1]
            for name, src in order:
                copy = (
                    _copy_archive(db, Path(workdir) / f"pass-{len(passes)}")
                    if args.ingest or args.reference
                    else db
                )
                result, ingest_report, urls = _run_pass(args, copy, kinds, ids, src)
                distinct = {kind: len({u for k, u in urls if k == kind}) for kind in kinds}
                passes.append({"version": name, "src": str(src or REPO / "src"), "repetition": repetition,
                               "workers": (args.workers or _default_workers()) if src is None else 1,
                               "ingest_meanwhile": ingest_report, **result})  # fmt: skip
                _print_pass(passes[-1], args.clients)
                ingest_ok = ingest_report is None or ingest_report["all_exit_0"]
                ok = ok and result["errors"] == 0 and set(result["statuses"]) == {"200"} and ingest_ok
    report = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "what": "GET, interleaved: "
        + ", ".join(f"{k} ({distinct[k]} URLs: {WHAT[k].format(path=args.path)})" for k in kinds),
        "clients": args.clients,
        "client": "one process: asyncio tasks, one keep-alive connection each, raw HTTP/1.1",
        "server": "archivist serve (uvicorn) on 127.0.0.1",
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "versions": {p: _version(p) for p in ("starlette", "uvicorn", "jinja2", "httptools", "uvloop")},
        "passes": passes,
    }
    out = args.json or RESULTS / f"serve-{dt.date.today().isoformat()}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"→ {out}")
    return 0 if ok else 1


def _default_workers() -> int | None:
    try:
        from archivist.web.server import default_workers
    except ImportError:
        return None
    return default_workers()


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _print_pass(result: dict[str, Any], clients: int) -> None:
    lat = result["latency_ms"]
    print(
        f"[{result['version']}] {result['requests']} requests in {result['seconds']} s with {clients} clients: "
        f"{result['requests_per_second']} req/s, p50 {lat['p50']} ms, p95 {lat['p95']} ms, p99 {lat['p99']} ms, "
        f"CPU per request: server {result['server_cpu_ms_per_request']} ms, clients "
        f"{result['client_cpu_ms_per_request']} ms; load {result['load_average_1min']}, "
        f"statuses {result['statuses']}, errors {result['errors']}"
    )
    for kind, row in result["by_kind"].items():
        print(f"  {kind:>9}: {row['requests']:>6} requests, {row['requests_per_second']:>6} req/s, "
              f"p50 {row['latency_ms'].get('p50')} ms, p95 {row['latency_ms'].get('p95')} ms, statuses {row['statuses']}")  # fmt: skip
    if result["ingest_meanwhile"]:
        print(f"  ingest meanwhile: {result['ingest_meanwhile']}")
    if result["first_errors"]:
        print(f"  first errors: {result['first_errors']}")


if __name__ == "__main__":
    sys.exit(main())

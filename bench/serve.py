"""Reading-room throughput: requests per second and latency percentiles per kind of page (document
pages, search pages, faceted search pages, keyword in context), with N concurrent clients on
loopback, optionally while an ingest writes into the same archive.

The server is `archivist serve` in a process of its own (one uvicorn worker, as a user runs it) on
127.0.0.1 and an ephemeral port; the clients are asyncio tasks in this process sharing a keep-alive
pool of N connections (httpx), each fetching the next URL of one list that interleaves the kinds
of `--mix` (documents: round robin over every current document; searches: a fixed list of
queries; faceted searches: the facet links those searches' own pages offer — author, decade,
type, language — as a reader clicks them) for `--duration` seconds or `--max-requests` requests,
whichever comes first, after a short warm-up. `--ingest DIR` runs `archivist ingest DIR` into the
same archive again and again (each time as a new collection) for as long as the load lasts, so
the server reads while a writer commits and the search index is updated under it. Only loopback
is ever a target. On this 2-core machine the clients, the server and the ingest share the cores,
so the figures are a floor for the server alone; the server's CPU time per request (from /proc) is
reported too, as the figure a loaded machine disturbs least.

    .venv/bin/python bench/serve.py --corpus ../shared/corpus          # ingest to a temp archive, measure
    .venv/bin/python bench/serve.py --corpus ../shared/corpus --ingest ../shared/corpus-wide/wikirouge-mecw
    .venv/bin/python bench/serve.py --db archive.db --duration 5       # an existing archive
    .venv/bin/python bench/serve.py --mix document --path '.json'      # the documents' JSON twins only
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
    """User + system CPU time of a process so far (Linux /proc): the server's own cost, which the
    load of a shared machine does not inflate the way it inflates wall-clock latency."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _start_server(db: Path) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "archivist.cli", "serve", "--db", str(db), "--host", HOST, "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
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
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:
        # warm-up: each client's connection open, templates compiled, pages cached by SQLite
        await asyncio.gather(*(http.get(urls[i % len(urls)][1]) for i in range(clients * 2)))
        deadline = time.perf_counter() + duration

        async def client() -> None:
            nonlocal counter
            while time.perf_counter() < deadline and counter < max_requests:
                kind, url = urls[counter % len(urls)]
                counter += 1
                started = time.perf_counter()
                try:
                    response = await http.get(url)
                    await response.aread()
                except httpx.HTTPError as err:
                    errors.append(f"{url}: {err!r}")
                    continue
                latencies[kind].append(time.perf_counter() - started)
                statuses[kind][response.status_code] = statuses[kind].get(response.status_code, 0) + 1
                if response.status_code != 200 and len(errors) < 20:
                    errors.append(f"{url}: {response.status_code} {response.text[:200]}")

        async def writer() -> None:
            while ingests is not None and time.perf_counter() < deadline:
                ingests.poll()
                await asyncio.sleep(0.2)

        started = time.perf_counter()
        cpu_before = _cpu_seconds(server_pid) if server_pid else 0.0
        await asyncio.gather(writer(), *(client() for _ in range(clients)))
        elapsed = time.perf_counter() - started
        server_cpu = _cpu_seconds(server_pid) - cpu_before if server_pid else None
    every = [v for values in latencies.values() for v in values]
    every_status: dict[int, int] = {}
    for counts in statuses.values():
        for code, n in counts.items():
            every_status[code] = every_status.get(code, 0) + n
    return {
        "server_cpu_ms_per_request": round(server_cpu * 1000 / len(every), 2) if server_cpu else None,
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
        "errors": len([e for e in errors if ": 200 " not in e]),
        "first_errors": errors[:5],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus to ingest when no --db")
    parser.add_argument("--db", help="an existing archive (default: ingest --corpus into a temporary one)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load (at most 60)")
    parser.add_argument("--max-requests", type=int, default=50_000)
    parser.add_argument("--path", default="", help="suffix of each document URL: '' (the page) or '.json'")
    parser.add_argument(
        "--mix",
        default="document,search,facet",
        help="page kinds, interleaved: document, search, facet, kwic",
    )
    parser.add_argument(
        "--ingest", type=Path, help="a folder to ingest into the archive, again and again, meanwhile"
    )
    parser.add_argument(
        "--json", type=Path, help="where to write the result (default bench/results/serve-DATE.json)"
    )
    args = parser.parse_args(argv)
    duration = min(args.duration, 60.0)
    with tempfile.TemporaryDirectory() as workdir:
        db = _archive(args, Path(workdir))
        ids = _document_ids(db)
        kinds = [k.strip() for k in args.mix.split(",") if k.strip()]
        server, base = _start_server(db)
        ingests = _Ingests(db, args.ingest)
        try:
            urls = _mix_urls(base, kinds, ids, args.path)
            load_before = os.getloadavg()[0]
            result = asyncio.run(
                _load(base, urls, args.clients, duration, args.max_requests, server.pid, ingests)
            )
        finally:
            ingest_report = ingests.stop()
            server.terminate()
            server.wait(timeout=15)
    distinct = {kind: len({u for k, u in urls if k == kind}) for kind in kinds}
    report = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "what": "GET, interleaved: "
        + ", ".join(f"{k} ({distinct[k]} URLs: {WHAT[k].format(path=args.path)})" for k in kinds),
        "ingest_meanwhile": ingest_report,
        "clients": args.clients,
        "server": "archivist serve (uvicorn, one process) on 127.0.0.1",
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        },
        "versions": {p: importlib.metadata.version(p) for p in ("starlette", "uvicorn", "jinja2", "httpx")},
        **result,
    }
    out = args.json or RESULTS / f"serve-{dt.date.today().isoformat()}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    lat = result["latency_ms"]
    print(
        f"{result['requests']} requests in {result['seconds']} s with {args.clients} clients: "
        f"{result['requests_per_second']} req/s, p50 {lat['p50']} ms, p95 {lat['p95']} ms, p99 {lat['p99']} ms, "
        f"server CPU {result['server_cpu_ms_per_request']} ms/request, load {report['machine']['load_average_1min']}, "
        f"statuses {result['statuses']}, errors {result['errors']} → {out}"
    )
    for kind, row in result["by_kind"].items():
        print(f"  {kind:>9}: {row['requests']:>6} requests, {row['requests_per_second']:>6} req/s, "
              f"p50 {row['latency_ms'].get('p50')} ms, p95 {row['latency_ms'].get('p95')} ms, statuses {row['statuses']}")  # fmt: skip
    if ingest_report:
        print(f"  ingest meanwhile: {ingest_report}")
    ingest_ok = ingest_report is None or ingest_report["all_exit_0"]
    return 0 if result["errors"] == 0 and set(result["statuses"]) == {"200"} and ingest_ok else 1


if __name__ == "__main__":
    sys.exit(main())

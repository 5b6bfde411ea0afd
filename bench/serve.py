"""Reading-room throughput: requests per second and latency percentiles for document pages, with N
concurrent clients on loopback.

The server is `archivist serve` in a process of its own (one uvicorn worker, as a user runs it) on
127.0.0.1 and an ephemeral port; the clients are asyncio tasks in this process sharing a keep-alive
pool of N connections (httpx), each fetching document pages of the real corpus in turn (a
different document each time, round robin over every current document) for `--duration` seconds
or `--max-requests` requests, whichever comes first, after a short warm-up. Only loopback is ever
a target. On this 2-core machine the clients and the server share the cores, so the figures are a
floor for the server alone; the server's CPU time per request (from /proc) is reported too, as the
figure a loaded machine disturbs least.

    .venv/bin/python bench/serve.py --corpus ../shared/corpus          # ingest to a temp archive, measure
    .venv/bin/python bench/serve.py --db archive.db --duration 5       # an existing archive
    .venv/bin/python bench/serve.py --path '.json'                     # the JSON twins instead
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


async def _load(
    base: str,
    urls: list[str],
    clients: int,
    duration: float,
    max_requests: int,
    server_pid: int | None = None,
) -> dict[str, Any]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors: list[str] = []
    counter = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:
        # warm-up: each client's connection open, templates compiled, pages cached by SQLite
        await asyncio.gather(*(http.get(urls[i % len(urls)]) for i in range(clients * 2)))
        deadline = time.perf_counter() + duration

        async def client() -> None:
            nonlocal counter
            while time.perf_counter() < deadline and counter < max_requests:
                url = urls[counter % len(urls)]
                counter += 1
                started = time.perf_counter()
                try:
                    response = await http.get(url)
                    await response.aread()
                except httpx.HTTPError as err:
                    errors.append(repr(err))
                    continue
                latencies.append(time.perf_counter() - started)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

        started = time.perf_counter()
        cpu_before = _cpu_seconds(server_pid) if server_pid else 0.0
        await asyncio.gather(*(client() for _ in range(clients)))
        elapsed = time.perf_counter() - started
        server_cpu = _cpu_seconds(server_pid) - cpu_before if server_pid else None
    return {
        "server_cpu_ms_per_request": round(server_cpu * 1000 / len(latencies), 2) if server_cpu else None,
        "requests": len(latencies),
        "seconds": round(elapsed, 2),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "latency_ms": {
            "p50": round(_percentile(latencies, 0.50) * 1000, 1),
            "p95": round(_percentile(latencies, 0.95) * 1000, 1),
            "p99": round(_percentile(latencies, 0.99) * 1000, 1),
            "max": round(max(latencies) * 1000, 1),
            "mean": round(statistics.fmean(latencies) * 1000, 1),
        },
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "errors": len(errors),
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
        "--json", type=Path, help="where to write the result (default bench/results/serve-DATE.json)"
    )
    args = parser.parse_args(argv)
    duration = min(args.duration, 60.0)
    with tempfile.TemporaryDirectory() as workdir:
        db = _archive(args, Path(workdir))
        ids = _document_ids(db)
        urls = [f"/documents/{doc_id}{args.path}" for doc_id in ids]
        server, base = _start_server(db)
        try:
            load_before = os.getloadavg()[0]
            result = asyncio.run(_load(base, urls, args.clients, duration, args.max_requests, server.pid))
        finally:
            server.terminate()
            server.wait(timeout=15)
    report = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "what": f"GET /documents/{{id}}{args.path}, {len(urls)} documents round robin",
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
    return 0 if result["errors"] == 0 and set(result["statuses"]) == {"200"} else 1


if __name__ == "__main__":
    sys.exit(main())

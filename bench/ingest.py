"""Ingest speed: archivist's structure + metadata extraction against trafilatura, same run, same bytes.

What is timed is the per-file work only: every file of the corpus is read into memory first, then

* archivist   `archivist.pipeline.extract_data(data, path)` (decode, parse, structure, metadata,
              language; no database) on the HTML pages and, separately, on the whole corpus;
* trafilatura `trafilatura.bare_extraction(data, with_metadata=True, favor_precision=True)` on the
              same HTML pages (`format` = html in MANIFEST.csv), given the raw bytes so that it
              decodes them itself, as archivist does: the reference of `../shared/research/peers.md`.

Each timed pass runs in a fresh, single-threaded Python process (one core; `--pin` pins it to one
named core, which hurts on a shared machine: the pass cannot leave a core someone else is using). The
passes of a repetition alternate between the tools (their order rotates); the reported time is the
median over `--repeat` repetitions, of the wall clock and of the process's CPU time (the two agree on
a quiet machine; when others load it, the CPU time is the better estimate).

A fresh process per pass is deliberate: in one process, a second pass over the same pages is about
2x faster for trafilatura, because htmldate's `try_date_expr` cache (8,192 entries) then holds every
date expression of the corpus, which a real ingest of new pages never sees. In every process the tool
is imported and called once on the first HTML page (imports, lingua's language model: the cold start,
reported apart), and archivist once more on the first file of each other format, before the timed
pass; the process's peak RSS (VmHWM, corpus bytes included) is the tool's memory.

    .venv/bin/python bench/ingest.py --corpus ../shared/corpus            # table + bench/results/*.json
    .venv/bin/python bench/ingest.py --repeat 5 --json /tmp/ingest.json
    .venv/bin/python bench/ingest.py --profile                            # where archivist spends its time
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import datetime as dt
import gc
import hashlib
import importlib.metadata
import json
import os
import platform
import pstats
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
RESULTS = REPO / "bench" / "results"
SKIP_NAMES = {"MANIFEST.csv", "README.md"}
HTML_SUFFIXES = (".htm", ".html", ".xhtml", ".shtml", ".php", ".asp")
TRAFILATURA_OPTIONS = {"with_metadata": True, "favor_precision": True}
TARGET_RATIO = 10.0  # issue 19 (it was 2)
PASSES = (("archivist", "html"), ("trafilatura", "html"), ("archivist", "all"))
LABELS = {"html": "html pages", "all": "whole corpus"}
PACKAGES = (
    "archivist",
    "trafilatura",
    "htmldate",
    "justext",
    "lxml",
    "selectolax",
    "lingua-language-detector",
    "charset-normalizer",
    "markdown-it-py",
    "psutil",
)
MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Doc:
    path: str  # as `archivist ingest <corpus>` names it: <corpus folder name>/<path inside it>
    fmt: str  # MANIFEST.csv `format` (html, md, tei, txt); guessed from the suffix when not listed
    data: bytes


Extractor = Callable[[Doc], str | None]  # None when the tool produced a result, else why not


# -- the corpus ----------------------------------------------------------------------------------------------
def load_corpus(corpus: Path, limit: int | None = None) -> list[Doc]:
    """Every file under `corpus` (sorted; dot-files, MANIFEST.csv and README.md left out), in memory."""
    if not corpus.is_dir():
        raise SystemExit(f"{corpus}: no such folder (give the corpus with --corpus)")
    formats: dict[str, str] = {}
    manifest = corpus / "MANIFEST.csv"
    if manifest.is_file():
        with manifest.open(encoding="utf-8", newline="") as fh:
            formats = {row["path"]: row["format"] for row in csv.DictReader(fh)}
    base = corpus.resolve().name
    docs = []
    for location in sorted(corpus.rglob("*")):
        rel = location.relative_to(corpus)
        if not location.is_file() or location.name in SKIP_NAMES or any(p.startswith(".") for p in rel.parts):
            continue
        fmt = formats.get(rel.as_posix()) or guess_format(location)
        docs.append(Doc(path=f"{base}/{rel.as_posix()}", fmt=fmt, data=location.read_bytes()))
        if limit and len(docs) >= limit:
            break
    if not docs:
        raise SystemExit(f"{corpus}: no files")
    return docs


def guess_format(location: Path) -> str:
    suffix = location.suffix.lower()
    if suffix in HTML_SUFFIXES:
        return "html"
    return {".md": "md", ".markdown": "md", ".xml": "tei", ".txt": "txt"}.get(suffix, "other")


def select(docs: list[Doc], subset: str) -> list[Doc]:
    return docs if subset == "all" else [d for d in docs if d.fmt == subset]


# -- the tools -----------------------------------------------------------------------------------------------
def archivist_extractor() -> Extractor:
    from archivist.pipeline import extract_data

    def run(doc: Doc) -> str | None:
        extraction = extract_data(doc.data, doc.path)
        return None if extraction.ok else extraction.failure or "failed"

    return run


def trafilatura_extractor() -> Extractor:
    import trafilatura

    def run(doc: Doc) -> str | None:
        return (
            None if trafilatura.bare_extraction(doc.data, **TRAFILATURA_OPTIONS) is not None else "no-result"
        )

    return run


EXTRACTORS: dict[str, Callable[[], Extractor]] = {
    "archivist": archivist_extractor,
    "reference": archivist_extractor,  # archivist from another source tree (--reference)
    "trafilatura": trafilatura_extractor,
}


@dataclass(slots=True)
class Pass:
    wall: float  # seconds for the whole loop
    cpu: float  # CPU seconds of this process during the loop (what waiting for the core does not inflate)
    per_file: list[float]
    failures: Counter[str]


def timed_pass(extract: Extractor, docs: Sequence[Doc]) -> Pass:
    gc.collect()
    per_file: list[float] = []
    failures: Counter[str] = Counter()
    clock = time.perf_counter
    cpu = time.process_time()
    start = clock()
    for doc in docs:
        t = clock()
        failure = extract(doc)
        per_file.append(clock() - t)
        if failure:
            failures[failure] += 1
    wall = clock() - start
    return Pass(wall=wall, cpu=time.process_time() - cpu, per_file=per_file, failures=failures)


# -- the machine ---------------------------------------------------------------------------------------------
def pin_one_core() -> int | None:
    """Run on one core (the last one this process may use); the pass processes inherit it."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpu = max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def machine() -> dict[str, Any]:
    cpu_model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info: dict[str, Any] = {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_model": cpu_model,
        "platform": platform.platform(),
        "python": platform.python_version(),
    }
    if hasattr(os, "getloadavg"):
        info["load_average_at_start"] = [round(x, 2) for x in os.getloadavg()]
    try:
        import psutil

        info["memory_gib"] = round(psutil.virtual_memory().total / 1024**3, 1)
    except ImportError:
        pass
    return info


def versions() -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = None
    return found


def git_state() -> dict[str, Any] | None:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(REPO), *args], capture_output=True, text=True, check=True
        ).stdout

    try:
        return {
            "commit": git("rev-parse", "HEAD").strip(),
            "src_modified": bool(git("status", "--porcelain", "src")),
        }
    except (OSError, subprocess.CalledProcessError):
        return None


def archivist_source() -> str | None:
    """A fingerprint of the archivist modules this process loaded, as they are on disk: others may
    edit them while the benchmark runs, and then the passes do not time the same code."""
    modules = sorted(
        (name, Path(module.__file__))
        for name, module in list(sys.modules.items())
        if (name == "archivist" or name.startswith("archivist.")) and getattr(module, "__file__", None)
    )
    if not modules:
        return None
    digest = hashlib.sha256()
    for name, file in modules:
        digest.update(name.encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:16]


def archivist_build() -> str:
    """Whether this process ran archivist's compiled modules (archivist/_native.py), or why not."""
    native = sys.modules.get("archivist._native")
    return str(getattr(native, "STATE", "pure: code without compiled modules"))


def peak_rss_bytes() -> int:
    """Peak resident memory of this process: VmHWM on Linux (ru_maxrss would carry the parent's
    peak over fork + exec), ru_maxrss elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


# -- one timed pass in a fresh process -----------------------------------------------------------------------
def worker(spec: str, corpus: Path, limit: int | None) -> None:
    """`--_worker TOOL:SUBSET`: load, cold start, warm up, one timed pass; JSON on the last stdout line."""
    tool, subset = spec.split(":")
    docs = select(load_corpus(corpus, limit), subset)
    first = next((d for d in docs if d.fmt == "html"), docs[0])
    gc.collect()
    peak_before = peak_rss_bytes()
    clock = time.perf_counter
    t0 = clock()
    extract = EXTRACTORS[tool]()
    t1 = clock()
    extract(first)
    t2 = clock()
    extract(first)
    t3 = clock()
    for fmt in sorted({d.fmt for d in docs} - {first.fmt}):  # every reader's first call, outside the timing
        extract(next(d for d in docs if d.fmt == fmt))
    run = timed_pass(extract, docs)
    result = {
        "tool": tool,
        "subset": subset,
        "files": len(docs),
        "wall_s": run.wall,
        "cpu_s": run.cpu,
        "per_file_s": run.per_file,
        "failures": dict(run.failures),
        "cold_start": {
            "file": first.path,
            "import_s": round(t1 - t0, 4),
            "first_call_s": round(t2 - t1, 4),
            "second_call_s": round(t3 - t2, 4),
            "total_s": round(t2 - t0, 4),
        },
        "peak_rss_before_import_mib": round(peak_before / MIB, 1),
        "peak_rss_mib": round(peak_rss_bytes() / MIB, 1),
        "archivist_source": archivist_source() if tool in ("archivist", "reference") else None,
        "archivist_build": archivist_build() if tool in ("archivist", "reference") else None,
    }
    print(json.dumps(result))


def run_worker(spec: str, corpus: Path, limit: int | None, src: Path | None = None) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--_worker", spec, "--corpus", str(corpus)]
    if limit:
        cmd += ["--limit", str(limit)]
    env = {**os.environ, "PYTHONPATH": str(src)} if src else None
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise SystemExit(f"the {spec} pass failed:\n{done.stderr.strip()}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


# -- the benchmark -------------------------------------------------------------------------------------------
def rate(files: int, size: int, seconds: float) -> dict[str, float]:
    return {
        "seconds": round(seconds, 3),
        "pages_per_s": round(files / seconds, 2) if seconds else 0.0,
        "mb_per_s": round(size / 1e6 / seconds, 3) if seconds else 0.0,
    }


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def benchmark(
    docs: list[Doc],
    corpus: Path,
    limit: int | None,
    repeat: int,
    reference: Path | None = None,
    tree: Path | None = None,
) -> dict[str, Any]:
    html = select(docs, "html")
    if not html:
        raise SystemExit("no HTML pages in the corpus: nothing to compare with trafilatura")
    passes = PASSES + ((("reference", "html"),) if reference else ())
    runs: dict[tuple[str, str], list[dict[str, Any]]] = {p: [] for p in passes}
    for rep in range(repeat):
        shift = rep % len(passes)
        for tool, subset in passes[shift:] + passes[:shift]:  # rotate: each pass leads in turn
            src = reference if tool == "reference" else tree if tool == "archivist" else None
            run = run_worker(f"{tool}:{subset}", corpus, limit, src)
            runs[(tool, subset)].append(run)
            print(
                f"  rep {rep + 1}/{repeat}  {tool:<11} {subset:<4} {run['wall_s']:8.2f} s"
                f"  (cpu {run['cpu_s']:.2f} s)  peak {run['peak_rss_mib']:.0f} MiB",
                file=sys.stderr,
            )

    results: dict[str, Any] = {}
    for (tool, subset), reps in runs.items():
        chosen = select(docs, subset)
        size = sum(len(d.data) for d in chosen)
        walls = [r["wall_s"] for r in reps]
        colds = [r["cold_start"] for r in reps]
        results[f"{tool}_{subset}"] = {
            "tool": tool,
            "subset": subset,
            "files": len(chosen),
            "bytes": size,
            **rate(len(chosen), size, statistics.median(walls)),
            "best": rate(len(chosen), size, min(walls)),
            "repetitions_s": [round(w, 3) for w in walls],
            "cpu": rate(len(chosen), size, statistics.median(r["cpu_s"] for r in reps)),
            "cpu_repetitions_s": [round(r["cpu_s"], 3) for r in reps],
            "failures": reps[0]["failures"],
            "archivist_source_by_repetition": [r["archivist_source"] for r in reps]
            if tool in ("archivist", "reference")
            else None,
            "archivist_build": sorted({r["archivist_build"] for r in reps})
            if tool in ("archivist", "reference")
            else None,
            "peak_rss_mib": max(r["peak_rss_mib"] for r in reps),
            "peak_rss_before_import_mib": max(r["peak_rss_before_import_mib"] for r in reps),
            "cold_start": {
                "file": colds[0]["file"],
                **{k: round(statistics.median(c[k] for c in colds), 4) for k in colds[0] if k != "file"},
            },
        }

    def per_file(tool: str, subset: str) -> list[float]:  # each file's median over the repetitions
        reps = runs[(tool, subset)]
        return [
            statistics.median(r["per_file_s"][i] for r in reps) for i in range(len(reps[0]["per_file_s"]))
        ]

    whole = per_file("archivist", "all")
    by_format = {}
    for fmt in sorted({d.fmt for d in docs}):
        idx = [i for i, d in enumerate(docs) if d.fmt == fmt]
        size = sum(len(docs[i].data) for i in idx)
        by_format[fmt] = {
            "files": len(idx),
            "bytes": size,
            **rate(len(idx), size, sum(whole[i] for i in idx)),
        }
    slowest = sorted(range(len(docs)), key=lambda i: whole[i], reverse=True)[:10]
    a_html, t_html = per_file("archivist", "html"), per_file("trafilatura", "html")
    speedups = [t / max(a, 1e-9) for a, t in zip(a_html, t_html, strict=True)]
    behind = sorted(range(len(html)), key=lambda i: speedups[i])[:10]
    sources = {r["archivist_source"] for (tool, _), reps in runs.items() if tool == "archivist" for r in reps}
    spread = _spread(runs)
    busy = {
        key: round(r["seconds"] / r["cpu"]["seconds"], 2)
        for key, r in results.items()
        if r["cpu"]["seconds"] and r["seconds"] / r["cpu"]["seconds"] > 1.1
    }
    ratio = results["trafilatura_html"]["seconds"] / results["archivist_html"]["seconds"]
    cpu_ratio = results["trafilatura_html"]["cpu"]["seconds"] / results["archivist_html"]["cpu"]["seconds"]
    best_ratio = results["trafilatura_html"]["best"]["seconds"] / results["archivist_html"]["best"]["seconds"]
    return {
        "results": results,
        "ratio_html_per_repetition": spread,
        "ratio_html": round(ratio, 2),
        "ratio_html_cpu_time": round(cpu_ratio, 2),
        "ratio_html_best_wall": round(best_ratio, 2),
        "target_ratio": TARGET_RATIO,
        "meets_target": ratio >= TARGET_RATIO,
        "per_page_speedup_html": {
            "median": round(statistics.median(speedups), 2),
            "p10": round(quantile(speedups, 0.10), 2),
            "p90": round(quantile(speedups, 0.90), 2),
            "min": round(min(speedups), 2),
            "pages_under_1x": sum(s < 1 for s in speedups),
        },
        "archivist_by_format": by_format,
        "archivist_slowest": [
            {
                "path": docs[i].path,
                "format": docs[i].fmt,
                "bytes": len(docs[i].data),
                "seconds": round(whole[i], 4),
            }
            for i in slowest
        ],
        "archivist_behind_trafilatura": [
            {
                "path": html[i].path,
                "bytes": len(html[i].data),
                "archivist_s": round(a_html[i], 4),
                "trafilatura_s": round(t_html[i], 4),
                "speedup": round(speedups[i], 2),
            }
            for i in behind
        ],
        "wall_over_cpu_when_busy": busy,
        "archivist_source": sorted(sources),
        "archivist_source_changed_during_run": len(sources) > 1,
    }


def _spread(runs: dict[tuple[str, str], list[dict[str, Any]]]) -> dict[str, Any]:
    """Each repetition's ratios (wall and CPU): trafilatura's time over archivist's, and over the
    reference's when there is one; the range of each is the spread the median hides."""
    out: dict[str, Any] = {}
    pairs = [("trafilatura", "archivist")] + ([("trafilatura", "reference"), ("reference", "archivist")]
                                              if ("reference", "html") in runs else [])  # fmt: skip
    for slow, fast in pairs:
        for clock in ("wall_s", "cpu_s"):
            ratios = [
                s[clock] / f[clock] for s, f in zip(runs[(slow, "html")], runs[(fast, "html")], strict=True)
            ]
            out[f"{slow}/{fast} {clock[:-2]}"] = {
                "repetitions": [round(r, 2) for r in ratios],
                "min": round(min(ratios), 2),
                "median": round(statistics.median(ratios), 2),
                "max": round(max(ratios), 2),
            }
    return out


def print_report(report: dict[str, Any]) -> None:
    m, v, bench = report["machine"], report["versions"], report["benchmark"]
    results = bench["results"]
    pinned = f" pinned to cpu {report['pinned_cpu']}" if report["pinned_cpu"] is not None else ""
    print(
        f"\ningest benchmark, {report['date']}: {m['cpu_model']}, nproc {m['nproc']}, "
        f"one process per pass{pinned}, Python {m['python']}"
    )
    print(
        f"archivist {v['archivist']} extract_data vs trafilatura {v['trafilatura']} bare_extraction"
        f"(with_metadata=True, favor_precision=True); median of {report['repeat']} fresh-process passes\n"
    )
    head = f"{'tool':<12}{'files':<14}{'pages':>6}{'MB':>6}{'wall s':>8}{'pages/s':>8}{'MB/s':>6}"
    head += f"{'CPU s':>7}{'pages/s':>8}{'peak RSS':>10}{'cold':>7}"
    print(head)
    print("-" * len(head))
    for key in ("archivist_html", "trafilatura_html", "archivist_all", "reference_html"):
        if key not in results:
            continue
        r = results[key]
        print(
            f"{r['tool']:<12}{LABELS[r['subset']]:<14}{r['files']:>6}{r['bytes'] / 1e6:>6.1f}"
            f"{r['seconds']:>8.2f}{r['pages_per_s']:>8.1f}{r['mb_per_s']:>6.2f}"
            f"{r['cpu']['seconds']:>7.2f}{r['cpu']['pages_per_s']:>8.1f}"
            f"{r['peak_rss_mib']:>6.0f} MiB{r['cold_start']['total_s']:>6.2f}s"
        )
    for name, ratio in bench["ratio_html_per_repetition"].items():
        print(
            f"{name}: median {ratio['median']:.2f}x, range {ratio['min']:.2f}–{ratio['max']:.2f}x over the repetitions"
        )
    speedup = bench["per_page_speedup_html"]
    verdict = "meets" if bench["meets_target"] else "MISSES"
    print(
        f"\narchivist / trafilatura on the same HTML pages: {bench['ratio_html']:.2f}x "
        f"({verdict} the {TARGET_RATIO:.0f}x target), by CPU time {bench['ratio_html_cpu_time']:.2f}x, "
        f"best wall against best wall {bench['ratio_html_best_wall']:.2f}x"
    )
    print(
        f"per page: median {speedup['median']:.2f}x, p10 {speedup['p10']:.2f}x, min {speedup['min']:.2f}x, "
        f"{speedup['pages_under_1x']} pages where archivist is slower"
    )
    formats = ", ".join(
        f"{f} {r['files']} files {r['pages_per_s']:.0f}/s" for f, r in bench["archivist_by_format"].items()
    )
    print(f"archivist by format (whole-corpus pass): {formats}")
    if bench["wall_over_cpu_when_busy"]:
        print(
            f"the machine was busy (median wall / CPU time {bench['wall_over_cpu_when_busy']}): "
            "the CPU-time figures are the better estimate"
        )
    builds = {f"{k} ({', '.join(r['archivist_build'])})" for k, r in results.items() if r["archivist_build"]}
    print(f"archivist's modules: {'; '.join(sorted(builds))}")
    if bench["archivist_source_changed_during_run"]:
        print(
            "WARNING: archivist's source changed during the run: the passes timed different code; run it again"
        )
    failures = {k: r["failures"] for k, r in results.items() if r["failures"]}
    print(f"files without a result: {failures or 'none'}")
    print(
        "peak RSS: the pass's own process, corpus bytes included "
        f"({results['archivist_all']['peak_rss_before_import_mib']:.0f} MiB before the import); "
        "cold: import + first call on one page in a fresh process"
    )


# -- profile -------------------------------------------------------------------------------------------------
def short_location(filename: str) -> str:
    for marker in ("/site-packages/", "/src/", "/lib/python3"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def profile(docs: list[Doc], sort: str, top: int) -> None:
    from archivist.pipeline import extract_data

    for fmt in sorted({d.fmt for d in docs}):  # warm up: imports, lingua's model, every reader
        first = next(d for d in docs if d.fmt == fmt)
        extract_data(first.data, first.path)
    gc.collect()
    profiler = cProfile.Profile()
    profiler.enable()
    for doc in docs:
        extract_data(doc.data, doc.path)
    profiler.disable()
    stats: Any = pstats.Stats(profiler)
    rows = sorted(
        (
            (key, ncalls, tottime, cumtime)
            for key, (_cc, ncalls, tottime, cumtime, _callers) in stats.stats.items()
        ),
        key=lambda row: row[3] if sort == "cumulative" else row[2],
        reverse=True,
    )
    total = max(row[3] for row in rows)  # extract_data's own cumulative time
    size = sum(len(d.data) for d in docs)
    print(
        f"archivist extract_data on {len(docs)} files ({size / 1e6:.1f} MB), one pass under cProfile: "
        f"{total:.2f} s (cProfile slows it down: time it without --profile)"
    )
    print(f"top {top} by {sort} time; % of extract_data's time\n")
    print(f"{'ncalls':>9} {'tottime':>8} {'self %':>6} {'cumtime':>8} {'cum %':>6}  function")
    for (filename, line, name), ncalls, tottime, cumtime in rows[:top]:
        where = f"{short_location(filename)}:{line}({name})" if line else name
        print(
            f"{ncalls:>9} {tottime:>8.3f} {100 * tottime / total:>5.1f}% {cumtime:>8.3f} "
            f"{100 * cumtime / total:>5.1f}%  {where}"
        )


# -- the command ---------------------------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Ingest speed: archivist against trafilatura on the corpus.")
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus folder (default: %(default)s)"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="passes per tool, the median is reported (default: 3)"
    )
    parser.add_argument("--limit", type=int, default=None, help="only the first N files (sorted by path)")
    parser.add_argument(
        "--json",
        type=Path,
        default=None,
        help="where to write the results (default: bench/results/ingest-<date>.json)",
    )
    parser.add_argument("--pin", action="store_true", help="pin the passes to one core (the last one)")
    parser.add_argument(
        "--reference", type=Path, help="a src folder with another version of archivist, timed in the same run"
    )
    parser.add_argument(
        "--tree", type=Path, help="the src folder of the archivist under test (default: installed)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="profile one pass of archivist's extraction (cProfile) instead"
    )
    parser.add_argument("--profile-sort", choices=("cumulative", "tottime"), default="cumulative")
    parser.add_argument("--profile-top", type=int, default=20, help="how many functions --profile prints")
    parser.add_argument("--_worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    corpus = args.corpus if args.corpus.is_absolute() else Path.cwd() / args.corpus
    if args._worker:
        worker(args._worker, corpus, args.limit)
        return 0

    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cpu = pin_one_core() if args.pin else None
    docs = load_corpus(corpus, args.limit)
    if args.profile:
        profile(docs, args.profile_sort, args.profile_top)
        return 0

    started = dt.datetime.now().astimezone()
    size = sum(len(d.data) for d in docs)
    formats = Counter(d.fmt for d in docs)
    listed = ", ".join(f"{fmt} {n}" for fmt, n in sorted(formats.items()))
    print(f"{len(docs)} files ({size / 1e6:.1f} MB) from {corpus}: {listed}", file=sys.stderr)
    host = {**machine(), "nproc": nproc}
    git = git_state()  # at the start: others may commit while it runs
    options = ", ".join(f"{k}={v}" for k, v in TRAFILATURA_OPTIONS.items())
    t0 = time.perf_counter()
    bench = benchmark(
        docs,
        corpus,
        args.limit,
        args.repeat,
        args.reference.resolve() if args.reference else None,
        args.tree.resolve() if args.tree else None,
    )
    report: dict[str, Any] = {
        "name": "ingest",
        "date": started.date().isoformat(),
        "started": started.isoformat(timespec="seconds"),
        "seconds_total": round(time.perf_counter() - t0, 1),
        "corpus": {
            "path": str(corpus.resolve()),
            "files": len(docs),
            "bytes": size,
            "formats": dict(formats),
            "limit": args.limit,
        },
        "repeat": args.repeat,
        "method": "one fresh process per pass, passes rotated between the tools, median of the repetitions",
        "pinned_cpu": cpu,
        "machine": host,
        "versions": versions(),
        "git_at_start": git,
        "archivist_call": "archivist.pipeline.extract_data(data: bytes, path)",
        "trafilatura_call": f"trafilatura.bare_extraction(data: bytes, {options})",
        "reference": str(args.reference) if args.reference else None,
        "tree": str(args.tree) if args.tree else None,
        "benchmark": bench,
    }
    print_report(report)
    out = args.json or RESULTS / f"ingest-{report['date']}{f'-limit{args.limit}' if args.limit else ''}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

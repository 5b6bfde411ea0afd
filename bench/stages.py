"""Where `extract_data`'s time goes, stage by stage, without cProfile (which inflates pure Python far
more than C and Rust calls); optionally against a reference copy of the code, in the same run.

    .venv/bin/python bench/stages.py                                   # this tree, 3 passes
    .venv/bin/python bench/stages.py --reference /tmp/base/src --repeat 5
    taskset -c 0 .venv/bin/python bench/stages.py --reference /tmp/base/src

Each pass is a fresh process (as in `ingest.py`: warmed up on one page of each format, then one pass
over the corpus's HTML pages) that wraps the pipeline's stage functions, where the caller looks them
up, with a timer of the process's CPU time. Stages nest (`lay_out` calls `find_date`, `read_html`
calls lexbor's parser); a stage's *self* time excludes the stages inside it, so the self times add up
to `extract_data`'s. Three helpers called from everywhere (`find_date`, `is_label_line`,
`normalise`) are timed apart, *inclusive* and outside that sum: they cut across the stages. The
passes of the code under test and the reference alternate, their order rotating; the table gives
each stage's median over the repetitions, and the JSON every repetition (the spread).

`--reference SRC` names a `src` folder holding another version of the package (for instance
`git archive <commit> src | tar -x -C /tmp/base`): its passes import archivist from there.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import importlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import DEFAULT_CORPUS, RESULTS, load_corpus, peak_rss_bytes, select

# (stage name, module where the caller looks the function up, attribute). A stage whose function a
# version of the code does not have is left out of that version's table.
STAGES = (
    ("pack_original (zlib)", "archivist.pipeline", "pack_original"),
    ("read_page", "archivist.pipeline", "read_page"),
    ("decode_bytes", "archivist.sources", "decode_bytes"),
    ("read_html", "archivist.sources", "read_html"),
    ("lexbor parse", "archivist.sources.html", "LexborHTMLParser"),
    ("page_address", "archivist.sources", "page_address"),
    ("build_document", "archivist.pipeline", "build_document"),
    ("lay_out", "archivist.extract", "lay_out"),
    ("lay_out: items", "archivist.extract.layout", "_items"),
    ("lay_out: chrome", "archivist.extract.layout", "_mark_chrome"),
    ("lay_out: info", "archivist.extract.layout", "mark_info"),
    ("lay_out: title", "archivist.extract.layout", "find_title"),
    ("lay_out: header zone", "archivist.extract.layout", "mark_header_zone"),
    ("lay_out: notes", "archivist.extract.layout", "mark_notes"),
    ("lay_out: front matter", "archivist.extract.layout", "mark_front_matter"),
    ("lay_out: editorial", "archivist.extract.layout", "mark_leading_editorial"),
    ("lay_out: labels", "archivist.extract.layout", "read_labels"),
    ("authors", "archivist.extract", "authors_of"),
    ("anatomy", "archivist.extract", "analyse"),
    ("body-edge model", "archivist.extract", "predict_edges"),
    ("body-edge: reframe", "archivist.extract", "reframe"),
    ("assemble", "archivist.extract", "assemble"),
    ("authors", "archivist.extract", "settle_authors"),
    ("source", "archivist.extract", "read_source"),
    ("dates", "archivist.extract", "read_dates"),
    ("place", "archivist.extract", "read_place"),
    ("translator", "archivist.extract", "translator_of"),
    ("language", "archivist.extract", "detect_language"),
    ("doc type", "archivist.extract", "classify"),
    ("doc-type model", "archivist.extract", "second_opinion"),
)
# Helpers called from many stages: timed inclusive, apart. (name, function's home, attribute): the
# wrapper replaces the function in every loaded archivist module that imported it.
ACROSS = (
    ("find_date", "archivist.extract.dates", "find_date"),
    ("is_label_line", "archivist.extract.labels", "is_label_line"),
    ("normalise", "archivist.extract.layout", "normalise"),
)
ORDER = [name for name, _, _ in STAGES]


class Clock:
    def __init__(self) -> None:
        self.self_ns: dict[str, int] = {}
        self.calls: dict[str, int] = {}
        self.stack: list[list[int]] = []  # [start, time spent in stages inside]
        self.across_ns: dict[str, int] = {}
        self.depth: dict[str, int] = {}

    def stage(self, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        now = time.process_time_ns
        stack, self_ns, calls = self.stack, self.self_ns, self.calls

        def timed(*args: Any, **kwargs: Any) -> Any:
            frame = [now(), 0]
            stack.append(frame)
            try:
                return func(*args, **kwargs)
            finally:
                elapsed = now() - frame[0]
                stack.pop()
                if stack:
                    stack[-1][1] += elapsed
                self_ns[name] = self_ns.get(name, 0) + elapsed - frame[1]
                calls[name] = calls.get(name, 0) + 1

        return timed

    def across(self, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        now = time.process_time_ns
        total, depth, calls = self.across_ns, self.depth, self.calls

        def timed(*args: Any, **kwargs: Any) -> Any:
            if depth.get(name):  # a recursive call is inside the outer one's time already
                return func(*args, **kwargs)
            depth[name] = 1
            start = now()
            try:
                return func(*args, **kwargs)
            finally:
                total[name] = total.get(name, 0) + now() - start
                calls[name] = calls.get(name, 0) + 1
                depth[name] = 0

        return timed


def instrument(clock: Clock) -> list[str]:
    """Wrap the stage functions where they are looked up; the names of those found."""
    found = []
    for name, module_name, attr in STAGES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        if hasattr(module, attr):
            setattr(module, attr, clock.stage(name, getattr(module, attr)))
            found.append(name)
    for name, home_name, attr in ACROSS:
        try:
            home = importlib.import_module(home_name)
        except ImportError:
            continue
        original = getattr(home, attr, None)
        if original is None:
            continue
        wrapped = clock.across(name, original)
        for module in [
            m for k, m in list(sys.modules.items()) if k == "archivist" or k.startswith("archivist.")
        ]:
            if getattr(module, attr, None) is original:
                setattr(module, attr, wrapped)
        found.append(name)
    return found


def worker(corpus: Path, subset: str) -> None:
    import archivist.extract
    import archivist.pipeline
    import archivist.sources

    # every module of the package, so that the helpers are wrapped wherever they are used
    for path in sorted((Path(archivist.__file__).parent).rglob("*.py")):
        rel = path.relative_to(Path(archivist.__file__).parent.parent).with_suffix("")
        name = ".".join(rel.parts).removesuffix(".__init__")
        if name.startswith(("archivist.cli", "archivist.cluster", "archivist.web")):
            continue
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    docs = load_corpus(corpus)
    chosen = select(docs, subset)
    clock = Clock()
    found = instrument(clock)
    extract = clock.stage("extract_data (rest)", archivist.pipeline.extract_data)
    for fmt in sorted({d.fmt for d in docs}):  # warm up: imports, lingua's model, every reader
        first = next(d for d in docs if d.fmt == fmt)
        extract(first.data, first.path)
    clock.self_ns.clear()
    clock.across_ns.clear()
    clock.calls.clear()
    gc.collect()
    cpu = time.process_time_ns()
    wall = time.perf_counter()
    for doc in chosen:
        extract(doc.data, doc.path)
    cpu = time.process_time_ns() - cpu
    wall = time.perf_counter() - wall
    print(
        json.dumps(
            {
                "source": str(Path(archivist.__file__).parent),
                "pages": len(chosen),
                "cpu_s": cpu / 1e9,
                "wall_s": wall,
                "stages_found": found,
                "self_ms": {k: v / 1e6 for k, v in clock.self_ns.items()},
                "across_ms": {k: v / 1e6 for k, v in clock.across_ns.items()},
                "calls": clock.calls,
                "peak_rss_mib": round(peak_rss_bytes() / 2**20, 1),
            }
        )
    )


def run_pass(src: Path | None, corpus: Path, subset: str) -> dict[str, Any]:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--_worker",
        "--corpus",
        str(corpus),
        "--subset",
        subset,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"a pass failed:\n{done.stderr.strip()}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def summary(reps: list[dict[str, Any]]) -> dict[str, Any]:
    pages = reps[0]["pages"]
    names = [n for n in [*ORDER, "extract_data (rest)"] if any(n in r["self_ms"] for r in reps)]
    names = list(dict.fromkeys(names))
    stages = {}
    for name in names:
        per_page = [r["self_ms"].get(name, 0.0) / pages for r in reps]
        stages[name] = {"ms_per_page": round(statistics.median(per_page), 3),
                        "repetitions": [round(x, 3) for x in per_page]}  # fmt: skip
    across = {}
    for name in sorted({k for r in reps for k in r["across_ms"]}):
        per_page = [r["across_ms"].get(name, 0.0) / pages for r in reps]
        across[name] = {
            "ms_per_page": round(statistics.median(per_page), 3),
            "repetitions": [round(x, 3) for x in per_page],
            "calls_per_page": round(reps[0]["calls"].get(name, 0) / pages, 1),
        }
    totals = [sum(r["self_ms"].values()) / pages for r in reps]
    return {
        "source": reps[0]["source"],
        "pages": pages,
        "ms_per_page": round(statistics.median(totals), 3),
        "ms_per_page_repetitions": [round(t, 3) for t in totals],
        "pages_per_s_cpu": round(1000 / statistics.median(totals), 1),
        "pages_per_s_cpu_range": [round(1000 / max(totals), 1), round(1000 / min(totals), 1)],
        "stages": stages,
        "across": across,
        "peak_rss_mib": max(r["peak_rss_mib"] for r in reps),
    }


def print_table(results: dict[str, dict[str, Any]]) -> None:
    labels = list(results)
    names = list(dict.fromkeys(n for r in results.values() for n in r["stages"]))
    head = f"{'stage (self, ms/page)':<26}" + "".join(f"{label:>22}" for label in labels)
    print(head)
    print("-" * len(head))
    for name in names:
        cells = []
        for r in results.values():
            s = r["stages"].get(name)
            cells.append(
                f"{s['ms_per_page']:>8.3f} {100 * s['ms_per_page'] / r['ms_per_page']:>4.0f}%" if s else "–"
            )
        print(f"{name:<26}" + "".join(f"{c:>22}" for c in cells))
    print("-" * len(head))
    print(
        f"{'total CPU ms/page':<26}" + "".join(f"{r['ms_per_page']:>15.3f}{'':>7}" for r in results.values())
    )
    print(f"{'pages/s (CPU), range':<26}" + "".join(
        f"{r['pages_per_s_cpu']:>8.1f} {r['pages_per_s_cpu_range'][0]:.0f}–{r['pages_per_s_cpu_range'][1]:.0f}".rjust(22)
        for r in results.values()))  # fmt: skip
    print(f"\n{'across the stages (incl.)':<26}" + "".join(f"{label:>22}" for label in labels))
    for name in sorted({n for r in results.values() for n in r["across"]}):
        cells = []
        for r in results.values():
            a = r["across"].get(name)
            cells.append(f"{a['ms_per_page']:>6.3f} ({a['calls_per_page']:.0f} calls)" if a else "–")
        print(f"{name:<26}" + "".join(f"{c:>22}" for c in cells))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--subset", default="html", help="html (default), or all")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reference", type=Path, help="a src folder with another version of the package")
    parser.add_argument("--tree", type=Path, help="the src folder under test (default: this repository's)")
    parser.add_argument("--json", type=Path, help="default: bench/results/stages-<date>.json")
    parser.add_argument("--_worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    corpus = args.corpus.resolve()
    if args._worker:
        worker(corpus, args.subset)
        return 0
    here = args.tree.resolve() if args.tree else Path(__file__).resolve().parents[1] / "src"
    trees: dict[str, Path | None] = {"this tree": here}
    if args.reference:
        trees = {"reference": args.reference.resolve(), "this tree": here}
    runs: dict[str, list[dict[str, Any]]] = {k: [] for k in trees}
    keys = list(trees)
    for rep in range(args.repeat):
        order = keys[rep % len(keys) :] + keys[: rep % len(keys)]
        for key in order:
            run = run_pass(trees[key], corpus, args.subset)
            runs[key].append(run)
            print(f"  rep {rep + 1}/{args.repeat} {key:<10} {run['pages'] / run['cpu_s']:7.1f} pages/s (CPU)  "
                  f"wall/cpu {run['wall_s'] / run['cpu_s']:.2f}", file=sys.stderr)  # fmt: skip
    results = {key: summary(reps) for key, reps in runs.items()}
    print()
    print_table(results)
    if "reference" in results:
        ratios = [r["cpu_s"] / t["cpu_s"] for r, t in zip(runs["reference"], runs["this tree"], strict=True)]
        print(f"\nthis tree / reference, per repetition (CPU): {', '.join(f'{x:.2f}x' for x in ratios)}")
    out = args.json or RESULTS / f"stages-{dt.date.today().isoformat()}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "corpus": str(corpus),
        "subset": args.subset,
        "repeat": args.repeat,
        "affinity": sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "results": results,
    }
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Text-reuse benchmark: time and peak memory of `archivist reuse` on 1k, 10k and 100k documents,
and candidate generation beside a naive all-pairs baseline on the 1k set, in the same run.

    python bench/reuse.py                               # sizes 1000,10000,100000
    python bench/reuse.py --sizes 1000,10000 --jobs 2

Documents: the bodies of the real corpora (../shared/corpus and ../shared/corpus-wide, extracted
once), replicated with variation until each size is reached. Replica r > 0 of a page has every
word coded with r (after its first letter) and every number moved by a multiple of r, so its n-grams, names
and figures are its own (the replicas are new texts with the
real texts' lengths, paragraphs and word statistics, not copies of each other); within each
replica, 2% of the pages are replaced by a noisy copy of another page of the replica (a witness:
2% of letters misread, a line in fifty dropped) and 3% receive a noisy passage of 40-400 words
from another page (a quotation). Each size is one subprocess: the documents are written to a
fresh archive (not timed), then `archivist reuse` is timed — the fingerprints stage (with
--jobs workers) and the cross-document step — with the peak RSS of the process sampled every
0.25 s during it. The baseline on the smallest size aligns every pair of documents (only pairs
with a shared n-gram go through the chaining), against which the index's candidates are scored:
pairs with shared passages found by each, and time. Results: a table on stdout and JSON in
bench/results/reuse-<date>.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import psutil

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT / ".." / "shared").resolve()
RESULTS = ROOT / "bench" / "results"
_LETTERS = re.compile(r"[^\W\d_]+")
_NUMBERS = re.compile(r"\d+")


def base_texts(corpora: list[Path], cache: Path) -> list[str]:
    """The body of every page of the corpora (extracted once, cached outside the repository)."""
    if cache.exists():
        return json.loads(cache.read_text(encoding="utf-8"))
    from archivist.pipeline import collect_inputs, extract_data

    texts = []
    for item in collect_inputs(corpora).files:
        result = extract_data(Path(item.location).read_bytes(), item.path)
        if result.document is not None and len(result.document.body.split()) >= 50:
            texts.append(result.document.body)
    cache.write_text(json.dumps(texts), encoding="utf-8")
    return texts


def _code(r: int) -> str:
    out = ""
    while r:
        r, k = divmod(r, 26)
        out += "abcdefghijklmnopqrstuvwxyz"[k]
    return out


def _coded(code: str) -> Callable[[re.Match[str]], str]:
    """A word with the replica's code after its first letter: its n-grams are the replica's own,
    and so are its anchors (a name's first five letters, for other translations)."""
    return lambda m: m.group()[0] + code + m.group()[1:]


def _shifted(r: int) -> Callable[[re.Match[str]], str]:
    """A number of replica r moved by a multiple of r: two replicas of one page share no years or
    figures, so their numbers in the same order do not make them other translations of each other."""
    return lambda m: str(int(m.group()) + 7919 * r)


def _noisy(words: list[str], rng: random.Random, level: float = 0.02) -> str:
    lines = [words[i : i + 10] for i in range(0, len(words), 10)]
    kept = [line for line in lines if rng.random() >= level] or lines[:1]
    return "\n".join(
        " ".join(
            "".join(rng.choice("eclio") if c.isalpha() and rng.random() < level else c for c in w)
            for w in line
        )
        for line in kept
    )


def make_texts(base: list[str], size: int, seed: int = 18) -> tuple[list[str], list[tuple[int, int, str]]]:
    """`size` texts: the base replicated with variation, with planted witnesses and quotations
    (listed as (index, index of the text it copies from, kind))."""
    rng = random.Random(seed)
    out: list[str] = []
    planted: list[tuple[int, int, str]] = []
    r = 0
    while len(out) < size:
        code = _code(r)
        replica = [_NUMBERS.sub(_shifted(r), _LETTERS.sub(_coded(code), t)) if code else t for t in base]
        for k in range(len(replica)):
            roll = rng.random()
            if k == 0 or len(out) + k >= size:
                continue
            source = rng.randrange(k)  # a text already final: what is copied stays in the archive
            other = replica[source].split()
            if roll < 0.02:
                replica[k] = _noisy(other, rng)
                planted.append((len(out) + k, len(out) + source, "witness"))
            elif roll < 0.05:
                length = rng.randint(40, 400)
                start = rng.randrange(max(1, len(other) - length))
                paragraphs = replica[k].split("\n\n")
                cut = len(paragraphs) // 2
                replica[k] = "\n\n".join(
                    [*paragraphs[:cut], _noisy(other[start : start + length], rng), *paragraphs[cut:]]
                )
                planted.append((len(out) + k, len(out) + source, "quotation"))
        out.extend(replica[: size - len(out)])
        r += 1
    return out, planted


def _key(i: int) -> str:
    return f"bench/{i // 1000:04d}/{i:07d}.txt"


def write_archive(texts: list[str], db: str, first: int = 0) -> None:
    import hashlib

    from archivist.model import Document, Extraction, Part, SourceFile, document_id, version_id
    from archivist.store import Archive, pack_original

    with Archive(db) as archive:
        run = archive.begin_run("bench", ["bench"])
        batch = []
        for i, text in enumerate(texts, start=first):
            key = _key(i)
            data = text.encode("utf-8")
            packed, compression = pack_original(data)
            doc = Document(path=key, id=document_id(key), text=text, parts=[Part("body", 0, len(text))],
                           language="en", format="txt", version=version_id(data))  # fmt: skip
            source = SourceFile(
                path=key, sha256=hashlib.sha256(data).hexdigest(), size=len(data), format="txt"
            )
            batch.append(Extraction(file=source, original=packed, compression=compression, document=doc))
            if len(batch) >= 500:
                archive.write_batch(run, batch, {})
                batch = []
        if batch:
            archive.write_batch(run, batch, {})


class Peak:
    """Peak RSS of this process and its children, sampled in a thread."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        me = psutil.Process()
        total = me.memory_info().rss
        for child in me.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                total += child.memory_info().rss
        self.peak = max(self.peak, total)

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            self._sample()

    def __enter__(self) -> Peak:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


def baseline(db: str) -> dict[str, Any]:
    """Candidate generation the naive way: the shared sampled n-grams of every pair of documents
    (from the same stored fingerprints), against the candidates the index proposed."""
    from archivist.enrich.fingerprints import unpack
    from archivist.reuse.works import MIN_SHARED
    from archivist.store import Archive
    from archivist.store import reuse as store

    with Archive(db) as archive:
        ids = [r[0] for r in archive.conn.execute("SELECT id FROM documents ORDER BY id")]
        grams = {}
        for d in ids:
            packed = store.fingerprint(archive, d).get("grams")
            grams[d] = np.unique(unpack(packed)) if packed else np.zeros(0, dtype=np.int64)
        found = {(p["a"], p["b"]) for p in store.pairs(archive)}
    started = time.perf_counter()
    naive = set()
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            if len(np.intersect1d(grams[a], grams[b], assume_unique=True)) >= MIN_SHARED:
                naive.add((a, b))
    seconds = time.perf_counter() - started
    return {"pairs_compared": len(ids) * (len(ids) - 1) // 2, "seconds": round(seconds, 1),
            "naive_candidates": len(naive), "pairs_with_passages": len(found),
            "of_them_naive_candidates": len(found & naive)}  # fmt: skip


def _trim() -> None:
    """Give freed memory back to the system (glibc keeps it otherwise, and RSS would still count it)."""
    import ctypes
    import gc

    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended (the fingerprint workers)."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def _fingerprints(db: str, jobs: int) -> dict[str, Any]:
    """The fingerprints stage alone, timed (wall, CPU of this process and its workers, peak RSS)."""
    from archivist.enrich import run_stages
    from archivist.store import Archive

    with Peak() as peak, Archive(db) as archive:
        t0, c0 = time.perf_counter(), _cpu()
        stage = run_stages(archive, ["fingerprints"], jobs=jobs)[0]
        return {"documents": stage["documents"], "seconds": round(time.perf_counter() - t0, 1),
                "cpu_seconds": round(_cpu() - c0, 1), "peak_rss_mb": round(peak.peak / 2**20)}  # fmt: skip


def one(size: int, jobs: int, with_baseline: bool, cache: Path, incremental: int = 0, keep: str | None = None,
        stop_after: str | None = None) -> dict[str, Any]:  # fmt: skip
    from archivist.cli import run_reuse
    from archivist.store import Archive

    base = base_texts([SHARED / "corpus", SHARED / "corpus-wide"], cache)
    texts, planted = make_texts(base, size + incremental)
    later = texts[size:]
    texts, planted = texts[:size], [p for p in planted if p[0] < size]
    words = sum(len(t.split()) for t in texts)
    planted_keys = [(_key(i), _key(j), kind) for i, j, kind in planted]
    with contextlib.ExitStack() as stack:
        if keep:  # the phases already done in an earlier invocation are not redone (their figures are kept)
            tmp = str(Path(keep) / f"reuse-{size}")
            Path(tmp).mkdir(parents=True, exist_ok=True)
        else:
            tmp = stack.enter_context(tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")))
        db = str(Path(tmp) / "bench.db")
        phases_file = Path(tmp) / "phases.json"
        phases = json.loads(phases_file.read_text()) if phases_file.exists() else {}
        if "seconds_write" not in phases:
            for stale in Path(tmp).glob("bench.db*"):
                stale.unlink()
            t0 = time.perf_counter()
            write_archive(texts, db)
            phases["seconds_write"] = round(time.perf_counter() - t0, 1)
            phases_file.write_text(json.dumps(phases))
        del texts, base  # the peak below is the reuse step's, not the benchmark's copy of every text
        _trim()
        if "fingerprints" not in phases:
            phases["fingerprints"] = _fingerprints(db, jobs)
            phases_file.write_text(json.dumps(phases))
        if stop_after == "fingerprints":
            return {"documents": size, "words": words, "phases": phases}
        with Peak() as peak, Archive(db) as archive:
            t1, c1 = time.perf_counter(), _cpu()
            report = run_reuse(archive, jobs=jobs)
            seconds, cpu = time.perf_counter() - t1, _cpu() - c1
            from archivist.model import document_id
            from archivist.store import reuse as store

            found = {(p["a"], p["b"]): p["same_text"] for p in store.pairs(archive)}
        hits: dict[str, list[int]] = {"witness": [], "quotation": []}
        for i, j, kind in planted_keys:
            a, b = sorted((document_id(i), document_id(j)))
            hits[kind].append(int((a, b) in found and (kind == "quotation" or found[(a, b)] == 1)))
        size_db = sum(f.stat().st_size for f in Path(tmp).glob("bench.db*"))
        result = {"documents": size, "words": words, "planted_witnesses": len(hits["witness"]),
                  "planted_quotations": len(hits["quotation"]),
                  "witnesses_found": round(sum(hits["witness"]) / max(1, len(hits["witness"])), 4),
                  "quotations_found": round(sum(hits["quotation"]) / max(1, len(hits["quotation"])), 4), "seconds_write": phases["seconds_write"],
                  "seconds_reuse": round(seconds, 1), "cpu_seconds_reuse": round(cpu, 1), "peak_rss_mb": round(peak.peak / 2**20),
                  "archive_mb": round(size_db / 2**20), "report": report, "fingerprints": phases["fingerprints"]}  # fmt: skip
        if incremental:  # the incremental path: new documents against the archive, nothing else redone
            write_archive(later, db, first=size)
            with Archive(db) as archive:
                t2, c2 = time.perf_counter(), _cpu()
                added = run_reuse(archive, jobs=1)
                result["incremental"] = {"documents": len(later), "seconds": round(time.perf_counter() - t2, 2),
                                         "cpu_seconds": round(_cpu() - c2, 2), "report": added}  # fmt: skip
        if with_baseline:
            result["baseline"] = baseline(db)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--baseline-size", type=int, default=1000, help="The size the all-pairs baseline runs on."
    )
    parser.add_argument("--incremental", type=int, default=100,
                        help="Then add this many documents and time `archivist reuse` on them alone.")  # fmt: skip
    parser.add_argument("--keep", metavar="DIR",
                        help="Keep each size's archive in DIR/reuse-SIZE; a later run with the same DIR reuses "
                        "the phases done (writing, fingerprints) and their figures, and times the rest.")  # fmt: skip
    parser.add_argument("--stop-after", choices=["fingerprints"],
                        help="Stop each size after this phase (with --keep: finish it in a later run).")  # fmt: skip
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--cache", default=str(Path(tempfile.gettempdir()) / "archivist-reuse-bench-bodies.json")
    )
    args = parser.parse_args()
    if args.one:
        result = one(args.one, args.jobs, args.baseline, Path(args.cache), args.incremental, args.keep,
                     args.stop_after)  # fmt: skip
        print(json.dumps(result))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    results = []
    for size in sizes:
        command = [
            sys.executable,
            __file__,
            "--one",
            str(size),
            "--jobs",
            str(args.jobs),
            "--cache",
            args.cache,
            "--incremental",
            str(args.incremental),
        ]
        if size == args.baseline_size:
            command.append("--baseline")
        if args.keep:
            command += ["--keep", args.keep]
        if args.stop_after:
            command += ["--stop-after", args.stop_after]
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        result = json.loads(out.strip().splitlines()[-1])
        if "report" not in result:
            print(
                f"{size:>7} docs: stopped after {args.stop_after}: {json.dumps(result['phases'])}", flush=True
            )
            continue
        results.append(result)
        r = result["report"]
        print(f"{size:>7} docs {result['words'] / 1e6:6.1f}M words: reuse {result['seconds_reuse']:7.1f}s "
              f"(fingerprints {result['fingerprints']['seconds']:.1f}s, candidates {r['seconds_candidates']:.1f}s, "
              f"alignment {r['seconds_alignment']:.1f}s, works {r['seconds_grouping']:.1f}s), peak {result['peak_rss_mb']} MB, "
              f"{r['candidates']} candidates, {r['pairs']} pairs, {r['multi_witness_works']} works with witnesses; "
              f"planted found: witnesses {result['witnesses_found']:.3f} of {result['planted_witnesses']}, "
              f"quotations {result['quotations_found']:.3f} of {result['planted_quotations']}",
              flush=True)  # fmt: skip
        if "incremental" in result:
            inc = result["incremental"]
            print(f"        incremental: {inc['documents']} new documents in {inc['seconds']}s "
                  f"({inc['cpu_seconds']}s CPU, {1000 * inc['cpu_seconds'] / max(1, inc['documents']):.0f} ms CPU a document); "
                  f"CPU of the full run {result['cpu_seconds_reuse']}s", flush=True)  # fmt: skip
        if "baseline" in result:
            b = result["baseline"]
            print(f"        candidates, all-pairs baseline: {b['pairs_compared']} pairs in {b['seconds']}s -> "
                  f"{b['naive_candidates']} candidates; index: {r['candidates']} candidates in "
                  f"{r['seconds_candidates']:.1f}s; of the {b['pairs_with_passages']} pairs found sharing passages, "
                  f"{b['of_them_naive_candidates']} are naive candidates", flush=True)  # fmt: skip
        _save(results, args.jobs)  # after each size: a long run interrupted keeps what it measured


def _save(results: list[dict[str, Any]], jobs: int) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    target = RESULTS / f"reuse-{datetime.now(UTC).date().isoformat()}.json"
    previous = json.loads(target.read_text()) if target.exists() else {"results": []}
    sizes = {r["documents"] for r in results}
    kept = [r for r in previous["results"] if r["documents"] not in sizes]
    target.write_text(json.dumps({"machine_load": os.getloadavg(), "cpus": os.cpu_count(), "jobs": jobs,
                                  "results": sorted(kept + results, key=lambda r: r["documents"])},
                                 indent=2) + "\n")  # fmt: skip
    print(f"wrote {target}", flush=True)


if __name__ == "__main__":
    main()

"""Search at 10k, 100k and 1M passages: build time, index size, end-to-end latency against raw
tantivy and SQLite FTS5 on the same passages, and the peak memory of a search process.

    .venv/bin/python bench/search.py                         # 10k and 100k
    .venv/bin/python bench/search.py --sizes 10000,100000,1000000 --repeat 20

The documents are the real ones — ../shared/corpus, seeds and corpus-wide, ingested once into a
scratch archive — replicated with variation up to each size: every replica gets its own id and
path, a year shifted by up to 40, an author drawn from the corpus's authors, and three of its
words swapped for words of another document, so term statistics do not simply scale.

End to end is what `archivist search --format json` does after start-up: parse the query,
rank passages, roll up to documents, snippets, facets (when asked), JSON. Raw tantivy is the
same index queried through tantivy's own parser on the folded field, top 10 passages and their
stored fields. FTS5 is a SQLite file of the same passages (unicode61, diacritics removed),
top 10 passages with snippets and the count of documents, plus author and year counts for
the faceted queries.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from archivist.model import Document  # noqa: E402
from archivist.search.engine import SearchIndex  # noqa: E402
from archivist.search.index import build_index, passages  # noqa: E402
from archivist.store import Archive  # noqa: E402
from archivist.store.fulltext import PassageFTS  # noqa: E402

# (kind, archivist query, raw tantivy query on the folded field, FTS5 MATCH, facets?)
QUERIES = [
    ("rare", "Biulleten", "biulleten", "biulleten", False),
    ("rare", "Kronstadt", "kronstadt", "kronstadt", False),
    ("rare", "Decazeville", "decazeville", "decazeville", False),
    ("common", "workers", "workers", "workers", False),
    ("common", "party revolution", "party AND revolution", "party revolution", False),
    ("common", "the state", "the AND state", "the state", False),
    ("phrase", '"Left Opposition"', '"left opposition"', '"left opposition"', False),
    ("phrase", '"working class"', '"working class"', '"working class"', False),
    ("fielded", "author:trotsky year:1930..1934", "authors:trotsky", "trotsky", False),
    ("fielded", "Stalin type:letter lang:en", "stalin", "stalin", False),
    ("faceted", "repression", "repression", "repression", True),
    ("faceted", "capital", "capital", "capital", True),
    ("prefix", "syndicalis*", "syndicalis*", "syndicalis*", False),
    ("prefix", "revolution*", "revolution*", "revolution*", False),
]


def load_documents(shared: Path, db: Path) -> list[Document]:
    if not db.exists():
        subprocess.run(
            [sys.executable, "-m", "archivist.cli", "ingest", str(shared / "corpus"), str(shared / "seeds"),
             str(shared / "corpus-wide"), "--db", str(db), "-j", "2", "-q"],
            check=False, cwd=ROOT,
        )  # fmt: skip
    with Archive(db, readonly=True) as archive:
        return list(archive.documents())


def replicate(docs: list[Document], target: int, seed: int = 15) -> tuple[list[Document], int]:
    """Documents up to `target` passages: the originals, then varied replicas."""
    rng = random.Random(seed)
    counts = [len(passages(d)) for d in docs]
    authors = sorted({a for d in docs for a in d.authors}) or ["Anonymous"]
    out: list[Document] = []
    total = 0
    round_ = 0
    while total < target:
        order = list(range(len(docs)))
        rng.shuffle(order)
        for i in order:
            if total >= target:
                break
            doc = docs[i]
            if round_ == 0:
                out.append(doc)
            else:
                words = re.findall(r"\b[a-z]{5,}\b", doc.text[:5000])
                other = docs[rng.randrange(len(docs))]
                repl = re.findall(r"\b[a-z]{5,}\b", other.text[:5000]) or ["variant"]
                text = doc.text
                for w in rng.sample(words, min(3, len(words))):
                    r = rng.choice(repl)
                    text = re.sub(
                        rf"\b{w}\b", r.ljust(len(w), "x")[: len(w)], text
                    )  # same length: parts stay valid
                date = doc.date_written or doc.date_published
                shifted = None
                if date and date[:4].isdigit():
                    shifted = f"{int(date[:4]) + rng.randrange(-40, 41):04d}{date[4:]}"
                out.append(replace(doc, id=f"{doc.id}-{round_}", path=f"{doc.path}#r{round_}", text=text,
                                   date_written=shifted, date_published=None,
                                   authors=[rng.choice(authors)] if rng.random() < 0.3 else doc.authors))  # fmt: skip
            total += counts[i]
        round_ += 1
    return out, total


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(index_dir: Path, fts: PassageFTS, repeat: int) -> dict[str, object]:
    import tantivy

    index = SearchIndex(index_dir)
    raw_index = tantivy.Index.open(str(index_dir))
    from archivist.search.analysis import register

    register(raw_index, [])
    raw_searcher = raw_index.searcher()
    ours: dict[str, list[float]] = {}
    raw: dict[str, list[float]] = {}
    lite: dict[str, list[float]] = {}
    # CPU time of this process as well as wall time: on a shared machine the wall clock also
    # counts the time other jobs held the cores (tantivy searches in this thread)
    cpu: dict[str, dict[str, list[float]]] = {"archivist": {}, "tantivy_raw": {}, "sqlite_fts5": {}}
    facet_ms: list[float] = []
    clock = time.process_time
    for kind, query, raw_query, match, facets in QUERIES:
        index.search(query, facets=["author", "year"] if facets else [])  # warm
        for _ in range(repeat):
            # every repeat parses and compiles anew: the kept trees would make 19 of 20 repeats
            # cheaper than a reading room's first sight of a query
            getattr(index, "_parsed", {}).clear()
            getattr(index, "_compiled", {}).clear()
            t, c = time.perf_counter(), clock()
            result = index.search(
                query, facets=["author", "decade", "year", "source", "type", "lang", "part"] if facets else []
            )
            json.dumps(result.to_dict(), ensure_ascii=False)
            ours.setdefault(kind, []).append((time.perf_counter() - t) * 1000)
            cpu["archivist"].setdefault(kind, []).append((clock() - c) * 1000)
            if facets:  # the facets alone: the same aggregation and counting, timed apart
                compiled = index.compile(query)
                assert compiled is not None
                t = time.perf_counter()
                index._facets(compiled.query, ["author", "decade", "year", "source", "type", "lang", "part"])
                facet_ms.append((time.perf_counter() - t) * 1000)
            t, c = time.perf_counter(), clock()
            q = raw_index.parse_query(raw_query, ["exact"])
            for _score, address in raw_searcher.search(q, 10).hits:
                raw_searcher.doc(address)
            raw.setdefault(kind, []).append((time.perf_counter() - t) * 1000)
            cpu["tantivy_raw"].setdefault(kind, []).append((clock() - c) * 1000)
            t, c = time.perf_counter(), clock()
            fts.search(match, 10, facets=facets)
            lite.setdefault(kind, []).append((time.perf_counter() - t) * 1000)
            cpu["sqlite_fts5"].setdefault(kind, []).append((clock() - c) * 1000)

    def summary(samples: dict[str, list[float]]) -> dict[str, object]:
        every = [v for values in samples.values() for v in values]
        return {
            "p50_ms": round(percentile(every, 0.5), 2),
            "p95_ms": round(percentile(every, 0.95), 2),
            "by_kind_p95_ms": {k: round(percentile(v, 0.95), 2) for k, v in samples.items()},
        }

    out: dict[str, object] = {
        "archivist": summary(ours),
        "tantivy_raw": summary(raw),
        "sqlite_fts5": summary(lite),
    }
    out["cpu"] = {name: summary(samples) for name, samples in cpu.items()}
    out["facets_only_ms"] = {
        "p50_ms": round(percentile(facet_ms, 0.5), 2),
        "p95_ms": round(percentile(facet_ms, 0.95), 2),
    }
    arch, tant, lite_ = out["archivist"], out["tantivy_raw"], out["sqlite_fts5"]
    out["ratios_p95"] = {  # archivist against the references, same run
        "archivist_over_raw": round(arch["p95_ms"] / max(tant["p95_ms"], 1e-9), 2),  # type: ignore[index]
        "fts5_over_archivist": round(lite_["p95_ms"] / max(arch["p95_ms"], 1e-9), 2),  # type: ignore[index]
        "cpu_archivist_over_raw": round(
            out["cpu"]["archivist"]["p95_ms"] / max(out["cpu"]["tantivy_raw"]["p95_ms"], 1e-9), 2
        ),  # type: ignore[index]
        "cpu_fts5_over_archivist": round(
            out["cpu"]["sqlite_fts5"]["p95_ms"] / max(out["cpu"]["archivist"]["p95_ms"], 1e-9), 2
        ),  # type: ignore[index]
    }
    return out


def peak_memory(index_dir: Path, repeat: int) -> float:
    """MiB of peak RSS of a fresh process that opens the index and runs the query mix."""
    mix = [(q[1], q[4]) for q in QUERIES]
    rounds = max(1, repeat // 4)
    code = (
        f"import resource,sys,json;sys.path.insert(0,{str(ROOT / 'src')!r});"
        f"from archivist.search.engine import SearchIndex;ix=SearchIndex({str(index_dir)!r});qs={mix!r}\n"
        f"for _ in range({rounds}):\n"
        "  [json.dumps(ix.search(q, facets=['author','year','type'] if f else []).to_dict()) for q,f in qs]\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return round(int(out.stdout.strip().splitlines()[-1]) / 1024, 1)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--work", default=None, help="Scratch folder (default: a temporary one).")
    parser.add_argument("--json", default=None, help="Results file (default bench/results/search-DATE.json).")
    args = parser.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="archivist-search-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    docs = load_documents(Path(args.shared), work / "source.db")
    results: dict[str, object] = {"machine": {"cpus": os.cpu_count()}, "documents_source": len(docs),
                                  "queries": [q[:2] for q in QUERIES], "repeat": args.repeat, "runs": []}  # fmt: skip
    out = Path(args.json or ROOT / "bench" / "results" / f"search-{time.strftime('%Y-%m-%d')}.json")
    for size in [int(s) for s in args.sizes.split(",")]:
        corpus, _total = replicate(docs, size)
        index_dir = work / f"index-{size}"
        shutil.rmtree(index_dir, ignore_errors=True)
        started = time.perf_counter()
        report = build_index(index_dir, corpus)
        build_s = time.perf_counter() - started
        fts_path = work / f"fts-{size}.db"
        fts_path.unlink(missing_ok=True)
        fts = PassageFTS(fts_path)
        started = time.perf_counter()
        batch = []
        for doc in corpus:
            year = int(doc.date_written[:4]) if doc.date_written and doc.date_written[:4].isdigit() else None
            author = doc.authors[0] if doc.authors else ""
            for p in passages(doc):
                batch.append((doc.id, p.part, doc.title or "", doc.text[p.start : p.end], author, year))
            if len(batch) > 20000:
                fts.add(batch)
                batch = []
        fts.add(batch)
        fts.optimize()
        fts_build_s = time.perf_counter() - started
        load_before = [round(x, 1) for x in os.getloadavg()]
        latency = measure(index_dir, fts, args.repeat)
        load_after = [round(x, 1) for x in os.getloadavg()]
        run = {
            "load_average": {"before": load_before, "after": load_after},  # 1, 5, 15 minutes
            "passages": report.passages,
            "documents": len(corpus),
            "build_s": round(build_s, 1),
            "index_bytes": folder_bytes(index_dir),
            "fts5_build_s": round(fts_build_s, 1),
            "fts5_bytes": fts.bytes(),
            "latency": latency,
            "search_process_peak_mib": peak_memory(index_dir, args.repeat),
        }
        fts.close()
        results["runs"].append(run)  # type: ignore[union-attr]
        print(json.dumps(run, indent=2), flush=True)
        fts_path.unlink(missing_ok=True)
        shutil.rmtree(index_dir, ignore_errors=True)
        results["bench_process_peak_mib"] = round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
        )
        out.write_text(
            json.dumps(results, indent=2), encoding="utf-8"
        )  # after each size: a long run keeps what it measured
    print(f"wrote {out}")


if __name__ == "__main__":
    main()

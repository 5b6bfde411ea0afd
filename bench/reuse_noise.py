"""Recall of text reuse by OCR-like noise level, on more passages than the test suite plants.

    python bench/reuse_noise.py [--reps 8] [--seed 18]

The synthetic set of `tests/test_reuse.py::test_synthetic_noisy_passages`, larger: passages of 40,
80, 150 and 400 words from real Lenin and Marx pages (at least 500 words) of ../shared/corpus, with OCR-like noise at 0-10% (each
letter misread at that rate — an OCR confusion or any letter —, each ten-word line dropped at that
rate, a long word at each line's end hyphenated across the break), planted in the middle of real
pages of other authors (`--reps` per noise level and length), with unrelated pages beside them. A
passage is found when the links between the two documents cover at least half its length; a link
between two documents that share no planted passage is wrong. Prints recall by noise level and by
length, where the misses were lost (never a candidate pair / compared but no passage long enough),
and precision.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reps", type=int, default=8)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--sources", type=int, default=30, help="Pages the passages come from.")
    args = parser.parse_args()
    # the test suite's generator, so both measure the same noise
    from tests.test_reuse import LENGTHS, NOISE_LEVELS, _body, plant_passages

    rng = random.Random(args.seed)
    pages = CORPUS / "mia-reader" / "_pages"
    sources = sorted([*(pages / "lenin").rglob("*.htm"), *(pages / "marx").rglob("*.htm")])
    sources = [s for s in sources if len(_body(s, "s").split()) >= 500][: args.sources]
    hosts = sorted((CORPUS / "mia-mass-edits" / "archive").rglob("*.htm*"))
    hosts = [h for h in hosts if "lenin" not in str(h) and "marx" not in str(h)]
    rng.shuffle(hosts)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "synthetic"
        folder.mkdir()
        source_words = {}
        for i, src in enumerate(sources):
            body = _body(src, f"s/{i}")
            (folder / f"source{i}.txt").write_text(body, encoding="utf-8")
            source_words[i] = body.split()
        texts: dict[str, str] = {}
        planted = plant_passages(folder, source_words, hosts, rng, args.reps, texts)
        PLANTED.update({name: (text,) for name, text in texts.items()})
        natural = _pairs(folder, Path(tmp) / "control.db", planted_text=False)
        found, compared, report = _pairs(folder, Path(tmp) / "n.db", planted_text=True)
    holds: dict[str, set[str]] = {}
    kin: dict[str, set[str]] = {}  # a source and the sources that share text with it of themselves
    for x, y in natural[0]:
        if x.startswith("source") and y.startswith("source"):
            kin.setdefault(x, {x}).add(y)
    for host, source, _, _ in planted:
        holds.setdefault(host, set()).update(kin.get(source, {source}))
        holds.setdefault(source, set()).update(kin.get(source, {source}))
    missed = [p for p in planted if found.get((p[0], p[1]), 0) < 0.5 * p[3]]
    # links the real pages have without any planted passage (Marx quoting Marx) are not counted
    found = {k: v for k, v in found.items() if k not in natural[0]}
    wrong = [(x, y) for x, y in found if not holds.get(x, set()) & holds.get(y, set())]
    by_level = {
        f"{lv:.0%}": round(
            sum(1 for p in planted if p[2] == lv and p not in missed) / sum(1 for p in planted if p[2] == lv),
            3,
        )
        for lv in NOISE_LEVELS
    }
    by_length = {
        n: round(
            sum(1 for p in planted if p[3] == n and p not in missed) / sum(1 for p in planted if p[3] == n), 3
        )
        for n in LENGTHS
    }
    lost = {
        "no shared passage found": sum(
            1 for p in missed if (p[0], p[1]) not in compared and (p[1], p[0]) not in compared
        ),
        "passages too short": sum(1 for p in missed if (p[0], p[1]) in compared or (p[1], p[0]) in compared),
    }
    result = {
        "passages": len(planted),
        "recall_by_noise": by_level,
        "recall_by_length": by_length,
        "missed": [(p[2], p[3]) for p in missed],
        "lost": lost,
        "links": len(found),
        "precision": round(1 - len(wrong) / max(1, len(found)), 4),
        "wrong": sorted(set(wrong))[:10],
        "candidates": report["candidates"],
    }
    print(json.dumps(result))


def _pairs(
    folder: Path, db: Path, planted_text: bool
) -> tuple[dict[tuple[str, str], int], set[tuple[str, str]], dict]:
    """Links (words by pair of file names) and compared pairs of the folder's pages; without the
    planted text, each host page is read as it was before its passage was put in."""
    from archivist.enrich import run_stages
    from archivist.pipeline import ingest
    from archivist.reuse.works import update
    from archivist.store import Archive
    from archivist.store import reuse as store

    target = folder if planted_text else folder.parent / "control"
    if not planted_text:
        target.mkdir(exist_ok=True)
        for f in folder.iterdir():
            text = f.read_text(encoding="utf-8")
            if f.name.startswith("host-"):
                text = "\n\n".join(p for p in text.split("\n\n") if p not in PLANTED.get(f.name, ()))
            (target / f.name).write_text(text, encoding="utf-8")
    with Archive(str(db)) as archive:
        ingest([str(target)], archive)
        run_stages(archive, ["fingerprints"])
        report = update(archive)
        ids = {Path(d.path).name: d.id for d in archive.documents()}
        names = {v: k for k, v in ids.items()}
        found: dict[tuple[str, str], int] = {}
        for name, doc_id in ids.items():
            for link in store.links(archive, doc_id):
                other = names[link["other_id"]]
                found[(name, other)] = found.get((name, other), 0) + link["words"]
        compared = {(names[p["a"]], names[p["b"]]) for p in store.pairs(archive)}
    return found, compared, report


PLANTED: dict[str, tuple[str, ...]] = {}


if __name__ == "__main__":
    main()

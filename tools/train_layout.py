"""Train the models of `archivist.extract.blockmodel` from committed labels; write them into the package.

    .venv/bin/python tools/train_layout.py                      # CV report, then train on all and write
    .venv/bin/python tools/train_layout.py --folds /tmp/folds   # also one model per CV fold + its pages

Supervision is weak but real: a gold record's body_first_words and body_last_words say which item
of the rules' layout holds the first and the last words of the text. Every kept item before the
first is "outside at the top", every one after the last "outside at the bottom". Pages whose words
cannot be found among the items (the text starts inside a chrome block, a reader drops it) teach
nothing and are skipped.

The candidate models (logistic regressions, small gradient-boosted tree ensembles) are compared by
grouped 5-fold cross-validation over the training pages (a page's .htm and .md copies in the same
fold), scored on what matters: the page's decoded start (end) item is the gold one. The best of each
is trained on all pages and written as JSON. Never give it the frozen validation set.

Needs the `train` extra (scikit-learn, numpy); extraction itself does not.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np
from gbm_export import export_tree  # tools/, beside this script
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from archivist.evaluate import words
from archivist.extract import _anatomy
from archivist.extract.blockmodel import (
    FEATURE_NAMES,
    MODEL_PATH,
    WINDOW,
    cut_end,
    cut_start,
    features,
    rule_edges,
    tree_value,
)
from archivist.extract.layout import lay_out
from archivist.extract.people import authors_of
from archivist.sources import read_page

DEFAULT_GOLD = [
    "eval/gold/wide-tuning.jsonl=../shared/corpus-wide",
    "../shared/gold/metadata-dev.jsonl=../shared/corpus",
]


def locate(texts: list[str], gold: str, *, from_end: bool) -> int | None:
    """The index of the text holding the first (last) token of `gold`'s words, or None."""
    tokens: list[str] = []
    owner: list[int] = []
    for i, text in enumerate(texts):
        w = words(text)
        tokens += w
        owner += [i] * len(w)
    expected = words(gold)
    n = len(expected)
    if not n or n > len(tokens):
        return None
    starts = range(len(tokens) - n, -1, -1) if from_end else range(len(tokens) - n + 1)
    for k in starts:
        if tokens[k : k + n] == expected:
            return owner[k + n - 1] if from_end else owner[k]
    return None


def page_rows(record: dict[str, Any], root: Path) -> dict[str, Any] | None:
    page = read_page((root / record["path"]).read_bytes(), record["path"])
    layout = lay_out(page)
    authors, _ = authors_of(page, layout)
    _, by_block = _anatomy(layout, authors)
    rules = rule_edges(by_block)
    kept, rows = features(layout, by_block, authors=authors)
    texts = [layout.items[i].text for i in kept]
    s = locate(texts, record.get("body_first_words") or "", from_end=False)
    e = locate(texts, record.get("body_last_words") or "", from_end=True)
    if s is None or e is None or e < s:
        return None
    rule_s = next((k for k, i in enumerate(kept) if rules and i >= rules[0]), None)
    rule_e = max((k for k, i in enumerate(kept) if rules and i <= rules[1]), default=None)
    return {"path": record["path"], "rows": rows, "s": s, "e": e, "rule_s": rule_s, "rule_e": rule_e}


def group_of(path: str) -> str:
    return re.sub(r"\.\w+$", "", path)  # a letter's .htm and .md copies are one page


def windows(
    page: dict[str, Any],
) -> tuple[list[list[float]], list[int], int, list[list[float]], list[int], int]:
    rows = page["rows"]
    head = rows[:WINDOW]
    tail_from = max(0, len(rows) - WINDOW)
    tail = rows[tail_from:]
    y_head = [int(k < page["s"]) for k in range(len(head))]
    y_tail = [int(tail_from + k > page["e"]) for k in range(len(tail))]
    return head, y_head, 0, tail, y_tail, tail_from


CANDIDATES: dict[str, dict[str, Any]] = {
    "logistic-C1": {"kind": "logistic", "C": 1.0},
    "gbm-100x3": {"kind": "gbm", "n": 100, "depth": 3, "rate": 0.1},
    "gbm-200x3": {"kind": "gbm", "n": 200, "depth": 3, "rate": 0.05},
}
# The rules' edge is kept unless the model's cut is more likely by this much (log-likelihood):
# each tree ensemble is also tried with a margin, so that a weak preference does not move the edge.
for _name in ("gbm-100x3", "gbm-200x3"):
    for _margin in (1.0, 3.0):
        CANDIDATES[f"{_name}-m{_margin:g}"] = {**CANDIDATES[_name], "margin": _margin}


def fit(config: dict[str, Any], x: list[list[float]], y: list[int]) -> dict[str, Any]:
    """Train one candidate; return it in the JSON form `blockmodel.probability` reads."""
    xa, ya = np.asarray(x, dtype=float), np.asarray(y)
    if config["kind"] == "logistic":
        clf = LogisticRegression(C=config["C"], max_iter=5000, class_weight="balanced")
        clf.fit(xa, ya)
        return {
            "kind": "logistic",
            "intercept": round(float(clf.intercept_[0]), 6),
            "weights": [round(float(w), 6) for w in clf.coef_[0]],
        }
    gbm = GradientBoostingClassifier(
        n_estimators=config["n"], max_depth=config["depth"], learning_rate=config["rate"], random_state=0
    )
    gbm.fit(xa, ya)
    trees = [export_tree(est[0].tree_) for est in gbm.estimators_]
    raw0 = float(gbm.decision_function(xa[:1])[0])
    model = {"kind": "trees", "init": 0.0, "rate": config["rate"], "trees": trees}
    summed = sum(tree_value(t, list(xa[0])) for t in trees)
    model["init"] = round(raw0 - config["rate"] * summed, 6)
    return model


def train_set(pages: list[dict[str, Any]], which: str) -> tuple[list[list[float]], list[int]]:
    x: list[list[float]] = []
    y: list[int] = []
    for page in pages:
        head, y_head, _, tail, y_tail, _ = windows(page)
        if which == "start":
            x += head
            y += y_head
        else:
            x += tail
            y += y_tail
    return x, y


MISSES = ""  # a candidate's name: print its CV misses (--misses)


def cross_validate(pages: list[dict[str, Any]], folds: int) -> tuple[list[list[int]], dict[str, Any]]:
    groups = [group_of(p["path"]) for p in pages]
    splitter = GroupKFold(n_splits=folds)
    splits = [list(test) for _, test in splitter.split(np.zeros(len(pages)), groups=groups)]
    report: dict[str, Any] = {
        "rules": {
            "start": sum(p["rule_s"] == p["s"] for p in pages) / len(pages),
            "end": sum(p["rule_e"] == p["e"] for p in pages) / len(pages),
        }
    }
    for gold in sorted({p["gold"] for p in pages}):
        mine = [p for p in pages if p["gold"] == gold]
        stem = Path(gold.split("=")[0]).stem
        report["rules"][f"start:{stem}"] = sum(p["rule_s"] == p["s"] for p in mine) / len(mine)
        report["rules"][f"end:{stem}"] = sum(p["rule_e"] == p["e"] for p in mine) / len(mine)
    for which in ("start", "end"):
        for name, config in CANDIDATES.items():
            hits: dict[str, int] = {}
            for test in splits:
                held = set(test)
                train = [p for k, p in enumerate(pages) if k not in held]
                model = fit(config, *train_set(train, which))
                model["margin"] = config.get("margin", 0.0)
                for k in test:
                    page = pages[k]
                    if which == "start":
                        got = cut_start(page["rows"], page["rule_s"], model)
                    else:
                        got = cut_end(page["rows"], page["rule_e"], model)
                    hit = got == page["s" if which == "start" else "e"]
                    if which == "end" and name == MISSES and not hit:
                        print(f"  end miss {page['path']}: got {got} gold {page['e']} rules {page['rule_e']}")
                    if which == "start" and name == MISSES and not hit:
                        print(
                            f"  start miss {page['path']}: got {got} gold {page['s']} rules {page['rule_s']}"
                        )
                    hits[page["gold"]] = hits.get(page["gold"], 0) + hit
            report.setdefault(name, {})[which] = sum(hits.values()) / len(pages)
            for gold, n in hits.items():
                report[name][f"{which}:{Path(gold.split('=')[0]).stem}"] = n / sum(
                    p["gold"] == gold for p in pages
                )
    return splits, report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gold", action="append", help="GOLD.jsonl=CORPUS_DIR (repeatable)")
    parser.add_argument("--out", default=str(MODEL_PATH))
    parser.add_argument("--folds", help="also write one model per CV fold and its held-out gold here")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--misses", default="", help="print this candidate's cross-validation misses")
    args = parser.parse_args(argv)
    global MISSES
    MISSES = args.misses
    pages: list[dict[str, Any]] = []
    records: list[tuple[dict[str, Any], str]] = []
    skipped = 0
    unused: list[tuple[dict[str, Any], str]] = []  # never trained on: held out by every fold
    for spec in args.gold or DEFAULT_GOLD:
        gold, _, corpus = spec.partition("=")
        if "validation" in gold:
            sys.exit("the validation set is frozen: never train on it")
        for line in Path(gold).read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            page = page_rows(record, Path(corpus))
            if page is None:
                skipped += 1
                unused.append((record, spec))
                continue
            page["gold"] = spec
            pages.append(page)
            records.append((record, spec))
    print(f"{len(pages)} pages ({skipped} skipped: words not found among the kept items)")
    splits, report = cross_validate(pages, args.k)
    columns = list(report["rules"])
    print(f"{'model':<16} " + " ".join(f"{c:>24}" for c in columns))
    for name, row in report.items():
        print(f"{name:<16} " + " ".join(f"{row.get(c, 0):>24.3f}" for c in columns))
    best = {
        which: max(CANDIDATES, key=lambda name: (report[name][which], -list(CANDIDATES).index(name)))
        for which in ("start", "end")
    }
    print(f"chosen: start {best['start']}, end {best['end']}")
    out: dict[str, Any] = {
        "features": FEATURE_NAMES,
        "window": WINDOW,
        "trained_on": sorted({p["gold"].split("=")[0] for p in pages}),
        "pages": len(pages),
        "cv": {
            w: {"model": best[w], "rules": report["rules"][w], "model_accuracy": report[best[w]][w]}
            for w in best
        },
    }
    for which in ("start", "end"):
        out[which] = fit(CANDIDATES[best[which]], *train_set(pages, which))
        out[which]["margin"] = CANDIDATES[best[which]].get("margin", 0.0)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    if Path(args.out).resolve() == Path(MODEL_PATH).resolve():
        import layout_trees  # tools/, beside this script: the shipped trees as code, for mypyc

        layout_trees.main([])
    if args.folds:
        folder = Path(args.folds)
        folder.mkdir(parents=True, exist_ok=True)
        for n, test in enumerate(splits):
            held = set(test)
            train = [p for k, p in enumerate(pages) if k not in held]
            fold = {w: fit(CANDIDATES[best[w]], *train_set(train, w)) for w in ("start", "end")}
            for w in fold:
                fold[w]["margin"] = CANDIDATES[best[w]].get("margin", 0.0)
            (folder / f"fold{n}.json").write_text(json.dumps(fold) + "\n", encoding="utf-8")
            held_paths = {pages[k]["path"] for k in test}
            for spec in sorted({s for _, s in records}):
                rows = [r for r, s in records if s == spec and r["path"] in held_paths]
                rows += [r for r, s in unused if s == spec and n == 0]
                name = Path(spec.split("=")[0]).stem
                with (folder / f"fold{n}-{name}.jsonl").open("w", encoding="utf-8") as handle:
                    for r in rows:
                        handle.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"wrote {len(splits)} folds to {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Train the document-type model of `archivist.extract.typemodel` from committed labels.

    .venv/bin/python tools/train_doctype.py            # CV report; writes the model only if it beats the rules

Each training page is extracted as usual (the rules' verdict and its reason are kept in the
provenance), its features are read from the finished document, and the gold doc_type is the
target. Candidates are compared with the rules by grouped 5-fold cross-validation over the
training pages, counting only the verdicts the model may overrule (`typemodel.KEPT` stay). Never
give it the frozen validation set. Needs the `train` extra.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

os.environ["ARCHIVIST_DOCTYPE_MODEL"] = "none"  # the rules' own verdicts are the features

import numpy as np
from gbm_export import export_tree  # tools/, beside this script
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from archivist.extract.blockmodel import tree_value
from archivist.extract.typemodel import FEATURE_NAMES, KEPT, MODEL_PATH, features, predict
from archivist.pipeline import extract_file

DEFAULT_GOLD = [
    "eval/gold/wide-tuning.jsonl=../shared/corpus-wide",
    "../shared/gold/metadata-dev.jsonl=../shared/corpus",
    # Blind batches join the training set once their first run has been reported (docs/evaluation.md).
    "eval/gold/wide-blind-5.jsonl=../shared/corpus-wide",
    "eval/gold/wide-blind-6.jsonl=../shared/corpus-wide",
]
THRESHOLDS = (0.0, 0.6, 0.75, 0.9)  # the model overrules the rules only when this sure
CANDIDATES: dict[str, dict[str, Any]] = {
    "logistic-C0.3": {"kind": "logistic", "C": 0.3},
    "logistic-C1": {"kind": "logistic", "C": 1.0},
    "gbm-50x2": {"kind": "gbm", "n": 50, "depth": 2, "rate": 0.1},
    "gbm-100x3": {"kind": "gbm", "n": 100, "depth": 3, "rate": 0.05},
}


def fit(config: dict[str, Any], x: list[list[float]], y: list[str]) -> dict[str, Any]:
    xa, ya = np.asarray(x, dtype=float), np.asarray(y)
    if config["kind"] == "logistic":
        clf = LogisticRegression(C=config["C"], max_iter=5000)
        clf.fit(xa, ya)
        classes = [str(c) for c in clf.classes_]
        if len(classes) == 2:  # sklearn keeps one row for two classes
            w, b = clf.coef_[0], clf.intercept_[0]
            weights, intercepts = [list(-w), list(w)], [-b, b]
        else:
            weights, intercepts = [list(r) for r in clf.coef_], list(clf.intercept_)
        return {
            "kind": "logistic",
            "classes": classes,
            "intercepts": [round(float(b), 6) for b in intercepts],
            "weights": [[round(float(v), 6) for v in row] for row in weights],
        }
    gbm = GradientBoostingClassifier(
        n_estimators=config["n"], max_depth=config["depth"], learning_rate=config["rate"], random_state=0
    )
    gbm.fit(xa, ya)
    classes = [str(c) for c in gbm.classes_]
    k = gbm.estimators_.shape[1]
    trees = [
        [export_tree(gbm.estimators_[i, c].tree_) for i in range(gbm.estimators_.shape[0])] for c in range(k)
    ]
    raw = gbm.decision_function(xa[:1])
    raw_row = [float(raw[0])] if k == 1 else [float(v) for v in raw[0]]
    model: dict[str, Any] = {
        "kind": "trees",
        "classes": classes,
        "rate": config["rate"],
        "trees": trees,
        "init": [],
    }
    model["init"] = [
        round(raw_row[c] - config["rate"] * sum(tree_value(t, list(xa[0])) for t in trees[c]), 6)
        for c in range(k)
    ]
    if k == 1:  # binary: one score for the second class against zero for the first
        model["trees"] = [[], trees[0]]
        model["init"] = [0.0, model["init"][0]]
    return model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gold", action="append", help="GOLD.jsonl=CORPUS_DIR (repeatable)")
    parser.add_argument("--out", default=str(MODEL_PATH))
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args(argv)
    pages: list[dict[str, Any]] = []
    for spec in args.gold or DEFAULT_GOLD:
        gold, _, corpus = spec.partition("=")
        if "validation" in gold:
            sys.exit("the validation set is frozen: never train on it")
        for line in Path(gold).read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if not record.get("doc_type"):
                continue
            doc = extract_file(str(Path(corpus) / record["path"]), record["path"]).document
            if doc is None or not doc.doc_type:
                continue
            why = doc.provenance["doc_type"].origin
            pages.append({
                "path": record["path"], "gold": record["doc_type"], "rule": doc.doc_type, "why": why,
                "row": features(doc, doc.doc_type, why), "set": Path(gold).stem,
            })  # fmt: skip
    groups = [re.sub(r"\.\w+$", "", p["path"]) for p in pages]
    splits = [list(t) for _, t in GroupKFold(n_splits=args.k).split(np.zeros(len(pages)), groups=groups)]
    sets = sorted({p["set"] for p in pages})
    rules = {s: sum(p["rule"] == p["gold"] for p in pages if p["set"] == s) for s in sets}
    size = {s: sum(p["set"] == s for p in pages) for s in sets}
    print(f"{len(pages)} pages; rules: " + ", ".join(f"{s} {rules[s] / size[s]:.3f}" for s in sets))
    report: dict[str, dict[str, float]] = {}
    names: list[tuple[str, float]] = []
    for name, config in CANDIDATES.items():
        predictions: dict[int, tuple[str, float]] = {}
        for test in splits:
            held = set(test)
            train = [p for k, p in enumerate(pages) if k not in held]
            model = fit(config, [p["row"] for p in train], [p["gold"] for p in train])
            for k in test:
                predictions[k] = predict(model, pages[k]["row"])
        for threshold in THRESHOLDS:
            hits = dict.fromkeys(sets, 0)
            for k, page in enumerate(pages):
                kind, confidence = predictions[k]
                keep = page["why"].startswith(KEPT) or confidence < threshold
                hits[page["set"]] += (page["rule"] if keep else kind) == page["gold"]
            key = f"{name}@{threshold}"
            names.append((name, threshold))
            report[key] = {s: hits[s] / size[s] for s in sets}
            report[key]["all"] = sum(hits.values()) / len(pages)
            print(f"{key:<20} " + ", ".join(f"{s} {v:.3f}" for s, v in report[key].items()))
    best_name, best_threshold = max(names, key=lambda n: (report[f"{n[0]}@{n[1]}"]["all"], n[1]))
    best = f"{best_name}@{best_threshold}"
    rules_all = sum(rules.values()) / len(pages)
    print(f"best {best}: {report[best]['all']:.3f} against the rules' {rules_all:.3f}")
    if report[best]["all"] <= rules_all:
        print("the model does not beat the rules: none is shipped (the rules decide alone)")
        Path(args.out).unlink(missing_ok=True)
        return 0
    out = {
        "features": FEATURE_NAMES,
        "trained_on": sorted(sets),
        "pages": len(pages),
        "cv": {"model": best, "accuracy": report[best], "rules": {s: rules[s] / size[s] for s in sets}},
        "threshold": best_threshold,
        "model": fit(CANDIDATES[best_name], [p["row"] for p in pages], [p["gold"] for p in pages]),
    }
    Path(args.out).write_text(json.dumps(out, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

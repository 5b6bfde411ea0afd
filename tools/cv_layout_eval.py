"""Cross-validated end-to-end figures for the block model: each training page is extracted with the
model of the fold that held it out (`tools/train_layout.py --folds DIR` writes them), then every
gold set is scored as `archivist eval metadata` does.

    .venv/bin/python tools/cv_layout_eval.py /tmp/folds
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from archivist.evaluate import SCORED_FIELDS, field_correct
from archivist.extract import blockmodel
from archivist.pipeline import extract_file

SHOW = sys.argv[2].split(",") if len(sys.argv) > 2 else []  # fields whose misses are listed
SETS = {"wide-tuning": "../shared/corpus-wide", "metadata-dev": "../shared/corpus"}


def main(folder: str) -> int:
    for name, corpus in SETS.items():
        hits = {f: 0 for f in SCORED_FIELDS}
        total = 0
        for fold in sorted(Path(folder).glob(f"fold*-{name}.jsonl")):
            models = json.loads(fold.with_name(fold.name.split("-")[0] + ".json").read_text())
            original = blockmodel.load_models
            blockmodel.load_models = lambda path=None, models=models: models  # type: ignore[assignment]
            try:
                for line in fold.read_text(encoding="utf-8").splitlines():
                    gold = json.loads(line)
                    result = extract_file(str(Path(corpus) / gold["path"]), gold["path"])
                    record = result.document.to_record() if result.document else {}
                    total += 1
                    for f in SCORED_FIELDS:
                        ok, got = field_correct(f, gold, record) if record else (False, None)
                        hits[f] += ok
                        if not ok and SHOW and f in SHOW:
                            print(f"  {gold['path']}  {f}: gold {gold[f]!r}, got {str(got)[:90]!r}")
            finally:
                blockmodel.load_models = original
        if total:
            print(f"{name} (cross-validated, {total} pages)")
            for f in SCORED_FIELDS:
                print(f"  {f:<18} {hits[f] / total:.2f}")
            print(f"  {'mean':<18} {sum(hits.values()) / total / len(SCORED_FIELDS):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))

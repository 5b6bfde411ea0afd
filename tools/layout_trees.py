"""Write src/archivist/extract/layout_trees.py: the body-edge models' tree ensembles
(extract/models/layout.json) as plain Python code, which mypyc compiles with the extraction modules.

    .venv/bin/python tools/layout_trees.py           # after tools/train_layout.py (which runs it)
    .venv/bin/python tools/layout_trees.py --check   # exit 1 when the module does not match the model

Compiled, one comparison of a row's feature with a constant per node is several times cheaper than
numpy's evaluation of the ensemble (`blockmodel.Forest`) on a page's few rows. The module records a
fingerprint of the trees it was written from (`blockmodel.trees_fingerprint`): `blockmodel` uses it
only for a model with the same trees, and only when it is compiled; otherwise numpy evaluates them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "src" / "archivist" / "extract" / "models" / "layout.json"
TARGET = ROOT / "src" / "archivist" / "extract" / "layout_trees.py"
sys.path.insert(0, str(ROOT / "src"))


def _node(tree: list[list[Any]], node: int, depth: int, out: list[str]) -> None:
    pad = "    " * depth
    here = tree[node]
    if len(here) == 1:
        out.append(f"{pad}t = {float(here[0])!r}")
        return
    feature, threshold, left, right = here
    # the same test as numpy's (`Forest.sums`): a row goes right when its value is above the threshold
    out.append(f"{pad}if r[{int(feature)}] <= {float(threshold)!r}:")
    _node(tree, int(left), depth + 1, out)
    out.append(f"{pad}else:")
    _node(tree, int(right), depth + 1, out)


def _function(name: str, trees: list[list[list[Any]]]) -> list[str]:
    out = [f"def {name}(r: list[float]) -> float:", "    t = 0.0"]
    for i, tree in enumerate(trees):
        _node(tree, 0, 1, out)
        # tree after tree from the first tree's value, as numpy's reduction adds them
        out.append("    s = t" if i == 0 else "    s += t")
    out.append("    return s")
    return out


def render(models: dict[str, Any]) -> str:
    from archivist.extract.blockmodel import trees_fingerprint

    lines = [
        "# ruff: noqa: SIM108",
        '"""The body-edge models\' tree ensembles as code: written by tools/layout_trees.py from',
        "extract/models/layout.json, do not edit. `blockmodel.probabilities` uses `SUMS` when this module is",
        'compiled (see tools/layout_trees.py)."""',
        "",
        "from __future__ import annotations",
        "",
        "from collections.abc import Callable",
        "",
    ]
    entries = []
    for which in ("start", "end"):
        model = models[which]
        if model["kind"] != "trees" or not model["trees"]:
            continue
        lines += ["", *_function(f"_{which}", model["trees"]), ""]
        entries.append(f'    "{trees_fingerprint(model["trees"])}": _{which},')
    lines += [
        "",
        "# the trees' fingerprint (`blockmodel.trees_fingerprint`) -> the ensemble's sum for one row",
        "SUMS: dict[str, Callable[[list[float]], float]] = {",
        *entries,
        "}",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="only say whether the module matches the model")
    args = parser.parse_args(argv)
    text = render(json.loads(MODEL.read_text(encoding="utf-8")))
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET} does not match {MODEL}: run tools/layout_trees.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

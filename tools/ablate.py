"""Which pages does each rule change? Switch one rule off, extract every page of the corpora,
and count the records that differ from the run with every rule on.

A rule that changes one or two pages was written for those pages, not for a convention; this is the
check before adding one. Each toggle names a mechanism of the extractor and how to switch it off
(a function replaced by a no-op in the worker processes).

    python tools/ablate.py ../shared/corpus ../shared/corpus-wide [--toggle NAME ...] [-j 2]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

# The toggles replace functions, which the compiled modules would not see (they call their own
# functions directly): this tool runs the pure-Python modules (archivist/_native.py).
os.environ["ARCHIVIST_PURE"] = "1"

from archivist.pipeline import collect_inputs, extract_input


def _off(module: str, name: str, value: object = None) -> Callable[[], None]:
    def switch() -> None:
        import importlib

        setattr(importlib.import_module(module), name, lambda *args, **kwargs: value)

    return switch


def _empty(module: str, name: str) -> Callable[[], None]:
    """A table emptied (a word list, an index) instead of a function made a no-op."""

    def switch() -> None:
        import importlib

        getattr(importlib.import_module(module), name).clear()

    return switch


# name -> how to switch it off (run in each worker before it extracts)
TOGGLES: dict[str, Callable[[], None]] = {
    "learned-body-edges": _off("archivist.extract.blockmodel", "load_models"),
    "learned-doc-type": _off("archivist.extract", "second_opinion"),
    "tei-stated-parts": _off("archivist.extract", "stated_anatomy"),
    "gutenberg-furniture": _off("archivist.sources", "mark_gutenberg"),
    "page-address": _off("archivist.sources", "page_address"),
    "english-without-lingua": _off("archivist.extract.language", "_plainly_english", False),
    "label-one-letter-off": _empty("archivist.extract.labels", "_ONE_OFF"),
}


def _digest(item: object) -> tuple[str, str]:
    result = extract_input(item)  # type: ignore[arg-type]
    record = result.document.to_record() if result.document else {"failure": result.failure}
    for volatile in ("spans", "version"):
        record.pop(volatile, None)
    text = json.dumps(record, sort_keys=True, ensure_ascii=False)
    return result.file.path, hashlib.sha256(text.encode()).hexdigest()


def _init(toggle: str | None) -> None:
    if toggle:
        TOGGLES[toggle]()


def run(items: list[object], toggle: str | None, jobs: int) -> dict[str, str]:
    with ProcessPoolExecutor(jobs, initializer=_init, initargs=(toggle,)) as pool:
        return dict(pool.map(_digest, items, chunksize=16))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--toggle", action="append", choices=sorted(TOGGLES), help="default: every toggle")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    args = parser.parse_args()
    items: list[object] = list(collect_inputs(args.inputs).files)
    base = run(items, None, args.jobs)
    report = {}
    for toggle in args.toggle or sorted(TOGGLES):
        changed = sorted(p for p, d in run(items, toggle, args.jobs).items() if d != base.get(p))
        report[toggle] = {"pages_changed": len(changed), "examples": changed[:5]}
        flag = "  <- one or two pages: written for them" if 0 < len(changed) <= 2 else ""
        print(f"{toggle:<24} {len(changed):>5} of {len(items)} pages{flag}", flush=True)
    json.dump(report, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()

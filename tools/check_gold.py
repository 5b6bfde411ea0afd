"""Check metadata labels before they join a gold file: every page exists in its corpus, every scored field
is present and well-formed, no page is labelled twice (within the files or against gold already kept).

    python tools/check_gold.py NEW.jsonl [NEW2.jsonl ...] --corpus ../shared/corpus-wide \
        [--against eval/gold/wide-tuning.jsonl]

Prints one line per problem and exits 1 if there is any; reads only the files it is given.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from archivist.evaluate import SCORED_FIELDS

DOC_TYPES = {
    "article",
    "letter",
    "speech",
    "interview",
    "book-chapter",
    "pamphlet",
    "manifesto",
    "resolution",
    "other",
}
# ISO dates at the precision given, or a span start/end of them.
_DAY = r"-?\d{4}(?:-\d\d(?:-\d\d)?)?"
DATE = re.compile(rf"^{_DAY}(?:/{_DAY})?$")
TEXT_OR_NULL = (
    "title",
    "source",
    "source_title",
    "place",
    "translator",
    "body_first_words",
    "body_last_words",
)


def problems(row: dict[str, Any], corpus: Path) -> list[str]:
    found = [f"missing field {name}" for name in SCORED_FIELDS if name not in row]
    path = row.get("path")
    if not isinstance(path, str) or not path or ".." in Path(path).parts:
        return [*found, f"bad path {path!r}"]
    if not (corpus / path).is_file():
        found.append("no such page in the corpus")
    for name in TEXT_OR_NULL:
        value = row.get(name)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            found.append(f"{name} is neither text nor null: {value!r}")
    authors = row.get("authors")
    if not isinstance(authors, list) or not all(isinstance(a, str) and a.strip() for a in authors):
        found.append(f"authors is not a list of names: {authors!r}")
    for name in ("date_written", "date_published"):
        value = row.get(name)
        if value is not None and not (isinstance(value, str) and DATE.match(value)):
            found.append(f"{name} is not an ISO date or span: {value!r}")
    language = row.get("language")
    if not (isinstance(language, str) and re.fullmatch(r"[a-z]{2}", language)):
        found.append(f"language is not ISO 639-1: {language!r}")
    if row.get("doc_type") not in DOC_TYPES:
        found.append(f"doc_type not one of the nine: {row.get('doc_type')!r}")
    if not isinstance(row.get("has_postscript"), bool):
        found.append(f"has_postscript is not true/false: {row.get('has_postscript')!r}")
    if not row.get("body_first_words") or not row.get("body_last_words"):
        found.append("body words missing")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("files", nargs="+")
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--against", action="append", default=[], help="gold already kept (repeatable)")
    args = parser.parse_args(argv)
    corpus = Path(args.corpus)
    seen: dict[str, str] = {}
    for kept in args.against:
        for line in Path(kept).read_text(encoding="utf-8").splitlines():
            if line.strip():
                seen[json.loads(line)["path"]] = kept
    bad = rows = 0
    for name in args.files:
        for number, line in enumerate(Path(name).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            rows += 1
            where = f"{name}:{number}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                print(f"{where}: not JSON ({error})")
                bad += 1
                continue
            found = problems(row, corpus) if isinstance(row, dict) else ["not an object"]
            path = row.get("path") if isinstance(row, dict) else None
            if isinstance(path, str):
                if path in seen:
                    found.append(f"already labelled in {seen[path]}")
                seen[path] = where
            for problem in found:
                print(f"{where}: {path}: {problem}")
            bad += bool(found)
    print(f"{rows} labels, {bad} with problems", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

"""Extract every file of the corpus and write one JSON file of the records, with a digest of them; with
--against, list the fields that differ from an earlier dump. How extraction changes are checked: a
refactor must leave the digest unchanged, a new rule must change only the pages it is meant for.

    .venv/bin/python tools/corpus_digest.py /tmp/before.json
    ... change the code ...
    .venv/bin/python tools/corpus_digest.py /tmp/after.json --against /tmp/before.json
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
from pathlib import Path

from archivist.pipeline import extract_file

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
SKIPPED = {"text", "parts", "provenance"}  # compared too, but listed only as "changed"
# The extractor's version is a hash of its code (model.EXTRACTOR_VERSION): any edit changes it, and with
# it the `agent` of every span. It is masked in the comparison (not in the dump), so that a change of
# code shows only where it changes what is extracted.
_AGENT = re.compile(r"extractor@[0-9a-f]+")


def _masked(value: object) -> object:
    return json.loads(_AGENT.sub("extractor@*", json.dumps(value, sort_keys=True)))


def dump(corpus: Path) -> dict[str, dict[str, object]]:
    records: dict[str, dict[str, object]] = {}
    with open(corpus / "MANIFEST.csv", newline="", encoding="utf-8") as manifest:
        for row in csv.DictReader(manifest):
            result = extract_file(str(corpus / row["path"]), row["path"])
            records[row["path"]] = (
                result.document.to_record() if result.document else {"failure": result.failure}
            )
    return records


def differences(before: dict[str, dict[str, object]], after: dict[str, dict[str, object]]) -> list[str]:
    lines = []
    for path in sorted(set(before) | set(after)):
        old, new = _masked(before.get(path, {})), _masked(after.get(path, {}))
        assert isinstance(old, dict) and isinstance(new, dict)
        for field in sorted(set(old) | set(new)):
            if old.get(field) == new.get(field):
                continue
            if field in SKIPPED:
                lines.append(f"{path}  {field} changed")
            else:
                lines.append(f"{path}  {field}: {old.get(field)!r} -> {new.get(field)!r}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="where to write the records (JSON)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--against", type=Path, help="an earlier dump to compare with")
    args = parser.parse_args()
    records = dump(args.corpus)
    text = json.dumps(records, sort_keys=True, ensure_ascii=False)
    args.output.write_text(text, encoding="utf-8")
    print(f"{len(records)} files, digest {hashlib.sha256(text.encode()).hexdigest()[:16]}")
    if args.against:
        lines = differences(json.loads(args.against.read_text(encoding="utf-8")), records)
        print("\n".join(lines) or "no differences")
    return 0


if __name__ == "__main__":
    sys.exit(main())

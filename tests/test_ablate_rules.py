"""tools/ablate_rules.py on the two seed pages: it finds the rules, switches one off at a time, and only
skips a file for a pattern when that pattern matched nothing on it."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

import pytest

TOOLS = Path(__file__).resolve().parents[1] / "tools"


@pytest.fixture(scope="module")
def tool() -> ModuleType:
    # importable by name: the worker processes (spawned, they inherit sys.path) import it again
    if str(TOOLS) not in sys.path:
        sys.path.insert(0, str(TOOLS))
    return importlib.import_module("ablate_rules")


def test_finds_patterns_inline_calls_and_word_lists(tool: ModuleType) -> None:
    rules = tool.all_rules(False)
    kinds = {rule.kind for rule in rules}
    assert kinds == {"pattern", "inline", "words"}
    labels = {(rule.module, rule.label) for rule in rules}
    assert ("archivist.extract.labels", "_LINE") in labels
    # a dict of word lists is one rule per entry group, in its language's module
    assert ("archivist.extract.lexicon.en", "LABELS['written']") in labels
    assert ("archivist.extract.lexicon.fr", "LABELS['translated']") in labels
    assert len({rule.id if rule.key is None else (rule.id, rule.key) for rule in rules}) == len(rules)


def test_switching_rules_off_on_the_seeds(tool: ModuleType, seeds: Path) -> None:
    wanted = {
        ("archivist.extract.labels", "_LINE"),  # every "Label: value" line
        ("archivist.extract.lexicon.en", "LABELS['written']"),  # seed 000 says "Written: 14 September 1939."
        ("archivist.extract.lexicon.en", "LABELS['collection']"),  # neither seed has one
        ("archivist.extract.doctype", "_WRITER_TO_ADDRESSEE"),  # "Marx to Engels": no seed title is one
    }
    rules = [rule for rule in tool.all_rules(False) if (rule.module, rule.label) in wanted]
    assert len(rules) == len(wanted)
    report = tool.ablate([str(seeds)], rules, jobs=1)
    assert report["files"] == 2 and report["recorded_differently"] == []
    found = {(r["module"], r["label"]): r for r in report["rules"]}
    assert found["archivist.extract.labels", "_LINE"]["changed"] >= 1
    written = found["archivist.extract.lexicon.en", "LABELS['written']"]
    assert [Path(p).name for p in written["examples"]] == ["000_d599a96396a96723.txt"]
    assert found["archivist.extract.lexicon.en", "LABELS['collection']"]["changed"] == 0
    unmatched = found["archivist.extract.doctype", "_WRITER_TO_ADDRESSEE"]
    assert unmatched["changed"] == 0 and unmatched["checked"] == 0  # matched nowhere: not extracted again
    assert tool.summary(report)["change_none"] == 2

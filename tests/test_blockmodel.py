"""The learned models (`extract.blockmodel`, `extract.typemodel`): their decoding, their files, and
what they change on real pages of the wide corpus (pages the rules were not written from)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archivist import extract
from archivist.evaluate import body_texts, words_match
from archivist.extract import blockmodel, typemodel
from archivist.model import Document

from .conftest import extracted as _doc


def _first_last(doc: Document, first: str, last: str) -> tuple[bool, bool]:
    record = doc.to_record()
    head, tail = body_texts(record)
    return words_match(first, head)[0], words_match(last, tail, from_end=True)[0]


def test_decode_is_a_monotone_cut() -> None:
    # outside, outside, inside, inside: the text starts at 2, whatever one noisy item says
    assert blockmodel.decode([0.9, 0.8, 0.1, 0.6, 0.1]) == 2
    assert blockmodel.decode([0.1, 0.2, 0.1]) == 0
    # the end: inside, inside, outside, outside
    assert blockmodel.decode([0.1, 0.2, 0.9, 0.7], from_end=True) == 1
    assert blockmodel.decode([0.1, 0.1], from_end=True) == 1
    # the rules' cut stands unless the best one is more likely by more than the margin
    assert blockmodel.decode([0.9, 0.8, 0.1, 0.6, 0.1], prior=1, margin=5.0) == 1
    assert blockmodel.decode([0.99, 0.99, 0.01, 0.01], prior=0, margin=1.0) == 2


def test_model_files_match_the_features() -> None:
    layout = blockmodel.load_models()
    assert layout is not None and layout["features"] == blockmodel.FEATURE_NAMES
    assert layout["window"] == blockmodel.WINDOW
    assert not any("validation" in name for name in layout["trained_on"])  # the frozen set stays unseen
    for which in ("start", "end"):
        assert layout[which]["kind"] in ("logistic", "trees")
    types = typemodel.load_model()
    assert types is not None and types["features"] == typemodel.FEATURE_NAMES
    assert set(types["model"]["classes"]) <= set(typemodel.KINDS)
    assert not any("validation" in name for name in types["trained_on"])
    raw = json.loads(typemodel.MODEL_PATH.read_text(encoding="utf-8"))
    assert raw["cv"]["accuracy"]["all"] > sum(raw["cv"]["rules"].values()) / len(raw["cv"]["rules"]) - 0.05


def test_fast_evaluation_changes_no_probability(wide: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ensembles run vectorised (`Forest`) and skip the shape features no tree splits on; on real
    pages both give the very floats of the plain evaluation of every feature."""
    models = blockmodel.load_models()
    assert models is not None
    unused = blockmodel.unused_shapes(models)
    # which features go unused depends on the trained model; the shipped one leaves some out
    assert unused and unused < set(blockmodel.SHAPE_NAMES)
    seen: list[tuple[object, object, object]] = []
    features = blockmodel.features
    predict_edges = extract.predict_edges

    # The pages' layouts as the model sees them, taken where the pipeline asks the model (`extract`,
    # never compiled: inside the compiled blockmodel, its functions call each other directly).
    def spy(layout, by_block, *rest, **named):  # type: ignore[no-untyped-def]
        seen.append((layout, by_block, named.get("authors")))
        return predict_edges(layout, by_block, *rest, **named)

    monkeypatch.setattr(extract, "predict_edges", spy)
    pages = sorted(p for p in (wide / "mia-mass-edits").rglob("*.htm*"))[:40]
    for page in pages:
        _doc(wide, str(page.relative_to(wide)))
    assert len(seen) >= 30
    # each window's items also skip what the one model reading them does not split on
    by_window = (blockmodel.unused_shapes(models, "start"), blockmodel.unused_shapes(models, "end"))
    assert by_window[0] - unused and by_window[1] - unused
    for layout, by_block, authors in seen:
        _, every = features(layout, by_block, authors=authors)  # type: ignore[arg-type]
        _, fast = features(layout, by_block, unused, authors=authors)  # type: ignore[arg-type]
        _, windowed = features(layout, by_block, authors=authors, unused_by_window=by_window)  # type: ignore[arg-type]
        tail_from = max(0, len(every) - blockmodel.WINDOW)
        for which, window in (("start", slice(blockmodel.WINDOW)), ("end", slice(tail_from, None))):
            model = models[which]
            plain = [blockmodel.probability(model, row) for row in every if row]
            assert blockmodel.probabilities(model, [row for row in fast if row]) == plain
            assert blockmodel.probabilities(model, windowed[window]) == [
                blockmodel.probability(model, row) for row in every[window]
            ]


def test_without_models_the_rules_decide(wide: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rel = "mia-mass-edits/archive/mandel/1981/xx/sovecon.htm"
    assert _first_last(_doc(wide, rel), "To the extent that one can discover", "")[0]
    monkeypatch.setattr(blockmodel, "load_models", lambda path=None: None)
    monkeypatch.setattr(typemodel, "load_model", lambda path=None: None)
    doc = _doc(wide, rel)
    assert (
        _first_last(doc, "To the extent that one can discover", "")[0] is False
    )  # the rules keep the abstract


def test_a_reviewed_books_details_are_not_the_text(wide: Path) -> None:
    doc = _doc(wide, "mia-mass-edits/archive/glass/1945/03/honest.htm")
    first, _ = _first_last(doc, "Across the mangled terrain of war-torn Europe,", "")
    assert first
    assert "Jack Belden" in doc.text  # kept, as header, not dropped
    # The details end with the price or the length, inside brackets or not: "(Martin Lawrence, pp.
    # 213. 5s.)", "… Urizen Books (New York). 139 pages. Paperback £2.70, hardback £4.70."
    for rel, first_words in (
        ("mia-mass-edits/archive/gallacher/1930/08/x01.htm", "KRUPSKAYA has done a great service"),
        ("mia-mass-edits/archive/hardcastle/1977/marx_money.htm", "This book attempts to bring together"),
    ):
        assert _first_last(_doc(wide, rel), first_words, "")[0], rel


def test_an_editors_trailer_after_the_text_is_not_the_text(wide: Path) -> None:
    doc = _doc(wide, "mia-mass-edits/archive/walcher/1922/12/8-hourday.htm")
    _, last = _first_last(doc, "", "which affects the entire world proletariat.")
    assert last
    assert "Postscheckkonto" in doc.text and "Postscheckkonto" not in (doc.body or "")


def test_a_letters_closing_formula_is_not_the_text(wide: Path) -> None:
    doc = _doc(wide, "wikirouge-mecw/en/MECW/MECW08-156.html")
    assert doc.doc_type == "letter"
    _, last = _first_last(doc, "", "should you deem it necessary.")
    assert last
    closing = [doc.part_text(p) for p in doc.parts_of("closing")]
    assert any("obedient servant" in text for text in closing)


def test_the_type_model_reads_an_unlabelled_letter(wide: Path) -> None:
    # The letterhead and "To the editor, Daily Herald" stand before "Dear Sir," (a late salutation).
    doc = _doc(wide, "mia-mass-edits/archive/grant/1941/07/herald.htm")
    assert doc.doc_type == "letter"
    first, _ = _first_last(doc, "Dear Sir, It has been brought", "")
    assert first


def test_explicit_cues_stay_with_the_rules() -> None:
    doc = Document(path="x/letters/1.htm", id="x", text="Dear Sir, …", title="Letter to the Editor")
    assert typemodel.second_opinion(doc, "letter", "title:letter") is None
    assert typemodel.second_opinion(doc, "speech", "header:delivered") is None


def test_the_trailer_pattern_finds_the_same_in_lowercased_ascii() -> None:
    # `_TRAILER_LOWER` drops re.I for lowercased ASCII text: right only while the pattern is lowercase
    assert blockmodel._TRAILER.pattern == blockmodel._TRAILER.pattern.lower()
    for text in (
        "Source: Die Rote Fahne, 1921",
        "FIRST PUBLISHED in Labor Action",
        "Transcribed: Einde",
        "Sources",
    ):
        assert blockmodel._is_trailer(text, text.lower()) == bool(blockmodel._TRAILER.search(text))


def test_word_lists_grouped_by_first_letter_find_the_same(wide: Path) -> None:
    """`by_first_letter` rewrites `\\b(?:word|…)\\b` for speed: on every item of real pages, and on
    strings built to tease the rewrite (words inside words, `note:` before a word, non-ASCII letters
    beside a word), the editorial words are counted as by the pattern as written."""
    import random
    import re

    from archivist.text import NON_WORD_MARKS, marks_as_nul

    grouped, ascii_twin = blockmodel._EDITORIAL_GROUPED, blockmodel._EDITORIAL_ASCII
    written = blockmodel._EDITORIAL_WORDS
    assert grouped.pattern != written.pattern and ascii_twin.flags & re.ASCII

    def same(text: str) -> None:
        assert marks_as_nul(text).lower() == marks_as_nul(text.lower())
        expected = min(len(written.findall(text)), 3) / 3
        assert len(grouped.findall(text)) == len(written.findall(text)), text
        assert blockmodel._editorial_words(text) == expected, text
        assert bool(blockmodel._is_trailer(text, text)) == bool(blockmodel._TRAILER.search(text)), text

    pages = sorted(p for p in (wide / "mia-mass-edits").rglob("*.htm*"))[:40]
    for page in pages:
        for part in _doc(wide, str(page.relative_to(wide))).text.split("\n\n"):
            same(part[:600].lower())
    pieces = ["editor", "editorial", "editors", "note:", "introduction", "press", "presses", "the following",
              "was first published", "published by", "first published", "source:", "html", "see also", " ",
              ":", ".", "-", "_", "1", "é", "ö", "a", "\n", "’", "“", "—", "\x00"]  # fmt: skip
    # the marks made NULs before the ASCII twin reads a text are no word characters
    assert not any(mark.isalnum() or mark == "_" or mark.isascii() for mark in NON_WORD_MARKS)
    assert all(mark.lower() == mark for mark in NON_WORD_MARKS)
    rng = random.Random(19)
    for _ in range(20_000):
        same("".join(rng.choice(pieces) for _ in range(rng.randint(1, 8))))
    # anything but a plain list of words is left as it is
    for other in (re.compile("(?!)"), re.compile(r"\b(?:a|b)\b", re.I), re.compile(r"\b(?:\d+|a)\b")):
        assert blockmodel.by_first_letter(other) == (other, other)


def test_the_trees_as_code_match_the_model_and_give_numpys_floats() -> None:
    """extract/layout_trees.py is written from the shipped model (tools/layout_trees.py) and, row by
    row, adds the trees' values as numpy's `Forest.sums` does on two rows or more: the same floats."""
    import random
    import subprocess
    import sys

    from archivist.extract import layout_trees

    root = Path(__file__).resolve().parents[1]
    check = [sys.executable, str(root / "tools" / "layout_trees.py"), "--check"]
    assert subprocess.run(check, capture_output=True, check=False).returncode == 0
    models = blockmodel.load_models()
    assert models is not None
    width = len(blockmodel.FEATURE_NAMES)
    rng = random.Random(7)
    for which in ("start", "end"):
        trees = models[which]["trees"]
        row_sum = layout_trees.SUMS[blockmodel.trees_fingerprint(trees)]
        forest = blockmodel.Forest(trees)
        for n in (2, 3, 24):
            rows = [[rng.choice((0.0, 1.0, 0.5, rng.random())) for _ in range(width)] for _ in range(n)]
            assert [row_sum(row) for row in rows] == forest.sums(rows)

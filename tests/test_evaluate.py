"""The `archivist eval` scorers, run on the real gold files of ../shared/gold."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from archivist.evaluate import (
    SCORED_FIELDS,
    load_gold_metadata,
    load_gold_seeds,
    names_compatible,
    normalise_text,
    score_metadata,
    score_seeds,
    words,
)

SHARED = (Path(__file__).resolve().parents[1] / ".." / "shared").resolve()
GOLD = SHARED / "gold"


@pytest.fixture(scope="module")
def gold_metadata() -> list[dict[str, Any]]:
    if not (GOLD / "metadata-dev.jsonl").is_file():
        pytest.skip(f"shared gold data not found at {GOLD}")
    return load_gold_metadata(GOLD / "metadata-dev.jsonl")


@pytest.fixture(scope="module")
def gold_seeds() -> list[dict[str, Any]]:
    if not (GOLD / "seeds.json").is_file():
        pytest.skip(f"shared gold data not found at {GOLD}")
    return load_gold_seeds(GOLD / "seeds.json")


def _build(pieces: list[tuple[str, str, dict[str, Any]]]) -> tuple[str, list[dict[str, Any]]]:
    """A canonical text and its stand-off parts from (kind, text, extra attributes) pieces."""
    text, parts = "", []
    for kind, piece, extra in pieces:
        start = len(text)
        text += piece
        parts.append({"kind": kind, "start": start, "end": len(text), "text": piece, **extra})
        text += "\n\n"
    return text, parts


def record_from_gold(row: dict[str, Any]) -> dict[str, Any]:
    """An extract record that says exactly what the gold row says, with some chrome around the body."""
    pieces: list[tuple[str, str, dict[str, Any]]] = [
        ("header", f"{row['title']}\nWritten: somewhere, sometime", {}),
        ("body", f"{row['body_first_words']} and the middle of the text, {row['body_last_words']}", {}),
        ("signature", "Someone Else", {}),
    ]
    if row["has_postscript"]:
        pieces.append(("postscript", "P.S. one more thing", {}))
    pieces.append(("footnote", "1. A note that is not the body.", {}))
    text, parts = _build(pieces)
    record = {key: copy.deepcopy(value) for key, value in row.items() if key not in ("notes",)}
    record.update(id="0" * 16, text=text, parts=parts)
    return record


def records_from_gold(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["path"]: record_from_gold(row) for row in rows}


# --- helpers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("V.I. Lenin", "Vladimir Ilyich Lenin", True),
        ("V. I. Lenin", "V.I. Lenin", True),
        ("Lenin", "Trotsky", False),
        ("L. Trotsky", "Leon Trotsky", True),
        ("Leon Trotsky", "Lev Trotsky", False),
        ("K. Marx", "Friedrich Engels", False),
        ("K. Marx", "Karl Marx", True),
        ("Trotsky, L.", "Leon Trotsky", True),
        ("Castro", "Fidel Castro", True),
        ("Rósa Lúxembúrg", "Rosa Luxemburg", True),
        ("LEON TROTSKY", "Leon Trotsky", True),
        ("Jenny von Westphalen", "Jenny Westphalen", True),
    ],
)
def test_names_compatible(a: str, b: str, expected: bool) -> None:
    assert names_compatible(a, b) is expected
    assert names_compatible(b, a) is expected


def test_normalise_text_makes_typography_plain() -> None:
    assert normalise_text("  Weisbord’s  “Reply” — to\u00a0Trotsky ") == 'weisbord\'s "reply" - to trotsky'
    assert normalise_text(None) == ""


def test_words_drop_punctuation_and_split_dashes() -> None:
    assert words("Dear Comrade,—Many of us -- in the “British” Socialist") == words(
        'dear comrade, - many of us in the "british" socialist'
    )
    assert "--" not in words("a -- b") and "-" not in words("a - b")


# --- eval metadata ----------------------------------------------------------------------------


def test_gold_against_itself_is_perfect(gold_metadata: list[dict[str, Any]]) -> None:
    report = score_metadata(gold_metadata, records_from_gold(gold_metadata))
    assert report.n == len(gold_metadata) == 66
    assert report.accuracy == dict.fromkeys(SCORED_FIELDS, 1.0)
    assert report.mean == 1.0
    assert report.mismatches == [] and report.missing == []


def test_output_nothing_matches_the_peers_table(gold_metadata: list[dict[str, Any]]) -> None:
    """research/peers.md measured an empty extractor under the same rules: None == None is right."""
    empty = {
        row["path"]: {"path": row["path"], "authors": [], "text": "", "parts": []} for row in gold_metadata
    }
    report = score_metadata(gold_metadata, empty)
    rounded = {name: round(value, 2) for name, value in report.accuracy.items()}
    assert rounded == {
        "title": 0.0,
        "authors": 0.03,
        "date_written": 0.41,
        "date_published": 0.21,
        "source": 0.09,
        "source_title": 0.11,
        "place": 0.76,
        "translator": 0.82,
        "language": 0.0,
        "doc_type": 0.0,
        "body_first_words": 0.0,
        "body_last_words": 0.0,
        "has_postscript": 0.98,
    }
    assert round(report.mean, 2) == 0.26


def test_missing_record_is_wrong_on_every_field(gold_metadata: list[dict[str, Any]]) -> None:
    records = records_from_gold(gold_metadata)
    missing = gold_metadata[0]["path"]
    del records[missing]
    report = score_metadata(gold_metadata, records)
    assert report.missing == [missing]
    assert all(value == pytest.approx(65 / 66) for value in report.accuracy.values())
    assert {m.field for m in report.mismatches if m.path == missing} == set(SCORED_FIELDS)


def _perturb(record: dict[str, Any], name: str) -> None:
    if name == "authors":
        record["authors"] = ["Joseph Stalin"]
    elif name == "body_first_words":
        body = next(p for p in record["parts"] if p["kind"] == "body")
        body["text"] = "Editorial preamble. " + body["text"]
    elif name == "body_last_words":
        body = next(p for p in record["parts"] if p["kind"] == "body")
        body["text"] += " Last updated on 1 January 2008."
    elif name == "has_postscript":
        has = any(p["kind"] == "postscript" for p in record["parts"])
        if has:
            record["parts"] = [p for p in record["parts"] if p["kind"] != "postscript"]
        else:
            record["parts"].append({"kind": "postscript", "start": 0, "end": 0, "text": "P.S."})
    elif name in ("date_written", "date_published"):
        record[name] = "1066-10-14" if record[name] != "1066-10-14" else None
    elif name in ("language", "doc_type"):
        record[name] = "xx"
    else:
        record[name] = "Something completely different, of another length" if record[name] is None else None


@pytest.mark.parametrize("name", SCORED_FIELDS)
def test_perturbing_a_field_drops_only_that_field(gold_metadata: list[dict[str, Any]], name: str) -> None:
    records = records_from_gold(gold_metadata)
    path = gold_metadata[3]["path"]
    _perturb(records[path], name)
    report = score_metadata(gold_metadata, records)
    expected = dict.fromkeys(SCORED_FIELDS, 1.0) | {name: pytest.approx(65 / 66)}
    assert report.accuracy == expected
    assert [(m.path, m.field) for m in report.mismatches] == [(path, name)]


def test_tolerated_differences(gold_metadata: list[dict[str, Any]]) -> None:
    records = records_from_gold(gold_metadata)
    for row in gold_metadata:
        record = records[row["path"]]
        record["title"] = row["title"].upper().replace("'", "’") + " "
        record["authors"] = list(reversed(record["authors"]))
        if record["source"]:
            record["source"] = record["source"] + "."
        body = next(p for p in record["parts"] if p["kind"] == "body")
        body["text"] = "  ".join(body["text"].replace('"', "“").split(" "))
    report = score_metadata(gold_metadata, records)
    assert report.mean == 1.0, report.format_table(show_mismatches=True)


def test_salutation_counts_for_first_words_only(gold_metadata: list[dict[str, Any]]) -> None:
    row = next(r for r in gold_metadata if r["body_first_words"].startswith("My dear Guesde:"))
    text, parts = _build(
        [
            ("dateline", "Paris, October 27, 1912", {}),
            ("salutation", "My dear Guesde:", {}),
            ("body", "Passing through Paris, I learn ... " + row["body_last_words"], {}),
            ("closing", "Cordially yours,", {}),
        ]
    )
    record = record_from_gold(row) | {"text": text, "parts": parts}
    report = score_metadata([row], {row["path"]: record})
    assert report.mismatches == []
    record["parts"] = [p for p in parts if p["kind"] != "body"] + [
        {"kind": "salutation", "start": 0, "end": 0, "text": "Yours, G. Plekhanoff"}
    ]
    report = score_metadata([row], {row["path"]: record})
    assert {m.field for m in report.mismatches} == {"body_first_words", "body_last_words"}


def test_report_renders(gold_metadata: list[dict[str, Any]]) -> None:
    report = score_metadata(gold_metadata, {})
    table = report.format_table()
    assert "mean of 13 fields" in table and "body_last_words" in table
    data = report.to_dict()
    assert data["n"] == 66 and data["mean"] == 0.0 and len(data["mismatches"]) == 66 * 13


# --- eval seeds -------------------------------------------------------------------------------


def record_from_seed(seed: dict[str, Any]) -> dict[str, Any]:
    pieces: list[tuple[str, str, dict[str, Any]]] = [("header", seed["title"], {})]
    for part in seed["parts"]:
        if part["kind"] == "body":
            piece = f"{seed['body_first_words']} and so on. {seed['body_last_words']}"
        else:
            piece = f"{part['starts']} and the rest of it."
        extra = {name: part[name] for name in ("place", "date", "title") if name in part}
        if "authors" in part:
            extra["author"] = "; ".join(part["authors"])
        pieces.append((part["kind"], piece, extra))
    text, parts = _build(pieces)
    record = {key: copy.deepcopy(value) for key, value in seed.items()}
    for key in ("dates", "mentions", "boilerplate_removed", "author_entity", "body_first_words"):
        record.pop(key, None)
    record.pop("body_last_words", None)
    record.update(text=text, parts=parts)
    return record


def test_seeds_against_themselves_pass(gold_seeds: list[dict[str, Any]]) -> None:
    records = {seed["path"]: record_from_seed(seed) for seed in gold_seeds}
    report = score_seeds(gold_seeds, records)
    assert report.ok, report.format_table()
    assert report.passed == len(report.checks) > 40
    assert report.not_scored["dates"] == 7 and report.not_scored["mentions"] == 29
    assert report.not_scored["author_entity"] == 1


def test_seed_failures_are_reported(gold_seeds: list[dict[str, Any]]) -> None:
    records = {seed["path"]: record_from_seed(seed) for seed in gold_seeds}
    letter = next(seed for seed in gold_seeds if seed.get("boilerplate_removed"))
    article = next(seed for seed in gold_seeds if seed is not letter)
    record = records[letter["path"]]
    record["text"] = letter["boilerplate_removed"][0] + "\n" + record["text"]
    record["classification"] = None
    note = next(p for p in record["parts"] if p["kind"] == "editorial-note")
    note["author"] = "L. Trotsky"
    # The article's dateline moved before its body: the expected order no longer holds.
    parts = records[article["path"]]["parts"]
    dateline = next(p for p in parts if p["kind"] == "dateline")
    dateline["start"] = -1
    report = score_seeds(gold_seeds, records)
    failed = {(c.path, c.check) for c in report.checks if not c.passed}
    assert failed == {
        (letter["path"], f"boilerplate {letter['boilerplate_removed'][0]!r} removed"),
        (letter["path"], "classification"),
        (letter["path"], "part 4 (editorial-note 'A month and a half ago') authors"),
        (article["path"], "part 2 (dateline 'Coyoacan, D.F.')"),
    }
    assert "4 failed" in report.format_table()


def test_seed_without_record_fails(gold_seeds: list[dict[str, Any]]) -> None:
    report = score_seeds(gold_seeds, {})
    assert report.failed == len(gold_seeds) and report.passed == 0
    assert report.to_dict()["failed"] == len(gold_seeds)

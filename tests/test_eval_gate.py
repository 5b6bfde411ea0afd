"""A cheap accuracy gate with pinned floors (trafilatura-style): extraction may not regress.

The floors sit just under the measured figures reported in docs/evaluation.md; raise them as
extraction improves, never lower them to make a change pass.
"""

from __future__ import annotations

from pathlib import Path

from archivist.evaluate import load_gold_metadata, score_metadata
from archivist.pipeline import extract_file
from tests.conftest import CORPUS, GOLD, SHARED, shared_or_skip

FIELDS = ("title", "authors", "date_written", "date_published", "source", "source_title", "place", "translator",
          "language", "doc_type", "body_first_words", "body_last_words", "has_postscript")  # fmt: skip
# Every field measures 0.98 or more (docs/evaluation.md); a floor of 0.96 leaves room for one more miss.
FLOORS = {"mean": 0.98, **dict.fromkeys(FIELDS, 0.96)}


def test_metadata_accuracy_floors() -> None:
    rows = load_gold_metadata(shared_or_skip(GOLD / "metadata-dev.jsonl"))
    records = {}
    for row in rows:
        result = extract_file(str(CORPUS / row["path"]), row["path"])
        assert result.document is not None, f"{row['path']}: {result.failure_detail}"
        records[row["path"]] = result.document.to_record()
    report = score_metadata(rows, records)
    assert report.mean >= FLOORS["mean"], report.format_table()
    for field, floor in FLOORS.items():
        if field != "mean":
            assert report.accuracy[field] >= floor, report.format_table()


# The frozen validation set (eval/gold/wide-validation.jsonl: corpus-wide pages labelled blind, never
# tuned on). The floors sit three pages (0.02) under each figure measured on 2026-12-08
# (docs/evaluation.md); only the aggregate table is ever shown, never a page of it.
VALIDATION = Path(__file__).resolve().parent.parent / "eval" / "gold" / "wide-validation.jsonl"
VALIDATION_FLOORS = {
    "mean": 0.87, "title": 0.84, "authors": 0.88, "date_written": 0.84, "date_published": 0.82, "source": 0.84,
    "source_title": 0.81, "place": 0.86, "translator": 0.97, "language": 0.98, "doc_type": 0.77,
    "body_first_words": 0.80, "body_last_words": 0.82, "has_postscript": 0.96,
}  # fmt: skip


def test_frozen_validation_floors() -> None:
    wide = shared_or_skip(SHARED / "corpus-wide")
    rows = load_gold_metadata(VALIDATION)
    records = {}
    for row in rows:
        result = extract_file(str(wide / row["path"]), row["path"])
        if result.document is not None:
            records[row["path"]] = result.document.to_record()
    report = score_metadata(rows, records)
    table = report.format_table()  # aggregates only
    assert report.mean >= VALIDATION_FLOORS["mean"], table
    for field, floor in VALIDATION_FLOORS.items():
        if field != "mean":
            assert report.accuracy[field] >= floor, table

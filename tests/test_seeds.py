"""The two seed documents must always come out exactly as ../shared/gold/seeds.json says."""

from __future__ import annotations

from pathlib import Path

from archivist.evaluate import load_gold_seeds, score_seeds
from archivist.pipeline import extract_file
from tests.conftest import GOLD, SHARED, shared_or_skip


def _records() -> tuple[list[dict], dict[str, dict]]:
    gold = load_gold_seeds(shared_or_skip(GOLD / "seeds.json"))
    records = {}
    for doc in gold:
        result = extract_file(str(SHARED / doc["path"]), doc["path"])
        assert result.document is not None, result.failure_detail
        records[doc["path"]] = result.document.to_record()
    return gold, records


def test_seeds_pass_every_check() -> None:
    gold, records = _records()
    report = score_seeds(gold, records)
    failed = [f"{c.path} {c.check}: {c.message}" for c in report.checks if not c.passed]
    assert not failed, "\n".join(failed)
    assert report.passed >= 40


def test_seed_parts_are_spans_of_one_text() -> None:
    _, records = _records()
    for record in records.values():
        text = record["text"]
        for part in record["parts"]:
            assert text[part["start"] : part["end"]] == part["text"]
        starts = [p["start"] for p in record["parts"]]
        assert starts == sorted(starts)


def test_mediawiki_chrome_and_editorial_note() -> None:
    _, records = _records()
    letter = records["seeds/004_70679b953d481df7.txt"]
    assert "Jump to navigation" not in letter["text"] and "From Marxists-en" not in letter["text"]
    note = next(p for p in letter["parts"] if p["kind"] == "editorial-note")
    assert note["author"] == "Editorial Staff, Biulleten Oppozitsii"
    assert (note["place"], note["date"], note["title"]) == ("Paris", "1933-05-10", "Explanation")
    assert letter["classification"] == "Secret" and letter["doc_type"] == "letter"


def test_text_is_nfc_without_nbsp() -> None:
    _, records = _records()
    import unicodedata

    for record in records.values():
        assert unicodedata.is_normalized("NFC", record["text"])
        assert "\xa0" not in record["text"] and "\r" not in record["text"]


def test_provenance_is_recorded() -> None:
    _, records = _records()
    article = records["seeds/000_d599a96396a96723.txt"]
    prov = article["provenance"]
    assert prov["date_written"]["origin"] == "header:Written"
    assert prov["source"]["origin"] == "header:Source"
    assert prov["place"]["origin"] == "dateline"
    assert Path(article["path"]).name.startswith("000_")

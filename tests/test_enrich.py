"""Issue 16 — who, where and when: the authority file, the name matcher, the mentions and dates
stages, the archive's entities across documents, and the commands that read them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from archivist.cli import main
from archivist.enrich import STAGES, dates, mentions
from archivist.enrich.entities import cluster_people
from archivist.enrich.names import authority, fold_word
from archivist.enrich.temporal import tag
from archivist.evaluate_enrich import score_dates, score_entities, values_agree
from archivist.model import Document, Part
from archivist.pipeline import extract_data
from archivist.store import Archive
from tests.conftest import GOLD, SEEDS, SHARED, shared_or_skip

SEED_ARTICLE = "000_d599a96396a96723.txt"
SEED_LETTER = "004_70679b953d481df7.txt"


def _seed(name: str) -> Document:
    path = shared_or_skip(SEEDS / name)
    return extract_data(path.read_bytes(), f"seeds/{name}").document  # type: ignore[return-value]


def _doc(text: str, **fields: object) -> Document:
    return Document(
        path="t/x.txt", id="x", text=text, parts=[Part("body", 0, len(text))], language="en", **fields
    )  # type: ignore[arg-type]


# -- the authority file and the matcher -------------------------------------------------------------------
def test_authority_file_ships_with_the_package_and_is_versioned() -> None:
    auth = authority()
    assert len(auth.entities) >= 2500 and len(auth.version) == 12
    assert {e.type for e in auth.entities.values()} == {
        "person",
        "organisation",
        "place",
        "periodical",
        "event",
    }
    assert auth.get("person:trotsky-leon").wikidata == "Q33391"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "variants",
    [
        ["Trotsky", "Trotzky", "Trotskii", "Trotskij", "Trotzki", "Trocki", "Троцкий"],
        ["Khrushchev", "Khruschev", "Khrushchov"],
        ["Sedov", "Sedoff"],
        ["Zinoviev", "Zinovyev", "Zinovieff"],
        ["Dzhugashvili", "Djugashvili", "Dschugaschwili"],
    ],
)
def test_transliteration_variants_fold_to_one_key(variants: list[str]) -> None:
    assert len({fold_word(v) for v in variants}) == 1, {v: fold_word(v) for v in variants}


@pytest.mark.parametrize(
    ("name", "entity"),
    [
        ("L. D. Trotzky", "person:trotsky-leon"),  # unseen spelling with initials
        ("Lev Davidovich Trotskij", "person:trotsky-leon"),  # patronymic, unseen spelling
        ("Comrade Trotsky", "person:trotsky-leon"),
        ("Natalia Trotsky", "person:sedova-natalia"),  # the file says so: not Leon Trotsky
        ("N. Sedova", "person:sedova-natalia"),
        ("V. I. Lenin", "person:lenin-vladimir"),
    ],
)
def test_the_matcher_resolves_variants_and_never_confuses_sedova_with_trotsky(name: str, entity: str) -> None:
    found, evidence, confidence = authority().match_person(name)
    assert found is not None and found.id == entity, (name, evidence)
    assert 0 < confidence <= 1


def test_two_different_given_names_are_not_one_person() -> None:
    found, reason, _ = authority().match_person("Xavier Trotsky")
    assert found is None and reason in ("ambiguous-surname", "unknown")


# -- the mentions stage ------------------------------------------------------------------------------------
def _links(doc: Document) -> list[dict[str, object]]:
    return [{**s.attrs, "text": doc.text[s.start : s.end]} for s in mentions.annotate(doc)]


def test_seed_mentions_are_found_typed_and_linked() -> None:
    gold = json.loads(shared_or_skip(GOLD / "seeds.json").read_text())
    auth = authority()
    for expected in gold["documents"]:
        doc = _seed(Path(expected["path"]).name)
        found = _links(doc)
        for want in expected["mentions"]:
            hits = [m for m in found if m["text"] == want["text"] and m["label"] == want["type"]]
            assert hits, f"{expected['path']}: {want}"
            if "entity" in want:
                assert any(
                    auth.get(str(m["entity_id"])) and m["entity_name"] == want["entity"] for m in hits
                ), hits
        for m in found:
            assert m["evidence"] and 0 < float(m["confidence"]) <= 1  # type: ignore[arg-type]


def test_the_byline_links_to_the_same_entity_as_the_text() -> None:
    found = _links(_seed(SEED_LETTER))
    authors = [m for m in found if "authors" in (m.get("fields") or [])]  # type: ignore[operator]
    assert authors and authors[0]["entity_id"] == "person:trotsky-leon"


def test_translator_and_addressee_fields_link_to_entities() -> None:
    text = "Dear Comrade Rosmer,\n\nThe letter of Trotzky arrived. Translated by Max Shachtman."
    doc = _doc(text, authors=["L. Trotsky"], translator="Max Shachtman", addressee="Alfred Rosmer")
    found = _links(doc)
    by_field = {f: m["entity_id"] for m in found for f in (m.get("fields") or [])}  # type: ignore[attr-defined]
    assert by_field["authors"] == "person:trotsky-leon"
    assert by_field["addressee"] == "person:rosmer-alfred"
    assert by_field["translator"] == next(m["entity_id"] for m in found if m["text"] == "Max Shachtman")


def test_unknown_people_become_entities_of_the_archive_one_per_person() -> None:
    text = ("Comrade Bessinger wrote to Mike Tallowby in March. Tallowby answered, and so did "
            "Anna Tallowby, his sister. Later M. Tallowby wrote again.")  # fmt: skip
    found = _links(_doc(text))
    ids = {m["text"]: m["entity_id"] for m in found if m["label"] == "person"}
    assert ids["Mike Tallowby"] == "person:x-mike-tallowby"
    assert ids["Anna Tallowby"] == "person:x-anna-tallowby"  # same surname, another person
    assert ids["M. Tallowby"] == ids["Mike Tallowby"]  # an initial agrees
    assert ids["Bessinger"].startswith("person:x-")  # "Comrade" makes a lone surname a person


def test_a_person_born_after_the_text_is_not_who_it_means() -> None:
    doc = _doc("The Franco-Prussian war and the franking of letters in Lyons.", date_written="1871-03-01")
    assert not [m for m in _links(doc) if m["label"] == "person"]


def test_stages_are_registered_and_pure() -> None:
    assert {"mentions", "dates"} <= set(STAGES)
    assert STAGES["mentions"].adds == ("mentions",) and STAGES["dates"].adds == ("dates",)
    doc = _seed(SEED_ARTICLE)
    assert [s.to_record() for s in mentions.annotate(doc)] == [s.to_record() for s in mentions.annotate(doc)]


def test_a_surname_alone_is_the_person_the_document_names_in_full() -> None:
    auth = authority()
    assert any(e.name.endswith(" Reid") for e in auth.entities.values())  # someone else of that name
    found = _links(_doc("Engels met Robert Reid in London. Reid told him of the strike; Reid was right."))
    reids = {m["entity_id"] for m in found if str(m["text"]).endswith("Reid")}
    assert len(reids) == 1 and ":x-" in str(next(iter(reids))), found


def test_common_words_and_children_are_not_people() -> None:
    found = _links(_doc("After the vote, the Conference adjourned and Labour left.", date_written="1920"))
    assert not [m for m in found if m["label"] == "person"], found
    found = _links(_doc("The treaty was signed, and Luxemburg stayed neutral.", date_written="1871"))
    assert "person:luxemburg-rosa" not in {m.get("entity_id") for m in found}, found


def test_languages_without_a_pipeline_get_the_authority_file() -> None:
    doc = _doc("Lettre de Trotzki à Rosmer, Prinkipo.")
    doc.language = "xx"
    found = _links(doc)
    assert {m["entity_id"] for m in found} >= {"person:trotsky-leon", "person:rosmer-alfred"}


# -- dates -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "anchor", "expected"),
    [
        ("On the thirteenth of September there were", "1939-09-14", "1939-09-13"),
        ("A month and a half ago we wrote", "1933-05-10", "1933-03-25~"),
        ("dispatched on the 4th inst. a courier", "1853-09-23", "1853-09-04"),
        ("the 28th ult. was quiet", "1853-09-23", "1853-08-28"),
        ("Last Saturday he came", "1868-01-30", "1868-01-25"),
        ("the meeting of yesterday", "1853-09-23", "1853-09-22"),
        ("this week the papers", "1868-01-30", "1868-01-27/1868-02-02"),
        ("four months ago, why", "1853-09-23", "1853-05"),
        ("in the spring the", "1905-06-01", "1905-21"),
        ("the revolution of 14/27 March 1917 began", None, "1917-03-27"),
        ("on October 25 (November 7), 1917, power", None, "1917-11-07"),
        ("Sept. 14, 1939", None, "1939-09-14"),
        ("in the 1850s the", None, "185X"),
        ("in the 19th century", None, "18XX"),
        ("since the twelfth century the", None, "11XX"),
        ("in the twenty-first century", None, "20XX"),
        ("December 13 was the coup", "1982-02-01", "1981-12-13"),
        ("le 14 juillet 1789", None, "1789-07-14"),
        ("am 9. November 1918", None, "1918-11-09"),
        ("nous partirons ce printemps", "1905-06-01", "1905-21"),
        ("hier soir, à Paris", "1871-05-28", "1871-05-27"),
        ("gestern kam der Brief", "1871-05-28", "1871-05-27"),
    ],
)
def test_temporal_expressions(text: str, anchor: str | None, expected: str) -> None:
    parsed = (date.fromisoformat(anchor), 3) if anchor else None
    values = [f.value for f in tag(text, parsed)]
    assert expected in values, values


@pytest.mark.parametrize(
    ("text", "anchor", "language", "expected"),
    [
        ("dass ich am 22. Oktober abreise", "1838-08-09", "de", ["1838-10-22"]),  # the day, not the month
        ("on the 22. October", "1838-08-09", "en", ["1838-10"]),  # a dotted ordinal is not English
        ("ich war hier am Montag", "1870-06-10", "de", ["1870-06-06"]),  # "hier" is "here" in German
        ("je suis parti hier", "1870-06-10", "fr", ["1870-06-09"]),
        (
            "Easter 1852 and Ostern 1917 and Christmas, 1905",
            None,
            None,
            ["1852-04-11", "1917-04-08", "1905-12-25"],
        ),
        ("Whitsun 1848", None, "en", ["1848-06-11"]),
        ("updated 19.1.2007", None, "en", ["2007-01-19"]),
        ("the issue of May 5 said", "1921", "en", ["1921-05-05"]),  # only a year known: the day is in it
        ("und im Frühjahr fing", "1838-08-09", "de", ["1838-21"]),
        # a season of a named year, and two years written short
        ("in the Summer of 1920 and in Winter 1965", None, "en", ["1920-22", "1965-24"]),
        ("the war of 1894–5 and the crisis of 1973-4", None, "en", ["1894/1895", "1973/1974"]),
        # a compact range with a slash, one into this century; two years joined in prose stay two
        ("in 1938/9 and in Winter 1965/6", None, "en", ["1938/1939", "1965-24"]),
        ("Shaw (1917–2000) lived between 1903 and 1912 in", None, "en", ["1917/2000", "1903", "1912"]),
        # decades and years without their century: the latest not after the anchor
        ("in the sixties, as in the ’eighties and the ’30s", "1934-05-01", "en", ["186X", "188X", "193X"]),
        ("the sixties and ’68", "1992-01-01", "en", ["196X", "1968"]),
        # decades listed after one: each of the century of the one before it
        ("the twenties, thirties and fifties", "1980-01-01", "en", ["192X", "193X", "195X"]),
        ("the late sixties and early seventies", "1980-01-01", "en", ["196X", "197X"]),
        ("the Commune of ’71", "1883-10-01", "en", ["1871"]),
        ("‘30 men’ and a man in his sixties", "1934-05-01", "en", []),  # a quotation, an age
        ("the greatest war of this century", "1958-06-01", "en", ["19XX"]),
        # a part of a century: its first or last decade, its middle, a quarter
        (
            "from the end of the 19th Century to the beginning of the twentieth century",
            None,
            "en",
            ["189X", "190X"],
        ),
        (
            "the middle of the eighteenth century and the last quarter of the 19th century",
            None,
            "en",
            ["175X~", "1875/1899"],
        ),
        # spans of time counted back from the anchor: any number in words, decades and centuries
        ("twenty-five years ago and sixty years ago", "1924-05-01", "en", ["1899", "1864"]),
        ("some three decades ago, a century ago", "1970-01-01", "en", ["1940~", "1870~"]),
        ("over fifty years ago; barely a year ago", "1954-06-01", "en", ["1904~", "1953"]),
        ("two hundred years ago", "1881-01-01", "en", ["1681"]),
        ("a year and a half ago", "1920-11-01", "en", ["1919-05~"]),
        ("some days ago and a few years ago", "1853-09-23", "en", []),  # no number: no date
        # the century before the anchor's, and a decade with a typographic apostrophe
        ("as in the last century and the present century", "1886-01-01", "en", ["17XX", "18XX"]),
        ("in the late 1960’s", None, "en", ["196X"]),
        # anaphora: the last year, the last day named
        ("He came in 1909. That year the party split.", "1927-10-01", "en", ["1909", "1909"]),
        (
            "In 1909 he came. That same year he left; the preceding year he had come.",
            "1927-10-01",
            "en",
            ["1909", "1909", "1908"],
        ),
        (
            "On March 3, 1920 he spoke. Next morning he left.",
            "1927-10-01",
            "en",
            ["1920-03-03", "1920-03-04"],
        ),
        (
            "On March 3, 1920 he spoke; the same night he left",
            "1927-10-01",
            "en",
            ["1920-03-03", "1920-03-03"],
        ),
        # a month named alone in another language is a name; with a day and a year it is a date
        ("a letter by Julio Mella in Octubre, and in July", "1929-01-01", "en", ["1929-07"]),
        ("the attack of Julio 26, 1953", None, "en", ["1953-07-26"]),
        # a day in the name of a movement is not a date
        ("the July 26 Movement and the 22nd of March Movement", "1961-05-01", "en", []),
    ],
)
def test_temporal_expressions_by_language(text: str, anchor: str | None, language: str | None,
                                          expected: list[str]) -> None:  # fmt: skip
    from archivist.enrich.temporal import parse_anchor

    assert [f.value for f in tag(text, parse_anchor(anchor), language)] == expected


def test_a_document_without_a_date_is_anchored_to_the_first_date_of_its_body() -> None:
    doc = _doc("In the April 17 (1921) issue the paper wrote; the issue for May 5 said more.")
    doc.date_written = doc.date_published = None
    found = [s for s in dates.annotate(doc) if s.attrs.get("relative")]
    assert [(s.attrs["value"], s.attrs["anchor"]) for s in found] == [("1921-05-05", "text")]


def test_a_document_without_any_date_is_anchored_to_the_year_its_archive_files_it_under() -> None:
    doc = _doc("Satire written in the 'eighties, the movement of the 'sixties and 'seventies.")
    doc.path = "archive/bukharin/works/1934/poetry/3.htm"
    found = [(s.attrs["value"], s.attrs["anchor"]) for s in dates.annotate(doc)]
    assert found == [("188X", "path"), ("186X", "path"), ("187X", "path")]
    doc.path = "t/x.txt"  # no year in the path: nothing to anchor to
    assert dates.annotate(doc) == []


def test_a_span_counted_back_from_today_uses_the_year_the_archive_files_it_under() -> None:
    # The body's first date is the story's (1854), not the writer's: "forty years ago" counts from
    # the year of writing, while a day without a year stays in the story.
    doc = _doc("The war began on 28 March 1854. On May 5 the fleet sailed. Forty years ago, as now, we")
    doc.date_written = doc.date_published = None
    doc.path = "archive/hyndman/1881/england/chap01.htm"
    found = [(s.attrs["value"], s.attrs["anchor"]) for s in dates.annotate(doc) if s.attrs.get("relative")]
    assert found == [("1854-05-05", "text"), ("1841", "path")]


def test_years_later_count_from_the_last_year_named() -> None:
    found = tag("The party won in 1928 on 12 May. In 1932 it split. Two years later it was gone.",
                (date(1934, 6, 1), 3))  # fmt: skip
    assert [(f.text, f.value) for f in found][-1] == ("Two years later", "1934")
    found = tag("On 3 March 1917 he left. Two days later he came back.", (date(1934, 6, 1), 3))
    assert [(f.text, f.value) for f in found][-1] == ("Two days later", "1917-03-05")


def test_anaphoric_dates_follow_the_last_day_named() -> None:
    found = tag(
        "The congress met on April 26, 1855. The next day it voted; three days later it closed.", None
    )
    assert [f.value for f in found] == ["1855-04-26", "1855-04-27", "1855-04-30"]


def test_seed_dates_with_their_anchor() -> None:
    gold = json.loads(shared_or_skip(GOLD / "seeds.json").read_text())
    for expected in gold["documents"]:
        doc = _seed(Path(expected["path"]).name)
        spans = dates.annotate(doc)
        got = {doc.text[s.start : s.end]: s.attrs for s in spans}
        for want in expected["dates"]:
            attrs = got[want["text"]]
            value = want.get("value") or want["value_approx"]
            assert values_agree(value, attrs["value"], 8 if "value_approx" in want else 0), (want, attrs)
            assert bool(attrs.get("relative")) == want["relative"]
            if want.get("anchor"):
                assert attrs["anchor_value"] == want["anchor"]


# -- the archive's entities and the commands ---------------------------------------------------------------
@pytest.fixture(scope="module")
def enriched(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("enrich") / "a.db")
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", str(shared_or_skip(SEEDS)), "--db", db, "-q"]).exit_code == 0
    result = runner.invoke(main, ["enrich", "--db", db, "-q", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert {r["stage"] for r in report["stages"]} == {"mentions", "dates"}
    again = json.loads(runner.invoke(main, ["enrich", "--db", db, "-q", "--format", "json"]).output)
    assert all(r["documents"] == 0 for r in again["stages"])  # incremental
    return db


def test_across_documents_identities_of_the_seeds(enriched: str) -> None:
    with Archive(enriched) as archive:
        rows = archive.conn.execute("SELECT text, entity_id FROM entity_mentions").fetchall()
    by_text: dict[str, set[str]] = {}
    for text, entity_id in rows:
        by_text.setdefault(text, set()).add(entity_id)
    assert by_text["Leon Trotsky"] == by_text["L. Trotsky"] == {"person:trotsky-leon"}
    assert by_text["Stalin"] == {"person:stalin-joseph"}
    assert by_text["Paris"] == {"place:paris"}


def test_stats_count_authors_as_people_once_enriched(enriched: str) -> None:
    out = CliRunner().invoke(main, ["stats", "--db", enriched, "--format", "json"])
    assert out.exit_code == 0, out.output
    stats = json.loads(out.output)
    assert stats["top_authors"] == {"L. Trotsky": 1, "Leon Trotsky": 1}  # the bylines as spelled
    assert stats["top_author_entities"] == {"Leon Trotsky": 2}  # one person


def test_entities_entity_and_timeline_commands(enriched: str) -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["entities", "--db", enriched, "--type", "person", "--format", "json"])
    assert out.exit_code == 0, out.output
    people = {r["id"]: r for r in json.loads(out.output)}
    assert people["person:trotsky-leon"]["documents"] == 2 and people["person:stalin-joseph"]["mentions"] >= 4
    out = runner.invoke(main, ["entity", "Trotzki", "--db", enriched, "--format", "json"])
    assert out.exit_code == 0, out.output
    trotsky = json.loads(out.output)
    assert trotsky["id"] == "person:trotsky-leon" and trotsky["wikidata"] == "Q33391"
    assert {"Leon Trotsky", "L. Trotsky"} <= set(trotsky["variants"])
    assert trotsky["documents_by_year"] == {"1933": 1, "1939": 1}
    assert "person:stalin-joseph" in {c["id"] for c in trotsky["co_mentioned"]}
    out = runner.invoke(main, ["timeline", "--db", enriched, "--entity", "Stalin", "--from", "1930", "--to", "1934",
                               "--format", "json"])  # fmt: skip
    assert out.exit_code == 0, out.output
    assert [d["date"][:4] for d in json.loads(out.output)["documents"]] == ["1933"]
    assert runner.invoke(main, ["entity", "Nobody Atall", "--db", enriched]).exit_code == 1


def test_archive_people_cluster_across_documents_but_not_across_given_names() -> None:
    from collections import Counter

    names = {"person:x-mike-bessler": Counter({"Mike Bessler": 1}), "person:x-m-bessler": Counter({"M. Bessler": 1}),
             "person:x-anna-bessler": Counter({"Anna Bessler": 1}), "person:x-bessler": Counter({"Bessler": 1})}  # fmt: skip
    docs = {k: {k} for k in names}
    context = {k: {"person:trotsky-leon"} for k in names}
    mapping = cluster_people(names, docs, context)
    assert mapping["person:x-anna-bessler"] != mapping["person:x-mike-bessler"]
    # "M." could be Mike but not Anna: it joins Mike; "Bessler" alone has two candidates: apart
    assert mapping["person:x-m-bessler"] == mapping["person:x-mike-bessler"]
    assert mapping["person:x-bessler"] == "person:x-bessler"


def test_extract_jsonl_carries_mentions_and_dates() -> None:
    path = shared_or_skip(SEEDS / SEED_ARTICLE)
    out = CliRunner().invoke(main, ["extract", str(path), "--format", "jsonl", "--no-text"])
    assert out.exit_code == 0, out.output
    record = json.loads(out.output)
    m = next(x for x in record["mentions"] if x["text"] == "Hitler")
    assert {"start", "end", "text", "label", "entity_id", "entity_name", "wikidata", "confidence"} <= set(m)
    assert m["entity_id"] == "person:hitler-adolf"
    d = next(x for x in record["dates"] if x["text"] == "the thirteenth of September")
    assert d["value"] == "1939-09-13" and d["anchor"] == "1939-09-14" and d["kind"]


# -- the measured figures, as floors -------------------------------------------------------------------------
def test_entity_and_date_floors_on_the_dev_gold() -> None:
    """Floors a little under the measured figures (docs/evaluation.md); raise, never lower."""
    ent = score_entities(shared_or_skip(GOLD / "entities-dev.jsonl"))
    assert ent.precision >= 0.97 and ent.recall >= 0.97 and ent.consistency >= 0.95, ent.to_record()
    got = score_dates(shared_or_skip(GOLD / "dates-dev.jsonl")).to_record()
    assert got["f1"] >= 0.89 and got["relative_recall"] >= 0.81, {
        k: v for k, v in got.items() if k != "misses"
    }


def test_floors_on_the_blind_wide_pages() -> None:
    """eval/gold/*-wide.jsonl: pages of ../shared/corpus-wide labelled blind (docs/evaluation.md)."""
    root = Path(__file__).resolve().parents[1] / "eval" / "gold"
    corpus = shared_or_skip(GOLD.parent / "corpus-wide")
    ent = score_entities(root / "entities-wide.jsonl", corpus=corpus)
    # 28 pages since the third blind batch (11 pages, first scored at 0.806 / 0.731); measured
    # 0.929 / 0.839 on all 28 after issue 16's fourth pass; dates F1 0.846
    assert ent.precision >= 0.91 and ent.recall >= 0.82, ent.to_record()
    got = score_dates(root / "dates-wide.jsonl", corpus=corpus).to_record()
    assert got["f1"] >= 0.85, got  # 0.864 after the fifth pass
    # The fourth blind batch (20 pages): first scored at P / R 0.864 / 0.892, dates F1 0.733, relative
    # recall 0.273; dates 0.873 / 0.758 after the fifth pass, which it taught.
    ent = score_entities(root / "entities-wide-6.jsonl", corpus=corpus)
    assert ent.precision >= 0.85 and ent.recall >= 0.88, ent.to_record()
    got = score_dates(root / "dates-wide-6.jsonl", corpus=corpus).to_record()
    assert got["f1"] >= 0.85 and got["relative_recall"] >= 0.72, got
    # The fifth blind batch (20 pages), labelled after the fifth pass and not tuned on: first scored at
    # P / R 0.849 / 0.837, dates F1 0.831, relative recall 0.548.
    ent = score_entities(root / "entities-wide-7.jsonl", corpus=corpus)
    assert ent.precision >= 0.83 and ent.recall >= 0.82, ent.to_record()
    got = score_dates(root / "dates-wide-7.jsonl", corpus=corpus).to_record()
    assert got["f1"] >= 0.81 and got["relative_recall"] >= 0.52, got


def _dates_of(relative_path: str, starts: tuple[str, ...]) -> list[tuple[str, dict]]:
    from archivist.pipeline import extract_file

    path = shared_or_skip(GOLD.parent / "corpus" / relative_path)
    doc = extract_file(str(path), relative_path).document
    assert doc is not None
    return [
        (doc.text[s.start : s.end], s.attrs)
        for s in dates.annotate(doc)
        if doc.text[s.start :].startswith(starts)
    ]


def test_a_narrative_places_days_without_a_year_in_the_period_it_tells_of() -> None:
    # Engels in 1885 on the Communist League of 1836-1852: its days and months are of those years.
    told = _dates_of(
        "mia-reader/_pages/marx/works/1847/communist-league/1885hist.htm", ("May 12th", "the end of November")
    )
    assert [(t, a["value"], a["anchor"]) for t, a in told] == [
        ("May 12th", "1839-05-12", "narrative"),
        ("the end of November", "1847-11", "narrative"),
    ]
    # A report of February 1982 on the Polish coup names many other years (1926, 1956, 1968, 1970,
    # 1980), no one period: its December 13 is the one just past.
    news = _dates_of("mia-mass-edits/archive/johnstone/1982/02/x01.htm", ("December 13",))
    assert news and {(a["value"], a["anchor"]) for _, a in news} == {("1981-12-13", "date_published")}


def test_a_name_spacy_finds_must_open_as_a_person_s_name() -> None:
    from archivist.enrich.mentions import _opens_with_given_name

    auth = authority()
    people = [
        "Harold Ickes",
        "E. de Golyer",
        "Sheila Patterson",
        "Stathis Kouvelakis",
        "Gómez Caminero",
        "Mao Zedong",
    ]
    others = ["Socony Vacuum", "Middling American", "Dark Strangers", "Porto Alegre", "Française de Pétroles"]
    assert all(_opens_with_given_name(name, auth) for name in people)
    assert not any(_opens_with_given_name(name, auth) for name in others)


def test_firms_and_phrases_spacy_calls_people_are_left_out_of_a_real_page() -> None:
    path = "mia-mass-edits/archive/cliff/works/1946/probme/chap06.html"
    file = shared_or_skip(SHARED / "corpus-wide" / path)
    doc = extract_data(file.read_bytes(), path).document
    assert doc is not None
    people = {doc.text[s.start : s.end] for s in mentions.annotate(doc) if s.attrs.get("label") == "person"}
    assert {"Harold Ickes", "Leonard Barnes", "Renan"} <= people
    assert not people & {"Socony Vacuum", "Française de Pétroles", "Middling American"}

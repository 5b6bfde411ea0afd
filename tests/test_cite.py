"""Citations: the two seeds field by field against ../shared/gold/seeds.json, every document of the
corpus as valid CSL-JSON and parseable BibTeX, stable keys, and uncertain dates kept."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import bibtexparser
import jsonschema
import pytest

from archivist.export import cite
from archivist.model import Document
from archivist.pipeline import extract_file
from archivist.store import Archive
from tests.conftest import GOLD, SHARED, shared_or_skip
from tests.webroom import Room, reading_room

SCHEMA = SHARED / "schemas" / "csl-data.json"


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Room:
    return reading_room(tmp_path_factory)


def _seeds() -> list[tuple[dict[str, Any], Document]]:
    gold = json.loads(shared_or_skip(GOLD / "seeds.json").read_text(encoding="utf-8"))["documents"]
    out = []
    for entry in gold:
        result = extract_file(str(SHARED / entry["path"]), entry["path"])
        assert result.document is not None
        out.append((entry, result.document))
    return out


def _csl_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(shared_or_skip(SCHEMA).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _bibtex_fields(text: str) -> tuple[str, str, dict[str, str]]:
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    assert len(library.entries) == 1
    entry = library.entries[0]
    # One level of braces is the field's delimiter; a second keeps the title's capitals.
    return entry.entry_type, entry.key, {f.key: re.sub(r"^\{(.*)\}$", r"\1", f.value) for f in entry.fields}


def _name(csl_name: dict[str, str]) -> str:
    return csl_name.get("literal") or " ".join(filter(None, (csl_name.get("given"), csl_name.get("family"))))


def test_seed_citations_match_the_gold_field_by_field() -> None:
    validator = _csl_validator()
    for gold, doc in _seeds():
        issued = gold["date_published"] or gold["date_written"]
        # CSL-JSON
        item = cite.csl_json(doc)
        validator.validate([item])
        assert item["title"] == gold["title"]
        assert [_name(a) for a in item["author"]] == gold["authors"]
        assert item["issued"]["raw"] == issued
        assert item["issued"]["date-parts"] == [[int(x) for x in issued.split("-")]]
        assert item.get("container-title") == gold["source_title"]
        for key, field in (("volume", "source_volume"), ("issue", "source_issue"), ("page", "source_page")):
            assert item.get(key) == gold.get(field)
        assert item["language"] == gold["language"]
        if gold["addressee"]:
            assert item["recipient"] == [{"literal": gold["addressee"]}]
        if gold["date_written"] != issued:
            assert cite.prose_date(gold["date_written"]) in item["note"]
        if gold["place"]:
            assert gold["place"] in item["note"]
        # BibTeX, read back by a real parser
        entry_type, key, fields = _bibtex_fields(cite.bibtex(doc))
        assert key == cite.citation_key(doc)
        assert entry_type == ("article" if gold["source_title"] else "misc")
        assert fields["title"] == gold["title"]
        assert fields["author"] == " and ".join(
            f"{a.split()[-1]}, {' '.join(a.split()[:-1])}" for a in gold["authors"]
        )
        assert (fields["year"], fields["date"]) == (issued[:4], issued)
        assert fields.get("journal") == gold["source_title"]
        assert fields.get("volume") == gold.get("source_volume")
        assert fields.get("number") == gold.get("source_issue")
        assert fields.get("pages") == gold.get("source_page")
        # RIS
        ris = cite.ris(doc)
        assert ris.endswith("ER  - \r\n")
        tags: dict[str, list[str]] = {}
        for line in ris.splitlines():
            tag, _, value = line.partition("  - ")
            tags.setdefault(tag, []).append(value)
        assert tags["TI"] == [gold["title"]]
        assert tags["AU"] == [f"{a.split()[-1]}, {' '.join(a.split()[:-1])}" for a in gold["authors"]]
        assert tags["PY"] == [issued.replace("-", "/") + "/"]
        assert tags.get("T2") == ([gold["source_title"]] if gold["source_title"] else None)
        assert tags["TY"] == ["JOUR" if gold["source_title"] else "PCOMM"]
        # Chicago
        note, bibliography = cite.chicago_note(doc), cite.chicago_bibliography(doc)
        assert f"“{gold['title']}," in note and f"“{gold['title']}.”" in bibliography
        assert note.startswith(gold["authors"][0])
        surname, given = gold["authors"][0].split()[-1], " ".join(gold["authors"][0].split()[:-1])
        assert bibliography.startswith(f"{surname}, {given}".rstrip(".") + ". “")
        if gold["source_title"]:
            assert f"{gold['source_title']} {gold['source_volume']}, no. {gold['source_issue']}" in note
            assert note.endswith(f": {gold['source_page']}.")


def test_seed_keys_and_texts() -> None:
    (_, article), (_, letter) = _seeds()
    assert cite.citation_key(article) == "trotsky1939sees"
    assert cite.citation_key(letter) == "trotsky1933letter"
    assert cite.chicago_note(article) == (
        "Leon Trotsky, “Sees Closer Hitler-Stalin Ties,” Socialist Appeal III, no. 72 (September 20, 1939): 1."
    )
    assert cite.chicago_bibliography(article, html_markup=True) == (
        "Trotsky, Leon. “Sees Closer Hitler-Stalin Ties.” <i>Socialist Appeal</i> III, no. 72 (September 20, 1939): 1."
    )
    assert cite.chicago_note(letter) == (
        "L. Trotsky, “A Letter to the Politburo, March 15, 1933,” letter to the Politburo of the All-Union "
        "Communist Party (Bolshevik), March 15, 1933."
    )


def test_uncertain_dates_are_kept_in_every_format() -> None:
    (_, article), _ = _seeds()
    validator = _csl_validator()
    cases = {
        "1933-03~": ("ca. March 1933", [[1933, 3]], "1933/03//1933-03~"),
        "1920-06/1920-07": ("June–July 1920", [[1920, 6], [1920, 7]], "1920/06//1920-06/1920-07"),
        "1918-05-09/1918-05-11": (
            "May 9–11, 1918",
            [[1918, 5, 9], [1918, 5, 11]],
            "1918/05/09/1918-05-09/1918-05-11",
        ),
        "1925/1928": ("1925–1928", [[1925], [1928]], "1925///1925/1928"),
        "1933?": ("1933?", [[1933]], "1933///1933?"),
    }
    for raw, (chicago, parts, ris_date) in cases.items():
        doc = replace(article, date_published=raw)
        assert f"({chicago})" in cite.chicago_note(doc)
        item = cite.csl_json(doc)
        validator.validate([item])
        assert item["issued"]["date-parts"] == parts and item["issued"]["raw"] == raw
        assert item["issued"].get("circa") is (True if raw.endswith(("~", "?")) else None)
        _, key, fields = _bibtex_fields(cite.bibtex(doc))
        assert fields["date"] == raw and key.startswith(f"trotsky{raw[:4]}")
        assert f"PY  - {ris_date}\r\n" in cite.ris(doc)


def test_chicago_names_quotes_and_bare_titles() -> None:
    (_, article), _ = _seeds()
    two = replace(article, authors=["Karl Marx", "Frederick Engels"])
    assert cite.chicago_note(two).startswith("Karl Marx and Frederick Engels, “Sees Closer")
    assert cite.chicago_bibliography(two).startswith("Marx, Karl, and Frederick Engels. “Sees Closer")
    surnames = replace(article, authors=["Marx", "Engels"])
    assert cite.chicago_bibliography(surnames).startswith("Marx and Engels. “")
    three = replace(article, authors=["First International", "Frederick Engels", "Karl Marx"])
    assert cite.chicago_bibliography(three).startswith(
        "First International, Frederick Engels, and Karl Marx. “"
    )
    quoted = replace(article, title='"Critical Criticism" As Herr Edgar')
    assert "“‘Critical Criticism’ As Herr Edgar,”" in cite.chicago_note(quoted)
    bare = replace(
        article, authors=[], source_title=None, date_published=None, date_written=None, doc_type="other"
    )
    assert cite.chicago_note(bare) == cite.chicago_bibliography(bare) == "“Sees Closer Hitler-Stalin Ties.”"
    asked = replace(bare, title="What Is to Be Done?")
    assert cite.chicago_note(asked) == "“What Is to Be Done?”"


def test_names() -> None:
    assert cite.split_name("Leon Trotsky").inverted == "Trotsky, Leon"
    assert cite.split_name("Daniel De Leon").inverted == "De Leon, Daniel"
    assert cite.split_name("V. I. Lenin").inverted == "Lenin, V. I."
    assert cite.split_name("Engels").inverted == "Engels"
    assert (
        cite.split_name("Editorial Staff, Biulleten Oppozitsii").literal
        == "Editorial Staff, Biulleten Oppozitsii"
    )
    assert cite.split_name("First International").literal == "First International"
    assert cite.split_name("Karl Marx: The Civil War").literal == "Karl Marx: The Civil War"
    assert cite.bibtex_escape("50% & {x}_1 #2") == r"50\% \& \{x\}\_1 \#2"


def test_every_document_cites_as_valid_csl_and_parseable_bibtex(room: Room) -> None:
    validator = _csl_validator()
    keys: dict[str, str] = {}
    with Archive(room.db, readonly=True) as archive:
        docs = list(archive.documents())
    assert len(docs) > 500
    items = [cite.csl_json(d) for d in docs]
    validator.validate(items)
    for doc in docs:
        # One at a time: chapters of one book share a key (a bibliography export adds a, b, ...).
        _, key, fields = _bibtex_fields(cite.bibtex(doc))
        assert re.fullmatch(r"[a-z0-9]+", key) and fields["title"], key
        keys[doc.id] = key
        assert cite.ris(doc).startswith("TY  - ") and cite.chicago_note(doc).endswith((".", ".”", "?”", "!”"))
    # Keys are a function of the document: the same again, and mostly distinct.
    assert all(cite.citation_key(d) == keys[d.id] for d in docs)
    assert len(set(keys.values())) > 0.9 * len(docs)


def test_cite_module_imports_no_web() -> None:
    source = Path(cite.__file__).read_text(encoding="utf-8")
    assert not re.search(r"^(from|import) (starlette|jinja2|uvicorn|archivist\.web)", source, re.M)


def test_a_published_address_is_cited() -> None:
    from archivist.export import cite
    from archivist.model import Document

    doc = Document(path="corpus/a.htm", id="0" * 16, text="Text.", title="A Title", authors=["Leon Trotsky"],
                   date_written="1939-09-14", url="https://www.marxists.org/archive/trotsky/1939/09/a.htm")  # fmt: skip
    assert cite.csl_json(doc)["URL"] == doc.url
    assert f"url = {{{doc.url}}}" in cite.bibtex(doc)
    assert f"UR  - {doc.url}" in cite.ris(doc)
    assert cite.chicago_note(doc).endswith(f"{doc.url}.") and doc.url in cite.chicago_bibliography(doc)

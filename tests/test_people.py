"""Issue 16 — people found and linked on pages never seen: what is not a person (titles of works in
other languages, periodicals, plurals, streets, organisations, common words), initials that name
someone else, people in languages without a pipeline, and clustering across documents. Real pages of
../shared (corpus, corpus-wide), read in place."""

from __future__ import annotations

from collections import Counter

from archivist.enrich import mentions
from archivist.enrich.entities import cluster_people
from archivist.model import Document
from archivist.pipeline import extract_data
from tests.conftest import SHARED, shared_or_skip

CORPUS = SHARED / "corpus"
WIDE = SHARED / "corpus-wide"


def _page(root: str, path: str) -> Document:
    file = shared_or_skip(SHARED / root / path)
    return extract_data(file.read_bytes(), f"corpus/{path}").document  # type: ignore[return-value]


def _people(doc: Document) -> dict[str, set[str]]:
    """Text of each person mention → the entity ids it links to."""
    out: dict[str, set[str]] = {}
    for s in mentions.annotate(doc):
        if s.attrs["label"] == "person":
            out.setdefault(doc.text[s.start : s.end], set()).add(s.attrs["entity_id"])
    return out


def _labels(doc: Document) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for s in mentions.annotate(doc):
        out.setdefault(doc.text[s.start : s.end], set()).add(s.attrs["label"])
    return out


def test_titles_of_works_in_other_languages_and_periodicals_are_not_people() -> None:
    # "Sang Froid et Discipline (Composure and Discipline)": a French article title in an English text
    people = _people(_page("corpus-wide", "mia-reader/_pages/archive/trotsky/1924/ffyci-1/ch17.md"))
    assert "Sang Froid" not in people and "Victor Méric" in people, people
    # "No. 42 of Qui Vive? which I enclose": a periodical
    doc = _page("corpus-wide", "mia-reader/_pages/marx/works/1871/letters/71_11_23.md")
    assert "Qui Vive" not in _people(doc)
    assert _labels(doc).get("Qui Vive") == {"periodical"}


def test_plurals_streets_and_organisations_are_not_people() -> None:
    people = _people(_page("corpus-wide", "mia-mass-edits/archive/murphy-jt/1922/09/30.htm"))
    assert "Johnny Thomases" not in people and "Brodsky" in people, people  # "six million Johnny Thomases"
    people = _people(_page("corpus-wide", "wikirouge-mecw/en/MECW/MECW22-060.html"))
    assert "Rue de la Paix" not in people and "Robert Reid" in people, people
    # "M. Courbet" is Monsieur Courbet, the painter the authority file knows, not an M. Courbet
    assert people.get("M. Courbet", {"person:courbet-gustave"}) <= {"person:courbet-gustave"}, people
    people = _people(_page("corpus", "mia-mass-edits/archive/childe/1930/bronzeage/ch04.htm"))
    assert "Devonshire Association" not in people and "Jura" not in people, people  # "(Savoy and Jura)"
    people = _people(_page("corpus", "mia-mass-edits/archive/burns-emile/1926/07/nearing.htm"))
    assert "Strikes" not in people, people  # "General Strikes"


def test_a_capitalised_inflected_word_at_a_sentence_start_is_not_a_surname() -> None:
    # French: "Brisée dans sa puissance, haïe à mort par le peuple ..."
    people = _people(_page("corpus", "hurlus-tei/marx1850_france-lutte-classes.xml"))
    assert "Brisée" not in people, people


def test_initials_or_a_common_word_before_a_known_surname() -> None:
    # Signed "J. Escher": Jakob, not Alfred Escher of the authority file
    people = _people(
        _page("corpus-wide", "escher-briefe/data/briefe/K_0166_Escher_Jakob_an_Escher_1838-08-09.xml")
    )
    assert "person:escher-alfred" not in people.get("J. Escher", set()) and "J. Escher" in people, people
    # "Prisoner Ulyanov, your mother is here": no other given name, no new person "Prisoner Ulyanov"
    people = _people(_page("corpus", "mia-mass-edits/archive/lenin/bio/prilezhayeva.htm"))
    assert "person:x-prisoner-ulyanov" not in set().union(*people.values()), people


def test_people_after_titles_in_languages_without_a_pipeline() -> None:
    # German letters: "Hr. Director Stoll" is Stoll; "Herr Präsident", "Ihres Herrn Vaters" name no one
    people = _people(
        _page("corpus-wide", "escher-briefe/data/briefe/K_3869_AE_an_Zingg_Josef_1865-12-17.xml")
    )
    assert {"Stoll", "Koller", "Rombaux"} <= set(people) and "Director Stoll" not in people, people
    assert not {"Sch", "Schultheiß"} & set(people), people
    people = _people(
        _page("corpus-wide", "escher-briefe/data/briefe/K_2475_Welti_Emil_an_Escher_1870-06-10.xml")
    )
    assert {"Hammer", "Melegari", "Gonzenbach"} <= set(people), people
    # Italian: "Sig. Feer-Herzog", "Sig. Siegfried"
    people = _people(
        _page("corpus-wide", "escher-briefe/data/briefe/K_7947_Veladini_Pasquale_an_Escher_1869-05-06.xml")
    )
    assert {"Feer-Herzog", "Siegfried"} <= set(people), people


def test_a_surname_alone_joins_a_full_name_only_through_a_rare_shared_context() -> None:
    names = {
        "person:x-helene-stocker": Counter({"Helene Stocker": 2}),
        "person:x-stoker": Counter({"Stoker": 1}),
    }
    docs = {"person:x-helene-stocker": {"a"}, "person:x-stoker": {"b"}}
    # 40 documents name Marx: sharing him says nothing
    context = {"a": {"person:marx-karl"}, "b": {"person:marx-karl"}} | {
        f"d{i}": {"person:marx-karl"} for i in range(38)
    }
    assert cluster_people(names, docs, context)["person:x-stoker"] == "person:x-stoker"
    # both name someone few documents name: the same person
    context["a"] = context["a"] | {"person:zetkin-clara"}
    context["b"] = context["b"] | {"person:zetkin-clara"}
    assert cluster_people(names, docs, context)["person:x-stoker"] == "person:x-helene-stocker"


def test_the_people_a_header_credits_are_people_a_given_name_alone_too() -> None:
    # "Proofread: Fred, Francesco 2013" — but "Online Version: ..., December 2001" names no December
    people = _people(_page("corpus-wide", "mia-mass-edits/archive/grant/1943/09/churchill.htm"))
    assert {"Fred", "Francesco"} <= set(people), people
    people = _people(_page("corpus", "mia-mass-edits/archive/sedova-natalia/1961/11/09.htm"))
    assert "December" not in people, people


def test_a_name_listed_between_two_people_is_a_person() -> None:
    # "Ter Meulen, Brand, Drummond Fraser—those well-chosen bellwethers": spaCy's ORG, a dictionary word
    people = _people(_page("corpus-wide", "mia-mass-edits/archive/newbold/1922/09/30.htm"))
    assert {"Ter Meulen", "Brand", "Drummond Fraser"} <= set(people), people


def test_lowercase_verbs_are_not_titles_and_fiction_is_not_people() -> None:
    # "To judge Governments and their acts": 'judge' is a verb here, not Judge X
    people = _people(_page("corpus", "uh-soco-llm/data/marx-secret-diplomatic.txt"))
    assert "Governments" not in people, people
    # "le « Jean Valjean » de Victor Hugo": a character; "John Randolph Spears" is one name, not John Randolph
    people = _people(_page("corpus", "hurlus-tei/gramsci1935_culture.xml"))
    assert "Jean Valjean" not in people and "Victor Hugo" in people, people
    people = _people(_page("corpus", "mia-mass-edits/reference/archive/malcolm-x/1965/01/afro-amer.html"))
    assert "John Randolph Spears" in people and "John Randolph" not in people, people


def test_famous_surnames_alone_are_people_and_the_document_says_which_one() -> None:
    doc = _page("corpus-wide", "mia-mass-edits/archive/cliff/works/1992/xx/interview.html")
    people = _people(doc)
    # WordNet lists famous people: a surname is not a common word for that ("under Mitterrand")
    assert "Mitterrand" in people and "Gould" in people, people
    # "Smith" alone in 1992, after "John Smith": him, not Adam Smith (dead two centuries before)
    assert people["Smith"] == people["John Smith"], people
    # "Douglas Jay": a given name and a surname, not Frederick Douglass's "Douglas"
    assert "Douglas Jay" in people and "person:douglass-frederick" not in set().union(*people.values())
    assert "Lyons" not in people and _labels(doc)["Lyons"] == {"place"}  # "Paris, Marseilles and Lyons"
    # "-son" surnames are not nouns of other languages ("Saxon"): "Arnold and Ruskin ... Richardson"
    assert "Richardson" in _people(_page("corpus-wide", "mia-mass-edits/archive/kitz/builder.htm"))


def test_a_lone_word_is_matched_as_the_authority_file_writes_it() -> None:
    # "his name was Roland": folding doubled letters is for full names, not for one word (Romain Rolland)
    people = _people(_page("corpus-wide", "wikirouge-mecw/en/MECW/MECW02-064.html"))
    assert "person:rolland-romain" not in set().union(*people.values()), people


def test_people_after_english_titles_and_offices_and_german_particles() -> None:
    people = _people(_page("corpus-wide", "mia-mass-edits/archive/foot-paul/1991/04/bham6.htm"))
    # "Lord Justice Russell": the title, the office skipped, the name; "the Lord Chancellor" names no one
    assert "Russell" in people and "Chancellor" not in people, people
    # "Herr von Patow's": the particle is part of the name, the possessive is not
    assert "von Patow" in _people(_page("corpus-wide", "wikirouge-mecw/en/MECW/MECW07-085.html"))


def test_a_surname_alone_beside_two_people_of_that_surname_is_the_one_named_last() -> None:
    # Friedrich and Wilhelm Graeber are both named in full: "Graeber" alone is one of them, not a third
    people = _people(_page("corpus-wide", "wikirouge-mecw/en/MECW/MECW02-064.html"))
    assert people["Graeber"] <= people["Friedrich Graeber"] | people["Wilhelm Graeber"], people
    assert people["Friedrich Graeber"] != people["Wilhelm Graeber"]

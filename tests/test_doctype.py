"""Document type: the conventions `extract.doctype.classify` reads, on its inputs and on real pages."""

from __future__ import annotations

from pathlib import Path

from archivist.extract import doctype
from archivist.extract.doctype import classify
from tests.conftest import extracted


def _kind(title: str, editorial: str = "", *, source: str | None = "The Militant, 3 May 1930") -> str:
    return classify(title, [], set(), False, False, False, source, "The question before us is", editorial)[0]


def test_a_reply_to_a_person_is_a_polemic_not_a_letter() -> None:
    # In periodicals, "Reply to X" heads an article answering X; a letter says so or has its anatomy.
    assert _kind("Reply to Comrade Smith") == "article"
    assert _kind("A Reply to John Brown") == "article"
    assert _kind("Open Letter to John Brown") == "letter"
    assert _kind("John Smith to Mary Brown") == "letter"  # writer to addressee


def test_an_editor_naming_another_letter_or_speech_does_not_type_this_text() -> None:
    assert _kind("On Trade", "This text was printed with the following letter of the editors.") == "letter"
    assert _kind("On Trade", "The speech delivered to the congress on 3 May.") == "speech"
    # Someone else's letter, or one letter among many: not what this text is.
    for note in (
        "See Engels' letters to Marx of 22 February.",
        "In a letter to his son, the author explains why.",
        "Your correspondent's reply to my letter is beside the point.",
        "The author made a speech on the subject the year before.",
    ):
        assert _kind("On Trade", note) == "article", note


def test_reply_titles_on_real_pages(wide: Path) -> None:
    for rel in (
        "mia-mass-edits/archive/radek/1922/04/reply.html",
        "mia-mass-edits/archive/harman/1971/02/yaffe.html",
    ):
        doc = extracted(wide, rel)
        assert doc.title is not None and doc.title.lower().startswith("reply to"), rel
        assert doc.doc_type == "article", rel


def test_the_reporters_words_are_counted_as_by_the_pattern() -> None:
    """`_reported` skips the search of a text holding none of `_REPORTER_WORDS`: every match of the
    pattern holds one of them, so the count is the pattern's."""
    for text in (
        "I asked him. She told me so. He assured me. I put it to her finally.",
        "Then I asked, and I put it to him; he told me; she assured me.",
        "AI asked; she told meanwhile; I put it to them",
        "Nobody told me anything, and I was not asked.",
        "",
    ):
        assert doctype._reported(text) == len(doctype._REPORTER.findall(text))
        for match in doctype._REPORTER.finditer(text):
            assert any(words in match.group(0) for words in doctype._REPORTER_WORDS)


def test_the_learned_model_does_not_overrule_a_letters_own_anatomy(wide: Path) -> None:
    # Letters to a paper that open "Dear Comrade(s)," and sign off: the rules say letter from the
    # anatomy, and the type model, which never saw such a verdict overruled, must not make them
    # manifestos or articles.
    for rel in (
        "mia-mass-edits/archive/bax/1899/06/maximum.htm",
        "mia-mass-edits/archive/kautsky/1902/02/tendencies.htm",
    ):
        doc = extracted(wide, rel)
        assert doc.doc_type == "letter", rel
        assert doc.provenance["doc_type"].origin.startswith("anatomy:"), rel

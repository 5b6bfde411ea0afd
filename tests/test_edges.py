"""Where the text starts and ends: conventions of the body's edges on real pages (the closing formula,
editorial matter around the text), each asserted on pages of more than one author or source."""

from __future__ import annotations

from pathlib import Path

from archivist.model import Document

from .conftest import extracted as _doc


def _closings(doc: Document) -> list[str]:
    return [doc.part_text(p) for p in doc.parts_of("closing")]


def test_a_closing_formula_run_into_the_last_paragraph(corpus: Path, wide: Path) -> None:
    # "… the worst type of jingoism. – Yours," / "… the Transport Workers' Union. -- Yours," (pandoc Markdown)
    for root, rel, end, closing in [
        (
            corpus,
            "mia-mass-edits/archive/bax/1904/02/letter-27-2.htm",
            "the worst type of jingoism.",
            "– Yours,",
        ),
        (
            corpus,
            "mia-reader/_pages/archive/connolly/1911/09/diract.md",
            "Transport Workers' Union.",
            "-- Yours,",
        ),
        (
            wide,
            "mia-mass-edits/archive/bax/1923/08/armednat.htm",
            "illustrations galore",
            "– yours fraternally",
        ),
        (
            wide,
            "mia-mass-edits/archive/malatesta/1925/12/syndic2.htm",
            "the means and tools.",
            "Yours for anarchy",
        ),
    ]:
        doc = _doc(root, rel)
        assert doc.body is not None and doc.body.rstrip().endswith(end), rel
        assert closing in _closings(doc), rel
        assert doc.text.count(closing) >= 1  # kept in the text, as the closing


def test_closing_formulas_that_open_with_a_verb_or_a_dash(wide: Path) -> None:
    # "I am, dear comrade, fraternally yours," / "Believe me, my dear Wilshire," / "– Yours fraternally,"
    for rel, end, closing in [
        ("mia-mass-edits/archive/kautsky/1912/06/colonialpol.htm", "thought to discover in it.",
         "I am, dear comrade, fraternally yours,"),
        ("mia-mass-edits/archive/bax/1902/11/wilshires-bax.htm", "Funny, isn’t it?", "Believe me, my dear Wilshire,"),
        ("mia-mass-edits/archive/quelch-tom/1914/10/01-tom.htm", "the glorious cause of Socialism.",
         "– Yours fraternally,"),
    ]:  # fmt: skip
        doc = _doc(wide, rel)
        assert doc.body is not None and doc.body.rstrip().endswith(end), rel
        assert closing in _closings(doc), rel


def test_a_sentence_opening_with_yours_stays_text() -> None:
    # A last sentence that ends with its full stop is text, whatever word it opens with.
    from archivist.extract.closing import run_in_closing

    assert run_in_closing("We have done our duty. Yours is the future.") is None
    assert run_in_closing("We have done our duty. – Yours fraternally,") == len("We have done our duty.")


def test_a_labelled_editors_note_set_as_a_quote_is_not_the_text(corpus: Path, wide: Path) -> None:
    # "Note from MECW volume 3, 1975 :" / the note as a blockquote / the text; "Note from MIA :" likewise.
    for root, rel, first in [
        (corpus, "wikirouge-mecw/en/MECW/MECW03-006.html", "I am now travelling in Holland."),
        (wide, "wikirouge-mecw/en/MECW/MECW04-032.html", "The Germans are gradually beginning"),
        (wide, "wikirouge-mecw/en/MECW/MECW18-055.html", "Bolivar y Ponte, Simon,"),
        (wide, "wikirouge-mecw/en/MECW/MECW24-064.html", "Scarcely 15 months ago"),
    ]:
        doc = _doc(root, rel)
        opening = next(p for p in doc.parts if p.kind in ("salutation", "body"))
        assert doc.part_text(opening).startswith(first), rel
        notes = " ".join(doc.part_text(p) for p in doc.parts_of("editorial-note"))
        assert "Note from M" in notes, rel  # kept, as the editors' note


def test_a_salutation_after_a_short_preamble_opens_the_text(corpus: Path, wide: Path) -> None:
    # A date and "Dear Comrades,"; a letterhead and "Comrades:"; a newspaper's lead-in and "Comrades:"; a
    # heading with its dateline and "Dear Engels,". What stands before the salutation is not the text.
    for root, rel, salutation, before in [
        (corpus, "mia-mass-edits/archive/ciliga/1935/12/jugocomm.html", "Dear Comrades,", "December 9, 1935"),
        (corpus, "mia-mass-edits/archive/shachtma/1933/12/letter2.htm", "Comrades:", "Dec. 16th, 1933"),
        (wide, "mia-mass-edits/archive/cannon/works/1928/dec/appeal.htm", "Comrades:", "expelled Cannon"),
        (wide, "wikirouge-mecw/en/MECW/MECW38-069.html", "Dear Engels,", "Cologne, first half of November"),
    ]:
        doc = _doc(root, rel)
        opening = next(p for p in doc.parts if p.kind in ("salutation", "body"))
        assert opening.kind == "salutation" and doc.part_text(opening) == salutation, rel
        assert before in doc.text[: opening.start] and before not in (doc.body or ""), rel


def test_a_salutation_after_long_paragraphs_is_inside_the_text(corpus: Path) -> None:
    # A speech given in two versions: the second opens with "Citizens," after the first's paragraphs.
    doc = _doc(corpus, "mia-mass-edits/archive/plekhanov/1889/07/speech.html")
    assert doc.body is not None and doc.body.startswith("It may seem strange")
    assert not doc.parts_of("salutation")


def test_the_signers_title_and_address_are_no_postscript(wide: Path) -> None:
    # "Yours obediently," / "John Hales," / "General Secretary" / "International Working Men's Association …"
    for rel in ("wikirouge-mecw/en/MECW/MECW23-009.html", "wikirouge-mecw/en/MECW/MECW08-069.html"):
        doc = _doc(wide, rel)
        assert not doc.parts_of("postscript"), rel
        assert doc.parts[-1].kind in ("signature", "dateline", "footnote"), rel
    # Prose after the signature stays a postscript: "Salut." / "Your" / "K. M." / "There's a tremendous panic …"
    doc = _doc(wide, "wikirouge-mecw/en/MECW/MECW39-259.html")
    assert any(doc.part_text(p).startswith("There's a tremendous panic") for p in doc.parts_of("postscript"))


def test_an_epigraph_in_a_plain_paragraph_is_not_the_text(corpus: Path, wide: Path) -> None:
    # A paragraph that is one quotation and its source ("…’—MAO TSE TUNG, March 10, 1953.", "…” – from
    # Resolution on Negro Work …") stands above the text, in the header.
    for root, rel, epigraph, first in [
        (corpus, "mia-mass-edits/archive/dutt/articles/1953/04/stalin.htm", "Our task is to transform", "THE genius"),
        (corpus, "mia-mass-edits/archive/frow/1931/06/x01.htm", "British Engineering is in", "The Engineering"),
        (wide, "mia-mass-edits/archive/james-clr/works/1939/08/negro2.htm", "The Negroes are designated",
         "It is going to be"),
    ]:  # fmt: skip
        doc = _doc(root, rel)
        assert doc.body is not None and doc.body.startswith(first), rel
        header = " ".join(doc.part_text(p) for p in doc.parts_of("header"))
        assert epigraph in header, rel


def test_a_quoted_letter_dated_after_it_opens_the_text(wide: Path) -> None:
    # "‘A PERSON who was on my staircase …’ (May 29, 1917).": extracts from letters, dated, are the text.
    doc = _doc(wide, "mia-mass-edits/archive/rothstein-andrew/1975/02/rpd.htm")
    assert doc.body is not None and doc.body.startswith("‘A PERSON who was on my staircase")


def test_numbered_or_lettered_paragraphs_after_the_last_rule_are_notes(corpus: Path, wide: Path) -> None:
    # "1. We need hardly remind the reader …", "1. CHILDE. The Danube in Prehistory …", "[A] Boenigk asked …",
    # pandoc's "^[A]^ …": after the text's last rule, with no heading and no class, they are notes.
    for root, rel, end in [
        (corpus, "mia-reader/_pages/marx/works/1864/10/27.htm", "Proletarians of all countries, unite!"),
        (corpus, "mia-mass-edits/archive/childe/1930/bronzeage/ch04.htm", "our Bronze Age civilisation."),
        (wide, "mia-reader/_pages/marx/works/1890/letters/90_08_21.md", "to learn from the workers..."),
    ]:
        doc = _doc(root, rel)
        assert doc.body is not None and doc.body.rstrip().endswith(end), rel
        assert doc.parts_of("footnote"), rel

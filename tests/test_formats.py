"""Format conventions read as such, on real files of ../shared/corpus-wide (never copied here): TEI's
header, letter parts, <choice>, <lb break="no"/>, <note>, <front>/<back>; Project Gutenberg's
licence furniture and header fields."""

from __future__ import annotations

from pathlib import Path

import pytest

from archivist.model import Document
from tests.conftest import extracted as _doc

ESCHER = "escher-briefe/data/briefe"


def _texts(doc: Document, kind: str) -> list[str]:
    return [doc.part_text(p) for p in doc.parts_of(kind)]


# -- Project Gutenberg --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rel",
    [
        "gitenberg-southern-horrors/14975.txt",  # modern header, START/END markers, full licence
        "gitenberg-southern-horrors/14975-h/14975-h.htm",  # the same in an HTML <pre>
        "gitenberg-lincoln-second-inaugural/8-0.txt",  # the early e-texts' "Small Print!" licence
        "gitenberg-soul-of-man-under-socialism/old/slman10.txt",  # the Small Print after the END marker
        "gitenberg-jfk-inaugural/3-h/3-h.htm",
    ],
)
def test_the_gutenberg_licence_is_furniture(wide: Path, rel: str) -> None:
    doc = _doc(wide, rel)
    for phrase in (
        "Project Gutenberg",
        "SMALL PRINT",
        "Plain Vanilla",
        "This eBook is for the use of anyone",
    ):
        assert phrase.casefold() not in doc.text.casefold(), phrase
    assert "gutenberg" not in (doc.title or "").casefold()
    assert doc.body.strip()


def test_the_gutenberg_header_gives_title_author_and_no_release_date(wide: Path) -> None:
    doc = _doc(wide, "gitenberg-southern-horrors/14975.txt")
    assert doc.title == "Southern Horrors: Lynch Law in All Its Phases"  # "Title:" and its continuation line
    assert doc.provenance["title"].origin == "gutenberg:Title"
    assert doc.authors == ["Ida B. Wells-Barnett"]
    # "Release Date: February 8, 2005" is the e-text's date, never the text's.
    assert not (doc.date_written or "").startswith("2005") and not (doc.date_published or "").startswith(
        "2005"
    )
    prince = _doc(wide, "gitenberg-the-prince/1232.txt")
    assert (
        prince.translator == "W. K. Marriott"
        and prince.provenance["translator"].origin == "gutenberg:Translator"
    )
    assert prince.title == "The Prince" and prince.authors == ["Nicolo Machiavelli"]


def test_the_text_of_an_early_etext_starts_after_the_small_print(wide: Path) -> None:
    doc = _doc(wide, "gitenberg-lincoln-second-inaugural/8-0.txt")
    assert doc.body.startswith("Fellow countrymen")
    assert "1978" not in (doc.date_written or "") + (doc.date_published or "")  # "December, 1978 [Etext #8]"


def test_an_html_edition_without_a_main_heading_is_named_by_its_ebook_title(wide: Path) -> None:
    doc = _doc(wide, "gitenberg-jfk-inaugural/3-h/3-h.htm")
    assert doc.title == "John F. Kennedy's Inaugural Address"
    assert doc.authors == ["John F. Kennedy"]


def test_a_title_page_repeating_the_title_is_not_body(wide: Path) -> None:
    doc = _doc(wide, "gitenberg-soul-of-man-under-socialism/1017-0.txt")
    assert doc.body.startswith("THE chief advantage")
    assert "HUMPREYS" not in doc.body


# -- TEI letters (the Escher edition) ----------------------------------------------------------------


def test_a_letters_writer_is_the_one_its_title_names(wide: Path) -> None:
    # correspDesc marks Escher type="sender" although he is the addressee; the edition's title
    # "Heinrich Weiss an Alfred Escher" (and the signature) say who wrote.
    doc = _doc(wide, f"{ESCHER}/K_0325_Weiss_Heinrich_an_Escher_1844-07-22.xml")
    assert doc.authors == ["Heinrich Weiss"]
    own = _doc(wide, f"{ESCHER}/K_7711_AE_an_Colladon_Jean-Daniel_1872-03-11.xml")
    assert own.authors == ["Alfred Escher"]  # and the other way round
    assert doc.doc_type == "letter" and doc.date_written == "1844-07-22" and doc.place == "Winterthur"


def test_letter_parts_come_from_the_markup(wide: Path) -> None:
    doc = _doc(wide, f"{ESCHER}/K_0325_Weiss_Heinrich_an_Escher_1844-07-22.xml")
    assert _texts(doc, "salutation") == ["Hochgeehrter Herr!"]  # <front><div type="opener">
    assert _texts(doc, "dateline") == ["Winterthur. 22. Juli 1844."]
    assert any("Hochachtung" in t for t in _texts(doc, "closing"))  # <back><div type="closer">
    assert any(t.startswith("Hch. Weiß") for t in _texts(doc, "signature"))
    assert "Hochachtung" not in doc.body and not doc.parts_of("postscript")
    assert doc.body.rstrip().endswith("kund thäten.")


def test_tei_inline_conventions(wide: Path) -> None:
    doc = _doc(wide, f"{ESCHER}/K_0325_Weiss_Heinrich_an_Escher_1844-07-22.xml")
    assert "vernehmen" in doc.body  # "zu ver<lb break="no"/>nehmen"
    assert "Ergebenheit" in " ".join(_texts(doc, "closing"))
    assert "Eindruck üben" in doc.body  # "<del>h</del>üben"
    assert "sic!" not in doc.body and "sic!" in _texts(doc, "footnote")  # a note, apart, no marker
    assert "[1]" not in doc.body
    # <choice>: one reading, never both; the edition's expansions are glosses, its text the transcription.
    letter = _doc(wide, f"{ESCHER}/K_7947_Veladini_Pasquale_an_Escher_1869-05-06.xml")
    assert "S. V." in letter.body and "Eure Herrschaft" not in letter.text
    assert "Signoria Vostra" not in letter.text


def test_an_address_block_is_not_the_salutation(wide: Path) -> None:
    doc = _doc(wide, f"{ESCHER}/K_4528_Genazzini_Pietro_an_Escher_1865-06-21.xml")
    assert _texts(doc, "salutation") == ["Monsieur,"]
    assert any("Alfred Escher" in t for t in _texts(doc, "addressee"))
    assert doc.place == "Londres"  # the dateline's own place


def test_a_manuscript_source_is_its_holder_and_shelf_mark(wide: Path) -> None:
    doc = _doc(wide, f"{ESCHER}/K_1051_Escher-Hess_Martin_an_Escher_1852-07-30.xml")
    assert doc.source == "BAR, CH-BAR#J1.67#1000/1363#194*"
    assert doc.source_title is None and doc.provenance["source"].origin == "tei:msIdentifier"


# -- TEI books (hurlus) ---------------------------------------------------------------------------------


def test_front_matter_by_another_hand_is_an_editorial_note(wide: Path) -> None:
    doc = _doc(wide, "hurlus-tei/marx1844_manuscrits.xml")
    notes = " ".join(_texts(doc, "editorial-note"))
    assert "Notre traduction a été établie" in notes and "Notre traduction" not in doc.body
    assert doc.body.startswith("J’ai annoncé")


def test_an_epigraph_above_the_text_is_not_body(wide: Path) -> None:
    doc = _doc(wide, "hurlus-tei/daudet-leon1922_stupide-19e.xml")
    assert "Lur Saluces" not in doc.body.split("\n\n")[0]
    assert doc.body.startswith("Né dans le dernier tiers")

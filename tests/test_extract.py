"""Extraction on real pages: must-have and must-not-have behaviours (trafilatura-style snippets),
one page per convention rather than one rule per page."""

from __future__ import annotations

import re
from pathlib import Path

from archivist.model import Document
from archivist.pipeline import extract_file
from tests.conftest import SHARED, shared_or_skip


def _doc(corpus: Path, rel: str) -> Document:
    result = extract_file(str(corpus / rel), rel)
    assert result.document is not None, result.failure_detail
    return result.document


def _kinds(doc: Document) -> list[str]:
    return [p.kind for p in doc.parts]


def test_mia_letter_anatomy(corpus: Path) -> None:
    doc = _doc(corpus, "mia-mass-edits/archive/plekhanov/1912/10/27.htm")
    assert doc.title == "Letter to Jules Guesde" and doc.authors == ["G.V. Plekhanov"]
    assert (doc.date_written, doc.date_published, doc.place) == ("1912-10-27", "1912-11-02", "Paris")
    assert doc.translator == "Mitch Abidor" and doc.doc_type == "letter"
    assert _kinds(doc)[:4] == ["header", "dateline", "salutation", "body"]
    assert _kinds(doc)[-3:] == ["closing", "signature", "header"]
    assert doc.part_text(doc.parts_of("signature")[0]) == "G. Plekhanoff"
    # Navigation is not kept; the edition's "Last updated" line is, as the last header line.
    assert "Top of the page" not in doc.text and "MIA >" not in doc.text
    assert doc.part_text(doc.parts[-1]).startswith("Last updated on")
    assert [s.kind for s in doc.spans if s.layer == "header"][-1] == "updated"
    assert doc.provenance["place"].origin == "dateline"


def test_mediawiki_letter_with_unlabelled_postscript(corpus: Path) -> None:
    doc = _doc(corpus, "wikirouge-mecw/en/MECW/MECW39-298.html")
    assert doc.authors == ["Jenny von Westphalen"]
    assert doc.addressee == "Joseph Weydemeyer in New York"
    assert (doc.place, doc.date_written, doc.source_volume, doc.source_page) == (
        "London",
        "1852-02-27",
        "39",
        "572",
    )
    kinds = _kinds(doc)
    assert kinds.index("signature") < kinds.index("postscript")
    assert doc.part_text(doc.parts_of("signature")[0]) == "Jenny Marx"


def test_mediawiki_chrome_is_removed(corpus: Path) -> None:
    doc = _doc(corpus, "wikirouge-mecw/en/MECW/MECW42-300.html")
    for chrome in ("Retrieved from", "Navigation menu", "Jump to navigation", "Privacy policy"):
        assert chrome not in doc.text


def test_notes_after_the_text_are_footnotes(corpus: Path) -> None:
    doc = _doc(corpus, "mia-mass-edits/archive/gramsci/1921/09/tactic-failure.htm")
    assert len(doc.parts_of("footnote")) >= 3
    assert "Caporetto was the site" not in doc.body
    assert doc.body.rstrip().endswith("united action of the proletariat.")


def test_footnote_markers_do_not_end_the_body(corpus: Path) -> None:
    doc = _doc(corpus, "mia-reader/_pages/lenin/works/1914/nov/08.htm")
    assert doc.body.rstrip().endswith("(or...).")
    assert doc.parts_of("footnote")


def test_information_block_without_labels(corpus: Path) -> None:
    doc = _doc(corpus, "mia-mass-edits/archive/james-clr/works/1946/10/tenth3.htm")
    assert doc.source_title == "Labor Action"
    assert (doc.source_volume, doc.source_issue, doc.source_page) == ("10", "43", "2")
    assert doc.date_published == "1946-10-28"
    assert doc.date_written is None  # the heading's 1948 contradicts the issue; it is not a date of writing
    assert doc.body.startswith("Every major political move")


def test_editors_introduction_is_not_body(corpus: Path) -> None:
    doc = _doc(corpus, "mia-mass-edits/archive/serge/1930/year-one-ni/part02.html")
    notes = doc.parts_of("editorial-note")
    assert notes and doc.part_text(notes[0]).startswith("Our second installment")
    assert doc.body.startswith("The first Soviet government")


def test_markdown_whole_page_blockquote(corpus: Path) -> None:
    doc = _doc(corpus, "mia-reader/_pages/archive/kollonta/1920/womens-day.md")
    assert doc.title == "International Women's Day" and doc.authors == ["Alexandra Kollontai"]
    assert doc.translator == "Alix Holt"
    assert "{.info}" not in doc.text and ":::" not in doc.text and "\\'" not in doc.text


def test_plain_text_without_header(corpus: Path) -> None:
    doc = _doc(corpus, "uh-soco-llm/data/marx-secret-diplomatic.txt")
    assert doc.title == "Secret Diplomatic History of the Eighteenth Century"
    assert doc.language == "en" and len(doc.body) > 10000


def test_spanish_page_labels(corpus: Path) -> None:
    doc = _doc(corpus, "mia-emijrp/espanol/lumumba/1960/junio/30.htm")
    assert doc.language == "es" and doc.authors == ["Patrice Lumumba"]
    assert doc.translator == "Pancho López"
    assert doc.date_written == "1960-06-30"


def test_document_kind_from_the_form_of_the_text(corpus: Path) -> None:
    # Two parties taking turns under speaker labels: an interview; four speakers: a discussion.
    castro = _doc(corpus, "mia-mass-edits/history/cuba/subject/bay-of-pigs/castro/600120.htm")
    assert (castro.doc_type, castro.provenance["doc_type"].origin) == ("interview", "form:dialogue")
    discussion = _doc(corpus, "mia-mass-edits/archive/trotsky/1938/04/lp.htm")
    assert (discussion.doc_type, discussion.provenance["doc_type"].origin) == ("other", "form:discussion")
    assert discussion.place == "Mexico City"  # "Three Discussions in Mexico City with …"
    # Dialogue reported turn by turn with dashes.
    assert _doc(corpus, "mia-reader/_pages/archive/lafargue/1885/09/visit-michel.md").doc_type == "interview"
    # Running prose that quotes people is not an interview.
    assert _doc(corpus, "mia-mass-edits/archive/peng/1953/dec/30.htm").doc_type != "interview"
    # A text first published on its own, "Title, City Year".
    pamphlet = _doc(corpus, "mia-reader/_pages/archive/kollonta/1920/womens-day.md")
    assert (pamphlet.doc_type, pamphlet.provenance["doc_type"].origin) == (
        "pamphlet",
        "first-published:alone",
    )
    # … but "Freedom, January 1953" is an issue of a periodical.
    assert _doc(corpus, "mia-mass-edits/archive/robeson/1953/01/x01.htm").doc_type == "article"


def test_later_edition_is_not_the_first_publication(corpus: Path) -> None:
    # Discussions of 1938 printed by a publisher in 1969: no date of first publication is stated.
    doc = _doc(corpus, "mia-mass-edits/archive/trotsky/1938/04/lp.htm")
    assert doc.source and "1969" in doc.source and doc.date_published is None
    # A periodical whose title has "Press" in it stays a periodical.
    inprecor = _doc(corpus, "mia-mass-edits/archive/haywood-b/1922/04/prisoners.html")
    assert inprecor.date_published == "1922-04-26"
    # The span of years in a book's title is not its imprint: "… 1806-1807, Hottingen-Zurich, 1888".
    assert _doc(corpus, "mia-mass-edits/archive/marx/works/1887/12/15.htm").date_published == "1888"
    # A reprint's date does not replace the first publication's: "(1948-49); reprinted in … 1971".
    assert _doc(corpus, "mia-mass-edits/archive/lefort/1948/trotsky.htm").date_published == "1948/1949"


def test_date_written_from_dated_entries_and_finer_headings(corpus: Path) -> None:
    # Fragments each headed by its date, closed by a dateline: written from the first to the last.
    fragments = _doc(corpus, "mia-mass-edits/archive/trotsky/works/britain/problems/ch01.htm")
    assert fragments.date_written == "1925-12-22/1926-05-19"
    assert fragments.provenance["date_written"].origin == "datelines:span"
    minutes = _doc(corpus, "wikirouge-mecw/en/MECW/MECW22-065.html")  # "Written: 24 January 1871"
    assert minutes.date_written == "1871-01-24/1871-03-14"
    # Dates in table cells or in instalment headings are not entries.
    assert _doc(corpus, "mia-mass-edits/archive/varga/1922/09/survey.htm").date_written == "1922-07"
    assert _doc(corpus, "mia-mass-edits/archive/eccarius/1851/01/stage.htm").date_written == "1851-01"
    # A coarse date sharpened by a heading that agrees with it.
    record = _doc(corpus, "wikirouge-mecw/en/MECW/MECW21-064.html")  # "Written: August 1869"
    assert (record.date_written, record.provenance["date_written"].origin) == (
        "1869-08-10/1869-08-17",
        "heading",
    )
    programme = _doc(corpus, "mia-mass-edits/subject/left-wing/kapd/1920/programme.htm")  # "Berlin. 1920."
    assert programme.date_written == "1920-05"


def test_source_statements_in_their_many_forms(corpus: Path) -> None:
    # "This edition: Marxists Internet Archive" is the web edition itself; the translation credit names
    # the book the text comes from, and that book's year is not the text's publication.
    icelandic = _doc(corpus, "mia-mass-edits/islenska/luxemburg/1919/14-1.htm")
    assert icelandic.source == "Örn Ólafsson, Rósa Lúxembúrg á íslensku, 2007."
    assert icelandic.source_title == "Rósa Lúxembúrg á íslensku" and icelandic.date_published is None
    # A web site that digitised the text.
    digitised = _doc(
        corpus, "mia-mass-edits/history/international/comintern/3rd-congress/on-radeks-report.htm"
    )
    assert (digitised.source, digitised.source_title) == ("kurasje.org", None)
    # An unlabelled imprint led by its publisher.
    imprint = _doc(corpus, "mia-mass-edits/archive/trotsky/works/britain/problems/ch01.htm")
    assert imprint.source_title == "Problems of the British Revolution" and imprint.date_published is None
    # TEI: a bibl that only names a web site is passed over for the citation; "Author. Work. Book, subtitle".
    tei = _doc(corpus, "hurlus-tei/blanqui1866_prise-armes.xml")
    assert (
        tei.source and tei.source.startswith("Auguste Blanqui. Instructions") and tei.source.endswith("1972")
    )
    assert tei.source_title == "L'Éternité par les astres, hypothèse astronomique et autres textes"
    assert _doc(corpus, "hurlus-tei/engels1876_singe.xml").source_title != "Marxists.org"
    # A name before a colon is an author prefix before "Articles…", part of the title of a book about him.
    assert _doc(corpus, "mia-mass-edits/archive/olgin/speeches/natlib.htm").source_title == (
        "M.J. Olgin: Leader and Teacher"
    )


def test_catechism_questions_are_text_and_a_mandate_formula_closes_it(corpus: Path) -> None:
    doc = _doc(corpus, "mia-reader/_pages/marx/works/1847/11/prin-com.htm")
    assert doc.body is not None and "What is Communism?" in doc.body.split("\n\n")[0]
    assert doc.part_text(doc.parts_of("closing")[0]) == "In the name and on the mandate of the Congress."
    assert doc.body.rstrip().endswith("already in power.")


def test_chapter_title_under_a_book_title_named_in_an_imprint(corpus: Path) -> None:
    doc = _doc(corpus, "mia-mass-edits/archive/trotsky/works/britain/problems/ch01.htm")
    assert doc.title == "Problems of the British Labour Movement" and doc.doc_type == "book-chapter"


def test_dated_title_line_after_the_information_block_is_header(corpus: Path) -> None:
    doc = _doc(corpus, "mia-mass-edits/history/international/comintern/3rd-congress/on-radeks-report.htm")
    assert doc.body is not None and doc.body.startswith("Comrade Hempel [for the KAPD]: Comrades!")
    assert "COMINTERN: 01 July 1921" in doc.text  # kept, as header


def test_notes_inside_the_last_paragraph_are_split_off(corpus: Path) -> None:
    # "…ég verð!<br>Rauði fáninn 14/1 1919.<br>Athugasemdir<br>1) Hópur fólks …" in one <p>.
    doc = _doc(corpus, "mia-mass-edits/islenska/luxemburg/1919/14-1.htm")
    assert [doc.part_text(p) for p in doc.parts_of("header")][-1] == "Athugasemdir"
    assert len(doc.parts_of("footnote")) == 1 and doc.body is not None and "Hópur fólks" not in doc.body


def test_first_publication_in_another_language(corpus: Path) -> None:
    # "First published, in Russian, in the book The General Council of the First Internation- al,
    # 1870-1871, Moscow, 1965": the label without a colon, the language, the years in the book's title.
    doc = _doc(corpus, "wikirouge-mecw/en/MECW/MECW22-065.html")
    assert (doc.date_published, doc.provenance["date_published"].origin) == (
        "1965",
        "header:free:first_published",
    )
    # "First published in English in International Review, New York 1938": a periodical, not a pamphlet.
    martov = _doc(corpus, "mia-mass-edits/archive/martov/1921/xx/decomp.htm")
    assert (martov.source_title, martov.doc_type) == ("International Review", "article")
    assert _doc(corpus, "wikirouge-mecw/en/MECW/MECW22-063.html").doc_type != "pamphlet"  # "the book …"


def test_front_matter_and_the_interviewee(corpus: Path) -> None:
    # "First published: as an Introduction, in S. Borkheim, …": front matter of another's book.
    assert _doc(corpus, "mia-mass-edits/archive/marx/works/1887/12/15.htm").doc_type == "other"
    # No byline: the one speaker whose turns are answers, not questions.
    castro = _doc(corpus, "mia-mass-edits/history/cuba/subject/bay-of-pigs/castro/600120.htm")
    assert (castro.authors, castro.provenance["authors"].origin) == (["Castro"], "form:interviewee")


def test_letters_speeches_and_interviews_from_weaker_signals(corpus: Path) -> None:
    # Correspondence filed under letters/, a "Writer to Addressee" title, "To … in <place>".
    assert _doc(corpus, "mia-mass-edits/archive/marx/works/1884/letters/84_03_24.htm").doc_type == "letter"
    assert _doc(corpus, "wikirouge-mecw/en/MECW/MECW23-016.html").doc_type == "letter"
    assert _doc(corpus, "mia-mass-edits/archive/novack/1934/11/utopia1.htm").doc_type != "letter"
    # "Intervention … au congrès", opening "Citoyens,".
    assert _doc(corpus, "hurlus-tei/lafargue1910_retraites.xml").doc_type == "speech"
    # "[Interview with Ken Livingstone]" set above the title.
    assert _doc(corpus, "mia-mass-edits/archive/harman/1981/06/int-livingstone.htm").doc_type == "interview"


def test_front_matter_before_the_text(corpus: Path) -> None:
    # A review opens with the reviewed book's details, in their own paragraph or run into the first.
    for rel, start in [
        (
            "mia-mass-edits/archive/hill-christopher/1937/11/x01.htm",
            "This is the most useful general biography",
        ),
        ("mia-mass-edits/archive/mcclatchie/1958/soviet_reality.htm", "This is a very useful little booklet"),
        # An epigraph in a quote style with its author after a dash.
        ("mia-mass-edits/subject/left-wing/1999/council-communism.htm", "For much of the twentieth century"),
    ]:
        doc = _doc(corpus, rel)
        assert doc.body is not None and doc.body.startswith(start), rel


def test_closing_place_beside_the_signature(corpus: Path) -> None:
    held = _doc(corpus, "mia-mass-edits/archive/held-walter/1935/10/syi.htm")  # "COPENHAGEN / Walter Held"
    assert held.place == "COPENHAGEN" and held.parts_of("signature")
    zinoviev = _doc(corpus, "mia-mass-edits/archive/zinoviev/works/1916/war/opp4.html")
    assert zinoviev.place == "Hartenstein, Switzerland"  # "GREGORY ZINOVIEV / Hartenstein, Switzerland"
    # An editor who mentions another document ("see his letter to Marx") does not type this one.
    assert _doc(corpus, "wikirouge-mecw/en/MECW/MECW12-048.html").doc_type == "article"


def test_publication_statements_in_unusual_forms(corpus: Path) -> None:
    # "Written/First Published: 1916 (approximately) in The War and the Crisis in Socialism".
    assert _doc(corpus, "mia-mass-edits/archive/zinoviev/works/1916/war/opp4.html").date_published == "1916"
    # "**Source:***Title,*": emphasis markers around a Markdown label.
    plekhanov = _doc(corpus, "mia-reader/_pages/archive/plekhanov/1883/xx/sdelg1.md")
    assert plekhanov.source_title == "Selected Philosopohical Works"
    assert _doc(corpus, "mia-mass-edits/archive/serge/1945/memoirs/ch04x.htm").source_title == "Politics"
    assert _doc(corpus, "mia-mass-edits/archive/marx/works/1884/letters/84_03_24.htm").source_title == (
        "Selected Correspondence"
    )
    # "The following interview first appeared in Solidarity Vol. 6 no. 2 …".
    assert _doc(corpus, "mia-mass-edits/archive/reichenbach/1969/retrospect.htm").source_title == "Solidarity"
    # "Publisher: Foreign Languages Publishing House, Moscow, 1950": the source, but neither title nor date.
    bulganin = _doc(corpus, "mia-mass-edits/archive/bulganin/1949/12/21.htm")
    assert bulganin.source and bulganin.source_title is None and bulganin.date_published is None


def test_contents_lists_and_notes_under_linked_headings_are_not_text(corpus: Path) -> None:
    # "Table of Contents:" with a list whose first item is plain text; notes under h3 "Remarks:" and
    # "Notes:" that are anchor links, in paragraphs of class endnote.
    doc = _doc(corpus, "mia-mass-edits/archive/castoriadis/1964/bureaucracy.htm")
    assert doc.body is not None
    assert doc.body.startswith("We are happy to present to our readers")
    assert doc.body.rstrip().endswith("decisive factor in the birth of the Russian bureaucracy.")
    assert doc.parts_of("footnote")
    # A bibliography under "Works cited:" is back matter.
    kronstadt = _doc(corpus, "mia-mass-edits/history/ussr/events/kronstadt/analysis.htm")
    assert kronstadt.body is not None and "The New International. January 15, 1938" not in kronstadt.body


def test_source_title_is_not_the_text_itself(corpus: Path) -> None:
    # "Tom Quelch, Review of William Morris “The Revolt of Ghent”, Justice, 1st October 1910".
    assert _doc(corpus, "mia-mass-edits/archive/quelch-tom/1910/10/01.htm").source_title == "Justice"
    # … unless the text was published on its own: "A Commune of London by H.M. Hyndman, 1887, 16 pages".
    assert _doc(corpus, "mia-mass-edits/archive/hyndman/1887/01/commune-london.htm").source_title == (
        "A Commune of London"
    )
    # An annual's year and a volume.number are not part of the title.
    assert (
        _doc(corpus, "mia-mass-edits/archive/miliband/1965/xx/state.htm").source_title
        == "The Socialist Register"
    )


def test_tei_translation_credit_in_a_subtitle(corpus: Path) -> None:
    # <title type="sub">traduction Laura Marx-Lafargue, 1886</title>: a credit, not a title.
    doc = _doc(corpus, "hurlus-tei/marx1848_manifeste1886.xml")
    assert doc.translator == "Laura Marx-Lafargue" and doc.provenance["translator"].origin == "tei:title-sub"


def test_letter_laid_out_line_by_line(corpus: Path) -> None:
    # Dateline, the sender's address, salutation … "With kindest regards," / "Your devoted Ch. Longuet".
    doc = _doc(corpus, "wikirouge-mecw/en/MECW/MECW44-346.html")
    assert doc.body is not None and doc.body.rstrip().endswith("a tinsmith by trade.")
    assert [doc.part_text(p) for p in doc.parts_of("signature")] == ["Ch. Longuet"]
    first = next(p for p in doc.parts if p.kind in ("salutation", "body"))
    assert doc.part_text(first) == "My dear Friend,"


def test_where_and_when_set_under_the_title_in_its_heading(corpus: Path) -> None:
    doc = _doc(corpus, "mia-reader/_pages/marx/works/1883/death/burial.htm")
    assert doc.title == "Frederick Engels’ Speech at the Grave of Karl Marx"
    assert (doc.place, doc.date_written) == ("Highgate Cemetery, London", "1883-03-17")


def test_year_written_once_after_several_issues(corpus: Path) -> None:
    # "First published in the New York Daily Tribune, No. 4219, October 26; and the New York Weekly
    # Tribune, No. 685, October 28, 1854": the first issue, with the year written once at the end.
    assert _doc(corpus, "wikirouge-mecw/en/MECW/MECW13-066.html").date_published == "1854-10-26"
    # "(Die Presse, July 7, 1862)" names a newspaper, not a place.
    doc = _doc(corpus, "mia-mass-edits/archive/marx/works/1862/07/colonialism-modernization.htm")
    assert doc.place != "Die Presse"


def test_more_signature_forms_and_a_notes_heading_read_as_label(corpus: Path) -> None:
    maclean = _doc(
        corpus, "mia-mass-edits/archive/maclean/1917/07/letter.htm"
    )  # "Yours / (Signed) John Maclean."
    assert maclean.body is not None and maclean.body.rstrip().endswith("to the workers throughout the world.")
    engels = _doc(
        corpus, "mia-reader/_pages/marx/works/1873/letters/73_06_20.htm"
    )  # "Sincerely yours F Engels"
    assert engels.body is not None and engels.body.rstrip().endswith("Cordial greetings to Liebknecht.")
    brinton = _doc(corpus, "mia-mass-edits/archive/brinton/1969/04/events-france.htm")  # <h3>Notes:</h3>
    assert brinton.body is not None and "André Deutsch" not in brinton.body


def test_titles_about_a_programme_and_pamphlets_named_in_the_source(corpus: Path) -> None:
    for rel in (
        "mia-mass-edits/archive/morrow-felix/1943/05/willkie.htm",  # "Wendell Willkie’s Program"
        "mia-mass-edits/archive/kautsky/1904/xx/manifesto.htm",  # "To What Extent is the … Manifesto Obsolete?"
        "wikirouge-mecw/en/MECW/MECW13-003.html",  # "Declaration of the Prussian Cabinet. Napoleon's Plans. …"
    ):
        assert _doc(corpus, rel).doc_type != "manifesto", rel
    assert _doc(corpus, "mia-mass-edits/subject/left-wing/kapd/1920/programme.htm").doc_type == "manifesto"
    assert _doc(corpus, "mia-mass-edits/archive/hyndman/1887/01/commune-london.htm").doc_type == "pamphlet"
    # "Reply to an article by 'Outcast'" answers an article; it is not a letter.
    assert _doc(corpus, "mia-mass-edits/archive/malatesta/1922/08/whattodo.htm").doc_type != "letter"


def test_bracketed_notes_before_the_text_and_bylines_with_the_book_title(corpus: Path) -> None:
    # "(Report on behalf of the Executive Committee …)" before "COMRADES!"; "(To be continued)" after.
    doc = _doc(corpus, "mia-mass-edits/archive/bukharin/works/1928/09/x01.htm")
    assert doc.body is not None and doc.body.startswith("COMRADES!") and "To be continued" not in doc.body
    # "Frederick Engels / Origins of the Family, …" in one byline paragraph.
    assert _doc(corpus, "mia-reader/_pages/marx/works/1884/origin-family/preface.htm").authors == [
        "Frederick Engels"
    ]
    # "Engels to C. Schmidt / In Berlin": where the letter went is part of its title (the labels of
    # eval/gold/wide-tuning.jsonl keep it, four of four).
    assert (
        _doc(corpus, "mia-reader/_pages/marx/works/1890/letters/90_08_05.htm").title
        == "Engels to C. Schmidt In Berlin"
    )


def test_title_continued_in_a_smaller_heading_and_delivery_in_prose(corpus: Path) -> None:
    # "# Inaugural Address" / "### of the International Working Men’s Association".
    doc = _doc(corpus, "mia-reader/_pages/marx/works/1864/10/27.htm")
    assert doc.title == "Inaugural Address of the International Working Men’s Association"
    # "Speech delivered on the morning of September 5th, 1970, from the balcony … in Santiago."
    speech = _doc(corpus, "mia-mass-edits/archive/allende/1970/september/victory-speech.htm")
    assert (speech.date_written, speech.place) == ("1970-09-05", "Santiago")


def test_an_introduction_by_someone_else_before_the_text(corpus: Path) -> None:
    # "### Introduction: The political context" / "#### by Guy Desolre", with its own notes, then the speech.
    speech = _doc(corpus, "mia-mass-edits/archive/trotsky/1922/02/tu.htm")
    assert [speech.part_text(p) for p in speech.parts_of("salutation")] == ["Comrades,"]
    assert speech.body is not None and speech.body.startswith("The resolution of the Tenth Congress")
    # The editor's paragraph before "### Franz Mehring’s Article".
    article = _doc(corpus, "mia-mass-edits/archive/mehring/1911/12/anglo-german.htm")
    assert article.body is not None and article.body.startswith("In the discussion of the Budget Committee")
    assert "The following article from comrade Franz Mehring" in _opening_editorial(article)


def _opening_editorial(doc: Document) -> str:
    return " ".join(doc.part_text(p) for p in doc.parts_of("editorial-note"))


def test_the_collection_a_page_belongs_to_is_a_last_resort_source(corpus: Path) -> None:
    # A MECW page with no Source or First-published line, only "Collection(s): New York Tribune".
    doc = _doc(corpus, "wikirouge-mecw/en/MECW/MECW16-011.html")
    assert (doc.source_title, doc.doc_type) == ("New York Tribune", "article")


def test_initials_without_stops_in_a_byline_heading(corpus: Path) -> None:
    doc = _doc(
        corpus, "mia-mass-edits/archive/lenin/works/1913/apr/rl-acc-capital-article.htm"
    )  # "## V I Lenin"
    assert (doc.title, doc.authors) == (
        "Rosa Luxemburg's Unsuccessful Addition to Marx's Theory",
        ["V I Lenin"],
    )


def test_author_named_in_the_title_and_a_place_alone_above_the_text(corpus: Path) -> None:
    # "### As to Politics" (the series) over "# Ninth Letter By O. Eherich", then "Oakland, Cal.".
    doc = _doc(corpus, "mia-mass-edits/archive/deleon/works/1907/answers/09-eherich.html")
    assert (doc.authors, doc.place) == (["O. Eherich"], "Oakland, Cal.")
    assert doc.body is not None and doc.body.startswith("Since the controversy")


def test_published_as_a_pamphlet_names_the_text_itself(corpus: Path) -> None:
    # "Originally published as a pamphlet by Druck Julius Sittenfeld, Berlin W S, 1919."
    doc = _doc(corpus, "mia-mass-edits/archive/kautsky/1919/01/guidelines.html")
    assert doc.source_title == doc.title == "Guidelines for a Socialist Action Programme"


def test_an_issue_dated_by_season_is_not_sharpened_by_a_heading_month(corpus: Path) -> None:
    # "(December 1958)" over "Fourth International (Amsterdam), No. 4, Autumn 1958": written in December.
    doc = _doc(corpus, "mia-mass-edits/archive/pablo/1958/xx/progjugo.htm")
    assert (doc.date_published, doc.date_written) == ("1958", "1958-12")


def test_lenin_congress_and_meeting_pages(corpus: Path) -> None:
    # "## V. I. Lenin" / "#### Eighth Congress … March 18-23, 1919" / "### Report On Work …" / "#### March 23".
    report = _doc(corpus, "mia-mass-edits/archive/lenin/works/1919/rcp8th/06.htm")
    assert (report.title, report.date_written) == ("Report On Work In The Countryside", "1919-03-23")
    speech = _doc(corpus, "mia-mass-edits/archive/lenin/works/1917/dec/14b.htm")
    assert speech.translator == "Yuri Sdobnikov and George Hanna"  # "…, Edited by George Hanna"


def test_editorial_lines_around_the_text(corpus: Path) -> None:
    # "This article first appeared in the January 1988 issue of …" before the text.
    doc = _doc(corpus, "mia-mass-edits/archive/broue/1988/01/maydays.htm")
    assert doc.body is not None and doc.body.startswith("Every workers’ revolution")
    # Lenin's Collected Works: "Published according to the verbatim report corrected by Lenin" after it.
    report = _doc(corpus, "mia-mass-edits/archive/lenin/works/1919/rcp8th/06.htm")
    assert report.body is not None and "Published according to" not in report.body


def test_more_datelines_and_sign_offs(corpus: Path) -> None:
    # "Berlin, March 18." closes an open letter: the place, the year being the document's.
    liebknecht = _doc(corpus, "mia-mass-edits/archive/liebknecht-w/1899/03/friends.htm")
    assert liebknecht.place == "Berlin" and liebknecht.body is not None
    assert liebknecht.body.rstrip().endswith("such a chance for Socialism!")
    # "London, 23 April 1892 122 Regent's Park Road, N.W.": a dateline with the sender's address.
    assert _doc(corpus, "wikirouge-mecw/en/MECW/MECW49-204.html").place == "London"
    # "… with its political clause.—Ed. The People": the editor's answer signed inline.
    deleon = _doc(corpus, "mia-mass-edits/archive/deleon/works/1907/answers/02-labille.html")
    assert deleon.body is not None and deleon.body.rstrip().endswith("with its political clause.")
    assert deleon.place == "St. Louis. Mo."
    # "Coyoacan, Mexico" on its own line after the dateline.
    assert (
        _doc(corpus, "mia-mass-edits/archive/sedova-natalia/1948/04/slander.htm").place == "Coyoacan, Mexico"
    )


def test_author_lists_wiki_suffixes_and_reviews_without_by(corpus: Path) -> None:
    assert _doc(corpus, "mia-mass-edits/archive/bensaid/2008/12/lcr-npa.htm").authors == [
        "Pierre Rousset",
        "Daniel Bensaïd",
    ]  # "Pierre Rousset, Daniel Bensaïd et al."
    assert _doc(corpus, "wikirouge-mecw/en/MECW/MECW14-050.html").title == "The Agitation Outside Parliament"
    # … but "Preface to Marx-Engels Collected Works Volume (11)" keeps its volume.
    assert _doc(corpus, "wikirouge-mecw/en/MECW/MECW11-001.html").title.endswith("Volume (11)")
    # "John Foster: Class Struggle and the Industrial Revolution / … £4.75": a reviewed book's details.
    review = _doc(corpus, "mia-mass-edits/archive/saville/1974/xx/foster.htm")
    assert review.body is not None and review.body.startswith("THIS is an important book")


def test_web_credits_stage_directions_and_author_prefixes(corpus: Path) -> None:
    # "Downloaded with thanks from the Europe Solidaire Sans Frontières Website.": a source, not a title.
    doc = _doc(corpus, "mia-mass-edits/archive/bensaid/2008/12/lcr-npa.htm")
    assert doc.source and "Europe Solidaire" in doc.source and doc.source_title is None
    assert (
        _doc(corpus, "mia-mass-edits/archive/lenin/works/1917/dec/14b.htm").source_title == "Collected Works"
    )


def test_series_heading_over_a_numbered_item_and_centred_credits(corpus: Path) -> None:
    # "# History of the World Crisis" / "## Lecture 7: The Hungarian Revolution" / "by" / "J. C. MARIATEGUI"
    # / "Translated by Juan R. Fajardo, 1998", each line centred on its own.
    doc = _doc(corpus, "mia-mass-edits/archive/mariateg/works/1924-hwc/hwc07.htm")
    assert doc.title == "Lecture 7: The Hungarian Revolution"
    assert (doc.authors, doc.translator) == (["J. C. MARIATEGUI"], "Juan R. Fajardo")


def test_closings_with_dashes_addresses_and_signing_bodies(corpus: Path) -> None:
    nin = _doc(
        corpus, "mia-mass-edits/archive/nin/1931/11/danger1.htm"
    )  # "Barcelona, Nov. 27, 1931" / "—ANDRES NIN"
    assert (nin.place, nin.date_written) == ("Barcelona", "1931-11-27")
    # "E. SYLVIA PANKHURST" / "3 Charteris Road, / Woodford Green, Essex."
    preface = _doc(corpus, "mia-mass-edits/archive/pankhurst-sylvia/1955/ethiopia/preface.htm")
    assert preface.body is not None and preface.body.rstrip().endswith("in that entrancing wonderland.")
    # "II." is a part number; "Communist League of Struggle" signs.
    assert _doc(corpus, "mia-mass-edits/archive/weisbord/1932/reply2.htm").authors == [
        "Communist League of Struggle"
    ]


def test_a_dateline_without_its_year_takes_the_documents(corpus: Path) -> None:
    # "Moscow, November 14" above a speech printed on 24 November 1922.
    doc = _doc(corpus, "mia-mass-edits/archive/zetkin/1922/11/speech-conclusion.htm")
    assert (doc.place, doc.date_written, doc.date_published) == ("Moscow", "1922-11-14", "1922-11-24")
    assert doc.body is not None and doc.body.startswith("Comrade Zetkin concluded her speech")


def test_more_conventions_from_unseen_pages(corpus: Path) -> None:
    # "41 Maitland Park Road, N. W." above "My dear and honoured Friend,"; "Your most devoted friend".
    letter = _doc(corpus, "wikirouge-mecw/en/MECW/MECW45-113.html")
    first = next(p for p in letter.parts if p.kind in ("salutation", "body"))
    assert letter.part_text(first).startswith("My dear and honoured Friend")
    assert letter.body is not None and letter.body.rstrip().endswith("this irreparable loss.")
    # "… to avert the Revolution. F. Kitz." run into the last paragraph.
    kitz = _doc(corpus, "mia-mass-edits/archive/kitz/strikes.htm")
    assert kitz.body is not None and kitz.body.rstrip().endswith("to avert the Revolution.")
    # "First article of a 3-part series by Karl Kautsky …" before the text.
    kautsky = _doc(corpus, "mia-mass-edits/archive/kautsky/1881/state/1-statesoc.htm")
    assert kautsky.body is not None and kautsky.body.startswith("I do not want to talk here of")
    # "An Interview with Lenin"; "…, under the headline “…”" is not part of the citation.
    interview = _doc(corpus, "mia-mass-edits/archive/lenin/works/1919/mar/guardian.htm")
    assert (
        interview.authors == ["Lenin"]
        and interview.source == "The Furnishing Worker (Australia), August 4, 1919"
    )


def test_run_in_datelines_places_above_salutations_and_long_greetings(corpus: Path) -> None:
    # "Petrograd, February, 1921.—The cold is extreme …": a diary entry's dateline run into it.
    diary = _doc(corpus, "mia-mass-edits/reference/archive/berkman/1925/bolshevik-myth/38.htm")
    assert (diary.place, diary.date_written) == ("Petrograd", "1921-02")
    # "… 2 Huddersfield Road," / "Barnsley, Yorks." / "Dear Sir and Brother,".
    grant = _doc(corpus, "mia-mass-edits/archive/grant/1942/07/miners.htm")
    assert [grant.part_text(p) for p in grant.parts_of("salutation")] == ["Dear Sir and Brother,"]
    # "Best greetings to your wife and the girls. Lafargue is in a really frightful hurry." is text.
    engels = _doc(corpus, "wikirouge-mecw/en/MECW/MECW43-279.html")
    assert engels.body is not None and engels.body.rstrip().endswith(
        "Lafargue is in a really frightful hurry."
    )


def test_a_reprint_or_original_publication_goes_on_with_the_source(corpus: Path) -> None:
    # ETOL-style information blocks: "From Revolutionary History, …" then "Originally published in …" on
    # the next line; the statement keeps both, its title and date are the first statement's.
    for rel, tail in (
        ("mia-mass-edits/archive/serge/1927/china/letter5.html", "Originally published in Clarté"),
        ("mia-mass-edits/archive/hass/1992/xx/tinpoland.html", "Originally published in Oblicza lewicy"),
    ):
        doc = _doc(corpus, rel)
        assert doc.source and doc.source.startswith("Revolutionary History") and tail in doc.source
        assert doc.source_title == "Revolutionary History"
        assert doc.provenance["source"].origin.endswith("+source-continuation")


def test_a_source_naming_where_the_copy_is_held_gives_way_to_the_first_publication(corpus: Path) -> None:
    # "Source: Thanks to the Holt Labor Library collection …", "Source: Kurasje Archive;": an archive or
    # library that holds a copy, no publication; "First Published:" beside it names the publication.
    ultra = _doc(corpus, "mia-mass-edits/archive/trotsky/1937/1937-ultra.htm")
    assert ultra.source and ultra.source.startswith("Internal Bulletin") and ultra.date_published == "1937-10"
    mattick = _doc(corpus, "mia-reader/_pages/archive/mattick-paul/1938/mass-vanguard.md")
    assert mattick.source and "Living Marxism" in mattick.source and "Archive" not in mattick.source


def test_a_written_label_set_as_a_dateline_gives_the_place(corpus: Path) -> None:
    # "Written: Trier, February 10 [1842]", "Written : London, February 15, 1862." (wikirouge, read from
    # ../shared/corpus-wide, never copied): the place before the date's comma.
    wide = shared_or_skip(SHARED / "corpus-wide")
    for rel, place in (
        ("wikirouge-mecw/en/MECW/MECW01-040.html", "Trier"),
        ("wikirouge-mecw/en/MECW/MECW19-039.html", "London"),
    ):
        doc = _doc(wide, rel)
        assert doc.place == place and doc.provenance["place"].origin.endswith(":dateline")
    # "Written: March, May and September 1843;": months, not a place.
    assert _doc(corpus, "wikirouge-mecw/en/MECW/MECW03-006.html").place is None


def test_a_chapter_heading_the_head_title_names_in_brackets_is_the_title() -> None:
    # MIA book chapters (read from ../shared/corpus-wide, never copied): the top heading is the book,
    # "<title>Tony Cliff: Rosa Luxemburg (Party and class)</title>" names the chapter heading under it.
    wide = shared_or_skip(SHARED / "corpus-wide")
    cliff = _doc(wide, "mia-mass-edits/archive/cliff/works/1959/rosalux/5-partyclass.htm")
    assert cliff.title == "Party and class" and cliff.provenance["title"].origin == "head-title:part"
    # A generic heading ("Appendix") is the book's: the book's title leads.
    pablo = _doc(wide, "mia-mass-edits/archive/pablo/1972/selfman/appendix.htm")
    assert pablo.title == "Self-management in the struggle for socialism – Appendix"
    # A date in the head title's brackets names no part: the subtitle stays a subtitle.
    zinoviev = _doc(wide, "mia-mass-edits/archive/zinoviev/works/1916/war/2eras3.html")
    assert zinoviev.title == "Two Eras of War – III"


def test_a_chapter_file_takes_its_numbered_heading_under_the_book_title(corpus: Path) -> None:
    # "ch04.htm" of a book: "The Bronze Age" (the book), the information block, then "IV. THE EARLY
    # BRONZE AGE", the chapter's own title.
    childe = _doc(corpus, "mia-mass-edits/archive/childe/1930/bronzeage/ch04.htm")
    assert childe.title == "IV. THE EARLY BRONZE AGE"
    assert childe.provenance["title"].origin == "heading:chapter-under-book"
    # A chapter's next page ("(cont’d)") has the chapter's title (read from ../shared/corpus-wide).
    wide = shared_or_skip(SHARED / "corpus-wide")
    mehring = _doc(wide, "mia-mass-edits/archive/mehring/1918/marx/ch14c.htm")
    assert mehring.title == "Chapter Fourteen: The Decline of the International"
    # Not every numbered heading under a title is a chapter: a report's first section is not.
    assert (
        _doc(corpus, "mia-mass-edits/archive/pollitt/1949/11/political_report.htm").title
        == "Political Report"
    )


def test_a_dateline_or_heading_sharpens_the_month_of_the_title() -> None:
    # wikirouge (read from ../shared/corpus-wide): "British Commerce (September 1860)" and the dateline
    # "London, Sept. 8, 1860" under it; "Statement … (November 1868)" and a heading of 23 November 1868.
    wide = shared_or_skip(SHARED / "corpus-wide")
    commerce = _doc(wide, "wikirouge-mecw/en/MECW/MECW17-041.html")
    assert (commerce.date_written, commerce.provenance["date_written"].origin) == ("1860-09-08", "dateline")
    statement = _doc(wide, "wikirouge-mecw/en/MECW/MECW21-016.html")
    assert (statement.date_written, statement.provenance["date_written"].origin) == ("1868-11-23", "heading")


def test_an_unlabelled_published_in_line_is_the_first_publication() -> None:
    # Read from ../shared/corpus-wide: "Published in the magazine Il Libero Pensiero, No. 9, August 31,
    # 1871 and in …" (wikirouge) names the first publication and its date.
    wide = shared_or_skip(SHARED / "corpus-wide")
    assert _doc(wide, "wikirouge-mecw/en/MECW/MECW22-038.html").date_published == "1871-08-31"
    # "Published in … Labor Action, …, 3 March 1941." / "Originally published in New Leader (London),
    # 4 January 1941.": the statement keeps both, its title is the first's.
    padmore = _doc(wide, "mia-mass-edits/archive/padmore/1941/01/windians.htm")
    assert padmore.source and padmore.source.startswith("Published in") and "New Leader" in padmore.source
    assert padmore.source_title == "Labor Action"


def test_a_part_titled_only_by_what_part_it_is_takes_the_book_above(corpus: Path) -> None:
    # "## Socialism and Strikes" above "# III.": the book's third part.
    glasier = _doc(corpus, "mia-mass-edits/archive/glasier/1890s/strikes/ch03.html")
    assert glasier.title == "Socialism and Strikes – III"
    assert glasier.provenance["title"].origin == "heading:book-of-part"


def test_a_tei_source_named_in_words_is_its_linked_address(corpus: Path) -> None:
    # <bibl><ref target="https://fr.wikisource.org/…">Wikisource</ref></bibl>: the address is the source,
    # a web site names no publication; a site shown by its domain ("Marxists.org") stays as shown.
    doc = _doc(corpus, "hurlus-tei/marx1850_france-lutte-classes.xml")
    assert doc.source == "https://fr.wikisource.org/wiki/La_Lutte_des_classes_en_France_(1848-1850)"
    assert doc.source_title is None and doc.provenance["source"].origin == "tei:sourceDesc:ref"
    assert _doc(corpus, "hurlus-tei/engels1876_singe.xml").source == "Marxists.org"


def test_a_description_before_the_periodical_is_not_its_title() -> None:
    # Read from ../shared/corpus-wide: "… in the quarterly literary magazine Gangrel", "Published in the
    # newspaper La Justice, March 20, 1883", "… as a leading article in The Labour Standard".
    wide = shared_or_skip(SHARED / "corpus-wide")
    for rel, title in (
        ("mia-mass-edits/archive/orwell/1946/why-i-write.htm", "Gangrel"),
        ("wikirouge-mecw/en/MECW/MECW24-064.html", "La Justice"),
        ("wikirouge-mecw/en/MECW/MECW24-051.html", "The Labour Standard"),
    ):
        assert _doc(wide, rel).source_title == title


def test_a_letters_heading_keeps_where_it_was_sent(corpus: Path) -> None:
    # "Engels to August Bebel<br>In Hubertsburg": the addressee's place is part of the letter's title.
    doc = _doc(corpus, "mia-reader/_pages/marx/works/1873/letters/73_06_20.htm")
    assert doc.title == "Engels to August Bebel In Hubertsburg"


def test_a_downloaded_from_line_is_the_source_in_its_words(corpus: Path) -> None:
    # "Downloaded with thanks from Endpage.com.", as "Copied from …" is kept: the web site is the source,
    # and names no publication.
    doc = _doc(corpus, "mia-mass-edits/archive/glaberman/1996/xx/reuther.htm")
    assert (doc.source, doc.source_title) == ("Downloaded with thanks from Endpage.com.", None)


def test_one_line_is_the_whitespace_regex() -> None:
    import re
    import sys

    from archivist.text import _ASCII_BREAKS, one_line

    spaces = "".join(chr(c) for c in range(sys.maxunicode + 1) if re.fullmatch(r"\s", chr(c)))
    assert spaces == "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
    # one_line returns a text as it is when it has no other whitespace than single inner spaces,
    # which it tells by str.isprintable: false for every whitespace character but the space
    assert not any(c.isprintable() for c in spaces if c != " ")
    # in ASCII text it looks for each whitespace character but the space and the line feed
    assert set(_ASCII_BREAKS) == {c for c in spaces if c.isascii()} - {" ", "\n"}
    texts = ["a b", "a  b", " a b", "a b ", "Marx\u2019s \u00e9crits, 1848.", "a\u00a0b", "a\nb", "a\x85b",
             "\n a b \n", "\na\nb c\n", "a\n b", "a \nb", "a\n\nb", "\n\n", "a\n\tb", "a\nb\u00a0c", "a\x1fb", "a\tb",
             "a\x00b"]  # fmt: skip
    for text in [f"{spaces} a{spaces}b \n c{spaces}", "a", "", " \t", "x\u00a0\u2003y\u3000", *texts]:
        assert one_line(text) == re.sub(r"\s+", " ", text).strip()


def _first_characters(pattern: re.Pattern[str]) -> set[str]:
    """Every character a match of `pattern` (anchored at its start) can open with, read from its
    parse: literals, alternatives and optional groups; anything else fails the test."""
    import re._parser as parser  # type: ignore[import-not-found]

    def first(items: list[tuple[object, object]]) -> tuple[set[str], bool]:  # (characters, may be empty)
        found: set[str] = set()
        for op, av in items:
            name = str(op)
            if name == "AT":
                continue
            if name == "LITERAL":
                assert isinstance(av, int)
                return found | {chr(av)}, False
            if name == "SUBPATTERN":
                chars, empty = first(list(av[3]))  # type: ignore[index]
            elif name == "BRANCH":
                parts = [first(list(branch)) for branch in av[1]]  # type: ignore[index]
                chars, empty = set().union(*(p[0] for p in parts)), any(p[1] for p in parts)
            elif name in ("MAX_REPEAT", "MIN_REPEAT"):
                low, _, sub = av  # type: ignore[misc]
                chars, empty = first(list(sub))
                empty = empty or low == 0
            else:
                raise AssertionError(f"cannot tell the first characters of {name}")
            found |= chars
            if not empty:
                return found, False
        return found, True

    chars, empty = first(list(parser.parse(pattern.pattern, pattern.flags)))
    assert not empty
    return chars


def test_pretests_before_patterns_hold_every_alternative() -> None:
    """The cheap tests run before a pattern on every item (`may_open`, a length, a colon) must
    never refuse a text the pattern would match: the initials cover every alternative's first
    letter, the length bound is the pattern's longest match."""
    import re._parser as parser  # type: ignore[import-not-found]

    from archivist.extract import anatomy, blockmodel, notes
    from archivist.text import may_open

    for pattern, initials in (
        (blockmodel._SALUTATION, blockmodel._SALUTATION_INITIALS),
        (blockmodel._NOTES_HEADING, blockmodel._NOTES_HEADING_INITIALS),
        (blockmodel._CLOSING, blockmodel._CLOSING_INITIALS),
        (anatomy._POSTSCRIPT, anatomy._POSTSCRIPT_INITIALS),
    ):
        assert pattern.flags & re.I
        assert {c.lower() for c in _first_characters(pattern)} <= set(initials), pattern.pattern
    for text in ("Dear Sir", "DEAR SIR", "\u017firs,", "my dear friend", "P.S. also"):
        assert may_open(text, "dmps")
    for text in ("", " Dear", "1 Dear", "xenia"):
        assert not may_open(text, "dmps")
    assert parser.parse(notes._NOTES_HEADING.pattern).getwidth()[1] == notes._NOTES_HEADING_LONGEST
    assert notes._notes_heading("  Notes by the Marxists Internet Archive  ")
    assert not notes._notes_heading("Notes by the Marxists Internet Archive, who transcribed it in 1999")
    # every alternative of the chrome line pattern opens with one of its initials, or holds what
    # `_may_be_chrome_line` looks for in an ASCII line, or cannot match one
    from archivist.extract import layout

    chrome = layout._CHROME_LINE.pattern
    assert chrome.startswith("(?:") and chrome.endswith(")")
    for alternative in blockmodel._top_level_alternatives(chrome[3:-1]):
        opening = alternative.removeprefix(r"\(?").removeprefix("\\").removeprefix("(?:")
        assert (
            opening[:1].lower() in layout._CHROME_LINE_INITIALS
            or opening.startswith((r"\d", "[*_-]"))
            or "archive\\s*>" in alternative
            or "file size" in alternative
            or not alternative.isascii()
        ), alternative
    for line in (
        "The archive > Marx",
        "Top of the page",
        "A File Size: 3 MB",
        "Index",
        "» next",
        "1.2.1917",
        "Abc",
    ):
        assert layout._may_be_chrome_line(line) or not layout._CHROME_LINE.fullmatch(line), line
    # no character but the ASCII ones lowers to a letter of "gutenberg" (`gutenberg.mark_gutenberg`
    # looks for it among a text's ASCII characters)
    import sys

    assert not any(set(chr(c).lower()) & set("gutenberg") for c in range(128, sys.maxunicode + 1))
    from archivist.text import first_line

    assert [first_line(t) for t in ("a\nb\nc", "abc", "", "\n")] == ["a", "abc", "", ""]
    # every alternative of the trailer pattern holds one of the words looked for first
    trailers = blockmodel._top_level_alternatives(blockmodel._TRAILER.pattern[len(r"\b(?:") : -len(r")\b")])
    assert all(any(w in t.replace("(?:the )?", "") for w in blockmodel._TRAILER_WORDS) for t in trailers)
    for text in ("To be continued", "Top of the page", "Source: Pravda", "the Transcribed text", "a reading"):
        assert blockmodel._is_trailer(text, text.lower()) == bool(blockmodel._TRAILER.search(text)), text


def test_a_label_is_looked_for_only_before_a_lines_first_colon() -> None:
    """`labels.parse_label_line` tries its pattern only where the text before the line's first colon,
    stripped, is short enough to be a bracketed label of up to 41 characters: the same answers."""
    from archivist.extract import labels

    for line in ("Written: 1939", "  [Source] : Pravda", "Transcription/Markup: Einde O’Callaghan", "**Source:** x",
                 "He wrote to her: come", "Source" * 7 + ": x", "Sources" * 6 + ": x", "Written：1939",
                 "Note: a: b", "[" + "a" * 41 + "]  : x", "[" + "a" * 42 + "]: x"):  # fmt: skip
        written = labels._LINE.match(line.lstrip("*_"))
        key = labels.label_key(written.group("label")) if written else None
        assert (labels.parse_label_line(line) is not None) == (key is not None), line
        if written:
            assert (
                len(line.lstrip("*_")[: labels._first_colon(line.lstrip("*_"))].strip()) <= labels._LABEL_MOST
            )


def test_dialogue_turns_read_as_the_patterns_did() -> None:
    """`doctype.dialogue_form` tests a paragraph's opening without a regular expression where a
    prefix says it: the same answers as the patterns it replaced."""
    from archivist.extract import doctype

    dash_turn = re.compile(r"^(?:--|—|–)\s*\S")
    quoted = re.compile(r"^[‘“\"«]")
    for text in ("-- But why?", "--", "-- ", "---", "— Yes", "–\u00a0\u00a0x", "—\n", "- no", "", "x -- y",
                 "“Yes,” he said", '"No"', "«Non»", "‘a", "'a", "Q: Why?", "Dr Castro: Look", "Q:", "A : b"):  # fmt: skip
        assert doctype._dash_turn(text) == bool(dash_turn.match(text)), text
        assert text.startswith(doctype._QUOTES) == bool(quoted.match(text)), text
        speaker, written = doctype._speaker(text), doctype._SPEAKER.match(text)
        assert (speaker and speaker.group(0)) == (written and written.group(0)), text


def test_month_names_grouped_by_first_letter_match_as_the_plain_list() -> None:
    """`dates.name_alternative` groups the month names under their first letter for speed: the same
    matches as the plain list, longest first, in text built of the names, their pieces and their
    neighbours in either case."""
    import random

    from archivist.extract import dates
    from archivist.extract.lexicon import MONTHS, SEASONS

    for names in (list(MONTHS), list(SEASONS)):
        firsts = {name[0] for name in names}
        assert not any(re.fullmatch(re.escape(a), b, re.I) for a in firsts for b in firsts if a != b)
        plain = "(?:" + "|".join(sorted((re.escape(n) for n in names), key=len, reverse=True)) + ")"
        grouped = dates.name_alternative(names)
        # a name is a whole word: `find_date` counts a text's month names by `_ANY_MONTH`
        assert all(name.isalpha() for name in names)
        assert grouped != plain
        pieces = [*names, *(n[:3] for n in names), *(n.upper() for n in names[:20]), " ", ".", "1", "é", "x"]
        rng = random.Random(8)
        for flags in (0, re.I):
            ours, theirs = re.compile(rf"\b{grouped}\b", flags), re.compile(rf"\b{plain}\b", flags)
            for _ in range(3000):
                text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 6)))
                assert [m.span() for m in ours.finditer(text)] == [m.span() for m in theirs.finditer(text)]


def test_the_date_patterns_lowercase_twins_read_ascii_text_alike() -> None:
    """`find_date` reads ASCII text lowercased with twins of its re.I patterns: right while no
    non-ASCII letter of a pattern matches an ASCII one under re.I (the Kelvin sign matches "k", the
    long s "s") and no character class holds non-ASCII characters (a range could hold such a letter)."""
    import re

    from archivist.extract import dates

    twins = [(p, t) for _, p, t in dates._TWINS if t is not None] + [
        (dates._ANY_MONTH, dates._ANY_MONTH_LOWER)
    ]
    for pattern, twin in twins:
        assert not re.search(r"\[[^\]]*[^\x00-\x7f][^\]]*\]", pattern.pattern)
        for char in {c for c in pattern.pattern if ord(c) > 127}:
            assert not any(re.fullmatch(re.escape(char), chr(a), re.I) for a in range(128)), char
        for text in (
            "Written: SEPT. 14, 1939",
            "between 10 and 12 JUNE 1885",
            "Winter 1956",
            "9, 10,11 Mai 1918",
        ):
            assert [m.span() for m in twin.finditer(text.lower())] == [
                m.span() for m in pattern.finditer(text)
            ]
    assert dates.find_date.__wrapped__("Coyoacan, D.F., SEPT. 14, 1939") == ("1939-09-14", 16, 30)


def test_a_dateline_run_into_the_first_paragraph() -> None:
    from archivist.extract.anatomy import analyse

    # A one-paragraph text keeps its dateline apart as well; newspapers write it with a dash.
    for texts, place, opening in (
        (["Cologne, May 2. It is with satisfaction that we report the meeting."], "Cologne", "It is"),
        (["MINNEAPOLIS, Nov. 10 — The strike went on.", "It ended."], "MINNEAPOLIS", "The strike"),
        (["London, Tuesday, September 28. The facts are these.", "More."], "London", "The facts"),
    ):
        anatomy = analyse(texts, [])
        assert [seg.place for seg in anatomy.datelines] == [place], texts
        body = [seg for seg in anatomy.segments if seg.kind == "body"]
        assert body[0].text.startswith(opening), texts
    # No date, no dateline: a sentence that starts with a place stays the text.
    assert analyse(["Cologne, the city of the Rhine, was quiet.", "More."], []).datelines == []


def test_a_byline_that_is_no_ones_name_gives_way_to_the_meta_author(corpus: Path) -> None:
    # A book's title in the byline's place ("The Real World of Ideology"), the page's head naming the
    # author in <meta name="author">: the author (read from ../shared/corpus-wide, never copied).
    wide = shared_or_skip(SHARED / "corpus-wide")
    mccarney = _doc(wide, "mia-mass-edits/archive/mccarney/1980/ideology/ch01.htm")
    assert mccarney.authors == ["Joe McCarney"] and mccarney.provenance["authors"].origin == "meta:author"
    # Template heads are copied from page to page: a review of another's book keeps its byline (the
    # meta names someone else), and a site's trail does not take its section editor for the author.
    krupskaya = _doc(wide, "mia-mass-edits/archive/krupskaya/works/rol/rol06.htm")
    assert krupskaya.authors != ["Leon Trotsky"]
    theses = _doc(corpus, "mia-reader/_pages/marx/works/1845/theses/feuerbach.htm")
    assert "Andy Blunden" not in theses.authors


def test_an_editors_estimate_in_a_dateline_is_still_a_dateline() -> None:
    # MECW's editors date undated letters in brackets: "[Manchester, about 1 August 1851]", "[London,
    # not later than July 12, 1858]"; a closing "Berne, about December 25, 1848" (../shared/corpus-wide).
    wide = shared_or_skip(SHARED / "corpus-wide")
    assert _doc(wide, "wikirouge-mecw/en/MECW/MECW38-195.html").place == "Manchester"
    assert _doc(wide, "wikirouge-mecw/en/MECW/MECW15-097.html").place == "London"
    assert _doc(wide, "wikirouge-mecw/en/MECW/MECW08-069.html").place == "Berne"


def test_the_author_over_the_book_above_a_chapter_heading(corpus: Path) -> None:
    # "Karl Marx / Critique of the Gotha Programme" over "I": a title-styled line in HTML, a plain
    # paragraph of two lines in the Markdown the same page was converted to; both name the author.
    for name in ("ch01.htm", "ch01.md"):
        doc = _doc(corpus, f"mia-reader/_pages/marx/works/1875/gotha/{name}")
        assert doc.authors == ["Karl Marx"], name


def test_the_author_and_the_book_on_one_line_above_a_chapter_heading() -> None:
    # "N.I. Bukharin: Imperialism and World Economy" over "Chapter 12: …", and "Mark Starr: A Worker
    # Looks At History" over "Chapter 7: The Guilds" (taken as the chapter's subtitle).
    wide = shared_or_skip(SHARED / "corpus-wide" / "mia-mass-edits" / "archive")
    for rel, author in (
        ("bukharin/works/1917/imperial/12.htm", "N.I. Bukharin"),
        ("starr-mark/worker-looks-history/ch07.htm", "Mark Starr"),
    ):
        assert _doc(wide, rel).authors == [author], rel


def test_a_volume_named_in_german_is_not_the_source_title() -> None:
    from archivist.extract.source_line import parse_source_line

    parts = parse_source_line("Jung/Koch, Escher Briefe, Band 3, Nr. 13")
    assert (parts.title, parts.volume, parts.issue) == ("Escher Briefe", "3", "13")
    # and the same on a real letter of the Escher edition, read from its TEI source description
    wide = shared_or_skip(SHARED / "corpus-wide" / "escher-briefe" / "data" / "briefe")
    doc = _doc(wide, "K_1780_Furrer_Jonas_an_Escher_1859-12-07.xml")
    assert doc.source_title == "Escher Briefe"

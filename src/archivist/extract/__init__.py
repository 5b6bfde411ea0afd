"""Extraction: a `Page` of blocks in, a `Document` with fields, provenance and parts out.

The stages are plain functions over the page: `lay_out` (where the header, body and notes are),
`analyse` (the anatomy of the body), then `build_document` reads the fields from what they found,
recording for each where it came from. The readers are in `people` (authors, translator), `source`
(the source statement), `when` (dates published and written) and `place`; `assemble` joins the
kept blocks into the text and its parts.
"""

from __future__ import annotations

from archivist.extract.anatomy import analyse
from archivist.extract.assemble import assemble
from archivist.extract.blockmodel import extend_roles, predict_edges, reframe, rule_edges
from archivist.extract.doctype import classify, interviewee
from archivist.extract.labels import clean_value
from archivist.extract.language import detect_language
from archivist.extract.layout import Layout, lay_out
from archivist.extract.people import authors_of, person_value, settle_authors, translator_of
from archivist.extract.place import read_place
from archivist.extract.segment import Anatomy, Segment
from archivist.extract.source import read_source
from archivist.extract.stated import stated_anatomy
from archivist.extract.typemodel import second_opinion
from archivist.extract.when import read_dates
from archivist.model import EXTRACTOR_VERSION, Document, Provenance
from archivist.sources.page import Page

__all__ = ["build_document"]


def build_document(page: Page, doc_id: str) -> Document:
    """The document a page holds: its canonical text, its parts and header lines as layers, and
    every metadata field with where it came from."""
    layout = lay_out(page)
    items = layout.items
    authors, author_origin = authors_of(page, layout)
    anatomy, by_block = _anatomy(layout, authors)
    # The learned second opinion on where the text starts and ends (`blockmodel`): it may take in
    # items the rules left out (the anatomy is then read again) and set aside those it puts outside.
    # A TEI file states where its text is (<front>, <body>, <back>, opener and closer): the model,
    # which learnt from pages that do not, gives no second opinion there.
    rules = rule_edges(by_block)
    stated = page.format == "tei"
    if (
        not stated
        and (edges := predict_edges(layout, by_block, authors=authors, rules=rules)) is not None
        and edges != rules
    ):
        if extend_roles(layout, rules, edges):
            anatomy, by_block = _anatomy(layout, authors)
        reframe(by_block, items, edges)
    body_texts = [items[i].text for i in layout.body]
    paragraphs = [p for t in body_texts for p in t.split("\n\n") if p.strip()]
    text, parts, header_lines = assemble(layout, by_block, agent=f"extractor@{EXTRACTOR_VERSION}")
    doc = Document(
        path=page.path, id=doc_id, text=text, parts=parts, format=page.format, encoding=page.encoding,
        spans=header_lines,
    )  # fmt: skip
    prov = doc.provenance

    def put(name: str, value: object, origin: str, raw: str | None = None, confidence: float = 1.0) -> None:
        if value in (None, "", []):
            return
        setattr(doc, name, value)
        prov[name] = Provenance(origin=origin, raw=raw, confidence=confidence)

    labels = _labels(layout)
    fields = page.fields
    # -- title and authors -------------------------------------------------------------------------
    put("title", layout.title, layout.title_origin or ("tei:title" if page.format == "tei" else "title"))
    authors, author_origin = settle_authors(authors, author_origin, layout.title, labels, anatomy.signatures)
    put("authors", authors, author_origin or "byline", layout.byline)
    # -- source --------------------------------------------------------------------------------------
    source = read_source(labels, fields, authors, layout.title)
    origin = source.origin
    put("source", source.text, origin or "")
    put("source_title", source.parts.title, f"{origin}:title" if origin else "")
    put("source_volume", source.parts.volume, f"{origin}:volume" if origin else "")
    put("source_issue", source.parts.issue, f"{origin}:issue" if origin else "")
    put("source_page", source.parts.page, f"{origin}:page" if origin else "")
    # -- dates -----------------------------------------------------------------------------------
    published, pub_origin, written, written_origin = read_dates(
        page, layout, labels, anatomy.datelines, paragraphs, source
    )
    put("date_published", published, pub_origin or "")
    put("date_written", written, written_origin or "")
    # -- place, people, rights -----------------------------------------------------------------------
    if place := read_place(anatomy.datelines, layout.subtitles, labels):
        put("place", place[0], place[1])
    elif fields.get("place_sent"):
        put("place", fields["place_sent"][0], "tei:correspAction")
    if translator := translator_of(labels, layout, fields):
        put("translator", person_value(translator[0]), translator[1], translator[0])
    transcriber = labels.get("transcribed")
    if transcriber:
        put("transcriber", person_value(transcriber[0]), transcriber[1], transcriber[0])
    rights = labels.get("rights")
    if rights:
        put("rights", clean_value(rights[0]), rights[1])
    elif fields.get("rights"):
        put("rights", fields["rights"][0], "tei:licence")
    put("classification", anatomy.classification, "anatomy:classification")
    put("addressee", anatomy.addressee, "anatomy:addressee")
    # -- language and type -------------------------------------------------------------------------
    body = doc.body or text
    language = detect_language(body)
    put(
        "language",
        language or (fields["language"][0] if fields.get("language") else None),
        "lingua" if language else "tei:language",
    )
    doc_type, why = classify(
        doc.title, layout.subtitles + ([layout.byline] if layout.byline else []) + _headings_above(layout),
        set(labels) | {k for k, *_ in
        layout.labels}, anatomy.salutation is not None, bool(anatomy.signatures), anatomy.addressee is not None,
        doc.source, body[:200], _opening_notes(doc),
        paragraphs=paragraphs,
        first_published=labels["first_published"][0] if "first_published" in labels else None,
        path=page.path,
    )  # fmt: skip
    put("doc_type", doc_type, why)
    if page.address:
        put("url", page.address[0], page.address[1])
    if not doc.authors and why == "form:dialogue" and (speaker := interviewee(paragraphs)):
        put("authors", [speaker], "form:interviewee")
    if (learned := second_opinion(doc, doc_type, why)) is not None:
        # The learned model (`typemodel`) overrules a verdict the page does not state outright.
        put("doc_type", learned, "model:doctype", f"{doc_type} ({why})")
    return doc


def _anatomy(layout: Layout, authors: list[str]) -> tuple[Anatomy, dict[int, list[Segment]]]:
    """The anatomy of the body items (as a TEI file states it, else as the rules read it), and its
    segments by item index."""
    anatomy = stated_anatomy(layout.items, layout.body) or analyse(
        [layout.items[i].text for i in layout.body], authors
    )
    by_block: dict[int, list[Segment]] = {}
    for seg in anatomy.segments:
        by_block.setdefault(layout.body[seg.block], []).append(seg)
    return anatomy, by_block


def _headings_above(layout: Layout) -> list[str]:
    """Header lines above the title that are neither title nor byline ("[Interview with Ken Livingstone]")."""
    end = layout.title_index if layout.title_index is not None else 0
    return [it.text.strip("[] ") for it in layout.items[:end] if it.role == "header" and it.block.is_heading]


def _opening_notes(doc: Document) -> str:
    """Editorial notes that come before the body: an editor's own account of the text."""
    first_body = next((p.start for p in doc.parts if p.kind == "body"), len(doc.text))
    return " ".join(
        doc.part_text(p) for p in doc.parts if p.kind == "editorial-note" and p.start < first_body
    )


def _labels(layout: Layout) -> dict[str, tuple[str, str]]:
    """The first non-empty value of each labelled header key, with its provenance origin."""
    out: dict[str, tuple[str, str]] = {}
    for key, label, value in layout.labels:
        if key not in out and clean_value(value):
            out[key] = (value, f"header:{label}")
    for key, values in layout.table_fields.items():
        # Authors are read from the table directly (`people.authors_of`); its date of writing ranks
        # below the other evidence (`when.read_dates`), so it gets a key of its own.
        if key == "written" and values and "table_written" not in out:
            out["table_written"] = ("\n".join(values), f"table:{key}")
    return out

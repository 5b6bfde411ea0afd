"""What the document page shows, computed from a `Document`: the reading view's blocks (parts set
apart, footnotes as notes), the metadata panel with provenance, and the citation meta tags."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from archivist.export.cite import cited_date, parse_date, split_name
from archivist.model import METADATA_FIELDS, Document, Part

PART_LABELS = {
    "header": "Header as printed",
    "addressee": "Addressee",
    "salutation": "Salutation",
    "body": "",
    "closing": "Closing",
    "signature": "Signature",
    "dateline": "Dateline",
    "postscript": "Postscript",
    "editorial-note": "Editorial note",
    "footnote": "Note",
}

FIELD_LABELS = {
    "title": "Title",
    "authors": "Authors",
    "date_written": "Written",
    "date_published": "Published",
    "source": "Source",
    "source_title": "Source title",
    "source_volume": "Volume",
    "source_issue": "Issue",
    "source_page": "Page",
    "place": "Place",
    "translator": "Translator",
    "transcriber": "Transcriber",
    "rights": "Rights",
    "language": "Language",
    "doc_type": "Type",
    "classification": "Classification",
    "addressee": "Addressee",
    "url": "Published at",
}


@dataclass(slots=True)
class Block:
    """One part as the reader sees it: its kind, a label, its own metadata, its paragraphs; its
    number among the document's parts (as `archivist show` numbers them: what a correction names)
    and the person's correction that shaped it, if one did."""

    kind: str
    label: str
    paragraphs: list[str]
    details: list[str] = field(default_factory=list)
    seq: int | None = None
    correction: dict[str, Any] | None = None


@dataclass(slots=True)
class Reading:
    header: Block | None
    blocks: list[Block]
    notes: list[Block]


def paragraphs(text: str) -> list[str]:
    """A part's text as paragraphs: blank lines separate them, single line ends stay (verse,
    addresses); the template shows them with `white-space: pre-line`."""
    return [p.strip("\n") for p in re.split(r"\n\s*\n", text) if p.strip()]


def _block(doc: Document, part: Part, seq: int, correction: dict[str, Any] | None) -> Block:
    details = [v for v in (part.title, part.author, part.place, part.date) if v]
    return Block(part.kind, PART_LABELS[part.kind], paragraphs(doc.part_text(part)), details, seq, correction)


def part_label(kind: str) -> str:
    return PART_LABELS.get(kind) or kind.replace("-", " ").capitalize()


def part_corrections(doc: Document) -> dict[int, dict[str, Any]]:
    """For each part a person corrected (the latest correction that applies): who, when, why, and
    what the extractor had said — its kind and, when the boundaries moved, the text it covered."""
    out: dict[int, dict[str, Any]] = {}
    for c in doc.corrections:
        if c.target != "part" or c.status != "applied" or c.part is None:
            continue
        extracted = c.extracted if isinstance(c.extracted, dict) else {}
        kind = str(extracted.get("kind", ""))
        shown = f"{part_label(kind)}" if kind else "(unknown)"
        start, end = extracted.get("start"), extracted.get("end")
        part = doc.parts[c.part]
        if isinstance(start, int) and isinstance(end, int) and (start, end) != (part.start, part.end):
            text = " ".join(doc.text[start:end].split())
            shown += f" — “{text[:160]}{'…' if len(text) > 160 else ''}”"
        out[c.part] = {"id": c.id, "extracted": shown, "note": c.note, "author": c.author, "at": c.at}
    return out


def reading(doc: Document) -> Reading:
    """The document's parts in order, the header apart (the metadata panel says it better) and
    footnotes gathered at the end as notes. Text no part covers is not shown."""
    header = None
    blocks: list[Block] = []
    notes: list[Block] = []
    corrected = part_corrections(doc)
    for seq, part in enumerate(doc.parts):
        block = _block(doc, part, seq, corrected.get(seq))
        if not block.paragraphs:
            continue
        if part.kind == "header":
            if header is None:
                header = block
            else:
                header.paragraphs += block.paragraphs
                header.correction = header.correction or block.correction
        elif part.kind == "footnote":
            notes.append(block)
        else:
            blocks.append(block)
    if not doc.parts and doc.text.strip():
        blocks.append(Block("body", "", paragraphs(doc.text)))
    return Reading(header, blocks, notes)


def shown_value(value: Any) -> str:
    """A field's value as one line of text: authors joined by '; ', nothing as ''."""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def metadata_rows(doc: Document, all_fields: bool = False) -> list[dict[str, Any]]:
    """Every metadata field that has a value (or a person's correction; `all_fields`: every field),
    with where it came from (origin and the raw text it was read from), in contract order. A
    corrected field carries its correction: who, when, why and the value extracted."""
    corrections = {c.field: c for c in doc.corrections if c.target == "field"}
    rows = []
    for name in METADATA_FIELDS:
        value = getattr(doc, name)
        correction = corrections.get(name)
        if value in (None, "", []) and correction is None and not all_fields:
            continue
        prov = doc.provenance.get(name)
        rows.append(
            {
                "field": name,
                "label": FIELD_LABELS[name],
                "value": value,
                "text": shown_value(value),
                "origin": None if correction else prov.origin if prov else None,
                "raw": prov.raw if prov else None,
                "confidence": prov.confidence if prov else None,
                "correction": None
                if correction is None
                else {
                    "id": correction.id,
                    "extracted": shown_value(correction.extracted) or "(nothing)",
                    "note": correction.note,
                    "author": correction.author,
                    "at": correction.at,
                },
            }
        )
    return rows


def _highwire_date(value: str | None) -> str | None:
    """Highwire dates are YYYY/MM/DD (or fewer parts); a range or an approximate date gives only
    the year it starts in, never a false day."""
    date = parse_date(value)
    if date is None:
        return None
    if date.end is not None or date.approximate or date.uncertain:
        return str(date.year)
    return "/".join(f"{p:02d}" if i else f"{p:04d}" for i, p in enumerate(date.start))


# Zotero's item type for each document type: Zotero takes a DC.type that names one of its own
# types before it guesses from the other tags (a page with citation_title would otherwise be saved
# as a journal article, letters and speeches included).
ZOTERO_TYPES = {
    "article": "journalArticle",
    "letter": "letter",
    "speech": "presentation",
    "interview": "interview",
    "book-chapter": "bookSection",
    "pamphlet": "book",
    "resolution": "document",
    "manifesto": "document",
    "other": "document",
}


def zotero_type(doc: Document) -> str:
    if doc.doc_type in ("article", "book-chapter") and not doc.source_title:
        return "document"
    return ZOTERO_TYPES.get(doc.doc_type, "document")


def citation_meta(doc: Document) -> list[tuple[str, str]]:
    """Highwire Press `citation_*` and Dublin Core `DC.*` meta tags, which Zotero (its Embedded
    Metadata translator) and Google Scholar read to save a correct item from the page."""
    tags: list[tuple[str, str]] = [("citation_title", doc.title or "Untitled")]
    for author in doc.authors:
        tags.append(("citation_author", split_name(author).inverted))
    date = cited_date(doc)
    published = _highwire_date(date.raw) if date else None
    if published:
        tags.append(("citation_publication_date", published))
        tags.append(("citation_date", published))
    if doc.source_title and doc.doc_type == "book-chapter":
        # Zotero reads the first, Google Scholar the second
        tags += [("citation_book_title", doc.source_title), ("citation_inbook_title", doc.source_title)]
    elif doc.source_title and doc.doc_type == "article":
        tags.append(("citation_journal_title", doc.source_title))
    for key, value in (
        ("citation_volume", doc.source_volume),
        ("citation_issue", doc.source_issue),
        ("citation_firstpage", doc.source_page),
        ("citation_language", doc.language),
    ):
        if value:
            tags.append((key, value))
    tags.append(("DC.title", doc.title or "Untitled"))
    tags += [("DC.creator", a) for a in doc.authors]
    if date:
        tags.append(("DC.date", date.raw))
    if doc.translator:
        tags.append(("DC.contributor", doc.translator))
    if doc.language:
        tags.append(("DC.language", doc.language))
    tags.append(("DC.type", zotero_type(doc)))
    if doc.source:
        tags.append(("DC.source", doc.source))
    if doc.rights:
        tags.append(("DC.rights", doc.rights))
    if doc.url:  # where the text was published: Zotero's URL field
        tags.append(("citation_public_url", doc.url))
        tags.append(("DC.identifier", doc.url))
    return tags

"""Extraction: a `Page` of blocks in, a `Document` with fields, provenance and parts out.

The stages are plain functions over the page: `lay_out` (where the header, body and notes are),
`analyse` (the anatomy of the body), then `build_document` reads the fields from what they found,
recording for each where it came from.
"""

from __future__ import annotations

import re
from itertools import pairwise

from archivist.extract.anatomy import Segment, analyse, parse_dateline
from archivist.extract.dates import MONTHS, covers, find_date, parse_date, precision
from archivist.extract.doctype import classify, interviewee
from archivist.extract.header import title_author
from archivist.extract.labels import clean_value
from archivist.extract.language import detect_language
from archivist.extract.layout import Layout, byline_authors, lay_out
from archivist.extract.names import looks_like_name, looks_like_periodical, looks_like_place, split_authors
from archivist.extract.source_line import SourceParts, parse_source_line, source_title
from archivist.model import Document, Part, Provenance
from archivist.sources.page import Page

__all__ = ["build_document"]

_MERGED = {"header", "body", "postscript", "editorial-note"}
# A heading that states when and where the text was made ("Speech delivered … in Madison Square
# Garden, New York, November 13, 1939").
# A source that names its publisher is a book edition; when it is later than the writing it is not
# the first publication ("Merit Publishers, 1969" for discussions of 1938).
_EDITION = re.compile(
    r"\b(?:Publish(?:ers?|ing)|Publisers|Publications|Press|Verlag|[EÉ]ditions|Editores|"
    r"published by)\b",
    re.I,
)
_ARCHIVE_ITSELF = re.compile(
    r"^(?:the\s+)?(?:Marxists[’']?\s+Internet\s+Archive|marxists\.org|MIA)(?:\s*\(?(?:marxists\.org)?\)?)?[\s,.\d]*$",
    re.I,
)
_SITE_NAME = re.compile(r"^(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}$", re.I)
_WEB_ADDRESS = re.compile(r"^(?:https?://\S+|www\.\S+|(?:[\w-]+\.)+[a-z]{2,6}(?:/\S*)?)$", re.I)
# A translator credited with the book the translation appeared in: "Name, Title, 2007".
_CITED_TRANSLATION = re.compile(r"^[^,]{3,60},\s*[^,]{3,120},\s*(?:\d{4})$")
_MEETING_PLACE = re.compile(
    r"\b(?:discussions?|conversations?|interview|talks?|speech|address|lecture|meeting)\s+(?:held\s+)?in\s+"
    r"(?P<place>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2})(?=\s+(?:with|on|at|before|to)\b|[,.;]|$)",
    re.I,
)
_TRANSLATED_BY = re.compile(
    r"\b(?i:translated\s+(?:into\s+\w+\s+)?(?:from\s+(?:the\s+)?\w+\s+)?by)\s+"
    r"(?P<who>[A-ZÀ-Þ][\w.'’-]*(?:\s+(?:[A-ZÀ-Þ][\w.'’-]*|de|van|von)){0,4})"
)
_PUBLISHING_BODY = re.compile(
    r"\b(?:Publish(?:ers?|ing)|Publications|Press|House|Verlag|[EÉ]ditions|Editores|Party|Committee|Union|League|"
    r"Federation|Association|Society|Bureau)\b"
)
_STATEMENT = re.compile(r"\b(?:written|delivered|adopted|dated|spoken|given|held|speech|address)\b", re.I)


def build_document(page: Page, doc_id: str) -> Document:
    layout = lay_out(page)
    items = layout.items
    authors, author_origin = _authors(page, layout)
    body_texts = [items[i].text for i in layout.body]
    anatomy = analyse(body_texts, authors)
    by_block: dict[int, list[Segment]] = {}
    for seg in anatomy.segments:
        by_block.setdefault(layout.body[seg.block], []).append(seg)
    text, parts = _assemble(layout, by_block)
    doc = Document(
        path=page.path, id=doc_id, text=text, parts=parts, format=page.format, encoding=page.encoding
    )
    prov = doc.provenance

    def put(name: str, value: object, origin: str, raw: str | None = None, confidence: float = 1.0) -> None:
        if value in (None, "", []):
            return
        setattr(doc, name, value)
        prov[name] = Provenance(origin=origin, raw=raw, confidence=confidence)

    labels = _labels(layout)
    fields = page.fields
    # -- title and authors -------------------------------------------------------------------------
    put("title", layout.title, "tei:title" if page.format == "tei" else "title")
    letter_from = _letter_writer(layout.title)
    if letter_from and (not authors or author_origin == "byline:series"):
        authors, author_origin = [letter_from], "title:letter-writer"
    if not authors and (named := title_author(layout.title)):
        authors, author_origin = [named], "title:by"
    if not authors and (by := _written_by(labels, layout.title)):
        authors, author_origin = [by[0]], by[1]
    if not authors and anatomy.signatures:
        signed = re.sub(r"^\(\s*signed:?\s+(.+?)\s*\)$", r"\1", anatomy.signatures[-1], flags=re.I)
        authors, author_origin = split_authors(signed), "signature"  # "(signed TOM MANN)"
    put("authors", authors, author_origin or "byline", layout.byline)
    # -- source --------------------------------------------------------------------------------------
    source_raw, source_origin, source_key = None, None, None
    for key in (
        "source",
        "copied",
        "edition",
        "first_published",
        "free_source",
        "downloaded",
        "publisher",
        "collection",
    ):
        if key in labels and not _ARCHIVE_ITSELF.match(clean_value(labels[key][0]) or ""):
            source_raw, source_origin = labels[key]  # "This edition: Marxists Internet Archive" is not one
            source_key = key
            break
    bibls = [
        b for b in fields.get("bibl", []) if not re.fullmatch(r"\{\w+\}", b.strip())
    ]  # template leftovers
    # A bibl that only names a web site ("marxists.org") says where the file came from; a full
    # address or a citation says more.
    cited = [b for b in bibls if not _SITE_NAME.match(b.strip())] or bibls
    if source_raw is None and cited:
        source_raw, source_origin = cited[0], "tei:sourceDesc"
    translator_value = labels["translated"][0] if "translated" in labels else None
    translator_name = _person_value(translator_value) if translator_value else None
    people = tuple(authors) + ((translator_name,) if translator_name else ())
    translation_cited = False
    if (
        source_raw is None
        and translator_value
        and _CITED_TRANSLATION.match(clean_value(translator_value) or "")
    ):
        # "Translated: Örn Ólafsson, Rósa Lúxembúrg á íslensku, 2007.": the text comes from that book.
        source_raw, source_origin = translator_value, labels["translated"][1]
        translation_cited = True
    source = _cut_source(source_raw)
    put("source", source, source_origin or "")
    parts_of_source = parse_source_line(source, people, layout.title)
    if translation_cited:
        parts_of_source.date = None  # the translation's year, not the text's publication
    if source_key == "downloaded":
        parts_of_source.title = parts_of_source.date = (
            None  # a web site the file came from, not a publication
        )
    if source_key == "publisher" and _PUBLISHING_BODY.search(source or ""):
        # "Publisher: Progress Publishers, 1974": who printed an edition, not a title or a first publication.
        parts_of_source.title = parts_of_source.date = None
    if "first_published" in labels and (
        parts_of_source.title is None or (source_origin or "").endswith("free:copied")
    ):
        parts_of_source.title = source_title(labels["first_published"][0], people, layout.title)
    if source and _WEB_ADDRESS.match(source):
        # A web address is where the text was taken from; the publication is in another statement.
        others = [b for b in bibls if not _WEB_ADDRESS.match(b.strip())]
        parts_of_source.title = source_title(others[0], people, layout.title) if others else None
        parts_of_source.date = parse_source_line(others[0]).date if others else None
    put("source_title", parts_of_source.title, f"{source_origin}:title" if source_origin else "")
    put("source_volume", parts_of_source.volume, f"{source_origin}:volume" if source_origin else "")
    put("source_issue", parts_of_source.issue, f"{source_origin}:issue" if source_origin else "")
    put("source_page", parts_of_source.page, f"{source_origin}:page" if source_origin else "")
    # -- dates -----------------------------------------------------------------------------------
    published, pub_origin = None, None
    if "first_published" in labels:
        published = parse_source_line(
            labels["first_published"][0]
        ).date  # volume and issue numbers are not days
        pub_origin = labels["first_published"][1]
    if published is None and parts_of_source.date:
        published, pub_origin = parts_of_source.date, f"{source_origin}:date"
    if "also_published" in labels:
        # "Also published in Class Struggle, August 1932": the first publication is the earlier one.
        also = parse_source_line(labels["also_published"][0]).date
        if also and (published is None or also.split("/")[0] < published.split("/")[0]):
            published, pub_origin = also, labels["also_published"][1]
    for subtitle in layout.subtitles:
        heading_date = parse_date(subtitle) if subtitle.strip().startswith(("(", "[")) else None
        if (
            published
            and heading_date
            and covers(published, heading_date)
            and precision(heading_date) > precision(published)
            # An issue dated by season ("Summer 1959") is not sharpened by a month: that month is the writing.
            and not re.search(r"\b(?:spring|summer|autumn|fall|winter)\b", source or "", re.I)
        ):
            published, pub_origin = heading_date, "heading"  # "(May 1895)" over a source that gives only 1895
    written, written_origin = _date_written(page, layout, labels, anatomy.datelines, published)
    if (
        written is None
        and published
        and pub_origin == f"{source_origin}:date"
        and re.search(r"\b(?:spring|summer|autumn|fall|winter)\b", source or "", re.I)
    ):
        # "(December 1958)" over an issue of "Autumn 1958": the month the text was written.
        for subtitle in layout.subtitles:
            month = parse_date(subtitle) if subtitle.strip().startswith(("(", "[")) else None
            if month and precision(month) >= 2:
                written, written_origin = month, "heading"
                break
    entries = _entry_span(body_texts, anatomy.datelines)
    if entries and (written is None or _within(written, entries)):
        written, written_origin = entries, "datelines:span"  # dated fragments: first to last
    if (
        pub_origin == f"{source_origin}:date"
        and written
        and published
        and published[:4] > written.split("/")[-1][:4]
        and _is_edition(source, parts_of_source)
    ):
        published = (
            None  # the source is a later edition ("Merit Publishers, 1969"), not the first publication
        )
    put("date_published", published, pub_origin or "")
    put("date_written", written, written_origin or "")
    # -- place, people, rights -----------------------------------------------------------------------
    place = next((d.place for d in reversed(anatomy.datelines) if d.place), None)
    if place:
        put("place", place, "dateline")
    elif heading_place := next(
        (dl[0] for h in layout.subtitles if (dl := parse_dateline(h)) and dl[0]), None
    ):
        put("place", heading_place, "heading:dateline")
    elif (statement_place := _statement_place(layout.subtitles)) is not None:
        put("place", statement_place, "heading:statement")
    elif (label_place := _label_place(labels)) is not None:
        put("place", label_place[0], label_place[1])
    translator = (
        labels.get("translated")
        or _translator_in_prose(layout)
        or ((fields["translator"][0], "tei:title-sub") if fields.get("translator") else None)
    )
    if translator:
        put("translator", _person_value(translator[0]), translator[1], translator[0])
    transcriber = labels.get("transcribed")
    if transcriber:
        put("transcriber", _person_value(transcriber[0]), transcriber[1], transcriber[0])
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
    paragraphs = [p for t in body_texts for p in t.split("\n\n") if p.strip()]
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
    if not doc.authors and why == "form:dialogue" and (speaker := interviewee(paragraphs)):
        put("authors", [speaker], "form:interviewee")
    return doc


def _is_edition(source: str | None, parts: SourceParts) -> bool:
    """A book edition: a publisher, a date no finer than a month, no volume or issue (an issue of
    "International Press Correspondence" is a periodical)."""
    return bool(
        source
        and _EDITION.search(source)
        and parts.date
        and precision(parts.date) <= 2
        and parts.volume is None
        and parts.issue is None
    )


def _translator_in_prose(layout: Layout) -> tuple[str, str] | None:
    """ "… Translated into English by Maurice Brinton …" inside another statement of the header."""
    for item in layout.items:
        if item.role == "info" and (match := _TRANSLATED_BY.search(item.text)):
            return match.group("who"), "header:prose"
    return None


def _headings_above(layout: Layout) -> list[str]:
    """Header lines above the title that are neither title nor byline ("[Interview with Ken Livingstone]")."""
    end = layout.title_index if layout.title_index is not None else 0
    return [it.text.strip("[] ") for it in layout.items[:end] if it.role == "header" and it.block.is_heading]


def _cut_source(raw: str | None) -> str | None:
    """The citation only: a source value often runs on into another sentence ("… pp. 314–315.
    All sub-heads by The Militant.")."""
    if not raw:
        return None
    value = re.sub(r"\s+", " ", raw).strip().rstrip(";").strip()
    match = next(
        (
            m
            for m in re.finditer(
                r"(?<=[\w)\]])\.\s+(?=(?:[A-Z][a-z]+\s+(?:[a-z]|by\b)|Also\b|See\b|This\b|The\s+\w+\s+[a-z]))",
                value,
            )
            if not looks_like_name(value[: m.start()])  # "Auguste Blanqui. Instructions pour …" is a citation
        ),
        None,
    )
    if match and match.start() >= 12:
        value = value[: match.start() + 1]
    if value.endswith(".") and re.search(r"\b(?:[A-Z]|Vol|No|pp?|ed|eds|Co|St)\.$", value) is None:
        return value if raw.strip().endswith(".") and not match else value.rstrip(".")
    return value or None


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
        # Authors are read from the table directly (`_authors`); its date of writing ranks below
        # the other evidence (`_date_written`), so it gets a key of its own.
        if key == "written" and values and "table_written" not in out:
            out["table_written"] = ("\n".join(values), f"table:{key}")
    return out


def _authors(page: Page, layout: Layout) -> tuple[list[str], str | None]:
    for key in ("author(s)", "authors", "author"):
        if layout.table_fields.get(key):
            return list(layout.table_fields[key]), f"table:{key}"
    if page.format == "tei" and page.fields.get("author"):
        names = []
        for name in page.fields["author"]:
            name = re.sub(r"\s*\(\d{3,4}.*?\)\s*$", "", name).strip()
            if "," in name:  # "Malatesta, Errico" -> "Errico Malatesta"
                last, _, first = name.partition(",")
                name = f"{first.strip()} {last.strip()}"
            names.append(name)
        return names, "tei:author"
    if layout.byline:
        return byline_authors(layout.byline), layout.byline_origin
    return [], None


def _person_value(value: str) -> str | None:
    value = clean_value(value) or ""
    if re.match(r"^(?:from|into|out of)\b", value, re.I):
        if " by " not in value:
            return None  # "from German": a language, not a translator
        value = value.rsplit(" by ", 1)[1]  # "from the Portugese by Isabel O'Sullivan"
    if re.fullmatch(r"(?:unknown|anonymous|n/?a|none|not known|\?)", value.strip(" .()"), re.I):
        return None
    value = re.sub(r"^the\s+(?=[A-Z])", "", value)
    value = re.sub(r"\s+in\s+the\s+.*$", "", value)
    value = re.sub(r"^(?:(?:for|by)\s+(?:the\s+)?(?:marxists\.org|mia|marxists internet archive)\s+(?:by\s+)?)", "",
                   value, flags=re.I)  # fmt: skip
    value = re.sub(r"^(?:by|par|por|von)\s+", "", value, flags=re.I)
    value = re.sub(r",?\s+(?:edited|revised|checked|annotated)\s+by\b.*$", "", value, flags=re.I)
    value = re.sub(r",?\s*(?:\d{4}|from the \w+|for [\w.]+|para [\w.]+|pour [\w.]+).*$", "", value)
    head, sep, _tail = value.partition(",")
    if sep and looks_like_name(head.strip()):
        value = head
    return value.strip(" ,.;") or None


def _label_place(labels: dict[str, tuple[str, str]]) -> tuple[str, str] | None:
    """Where, from a "Written:"/"Spoken:" value: "1925–1928, Vienna, Leningrad" or "at Conference at
    the City hall of Ponte da Barca, May 21st 1993"."""
    for key in ("written", "delivered"):
        if key not in labels:
            continue
        value = labels[key][0].strip().rstrip(";.")
        found = find_date(value)
        if not found:
            continue
        after = re.match(r"^[\s,;.]+(?:in\s+)?(?P<p>[A-ZÀ-Þ][^\d;()]{2,60})$", value[found[2] :])
        if after and looks_like_place(after.group("p")):
            return after.group("p").strip(" ,."), labels[key][1]
        before = re.search(r"\b(?:at|in|of)\s+(?P<p>[A-ZÀ-Þ][\w'’.-]*(?:\s+(?:[A-ZÀ-Þ][\w'’.-]*|de|da|del|di|la|le|am))*"
                           r"(?:,\s*[A-ZÀ-Þ][\w'’. -]*)*)[\s,]*$",
                           value[: found[1]])  # fmt: skip
        if before and looks_like_place(before.group("p")):
            return before.group("p").strip(" ,."), labels[key][1]
        # "… September 5th, 1970, from the balcony of the building of the Federation … in Santiago."
        last = re.search(
            r"\bin\s+(?P<p>[A-ZÀ-Þ][\w'’.-]*(?:\s+[A-ZÀ-Þ][\w'’.-]*){0,2})\s*\.?$", value[found[2] :]
        )
        if last and looks_like_place(last.group("p")) and not looks_like_periodical(last.group("p")):
            return last.group("p").strip(" ,."), labels[key][1]
    return None


def _statement_place(subtitles: list[str]) -> str | None:
    for subtitle in subtitles:
        if not _STATEMENT.search(subtitle) and not _MEETING_PLACE.search(subtitle):
            continue
        found = find_date(subtitle)
        if not found:
            # "Three Discussions in Mexico City with James P. Cannon …": no date, the place still stated.
            match = _MEETING_PLACE.search(subtitle)
            if match and looks_like_place(match.group("place")):
                return match.group("place")
            continue
        match = re.search(r"\b(?:in|at)\s+(?P<place>[A-Z][\w'’ .-]*(?:,\s*[A-Z][\w'’ .-]*){0,3})[,\s]*$",
                          subtitle[: found[1]])  # fmt: skip
        if match:
            return match.group("place").strip(" ,")
    return None


def _written_by(labels: dict[str, tuple[str, str]], title: str | None) -> tuple[str, str] | None:
    """ "Written: by Marx in the Spring of 1845" or "Frederick Engels' Speech at the Grave …"."""
    if "written" in labels:
        match = re.match(r"^by\s+(?P<who>[A-ZÀ-Þ][\w.'’ -]{1,40}?)(?=\s+(?:in|on|at|during|between|and|with)\b|[,;.]|$)",
                         labels["written"][0])  # fmt: skip
        if match and looks_like_name(match.group("who"), 4):
            return match.group("who").strip(), labels["written"][1]
    if title:
        match = re.match(r"^(?P<who>[A-ZÀ-Þ][\w.'’ -]{2,40}?)[’']s? (?:speech|letter|address|introduction|preface|"
                         r"reply|report|article|notes|review|foreword|afterword|postscript)\b", title, re.I)  # fmt: skip
        if match and looks_like_name(match.group("who"), 4) and " " in match.group("who").strip():
            return match.group("who").strip(), "title:possessive"
    return None


def _letter_writer(title: str | None) -> str | None:
    """ "Karl Marx to Ludwig Kugelmann, 30 January 1868" -> "Karl Marx"."""
    if not title:
        return None
    match = re.match(r"^(?P<who>[A-ZÀ-Þ][\w.'’ -]{2,40}?) to [A-ZÀ-Þ][^,]{2,60}(?:,|\s+\d|$)", title)
    if match and looks_like_name(match.group("who"), 4):
        return match.group("who").strip()
    return None


def _entry_date(paragraph: str) -> str | None:
    """The date of a paragraph that is only a date, perhaps with a place before it and a remark in
    brackets after it ("December 22, 1925.", "Moscow, May 19, 1926.", "March 5, 1926 (from a letter).")."""
    paragraph = paragraph.strip()
    if len(paragraph) > 60:
        return None
    found = find_date(paragraph)
    if not found or precision(found[0]) < 3:
        return None
    before, after = paragraph[: found[1]], paragraph[found[2] :]
    if re.fullmatch(r"(?:[A-ZÀ-Þ][\w'’-]*(?:\s+[A-ZÀ-Þ][\w'’-]*){0,2}[,.]\s*)?", before) and re.fullmatch(
        r"\s*\.?\s*(?:\([^)]*\))?\.?\s*", after
    ):
        return found[0]
    return None


def _entry_span(body_texts: list[str], datelines: list[Segment]) -> str | None:
    """A text made of dated entries (a diary, minutes of successive meetings, fragments written over
    months) was written from its first entry to its last."""
    paragraphs = [p for text in body_texts for p in text.split("\n\n") if p.strip()]
    # An entry heads prose; a date followed by another short line is a table cell or a list item.
    dates = {d for p, following in pairwise(paragraphs) if len(following) >= 150 and (d := _entry_date(p))}
    dates |= {d.date for d in datelines if d.date and precision(d.date) == 3}
    if len(dates) < 3:
        return None
    starts = sorted(d.split("/")[0] for d in dates)
    ends = sorted(d.split("/")[-1] for d in dates)
    return f"{starts[0]}/{ends[-1]}"


def _within(value: str, span: str) -> bool:
    """Whether `value` (any precision) lies inside the interval `span` or covers all of it."""
    start, end = span.split("/")
    head, tail = value.split("/")[0], value.split("/")[-1]
    return (start[: len(head)] <= head and tail <= end[: len(tail)]) or (
        covers(value, start) and covers(value, end)
    )


def _date_written(page: Page, layout: Layout, labels: dict[str, tuple[str, str]], datelines: list[Segment],
                  published: str | None) -> tuple[str | None, str | None]:  # fmt: skip
    dateline = next((d.date for d in datelines if d.date), None)
    # Headings above the text, the header's and those after an editor's introduction.
    first_body = layout.body[0] if layout.body else len(layout.items)
    headings = [item.text for item in layout.items[:first_body] if item.role == "subtitle"]
    heading_dates = [d for heading in headings if (d := parse_date(heading))]

    def sharpened(value: str, origin: str) -> tuple[str, str]:
        # "Written: August 1869" over a heading "… Meetings of August 10 and 17, 1869": the finer
        # date that agrees with it.
        for finer, finer_origin in [(dateline, "dateline")] + [(d, "heading") for d in heading_dates]:
            if finer and covers(value, finer) and precision(finer) > precision(value):
                return finer, finer_origin
        return value, origin

    for key in ("written", "delivered", "discussed"):
        if key in labels:
            value = parse_date(labels[key][0])
            if value:
                for heading in headings:
                    # "Delivered: 14 December, 1917" beside "… December 14(27), 1917": the label gives the
                    # Old Style day; the New Style one is the value.
                    if (
                        re.search(r"\d\s?\(\d{1,2}\)", heading)
                        and parse_date(re.sub(r"\s?\(\d{1,2}\)", "", heading)) == value
                    ):
                        return parse_date(heading) or value, "heading:new-style"
                return sharpened(value, labels[key][1])
    for subtitle in layout.subtitles:
        if _STATEMENT.search(subtitle):
            value = parse_date(subtitle)
            if value:
                return value, "heading:statement"
        elif (heading_line := parse_dateline(subtitle)) is not None and heading_line[0]:
            return heading_line[1], "heading:dateline"  # "Highgate Cemetery, London. March 17, 1883"
    title_date = (
        parse_date(layout.title) if layout.title and re.search(r"\d{4}", layout.title or "") else None
    )
    if title_date and precision(title_date) >= 2:
        return title_date, "title"
    if dateline:
        return sharpened(dateline, "dateline")
    if "table_written" in labels:
        value = parse_date(labels["table_written"][0])
        if value:
            return sharpened(value, labels["table_written"][1])
    if page.fields.get("date_written"):
        return page.fields["date_written"][0], "tei:creation"
    # "#### March 23" under "Eighth Congress of the R.C.P.(B.) March 18-23, 1919": the year is above.
    for heading in headings:
        day = re.fullmatch(r"\(?(?P<m>[A-Za-z]{3,9})\.?\s+(?P<d>[0-3]?\d)\)?\.?", heading.strip())
        month = MONTHS.get(day.group("m").lower()) if day else None
        if day and month:
            years = [y for item in layout.items[:first_body] if item.role in ("header", "title", "subtitle", "byline")
                     for y in re.findall(r"\b1[5-9]\d\d\b", item.text)]  # fmt: skip
            if len(set(years)) == 1:
                return f"{years[0]}-{month:02d}-{int(day.group('d')):02d}", "heading:day+year"
    for subtitle in layout.subtitles:
        value = parse_date(subtitle)
        bare = re.fullmatch(r"[\w ,.]{0,30}\d{4}\.?", subtitle.strip()) is not None
        if value and (subtitle.strip().startswith(("(", "[")) or bare):
            # A heading date is the date of writing when it is not the issue's own date: less precise
            # than it ("(December 1957)" over 4 January 1958), or earlier (a speech printed a year later).
            if published is None or (
                not covers(value, published)
                and (precision(value) < precision(published) or value.split("/")[0] < published.split("/")[0])
            ):
                return value, "heading"
            return None, None
    return None, None


def _assemble(layout: Layout, by_block: dict[int, list[Segment]]) -> tuple[str, list[Part]]:
    """Join kept blocks into the canonical text and record each part's span."""
    pieces: list[str] = []
    parts: list[Part] = []
    pos = 0
    last_key: tuple[object, ...] | None = None
    for index, item in enumerate(layout.items):
        if item.role == "chrome":
            continue
        if item.role == "body":
            segments = by_block.get(index, [])
        elif item.role == "footnote":
            segments = [Segment("footnote", item.text, -1)]
        elif item.role == "editorial":
            segments = [Segment("editorial-note", item.text, -1)]
        else:
            segments = [Segment("header", item.text, -1)]
        for seg in segments:
            text = seg.text.strip()
            if not text:
                continue
            if pieces:
                pieces.append("\n\n")
                pos += 2
            start = pos
            pieces.append(text)
            pos += len(text)
            key = (seg.kind, seg.author, seg.date, seg.place, seg.title)
            if seg.kind in _MERGED and last_key == key and parts:
                parts[-1].end = pos
            else:
                parts.append(Part(kind=seg.kind, start=start, end=pos, author=seg.author, date=seg.date,
                                  place=seg.place, title=seg.title))  # fmt: skip
            last_key = key
    return "".join(pieces), parts

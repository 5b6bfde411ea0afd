"""Parts a format states: a reader that knows a block's part from its markup (TEI's ``<salute>``,
``<signed>``, ``<closer>``, a ``<front>`` preface, a note) says so in `Block.part`, and that outranks
what the text's look would suggest. `mark_stated` gives those blocks their layout role; when the
body's blocks state a letter's opening or closing, `stated_anatomy` is the anatomy, read from the
markup rather than guessed."""

from __future__ import annotations

import re

from archivist.extract.dateline import parse_dateline
from archivist.extract.dates import parse_date
from archivist.extract.item import Item, Layout
from archivist.extract.segment import Anatomy, Segment
from archivist.sources.page import Page
from archivist.text import one_line

# The layout role of a block whose part lies outside the text's body.
_ROLE_OF_PART = {"editorial-note": "editorial", "footnote": "footnote", "header": "header"}
# The parts of a letter's opening and closing, which the anatomy reports.
LETTER_PARTS = frozenset({"addressee", "salutation", "closing", "signature", "dateline", "postscript"})
# The words that join a dateline's place to its date ("Lugano il 6 Maggio", "Luzern d. 27. Nov.").
_DATE_LINKS = ("le", "il", "den", "d.", "am", "the", "ce", "el", "op", "à", "a")
# A stated dateline's place: the words before its date (a digit, or a link word before one).
_STATED_PLACE = re.compile(
    rf"^(?P<place>[A-ZÀ-Þ][^\d,;]*?)[\s,;.]*(?:\b(?:{'|'.join(re.escape(w) for w in _DATE_LINKS)})(?=[\s\d])[\s.]*)?"
    rf"(?=\d|[A-ZÀ-Þ][a-zà-ÿ]+\.?\s+\d)"
)


def mark_stated(items: list[Item]) -> None:
    """Give each block whose part the format states its role: an editor's note, a footnote, the
    header. Run after chrome is marked: furniture stays furniture."""
    for item in items:
        role = _ROLE_OF_PART.get(item.block.part or "")
        if role and item.role != "chrome":
            item.role = role


def stated_anatomy(items: list[Item], body: list[int]) -> Anatomy | None:
    """The anatomy the markup states, or None when no body block states a letter's part."""
    parts = [items[i].block.part for i in body]
    if not any(p in LETTER_PARTS for p in parts):
        return None
    result = Anatomy()
    for n, (i, part) in enumerate(zip(body, parts, strict=True)):
        text = items[i].text
        kind = part if part in LETTER_PARTS else "body"
        seg = Segment(kind, text, n)
        if kind == "dateline":
            seg.place, seg.date = _read_dateline(text)
            result.datelines.append(seg)
        elif kind == "signature":
            result.signatures.append(one_line(text))
        elif kind == "salutation" and result.salutation is None:
            result.salutation = one_line(text)
        elif kind == "addressee" and result.addressee is None:
            result.addressee = one_line(text)
        result.segments.append(seg)
    return result


def _read_dateline(text: str) -> tuple[str | None, str | None]:
    """(place, date) of a block the markup states is a dateline: its place is the words before the
    date even where the date is too odd to read ("Zürich Janry 7th 1866", "Luzern d. 27. Nov. 63.")."""
    flat = one_line(text)
    if (parsed := parse_dateline(flat)) is not None and parsed[0]:
        return parsed
    match = _STATED_PLACE.match(flat)
    place = match.group("place").strip(" ,.;") if match else None
    if place and len(place.split()) > 5:
        place = None
    return place or None, (parsed[1] if parsed else parse_date(flat))


def _folded(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text).casefold().split())


def settle_stated_title(page: Page, layout: Layout) -> None:
    """The title a Project Gutenberg header states ("Title: The Soul of Man"), or failing one the
    e-book's own name ("The Project Gutenberg eBook of John F. Kennedy's Inaugural Address") where
    the page has no main heading. The text's own title page, up to the last line that repeats the
    title before the text's first long paragraph, is header."""
    if page.fields.get("furniture") != ["gutenberg"]:
        return
    items = layout.items
    found = layout.title_index
    if page.fields.get("title"):
        title, origin = page.fields["title"][0], "gutenberg:Title"
    elif page.fields.get("ebook_title") and (found is None or items[found].block.tag != "h1"):
        title, origin = page.fields["ebook_title"][0], "gutenberg:ebook"
    else:
        return
    wanted = _folded(title)
    live = [i for i, item in enumerate(items) if item.role != "chrome"]
    first_long = next((i for i in live if len(items[i].text) > 300 and not items[i].block.is_heading), None)
    repeats = [
        i for i in live if (first_long is None or i < first_long) and _names_title(items[i].text, wanted)
    ]
    if repeats:
        last = repeats[-1]
        for i in live:
            if i >= last:
                break
            if items[i].role in ("body", "title", "subtitle"):
                items[i].role = "header"
        items[last].role = "title"
        layout.title_index = last
        # The rest of the title page: byline, years, the first heading, a contents list, a dedication.
        for i in (k for k in live if k > last):
            block = items[i].block
            if (
                items[i].role != "body"
                or block.is_heading
                or block.tag != "p"
                or not _title_page_line(items[i].text)
            ):
                break  # (an HTML edition's headings and rules are the header zone's to read)
            items[i].role = "header"
    elif found is not None and items[found].role == "title":
        items[found].role = "subtitle"  # "JFK's Inaugural Address, January 20, 1961, 12:11 EST"
        layout.subtitles.append(items[found].text)
    layout.title, layout.title_origin = title, origin


def _names_title(text: str, wanted: str) -> bool:
    """A line of the title page that is the stated title, or three or more words of it."""
    folded = _folded(text)
    return bool(folded) and (
        folded == wanted or (len(folded.split()) >= 3 and f" {folded} " in f" {wanted} ")
    )


def _title_page_line(text: str) -> bool:
    """Every line short, and none a sentence unless set in capitals ("AN AMERICAN SLAVE. WRITTEN BY
    HIMSELF.")."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    return bool(lines) and all(
        len(ln) <= 80 and (ln.isupper() or not re.search(r"[.!?;:]$", ln) or re.match(r"^by\s", ln, re.I))
        for ln in lines
    )

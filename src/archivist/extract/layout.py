"""Where things are on a page: the page's blocks as items, each given a role (chrome, title,
byline, subtitle, info, header, body, editorial, footnote) by passes run in order. This module
knows the items and the chrome; the header zone's passes are in `header` (its information block's
in `info`), the editorial and notes zones' in `notes`."""

from __future__ import annotations

import re
import unicodedata

from archivist.extract.header import byline_authors, find_title, mark_header_zone
from archivist.extract.info import info_lines, mark_info, read_labels, read_table_fields
from archivist.extract.item import Item, Layout
from archivist.extract.labels import is_label_line, may_hold_label
from archivist.extract.names import looks_like_name
from archivist.extract.notes import mark_front_matter, mark_leading_editorial, mark_notes, notes_start
from archivist.extract.stated import mark_stated, settle_stated_title
from archivist.sources.page import Page
from archivist.text import first_line, may_open

# byline_authors lives with the header zone; build_document imports it from here.
__all__ = ["Item", "Layout", "byline_authors", "lay_out", "normalise"]

# A web edition's own date line ("Last updated on 27 July 2010"): furniture to the layout passes,
# kept in the canonical text by `assemble` as a header line.
EDITION_UPDATED = r"last updated"
_CHROME_LINE = re.compile(
    rf"(?:{EDITION_UPDATED}.*|"
    r"top of (?:the )?page|back to .*|(?:next|previous|prev)\b.{0,40}|index|contents|"
    r"table of contents|marxists internet archive|marx/engels internet archive|mia\s*>.*|[^>]*\barchive\s*>.*|"
    r"home|download (?:pdf|epub|mobi).*|[^\n]*\bfile size\b.*|←.*|[^→]*→|»|«|\^|->|<-|retrieved from .*|"
    r"this page was last (?:edited|modified).*|(?:🔍\s*)?see also\s*:?.*alternative translations?.*|\*\s*\*\s*\*|"
    r"[*_-]{3,}|\d{1,2}\.\d{1,2}\.\d{4}|further reading\s*:?|see also\s*:?|\(?to be continued\.?\)?\.?)",
    re.I,
)
# What `_CHROME_LINE`'s alternatives open with, lowercased (`may_open`), but for three that may open
# with anything: "… archive > …" holds a ">", "… file size …" those words, "… →" its arrow.
_CHROME_LINE_INITIALS = "bcdfhilmnprst*_-^<(0123456789"
_NO_WORD = re.compile(r"[\W_]+")
_CHROME_CLASSES = ("toplink", "updat", "link", "footer", "navigation", "nav", "next", "prev", "breadcrumb")


_SPACES = dict.fromkeys([0xA0, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000], " ")
_INVISIBLE = dict.fromkeys([0xAD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF])
_TRANSLATE = str.maketrans({**_SPACES, **_INVISIBLE, "\t": " "})
# The same mapping as replacements: str.replace of the few characters a text holds is several
# times faster than str.translate with a table (a lookup per character).
_REPLACE = [(chr(code), value or "") for code, value in _TRANSLATE.items()]
_RUNS = re.compile(r" {2,}")


def normalise(text: str) -> str:
    """Canonical text form: NFC, no-break and odd spaces as spaces, no soft hyphens or BOMs."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
        # Each looked for alone, at C speed (by memchr; in a text of Latin-1 characters the others
        # are not even looked for): faster than one search for a class of them all.
        for char, value in _REPLACE:
            if char in text:
                text = text.replace(char, value)
    elif "\t" in text:
        text = text.replace("\t", " ")
    if "  " in text:
        text = _RUNS.sub(" ", text)
    if "\n" not in text:
        return text.strip()
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def lay_out(page: Page) -> Layout:
    items = _items(page)
    layout = Layout(items=items)
    # The order matters: each pass sees the roles the earlier ones gave, and most re-mark only
    # items still left as "body".
    _mark_chrome(items)
    mark_stated(items)  # parts the format's markup states (TEI): before any guess from the text's look
    read_table_fields(items, layout)
    mark_info(items)
    find_title(page, layout)
    settle_stated_title(page, layout)  # a title the page's furniture states (Project Gutenberg's "Title:")
    mark_header_zone(layout)
    mark_leading_editorial(layout, page.format)
    mark_front_matter(layout)
    mark_notes(layout)
    layout.labels = read_labels([ln for item in items if item.role == "info" for ln in info_lines(item.text)],
                                layout.title)  # fmt: skip
    layout.body = [i for i, item in enumerate(items) if item.role == "body"]
    return layout


def _items(page: Page) -> list[Item]:
    items: list[Item] = []
    for block in page.blocks:
        text = normalise(block.text)
        if not text and block.tag != "hr":
            continue
        lines = text.split("\n")
        flags = [is_label_line(line) for line in lines] if may_hold_label(text) else [False]
        if any(flags) and not all(flags) and block.tag in ("p", "div", "td", "text") and flags[0]:
            # A labelled header run straight into the text (no blank line): split at the change.
            cut = flags.index(False)
            if cut:
                items.append(Item("\n".join(lines[:cut]), block))
                items.append(Item("\n".join(lines[cut:]), block))
                continue
        if (notes := notes_start(lines)) is not None and block.tag in ("p", "div", "text"):
            items.append(Item("\n".join(lines[:notes]), block))  # the text, then its notes
            items.append(Item(lines[notes], block))
            items.append(Item("\n".join(lines[notes + 1 :]), block))
            continue
        if "\n\n" in text and block.tag in ("p", "div", "text", "td", "blockquote"):
            # A blank line (<br><br>) is a paragraph break: pages laid out without <p> still have paragraphs.
            items.extend(Item(part.strip("\n"), block) for part in text.split("\n\n") if part.strip())
            continue
        items.append(Item(text, block))
    return items


def _may_be_chrome_line(first: str) -> bool:
    """False when `first` cannot match `_CHROME_LINE`: told without a search (which tries three
    alternatives along the whole line) for ASCII text."""
    if not first.isascii():
        return True  # a non-ASCII character may be an arrow, or match a letter under re.I
    return may_open(first, _CHROME_LINE_INITIALS) or ">" in first or "file size" in first.lower()


def _mark_chrome(items: list[Item]) -> None:
    for item in items:
        block = item.block
        first = first_line(item.text).strip()
        if (
            block.tag == "hr"
            or not item.text
            or block.zone in ("nav", "chrome")
            or block.has_class(*_CHROME_CLASSES)
            or (
                block.link_only
                and len(item.text) < 300
                and not (block.is_heading and looks_like_name(item.text))
            )
            or (len(item.text) < 120 and _may_be_chrome_line(first) and _CHROME_LINE.fullmatch(first))
            # (a text opening with a letter or a digit has a word)
            or (
                not item.text[:1].isalnum()
                and not block.has_class("firstheading")
                and _NO_WORD.fullmatch(item.text)
            )
        ):
            item.role = "chrome"

"""The zones around the text that are not the text: an editor's introduction or note before it
(with the text's own headings between that and its first paragraph), and the notes after it,
under a "Notes" heading or as a trailing run of numbered paragraphs. `layout.lay_out` runs these
passes after the header zone is marked."""

from __future__ import annotations

import re

from archivist.extract.dateline import parse_dateline
from archivist.extract.dates import MONTH_NAME
from archivist.extract.header import opens_catechism
from archivist.extract.item import Item, Layout
from archivist.extract.labels import is_label_line

_NOTES_HEADING = re.compile(
    r"^(?:(?:foot-?)?notes? (?:by|from) (?:the )?[\w ]{1,30}|notes?|foot-?notes?|end-?notes?|notes and references|references|glossary|editor'?s'? notes?|"
    r"translator'?s'? notes?|mia notes?|notes (?:by|of) the (?:editor|translator)s?|works cited|bibliography|remarks|anmerkungen|примечания|athugasemdir|notas|"
    r"remarques|noten|przypisy|uwagi|注释|注)[.:]?$",
    re.I,
)
# The longest text `_NOTES_HEADING` can match, in characters ("footnotes from the " and 30 more, then a
# stop; a test checks it against the pattern): a longer line is no notes heading, without a search.
_NOTES_HEADING_LONGEST = 51
_NOTE_START = re.compile(r"^(?:\[\d+\]|\(\d+\)|\d+\)\s?\S|\d+\.\s|\*+\s|\^\d|\d+\s[A-Z]|\[[a-z]\])")


def _notes_heading(text: str) -> bool:
    """Whether `text`, stripped, is a notes heading (`_NOTES_HEADING`; a typographic apostrophe as ')."""
    text = text.strip()
    return len(text) <= _NOTES_HEADING_LONGEST and _NOTES_HEADING.match(text.replace("’", "'")) is not None


def notes_start(lines: list[str]) -> int | None:
    """Where notes begin inside one block: a notes heading line followed by numbered notes ("…ég verð!
    / Athugasemdir / 1) Hópur fólks …", lines joined by <br>)."""
    for n in range(1, len(lines) - 1):
        if _notes_heading(lines[n]) and _NOTE_START.match(lines[n + 1].strip()):
            return n
    return None


_ED_MARK = re.compile(
    r"[–—-]\s*(?:Ed|Eds|Editor|Editors|Trans|Translator|Tr|MIA|Note by \w+)\.?\s*\]?\)?$", re.I
)
# The line that introduces an editor's note: "Note from MECW vol. 4, 1975 :", "Note by MIA:", "Editor's note:".
_NOTE_LABEL = re.compile(
    r"^(?:(?:an? )?(?:editor'?s'?|editorial|translator'?s'?|transcriber'?s'?|publisher'?s'?) )?notes? "
    r"(?:from|by|of) (?:the )?[\w.,' ]{1,40}?\s*[:.]?$|^(?:editor'?s'?|editorial|translator'?s'?) notes?\s*[:.]?$",
    re.I,
)
_INTRO_HEADING = re.compile(
    r"(?:[’']s?\s+(?:introduction|note|preface|foreword)|\b(?:introduction|note|preface|foreword)\s+(?:by|of)\s+"
    r"the\b|^(?:editor|translator|publisher)s?[’']?s?\s+(?:introduction|note))",
    re.I,
)


def mark_leading_editorial(layout: Layout, fmt: str) -> None:
    """An editor's introduction before the text: paragraphs under a heading such as "Fourth
    International's Introduction", an opening run whose last paragraph is signed "– Ed.", or a
    boxed (blockquoted) note followed by the text's own headings. Headings between it and the
    first paragraph of the text belong to the header."""
    items = layout.items
    body = [i for i, it in enumerate(items) if it.role == "body"]
    if len(body) < 3:
        return
    first = body[0]
    before = [it for it in items[:first] if it.role not in ("chrome",)]
    previous = before[-1] if before else None
    # "### Introduction: The political context" / "#### by Guy Desolre": an introduction by someone else.
    introduced_by = (
        len(before) >= 2
        and re.match(r"^by\s+[A-ZÀ-Þ]", before[-1].text)
        and re.match(r"^(?:introduction|preface|foreword)\b", before[-2].text, re.I)
        and before[-2].block.is_heading
    )
    if previous is not None and (
        introduced_by or (previous.role == "subtitle" and _INTRO_HEADING.search(previous.text))
    ):
        k = first
        while k < len(items) and items[k].role == "body" and not items[k].block.is_heading:
            items[k].role = "editorial"
            k += 1
            while k < len(items) and items[k].role == "chrome" and items[k].block.tag != "hr":
                k += 1
            if k < len(items) and items[k].block.tag == "hr":
                break
        if k < len(items) and _notes_heading(items[k].text):
            # The introduction's own notes, before the text begins.
            items[k].role = "header"
            k += 1
            while (
                k < len(items)
                and items[k].role == "body"
                and (
                    _NOTE_START.match(items[k].text)
                    or items[k].block.has_class("endnote", "note", "footnote")
                )
            ):
                items[k].role = "footnote"
                k += 1
    elif items[first].block.in_quote and items[body[1]].block.is_heading:
        items[first].role = "editorial"
    elif fmt == "mediawiki" and items[first].block.in_quote:
        # MECW pages open with the editors' note set as a blockquote, then the text.
        run = [k for k in body[: next((n for n, k in enumerate(body) if not items[k].block.in_quote), 0)]]
        if run and len(run) < len(body):
            for k in run:
                items[k].role = "editorial"
    elif _NOTE_LABEL.match(items[first].text.strip()) and items[body[1]].block.in_quote:
        # "Note from MECW vol. 4, 1975 :" above the editors' note set as a blockquote, then the text.
        quoted = next((n for n, k in enumerate(body[1:], 1) if not items[k].block.in_quote), len(body))
        if quoted < len(body):
            for k in body[:quoted]:
                items[k].role = "editorial"
    else:
        for k in body[:3]:
            if items[k].block.is_heading:
                break
            if _ED_MARK.search(items[k].text):
                for m in body[: body.index(k) + 1]:
                    items[m].role = "editorial"
                break
    # The text's own headings before its first paragraph.
    for k in [i for i, it in enumerate(items) if it.role == "body"][:4]:
        if (
            items[k].block.is_heading
            and len(items[k].text) < 120
            and parse_dateline(items[k].text) is None
            and not opens_catechism(items, k)
        ):
            items[k].role = "subtitle"
            continue
        break


# The details of a reviewed book: "Oliver Cromwell: The Conservative Dictator / By Maurice Ashley /
# (Jonathan Cape). / 12s. 6d." or "Marx and Soviet Reality by Daniel Norman. The Batchworth Press, 1955. 2s. 6d."
_REVIEWED_BOOK = re.compile(
    r"^[^\n]{3,150}?\s(?:by|By|BY)\s+[A-ZÀ-Þ][\w.'’-]*(?:\s+[A-ZÀ-Þ][\w.'’-]*){0,4}[.,\s]"
    r"(?=.*(?:\b\d+\s*s\.|\b\d+\s*d\.|[$£]\s?\d|\bPress\b|\bPublish\w*|\(\s*[A-Z][^)]{2,40}\)|\b1[89]\d\d\b))",
    re.S,
)
# Its price or its length closes the details: "12s. 6d.", "$6.95.", "(Jonathan Cape, 1928, 7s. 6d.)",
# "(Martin Lawrence, pp. 213. 5s.)", "… Urizen Books (New York). 139 pages."
_PRICE = re.compile(
    r"(?:\b\d+\s*s\.\s*(?:\d+\s*d\.)?|\b\d+\s*d\.|[$£]\s?\d+(?:[.,]\d+)?|\bpp\.\s*\d+\.?|\b\d+\s*(?:pp\.|pages\.?))"
    r"[\s.)\]]*$"
)
_QUOTE_CLASSES = ("quoteb", "quoter", "quote", "epigraph", "motto", "inline")
# "– Marx: The Holy Family", "— Karl Marx", "(Lenin)": who said it.
_ATTRIBUTION = re.compile(
    r"(?:[–—-]\s*[A-ZÀ-Þ][\w.'’ -]{1,40}(?::[^\n]{0,80})?|\([A-ZÀ-Þ][\w.'’ ,-]{1,60}\))\s*$"
)


# A paragraph that is one quotation and its source: "“Our task is to transform sorrow into strength.”—MAO
# TSE TUNG, March 10, 1953.", "“…the very vanguard…” – from Resolution on Negro Work …", "“…” (Sydney Smith)."
# Only a date after the quotation ("… struggle for liberty’ (May 29, 1917).") dates a quoted letter or diary
# that opens the text; an epigraph names its source.
_QUOTED_EPIGRAPH = re.compile(
    r"^[“\"«„‘][^\n]{10,}[”\"»’][.,]?\s*(?:[–—]|--?|\()\s*"
    rf"(?!(?i:{MONTH_NAME})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\)?\.?$)(?:[A-ZÀ-Þ]|from |in )[^\n]{{1,100}}$",
    re.S,
)
EPIGRAPH_CHARS = 1200

_CONTENTS = re.compile(
    r"^(?:table of )?contents|sommaire|table des matières|índice|inhalt(?:sverzeichnis)?|содержание$", re.I
)


# A heading that names the text which follows it: "Franz Mehring’s Article", "Trotsky's Speech".
_NAMED_TEXT = re.compile(
    r"^[A-ZÀ-Þ][\w.'’ -]{1,40}[’']s?\s+(?:article|speech|letter|report|address|text|reply|statement)\.?$",
    re.I,
)


def _drop_contents(items: list[Item]) -> None:
    """A table of contents (a heading "Contents", then a list) is navigation, even where an item is
    not a link."""
    for i, item in enumerate(items[:-1]):
        if item.block.is_heading and _CONTENTS.match(item.text.strip().rstrip(":")):
            k = i + 1
            while k < len(items) and items[k].block.tag == "li":
                items[k].role = "chrome"
                k += 1
            return


def mark_front_matter(layout: Layout) -> None:
    """Matter set before the first paragraph of the text: the details of the book a review is
    about, and an epigraph (a quotation in a quote style, with its author after a dash). They join
    the header; the text starts after them."""
    items = layout.items
    _drop_contents(items)
    body = [i for i, it in enumerate(items) if it.role == "body"]
    named = next(
        (
            n
            for n, k in enumerate(body[:12])
            if items[k].block.is_heading and _NAMED_TEXT.match(items[k].text.strip())
        ),
        None,
    )
    if named:
        # "… the following article from comrade Franz Mehring …" / "### Franz Mehring’s Article": what
        # comes before the heading that names the text is the editor's.
        for k in body[:named]:
            items[k].role = "editorial"
        items[body[named]].role = "subtitle"
        body = body[named + 1 :]
    # A second information paragraph after the header's ("The following is an excerpt from …").
    while len(body) > 3 and items[body[0]].block.has_class("information", "info"):
        items[body.pop(0)].role = "editorial"
    if len(body) < 3:
        return
    first = items[body[0]]
    lines = first.text.split("\n")
    if (
        len(first.text) <= 250
        and _PRICE.search(first.text)
        and (
            _REVIEWED_BOOK.match(first.text)
            or len(lines) >= 2  # "G.A. Almond / The Appeals of Communism / …, 22s."
        )
    ):
        first.role = "header"
        return
    if len(lines) > 1 and len(lines[0]) <= 200 and _REVIEWED_BOOK.match(lines[0]) and _PRICE.search(lines[0]):
        # The book's details run into the review with a line break: split them off.
        items[body[0] : body[0] + 1] = [
            Item(lines[0], first.block, "header"),
            Item("\n".join(lines[1:]), first.block, "body"),
        ]
        return
    second = items[body[1]]
    if (
        (first.block.has_class(*_QUOTE_CLASSES) or first.block.in_quote)
        and not (second.block.has_class(*_QUOTE_CLASSES) or second.block.in_quote)
        and len(first.text) <= 600
        and not second.block.is_heading
        and (_ATTRIBUTION.search(first.text) or first.text.lstrip().startswith(("...", "…")))
    ) or (
        # The same epigraph as a plain paragraph: all of it a quotation, then who said it.
        len(first.text) <= EPIGRAPH_CHARS
        and not (second.block.has_class(*_QUOTE_CLASSES) or second.block.in_quote or second.block.is_heading)
        and _QUOTED_EPIGRAPH.match(first.text.strip())
    ):
        first.role = "header"


def mark_notes(layout: Layout) -> None:
    items = layout.items
    body = [i for i, it in enumerate(items) if it.role == "body"]
    if not body:
        return
    first = body[0]
    for i in range(first + 1, len(items)):
        item = items[i]
        if _notes_heading(item.text) and (
            (item.role == "body" and (item.block.is_heading or len(item.text) < 40))
            # a heading that is an anchor link, or that was read as a "Notes:" label
            or (item.role in ("chrome", "info") and item.block.is_heading)
        ):
            item.role = "header"
            for k in range(i + 1, len(items)):
                if items[k].role in ("body", "info") and not (
                    items[k].role == "info" and _has_labels(items[k])
                ):
                    items[k].role = "footnote"
            return
    # Notes without a heading: a trailing run of numbered paragraphs in a notes class, or after a rule.
    for i in range(len(items) - 1, first, -1):
        item = items[i]
        if item.role == "chrome":
            continue
        noted = item.block.has_class(
            "endnote",
            "footnote",
            "note",
            "notes",
            "fn",
            "information",
            "info",
            "references",
            "mw-references",
            "reference",
        ) or (item.block.zone == "footnote")
        if (
            item.role in ("body", "info")
            and noted
            and (
                _NOTE_START.match(item.text)
                or item.block.zone == "footnote"
                or item.block.has_class("references")
            )
        ):
            if not _has_labels(item):
                item.role = "footnote"
            continue
        break
    mark_notes_after_rule(layout)


# The markers notes open with, beyond `_NOTE_START`: lettered notes ("[A] Albingenses: …") and pandoc's
# superscripts ("^[A]^ …", "^^ …" where the marker was a link).
_NOTE_MARK = re.compile(r"^(?:\[[A-Z]\]|\^\[\w{1,3}\]\^|\^\^\s)")
NOTES_AFTER_RULE_MAX = 30  # items in a trailing run after the last rule that may be notes


def _is_note(text: str) -> bool:
    text = text.lstrip()
    return _NOTE_START.match(text) is not None or _NOTE_MARK.match(text) is not None


def mark_notes_after_rule(layout: Layout) -> None:
    """Notes without a heading or a class: the run of paragraphs after the text's last horizontal rule,
    when the first of them and at least half open with a note's marker ("1. PEAKE. The Bronze Age …",
    "[A] Boenigk asked Engels …") and the text stands before the rule."""
    items = layout.items
    run: list[int] = []
    k = max((i for i, it in enumerate(items) if it.role == "body"), default=0)  # past the page's footer
    while k > 0 and items[k].block.tag != "hr":
        if items[k].role == "body":
            run.append(k)
        elif items[k].role != "chrome":
            return
        k -= 1
    if not run or len(run) > NOTES_AFTER_RULE_MAX or not any(it.role == "body" for it in items[:k]):
        return
    run.reverse()
    marked = sum(_is_note(items[i].text) for i in run)
    if _is_note(items[run[0]].text) and 2 * marked >= len(run):
        for i in run:
            items[i].role = "footnote"


def _has_labels(item: Item) -> bool:
    return any(is_label_line(line) for line in item.text.split("\n"))

"""Where things are on a page: chrome, the header zone (title, byline, subtitles, labelled
information block), the body, and the notes after it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from itertools import pairwise

from archivist.extract.anatomy import parse_dateline
from archivist.extract.dates import find_date
from archivist.extract.labels import interpret_free_line, is_label_line, parse_label_line
from archivist.extract.names import looks_like_name, split_authors
from archivist.sources.page import Block, Page

_CHROME_LINE = re.compile(
    r"(?:last updated.*|top of (?:the )?page|back to .*|(?:next|previous|prev)\b.{0,40}|index|contents|"
    r"table of contents|marxists internet archive|marx/engels internet archive|mia\s*>.*|[^>]*\barchive\s*>.*|"
    r"home|download (?:pdf|epub|mobi).*|[^\n]*\bfile size\b.*|←.*|[^→]*→|»|«|\^|->|<-|retrieved from .*|"
    r"this page was last (?:edited|modified).*|(?:🔍\s*)?see also\s*:?.*alternative translations?.*|\*\s*\*\s*\*|"
    r"[*_-]{3,}|\d{1,2}\.\d{1,2}\.\d{4})",
    re.I,
)
_CHROME_CLASSES = ("toplink", "updat", "link", "footer", "navigation", "nav", "next", "prev", "breadcrumb")
_NOTES_HEADING = re.compile(
    r"^(?:(?:foot-?)?notes? (?:by|from) (?:the )?[\w ]{1,30}|notes?|foot-?notes?|end-?notes?|notes and references|references|glossary|editor'?s'? notes?|"
    r"translator'?s'? notes?|mia notes?|notes (?:by|of) the (?:editor|translator)s?|anmerkungen|примечания)[.:]?$",
    re.I,
)
_NOTE_START = re.compile(r"^(?:\[\d+\]|\(\d+\)|\d+\.\s|\*+\s|\^\d|\d+\s[A-Z]|\[[a-z]\])")
_INFO_CLASSES = ("information", "info", "infobox", "publication", "metadata", "headertable", "source")
_DATE_ONLY = re.compile(r"^[\[(]?[^\w]*[\w ,.–-]{0,40}\d{4}[^\w]*[\])]?\.?$")


_SPACES = dict.fromkeys([0xA0, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000], " ")
_INVISIBLE = dict.fromkeys([0xAD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF])
_TRANSLATE = str.maketrans({**_SPACES, **_INVISIBLE, "\t": " "})
_RUNS = re.compile(r" {2,}")
_ODD_CHARS = re.compile("[\t\u00a0\u00ad\u2000-\u200d\u202f\u205f\u2060\u3000\ufeff]")


def normalise(text: str) -> str:
    """Canonical text form: NFC, no-break and odd spaces as spaces, no soft hyphens or BOMs."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
        if _ODD_CHARS.search(text):
            text = text.translate(_TRANSLATE)
    elif "\t" in text:
        text = text.replace("\t", " ")
    text = _RUNS.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


@dataclass(slots=True)
class Item:
    text: str
    block: Block
    role: str = "body"  # chrome, title, byline, subtitle, info, body, footnote, header


@dataclass(slots=True)
class Layout:
    items: list[Item]
    title: str | None = None
    title_index: int | None = None
    byline: str | None = None
    byline_origin: str | None = None
    subtitles: list[str] = field(default_factory=list)
    labels: list[tuple[str, str, str]] = field(default_factory=list)  # key, label as written, value
    table_fields: dict[str, list[str]] = field(default_factory=dict)
    body: list[int] = field(default_factory=list)


def lay_out(page: Page) -> Layout:
    items = _items(page)
    layout = Layout(items=items)
    _mark_chrome(items)
    _read_table_fields(items, layout)
    _mark_info(items)
    _find_title(page, layout)
    _mark_header_zone(layout)
    _mark_leading_editorial(layout, page.format)
    _mark_notes(layout)
    layout.labels = _read_labels([ln for item in items if item.role == "info" for ln in _info_lines(item.text)],
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
        flags = [is_label_line(line) for line in lines]
        if any(flags) and not all(flags) and block.tag in ("p", "div", "td", "text") and flags[0]:
            # A labelled header run straight into the text (no blank line): split at the change.
            cut = flags.index(False)
            if cut:
                items.append(Item("\n".join(lines[:cut]), block))
                items.append(Item("\n".join(lines[cut:]), block))
                continue
        items.append(Item(text, block))
    return items


def _mark_chrome(items: list[Item]) -> None:
    for item in items:
        block = item.block
        first = item.text.split("\n")[0].strip()
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
            or (len(item.text) < 120 and _CHROME_LINE.fullmatch(first))
            or (not block.has_class("firstheading") and re.fullmatch(r"[\W_]+", item.text))
        ):
            item.role = "chrome"


def _read_table_fields(items: list[Item], layout: Layout) -> None:
    """wikirouge's author table: a <th> label cell followed by its <td> values."""
    current = None
    for item in items:
        block = item.block
        if block.in_table and block.has_class("headertable"):
            if block.tag == "th":
                current = item.text.strip().rstrip(":").lower()
                item.role = "info"
            elif block.tag == "td" and current:
                layout.table_fields.setdefault(current, []).extend(
                    v.strip() for v in item.text.split("\n") if v.strip()
                )
                item.role = "info"
        else:
            current = None


def _mark_info(items: list[Item]) -> None:
    for item in items:
        if item.role != "body":
            continue
        lines = [ln for ln in item.text.split("\n") if ln.strip()]
        labelled = sum(1 for ln in lines if is_label_line(ln))
        if (labelled and labelled >= len(lines) / 2 and len(item.text) < 3000) or (
            item.block.has_class(*_INFO_CLASSES) and not item.block.is_heading and labelled
        ):
            item.role = "info"


def _clean_heading(text: str) -> str:
    return re.sub(r"\s*\n\s*", " ", text).strip()


def _find_title(page: Page, layout: Layout) -> None:
    items = layout.items
    live = [i for i, it in enumerate(items) if it.role not in ("chrome",)]
    if not live:
        return
    first_long = next((i for i in live if items[i].role == "body" and not items[i].block.is_heading
                       and len(items[i].text) > 250), len(items))  # fmt: skip
    if page.format == "tei" and page.fields.get("title"):
        layout.title = page.fields["title"][0]
        return
    headings = [i for i in live if items[i].block.is_heading and i < first_long and items[i].role == "body"]
    chosen = None
    if headings:
        top = min(items[i].block.level for i in headings)
        h1s = [i for i in headings if items[i].block.level == top]
        chosen = h1s[0]
        # A byline heading above the title at a higher level ("## James Connolly" over "# …"): skip names.
        while chosen is not None and looks_like_name(items[chosen].text) and len(h1s) > 1:
            h1s = h1s[1:]
            chosen = h1s[0]
        first_named = next((i for i in headings if not _DATE_ONLY.match(items[i].text)), None)
        later = [i for i in headings if i > chosen and not _DATE_ONLY.match(items[i].text)]
        classed = [i for i in headings if items[i].block.has_class("title") and i > headings[0]]
        if classed and looks_like_name(items[headings[0]].text) and classed[0] != chosen:
            # MIA marks the title heading with class="title" even when a bigger heading follows it.
            layout.byline, layout.byline_origin = (
                items[headings[0]].text,
                f"byline:{items[headings[0]].block.tag}",
            )
            items[headings[0]].role = "byline"
            chosen = classed[0]
        elif looks_like_name(items[chosen].text) and later and chosen == first_named:
            # "## Vladimir Ilyich Lenin" over "### Frederick Engels": the first name is the byline.
            layout.byline, layout.byline_origin = items[chosen].text, f"byline:{items[chosen].block.tag}"
            items[chosen].role = "byline"
            chosen = later[0]
    elif page.format in ("txt", "mediawiki-text"):
        cands = [
            i
            for i in live[:4]
            if len(items[i].text) < 160
            and items[i].role == "body"
            and not re.search(r"[a-z]\.$", items[i].text)
        ]
        if cands:
            chosen = cands[0]
            if (
                len(cands) > 1
                and looks_like_name(items[cands[0]].text)
                and not _DATE_ONLY.match(items[cands[1]].text)
            ):
                layout.byline, layout.byline_origin = items[cands[0]].text, "byline:first-line"
                items[cands[0]].role = "byline"
                chosen = cands[1]
    if chosen is None:
        return
    layout.title_index = chosen
    layout.title = clean_title(items[chosen].text)
    items[chosen].role = "title"


def clean_title(text: str) -> str:
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    if len(lines) > 1 and re.fullmatch(
        r"[\[(]?(?:abstract|extracts?|excerpts?|summary|draft|fragment)[\])]?", lines[-1], re.I
    ):
        lines = lines[:-1]
    title = " ".join(lines)
    if title.count("'") % 2 == 1 and title.endswith("'"):
        title = title[:-1]
    if title.count('"') == 2 and title.startswith('"') and title.endswith('"'):
        title = title[1:-1]
    return title.strip()


def _mark_header_zone(layout: Layout) -> None:
    """Everything before the first paragraph of text after the title is header: byline, series
    lines, subtitles and dates, the information block, leading headings."""
    items = layout.items
    t = layout.title_index
    start = 0 if t is None else t + 1
    # Before the title: bylines, series labels.
    if t is not None:
        for i in range(t):
            item = items[i]
            if item.role != "body":
                continue
            item.role = "header"
            if layout.byline is None and _byline_candidate(item):
                layout.byline, layout.byline_origin = item.text, f"byline:{item.block.tag}"
                if item.block.has_class("title") and re.search(
                    r"\b(?:in|correspondence|works)\b", item.text, re.I
                ):
                    layout.byline_origin = "byline:series"
                item.role = "byline"
        if layout.byline is None:
            heads = [i for i in range(t) if items[i].role == "header" and items[i].block.is_heading
                     and not find_date(items[i].text)
                     and len(items[i].text.split()) <= 6]  # fmt: skip
            if (
                heads
            ):  # the author slot above the title holds an organisation ("Kommunistische Arbeiter-Partei …")
                layout.byline, layout.byline_origin = (
                    items[heads[0]].text,
                    f"byline:{items[heads[0]].block.tag}",
                )
                items[heads[0]].role = "byline"
        _series_title(layout)
    # After the title: subtitles, info, headings until the first real paragraph.
    i = start
    seen_info = False
    _mark_ruled_info(items, start)
    _chapter_under_book_title(layout, start)
    while i < len(items):
        item = items[i]
        if item.role in ("chrome",):
            i += 1
            continue
        if item.role == "info":
            seen_info = True
            i += 1
            continue
        if item.role != "body":
            i += 1
            continue
        block = item.block
        text = item.text
        if (dl := parse_dateline(text)) is not None and dl[0] and not text.startswith(("(", "[")):
            break  # "London, Wednesday, December 1, 1852" opens the text, even set as a heading
        if block.has_class(*_INFO_CLASSES) or _in_info_rules(items, i):
            item.role = "info"
            seen_info = True
            i += 1
            continue
        if block.is_heading or (
            block.has_class("title", "subtitle", "author", "byline", "date-heading") and not seen_info
        ):
            if layout.byline is None and _byline_candidate(item):
                layout.byline, layout.byline_origin = text, f"byline:{block.tag}"
                item.role = "byline"
            else:
                item.role = "subtitle"
                layout.subtitles.append(_clean_heading(text))
            i += 1
            continue
        if not seen_info and _DATE_ONLY.match(text) and text.startswith(("(", "[")) and find_date(text):
            item.role = "subtitle"
            layout.subtitles.append(text)
            i += 1
            continue
        break


_CITATION = re.compile(r"\b(?:pp?\.\s*\d|vol\.?\s*[\dIVXLC]|no\.\s*\d)", re.I)


def _read_labels(lines: list[str], title: str | None) -> list[tuple[str, str, str]]:
    """(key, label, value) for each line of the information block that says something."""
    labels = []
    for n, line in enumerate(lines):
        parsed = parse_label_line(line) or interpret_free_line(line)
        if parsed and not parsed[2] and n + 1 < len(lines) and not is_label_line(lines[n + 1]):
            parsed = (parsed[0], parsed[1], lines[n + 1])  # "Published:" with its value below it
        if parsed is None:
            parsed = _citation_line(line, title)
        if parsed:
            labels.append(parsed)
    return labels


def _info_lines(text: str) -> list[str]:
    """Lines of an information block; a long line of prose is cut into sentences, since free prose
    ("This speech was delivered … Translation by … Translation first appeared in MRzine.") holds
    several fields."""
    out: list[str] = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        if len(line) > 150 and not is_label_line(line):
            out.extend(s for s in re.split(r"(?<=[a-z)][.;])\s+(?=[A-Z])", line) if s.strip())
        else:
            out.append(line)
    return out


def _citation_line(line: str, title: str | None) -> tuple[str, str, str] | None:
    """An unlabelled line that is a citation ("Britain coming into line – letter to Quelch, Justice,
    28th April 1906, p.5."): the source, without the title and description that lead it."""
    found = find_date(line)
    if not found or len(line) > 300:
        return None
    if not _CITATION.search(line):
        # "Irish Worker, 16 September 1911.": a periodical and its issue date, nothing else.
        head, sep, rest = line.strip().rstrip(".").partition(", ")
        date = find_date(rest) if sep else None
        if not (date and date[1] <= 1 and date[2] >= len(rest) - 1 and "-" in date[0] and head[:1].isupper()
                and len(head) <= 60 and not is_label_line(line)):  # fmt: skip
            return None
    value = line.strip()
    if title and value.lower().startswith(title.lower()):
        value = value[len(title) :].lstrip(" –—-:,")
        head, sep, tail = value.partition(", ")
        if sep and head[:1].islower():
            value = tail  # "letter to Quelch, Justice, …": drop the description
    return "free_source", "free:citation", value


def _chapter_under_book_title(layout: Layout, start: int) -> None:
    """When the page's top heading is the book's title (the information block's source names it),
    the first heading after the information block is the chapter's own title."""
    items = layout.items
    if not layout.title:
        return
    info = [k for k in range(start, min(len(items), start + 12)) if items[k].role == "info"
            or items[k].block.has_class(*_INFO_CLASSES)]  # fmt: skip
    if not info:
        return
    info_text = " ".join(items[k].text for k in info)
    if not re.search(r"(?:source|published)\s*:\s*" + re.escape(layout.title), info_text, re.I):
        return
    following = next((k for k in range(info[-1] + 1, len(items)) if items[k].role != "chrome"), None)
    if following is not None and items[following].block.is_heading and len(items[following].text) < 120:
        if layout.title_index is not None:
            items[layout.title_index].role = "subtitle"
            layout.subtitles.append(layout.title)
        layout.title = clean_title(items[following].text)
        layout.title_index = following
        items[following].role = "title"


def _mark_ruled_info(items: list[Item], start: int) -> None:
    """A short run of blocks between two rules near the top, holding source or label lines, is
    the information block even without its CSS class (pandoc Markdown, older pages)."""
    rules = [i for i in range(start, min(len(items), start + 14)) if items[i].block.tag == "hr"]
    for left, right in pairwise(rules):
        inside = [k for k in range(left + 1, right) if items[k].role in ("body", "info")]
        if not inside or len(inside) > 5 or sum(len(items[k].text) for k in inside) > 2500:
            continue
        lines = [ln for k in inside for ln in items[k].text.split("\n")]
        if any(is_label_line(ln) or interpret_free_line(ln) for ln in lines):
            for k in inside:
                items[k].role = "info"
            return


def _in_info_rules(items: list[Item], index: int) -> bool:
    """Inside MIA's information block: between an ``hr.infotop`` and its ``hr.infobot``."""
    before = next((it for it in reversed(items[:index]) if it.block.tag == "hr"), None)
    after = next((it for it in items[index + 1 :] if it.block.tag == "hr"), None)
    return bool(before and after and before.block.has_class("infotop") and after.block.has_class("infobot"))


_GENERIC_TITLE = re.compile(r"^(?:preface|introduction|foreword|afterword|appendix|postscript|conclusion|"
                            r"(?:chapter|part|book|section)\s+[\w.]+)(?:\s+to .*)?$", re.I)  # fmt: skip


def _series_title(layout: Layout) -> None:
    """A bare "Preface" under a series line "Engels 1894: The Peasant Question in France and Germany"
    is that work's preface."""
    if not layout.title or not _GENERIC_TITLE.match(layout.title) or layout.title_index is None:
        return
    for item in layout.items[: layout.title_index]:
        match = re.match(r"^[^:]{2,60}\d{4}\s*:\s*(?P<work>.+)$", item.text)
        if match:
            layout.title = f"{match.group('work').strip()} – {layout.title}"
            return


def _byline_candidate(item: Item) -> bool:
    text = _strip_byline(item.text)
    return (
        bool(text)
        and (looks_like_name(text) or item.block.has_class("title", "author", "byline"))
        and (
            item.block.is_heading
            or item.block.has_class("title", "author", "byline")
            or looks_like_name(text)
        )
        and not text.startswith("(")
    )


def _strip_byline(text: str) -> str:
    lines = [ln.strip() for ln in text.split("\n") if ln.strip() and not ln.strip().startswith(("[", "("))]
    if lines:
        text = "\n".join(
            lines
        )  # "Eden and Cedar Paul\n[“The W.E.A. Education Year Book …”]": a note, not a name
    text = _clean_heading(text)
    text = re.sub(
        r"^.{3,80}?\s+by\s+(?=[A-ZÀ-Þ])", "", text
    )  # "Democracy with a Tommygun by Wilfred Burchett"
    text = re.sub(r"^(?:by|par|von|por|di)\s+", "", text, flags=re.I)
    text = re.sub(r"^(?:an? )?interview (?:with|of)\s+", "", text, flags=re.I)
    found = find_date(text)
    if found and found[1] > 0:
        text = text[: found[1]]
    text = re.sub(r"\s+(?:in|on)\s+[A-Z].*$", "", text)
    return text.strip(" ,.;:-–—")


def byline_authors(text: str | None) -> list[str]:
    if not text:
        return []
    cleaned = _strip_byline(text)
    cleaned = cleaned.split(",")[0] if "," in cleaned and find_date(text) else cleaned
    return split_authors(cleaned)


_ED_MARK = re.compile(
    r"[–—-]\s*(?:Ed|Eds|Editor|Editors|Trans|Translator|Tr|MIA|Note by \w+)\.?\s*\]?\)?$", re.I
)
_INTRO_HEADING = re.compile(
    r"(?:[’']s?\s+(?:introduction|note|preface|foreword)|\b(?:introduction|note|preface|foreword)\s+(?:by|of)\s+"
    r"the\b|^(?:editor|translator|publisher)s?[’']?s?\s+(?:introduction|note))",
    re.I,
)


def _mark_leading_editorial(layout: Layout, fmt: str) -> None:
    """An editor's introduction before the text: paragraphs under a heading such as "Fourth
    International's Introduction", an opening run whose last paragraph is signed "– Ed.", or a
    boxed (blockquoted) note followed by the text's own headings. Headings between it and the
    first paragraph of the text belong to the header."""
    items = layout.items
    body = [i for i, it in enumerate(items) if it.role == "body"]
    if len(body) < 3:
        return
    first = body[0]
    previous = next((it for it in reversed(items[:first]) if it.role not in ("chrome",)), None)
    if previous is not None and previous.role == "subtitle" and _INTRO_HEADING.search(previous.text):
        k = first
        while k < len(items) and items[k].role == "body" and not items[k].block.is_heading:
            items[k].role = "editorial"
            k += 1
            while k < len(items) and items[k].role == "chrome" and items[k].block.tag != "hr":
                k += 1
            if k < len(items) and items[k].block.tag == "hr":
                break
    elif items[first].block.in_quote and items[body[1]].block.is_heading:
        items[first].role = "editorial"
    elif fmt == "mediawiki" and items[first].block.in_quote:
        # MECW pages open with the editors' note set as a blockquote, then the text.
        run = [k for k in body[: next((n for n, k in enumerate(body) if not items[k].block.in_quote), 0)]]
        if run and len(run) < len(body):
            for k in run:
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
        if items[k].block.is_heading and len(items[k].text) < 120 and parse_dateline(items[k].text) is None:
            items[k].role = "subtitle"
            continue
        break


def _mark_notes(layout: Layout) -> None:
    items = layout.items
    body = [i for i, it in enumerate(items) if it.role == "body"]
    if not body:
        return
    first = body[0]
    for i in range(first + 1, len(items)):
        item = items[i]
        if (
            item.role == "body"
            and _NOTES_HEADING.match(item.text.strip().replace("’", "'"))
            and (item.block.is_heading or len(item.text) < 40)
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
                or re.search(r"[–—-]\s*(?:Ed|Eds|Tr)\.?$", item.text)
            )
        ):
            if not _has_labels(item):
                item.role = "footnote"
            continue
        break


def _has_labels(item: Item) -> bool:
    return any(is_label_line(line) for line in item.text.split("\n"))

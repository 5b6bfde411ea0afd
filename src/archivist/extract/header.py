"""The header zone of a page: the title, the byline above or below it, subtitles and dates under
it, up to the first paragraph of the text. The information block inside it (MIA's labelled
"Written: … Source: …" lines, wikirouge's author table) is read in `info`. `layout.lay_out` runs
these passes."""

from __future__ import annotations

import re

from archivist.extract.dateline import parse_dateline
from archivist.extract.dates import find_date
from archivist.extract.info import IMPRINT, INFO_CLASSES, in_info_rules, mark_ruled_info
from archivist.extract.item import Item, Layout
from archivist.extract.names import looks_like_name, split_authors
from archivist.sources.page import Page

_LINE_BREAK = re.compile(r"\s*\n\s*")
_DATE_ONLY = re.compile(r"^[\[(]?[^\w]*[\w ,.–-]{0,40}\d{4}[^\w]*[\])]?\.?$")


def _clean_heading(text: str) -> str:
    return _LINE_BREAK.sub(" ", text).strip()


def find_title(page: Page, layout: Layout) -> None:
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
        # "Delivered At A Meeting Of … December 14(27), 1917" is a statement about the text, not its title.
        candidates = [i for i in headings if not _DELIVERY_HEADING.match(items[i].text)] or headings
        top = min(items[i].block.level for i in candidates)
        h1s = [i for i in candidates if items[i].block.level == top]
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
        elif (
            later
            and chosen == first_named
            and re.match(r"^(?:of|on|for|to|and|in|at)\s", items[later[0]].text)
            and items[later[0]].text[:1].islower()
        ):
            # "# Inaugural Address" / "### of the International Working Men’s Association": one title.
            items[chosen].role = "title"
            items[later[0]].role = "title"
            layout.title_index = chosen
            layout.title = clean_title(items[chosen].text + " " + items[later[0]].text)
            return
        elif looks_like_name(items[chosen].text) and later and chosen == first_named:
            # "## Vladimir Ilyich Lenin" over "### Frederick Engels": the first name is the byline. The
            # title is then the most prominent heading after it, not a statement of delivery.
            layout.byline, layout.byline_origin = items[chosen].text, f"byline:{items[chosen].block.tag}"
            items[chosen].role = "byline"
            titled = [i for i in later if not _DELIVERY_HEADING.match(items[i].text)] or later
            chosen = min(titled, key=lambda i: (items[i].block.level, i))
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
    following = next((i for i in live if i > chosen), None)
    if (
        following is not None
        and items[following].block.is_heading
        and items[following].role == "body"
        and _NUMBERED_ITEM.match(items[following].text)
        and not _NUMBERED_ITEM.match(items[chosen].text)
    ):
        # "# History of the World Crisis" / "## Lecture 7: The Hungarian Revolution": the series, then
        # the item this page holds.
        items[chosen].role = "subtitle"  # the series, not a byline
        layout.subtitles.append(clean_title(items[chosen].text))
        chosen = following
    elif (chapter := _numbered_chapter_under_book(page, items, live, chosen)) is not None:
        items[chosen].role = "subtitle"  # the book
        layout.subtitles.append(clean_title(items[chosen].text))
        layout.title_origin = "heading:chapter-under-book"
        chosen = chapter
    layout.title_index = chosen
    layout.title = clean_title(items[chosen].text)
    if page.format == "mediawiki":
        # "The Agitation Outside Parliament (1855)": the wiki's disambiguation, not part of the title.
        layout.title = re.sub(
            r"(?<!Volume)(?<!Vol\.)(?<!Part)(?<!No\.)\s+\((?:\d{4}|\d{1,2})\)$", "", layout.title
        )
    items[chosen].role = "title"
    _chapter_named_in_head_title(page, layout, first_long)
    chosen = layout.title_index
    lines = [ln.strip() for ln in items[chosen].text.split("\n") if ln.strip()]
    if len(lines) > 1 and _TITLE_TAIL.search(lines[-1]):
        # "… Speech at the Grave of Karl Marx / Highgate Cemetery, London. March 17, 1883": where and
        # when, or who according to, set under the title inside its heading.
        layout.title = clean_title("\n".join(lines[:-1]))
        layout.subtitles.append(lines[-1])


# MIA's head title of a book's chapter page: "Tony Cliff: Rosa Luxemburg (Party and class)", "Michel
# Pablo: Self-management in the struggle for socialism (Appendix)": the book, then the chapter in brackets.
_HEAD_TITLE_PART = re.compile(r"^(?P<book>.+?)\s*\((?P<part>[^()]{2,120})\)\s*$")


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _chapter_named_in_head_title(page: Page, layout: Layout, first_long: int) -> None:
    """A book's title as the top heading, the chapter's heading under it: when the page's head title
    names the book and, in brackets, that heading, the heading is the page's own title (a generic one,
    "Appendix", "Preface", is the book's: "Book – Appendix")."""
    if not page.title or layout.title_index is None or "(" not in page.title:
        return
    match = _HEAD_TITLE_PART.match(page.title)
    if not match or find_date(match.group("part")):
        return  # "Two Eras of War III (1915-1916)": a date, not a part
    items, chosen = layout.items, layout.title_index
    book, part = _words(layout.title or ""), _words(match.group("part"))
    if not book or part in book or not _same_book(book, _words(match.group("book"))):
        return
    following = next(
        (
            k
            for k in range(chosen + 1, min(first_long, len(items)))
            if items[k].role == "body" and items[k].block.is_heading and not _DATE_ONLY.match(items[k].text)
        ),
        None,
    )
    if following is None or items[following].text.startswith(("(", "[")):
        return  # ("(Part 1)" set under the title is a note on it)
    if _words(items[following].text) != part:
        return
    heading = clean_title(items[following].text)
    generic = (
        _GENERIC_TITLE.match(heading) or _PART_ONLY.match(heading) or re.fullmatch(r"\d{1,3}\.?", heading)
    )
    title = f"{layout.title} – {heading}" if generic else heading
    _promote_title(layout, following, title, "head-title:part")


def _same_book(heading: str, head_title_book: str) -> bool:
    """The top heading names the book the head title names ("Socialism and the Political Struggle" in
    "Plekhanov: Socialism and Political Struggle"): its longer words all there."""
    if heading in head_title_book:
        return True
    named = set(head_title_book.split())
    longer = [w for w in heading.split() if len(w) > 3]
    return bool(longer) and all(w in named for w in longer)


# A chapter's file in a book's folder ("ch07.htm", "chap3.htm", "02-frrev.htm", "4d-reconcile.htm").
_CHAPTER_FILE = re.compile(
    r"(?:^|/)(?:ch|chap|chapter)\d{1,3}[a-z]?\.\w+$|(?:^|/)\d{1,2}[a-z]?-[a-z][\w-]*\.\w+$", re.I
)
# A chapter's numbered heading: "VII. RACES", "3. An Arms Economy", "Chapter Fourteen: …".
_CHAPTER_HEADING = re.compile(
    r"^(?:(?-i:[IVXLC]+)\.\s+\w|\d{1,2}\.\s+[A-Z]|chapter\s+(?:one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)\b)",
    re.I,
)


def _numbered_chapter_under_book(page: Page, items: list[Item], live: list[int], chosen: int) -> int | None:
    """A chapter's page of a book: the top heading is the book's title, the next heading (past the
    information block) the chapter's numbered one, the chapter's own title."""
    if not _CHAPTER_FILE.search(page.path) or _CHAPTER_HEADING.match(items[chosen].text):
        return None
    following = next((i for i in live if i > chosen and items[i].role != "info"), None)
    if (
        following is not None
        and items[following].block.is_heading
        and items[following].role == "body"
        and _CHAPTER_HEADING.match(items[following].text)
        and not _NUMBERED_ITEM.match(items[chosen].text)
    ):
        return following
    return None


_CONTINUED_MARK = re.compile(r"\s*\((?:cont[’']?d|continued)\.?\)$", re.I)
_NUMBERED_ITEM = re.compile(r"^(?:lecture|chapter|ch\.|part|book|letter|section)\s+(?:\d+|[IVXLC]+)\b", re.I)
_DELIVERY_HEADING = re.compile(r"^(?:delivered|written|adopted|published|dated|read|spoken)\b", re.I)
_TITLE_TAIL = re.compile(
    r"^(?:according to\b.*|[A-ZÀ-Þ][^.!?]{2,60}[.,]\s*(?:[A-Z][a-z]+\.?\s+\d{1,2},?\s+|\d{1,2}\s+[A-Z][a-z]+\.?,?\s+)\d{4}\.?)$",
    re.I,
)


def clean_title(text: str) -> str:
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    if len(lines) > 1 and re.fullmatch(
        r"[\[(]?(?:abstract|extracts?|excerpts?|summary|draft|fragment)[\])]?", lines[-1], re.I
    ):
        lines = lines[:-1]
    title = " ".join(lines)
    # "Chapter Fourteen: The Decline of the International (cont’d)": a chapter's next page, same title.
    title = _CONTINUED_MARK.sub("", title)
    if title.count("'") % 2 == 1 and title.endswith("'"):
        title = title[:-1]
    if title.count('"') == 2 and title.startswith('"') and title.endswith('"'):
        title = title[1:-1]
    return title.strip()


_TITLE_BY = re.compile(r"\s[Bb]y\s+(?P<who>[A-ZÀ-Þ][\w.'’-]*(?:\s+[A-ZÀ-Þ][\w.'’-]*){0,3})$")


def title_author(title: str | None) -> str | None:
    """ "Ninth Letter By O. Eherich" -> "O. Eherich"."""
    match = _TITLE_BY.search(title or "")
    return match.group("who") if match and looks_like_name(match.group("who")) else None


def mark_header_zone(layout: Layout) -> None:
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
            if layout.byline is None and (_byline_candidate(item) or _name_over_book(item)):
                layout.byline, layout.byline_origin = item.text, f"byline:{item.block.tag}"
                if item.block.has_class("title") and re.search(
                    r"\b(?:in|correspondence|works)\b", item.text, re.I
                ):
                    layout.byline_origin = "byline:series"
                item.role = "byline"
        if layout.byline is None:
            # A book's heading taken as the chapter's subtitle may carry its author ("Mark Starr: A
            # Worker Looks At History" over "Chapter 7: The Guilds").
            named = next(
                (i for i in range(t) if items[i].role == "subtitle" and _name_over_book(items[i])), None
            )
            if named is not None:
                layout.byline, layout.byline_origin = items[named].text, f"byline:{items[named].block.tag}"
        if layout.byline is None:
            heads = [i for i in range(t) if items[i].role == "header" and items[i].block.is_heading
                     and not find_date(items[i].text)
                     and len(items[i].text.split()) <= 6]  # fmt: skip
            # The author slot above the title holds an organisation ("Kommunistische Arbeiter-Partei …"),
            # unless the title names its author ("Ninth Letter By O. Eherich" under a series heading).
            if heads and not _TITLE_BY.search(layout.title or ""):
                layout.byline, layout.byline_origin = (
                    items[heads[0]].text,
                    f"byline:{items[heads[0]].block.tag}",
                )
                items[heads[0]].role = "byline"
        _series_title(layout)
        _book_of_part(layout)
    # After the title: subtitles, info, headings until the first real paragraph.
    i = start
    seen_info = False
    mark_ruled_info(items, start)
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
        if (
            re.fullmatch(r"by", text.strip(), re.I)
            and i + 1 < len(items)
            and looks_like_name(items[i + 1].text.strip())
        ):
            # "by" / "J. C. MARIATEGUI" on lines of their own under the title.
            item.role = "header"
            if layout.byline is None:
                layout.byline, layout.byline_origin = (
                    items[i + 1].text.strip(),
                    f"byline:{items[i + 1].block.tag}",
                )
                items[i + 1].role = "byline"
            i += 2
            continue
        if re.match(r"^translated\s+(?:\w+\s+){0,3}by\s+[A-ZÀ-Þ]", text.strip(), re.I) and len(text) < 120:
            item.role = "info"  # "Translated by Juan R. Fajardo, 1998" set as a line of the header
            seen_info = True
            i += 1
            continue
        if (dl := parse_dateline(text)) is not None and dl[0] and not text.startswith(("(", "[")):
            break  # "London, Wednesday, December 1, 1852" opens the text, even set as a heading
        if block.has_class(*INFO_CLASSES) or in_info_rules(items, i):
            item.role = "info"
            seen_info = True
            i += 1
            continue
        if block.is_heading and opens_catechism(items, i):
            break  # "— 1 — What is Communism?": the first question of the text, not a subtitle
        if (
            block.is_heading
            or (block.has_class("title", "subtitle", "author", "byline", "date-heading") and not seen_info)
            or (block.has_class("title", "subtitle", "date-heading") and len(text) < 100 and find_date(text))
        ):  # after the information block, a title-styled line is still header when it carries a date
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


def opens_catechism(items: list[Item], index: int) -> bool:
    """A text in questions and answers sets each question as a heading; the first is part of it."""
    if not items[index].text.rstrip().endswith("?"):
        return False
    tag = items[index].block.tag
    later = [it for it in items[index + 1 :] if it.role == "body" and it.block.tag == tag]
    return sum(1 for it in later if it.text.rstrip().endswith("?")) >= 2


def _chapter_under_book_title(layout: Layout, start: int) -> None:
    """When the page's top heading is the book's title (the information block's source names it),
    the first heading after the information block is the chapter's own title."""
    items = layout.items
    if not layout.title:
        return
    info = [k for k in range(start, min(len(items), start + 12)) if items[k].role == "info"
            or items[k].block.has_class(*INFO_CLASSES)]  # fmt: skip
    if not info:
        return
    info_text = " ".join(items[k].text for k in info)
    if layout.title.lower() not in info_text.lower():
        return  # (cheap test first: the pattern below is compiled afresh for every title)
    named = re.search(r"(?:source|published)\s*:\s*" + re.escape(layout.title), info_text, re.I) or any(
        layout.title in line and IMPRINT.match(line.strip()) for line in info_text.split("\n")
    )  # "New Park Publications, Problems of the British Revolution by Leon Trotsky, July 1972."
    if not named:
        return
    following = next((k for k in range(info[-1] + 1, len(items)) if items[k].role != "chrome"), None)
    if following is not None and items[following].block.is_heading and len(items[following].text) < 120:
        _promote_title(layout, following, clean_title(items[following].text))


def _promote_title(layout: Layout, index: int, title: str, origin: str | None = None) -> None:
    """The item at `index` is the page's own title, `title`; the heading taken for it so far (the
    book's) becomes a subtitle."""
    if layout.title_index is not None:
        layout.items[layout.title_index].role = "subtitle"
        layout.subtitles.append(layout.title or "")
    layout.title, layout.title_index = title, index
    layout.items[index].role = "title"
    if origin is not None:
        layout.title_origin = origin


_FRONT_AND_BACK = "preface|introduction|foreword|afterword|appendix|postscript"  # a book's parts by name
_GENERIC_TITLE = re.compile(rf"^(?:{_FRONT_AND_BACK}|conclusion|"
                            r"(?:chapter|part|book|section)\s+[\w.]+)(?:\s+to .*)?$", re.I)  # fmt: skip
# A part's title that only says what part it is: "Preface", "Introduction by Transcriber", "II.".
_PART_ONLY = re.compile(rf"^(?:(?:{_FRONT_AND_BACK})(?:\s+by\s+\w+)?|(?-i:[IVXLC]+)\.?|\d{{1,3}}\.?)$", re.I)


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


def _book_of_part(layout: Layout) -> None:
    """ "Preface", "Introduction by Transcriber" or "II." under the book's heading ("The Gathering
    Forces", "Socialism and Strikes"): the book's part, "The Gathering Forces – Preface"."""
    if not layout.title or layout.title_index is None or not _PART_ONLY.match(layout.title):
        return
    above = [
        item
        for item in layout.items[: layout.title_index]
        if item.role == "header"
        and item.block.is_heading
        and re.search(r"[A-Za-z]{3}", item.text)
        and not find_date(item.text)
        and not looks_like_name(item.text)
    ]
    if above:
        layout.title = f"{clean_title(above[-1].text)} – {layout.title.rstrip('.')}"
        layout.title_origin = "heading:book-of-part"


# "MIA: M.I.A. Library: Marx & Engels: Selected Works", "Library > Tom Mann": a trail of sections.
_BREADCRUMB = re.compile(r"\bM\.?I\.?A\.?\s*[:>]|\bLibrary\s*[:>]|\s>\s|\s»\s")


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
        and not _BREADCRUMB.search(item.text)
    )


def _name_over_book(item: Item) -> bool:
    """The author's name and the book's title above a chapter's heading: two lines of one block
    ("Frederick Engels / Socialism: Utopian and Scientific"; set as a title-styled line in HTML, a
    plain paragraph once converted to Markdown), or one line ("N.I. Bukharin: Imperialism and World
    Economy")."""
    return _author_of_book(item.text) is not None


def _author_of_book(text: str) -> str | None:
    lines = [ln.strip() for ln in text.split("\n")]
    named = _NAME_COLON_BOOK.fullmatch(text)
    name, book = (lines[0], lines[1]) if len(lines) == 2 else named.groups() if named else ("", "")
    # a name of one word is more often the first word of a title set on two lines ("Self-management")
    if len(name.split()) > 1 and looks_like_name(name) and not looks_like_name(book):
        return name
    return None


_NAME_COLON_BOOK = re.compile(r"([^:\n]{3,40}):[ \t]+([^:\n]{4,})")


# What `_strip_byline` takes off a byline, compiled once (it runs on every byline candidate).
_TITLE_BEFORE_BY = re.compile(r"^.{3,80}?\s+by\s+(?=[A-ZÀ-Þ])")
_BY_WORD = re.compile(r"^(?:by|par|von|por|di)\s+", re.I)
_INTERVIEW_WITH = re.compile(r"^(?:an? )?interview (?:with|of)\s+", re.I)
_IN_OR_ON_AFTER = re.compile(r"\s+(?:in|on)\s+[A-Z].*$")
_POSSESSIVE_END = re.compile(r"[’']s$")


def _strip_byline(text: str) -> str:
    lines = [ln.strip() for ln in text.split("\n") if ln.strip() and not ln.strip().startswith(("[", "("))]
    if lines:
        text = "\n".join(
            lines
        )  # "Eden and Cedar Paul\n[“The W.E.A. Education Year Book …”]": a note, not a name
    text = _clean_heading(text)
    text = _TITLE_BEFORE_BY.sub("", text)  # "Democracy with a Tommygun by Wilfred Burchett"
    text = _BY_WORD.sub("", text)
    text = _INTERVIEW_WITH.sub("", text)
    found = find_date(text)
    if found and found[1] > 0:
        text = text[: found[1]]
    text = _IN_OR_ON_AFTER.sub("", text)
    text = _POSSESSIVE_END.sub("", text.strip(" ,.;:-–—"))  # "Vladimir Lenin's" (… speech)
    return text.strip(" ,.;:-–—")


def byline_authors(text: str | None) -> list[str]:
    if not text:
        return []
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    if (
        len(lines) > 1
        and looks_like_name(_strip_byline(lines[0]))
        and not any(looks_like_name(ln) for ln in lines[1:])
    ):
        text = lines[0]  # "Frederick Engels / Origins of the Family, Private Property, and the State"
    elif len(lines) == 1 and (author := _author_of_book(lines[0])):
        text = author  # "N.I. Bukharin: Imperialism and World Economy"
    cleaned = _strip_byline(text)
    cleaned = cleaned.split(",")[0] if "," in cleaned and find_date(text) else cleaned
    return split_authors(cleaned)

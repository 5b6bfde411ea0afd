"""Who made the text: its authors (the author table, TEI authors, the byline, or failing those the
title, the labels or a signature), its translator, and the person named in a label value."""

from __future__ import annotations

import re

from archivist.extract.closing import SIGNING_BODY
from archivist.extract.header import title_author
from archivist.extract.labels import clean_value
from archivist.extract.layout import Layout, byline_authors
from archivist.extract.names import looks_like_name, split_authors
from archivist.sources.page import Page

_TRANSLATED_BY = re.compile(
    r"\b(?i:translated\s+(?:into\s+\w+\s+)?(?:from\s+(?:the\s+)?\w+\s+)?by)\s+"
    r"(?P<who>[A-ZÀ-Þ][\w.'’-]*(?:\s+(?:[A-ZÀ-Þ][\w.'’-]*|de|van|von)){0,4})"
)


def authors_of(page: Page, layout: Layout) -> tuple[list[str], str | None]:
    """The authors the page states: its author table, the TEI authors, or the byline."""
    for key in ("author(s)", "authors", "author"):
        if layout.table_fields.get(key):
            return list(layout.table_fields[key]), f"table:{key}"
    if page.format == "tei" and page.fields.get("sender") and not page.fields.get("author"):
        return list(page.fields["sender"]), "tei:correspAction"
    if page.fields.get("furniture") == ["gutenberg"] and page.fields.get("author"):
        return list(page.fields["author"]), "gutenberg:Author"
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
        authors = byline_authors(layout.byline)
        if named := _meta_author(page, layout, authors):
            return [named], "meta:author"
        return authors, layout.byline_origin
    return [], None


# A byline that is no one's name: a title ("The Real World of Ideology"), a title and its author run
# together ("Karl Marx: The Civil War"), a section of the site ("John Reed Internet Archive").
_NOT_A_BYLINE = re.compile(r"\b(?:of|the|and|on|in|for)\b|:|\bInternet Archive\b|^\[.*\]$")
# The site's trail ("Marxists Internet Archive: …", "Marxist History: USA: …"): its meta author is often
# the section's editor, so it counts only when the trail names that person.
_TRAIL = re.compile(r"^Marxists?\b|:[^:]*:")
# Someone else's name in it ("Krupskaya's “Reminiscences of Lenin”"): the page is about that person's work.
_POSSESSIVE = re.compile(r"\b[A-ZÀ-Þ][\w-]+[’']s\b")
# The page's credits: who transcribed or marked it up is not who wrote it.
_CREDIT_LABELS = ("transcri", "markup", "mark-up", "html", "proofread", "edited", "editor", "online")


def _meta_author(page: Page, layout: Layout, bylines: list[str]) -> str | None:
    """The page's <meta name="author"> where what stands as its byline is no one's name (see
    `_NOT_A_BYLINE`). Pages copy their head from a template, so the meta author must look like a
    person's name and must not be the page's transcriber or editor."""
    if not bylines or any(looks_like_name(name) or not _NOT_A_BYLINE.search(name) for name in bylines):
        return None
    if any(_POSSESSIVE.search(name) or SIGNING_BODY.match(name) for name in bylines):
        return None
    meta = page.meta.get("author", "").strip()  # the HTML reader keeps meta names lowercased
    if "," in meta or meta.isupper() or not looks_like_name(meta, 4):
        return None
    surname = meta.split()[-1].rstrip(".")
    if any(_TRAIL.search(name) and surname not in name for name in bylines):
        return None
    credits = [
        value
        for key, label, value in layout.labels
        if any(c in (key + label).lower() for c in _CREDIT_LABELS)
    ]
    if any(surname in value for value in credits):
        return None
    return meta


def settle_authors(
    authors: list[str],
    origin: str | None,
    title: str | None,
    labels: dict[str, tuple[str, str]],
    signatures: list[str],
) -> tuple[list[str], str | None]:
    """The authors read before the anatomy, or failing them who the title, the labels or the last
    signature name; a letter's writer in the title outranks a series line."""
    letter_from = _letter_writer(title)
    if letter_from and (not authors or origin == "byline:series"):
        authors, origin = [letter_from], "title:letter-writer"
    if not authors and (named := title_author(title)):
        authors, origin = [named], "title:by"
    if not authors and (by := _written_by(labels, title)):
        authors, origin = [by[0]], by[1]
    interviewed = re.match(
        r"^(?:an?\s+)?interview\s+with\s+(?P<who>[A-ZÀ-Þ][\w.'’ -]{1,40})$", title or "", re.I
    )
    if not authors and interviewed and looks_like_name(interviewed.group("who"), 4):
        authors, origin = [interviewed.group("who").strip()], "title:interviewee"  # "An Interview with Lenin"
    if not authors and signatures:
        authors, origin = split_authors(signatures[-1]), "signature"
    return authors, origin


def translator_of(
    labels: dict[str, tuple[str, str]], layout: Layout, fields: dict[str, list[str]]
) -> tuple[str, str] | None:
    """(value, origin) of the translator: a label, a sentence of the header, or the TEI title statement."""
    return (
        labels.get("translated")
        or _translator_in_prose(layout)
        or (
            (fields["translator"][0], "gutenberg:Translator" if fields.get("furniture") else "tei:title-sub")
            if fields.get("translator")
            else None
        )
    )


def _translator_in_prose(layout: Layout) -> tuple[str, str] | None:
    """ "… Translated into English by Maurice Brinton …" inside another statement of the header."""
    for item in layout.items:
        if item.role == "info" and (match := _TRANSLATED_BY.search(item.text)):
            return match.group("who"), "header:prose"
    return None


def person_value(value: str) -> str | None:
    value = clean_value(value) or ""
    if re.match(r"^(?:from|into|out of)\b", value, re.I):
        if " by " not in value:
            return None  # "from German": a language, not a translator
        value = value.rsplit(" by ", 1)[1]  # "from the Portugese by Isabel O'Sullivan"
    if re.fullmatch(r"(?:unknown|anonymous|n/?a|none|not known|\?)", value.strip(" .()"), re.I):
        return None
    value = re.sub(r"^(?:the\s+|[Tt]he\s+[Ll]ate\s+)(?=[A-Z])", "", value)  # "The Late George Hanna"
    value = re.sub(r"^(?:(?:for|by)\s+(?:the\s+)?(?:marxists\.org|mia|marxists internet archive)\s+(?:by\s+)?)", "",
                   value, flags=re.I)  # fmt: skip
    value = re.sub(r"^(?:by|par|por|von)\s+", "", value, flags=re.I)
    value = re.sub(r",?\s+(?:edited|revised|checked|annotated)\s+by\b.*$", "", value, flags=re.I)
    value = re.sub(r",?\s*(?:\d{4}|from the \w+|for [\w.]+|para [\w.]+|pour [\w.]+).*$", "", value)
    head, sep, _tail = value.partition(",")
    if sep and looks_like_name(head.strip()):
        value = head
    return value.strip(" ,.;") or None


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

"""The source statement: which label or TEI source description names where the text was published,
the citation cut from it, and its parts (title, volume, issue, page, date) as `source_line` parses
them, corrected by what the other statements say; and whether the source is a later book edition."""

from __future__ import annotations

import re
from dataclasses import dataclass

from archivist.extract.dates import precision
from archivist.extract.labels import clean_value, continues_source
from archivist.extract.lexicon import HOLDINGS
from archivist.extract.names import PUBLISHER_WORD, looks_like_name
from archivist.extract.people import person_value
from archivist.extract.source_line import SourceParts, parse_source_line, source_title
from archivist.text import one_line

# A source that names its publisher is a book edition; when it is later than the writing it is not
# the first publication ("Merit Publishers, 1969" for discussions of 1938).
_EDITION = re.compile(
    rf"\b(?:{PUBLISHER_WORD}|published by)\b",
    re.I,
)
_ARCHIVE_ITSELF = re.compile(
    r"^(?:the\s+)?(?:Marxists[’']?\s+Internet\s+Archive|marxists\.org|MIA)(?:\s*\(?(?:marxists\.org)?\)?)?[\s,.\d]*$",
    re.I,
)
_HOLDING = re.compile(
    r"\b(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in HOLDINGS) + r")\b", re.I
)
_SITE_NAME = re.compile(r"^(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}$", re.I)
_WEB_ADDRESS = re.compile(r"^(?:https?://\S+|www\.\S+|(?:[\w-]+\.)+[a-z]{2,6}(?:/\S*)?)$", re.I)
# A translator credited with the book the translation appeared in: "Name, Title, 2007".
_CITED_TRANSLATION = re.compile(r"^[^,]{3,60},\s*[^,]{3,120},\s*(?:\d{4})$")
_PUBLISHING_BODY = re.compile(
    rf"\b(?:{PUBLISHER_WORD}|House|Party|Committee|Union|League|Federation|Association|Society|Bureau)\b"
)


@dataclass(slots=True)
class Source:
    """The source statement as read: the citation, the origin it was read from, and its parts."""

    text: str | None
    origin: str | None
    parts: SourceParts


def read_source(
    labels: dict[str, tuple[str, str]], fields: dict[str, list[str]], authors: list[str], title: str | None
) -> Source:
    """The first label that names a source (not the archive itself), else a TEI bibl, else a cited
    translation; its parts are read with the authors and translator as people, not titles."""
    source_raw, source_origin, source_key = None, None, None
    for key in (
        "source",
        "copied",
        "edition",
        "first_published",
        "free_source",
        "anthology",
        "downloaded",
        "publisher",
        "collection",
    ):
        value = clean_value(labels[key][0]) if key in labels else None
        named = re.sub(
            r"^(?:downloaded|retrieved|copied)\s+(?:with thanks\s+)?from\s+(?:the\s+)?",
            "",
            value or "",
            flags=re.I,
        )
        if value and not _ARCHIVE_ITSELF.match(named) and not re.fullmatch(r"\W*\d{4}\W*", value):
            # (a bare year, "First Published: 1953;", dates the text but names no publication)
            if key == "source" and "first_published" in labels and names_a_holding(value):
                continue  # where the copy is kept; the first publication names where the text appeared
            source_raw, source_origin = labels[key]  # "This edition: Marxists Internet Archive" is not one
            source_key = key
            break
    bibls = [
        b for b in fields.get("bibl", []) if not re.fullmatch(r"\{\w+\}", b.strip())
    ]  # template leftovers
    # A bibl that only names a web site ("marxists.org") says where the file came from; a full
    # address or a citation says more.
    sites = fields.get("bibl_site", [])
    cited = [b for b in bibls if not _SITE_NAME.match(b.strip()) and b not in sites]
    if source_raw is None and not cited and fields.get("bibl_site_address"):
        # Only links shown by a site's name ("wikisource", "Assemblée Nationale"): the address linked.
        source_raw, source_origin = fields["bibl_site_address"][0], "tei:sourceDesc:ref"
    cited = cited or bibls
    if source_raw is None and cited:
        source_raw, source_origin = cited[0], "tei:sourceDesc"
    manuscript = source_raw is None and bool(fields.get("manuscript"))
    if manuscript:
        source_raw, source_origin = fields["manuscript"][0], "tei:msIdentifier"
    translator_value = labels["translated"][0] if "translated" in labels else None
    translator_name = person_value(translator_value) if translator_value else None
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
    source = cut_source(source_raw)
    parts_of_source = parse_source_line(source, people, title)
    if translation_cited:
        parts_of_source.date = None  # the translation's year, not the text's publication
    if source_key == "anthology":
        parts_of_source.date = None  # an anthology's year is not the first publication of what it collects
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
        parts_of_source.title = source_title(labels["first_published"][0], people, title)
    if source and _WEB_ADDRESS.match(source):
        # A web address is where the text was taken from; the publication is in another statement.
        others = [b for b in bibls if not _WEB_ADDRESS.match(b.strip()) and b not in sites]
        parts_of_source.title = source_title(others[0], people, title) if others else None
        parts_of_source.date = parse_source_line(others[0]).date if others else None
    if manuscript:
        parts_of_source = SourceParts()  # an archive's shelf mark names no publication
    return Source(source, source_origin, parts_of_source)


def names_a_holding(value: str) -> bool:
    """A source statement naming an archive, library or microfilm that holds a copy, without the date or
    number of any publication (`lexicon.HOLDINGS`)."""
    return not re.search(r"\d", value) and _HOLDING.search(value) is not None


def is_edition(source: str | None, parts: SourceParts) -> bool:
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


def cut_source(raw: str | None) -> str | None:
    """The citation only: a source value often runs on into another sentence ("… pp. 314–315.
    All sub-heads by The Militant.")."""
    if not raw:
        return None
    value = one_line(raw).rstrip(";").strip()
    # ", under the headline “An Interview With …”": how the periodical titled it, not the citation.
    value = re.sub(
        r",?\s+(?:under the (?:head(?:line|ing)|title)|with the (?:title|headline))\b.*$", "", value
    )
    match = next(
        (
            m
            for m in re.finditer(
                r"(?<=[\w)\]])\.\s+(?=(?:[A-Z][a-z]+\s+(?:[a-z]|by\b)|Also\b|See\b|This\b|The\s+\w+\s+[a-z]))",
                value,
            )
            if not looks_like_name(value[: m.start()])  # "Auguste Blanqui. Instructions pour …" is a citation
            and not continues_source(value[m.end() :])  # "… Reprinted in …" goes on with the citation
        ),
        None,
    )
    if match and match.start() >= 12:
        value = value[: match.start() + 1]
    if value.endswith(".") and re.search(r"\b(?:[A-Z]|Vol|No|pp?|ed|eds|Co|St)\.$", value) is None:
        return value if raw.strip().endswith(".") and not match else value.rstrip(".")
    return value or None

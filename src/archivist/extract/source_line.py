"""Source statements ("Socialist Appeal, Vol. III No. 72, 20 September 1939, p. 1.") into the
periodical's or book's title, volume, issue and page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from archivist.extract.dates import MONTH_NAME, MONTHS, SEASON_NAME, find_all_dates, find_date, month_and_day
from archivist.extract.labels import before_continuation
from archivist.extract.lexicon import PUBLICATION_KINDS
from archivist.extract.names import PUBLISHER_WORD, looks_like_name, same_person
from archivist.text import one_line

_VOLUME = re.compile(
    r"\b(?:Vol(?:ume)?|Band|Bd|Tome|t|(?-i:v)(?=\.\s*\d))\.?\s*(?P<v>[IVXLC]+\b|\d+|one|two|three|four|five|six|seven|eight|nine|ten)\b",
    re.I,
)
_MONTH_ONLY = re.compile(
    rf"^(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?(?:{MONTH_NAME}|{SEASON_NAME})\.?(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?"
    rf"(?:\s*[-–/]\s*{MONTH_NAME})?$",
    re.I,
)
_ISSUE = re.compile(r"\b(?:No|Nos|Nr|Number|n°|nº|Issue|#)\.?\s*(?P<n>\d+(?:\s*[-–]\s*\d+)?)", re.I)
_PAGE = re.compile(r"\b(?:pp?|pages?|S)\.?\s*(?P<p>\d+(?:\s*(?:[-–]|&|and)\s*\d+)?)", re.I)
_PUBLISHER = re.compile(rf"\b(?:{PUBLISHER_WORD}|Publication|Edition|Books|Library|House|Ltd)\.?$")
_PLACE_ONLY = re.compile(
    r"^(?:Moscow|Moscú|Moscou|London|New York|Paris|Berlin|Peking|Beijing|Chicago|Leningrad|Petrograd|"
    r"Zurich|Zürich|Geneva|Vienna|Sydney|Toronto|Dublin|Glasgow|Edinburgh|Calcutta|Colombo|USSR|Hottingen-Zurich)"
    r"(?:\s*\[?\d{4}\]?)?$",
    re.I,
)
_WORKS = re.compile(
    r"^(?:(?:Selected|Collected|Complete|Early|Later?)\s+(?:\w+\s+)?)?(?:Articles|Writings|Works|Letters|Speeches|Essays|Texts|"
    r"Correspondence|Papers|Œuvres|Werke|Schriften|Obras|Escritos|Scritti|Reden|Briefe)\b",
    re.I,
)
# A subtitle after a comma: a noun phrase in lower case, not a clause or a remark ("the journal of …",
# "compiled and edited by …", "date uncertain", "f. 515").
_SUBTITLE = re.compile(
    r"^(?!(?:the|a|an|in|and|or|by|of|for|with|from|to|at|on|published|compiled|edited|signed|dated?|"
    r"datelined|translated|reprinted|microfilm|vol|no|nos|pp?|editorial|undated)\b)[a-zà-ÿ][^\d\"“”«»()]*$"
)
_LEADING = re.compile(
    r"^(?:(?:first\s+)?(?:published|appeared|printed)\s+(?:in|as)\s+|from\s+|in\s+|"
    r"translation\s+first\s+appeared\s+in\s+|reprinted\s+(?:in|from)\s+|as\s+an?\s+\w+,?\s+in\s+|"
    r"(?:an?\s+)?(?:article|letter|speech|pamphlet|editorial)\s+in\s+|digitali[sz]ed\s+by\s+|copied\s+from\s+(?:the\s+)?)",
    re.I,
)


_DESCRIBED = re.compile(
    r"^(?:as\s+)?(?:(?:the|an?)\s+)?(?:[a-z]+\s+){0,3}(?:"
    + "|".join(PUBLICATION_KINDS)
    + r")(?:\s+in)?\s+(?=[A-Z\"“«])"
)


@dataclass(slots=True)
class SourceParts:
    title: str | None = None
    volume: str | None = None
    issue: str | None = None
    page: str | None = None
    date: str | None = None


def _segments(text: str) -> list[str]:
    out: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(0, depth - 1)
        if char in ",;" and depth == 0:
            out.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    out.append("".join(current).strip())
    return [s for s in out if s]


def parse_source_line(text: str | None, people: tuple[str, ...] = (), work: str | None = None) -> SourceParts:
    """Split a source statement; `people` (byline, translator) and `work` (the text's own title) are
    not taken for the source's title."""
    parts = SourceParts()
    if not text:
        return parts
    text = before_continuation(text)  # the parts are the first statement's, not a reprint's
    if m := _VOLUME.search(text):
        parts.volume = m.group("v")
    if m := _ISSUE.search(text):
        parts.issue = re.sub(r"\s+", "", m.group("n"))
    if m := _PAGE.search(text):
        parts.page = re.sub(r"\s+", "", m.group("p"))
    # Volume, issue and page numbers are not days: blank them before looking for the date.
    undated = _PAGE.sub(" ", _ISSUE.sub(" ", _VOLUME.sub(" ", text)))
    # The first publication's date comes before any reprint ("…, 39 (1948-49); reprinted in … 1971").
    undated = re.split(r"[;,.]?\s*\b(?:reprinted|republished)\b", undated, maxsplit=1, flags=re.I)[0]
    found_dates = find_all_dates(undated)
    dates = [value for value, _start, _end in found_dates]
    parts.date = dates[0] if dates else None
    if found_dates and (early := month_and_day(undated[: found_dates[0][1]])):
        # "… Tribune, No. 4219, October 26; and the … Weekly Tribune, No. 685, October 28, 1854": the
        # year is written once, after the last date.
        parts.date = f"{found_dates[0][0][:4]}-{early[0]:02d}-{early[1]:02d}"
    if len(dates) > 1 and re.fullmatch(r"\d{4}/\d{4}", dates[0]) and "/" not in dates[-1]:
        # A span of years inside a book's title ("… Mordspatrioten. 1806-1807, Hottingen-Zurich, 1888")
        # is its subject; the imprint's year comes after it.
        parts.date = dates[-1]
    parts.title = source_title(text, people, work)
    return parts


def _names_the_work(segment: str, work: str) -> bool:
    a, b = (re.sub(r"[\W_]+", " ", t).strip().lower() for t in (segment, work))
    if not (a and b):
        return False
    if a == b or (len(b) >= 12 and b in a):
        return True
    # Lengths this far apart cannot reach the ratio; skip the costly comparison.
    return 0.7 <= len(a) / len(b) <= 1.4 and SequenceMatcher(None, a, b).ratio() >= 0.85


# What `source_title` asks of each segment of a source line, compiled once.
_EDITOR_MARK = re.compile(r"\((?:eds?|hrsg|dir)\.?\)$", re.I)  # "Verne Richards (ed.)"
_BRACKETED_END = re.compile(r"\s*[\[(][^\])]*[\])]\s*$")
_NUMBERED = re.compile(r"^(?:vol|no|nos|n°)\b", re.I)
_SERIES = re.compile(r"\d+(?:st|nd|rd|th)\s+series|new series|n\.\s?s\.", re.I)
_NUMBERS_ONLY = re.compile(r"[\d\s\[\]–-]+")
_AND = re.compile(r"\s+(?:and|&)\s+")


def source_title(text: str, people: tuple[str, ...] = (), work: str | None = None) -> str | None:
    text = one_line(before_continuation(text)).rstrip(".")
    text = re.sub(r"\s+here$", "", text)  # "… appeared in MRzine here" (the link's text)
    if re.match(
        r"^(?:(?:originally|first)\s+)?(?:published\s+|printed\s+)?as\s+(?:an?\s+)?(?:pamphlet|brochure|leaflet)\b",
        text,
        re.I,
    ):
        return work  # "as a pamphlet by Druck Julius Sittenfeld, Berlin, 1919": the text itself was the publication
    text = re.sub(r"^as\s+.+?\s+in\s+(?=[A-Z])", "", text)  # "as <another title> in <periodical>"
    # "in Dwight and Nancy MacDonald's Politics": the periodical, not its editors.
    text = re.sub(
        r"^(?:in\s+)?[A-ZÀ-Þ][\w.]*(?:\s+(?:and\s+)?[A-ZÀ-Þ][\w.]*){0,4}[’']s\s+(?=[A-Z])", "", text
    )
    text = _LEADING.sub("", text)
    text = _DESCRIBED.sub(
        "", text
    )  # "the quarterly literary magazine Gangrel": the name, not the description
    # "Studi Sociali, 15 avril 1931 in E. Malatesta, Scritti, vol. III": a reprint; the first title is the source.
    text = re.sub(r"^(.{3,80}?\d{4})\s+in\s+[A-Z].*$", r"\1", text)
    # "Marx and Engels: Articles from the Neue Rheinische Zeitung" — an author prefix.
    head, sep, tail = text.partition(": ")
    if (
        sep
        and _WORKS.match(tail)
        and (looks_like_name(head.split(" and ")[0]) or (" and " in head and len(head) < 40))
    ):
        text = tail  # but "M.J. Olgin: Leader and Teacher" is a book about him
    # "Auguste Blanqui. Instructions pour une prise d’armes. L'Éternité par les astres, …": author, the
    # work, then the book that holds it.
    sentences = re.split(r"(?<=[\w’'])\.\s+(?=[A-ZÀ-Þ\"'“«])", text.split(",")[0])
    if len(sentences) >= 3 and any(same_person(sentences[0], p) for p in people if p):
        text = text[text.index(sentences[-1]) :]
    segments = _segments(text)
    kept: list[tuple[int, str]] = []
    work_segment: tuple[int, str] | None = None
    first_numbered = None
    for index, segment in enumerate(segments):
        segment = _DESCRIBED.sub("", _LEADING.sub("", segment)).strip(" .")
        if _EDITOR_MARK.search(segment):
            continue  # "Verne Richards (ed.)": the editor
        segment = _BRACKETED_END.sub("", segment).strip()
        if not segment:
            continue
        if _PAGE.match(segment):
            continue
        if _VOLUME.match(segment) or _ISSUE.match(segment) or _NUMBERED.match(segment):
            if first_numbered is None:
                first_numbered = len(kept)
            continue
        if _SERIES.fullmatch(segment):
            continue  # "Publications of the American Economic Association, 3rd Series, Vol. IV"
        if _MONTH_ONLY.match(segment) or segment.lower() in ("editorial", "undated", "n.d."):
            continue
        date = find_date(segment)
        if date and date[1] <= 2 and date[2] >= len(segment) - 2:
            continue  # the segment is only a date
        if _PLACE_ONLY.match(segment) or _NUMBERS_ONLY.fullmatch(segment):
            continue
        names = _AND.split(segment)
        if (
            len(names) > 1
            and all(looks_like_name(n, 4) and len(n.split()) >= 2 for n in names)
            and len(segments) > 1
        ):
            continue  # "Karl Marx and Frederick Engels, Selected Correspondence": the authors, then the title
        if (looks_like_name(segment, 4) and any(same_person(segment, p) for p in people)) or re.fullmatch(
            r"(?:[A-Z]\.\s?)+[A-Z][a-z]+", segment
        ):
            continue
        if work and len(segments) > 1 and _names_the_work(segment, work) and work_segment is None:
            work_segment = (index, segment)  # "Tom Quelch, Review of …, Justice, 1st October 1910": the text
            continue
        kept.append((index, segment))
    publishers = [k for k in kept if _PUBLISHER.search(k[1])]
    if publishers and len(publishers) < len(kept):
        if first_numbered:
            first_numbered -= sum(1 for k in publishers if kept.index(k) < first_numbered)
        kept = [k for k in kept if k not in publishers]
    if work_segment and (
        not kept
        or _PUBLISHER.search(kept[0][1])
        or re.search(r"^\d|\b(?:pamphlet|brochure|leaflet|pages)\b", kept[0][1], re.I)
    ):
        kept.insert(0, work_segment)  # the text published on its own: its title is the publication's
    if not kept:
        return None
    index, title = kept[first_numbered - 1] if first_numbered else kept[0]
    for following in segments[index + 1 :]:
        # "L'Éternité par les astres, hypothèse astronomique et autres textes": a subtitle goes on in
        # lower case after a comma.
        if not _SUBTITLE.match(following):
            break
        title = f"{title}, {following}"
    title = re.sub(r"\s+by\s+[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*$", "", title)  # "… by Leon Trotsky"
    title = re.sub(r"\s+(?:[A-Z][a-z]+\s+)?Press$", "", title)  # "… Pluto Press"
    title = re.sub(
        r"^(.{12,}?)\s+An?\s+[a-z].*$", r"\1", title
    )  # "… in the United States An uncopyrighted pamphlet …"
    title = re.sub(r"\s+(?:No|Nr|Nos|Vol)\.?\s*\d.*$", "", title)
    annual = re.match(r"^(.*\b([A-Z][\w'’]*))\s+(?:1[89]\d\d|20\d\d)$", title)
    if annual and annual.group(2).lower() not in MONTHS:
        title = annual.group(1)  # "The Socialist Register 1975", but not "… in June 1956"
    return title.strip(" .,:;") or None

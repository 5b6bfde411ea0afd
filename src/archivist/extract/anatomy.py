"""The anatomy of a text: what opens it (dateline, addressee, salutation, an editor's preface),
what closes it (closing formula, signature, dateline, postscript, an editorial note by someone
else with its own date and place), and the body between. This module reads the opening, and
the editorial notes and postscripts after the text; the closing zone is read in `closing`, and
datelines in `dateline`.

Works on the body blocks a layout pass found; returns segments in page order, each with a part
kind and the metadata the part carries of its own.
"""

from __future__ import annotations

import re

from archivist.extract.closing import ENDS_SENTENCE, YEARLESS_DATELINE, is_signature, mark_closing
from archivist.extract.dateline import NOT_PLACES, STREET_ADDRESS, parse_dateline
from archivist.extract.dates import MONTH_NAME, parse_date
from archivist.extract.names import looks_like_place
from archivist.extract.segment import Anatomy, Segment
from archivist.text import may_open, one_line

CLASSIFICATIONS = re.compile(
    r"^(?:(?:strictly |top |most )?(?:secret|confidential)|private(?: and confidential)?|personal|"
    r"not for publication|sehr vertraulich|vertraulich|geheim|confidentiel|secreto)$",
    re.I,
)
_SALUTATION = re.compile(
    r"^(?:(?:my |our )?(?:very )?(?:dear(?:est)?|honou?red|respected)\b|comrades?\b|citizens?\b|sirs?\b|gentlemen\b|"
    r"friends\b|madam\b|brothers?\b|sisters?\b|fellow[- ]\w+|ladies\b|monsieur\b|messieurs\b|madame\b|cher\b|chère\b|"
    r"chers\b|lieber?\b|liebe\b|werter?\b|genossen\b|compa[ñn]er[oa]s?\b|camarades?\b|cari\b|caro\b|hombres\b|"
    r"to the editors?\b.*:$|editor\b)",
    re.I,
)
# The addressee above a letter: "To the Right Hon. Gathorne-Hardy,", "To Comrade Zinoviev".
ADDRESSEE = re.compile(r"^To (?:the |comrade |citizen |my |)[A-ZÀ-Þ\w]")
_POSTSCRIPT = re.compile(
    r"^(?:P\.\s?P\.\s?S\.|P\.\s?S\.|PS[.:]?\s|P\.S\b|Post-?scriptum|Postscript\s*[:.]|N\.\s?B\.)", re.I
)
_POSTSCRIPT_INITIALS = "np"  # (`may_open`)
EDITORIAL_HEADINGS = re.compile(
    r"^(?:explanation|editorial note|editor'?s'? notes?|editors'? notes?|note by the (?:editors?|editorial board)|"
    r"note of the (?:editors?|editorial board)|afterword|translator'?s'? notes?|publisher'?s notes?|"
    r"from the editors?|editorial comment|our comment|comment|editorial)[.:]?$",
    re.I,
)
_EDITORIAL_INTRO = re.compile(r"(?:[–—-]\s*(?:Ed|Eds|Editor|Editors|Translator|Trans|Tr|MIA)\.?\]?\)?$)|"
                              r"^(?:editor'?s'? note|editorial note|translator'?s'? note|introductory note)\b", re.I)  # fmt: skip
# A newspaper's line before the text it prints: "Fred Brocklehurst lends us the following letter …"
_EDITORIAL_LEADIN = re.compile(
    r"\b(?:the following|below|here(?:with)?)\b.{0,60}\b(?:letter|speech|article|statement|interview|resolution|"
    r"appeal|manifesto|address|report|extracts?|contribution)\b|"
    # "This article first appeared in the January 1988 issue of …", "This contribution was written as part of …"
    # "First article of a 3-part series by …", "Chapter 4 of “Practical Socialism …”"
    r"^(?:(?:first|second|third|fourth|fifth|last|final|\d+(?:st|nd|rd|th)?)\s+)?(?:article|part|chapter|instal?ment|section)"
    r"(?:\s+[\dIVXLC]+)?\s+of\s+(?:a|an|the|[\"“‘])|"
    r"^this (?:article|text|speech|letter|piece|interview|talk|review|contribution|essay|document) "
    r"(?:first |originally )?(?:appeared|was (?:first |originally )?(?:published|written|given|delivered|printed))\b",
    re.I,
)
# "Cologne, June 1. Every new organ …", "Petrograd, February, 1921.—The cold is extreme …", "London,
# Tuesday, September 28. The following …", "Mexico City, Sept. 13 — A letter …"
_RUN_IN_DATELINE = re.compile(
    rf"^(?P<place>[A-Z][\w'’-]+(?: [A-Z][\w'’-]+){{0,2}}), (?:(?:mon|tues|wednes|thurs|fri|satur|sun)day, )?"
    rf"(?:{MONTH_NAME}\.? \d{{1,2}}(?:, \d{{4}})?|\d{{1,2}} {MONTH_NAME}\.?(?: \d{{4}})?|{MONTH_NAME},? \d{{4}})"
    rf"(?:\.(?:\s*[—–]\s*|\s+)|\s+[—–]\s*)(?=[A-Z„“\"])",
    re.I,
)


def analyse(texts: list[str], authors: list[str]) -> Anatomy:
    """Split body blocks into parts. `authors` (from the byline) help recognise a signature."""
    result = Anatomy()
    n = len(texts)
    kinds: list[list[Segment]] = [[Segment("body", t, i)] for i, t in enumerate(texts)]
    # -- the opening -----------------------------------------------------------------------------
    if n and (m := _RUN_IN_DATELINE.match(texts[0])) is not None:
        # "Cologne, June 1. Every new organ …": a dateline run into the first paragraph.
        kinds[0] = [Segment("dateline", m.group(0).strip(), 0, place=m.group("place"), date=parse_date(m.group(0))),
                    Segment("body", texts[0][m.end() :], 0)]  # fmt: skip
        result.datelines.append(kinds[0][0])
    i = 0
    while i < n and i < 8:
        text = texts[i].strip()
        flat = one_line(text)  # text is stripped already
        if CLASSIFICATIONS.match(flat.strip(" .!*")):
            result.classification = flat.strip(" .!*")
            kinds[i] = [Segment("header", text, i)]
        elif (dl := parse_dateline(flat)) is not None:
            seg = Segment("dateline", text, i, place=dl[0], date=dl[1])
            kinds[i] = [seg]
            result.datelines.append(seg)
        elif (
            (yearless := YEARLESS_DATELINE.match(flat))
            and looks_like_place(yearless.group("place"), 4)
            and not NOT_PLACES.search(yearless.group("place"))
        ):  # "Moscow, November 14": the year is the document's
            seg = Segment("dateline", text, i, place=yearless.group("place"))
            kinds[i] = [seg]
            result.datelines.append(seg)
        elif (
            ADDRESSEE.match(flat)
            and len(flat) < 160
            and (not flat.endswith(".") or len(flat) < 90)
            and i + 1 < n
        ):
            result.addressee = re.sub(r"^To\s+", "", flat).rstrip(".:,")
            kinds[i] = [Segment("addressee", text, i)]
        elif _is_salutation_line(flat) and i + 1 < n:
            result.salutation = flat
            kinds[i] = [Segment("salutation", text, i)]
        elif i + 1 < n and (
            (flat.startswith("[") and flat.endswith("]") and len(flat) > 40)
            or (
                flat.startswith("(") and flat.endswith((")", ").")) and len(flat) > 60
            )  # "(Report on behalf of …)"
            or _EDITORIAL_INTRO.search(flat)
            or (i == 0 and len(flat) < 400 and _EDITORIAL_LEADIN.search(flat))
        ):
            kinds[i] = [Segment("editorial-note", text, i)]
        elif re.fullmatch(
            r"[(\[]?(?:copy|draft|abstract|summary|extract|excerpts?)[)\]]?\.?", flat, re.I
        ) or (i + 1 < n and flat.isupper() and len(flat) < 80 and not parse_dateline(flat)):
            kinds[i] = [Segment("header", text, i)]  # "(Copy)", "[Draft]", MECW's "ENGELS TO J. L. MAHON"
        elif (
            (lines := text.split("\n"))
            and len(lines) in (2, 3)
            and all(len(ln) < 60 for ln in lines)
            and (dl := parse_dateline(lines[-1])) is not None
        ):
            seg = Segment(
                "dateline", text, i, place=dl[0], date=dl[1]
            )  # "« Year of Agriculture »\nHavana, April 1, 1965."
            kinds[i] = [seg]
            result.datelines.append(seg)
        elif (
            i == 0
            and n > 2
            and re.fullmatch(r"[A-ZÀ-Þ][\w'’ .-]{1,30}?(?:,|\.)\s*[A-ZÀ-Þ][\w'’. -]{1,20}[.,]?", flat)
            and looks_like_place(flat.rstrip(".,"), 4)
            and not NOT_PLACES.search(flat)
        ):
            # "Oakland, Cal." alone above the text: where it was written, with no date.
            place = flat.rstrip(",")
            if place.endswith(".") and not re.search(r"\b[A-Z][a-z]{0,3}\.$", place):
                place = place[:-1]  # a full stop, not the dot of "Cal."
            seg = Segment("dateline", text, i, place=place)
            kinds[i] = [seg]
            result.datelines.append(seg)
        elif STREET_ADDRESS.match(flat) and any(_SALUTATION.match(one_line(t)) for t in texts[i + 1 : i + 3]):
            kinds[i] = [Segment("header", text, i)]  # "41 Maitland Park Road, N. W." above "My dear …"
        elif (
            result.datelines
            and len(flat) <= 60
            and (
                not flat.endswith((".", "!", "?", ":"))
                or re.fullmatch(r"[A-ZÀ-Þ][\w'’ .-]{1,30},\s*[A-ZÀ-Þ][\w'’ -]{1,20}\.", flat)
                is not None  # "Barnsley, Yorks."
            )
            and any(_SALUTATION.match(one_line(t)) for t in texts[i + 1 : i + 4])
        ):
            kinds[i] = [Segment("header", text, i)]  # the sender's address under the dateline
        else:
            break
        i += 1
    if result.salutation is None and (found := _late_salutation(texts, i)) is not None:
        i = _preamble(texts, kinds, i, found, result)
    opening_end = i
    # -- editorial notes and postscripts after the text --------------------------------------------
    end = n
    for j in range(max(opening_end + 1, 1), n):
        if len(texts[j]) > 80:
            continue  # a heading such as "Explanation" is short
        flat = one_line(texts[j])
        if EDITORIAL_HEADINGS.match(flat) and j + 1 < n:
            note_texts = texts[j + 1 :]
            note = _editorial_note(note_texts, j + 1, title=flat.rstrip(".:"))
            kinds[j] = [Segment("header", texts[j], j)]
            for k, segs in enumerate(note, start=j + 1):
                kinds[k] = segs
            end = j
            break
    last = end - 1
    flat_last = one_line(texts[last]) if end > opening_end + 2 else ""
    if (
        flat_last
        and (
            (flat_last.startswith("(") and flat_last.endswith(")"))
            or (flat_last.startswith("[") and flat_last.endswith("]"))
            or _EDITORIAL_INTRO.search(flat_last)
            # Lenin's Collected Works: "Published according to the verbatim report corrected by Lenin"
            or re.match(r"^(?:first\s+)?published\s+(?:according to|from|in)\b", flat_last, re.I)
        )
        and len(flat_last) > 30
        and len(flat_last) < 400
    ):
        kinds[last] = [Segment("editorial-note", texts[last], last)]
        end = last
    ps_start = None
    for j in range(max(opening_end + 1, 1), end):
        if may_open(stripped := texts[j].strip(), _POSTSCRIPT_INITIALS) and _POSTSCRIPT.match(stripped):
            ps_start = j
            break
    # -- the closing of the main text --------------------------------------------------------------
    tail_end = ps_start if ps_start is not None else end
    closing_found = mark_closing(texts, kinds, opening_end, tail_end, authors, result)
    if ps_start is None and closing_found is not None and closing_found[1] < end:
        ps_start = closing_found[1]  # paragraphs after a closing formula and a signature: a P.S.
    if ps_start is not None:
        for j in range(ps_start, end):
            if kinds[j][0].kind == "body":
                kinds[j] = [Segment("postscript", texts[j], j)]
    result.segments = [seg for segs in kinds for seg in segs]
    return result


# A salutation standing alone a few blocks in, after matter the opening did not read (a letterhead, the
# addressee's address, a heading, a newspaper's lead-in): the letter or speech starts there. The matter
# before it is short; a long paragraph before a salutation is text ("[SECOND VERSION]" / "Citizens,").
LATE_SALUTATION_WITHIN = 5
PREAMBLE_BLOCK_CHARS = 800
PREAMBLE_CHARS = 1200


def _is_salutation_line(flat: str) -> bool:
    return (
        len(flat) <= 70
        and (_SALUTATION.match(flat) is not None or re.match(r"^[A-ZÀ-Þ][\w.'’ -]{0,30}:$", flat) is not None)
        and flat.endswith((":", ",", "!", "—", "-", "–"))
    )


def _late_salutation(texts: list[str], start: int) -> int | None:
    """The index of a salutation alone in a block soon after `start`, with only a short preamble before it."""
    size = 0
    for s in range(start, min(len(texts) - 1, start + LATE_SALUTATION_WITHIN + 1)):
        flat = one_line(texts[s])
        if s > start and _SALUTATION.match(flat) and _is_salutation_line(flat):
            return s
        size += len(flat)
        if len(flat) > PREAMBLE_BLOCK_CHARS or size > PREAMBLE_CHARS:
            return None
    return None


def _preamble(
    texts: list[str], kinds: list[list[Segment]], start: int, salutation: int, result: Anatomy
) -> int:
    """Mark the blocks before a late salutation (a dateline, the addressee, header lines, an editor's
    lead-in) and the salutation; return the index after it."""
    for k in range(start, salutation):
        flat = one_line(texts[k])
        if (dl := parse_dateline(flat)) is not None:
            kinds[k] = [Segment("dateline", texts[k], k, place=dl[0], date=dl[1])]
            result.datelines.append(kinds[k][0])
        elif ADDRESSEE.match(flat) and len(flat) < 160:
            result.addressee = result.addressee or re.sub(r"^To\s+", "", flat).rstrip(".:,")
            kinds[k] = [Segment("addressee", texts[k], k)]
        elif len(flat) < 200 and not ENDS_SENTENCE.search(flat):
            kinds[k] = [Segment("header", texts[k], k)]
        else:
            kinds[k] = [Segment("editorial-note", texts[k], k)]
    result.salutation = one_line(texts[salutation])
    kinds[salutation] = [Segment("salutation", texts[salutation], salutation)]
    return salutation + 1


def _editorial_note(texts: list[str], offset: int, title: str) -> list[list[Segment]]:
    """An editorial note after the text: its own signature and dateline give its author, place, date."""
    author = place = date = None
    for text in texts[-3:]:
        flat = one_line(text)
        dl = parse_dateline(flat)
        if dl is not None:
            place, date = dl
        elif is_signature(flat, []):
            author = flat.rstrip(".")
    return [
        [Segment("editorial-note", t, offset + k, author=author, place=place, date=date, title=title)]
        for k, t in enumerate(texts)
    ]

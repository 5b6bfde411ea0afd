"""The anatomy of a text: what opens it (dateline, addressee, salutation, an editor's preface),
what closes it (closing formula, signature, dateline, postscript, an editorial note by someone
else with its own date and place), and the body between.

Works on the body blocks a layout pass found; returns segments in page order, each with a part
kind and the metadata the part carries of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archivist.extract.dates import find_date, precision
from archivist.extract.names import looks_like_name, looks_like_periodical, looks_like_place, same_person

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
_CLOSING = re.compile(
    r"^(?:(?:yours|ever yours|your(?:s)? (?:truly|sincerely|faithfully|fraternally|ever)|(?:very )?(?:truly|sincerely|"
    r"faithfully|fraternally|cordially|respectfully|affectionately) yours|cordially|fraternally|sincerely|"
    r"with (?:\w+[- ])*(?:greetings?|regards|salutations?|wishes|love)|(?:comradely|fraternal|warm(?:est)?|best|kind) "
    r"(?:greetings?|regards)|salut(?:ations)?|adieu|au revoir|bien à (?:vous|toi)|votre|ihr |dein |saludos|"
    r"with (?:revolutionary|socialist|communist) \w+|long live|yours for|in solidarity|"
    r"in the name (?:and on the (?:mandate|behalf) )?of|on behalf of|by order of)\b|"
    r"your(?:\s+(?:devoted|affectionate|faithful|loving|old|sincere|grateful))?\s*,?$|salut\.?$)",
    re.I,
)
_CLOSING_AND_NAME = re.compile(
    r"^(?P<closing>(?:Yours|Your|Ever yours)(?:\s+(?:devoted|affectionate|faithful|sincere|loving|old|ever|truly|"
    r"sincerely|faithfully|fraternally|cordially))*,?)\s+(?P<name>[A-ZÀ-Þ][\w.'’ -]{1,40})$"
)
_MONTH_NAMES = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)"
)
_YEARLESS_DATELINE = re.compile(
    rf"^(?P<place>[A-ZÀ-Þ][\w'’. -]{{1,40}}?),\s*{_MONTH_NAMES}\.?\s+[0-3]?\d(?:st|nd|rd|th)?\.?$"
)
_ED_SIGNOFF = re.compile(
    r"(?<=[.!?”\"])\s*(?P<dash>[—–]|--)\s*(?P<sig>Ed(?:itor)?s?\.(?:\s+[A-Z][\w ]{1,30})?)\s*$"
)
_STREET_ADDRESS = re.compile(
    r"^\d{1,4}[a-z]?,?\s+[A-ZÀ-Þ][\w'’ .-]{1,40}\b(?:Road|Street|St|Square|Sq|Place|Terrace|Gardens|Avenue|Lane|Row|"
    r"Hill|Crescent|Strasse|Straße|Str|rue|Rue|Platz|Gasse)\b.{0,30}$"
)
_POSTSCRIPT = re.compile(
    r"^(?:P\.\s?P\.\s?S\.|P\.\s?S\.|PS[.:]?\s|P\.S\b|Post-?scriptum|Postscript\s*[:.]|N\.\s?B\.)", re.I
)
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
    r"^this (?:article|text|speech|letter|piece|interview|talk|review|contribution|essay|document) "
    r"(?:first |originally )?(?:appeared|was (?:first |originally )?(?:published|written|given|delivered|printed))\b",
    re.I,
)
_RUN_IN_DATELINE = re.compile(
    r"^(?P<place>[A-Z][\w'’-]+(?: [A-Z][\w'’-]+){0,2}), (?:(?:january|february|march|april|may|june|july|august|"
    r"september|october|november|december) \d{1,2}|\d{1,2} (?:january|february|march|april|may|june|july|august|"
    r"september|october|november|december))\.\s+(?=[A-Z„“\"])",
    re.I,
)
_NOT_PLACES = re.compile(
    r"\b(?:discussions?|speech|letter|interview|report|meeting|session|written|published|notes?|issue|edition|"
    r"volume|chapter|part|section|article|draft|copy|postscript|dear|comrades?)\b",
    re.I,
)
_WEEKDAYS = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|lundi|mardi|mercredi|jeudi|vendredi|samedi|"
    r"dimanche|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)\b,?",
    re.I,
)


@dataclass(slots=True)
class Segment:
    kind: str
    text: str
    block: int  # index into the body blocks it came from
    author: str | None = None
    date: str | None = None
    place: str | None = None
    title: str | None = None


@dataclass(slots=True)
class Anatomy:
    segments: list[Segment] = field(default_factory=list)
    classification: str | None = None
    addressee: str | None = None
    datelines: list[Segment] = field(default_factory=list)  # the main text's own datelines
    signatures: list[str] = field(default_factory=list)
    salutation: str | None = None


def parse_dateline(text: str) -> tuple[str | None, str] | None:
    """(place or None, date) when the whole of `text` is a dateline, e.g. "Coyoacan, D.F., Sept. 14, 1939"."""
    flat = re.sub(r"\s+", " ", text).strip()
    if not flat or len(flat) > 110:
        return None
    inner = flat.strip("[]().* ").replace("[", "").replace("]", "")
    found = find_date(inner)
    if not found:
        return None
    value, start, end = found
    before, after = inner[:start], inner[end:]
    after_clean = re.sub(r"^[\s.,;:)\]]+|[\s.,;:)\]]+$", "", after)
    if (
        after_clean
        and not re.fullmatch(r"(?:\[?\d+\]?|\(?(?:new|old) style\)?|o\.s\.|n\.s\.)", after_clean, re.I)
        and not _STREET_ADDRESS.match(after_clean)
    ):  # "London, 23 April 1892 122 Regent's Park Road, N.W."
        return None
    before = _WEEKDAYS.sub("", before)
    before = re.sub(r"\b(?:between|on|the|le|den|am|el|dated?|written)\b", "", before, flags=re.I)
    place = re.sub(r"^[\s,.;:]+|[\s,;:(]+$", "", before).strip()
    if place.endswith(".") and not re.search(r"\b[A-Z]\.$", place):
        place = place[:-1].rstrip()
    if place:
        if len(place) > 60 or not re.match(r"^[A-ZÀ-ÞА-Я]", place) or re.search(r"[!?\"“”]", place):
            return None
        if (
            not looks_like_place(place, max_words=7)
            or _NOT_PLACES.search(place)
            or looks_like_periodical(place)  # "(Die Presse, July 7, 1862)" names a newspaper
            or re.fullmatch(r"(?:[A-Z]\.\s?){1,4}", place)
        ):
            return None
    elif precision(value) < 2:
        return None
    return (place or None), value


def _is_signature(text: str, authors: list[str]) -> bool:
    flat = re.sub(r"\s+", " ", text).strip().rstrip(",")
    if flat.endswith(".") and not re.search(r"\b[A-ZÀ-Þ]\.$", flat):
        flat = flat[:-1]
    if not flat or len(flat) > 80 or "!" in flat:
        return False  # "WORKING MEN OF ALL COUNTRIES, UNITE!" is a slogan
    if re.match(
        r"^(?:for |on behalf of |in the name of )?the (?:executive|editorial|central|national|political)\b",
        flat,
        re.I,
    ):
        return True
    if re.match(
        r"^(?:president|secretary|general secretary|chairman|chair|treasurer|for the \w+(?: \w+)?)\s*:?\s+"
        r"(?:[A-ZÀ-Þ][\w.'’-]*\s*){1,4}$",
        flat,
        re.I,
    ):
        return True  # "President: Zinoviev."; "Secretary K. Radek"
    flat = re.sub(r"^\(\s*signed:?\s+(.+?)\s*\)$", r"\1", flat, flags=re.I)  # "(signed TOM MANN)"
    flat = re.sub(r"^\(signed\)\s+", "", flat, flags=re.I)  # "(Signed) John Maclean."
    flat = re.sub(
        r"^([A-ZÀ-Þ])\s+(?=[A-ZÀ-Þ][a-zà-ÿ]{2,}$)", r"\1. ", flat
    )  # "F Engels": an initial without its stop
    bare = re.sub(r"^(?:Comrade|Citizen|Dr\.?|Mr\.?|Mrs\.?)\s+", "", flat)
    if looks_like_name(bare, 5):
        return True
    # "Editorial Staff, Biulleten Oppozitsii"; "W. LIEBKNECHT, PAUL SINGER"
    return "," in flat and all(
        looks_like_name(p.strip(), 5) or _title_like(p.strip()) for p in flat.split(",")
    )


def _signed_by_author(line: str, authors: list[str]) -> bool:
    return any(same_person(line, author) for author in authors)


def _bare_place(line: str) -> bool:
    """One word ("COPENHAGEN") or "Town, Country": the shapes a place takes beside a signature."""
    flat = line.strip(" ,.")
    words = flat.split()
    return (
        looks_like_place(flat, 4)
        and (len(words) == 1 or ("," in flat and len(words) <= 4))
        and not re.search(r"\d", flat)
    )


def _title_like(text: str) -> bool:
    words = text.split()
    return 0 < len(words) <= 5 and all(w[:1].isupper() for w in words)


def analyse(texts: list[str], authors: list[str]) -> Anatomy:
    """Split body blocks into parts. `authors` (from the byline) help recognise a signature."""
    result = Anatomy()
    n = len(texts)
    kinds: list[list[Segment]] = [[Segment("body", t, i)] for i, t in enumerate(texts)]
    # -- the opening -----------------------------------------------------------------------------
    if n > 1 and (m := _RUN_IN_DATELINE.match(texts[0])) is not None:
        # "Cologne, June 1. Every new organ …": a dateline run into the first paragraph.
        kinds[0] = [Segment("dateline", m.group(0).strip(), 0, place=m.group("place"), date=None),
                    Segment("body", texts[0][m.end() :], 0)]  # fmt: skip
        result.datelines.append(kinds[0][0])
    i = 0
    while i < n and i < 8:
        text = texts[i].strip()
        flat = re.sub(r"\s+", " ", text)
        if CLASSIFICATIONS.match(flat.strip(" .!*")):
            result.classification = flat.strip(" .!*")
            kinds[i] = [Segment("header", text, i)]
        elif (dl := parse_dateline(flat)) is not None:
            seg = Segment("dateline", text, i, place=dl[0], date=dl[1])
            kinds[i] = [seg]
            result.datelines.append(seg)
        elif (
            re.match(r"^To (?:the |comrade |citizen |my |)[A-ZÀ-Þ\w]", flat)
            and len(flat) < 160
            and (not flat.endswith(".") or len(flat) < 90)
            and i + 1 < n
        ):
            result.addressee = re.sub(r"^To\s+", "", flat).rstrip(".:,")
            kinds[i] = [Segment("addressee", text, i)]
        elif (
            len(flat) <= 70
            and (_SALUTATION.match(flat) or re.match(r"^[A-ZÀ-Þ][\w.'’ -]{0,30}:$", flat))
            and (flat.endswith((":", ",", "!", "—", "-", "–")) and i + 1 < n)
        ):
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
            and not _NOT_PLACES.search(flat)
        ):
            # "Oakland, Cal." alone above the text: where it was written, with no date.
            place = flat.rstrip(",")
            if place.endswith(".") and not re.search(r"\b[A-Z][a-z]{0,3}\.$", place):
                place = place[:-1]  # a full stop, not the dot of "Cal."
            seg = Segment("dateline", text, i, place=place)
            kinds[i] = [seg]
            result.datelines.append(seg)
        elif (
            result.datelines
            and len(flat) <= 60
            and not flat.endswith((".", "!", "?", ":"))
            and any(_SALUTATION.match(re.sub(r"\s+", " ", t).strip()) for t in texts[i + 1 : i + 4])
        ):
            kinds[i] = [Segment("header", text, i)]  # the sender's address under the dateline
        else:
            break
        i += 1
    opening_end = i
    # -- editorial notes and postscripts after the text --------------------------------------------
    end = n
    for j in range(max(opening_end + 1, 1), n):
        if len(texts[j]) > 80:
            continue  # a heading such as "Explanation" is short
        flat = re.sub(r"\s+", " ", texts[j]).strip()
        if EDITORIAL_HEADINGS.match(flat) and j + 1 < n:
            note_texts = texts[j + 1 :]
            note = _editorial_note(note_texts, j + 1, title=flat.rstrip(".:"))
            kinds[j] = [Segment("header", texts[j], j)]
            for k, segs in enumerate(note, start=j + 1):
                kinds[k] = segs
            end = j
            break
    last = end - 1
    flat_last = re.sub(r"\s+", " ", texts[last]).strip() if end > opening_end + 2 else ""
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
        if _POSTSCRIPT.match(texts[j].strip()):
            ps_start = j
            break
    # -- the closing of the main text --------------------------------------------------------------
    tail_end = ps_start if ps_start is not None else end
    closing_found = _mark_closing(texts, kinds, opening_end, tail_end, authors, result)
    if ps_start is None and closing_found is not None and closing_found[1] < end:
        ps_start = closing_found[1]  # paragraphs after a closing formula and a signature: a P.S.
    if ps_start is not None:
        for j in range(ps_start, end):
            if kinds[j][0].kind == "body":
                kinds[j] = [Segment("postscript", texts[j], j)]
    result.segments = [seg for segs in kinds for seg in segs]
    return result


def _mark_closing(texts: list[str], kinds: list[list[Segment]], start: int, end: int, authors: list[str],
                  result: Anatomy) -> tuple[int, int] | None:  # fmt: skip
    """Mark closing, signature and dateline blocks at the end of the main text (scanning back).
    Returns (first, last+1) block indexes of the closing zone, or None."""
    j = end - 1
    zone_first = None
    steps = 0
    saw_signature = False
    saw_closing = False
    while j > start and steps < 6:
        text = texts[j].strip()
        flat = re.sub(r"\s+", " ", text)
        lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
        # A dateline broken over lines continues with a comma ("Coyoacan, D.F.,\nSept. 14, 1939");
        # otherwise the lines are separate ("Karl Marx\nLondon, 1 May 1868": signature, then dateline).
        joined = all(ln.endswith(",") for ln in lines[:-1])
        dl = parse_dateline(flat) if joined else None
        if dl is not None:
            seg = Segment("dateline", text, j, place=dl[0], date=dl[1])
            kinds[j] = [seg]
            result.datelines.insert(0, seg)
        elif len(lines) > 1 and all(_line_kind(ln, authors) for ln in lines):
            segs = []
            signer = any(_signed_by_author(ln, authors) for ln in lines)
            for ln in lines:
                kind = _line_kind(ln, authors) or "signature"
                if kind == "signature" and signer and not _signed_by_author(ln, authors) and _bare_place(ln):
                    # "COPENHAGEN / Walter Held", "GREGORY ZINOVIEV / Hartenstein, Switzerland": the
                    # line beside the author's name that is not a name says where.
                    segs.append(Segment("dateline", ln, j, place=ln.strip(" ,.")))
                    result.datelines.insert(0, segs[-1])
                    continue
                segs.append(Segment(kind, ln, j))
                if kind == "dateline" and (line_dl := parse_dateline(ln)) is not None:
                    segs[-1].place, segs[-1].date = line_dl
                    result.datelines.insert(0, segs[-1])
                saw_signature |= kind == "signature"
                saw_closing |= kind == "closing"
                if kind == "signature":
                    result.signatures.append(ln)
            kinds[j] = _merge_lines(segs)
        elif (
            len(lines) == 1
            and (both := _CLOSING_AND_NAME.match(flat))
            and _is_signature(both.group("name"), authors)
        ):  # "Your devoted Ch. Longuet"
            kinds[j] = [
                Segment("closing", both.group("closing"), j),
                Segment("signature", both.group("name"), j),
            ]
            result.signatures.insert(0, both.group("name"))
            saw_signature = saw_closing = True
        elif (
            len(lines) == 1
            and (yearless := _YEARLESS_DATELINE.match(flat))
            and looks_like_place(yearless.group("place"), 4)
            and not looks_like_periodical(yearless.group("place"))
        ):  # "Berlin, March 18.": the year is the document's
            seg = Segment("dateline", text, j, place=yearless.group("place"))
            kinds[j] = [seg]
            result.datelines.insert(0, seg)
        elif j == end - 1 and (signoff := _ED_SIGNOFF.search(text)):
            # "… with its political clause.—Ed. The People": the editor's answer, signed inline.
            kinds[j] = [
                Segment("body", text[: signoff.start("dash")], j),
                Segment("signature", signoff.group("sig"), j),
            ]
            result.signatures.insert(0, signoff.group("sig"))
            saw_signature = True
        elif (line_kind := _line_kind(flat, authors)) is not None and len(lines) == 1:
            kind = line_kind
            if kind == "signature" and saw_signature and not saw_closing and len(result.signatures) >= 2:
                break
            if (
                kind == "signature"
                and authors
                and "," in flat
                and not _signed_by_author(flat, authors)
                and _bare_place(flat)
            ):
                # "Coyoacan, Mexico" on its own line near the signature: where, not who.
                seg = Segment("dateline", text, j, place=flat.strip(" ,."))
                kinds[j] = [seg]
                result.datelines.insert(0, seg)
                zone_first = j
                j -= 1
                steps += 1
                continue
            kinds[j] = [Segment(kind, text, j)]
            saw_signature |= kind == "signature"
            saw_closing |= kind == "closing"
            if kind == "signature":
                result.signatures.insert(0, flat)
        else:
            break
        zone_first = j
        j -= 1
        steps += 1
    if zone_first is not None:
        return zone_first, end
    # A closing formula and signature followed by more paragraphs: the paragraphs are a postscript.
    for j in range(max(start + 1, end - 8), end - 1):
        if _CLOSING.match(texts[j].strip()) and len(texts[j]) < 80:
            nxt = texts[j + 1].strip()
            if _is_signature(nxt, authors) and j + 2 < end:
                kinds[j] = [Segment("closing", texts[j], j)]
                kinds[j + 1] = [Segment("signature", texts[j + 1], j + 1)]
                result.signatures.append(re.sub(r"\s+", " ", nxt))
                return j, j + 2
    return None


def _line_kind(line: str, authors: list[str]) -> str | None:
    flat = line.strip()
    if _CLOSING.match(flat) and len(flat) < 90 and not flat.lower().startswith("long live"):
        return "closing"
    if _is_signature(flat, authors):
        return "signature"
    if parse_dateline(flat) is not None:
        return "dateline"
    return None


def _merge_lines(segs: list[Segment]) -> list[Segment]:
    out: list[Segment] = []
    for seg in segs:
        if out and out[-1].kind == seg.kind:
            out[-1].text += "\n" + seg.text
        else:
            out.append(seg)
    return out


def _editorial_note(texts: list[str], offset: int, title: str) -> list[list[Segment]]:
    """An editorial note after the text: its own signature and dateline give its author, place, date."""
    author = place = date = None
    for text in texts[-3:]:
        flat = re.sub(r"\s+", " ", text).strip()
        dl = parse_dateline(flat)
        if dl is not None:
            place, date = dl
        elif _is_signature(flat, []):
            author = flat.rstrip(".")
    return [
        [Segment("editorial-note", t, offset + k, author=author, place=place, date=date, title=title)]
        for k, t in enumerate(texts)
    ]

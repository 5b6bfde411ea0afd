"""The closing of a text: the closing formula ("Yours fraternally"), the signature, and the datelines
set at its end ("Berlin, March 18."), read by scanning back from the end of the main text; what
follows a closing formula and signature is a postscript."""

from __future__ import annotations

import re

from archivist.extract.dateline import STREET_ADDRESS, parse_dateline
from archivist.extract.dates import MONTH_NAME
from archivist.extract.names import looks_like_name, looks_like_periodical, looks_like_place, same_person
from archivist.extract.segment import Anatomy, Segment
from archivist.text import one_line

_CLOSING = re.compile(
    r"^(?:(?:yours|ever yours|your(?:s)? (?:truly|sincerely|faithfully|fraternally|ever)|(?:very )?(?:truly|sincerely|"
    r"faithfully|fraternally|cordially|respectfully|affectionately) yours|cordially|fraternally|sincerely|"
    r"with (?:\w+[- ])*(?:greetings?|regards|salutations?|wishes|love)|(?:comradely|fraternal|warm(?:est)?|best|kind) "
    r"(?:greetings?|regards)|salut(?:ations)?|adieu|au revoir|bien à (?:vous|toi)|votre|ihr |dein |saludos|"
    r"believe me(?=,)|i (?:am|remain)(?=,)|"  # "Believe me, my dear Wilshire,", "I am, Sir, your obedient servant,"
    r"with (?:revolutionary|socialist|communist) \w+|long live|yours for|in solidarity|"
    r"in the name (?:and on the (?:mandate|behalf) )?of|on behalf of|by order of)\b|"
    r"your(?:\s+(?:most|very|ever))?(?:\s+(?:devoted|affectionate|faithful|loving|old|sincere|grateful|obedient))?"
    r"(?:\s+(?:friend|comrade|servant))?\s*,?$|salut\.?$)",  # "Your most devoted friend"
    re.I,
)
# An organisation signing: "Communist League of Struggle", "The Executive Committee of the …".
SIGNING_BODY = re.compile(
    r"^(?:the\s+)?[A-ZÀ-Þ][\w'’-]*(?:\s+(?:of|for|and|the|de|[A-ZÀ-Þ][\w'’.()-]*)){0,7}\s+"
    r"(?:League|Party|Committee|Union|Group|Federation|Council|Bureau|Association|Board|Secretariat|Executive)"
    r"(?:\s+(?:of|for)\s+(?:the\s+)?[A-ZÀ-Þ][\w'’ ()-]{1,60})?$"
)
# "… to avert the Revolution. F. Kitz.": the author's name run into the last paragraph.
_RUN_IN_SIGNATURE = re.compile(
    r"(?<=[a-zà-ÿ)”\"][.!?])(?P<dash>[ \t]+)"
    r"(?P<sig>(?:[A-ZÀ-Þ]\.\s?){0,3}(?:[A-ZÀ-Þ][\w'’-]+\s+){0,2}[A-ZÀ-Þ][\w'’-]+)\.?\s*$"
)
_CLOSING_AND_NAME = re.compile(
    r"^(?P<closing>(?:Yours|Your|Ever yours)(?:\s+(?:devoted|affectionate|faithful|sincere|loving|old|ever|truly|"
    r"sincerely|faithfully|fraternally|cordially))*,?)\s+(?P<name>[A-ZÀ-Þ][\w.'’ -]{1,40})$"
)
YEARLESS_DATELINE = re.compile(
    rf"^(?P<place>[A-ZÀ-Þ][\w'’. -]{{1,40}}?),\s*(?i:{MONTH_NAME})\.?\s+[0-3]?\d(?:st|nd|rd|th)?\.?$"
)
# A closing formula run into the end of the last paragraph: "… from criminal actions. – Yours fraternally,",
# "… the Transport Workers' Union. -- Yours,", "… to publish this correspondence. – I am, Sir, yours faithfully,".
# After a dash any closing formula; without one, only a formula that does not end a sentence ("… and tools.
# Yours for anarchy", "… I am, dear comrade, fraternally yours,"), so that "Yours is the future." stays text.
_RUN_IN_CLOSING = re.compile(
    r"(?:(?P<dash>\s*[–—]|\s+-|--)-?\s*|(?<=[.!?”\"’)…])\s+)(?P<closing>[A-ZÀ-Þa-z][^.!?–—]{2,70}?)\s*$"
)
# A line that ends a sentence is prose, not a name, a title or an address ("Marx has just moved house.").
ENDS_SENTENCE = re.compile(r"[a-z][.!?]$")
_ED_SIGNOFF = re.compile(
    r"(?<=[.!?”\"])\s*(?P<dash>[—–]|--)\s*(?P<sig>Ed(?:itor)?s?\.(?:\s+[A-Z][\w ]{1,30})?)\s*$"
)


def run_in_closing(text: str) -> int | None:
    """Where a closing formula run into the end of a paragraph starts (see `_RUN_IN_CLOSING`), or None."""
    tail_from = max(0, len(text.rstrip()) - 100)
    m = _RUN_IN_CLOSING.search(text, tail_from)
    if m is None:
        return None
    closing = m.group("closing")
    if not _CLOSING.match(closing) or closing.lower().startswith("long live"):
        return None
    if not m.group("dash") and not (closing.endswith(",") or closing[:5].lower() == "yours"):
        return None
    return m.start()


def is_signature(text: str, authors: list[str]) -> bool:
    flat = one_line(text).rstrip(",").lstrip("—–- ")  # "—ANDRES NIN"
    if SIGNING_BODY.match(flat):
        return True  # "Communist League of Struggle"
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
    flat = re.sub(r"^\(signed\)\s+", "", flat, flags=re.I)  # "(Signed) John Maclean."
    if looks_like_name(flat, 5):
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
    return looks_like_place(flat, 4) and (len(words) == 1 or ("," in flat and len(words) <= 4))


def _title_like(text: str) -> bool:
    words = text.split()
    return 0 < len(words) <= 5 and all(w[:1].isupper() for w in words)


def mark_closing(texts: list[str], kinds: list[list[Segment]], start: int, end: int, authors: list[str],
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
        flat = one_line(text)  # text is stripped already
        lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
        # A dateline broken over lines continues with a comma ("Coyoacan, D.F.,\nSept. 14, 1939");
        # otherwise the lines are separate ("Karl Marx\nLondon, 1 May 1868": signature, then dateline).
        joined = all(ln.endswith(",") for ln in lines[:-1])
        dl = parse_dateline(flat) if joined else None
        if dl is not None:
            seg = Segment("dateline", text, j, place=dl[0], date=dl[1])
            kinds[j] = [seg]
            result.datelines.insert(0, seg)
        elif j > start + 1 and joined and STREET_ADDRESS.match(flat):
            # "3 Charteris Road, / Woodford Green, Essex.": the writer's address under the signature.
            seg = Segment("dateline", text, j, place=flat.rstrip(". "))
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
            and is_signature(both.group("name"), authors)
        ):  # "Your devoted Ch. Longuet"
            kinds[j] = [
                Segment("closing", both.group("closing"), j),
                Segment("signature", both.group("name"), j),
            ]
            result.signatures.insert(0, both.group("name"))
            saw_signature = saw_closing = True
        elif (
            len(lines) == 1
            and (yearless := YEARLESS_DATELINE.match(flat))
            and looks_like_place(yearless.group("place"), 4)
            and not looks_like_periodical(yearless.group("place"))
        ):  # "Berlin, March 18.": the year is the document's
            seg = Segment("dateline", text, j, place=yearless.group("place"))
            kinds[j] = [seg]
            result.datelines.insert(0, seg)
        elif (
            j == end - 1
            and (signoff := _ED_SIGNOFF.search(text) or _RUN_IN_SIGNATURE.search(text))
            and (signoff.re is _ED_SIGNOFF or _signed_by_author(signoff.group("sig"), authors))
        ):
            # "… with its political clause.—Ed. The People": the editor's answer, signed inline.
            kinds[j] = [
                Segment("body", text[: signoff.start("dash")], j),
                Segment("signature", signoff.group("sig"), j),
            ]
            result.signatures.insert(0, signoff.group("sig"))
            saw_signature = True
        elif (split := run_in_closing(text)) is not None and split > 0:
            # "… from criminal actions. – Yours fraternally,": the text, then its closing formula.
            kinds[j] = [Segment("body", text[:split], j), Segment("closing", text[split:].strip(), j)]
            zone_first = j
            break
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
            if is_signature(nxt, authors) and j + 2 < end:
                kinds[j] = [Segment("closing", texts[j], j)]
                kinds[j + 1] = [Segment("signature", texts[j + 1], j + 1)]
                result.signatures.append(re.sub(r"\s+", " ", nxt))
                # The signer's title, body and address ("General Secretary" / "International Working
                # Men's Association 256, High Holborn") end the signature block; a P.S. is prose.
                k = j + 2
                while k < end and _signature_block_line(texts[k]):
                    flat = one_line(texts[k])
                    if (dl := parse_dateline(flat)) is not None:
                        kinds[k] = [Segment("dateline", texts[k], k, place=dl[0], date=dl[1])]
                        result.datelines.append(kinds[k][0])
                    else:
                        kinds[k] = [Segment("signature", texts[k], k)]
                    k += 1
                return j, k
    return None


def _signature_block_line(text: str) -> bool:
    """A short line under a signature that ends no sentence: a title, an organisation, an address."""
    flat = one_line(text)
    return 0 < len(flat) <= 80 and "\n" not in text.strip() and not ENDS_SENTENCE.search(flat)


def _line_kind(line: str, authors: list[str]) -> str | None:
    flat = line.strip().lstrip("–—- ")  # "—Yours fraternally,": a closing formula after a dash
    if (
        _CLOSING.match(flat)
        and len(flat) < 90
        and not flat.lower().startswith("long live")
        # "Best greetings to your wife and the girls. Lafargue is in a really frightful hurry.": more than a formula
        and not re.search(r"[a-z][.!?]\s+[A-ZÀ-Þ][a-z]", flat)
    ):
        return "closing"
    if is_signature(flat, authors):
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

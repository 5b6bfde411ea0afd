"""A temporal tagger for running text: HeidelTime-style patterns, values in ISO 8601 / EDTF.

Absolute dates (every form `archivist.extract.dates` reads, plus Old/New Style pairs "October 25
(November 7), 1917", "14/27 March 1917", decades "the 1850s" → `185X`, centuries "the 19th century"
→ `18XX`, "XVIIe siècle") need nothing else; relative ones are resolved against an *anchor* (the
part's best date) or, for anaphoric ones ("the next day", "three days later"), against the last day
the text itself named: days without a year ("September 14th", "the 13th inst.", "the thirteenth of
September"), weekdays ("last Tuesday", "on Monday"), "yesterday", "to-day", "this week" (Monday to
Sunday), "last year", "four months ago", "twenty-five years ago", "three decades ago", "over a
century ago" and "a month and a half ago" (`~` where the text hedges), "the last century", seasons ("in
the spring" → `YYYY-21`), months without a year. A span without a number ("some days ago", "a few years
ago") is left out, as the labels do.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from archivist.extract.dates import MONTH_NAME, MONTHS, find_all_dates
from archivist.extract.lexicon import LANGUAGES

_ORD_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
    "twenty-first": 21, "twenty-second": 22, "twenty-third": 23, "twenty-fourth": 24, "twenty-fifth": 25,
    "twenty-sixth": 26, "twenty-seventh": 27, "twenty-eighth": 28, "twenty-ninth": 29, "thirtieth": 30,
    "thirty-first": 31,
}  # fmt: skip
_UNIT_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
               "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]  # fmt: skip
_TENS_WORDS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
               "ninety": 90}  # fmt: skip
# Cardinals in words, "a" to "ninety-nine" ("twenty-five", "twenty five"); "a hundred", "two hundred"
# are read by `_number` from the pattern's multiplier.
_NUM_WORDS = {"a": 1, "an": 1, **{w: i + 1 for i, w in enumerate(_UNIT_WORDS)}, **_TENS_WORDS}
_NUM_WORDS.update({
    f"{tens}{sep}{unit}": value + i + 1
    for tens, value in _TENS_WORDS.items()
    for i, unit in enumerate(_UNIT_WORDS[:9])
    for sep in ("-", " ")
})  # fmt: skip
WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
    "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6,
    "montag": 0, "dienstag": 1, "mittwoch": 2, "donnerstag": 3, "freitag": 4, "samstag": 5, "sonnabend": 5,
    "sonntag": 6,
}  # fmt: skip
_SEASONS = {"spring": 21, "summer": 22, "autumn": 23, "fall": 23, "winter": 24, "printemps": 21, "été": 22,
            "automne": 23, "hiver": 24, "frühling": 21, "frühjahr": 21, "sommer": 22, "herbst": 23}  # fmt: skip
# Day words that are other words in another language ("hier" is "here" in German, "yesterday" in
# French; "morgen" is "morning" as well as "tomorrow"): read only in their own language. Other
# foreign day names are kept: an English letter may end "samedi soir".
_FALSE_FRIENDS = {"hier": "fr", "demain": "fr", "heute": "de", "gestern": "de", "morgen": "de",
                  "today": "en", "tomorrow": "en", "yesterday": "en"}  # fmt: skip
# Languages that write a day of the month as an ordinal number with a dot: "22. Oktober".
_DOT_ORDINAL_LANGUAGES = {
    "de",
    "da",
    "no",
    "nb",
    "sv",
    "fi",
    "cs",
    "sk",
    "pl",
    "hu",
    "et",
    "lv",
    "lt",
    "sl",
    "hr",
    "sr",
}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10, "xi": 11,
          "xii": 12, "xiii": 13, "xiv": 14, "xv": 15, "xvi": 16, "xvii": 17, "xviii": 18, "xix": 19, "xx": 20,
          "xxi": 21}  # fmt: skip

# Decades without their century ("the sixties", "the ’eighties", "’30s") and years without theirs
# ("’68", "the Commune of ’71"): the latest such decade or year not after the anchor.
_DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7,
                 "eighties": 8, "nineties": 9}  # fmt: skip
_W = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_O = "|".join(sorted((re.escape(k) for k in _ORD_WORDS), key=len, reverse=True))
_N = "|".join(sorted((re.escape(k) for k in _NUM_WORDS), key=len, reverse=True))
# Words before a span of time that make it approximate ("over fifty years ago") or leave it as it is
# ("barely a year ago").
_APPROXIMATING = r"about|some|nearly|almost|over|well\s+over|more\s+than|less\s+than|under|roughly|approximately|around|close\s+to|upwards\s+of"
# "last week", "the preceding month", "the coming century": one step back or on from the anchor's.
_STEPS = {"last": -1, "past": -1, "previous": -1, "preceding": -1, "next": 1, "following": 1, "coming": 1}
_EXACTING = r"barely|scarcely|hardly|just|only|exactly|precisely|fully|full"
_S = "|".join(sorted(_SEASONS, key=len, reverse=True))
_DW = "|".join(_DECADE_WORDS)
_DAYNUM = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th|d)?"
_ORD = rf"(?:{_DAYNUM}|(?P<dw>{_O}))"

# (kind, pattern): tried in order at each position; the longest match wins.
_RELATIVE: list[tuple[str, re.Pattern[str]]] = [
    (kind, re.compile(p, re.I))
    for kind, p in [
        # October 25 (November 7), 1917 / December 14 (27) / 14/27 March 1917
        ("dual-md", rf"\b(?P<m1>{MONTH_NAME})\.?\s*[0-3]?\d(?:st|nd|rd|th)?\s*\(\s*(?:(?P<m2>{MONTH_NAME})\.?\s+)?(?P<d>[0-3]?\d)\s*\)(?:,?\s*(?P<y>1[0-9]{{3}}))?"),
        ("dual-dm", rf"\b[0-3]?\d\s*[/(]\s*(?P<d>[0-3]?\d)\)?\s+(?P<m1>{MONTH_NAME})\.?(?:,?\s*(?P<y>1[0-9]{{3}}))?"),
        ("decade", r"\b(?:the\s+|(?:la fin |le début |au cours )?des années\s+|in den\s+)?(?P<y>1[0-9]{2}|20[0-2])0(?:['’]?s|er(?: Jahren)?)\b|\bannées\s+(?P<y2>1[0-9]{2})0\b"),
        ("century-part", r"\bthe\s+(?P<p>beginning|start|dawn|early\s+(?:part|years)|first\s+decade|end|close|last\s+decade|middle|first\s+quarter|last\s+quarter)\s+of\s+the\s+(?:(?P<c>[12]?\d)(?:st|nd|rd|th)|(?P<cw>" + "|".join(sorted(_ORD_WORDS, key=len, reverse=True)) + r"))\s+century\b"),
        ("century-half", r"\bthe\s+(?P<h>first|second|latter|last)\s+half\s+of\s+the\s+(?P<c>[12]?\d)(?:st|nd|rd|th)\s+century\b"),
        ("century", r"\b(?:the\s+)?(?:(?P<c>[12]?\d)(?:st|nd|rd|th)|(?P<cw>" + "|".join(sorted(_ORD_WORDS, key=len, reverse=True)) + r"))\s+century\b|\b(?P<r>[XVI]{1,5})(?:e|ème)\s+(?:et\s+(?P<r2>[XVI]{1,5})(?:e|ème)\s+)?siècles?\b|\bce siècle\b|\bthis\s+century\b|\bthe\s+(?P<rel>present|last|previous|preceding|past|next|coming)\s+century\b|\bdieses\s+Jahrhunderts?\b"),
        ("ord-of-month-year", rf"\b(?:the\s+)?{_ORD}\s+(?:of\s+)?(?P<m>{MONTH_NAME})\s*,?\s*(?:in\s+the\s+year\s+(?:of\s+)?)(?P<y>1[0-9]{{3}})\b"),
        ("inst", rf"\b(?:the\s+)?{_ORD}\s+(?P<which>inst|ult|prox|instant|ultimo|proximo)\b\.?"),
        ("of-this-month", rf"\b(?:the\s+)?{_ORD}\s+of\s+(?P<which>this|last|next)\s+month\b"),
        ("ord-of-month", rf"\b(?:the\s+)?{_ORD}\s+(?:of\s+)?(?P<m>{MONTH_NAME})\b(?!\.?,?\s*(?:in the year (?:of )?)?\d{{3,4}})"),
        ("ago", rf"\b(?:(?P<q>{_APPROXIMATING}|{_EXACTING})\s+)?(?P<n>\d+|{_N})(?:\s+(?P<x>hundred|thousand))?(?P<half>\s+and\s+a\s+half)?\s+(?P<u>day|week|month|year|fortnight|decade|century|centuries)s?(?P<half2>\s+and\s+a\s+half)?\s+(?:ago|back|before)\b"),
        ("later", rf"\b(?P<n>\d+|{_N})\s+(?P<u>day|week|month|year)s?\s+(?P<dir>later|afterwards|after)\b(?!\s+\w+\s+(?:of|the))"),
        ("week", r"\b(?P<which>this|last|next|the\s+past|the\s+previous|the\s+following|the\s+ensuing|the\s+next)\s+week\b"),
        ("month-year-rel", r"\b(?P<which>this|last|next|the\s+previous|the\s+preceding|the\s+following|the\s+present)\s+(?P<u>month|year)\b"),
        ("weekday", rf"\b(?:(?P<which>last|next|this|on|upon|the\s+following|the\s+previous|the\s+next|the)\s+)?(?P<w>{_W})(?:\s+(?P<after>next|last))?(?:\s+(?P<tod>morning|evening|night|afternoon|soir|matin|abend|morgen))?\b"),
        ("day-word", r"\b(?P<w>the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|yesterday|to-day|today|to-morrow|tomorrow|this\s+day|tonight|to-night|last\s+(?:night|evening)|this\s+(?:morning|evening)|aujourd[’']hui|hier|demain|heute|gestern|morgen)\b"),
        ("that-year", r"\b(?:that(?:\s+very)?(?:\s+same)?|the(?:\s+very)?\s+same)\s+year\b"),
        ("anaphoric", r"\b(?P<w>(?:that|the)\s+same\s+(?:day|night)|that\s+night|the\s+night\s+before|the\s+(?:next|following|previous)\s+night|the\s+(?:next|following)\s+(?:day|morning|evening)|the\s+(?:previous|preceding)\s+day|the\s+day\s+before|the\s+day\s+after|the\s+next\s+morning|(?:that|the)\s+very\s+(?:day|night)|next\s+(?:morning|day))\b"),
        ("decade-short", rf"\bthe\s+(?:early\s+|late\s+|mid-)?['’‘]?(?P<dw>{_DW})\b|(?<![\w'’‘])['’‘](?:(?P<dw2>{_DW})\b|(?P<dd>[1-9])0s\b)"),
        ("year-short", r"(?<![\w'’‘.,])['’‘](?P<yy>\d\d)\b(?!['’‘]?s\b)(?![.,:/-]?\d)"),
        ("season", rf"\b(?:(?P<which>this|last|next|the|in\s+the|early|late|the\s+beginning\s+of|the\s+end\s+of)\s+)?(?P<s>{_S})(?:\s+of\s+(?P<yr>last|this|next)\s+year)?\b(?!\s+(?:of\s+)?\d)"),
        ("month-range", rf"\b(?:(?:from|between)\s+)?(?P<m>{MONTH_NAME})\s+(?:to|till|until|through|-|–)\s+(?P<m2>{MONTH_NAME})\b(?!\.?,?\s*\d)"),
        ("month", rf"\b(?:(?P<which>this|last|next|early|late|mid-|the\s+(?:beginning|end|middle|month)\s+of|in|since|until|till|by|of|during|from|before|after|and|or|to|for|through|between)\s+)?(?P<m>{MONTH_NAME})\b(?!\.?\s*[0-3]?\d)(?!\.?,?\s*\d{{4}})"),
    ]
]  # fmt: skip
_MONTH_DAY = re.compile(
    rf"\b(?P<m>{MONTH_NAME})\.?\s*(?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?:\s*[-–]\s*(?P<d2>[0-3]?\d))?\b(?!\s*,?\s*\d{{4}})(?!\s*\()"
    rf"|(?<![\d.])\b(?P<dd>[0-3]?\d)(?:st|nd|rd|th|(?P<dot>\.))?\s+(?:of\s+)?(?P<mm>{MONTH_NAME})\b(?!\.?\s*,?\s*\d{{4}})",
    re.I,
)
# "1894–5", "1973-4": a range of two years written short (two-digit tails are read with the dates).
_COMPACT_RANGE = re.compile(r"\b(?P<y>1[5-9]\d\d|20\d\d)\s*[-–/]\s*(?P<t>\d)\b(?![.,/:–-]?\d)")
# A range of years into this century ("(1917–2000)"), which the readers of dates with a year leave as
# two years. Two years joined in prose ("between 1903 and 1912") stay two dates, as the labels have it.
_CENTURY_SPAN = re.compile(r"\b(?P<a>1[5-9]\d\d)\s*[-–]\s*(?P<b>20[0-2]\d)\b(?![.,/:–-]?\d)")
_SEASON_OF_YEAR = re.compile(rf"(?P<s>{_S})\b", re.I)
_SEASON_BEFORE = re.compile(rf"\b(?P<s>{_S}),?\s+(?:of\s+)?$", re.I)
_AMBIGUOUS_MONTHS = {"may", "march", "mar", "jun", "jan", "sept", "sep", "oct", "nov", "dec", "aug", "apr",
                     "feb", "jul", "mai"}  # fmt: skip


@dataclass(slots=True)
class Found:
    start: int
    end: int
    value: str
    kind: str
    relative: bool = False
    approximate: bool = False
    text: str = ""
    narrated_year: int | None = None  # the year the text last named, taken instead of the anchor's


def _day(d: date) -> str:
    return d.isoformat()


def _month(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def _shift_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def parse_anchor(value: str | None) -> tuple[date, int] | None:
    """An anchor from an EDTF value: (date, precision 1 year / 2 month / 3 day), interval start."""
    if not value:
        return None
    head = value.split("/")[0].rstrip("~?%")
    m = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", head)
    if not m:
        return None
    try:
        year, month, day = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
        if month > 12:
            return date(year, 1, 1), 1
        return date(year, month, day), 1 + bool(m.group(2)) + bool(m.group(3))
    except ValueError:
        return None


# A day or month without a year is the nearest one to the anchor: up to half a year ahead (a letter
# of August planning for "22. Oktober"), else in the past ("December 13" written in February 1982).
_AHEAD = timedelta(days=182)


def _nearest_past(month: int, day: int, anchor: date) -> date | None:
    """The day of that month nearest to the anchor: no more than half a year after it, else the
    year before."""
    for year in (anchor.year, anchor.year - 1):
        try:
            d = date(year, month, day)
        except ValueError:
            return None
        if d <= anchor + _AHEAD:
            return d
    return None


def _number(text: str) -> int:
    t = re.sub(r"\s+", " ", text.casefold())
    return int(t) if t.isdigit() else _NUM_WORDS.get(t, 1)


# A month named alone in another language than the text's is a name ("by Julio", the paper
# "Octubre"), not a date; with a day or a year it is still read ("Julio 26, 1953").
_MONTHS_OF = {
    code: {m for spellings in module.MONTHS for m in spellings} for code, module in LANGUAGES.items()
}


def _foreign_month(m: re.Match[str], language: str | None) -> bool:
    own = _MONTHS_OF.get((language or "")[:2])
    if not own:
        return False
    return any(n and n.casefold().rstrip(".") not in own for n in (m.group("m"), m.groupdict().get("m2")))


def _foreign(words: str, language: str | None) -> bool:
    """Whether a matched expression rests on a word of another language than the text's."""
    if not language or language[:2] not in ("en", "fr", "de"):
        return False
    for word in re.findall(r"[^\W\d_]+(?:['’-][^\W\d_]+)?", words.casefold()):
        owner = _FALSE_FRIENDS.get(word)
        if owner is not None and owner != language[:2]:
            return True
    return False


def tag(text: str, anchor: tuple[date, int] | None, language: str | None = None) -> list[Found]:
    """Every temporal expression of `text`, left to right, without overlaps. `language` (ISO 639-1)
    keeps the words of other languages out and reads its own conventions ("22. Oktober")."""
    found: list[Found] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    # Dual Old/New Style dates first: the New Style value.
    for kind, pattern in _RELATIVE[:2]:
        for m in pattern.finditer(text):
            month = MONTHS.get(
                (m.group("m2") if kind == "dual-md" and m.group("m2") else m.group("m1")).lower().rstrip(".")
            )
            year = int(m.group("y")) if m.group("y") else (anchor[0].year if anchor else None)
            if not month or year is None or not free(m.start(), m.end()):
                continue
            try:
                new_style = date(year, month, int(m.group("d")))
            except ValueError:
                continue
            found.append(
                Found(m.start(), m.end(), _day(new_style), "old-new-style", relative=not m.group("y"))
            )
            taken.append((m.start(), m.end()))
    # Decades and centuries before the years inside them.
    for kind, pattern in _RELATIVE[2:7]:
        for m in pattern.finditer(text):
            got = _resolve(kind, m, text, anchor)
            if got and got[0] and free(m.start(), m.end()):
                found.append(Found(m.start(), m.end(), got[0], kind, got[1], got[2], m.group(0)))
                taken.append((m.start(), m.end()))
    # Absolute dates with a year: "1894–5" a range of two years, "Summer 1958" a season of one.
    for m in _CENTURY_SPAN.finditer(text):
        if free(m.start(), m.end()):
            found.append(Found(m.start(), m.end(), f"{m.group('a')}/{m.group('b')}", "absolute"))
            taken.append((m.start(), m.end()))
    for m in _COMPACT_RANGE.finditer(text):
        first, last = int(m.group("y")), int(m.group("y")) // 10 * 10 + int(m.group("t"))
        if last > first and free(m.start(), m.end()):
            season = _SEASON_BEFORE.search(text, max(0, m.start() - 12), m.start())
            if season:  # "Winter 1965/6": the winter that starts in the first year
                code = _SEASONS[season.group("s").lower()]
                found.append(Found(season.start(), m.end(), f"{first}-{code}", "absolute"))
                taken.append((season.start(), m.end()))
                continue
            found.append(Found(m.start(), m.end(), f"{first}/{last}", "absolute"))
            taken.append((m.start(), m.end()))
    for value, s, e in _absolute(text, language):
        if free(s, e):
            season = _SEASON_OF_YEAR.match(text, s, e)
            if season and re.fullmatch(r"\d{4}", value):
                value = f"{value}-{_SEASONS[season.group('s').lower()]}"
            found.append(Found(s, e, value, "absolute"))
            taken.append((s, e))
    narrative = _is_narrative(found, anchor)
    # Relative and anaphoric expressions.
    candidates: list[tuple[int, int, str, re.Match[str]]] = []
    for kind, pattern in _RELATIVE[2:]:
        for m in pattern.finditer(text):
            candidates.append((m.start(), -(m.end() - m.start()), kind, m))
    for m in _MONTH_DAY.finditer(text):
        candidates.append((m.start(), -(m.end() - m.start()), "month-day", m))
    candidates.sort(key=lambda c: (c[0], c[1]))
    for start, neg, kind, m in candidates:
        end = start - neg
        if not free(start, end):
            continue
        if _foreign(m.group(0), language):
            continue
        if kind == "month-day" and m.group("dot") and language and language[:2] not in _DOT_ORDINAL_LANGUAGES:
            continue
        if kind in ("month", "month-range") and _foreign_month(m, language):
            continue
        reference = _narrative_anchor(kind, m, text, found, anchor, narrative)
        got = _resolve(kind, m, text, reference)
        if got is None:
            continue
        value, relative, approximate = got
        told = reference[0].year if reference is not anchor and reference is not None else None
        found.append(Found(start, end, value, kind, relative, approximate, text[start:end], told))
        taken.append((start, end))
    found.sort(key=lambda f: f.start)
    for f in [f for f in found if f.kind == "decade-short" and f.value]:
        _decades_listed_after(text, f, found, taken)
    found.sort(key=lambda f: f.start)
    found = _merge_weekdays(text, found)
    _anaphora(found, anchor)
    return [f for f in found if f.value]


# Decades listed after one ("the twenties, thirties and fifties", "the late sixties and early
# seventies"): each one of the same century as the one before it.
_DECADE_NEXT = re.compile(
    rf"(?:,\s*|\s+(?:and|or|to)\s+|\s*[-–]\s*)(?P<x>(?:(?:early|late|mid-)\s*)?['’‘]?(?P<dw>{_DW}))\b", re.I
)


def _decades_listed_after(text: str, first: Found, found: list[Found], taken: list[tuple[int, int]]) -> None:
    previous = first
    while (m := _DECADE_NEXT.match(text, previous.end)) is not None:
        start, end = m.span("x")
        if any(s < end and start < e for s, e in taken):
            return
        value = f"{previous.value[:2]}{_DECADE_WORDS[m.group('dw').lower()]}X"
        previous = Found(start, end, value, "decade-short", True, False, text[start:end], first.narrated_year)
        found.append(previous)
        taken.append((start, end))


# Days, months and seasons named without a year that a narrative places in the year it last named
# ("The Diet opened on July 22, 1848. Prior to this, on May 15, …"; "Thus in 1848 … during the
# months of February and March"): HeidelTime's reference time for narratives.
_NARRATIVE_KINDS = frozenset({"month-day", "ord-of-month", "month", "month-range", "season"})
_DEICTIC = re.compile(r"(?:this|last|next|present|current|coming)\b", re.I)
_YEAR_VALUE = re.compile(r"(\d{4})(?:-\d{2}){0,2}$")
_SENTENCE_END = re.compile(r"[.!?][”’\"')\]]*\s+(?=[“‘\"'(\[]?[A-ZÀ-Þ])")


def _is_narrative(found: list[Found], anchor: tuple[date, int] | None) -> bool:
    """Whether the text tells of one period of another time than its own: most of the years it
    names lie within a few years of each other, far from its anchor (a history written in 1983 of
    1933-36). Its days and months without a year are then in the year it last named, however far
    back (HeidelTime's narrative documents; news, and essays that range over many periods, keep
    their own date as the reference)."""
    if anchor is None:
        return False
    years = sorted(int(f.value[:4]) for f in found if not f.relative and _YEAR_VALUE.match(f.value))
    if len(years) < 5:
        return False
    median = years[len(years) // 2]
    period = sum(1 for y in years if abs(y - median) <= 3)
    return abs(median - anchor[0].year) >= 5 and period >= 0.6 * len(years)


def _narrative_anchor(
    kind: str,
    m: re.Match[str],
    text: str,
    found: list[Found],
    anchor: tuple[date, int] | None,
    narrative: bool = False,
) -> tuple[date, int] | None:
    """The anchor for an expression without a year: the year of the last date the text named
    before it, when that is not the anchor's year and nothing in the expression points at the
    writer's own time ("this March", "last spring"); else the document's
    anchor. Within the same or the previous sentence of its paragraph in any text; anywhere before
    it in a narrative (`_is_narrative`). The year alone is known (precision 1): the day is in it."""
    if kind not in _NARRATIVE_KINDS or anchor is None:
        return anchor
    if _DEICTIC.match(m.group(0)):
        return anchor
    start = m.start()
    named = None
    for f in found:
        if f.start >= start:
            continue
        if not f.relative and (year := _YEAR_VALUE.match(f.value)) and (named is None or f.start > named[0]):
            named = (f.start, f.end, int(year.group(1)))
    if named is None or named[2] == anchor[0].year:
        return anchor
    between = text[named[1] : start]
    if not narrative and ("\n\n" in between or len(_SENTENCE_END.findall(between)) > 1):
        return anchor  # the year of another paragraph, or of a sentence before the last one
    return date(named[2], 12, 31), 1


def _absolute(text: str, language: str | None = None) -> list[tuple[str, int, int]]:
    out = []
    for piece_start, piece in _paragraphs(text):
        for value, s, e in find_all_dates(piece):
            if re.search(r"\bthe\s+$", piece[max(0, s - 4) : s]) and re.match(r"\d{4}'?s", piece[s : e + 2]):
                continue  # "the 1850s": a decade, read below
            out.append((value, piece_start + s, piece_start + e))
    for m in re.finditer(r"(?<=\?[-–])(1[0-9]{3})(?!\d)", text):  # life dates "(?-1895)"
        out.append((m.group(1), m.start(), m.end()))
    for m in re.finditer(
        r"(?<![\d.])(?P<a>[0-3]?\d)\.(?P<b>[0-3]?\d)\.(?P<y>1[5-9]\d\d|20\d\d)(?![\d.]\d)", text
    ):
        a, b = int(m.group("a")), int(m.group("b"))
        if 1 <= a <= 12 < b <= 31:  # 8.20.2010: month first
            month, day = a, b
        elif 1 <= b <= 12 < a <= 31:  # 19.1.2007: day first
            month, day = b, a
        elif 1 <= a <= 12 and 1 <= b <= 12:  # either: English pages write the month first, others the day
            month, day = (a, b) if (language or "en")[:2] == "en" else (b, a)
        else:
            continue
        try:
            out.append((date(int(m.group("y")), month, day).isoformat(), m.start(), m.end()))
        except ValueError:
            continue
    feasts = []
    for m in _FEAST.finditer(text):
        when = _feast_day(m.group("f"), int(m.group("y")))
        if when is not None:
            feasts.append((when.isoformat(), m.start(), m.end()))
    # "Easter 1852" is a day, not the year it names
    out = [d for d in out if not any(s < d[2] and d[1] < e for _, s, e in feasts)]
    return out + feasts


_FEASTS: dict[str, int | tuple[int, int]] = {"easter": 0, "ostern": 0, "pâques": 0, "paques": 0, "good friday": -2, "karfreitag": -2,
           "whitsun": 49, "whitsunday": 49, "whit sunday": 49, "pentecost": 49, "pfingsten": 49, "pentecôte": 49,
           "christmas": (12, 25), "christmas day": (12, 25), "weihnachten": (12, 25), "noël": (12, 25),
           "new year's day": (1, 1), "neujahr": (1, 1)}  # fmt: skip
_FEAST = re.compile(
    r"\b(?P<f>" + "|".join(sorted((re.escape(f) for f in _FEASTS), key=len, reverse=True)) + r")"
    r"(?:\s+(?:of|de|von))?,?\s+(?P<y>1[5-9]\d\d|20\d\d)\b",
    re.I,
)


def _easter(year: int) -> date:
    """Easter Sunday of the Gregorian calendar (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _feast_day(name: str, year: int) -> date | None:
    """The day of a feast in a year: movable ones counted from Easter, fixed ones by the calendar."""
    rule = _FEASTS.get(name.casefold())
    if rule is None:
        return None
    if isinstance(rule, tuple):
        return date(year, *rule)
    return _easter(year) + timedelta(days=int(rule))


def _paragraphs(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for piece in text.split("\n\n"):
        out.append((pos, piece))
        pos += len(piece) + 2
    return out


def _resolve(
    kind: str, m: re.Match[str], text: str, anchor: tuple[date, int] | None
) -> tuple[str, bool, bool] | None:
    g = m.groupdict()
    a = anchor[0] if anchor else None
    precision = anchor[1] if anchor else 0
    if kind == "decade":
        y = g.get("y") or g.get("y2")
        return (f"{y}X", False, False) if y else None
    if kind == "century-part":
        c = (int(g["c"]) if g.get("c") else _ORD_WORDS[g["cw"].lower()]) - 1
        if not 0 <= c <= 20:
            return None
        part = g["p"].lower().split()
        if part[-1] == "quarter":
            return (f"{c:02d}00/{c:02d}24" if part[0] == "first" else f"{c:02d}75/{c:02d}99"), False, False
        if part[0] == "middle":
            return f"{c:02d}5X~", False, True
        last = part[0] in ("end", "close", "last")
        return f"{c:02d}{9 if last else 0}X", False, False
    if kind == "century-half":
        c = int(g["c"]) - 1
        first = g["h"].lower() == "first"
        return (f"{c:02d}00/{c:02d}49" if first else f"{c:02d}50/{c:02d}99", False, False)
    if kind == "century":
        if g.get("c") or g.get("cw"):
            number = int(g["c"]) if g.get("c") else _ORD_WORDS[g["cw"].lower()]
            return (f"{number - 1:02d}XX", False, False) if number <= 21 else None
        if g.get("r"):
            c1 = _ROMAN.get(g["r"].lower())
            c2 = _ROMAN.get((g.get("r2") or "").lower())
            if not c1:
                return None
            if c2:
                return f"{c1 - 1:02d}00/{c2 - 1:02d}99", False, False
            return f"{c1 - 1:02d}XX", False, False
        if a is None:
            return None
        step = _STEPS.get((g.get("rel") or "").lower(), 0)
        return f"{a.year // 100 + step:02d}XX", True, False
    if kind == "ord-of-month-year":
        month = MONTHS.get(g["m"].lower().rstrip("."))
        day = int(g["d"]) if g.get("d") else _ORD_WORDS[g["dw"].lower()]
        try:
            return (_day(date(int(g["y"]), month, day)), False, False) if month else None
        except ValueError:
            return None
    if kind in ("later", "anaphoric", "that-year"):
        return "", True, False  # resolved by _anaphora against the last day (year) named
    if a is None:
        return None
    if kind == "inst":
        day = int(g["d"]) if g.get("d") else _ORD_WORDS[g["dw"].lower()]
        shift = {"ult": -1, "ultimo": -1, "prox": 1, "proximo": 1}.get(g["which"].lower(), 0)
        base = _shift_months(a.replace(day=1), shift)
        try:
            return _day(base.replace(day=day)), True, False
        except ValueError:
            return None
    if kind == "of-this-month":
        day = int(g["d"]) if g.get("d") else _ORD_WORDS[g["dw"].lower()]
        shift = {"last": -1, "next": 1}.get(g["which"].lower(), 0)
        try:
            return _day(_shift_months(a.replace(day=1), shift).replace(day=day)), True, False
        except ValueError:
            return None
    if kind in ("ord-of-month", "month-day"):
        month_name = g.get("m") or g.get("mm")
        if not month_name or _NAMES_A_MOVEMENT.match(text, m.end()):
            return None  # "the July 26 Movement", "the 4th of May Movement": a name, not a date
        if month_name.lower() in _AMBIGUOUS_MONTHS and not month_name[0].isupper():
            return None
        month = MONTHS.get(month_name.lower().rstrip("."))
        day_text = g.get("d") or g.get("dd")
        day = int(day_text) if day_text else _ORD_WORDS.get((g.get("dw") or "").lower(), 0)
        if not month or not day or not 1 <= day <= 31:
            return None
        if precision == 1:  # only the year is known: the day is in it
            try:
                d: date | None = date(a.year, month, day)
            except ValueError:
                return None
        else:
            d = _nearest_past(month, day, a)
        if d is None:
            return None
        if g.get("d2") and int(g["d2"]) > day:
            try:
                return f"{_day(d)}/{_day(d.replace(day=int(g['d2'])))}", True, False
            except ValueError:
                pass
        return _day(d), True, False
    if kind == "decade-short":
        word = g.get("dw") or g.get("dw2")
        tens = _DECADE_WORDS[word.lower()] if word else int(g["dd"])
        start = a.year // 100 * 100 + tens * 10
        if start > a.year:
            start -= 100
        return f"{start // 10}X", True, False
    if kind == "year-short":
        if m.group(0)[0] in "‘'" and re.search(r"[’']", text[m.end() : m.end() + 60].split("\n", 1)[0]):
            return None  # an opening quotation mark before a number ("‘30 men’"), closed further on
        year = a.year // 100 * 100 + int(g["yy"])
        if year > a.year:
            year -= 100
        return str(year), True, False
    if kind == "ago":
        half = bool(g.get("half") or g.get("half2"))
        q = g.get("q")
        # "some days ago", "a few years ago" are left out: a count without a number is no date
        approx = bool(half or (q and re.fullmatch(_APPROXIMATING, q, re.I)))
        n = _number(g["n"])
        if g.get("x"):
            n *= 100 if g["x"].lower() == "hundred" else 1000
        unit = g["u"].lower()
        if unit == "fortnight":
            unit, n = "day", 14 * n
        elif unit == "decade":
            unit, n = "year", 10 * n
        elif unit.startswith("centur"):
            unit, n, approx = "year", 100 * n, True
        if unit == "year" and half:
            unit, n, half = "month", 12 * n + 6, False
            approx = True
        if unit == "day":
            return _day(a - timedelta(days=n)), True, approx
        if unit == "week":
            return _day(a - timedelta(days=7 * n + (3 if half else 0))), True, approx
        if unit == "month":
            if half:
                return _day(a - timedelta(days=round(30.44 * (n + 0.5)))) + "~", True, True
            return _month(_shift_months(a, -n)) + ("~" if approx else ""), True, approx
        year = a.year - n
        return (f"{year}~" if approx else str(year)), True, approx
    if kind == "later":
        return "", True, False  # resolved by _anaphora against the last day named
    if kind == "week":
        if re.match(r"the\s+(?:following|ensuing|next)", g["which"], re.I):
            return "", True, False  # the week after the last day named: _anaphora
        which = g["which"].lower().split()[-1]
        shift = _STEPS.get(which, 0)
        monday = a - timedelta(days=a.weekday()) + timedelta(weeks=shift)
        if precision < 3:
            return None
        return f"{_day(monday)}/{_day(monday + timedelta(days=6))}", True, False
    if kind == "month-year-rel":
        if g["u"].lower() == "year" and re.match(r"the\s+(?:previous|preceding|following)", g["which"], re.I):
            return "", True, False  # the year before/after the last year named: _anaphora
        which = g["which"].lower().split()[-1]
        shift = _STEPS.get(which, 0)
        if g["u"].lower() == "year":
            return str(a.year + shift), True, False
        if precision < 2:
            return None
        return _month(_shift_months(a.replace(day=1), shift)), True, False
    if kind == "weekday":
        word = m.group("w")
        if (
            not word[0].isupper()
            and word.lower() in WEEKDAYS
            and WEEKDAYS[word.lower()] < 7
            and word.lower() in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        ):
            return None
        if precision < 3:
            return None
        wd = WEEKDAYS[word.lower()]
        which = (g.get("after") or g.get("which") or "").lower().split()[-1:] or [""]
        if which[0] in ("", "on", "upon", "the"):
            return "", True, False  # a weekday of the story: near the last day named, else the anchor's
        if which[0] == "following" or (which[0] == "next" and "the" in (g.get("which") or "").lower()):
            return "", True, False  # from the last day named: _anaphora
        if which[0] == "next":
            delta = (wd - a.weekday()) % 7 or 7
            return _day(a + timedelta(days=delta)), True, False
        if which[0] == "this":
            return _day(a - timedelta(days=a.weekday()) + timedelta(days=wd)), True, False
        delta = (a.weekday() - wd) % 7  # the anchor's own day, or the last such day before it
        if which[0] == "last" and not delta:
            delta = 7
        return _day(a - timedelta(days=delta)), True, False
    if kind == "day-word":
        w = re.sub(r"\s+", " ", g["w"].lower())
        if precision < 3:
            return "", True, False  # from the last day named (a diary's entry), if any: _anaphora
        if w == "morgen":
            return None
        return _day(a + timedelta(days=_DAY_OFFSETS.get(w, 0))), True, False
    if kind == "anaphoric":
        return "", True, False  # resolved by _anaphora
    if kind == "season":
        which = (g.get("which") or "").lower()
        season = _SEASONS[g["s"].lower()]
        before = text[max(0, m.start() - 12) : m.start()].lower()
        if not which and not re.search(
            r"\b(?:in|during|since|until|by|through|till|this|next|last|before|after|cet|ce|depuis|"
            r"im|seit|bis|vor|nach|diesen|letzten|nächsten)\s*$",
            before,
        ):
            return None
        if g["s"].lower() == "fall" and (
            which in ("", "the") or re.match(r"\s+of\b", text[m.end() : m.end() + 4])
        ):
            return None
        months = {21: 4, 22: 7, 23: 10, 24: 1}[season]
        if g.get("yr"):
            return f"{a.year + {'last': -1, 'next': 1}.get(g['yr'].lower(), 0)}-{season}", True, False
        if which == "last":
            year = a.year - 1 if season != 24 and months >= a.month else a.year
            if season == 24:
                year = a.year - 1 if a.month >= 3 else a.year - 2
            return f"{year}-{season}", True, False
        if which == "next":
            year = a.year + 1 if months <= a.month else a.year
            return f"{year}-{season}", True, False
        if season == 24:
            year = a.year - 1 if a.month <= 6 else a.year
        else:
            year = a.year - 1 if months > a.month + 5 else a.year
        return f"{year}-{season}", True, False
    if kind == "month-range":
        m1 = MONTHS.get(g["m"].lower().rstrip("."))
        m2 = MONTHS.get(g["m2"].lower().rstrip("."))
        if not m1 or not m2 or not g["m"][0].isupper() or m2 <= m1:
            return None
        year = a.year if date(a.year, m1, 1) <= a + _AHEAD else a.year - 1
        return f"{year}-{m1:02d}/{year}-{m2:02d}", True, False
    if kind == "month":
        name = g["m"]
        which = (g.get("which") or "").lower()
        if not name[0].isupper() or len(name) < 3 or name.endswith("."):
            return None
        if name.lower() in _AMBIGUOUS_MONTHS and not which:
            return None
        if name.lower() in ("may", "march") and which not in _MAY_CUES and not which.startswith("the"):
            return None  # "May" and "March" are words too: only after a preposition
        month = MONTHS.get(name.lower())
        if not month or month > 12:
            return None
        if re.match(r"\s*(?:Revolution|revolution|Movement|Days|days|Manifesto|insurrection|Insurrection|uprising|Uprising|"
                    r"events|Theses|theses|Strike|strike|coup|Coup|régime|regime|Decree|decree|Conference)\b",
                    text[m.end() : m.end() + 14]):  # fmt: skip
            return None  # "the October Revolution", "the April Theses": names of events, not dates
        if which == "last":
            year = a.year - 1 if month >= a.month else a.year
        elif which == "next":
            year = a.year + 1 if month <= a.month else a.year
        else:
            year = a.year if date(a.year, month, 1) <= a + _AHEAD else a.year - 1
        return f"{year}-{month:02d}", True, False
    return None


_NAMES_A_MOVEMENT = re.compile(r"(?:st|nd|rd|th)?\s+Movement\b")


def _merge_weekdays(text: str, found: list[Found]) -> list[Found]:
    """ "Friday, Sept. 23, 1853", "Sunday evening, April 29": one expression, the date's value."""
    out: list[Found] = []
    for f in found:
        prev = out[-1] if out else None
        if (prev is not None and prev.kind == "weekday" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", f.value or "")
                and re.fullmatch(r"[\s,]*", text[prev.end : f.start])):  # fmt: skip
            out[-1] = Found(
                prev.start, f.end, f.value, f.kind, f.relative, f.approximate, text[prev.start : f.end]
            )
            continue
        out.append(f)
    return out


_MAY_CUES = {
    "in",
    "of",
    "early",
    "late",
    "since",
    "until",
    "till",
    "and",
    "or",
    "to",
    "for",
    "through",
    "between",
    "after",
    "before",
    "during",
    "from",
    "by",
    "mid-",
    "this",
    "last",
    "next",
}
_DAY_OFFSETS = {"yesterday": -1, "hier": -1, "gestern": -1, "the day before yesterday": -2, "tomorrow": 1,
                "to-morrow": 1, "demain": 1, "the day after tomorrow": 2, "last night": -1, "last evening": -1}  # fmt: skip


def _anaphora(found: list[Found], anchor: tuple[date, int] | None) -> None:
    """ "The next day", "three days later": from the last day the text named, else the anchor."""
    ref = anchor[0] if anchor and anchor[1] == 3 else None
    from_text = False
    last_year: int | None = None
    ref_at = year_at = -1
    for f in found:
        if f.value:
            if re.match(r"\d{4}", f.value) and not f.relative:
                last_year, year_at = int(f.value[:4]), f.start
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", f.value):
                ref, from_text, ref_at = date.fromisoformat(f.value), True, f.start
            continue
        if f.kind == "that-year":
            if last_year is not None:
                f.value = str(last_year)  # "In 1909 … That year": the last year named
            continue
        later_years = f.kind == "later" and re.match(rf"(?P<n>\d+|{_N})\s+years?\s", f.text.casefold() + " ")
        if later_years and last_year is not None and year_at > ref_at:
            # "In 1928 ... Two years later": from the last year named, when named after the last day
            f.value = str(last_year + _number(later_years.group("n")))
            continue
        if f.kind == "day-word" and (not from_text or f.start - ref_at > 1500):
            continue  # "today" with no day to stand on: left out
        if ref is None:
            continue
        words = f.text.casefold()
        if f.kind == "later":
            m = re.match(rf"(?P<n>\d+|{_N})\s+(?P<u>day|week|month|year)", words)
            if not m:
                continue
            n, unit = _number(m.group("n")), m.group("u")
            if unit == "day":
                f.value = _day(ref + timedelta(days=n))
            elif unit == "week":
                f.value = _day(ref + timedelta(days=7 * n))
            elif unit == "month":
                f.value = _day(_shift_months(ref, n))
            else:
                f.value = str(ref.year + n)
        elif f.kind == "day-word":
            f.value = _day(ref + timedelta(days=_DAY_OFFSETS.get(re.sub(r"\s+", " ", words), 0)))
            continue  # "today" in a diary is the entry's day; it moves nothing
        elif f.kind == "weekday":
            wd = next((v for k, v in WEEKDAYS.items() if k in words), None)
            if wd is None:
                continue
            if re.search(r"following|next", words):
                f.value = _day(ref + timedelta(days=(wd - ref.weekday()) % 7 or 7))
            elif from_text and (f.start - ref_at <= 1000 or not (anchor and anchor[1] == 3)):
                back = (ref.weekday() - wd) % 7  # the nearest such day to the last one named
                f.value = _day(ref - timedelta(days=back) if back <= 3 else ref + timedelta(days=7 - back))
            else:
                base = anchor[0] if anchor and anchor[1] == 3 else ref
                f.value = _day(base - timedelta(days=(base.weekday() - wd) % 7))  # the anchor's, or before it
        elif f.kind == "month-year-rel":
            if last_year is None:
                continue
            f.value = str(last_year + (1 if "following" in words else -1))
            last_year = int(f.value)
            continue
        elif f.kind == "week":
            monday = ref - timedelta(days=ref.weekday()) + timedelta(weeks=1)
            f.value = f"{_day(monday)}/{_day(monday + timedelta(days=6))}"
            continue
        else:
            shift = 0
            if re.search(r"next|following|after", words):
                shift = 1
            elif re.search(r"previous|preceding|before", words):
                shift = -1
            f.value = _day(ref + timedelta(days=shift))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", f.value):
            ref, from_text, ref_at = date.fromisoformat(f.value), True, f.start

"""Reading dates as archive pages write them, into ISO 8601 / EDTF values.

`parse_date` takes a header value, dateline or heading ("14 September 1939", "Sept. 14, 1939",
"September 17-18, 1879", "between 10 and 12 June 1885", "Winter 1956", "1925–1928",
"14-1-1919", "Junio 30, 1960", "9, 10,11 mai 1918") and returns the value at the precision the
text gives: "1939-09-14", "1939-09", "1939", or an interval "start/end".
"""

from __future__ import annotations

import re
from functools import lru_cache

from archivist.extract.lexicon import MONTHS, SEASONS


def name_alternative(names: list[str]) -> str:
    """Words as one regex alternative, longest first, grouped under their first letter: where a
    word may start the engine then tries only the words that begin with the letter there (of 121
    month names, a few instead of all), in the order it would have tried them, so every match is
    the same. (No two first letters of the lexicon are one letter in two cases, nor match each
    other under re.I; a test checks it.)"""
    groups: dict[str, list[str]] = {}
    for name in sorted((re.escape(name) for name in names), key=len, reverse=True):
        groups.setdefault(name[0], []).append(name[1:])
    return "(?:" + "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items()) + ")"


# Every month and season name of the lexicon, as a regex alternative (longest first), for the other readers of
# dates written in words (datelines, source lines).
MONTH_NAME = name_alternative(list(MONTHS))
SEASON_NAME = name_alternative(list(SEASONS))

_MON = r"\b(?P<{n}>" + MONTH_NAME + r")\b\.?"
# "14(27)": a dual Old/New Style day; the New Style one, in brackets, is the value.
_DAY = (
    r"(?<![\d.])(?:[0-3]?\d\s?\((?=[0-3]?\d\)))?(?P<{n}>[0-3]?\d)\)?(?:st|nd|rd|th|er|e|º|°)?(?:\b|(?<=\)))"
)
_YEAR = r"(?P<{n}>1[0-9]{{3}}|20[0-2][0-9])"
_SEP = r"[\s,.]*(?:of\s+|de\s+|del\s+)?"
_DASH = r"\s*(?:-|–|—|to|through|till|until|and|au|et|a|al|bis|/)\s*"


def _p(template: str, **names: str) -> str:
    out = template
    for key, name in names.items():
        out = out.replace("{" + key + "}", name)
    return out


def _mon(n: str) -> str:
    return _MON.replace("{n}", n)


def _day(n: str) -> str:
    return _DAY.replace("{n}", n)


def _year(n: str) -> str:
    return _YEAR.replace("{n}", n).replace("{{", "{").replace("}}", "}")


# Ordered from most to least specific; the first that matches at the earliest position wins.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # 17-18 September 1879 / between 10 and 12 June 1885 / 9, 10,11 mai 1918
    ("dd-dd-m-y", re.compile(
        rf"(?:between\s+)?{_day('d1')}(?:\s*,\s*[0-3]?\d)*{_DASH}{_day('d2')}{_SEP}{_mon('m1')}{_SEP}{_year('y1')}", re.I)),
    # 9, 10,11 mai 1918 (a list of days: the span from the first to the last)
    ("dlist-m-y", re.compile(
        rf"{_day('d1')}(?:\s*,\s*[0-3]?\d)+\s*,\s*{_day('d2')}{_SEP}{_mon('m1')}{_SEP}{_year('y1')}", re.I)),
    # September 17-18, 1879
    ("m-dd-dd-y", re.compile(rf"{_mon('m1')}\s+{_day('d1')}{_DASH}{_day('d2')}{_SEP}{_year('y1')}", re.I)),
    ("m-d-y-m-d-y", re.compile(
        rf"{_mon('m1')}\s+{_day('d1')}{_SEP}{_year('y1')}{_DASH}{_mon('m2')}\s+{_day('d2')}{_SEP}{_year('y2')}", re.I)),
    ("m-d-m-d-y", re.compile(rf"{_mon('m1')}\s+{_day('d1')}{_DASH}{_mon('m2')}\s+{_day('d2')}{_SEP}{_year('y1')}", re.I)),
    ("d-m-d-m-y", re.compile(rf"{_day('d1')}\s+{_mon('m1')}{_DASH}{_day('d2')}\s+{_mon('m2')}{_SEP}{_year('y1')}", re.I)),
    ("m-y-m-y", re.compile(rf"{_mon('m1')}{_SEP}{_year('y1')}{_DASH}{_mon('m2')}{_SEP}{_year('y2')}", re.I)),
    ("m-m-y", re.compile(rf"{_mon('m1')}{_DASH}{_mon('m2')}{_SEP}{_year('y1')}", re.I)),
    # 14 September 1939 / 14th September, 1939 / 1 Juli 1921
    ("d-m-y", re.compile(rf"{_day('d1')}{_SEP}{_mon('m1')}{_SEP}{_year('y1')}", re.I)),
    # Sept. 14, 1939 / August 2 or earlier, 1909 / Junio 30, 1960
    ("m-d-y", re.compile(rf"{_mon('m1')}\s*{_day('d1')}(?:\s+or\s+(?:earlier|later|before|after))?{_SEP}{_year('y1')}", re.I)),
    # 1939-09-14: ISO 8601, the form the values are written in (no archive page of the corpora uses it in
    # prose, but it is the standard, not a page's convention)
    ("iso", re.compile(r"(?P<y1>1[0-9]{3}|20[0-2][0-9])-(?P<m1>[01]\d)-(?P<d1>[0-3]\d)")),
    # 14-1-1919, 14/1 1919, 14.1.1919 (day first: the European archives' habit)
    ("num", re.compile(r"(?<![\d.])(?P<d1>[0-3]?\d)[-/.](?P<m1>[01]?\d)[-/. ]\s?(?P<y1>1[0-9]{3}|20[0-2][0-9])(?!\d)")),
    ("season-y", re.compile(
        r"(?P<s1>" + SEASON_NAME + r")\s*(?:of\s+|de\s+)?(?P<y1>1[0-9]{3}|20[0-2][0-9])", re.I)),
    ("m-y", re.compile(rf"{_mon('m1')}{_SEP}{_year('y1')}", re.I)),
    ("y-y", re.compile(r"(?<!\d)(?P<y1>1[0-9]{3})\s*(?:-|–|—|/|to)\s*(?P<y2>1[0-9]{3}|[0-9]{2})(?!\d)")),
    ("y", re.compile(r"(?<![\d/.-])(?P<y1>1[0-9]{3}|20[0-2][0-9])(?![\d])")),
]  # fmt: skip


def _month(text: str | None) -> int | None:
    return MONTHS.get(text.lower().rstrip(".")) if text else None


def _iso(year: str, month: int | None = None, day: str | int | None = None) -> str | None:
    if month is None:
        return year
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year}-{month:02d}"
    day_number = int(day)
    if not 1 <= day_number <= 31:
        return None
    return f"{year}-{month:02d}-{day_number:02d}"


def _value(kind: str, g: dict[str, str | None]) -> str | None:
    y1 = g.get("y1") or ""
    m1 = _month(g.get("m1")) if kind != "num" and kind != "iso" else int(g["m1"] or 0)
    if kind in ("dd-dd-m-y", "m-dd-dd-y", "dlist-m-y", "m-dlist-y"):
        a, b = _iso(y1, m1, g["d1"]), _iso(y1, m1, g["d2"])
        return f"{a}/{b}" if a and b and a < b else a
    if kind in ("d-m-y-d-m-y", "m-d-y-m-d-y"):
        a, b = _iso(y1, m1, g["d1"]), _iso(g["y2"] or y1, _month(g["m2"]), g["d2"])
        return f"{a}/{b}" if a and b and a < b else a
    if kind in ("m-d-m-d-y", "d-m-d-m-y"):
        a, b = _iso(y1, m1, g["d1"]), _iso(y1, _month(g["m2"]), g["d2"])
        return f"{a}/{b}" if a and b and a < b else a
    if kind == "m-y-m-y":
        a, b = _iso(y1, m1), _iso(g["y2"] or y1, _month(g["m2"]))
        return f"{a}/{b}" if a and b and a < b else a
    if kind == "m-m-y":
        a, b = _iso(y1, m1), _iso(y1, _month(g["m2"]))
        return f"{a}/{b}" if a and b and a < b else a
    if kind in ("d-m-y", "m-d-y", "iso", "num"):
        return _iso(y1, m1, g["d1"])
    if kind == "season-y":
        return y1  # a season is recorded at year precision, as the archives' editors do
    if kind == "m-y":
        return _iso(y1, m1)
    if kind == "y-y":
        y2 = g["y2"] or ""
        if len(y2) == 2:
            y2 = y1[:2] + y2
        return f"{y1}/{y2}" if y2 > y1 else y1
    return y1 or None


_ANY_YEAR = re.compile(r"(?<!\d)1[0-9]{3}|20[0-2][0-9]")
# Most of the patterns need a month's name: a text without one is tried on the others only.
_ANY_MONTH = re.compile(rf"\b{MONTH_NAME}\b", re.I)


def lowercase_twin(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """A re.I pattern as a lowercase pattern without re.I, for ASCII text lowercased first: the
    same matches at the same places (lowercasing ASCII keeps every length and every word
    boundary), found several times faster, because without re.I the engine skips each
    alternative of a month name by its first letter. Not for a pattern with an escape whose
    lowercase means something else (\\S, \\W …); a test checks the lexicon's non-ASCII letters have
    no ASCII partner under re.I (as the Kelvin sign has "k"). Compiled with re.ASCII: on ASCII text
    `\\b`, `\\w`, `\\d` and `\\s` mean the same, tested on a byte table instead of Unicode's."""
    source = pattern.pattern
    assert pattern.flags & re.I and not re.search(r"\\[A-Z]", source), source
    flags = (pattern.flags & ~(re.I | re.U)) | re.ASCII
    return re.compile(source.lower().replace("(?p<", "(?P<").replace("(?p=", "(?P="), flags)


# (kind, pattern, its lowercase twin or None when the pattern is not re.I: for ASCII text)
_TWINS = [
    (kind, pattern, lowercase_twin(pattern) if pattern.flags & re.I else None) for kind, pattern in _PATTERNS
]
_ANY_MONTH_LOWER = lowercase_twin(_ANY_MONTH)
_WITHOUT_MONTH = [twin for twin in _TWINS if MONTH_NAME not in twin[1].pattern]
# A month's name is a whole word (letters between word boundaries), so a text holds as many as
# `_ANY_MONTH` finds: with one, the patterns that need two are not tried.
_ONE_MONTH = [twin for twin in _TWINS if twin[1].pattern.count(MONTH_NAME) < 2]


# A page asks about the same strings several times (its header lines from the layout, the source and
# the dates readers): about half of its 15 calls. The answer depends on the string alone.
@lru_cache(maxsize=512)
def find_date(text: str) -> tuple[str, int, int] | None:
    """The first date expression in `text` as (value, start, end), most specific reading first."""
    if not _ANY_YEAR.search(text):
        return None  # every pattern needs a year
    # ASCII text (most) is read lowercased by the patterns' lowercase twins; a value never depends
    # on a letter's case (month names are looked up lowercased).
    ascii_lower = text.lower() if text.isascii() else None
    if ascii_lower is not None:
        months = len(_ANY_MONTH_LOWER.findall(ascii_lower))
    else:
        months = len(_ANY_MONTH.findall(text))
    best: tuple[int, int, str] | None = None  # (start, -length, value)
    for kind, pattern, twin in _WITHOUT_MONTH if not months else _ONE_MONTH if months == 1 else _TWINS:
        matches = twin.finditer(ascii_lower) if twin and ascii_lower is not None else pattern.finditer(text)
        for match in matches:
            value = _value(kind, match.groupdict())
            if not value:
                continue
            candidate = (match.start(), -(match.end() - match.start()), value)
            if best is None or candidate[:2] < best[:2]:
                best = candidate
            break
    if best is None:
        return None
    return best[2], best[0], best[0] - best[1]


def parse_date(text: str | None) -> str | None:
    """The value of the first date in `text`, or None."""
    if not text:
        return None
    found = find_date(text)
    return found[0] if found else None


def find_all_dates(text: str) -> list[tuple[str, int, int]]:
    """Every non-overlapping date expression, left to right."""
    out: list[tuple[str, int, int]] = []
    pos = 0
    while pos < len(text):
        found = find_date(text[pos:])
        if not found:
            break
        value, start, end = found
        out.append((value, pos + start, pos + end))
        pos += max(end, start + 1)
    return out


def precision(value: str | None) -> int:
    """How specific a value is: 0 none, 1 year, 2 month, 3 day (an interval counts its start)."""
    if not value:
        return 0
    head = value.split("/")[0]
    return {4: 1, 7: 2, 10: 3}.get(len(head), 1)


def covers(broad: str | None, narrow: str | None) -> bool:
    """Whether `narrow` lies within `broad` (e.g. 1939-09 covers 1939-09-14)."""
    if not broad or not narrow:
        return False
    return narrow.split("/")[0].startswith(broad.split("/")[0])


_MONTH_DAY = re.compile(
    rf"\b(?P<m>{MONTH_NAME})\.?\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b(?!\s*,?\s*\d{{4}})"
    rf"|\b(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?\s+(?P<m2>{MONTH_NAME})\b(?!\.?\s*,?\s*\d{{4}})",
    re.I,
)


def month_days(text: str) -> list[tuple[int, int, int, int]]:
    """(month, day, start, end) of every day written without its year ("March 18", "18th March")."""
    out = []
    for match in _MONTH_DAY.finditer(text):
        month = MONTHS.get((match.group("m") or match.group("m2")).lower())
        day = int(match.group("d") or match.group("d2"))
        if month and 1 <= day <= 31:
            out.append((month, day, match.start(), match.end()))
    return out


def month_and_day(text: str) -> tuple[int, int, int] | None:
    """(month, day, start) of the first day written without its year ("March 18", "18th March")."""
    for match in _MONTH_DAY.finditer(text):
        month = MONTHS.get((match.group("m") or match.group("m2")).lower())
        day = int(match.group("d") or match.group("d2"))
        if month and 1 <= day <= 31:
            return month, day, match.start()
    return None

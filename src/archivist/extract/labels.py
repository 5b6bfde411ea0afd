"""The labelled header lines archives put above (or below) a text: "Written:", "Source:",
"First Published:", "Translated:", "Transcription/Markup:", "Copyleft:" … in several languages.

`LABELS` (from `archivist.extract.lexicon`) maps each canonical key to the spellings seen on archive pages; `parse_label_line`
splits one line into (key, label as written, value).
"""

from __future__ import annotations

import re
import unicodedata

from archivist.extract.lexicon import LABELS, SOURCE_CONTINUATIONS
from archivist.text import one_line

# The spellings per language live in `archivist.extract.lexicon`.

_INDEX: dict[str, str] = {}
for _key, _spellings in LABELS.items():
    for _spelling in _spellings:
        _INDEX.setdefault(_spelling.replace("-", " "), _key)  # "Mark-up" = "Markup" = "Mark up"

# Labels are typed by hand and now and then mistyped ("Tranducido al castellano", "Transciption"): a
# long label one letter off a known spelling (a letter added, dropped or changed) is that spelling.
# Short ones are not: "Dated" and "Rated" are different words. Each spelling with one letter deleted
# is indexed; a label matches when it, or it with one letter deleted, meets one of them.
_TYPO_MIN = 9
_ONE_OFF: dict[str, str] = {}
for _spelling, _key in _INDEX.items():
    if len(_spelling) >= _TYPO_MIN:
        for _i in range(len(_spelling) + 1):
            _ONE_OFF.setdefault(_spelling[:_i] + _spelling[_i + 1 :], _key)

_LINE = re.compile(
    r"^\s*\[?(?P<label>[^\W\d][\w’'()/\\&. -]{0,40}?)\]?\s*(?::|：|\s:)\s*(?P<value>.*)$", re.DOTALL
)
# What `_LINE` allows before its colon, stripped: a bracket, a label of up to 41 characters, a bracket.
# No label character is a colon, so its colon is the line's first.
_LABEL_MOST = 43

# The patterns of the functions below, compiled once (each is called for many lines of a page).
_SPACES = re.compile(r"\s+")
_PREPOSITION_AT_END = re.compile(r"\s+(?:in|by|on|at|for|from|as)$")
_DUTIES_SPLIT = re.compile(r"\s*(?:&|/|\band\b)\s*")  # "Transcription & HTML Mark-up"
_TRAILING_SEPARATOR = re.compile(r"[.;,]\s*$")


def _norm_label(label: str) -> str:
    label = unicodedata.normalize("NFC", label).strip().lower().replace("’", "'").replace("\\", "/")
    return _SPACES.sub(" ", label.strip(" .*_").replace("-", " "))


def label_key(label: str) -> str | None:
    norm = _norm_label(label)
    key = _INDEX.get(norm)
    if key is None:
        # "First published in", "Translated by", "Transcribed for": the label without its preposition
        key = _INDEX.get(_PREPOSITION_AT_END.sub("", norm))
    if key is None and len(duties := _DUTIES_SPLIT.split(norm)) > 1:
        # "Transcription & HTML Mark-up", "Translation/Transcription": the first duty named
        key = _INDEX.get(duties[0].strip())
    if key is None and len(norm) >= _TYPO_MIN:
        key = _ONE_OFF.get(norm) or next(
            (k for i in range(len(norm)) if (k := _ONE_OFF.get(norm[:i] + norm[i + 1 :]))), None
        )
    return key


def may_hold_label(text: str) -> bool:
    """False when no line of `text` can be a label line: a label ends in its colon. Passes that
    test every line of a block ask this of the block first: most blocks have no colon at all."""
    return ":" in text or "：" in text


def _first_colon(line: str) -> int:
    """Where the first colon (or full-width colon) of `line` is; its length if it has none."""
    colon = line.find(":")
    wide = line.find("：")
    if colon < 0:
        return len(line) if wide < 0 else wide
    return colon if wide < 0 else min(colon, wide)


def parse_label_line(line: str) -> tuple[str, str, str] | None:
    """("written", "Written", "14 September 1939.") for "Written: 14 September 1939."; else None."""
    if not may_hold_label(line):
        return None  # most lines: no label without its colon (cheaper than the pattern's search for one)
    # "**Source:***Title,*": Markdown emphasis left around a label when bold and italic touch.
    line = line.lstrip("*_")
    if len(line[: _first_colon(line)].strip()) > _LABEL_MOST:
        return None  # a colon further in: a sentence, not a label (most lines with one)
    match = _LINE.match(line)
    if not match:
        return None
    label = match.group("label")
    key = label_key(label)
    if key is None:
        return None
    return key, label.strip(), match.group("value").strip().strip("*_").strip()


def other_duties(label: str) -> list[str]:
    """The keys after the first of a combined label: "Written/First Published" -> ["first_published"]."""
    parts = _DUTIES_SPLIT.split(_norm_label(label))
    keys = [_INDEX.get(p.strip()) for p in parts[1:]]
    return [k for k in keys if k]


def is_label_line(line: str) -> bool:
    return parse_label_line(line) is not None


def clean_value(value: str | None) -> str | None:
    """A header value as a field: trailing separators gone, empty means absent."""
    if value is None:
        return None
    value = one_line(value).strip(";").strip()
    value = _TRAILING_SEPARATOR.sub("", value)
    return value or None


# Unlabelled lines of an information block, as ETOL-style and older MIA pages write them.
_FREE_LINES: list[tuple[str, re.Pattern[str]]] = [
    ("source", re.compile(r"^(?:From|In)\s+(?P<value>[A-Z„“\"'‘].+)$")),
    ("source", re.compile(r"^(?P<value>(?:Translation |Text )?(?:first )?appeared in .+)$", re.I)),
    # "The following interview first appeared in Solidarity Vol. 6 no. 2 …"
    ("source", re.compile(r"^(?:The|This)\s[^.]{0,60}?\bfirst appeared in\s+(?P<value>[A-Z].+)$")),
    # "First published, in Russian, in the book …": the language may come between.
    ("first_published", re.compile(r"^(?:Originally|First)\s+published[,\s]+(?:in\s+(?:English|Russian|German|French|Italian|Spanish|Polish|Yiddish|Chinese|"
                                   r"Japanese|Dutch|Swedish|Portuguese|Hungarian|Czech|Bulgarian|the original)[,\s]+)?"
                                   r"(?:in\s+|by\s+)?(?P<value>(?:as\s+)?.+)$", re.I)),
    ("translated", re.compile(r"^(?:Translated|Translation)\b[^.]*?\bby\s+(?P<value>[A-Z](?:[^.;]|(?<=\b[A-Z])\.)+)", re.I)),
    ("transcribed", re.compile(
        r"^(?:Transcribed|Transcription|Marked[- ]up|Mark-?up|HTML|Digiti[sz]ed|Scanned)\b[^.]*?\bby\s+(?P<value>[A-Z][^.;]+)",
        re.I)),
    ("delivered", re.compile(r"^(?:This|The) (?:speech|address|lecture|talk) was (?:delivered|given|made)\b(?P<value>.+)$", re.I)),
    ("delivered", re.compile(r"^(?:Speech|Address|Lecture|Talk|Report)\s+(?:delivered|given|made|read)\b(?P<value>.+)$", re.I)),
    ("copied", re.compile(r"^(?P<value>Copied from .+)$", re.I)),
    # "Downloaded with thanks from the Europe Solidaire Sans Frontières Website."
    # The statement keeps its words, as "Copied from …" does.
    ("downloaded", re.compile(r"^(?P<value>(?:Downloaded|Retrieved)\s+(?:with thanks\s+)?from\s+(?:the\s+)?[A-Z].+)$", re.I)),
    # "Digitalized by kurasje.org; transcribed …": a web site that digitised the text is its source.
    ("source", re.compile(r"^Digit(?:al)?i[sz]ed\s+by\s+(?P<value>(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6})\b", re.I)),
    ("also_published", re.compile(r"^Also (?:published|printed|appeared) (?:in|as) (?P<value>.+)$", re.I)),
    ("edition", re.compile(r"^(?:Published|Printed)\s+(?:in English\s+|for the first time\s+|incomplete\s+|in full\s+)*"
                           r"in\s+(?P<value>(?:the\s+)?[A-Z].*(?:Works|Werke|Œuvres|Collected|Selected).*)$")),
    # "Published in the magazine Il Libero Pensiero, No. 9, August 31, 1871 and in …": a publication and its date.
    # The statement keeps its words, as the page gives it.
    ("first_published", re.compile(r"^(?P<value>Published\s+in\s+(?!English\b)(?:the\s+(?:magazine|newspaper|journal|review)\s+)?"
                                   r"[A-Z](?=.{2,120}?\b1[5-9]\d\d\b).+)$")),
]  # fmt: skip


def interpret_free_line(line: str) -> tuple[str, str, str] | None:
    """(key, origin label, value) for an unlabelled information line such as
    "From Labor Action, Vol. 10 No. 43, 28 October 1946, p. 2." or "Transcribed by Ted Crawford."."""
    line = line.strip()
    for key, pattern in _FREE_LINES:
        match = pattern.match(line)
        if match:
            return key, f"free:{key}", match.group("value").strip()
    return None


# "Reprinted in …", "Originally published in …" (`lexicon.SOURCE_CONTINUATIONS`): a line or sentence that
# goes on with the source statement before it.
_CONTINUATION_WORDS = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in SOURCE_CONTINUATIONS)
SOURCE_CONTINUATION = re.compile(rf"^(?:{_CONTINUATION_WORDS})\s+\S", re.I)


def continues_source(line: str) -> str | None:
    """The convention a line follows when it goes on with the source statement before it, else None."""
    return "source-continuation" if SOURCE_CONTINUATION.match(line.strip()) else None


_CONTINUED = re.compile(rf"[.;]?\s+(?=(?:{_CONTINUATION_WORDS})\s)", re.I)


def before_continuation(text: str) -> str:
    """The source statement without the reprint or original publication that goes on after it."""
    match = _CONTINUED.search(text)
    return text[: match.start()] if match and match.start() > 0 else text

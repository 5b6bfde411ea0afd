"""Datelines: a line that is only a place and a date ("Coyoacan, D.F., Sept. 14, 1939"), read into
(place, date). The anatomy's opening and closing, the header zone and the notes zone all ask it."""

from __future__ import annotations

import re

from archivist.extract.dates import find_date, precision
from archivist.extract.names import looks_like_periodical, looks_like_place
from archivist.text import one_line

# A street address: after a dateline ("London, 23 April 1892 122 Regent's Park Road, N.W."), under a
# signature or above a salutation ("3 Charteris Road, Woodford Green, Essex.").
STREET_ADDRESS = re.compile(
    r"^\d{1,4}[a-z]?,?\s+[A-ZÀ-Þ][\w'’ .-]{1,40}\b(?:Road|Street|St|Square|Sq|Place|Terrace|Gardens|Avenue|Lane|Row|"
    r"Hill|Crescent|Strasse|Straße|Str|rue|Rue|Platz|Gasse)\b[\w'’ ,.()-]{0,60}$"
)
NOT_PLACES = re.compile(
    r"\b(?:discussions?|speech|letter|interview|report|meeting|session|written|published|notes?|issue|edition|"
    r"volume|chapter|part|section|article|draft|copy|postscript|dear|comrades?)\b",
    re.I,
)
_WEEKDAYS = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|lundi|mardi|mercredi|jeudi|vendredi|samedi|"
    r"dimanche|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)\b,?",
    re.I,
)


# An editor's estimate before a date: "[Manchester, about 1 August 1851]", "[London, not later than July 12, 1858]".
_EDITORS_QUALIFIER = re.compile(
    r"\b(?:about|approximately|circa|c\.|not\s+(?:later|earlier)\s+than|not\s+(?:before|after)|"
    r"(?:the\s+)?(?:beginning|end|middle)\s+of|early|late|mid-?)\s*(?=$)",
    re.I,
)

_LONGEST = 110  # characters of a dateline, at most


# What `parse_dateline` trims around the date, compiled once (it runs on every candidate line).
_AFTER_EDGES = re.compile(r"^[\s.,;:)\]]+|[\s.,;:)\]]+$")
_BEFORE_WORDS = re.compile(r"\b(?:between|on|the|le|den|am|el|dated?|written)\b", re.I)
_PLACE_EDGES = re.compile(r"^[\s,.;:]+|[\s,;:(]+$")


def parse_dateline(text: str) -> tuple[str | None, str] | None:
    """(place or None, date) when the whole of `text` is a dateline, e.g. "Coyoacan, D.F., Sept. 14, 1939"."""
    if len(text) > 4 * _LONGEST and len(one_line(text[: 4 * _LONGEST])) > _LONGEST:
        return None  # a paragraph: its start flattened is the start of it flattened, already too long
    flat = one_line(text)
    if not flat or len(flat) > _LONGEST:
        return None
    inner = flat.strip("[]().* ").replace("[", "").replace("]", "")
    found = find_date(inner)
    if not found:
        return None
    value, start, end = found
    before, after = inner[:start], inner[end:]
    after_clean = _AFTER_EDGES.sub("", after)
    if after_clean and not STREET_ADDRESS.match(
        after_clean
    ):  # "London, 23 April 1892 122 Regent's Park Road, N.W."
        return None
    before = _WEEKDAYS.sub("", before)
    before = _BEFORE_WORDS.sub("", before)
    before = _EDITORS_QUALIFIER.sub("", before)
    place = _PLACE_EDGES.sub("", before).strip()
    if place.endswith(".") and not re.search(r"\b[A-Z]\.$", place):
        place = place[:-1].rstrip()
    if place:
        if len(place) > 60 or not re.match(r"^[A-ZÀ-ÞА-Я]", place):
            return None
        if (
            not looks_like_place(place, max_words=7)
            or NOT_PLACES.search(place)
            or looks_like_periodical(place)  # "(Die Presse, July 7, 1862)" names a newspaper
        ):
            return None
    elif precision(value) < 2:
        return None
    return (place or None), value

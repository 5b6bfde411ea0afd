"""Where the text was made: the text's own dateline, a heading's dateline or statement ("Speech
delivered … in Madison Square Garden, New York, …"), or the place in a "Written:"/"Delivered:" value."""

from __future__ import annotations

import re

from archivist.extract.dateline import parse_dateline
from archivist.extract.dates import find_date
from archivist.extract.lexicon import MONTHS, SEASONS
from archivist.extract.names import looks_like_periodical, looks_like_place
from archivist.extract.segment import Segment
from archivist.extract.when import STATEMENT

_MEETING_PLACE = re.compile(
    r"\b(?:discussions?|conversations?|interview|talks?|speech|address|lecture|meeting)\s+(?:held\s+)?in\s+"
    r"(?P<place>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2})(?=\s+(?:with|on|at|before|to)\b|[,.;]|$)",
    re.I,
)


def read_place(
    datelines: list[Segment], subtitles: list[str], labels: dict[str, tuple[str, str]]
) -> tuple[str, str] | None:
    """(place, origin): the last dateline that names a place, a heading's dateline, a heading's
    statement, a label's value."""
    place = next((d.place for d in reversed(datelines) if d.place), None)
    if place:
        return place, "dateline"
    if heading_place := next((dl[0] for h in subtitles if (dl := parse_dateline(h)) and dl[0]), None):
        return heading_place, "heading:dateline"
    if (statement_place := _statement_place(subtitles)) is not None:
        return statement_place, "heading:statement"
    return _label_place(labels)


def _label_place(labels: dict[str, tuple[str, str]]) -> tuple[str, str] | None:
    """Where, from a "Written:"/"Spoken:" value: "1925–1928, Vienna, Leningrad" or "at Conference at
    the City hall of Ponte da Barca, May 21st 1993"."""
    for key in ("written", "delivered"):
        if key not in labels:
            continue
        value = labels[key][0].strip().rstrip(";.")
        if place := _dateline_place(value):
            return place, f"{labels[key][1]}:dateline"
        found = find_date(value)
        if not found:
            continue
        after = re.match(r"^[\s,;.]+(?:in\s+)?(?P<p>[A-ZÀ-Þ][^\d;()]{2,60})$", value[found[2] :])
        if after and looks_like_place(after.group("p")):
            return after.group("p").strip(" ,."), labels[key][1]
        before = re.search(r"\b(?:at|in|of)\s+(?P<p>[A-ZÀ-Þ][\w'’.-]*(?:\s+(?:[A-ZÀ-Þ][\w'’.-]*|de|da|del|di|la|le|am))*"
                           r"(?:,\s*[A-ZÀ-Þ][\w'’. -]*)*)[\s,]*$",
                           value[: found[1]])  # fmt: skip
        if before and looks_like_place(before.group("p")):
            return before.group("p").strip(" ,."), labels[key][1]
        # "… September 5th, 1970, from the balcony of the building of the Federation … in Santiago."
        last = re.search(
            r"\bin\s+(?P<p>[A-ZÀ-Þ][\w'’.-]*(?:\s+[A-ZÀ-Þ][\w'’.-]*){0,2})\s*\.?$", value[found[2] :]
        )
        if last and looks_like_place(last.group("p")) and not looks_like_periodical(last.group("p")):
            return last.group("p").strip(" ,."), labels[key][1]
    return None


def _dateline_place(value: str) -> str | None:
    """The place of a label value written as a dateline, the place and a comma before the date:
    "Trier, February 10 [1842]", "Paris, in April, 1850" (not "March, May and September 1843")."""
    match = re.match(r"^\[?(?P<p>[A-ZÀ-Þ][^\d\[\],;]{1,40}?)\]?,\s*(?:in\s+|about\s+)?(?=[\w\[])", value)
    if not match or match.group("p").split()[0].lower().rstrip(".") in MONTHS | SEASONS.keys():
        return None
    dateline = parse_dateline(value[: match.start("p")] + match.group("p") + ", " + value[match.end() :])
    return match.group("p").strip() if dateline and dateline[0] else None


def _statement_place(subtitles: list[str]) -> str | None:
    for subtitle in subtitles:
        if not STATEMENT.search(subtitle) and not _MEETING_PLACE.search(subtitle):
            continue
        found = find_date(subtitle)
        if not found:
            # "Three Discussions in Mexico City with James P. Cannon …": no date, the place still stated.
            match = _MEETING_PLACE.search(subtitle)
            if match and looks_like_place(match.group("place")):
                return match.group("place")
            continue
        match = re.search(r"\b(?:in|at)\s+(?P<place>[A-Z][\w'’ .-]*(?:,\s*[A-Z][\w'’ .-]*){0,3})[,\s]*$",
                          subtitle[: found[1]])  # fmt: skip
        if match:
            return match.group("place").strip(" ,")
    return None

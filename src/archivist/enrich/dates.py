"""Dates: every temporal expression of every part, normalised to ISO 8601 / EDTF; relative ones
("September 14th", "the 13th inst.", "last Tuesday", "a month and a half ago", "in the spring")
anchored to the best date of their part — its dateline, then the date written, then published, and
for a document that gives none, the first date its body names, else the year the archive files it
under."""

from __future__ import annotations

import re

from archivist.enrich.temporal import parse_anchor, tag
from archivist.model import Document, Part, Span

NAME = "dates"
NEEDS: tuple[str, ...] = ("parts",)
ADDS = ("dates",)


def anchor_of(doc: Document, part: Part | None) -> tuple[str, str] | None:
    """The best date of a part and where it came from: the part's own (dateline, a dated note),
    then the document's dateline, date written, date published."""
    datelines = [p.date for p in doc.parts if p.kind == "dateline" and p.date]
    for value, origin in ((part.date if part else None, "part"), (datelines[0] if datelines else None, "dateline"),
                          (doc.date_written, "date_written"), (doc.date_published, "date_published")):  # fmt: skip
        if value and re.match(r"\d{4}", value):
            return value, origin
    return None


def _segments(doc: Document) -> list[tuple[int, int, Part | None]]:
    """The parts, and the text between them (footers, lines no part claims)."""
    out: list[tuple[int, int, Part | None]] = []
    pos = 0
    for part in sorted(doc.parts, key=lambda p: p.start):
        if part.start > pos and doc.text[pos : part.start].strip():
            out.append((pos, part.start, None))
        if part.end > pos:
            out.append((max(part.start, pos), part.end, part))
            pos = part.end
    if pos < len(doc.text) and doc.text[pos:].strip():
        out.append((pos, len(doc.text), None))
    return out


def text_anchor(doc: Document) -> tuple[str, str] | None:
    """For a document without a date of its own: the first date with a year its body names (a
    book chapter on events of 1921 is about 1921), recorded as the anchor's origin "text"."""
    for part in doc.parts:
        if part.kind == "body":
            for f in tag(doc.text[part.start : part.end], None, doc.language):
                if not f.relative and re.match(r"\d{4}(?:-\d{2}){0,2}$", f.value):
                    return f.value, "text"
    return None


# Archives file a text under the year it was written or published ("archive/bukharin/works/1934/…"):
# the last resort of a document that states no date and whose body names none.
_PATH_YEAR = re.compile(r"(?:^|/)(1[5-9]\d\d|20[0-2]\d)/")


def path_anchor(doc: Document) -> tuple[str, str] | None:
    years = _PATH_YEAR.findall(doc.path or "")
    return (years[-1], "path") if years else None


# Expressions counted from the writer's own day ("forty years ago", "the last century", "next
# year"): a narrative's first date is not that day, the year the archive files the text under is
# closer to it.
_DEICTIC_KINDS = frozenset({"ago", "century", "month-year-rel"})


def annotate(doc: Document) -> list[Span]:
    spans: list[Span] = []
    fallback: list[tuple[str, str] | None] = []  # computed once, when a part first needs it
    for start, end, part in _segments(doc):
        anchor = anchor_of(doc, part)
        if anchor is None:
            if not fallback:
                fallback += [text_anchor(doc), path_anchor(doc)]
            anchor = fallback[0] or fallback[1]
        parsed = parse_anchor(anchor[0]) if anchor else None
        found = [(f, anchor) for f in tag(doc.text[start:end], parsed, doc.language)]
        writer = fallback[1] if anchor is not None and anchor[1] == "text" and fallback else None
        if writer is not None:
            counted = {
                (f.start, f.end): f
                for f in tag(doc.text[start:end], parse_anchor(writer[0]), doc.language)
                if f.relative and f.kind in _DEICTIC_KINDS and f.narrated_year is None
            }
            found = [
                (counted[f.start, f.end], writer) if (f.start, f.end) in counted else (f, a) for f, a in found
            ]
        for f, own in found:
            attrs: dict[str, object] = {"value": f.value}
            if f.relative:
                attrs["relative"] = True
                if f.narrated_year is not None:  # the year the narrative last named
                    attrs["anchor"] = "narrative"
                    attrs["anchor_value"] = str(f.narrated_year)
                elif own:
                    attrs["anchor"] = own[1]
                    attrs["anchor_value"] = own[0]
            attrs["kind"] = f.kind
            confidence = 1.0 if not f.relative else (0.6 if f.approximate else 0.8)
            spans.append(Span(NAME, "date", start + f.start, start + f.end, attrs, confidence=confidence))
    spans.sort(key=lambda s: (s.start, s.end))
    return spans

"""Dates: the temporal expressions of every part, normalised to ISO 8601 / EDTF; a day written
without its year is anchored to the year of its part's date, else the document's."""

from __future__ import annotations

from archivist.extract.dates import find_all_dates, month_days
from archivist.model import Document, Span

NAME = "dates"
NEEDS: tuple[str, ...] = ("parts",)
ADDS = ("dates",)


def _anchor(doc: Document, part_date: str | None) -> tuple[int, str] | None:
    """The year a year-less day belongs to, and where it came from (the part's own date first)."""
    for value, origin in ((part_date, "part"), (doc.date_written, "date_written"), (doc.date_published, "date_published")):  # fmt: skip
        if value and value[:4].isdigit():
            return int(value[:4]), origin
    return None


def annotate(doc: Document) -> list[Span]:
    spans: list[Span] = []
    for part in doc.parts:
        text = doc.text[part.start : part.end]
        taken: list[tuple[int, int]] = []
        for paragraph_start, paragraph in _paragraphs(text):
            for value, start, end in find_all_dates(paragraph):
                start, end = paragraph_start + start, paragraph_start + end
                spans.append(Span(NAME, "date", part.start + start, part.start + end, {"value": value}))
                taken.append((start, end))
        anchor = _anchor(doc, part.date)
        if anchor is None:
            continue
        year, origin = anchor
        for month, day, start, end in month_days(text):
            if any(a <= start < b or start <= a < end for a, b in taken):
                continue
            attrs = {"value": f"{year:04d}-{month:02d}-{day:02d}", "relative": True, "anchor": origin}
            spans.append(Span(NAME, "date", part.start + start, part.start + end, attrs, confidence=0.8))
    spans.sort(key=lambda s: (s.start, s.end))
    return spans


def _paragraphs(text: str) -> list[tuple[int, str]]:
    """The part's paragraphs with their offsets: date patterns look within one paragraph at a time."""
    out, pos = [], 0
    for piece in text.split("\n\n"):
        out.append((pos, piece))
        pos += len(piece) + 2
    return out

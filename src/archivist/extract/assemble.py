"""The canonical text: the kept blocks joined in page order, with the span of each part (header,
body, postscript, editorial note, footnote, and the anatomy's other parts) recorded."""

from __future__ import annotations

import re

from archivist.extract.layout import EDITION_UPDATED, Layout
from archivist.extract.segment import Segment
from archivist.model import Part, Span

_MERGED = {"header", "body", "postscript", "editorial-note"}
# What each line of the header is, as the layout passes found it: the ``header`` layer keeps them
# apart (the ``parts`` layer has one merged header), so an export can say which line is the title.
_HEADER_LINE = {"title": "title", "byline": "byline", "subtitle": "subtitle", "info": "info"}
# A web edition's "Last updated on 27 July 2010": page furniture to the layout passes and their
# models (it is neither the text nor its header), but a dated fact about the edition that a reader
# may want and the dates layer should find, so it stays in the canonical text as a header line.
_UPDATED = re.compile(rf"{EDITION_UPDATED}\b.{{0,60}}$", re.I | re.S)


def assemble(
    layout: Layout, by_block: dict[int, list[Segment]], agent: str = ""
) -> tuple[str, list[Part], list[Span]]:
    """Join kept blocks into the canonical text; record each part's span, and each header line's."""
    pieces: list[str] = []
    parts: list[Part] = []
    lines: list[Span] = []
    pos = 0
    last_key: tuple[object, ...] | None = None
    for index, item in enumerate(layout.items):
        if item.role == "chrome":
            if not _UPDATED.match(item.text.strip()):
                continue
            segments = [Segment("header", item.text, -1)]
        elif item.role == "body":
            segments = by_block.get(index, [])
        elif item.role == "footnote":
            segments = [Segment("footnote", item.text, -1)]
        elif item.role == "editorial":
            segments = [Segment("editorial-note", item.text, -1)]
        else:
            segments = [Segment("header", item.text, -1)]
        for seg in segments:
            text = seg.text.strip()
            if not text:
                continue
            if pieces:
                pieces.append("\n\n")
                pos += 2
            start = pos
            pieces.append(text)
            pos += len(text)
            if seg.kind == "header":
                kind = "updated" if item.role == "chrome" else _HEADER_LINE.get(item.role, "line")
                lines.append(Span("header", kind, start, pos, agent=agent))
            key = (seg.kind, seg.author, seg.date, seg.place, seg.title)
            if seg.kind in _MERGED and last_key == key and parts:
                parts[-1].end = pos
            else:
                parts.append(Part(kind=seg.kind, start=start, end=pos, author=seg.author, date=seg.date,
                                  place=seg.place, title=seg.title))  # fmt: skip
            last_key = key
    return "".join(pieces), parts, lines

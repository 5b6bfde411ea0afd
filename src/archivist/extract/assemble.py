"""The canonical text: the kept blocks joined in page order, with the span of each part (header,
body, postscript, editorial note, footnote, and the anatomy's other parts) recorded."""

from __future__ import annotations

from archivist.extract.layout import Layout
from archivist.extract.segment import Segment
from archivist.model import Part

_MERGED = {"header", "body", "postscript", "editorial-note"}


def assemble(layout: Layout, by_block: dict[int, list[Segment]]) -> tuple[str, list[Part]]:
    """Join kept blocks into the canonical text and record each part's span."""
    pieces: list[str] = []
    parts: list[Part] = []
    pos = 0
    last_key: tuple[object, ...] | None = None
    for index, item in enumerate(layout.items):
        if item.role == "chrome":
            continue
        if item.role == "body":
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
            key = (seg.kind, seg.author, seg.date, seg.place, seg.title)
            if seg.kind in _MERGED and last_key == key and parts:
                parts[-1].end = pos
            else:
                parts.append(Part(kind=seg.kind, start=start, end=pos, author=seg.author, date=seg.date,
                                  place=seg.place, title=seg.title))  # fmt: skip
            last_key = key
    return "".join(pieces), parts

"""Paragraphs: each part cut into its paragraphs, the passages search and text reuse work on."""

from __future__ import annotations

import re

from archivist.model import Document, Span

NAME = "paragraphs"
NEEDS: tuple[str, ...] = ("parts",)
ADDS = ("paragraphs",)

_BREAK = re.compile(r"\n\s*\n")


def annotate(doc: Document) -> list[Span]:
    spans: list[Span] = []
    for seq, part in enumerate(doc.parts):
        pos = part.start
        for brk in [*_BREAK.finditer(doc.text, part.start, part.end), None]:
            end = brk.start() if brk else part.end
            chunk = doc.text[pos:end]
            lead = len(chunk) - len(chunk.lstrip())
            trail = len(chunk) - len(chunk.rstrip())
            if chunk.strip():
                spans.append(
                    Span(NAME, "paragraph", pos + lead, end - trail, {"part": part.kind, "part_seq": seq})
                )
            if brk:
                pos = brk.end()
    return spans

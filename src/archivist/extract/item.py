"""The units a page is laid out in: an `Item` (a block's text and the role it plays on the page) and
the `Layout` the passes of `layout`, `header`, `info` and `notes` fill in. A module of its own so
that those passes can make and read items without importing each other."""

from __future__ import annotations

from dataclasses import dataclass, field

from archivist.sources.page import Block


@dataclass(slots=True)
class Item:
    text: str
    block: Block
    role: str = "body"  # chrome, title, byline, subtitle, info, body, footnote, header

    # Written out, not left to @dataclass: the __init__ it writes stays interpreted Python even when
    # the class is compiled, and a page makes dozens of items.
    def __init__(self, text: str, block: Block, role: str = "body") -> None:
        self.text = text
        self.block = block
        self.role = role


@dataclass(slots=True)
class Layout:
    items: list[Item]
    title: str | None = None
    title_index: int | None = None
    title_origin: str | None = None  # where the title was read when not from the page's own title line
    byline: str | None = None
    byline_origin: str | None = None
    subtitles: list[str] = field(default_factory=list)
    labels: list[tuple[str, str, str]] = field(default_factory=list)  # key, label as written, value
    table_fields: dict[str, list[str]] = field(default_factory=dict)
    body: list[int] = field(default_factory=list)

"""What the anatomy of a text reports: its segments in page order, each with a part kind and the
metadata the part carries of its own, and what the opening and closing say of the whole (a
classification, an addressee, the text's own datelines, its signatures, a salutation)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Segment:
    kind: str
    text: str
    block: int  # index into the body blocks it came from
    author: str | None = None
    date: str | None = None
    place: str | None = None
    title: str | None = None

    # Written out, not left to @dataclass: the __init__ it writes stays interpreted Python even when
    # the class is compiled, and a text makes dozens of segments.
    def __init__(
        self,
        kind: str,
        text: str,
        block: int,
        author: str | None = None,
        date: str | None = None,
        place: str | None = None,
        title: str | None = None,
    ) -> None:
        self.kind = kind
        self.text = text
        self.block = block
        self.author = author
        self.date = date
        self.place = place
        self.title = title


@dataclass(slots=True)
class Anatomy:
    segments: list[Segment] = field(default_factory=list)
    classification: str | None = None
    addressee: str | None = None
    datelines: list[Segment] = field(default_factory=list)  # the main text's own datelines
    signatures: list[str] = field(default_factory=list)
    salutation: str | None = None

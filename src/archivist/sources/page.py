"""What a reader hands to extraction: a page of blocks with their roles, never raw bytes.

Readers know formats (HTML, MediaWiki, Markdown, TEI, text); extractors know meaning. A `Block`
is one paragraph-like unit with the markup hints extraction needs (its tag, CSS classes, whether
it sits in a blockquote or a table, whether it is only links); `Page.fields` carries metadata a
format states structurally (a TEI header, a wikirouge author table, Markdown front matter).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Block:
    text: str
    tag: str = "p"  # h1..h6, p, li, pre, blockquote, td, div, hr, text
    classes: tuple[str, ...] = ()
    link_only: bool = False  # every word of it is inside links: navigation, not text
    in_table: bool = False
    in_quote: bool = False
    # nine tenths of its characters are set in emphasis (<em>, <i>, <small>): a standfirst, an
    # editor's lead-in or note is often so; quotations and titles are only parts of a block
    emphasised: bool = False
    zone: str = "main"  # reader's hint: main, nav, footnote, info, chrome
    # The part the format itself states the block is (a TEI <salute>, <signed>, <closer>, a <front>
    # preface): a model.PART_KINDS name, or None when only the text can tell.
    part: str | None = None

    # Written out, not left to @dataclass: the __init__ it writes stays interpreted Python even when
    # the class is compiled, and a page makes dozens of blocks (the same fields, the same defaults).
    def __init__(
        self,
        text: str,
        tag: str = "p",
        classes: tuple[str, ...] = (),
        link_only: bool = False,
        in_table: bool = False,
        in_quote: bool = False,
        emphasised: bool = False,
        zone: str = "main",
        part: str | None = None,
    ) -> None:
        self.text = text
        self.tag = tag
        self.classes = classes
        self.link_only = link_only
        self.in_table = in_table
        self.in_quote = in_quote
        self.emphasised = emphasised
        self.zone = zone
        self.part = part

    @property
    def is_heading(self) -> bool:
        return len(self.tag) == 2 and self.tag[0] == "h" and self.tag[1].isdigit()

    @property
    def level(self) -> int:
        return int(self.tag[1]) if self.is_heading else 0

    def has_class(self, *names: str) -> bool:
        # Called for every block by several passes, and most blocks have no class at all.
        classes = self.classes
        if not classes:
            return False
        return any(name in classes for name in names)  # compiled as a loop, unlike any(map(...))


@dataclass(slots=True)
class Page:
    path: str
    format: str  # html, mediawiki, md, tei, txt
    encoding: str
    blocks: list[Block]
    title: str | None = None  # the <title> element or equivalent, as a weak hint
    meta: dict[str, str] = field(default_factory=dict)  # <meta name=...> values
    fields: dict[str, list[str]] = field(default_factory=dict)  # structured header fields
    warnings: list[str] = field(default_factory=list)
    address: tuple[str, str] | None = None  # the page's own published URL and where it says so
    # What decoding the bytes had to guess, replace or overrule ("declared utf-16 but content is
    # utf-8", "utf-8 with 1 invalid sequence replaced"); empty when the decode was clean.
    decode_warnings: list[str] = field(default_factory=list)

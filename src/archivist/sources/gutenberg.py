"""Project Gutenberg e-texts: the licence header and trailer are page furniture, their metadata
lines page fields.

Every Project Gutenberg file, plain text or HTML, wraps the text in the project's furniture: a header
("The Project Gutenberg EBook of …", ``Title:``, ``Author:``, ``Release Date:`` lines, up to
"*** START OF THIS PROJECT GUTENBERG EBOOK … ***"), or in the early e-texts the whole "Small Print!"
licence up to "*END*THE SMALL PRINT! …*END*"; and a trailer from "End of the Project Gutenberg
EBook …" / "*** END OF THIS PROJECT GUTENBERG EBOOK … ***" to the end of the file. They are never
body, title or date: `mark_gutenberg` makes their blocks chrome and reads the header's ``Title:``,
``Author:``, ``Translator:`` and ``Language:`` into `Page.fields`. The release and posting dates
are the e-text's, not the text's, and are not read. Production credits right after the header
("Produced by …", "[Transcriber's Note: …]") are the e-text's too.
"""

from __future__ import annotations

import re

from archivist.sources.page import Block, Page

# The page is a Project Gutenberg e-text when its opening says so.
_SIGN = re.compile(r"project\s+gutenberg|gutenberg\s+e-?(?:book|text)", re.I)
# (name, pattern): where the header ends. The START marker line; in the early e-texts, which have
# none, the end of the "Small Print!" licence that opens them (inside a paragraph where a reader
# joined the licence's lines).
HEADER_END = (
    ("start-marker", re.compile(
        r"^\*{3}\s*START\s*OF\s*(?:THIS|THE)\s*PROJECT\s*GUTENBERG\s*E-?(?:BOOK|TEXT)[^\n]*", re.I | re.M)),
    ("small-print-end", re.compile(r"\*END\*\s*THE\s+SMALL\s+PRINT!(?:[^\n]*?\*END\*|[^\n]*)", re.I)),
)  # fmt: skip
# (name, pattern): where the trailer starts.
TRAILER_START = (
    ("end-marker", re.compile(r"^\*{3}\s*END\s*OF\s*(?:THIS|THE)\s*PROJECT\s*GUTENBERG\s*E-?(?:BOOK|TEXT)", re.I | re.M)),
    ("end-of", re.compile(r"^End\s+(?:of\s+)?(?:the\s+)?Project\s+Gutenberg(?:'s|’s)?\b", re.I | re.M)),
)  # fmt: skip
# Paragraphs near the header that are the e-text's, not the text's: production credits, the
# transcriber's and updater's notes (also under the title, within the first blocks after the header).
_PRODUCTION = re.compile(
    r"^(?:produced\s+by\b|transcribed\s+from\b.*\bby\b|e-?text\s+(?:prepared|scanned|produced)\s+by\b|"
    r"\[?\s*transcriber[’']?s?\s+note\b|note\s+from\s+the\s+original\s+file\b|\[?\s*updater[’']?s\s+note\b|"
    r"\[picture:|e-?mail\s+\S+@|html\s+version\s+by\b)",
    re.I,
)
_NEAR = 15  # blocks after the header searched for production notes
# Right after the header only: the early e-texts' notes on the project, separators.
_PROJECT_NOTE = re.compile(r"^(?:.*\bproject\s+gutenberg\b|.*\be-?texts?\b|\*+(?:\s*\*+)*$)", re.I)
# A book's end mark before the trailer ("THE END"): the edition's, not a sentence of the text.
_END_MARK = re.compile(r"^(?:the\s+end|finis|fin)\.?$", re.I)
# The header's metadata lines and the page field each fills.
HEADER_FIELDS = {
    "title": "title",
    "author": "author",
    "translator": "translator",
    "translated by": "translator",
    "editor": "editor",
    "language": "language",
}
_FIELD_LINE = re.compile(r"^(?P<key>[A-Z][A-Za-z ]{1,20}):\s*(?P<value>.*)$")
# "The Project Gutenberg EBook of The Soul of Man, by Oscar Wilde" (the first line of the header,
# or an HTML edition's <title>): the book and its author when no Title: line says them.
_EBOOK_OF = re.compile(
    r"^(?:the\s+)?project\s+gutenberg(?:'s|’s)?\s+e-?(?:book|text)\s*(?:of|,)\s+(?P<title>.+?)"
    r"(?:,?\s+by\s+(?P<author>[^,(]+?))?(?:\s*\(.*\))?\.?\s*$",
    re.I,
)
# Project Gutenberg's plain texts set italics between underscores ("_New York Age_", "_Mass., April_ 28"):
# the marks are the e-text's typography, not the text's.
_ITALIC = re.compile(r"(?<![\w_])_(?=[^\s_])([^_\n]{1,200}?)(?<=[^\s_])_(?![\w_])")
LANGUAGES = {"english": "en", "french": "fr", "german": "de", "italian": "it", "spanish": "es", "russian": "ru",
             "portuguese": "pt", "dutch": "nl", "latin": "la"}  # fmt: skip


def mark_gutenberg(page: Page) -> bool:
    """Make a Project Gutenberg page's licence furniture chrome and read its header's fields;
    False (and the page untouched) when the page is not one."""
    opening = "\n".join(block.text for block in page.blocks[:12])[:6000]
    # Every match of _SIGN holds "gutenberg" in some case: the lowered text without it is not one
    # (a substring test, several times cheaper than the case-blind pattern over 6,000 characters).
    # Its ASCII characters alone, lowered as bytes, are enough to tell (no other character lowers
    # to one of those letters) and quicker to lower than the whole text.
    if (
        b"gutenberg" not in opening.encode("ascii", "ignore").lower()
        and "gutenberg" not in (page.title or "").lower()
    ):
        return False
    if not _SIGN.search(opening) and not _SIGN.search(page.title or ""):
        return False
    blocks = page.blocks
    header_end = _find(blocks, HEADER_END)
    after = header_end[0] + 1 if header_end else 0
    if header_end is None and _find(blocks, TRAILER_START, start=after, earliest=True) is None:
        return False
    header_lines: list[str] = []
    if header_end is not None:
        index, _, end = header_end
        for block in blocks[:index]:
            header_lines.extend([*block.text.split("\n"), ""])
            block.zone = "chrome"
        head, rest = blocks[index].text[:end].strip(), blocks[index].text[end:].strip()
        header_lines.extend(head.split("\n"))
        blocks[index].zone = "chrome"
        blocks[index].text = head
        if rest:
            blocks.insert(index + 1, Block(text=rest, tag=blocks[index].tag, classes=blocks[index].classes))
        _mark_production(blocks, index + 1)
    if (trailer := _find(blocks, TRAILER_START, start=after, earliest=True)) is not None:
        index, start, _ = trailer
        before, tail = blocks[index].text[:start].strip(), blocks[index].text[start:].strip()
        blocks[index].text = tail
        for block in blocks[index:]:
            block.zone = "chrome"
        if before:
            blocks.insert(index, Block(text=before, tag=blocks[index].tag, classes=blocks[index].classes))
    _mark_ending(blocks)
    _read_fields(header_lines, page)
    page.fields.setdefault("furniture", ["gutenberg"])
    if page.format == "txt":
        for block in blocks:
            if block.zone != "chrome" and "_" in block.text:
                block.text = _ITALIC.sub(r"\1", block.text)
    return True


def _find(
    blocks: list[Block],
    patterns: tuple[tuple[str, re.Pattern[str]], ...],
    start: int = 0,
    earliest: bool = False,
) -> tuple[int, int, int] | None:
    """(block, start, end) of a match of one of `patterns`: of the first pattern that matches
    anywhere, or with `earliest`, the first match of any."""
    found: list[tuple[int, int, int]] = []
    for _, pattern in patterns:
        # a loop, not next() over a generator: compiled (mypyc), a generator is read whole first
        hit = None
        for index in range(start, len(blocks)):
            if (m := pattern.search(blocks[index].text)) is not None:
                hit = (index, m.start(), m.end())
                break
        if hit is not None:
            if not earliest:
                return hit
            found.append(hit)
    return min(found) if found else None


def _mark_production(blocks: list[Block], start: int) -> None:
    run = True  # still in the run of notes right after the header
    for block in blocks[start : start + _NEAR]:
        if block.zone == "chrome" or block.tag == "hr" or not block.text.strip():
            continue
        first = block.text.strip().split("\n")[0].strip()
        if len(block.text) <= 800 and (_PRODUCTION.match(first) or (run and _PROJECT_NOTE.match(first))):
            block.zone = "chrome"
        else:
            run = False


def _mark_ending(blocks: list[Block]) -> None:
    """The lines after the text: the e-text's last words on itself ("The Project Gutenberg's etext of
    The Mayflower Compact") and the book's end mark."""
    live = [b for b in blocks if b.zone != "chrome" and b.tag != "hr" and b.text.strip()]
    while live and len(live[-1].text) < 200 and _SIGN.search(live[-1].text):
        live.pop().zone = "chrome"
    if live and _END_MARK.match(live[-1].text.strip()):
        live[-1].zone = "chrome"


def _read_fields(lines: list[str], page: Page) -> None:
    fields: dict[str, list[str]] = {}
    key: str | None = None
    for raw in lines:
        line = raw.strip()
        if not line:
            key = None
            continue
        match = _FIELD_LINE.match(line)
        if match and match.group("key").strip().casefold() in HEADER_FIELDS:
            key = HEADER_FIELDS[match.group("key").strip().casefold()]
            if match.group("value").strip():
                fields.setdefault(key, []).append(match.group("value").strip())
            continue
        if match:
            key = None  # "Release Date:", "Posting Date:", "Character set encoding:": the e-text's
        elif key in ("title",) and fields.get(key):
            fields[key][-1] = f"{fields[key][-1]}: {line}"  # "Title: Southern Horrors / Lynch Law in …"
    # The e-book's own name: the header's first line (wrapped onto a second), or an HTML <title>.
    opening = [ln.strip() for ln in lines[:2] if ln.strip()]
    if len(opening) == 2 and (" by " in opening[0] or opening[1].startswith(("#", "*", "("))):
        opening = opening[:1]
    for candidate in (" ".join(opening), page.title or ""):
        if (match := _EBOOK_OF.match(" ".join(candidate.split()))) and match.group("title"):
            fields["ebook_title"] = [match.group("title").strip(" .,")]
            if match.group("author"):
                fields.setdefault("author", [match.group("author").strip(" .,")])
            break
    if "language" in fields:
        fields["language"] = [LANGUAGES.get(v.casefold(), v) for v in fields["language"]]
    for name, values in fields.items():
        page.fields.setdefault(name, values)

"""Plain-text transcriptions and MediaWiki text renderings into blocks.

A blank line ends a block; single newlines inside a block are kept (they carry meaning in
header lines, datelines and signatures). The chrome a MediaWiki rendering prints around the text
("From Marxists-en", "Jump to navigation Jump to search", "Retrieved from …", category lines, edit
links) is dropped here, because it is the page furniture of one format, not part of any text.
"""

from __future__ import annotations

import re

from archivist.sources.page import Block, Page

_MEDIAWIKI_CHROME = re.compile(
    r"^(?:From [A-Z][\w-]*(?:-[a-z]{2})?|Jump to navigation\s*Jump to search|Jump to (?:navigation|search)|"
    r"Retrieved from \S+|Categor(?:y|ies)\s*:.*|Navigation menu|Hidden categor(?:y|ies)\s*:.*|"
    r"This page was last edited on .*|\[edit\]|Privacy policy|About [\w-]+|Disclaimers)$"
)
_MEDIAWIKI_MARK = re.compile(r"^From [\w-]+\s*\n?\s*Jump to navigation", re.MULTILINE)
# Starts only where a run of whitespace starts: `\s*` tried from every space of a long run was quadratic.
_EDIT_LINK = re.compile(r"(?<!\s)\s*\[edit(?: source)?\]")


def read_text(text: str, path: str, encoding: str) -> Page:
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    is_mediawiki = bool(_MEDIAWIKI_MARK.search(text[:3000]))
    blocks: list[Block] = []
    for chunk in re.split(r"\n[ \t]*\n", text):
        lines = [line.rstrip() for line in chunk.split("\n")]
        if is_mediawiki:
            lines = [_EDIT_LINK.sub("", line) for line in lines if not _MEDIAWIKI_CHROME.match(line.strip())]
        lines = [line for line in lines if line.strip()]
        if not lines:
            continue
        blocks.append(Block(text="\n".join(line.strip() for line in _unwrap(lines)), tag="p"))
    return Page(
        path=path, format="mediawiki-text" if is_mediawiki else "txt", encoding=encoding, blocks=blocks
    )


def _unwrap(lines: list[str]) -> list[str]:
    """Hard-wrapped prose (every line 50–80 characters, ending mid-sentence) is one paragraph;
    short lines (headers, datelines, signatures, verse) keep their breaks."""
    if len(lines) < 3:
        return lines
    long_lines = sum(1 for line in lines[:-1] if 50 <= len(line) <= 82)
    if long_lines >= 0.8 * (len(lines) - 1):
        return [" ".join(line.strip() for line in lines)]
    return lines

"""Markdown pages (pandoc conversions of MIA pages, MIA Russian section sources) into blocks.

Pandoc's extensions that a CommonMark renderer does not know are rewritten first (a page wrapped
whole in a blockquote, fenced divs, bracketed spans with classes, grid-table title boxes, Jekyll
front matter); the rest is rendered by markdown-it and read by the HTML reader, so both formats
end in the same kind of blocks.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it import MarkdownIt

from archivist.sources.html import read_html
from archivist.sources.page import Page

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
_SPAN = re.compile(r"\[([^\[\]]*)\]\{[^{}]*\}")
_EMPTY_ANCHOR = re.compile(r"\[\]\{[^{}]*\}")
# Possessive: a class name glued to a key="value" cannot be split between them, which made a long
# unclosed `{.aaaa…` quadratic.
_ATTRS = re.compile(r"\{(?:[#.][\w-]++|[a-z]++=\"[^\"]*\"|\s)+\}")
# Pandoc's line syntax. Each `^\s*` also swallows the blank lines before the line (and `\s*$` those
# after it), which decides what renders as one paragraph, so it is kept; but a line start that is
# not followed by such a line has its whole run of whitespace consumed by the second branch and put
# back unchanged, so that run is not rescanned from each of its lines (quadratic in blank lines).
_FENCED_DIV = re.compile(r"^(?:(?P<hit>\s*+:::+.*$)|\s++)", re.MULTILINE)
_GRID_RULE = re.compile(r"^(?:(?P<hit>\s*+\+[-=+:]+\+\s*$)|\s++)", re.MULTILINE)
_GRID_ROW = re.compile(r"^(?:\s*+\|(?P<hit>.*)\|\s*$|\s++)", re.MULTILINE)
# A link target stops at `^` or `[`, where the next reference starts: otherwise each of many
# unclosed `^[[1]](#…` rescans to the end of the text.
_FOOTNOTE_REF = re.compile(r"\^\[(\\\[\d+\\\]|\[\d+\])\]\(#[^)^]*\)\^")

_TOP_LINK = re.compile(r"\[(?:Top of (?:the )?page|Back to top|Top)\]\(#[^)\[]*\)", re.I)

_renderer = MarkdownIt("commonmark", {"html": True}).enable("table")


def read_markdown(text: str, path: str, encoding: str) -> Page:
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    fields: dict[str, list[str]] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        for line in match.group(1).splitlines():
            key, _, value = line.partition(":")
            if value.strip():
                fields[key.strip().lower()] = [value.strip().strip("\"'")]
        text = text[match.end() :]
    html = _renderer.render(pandoc_to_commonmark(text))
    page = read_html(f"<html><body>{html}</body></html>", path, encoding, fmt="md")
    page.format = "md"
    page.fields.update(fields)
    return page


def pandoc_to_commonmark(text: str) -> str:
    """Rewrite the pandoc extensions markdown-it does not know; every step is linear in the text."""
    text = _unquote_whole_page(text)
    text = _FENCED_DIV.sub(_unless_hit(lambda hit: ""), text)
    text = _GRID_RULE.sub(_unless_hit(lambda hit: ""), text)
    text = _GRID_ROW.sub(_unless_hit(str.strip), text)
    text = _FOOTNOTE_REF.sub(lambda m: m.group(1).replace("\\", ""), text)
    text = _TOP_LINK.sub("", text)
    text = _EMPTY_ANCHOR.sub("", text)
    for _ in range(3):  # spans nest in pandoc output
        text = _SPAN.sub(r"\1", text)
    return _ATTRS.sub("", text)


def _unless_hit(replace: Callable[[str], str]) -> Callable[[re.Match[str]], str]:
    """A replacement for the patterns above: `replace(hit)` where the line matched, and the
    whitespace run consumed by the other branch put back as it was."""
    return lambda m: m.group(0) if m.group("hit") is None else replace(m.group("hit"))


def _unquote_whole_page(text: str) -> str:
    """Pandoc wraps some pages whole in `> `: unwrap when nearly every non-blank line is quoted."""
    lines = text.split("\n")
    content = [line for line in lines if line.strip()]
    quoted = [line for line in content if line.lstrip().startswith(">")]
    if content and len(quoted) >= 0.9 * len(content):
        return "\n".join(re.sub(r"^\s*> ?", "", line, count=1) for line in lines)
    return text

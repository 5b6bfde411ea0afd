"""Markdown pages (pandoc conversions of MIA pages, MIA Russian section sources) into blocks.

Pandoc's extensions that a CommonMark renderer does not know are rewritten first (a page wrapped
whole in a blockquote, fenced divs, bracketed spans with classes, grid-table title boxes, Jekyll
front matter); the rest is rendered by markdown-it and read by the HTML reader, so both formats
end in the same kind of blocks.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

from archivist.sources.html import read_html
from archivist.sources.page import Page

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
_SPAN = re.compile(r"\[([^\[\]]*)\]\{[^{}]*\}")
_EMPTY_ANCHOR = re.compile(r"\[\]\{[^{}]*\}")
_ATTRS = re.compile(r"\{(?:[#.][\w-]+|[a-z]+=\"[^\"]*\"|\s)+\}")
_FENCED_DIV = re.compile(r"^\s*:::+.*$", re.MULTILINE)
_GRID_RULE = re.compile(r"^\s*\+[-=+:]+\+\s*$", re.MULTILINE)
_GRID_ROW = re.compile(r"^\s*\|(.*)\|\s*$", re.MULTILINE)
_FOOTNOTE_REF = re.compile(r"\^\[(\\\[\d+\\\]|\[\d+\])\]\(#[^)]*\)\^")

_TOP_LINK = re.compile(r"\[(?:Top of (?:the )?page|Back to top|Top)\]\(#[^)]*\)", re.I)

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
    text = _unquote_whole_page(text)
    text = _FENCED_DIV.sub("", text)
    text = _GRID_RULE.sub("", text)
    text = _GRID_ROW.sub(lambda m: m.group(1).strip(), text)
    text = _FOOTNOTE_REF.sub(lambda m: m.group(1).replace("\\", ""), text)
    text = _TOP_LINK.sub("", text)
    text = _EMPTY_ANCHOR.sub("", text)
    for _ in range(3):  # spans nest in pandoc output
        text = _SPAN.sub(r"\1", text)
    text = _ATTRS.sub("", text)
    html = _renderer.render(text)
    page = read_html(f"<html><body>{html}</body></html>", path, encoding, fmt="md")
    page.format = "md"
    page.fields.update(fields)
    return page


def _unquote_whole_page(text: str) -> str:
    """Pandoc wraps some pages whole in `> `: unwrap when nearly every non-blank line is quoted."""
    lines = text.split("\n")
    content = [line for line in lines if line.strip()]
    quoted = [line for line in content if line.lstrip().startswith(">")]
    if content and len(quoted) >= 0.9 * len(content):
        return "\n".join(re.sub(r"^\s*> ?", "", line, count=1) for line in lines)
    return text

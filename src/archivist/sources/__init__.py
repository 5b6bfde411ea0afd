"""Readers: bytes of one file in, a `Page` of blocks out. One reader per format."""

from __future__ import annotations

import re

from archivist.errors import UnreadableFile
from archivist.sources.address import page_address
from archivist.sources.decode import decode_file
from archivist.sources.gutenberg import mark_gutenberg
from archivist.sources.html import read_html
from archivist.sources.markdown import read_markdown
from archivist.sources.page import Block, Page
from archivist.sources.tei import read_tei
from archivist.sources.text import read_text

__all__ = ["Block", "Page", "read_page", "sniff_format"]

_HTML_START = re.compile(r"<(?:!doctype\s+html|html|head|body|meta|title|p|div|h[1-6])[\s>/]", re.IGNORECASE)
_MD_SIGNS = re.compile(r"^(?:#{1,6} |---\n|> |\* \* \*|\[[^\]]+\]\([^)]+\))", re.MULTILINE)


def sniff_format(text: str, path: str) -> str:
    head = text[:4096].lstrip("\ufeff \t\r\n")
    lower = path.lower()
    if ("<TEI" in head or "<teiCorpus" in head) and ("tei-c.org" in head or lower.endswith(".xml")):
        return "tei"
    if lower.endswith((".md", ".markdown")):
        return "md"
    if lower.endswith((".htm", ".html", ".xhtml", ".php", ".asp", ".shtml")) or _HTML_START.search(
        head[:1024]
    ):
        return "html"
    if lower.endswith(".txt"):
        return "txt"
    return "md" if len(_MD_SIGNS.findall(text[:20000])) >= 3 else "txt"


def read_page(data: bytes, path: str) -> Page:
    """Decode and parse one file; raises `UnreadableFile` with a specific reason."""
    text, encoding, decode_warnings = decode_file(data, path)
    fmt = sniff_format(text, path)
    if fmt == "tei":
        # The XML parser reads what the decoder read, not the raw bytes: a lying byte-order mark or
        # `encoding=` label would otherwise be obeyed there.
        page = read_tei(text.encode("utf-8"), path)
        page.encoding = encoding
    elif fmt == "html":
        page = read_html(text, path, encoding)
    elif fmt == "md":
        page = read_markdown(text, path, encoding)
    else:
        page = read_text(text, path, encoding)
    if fmt != "tei":
        mark_gutenberg(page)  # a Project Gutenberg e-text's licence is furniture, its header fields
    if not any(block.text.strip() for block in page.blocks):
        raise UnreadableFile(path, "no-text", f"the {fmt} file holds no text")
    if fmt != "tei" and (address := page_address(text)):
        page.address = address
    page.decode_warnings = list(decode_warnings)
    return page

"""HTML pages (Marxists Internet Archive, wikirouge MediaWiki, wget mirrors) into blocks.

The walk keeps the document's reading order and turns every block-level element into a `Block`,
with the hints extraction needs: tag, CSS classes of the element and its containers, whether the
block is inside a table or a blockquote, whether it is nothing but links. MediaWiki chrome
(navigation, footer, edit links, categories) is dropped here because it is markup, not meaning.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from archivist.sources.page import Block, Page

BLOCK_TAGS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "li", "ul", "ol", "dl", "dt", "dd",
    "pre", "table", "tr", "td", "th", "tbody", "thead", "tfoot", "caption", "hr", "center", "section",
    "article", "header", "main", "aside", "address", "figure", "figcaption", "body", "form", "fieldset",
    "font-block",
}  # fmt: skip
# Elements that never hold document text.
SKIP_TAGS = {
    "script", "style", "head", "noscript", "nav", "footer", "form", "input", "button", "select",
    "textarea", "iframe", "object", "embed", "svg", "map", "-comment", "template", "link", "meta",
}  # fmt: skip
# MediaWiki and skin chrome, by id or class.
CHROME_IDS = {
    "mw-navigation", "mw-head", "mw-panel", "footer", "siteSub", "contentSub", "contentSub2",
    "jump-to-nav", "catlinks", "p-search", "mw-page-base", "mw-head-base", "toc", "siteNotice",
    "p-personal", "left-navigation", "right-navigation", "mw-data-after-content",
}  # fmt: skip
CHROME_CLASSES = {
    "mw-jump-link", "mw-editsection", "printfooter", "catlinks", "mw-footer", "vector-menu", "noprint",
    "mw-indicators", "navbox", "mw-cite-backlink", "toc", "mw-hidden-catlinks",
}  # fmt: skip
# Wrappers whose own <br> separate paragraphs (MediaWiki text and bare bodies have no <p>).
_BR_SPLITS = {"div", "body", "td", "th", "blockquote", "center", "section", "article", "main", "dd", "li"}


def read_html(text: str, path: str, encoding: str, fmt: str = "html") -> Page:
    tree = LexborHTMLParser(text)
    title_node = tree.css_first("title")
    title = _clean_inline(title_node.text()) if title_node else None
    meta: dict[str, str] = {}
    for node in tree.css("meta[name]"):
        name = (node.attributes.get("name") or "").lower()
        content = node.attributes.get("content")
        if name and content and name not in meta:
            meta[name] = _clean_inline(content)
    walker = _Walker()
    root = tree.body or tree.root
    if root is not None:
        walker.walk(root, ())
        walker.flush()
    page = Page(path=path, format=fmt, encoding=encoding, blocks=walker.blocks, title=title, meta=meta)
    if any(b.has_class("firstheading") or b.has_class("mw-parser-output") for b in walker.blocks) or (
        tree.css_first(".mw-parser-output") is not None
    ):
        page.format = "mediawiki"
    return page


_MARKER = re.compile(r"^\s*[\[(]?(?:\d{1,3}|[*†‡]|[a-z])[\])]?\s*$")


def _is_note_marker(node: LexborNode) -> bool:
    text = node.text(deep=True) or ""
    if not _MARKER.match(text):
        return False
    if node.tag == "a":
        return (node.attributes.get("href") or "").startswith("#")
    link = node.css_first("a")
    return link is not None and (link.attributes.get("href") or "").startswith("#")


def _clean_inline(text: str) -> str:
    return " ".join(text.split())  # str.split() knows every Unicode space, no-break spaces included


class _Walker:
    """Accumulates inline text and cuts it into blocks at block boundaries."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._buffer: list[str] = []
        self._linked_chars = 0
        self._context: tuple[str, tuple[str, ...], bool, bool] = ("p", (), False, False)
        self._pre = 0

    def walk(self, node: LexborNode, classes: tuple[str, ...], in_table: bool = False, in_quote: bool = False,
             block_tag: str = "text", in_link: bool = False) -> None:  # fmt: skip
        for child in node.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                text = child.text(deep=False) or ""
                if text:
                    if not self._buffer:
                        self._context = (block_tag, classes, in_table, in_quote)
                    # Source line breaks are whitespace in HTML; only <br> (kept as \x00) breaks a line.
                    self._buffer.append(text if self._pre else text.replace("\n", " ").replace("\r", " "))
                    if in_link:
                        self._linked_chars += len(text.strip())
                continue
            if tag in SKIP_TAGS or tag is None:
                continue
            attrs = child.attributes
            own_classes = tuple((attrs.get("class") or "").lower().split())
            element_id = attrs.get("id") or ""
            if element_id in CHROME_IDS or CHROME_CLASSES.intersection(own_classes):
                continue
            style = attrs.get("style") or ""
            if "display:none" in style.replace(" ", ""):
                continue
            if tag == "br":
                if block_tag in _BR_SPLITS or block_tag == "text":
                    self.flush()
                else:
                    self._buffer.append("\x00")
                continue
            if tag == "img":
                continue
            if tag in ("a", "sup") and _is_note_marker(child):
                continue  # a footnote reference marker: page furniture linking to the notes
            if tag in BLOCK_TAGS:
                self.flush()
                if tag == "hr":
                    self.blocks.append(Block(text="", tag="hr", classes=own_classes + classes))
                    continue
                inner_classes = own_classes + classes
                if tag == "pre":
                    self._pre += 1
                self.walk(child, inner_classes, in_table or tag in ("table", "td", "th"),
                          in_quote or tag == "blockquote", tag, in_link)  # fmt: skip
                if tag == "pre":
                    self._pre -= 1
                self.flush()
                continue
            self.walk(child, classes, in_table, in_quote, block_tag, in_link or tag == "a")

    def flush(self) -> None:
        if not self._buffer:
            return
        raw = "".join(self._buffer)
        self._buffer = []
        linked = self._linked_chars
        self._linked_chars = 0
        tag, classes, in_table, in_quote = self._context
        if self._pre or tag == "pre":
            raw = raw.replace("\x00", "\n").replace("\r\n", "\n").replace("\r", "\n")
            lines = [ln.rstrip() for ln in raw.split("\n")]
            text = "\n".join(lines).strip("\n")
        else:
            lines = [_clean_inline(part) for part in raw.split("\x00")]
            text = "\n".join(line for line in lines if line)
        if not text.strip():
            return
        link_only = (
            linked > 0
            and linked >= 0.9 * len(text.replace(" ", "").replace("\n", ""))
            and any(ch.isalnum() for ch in text)
        )
        self.blocks.append(
            Block(
                text=text,
                tag=tag if tag != "text" else "p",
                classes=classes,
                link_only=link_only,
                in_table=in_table,
                in_quote=in_quote,
            )
        )

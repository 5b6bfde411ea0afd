"""HTML pages (Marxists Internet Archive, wikirouge MediaWiki, wget mirrors) into blocks.

The walk keeps the document's reading order and turns every block-level element into a `Block`,
with the hints extraction needs: tag, CSS classes of the element and its containers, whether the
block is inside a table or a blockquote, whether it is nothing but links. MediaWiki chrome
(navigation, footer, edit links, categories) is dropped here because it is markup, not meaning.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from itertools import accumulate

from selectolax.lexbor import LexborHTMLParser, LexborNode

from archivist.sources.page import Block, Page
from archivist.text import one_line

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


# Browsers stop nesting elements at a fixed depth (Blink: 512). Lexbor does not, and its tree
# builder searches the stack of open elements for every block start tag, so 200,000 nested <div>s
# cost minutes; no real page nests anywhere near this deep.
MAX_DEPTH = 512
# With fewer tags than this, even the worst nesting costs the tree builder a fraction of a second
# (the corpus's largest page has under 4,000).
_FEW_TAGS = 10_000
_VOID = {
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input", "keygen",
    "link", "meta", "param", "source", "track", "wbr",
}  # fmt: skip
_RAW_TEXT = {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"}
# Start tags that end an open element (`<p>a<p>b` is two paragraphs, not nested), as the tree
# builder does: the innermost of `ends` is closed unless one of `within` is open inside it
# (a <li> in a nested list does not end the outer list's item).
_TABLE = ("table", "td", "th", "caption")
_IMPLIED_END: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "p": (("p",), (*_TABLE, "button", "object", "marquee", "applet", "template")),
    "li": (("li",), ("ul", "ol")),
    "dt": (("dt", "dd"), ("dl",)),
    "dd": (("dt", "dd"), ("dl",)),
    "tr": (("tr", "td", "th"), ("table",)),
    "td": (("td", "th"), ("tr", "table")),
    "th": (("td", "th"), ("tr", "table")),
    "thead": (("thead", "tbody", "tfoot"), ("table",)),
    "tbody": (("thead", "tbody", "tfoot"), ("table",)),
    "tfoot": (("thead", "tbody", "tfoot"), ("table",)),
    "option": (("option",), ("select",)),
}
_START_OR_END = re.compile(
    r"<(/?)(?!(?:{})[\s/>])[A-Za-z]".format("|".join(sorted(_VOID | set(_IMPLIED_END)))), re.IGNORECASE
)
_STEP = {"": 1, "/": -1}
# A comment, or a tag: `>` or the end of the page ends either, so no "<" is scanned twice.
_TAG = re.compile(r"<(?:!--.*?(?:-->|\Z)|(/?)([A-Za-z][^\s/>]*)[^>]*(?:>|\Z))", re.DOTALL)


def limit_nesting(html: str, max_depth: int = MAX_DEPTH) -> str:
    """The page with elements nested deeper than `max_depth` unwrapped, text kept: their tags are
    dropped (a block's become <br>, so its text stays a line of its own). A page that does not nest
    that deep is returned as it is.

    Depth is tracked with a rough model of the HTML tree builder (open elements close at their end
    tag or at a start tag that implies it); it errs shallow, so only pathological nesting is touched.
    """
    if html.count("<") <= _FEW_TAGS or _rough_depth(html) <= max_depth // 4:
        return html  # every real page: decided at C speed
    open_elements = _OpenElements()
    unwrapped: Counter[str] = Counter()  # start tags dropped, whose end tags are still to come
    pieces: list[str] = []
    done = 0  # html[:done] is in pieces
    for start, end, closing, name in _tags(html):
        if closing:
            if unwrapped[name]:
                unwrapped[name] -= 1
            else:
                open_elements.close((name,), ())
                continue
        else:
            if name in _IMPLIED_END:
                open_elements.close(*_IMPLIED_END[name])
            if open_elements.depth < max_depth:
                open_elements.push(name)
                continue
            unwrapped[name] += 1
        pieces += [html[done:start], "<br>" if name in BLOCK_TAGS else ""]
        done = end
    if not pieces:
        return html
    pieces.append(html[done:])
    return "".join(pieces)


def _tags(html: str) -> Iterator[tuple[int, int, bool, str]]:
    """(start, end, is end tag, lowercased name) of each tag that opens or closes an element, in one
    pass: comments, void elements and raw-text elements (script, style…) are skipped. Like the HTML
    tokenizer, a tag runs to the next `>`, so `<a<a<a…` is one tag, not a quadratic rescan."""
    position = 0
    while match := _TAG.search(html, position):
        position = match.end()
        name = match.group(2)
        if name is None:
            continue  # a comment
        if html[position - 1] != ">":
            return  # a tag cut off by the end of the page makes no element
        name = name.lower()
        closing = match.group(1) == "/"
        if name in _RAW_TEXT and not closing:  # a leaf: its text is not markup
            raw_end = re.compile(f"</{re.escape(name)}", re.IGNORECASE).search(html, position)
            position = len(html) if raw_end is None else raw_end.start()
        elif name not in _VOID and name not in _RAW_TEXT:
            yield match.start(), position, closing, name


def _rough_depth(html: str) -> int:
    """How deep start tags minus end tags ever get, not counting void elements and the ones whose
    end tag is optional (`<p>`, `<li>`, `<td>`…). Those sit at most three to a counted container
    (table > tbody > tr > td), so a page deeper than four times this is impossible."""
    steps = map(_STEP.__getitem__, _START_OR_END.findall(html))
    return max(accumulate(steps, initial=0))


class _OpenElements:
    """The stack of open elements, with where each tag name last opened: every step is O(1)
    (amortised), whatever the depth."""

    def __init__(self) -> None:
        self._names: list[str] = []
        self._at: dict[str, list[int]] = {}  # tag name -> its indexes in _names, innermost last

    @property
    def depth(self) -> int:
        return len(self._names)

    def push(self, name: str) -> None:
        self._at.setdefault(name, []).append(len(self._names))
        self._names.append(name)

    def close(self, ends: tuple[str, ...], within: tuple[str, ...]) -> None:
        """Pop down to the innermost of `ends`, unless one of `within` is open inside it."""
        target = self._innermost(ends)
        if target < 0 or self._innermost(within) > target:
            return
        while len(self._names) > target:
            self._at[self._names.pop()].pop()

    def _innermost(self, names: tuple[str, ...]) -> int:
        return max((self._at[n][-1] for n in names if self._at.get(n)), default=-1)


def read_html(text: str, path: str, encoding: str, fmt: str = "html") -> Page:
    tree = LexborHTMLParser(limit_nesting(text))
    # The first <title> in document order: the head's if it has one (a search of the head alone is
    # several times cheaper than one of the whole tree), else the first anywhere.
    head = tree.head
    title_node = head.css_first("title") if head is not None else None
    if title_node is None:
        title_node = tree.css_first("title")
    title = one_line(title_node.text()) if title_node else None
    meta: dict[str, str] = {}
    for node in tree.css("meta[name]"):
        name = (node.attributes.get("name") or "").lower()
        content = node.attributes.get("content")
        if name and content and name not in meta:
            meta[name] = one_line(content)
    walker = _Walker()
    root = tree.body or tree.root
    if root is not None:
        walker.walk(root)
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


_EMPHASIS_TAGS = frozenset({"em", "i", "small"})


class _Context:
    """What the elements around a node say about its text. (A class of its own, not a NamedTuple:
    compiled, it is made without a call into Python; a page makes one for every block and link.)"""

    __slots__ = ("block_tag", "classes", "in_emphasis", "in_link", "in_quote", "in_table")

    def __init__(
        self,
        classes: tuple[str, ...] = (),
        in_table: bool = False,
        in_quote: bool = False,
        block_tag: str = "text",
        in_link: bool = False,
        in_emphasis: bool = False,  # inside <em>, <i> or <small>: an editor's lead-in is often set so
    ) -> None:
        self.classes = classes
        self.in_table = in_table
        self.in_quote = in_quote
        self.block_tag = block_tag
        self.in_link = in_link
        self.in_emphasis = in_emphasis


class _Walker:
    """Accumulates inline text and cuts it into blocks at block boundaries."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._buffer: list[str] = []
        self._linked_chars = 0
        self._emphasised_chars = 0
        self._context = _Context(block_tag="p")  # where the text in the buffer began
        self._pre = 0

    def walk(self, root: LexborNode) -> None:
        """Document order, with a stack of open elements instead of recursion: a page may nest
        elements far deeper than Python's recursion limit."""
        # Each entry: the element's remaining children, its context, and its tag if it is a block.
        stack: list[tuple[Iterator[LexborNode], _Context, str | None]] = [
            (root.iter(include_text=True), _Context(), None)
        ]
        buffer = self._buffer  # the same list all along: `flush` empties it in place
        while stack:
            children, context, block = stack[-1]
            for child in children:
                if child.is_text_node:  # most nodes: taken in here, without a call per node
                    text = child.text_content
                    if text:
                        if not buffer:
                            self._context = context
                        # Source line breaks are whitespace in HTML; only <br> (kept as \x00) breaks
                        # a line. Outside <pre>, `flush` makes every run of whitespace one space.
                        buffer.append(text)
                        if context.in_link:
                            self._linked_chars += len(text.strip())
                        if context.in_emphasis:
                            self._emphasised_chars += len(text.strip())
                    continue
                opened = self._visit(child, context)
                if opened is not None:  # descend; this element's siblings resume afterwards
                    stack.append((child.iter(include_text=True), *opened))
                    break
            else:  # every child read: the element ends
                stack.pop()
                if block is not None:
                    if block == "pre":
                        self._pre -= 1
                    self.flush()

    def _visit(self, child: LexborNode, context: _Context) -> tuple[_Context, str | None] | None:
        """Take in one element (`walk` takes the text nodes); for an element whose children are to be
        read, return their context and its tag if it is a block (to close when they are done)."""
        tag = child.tag
        if tag in SKIP_TAGS or tag is None:
            return None
        attrs = child.attributes
        own_classes: tuple[str, ...] = ()
        if attrs:  # most inline elements have none
            own_classes = tuple((attrs.get("class") or "").lower().split())
            element_id = attrs.get("id") or ""
            if element_id in CHROME_IDS or CHROME_CLASSES.intersection(own_classes):
                return None
            style = attrs.get("style") or ""
            if "display:none" in style.replace(" ", ""):
                return None
        if tag == "br":
            if context.block_tag in _BR_SPLITS or context.block_tag == "text":
                self.flush()
            else:
                self._buffer.append("\x00")
            return None
        if tag == "img":
            return None
        if tag in ("a", "sup") and _is_note_marker(child):
            return None  # a footnote reference marker: page furniture linking to the notes
        if tag in BLOCK_TAGS:
            self.flush()
            if tag == "hr":
                self.blocks.append(Block(text="", tag="hr", classes=own_classes + context.classes))
                return None
            if tag == "pre":
                self._pre += 1
            inner = _Context(
                own_classes + context.classes,
                context.in_table or tag in ("table", "td", "th"),
                context.in_quote or tag == "blockquote",
                tag,
                context.in_link,
                context.in_emphasis,
            )
            return inner, tag
        if tag == "a" and not context.in_link:
            return _Context(
                context.classes,
                context.in_table,
                context.in_quote,
                context.block_tag,
                True,
                context.in_emphasis,
            ), None
        if tag in _EMPHASIS_TAGS and not context.in_emphasis:
            return _Context(
                context.classes, context.in_table, context.in_quote, context.block_tag, context.in_link, True
            ), None
        return context, None

    def flush(self) -> None:
        if not self._buffer:
            return
        raw = "".join(self._buffer)
        self._buffer.clear()
        linked = self._linked_chars
        self._linked_chars = 0
        emphasised = self._emphasised_chars
        self._emphasised_chars = 0
        context = self._context
        classes, in_table, in_quote, tag = (
            context.classes,
            context.in_table,
            context.in_quote,
            context.block_tag,
        )
        if self._pre or tag == "pre":
            raw = raw.replace("\x00", "\n").replace("\r\n", "\n").replace("\r", "\n")
            lines = [ln.rstrip() for ln in raw.split("\n")]
            text = "\n".join(lines).strip("\n")
        elif "\x00" not in raw:  # no <br>: one line
            text = one_line(raw)
        else:
            lines = [one_line(part) for part in raw.split("\x00")]
            text = "\n".join(line for line in lines if line)
        if not text.strip():
            return
        chars = len(text.replace(" ", "").replace("\n", "")) if linked or emphasised else 0
        link_only = linked > 0 and linked >= 0.9 * chars and any(ch.isalnum() for ch in text)
        self.blocks.append(
            Block(
                text=text,
                tag=tag if tag != "text" else "p",
                classes=classes,
                link_only=link_only,
                in_table=in_table,
                in_quote=in_quote,
                emphasised=emphasised > 0 and emphasised >= 0.9 * chars,
            )
        )

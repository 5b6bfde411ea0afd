"""TEI P5 files: the header becomes structured fields, `<text>` becomes blocks.

Inline `<note>` elements are lifted out of their paragraphs into footnote blocks after the text
(a marker ``[n]`` stays where they stood), so the body reads as prose and the notes are kept.
"""

from __future__ import annotations

import re

from lxml import etree

from archivist.errors import UnreadableFile
from archivist.sources.page import Block, Page

TEI = "{http://www.tei-c.org/ns/1.0}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_SPACE = re.compile(r"\s+")
_BLOCKS = {"p", "head", "l", "item", "ab", "byline", "dateline", "salute", "signed", "label", "quote",
           "bibl", "trailer", "opener", "closer", "cell", "epigraph", "argument", "docTitle", "titlePart",
           "docAuthor", "docDate"}  # fmt: skip
_CONTAINERS = {
    "div",
    "body",
    "front",
    "back",
    "text",
    "group",
    "list",
    "table",
    "row",
    "lg",
    "sp",
    "floatingText",
}
_ROLE_TAGS = {
    "head": "h2",
    "byline": "p",
    "dateline": "p",
    "salute": "p",
    "signed": "p",
    "quote": "blockquote",
}


def read_tei(data: bytes, path: str) -> Page:
    """`data` is UTF-8 whatever its XML declaration says (`read_page` re-encodes the decoded text)."""
    parser = etree.XMLParser(
        encoding="utf-8",
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        recover=True,
        huge_tree=False,
    )
    try:
        root = etree.fromstring(_without_doctype(data), parser)
    except etree.XMLSyntaxError as err:
        raise UnreadableFile(path, "undecodable", f"not well-formed XML: {err}") from err
    if root is None:
        raise UnreadableFile(path, "undecodable", "not well-formed XML: no root element")
    fields: dict[str, list[str]] = {}
    header = root.find(f"{TEI}teiHeader")
    if header is not None:
        _read_header(header, fields)
    lang = root.get(XML_LANG)
    if lang:
        fields.setdefault("language", [lang])
    blocks: list[Block] = []
    notes: list[Block] = []
    text_el = root.find(f"{TEI}text")
    if text_el is not None:
        _walk(text_el, blocks, notes, level=1)
    return Page(path=path, format="tei", encoding="utf-8", blocks=blocks + notes, fields=fields,
                title=fields["title"][0] if fields.get("title") else None)  # fmt: skip


_DOCTYPE = re.compile(rb"<!DOCTYPE\b", re.IGNORECASE)
_SUBSET_END = re.compile(rb"\]\s*>")
_ROOT_START = re.compile(rb"<[A-Za-z_]")


def _without_doctype(data: bytes) -> bytes:
    """The file without its document type declaration. Entities are never expanded here, so its
    internal subset adds no text; but libxml2 still measures the expansion of the entities it
    declares and stops at a billion laughs, losing the rest of the document."""
    root = _ROOT_START.search(data)
    match = _DOCTYPE.search(data, 0, root.start() if root else len(data))  # only in the prolog
    if not match:
        return data
    bracket, close = data.find(b"[", match.end()), data.find(b">", match.end())
    if 0 <= bracket < close or (bracket >= 0 and close < 0):
        subset_end = _SUBSET_END.search(data, bracket)
        end = subset_end.end() if subset_end else len(data)
    else:
        end = close + 1 if close >= 0 else len(data)
    return data[: match.start()] + data[end:]


def _text(el: etree._Element) -> str:
    return _SPACE.sub(" ", "".join(el.itertext())).strip()


def _local(el: etree._Element) -> str:
    tag = el.tag
    return tag.split("}", 1)[1] if isinstance(tag, str) and "}" in tag else str(tag)


_TRANSLATION_CREDIT = re.compile(
    r"^(?:traduction|translation|translated by|traducción|traduzione|übersetzung|trad\.)\s*(?:par|by|de|von)?\s*"
    r"(?P<who>.+)$",
    re.I,
)


def _read_header(header: etree._Element, fields: dict[str, list[str]]) -> None:
    file_desc = header.find(f"{TEI}fileDesc")
    if file_desc is not None:
        stmt = file_desc.find(f"{TEI}titleStmt")
        if stmt is not None:
            for title in stmt.findall(f"{TEI}title"):
                credit = _TRANSLATION_CREDIT.match(_text(title)) if title.get("type") == "sub" else None
                if credit:  # <title type="sub">traduction 1977, Bottigelli</title>
                    name = re.sub(r"\b1[5-9]\d\d\b|[,;]", " ", credit.group("who"))
                    if name.strip():
                        fields.setdefault("translator", []).append(" ".join(name.split()))
                elif _text(title):
                    fields.setdefault("title", []).append(_text(title))
            for author in stmt.findall(f"{TEI}author"):
                name = _text(author) or author.get("key") or ""
                if name:
                    fields.setdefault("author", []).append(name)
                if author.get("key"):
                    fields.setdefault("author_key", []).append(author.get("key") or "")
            for resp in stmt.iter(f"{TEI}respStmt", f"{TEI}editor"):
                fields.setdefault("resp", []).append(_text(resp))
        source_desc = file_desc.find(f"{TEI}sourceDesc")
        if source_desc is not None:
            for bibl in source_desc.iter(f"{TEI}bibl", f"{TEI}biblStruct"):
                if _text(bibl):
                    fields.setdefault("bibl", []).append(_text(bibl))
        for licence in file_desc.iter(f"{TEI}licence"):
            fields.setdefault("rights", []).append(_text(licence) or licence.get("target") or "")
    for creation in header.iter(f"{TEI}creation"):
        for date in creation.iter(f"{TEI}date"):
            value = date.get("when") or (
                f"{date.get('from')}/{date.get('to')}" if date.get("from") and date.get("to") else None
            ) or _text(date)  # fmt: skip
            if value:
                fields.setdefault("date_written", []).append(value)
    for language in header.iter(f"{TEI}language"):
        if language.get("ident"):
            fields.setdefault("language", []).append(language.get("ident") or "")


def _walk(el: etree._Element, blocks: list[Block], notes: list[Block], level: int) -> None:
    for child in el:
        if not isinstance(child.tag, str):
            continue
        name = _local(child)
        if name in ("teiHeader", "pb", "fw", "figure", "graphic", "facsimile"):
            continue
        if name == "note":
            notes.append(Block(text=_text(child), tag="p", zone="footnote", classes=("note",)))
            continue
        if name in _CONTAINERS:
            _walk(child, blocks, notes, level + 1 if name == "div" else level)
            continue
        if name in _BLOCKS:
            text = _block_text(child, notes)
            if text:
                tag = f"h{min(level + 1, 6)}" if name == "head" else _ROLE_TAGS.get(name, "p")
                blocks.append(Block(text=text, tag=tag, classes=(name,), in_quote=name == "quote"))
            continue
        _walk(child, blocks, notes, level)


def _block_text(el: etree._Element, notes: list[Block]) -> str:
    """Text of a block with its notes lifted out (a numbered marker stays in their place)."""
    pieces: list[str] = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and _local(child) == "note":
            notes.append(Block(text=_text(child), tag="p", zone="footnote", classes=("note",)))
            pieces.append(f"[{len(notes)}]")
        elif isinstance(child.tag, str) and _local(child) == "lb":
            pieces.append("\n")
        elif isinstance(child.tag, str):
            pieces.append(_block_text(child, notes))
        pieces.append(child.tail or "")
    lines = [_SPACE.sub(" ", line).strip() for line in "".join(pieces).split("\n")]
    return "\n".join(line for line in lines if line)

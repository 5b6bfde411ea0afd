"""TEI P5 files read as TEI: the header becomes structured fields, `<text>` becomes blocks that carry
the part the markup states.

* Header: ``titleStmt`` title/author, ``sourceDesc`` (a ``bibl`` or a manuscript's holding
  institution and shelf mark), ``profileDesc/creation/date``, ``langUsage``, and for letters
  ``correspDesc`` (sender, addressee, place and date of sending).
* Text: ``<opener>``/``<closer>`` and their ``<salute>``, ``<signed>``, ``<dateline>``, and
  ``<postscript>`` (also as ``<div type="…">`` in ``<front>``/``<back>``, as letter editions write
  them) become salutation, closing, signature, dateline and postscript blocks; ``<front>`` material
  (a translator's note, an abstract) is an editorial note and a title page or letterhead header;
  ``<back>`` appendices and drafts are editorial notes, never body.
* Inline: ``<choice>`` gives one reading (``expan``/``reg``/``corr`` over ``abbr``/``orig``/``sic``,
  except where an edition's expansions are glosses, see `_GLOSS`); ``<lb break="no"/>`` joins the
  halves of a word; ``<del>`` is left out; ``<note>`` becomes a footnote block after the text, with no
  marker left in the sentence it stood in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from archivist.errors import UnreadableFile
from archivist.sources.page import Block, Page

TEI = "{http://www.tei-c.org/ns/1.0}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_SPACE = re.compile(r"[ \t\r\n]+")
_JOIN = "\x00"  # where an <lb break="no"/> joins two halves of a word
_BREAK = "\x01"  # a line break the markup states (<lb/>, a block inside a block); source newlines are spaces
_BLOCKS = {"p", "head", "l", "item", "ab", "byline", "dateline", "salute", "signed", "label", "quote",
           "bibl", "trailer", "cell", "epigraph", "argument", "docTitle", "titlePart",
           "docAuthor", "docDate", "docImprint", "castItem", "stage", "speaker"}  # fmt: skip
_CONTAINERS = {"div", "body", "text", "group", "list", "table", "row", "lg", "sp", "floatingText", "titlePage",
               "castList", "cit"}  # fmt: skip
_SKIPPED = {"teiHeader", "pb", "fw", "figure", "graphic", "facsimile", "del", "milestone", "space", "gap"}
_ROLE_TAGS = {"head": "h2", "quote": "blockquote"}

# -- the parts the markup states ---------------------------------------------------------------------
# An element of a letter's opening or closing and the part it is; a <salute> in a <closer> is the
# closing formula ("Tout à toi, / Ton frère dévoué,"), in an <opener> the salutation.
_PART_ELEMENTS = {"salute": "salutation", "signed": "signature", "dateline": "dateline"}
_OPENER_CLOSER = {"opener": "salutation", "closer": "closing", "postscript": "postscript"}
# <div type="…"> as letter editions (the Escher edition) write the same parts in <front> and <back>.
_DIV_PARTS = {
    "opener": "salutation",
    "salute": "salutation",
    "closer": "closing",
    "signature": "signature",
    "signed": "signature",
    "dateline": "dateline",
    "postscript": "postscript",
    "annotation": "editorial-note",
    "attachment": "editorial-note",
    "enclosure": "editorial-note",
}
# Block elements that are furniture around a text, never body: an epigraph or dedication above it,
# "Fin" below it.
_FURNITURE = {"epigraph": "header", "trailer": None}

# <choice>: the reading kept. An edition's <expan> is a gloss, not an expansion, when it offers
# alternatives or a translation ("franken / francs / franchi", "Signoria Vostra (Eure Herrschaft)"),
# and a line-by-line transcription of a manuscript gives what the writer wrote: in either the
# transcription is the text (the edition's convention, decided once per file, never per element).
_PREFERRED = ("expan", "reg", "corr")
_ALTERNATIVE = ("abbr", "orig", "sic")
_GLOSS = re.compile(r"\s/\s|\([^)]+\)\s*$")

# The writer of a letter in an edition's title "Heinrich Weiss an Alfred Escher, Winterthur, …".
_TO_WORDS = ("an", "to", "à", "a", "aan", "til")
_LETTER_TITLE = re.compile(rf"^(?P<sender>.+?)\s+(?:{'|'.join(_TO_WORDS)})\s+(?P<addressee>[^,]+)", re.I)

_TRANSLATION_CREDIT = re.compile(
    r"^(?:traduction|translation|translated by|traducción|traduzione|übersetzung|trad\.)\s*(?:par|by|de|von)?\s*"
    r"(?P<who>.+)$",
    re.I,
)


@dataclass(slots=True)
class _Context:
    where: str = "body"  # front, body, back
    part: str | None = None  # a part stated by an enclosing element
    level: int = 1
    in_quote: bool = False


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
    text_el = root.find(f"{TEI}text")
    reader = _TextReader(text_el)
    if text_el is not None:
        reader.walk(text_el, _Context())
    blocks = _settle_parts(reader.blocks)
    return Page(path=path, format="tei", encoding="utf-8", blocks=blocks + reader.notes, fields=fields,
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


# A name in words, without a dot or a slash: "wikisource", "Assemblée Nationale", "Légifrance".
_NAMED_IN_WORDS = re.compile(r"^[^\W\d][\w' -]{1,40}$")


def _text(el: etree._Element) -> str:
    return _SPACE.sub(" ", "".join(el.itertext())).strip()


def _local(el: etree._Element) -> str:
    tag = el.tag
    return tag.split("}", 1)[1] if isinstance(tag, str) and "}" in tag else str(tag)


# -- the header ----------------------------------------------------------------------------------------


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
                    refs = bibl.findall(f"{TEI}ref")
                    target = refs[0].get("target") or "" if len(refs) == 1 else ""
                    shown = _text(bibl)
                    if target.startswith("http") and _text(refs[0]) == shown and _NAMED_IN_WORDS.match(shown):
                        # <bibl><ref target="https://fr.wikisource.org/…">wikisource</ref></bibl>: a site
                        # named in words, not by its address ("marxists.org" is one); the address linked is
                        # where the text was taken from.
                        fields.setdefault("bibl_site", []).append(_text(bibl))
                        fields.setdefault("bibl_site_address", []).append(target)
            for ident in source_desc.iter(f"{TEI}msIdentifier"):
                # A manuscript: its holder and shelf mark ("BAR, CH-BAR#J1.67#1000/1363#194*").
                holder = [_text(e) for e in ident.iter(f"{TEI}repository", f"{TEI}institution") if _text(e)]
                idnos = ident.findall(f"{TEI}idno")
                marks = [_text(i) for i in idnos if i.get("type") == "original" and _text(i)] or [
                    _text(i) for i in idnos if _text(i)
                ]
                statement = ", ".join(holder[:1] + marks[:1])
                if statement:
                    fields.setdefault("manuscript", []).append(statement)
        for licence in file_desc.iter(f"{TEI}licence"):
            fields.setdefault("rights", []).append(_text(licence) or licence.get("target") or "")
    for creation in header.iter(f"{TEI}creation"):
        for date in creation.iter(f"{TEI}date"):
            value = _date_value(date)
            if value:
                fields.setdefault("date_written", []).append(value)
    for language in header.iter(f"{TEI}language"):
        if language.get("ident"):
            fields.setdefault("language", []).append(language.get("ident") or "")
    for corresp in header.iter(f"{TEI}correspDesc"):
        _read_correspondence(corresp, fields)


def _date_value(date: etree._Element) -> str | None:
    when = date.get("when")
    if when and not re.match(r"^0000", when):
        return when
    if date.get("from") and date.get("to"):
        return f"{date.get('from')}/{date.get('to')}"
    return None if when else (_text(date) or None)


def _read_correspondence(corresp: etree._Element, fields: dict[str, list[str]]) -> None:
    """Sender, addressee, place and date of a letter. The ``@type`` of the names inside one
    ``correspAction`` is not to be trusted (the Escher edition marks the writer ``addressee`` in most
    letters): the edition's title, "X an Y, Ort, Datum", says who wrote to whom, so a name the title
    puts first is the sender; only failing a title do the actions and types decide."""
    people: dict[str, list[str]] = {"sent": [], "received": []}
    typed: dict[str, list[str]] = {"sender": [], "addressee": []}
    for action in corresp.findall(f"{TEI}correspAction"):
        kind = action.get("type") or ""
        for person in action.iter(f"{TEI}persName", f"{TEI}orgName", f"{TEI}name"):
            name = _text(person)
            if not name:
                continue
            people.setdefault(kind, []).append(name)
            if person.get("type") in typed:
                typed[person.get("type") or ""].append(name)
        place = action.find(f"{TEI}placeName")
        date = action.find(f"{TEI}date")
        if kind == "sent":
            if place is not None and _text(place):
                fields.setdefault("place_sent", []).append(_text(place))
            if date is not None and (value := _date_value(date)):
                fields.setdefault("date_sent", []).append(value)
    names = people["sent"] + people["received"]
    title = (fields.get("title") or [""])[0]
    by_title = _LETTER_TITLE.match(title)
    sender = addressee = None
    if by_title:
        sender = next((n for n in names if _same_person(n, by_title.group("sender"))), None)
        addressee = next((n for n in names if _same_person(n, by_title.group("addressee"))), None)
    if sender is None:
        if people["received"] and people["sent"]:
            sender = people["sent"][0]
        elif typed["sender"]:
            sender = typed["sender"][0]
    if addressee is None:
        others = [n for n in people["received"] + typed["addressee"] + names if n != sender]
        addressee = others[0] if others else None
    if sender:
        fields["sender"] = [sender]
    if addressee:
        fields["addressee"] = [addressee]


def _same_person(name: str, written: str) -> bool:
    a, b = name.casefold().split(), written.casefold().split()
    return bool(a and b) and (a == b or a[-1] == b[-1])


# -- the text ------------------------------------------------------------------------------------------


class _TextReader:
    def __init__(self, text_el: etree._Element | None) -> None:
        self.blocks: list[tuple[Block, str]] = []  # each block with where it stood (front, body, back)
        self.notes: list[Block] = []
        # One reading of every <choice> in the file: the edition's convention, not each element's.
        self.glossed = text_el is not None and any(
            _GLOSS.search(_text(e)) for e in text_el.iter(f"{TEI}expan")
        )
        self.diplomatic = text_el is not None and any(
            e.get("break") == "no" or e.get(f"{{{_XML}}}id") for e in text_el.iter(f"{TEI}lb")
        )
        self.glossed = self.glossed or self.diplomatic

    def walk(self, el: etree._Element, ctx: _Context) -> None:
        for child in el:
            if not isinstance(child.tag, str):
                continue
            name = _local(child)
            if name in _SKIPPED:
                continue
            if name == "note":
                self._note(child)
            elif name in ("front", "back"):
                self.walk(child, _Context(where=name, part=ctx.part, level=ctx.level))
            elif name == "div":
                self._div(child, ctx)
            elif name in _OPENER_CLOSER:
                self._opener_closer(child, name, ctx)
            elif name in _CONTAINERS:
                self.walk(child, ctx)
            elif name in _BLOCKS:
                self._block(child, name, ctx)
            else:
                self.walk(child, ctx)

    def _div(self, div: etree._Element, ctx: _Context) -> None:
        stated = _DIV_PARTS.get((div.get("type") or "").casefold())
        if stated == "salutation" and (
            ctx.where == "back" or sum(1 for lb in div.iter(f"{TEI}lb") if lb.get("break") != "no") >= 2
        ):
            stated = "addressee"  # an opener of several lines is the address ("Monsieur le Docteur / … / à Zurich")
        part = ctx.part
        if stated and ctx.where != "body":
            part = stated
        elif ctx.where in ("front", "back") and part is None:
            part = "editorial-note"  # a translator's note, a preface by another, an appendix, a draft
        self.walk(div, _Context(where=ctx.where, part=part, level=ctx.level + 1, in_quote=ctx.in_quote))

    def _opener_closer(self, el: etree._Element, name: str, ctx: _Context) -> None:
        """An <opener>, <closer> or <postscript>: its own text is one block of the element's part, its
        <salute>, <signed> and <dateline> blocks of theirs."""
        part = _OPENER_CLOSER[name]
        run: list[etree._Element | str] = [el.text or ""]
        inner = _Context(where=ctx.where, part=part, level=ctx.level, in_quote=ctx.in_quote)

        def flush() -> None:
            text = self._inline_run(run)
            if text:
                self._emit(text, "p", (name,), inner, part)
            run.clear()

        for child in el:
            if isinstance(child.tag, str) and _local(child) in _BLOCKS | _CONTAINERS | {"div"}:
                flush()
                child_name = _local(child)
                if child_name == "salute":
                    self._block(child, child_name, inner, "closing" if name == "closer" else "salutation")
                elif child_name in _PART_ELEMENTS:
                    self._block(child, child_name, inner, _PART_ELEMENTS[child_name])
                elif child_name in _BLOCKS:
                    self._block(child, child_name, inner, part)
                else:
                    self.walk(child, inner)
                run.append(child.tail or "")
            else:
                run.append(child)
        flush()

    def _block(self, el: etree._Element, name: str, ctx: _Context, part: str | None = None) -> None:
        text = self._inline(el)
        if not text:
            return
        if part is None:
            part = _PART_ELEMENTS.get(name) if name in _PART_ELEMENTS else ctx.part
            if name == "salute" and ctx.part == "closing":
                part = "closing"
        if ctx.where == "front" and part is None:
            part = "header"  # a title page, a letterhead: what is not in one of the front's divisions
        zone = "main"
        if name in _FURNITURE:
            if _FURNITURE[name] is None:
                zone = "chrome"  # "Fin", "Fin de la seconde partie."
            elif ctx.where == "body" and not self._body_started():
                part = _FURNITURE[name]
        tag = f"h{min(ctx.level + 1, 6)}" if name == "head" else _ROLE_TAGS.get(name, "p")
        self._emit(text, tag, (name,), ctx, part, zone=zone, in_quote=name == "quote" or ctx.in_quote)

    def _body_started(self) -> bool:
        return any(
            where == "body" and block.part is None and block.tag == "p" for block, where in self.blocks
        )

    def _emit(self, text: str, tag: str, classes: tuple[str, ...], ctx: _Context, part: str | None,
              zone: str = "main", in_quote: bool = False) -> None:  # fmt: skip
        block = Block(text=text, tag=tag, classes=classes, in_quote=in_quote, zone=zone, part=part)
        self.blocks.append((block, ctx.where))

    def _note(self, el: etree._Element) -> None:
        text = self._inline(el)
        if text:
            self.notes.append(Block(text=text, tag="p", zone="footnote", classes=("note",), part="footnote"))

    # -- inline content ------------------------------------------------------------------------------

    def _inline(self, el: etree._Element) -> str:
        return self._inline_run([el.text or "", *el])

    def _inline_run(self, run: list[etree._Element | str]) -> str:
        pieces: list[str] = []
        for piece in run:
            if isinstance(piece, str):
                pieces.append(_SPACE.sub(" ", piece))
            else:
                self._render(piece, pieces)
                pieces.append(_SPACE.sub(" ", piece.tail or ""))
        return _tidy("".join(pieces))

    def _render(self, el: etree._Element, pieces: list[str]) -> None:
        if not isinstance(el.tag, str):
            return  # a comment or processing instruction (its tail is the caller's)
        name = _local(el)
        if name in _SKIPPED:
            return
        if name == "note":
            self._note(el)
            return
        if name == "lb":
            if el.get("break") == "no":
                pieces.append(_JOIN)
            else:
                pieces.append(" " if self.diplomatic else _BREAK)
            return
        if name == "choice":
            chosen = self._reading(el)
            if chosen is not None:
                self._render(chosen, pieces)
            return
        if name in _BLOCKS and name not in ("quote", "label", "bibl", "title"):
            pieces.append(_BREAK)  # a block inside a block: a line of its own
        pieces.append(_SPACE.sub(" ", el.text or ""))
        for child in el:
            self._render(child, pieces)
            pieces.append(_SPACE.sub(" ", child.tail or ""))

    def _reading(self, choice: etree._Element) -> etree._Element | None:
        options = {_local(c): c for c in choice if isinstance(c.tag, str)}
        order = (_ALTERNATIVE + _PREFERRED) if self.glossed else (_PREFERRED + _ALTERNATIVE)
        return next((options[n] for n in order if n in options), next(iter(options.values()), None))


_XML = "http://www.w3.org/XML/1998/namespace"


def _tidy(text: str) -> str:
    text = re.sub(rf"[ \t\r\n]*{_JOIN}[ \t\r\n]*", "", text)
    lines = [_SPACE.sub(" ", line).strip() for line in text.split(_BREAK)]
    return "\n".join(line for line in lines if line)


def _settle_parts(placed: list[tuple[Block, str]]) -> list[Block]:
    """A salutation, dateline or signature inside the body is the text's own only before its first
    paragraph or after its last; between them it belongs to something the text quotes (a letter in a
    memoir) and is body."""
    plain = [i for i, (block, where) in enumerate(placed) if where == "body" and block.part is None]
    first, last = (plain[0], plain[-1]) if plain else (len(placed), -1)
    salutations = [
        i for i, (block, where) in enumerate(placed) if where == "front" and block.part == "salutation"
    ]
    blocks = []
    for i, (block, where) in enumerate(placed):
        if where == "body" and block.part not in (None, "header") and first < i < last:
            block.part = None
        if i in salutations[:-1]:
            block.part = "addressee"  # openers before the last one: the address, a heading
        blocks.append(block)
    return blocks

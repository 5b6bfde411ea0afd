"""Citations of one `Document`: Chicago (note and bibliography), BibTeX, CSL-JSON and RIS.

Pure functions of the document, no web or store imports, so the reading room, a later bulk export
and a test all get the same text. Dates are the archive's ISO 8601 / EDTF forms (``1939-09-20``,
``1939-09``, ``1939``, ranges ``1920-06/1920-07``, approximate ``1933-03~``, uncertain ``1933?``)
and each format keeps what it can say of them: a range stays a range, an approximate date stays
approximate — never rounded to a false precision.

The date cited is the date of publication when the archive knows one, else the date written; the
other (with the place written) goes in the note, where a reader finds it.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from archivist.export.citing import (
    CitedDate,
    Name,
    chicago_date,
    citation_key,
    cited_date,
    parse_date,
    prose_date,
    split_name,
)
from archivist.model import Document

__all__ = [
    "FORMATS",
    "CitationFormat",
    "CitedDate",
    "Name",
    "bibtex",
    "bibtex_escape",
    "chicago",
    "chicago_bibliography",
    "chicago_date",
    "chicago_note",
    "citation_key",
    "cited_date",
    "csl_json",
    "csl_json_text",
    "parse_date",
    "prose_date",
    "ris",
    "split_name",
]

LANGUAGE_NAMES = {
    "en": "english",
    "fr": "french",
    "de": "german",
    "es": "spanish",
    "ru": "russian",
    "it": "italian",
    "is": "icelandic",
    "pt": "portuguese",
    "nl": "dutch",
    "pl": "polish",
}

CSL_TYPES = {
    "article": "article-journal",
    "letter": "personal_communication",
    "speech": "speech",
    "resolution": "document",
    "book-chapter": "chapter",
    "interview": "interview",
    "manifesto": "document",
    "pamphlet": "pamphlet",
    "other": "document",
}

RIS_TYPES = {
    "article": "JOUR",
    "letter": "PCOMM",
    "speech": "GEN",
    "resolution": "GEN",
    "book-chapter": "CHAP",
    "interview": "GEN",
    "manifesto": "GEN",
    "pamphlet": "PAMP",
    "other": "GEN",
}

# How a document of each type is described where no periodical or book holds it.
GENRE = {
    "letter": "Letter",
    "speech": "Speech",
    "resolution": "Resolution",
    "interview": "Interview",
    "manifesto": "Manifesto",
    "pamphlet": "Pamphlet",
}


def _note_line(doc: Document) -> str | None:
    """What a reader should know that the citation's own fields do not hold: when and where it was
    written (if it is not the date cited), for whom (a letter), its classification."""
    bits = []
    written = (
        doc.date_written
        if doc.date_written and doc.date_written != (doc.date_published or doc.date_written)
        else None
    )
    place = doc.place if doc.doc_type != "speech" else None
    if written or place:
        bits.append(
            "Written" + (f" in {place}" if place else "") + (f", {prose_date(written)}" if written else "")
        )
    if doc.classification:
        bits.append(f"Marked “{doc.classification}”")
    if doc.source and not doc.source_title:
        bits.append(f"Source: {doc.source}")
    text = ". ".join(b.rstrip(", ") for b in bits)
    return text + "." if text else None


# -- Chicago -----------------------------------------------------------------------------------------
Markup = Callable[[str], str]


def _join_names(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


def _quoted_title(title: str, closing: str, esc: Markup) -> str:
    """Chicago puts the comma or period inside the quotation marks, and drops it after ? or !."""
    mark = "" if title.endswith(("?", "!", ".")) else closing
    # quotation marks inside a quoted title become single ones
    title = re.sub(r'"([^"]*)"', r"‘\1’", title.replace("“", "‘").replace("”", "’"))
    return f"“{esc(title)}{mark}”"


def _container(doc: Document, esc: Markup, italic: Markup, note: bool) -> str:
    """'*Socialist Appeal* III, no. 72 (September 20, 1939): 1' — the periodical or book, its date."""
    date = cited_date(doc)
    when = chicago_date(date) if date else None
    if doc.source_title and doc.doc_type == "book-chapter":
        out = ("in " if note else "In ") + italic(esc(doc.source_title))
        if doc.source_volume:
            out += f", vol. {esc(doc.source_volume)}"
        if when:
            out += f" ({esc(when)})" if note else f". {esc(when)}"
        if doc.source_page:
            out += ", " + esc(doc.source_page)
        return out
    if doc.source_title:
        out = italic(esc(doc.source_title))
        if doc.source_volume:
            out += f" {esc(doc.source_volume)}"
        if doc.source_issue:
            out += f", no. {esc(doc.source_issue)}"
        if when:
            out += f" ({esc(when)})"
        if doc.source_page:
            out += f": {esc(doc.source_page)}"
        return out
    genre = GENRE.get(doc.doc_type)
    bits = []
    if genre == "Letter" and doc.addressee:
        bits.append(("letter to " if note else "Letter to ") + esc(doc.addressee))
    elif genre:
        bits.append(genre.lower() if note else genre)
    if doc.place and doc.doc_type == "speech":
        bits.append(esc(doc.place))
    if when:
        bits.append(esc(when))
    return ", ".join(bits)


def _chicago(doc: Document, note: bool, esc: Markup, italic: Markup) -> str:
    names = [split_name(a) for a in doc.authors]
    pieces: list[str] = []
    if names:
        if note:
            pieces.append(esc(_join_names([n.written for n in names])))
        else:
            # 'Marx, Karl, and Frederick Engels': the first name inverted, and a comma before 'and'
            # when that name has one ('Marx and Engels' stays as it is)
            first, rest = names[0].inverted, [n.written for n in names[1:]]
            if len(rest) > 1 or (rest and "," in first):
                pieces.append(esc(", ".join([first, *rest[:-1]]) + f", and {rest[-1]}"))
            else:
                pieces.append(esc(" and ".join([first, *rest])))
    title = doc.title or "Untitled"
    container = _container(doc, esc, italic, note)
    if note:
        out = ", ".join(pieces)
        if not (container or doc.translator):
            return out + (", " if out else "") + _quoted_title(title, ".", esc)
        out += (", " if out else "") + _quoted_title(title, ",", esc)
        if doc.translator:
            out += f" trans. {esc(doc.translator)}" + ("," if container else "")
        if container:
            out += " " + (
                f"({container})" if doc.doc_type == "speech" and not doc.source_title else container
            )
        out = out.rstrip(",") + "."
        return out + (f" {esc(doc.url)}." if doc.url else "")
    out = "".join(pieces)
    if out and not out.endswith("."):
        out += "."
    out += (" " if out else "") + _quoted_title(title, ".", esc)
    if doc.translator:
        out += f" Translated by {esc(doc.translator)}."
    if container:
        out += " " + container[0].upper() + container[1:] + "."
    if doc.url:
        out += f" {esc(doc.url)}."
    return out


def _plain(text: str) -> str:
    return text


def chicago_note(doc: Document, html_markup: bool = False) -> str:
    """Chicago notes-and-bibliography style, first note. Plain text, or HTML with the periodical
    or book in <i> and everything else escaped."""
    if html_markup:
        return _chicago(doc, True, lambda s: html.escape(s, quote=False), lambda s: f"<i>{s}</i>")
    return _chicago(doc, True, _plain, _plain)


def chicago_bibliography(doc: Document, html_markup: bool = False) -> str:
    """Chicago notes-and-bibliography style, bibliography entry (surname first)."""
    if html_markup:
        return _chicago(doc, False, lambda s: html.escape(s, quote=False), lambda s: f"<i>{s}</i>")
    return _chicago(doc, False, _plain, _plain)


# -- CSL-JSON ----------------------------------------------------------------------------------------
def _csl_name(name: Name) -> dict[str, str]:
    if name.literal or not name.family:
        return {"literal": name.written}
    out = {"family": name.family}
    if name.given:
        out["given"] = name.given
    if name.suffix:
        out["suffix"] = name.suffix
    return out


def _csl_date(date: CitedDate) -> dict[str, Any]:
    parts: list[list[int]] = [list(date.start)]
    if date.end is not None:
        parts.append(list(date.end))
    out: dict[str, Any] = {"date-parts": parts, "raw": date.raw}
    if date.approximate or date.uncertain:
        out["circa"] = True
    return out


def csl_json(doc: Document) -> dict[str, Any]:
    """One CSL-JSON item (a bibliography is a list of these; see ../shared/schemas/csl-data.json)."""
    item: dict[str, Any] = {
        "id": doc.id,
        "citation-key": citation_key(doc),
        "type": "article" if doc.doc_type == "article" and not doc.source_title else CSL_TYPES[doc.doc_type],
        "title": doc.title or "Untitled",
    }
    if doc.authors:
        item["author"] = [_csl_name(split_name(a)) for a in doc.authors]
    if doc.translator:
        item["translator"] = [_csl_name(split_name(doc.translator))]
    if doc.addressee and doc.doc_type == "letter":
        item["recipient"] = [{"literal": doc.addressee}]
    date = cited_date(doc)
    if date:
        item["issued"] = _csl_date(date)
    elif doc.date_published or doc.date_written:
        item["issued"] = {"literal": doc.date_published or doc.date_written}
    for key, value in (
        ("container-title", doc.source_title),
        ("volume", doc.source_volume),
        ("issue", doc.source_issue),
        ("page", doc.source_page),
        ("language", doc.language),
    ):
        if value:
            item[key] = value
    if doc.place and doc.doc_type == "speech":
        item["event-place"] = doc.place
    if doc.classification:
        item["status"] = doc.classification
    if doc.url:
        item["URL"] = doc.url
    note = _note_line(doc)
    if note:
        item["note"] = note
    return item


# -- BibTeX ------------------------------------------------------------------------------------------
_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def bibtex_escape(text: str) -> str:
    """Text safe inside a BibTeX field: LaTeX's special characters escaped, braces balanced."""
    return "".join(_BIBTEX_SPECIAL.get(ch, ch) for ch in " ".join(text.split()))


def _bibtex_name(name: Name) -> str:
    if name.literal or not name.family:
        return "{" + bibtex_escape(name.written) + "}"
    out = bibtex_escape(name.family)
    if " " in name.family:
        out = "{" + out + "}"
    if name.suffix:
        out += ", " + bibtex_escape(name.suffix)
    return out + (", " + bibtex_escape(name.given) if name.given else "")


def _bibtex_type(doc: Document) -> str:
    if doc.doc_type == "article" and doc.source_title:
        return "article"
    if doc.doc_type == "book-chapter" and doc.source_title:
        return "incollection"
    if doc.doc_type == "pamphlet":
        return "booklet"
    return "misc"


def bibtex(doc: Document) -> str:
    """One BibTeX entry (biblatex fields where plain BibTeX has none: date, langid, translator)."""
    entry_type = _bibtex_type(doc)
    fields: list[tuple[str, str]] = []
    if doc.authors:
        fields.append(("author", " and ".join(_bibtex_name(split_name(a)) for a in doc.authors)))
    # Double braces keep the title's capitals as written (BibTeX styles would lower-case them).
    fields.append(("title", "{" + bibtex_escape(doc.title or "Untitled") + "}"))
    if doc.source_title:
        container = {"article": "journal", "incollection": "booktitle"}.get(entry_type)
        if container:
            fields.append((container, bibtex_escape(doc.source_title)))
    for key, value in (
        ("volume", doc.source_volume),
        ("number", doc.source_issue),
        ("pages", doc.source_page),
    ):
        if value and (doc.source_title or key == "pages"):
            fields.append((key, bibtex_escape(value)))
    date = cited_date(doc)
    if date:
        fields.append(("year", str(date.year)))
        fields.append(("date", date.raw))
    elif doc.date_published or doc.date_written:
        fields.append(("year", bibtex_escape(doc.date_published or doc.date_written or "")))
    if doc.translator:
        fields.append(("translator", _bibtex_name(split_name(doc.translator))))
    if entry_type == "misc" or (entry_type == "booklet" and doc.source_title):
        how = GENRE.get(doc.doc_type)
        if doc.source_title:
            how = f"{how}, in " if how else "In "
            how += doc.source_title
        elif how == "Letter" and doc.addressee:
            how += " to " + doc.addressee
        if how:
            fields.append(("howpublished", bibtex_escape(how)))
    if doc.place and doc.doc_type == "speech":
        fields.append(("venue", bibtex_escape(doc.place)))
    if doc.language:
        fields.append(("langid", LANGUAGE_NAMES.get(doc.language, doc.language)))
    if doc.url:
        fields.append(("url", doc.url))
    note = _note_line(doc)
    if note:
        fields.append(("note", bibtex_escape(note)))
    body = ",\n".join(f"  {key} = {{{value}}}" for key, value in fields)
    return f"@{entry_type}{{{citation_key(doc)},\n{body}\n}}\n"


# -- RIS ---------------------------------------------------------------------------------------------
def _ris_date(date: CitedDate) -> str:
    """RIS's 'YYYY/MM/DD/other': the last slot keeps what the first three cannot (a range, ~, ?)."""
    start = date.start
    out = f"{start[0]:04d}/" + (f"{start[1]:02d}" if len(start) > 1 else "") + "/"
    out += f"{start[2]:02d}" if len(start) > 2 else ""
    other = date.raw if date.end or date.approximate or date.uncertain else ""
    return out + "/" + other


def ris(doc: Document) -> str:
    """One RIS record (the tagged format reference managers import), lines ending in CRLF."""
    ris_type = RIS_TYPES[doc.doc_type]
    if ris_type in ("JOUR", "CHAP") and not doc.source_title:
        ris_type = "GEN"
    lines = [("TY", ris_type), ("ID", citation_key(doc))]
    lines += [("AU", split_name(a).inverted) for a in doc.authors]
    lines.append(("TI", doc.title or "Untitled"))
    if doc.source_title:
        lines.append(("T2", doc.source_title))
    for tag, value in (("VL", doc.source_volume), ("IS", doc.source_issue), ("SP", doc.source_page)):
        if value:
            lines.append((tag, value))
    date = cited_date(doc)
    if date:
        lines += [("PY", _ris_date(date)), ("DA", _ris_date(date))]
    if doc.translator:
        lines.append(("A4", split_name(doc.translator).inverted))
    if doc.place and doc.doc_type == "speech":
        lines.append(("CY", doc.place))
    if doc.language:
        lines.append(("LA", doc.language))
    if doc.doc_type in GENRE:
        lines.append(("M3", GENRE[doc.doc_type]))
    if doc.url:
        lines.append(("UR", doc.url))
    note = _note_line(doc)
    if note:
        lines.append(("N1", note))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {' '.join(value.split())}\r\n" for tag, value in lines)


def chicago(doc: Document) -> str:
    """Both Chicago forms as a small text file: the note, a blank line, the bibliography entry."""
    return f"{chicago_note(doc)}\n\n{chicago_bibliography(doc)}\n"


def csl_json_text(doc: Document) -> str:
    """A CSL-JSON file: a list of one item, as reference managers import it."""
    return json.dumps([csl_json(doc)], ensure_ascii=False, indent=2) + "\n"


@dataclass(frozen=True, slots=True)
class CitationFormat:
    name: str
    label: str
    render: Callable[[Document], str]
    media_type: str
    suffix: str


FORMATS = {
    f.name: f
    for f in (
        CitationFormat("bibtex", "BibTeX", bibtex, "application/x-bibtex; charset=utf-8", "bib"),
        CitationFormat("ris", "RIS", ris, "application/x-research-info-systems; charset=utf-8", "ris"),
        CitationFormat(
            "csl-json", "CSL-JSON", csl_json_text, "application/vnd.citationstyles.csl+json", "json"
        ),
        CitationFormat("chicago", "Chicago", chicago, "text/plain; charset=utf-8", "txt"),
    )
}

"""How a `Document` is read for citing: its dates (ISO 8601 / EDTF, ranges, approximate and
uncertain) as `CitedDate`, its people's names split into family and given (or kept whole for a
body such as an editorial staff), the date a citation gives, and the stable citation key.

The archive's dates come in the forms ``1939-09-20``, ``1939-09``, ``1939``, ranges
``1920-06/1920-07`` and EDTF marks (``1933-03~`` approximate, ``1933?`` uncertain); a `CitedDate`
keeps all of it, so no format rounds a date to a false precision.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from archivist.model import Document

# English month names, as Chicago writes dates.
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip

# Words a citation key skips when it takes "the first significant word" of a title.
TITLE_STOPWORDS = frozenset(
    """a an the on of in to and for at by from with as is are or
    le la les l un une des de du d et au aux  el los las lo unos y del en
    der die das ein eine und zu von im  il gli i una di e""".split()  # noqa: SIM905
)

# Particles that belong to the surname ("Daniel De Leon", "Ludwig von Mises").
SURNAME_PARTICLES = frozenset("de del della der di da du la le van von ten ter dos das".split())  # noqa: SIM905
NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})

# A name with one of these words is a body (a party, an editorial staff), cited as written.
ORGANISATION_WORDS = frozenset(
    """party international committee staff congress council bureau executive federation league
    union editorial group conference secretariat association society board government tendency
    opposition collective organisation organization club movement caucus presidium politburo
    commission delegation section branch workers""".split()  # noqa: SIM905
)

# -- dates -------------------------------------------------------------------------------------------
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?([~?%]?)$")


@dataclass(frozen=True, slots=True)
class CitedDate:
    """An archive date read for citing: `start` (and `end` for a range) as (year, month, day)
    prefixes, and whether it is approximate (``~``) or uncertain (``?``); `raw` as stored."""

    raw: str
    start: tuple[int, ...]
    end: tuple[int, ...] | None = None
    approximate: bool = False
    uncertain: bool = False

    @property
    def year(self) -> int:
        return self.start[0]


def parse_date(value: str | None) -> CitedDate | None:
    """The archive's ISO 8601 / EDTF date (or range) as a `CitedDate`; None if it is not one."""
    if not value:
        return None
    ends = value.strip().split("/")
    if len(ends) > 2:
        return None
    parsed = []
    approximate = uncertain = False
    for end in ends:
        match = _DATE.match(end)
        if match is None:
            return None
        parts = tuple(int(g) for g in match.groups()[:3] if g)
        if len(parts) > 1 and not 1 <= parts[1] <= 12:
            return None
        if len(parts) > 2 and not 1 <= parts[2] <= 31:
            return None
        parsed.append(parts)
        approximate = approximate or match.group(4) in ("~", "%")
        uncertain = uncertain or match.group(4) in ("?", "%")
    return CitedDate(value, parsed[0], parsed[1] if len(parsed) == 2 else None, approximate, uncertain)


def _words_date(parts: tuple[int, ...]) -> str:
    if len(parts) == 3:
        return f"{MONTHS[parts[1] - 1]} {parts[2]}, {parts[0]}"
    if len(parts) == 2:
        return f"{MONTHS[parts[1] - 1]} {parts[0]}"
    return str(parts[0])


def chicago_date(date: CitedDate) -> str:
    """'September 20, 1939', 'June–July 1920', 'May 9–11, 1918', 'ca. 1933', '1933?'."""
    start, end = date.start, date.end
    if end is None or end == start:
        text = _words_date(start)
    elif len(start) == len(end) == 3 and start[:2] == end[:2]:
        text = f"{MONTHS[start[1] - 1]} {start[2]}–{end[2]}, {start[0]}"
    elif len(start) == len(end) == 2 and start[0] == end[0]:
        text = f"{MONTHS[start[1] - 1]}–{MONTHS[end[1] - 1]} {start[0]}"
    elif len(start) == len(end) == 1:
        text = f"{start[0]}–{end[0]}"
    else:
        text = f"{_words_date(start)}–{_words_date(end)}"
    if date.approximate:
        text = "ca. " + text
    if date.uncertain:
        text += "?"
    return text


def prose_date(value: str | None) -> str | None:
    """A date for a note in prose: '14 September 1939' (ranges and EDTF marks as Chicago has them)."""
    date = parse_date(value)
    if date is None:
        return value
    if date.end is None and len(date.start) == 3 and not (date.approximate or date.uncertain):
        return f"{date.start[2]} {MONTHS[date.start[1] - 1]} {date.start[0]}"
    return chicago_date(date)


# -- names -------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Name:
    """A person's name split for citing (family, given, suffix), or a body's name as `literal`."""

    written: str
    family: str | None = None
    given: str | None = None
    suffix: str | None = None
    literal: str | None = None

    @property
    def inverted(self) -> str:
        """'Trotsky, Leon' for a bibliography; a body or a one-word name as written."""
        if self.literal or not self.family:
            return self.written
        out = self.family + (f", {self.given}" if self.given else "")
        return out + (f", {self.suffix}" if self.suffix else "")


def split_name(written: str) -> Name:
    """'Leon Trotsky' → family Trotsky, given Leon; 'Daniel De Leon' → family 'De Leon';
    'Editorial Staff, Biulleten Oppozitsii' → a literal (a body, not a person), as is anything with
    digits or punctuation no person's name has ('Karl Marx: The Civil War')."""
    name = " ".join(written.split())
    words = name.replace(",", " ").split()
    if not words:
        return Name(written)
    if re.search(r"[,:;/()\d]", name) or any(w.lower().strip(".") in ORGANISATION_WORDS for w in words):
        return Name(name, literal=name)
    suffix = None
    if len(words) > 1 and words[-1].lower() in NAME_SUFFIXES:
        suffix = words.pop()
    if len(words) == 1:
        return Name(name, family=words[0], suffix=suffix)
    first_family = len(words) - 1
    while first_family > 1 and words[first_family - 1].lower() in SURNAME_PARTICLES:
        first_family -= 1
    return Name(
        name, family=" ".join(words[first_family:]), given=" ".join(words[:first_family]), suffix=suffix
    )


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", folded.lower())


# -- what every format shares ------------------------------------------------------------------------
def cited_date(doc: Document) -> CitedDate | None:
    """The date a citation gives: publication if known, else when it was written."""
    return parse_date(doc.date_published) or parse_date(doc.date_written)


def citation_key(doc: Document) -> str:
    """A stable BibTeX key: first author's surname + year + first significant title word,
    ASCII lower case ('trotsky1939sees'); 'anon' / 'nd' / 'untitled' where one is missing."""
    surname = ""
    if doc.authors:
        name = split_name(doc.authors[0])
        surname = _ascii_word((name.literal or "").split()[0] if name.literal else name.family or "")
    date = cited_date(doc)
    word = ""
    for token in re.findall(r"\w+", doc.title or ""):
        if token.lower() in TITLE_STOPWORDS:
            continue
        word = _ascii_word(token)
        if word:
            break
    return f"{surname or 'anon'}{date.year if date else 'nd'}{word or 'untitled'}"

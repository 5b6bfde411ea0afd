"""Person-name shapes: is a short line a name (a byline, a signature)? What is its surname?"""

from __future__ import annotations

import re

from archivist.extract.lexicon import NAME_PARTICLES, NOT_NAMES, PLACE_PARTICLES
from archivist.text import one_line

_TOKEN = re.compile(
    r"^(?:[A-ZÀ-ÞА-Я][a-zà-ÿа-яё'’-]+|[A-ZÀ-ÞА-Я]\.(?:[A-ZÀ-ÞА-Я]\.)*|[A-ZÀ-ÞА-Я]{2,}|Mc[A-Z][a-z]+|"
    r"(?:Ch|Th|Wm|Fr|Jos|Chas|Geo|Jas|Ed|Alex|Ph|Fred)\.)$"  # abbreviated given names: "Ch. Longuet"
)


# Compiled once: looks_like_name runs on most short lines, and re's own cache lookup is a
# noticeable part of a search on a short string.
_INITIAL_AT_END = re.compile(r"\b[A-ZÀ-ÞА-Я]\.$")
_NOT_IN_A_NAME = re.compile(r"[!?:;\"“”()\[\]\d]")
_WORD_BREAK = re.compile(r"\s+|(?<=\.)(?=[A-ZÀ-Þ])")
_ROMAN = re.compile(r"[IVXLC]+\.?")
_BRACKETED = re.compile(r"\(.*?\)")
_SPACES_OR_STOPS = re.compile(r"[\s.]+")


def looks_like_name(text: str, max_words: int = 6) -> bool:
    """A person's or a signing body's name: a few capitalised words or initials, no sentence."""
    text = text.strip().rstrip(",;")
    if text.endswith(".") and not _INITIAL_AT_END.search(text):
        text = text[:-1]  # a full stop, not the dot of an initial ("K. M.")
    if not text or len(text) > 60 or _NOT_IN_A_NAME.search(text):
        return False
    words = _WORD_BREAK.split(text)
    words = [w for w in words if w]
    if not 1 <= len(words) <= max_words:
        return False
    content = [w for w in words if w.lower() not in NAME_PARTICLES]
    if content and all(_ROMAN.fullmatch(w) for w in content):
        return False  # "II.": a part number
    if not content or any(w.lower().strip(".,") in NOT_NAMES for w in content if not w.endswith(".")):
        return False
    if any(w.endswith(("'s", "’s")) for w in content):
        return False
    # Initials written without their stops ("V I Lenin") before a surname.
    bare_initials = (
        len(content) >= 2 and content[0] not in ("A", "I") and _TOKEN.match(content[-1]) is not None
    )
    return all(
        _TOKEN.match(w.strip(",")) or (bare_initials and re.fullmatch(r"[A-ZÀ-ÞА-Я]", w) is not None)
        for w in content
    )


def looks_like_place(text: str, max_words: int = 8) -> bool:
    """A place as datelines and headers write it: capitalised words, with the particles of
    "Santiago de Chile" or "Newcastle upon Tyne"."""
    words = [w for w in re.split(r"[\s,]+", text.strip(" ,.")) if w]
    return 0 < len(words) <= max_words and all(w[0].isupper() or w.lower() in PLACE_PARTICLES for w in words)


def surname(name: str) -> str:
    """The last non-initial word, folded: "G.V. Plekhanov" -> "plekhanov"."""
    name = _BRACKETED.sub(" ", name)
    words = [w.strip(".,") for w in _SPACES_OR_STOPS.split(name) if len(w.strip(".,")) > 1]
    return words[-1].lower() if words else name.lower().strip()


def same_person(a: str, b: str) -> bool:
    sa, sb = surname(a), surname(b)
    if not sa or not sb:
        return False
    return (
        sa == sb
        or sa.rstrip("f") == sb.rstrip("v")
        or sb.rstrip("f") == sa.rstrip("v")
        or (len(sa) > 4 and len(sb) > 4 and (sa.startswith(sb[:-1]) or sb.startswith(sa[:-1])))
    )


def split_authors(text: str) -> list[str]:
    """ "C.L.R. James & John Fitzpatrick" -> two names; "Marx and Engels" -> two."""
    text = one_line(text).strip(",.;")
    text = re.sub(r",?\s+(?:et\s+al|and\s+others)\.?$", "", text)  # "Pierre Rousset, Daniel Bensaïd et al."
    parts = re.split(r"\s*(?:&|\band\b|\bund\b|\bet\b|\by\b|;|\n)\s*", text)
    if (
        len(parts) == 1
        and "," in text
        and all(looks_like_name(p.strip(), 4) and len(p.split()) >= 2 for p in text.split(","))
    ):
        parts = [p.strip() for p in text.split(",")]  # "Pierre Rousset, Daniel Bensaïd"
    parts = [p.strip(" ,") for p in parts if p.strip(" ,")]
    if len(parts) > 1 and all(looks_like_name(p) for p in parts):
        last = parts[-1].split()
        if len(last) >= 2 and all(len(p.split()) == 1 for p in parts[:-1]):
            # "Eden and Cedar Paul": given names sharing one surname
            return [f"{p} {last[-1]}" for p in parts[:-1]] + [parts[-1]]
        return parts
    return [text] if text else []


# Words that name a periodical, not a place or a book: "Die Presse", "The Manchester Guardian".
_PERIODICAL = re.compile(
    r"\b(?:Review|Revue|Rivista|Revista|Journal|Gazette|Zeitung|Zeit|Times|News|Bulletin|Magazine|Monthly|Weekly|"
    r"Quarterly|Herald|Tribune|Guardian|Worker|Militant|Standard|Daily|Courier|Bote|Presse?|Fahne|Vorwärts|Pravda|"
    r"Iskra|Izvestia)\b",
    re.I,
)


def looks_like_periodical(text: str) -> bool:
    return _PERIODICAL.search(text) is not None


# Words that name a publisher ("Merit Publishers", "Pluto Press", "Éditions Sociales"): an imprint, a
# book edition, not a periodical.
PUBLISHER_WORD = r"(?:Publish(?:ers?|ing)|Publications|Press|Verlag|[EÉ]ditions|Editores)"

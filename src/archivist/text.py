"""Small text helpers that the readers (`sources`) and the extraction passes (`extract`) share."""

from __future__ import annotations


def one_line(text: str) -> str:
    r"""`text` with each run of whitespace as one space and none at either end: the same string as
    `re.sub(r"\s+", " ", text).strip()` (re's `\s`, `str.split` and `str.strip` agree on what is
    whitespace, no-break spaces included, as a test checks over every code point), at a third of
    the cost. A text that is already so once stripped and its line breaks made spaces (single spaces
    between words, no other whitespace) is returned so, without splitting it into words: most
    texts of an HTML page are so, but for the line breaks around them and the source's line breaks
    inside them. Other whitespace is looked for character by character in ASCII text (C's memchr),
    by `str.isprintable` in other text (false for every whitespace character but the space)."""
    text = text.strip()
    if text.isascii():  # its whitespace can only be the space and _ASCII_BREAKS: found at C speed
        spaced = text.replace("\n", " ")
        if "  " not in spaced and not _has_ascii_break(spaced):
            return spaced
    else:
        if "  " not in text and text.isprintable():
            return text
        if "\n" in text:
            spaced = text.replace("\n", " ")
            if "  " not in spaced and spaced.isprintable():
                return spaced
    return " ".join(text.split())


# The ASCII whitespace characters but the space and the line feed (`str.isspace`; a test checks them).
_ASCII_BREAKS = ("\t", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f")


def _has_ascii_break(text: str) -> bool:
    return any(char in text for char in _ASCII_BREAKS)  # a loop when compiled


def may_open(text: str, initials: str) -> bool:
    """False when `text` cannot match a case-blind pattern anchored at its start whose every
    alternative opens with one of `initials` (lowercase ASCII letters): its first character is ASCII
    and neither case of any of them. A cheap test before such a pattern on every item of a page.
    (Under re.I an ASCII character matches only its own case pair, but a non-ASCII one may match an
    ASCII letter, as the long s matches "s": that is left to the pattern.)"""
    first = text[:1]
    return first != "" and (not first.isascii() or first.lower() in initials)


def first_line(text: str) -> str:
    """`text` up to its first line break (all of it without one): the same string as
    `text.split("\n", 1)[0]`, without copying the rest of a long text."""
    end = text.find("\n")
    return text if end < 0 else text[:end]


# Non-ASCII characters common on archive pages that are no word characters (quotes, dashes, signs).
NON_WORD_MARKS = ("’", "“", "”", "–", "—", "‘", "£", "…", "«", "»", "¿", "•", "¡")


def marks_as_nul(text: str) -> str:
    """`text` with each of `NON_WORD_MARKS` as a NUL, no word character either: every word boundary
    stays where it was, and so does every match of a pattern that holds none of them, before or
    after lowercasing (they and the NUL lowercase to themselves). Most non-ASCII texts of a page
    become ASCII, which `str.lower` and the regular-expression engine read several times faster."""
    for mark in NON_WORD_MARKS:
        if mark in text:
            text = text.replace(mark, "\x00")
    return text

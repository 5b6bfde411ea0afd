"""One small text helper that the readers (`sources`) and the extraction passes (`extract`) share."""

from __future__ import annotations


def one_line(text: str) -> str:
    r"""`text` with each run of whitespace as one space and none at either end: the same string as
    `re.sub(r"\s+", " ", text).strip()` (re's `\s`, `str.split` and `str.strip` agree on what is
    whitespace, no-break spaces included, as a test checks over every code point), at a third of
    the cost. A text already so (single spaces between words, none at the ends, no other whitespace:
    `str.isprintable` is false for every whitespace character but the space) is returned as it is,
    without splitting it into words."""
    if "  " not in text and text[:1] != " " and text[-1:] != " " and text.isprintable():
        return text
    return " ".join(text.split())

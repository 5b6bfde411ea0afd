"""One small text helper that the readers (`sources`) and the extraction passes (`extract`) share."""

from __future__ import annotations


def one_line(text: str) -> str:
    r"""`text` with each run of whitespace as one space and none at either end: the same string as
    `re.sub(r"\s+", " ", text).strip()` (re's `\s`, `str.split` and `str.strip` agree on what is
    whitespace, no-break spaces included, as a test checks over every code point), at a third of
    the cost."""
    return " ".join(text.split())

"""Words and n-gram fingerprints of a document's text, normalised for comparison across copies.

What is compared is the document's own text — its body and the parts around it (addressee,
salutation, closing, signature, dateline, postscript), never the header, editorial notes or
footnotes, which differ from one edition or site to the next. Words are lower-cased, stripped of
accents, split on anything that is not a letter or digit, and a word hyphenated across a line
break is joined again ("transi-\\ntion" → "transition"), so markup, typography, encodings and
line breaks do not matter. Each word is hashed (CRC-32), and each run of `NGRAM` words is hashed
from its words' hashes; the fingerprint of a document is the set of its n-gram hashes that fall in
the sample (`hash % SAMPLE == 0`): a sample chosen by value, so two copies of a passage keep the
same n-grams of it, whatever surrounds them.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from dataclasses import dataclass

import numpy as np

from archivist.model import Document

NGRAM = 3  # words per n-gram
SAMPLE = 4  # one n-gram hash in SAMPLE is kept in the fingerprint (chosen by value)
COMPARED_KINDS = ("addressee", "salutation", "body", "closing", "signature", "dateline", "postscript")

_WORD = re.compile(r"[^\W_]+(?:-[ \t]*\r?\n[ \t]*[^\W_]+)*")
_HYPHEN_BREAK = re.compile(r"-[ \t]*\r?\n[ \t]*")
_MASK = (1 << 32) - 1
_MULT = np.uint64(0x9E3779B1)


def normalise_word(word: str) -> str:
    word = _HYPHEN_BREAK.sub("", word).casefold()
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(slots=True)
class Words:
    """A text's normalised words, with each word's character offsets into the document's text."""

    words: list[str]
    starts: list[int]
    ends: list[int]

    def __len__(self) -> int:
        return len(self.words)

    def hashes(self) -> np.ndarray:
        return np.fromiter(
            (zlib.crc32(w.encode()) for w in self.words), dtype=np.uint64, count=len(self.words)
        )


def compared_ranges(doc: Document) -> list[tuple[int, int]]:
    """The spans of the document's own text (see the module's docstring); the whole text when the
    extractor found no body."""
    ranges = sorted((p.start, p.end) for p in doc.parts if p.kind in COMPARED_KINDS)
    if not any(p.kind == "body" for p in doc.parts):
        return [(0, len(doc.text))]
    return ranges


def words_in(text: str, ranges: list[tuple[int, int]]) -> Words:
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for start, end in ranges:
        for match in _WORD.finditer(text, start, end):
            words.append(normalise_word(match.group()))
            starts.append(match.start())
            ends.append(match.end())
    return Words(words, starts, ends)


def document_words(doc: Document) -> Words:
    return words_in(doc.text, compared_ranges(doc))


def ngram_hashes(word_hashes: np.ndarray, n: int = NGRAM) -> np.ndarray:
    """The hash of each run of `n` words (position i: words i..i+n-1), 32 bits, as uint64."""
    count = len(word_hashes) - n + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint64)
    acc = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            acc = (acc * _MULT + word_hashes[k : k + count]) & np.uint64(_MASK)
        # a final mix, so that the low bits (used by the sample) depend on every word
        acc ^= acc >> np.uint64(15)
        acc = (acc * np.uint64(0x2C1B3C6D)) & np.uint64(_MASK)
        acc ^= acc >> np.uint64(12)
    return acc


def sampled(grams: np.ndarray, sample: int = SAMPLE) -> np.ndarray:
    """The fingerprint: the distinct n-gram hashes kept by the sample, sorted."""
    return np.unique(grams[grams % np.uint64(sample) == 0])

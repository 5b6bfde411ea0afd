"""Fingerprints: each document's sampled word n-gram hashes, what text reuse compares across documents.

One span in the layer ``fingerprints`` covers the document's own text (body and the parts around
it; no header, editorial notes or footnotes). Its attrs hold the number of words and the sorted,
distinct hashes of the word n-grams kept by the sample (`archivist.reuse.text`), packed as
base64 of little-endian uint32, with where each first occurs (word index, packed alike: the
cross-document step checks that shared n-grams lie on one diagonal of the two texts before it
reads them); and, for other translations, the hashes of its anchors (proper
names and numbers, `anchors`, packed the same way) and its language (by its function words, else
the metadata's). Pure and per document: it runs on a pool or on Dask; the
cross-document step (`archivist reuse`) reads these spans, never the texts, to find candidates.
"""

from __future__ import annotations

import base64

import numpy as np

from archivist.model import Document, Span
from archivist.reuse import text
from archivist.reuse.text import (
    NGRAM,
    SAMPLE,
    anchor_hashes,
    anchors_in,
    compared_ranges,
    document_words,
    language_of,
    ngram_hashes,
    sampled_positions,
)

NAME = "fingerprints"
NEEDS: tuple[str, ...] = ("parts",)
ADDS = ("fingerprints",)
CODE = (text,)  # how words are normalised and hashed is part of this stage's version


def pack(values: np.ndarray) -> str:
    return base64.b64encode(values.astype("<u4").tobytes()).decode("ascii")


def unpack(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<u4").astype(np.int64)


def annotate(doc: Document) -> list[Span]:
    ranges = compared_ranges(doc)
    if not ranges:
        return []
    words = document_words(doc)
    grams, positions = sampled_positions(ngram_hashes(words.hashes()))
    anchors = anchor_hashes(anchors_in(doc.text, ranges))
    language = language_of(words.words) or (doc.language or "").split("-")[0].casefold() or None
    attrs = {"words": len(words), "ngram": NGRAM, "sample": SAMPLE, "grams": pack(grams), "positions": pack(positions),
             "anchors": pack(anchors),
             "language": language}  # fmt: skip
    return [Span(NAME, "text", ranges[0][0], ranges[-1][1], attrs)]

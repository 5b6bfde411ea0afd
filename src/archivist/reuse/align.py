"""Local alignment of two texts: the passages they share, tolerant of small changes.

Passim-style: seeds are the word n-grams the two texts have in common (an n-gram repeated more
than `MAX_REPEAT` times in either text is no seed); seeds are chained along the texts when they
follow each other within `GAP` words on both sides and drift apart by at most `SKEW` words (a
dropped line, an inserted phrase); each chain is extended word by word past its first and last
seed while the words still look alike (OCR noise at the edges), and kept as a passage when it is
at least `min_words` long on one side, its seeds cover enough of it, and its word sequences are
similar enough (`overlap`: the normalised Indel similarity of the two word sequences).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import Indel

from archivist.reuse.text import NGRAM, Words, ngram_hashes

MIN_WORDS = 40  # a quotation or reprint is at least this long (words, on the longer side)
GAP = 25  # seeds further apart than this (words) on either side start a new chain
SKEW = 15  # words one side may gain on the other between two seeds of a chain
MAX_REPEAT = 4  # an n-gram more frequent than this in either text is not a seed
DENSE = 3  # seeds a seed needs around it (itself included) to be chained
BAND = 40  # words: the neighbourhood of a seed, along the texts and in drift
MIN_SEEDED = 0.2  # share of a passage's words that its seeds must cover
MIN_OVERLAP = 0.45  # word-sequence similarity of the two sides of a passage
_FUZZY = 0.6  # two words "look alike" at this character similarity


@dataclass(slots=True)
class Passage:
    """A shared passage: words [a_start, a_end) of text A against [b_start, b_end) of text B."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    seeds: int
    overlap: float = 0.0

    @property
    def words(self) -> int:
        return max(self.a_end - self.a_start, self.b_end - self.b_start)


class Aligner:
    """The words of one text, prepared once and aligned against many others."""

    def __init__(self, words: Words) -> None:
        self.words = words
        self.word_hashes = words.hashes()
        self.grams = ngram_hashes(self.word_hashes)
        self.order = np.argsort(self.grams, kind="stable")  # positions of the n-grams, by value
        self.sorted = self.grams[self.order]
        self.unique, self.counts = np.unique(self.sorted, return_counts=True)

    def positions(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each of `values` (sorted, each present): where its positions start in `order`, and
        how many there are."""
        left = np.searchsorted(self.sorted, values, "left")
        return left, np.searchsorted(self.sorted, values, "right") - left


def _seeds(a: Aligner, b: Aligner) -> np.ndarray:
    """(i, j) pairs where n-gram i of A equals n-gram j of B, sorted by i then j."""
    if not len(a.grams) or not len(b.grams):
        return np.zeros((0, 2), dtype=np.int64)
    ua, ca, ub, cb = a.unique, a.counts, b.unique, b.counts
    if len(ua) > len(ub):  # the values of the smaller set found in the larger (both sorted, distinct)
        ua, ca, ub, cb = ub, cb, ua, ca
    at = np.minimum(np.searchsorted(ub, ua), len(ub) - 1)
    inside = ub[at] == ua
    common, count_small, count_large = ua[inside], ca[inside], cb[at[inside]]
    if len(common) < DENSE:
        return np.zeros((0, 2), dtype=np.int64)
    ok = common[(count_small <= MAX_REPEAT) & (count_large <= MAX_REPEAT)]
    if len(ok) < DENSE:
        return np.zeros((0, 2), dtype=np.int64)
    left_a, count_a = a.positions(ok)
    left_b, count_b = b.positions(ok)
    found = []
    for r in range(MAX_REPEAT):  # each n-gram is in each text at most MAX_REPEAT times
        in_a = count_a > r
        for s in range(MAX_REPEAT):
            hit = in_a & (count_b > s)
            if not hit.any():
                continue
            found.append(np.stack([a.order[left_a[hit] + r], b.order[left_b[hit] + s]], axis=1))
    seeds = np.concatenate(found).astype(np.int64)
    seeds = seeds[np.lexsort((seeds[:, 1], seeds[:, 0]))]
    return _dense(seeds)


def _dense(seeds: np.ndarray) -> np.ndarray:
    """The seeds with at least DENSE seeds near them (within about BAND words along the texts and
    BAND words of drift): shared passages are dense runs of seeds on one diagonal, n-grams
    common to two texts by chance are scattered. Cuts the chaining of unrelated long texts."""
    if len(seeds) < DENSE:
        return seeds[:0] if len(seeds) and DENSE > 1 else seeds
    rows = seeds[:, 0] // BAND
    diagonals = (seeds[:, 1] - seeds[:, 0]) // BAND
    keys = rows * 1_000_003 + diagonals
    unique, counts = np.unique(keys, return_counts=True)
    near = np.zeros(len(seeds), dtype=np.int64)
    for dr in (-1, 0, 1):
        for dd in (-1, 0, 1):
            probe = keys + dr * 1_000_003 + dd
            at = np.clip(np.searchsorted(unique, probe), 0, len(unique) - 1)
            near += np.where(unique[at] == probe, counts[at], 0)
    return seeds[near >= DENSE]


def _chains(seeds: np.ndarray) -> list[list[tuple[int, int]]]:
    chains: list[list[tuple[int, int]]] = []
    active: list[int] = []
    for i, j in seeds.tolist():
        best = -1
        for c in active:
            li, lj = chains[c][-1]
            di, dj = i - li, j - lj
            if (
                0 < di <= GAP
                and 0 < dj <= GAP
                and abs(di - dj) <= SKEW
                and (best < 0 or len(chains[c]) > len(chains[best]))
            ):
                best = c
        if best >= 0:
            chains[best].append((i, j))
        else:
            chains.append([(i, j)])
            active.append(len(chains) - 1)
        active = [c for c in active if chains[c][-1][0] >= i - GAP]
    return chains


def _alike(x: str, y: str) -> bool:
    return x == y or Indel.normalized_similarity(x, y) >= _FUZZY


def _extend(a: Words, b: Words, p: Passage) -> None:
    while p.a_start > 0 and p.b_start > 0 and _alike(a.words[p.a_start - 1], b.words[p.b_start - 1]):
        p.a_start -= 1
        p.b_start -= 1
    while p.a_end < len(a) and p.b_end < len(b) and _alike(a.words[p.a_end], b.words[p.b_end]):
        p.a_end += 1
        p.b_end += 1


def align(a: Aligner, b: Aligner, min_words: int = MIN_WORDS) -> list[Passage]:
    """The passages A and B share, in A's order."""
    passages = []
    for chain in _chains(_seeds(a, b)):
        if len(chain) < 2 and min_words > NGRAM * 2:
            continue
        p = Passage(chain[0][0], chain[-1][0] + NGRAM, chain[0][1], chain[-1][1] + NGRAM, len(chain))
        _extend(a.words, b.words, p)
        if p.words < min_words:
            continue
        seeded = len({i + k for i, _ in chain for k in range(NGRAM)})
        if seeded < MIN_SEEDED * (p.a_end - p.a_start):
            continue
        p.overlap = round(
            Indel.normalized_similarity(
                a.word_hashes[p.a_start : p.a_end].tolist(), b.word_hashes[p.b_start : p.b_end].tolist()
            ),
            3,
        )
        if p.overlap >= MIN_OVERLAP:
            passages.append(p)
    return _merge(passages)


def _merge(passages: list[Passage]) -> list[Passage]:
    """Passages that overlap on both sides become one."""
    passages.sort(key=lambda p: (p.a_start, p.b_start))
    out: list[Passage] = []
    for p in passages:
        q = out[-1] if out else None
        if q and p.a_start <= q.a_end and p.b_start <= q.b_end and p.b_end >= q.b_start:
            q.a_end, q.b_end = max(q.a_end, p.a_end), max(q.b_end, p.b_end)
            q.b_start = min(q.b_start, p.b_start)
            q.overlap = max(q.overlap, p.overlap)
            q.seeds += p.seeds
        else:
            out.append(p)
    return out


def coverage(passages: list[Passage], total: int, side: str) -> float:
    """The share of a text's words (side 'a' or 'b') inside the passages."""
    if total <= 0:
        return 0.0
    spans = sorted((p.a_start, p.a_end) if side == "a" else (p.b_start, p.b_end) for p in passages)
    covered, reach = 0, 0
    for start, end in spans:
        start = max(start, reach)
        if end > start:
            covered += end - start
            reach = end
    return covered / total

"""Other translations: two documents in different languages that are the same text.

They share no words, so the word n-grams of `align` never meet. What a translation keeps is its
original's anchors (`archivist.reuse.text.anchors_in`: proper names reduced to a
transliteration-insensitive skeleton, and numbers of three digits or more), in the same order and
at proportional places. So:

1. **Candidates** (in `works`): indexed documents of another language sharing at least
   `MIN_SHARED_ANCHORS` anchors held by at most `DF_MAX_ANCHORS` documents.
2. **Chain.** The anchors both texts hold a few times at most (`MAX_REPEAT`) are paired wherever
   they are equal; the longest chain of pairs increasing in both texts, where each step far
   enough to measure (`NEAR` words) advances the two texts at a ratio between `RATIO` and its
   inverse, is kept.
3. **Verdict.** The pair is `other-translation` when the chain is long (`MIN_CHAIN`), spread over
   the shorter text (its points in at least `MIN_SPREAD` of ten equal slices of the chained
   stretch, the stretch covering at least `MIN_SPAN` of the shorter text), dense (`MIN_DENSITY`
   of the shared anchors inside the stretch are on the chain) and straight (`MAX_DEVIATION`: the
   mean distance of its points from the line through its ends, as a share of the stretch).
   Documents on one subject share names and years, but scattered, not in one straight order.

Every figure is kept as the pair's evidence, with a confidence from 0.5 (at the thresholds) to 1.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from archivist.reuse.text import Anchors

RELATION = "other-translation"
MAX_REPEAT = 6  # an anchor more frequent than this in either text pairs nothing
NEAR = 60  # words: steps shorter than this on both sides are not measured for the ratio
RATIO = 0.4  # ... a longer step advances one text at least this much for each word of the other
LOOKBACK = 200  # chain links are sought among this many previous pairs
MIN_CHAIN = 12
MIN_SPREAD = 5
MIN_SPAN = 0.5
MIN_DENSITY = 0.5
MAX_DEVIATION = 0.03
MIN_LENGTH_RATIO = 0.5  # words of one chained stretch for each word of the other, and its inverse


def pairable(a: Anchors, b: Anchors) -> set[str]:
    """The anchors both texts hold, at most MAX_REPEAT times each."""
    ca, cb = Counter(a.tokens), Counter(b.tokens)
    return {t for t, k in ca.items() if k <= MAX_REPEAT and 0 < cb.get(t, 0) <= MAX_REPEAT}


def chain(a: Anchors, b: Anchors) -> list[tuple[int, int]]:
    """The longest straight-enough chain of equal anchors: (word index in A, word index in B)."""
    shared = pairable(a, b)
    if len(shared) < 3:
        return []
    where: dict[str, list[int]] = {}
    for t, p in zip(b.tokens, b.positions, strict=True):
        if t in shared:
            where.setdefault(t, []).append(p)
    seeds = sorted(
        (p, q) for t, p in zip(a.tokens, a.positions, strict=True) if t in shared for q in where[t]
    )
    best = [1] * len(seeds)
    back = [-1] * len(seeds)
    for k, (i, j) in enumerate(seeds):
        for m in range(k - 1, max(-1, k - LOOKBACK), -1):
            pi, pj = seeds[m]
            di, dj = i - pi, j - pj
            if di <= 0 or dj <= 0 or best[m] + 1 <= best[k]:
                continue
            if max(di, dj) > NEAR and not RATIO <= dj / di <= 1 / RATIO:
                continue
            best[k], back[k] = best[m] + 1, m
    k = max(range(len(seeds)), key=best.__getitem__)
    points = []
    while k >= 0:
        points.append(seeds[k])
        k = back[k]
    return points[::-1]


def evidence(a: Anchors, b: Anchors) -> dict[str, Any] | None:
    """The figures of the pair's anchor chain (None when they share too few anchors)."""
    if not a.words or not b.words:
        return None
    points = chain(a, b)
    if len(points) < 3:
        return None
    (i0, j0), (i1, j1) = points[0], points[-1]
    da, db = max(1, i1 - i0), max(1, j1 - j0)
    short = 0 if a.words <= b.words else 1
    lo, hi = points[0][short], points[-1][short]
    spread = len({min(9, 10 * (p[short] - lo) // max(1, hi - lo)) for p in points})
    shared = pairable(a, b)
    inside_a = sum(1 for t, p in zip(a.tokens, a.positions, strict=True) if t in shared and i0 <= p <= i1)
    inside_b = sum(1 for t, p in zip(b.tokens, b.positions, strict=True) if t in shared and j0 <= p <= j1)
    deviation = sum(abs((j - j0) / db - (i - i0) / da) for i, j in points) / len(points)
    return {
        "chain": len(points),
        "spread": spread,
        "span_a": round(da / a.words, 3),
        "span_b": round(db / b.words, 3),
        "density": round(len(points) / max(inside_a, inside_b, 1), 3),
        "deviation": round(deviation, 4),
        "length_ratio": round(db / da, 3),
        "anchors": sorted({b.tokens[b.positions.index(j)] for _, j in points}),
    }


def verdict(ev: dict[str, Any] | None, words_a: int, words_b: int) -> float | None:
    """The confidence that the two are translations of one text (None: they are not)."""
    if ev is None:
        return None
    span = ev["span_a"] if words_a <= words_b else ev["span_b"]
    if not (
        ev["chain"] >= MIN_CHAIN
        and ev["spread"] >= MIN_SPREAD
        and span >= MIN_SPAN
        and ev["density"] >= MIN_DENSITY
        and ev["deviation"] <= MAX_DEVIATION
        and MIN_LENGTH_RATIO <= ev["length_ratio"] <= 1 / MIN_LENGTH_RATIO
    ):
        return None
    # each figure's margin over its threshold, 0 (at it) to 1 (far past it); the weakest decides
    margins = [
        min(1.0, (ev["chain"] - MIN_CHAIN) / MIN_CHAIN),
        (ev["spread"] - MIN_SPREAD) / (10 - MIN_SPREAD),
        min(1.0, (ev["density"] - MIN_DENSITY) / MIN_DENSITY),
        1 - ev["deviation"] / MAX_DEVIATION,
    ]
    return round(0.5 + 0.5 * min(margins), 3)

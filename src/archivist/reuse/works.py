"""The cross-document step of text reuse, over stored fingerprints (run by `archivist.reuse.run`).

1. **Index, incrementally.** Each current document whose fingerprint (the `fingerprints` stage)
   is not indexed in its current version is taken out of the index (with its pairs and links),
   put in again, and compared with the documents indexed before it: so every pair of documents is
   compared once, when the later of the two arrives, and an ingest of new documents costs what
   they cost, not the archive.
2. **Candidates** are the indexed documents sharing at least `MIN_SHARED` *rare* sampled n-grams
   with it (held by at most `DF_MAX` documents) within `WINDOW` words of each other, or `CLOSE`
   of them closer together (a short passage under OCR noise keeps few), passim-style.
3. **Alignment** (`archivist.reuse.align`) finds the passages each candidate pair shares; each is
   stored as a link between a span of each document, in both directions, with its overlap and the
   earlier copy when both documents are dated.
4. **Works.** Two documents are witnesses of one work when the passages they share cover at least
   `SAME_WORK` of the words of one of them; works are the connected groups (singletons included).
   The preferred reading text is the most complete witness (within 10% of the longest), then the
   one with the most metadata; every other witness is related to it: `same` (each covers the
   other), `excerpt`/`abridged` (it holds part of the preferred text: under / over half its
   length) or `extended` (it holds the preferred text and more).
5. **Other translations** (`archivist.reuse.translation`): a document is also queried for indexed
   documents of another language sharing its rare anchors (proper names, numbers); a pair whose
   anchors chain in one straight order over the shorter text is a witness pair too, related as
   `other-translation`, with the chain's figures as evidence and a confidence. A witness of
   another language than the preferred text, not compared with it directly, is `other-translation`.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np

from archivist.enrich.fingerprints import unpack
from archivist.model import METADATA_FIELDS
from archivist.reuse import translation
from archivist.reuse.align import MIN_WORDS, Aligner, Passage, align, coverage
from archivist.reuse.text import COMPARED_KINDS, Anchors, anchors_in, words_in
from archivist.store import Archive
from archivist.store import reuse as store

DF_MAX = 20  # an n-gram held by more indexed documents than this is too common to propose a pair
MIN_SHARED = 3  # rare sampled n-grams two documents must share to be aligned ...
WINDOW = 2 * MIN_WORDS  # ... within this many words of each other in the new document,
DRIFT = 40  # words the offset between two texts may drift along a shared passage (dropped lines)
CLOSE = (2, MIN_WORDS)  # or this many within this many words (a short passage under OCR noise
# keeps few of its n-grams: at 10% of letters misread, about one in five survives)
SAME_WORK = 0.6  # coverage of one document by passages of the other that makes them witnesses
SAME = 0.85  # coverage of each by the other that makes them the same text
DF_MAX_ANCHORS = 50  # an anchor held by more indexed documents than this proposes no translation
MIN_SHARED_ANCHORS = 8  # rare anchors two documents of different languages must share to be compared


class Texts:
    """Aligners of recently read documents (an LRU: one document meets many candidates)."""

    def __init__(self, archive: Archive, size: int = 512) -> None:
        self.archive = archive
        self.size = size
        self.cache: OrderedDict[str, tuple[dict[str, Any], Aligner]] = OrderedDict()
        self.anchor_cache: OrderedDict[str, Anchors] = OrderedDict()

    def get(self, document_id: str) -> tuple[dict[str, Any], Aligner] | None:
        if document_id in self.cache:
            self.cache.move_to_end(document_id)
            return self.cache[document_id]
        info = store.texts(self.archive, [document_id]).get(document_id)
        if info is None:
            return None
        info["ranges"] = ranges = _ranges(info)
        entry = (info, Aligner(words_in(info["text"], ranges)))
        self.cache[document_id] = entry
        if len(self.cache) > self.size:
            self.cache.popitem(last=False)
        return entry

    def anchors(self, document_id: str) -> Anchors | None:
        if document_id in self.anchor_cache:
            self.anchor_cache.move_to_end(document_id)
            return self.anchor_cache[document_id]
        entry = self.get(document_id)
        if entry is None:
            return None
        found = anchors_in(entry[0]["text"], entry[0]["ranges"])
        self.anchor_cache[document_id] = found
        if len(self.anchor_cache) > self.size:
            self.anchor_cache.popitem(last=False)
        return found


def _ranges(info: dict[str, Any]) -> list[tuple[int, int]]:
    if not any(k == "body" for k, _, _ in info["parts"]):
        return [(0, len(info["text"]))]
    return sorted((s, e) for k, s, e in info["parts"] if k in COMPARED_KINDS)


def earlier(a: str, date_a: str | None, b: str, date_b: str | None) -> str | None:
    """The id of the earlier-dated document, or None when a date is missing or they tie at the
    precision both give."""
    if not date_a or not date_b or not date_a[:4].isdigit() or not date_b[:4].isdigit():
        return None
    n = min(len(date_a.split("/")[0]), len(date_b.split("/")[0]))
    x, y = date_a[:n], date_b[:n]
    if x == y:
        return None
    return a if x < y else b


def relation_of(cov_a: float, cov_b: float, words_a: int, words_b: int) -> str | None:
    """What B is to A, from the share of each inside their shared passages (None: quotations only)."""
    if cov_a >= SAME and cov_b >= SAME:
        return "same"
    if cov_b >= SAME_WORK and cov_b >= cov_a:
        return "excerpt" if words_b < 0.5 * words_a else "abridged"
    if cov_a >= SAME_WORK:
        return "extended"
    return None


def compare(texts: Texts, a: str, b: str) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """Align two documents: the pair's record and its links (both directions), or None."""
    a, b = sorted((a, b))
    ea, eb = texts.get(a), texts.get(b)
    if ea is None or eb is None:
        return None
    (ia, xa), (ib, xb) = ea, eb
    na, nb = len(xa.words), len(xb.words)
    if not na or not nb:
        return None
    min_words = min(MIN_WORDS, max(8, int(0.8 * min(na, nb))))
    passages = align(xa, xb, min_words=min_words)
    if not passages:
        return None
    cov_a, cov_b = coverage(passages, na, "a"), coverage(passages, nb, "b")
    relation = relation_of(cov_a, cov_b, na, nb)
    first = earlier(a, ia["date"], b, ib["date"])
    pair = {"a": a, "b": b, "a_version": ia["version"], "b_version": ib["version"],
            "a_coverage": round(cov_a, 4), "b_coverage": round(cov_b, 4), "passages": len(passages),
            "same_text": int(relation is not None), "relation": relation}  # fmt: skip
    links = []
    for p in passages:
        links.extend(_links(a, ia, xa, b, ib, xb, p, first))
    return pair, links


def compare_translation(texts: Texts, a: str, b: str) -> dict[str, Any] | None:
    """The pair's record when two documents of different languages are one text, else None."""
    a, b = sorted((a, b))
    ea, eb = texts.get(a), texts.get(b)
    xa, xb = texts.anchors(a), texts.anchors(b)
    if ea is None or eb is None or xa is None or xb is None:
        return None
    ev = translation.evidence(xa, xb)
    confidence = translation.verdict(ev, xa.words, xb.words)
    if ev is None or confidence is None:
        return None
    return {"a": a, "b": b, "a_version": ea[0]["version"], "b_version": eb[0]["version"],
            "a_coverage": ev["span_a"], "b_coverage": ev["span_b"], "passages": 0, "same_text": 1,
            "relation": translation.RELATION, "confidence": confidence, "evidence": ev}  # fmt: skip


def translation_candidates(
    archive: Archive, anchors: np.ndarray, document_id: str, language: str | None, before: int | None = None
) -> set[str]:
    """Indexed documents (indexed before `before`, when given) of another language sharing at
    least MIN_SHARED_ANCHORS rare anchors."""
    values = [int(g) for g in anchors]
    if not values or not language:
        return set()
    df = store.document_frequencies(archive, values, before)
    rare = [g for g in values if 0 < df.get(g, 0) <= DF_MAX_ANCHORS]
    if len(rare) < MIN_SHARED_ANCHORS:
        return set()
    shared: dict[str, int] = {}
    for _, other in store.postings(archive, rare, before):
        if other != document_id:
            shared[other] = shared.get(other, 0) + 1
    found = [d for d, k in shared.items() if k >= MIN_SHARED_ANCHORS]
    return {d for d, lang in store.languages(archive, found).items() if lang and lang != language}


def _links(a: str, ia: dict[str, Any], xa: Aligner, b: str, ib: dict[str, Any], xb: Aligner, p: Passage,
           first: str | None) -> list[dict[str, Any]]:  # fmt: skip
    wa, wb = xa.words, xb.words
    sa, ea_ = wa.starts[p.a_start], wa.ends[p.a_end - 1]
    sb, eb_ = wb.starts[p.b_start], wb.ends[p.b_end - 1]
    one = {"document_id": a, "version": ia["version"], "start": sa, "end": ea_, "other_id": b,
           "other_version": ib["version"], "other_start": sb, "other_end": eb_, "words": p.a_end - p.a_start,
           "other_words": p.b_end - p.b_start, "overlap": p.overlap, "earlier": first}  # fmt: skip
    two = {"document_id": b, "version": ib["version"], "start": sb, "end": eb_, "other_id": a,
           "other_version": ia["version"], "other_start": sa, "other_end": ea_, "words": p.b_end - p.b_start,
           "other_words": p.a_end - p.a_start, "overlap": p.overlap, "earlier": first}  # fmt: skip
    return [one, two]


def candidates(archive: Archive, grams: np.ndarray, positions: np.ndarray | None, aligner: Aligner | None,
               document_id: str, before: int | None = None) -> set[str]:  # fmt: skip
    """Indexed documents (indexed before `before`, when given) sharing at least MIN_SHARED rare n-grams with the document within WINDOW
    words of each other in it, or CLOSE[0] within CLOSE[1] (shared passages, not words scattered
    by chance), on one diagonal of the two texts (each n-gram's position in the other document,
    from its stored fingerprint, drifts by at most DRIFT words from the first's): a candidate's
    text is read only when the pair is worth aligning. Positions come from the fingerprint, else
    from the document's words (`aligner`)."""
    values = [int(g) for g in grams]
    if not values:
        return set()
    df = store.document_frequencies(archive, values, before)
    rare = [g for g in values if 0 < df.get(g, 0) <= DF_MAX]
    if not rare:
        return set()
    where: dict[int, list[int]] = {}
    if positions is not None and len(positions) == len(grams):
        first = dict(zip(grams.tolist(), positions.tolist(), strict=True))
        where = {g: [first[g]] for g in rare}
    elif aligner is not None:  # the positions of the rare n-grams in the document
        present = np.unique(np.array(rare, dtype=np.uint64))
        present = present[np.isin(present, aligner.unique, assume_unique=True)]
        left, count = aligner.positions(present)
        for value, start, n in zip(present.tolist(), left.tolist(), count.tolist(), strict=True):
            where[value] = aligner.order[start : start + n].tolist()
    shared: dict[str, list[tuple[int, int, int]]] = {}
    for gram, other in store.postings(archive, rare, before):
        if other != document_id:
            shared.setdefault(other, []).extend((pos, 0, gram) for pos in where.get(gram, [0]))
    found = set()
    for other, hits in shared.items():
        if len({g for _, _, g in hits}) < CLOSE[0]:
            continue
        hits.sort()
        if not (_clustered(hits, MIN_SHARED, WINDOW) or _clustered(hits, *CLOSE)):
            continue
        there = _first_positions(archive, other, {g for _, _, g in hits})
        if there is not None:  # the same hits, with their offset on the other side
            hits = [(pos, there[g] - pos, g) for pos, _, g in hits if g in there]
            if not (_clustered(hits, MIN_SHARED, WINDOW, DRIFT) or _clustered(hits, *CLOSE, DRIFT)):
                continue
        found.add(other)
    return found


def _first_positions(archive: Archive, document_id: str, wanted: set[int]) -> dict[int, int] | None:
    """Where each of the wanted n-grams first occurs in a document, from its stored fingerprint
    (None when the fingerprint has no positions)."""
    attrs = store.fingerprint(archive, document_id)
    if not attrs.get("positions") or not attrs.get("grams"):
        return None
    grams, positions = unpack(attrs["grams"]), unpack(attrs["positions"])
    if len(grams) != len(positions):
        return None
    keep = np.isin(grams, np.fromiter(wanted, dtype=np.int64, count=len(wanted)))
    return dict(zip(grams[keep].tolist(), positions[keep].tolist(), strict=True))


def _clustered(hits: list[tuple[int, int, int]], need: int, window: int, drift: int | None = None) -> bool:
    """Whether `need` distinct n-grams of the (position, offset, n-gram) hits, sorted, lie within
    `window` words of each other (and, with `drift`, their offsets within `drift` of the first's)."""
    for k, (start, offset, _) in enumerate(hits):
        grams = set()
        for pos, off, gram in hits[k:]:
            if pos - start > window:
                break
            if drift is None or abs(off - offset) <= drift:
                grams.add(gram)
            if len(grams) >= need:
                return True
    return False


def regroup(archive: Archive) -> dict[str, list[str]]:
    """Works from the stored witness pairs: every current document in exactly one; stored."""
    docs = {m["id"]: m for m in store.members(archive)}
    language = store.languages(archive)
    parent = {d: d for d in docs}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    direct: dict[tuple[str, str], str | None] = {}
    for p in store.pairs(archive, same_text_only=True):
        if p["a"] not in docs or p["b"] not in docs:
            continue
        wa, wb = docs[p["a"]]["words"], docs[p["b"]]["words"]
        if p["relation"] == translation.RELATION:
            direct[(p["a"], p["b"])] = direct[(p["b"], p["a"])] = translation.RELATION
        else:
            direct[(p["a"], p["b"])] = relation_of(p["a_coverage"], p["b_coverage"], wa, wb)
            direct[(p["b"], p["a"])] = relation_of(p["b_coverage"], p["a_coverage"], wb, wa)
        ra, rb = find(p["a"]), find(p["b"])
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for d in docs:
        groups.setdefault(find(d), []).append(d)
    rows: list[tuple[str, str, str, int]] = []
    for members in groups.values():
        work = "w" + min(members)
        longest = max(docs[m]["words"] for m in members)
        preferred = max(members, key=lambda m: (docs[m]["words"] >= 0.9 * longest, docs[m]["filled"],
                                                docs[m]["words"], m))  # fmt: skip
        for m in members:
            if m == preferred:
                rows.append((m, work, "preferred", 1))
                continue
            relation = direct.get((preferred, m))
            if (
                relation is None
                and language.get(m)
                and language.get(preferred)
                and language[m] != language[preferred]
            ):
                relation = translation.RELATION
            relation = relation or _by_length(docs[m]["words"], docs[preferred]["words"])
            rows.append((m, work, relation, 0))
    store.put_works(archive, rows)
    return {"w" + min(v): v for v in groups.values()}


def _by_length(words: int, preferred_words: int) -> str:
    """A witness's relation to the preferred text when the two were not compared directly."""
    if words < 0.5 * preferred_words:
        return "excerpt"
    if words < 0.9 * preferred_words:
        return "abridged"
    if words > 1.1 * preferred_words:
        return "extended"
    return "same"


def merged_metadata(witnesses: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The work's metadata, field by field: the value of the first witness that has one (the
    preferred text first), where it came from, and every other witness's value when they differ."""
    merged: dict[str, dict[str, Any]] = {}
    for field in METADATA_FIELDS:
        values = []
        for w in witnesses:
            value = w["metadata"].get(field)
            if value in (None, "", []) or (field == "doc_type" and value == "other"):
                continue
            values.append({"value": value, "document": w["document_id"], "path": w["path"],
                           "origin": w["provenance"].get(field)})  # fmt: skip
        if not values:
            continue
        chosen = values[0]
        distinct = {_key(v["value"]) for v in values}
        merged[field] = {"value": chosen["value"], "document": chosen["document"], "origin": chosen["origin"],
                         "agree": len(distinct) == 1,
                         "others": [v for v in values[1:] if _key(v["value"]) != _key(chosen["value"])]}  # fmt: skip
    return merged


def _key(value: Any) -> str:
    if isinstance(value, list):
        return "|".join(" ".join(str(v).casefold().split()) for v in value)
    return " ".join(str(value).casefold().split())

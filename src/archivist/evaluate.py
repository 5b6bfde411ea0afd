"""Scorers for `archivist eval metadata` and `archivist eval seeds`.

The rules are those of ``shared/gold/README.md``: titles similar ≥ 0.95, author names compatible
(same surname, given names compatible as initials), dates exact, free-text fields similar ≥ 0.85,
body words compared after case, space and quote normalisation. The system output is a list of
extract records (`Document.to_record()`), passed here keyed by the gold `path`; resolving paths is
the caller's job, so everything below except the two loaders is pure.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

Record = dict[str, Any]

# The 13 fields of gold/metadata-dev.jsonl, in the order of research/peers.md.
SCORED_FIELDS = (
    "title",
    "authors",
    "date_written",
    "date_published",
    "source",
    "source_title",
    "place",
    "translator",
    "language",
    "doc_type",
    "body_first_words",
    "body_last_words",
    "has_postscript",
)
TITLE_SIMILARITY = 0.95
FREE_TEXT_SIMILARITY = 0.85
FREE_TEXT_FIELDS = frozenset({"source", "source_title", "place", "translator"})
EXACT_FIELDS = frozenset({"date_written", "date_published", "language", "doc_type"})

# Seed-document keys that are not metadata fields, or belong to later features.
_SEED_STRUCTURE_KEYS = frozenset(
    {"path", "parts", "boilerplate_removed", "body_first_words", "body_last_words", "dates", "mentions"}
)
_SEED_NOT_SCORED_KEYS = ("dates", "mentions", "author_entity")

_SINGLE_QUOTES = "‘’‚‛′`´"
_DOUBLE_QUOTES = "“”„‟″«»"
_DASHES = "‐‑‒–—―−"
_TYPOGRAPHY = str.maketrans(
    _SINGLE_QUOTES + _DOUBLE_QUOTES + _DASHES,
    "'" * len(_SINGLE_QUOTES) + '"' * len(_DOUBLE_QUOTES) + "-" * len(_DASHES),
    "\u00ad\u200b\ufeff",  # soft hyphen, zero-width space, byte-order mark
)
_SPACED_DASHES = str.maketrans({"‒": " - ", "–": " - ", "—": " - ", "―": " - "})
_NAME_PARTICLES = frozenset({"von", "van", "de", "der", "den", "du", "la", "le", "del", "della", "di", "da"})
_NAME_TITLES = frozenset({"mr", "mrs", "ms", "dr", "prof", "comrade", "citizen", "cit", "sir"})


# --- normalisation --------------------------------------------------------------------------


def normalise_text(text: str | None) -> str:
    """Casefolded text with typographic quotes and dashes made plain and whitespace collapsed."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY)
    return " ".join(text.casefold().split())


def words(text: str | None) -> list[str]:
    """The words of `text` for the body-boundary checks: normalised, split on spaces and on dashes
    used as punctuation (so "Comrade,—Many" and "Comrade, — Many" agree), pure punctuation dropped."""
    if not text:
        return []
    spaced = re.sub(r"-{2,}", " - ", normalise_text(text.translate(_SPACED_DASHES)))
    return [token for token in spaced.split() if any(ch.isalnum() for ch in token)]


def similarity(a: str | None, b: str | None) -> float:
    """difflib ratio of the normalised strings (autojunk off: source lines can be long)."""
    return SequenceMatcher(None, normalise_text(a), normalise_text(b), autojunk=False).ratio()


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _name_tokens(name: str) -> tuple[str, list[tuple[str, bool]]] | None:
    """(surname, [(given name, is_abbreviation)]) of a personal name, or None when it has no words."""
    name = re.sub(r"\([^)]*\)", " ", _fold(unicodedata.normalize("NFKC", name).translate(_TYPOGRAPHY)))
    if name.count(",") == 1:  # "Trotsky, L." -> "L. Trotsky"
        last, first = name.split(",")
        name = f"{first} {last}"
    tokens = [(m[1], bool(m[2])) for m in re.finditer(r"([^\s.,]+)(\.?)", name)]
    if not tokens:
        return None
    surname = tokens[-1][0]
    given = [
        (piece, abbreviated or len(piece) == 1)
        for token, abbreviated in tokens[:-1]
        for piece in token.split("-")
        if piece and piece not in _NAME_PARTICLES and piece not in _NAME_TITLES
    ]
    return surname, given


def names_compatible(a: str, b: str) -> bool:
    """Same surname, and given names compatible as initials, aligned from the first one: "V.I. Lenin"
    ~ "Vladimir Ilyich Lenin" ~ "V. I. Lenin" ~ "Lenin". Accents and case do not count."""
    if normalise_text(a) == normalise_text(b):
        return True
    parsed_a, parsed_b = _name_tokens(a), _name_tokens(b)
    if parsed_a is None or parsed_b is None or parsed_a[0] != parsed_b[0]:
        return False
    for (x, x_abbr), (y, y_abbr) in zip(parsed_a[1], parsed_b[1], strict=False):
        if x != y and not (x_abbr and y.startswith(x)) and not (y_abbr and x.startswith(y)):
            return False
    return True


def authors_compatible(gold: list[str], got: list[str]) -> bool:
    """Each gold name matched one-to-one to a compatible system name, in any order; no extras."""
    if len(gold) != len(got):
        return False
    owner: dict[int, int] = {}  # system index -> gold index (augmenting-path bipartite matching)

    def assign(g: int, seen: set[int]) -> bool:
        for s, name in enumerate(got):
            if s not in seen and names_compatible(gold[g], name):
                seen.add(s)
                if s not in owner or assign(owner[s], seen):
                    owner[s] = g
                    return True
        return False

    return all(assign(g, set()) for g in range(len(gold)))


# --- records ----------------------------------------------------------------------------------


def _ordered_parts(record: Record) -> list[dict[str, Any]]:
    parts = list(record.get("parts") or [])
    return sorted(parts, key=lambda p: p.get("start", 0))


def part_text(record: Record, part: dict[str, Any]) -> str:
    if part.get("text") is not None:
        return str(part["text"])
    return str(record.get("text") or "")[part.get("start", 0) : part.get("end", 0)]


def body_texts(record: Record) -> tuple[str, str]:
    """(text for the first words, text for the last words): salutation + body, and body alone."""
    parts = _ordered_parts(record)
    first = "\n\n".join(part_text(record, p) for p in parts if p.get("kind") in ("salutation", "body"))
    last = "\n\n".join(part_text(record, p) for p in parts if p.get("kind") == "body")
    return first, last


def words_match(gold_words: str, text: str, *, from_end: bool = False) -> tuple[bool, str]:
    """Whether `text` starts (or ends) with `gold_words`; also returns the system's words compared."""
    expected = words(gold_words)
    got = words(text)
    got = got[len(got) - len(expected) :] if from_end else got[: len(expected)]
    if not expected:
        return not words(text), " ".join(got)
    return got == expected, " ".join(got)


def _has_postscript(record: Record) -> bool:
    return any(p.get("kind") == "postscript" for p in record.get("parts") or [])


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def field_correct(name: str, gold: Record, record: Record) -> tuple[bool, Any]:
    """Score one of SCORED_FIELDS: (correct, the system value as compared)."""
    if name in ("body_first_words", "body_last_words"):
        first, last = body_texts(record)
        from_end = name == "body_last_words"
        return words_match(gold[name], last if from_end else first, from_end=from_end)
    if name == "has_postscript":
        got_ps = _has_postscript(record)
        return got_ps == bool(gold[name]), got_ps
    if name == "authors":
        got_authors = list(record.get("authors") or [])
        return authors_compatible(list(gold.get("authors") or []), got_authors), got_authors
    expected, got = _blank_to_none(gold.get(name)), _blank_to_none(record.get(name))
    if expected is None or got is None:
        return expected is None and got is None, got
    if name in EXACT_FIELDS:
        return str(expected).strip() == str(got).strip(), got
    threshold = TITLE_SIMILARITY if name == "title" else FREE_TEXT_SIMILARITY
    return similarity(str(expected), str(got)) >= threshold, got


# --- eval metadata ----------------------------------------------------------------------------


@dataclass(slots=True)
class Mismatch:
    path: str
    field: str
    gold: Any
    got: Any


@dataclass(slots=True)
class MetadataReport:
    """Per-field accuracy over `n` gold documents; `mismatches` lists every wrong field."""

    n: int
    accuracy: dict[str, float]
    mismatches: list[Mismatch] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def mean(self) -> float:
        return sum(self.accuracy.values()) / len(self.accuracy) if self.accuracy else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "accuracy": dict(self.accuracy),
            "mean": self.mean,
            "missing": list(self.missing),
            "mismatches": [asdict(m) for m in self.mismatches],
        }

    def format_table(self, *, show_mismatches: bool = False) -> str:
        width = max(len(name) for name in [*self.accuracy, "mean of 13 fields"])
        lines = [f"{'field':<{width}}  accuracy", f"{'-' * width}  --------"]
        lines += [f"{name:<{width}}  {value:8.2f}" for name, value in self.accuracy.items()]
        lines.append(f"{f'mean of {len(self.accuracy)} fields':<{width}}  {self.mean:8.2f}")
        lines.append(f"{self.n} documents, {len(self.missing)} without a record")
        if show_mismatches:
            lines += ["", "mismatches:"]
            lines += [f"  {m.path}  {m.field}: gold {m.gold!r}, got {m.got!r}" for m in self.mismatches]
        return "\n".join(lines)


def score_metadata(gold: list[Record], records: dict[str, Record]) -> MetadataReport:
    """Score extract records (keyed by gold `path`) against gold/metadata-dev.jsonl rows.
    A document without a record is wrong on every field."""
    correct = dict.fromkeys(SCORED_FIELDS, 0)
    mismatches: list[Mismatch] = []
    missing: list[str] = []
    for row in gold:
        record = records.get(row["path"])
        if record is None:
            missing.append(row["path"])
            mismatches += [Mismatch(row["path"], name, row.get(name), None) for name in SCORED_FIELDS]
            continue
        for name in SCORED_FIELDS:
            ok, got = field_correct(name, row, record)
            if ok:
                correct[name] += 1
            else:
                mismatches.append(Mismatch(row["path"], name, row.get(name), got))
    n = len(gold)
    accuracy = {name: (correct[name] / n if n else 0.0) for name in SCORED_FIELDS}
    return MetadataReport(n=n, accuracy=accuracy, mismatches=mismatches, missing=missing)


# --- eval seeds -------------------------------------------------------------------------------


@dataclass(slots=True)
class SeedCheck:
    path: str
    check: str
    passed: bool
    message: str = ""


@dataclass(slots=True)
class SeedReport:
    """Every check on the seed documents; `not_scored` counts gold items left to later features."""

    checks: list[SeedCheck] = field(default_factory=list)
    not_scored: dict[str, int] = field(default_factory=dict)

    @property
    def passed(self) -> int:
        return sum(c.passed for c in self.checks)

    @property
    def failed(self) -> int:
        return len(self.checks) - self.passed

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "failed": self.failed,
            "not_scored": dict(self.not_scored),
            "checks": [asdict(c) for c in self.checks],
        }

    def format_table(self, *, show_passed: bool = False) -> str:
        lines = [
            f"{'FAIL' if not c.passed else 'ok':<4}  {c.path}  {c.check}"
            + (f": {c.message}" if c.message else "")
            for c in self.checks
            if show_passed or not c.passed
        ]
        not_scored = ", ".join(f"{n} {what}" for what, n in self.not_scored.items() if n)
        lines.append(f"{self.passed} passed, {self.failed} failed; not scored: {not_scored or 'nothing'}")
        return "\n".join(lines)


def _same_value(name: str, expected: Any, got: Any) -> bool:
    expected, got = _blank_to_none(expected), _blank_to_none(got)
    if name == "authors":
        return authors_compatible(list(expected or []), list(got or []))
    if expected is None or got is None:
        return expected is None and got is None
    return normalise_text(str(expected)) == normalise_text(str(got))


def _part_authors(part: dict[str, Any]) -> list[str]:
    if part.get("authors"):
        return list(part["authors"])
    author = part.get("author")
    return [a.strip() for a in str(author).split(";") if a.strip()] if author else []


def _starts_with(text: str, start: str) -> bool:
    """A part "starts" with the gold's first words: a prefix of its normalised text (so a
    dateline "Coyoacan, D.F.,\nSept. 14" starts with "Coyoacan, D.F.")."""
    return normalise_text(text).startswith(normalise_text(start))


def _check_parts(path: str, expected: list[dict[str, Any]], record: Record) -> list[SeedCheck]:
    """Expected parts must appear in document order (other parts may lie between them), each with
    its kind, starting words, and the place/date/title/authors the gold gives it."""
    checks: list[SeedCheck] = []
    parts = _ordered_parts(record)
    position = 0
    for number, gold_part in enumerate(expected, 1):
        label = f"part {number} ({gold_part['kind']} {gold_part['starts']!r})"
        found = next(
            (
                i
                for i in range(position, len(parts))
                if parts[i].get("kind") == gold_part["kind"]
                and _starts_with(part_text(record, parts[i]), gold_part["starts"])
            ),
            None,
        )
        if found is None:
            kinds = [p.get("kind") for p in parts[position:]]
            checks.append(SeedCheck(path, label, False, f"not found in order; remaining kinds {kinds}"))
            continue
        position = found + 1
        checks.append(SeedCheck(path, label, True))
        part = parts[found]
        for name in ("place", "date", "title"):
            if name in gold_part:
                ok = _same_value(name, gold_part[name], part.get(name))
                message = "" if ok else f"gold {gold_part[name]!r}, got {part.get(name)!r}"
                checks.append(SeedCheck(path, f"{label} {name}", ok, message))
        if "authors" in gold_part:
            got = _part_authors(part)
            ok = authors_compatible(list(gold_part["authors"]), got)
            message = "" if ok else f"gold {gold_part['authors']!r}, got {got!r}"
            checks.append(SeedCheck(path, f"{label} authors", ok, message))
    return checks


def score_seeds(gold_seeds: list[Record], records: dict[str, Record]) -> SeedReport:
    """Check extract records (keyed by gold `path`) against every expectation of gold/seeds.json
    that the extractor owns; dates, mentions and entity identities are counted as not scored."""
    report = SeedReport(not_scored=dict.fromkeys(_SEED_NOT_SCORED_KEYS, 0))
    for seed in gold_seeds:
        path = seed["path"]
        for key in _SEED_NOT_SCORED_KEYS:
            value = seed.get(key)
            report.not_scored[key] += len(value) if isinstance(value, list) else int(value is not None)
        record = records.get(path)
        if record is None:
            report.checks.append(SeedCheck(path, "record", False, "no extract record for this document"))
            continue
        for name, expected in seed.items():
            if name in _SEED_STRUCTURE_KEYS or name in _SEED_NOT_SCORED_KEYS:
                continue
            got = record.get(name)
            ok = _same_value(name, expected, got)
            report.checks.append(SeedCheck(path, name, ok, "" if ok else f"gold {expected!r}, got {got!r}"))
        first, last = body_texts(record)
        for name, text, from_end in (("body_first_words", first, False), ("body_last_words", last, True)):
            if name in seed:
                ok, got_words = words_match(seed[name], text, from_end=from_end)
                message = "" if ok else f"gold {seed[name]!r}, got {got_words!r}"
                report.checks.append(SeedCheck(path, name, ok, message))
        report.checks += _check_parts(path, list(seed.get("parts") or []), record)
        text = normalise_text(record.get("text"))
        for boilerplate in seed.get("boilerplate_removed") or []:
            ok = normalise_text(boilerplate) not in text
            message = "" if ok else "still in the text"
            report.checks.append(SeedCheck(path, f"boilerplate {boilerplate!r} removed", ok, message))
    return report


# --- loaders ----------------------------------------------------------------------------------


def load_gold_metadata(path: str | Path) -> list[Record]:
    """The rows of gold/metadata-dev.jsonl (paths relative to shared/corpus/)."""
    with Path(path).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_gold_seeds(path: str | Path) -> list[Record]:
    """The `documents` of gold/seeds.json (paths relative to shared/)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return list(data["documents"])


# -- text reuse: works and witnesses ---------------------------------------------------------------
def load_gold_reuse(path: str | Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def score_reuse(rows: list[dict[str, Any]], work_of: dict[str, str | None]) -> dict[str, Any]:
    """Precision and recall of "the two are in one work" over the gold's pairs. `work_of` maps a
    gold path to its document's work (None or absent: the document is not in the archive, which
    counts as not grouped)."""
    tp = fp = fn = tn = 0
    by_relation: dict[str, dict[str, int]] = {}
    errors = []
    for row in rows:
        wa, wb = work_of.get(row["a"]), work_of.get(row["b"])
        predicted = wa is not None and wa == wb
        gold = bool(row["same_text"])
        tally = by_relation.setdefault(row.get("relation") or "?", {"pairs": 0, "right": 0})
        tally["pairs"] += 1
        tally["right"] += int(predicted == gold)
        if predicted and gold:
            tp += 1
        elif predicted:
            fp += 1
        elif gold:
            fn += 1
        else:
            tn += 1
        if predicted != gold:
            errors.append({"a": row["a"], "b": row["b"], "gold": gold, "relation": row.get("relation")})
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"pairs": len(rows), "true_positive": tp, "false_positive": fp, "false_negative": fn,
            "true_negative": tn, "precision": round(precision, 4), "recall": round(recall, 4),
            "by_relation": by_relation, "errors": errors}  # fmt: skip


def format_reuse(report: dict[str, Any]) -> str:
    lines = [
        f"witness grouping on {report['pairs']} gold pairs: precision {report['precision']:.3f}, "
        f"recall {report['recall']:.3f} (TP {report['true_positive']}, FP {report['false_positive']}, "
        f"FN {report['false_negative']}, TN {report['true_negative']})",
        "by relation (pairs right / pairs):",
    ]
    for relation, tally in sorted(report["by_relation"].items()):
        lines.append(f"  {relation:18} {tally['right']}/{tally['pairs']}")
    for e in report["errors"]:
        lines.append(
            f"  wrong: {'same' if e['gold'] else 'different'} ({e['relation']}): {e['a']} | {e['b']}"
        )
    return "\n".join(lines)

"""A learned second opinion on the document type, over the rules' verdict and what the document holds.

`doctype.classify` decides by rules; the first rule that fires wins, and on pages the rules were
not written from a title word or a missing cue sends many texts to the wrong kind. This model,
trained by `tools/train_doctype.py` on the committed gold labels, sees the rules' verdict and its
reason together with the finished document's evidence (title words, the parts found, the source,
the path) and gives the type. Strong explicit cues stay with the rules: a title that says
"Letter", an editor who names the kind, a "Delivered:" header (see `KEPT`).

Stored as JSON in `models/`, evaluated in plain Python; loaded once per process.
"""

from __future__ import annotations

import json
import math
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

from archivist._native import PACKAGE
from archivist.extract.blockmodel import compile_trees
from archivist.model import Document
from archivist.text import marks_as_nul

MODEL_PATH = PACKAGE / "extract" / "models" / "doctype.json"  # not beside __file__: see archivist/_native.py
KINDS = (
    "article",
    "letter",
    "speech",
    "interview",
    "manifesto",
    "resolution",
    "pamphlet",
    "book-chapter",
    "other",
)
WHY = ("title", "editorial", "body", "anatomy", "form", "header", "heading", "source", "path", "first-published",
       "default")  # fmt: skip
# Verdicts that rest on the page saying what the text is: the model does not overrule them.
KEPT = (
    "title:letter",
    "title:writer-to-addressee",
    "editorial:",
    "header:delivered",
    "form:",
    "title:interview",
    "anatomy:dear",  # a text that opens "Dear …" is a letter; the model never learnt otherwise
    "anatomy:salutation+signature",
)

_TITLE_WORDS: list[tuple[str, re.Pattern[str]]] = [
    (name, re.compile(pattern, re.I))
    for name, pattern in [
        ("letter", r"\bletters?\b|\blettre|\bbrief\b|\bcarta\b| to [A-Z]"),
        ("speech", r"\bspeech|\baddress|\blecture|\bdiscours|\bremarks\b|\breport\b"),
        ("interview", r"\binterview|\bconversation"),
        ("resolution", r"\bresolution|\btheses|\bthesis|\bdecree|\bmotion\b"),
        ("manifesto", r"\bmanifest|\bprogram|\bdeclaration|\bproclamation|\bplatform|\bappeal\b"),
        (
            "chapter",
            r"^(?:chapter|ch\.|part|book|section|appendix|lecture)\b|^[IVXLC]+\.?\s|^\d+\.?\s|chapter",
        ),
        ("front", r"\b(?:preface|introduction|foreword|afterword|postscript|epilogue|prologue)\b"),
        ("review", r"\breview|\bbook\b"),
        ("reply", r"^(?:reply|answer|a reply|on|the|for|against|why|what|how)\b|\?$"),
        ("to_the", r"^to (?:the|all)\b"),
    ]
]
_PATH_WORDS: list[tuple[str, re.Pattern[str]]] = [
    (name, re.compile(pattern, re.I))
    for name, pattern in [
        ("letters", r"/(?:letters|correspondence|briefe|lettres|cartas)/|letter"),
        ("chapter", r"(?:^|/)(?:ch|chap|chapter|part|pt)[-_]?\d+[a-z]?\.\w+$|/ch\d"),
        ("numbered", r"/\d+[a-z]?\.\w+$|/\d+-\w+\.\w+$"),
        ("works", r"/works/"),
        ("subject", r"/subject/|/history/"),
        ("speech", r"speech|address|lecture"),
        ("review", r"review"),
        ("interview", r"interv"),
        ("date_dirs", r"/1[789]\d\d/\d\d/|/20\d\d/\d\d/"),
        ("xx", r"/xx/|/x\d+"),
    ]
]
_SOURCE_WORDS: list[tuple[str, re.Pattern[str]]] = [
    (name, re.compile(pattern, re.I))
    for name, pattern in [
        ("pamphlet", r"\bpamph?let|\bbrochure|\bleaflet"),
        (
            "periodical",
            r"\b(?:vol|no|nr|issue)\.?\s*\d|\b(?:daily|weekly|review|journal|gazette|times|news|herald|worker|socialist|militant)\b",
        ),
        ("book", r"\b(?:collected works|selected works|works|book|chapter|press|publishers?|edition)\b"),
        ("date", r"\b1[5-9]\d\d\b|\b20\d\d\b"),
    ]
]
_OPENING = re.compile(
    r"^(?:(?:my |our )?dear|comrades|citizens|friends|ladies|gentlemen|fellow|sir\b|monsieur|madame)", re.I
)


# \bI\b and \b(?:you|your)\b, written to start with a letter (the lookbehind after it is the \b
# before it): the regex engine then skips to that letter instead of trying every position.
_I = re.compile(r"I(?<!\w.)\b")
_YOU = re.compile(r"y(?<!\w.)our?\b")


def features(doc: Document, rule_type: str, why: str) -> list[float]:
    title = doc.title or ""
    path = doc.path or ""
    source = doc.source or ""
    kinds = [p.kind for p in doc.parts]
    body = doc.body or ""
    opening = body[:5000]
    # lowered with its quotes and dashes as NULs (`marks_as_nul`), most often ASCII: the same counts
    low = (opening if opening.isascii() else marks_as_nul(opening)).lower()
    row = [1.0 if rule_type == k else 0.0 for k in KINDS]
    row += [1.0 if why.split(":")[0] == w else 0.0 for w in WHY]
    row += [1.0 if p.search(title) else 0.0 for _, p in _TITLE_WORDS]
    row += [1.0 if p.search(path) else 0.0 for _, p in _PATH_WORDS]
    row += [1.0 if p.search(source) else 0.0 for _, p in _SOURCE_WORDS]
    row += [
        1.0 if source else 0.0,
        1.0 if doc.date_published else 0.0,
        1.0 if doc.date_written else 0.0,
        1.0 if doc.place else 0.0,
        1.0 if doc.translator else 0.0,
        1.0 if doc.addressee else 0.0,
        len(doc.authors or []) / 3,
        *(
            1.0 if k in kinds else 0.0
            for k in ("salutation", "closing", "signature", "dateline", "postscript")
        ),
        min(kinds.count("editorial-note"), 3) / 3,
        min(kinds.count("footnote"), 20) / 20,
        math.log1p(len(body)) / 12,
        min(body.count("\n\n"), 200) / 200,
        1.0 if _OPENING.match(body) else 0.0,
        1.0 if _I.search(body[:3000]) else 0.0,
        min(len(_YOU.findall(low)), 30) / 30,
        min(low.count("comrades"), 10) / 10,
        min(len(title), 120) / 120,
    ]
    return row


FEATURE_NAMES = (
    [f"rule_{k}" for k in KINDS]
    + [f"why_{w}" for w in WHY]
    + [f"title_{n}" for n, _ in _TITLE_WORDS]
    + [f"path_{n}" for n, _ in _PATH_WORDS]
    + [f"source_{n}" for n, _ in _SOURCE_WORDS]
    + ["has_source", "published", "written", "place", "translator", "addressee", "authors", "salutation",
       "closing", "signature", "dateline", "postscript", "editorial_notes", "footnotes", "body_len",
       "paragraphs", "opening_address", "first_person", "you", "comrades", "title_len"]
)  # fmt: skip


@cache
def load_model(path: str | None = None) -> dict[str, Any] | None:
    """The trained model, or None (then the rules' verdict stands). `ARCHIVIST_DOCTYPE_MODEL`
    names another file, or `none`."""
    where = Path(path or os.environ.get("ARCHIVIST_DOCTYPE_MODEL") or MODEL_PATH)
    if where.name == "none" or not where.exists():
        return None
    with where.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def scores(model: dict[str, Any], row: list[float]) -> list[float]:
    """The raw score of each class in `model["classes"]`."""
    if model["kind"] == "logistic":
        return [
            b + sum(w * x for w, x in zip(ws, row, strict=True))
            for b, ws in zip(model["intercepts"], model["weights"], strict=True)
        ]
    compiled = _COMPILED.get(id(model))
    if compiled is None or compiled[0] is not model:
        compiled = _COMPILED[id(model)] = (model, [compile_trees(trees) for trees in model["trees"]])
    return [
        init + model["rate"] * ensemble(row)
        for init, ensemble in zip(model["init"], compiled[1], strict=True)
    ]


_COMPILED: dict[int, Any] = {}


def predict(model: dict[str, Any], row: list[float]) -> tuple[str, float]:
    """The most likely class and its probability (softmax over the scores)."""
    values = scores(model, row)
    top = max(values)
    weights = [math.exp(v - top) for v in values]
    best = max(range(len(values)), key=values.__getitem__)
    return str(model["classes"][best]), weights[best] / sum(weights)


def second_opinion(
    doc: Document, rule_type: str, why: str, model: dict[str, Any] | None = None
) -> str | None:
    """The model's type where it may overrule the rules and disagrees with them; else None."""
    model = model if model is not None else load_model()
    if not model or why.startswith(KEPT):
        return None
    kind, confidence = predict(model["model"], features(doc, rule_type, why))
    return kind if kind != rule_type and confidence >= model["threshold"] else None

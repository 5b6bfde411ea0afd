"""The data model: one `Document` with one canonical text and stand-off spans into it.

Everything the pipeline learns about a text is either a field of the `Document` (with its
`Provenance`) or a `Part` — a `(start, end)` span into `Document.text`. The text never changes
after extraction, so later stages (entities, dates, quotations) add spans, never edits.

`Document.to_record()` is the contract read by `archivist extract --format jsonl`, the evaluation
and the store; `Document.from_record()` reverses it exactly.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

from archivist._native import PACKAGE

PART_KINDS = (
    "header",
    "addressee",
    "salutation",
    "body",
    "closing",
    "signature",
    "dateline",
    "postscript",
    "editorial-note",
    "footnote",
)

DOC_TYPES = (
    "article",
    "letter",
    "speech",
    "resolution",
    "book-chapter",
    "interview",
    "manifesto",
    "pamphlet",
    "other",
)

# The metadata fields of the extract contract, in contract order (text and parts come last).
METADATA_FIELDS = (
    "title",
    "authors",
    "date_written",
    "date_published",
    "source",
    "source_title",
    "source_volume",
    "source_issue",
    "source_page",
    "place",
    "translator",
    "transcriber",
    "rights",
    "language",
    "doc_type",
    "classification",
    "addressee",
    "url",
)

# The code that turns bytes into a document; its hash is the extractor's version (see below).
_EXTRACTION_CODE = ("model.py", "extract", "sources")


def _extractor_version() -> str:
    """A hash of the extraction code itself, so that a store knows which documents are stale after
    an upgrade without anyone remembering to bump a number."""
    root = PACKAGE  # not this module's folder: compiled, it is loaded from archivist/_compiled
    digest = hashlib.sha256()
    for name in _EXTRACTION_CODE:
        target = root / name
        # the learned models (`extract/models/*.json`) are code too
        files = sorted([*target.rglob("*.py"), *target.rglob("*.json")]) if target.is_dir() else [target]
        for file in files:
            digest.update(file.relative_to(root).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


EXTRACTOR_VERSION = _extractor_version()


def version_id(data: bytes) -> str:
    """A version of a document is named by its file's bytes: the first 16 hex digits of SHA-256."""
    return hashlib.sha256(data).hexdigest()[:16]


def document_id(key: str) -> str:
    """A document is named by its key — its collection and its path inside it, e.g.
    ``corpus/mia/1939/sees.htm`` — so the id survives any edit of the file, a moved folder and a
    rebuilt archive: the same key gives the same id in every archive."""
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def collection_of(key: str) -> str:
    return key.split("/", 1)[0]


@dataclass(slots=True)
class Provenance:
    """Where one field's value came from: `origin` is e.g. ``header:Written``, ``dateline``,
    ``title``, ``tei:sourceDesc`` or ``inferred:path``; `raw` is the text it was read from."""

    origin: str
    raw: str | None = None
    confidence: float = 1.0


@dataclass(slots=True)
class Part:
    """A stand-off span of the canonical text with a role, and its own metadata where it has any
    (an editorial note signed by someone else, on another date, in another place)."""

    kind: str
    start: int
    end: int
    author: str | None = None
    date: str | None = None
    place: str | None = None
    title: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in PART_KINDS:
            raise ValueError(f"unknown part kind {self.kind!r}; expected one of {', '.join(PART_KINDS)}")
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad part span {self.start}..{self.end}")


@dataclass(slots=True)
class Span:
    """One annotation of the canonical text in a named layer: the extractor's parts are the layer
    ``parts``, the lines of the header ``header``, and each later stage adds layers of its own
    (paragraphs, dates, mentions, quotations). `agent` says who made it — ``extractor@<version>``,
    ``stage:<name>@<version>``, or a person — and `attrs` holds what the span says (a normalised
    date, an entity id)."""

    layer: str
    kind: str
    start: int
    end: int
    attrs: dict[str, Any] = field(default_factory=dict)
    agent: str = ""
    confidence: float = 1.0

    def to_record(self, text: str | None = None) -> dict[str, Any]:
        record: dict[str, Any] = {
            "layer": self.layer,
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
        }
        if text is not None:
            record["text"] = text[self.start : self.end]
        if self.attrs:
            record["attrs"] = self.attrs
        record["agent"] = self.agent
        record["confidence"] = self.confidence
        return record


@dataclass(slots=True)
class Correction:
    """A person's correction as it applies to the document read: the extracted value is kept."""

    id: int
    target: str  # "field" or "part"
    field: str | None
    value: Any
    extracted: Any
    note: str | None
    author: str
    at: str
    status: str = "applied"  # applied, or unanchored (a part correction whose text is gone)
    part: int | None = None

    def to_record(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Document:
    path: str
    id: str
    text: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date_written: str | None = None
    date_published: str | None = None
    source: str | None = None
    source_title: str | None = None
    source_volume: str | None = None
    source_issue: str | None = None
    source_page: str | None = None
    place: str | None = None
    translator: str | None = None
    transcriber: str | None = None
    rights: str | None = None
    language: str | None = None
    doc_type: str = "other"
    classification: str | None = None
    addressee: str | None = None
    url: str | None = None
    parts: list[Part] = field(default_factory=list)
    provenance: dict[str, Provenance] = field(default_factory=dict)
    format: str | None = None
    encoding: str | None = None
    version: str | None = None  # the version read: the id of the file's bytes (see version_id)
    spans: list[Span] = field(default_factory=list)  # layers other than the parts
    corrections: list[Correction] = field(default_factory=list)  # applied on read by the store
    status: str = "current"  # current, superseded (an older version) or withdrawn (file gone)

    @property
    def collection(self) -> str:
        return collection_of(self.path)

    def layer(self, name: str) -> list[Span]:
        return [s for s in self.spans if s.layer == name]

    def part_text(self, part: Part) -> str:
        return self.text[part.start : part.end]

    def parts_of(self, kind: str) -> list[Part]:
        return [p for p in self.parts if p.kind == kind]

    @property
    def body(self) -> str:
        return "\n\n".join(self.part_text(p) for p in self.parts_of("body"))

    def to_record(self) -> dict[str, Any]:
        """The extract contract: plain JSON-ready data, field names as documented."""
        record: dict[str, Any] = {"path": self.path, "id": self.id}
        for name in METADATA_FIELDS:
            value = getattr(self, name)
            record[name] = list(value) if isinstance(value, list) else value
        record["text"] = self.text
        record["parts"] = [_part_record(p, self.text) for p in self.parts]
        record["provenance"] = {k: asdict(v) for k, v in self.provenance.items()}
        record["format"] = self.format
        record["encoding"] = self.encoding
        record["version"] = self.version
        if self.spans:
            record["spans"] = [s.to_record(self.text) for s in self.spans]
        if self.corrections:
            record["corrections"] = [c.to_record() for c in self.corrections]
        if self.status != "current":
            record["status"] = self.status
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Document:
        parts = [
            Part(
                kind=p["kind"],
                start=p["start"],
                end=p["end"],
                author=p.get("author"),
                date=p.get("date"),
                place=p.get("place"),
                title=p.get("title"),
            )
            for p in record.get("parts", [])
        ]
        provenance = {k: Provenance(**v) for k, v in (record.get("provenance") or {}).items()}
        fields: dict[str, Any] = {name: record.get(name) for name in METADATA_FIELDS}
        fields["authors"] = list(fields["authors"] or [])
        fields["doc_type"] = fields["doc_type"] or "other"
        spans = [
            Span(
                layer=s["layer"],
                kind=s["kind"],
                start=s["start"],
                end=s["end"],
                attrs=s.get("attrs") or {},
                agent=s.get("agent", ""),
                confidence=s.get("confidence", 1.0),
            )
            for s in record.get("spans", [])
        ]
        corrections = [Correction(**c) for c in record.get("corrections", [])]
        return cls(
            path=record["path"],
            id=record["id"],
            text=record["text"],
            parts=parts,
            provenance=provenance,
            format=record.get("format"),
            encoding=record.get("encoding"),
            version=record.get("version"),
            spans=spans,
            corrections=corrections,
            status=record.get("status", "current"),
            **fields,
        )


def _part_record(part: Part, text: str) -> dict[str, Any]:
    record: dict[str, Any] = {
        "kind": part.kind,
        "start": part.start,
        "end": part.end,
        "text": text[part.start : part.end],
    }
    for name in ("author", "date", "place", "title"):
        value = getattr(part, name)
        if value is not None:
            record[name] = value
    return record


@dataclass(slots=True)
class SourceFile:
    """One input file as read: its bytes are kept in the store, addressed by SHA-256."""

    path: str
    sha256: str
    size: int
    format: str | None = None
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)  # what reading it had to guess or repair


@dataclass(slots=True)
class Extraction:
    """What the per-file function returns: the file, and either a document or a failure reason.

    `original` carries the file's bytes back to the writer in the form the store keeps them
    (`compression` names it: see `archivist.store.pack_original`). The worker packs them, because
    compression is most of the cost of a write and the writer is the one process that cannot be
    multiplied; the bytes travel once, compressed. They are all the archive needs to be rebuilt.
    """

    file: SourceFile
    original: bytes
    compression: str = "none"
    document: Document | None = None
    failure: str | None = None
    failure_detail: str | None = None

    @property
    def ok(self) -> bool:
        return self.document is not None

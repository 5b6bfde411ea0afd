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
)

# Bumped whenever extraction output changes, so a store knows which documents are stale.
EXTRACTOR_VERSION = "1"


def document_id(data: bytes) -> str:
    """A document is named by its bytes: the same file anywhere gets the same id."""
    return hashlib.sha256(data).hexdigest()[:16]


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
    parts: list[Part] = field(default_factory=list)
    provenance: dict[str, Provenance] = field(default_factory=dict)
    format: str | None = None
    encoding: str | None = None

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
        return cls(
            path=record["path"],
            id=record["id"],
            text=record["text"],
            parts=parts,
            provenance=provenance,
            format=record.get("format"),
            encoding=record.get("encoding"),
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

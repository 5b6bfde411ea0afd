"""The search index: a tantivy folder beside the archive (archive.db → archive.index/), derived
from the archive and rebuilt from it at will.

One tantivy document per *passage* — a paragraph-sized piece of one part of one document, with its
offsets into the document's text — carrying its document's metadata for filters and facets. Only
current documents are indexed. `manifest.json` records the index format, the analysers and, for
every document indexed, the marker of the version indexed, so `update_index` reads again only what
changed and `open_index` can tell an index built by another archivist from a usable one.

Writers commit once per update: a reader (tantivy searchers see only committed segments) never
sees half a batch, and never waits for a writer.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tantivy

from archivist import __version__
from archivist.errors import ArchivistError
from archivist.model import PART_KINDS, Document
from archivist.search.analysis import (
    ANALYSER_VERSION,
    EXACT,
    FOLD,
    RAW,
    STEMMERS,
    register,
    stem_field,
)

# Bump when the schema or the passages change; with ANALYSER_VERSION it names an index's build.
INDEX_FORMAT = "3"
MANIFEST = "manifest.json"
# Each indexed document's facet values (doc_ord, year, type, lang, source, authors), so facets count
# documents with one aggregation over the matches (which documents: a histogram of doc_ord) and a
# lookup here (their values, in arrays indexed by doc_ord).
FACET_TABLE = "facets.json"

PASSAGE_MIN = 300  # characters: shorter paragraphs join the next one of the same part
PASSAGE_MAX = 2000  # longer ones are cut at a sentence end near PASSAGE_TARGET
PASSAGE_TARGET = 1200
NO_DATE = 99_999_999  # sort key of undated documents: after every date
PART_SLOTS = 16  # doc_part = doc_ord × PART_SLOTS + part_code(part)


def part_code(part: str) -> int:
    """A part's number in doc_part: its place in PART_KINDS (the last slot for any other)."""
    try:
        return PART_KINDS.index(part)
    except ValueError:
        return PART_SLOTS - 1


class SearchError(ArchivistError):
    """The search index is missing, stale, busy or unreadable."""


class QuerySyntaxError(ArchivistError):
    """A query that cannot be read; the message points at the place."""


def index_path(db: str | Path) -> Path:
    """archive.db → archive.index (beside it)."""
    db = Path(db)
    return db.with_name(db.stem + ".index") if db.suffix else db.with_name(db.name + ".index")


def doc_number(doc_id: str) -> int:
    """A stable 63-bit number for a document id (a fast field to group and count by)."""
    return int.from_bytes(hashlib.blake2b(doc_id.encode(), digest_size=8).digest(), "big") >> 1


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("doc_key", stored=True, fast=True, tokenizer_name=RAW)
    sb.add_unsigned_field("doc_num", stored=False, indexed=True, fast=True)
    # dense document number (0, 1, 2, … in the order indexed; an update appends): which documents
    # match is a histogram of it, and their facet values an array lookup (facets.json)
    sb.add_unsigned_field("doc_ord", stored=False, indexed=False, fast=True)
    # doc_ord and the passage's part in one number (doc_ord × 16 + the part's place in PART_KINDS):
    # one histogram of it says which documents match and in which of their parts
    sb.add_unsigned_field("doc_part", stored=False, indexed=False, fast=True)
    sb.add_text_field("path", stored=True, fast=True, tokenizer_name=RAW)
    sb.add_unsigned_field("first", stored=False, indexed=True, fast=False)
    sb.add_text_field("part", stored=True, fast=True, tokenizer_name=RAW)
    sb.add_integer_field("start", stored=True, indexed=False, fast=False)
    sb.add_integer_field("end", stored=True, indexed=False, fast=False)
    # the passage's text: stored (snippets, kwic), folded; and stemmed in its language's field
    sb.add_text_field(EXACT, stored=True, tokenizer_name=EXACT)
    for language in STEMMERS:
        sb.add_text_field(stem_field(language), stored=False, tokenizer_name=stem_field(language))
    sb.add_text_field("title", stored=True, tokenizer_name=FOLD)
    sb.add_text_field("title_sort", stored=False, fast=True, tokenizer_name=RAW)
    sb.add_text_field("authors", stored=True, tokenizer_name=FOLD)
    sb.add_text_field("author_f", stored=False, fast=True, tokenizer_name=RAW)
    sb.add_text_field("source", stored=True, tokenizer_name=FOLD)
    sb.add_text_field("source_f", stored=False, fast=True, tokenizer_name=RAW)
    sb.add_text_field("place", stored=True, tokenizer_name=FOLD)
    sb.add_text_field("translator", stored=False, tokenizer_name=FOLD)
    # what bare words also match in every passage of a document: authors, source, place, date
    sb.add_text_field("context", stored=False, tokenizer_name=FOLD)
    sb.add_text_field("type", stored=True, fast=True, tokenizer_name=RAW)
    sb.add_text_field("lang", stored=True, fast=True, tokenizer_name=RAW)
    sb.add_text_field("date", stored=True, tokenizer_name=RAW)
    sb.add_integer_field("year", stored=False, indexed=True, fast=True)
    sb.add_integer_field("sort_date", stored=False, indexed=False, fast=True)
    # the entities the document names (ids of the `entity_mentions` table, after `archivist enrich`)
    sb.add_text_field("entity", stored=False, tokenizer_name=RAW)
    # their names, the archive's spellings of them and the authority file's aliases, folded
    sb.add_text_field("entity_names", stored=False, tokenizer_name=FOLD)
    return sb.build()


# -- passages ---------------------------------------------------------------------------------------
_PARAGRAPH = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"[.!?;:»”\"')\]]\s+")


@dataclass(slots=True)
class Passage:
    part: str
    start: int
    end: int


def _cut_long(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while end - start > PASSAGE_MAX:
        window = text[start + PASSAGE_TARGET // 2 : start + PASSAGE_MAX]
        cut = None
        for m in _SENTENCE_END.finditer(window):
            cut = start + PASSAGE_TARGET // 2 + m.end()
            if cut - start >= PASSAGE_TARGET:
                break
        if cut is None:
            space = text.rfind(" ", start + PASSAGE_TARGET // 2, start + PASSAGE_MAX)
            cut = space + 1 if space > start else start + PASSAGE_TARGET
        yield start, cut
        start = cut
    yield start, end


def passages(doc: Document) -> list[Passage]:
    """Paragraph-sized pieces of each part, in text order, with offsets into `doc.text`."""
    spans = sorted(((p.start, p.end, p.kind) for p in doc.parts), key=lambda s: (s[0], s[1]))
    if not spans:
        spans = [(0, len(doc.text), "body")]
    out: list[Passage] = []
    for start, end, kind in spans:
        pending: tuple[int, int] | None = None
        pieces: list[tuple[int, int]] = []
        cursor = start
        for m in _PARAGRAPH.finditer(doc.text, start, end):
            pieces.append((cursor, m.start()))
            cursor = m.end()
        pieces.append((cursor, end))
        for a, b in pieces:
            while a < b and doc.text[a].isspace():
                a += 1
            while b > a and doc.text[b - 1].isspace():
                b -= 1
            if a >= b:
                continue
            if pending is not None:
                a = pending[0]
                pending = None
            if b - a < PASSAGE_MIN:
                pending = (a, b)
                continue
            out.extend(Passage(kind, x, y) for x, y in _cut_long(doc.text, a, b))
        if pending is not None:
            if (
                out
                and out[-1].part == kind
                and out[-1].end <= pending[0]
                and pending[1] - out[-1].start <= PASSAGE_MAX
            ):
                out[-1].end = pending[1]
            else:
                out.append(Passage(kind, *pending))
    return out


def _year(date: str | None) -> int | None:
    if date and len(date) >= 4 and date[:4].isdigit():
        return int(date[:4])
    return None


def _sort_date(date: str | None) -> int:
    if not date or not date[:4].isdigit():
        return NO_DATE
    digits = re.sub(r"\D", "", date[:10])
    return int((digits + "0000")[:8])


def document_date(doc: Document) -> str | None:
    return doc.date_written or doc.date_published


@dataclass(slots=True)
class EntityRef:
    """An entity a document names: its id and the names it goes by (canonical, spellings)."""

    id: str
    names: list[str]


def tantivy_documents(
    doc: Document, ordinal: int = 0, entities: list[EntityRef] | None = None
) -> Iterator[tantivy.Document]:
    """The index's documents for one archive document: one per passage."""
    date = document_date(doc)
    entity_names = list(dict.fromkeys(n for e in entities or [] for n in e.names))
    year = _year(date)
    language = doc.language if doc.language in STEMMERS else None
    number = doc_number(doc.id)
    for i, passage in enumerate(passages(doc)):
        t = tantivy.Document()
        t.add_text("doc_key", doc.id)
        t.add_unsigned("doc_num", number)
        t.add_unsigned("doc_ord", ordinal)
        t.add_unsigned("doc_part", ordinal * PART_SLOTS + part_code(passage.part))
        t.add_text("path", doc.path)
        t.add_unsigned("first", 1 if i == 0 else 0)
        t.add_text("part", passage.part)
        t.add_integer("start", passage.start)
        t.add_integer("end", passage.end)
        text = doc.text[passage.start : passage.end]
        t.add_text(EXACT, text)
        if language:
            t.add_text(stem_field(language), text)
        if doc.title:
            t.add_text("title", doc.title)
            t.add_text("title_sort", doc.title.casefold())
        for name in doc.authors:
            t.add_text("authors", name)
            t.add_text("author_f", name)
        source = doc.source_title or doc.source
        if source:
            t.add_text("source", source)
            t.add_text("source_f", source)
        if doc.place:
            t.add_text("place", doc.place)
        if doc.translator:
            t.add_text("translator", doc.translator)
        context = " ".join(x for x in (*doc.authors, source, doc.place, date) if x)
        if context:
            t.add_text("context", context)
        t.add_text("type", doc.doc_type or "other")
        t.add_text("lang", doc.language or "und")
        if date:
            t.add_text("date", date)
        if year is not None:
            t.add_integer("year", year)
        t.add_integer("sort_date", _sort_date(date))
        for entity in entities or []:
            t.add_text("entity", entity.id)
        for name in entity_names:
            t.add_text("entity_names", name)
        yield t


def facet_row(doc: Document, ordinal: int) -> list[Any]:
    """What `facets.json` holds for one document: [doc_ord, year, type, lang, source, authors]."""
    return [ordinal, _year(document_date(doc)), doc.doc_type or "other", doc.language or "und",
            doc.source_title or doc.source or None, list(doc.authors)]  # fmt: skip


# -- the folder -------------------------------------------------------------------------------------
def read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        data: dict[str, Any] = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data


def _write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    tmp = folder / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, folder / MANIFEST)


def read_facet_table(folder: Path) -> dict[str, list[Any]] | None:
    try:
        data: dict[str, list[Any]] = json.loads((folder / FACET_TABLE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data


def _write_facet_table(folder: Path, table: dict[str, list[Any]]) -> None:
    tmp = folder / (FACET_TABLE + ".tmp")
    tmp.write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, folder / FACET_TABLE)


def stale_reason(manifest: dict[str, Any] | None) -> str | None:
    if manifest is None:
        return "it has no manifest"
    if manifest.get("format") != INDEX_FORMAT or manifest.get("analysers") != ANALYSER_VERSION:
        return (
            f"it was built with index format {manifest.get('format')}, analysers {manifest.get('analysers')} "
            f"(this archivist: {INDEX_FORMAT}, {ANALYSER_VERSION})"
        )
    return None


def _new_index(folder: Path) -> tantivy.Index:
    folder.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(build_schema(), path=str(folder))
    register(index, list(STEMMERS))
    return index


def open_tantivy(folder: Path) -> tantivy.Index:
    index = tantivy.Index.open(str(folder))
    register(index, list(STEMMERS))
    return index


def _writer(index: tantivy.Index, folder: Path) -> tantivy.IndexWriter:
    try:
        return index.writer(heap_size=256_000_000, num_threads=2)
    except ValueError as err:
        if "lock" in str(err).lower():
            raise SearchError(
                f"{folder}: the index is being written by another process (an ingest or reindex); "
                "search still works, try the update again when it is done"
            ) from err
        raise


@dataclass(slots=True)
class IndexReport:
    added: int = 0
    removed: int = 0
    passages: int = 0
    seconds: float = 0.0
    rebuilt: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"added": self.added, "removed": self.removed, "passages": self.passages,
                "seconds": round(self.seconds, 2), "rebuilt": self.rebuilt}  # fmt: skip


Entities = Mapping[str, list[EntityRef]]  # document id → the entities it names


def build_index(
    folder: str | Path,
    documents: Iterable[Document],
    markers: dict[str, str] | None = None,
    archive_state: dict[str, Any] | None = None,
    entities: Entities | None = None,
) -> IndexReport:
    """Build a fresh index of `documents` in `folder` (replaced whole, atomically: readers of the
    old one keep reading it until they reopen). `entities`: what each document names, from the
    archive's `entity_mentions` (after `archivist enrich`), for `entity:`."""
    started = time.perf_counter()
    folder = Path(folder)
    tmp = folder.with_name(folder.name + f".building-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    index = _new_index(tmp)
    writer = _writer(index, tmp)
    report = IndexReport(rebuilt=True)
    indexed: dict[str, str] = {}
    table: dict[str, list[Any]] = {}
    named = 0
    try:
        for ordinal, doc in enumerate(documents):
            refs = (entities or {}).get(doc.id)
            named += bool(refs)
            for t in tantivy_documents(doc, ordinal, refs):
                writer.add_document(t)
                report.passages += 1
            indexed[doc.id] = (markers or {}).get(doc.id, "")
            table[doc.id] = [*facet_row(doc, ordinal), bool(refs)]
            report.added += 1
        writer.commit()
        writer.wait_merging_threads()
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _write_facet_table(tmp, table)
    _write_manifest(tmp, _manifest(indexed, archive_state, report.passages, report.added, named))
    old = folder.with_name(folder.name + f".old-{os.getpid()}")
    if folder.exists():
        os.replace(folder, old)
    os.replace(tmp, folder)
    shutil.rmtree(old, ignore_errors=True)
    report.seconds = time.perf_counter() - started
    return report


def _manifest(
    documents: dict[str, str], archive_state: dict[str, Any] | None, passages: int, next_ord: int,
    with_entities: int,
) -> dict[str, Any]:  # fmt: skip
    return {
        "format": INDEX_FORMAT,
        "analysers": ANALYSER_VERSION,
        "archivist": __version__,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "archive": archive_state or {},
        "passages": passages,
        "next_ord": next_ord,  # the doc_ord the next document indexed gets
        "with_entities": with_entities,  # documents indexed with the entities they name
        "documents": documents,
    }


def update_folder(
    folder: Path,
    markers: dict[str, str],
    load: Any,
    archive_state: dict[str, Any] | None = None,
    entities: Entities | None = None,
) -> IndexReport:
    """Bring the index in `folder` in step with `markers` (document id → version marker of every
    current document): delete what is gone or changed, add what is new or changed (`load(ids)`
    yields their Documents), one commit. A missing or stale index is rebuilt."""
    manifest = read_manifest(folder)
    table = read_facet_table(folder)
    if not folder.exists() or stale_reason(manifest) is not None or manifest is None or table is None:
        return build_index(folder, load(sorted(markers)), markers, archive_state, entities)
    started = time.perf_counter()
    indexed: dict[str, str] = dict(manifest.get("documents", {}))
    gone = [doc_id for doc_id in indexed if doc_id not in markers]
    changed = sorted(doc_id for doc_id, marker in markers.items() if indexed.get(doc_id) != marker)
    report = IndexReport()
    if gone or changed:
        index = open_tantivy(folder)
        writer = _writer(index, folder)
        try:
            for doc_id in [*gone, *changed]:
                if doc_id in indexed:
                    writer.delete_documents_by_term("doc_key", doc_id)
            passages_before = int(manifest.get("passages", 0))
            next_ord = int(manifest.get("next_ord", 0))
            named = int(manifest.get("with_entities", 0))
            for doc_id in [*gone, *changed]:
                row = table.pop(doc_id, None)
                named -= bool(row and len(row) > 6 and row[6])
            for doc in load(changed):
                refs = (entities or {}).get(doc.id)
                named += bool(refs)
                for t in tantivy_documents(doc, next_ord, refs):
                    writer.add_document(t)
                    report.passages += 1
                table[doc.id] = [*facet_row(doc, next_ord), bool(refs)]
                next_ord += 1
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            with contextlib.suppress(Exception):
                writer.rollback()
            raise
        for doc_id in gone:
            indexed.pop(doc_id, None)
        for doc_id in changed:
            indexed[doc_id] = markers[doc_id]
        report.removed = len(gone)
        report.added = len(changed)
        index.reload()
        passages_now = index.searcher().num_docs
        _write_facet_table(folder, table)
        _write_manifest(folder, _manifest(indexed, archive_state, passages_now, next_ord, max(0, named)))
        report.passages = (
            passages_now - passages_before if passages_now >= passages_before else report.passages
        )
    elif archive_state and manifest.get("archive") != archive_state:
        manifest["archive"] = archive_state
        _write_manifest(folder, manifest)
    report.seconds = time.perf_counter() - started
    return report

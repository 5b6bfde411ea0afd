"""Search over the archive: a tantivy index of passages beside the archive file
(archive.db → archive.index/), derived from it, kept in step by ingest and rebuilt by reindex.

    from archivist.search import search
    result = search("archive.db", '"Left Opposition" author:trotsky year:1930..1934', facets=["year"])
    for hit in result.hits: print(hit.title, hit.snippet)

`archive` may be an `Archive` or the path of its file. The query language is described in
`archivist.search.query`; a malformed query raises `QuerySyntaxError`, a missing or stale index
`SearchError` — both one line that says what to do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archivist.search.engine import FACETS, SORTS, Hit, SearchIndex, SearchResult, filters_node
from archivist.search.index import EntityRef, IndexReport, QuerySyntaxError, SearchError, index_path
from archivist.store import Archive

__all__ = [
    "FACETS",
    "SORTS",
    "Hit",
    "IndexReport",
    "QuerySyntaxError",
    "SearchError",
    "SearchIndex",
    "SearchResult",
    "collocates",
    "index_path",
    "kwic",
    "list_documents",
    "open_index",
    "rebuild_index",
    "search",
    "update_index",
]

_open: dict[str, tuple[float, SearchIndex]] = {}


def _db(archive: Archive | str | Path) -> str:
    return archive.path if isinstance(archive, Archive) else str(archive)


def open_index(archive: Archive | str | Path) -> SearchIndex:
    """The search index of an archive, opened once per process and reloaded when a writer has
    committed since (the manifest is rewritten after every commit)."""
    db = _db(archive)
    if not Path(db).exists():
        raise SearchError(f"{db}: no archive here; create one with `archivist ingest DIR --db {db}`")
    folder = index_path(db)
    key = str(folder.resolve())
    try:
        stamp = (folder / "manifest.json").stat().st_mtime
    except OSError:
        stamp = -1.0
    cached = _open.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    index = SearchIndex(folder)
    _open[key] = (stamp, index)
    return index


def search(archive: Archive | str | Path, query: str, **options: Any) -> SearchResult:
    """Documents matching `query`: see `SearchIndex.search` for the options (limit, offset,
    facets, sort, snippet_chars)."""
    return open_index(archive).search(query, **options)


def list_documents(
    archive: Archive | str | Path,
    *,
    author: str | None = None,
    year: str | int | None = None,
    doc_type: str | None = None,
    lang: str | None = None,
    source: str | None = None,
    place: str | None = None,
    date: str | None = None,
    sort: str = "date",
    limit: int = 50,
    offset: int = 0,
    facets: list[str] | tuple[str, ...] = (),
) -> SearchResult:
    """Browse without a query: documents matching the given fields, in `sort` order."""
    node = filters_node(author, str(year) if year is not None else None, doc_type, lang, source, place, date)
    return open_index(archive).search("", filters=node, sort=sort, limit=limit, offset=offset, facets=facets)


def kwic(archive: Archive | str | Path, query: str, **options: Any) -> list[dict[str, Any]]:
    return open_index(archive).kwic(query, **options)


def collocates(archive: Archive | str | Path, query: str, **options: Any) -> dict[str, Any]:
    return open_index(archive).collocates(query, **options)


def _sources(archive: Archive) -> tuple[dict[str, str], dict[str, list[EntityRef]], dict[str, Any]]:
    """What the index mirrors: each current document's marker (its version, and what it names),
    the entities each document names, the archive's state."""
    from archivist.store.fulltext import archive_state, document_entities, entities_marker, index_markers

    markers = index_markers(archive)
    named = document_entities(archive)
    for doc_id, found in named.items():
        if doc_id in markers:
            markers[doc_id] += ":e" + entities_marker(found)
    entities = {doc_id: [EntityRef(i, names) for i, names in found] for doc_id, found in named.items()}
    return markers, entities, archive_state(archive)


def update_index(archive: Archive) -> IndexReport:
    """Bring archive.index/ in step with the archive: index documents new or changed since it was
    built (their text, or the entities they name after `archivist enrich`), drop withdrawn and
    superseded ones; builds it when missing or stale. One commit."""
    from archivist.search.index import update_folder
    from archivist.store.fulltext import documents_by_id

    markers, entities, state = _sources(archive)
    return update_folder(
        index_path(archive.path), markers, lambda ids: documents_by_id(archive, ids), state, entities
    )


def rebuild_index(archive: Archive) -> IndexReport:
    """Build archive.index/ anew from the archive and swap it in whole."""
    from archivist.search.index import build_index
    from archivist.store.fulltext import documents_by_id

    markers, entities, state = _sources(archive)
    return build_index(
        index_path(archive.path), documents_by_id(archive, sorted(markers)), markers, state, entities
    )

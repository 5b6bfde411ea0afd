"""The reading room's JSON API described in OpenAPI 3.1 (served at /openapi.json).

The JSON twins of the pages are the API: `/.json`, `/documents/{id}.json`, `/authors/{name}.json`,
`/browse/{facet}.json`, `/search.json`, `/kwic.json`. The schemas below are JSON Schema 2020-12 (what OpenAPI 3.1 uses), and the
tests validate every twin against them.
"""

from __future__ import annotations

from typing import Any

from archivist import __version__
from archivist.export.cite import FORMATS
from archivist.model import DOC_TYPES, METADATA_FIELDS, PART_KINDS
from archivist.store.browse import FACETS

SEARCH_FACETS = ("author", "decade", "year", "source", "type", "lang", "part")
SEARCH_SORTS = ("relevance", "date", "-date", "title")


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


_STR_OR_NULL = {"type": ["string", "null"]}
_COUNT = {"type": "integer", "minimum": 0}


def _obj(
    properties: dict[str, Any], required: list[str] | None = None, closed: bool = True
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
    }
    if closed:
        out["additionalProperties"] = False
    return out


def _value_count(with_url: bool = True) -> dict[str, Any]:
    props: dict[str, Any] = {"value": {"type": "string"}, "count": _COUNT}
    if with_url:
        props["url"] = {"type": "string"}
    return _obj(props)


SCHEMAS: dict[str, Any] = {
    "Error": _obj({"error": _obj({"status": {"type": "integer"}, "message": {"type": "string"}})}),
    "Pagination": _obj(
        {
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1},
            "total": _COUNT,
            "pages": {"type": "integer", "minimum": 1},
            "next": _STR_OR_NULL,
            "prev": _STR_OR_NULL,
        }
    ),
    "DocumentSummary": _obj(
        {
            "id": {"type": "string", "pattern": "^[0-9a-f]{16}$"},
            "url": {"type": "string"},
            "title": _STR_OR_NULL,
            "authors": {"type": "array", "items": {"type": "string"}},
            "date_written": _STR_OR_NULL,
            "date_published": _STR_OR_NULL,
            "source_title": _STR_OR_NULL,
            "doc_type": {"enum": list(DOC_TYPES)},
            "language": _STR_OR_NULL,
            "path": {"type": "string"},
        }
    ),
    "Part": _obj(
        {
            "kind": {"enum": list(PART_KINDS)},
            "start": _COUNT,
            "end": _COUNT,
            "text": {"type": "string"},
            "author": {"type": "string"},
            "date": {"type": "string"},
            "place": {"type": "string"},
            "title": {"type": "string"},
        },
        required=["kind", "start", "end", "text"],
    ),
    "Provenance": _obj({"origin": {"type": "string"}, "raw": _STR_OR_NULL, "confidence": {"type": "number"}}),
    "Span": _obj(
        {
            "layer": {"type": "string"},
            "kind": {"type": "string"},
            "start": _COUNT,
            "end": _COUNT,
            "text": {"type": "string"},
            "attrs": {"type": "object"},
            "agent": {"type": "string"},
            "confidence": {"type": "number"},
        },
        required=["layer", "kind", "start", "end", "agent", "confidence"],
    ),
    "Correction": _obj(
        {
            "id": {"type": "integer"},
            "target": {"enum": ["field", "part"]},
            "field": _STR_OR_NULL,
            "value": {},
            "extracted": {},
            "note": _STR_OR_NULL,
            "author": {"type": "string"},
            "at": {"type": "string"},
            "status": {"enum": ["applied", "unanchored"]},
            "part": {"type": ["integer", "null"]},
        }
    ),
    "Document": _obj(
        {
            "path": {"type": "string"},
            "id": {"type": "string", "pattern": "^[0-9a-f]{16}$"},
            **{name: _STR_OR_NULL for name in METADATA_FIELDS},
            "authors": {"type": "array", "items": {"type": "string"}},
            "doc_type": {"enum": list(DOC_TYPES)},
            "text": {"type": "string"},
            "parts": {"type": "array", "items": _ref("Part")},
            "provenance": {"type": "object", "additionalProperties": _ref("Provenance")},
            "format": _STR_OR_NULL,
            "encoding": _STR_OR_NULL,
            "version": _STR_OR_NULL,
            "spans": {"type": "array", "items": _ref("Span")},
            "corrections": {"type": "array", "items": _ref("Correction")},
            "status": {"enum": ["current", "superseded", "withdrawn", "failed"]},
        },
        required=[
            "path",
            "id",
            *METADATA_FIELDS,
            "text",
            "parts",
            "provenance",
            "format",
            "encoding",
            "version",
        ],
    ),
    "Version": _obj(
        {
            "version": {"type": "integer", "minimum": 1},
            "version_id": {"type": "string", "pattern": "^[0-9a-f]{16}$"},
            "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "seen_at": {"type": "string"},
            "document_id": _STR_OR_NULL,
            "is_current": {"type": "boolean"},
            "url": _STR_OR_NULL,
            "original": {"type": "string"},
        }
    ),
    "Citations": _obj(
        {
            "key": {"type": "string", "pattern": "^[a-z0-9]+$"},
            "chicago_note": {"type": "string"},
            "chicago_bibliography": {"type": "string"},
            "bibtex": {"type": "string"},
            "ris": {"type": "string"},
            "csl_json": {
                "type": "object",
                "description": "one CSL-JSON item (schema: citation-style-language csl-data.json)",
                "required": ["id", "type", "title"],
            },
        }
    ),
    "DocumentPage": _obj(
        {
            "document": _ref("Document"),
            "is_current": {"type": "boolean"},
            "versions": {"type": "array", "items": _ref("Version")},
            "citations": _ref("Citations"),
            "links": _obj(
                {"original": {"type": "string"}, "cite": _obj({name: {"type": "string"} for name in FORMATS})}
            ),
        }
    ),
    "Home": _obj(
        {
            "counts": _obj({"documents": _COUNT, "authors": _COUNT, "sources": _COUNT, "languages": _COUNT}),
            "documents_per_year": {
                "type": "array",
                "items": _obj({"year": {"type": "integer"}, "count": _COUNT}),
            },
            "recent_runs": {
                "type": "array",
                "items": _obj(
                    {
                        "id": {"type": "integer"},
                        "started_at": {"type": "string"},
                        "finished_at": _STR_OR_NULL,
                        "status": {"type": "string"},
                        "engine": {"type": "string"},
                        "files_seen": _COUNT,
                        "files_new": _COUNT,
                        "files_changed": _COUNT,
                        "files_unchanged": _COUNT,
                        "files_failed": _COUNT,
                    }
                ),
            },
            "recent_failures": {
                "type": "array",
                "items": _obj(
                    {
                        "path": {"type": "string"},
                        "reason": {"type": "string"},
                        "message": {"type": "string"},
                        "run_id": {"type": ["integer", "null"]},
                        "at": {"type": "string"},
                    }
                ),
            },
            "facets": _obj({f: {"type": "string"} for f in FACETS}),
        }
    ),
    "Author": _obj(
        {
            "name": {"type": "string"},
            "documents": {"type": "array", "items": _ref("DocumentSummary")},
            "by_year": {"type": "array", "items": _obj({"year": {"type": "string"}, "count": _COUNT})},
            "sources": {"type": "array", "items": _value_count()},
            "coauthors": {"type": "array", "items": _value_count()},
            "translators": {"type": "array", "items": _value_count(with_url=False)},
        }
    ),
    "FacetValues": _obj(
        {
            "facet": {"enum": list(FACETS)},
            "value": {"type": "null"},
            "values": {"type": "array", "items": _value_count()},
            "pagination": _ref("Pagination"),
        }
    ),
    "FacetDocuments": _obj(
        {
            "facet": {"enum": list(FACETS)},
            "value": {"type": "string"},
            "documents": {"type": "array", "items": _ref("DocumentSummary")},
            "pagination": _ref("Pagination"),
        }
    ),
    "SearchHit": _obj(
        {
            "id": {"type": "string", "pattern": "^[0-9a-f]{16}$"},
            "url": {"type": "string"},
            "path": {"type": "string"},
            "title": _STR_OR_NULL,
            "authors": {"type": "array", "items": {"type": "string"}},
            "date": _STR_OR_NULL,
            "type": _STR_OR_NULL,
            "lang": _STR_OR_NULL,
            "source": _STR_OR_NULL,
            "score": {"type": "number"},
            "matches": {"type": "integer", "minimum": 1},
            "passage": _obj({"part": {"type": "string"}, "start": _COUNT, "end": _COUNT}),
            "snippet": {"type": "string", "description": "plain text around the best passage's matches"},
            "highlights": {
                "type": "array",
                "description": "the snippet as plain-text fragments, the matches marked",
                "items": _obj({"text": {"type": "string"}, "match": {"type": "boolean"}}),
            },
        }
    ),
    "FacetFilter": _obj(
        {
            "value": {"type": "string"},
            "count": _COUNT,
            "term": {"type": "string", "description": "the filter in the query language"},
            "active": {"type": "boolean", "description": "the query holds this filter already"},
            "url": {
                "type": "string",
                "description": "the search with the filter added (or removed, if active)",
            },
        }
    ),
    "SearchPage": _obj(
        {
            "query": {"type": "string"},
            "sort": {"enum": list(SEARCH_SORTS)},
            "total": _COUNT,
            "took_ms": {"type": "number"},
            "relaxed": {"type": "boolean"},
            "warnings": {"type": "array", "items": {"type": "string"}},
            "hits": {"type": "array", "items": _ref("SearchHit")},
            "facets": _obj(
                {name: {"type": "array", "items": _ref("FacetFilter")} for name in SEARCH_FACETS},
                required=[],
            ),
            "pagination": _ref("Pagination"),
            "links": _obj({"kwic": {"type": "string"}}),
        }
    ),
    "KwicPage": _obj(
        {
            "query": {"type": "string"},
            "width": {"type": "integer"},
            "sort": {"enum": ["left", "right", None]},
            "lines": {
                "type": "array",
                "items": _obj(
                    {
                        "id": {"type": "string", "pattern": "^[0-9a-f]{16}$"},
                        "url": {"type": "string"},
                        "path": {"type": "string"},
                        "title": _STR_OR_NULL,
                        "date": _STR_OR_NULL,
                        "part": {"type": "string"},
                        "start": _COUNT,
                        "end": _COUNT,
                        "left": {"type": "string"},
                        "match": {"type": "string"},
                        "right": {"type": "string"},
                    }
                ),
            },
            "links": _obj({"search": {"type": "string"}}),
        }
    ),
}

_Q = {
    "name": "q",
    "in": "query",
    "schema": {"type": "string", "maxLength": 2000},
    "description": "a query in the search language (docs/search.md); empty: every document",
}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _answers(ok: dict[str, Any], description: str) -> dict[str, Any]:
    out = {"200": {"description": description, "content": ok}}
    for status, what in (("400", "bad input (a malformed id, page or per_page)"), ("404", "no such item")):
        out[status] = {"description": what, "content": _json(_ref("Error"))}
    return out


def _search_answers(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "200": {"description": description, "content": _json(schema)},
        "400": {"description": "a malformed query: the message names the problem and its column",
                "content": _json(_ref("Error"))},
        "503": {"description": "no search index, or a stale one: run `archivist reindex`",
                "content": _json(_ref("Error"))},
    }  # fmt: skip


_PAGE_PARAMS = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
    {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 200},
        "description": "default: 200 values of a facet, 50 documents",
    },
]
_ID = {
    "name": "id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[0-9a-f]{16}$"},
    "description": "a document id: stable, 16 hex digits",
}


def openapi_spec() -> dict[str, Any]:
    """The OpenAPI 3.1 description of the JSON API. Each page's HTML URL gives the same data with
    `Accept: application/json`."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "archivist reading room",
            "version": __version__,
            "description": "Read-only JSON twins of the reading room's pages. No CORS: same-origin only.",
        },
        "paths": {
            "/.json": {
                "get": {
                    "summary": "Counts, documents per year, recent ingests and failures",
                    "responses": _answers(_json(_ref("Home")), "the archive at a glance"),
                }
            },
            "/documents/{id}.json": {
                "get": {
                    "summary": "One document: fields, provenance, parts, versions, citations",
                    "parameters": [_ID],
                    "responses": _answers(_json(_ref("DocumentPage")), "the document"),
                }
            },
            "/documents/{id}/original": {
                "get": {
                    "summary": "The original file, byte for byte, with its media type",
                    "parameters": [_ID],
                    "responses": _answers(
                        {"*/*": {"schema": {"type": "string", "format": "binary"}}}, "the file"
                    ),
                }
            },
            "/documents/{id}/versions/{version}/original": {
                "get": {
                    "summary": "The original file of another version of the same path, byte for byte",
                    "parameters": [
                        _ID,
                        {
                            "name": "version",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer", "minimum": 1},
                        },
                    ],
                    "responses": _answers(
                        {"*/*": {"schema": {"type": "string", "format": "binary"}}}, "the file"
                    ),
                }
            },
            "/documents/{id}/cite/{format}": {
                "get": {
                    "summary": "A citation file to download",
                    "parameters": [
                        _ID,
                        {"name": "format", "in": "path", "required": True, "schema": {"enum": list(FORMATS)}},
                    ],
                    "responses": _answers(
                        {
                            f.media_type.split(";")[0]: {"schema": {"type": "string"}}
                            for f in FORMATS.values()
                        },
                        "the citation",
                    ),
                }
            },
            "/authors/{name}.json": {
                "get": {
                    "summary": "An author's documents by year, sources, co-authors and translators",
                    "parameters": [
                        {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": _answers(_json(_ref("Author")), "the author"),
                }
            },
            "/browse/{facet}.json": {
                "get": {
                    "summary": "A facet's values with counts; with `value`, that value's documents",
                    "parameters": [
                        {"name": "facet", "in": "path", "required": True, "schema": {"enum": list(FACETS)}},
                        {"name": "value", "in": "query", "schema": {"type": "string"}},
                        *_PAGE_PARAMS,
                    ],
                    "responses": _answers(
                        _json({"oneOf": [_ref("FacetValues"), _ref("FacetDocuments")]}),
                        "one page of values or documents",
                    ),
                }
            },
            "/search.json": {
                "get": {
                    "summary": "Search: ranked documents with highlighted snippets and facets that add to the query",
                    "parameters": [
                        _Q,
                        {"name": "sort", "in": "query", "schema": {"enum": list(SEARCH_SORTS)}},
                        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                        {
                            "name": "per_page",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
                        },
                    ],
                    "responses": _search_answers(_ref("SearchPage"), "one page of results"),
                }
            },
            "/kwic.json": {
                "get": {
                    "summary": "Keyword in context: every match of the query in its line",
                    "parameters": [
                        _Q,
                        {"name": "sort", "in": "query", "schema": {"enum": ["left", "right"]}},
                        {
                            "name": "width",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 10, "maximum": 200, "default": 60},
                        },
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": 2000, "default": 200},
                        },
                    ],
                    "responses": _search_answers(_ref("KwicPage"), "the lines"),
                }
            },
            "/openapi.json": {
                "get": {"summary": "This description", "responses": {"200": {"description": "OpenAPI 3.1"}}}
            },
        },
        "components": {"schemas": SCHEMAS},
    }

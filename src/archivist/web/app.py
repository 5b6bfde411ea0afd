"""The reading room: a Starlette app over one archive file, every page with a JSON twin.

Each view gathers its data once (from `archivist.store.browse` and `Archive`, inside one read
transaction) and hands it to `ReadingRoom.respond`, which returns the page or — for a URL ending in
``.json`` or a request that accepts only JSON — the same data as JSON (Datasette's habit). Errors
take the same path: 404 for an unknown id, 400 for bad input, as a page or as JSON.

Safety: templates escape everything; document text is never trusted as markup; every response
carries a Content-Security-Policy that allows no inline script (the app ships none); an original
file is served byte for byte under a sandbox policy so nothing in it can run; ids are checked
against their form before any query, and originals come from the archive's blobs, never from
a file path.
"""

from __future__ import annotations

import codecs
import html
import logging
import re
import sqlite3
import threading
from collections.abc import Callable, Hashable
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, PackageLoader
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from archivist.errors import StoreError
from archivist.export import cite
from archivist.model import DOC_TYPES, PART_KINDS
from archivist.store import Archive
from archivist.store import browse as queries
from archivist.web.cache import Page, PageCache
from archivist.web.chart import year_chart
from archivist.web.editing import Editor
from archivist.web.openapi import SEARCH_FACETS, SEARCH_SORTS, openapi_spec
from archivist.web.reading import citation_meta, metadata_rows, part_label, reading
from archivist.web.security import ORIGINAL_CSP, SecurityHeaders

log = logging.getLogger("archivist.web")

DOCUMENT_ID = re.compile(r"[0-9a-f]{16}")
PER_PAGE, MAX_PER_PAGE, MAX_PAGE = 50, 200, 1_000_000
SEARCH_PER_PAGE, SEARCH_MAX_PER_PAGE, MAX_QUERY = 20, 100, 2000
SEARCH_PATHS = ("/search", "/search.json", "/kwic", "/kwic.json")
SEARCH_FACET_LABELS = {"author": "Author", "decade": "Decade", "year": "Year", "source": "Source",
                       "type": "Type", "lang": "Language", "part": "Part"}  # fmt: skip
FACET_LABELS = {
    "author": "Authors",
    "year": "Years",
    "source": "Sources",
    "type": "Types",
    "language": "Languages",
}
MEDIA_TYPES = {
    "html": "text/html",
    "mediawiki": "text/html",
    "md": "text/markdown",
    "tei": "application/tei+xml",
    "txt": "text/plain",
    "mediawiki-text": "text/plain",
}
STATIC = Path(__file__).parent / "static"


# -- URLs ----------------------------------------------------------------------------------------------
def document_url(doc_id: str) -> str:
    return f"/documents/{doc_id}"


def author_url(name: str) -> str:
    return "/authors/" + quote(name, safe="")


def browse_url(facet: str, value: str | None = None) -> str:
    """A facet's page, or one value's documents (an author's are on the author's page)."""
    if facet == "author" and value is not None:
        return author_url(value)
    return f"/browse/{facet}" + (f"?{urlencode({'value': value})}" if value is not None else "")


def json_twin(request: Request) -> str:
    path = quote(request.url.path, safe="/:@!$&'()*+,;=-._~")
    path = "/.json" if path == "/" else path + ".json"
    return path + (f"?{request.url.query}" if request.url.query else "")


# -- the archive, one read-only connection per worker thread ------------------------------------------
class _Archives(threading.local):
    archive: Archive | None = None


class ArchiveSource:
    """Opens the archive read-only once per thread (SQLite connections stay in their thread)."""

    def __init__(self, db: str | Path) -> None:
        self.db = str(db)
        self._local = _Archives()
        Archive(self.db, readonly=True).close()  # fail now, with the store's message, not per request

    def get(self) -> Archive:
        if self._local.archive is None:
            self._local.archive = Archive(self.db, readonly=True)
        return self._local.archive


class ArchiveVersion:
    """Which state of the archive a request sees, asked on one connection of its own (so one
    numbering for every thread):

    - `current()`: SQLite's `PRAGMA data_version`, which changes whenever another connection (an
      ingest, a correction, a stage) has committed since it was last asked;
    - `document(id)`: the state of one document, from the columns every writer of what its page
      shows moves — the ingest run that last wrote its row (a new version, a re-extraction, a
      withdrawal), its people's corrections (added or undone), the stages that last wrote its
      layers, its versions. An ingest that adds other documents leaves it standing. A new writer
      of a document's rows must move one of these (or this must learn of it).
    """

    DOCUMENT_STATE = (
        "SELECT d.run_id, d.version, d.status, d.withdrawn_run, d.extractor_version, "
        "(SELECT COUNT(*) || ',' || IFNULL(MAX(id), 0) || ',' || COUNT(undone_at) FROM corrections "
        "WHERE document_id = d.id), "
        "(SELECT group_concat(stage || ' ' || stage_version || ' ' || version || ' ' || at, ';') FROM stage_runs "
        "WHERE document_id = d.id), "
        "(SELECT COUNT(*) || ',' || IFNULL(MAX(seq), 0) FROM versions WHERE document_id = d.id) "
        "FROM documents d WHERE d.id = ?"
    )

    def __init__(self, db: str | Path) -> None:
        self.db = str(Path(db).resolve())
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None

    def _ask(self, sql: str, args: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
        """One row of `sql`; None when it cannot be read (a WAL archive in a read-only folder,
        which SQLite opens only as immutable): then nothing is cached."""
        with self._lock:
            try:
                if self._conn is None:
                    self._conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, isolation_level=None,
                                                 check_same_thread=False, timeout=1)  # fmt: skip
                row = self._conn.execute(sql, args).fetchone()
                return tuple(row) if row is not None else ()
            except sqlite3.Error:
                if self._conn is not None:
                    self._conn.close()
                    self._conn = None
                return None

    def current(self) -> Hashable | None:
        row = self._ask("PRAGMA data_version")
        return ("archive", row[0]) if row else None

    def document(self, doc_id: str) -> Hashable | None:
        """The document's own state; the whole archive's for an id that is not a current
        document's (an older version's id, an unknown one)."""
        row = self._ask(self.DOCUMENT_STATE, (doc_id,))
        if row is None:
            return None
        return ("document", doc_id, *row) if row else self.current()


# -- responses -----------------------------------------------------------------------------------------
def _split_json(value: str) -> tuple[str, bool]:
    return (value[: -len(".json")], True) if value.endswith(".json") else (value, False)


def _wants_json(request: Request, suffix: bool = False) -> bool:
    if suffix or request.url.path.endswith(".json"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


class ReadingRoom:
    """The views; `create_app` wires them to routes."""

    def __init__(self, db: str | Path, editor: Editor | None = None) -> None:
        self.archives = ArchiveSource(db)
        self.version = ArchiveVersion(db)
        self.cache = PageCache()
        self.editor = editor
        self.db = str(db)
        self.db_name = Path(db).name
        self.env = Environment(loader=PackageLoader("archivist.web", "templates"), autoescape=True)
        self.env.filters["prose_date"] = cite.prose_date
        self.env.globals.update(
            document_url=document_url,
            author_url=author_url,
            browse_url=browse_url,
            search_url=search_url,
            search_facet_labels=SEARCH_FACET_LABELS,
            facet_labels=FACET_LABELS,
            db_name=self.db_name,
            editable=editor is not None,
            doc_types=DOC_TYPES,
            part_kinds=PART_KINDS,
            part_label=part_label,
        )

    def respond(
        self,
        request: Request,
        template: str,
        data: dict[str, Any],
        as_json: bool,
        status: int = 200,
        **page: Any,
    ) -> Response:
        if as_json:
            return JSONResponse(data, status_code=status)
        html = self.env.get_template(template).render(
            data=data, json_url=json_twin(request), request=request, **page
        )
        return HTMLResponse(html, status_code=status)

    # -- the cache of rendered pages -------------------------------------------------------------------
    def archive_state(self, request: Request) -> Hashable | None:
        """The archive's pages are good for as long as its data version stands."""
        return self.version.current()

    def document_state(self, request: Request) -> Hashable | None:
        """A document's pages are good for as long as that document stands."""
        doc_id = _split_json(request.path_params["doc_id"])[0]
        return self.version.document(doc_id) if DOCUMENT_ID.fullmatch(doc_id) else None

    def index_state(self, request: Request) -> Hashable | None:
        """Search pages are good for as long as the search index's manifest stands (rewritten by
        every commit to the index; search reads nothing else)."""
        try:
            stat = (_search_module().index_path(self.db) / "manifest.json").stat()
        except OSError:
            return None
        return ("index", stat.st_mtime_ns, stat.st_size, stat.st_ino)

    def cached(self, view: Callable[[Request], Response], state: Callable[[Request], Hashable | None]) -> Any:
        """`view` behind the page cache: a page already made for this URL, this kind of answer
        (page or JSON) and the current `state` is sent as it is (304 if the client holds it);
        otherwise the view makes it in a worker thread and a 200 is kept."""

        async def endpoint(request: Request) -> Response:
            headers = request.headers
            current = state(request)
            if current is None:
                return await run_in_threadpool(view, request)
            scope = request.scope
            accept = headers.get("accept", "")
            key = (current, scope["path"], scope["query_string"],
                   "application/json" in accept and "text/html" not in accept)  # fmt: skip
            page = self.cache.get(key)
            if page is None:
                response = await run_in_threadpool(view, request)
                if response.status_code != 200 or not isinstance(response.body, bytes | memoryview):
                    return response
                page = Page.of(response)
                self.cache.put(key, page)
            before = page.size
            sent = page.response(headers.get("if-none-match"), headers.get("accept-encoding"))
            if page.size != before and key in self.cache:
                self.cache.grew(page, before)
            return sent

        return endpoint

    # -- pages ---------------------------------------------------------------------------------------
    def home(self, request: Request) -> Response:
        archive = self.archives.get()
        with queries.snapshot(archive):
            per_year = queries.documents_per_year(archive)
            data = {
                "counts": queries.overview(archive),
                "documents_per_year": [{"year": y, "count": n} for y, n in per_year],
                "recent_runs": queries.recent_runs(archive),
                "recent_failures": queries.recent_failures(archive),
                "facets": {f: browse_url(f) for f in queries.FACETS},
            }
        return self.respond(
            request, "home.html", data, _wants_json(request), chart=Markup(year_chart(per_year))
        )

    def document(self, request: Request) -> Response:
        doc_id, as_json = _split_json(request.path_params["doc_id"])
        archive = self.archives.get()
        with queries.snapshot(archive):
            doc = archive.document(_checked_id(doc_id))
            if doc is None:
                raise HTTPException(404, f"no document {doc_id} in this archive")
            versions = queries.versions(archive, doc.id)
        citations = {
            "key": cite.citation_key(doc),
            "chicago_note": cite.chicago_note(doc),
            "chicago_bibliography": cite.chicago_bibliography(doc),
            "bibtex": cite.bibtex(doc),
            "ris": cite.ris(doc),
            "csl_json": cite.csl_json(doc),
        }
        data = {
            "document": doc.to_record(),
            "is_current": doc.status == "current",
            "versions": [
                {
                    **v,
                    "is_current": bool(v["is_current"]),
                    "url": document_url(v["document_id"]) if v["document_id"] else None,
                    "original": f"{document_url(doc.id)}/versions/{v['version']}/original",
                }
                for v in versions
            ],
            "citations": citations,
            "links": {
                "original": f"{document_url(doc.id)}/original",
                "cite": {name: f"{document_url(doc.id)}/cite/{name}" for name in cite.FORMATS},
            },
        }
        editor = self.editor if doc.status == "current" else None
        response = self.respond(
            request,
            "document.html",
            data,
            _wants_json(request, as_json),
            doc=doc,
            reading=reading(doc),
            metadata=metadata_rows(doc, all_fields=editor is not None),
            csrf=editor.token if editor else None,
            meta_tags=citation_meta(doc),
            chicago_note=Markup(cite.chicago_note(doc, html_markup=True)),
            chicago_bibliography=Markup(cite.chicago_bibliography(doc, html_markup=True)),
            formats=cite.FORMATS,
        )
        if editor is not None:
            editor.cookie(response)
        return response

    def original(self, request: Request) -> Response:
        """The original file byte for byte, of this document or (`/versions/N/original`) of another
        version of its file."""
        doc_id = _checked_id(request.path_params["doc_id"])
        version = request.path_params.get("version")
        archive = self.archives.get()
        with queries.snapshot(archive):
            found = queries.original_file(archive, doc_id, version)
            if found is None:
                what = f"version {version} of document {doc_id}" if version else f"document {doc_id}"
                raise HTTPException(404, f"no {what} in this archive")
            try:
                data = archive.original_bytes(found["sha256"])
            except StoreError as err:
                raise HTTPException(404, f"the original of {doc_id} is not in this archive") from err
        media_type = MEDIA_TYPES.get(found["format"] or "", "application/octet-stream")
        charset = _web_charset(found["encoding"])
        if charset and media_type.startswith("text/"):
            media_type += f"; charset={charset}"
        filename = re.sub(r"[^A-Za-z0-9._-]", "_", PurePosixPath(found["path"]).name) or "original"
        headers = {
            "content-security-policy": ORIGINAL_CSP,
            "content-disposition": f'inline; filename="{filename}"',
        }
        return Response(data, media_type=media_type, headers=headers)

    def citation(self, request: Request) -> Response:
        doc_id = _checked_id(request.path_params["doc_id"])
        fmt = cite.FORMATS.get(request.path_params["fmt"])
        if fmt is None:
            raise HTTPException(
                404, f"no citation format {request.path_params['fmt']!r}; there are {', '.join(cite.FORMATS)}"
            )
        doc = self.archives.get().document(doc_id)
        if doc is None:
            raise HTTPException(404, f"no document {doc_id} in this archive")
        filename = f"{cite.citation_key(doc)}.{fmt.suffix}"
        return Response(
            fmt.render(doc),
            media_type=fmt.media_type,
            headers={"content-disposition": f'attachment; filename="{filename}"'},
        )

    def author(self, request: Request) -> Response:
        name, as_json = _split_json(request.path_params["name"])
        archive = self.archives.get()
        with queries.snapshot(archive):
            profile = queries.author_profile(archive, name)
        if profile is None:
            raise HTTPException(404, f"no author {name!r} in this archive")
        data = {
            "name": name,
            "documents": [d.to_dict() | {"url": document_url(d.id)} for d in profile["documents"]],
            "by_year": [{"year": y, "count": n} for y, n in profile["by_year"]],
            "sources": [
                {"value": v, "count": n, "url": browse_url("source", v)} for v, n in profile["sources"]
            ],
            "coauthors": [{"value": v, "count": n, "url": author_url(v)} for v, n in profile["coauthors"]],
            "translators": [{"value": v, "count": n} for v, n in profile["translators"]],
        }
        return self.respond(
            request, "author.html", data, _wants_json(request, as_json), current_facet="author"
        )

    def browse(self, request: Request) -> Response:
        facet, as_json = _split_json(request.path_params["facet"])
        if facet not in queries.FACETS:
            raise HTTPException(404, f"no facet {facet!r}; browse by {', '.join(queries.FACETS)}")
        value = request.query_params.get("value")
        # a facet's values are short lines: a long page of them; documents fifty at a time
        page, per_page = _pagination(request, MAX_PER_PAGE if value is None else PER_PAGE)
        archive = self.archives.get()
        data: dict[str, Any] = {"facet": facet, "value": value}
        with queries.snapshot(archive):
            if value is None:
                values, total = queries.facet_counts(archive, facet, per_page, (page - 1) * per_page)
                data["values"] = [{"value": v, "count": n, "url": browse_url(facet, v)} for v, n in values]
            else:
                docs, total = queries.documents_by(archive, facet, value, per_page, (page - 1) * per_page)
                data["documents"] = [d.to_dict() | {"url": document_url(d.id)} for d in docs]
        if value is not None and total == 0:
            raise HTTPException(404, f"no documents with {facet} {value!r}")
        data["pagination"] = _pages(request, page, per_page, total)
        return self.respond(request, "browse.html", data, _wants_json(request, as_json), current_facet=facet)

    # -- search ------------------------------------------------------------------------------------
    def search(self, request: Request) -> Response:
        """`archivist search` as a page: the query in the URL, facets that add to it, snippets with
        the matches marked, pages of results."""
        as_json = request.url.path.endswith(".json")
        q = _query_param(request)
        sort = request.query_params.get("sort", "relevance")
        if sort not in SEARCH_SORTS:
            raise HTTPException(400, f"sort must be one of {', '.join(SEARCH_SORTS)}")
        page, per_page = _pagination(request, SEARCH_PER_PAGE, SEARCH_MAX_PER_PAGE)
        search_api = _search_module()
        self._open_index()
        try:
            result = search_api.search(self.db, q, limit=per_page, offset=(page - 1) * per_page,
                                       facets=list(SEARCH_FACETS), sort=sort)  # fmt: skip
        except search_api.QuerySyntaxError as err:
            raise HTTPException(400, str(err)) from err
        except search_api.SearchError as err:
            raise HTTPException(400, str(err)) from err
        facets = {
            name: [_facet_value(q, name, value, count, sort) for value, count in values.items()]
            for name, values in result.facets.items()
        }
        data = {
            "query": q,
            "sort": sort,
            "total": result.total,
            "took_ms": result.took_ms,
            "relaxed": result.relaxed,
            "warnings": result.warnings,
            "hits": [_hit(h) for h in result.hits],
            "facets": facets,
            "pagination": _pages(request, page, per_page, result.total),
            "links": {"kwic": search_url(q, kind="kwic")},
        }
        return self.respond(request, "search.html", data, _wants_json(request, as_json), q=q, tab="search",
                            facet_names=SEARCH_FACETS, sorts=SEARCH_SORTS)  # fmt: skip

    def kwic(self, request: Request) -> Response:
        """Keyword in context: every match of the query in its line, linked to its document."""
        as_json = request.url.path.endswith(".json")
        q = _query_param(request)
        sort = request.query_params.get("sort") or None
        if sort not in (None, "left", "right"):
            raise HTTPException(400, "sort must be left or right")
        width = _int_param(request, "width", 60, 10, 200)
        limit = _int_param(request, "limit", 200, 1, 2000)
        search_api = _search_module()
        self._open_index()
        lines: list[dict[str, Any]] = []
        if q.strip():
            try:
                lines = search_api.kwic(self.db, q, width=width, sort=sort, max_lines=limit)
            except (search_api.QuerySyntaxError, search_api.SearchError) as err:
                raise HTTPException(400, str(err)) from err
        data = {
            "query": q,
            "width": width,
            "sort": sort,
            "lines": [line | {"url": document_url(line["id"])} for line in lines],
            "links": {"search": search_url(q)},
        }
        return self.respond(request, "kwic.html", data, _wants_json(request, as_json), q=q, tab="kwic")

    def _open_index(self) -> None:
        """A missing or stale index: 503 with the line that says to run `archivist reindex`."""
        search_api = _search_module()
        try:
            search_api.open_index(self.db)
        except search_api.SearchError as err:
            raise HTTPException(503, str(err).replace(str(Path(self.db).parent) + "/", "")) from err

    def openapi(self, request: Request) -> Response:
        return JSONResponse(openapi_spec())

    # -- errors --------------------------------------------------------------------------------------
    def http_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        data = {"error": {"status": exc.status_code, "message": exc.detail}}
        # a query that cannot be read stays in the search box, to be mended
        q = request.query_params.get("q", "")[:MAX_QUERY] if request.url.path in SEARCH_PATHS else ""
        return self.respond(request, "error.html", data, _wants_json(request), status=exc.status_code, q=q)

    def server_error(self, request: Request, exc: Exception) -> Response:
        log.exception("error serving %s", request.url.path, exc_info=exc)
        data = {
            "error": {"status": 500, "message": "the reading room failed on this request; see the server log"}
        }
        return self.respond(request, "error.html", data, _wants_json(request), status=500)


def _search_module() -> Any:
    import archivist.search as search_api  # tantivy is loaded on the first search, not at start

    return search_api


def search_url(q: str, kind: str = "search", **params: Any) -> str:
    args = {"q": q, **{k: v for k, v in params.items() if v not in (None, "", "relevance", 1)}}
    return f"/{kind}?" + urlencode(args)


# A facet value as the query language writes it: clicking a facet adds this to the query.
def facet_term(name: str, value: str) -> str:
    if name == "decade":
        start = int(value.rstrip("s"))
        return f"year:{start}..{start + 9}"
    if name in ("author", "source"):
        return f'{name}:"{value.replace(chr(34), " ").strip()}"'
    return f"{name}:{value}"


def _facet_value(q: str, name: str, value: str, count: int, sort: str) -> dict[str, Any]:
    term = facet_term(name, value)
    active = term in q
    new_q = " ".join(q.replace(term, " ").split()) if active else (f"{q} {term}".strip())
    return {"value": value, "count": count, "term": term, "active": active,
            "url": search_url(new_q, sort=sort)}  # fmt: skip


def snippet_fragments(snippet: str) -> list[dict[str, Any]]:
    """The engine's snippet (escaped text, matches in <b>…</b>) as plain-text fragments, each
    marked as a match or not: the page escapes them again and marks the matches itself, so no
    markup from a document can reach the page."""
    out = []
    for i, piece in enumerate(re.split(r"</?b>", snippet)):
        if piece:
            out.append({"text": html.unescape(piece), "match": i % 2 == 1})
    return out


def _hit(hit: Any) -> dict[str, Any]:
    fragments = snippet_fragments(hit.snippet)
    return {
        "id": hit.id,
        "url": document_url(hit.id),
        "path": hit.path,
        "title": hit.title,
        "authors": list(hit.authors),
        "date": hit.date,
        "type": hit.type,
        "lang": hit.lang,
        "source": hit.source,
        "score": hit.score,
        "matches": hit.matches,
        "passage": {"part": hit.passage.part, "start": hit.passage.start, "end": hit.passage.end},
        "snippet": "".join(f["text"] for f in fragments),
        "highlights": fragments,
    }


def _query_param(request: Request) -> str:
    q = request.query_params.get("q", "")
    if len(q) > MAX_QUERY:
        raise HTTPException(400, f"query: at most {MAX_QUERY} characters")
    return q


def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    try:
        value = int(request.query_params.get(name, str(default)))
    except ValueError as err:
        raise HTTPException(400, f"{name} must be a whole number") from err
    if not low <= value <= high:
        raise HTTPException(400, f"{name} must be {low}–{high}")
    return value


def _checked(view: Any) -> Any:
    async def checked(request: Request) -> Response:
        _checked_id(request.path_params["doc_id"])
        return await view(request)

    return checked


def _checked_id(value: str) -> str:
    if not DOCUMENT_ID.fullmatch(value):
        raise HTTPException(400, f"{value[:40]!r} is not a document id (16 hex digits)")
    return value


def _pagination(request: Request, default: int, most: int = MAX_PER_PAGE) -> tuple[int, int]:
    try:
        page = int(request.query_params.get("page", "1"))
        per_page = int(request.query_params.get("per_page", str(default)))
    except ValueError as err:
        raise HTTPException(400, "page and per_page must be whole numbers") from err
    if not 1 <= page <= MAX_PAGE or not 1 <= per_page <= most:
        raise HTTPException(400, f"page must be 1–{MAX_PAGE} and per_page 1–{most}")
    return page, per_page


def _pages(request: Request, page: int, per_page: int, total: int) -> dict[str, Any]:
    def link(number: int) -> str:
        url = request.url.include_query_params(page=number)
        return f"{url.path}?{url.query}"

    last = max((total + per_page - 1) // per_page, 1)
    return {
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": last,
        "next": link(page + 1) if page < last else None,
        "prev": link(page - 1) if page > 1 else None,
    }


def _web_charset(encoding: str | None) -> str | None:
    """A Python codec name as a browser knows it ('cp1252' → 'windows-1252')."""
    if not encoding:
        return None
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return None
    return re.sub(r"^cp(125\d)$", r"windows-\1", name)


def create_app(db: str | Path, editable: bool = False, user: str | None = None) -> Starlette:
    """The reading room over the archive file `db` (opened read-only; an ingest may run meanwhile).
    `editable`: people may correct metadata from the document pages, recorded as `user`; without
    it the server never writes and has no route that could."""
    editor = Editor(db, user or "unknown") if editable else None
    room = ReadingRoom(db, editor)
    archive, document, index = room.archive_state, room.document_state, room.index_state
    routes = [
        Route("/", room.cached(room.home, archive)),
        Route("/.json", room.cached(room.home, archive)),
        Route("/openapi.json", room.cached(room.openapi, lambda _: "static")),
        Route("/documents/{doc_id}", room.cached(room.document, document)),
        Route("/documents/{doc_id}/original", room.original),
        Route("/documents/{doc_id}/versions/{version:int}/original", room.original),
        Route("/documents/{doc_id}/cite/{fmt}", room.cached(room.citation, document)),
        Route("/authors/{name:path}", room.cached(room.author, archive)),
        Route("/browse/{facet}", room.cached(room.browse, archive)),
        Route("/search", room.cached(room.search, index)),
        Route("/search.json", room.cached(room.search, index)),
        Route("/kwic", room.cached(room.kwic, index)),
        Route("/kwic.json", room.cached(room.kwic, index)),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    if editor is not None:
        routes += [
            Route("/documents/{doc_id}/corrections", _checked(editor.correct), methods=["POST"]),
            Route(
                "/documents/{doc_id}/parts/{seq:int}/corrections",
                _checked(editor.correct_part),
                methods=["POST"],
            ),
            Route("/corrections/{correction:int}/undo", editor.undo, methods=["POST"]),
        ]
    app = Starlette(
        routes=routes, exception_handlers={HTTPException: room.http_error, Exception: room.server_error}
    )
    app.add_middleware(SecurityHeaders)
    return app

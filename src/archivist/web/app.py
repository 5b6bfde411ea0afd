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
import logging
import re
import threading
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, PackageLoader
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from archivist.errors import StoreError
from archivist.export import cite
from archivist.store import Archive
from archivist.store import browse as queries
from archivist.web.chart import year_chart
from archivist.web.openapi import openapi_spec
from archivist.web.reading import citation_meta, metadata_rows, reading
from archivist.web.security import ORIGINAL_CSP, SecurityHeaders

log = logging.getLogger("archivist.web")

DOCUMENT_ID = re.compile(r"[0-9a-f]{16}")
PER_PAGE, MAX_PER_PAGE, MAX_PAGE = 50, 200, 1_000_000
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

    def __init__(self, db: str | Path) -> None:
        self.archives = ArchiveSource(db)
        self.db_name = Path(db).name
        self.env = Environment(loader=PackageLoader("archivist.web", "templates"), autoescape=True)
        self.env.filters["prose_date"] = cite.prose_date
        self.env.globals.update(
            document_url=document_url,
            author_url=author_url,
            browse_url=browse_url,
            facet_labels=FACET_LABELS,
            db_name=self.db_name,
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
        return self.respond(
            request,
            "document.html",
            data,
            _wants_json(request, as_json),
            doc=doc,
            reading=reading(doc),
            metadata=metadata_rows(doc),
            meta_tags=citation_meta(doc),
            chicago_note=Markup(cite.chicago_note(doc, html_markup=True)),
            chicago_bibliography=Markup(cite.chicago_bibliography(doc, html_markup=True)),
            formats=cite.FORMATS,
        )

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

    def openapi(self, request: Request) -> Response:
        return JSONResponse(openapi_spec())

    # -- errors --------------------------------------------------------------------------------------
    def http_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        data = {"error": {"status": exc.status_code, "message": exc.detail}}
        return self.respond(request, "error.html", data, _wants_json(request), status=exc.status_code)

    def server_error(self, request: Request, exc: Exception) -> Response:
        log.exception("error serving %s", request.url.path, exc_info=exc)
        data = {
            "error": {"status": 500, "message": "the reading room failed on this request; see the server log"}
        }
        return self.respond(request, "error.html", data, _wants_json(request), status=500)


def _checked_id(value: str) -> str:
    if not DOCUMENT_ID.fullmatch(value):
        raise HTTPException(400, f"{value[:40]!r} is not a document id (16 hex digits)")
    return value


def _pagination(request: Request, default: int) -> tuple[int, int]:
    try:
        page = int(request.query_params.get("page", "1"))
        per_page = int(request.query_params.get("per_page", str(default)))
    except ValueError as err:
        raise HTTPException(400, "page and per_page must be whole numbers") from err
    if not 1 <= page <= MAX_PAGE or not 1 <= per_page <= MAX_PER_PAGE:
        raise HTTPException(400, f"page must be 1–{MAX_PAGE} and per_page 1–{MAX_PER_PAGE}")
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


def create_app(db: str | Path) -> Starlette:
    """The reading room over the archive file `db` (opened read-only; an ingest may run meanwhile)."""
    room = ReadingRoom(db)
    routes = [
        Route("/", room.home),
        Route("/.json", room.home),
        Route("/openapi.json", room.openapi),
        Route("/documents/{doc_id}", room.document),
        Route("/documents/{doc_id}/original", room.original),
        Route("/documents/{doc_id}/versions/{version:int}/original", room.original),
        Route("/documents/{doc_id}/cite/{fmt}", room.citation),
        Route("/authors/{name:path}", room.author),
        Route("/browse/{facet}", room.browse),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(
        routes=routes, exception_handlers={HTTPException: room.http_error, Exception: room.server_error}
    )
    app.add_middleware(SecurityHeaders)
    return app

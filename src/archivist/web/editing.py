"""Corrections from the reading room (`archivist serve --editable`): a form per metadata field and
per part (its kind, the exact text it should cover) and an undo button per correction, stored
through `Archive.correct_field` / `correct_part` / `undo_correction` with the note and who made it.
Without --editable none of these routes exist, and the server never writes.

Cross-site requests are refused: every form carries the server's secret token (made at start, never
stored) in a hidden field, the same token travels in a `SameSite=Strict` cookie, and a POST must
bring both (and, when the browser names an Origin, come from this server's own). Another site can
neither read the token (no CORS) nor make the browser send the cookie with its POST.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from archivist.errors import ArchivistError
from archivist.model import METADATA_FIELDS, PART_KINDS
from archivist.store import Archive
from archivist.store.archive import field_value_from_text

log = logging.getLogger("archivist.web")

CSRF_COOKIE = "archivist_csrf"
MAX_FORM = 64 * 1024


class Editor:
    """Writes people's corrections into the archive; one per server, with its secret token."""

    def __init__(self, db: str | Path, user: str) -> None:
        self.db = str(db)
        self.user = user
        self.token = secrets.token_urlsafe(32)

    def cookie(self, response: Response) -> None:
        response.set_cookie(CSRF_COOKIE, self.token, httponly=True, samesite="strict", path="/")

    async def form(self, request: Request) -> dict[str, str]:
        """The POSTed form, once the request is known to come from this server's own page."""
        origin = request.headers.get("origin")
        if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
            raise HTTPException(403, "a correction must be sent from the reading room's own page")
        if (
            request.headers.get("content-type", "").split(";")[0].strip()
            != "application/x-www-form-urlencoded"
        ):
            raise HTTPException(415, "send the form as application/x-www-form-urlencoded")
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_FORM:
                raise HTTPException(413, f"a correction form is at most {MAX_FORM // 1024} KiB")
        try:
            fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
        except UnicodeDecodeError as err:
            raise HTTPException(400, "the form is not UTF-8") from err
        form = {k: v[0] for k, v in fields.items()}
        given, cookie = form.get("csrf", ""), request.cookies.get(CSRF_COOKIE, "")
        if not (hmac.compare_digest(given, self.token) and hmac.compare_digest(cookie, self.token)):
            raise HTTPException(
                403, "the form's token is missing or out of date: reload the page and try again"
            )
        return form

    async def correct(self, request: Request) -> Response:
        doc_id = request.path_params["doc_id"]
        form = await self.form(request)
        field = form.get("field", "")
        if field not in METADATA_FIELDS:
            raise HTTPException(400, f"{field[:40]!r} is not a field; one of: {', '.join(METADATA_FIELDS)}")
        try:
            value = field_value_from_text(field, form.get("value", ""))
        except ValueError as err:
            raise HTTPException(400, str(err)) from err
        note = form.get("note", "").strip() or None
        number = await run_in_threadpool(
            self._write, lambda a: a.correct_field(doc_id, field, value, self.user, note)
        )
        data = {"correction": number, "document": doc_id, "field": field, "value": value, "by": self.user}
        return _done(request, data, f"/documents/{doc_id}#field-{field}")

    async def correct_part(self, request: Request) -> Response:
        """A part re-kinded, or re-bounded to the exact text it should cover, or both; kept with the
        part's kind and text, by which the store finds it again on a later version of the file."""
        doc_id, seq = request.path_params["doc_id"], request.path_params["seq"]
        if not 0 <= seq < 100_000:
            raise HTTPException(404, f"no part {str(seq)[:12]}")
        form = await self.form(request)
        kind = form.get("kind", "").strip() or None
        if kind is not None and kind not in PART_KINDS:
            raise HTTPException(400, f"{kind[:40]!r} is not a part kind; one of: {', '.join(PART_KINDS)}")
        text = form.get("text", "").replace("\r\n", "\n").strip() or None
        note = form.get("note", "").strip() or None

        def change(archive: Archive) -> int:
            doc = archive.document(doc_id)
            same_kind = doc is not None and 0 <= seq < len(doc.parts) and doc.parts[seq].kind == kind
            if same_kind and text is None:
                raise HTTPException(
                    400, "nothing to correct: choose another kind, or give the text it should cover"
                )
            return archive.correct_part(doc_id, seq, self.user, None if same_kind else kind, text, note)

        number = await run_in_threadpool(self._write, change)
        data = {
            "correction": number,
            "document": doc_id,
            "part": seq,
            "kind": kind,
            "text": text,
            "by": self.user,
        }
        return _done(request, data, f"/documents/{doc_id}#part-{seq}")

    async def undo(self, request: Request) -> Response:
        number = request.path_params["correction"]
        if not 0 < number < 2**63:
            raise HTTPException(404, f"no correction {str(number)[:40]}")
        form = await self.form(request)
        doc_id = form.get("document", "")
        await run_in_threadpool(self._write, lambda a: a.undo_correction(number, self.user))
        back = f"/documents/{doc_id}" if len(doc_id) == 16 and doc_id.isalnum() else "/"
        return _done(request, {"undone": number, "by": self.user}, back)

    def _write(self, change: Any) -> Any:
        """One write, then the search index brought in step (its markers see corrections)."""
        try:
            with Archive(self.db) as archive:
                result = change(archive)
                _update_index(archive)
        except ArchivistError as err:
            missing = ": no document" in str(err) or ": no correction" in str(err)
            raise HTTPException(404 if missing else 400, str(err)) from err
        return result


def _update_index(archive: Archive) -> None:
    from archivist.search import SearchError, index_path, update_index

    if not index_path(archive.path).exists():
        return
    try:
        update_index(archive)
    except SearchError as err:  # another writer holds it (an ingest): its own update will do it
        log.warning("the search index was not updated after a correction: %s", err)


def _done(request: Request, data: dict[str, Any], back: str) -> Response:
    accept = request.headers.get("accept", "")
    if "application/json" in accept and "text/html" not in accept:
        return JSONResponse(data, status_code=200)
    return RedirectResponse(back, status_code=303)

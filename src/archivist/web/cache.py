"""Rendered pages kept per server process, so a page read again costs a dictionary look-up instead
of its queries, citations and template.

A page is stored under the state of what it was made from and its URL: the archive's pages (home,
documents, authors, browse, citations) under the archive's *data version* — SQLite's
`PRAGMA data_version`, which changes whenever another connection (an ingest, a correction, a stage)
has committed — and the search pages under the search index's manifest, rewritten by every commit
to the index. A commit therefore makes every older entry unreachable at once (the least recently
used are dropped as room is needed); nothing is ever served from a state older than the one the
request saw when it arrived.

Each stored page carries an ETag (a hash of its body), so a browser's conditional GET is answered
304 with no body, and a gzip copy made the first time a client that accepts gzip asks for a page
worth compressing.
"""

from __future__ import annotations

import gzip
import hashlib
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field

from starlette.background import BackgroundTask
from starlette.responses import Response

GZIP_MIN_BYTES = 1024  # below about a packet, compressing costs more than it saves
GZIP_LEVEL = 5
VARY = (b"vary", b"Accept, Accept-Encoding")
_DROPPED = {b"content-length", b"vary", b"etag", b"content-encoding", b"date", b"server"}


@dataclass(slots=True)
class Page:
    """A response as sent: body, headers (its own: type, cookie, disposition…) and ETag."""

    body: bytes
    headers: list[tuple[bytes, bytes]]
    etag: bytes
    gzipped: bytes | None = field(default=None)

    @classmethod
    def of(cls, response: Response) -> Page:
        body = bytes(response.body)
        headers = [(k, v) for k, v in response.raw_headers if k not in _DROPPED]
        etag = b'"' + hashlib.blake2b(body, digest_size=12).hexdigest().encode() + b'"'
        return cls(body, headers, etag)

    @property
    def size(self) -> int:
        return len(self.body) + (len(self.gzipped) if self.gzipped else 0) + 512

    def response(self, if_none_match: str | None, accept_encoding: str | None) -> Response:
        """The page for one request: 304 when the client holds it (its ETag), else the body,
        gzipped when the client accepts that and the page is large enough to gain."""
        if if_none_match and (self.etag.decode() in if_none_match or if_none_match.strip() == "*"):
            return _Sent(304, b"", [(b"etag", self.etag), VARY])
        body, headers = self.body, [*self.headers, (b"etag", self.etag), VARY]
        if accept_encoding and "gzip" in accept_encoding and len(body) >= GZIP_MIN_BYTES:
            if self.gzipped is None:
                self.gzipped = gzip.compress(body, GZIP_LEVEL, mtime=0)
            body = self.gzipped
            headers.append((b"content-encoding", b"gzip"))
        headers.append((b"content-length", str(len(body)).encode()))
        return _Sent(200, body, headers)


class _Sent(Response):
    """A response whose headers are already made: nothing to compute per request."""

    def __init__(self, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
        self.status_code = status
        self.body = body
        self.raw_headers = headers
        self.background: BackgroundTask | None = None


class PageCache:
    """Least recently used pages up to `max_bytes`. Used from the event loop's thread only."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self._pages: OrderedDict[Hashable, Page] = OrderedDict()

    def get(self, key: Hashable) -> Page | None:
        page = self._pages.get(key)
        if page is None:
            self.misses += 1
            return None
        self.hits += 1
        self._pages.move_to_end(key)
        return page

    def put(self, key: Hashable, page: Page) -> None:
        if page.size > self.max_bytes // 8:  # a page too large to keep: served, not stored
            return
        old = self._pages.pop(key, None)
        if old is not None:
            self.bytes -= old.size
        self._pages[key] = page
        self.bytes += page.size
        while self.bytes > self.max_bytes and self._pages:
            _, dropped = self._pages.popitem(last=False)
            self.bytes -= dropped.size

    def grew(self, page: Page, before: int) -> None:
        """A stored page gained its gzip copy: count it."""
        self.bytes += page.size - before

    def __contains__(self, key: Hashable) -> bool:
        return key in self._pages

    def __len__(self) -> int:
        return len(self._pages)

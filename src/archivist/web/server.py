"""Running the reading room under uvicorn: in the foreground (`archivist serve`) or in a thread
(tests, the benchmark). The socket is bound first, so port 0 gives a free port whose URL is known
before the first request."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess

from archivist.web.app import create_app


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: any free one), IPv4 or IPv6 as the host says."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(address)
    sock.listen(2048)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


# keep-alive 30 s (uvicorn's default is 5): under load a reader's next request can come more than
# 5 s after its last, and a connection closed just as it is reused is an error at the client.
# uvicorn takes httptools and uvloop (dependencies) when it finds them.
OPTIONS: dict[str, Any] = {
    "log_level": "warning",
    "access_log": False,
    "lifespan": "off",
    "timeout_keep_alive": 30,
}
_DB_VARIABLE = "ARCHIVIST_SERVE_DB"


def default_workers() -> int:
    """One server process per core, up to four: each has its own page cache and connections."""
    return max(1, min(os.cpu_count() or 1, 4))


def _server(db: str | Path, editable: bool = False, user: str | None = None) -> uvicorn.Server:
    app = create_app(db, editable=editable, user=user)
    return uvicorn.Server(uvicorn.Config(app, **OPTIONS))


def app_from_environment() -> Any:
    """The app of a worker process (`serve(workers=N)`): the archive named by the parent."""
    return create_app(os.environ[_DB_VARIABLE])


def serve(
    db: str | Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    on_ready: Callable[[str], None] | None = None,
    editable: bool = False,
    user: str | None = None,
    workers: int = 1,
) -> None:
    """Serve until interrupted (Ctrl-C). `on_ready` is told the URL once the socket is bound.
    `editable`: corrections may be made from the pages, recorded as `user` (one process: the form's
    token is its own). `workers` > 1: that many processes share the socket (uvicorn's supervisor),
    each with its own connections and page cache."""
    server = _server(
        db, editable, user
    )  # opens the archive once: a missing or newer archive fails here, before binding
    sock = bind(host, port)
    if on_ready:
        on_ready(url_of(sock))
    # uvicorn shuts down cleanly on Ctrl-C, then raises the signal again for its caller: done.
    with contextlib.suppress(KeyboardInterrupt):
        if workers <= 1 or editable:
            server.run(sockets=[sock])
            return
        os.environ[_DB_VARIABLE] = str(Path(db).resolve())
        config = uvicorn.Config(
            "archivist.web.server:app_from_environment", factory=True, workers=workers, **OPTIONS
        )
        Multiprocess(config, sockets=[sock]).run()


@contextmanager
def serving(
    db: str | Path, host: str = "127.0.0.1", editable: bool = False, user: str | None = None
) -> Iterator[str]:
    """The reading room on an ephemeral port of `host` in a background thread; yields its URL and
    stops it on exit."""
    server = _server(db, editable, user)
    sock = bind(host, 0)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        yield url_of(sock)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()

"""Running the reading room under uvicorn: in the foreground (`archivist serve`) or in a thread
(tests, the benchmark). The socket is bound first, so port 0 gives a free port whose URL is known
before the first request."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

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


def _server(db: str | Path, editable: bool = False, user: str | None = None) -> uvicorn.Server:
    app = create_app(db, editable=editable, user=user)
    # keep-alive 30 s (uvicorn's default is 5): under load a reader's next request can come more than
    # 5 s after its last, and a connection closed just as it is reused is an error at the client
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", timeout_keep_alive=30)
    return uvicorn.Server(config)


def serve(
    db: str | Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    on_ready: Callable[[str], None] | None = None,
    editable: bool = False,
    user: str | None = None,
) -> None:
    """Serve until interrupted (Ctrl-C). `on_ready` is told the URL once the socket is bound.
    `editable`: corrections may be made from the pages, recorded as `user`."""
    server = _server(
        db, editable, user
    )  # opens the archive once: a missing or newer archive fails here, before binding
    sock = bind(host, port)
    if on_ready:
        on_ready(url_of(sock))
    # uvicorn shuts down cleanly on Ctrl-C, then raises the signal again for its caller: done.
    with contextlib.suppress(KeyboardInterrupt):
        server.run(sockets=[sock])


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

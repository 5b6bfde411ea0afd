"""What keeps the reading room safe to open: the Content-Security-Policy of every page (no inline
script; the pages carry no script at all), the sandbox an original file is shown in, and no CORS
(other sites' scripts cannot read the archive through a visitor's browser)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# An original file may be hostile HTML: shown in a sandbox (no script, no forms, an opaque origin)
# that may load nothing; its own inline styles are the one thing allowed.
ORIGINAL_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


class SecurityHeaders:
    """Adds the Content-Security-Policy and friends to every response that has none of its own;
    never adds CORS headers (other sites' scripts cannot read the archive through a visitor)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                extra = [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY"),
                    (b"vary", b"Accept"),
                ]
                headers += [(k, v) for k, v in extra if k not in names]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

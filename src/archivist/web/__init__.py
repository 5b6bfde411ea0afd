"""The reading room: `archivist serve` — the archive as web pages, each with a JSON twin."""

from archivist.web.app import create_app

__all__ = ["create_app"]

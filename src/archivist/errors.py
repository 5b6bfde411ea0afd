"""Errors that teach: each names the file and the reason, and says what to do where it can."""

from __future__ import annotations


class ArchivistError(Exception):
    """Base of every error archivist raises on purpose; the CLI prints it as one line."""


class UnreadableFile(ArchivistError):
    """A file that cannot become a document. `reason` is a short code stored with the failure
    (``empty``, ``binary``, ``undecodable``, ``too-large``, ``truncated``, ``no-text``,
    ``unreadable``, ``extractor-error``); the message says what was wrong in words."""

    def __init__(self, path: str, reason: str, message: str) -> None:
        super().__init__(f"{path}: {message} [{reason}]")
        self.path = path
        self.reason = reason
        self.message = message


class StoreError(ArchivistError):
    """The archive file cannot be opened or is of an unknown or newer schema."""


class MissingExtra(ArchivistError):
    """An optional feature was asked for whose packages are not installed."""

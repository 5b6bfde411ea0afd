"""Bytes to text: BOMs, declared charsets (and the lies they tell), detection as a last resort.

Browsers' rules are the right model for archive pages: ISO-8859-1 and US-ASCII mean
Windows-1252; a declaration that does not decode is wrong, not the bytes; a page declaring
UTF-16 without a BOM or NUL bytes is really an ASCII-compatible encoding.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from archivist.errors import UnreadableFile

MAX_BYTES = 64 * 1024 * 1024

_DECLARED = re.compile(
    rb"""(?:<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+))""",
    re.IGNORECASE,
)
_WHATWG_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859": "cp1252",
    "windows-1252": "cp1252",
    "x-user-defined": "cp1252",
}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first 4 KiB (meta tag or XML declaration)."""
    match = _DECLARED.search(data[:4096])
    if not match:
        return None
    return (match.group(1) or match.group(2)).decode("ascii", "replace").lower()


def _codec(name: str) -> str | None:
    name = _WHATWG_ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_bytes(data: bytes, path: str) -> tuple[str, str]:
    """Return (text, encoding used). Raises `UnreadableFile` for empty, huge or binary input."""
    if not data.strip():
        raise UnreadableFile(path, "empty", "the file is empty or only whitespace")
    if len(data) > MAX_BYTES:
        raise UnreadableFile(
            path, "too-large", f"{len(data):,} bytes is over the {MAX_BYTES:,}-byte limit for one page"
        )
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return _check_text(data[len(bom) :].decode(name), path), name
            except UnicodeDecodeError as err:
                raise UnreadableFile(
                    path,
                    "undecodable",
                    f"starts with a {name} byte-order mark but is not {name}: {err.reason}",
                ) from err
    if b"\x00" in data[:4096] and not _looks_utf16(data):
        raise UnreadableFile(path, "binary", "contains NUL bytes: this is a binary file, not a text page")
    if _looks_utf16(data):
        for name in ("utf-16-le", "utf-16-be"):
            try:
                return _check_text(data.decode(name), path), name
            except UnicodeDecodeError:
                continue
    candidates: list[str] = []
    declared = declared_charset(data)
    if declared:
        codec = _codec(declared)
        # A UTF-16/32 declaration on bytes without NULs is a lie (the page was re-saved).
        if codec and not codec.startswith(("utf-16", "utf-32")):
            candidates.append(codec)
    candidates += ["utf-8", "cp1252"]
    for name in dict.fromkeys(candidates):
        try:
            return _check_text(data.decode(name), path), name
        except UnicodeDecodeError as err:
            if name == "utf-8" and err.reason == "unexpected end of data" and err.start >= len(data) - 3:
                # A file cut inside its last character: keep the text, drop the broken tail.
                return _check_text(data[: err.start].decode("utf-8"), path), "utf-8"
            continue
    best = from_bytes(data[:262144]).best()
    if best is not None and best.encoding:
        try:
            return _check_text(data.decode(best.encoding), path), best.encoding
        except (UnicodeDecodeError, LookupError):
            pass
    # Windows-1252 leaves five bytes undefined; Latin-1 maps every byte, so nothing is lost.
    return _check_text(data.decode("latin-1"), path), "latin-1"


def _looks_utf16(data: bytes) -> bool:
    head = data[:2048]
    if len(head) < 4:
        return False
    even, odd = head[0::2], head[1::2]
    half = len(head) // 2
    if even.count(0) > 0.3 * half and odd.count(0) < 0.05 * half:
        other = odd  # big-endian: NULs lead, the text bytes follow
    elif odd.count(0) > 0.3 * half and even.count(0) < 0.05 * half:
        other = even
    else:
        return False
    # The non-NUL half of UTF-16 text is mostly printable ASCII (markup, Latin letters, spaces).
    printable = sum(1 for b in other if 32 <= b < 127 or b in (9, 10, 13))
    return printable > 0.7 * len(other)


def _check_text(text: str, path: str) -> str:
    sample = text[:65536]
    controls = len(_CONTROL.findall(sample))
    if sample and controls > 0.02 * len(sample):
        raise UnreadableFile(
            path, "binary", f"{controls} control characters in the first {len(sample)}: not a text page"
        )
    return text

"""Bytes to text: BOMs, declared charsets (and the lies they tell), detection as a last resort.

Browsers' rules are the right model for archive pages: ISO-8859-1 and US-ASCII mean
Windows-1252; only the WHATWG labels (`encodings.py`) name an encoding; a declaration that does
not decode is wrong, not the bytes. Where the bytes and a declaration or byte-order mark disagree,
the bytes win: UTF-16 is recognised by where its NUL bytes fall, UTF-8 by its multi-byte
sequences, which legacy text almost never forms by chance. Whenever the decoder had to guess,
replace or overrule, it says so in `Decoded.warnings`.
"""

from __future__ import annotations

import codecs
import importlib
import re
from functools import cache
from typing import NamedTuple

from charset_normalizer import from_bytes

from archivist.errors import UnreadableFile
from archivist.sources.encodings import codec_for_label

MAX_BYTES = 64 * 1024 * 1024
# UTF-8 with this many ill-formed sequences or fewer (or fewer than 1 in 100 bytes) is damaged
# UTF-8, not another encoding: the bad sequences become U+FFFD and the rest of the text is kept.
NEAR_VALID_UTF8_ERRORS = 8

_DECLARED = re.compile(
    rb"""(?:<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+))""",
    re.IGNORECASE,
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16-LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CONTROL_BYTES = bytes(i for i in range(128) if _CONTROL.match(chr(i)))
_NON_ASCII = bytes(range(128, 256))
_ASCII_TEXT = "".join(map(chr, range(128)))


class Decoded(NamedTuple):
    text: str
    encoding: str  # the Python codec used
    warnings: tuple[str, ...] = ()  # what was guessed, replaced or overruled; empty when clean


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first 4 KiB (meta tag or XML declaration)."""
    match = _DECLARED.search(data[:4096])
    if not match:
        return None
    return (match.group(1) or match.group(2)).decode("ascii", "replace").lower()


def decode_bytes(data: bytes, path: str) -> tuple[str, str]:
    """Return (text, encoding used). Raises `UnreadableFile` for empty, huge or binary input."""
    decoded = decode_file(data, path)
    return decoded.text, decoded.encoding


def decode_file(data: bytes, path: str) -> Decoded:
    """Decode one file's bytes, saying what had to be guessed. Raises `UnreadableFile`."""
    if not data.strip():
        raise UnreadableFile(path, "empty", "the file is empty or only whitespace")
    if len(data) > MAX_BYTES:
        raise UnreadableFile(
            path, "too-large", f"{len(data):,} bytes is over the {MAX_BYTES:,}-byte limit for one page"
        )
    bom, rest = _split_bom(data)
    decoded = _decode_after_bom(bom, rest) if bom else _decode_unmarked(data)
    _check_text(decoded.text, path)
    return _without_nuls(decoded)


def _split_bom(data: bytes) -> tuple[str | None, bytes]:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, data[len(bom) :]
    return None, data


def _decode_after_bom(bom: str, rest: bytes) -> Decoded:
    """A byte-order mark is a strong hint, not proof: files are concatenated and re-saved."""
    order = _utf16_order(rest)
    if order:
        decoded = _decode_strict_or_replace(rest, order)
    elif bom == "utf-8":
        decoded = _decode_marked_utf8(rest)
    elif b"\x00" not in rest and _read_utf8(rest).near_valid(len(rest)):
        # UTF-16 and UTF-32 text has NUL bytes (every space, newline and digit has one): NUL-free
        # bytes that read as UTF-8 are UTF-8 behind a stray mark.
        decoded = _decode_marked_utf8(rest)
    else:
        try:
            decoded = Decoded(rest.decode(bom), bom)
        except UnicodeDecodeError:
            decoded = _decode_8bit(rest)
    if decoded.encoding == bom:
        return decoded
    return _warn(decoded, f"{bom} byte-order mark but content is {decoded.encoding}")


def _decode_marked_utf8(data: bytes) -> Decoded:
    """UTF-8, damaged or not, unless the bytes are plainly another 8-bit encoding."""
    utf8 = _read_utf8(data)
    if utf8.near_valid(len(data)):
        return Decoded(utf8.text, "utf-8", _utf8_damage(utf8))
    return _decode_8bit(data)


def _decode_unmarked(data: bytes) -> Decoded:
    order = _utf16_order(data)
    if order:
        decoded = _decode_strict_or_replace(data, order)
        return _warn(decoded, f"no byte-order mark; {order} by where the NUL bytes fall")
    return _decode_8bit(data)


def _utf16_order(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when the bytes are UTF-16 of mostly ASCII text, else None.

    ASCII characters in UTF-16 have one NUL byte: second in little-endian, first in big-endian.
    """
    head = data[:2048]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    half = len(head) // 2
    if even.count(0) > 0.3 * half and odd.count(0) < 0.05 * half:
        order, other = "utf-16-be", odd  # NULs lead, the text bytes follow
    elif odd.count(0) > 0.3 * half and even.count(0) < 0.05 * half:
        order, other = "utf-16-le", even
    else:
        return None
    # The non-NUL half of UTF-16 text is mostly printable ASCII (markup, Latin letters, spaces).
    printable = sum(1 for b in other if 32 <= b < 127 or b in (9, 10, 13))
    return order if printable > 0.7 * len(other) else None


def _decode_strict_or_replace(data: bytes, codec: str) -> Decoded:
    try:
        return Decoded(data.decode(codec), codec)
    except UnicodeDecodeError:
        text = data.decode(codec, "replace")
        bad = text.count("\ufffd") - data.decode(codec, "ignore").count("\ufffd")
        return Decoded(text, codec, (f"{codec} with {_count(bad, 'invalid sequence')} replaced",))


class _Utf8Reading(NamedTuple):
    text: str  # the bytes read as UTF-8, ill-formed sequences as U+FFFD, a cut last character dropped
    multibyte: int  # well-formed non-ASCII characters: the evidence for UTF-8
    invalid: int  # ill-formed sequences replaced
    cut: int  # bytes of a last character cut off by the end of the file

    @property
    def clean(self) -> bool:
        return not self.invalid and not self.cut

    def near_valid(self, size: int) -> bool:
        """Damaged UTF-8: few bad sequences, and more well-formed multi-byte ones than bad ones.

        Legacy 8-bit text has many high bytes and almost none of them form UTF-8 sequences.
        """
        errors = self.invalid + (1 if self.cut else 0)
        return errors <= max(NEAR_VALID_UTF8_ERRORS, size // 100) and self.multibyte >= errors


def _read_utf8(data: bytes) -> _Utf8Reading:
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    text = decoder.decode(data, final=False)  # holds back an incomplete last character
    cut = len(decoder.getstate()[0])
    if text.isascii():  # every byte read was ASCII (a cut character's bytes are not): nothing else to count
        return _Utf8Reading(text, 0, 0, cut)
    invalid = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    ascii_bytes = len(data.translate(None, _NON_ASCII))
    multibyte = len(text) - ascii_bytes - invalid
    return _Utf8Reading(text, multibyte, invalid, cut)


def _decode_8bit(data: bytes) -> Decoded:
    """An ASCII-compatible encoding: the declared one, UTF-8, or a legacy guess."""
    label = declared_charset(data)
    if label is None:
        return _choose_8bit(data, None)
    declared = codec_for_label(label)
    # A UTF-16 declaration on bytes without NULs is a lie (the page was re-saved).
    usable = None if declared and declared.startswith("utf-16") else declared
    decoded = _choose_8bit(data, usable)
    if declared is None:
        return _warn(decoded, f"declared charset {label!r} is not a text encoding; ignored")
    if decoded.encoding != declared:
        return _warn(decoded, f"declared {label} but content is {decoded.encoding}")
    return decoded


def _choose_8bit(data: bytes, declared: str | None) -> Decoded:
    utf8 = _read_utf8(data)
    if utf8.clean and (utf8.multibyte or not declared):
        return Decoded(utf8.text, "utf-8")  # UTF-8 text, or plain ASCII that declares nothing
    if utf8.clean and declared and _reads_ascii_as_itself(declared):
        return Decoded(utf8.text, declared)  # plain ASCII, as the declared encoding reads it too
    if not utf8.clean and utf8.near_valid(len(data)):
        return Decoded(utf8.text, "utf-8", _utf8_damage(utf8))
    for codec in dict.fromkeys(c for c in (declared, "cp1252") if c):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        return Decoded(text, codec, () if codec == declared else (f"guessed {codec}",))
    best = from_bytes(data[:262144]).best()
    if best is not None and best.encoding:
        try:
            return Decoded(
                data.decode(best.encoding), best.encoding, (f"guessed {best.encoding} by detection",)
            )
        except (UnicodeDecodeError, LookupError):
            pass
    # Windows-1252 leaves five bytes undefined; Latin-1 maps every byte, so nothing is lost.
    return Decoded(data.decode("latin-1"), "latin-1", ("no encoding fits; read as latin-1",))


@cache
def _reads_ascii_as_itself(codec: str) -> bool:
    """Whether `codec` reads any ASCII bytes as the same characters: UTF-8, and the single-byte
    codecs whose table (byte by byte, no state) starts with ASCII, as Windows-1252's and the ISO
    8859 ones do; not the multi-byte ones (ISO-2022-JP's escapes are ASCII bytes)."""
    name = codecs.lookup(codec).name
    if name == "utf-8":
        return True
    try:
        module = importlib.import_module("encodings." + name.replace("-", "_"))
    except ImportError:
        return False
    table = getattr(module, "decoding_table", None)
    return isinstance(table, str) and table[:128] == _ASCII_TEXT


def _utf8_damage(utf8: _Utf8Reading) -> tuple[str, ...]:
    notes = []
    if utf8.invalid:
        notes.append(f"utf-8 with {_count(utf8.invalid, 'invalid sequence')} replaced")
    if utf8.cut:
        notes.append(f"file cut inside its last utf-8 character; {_count(utf8.cut, 'byte')} dropped")
    return tuple(notes)


def _warn(decoded: Decoded, note: str) -> Decoded:
    return decoded._replace(warnings=(note, *decoded.warnings))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _without_nuls(decoded: Decoded) -> Decoded:
    """A few NUL bytes in a text page are transmission damage; every reader would choke on them."""
    if "\x00" not in decoded.text:  # (by memchr: faster than counting none)
        return decoded
    nuls = decoded.text.count("\x00")
    return _warn(
        decoded._replace(text=decoded.text.replace("\x00", "")), f"removed {_count(nuls, 'NUL byte')}"
    )


def _check_text(text: str, path: str) -> None:
    sample = text[:65536]
    # The count of _CONTROL's characters, in C: each is one byte in UTF-8, and no other character
    # has a byte below 0x80 there.
    raw = sample.encode("utf-8", "surrogatepass")
    controls = len(raw) - len(raw.translate(None, _CONTROL_BYTES))
    if sample and controls > 0.02 * len(sample):
        what = "NUL bytes" if sample.count("\x00") > controls // 2 else "control characters"
        raise UnreadableFile(
            path, "binary", f"{controls} {what} in the first {len(sample)} characters: not a text page"
        )

"""Readers: encodings that lie, formats, and bad input with specific reasons."""

from __future__ import annotations

import pytest

from archivist.errors import UnreadableFile
from archivist.pipeline import extract_data, extract_file
from archivist.sources import read_page
from archivist.sources.decode import decode_bytes


def test_utf16_declaration_on_utf8_bytes(corpus) -> None:
    path = corpus / "mia-mass-edits/archive/olgin/speeches/natlib.htm"
    page = read_page(path.read_bytes(), str(path))
    assert page.encoding == "utf-8"
    assert any("Madison Square Garden" in b.text for b in page.blocks)


def test_utf8_declaration_with_cp1252_bytes(corpus) -> None:
    path = corpus / "mia-mass-edits/archive/hardcastle/1929/banks_industry.htm"
    text, encoding = decode_bytes(path.read_bytes(), str(path))
    assert encoding == "cp1252"
    assert "£" in text


def test_windows_1251_declared_page(corpus) -> None:
    pages = [p for p in corpus.rglob("*.htm*") if b"windows-1251" in p.read_bytes()[:3000].lower()]
    assert pages, "the corpus has pages declaring windows-1251"
    result = extract_file(str(pages[0]), pages[0].name)
    assert result.document is not None
    assert result.file.encoding == "cp1251"
    assert result.document.language == "en"


def test_russian_markdown(corpus) -> None:
    path = corpus / "mia-ru-markdown_parser/content/book.md"
    doc = extract_file(str(path), "book.md").document
    assert doc is not None and doc.language == "ru"
    assert "&nbsp;" not in doc.text
    assert sum("\u0400" <= ch <= "\u04ff" for ch in doc.text) > 1000


def test_every_corpus_file_reads(corpus) -> None:
    failures = []
    for path in sorted(corpus.rglob("*")):
        if (
            path.is_file()
            and path.suffix.lower() in (".htm", ".html", ".md", ".xml", ".txt")
            and path.name != "README.md"
        ):
            result = extract_file(str(path), str(path.relative_to(corpus)))
            if not result.ok:
                failures.append((path.name, result.failure_detail))
    assert not failures


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n\t  ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
        (b"<html><body><script>x()</script></body></html>", "no-text"),
    ],
)
def test_bad_input_gets_a_specific_reason(data: bytes, reason: str) -> None:
    result = extract_data(data, "bad/file.htm")
    assert not result.ok
    assert result.failure == reason
    assert "bad/file.htm" in (result.failure_detail or "") or result.failure_detail


def test_unreadable_file_error_names_path() -> None:
    with pytest.raises(UnreadableFile) as info:
        decode_bytes(b"", "some/where.txt")
    assert "some/where.txt" in str(info.value) and info.value.reason == "empty"


def test_tei_header_and_inline_notes(corpus) -> None:
    path = corpus / "hurlus-tei/lenine1918_infantilisme.xml"
    doc = extract_file(str(path), "hurlus-tei/lenine1918_infantilisme.xml").document
    assert doc is not None
    assert doc.title and doc.title.startswith("Sur l’infantilisme")
    assert doc.language == "fr"
    assert doc.date_written == "1918-05-05"
    assert doc.parts_of("footnote"), "inline <note>s are lifted into footnote parts"
    assert "revue des « communistes de gauche »" not in doc.body


def test_language_matches_the_manifest(corpus) -> None:
    import csv

    rows = list(csv.DictReader((corpus / "MANIFEST.csv").open(encoding="utf-8")))
    wrong = []
    for row in rows:
        result = extract_file(str(corpus / row["path"]), row["path"])
        assert result.document is not None
        if result.document.language != row["language"]:
            wrong.append((row["path"], row["language"], result.document.language))
    assert len(wrong) <= len(rows) // 100, wrong


def test_utf8_cut_inside_its_last_character_is_still_utf8() -> None:
    data = "Written: 1 May 1871.\n\nLa Commune de Paris, écrite à Londres — é".encode()[:-1]
    text, encoding = decode_bytes(data, "cut.txt")
    assert encoding == "utf-8" and "écrite à Londres" in text


def test_too_large_file_is_refused(monkeypatch) -> None:
    from archivist.sources import decode

    monkeypatch.setattr(decode, "MAX_BYTES", 1000)
    result = extract_data(b"<p>" + b"x" * 2000 + b"</p>", "big.htm")
    assert result.failure == "too-large" and "limit" in (result.failure_detail or "")


def test_a_block_set_wholly_in_emphasis_is_marked() -> None:
    # An editor's lead-in is often one italic or small paragraph; a title or a quotation in italics
    # inside a paragraph does not make the paragraph emphasised.
    html = (
        "<html><body><h1>A title</h1><p><em>This article first appeared in <b>The Paper</b>.</em></p>"
        "<p><small>From the editors: a note.</small></p>"
        "<p>The text, which quotes <i>a book</i> and <em>another</em>, begins here.</p></body></html>"
    )
    page = read_page(html.encode(), "t/lead-in.html")
    assert [(b.text, b.emphasised) for b in page.blocks if b.tag == "p"] == [
        ("This article first appeared in The Paper.", True),
        ("From the editors: a note.", True),
        ("The text, which quotes a book and another, begins here.", False),
    ]


def test_plain_ascii_is_read_once_under_any_single_byte_declaration() -> None:
    """An ASCII page that declares Windows-1252 (most of the corpus's) or another single-byte
    encoding is read as the UTF-8 reading gave it, not decoded again: right while every such codec
    reads the 128 ASCII bytes as themselves; the multi-byte ones are decoded as declared."""
    from archivist.sources import decode
    from archivist.sources.encodings import WHATWG_ENCODINGS

    ascii_bytes = bytes(range(128))
    for encoding in WHATWG_ENCODINGS.values():
        if encoding.codec and decode._reads_ascii_as_itself(encoding.codec):
            assert ascii_bytes.decode(encoding.codec) == ascii_bytes.decode("ascii"), encoding.codec
    assert not decode._reads_ascii_as_itself("iso2022_jp")
    page = b'<html><head><meta charset="iso-8859-2"></head><body><p>Plain text.</p></body></html>'
    assert decode.decode_file(page, "p.html") == decode.Decoded(page.decode("iso8859-2"), "iso8859-2")

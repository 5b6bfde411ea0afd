"""Hostile input: bytes that lie about their encoding, and markup built to be slow or deep.

Every hostile file is generated here; each test checks the text comes out whole, and the slow cases
also that they finish in a few seconds (they took minutes, or crashed, before).
"""

from __future__ import annotations

import codecs
import time

import pytest
from selectolax.lexbor import LexborHTMLParser

from archivist.errors import UnreadableFile
from archivist.pipeline import extract_data
from archivist.sources import read_page
from archivist.sources.decode import decode_file
from archivist.sources.encodings import LABELS, WHATWG_ENCODINGS, codec_for_label
from archivist.sources.html import MAX_DEPTH, limit_nesting
from archivist.sources.markdown import pandoc_to_commonmark

FRENCH = (
    "<html><head><title>Écrits</title></head><body>\n"
    "<h1>Écrits de Lénine</h1>\n"
    "<p>« L’État et la révolution » — écrit en août 1917, publié à Petrograd.</p>\n"
    "</body></html>\n"
)


# 1. UTF-16 without a byte-order mark ------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-16-be", "utf-16-le"])
def test_utf16_without_bom_honours_its_byte_order(codec: str) -> None:
    decoded = decode_file(FRENCH.encode(codec), "page.htm")
    assert decoded.encoding == codec
    assert decoded.text == FRENCH
    assert any(codec in note for note in decoded.warnings), "the byte order was a guess"


def test_utf16be_page_reads_as_text() -> None:
    page = read_page(FRENCH.encode("utf-16-be"), "page.htm")
    assert [b.text for b in page.blocks] == [
        "Écrits de Lénine",
        "« L’État et la révolution » — écrit en août 1917, publié à Petrograd.",
    ]


# 2. Byte-order marks that contradict the content -------------------------------------------------


@pytest.mark.parametrize(
    ("data", "content"),
    [
        (codecs.BOM_UTF16_LE + FRENCH.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF16_BE + FRENCH.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF32_LE + FRENCH.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + FRENCH.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF8 + FRENCH.encode("utf-16-be"), "utf-16-be"),
        (codecs.BOM_UTF16_BE + FRENCH.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_LE + FRENCH.encode("utf-16-be"), "utf-16-be"),
        (codecs.BOM_UTF8 + FRENCH.encode("cp1252"), "cp1252"),
    ],
)
def test_bom_contradicting_the_content_is_overruled(data: bytes, content: str) -> None:
    decoded = decode_file(data, "page.htm")
    assert decoded.encoding == content
    assert decoded.text == FRENCH
    assert any("byte-order mark but content is " + content in note for note in decoded.warnings)


@pytest.mark.parametrize(
    ("bom", "codec", "text"),
    [
        (codecs.BOM_UTF8, "utf-8", FRENCH),
        (codecs.BOM_UTF16_LE, "utf-16-le", FRENCH),
        (codecs.BOM_UTF16_BE, "utf-16-be", FRENCH),
        (codecs.BOM_UTF32_LE, "utf-32-le", FRENCH),
        # Chinese without a single ASCII character has no NUL byte to tell its order by: the mark decides.
        (codecs.BOM_UTF16_LE, "utf-16-le", "中华人民共和国宪法。第一章总纲。"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "中华人民共和国宪法。第一章总纲。"),
    ],
)
def test_bom_matching_the_content_is_clean(bom: bytes, codec: str, text: str) -> None:
    decoded = decode_file(bom + text.encode(codec), "page.txt")
    assert (decoded.encoding, decoded.text, decoded.warnings) == (codec, text, ())


# 3. One bad byte in a UTF-8 page -----------------------------------------------------------------


def test_one_invalid_byte_keeps_the_page_utf8() -> None:
    data = FRENCH.encode("utf-8").replace(b"1917", b"19\x9217")  # a stray cp1252 apostrophe
    decoded = decode_file(data, "page.htm")
    assert decoded.encoding == "utf-8"
    assert "Écrits de Lénine" in decoded.text and "Ã" not in decoded.text
    assert decoded.text == FRENCH.replace("1917", "19\ufffd17")
    assert decoded.warnings == ("utf-8 with 1 invalid sequence replaced",)


def test_invalid_bytes_under_one_percent_keep_a_long_page_utf8() -> None:
    paragraph = "Écrits de Lénine, « L’État et la révolution », août 1917. " * 3
    data = b"\n".join(paragraph.encode("utf-8") + (b"\xff" if i % 4 == 0 else b"") for i in range(200))
    decoded = decode_file(data, "page.txt")
    assert decoded.encoding == "utf-8"
    assert decoded.text.count("\ufffd") == 50 and decoded.text.count("Lénine") == 600
    assert decoded.warnings == ("utf-8 with 50 invalid sequences replaced",)


def test_utf8_declared_page_with_one_invalid_byte_stays_utf8() -> None:
    data = b'<meta charset="utf-8">' + FRENCH.encode("utf-8").replace(b"Petrograd", b"Petro\xe9grad")
    page = read_page(data, "page.htm")
    assert page.encoding == "utf-8"
    assert page.blocks[0].text == "Écrits de Lénine"
    assert page.decode_warnings == ["utf-8 with 1 invalid sequence replaced"]


@pytest.mark.parametrize("declaration", [b"", b'<meta charset="utf-8">'])
def test_legacy_bytes_are_still_read_as_legacy(declaration: bytes) -> None:
    data = declaration + FRENCH.encode("cp1252")
    decoded = decode_file(data, "page.htm")
    assert decoded.encoding == "cp1252"
    assert decoded.text == declaration.decode() + FRENCH
    assert decoded.warnings, "reading cp1252 was a guess"


def test_legacy_text_forming_one_utf8_sequence_by_chance_stays_legacy() -> None:
    # "É»" in cp1252 is C9 BB, a well-formed UTF-8 sequence ("ɻ"); the other accents are not.
    text = "Déjà, à l’été, la revue «CAFÉ» et « L’ÉTAT » paraissent à Genève."
    decoded = decode_file(text.encode("cp1252"), "page.txt")
    assert (decoded.encoding, decoded.text) == ("cp1252", text)


def test_declared_legacy_page_whose_bytes_are_utf8_reads_as_utf8() -> None:
    data = b'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">' + FRENCH.encode(
        "utf-8"
    )
    decoded = decode_file(data, "page.htm")
    assert decoded.encoding == "utf-8"
    assert decoded.text.endswith(FRENCH)
    assert decoded.warnings == ("declared iso-8859-1 but content is utf-8",)


def test_declared_cp1251_page_stays_cp1251() -> None:
    text = "Государство и революция. Учение марксизма о государстве и задачи пролетариата в революции."
    data = b'<meta charset="windows-1251"><p>' + text.encode("cp1251") + b"</p>"
    page = read_page(data, "page.htm")
    assert (page.encoding, page.blocks[0].text, page.decode_warnings) == ("cp1251", text, [])


# 4. What decoding guessed is recorded on the page ------------------------------------------------


def test_clean_page_has_no_decode_warnings() -> None:
    page = read_page(b'<meta charset="utf-8">' + FRENCH.encode("utf-8"), "page.htm")
    assert page.decode_warnings == []


def test_undeclared_legacy_page_records_the_guess() -> None:
    page = read_page(FRENCH.encode("cp1252"), "page.htm")
    assert page.blocks[0].text == "Écrits de Lénine"
    assert page.decode_warnings == ["guessed cp1252"]


def test_utf8_cut_inside_its_last_character_records_the_cut() -> None:
    data = FRENCH.encode("utf-8") + "é".encode()[:1]
    decoded = decode_file(data, "page.htm")
    assert (decoded.encoding, decoded.text) == ("utf-8", FRENCH)
    assert decoded.warnings == ("file cut inside its last utf-8 character; 1 byte dropped",)


# 5. Declared labels: only the WHATWG Encoding Standard's text encodings --------------------------

NOT_TEXT_ENCODINGS = [
    "rot13", "rot_13", "base64", "hex", "zlib", "uu", "quopri", "bz2", "punycode", "idna", "utf-7",
    "cp500", "cp037", "cp1140", "ebcdic-cp-us", "unicode_escape", "raw_unicode_escape", "utf-32",
    "mbcs", "undefined", "latin-1", "replacement", "iso-2022-kr", "hz-gb-2312",
]  # fmt: skip


@pytest.mark.parametrize("label", NOT_TEXT_ENCODINGS)
def test_non_text_encoding_labels_are_ignored(label: str) -> None:
    ascii_page = f'<html><head><meta charset="{label}"></head><body><p>Hello, +AGEA- world</p></body></html>'
    for data in (ascii_page.encode("ascii"), ascii_page.encode("ascii") + FRENCH.encode("utf-8")):
        decoded = decode_file(data, "page.htm")
        assert decoded.text == data.decode("utf-8")
        assert decoded.encoding == "utf-8"
        assert decoded.warnings == (f"declared charset {label!r} is not a text encoding; ignored",)


@pytest.mark.parametrize("label", ["rot13", "cp500", "base64", "utf-7"])
def test_non_text_xml_encoding_is_ignored_in_tei(label: str) -> None:
    tei = (
        f'<?xml version="1.0" encoding="{label}"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0">'
        "<teiHeader><fileDesc><titleStmt><title>L’État et la révolution</title></titleStmt></fileDesc>"
        "</teiHeader><text><body><p>Écrit en août 1917.</p></body></text></TEI>"
    )
    page = read_page(tei.encode("utf-8"), "lenine.xml")
    assert page.format == "tei"
    assert page.title == "L’État et la révolution"
    assert [b.text for b in page.blocks] == ["Écrit en août 1917."]


def test_tei_with_a_lying_bom_reads_by_content() -> None:
    tei = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body>'
        "<p>Écrit en août 1917.</p></body></text></TEI>"
    )
    page = read_page(codecs.BOM_UTF16_LE + tei.encode("utf-8"), "lenine.xml")
    assert [b.text for b in page.blocks] == ["Écrit en août 1917."]
    assert page.decode_warnings == ["utf-16-le byte-order mark but content is utf-8"]


def test_label_table_names_only_python_text_codecs() -> None:
    for name, encoding in WHATWG_ENCODINGS.items():
        if encoding.codec is None:
            continue
        info = codecs.lookup(encoding.codec)
        assert info.name == encoding.codec, name
        assert info._is_text_encoding, name  # type: ignore[attr-defined]
        assert encoding.codec not in ("cp500", "cp037", "cp1140", "utf-7"), name
    assert len(LABELS) > 200  # the whole standard, not a sample


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("ISO-8859-1", "cp1252"),
        (" us-ascii\t", "cp1252"),
        ("latin1", "cp1252"),
        ("utf8", "utf-8"),
        ("Windows-1251", "cp1251"),
        ("koi8-r", "koi8-r"),
        ("Shift_JIS", "cp932"),
        ("gb2312", "gb18030"),
        ("x-mac-cyrillic", "mac-cyrillic"),
        ("rot13", None),
        ("cp500", None),
        ("replacement", None),
    ],
)
def test_codec_for_label(label: str, codec: str | None) -> None:
    assert codec_for_label(label) == codec


# NUL bytes -----------------------------------------------------------------------------------------


def test_a_few_nul_bytes_do_not_cost_the_page() -> None:
    data = FRENCH.encode("utf-8").replace(b"<h1>", b"<h1>\x00").replace(b"1917", b"19\x0017")
    page = read_page(data, "page.htm")
    assert [b.text for b in page.blocks] == [
        "Écrits de Lénine",
        "« L’État et la révolution » — écrit en août 1917, publié à Petrograd.",
    ]
    assert page.decode_warnings == ["removed 2 NUL bytes"]


def test_nul_heavy_file_is_still_binary() -> None:
    data = b"GIF89a" + bytes(range(32)) * 40 + FRENCH.encode()
    with pytest.raises(UnreadableFile) as info:
        decode_file(data, "x.htm")
    assert info.value.reason == "binary"
    assert extract_data(data, "x.htm").failure == "binary"


# 6. Markdown and plain text: blank lines, long lines -------------------------------------------------


def test_100kb_of_blank_lines_in_markdown_reads_in_seconds() -> None:
    # Took 26-68 s: each pandoc line pattern rescanned the blank run from every one of its lines.
    data = b"# Title\n\nSome text here.\n" + b"\n" * 100_000 + b"  \n\t\n" * 1_000 + b"The end.\n"
    texts, seconds = _read_timed(data, "blank.md")
    assert texts == ["Title", "Some text here.", "The end."]
    assert seconds < 5


def test_pandoc_rewrites_are_linear() -> None:
    hostile = [
        "text {.a" + "a" * 200_000 + " x\n",  # an unclosed attribute block: 13 s at 80k before
        "[Top](#" * 100_000,  # unclosed "back to top" links: 27 s at 57k before
        "^[[1]](#" * 100_000 + ")x",  # unclosed footnote references
        ":::\n\n" * 50_000 + "|" + " " * 100_000,
    ]
    for text in hostile:
        start = time.process_time()  # CPU time: a blow-up guard, not a speed target
        assert len(pandoc_to_commonmark(text)) > 100_000
        assert time.process_time() - start < 2


def test_pandoc_rewrites_keep_their_output() -> None:
    # The linear patterns reproduce the old ones exactly, blank lines they swallowed included
    # (checked against the old patterns on random text and on every corpus file).
    text = (
        "::: {.title}\n+----------------+\n| The Civil War  |\n| in France      |\n+================+\n:::\n\n\n\n"
        "Written: April 1871 [Top](#top)\n\n\n::: {.text}\nThe *Commune*^[\\[1\\]](#fn1)^ was [formed]{.em} {#p1}\n:::\n"
    )
    page = read_page(text.encode(), "civil-war.md")
    assert [b.text for b in page.blocks] == [
        "The Civil War in France Written: April 1871",
        "The Commune[1] was formed",
    ]


def test_plain_text_with_100k_blank_lines_and_long_lines() -> None:
    data = b"Title\n\n" + b"\n" * 100_000 + b"word " * 200_000 + b"\n\n" + b" \t \n" * 50_000 + b"The end.\n"
    texts, seconds = _read_timed(data, "blank.txt")
    assert texts == ["Title", ("word " * 200_000).strip(), "The end."]
    assert seconds < 5


def test_mediawiki_text_with_a_long_run_of_spaces() -> None:
    # The [edit] link pattern tried `\s*` from every space of the run: over 30 s for 200k spaces.
    body = "Manifesto" + " " * 200_000 + "of the Communist Party [edit]"
    data = f"From Marxists-en\nJump to navigation Jump to search\n\n{body}\n".encode()
    texts, seconds = _read_timed(data, "wiki.txt")
    assert texts == ["Manifesto" + " " * 200_000 + "of the Communist Party"]
    assert seconds < 5


# 7. Markup built to be deep, wide or long ----------------------------------------------------------


def _read_timed(data: bytes, path: str) -> tuple[list[str], float]:
    """The page's block texts and the CPU seconds this process spent reading it. The bounds below
    are not speed targets (bench/ measures speed): they catch the quadratic and exponential
    blow-ups these inputs once caused (minutes), in CPU time so that other work on the machine
    cannot fail them."""
    start = time.process_time()
    page = read_page(data, path)
    return [b.text for b in page.blocks], time.process_time() - start


def test_200k_nested_divs_read_in_seconds() -> None:
    # Took over 300 s: lexbor's tree builder scans its stack of open elements for every <div>.
    n = 200_000
    data = b"<html><body>" + b"<div>" * n + b"deep text" + b"</div>" * n + b"</body></html>"
    texts, seconds = _read_timed(data, "deep.htm")
    assert texts == ["deep text"]
    assert seconds < 5


def test_text_at_every_level_of_deep_nesting_is_kept_in_order() -> None:
    n = 20_000  # past MAX_DEPTH, where elements are unwrapped
    data = ("<body>" + "".join(f"<div>{i}" for i in range(n)) + "</div>" * n).encode()
    texts, _ = _read_timed(data, "deep.htm")
    assert texts == [str(i) for i in range(n)]


@pytest.mark.parametrize(
    ("opening", "closing"),
    [
        ("<table><tr><td>", "</td></tr></table>"),
        ("<span>", "</span>"),
        ("<sup>", "</sup>"),
        ("<blockquote>", "</blockquote>"),
        ("<ul><li>", "</li></ul>"),
    ],
)
def test_deep_nesting_does_not_hit_the_recursion_limit(opening: str, closing: str) -> None:
    n = 20_000  # the walk recursed once per level: RecursionError past ~1,000
    data = f"<body><p>Before.</p>{opening * n}Deep cell text.{closing * n}<p>After.</p>".encode()
    texts, seconds = _read_timed(data, "deep.htm")
    assert texts[0] == "Before." and texts[-1] == "After."
    assert "Deep cell text." in " ".join(texts)
    assert seconds < 5


def test_limit_nesting_leaves_ordinary_pages_alone() -> None:
    page = (
        "<html><body>" + "<div><p>para <b>bold</b> <a href='/x'>link</a></p></div>" * 5_000 + "</body></html>"
    )
    assert limit_nesting(page) is page


def test_limit_nesting_caps_depth() -> None:
    n = 50_000
    html = "<body>" + "<div><span>" * n + "x" + "</span></div>" * n
    tree = LexborHTMLParser(limit_nesting(html))
    node, depth = tree.body, 0
    while node is not None and node.child is not None:
        node, depth = node.child, depth + 1
    assert MAX_DEPTH - 5 <= depth <= MAX_DEPTH + 5
    assert tree.body is not None and tree.body.text() == "x"


def test_100k_paragraph_siblings() -> None:
    data = b"<html><body>" + b"".join(b"<p>paragraph %d</p>" % i for i in range(100_000)) + b"</body></html>"
    texts, seconds = _read_timed(data, "wide.htm")
    assert len(texts) == 100_000 and texts[-1] == "paragraph 99999"
    assert seconds < 5


def test_one_megabyte_line_without_spaces() -> None:
    word = "x" * 1_000_000
    for data, path in ((f"<p>{word}</p>".encode(), "long.htm"), (word.encode(), "long.txt")):
        texts, seconds = _read_timed(data, path)
        assert texts == [word]
        assert seconds < 5


def test_unclosed_comment_and_unterminated_tags() -> None:
    data = b"<html><body><p>Before the comment.</p><!-- " + b"<p>hidden</p>" * 50_000
    texts, _ = _read_timed(data, "comment.htm")
    assert texts == ["Before the comment."]
    texts, seconds = _read_timed(b"<body><p>Text.</p>" + b"<a" * 500_000, "tags.htm")
    assert texts == ["Text."]
    assert seconds < 5


# TEI: entities and depth -------------------------------------------------------------------------------


def _tei(body: bytes, doctype: bytes = b"") -> bytes:
    return (
        b'<?xml version="1.0"?>' + doctype + b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body>'
        b"<p>Before.</p>" + body + b"<p>After.</p></body></text></TEI>"
    )


def test_tei_billion_laughs_is_not_expanded_and_loses_no_text() -> None:
    laughs = b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i else b"lol") * 10) for i in range(10)
    )
    data = _tei(b"<p>start &lol9; end</p>", b"<!DOCTYPE TEI [" + laughs + b"]>")
    texts, seconds = _read_timed(data, "laughs.xml")
    # libxml2 stopped at "start" (entity amplification) before the DOCTYPE was dropped.
    assert texts == ["Before.", "start end", "After."]
    assert seconds < 1


def test_tei_external_entities_and_dtds_are_not_fetched(tmp_path) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET", encoding="utf-8")
    doctype = b'<!DOCTYPE TEI SYSTEM "%s" [<!ENTITY xxe SYSTEM "%s">]>' % (
        secret.as_uri().encode(),
        secret.as_uri().encode(),
    )
    texts, _ = _read_timed(_tei(b"<p>start &xxe; end</p>", doctype), "xxe.xml")
    assert texts == ["Before.", "start end", "After."]


def test_tei_deep_nesting_is_bounded() -> None:
    n = 100_000  # raised RecursionError (huge_tree let lxml build it all)
    data = _tei(b"<div>" * n + b"<p>deep</p>" + b"</div>" * n)
    texts, seconds = _read_timed(data, "deep.xml")
    # Without huge_tree libxml2 stops at its depth limit (256): what came before is kept.
    assert texts[0] == "Before."
    assert seconds < 2

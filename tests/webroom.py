"""One archive for the reading-room tests, built once per session from the real files of ../shared:
the whole corpus, the two seeds, a real page made hostile, and a real page in two versions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from archivist.pipeline import ingest, pool_executor
from archivist.search import update_index
from archivist.store import Archive
from tests.conftest import CORPUS, SEEDS, shared_or_skip

# A real MIA page, with script, an event handler and a javascript: link written into it — in the
# markup, and as text that a reader of the page would see.
HOSTILE_BASE = "mia-mass-edits/archive/plekhanov/1912/10/27.htm"
HOSTILE_MARKUP = (
    b"<p>HOSTILE-TEXT &lt;script&gt;alert('escaped-script')&lt;/script&gt; "
    b"&lt;img src=x onerror=alert('escaped-img')&gt;</p>\n"
    b"<script>alert('raw-script')</script>\n"
    b'<p><img src="x" onerror="alert(\'raw-img\')"> '
    b"<a href=\"javascript:alert('raw-link')\">a javascript: link</a></p>\n"
)
# A real plain-text seed with the same written into its body: plain text keeps it as it is.
HOSTILE_TEXT_LINES = (
    "HOSTILE-PLAIN <script>alert('plain-script')</script> <img src=x onerror=alert('plain-img')> "
    "<a href=\"javascript:alert('plain-link')\">link</a> {{ 7*7 }}\n\n"
)
HOSTILE_TITLE = "A Hostile <script>alert('title')</script> Copy"
VERSIONED = "mia-mass-edits/archive/olgin/speeches/natlib.htm"
SEED_ARTICLE = "seeds/000_d599a96396a96723.txt"
SEED_LETTER = "seeds/004_70679b953d481df7.txt"


@dataclass(frozen=True)
class Room:
    db: Path
    seed_article: str  # document ids
    seed_letter: str
    hostile_html: str
    hostile_text: str
    versioned_old: str
    versioned_new: str
    files: dict[str, Path]  # archive path -> file on disk


_BUILT: dict[str, Room] = {}


def _hostile_html(data: bytes) -> bytes:
    at = data.lower().find(b"</h1>")
    assert at > 0, "the hostile base page has an <h1>"
    at += len(b"</h1>")
    return data[:at] + b"\n" + HOSTILE_MARKUP + data[at:]


def reading_room(tmp_path_factory: pytest.TempPathFactory) -> Room:
    if "room" in _BUILT:
        return _BUILT["room"]
    corpus, seeds = shared_or_skip(CORPUS), shared_or_skip(SEEDS)
    root = tmp_path_factory.mktemp("room")
    hostile = root / "hostile"
    hostile.mkdir()
    (hostile / "page.htm").write_bytes(_hostile_html((corpus / HOSTILE_BASE).read_bytes()))
    seed_text = (seeds / Path(SEED_ARTICLE).name).read_text(encoding="utf-8")
    first_body = seed_text.index("1. On the thirteenth")
    hostile_seed = seed_text[:first_body].replace("Sees Closer Hitler-Stalin Ties", HOSTILE_TITLE)
    (hostile / "plain.txt").write_text(hostile_seed + HOSTILE_TEXT_LINES + seed_text[first_body:], "utf-8")
    (hostile / "empty.txt").write_bytes(b"")  # a file that cannot be read: a failure on the home page
    versions = root / "versions"
    versions.mkdir()
    page = versions / "natlib.htm"
    original = (corpus / VERSIONED).read_bytes() + b"\n<!-- a copy kept elsewhere -->\n"
    page.write_bytes(original)
    db = root / "room.db"
    with Archive(db) as archive:
        ingest([str(corpus), str(seeds), str(hostile), str(versions)], archive, executor=pool_executor(2))
        old = archive.document_at("versions/natlib.htm")
        # The same file, edited: a second version of the same path.
        page.write_bytes(original.replace(b"</body>", b"<p>A later correction of this page.</p></body>", 1))
        ingest([str(versions)], archive)
        new = archive.document_at("versions/natlib.htm")
        update_index(archive)  # what `archivist ingest` does after its run: the search index
        docs = {
            p: archive.document_at(p)
            for p in (SEED_ARTICLE, SEED_LETTER, "hostile/page.htm", "hostile/plain.txt")
        }
    assert old and new and old.id == new.id and old.version != new.version and all(docs.values())
    files = {SEED_ARTICLE: seeds / Path(SEED_ARTICLE).name, SEED_LETTER: seeds / Path(SEED_LETTER).name,
             "hostile/page.htm": hostile / "page.htm", "corpus/" + HOSTILE_BASE: corpus / HOSTILE_BASE}  # fmt: skip
    room = Room(
        db=db,
        seed_article=docs[SEED_ARTICLE].id,  # type: ignore[union-attr]
        seed_letter=docs[SEED_LETTER].id,  # type: ignore[union-attr]
        hostile_html=docs["hostile/page.htm"].id,  # type: ignore[union-attr]
        hostile_text=docs["hostile/plain.txt"].id,  # type: ignore[union-attr]
        versioned_old=old.version or "",  # an older version is read by its version id
        versioned_new=new.id,
        files=files,
    )
    _BUILT["room"] = room
    return room

"""The reading room as a person sees it, in headless Chromium (Debian's /usr/bin/chromium driven by
Playwright; no browser is downloaded): home → browse → document → cite (the BibTeX download,
parsed) → author → back; links that work, no console errors, dark mode and print, and hostile
pages that run nothing. Screenshots go to test-artifacts/browser/ (git-ignored)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bibtexparser
import pytest

from archivist.web.server import serving
from tests.webroom import HOSTILE_TITLE, Room, reading_room

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "browser"

pytestmark = pytest.mark.browser

if not Path(CHROMIUM).exists():
    pytest.skip(
        "chromium is not installed (`make install` installs Debian's chromium package)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    room = reading_room(tmp_path_factory)
    with serving(room.db) as url:
        yield url.rstrip("/")


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Room:
    return reading_room(tmp_path_factory)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    playwright = sync_api.sync_playwright().start()
    # --no-sandbox: CI runs as root, where Chromium's own sandbox cannot start.
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
    yield chromium
    chromium.close()
    playwright.stop()


@dataclass
class Tab:
    page: Any
    context: Any
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def shot(self, name: str, full_page: bool = True) -> None:
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


@pytest.fixture()
def tab(browser: Any) -> Iterator[Tab]:
    yield from _tab(browser)


def _tab(browser: Any, **options: Any) -> Iterator[Tab]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900}, **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    tab = Tab(page, context)
    page.on("console", lambda m: tab.errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: tab.errors.append(f"{page.url}: {e}"))

    def on_dialog(dialog: Any) -> None:
        tab.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield tab
    context.close()


def test_home_browse_document_cite_author_back(tab: Tab, base: str) -> None:
    page, expect = tab.page, sync_api.expect
    page.goto(base + "/")
    expect(page.get_by_role("heading", name="The archive", level=1)).to_be_visible()
    expect(page.locator(".counts")).to_contain_text("Documents")
    expect(page.locator("svg.chart rect").first).to_be_visible()
    tab.shot("01-home")

    page.get_by_role("navigation", name="Browse").get_by_role("link", name="Years").click()
    expect(page.get_by_role("heading", name="Years", level=1)).to_be_visible()
    tab.shot("02-browse-years")
    page.locator(".counted").get_by_role("link", name="1939", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("1939")
    tab.shot("03-browse-1939")

    page.get_by_role("link", name="Sees Closer Hitler-Stalin Ties").click()
    expect(page).to_have_title("Sees Closer Hitler-Stalin Ties · archivist")
    expect(page.locator(".part-body")).to_contain_text(
        "On the thirteenth of September there were communications"
    )
    expect(page.locator(".part-postscript")).to_contain_text("P.S. These lines were already written")
    expect(page.locator(".metadata")).to_contain_text("header:Written")
    expect(page.locator(".part-signature")).to_contain_text("Leon Trotsky")
    tab.shot("04-document")

    cite = page.locator("#cite")
    expect(cite).to_contain_text(
        "Trotsky, Leon. “Sees Closer Hitler-Stalin Ties.” Socialist Appeal III, no. 72"
    )
    cite.screenshot(path=str(ARTIFACTS / "05-cite.png"))
    with page.expect_download() as info:
        cite.get_by_role("link", name="BibTeX", exact=True).click()
    download = info.value
    assert download.suggested_filename == "trotsky1939sees.bib"
    library = bibtexparser.parse_string(Path(download.path()).read_text(encoding="utf-8"))
    assert not library.failed_blocks and len(library.entries) == 1
    entry = library.entries[0]
    assert (entry.entry_type, entry.key) == ("article", "trotsky1939sees")
    assert entry["journal"] == "Socialist Appeal" and entry["author"] == "Trotsky, Leon"
    assert entry["title"].strip("{}") == "Sees Closer Hitler-Stalin Ties" and entry["date"] == "1939-09-20"

    page.locator(".byline").get_by_role("link", name="Leon Trotsky").click()
    expect(page.get_by_role("heading", name="Leon Trotsky", level=1)).to_be_visible()
    expect(page.locator(".author-works")).to_contain_text("Sees Closer Hitler-Stalin Ties")
    expect(page.locator(".author-works h3.year").first).to_be_visible()
    tab.shot("06-author")

    page.go_back()
    expect(page).to_have_title("Sees Closer Hitler-Stalin Ties · archivist")
    expect(page.locator(".part-body")).to_be_visible()
    assert tab.errors == [] and tab.dialogs == []


def test_links_work(tab: Tab, base: str, room: Room) -> None:
    checked: set[str] = set()
    for path in ("/", f"/documents/{room.seed_letter}", "/authors/Leon%20Trotsky", "/browse/source"):
        tab.page.goto(base + path)
        hrefs = tab.page.eval_on_selector_all(
            "a[href]", "links => links.map(a => new URL(a.getAttribute('href'), location.href).href)"
        )
        for href in hrefs:
            if not href.startswith(base) or href in checked:
                continue
            checked.add(href)
            response = tab.context.request.get(href)
            assert response.status < 400, href
    assert len(checked) > 50
    assert tab.errors == []


def test_dark_mode_and_print(browser: Any, base: str, room: Room) -> None:
    for tab in _tab(browser, color_scheme="dark"):
        tab.page.goto(f"{base}/documents/{room.seed_letter}")
        background = tab.page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(23, 24, 26)"
        tab.shot("07-document-dark")
        tab.page.emulate_media(media="print", color_scheme="light")
        assert tab.page.evaluate("getComputedStyle(document.querySelector('header.site')).display") == "none"
        assert tab.page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
        tab.shot("08-document-print")
        assert tab.errors == []


def test_hostile_pages_run_nothing(tab: Tab, base: str, room: Room) -> None:
    page, expect = tab.page, sync_api.expect
    page.goto(f"{base}/documents/{room.hostile_text}")
    expect(page.get_by_text("<script>alert('plain-script')</script>", exact=False)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(HOSTILE_TITLE)
    expect(page).to_have_title(f"{HOSTILE_TITLE} · archivist")
    assert page.evaluate("document.scripts.length") == 0
    tab.shot("09-hostile-text")
    page.goto(f"{base}/documents/{room.hostile_html}")
    expect(page.locator(".reading")).to_contain_text("HOSTILE-TEXT <script>alert('escaped-script')</script>")
    assert page.evaluate("document.scripts.length") == 0
    assert (
        page.evaluate("[...document.querySelectorAll('a')].filter(a => a.protocol === 'javascript:').length")
        == 0
    )
    tab.shot("10-hostile-html")
    assert tab.errors == []
    # The original file itself, with its live <script>, onerror= and javascript: link, served in a
    # sandbox: shown, but nothing in it runs, even when the link is clicked.
    page.goto(f"{base}/documents/{room.hostile_html}/original")
    page.get_by_text("a javascript: link").click()
    page.wait_for_timeout(300)
    tab.shot("11-hostile-original")
    assert tab.dialogs == []


def test_search_facet_document_cite_author_back(tab: Tab, base: str) -> None:
    """The issue's flow: search from the header → a facet → the document → cite (the BibTeX
    download, parsed) → the author → back, twice, to the narrowed search."""
    page, expect = tab.page, sync_api.expect
    page.goto(base + "/")
    header_search = page.locator("header.site").get_by_role("search")
    header_search.get_by_role("searchbox").fill("Hitler-Stalin")
    header_search.get_by_role("searchbox").press("Enter")
    expect(page).to_have_url(f"{base}/search?q=Hitler-Stalin")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Search")
    expect(page.locator(".hits")).to_contain_text("Sees Closer Hitler-Stalin Ties")
    expect(page.locator(".hits mark").first).to_be_visible()
    expect(page.locator("#q")).to_have_value("Hitler-Stalin")
    tab.shot("12-search")

    page.locator(".facet-author").get_by_role("link", name="Leon Trotsky", exact=True).click()
    expect(page.locator("#q")).to_have_value('Hitler-Stalin author:"Leon Trotsky"')
    expect(page.locator(".facet-author li.active")).to_contain_text("Leon Trotsky")
    expect(page.locator("header.site #site-q")).to_have_value('Hitler-Stalin author:"Leon Trotsky"')
    tab.shot("13-search-facet")
    narrowed = page.url

    page.get_by_role("navigation", name="Views of the search").get_by_role(
        "link", name="Keyword in context"
    ).click()
    expect(page.locator("table.kwic tbody tr").first).to_be_visible()
    expect(page.locator("table.kwic td.match").first).to_contain_text("Hitler")
    tab.shot("14-kwic")
    page.go_back()
    expect(page).to_have_url(narrowed)

    page.locator(".hits").get_by_role("link", name="Sees Closer Hitler-Stalin Ties").click()
    expect(page).to_have_title("Sees Closer Hitler-Stalin Ties · archivist")
    expect(page.locator(".part-body")).to_contain_text("On the thirteenth of September")
    cite = page.locator("#cite")
    with page.expect_download() as info:
        cite.get_by_role("link", name="BibTeX", exact=True).click()
    library = bibtexparser.parse_string(Path(info.value.path()).read_text(encoding="utf-8"))
    assert not library.failed_blocks and [e.key for e in library.entries] == ["trotsky1939sees"]
    assert library.entries[0]["journal"] == "Socialist Appeal"
    tab.shot("15-search-document")

    page.locator(".byline").get_by_role("link", name="Leon Trotsky").click()
    expect(page.get_by_role("heading", name="Leon Trotsky", level=1)).to_be_visible()
    page.go_back()
    expect(page).to_have_title("Sees Closer Hitler-Stalin Ties · archivist")
    page.go_back()
    expect(page).to_have_url(narrowed)
    expect(page.locator(".hits")).to_contain_text("Sees Closer Hitler-Stalin Ties")
    assert tab.errors == [] and tab.dialogs == []


def test_hostile_search_results_run_nothing(tab: Tab, base: str, room: Room) -> None:
    page, expect = tab.page, sync_api.expect
    for q in ("HOSTILE-PLAIN", "HOSTILE-TEXT", "onerror", "javascript"):
        page.goto(f"{base}/search?q={q}")
        expect(page.locator(".hits li").first).to_be_visible()
        assert page.evaluate("document.scripts.length") == 0
        assert (
            page.evaluate(
                "[...document.querySelectorAll('a')].filter(a => a.protocol === 'javascript:').length"
            )
            == 0
        )
        assert page.evaluate("document.querySelectorAll('.hits img, .hits script, .hits b').length") == 0
    page.goto(f"{base}/search?q=HOSTILE-PLAIN")
    expect(page.locator(".hits")).to_contain_text(HOSTILE_TITLE)
    expect(page.locator(".hits")).to_contain_text("<script>alert('plain-script')</script>")
    tab.shot("16-hostile-search")
    for link in page.locator(".hits a.doc-title").all():
        link.click()
        page.wait_for_load_state()
        page.go_back()
    page.goto(f"{base}/kwic?q=HOSTILE-PLAIN")
    expect(page.locator("table.kwic")).to_contain_text("<script>alert('plain-script')</script>")
    tab.shot("17-hostile-kwic")
    # the query itself, hostile: shown back as text, in the box and the heading
    hostile_query = "<script>alert('q')</script> \"><img src=x onerror=alert('q2')>"
    page.goto(f"{base}/search")
    page.locator("#q").fill(hostile_query)
    page.locator("#q").press("Enter")
    page.wait_for_load_state()
    expect(page.locator("header.site #site-q")).to_have_value(hostile_query)
    expect(page.locator(".error-message")).to_contain_text("query: unclosed quote")  # a 400, as text
    assert page.evaluate("document.scripts.length") == 0
    page.wait_for_timeout(300)
    assert tab.dialogs == []
    assert [e for e in tab.errors if "status of 400" not in e] == []  # the 400 itself is logged


def test_a_correction_from_the_page(browser: Any, room: Room, tmp_path: Path) -> None:
    """archivist serve --editable: the form, no script, the cookie and token, the correction shown
    with the extracted value on hover, and undone."""
    db = tmp_path / "editable.db"
    shutil.copy(room.db, db)
    expect = sync_api.expect
    with serving(db, editable=True, user="browser") as url:
        for tab in _tab(browser):
            page = tab.page
            page.goto(f"{url}documents/{room.seed_article}")
            row = page.locator("#field-place")
            extracted = row.locator("dd").inner_text().split("\n")[0].strip()
            row.get_by_text("Correct place").click()
            row.get_by_label("Place").fill("Coyoacán, Mexico")
            row.get_by_label("Why (kept with the correction)").fill("the letterhead says so")
            tab.shot("18-correct-form")
            row.get_by_role("button", name="Save the correction").click()
            expect(page.locator("#field-place .corrected")).to_be_visible()
            expect(page.locator("#field-place dd")).to_contain_text("Coyoacán, Mexico")
            assert page.locator("#field-place .corrected").get_attribute("title") == f"Extracted: {extracted}"
            page.locator("#field-place .corrected").hover()
            tab.shot("19-corrected")
            page.locator("#field-place").get_by_role("button", name="Undo this correction").click()
            expect(page.locator("#field-place .corrected")).to_have_count(0)
            expect(page.locator("#field-place dd")).to_contain_text(extracted)
            assert page.evaluate("document.scripts.length") == 0
            assert tab.errors == [] and tab.dialogs == []


def test_a_part_correction_from_the_page(browser: Any, room: Room, tmp_path: Path) -> None:
    """archivist serve --editable: a part re-kinded from the reading view (the postscript of the
    seed article made an editorial note), shown as corrected with the extractor's kind on hover,
    set apart as its new kind, then undone; no script on the page, no console error."""
    db = tmp_path / "editable-parts.db"
    shutil.copy(room.db, db)
    expect = sync_api.expect
    with serving(db, editable=True, user="browser") as url:
        for tab in _tab(browser):
            page = tab.page
            page.goto(f"{url}documents/{room.seed_article}")
            part = page.locator("section.part-postscript")
            part_id = part.get_attribute("id")
            assert part_id and part_id.startswith("part-")
            part.get_by_text("Correct this part").click()
            part.get_by_label("Kind of part").select_option(label="Editorial note")
            part.get_by_label("Why (kept with the correction)").fill("the editors wrote it")
            tab.shot("20-correct-part-form")
            part.get_by_role("button", name="Save the correction").click()
            corrected = page.locator(f"#{part_id}")
            expect(corrected.locator(".corrected")).to_be_visible()
            expect(corrected).to_have_class("part part-editorial-note is-corrected")
            assert corrected.locator(".corrected").get_attribute("title") == "Extracted: Postscript"
            expect(corrected.locator(".part-label")).to_contain_text("Editorial note")
            expect(corrected.locator(".correction-note")).to_contain_text("the editors wrote it")
            corrected.locator(".corrected").hover()
            tab.shot("21-part-corrected")
            corrected.get_by_role("button", name="Undo this correction").click()
            expect(page.locator("section.part-postscript")).to_have_count(1)
            expect(page.locator(".part .corrected")).to_have_count(0)
            assert page.evaluate("document.scripts.length") == 0
            assert tab.errors == [] and tab.dialogs == []

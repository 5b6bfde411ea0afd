"""The reading room over HTTP: every page and its JSON twin (checked against /openapi.json), errors
(404, 400, never 500), original bytes, safety headers, hostile pages, versions, concurrent readers
while an ingest runs, and `archivist serve` itself."""

from __future__ import annotations

import json
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import jsonschema
import openapi_spec_validator
import pytest
from markupsafe import escape
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012 as _DRAFT
from starlette.testclient import TestClient

from archivist.model import Document
from archivist.pipeline import ingest
from archivist.store import Archive
from archivist.web import create_app
from archivist.web.server import serving
from tests.conftest import CORPUS, SEEDS
from tests.webroom import SEED_ARTICLE, Room, reading_room


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Room:
    return reading_room(tmp_path_factory)


@pytest.fixture(scope="module")
def client(room: Room) -> TestClient:
    return TestClient(create_app(room.db), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def spec(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def _check(spec: dict[str, Any], schema_name: str, data: Any) -> None:
    """Validate `data` against a component schema of the served OpenAPI document."""
    registry = Registry().with_resource("urn:api", Resource.from_contents(spec, default_specification=_DRAFT))
    schema = {"$ref": f"urn:api#/components/schemas/{schema_name}"}
    jsonschema.Draft202012Validator(schema, registry=registry).validate(data)


def _twin_urls(room: Room) -> list[tuple[str, str]]:
    return [
        ("/", "Home"),
        (f"/documents/{room.seed_article}", "DocumentPage"),
        (f"/documents/{room.seed_letter}", "DocumentPage"),
        (f"/documents/{room.versioned_old}", "DocumentPage"),
        ("/authors/Leon%20Trotsky", "Author"),
        ("/authors/L.%20Trotsky", "Author"),
        ("/browse/author", "FacetValues"),
        ("/browse/year?per_page=10&page=2", "FacetValues"),
        ("/browse/source", "FacetValues"),
        ("/browse/type", "FacetValues"),
        ("/browse/language", "FacetValues"),
        ("/browse/year?value=1939", "FacetDocuments"),
        ("/browse/source?value=Socialist%20Appeal", "FacetDocuments"),
        ("/browse/type?value=letter&per_page=5", "FacetDocuments"),
        ("/browse/language?value=fr", "FacetDocuments"),
        ("/search?q=opposition", "SearchPage"),
        ("/search?q=%22Left%20Opposition%22%20type%3Aletter&per_page=5&page=2&sort=date", "SearchPage"),
        ("/search?q=HOSTILE-PLAIN", "SearchPage"),
        ("/search", "SearchPage"),
        ("/kwic?q=opposition&sort=left", "KwicPage"),
        ("/kwic?q=%22Socialist%20Appeal%22&width=30", "KwicPage"),
    ]


def _json_url(url: str) -> str:
    path, _, query = url.partition("?")
    return ("/.json" if path == "/" else path + ".json") + (f"?{query}" if query else "")


def test_every_page_has_a_json_twin_valid_against_openapi(client: TestClient, room: Room, spec: dict) -> None:
    assert spec["openapi"].startswith("3.1")
    for url, schema in _twin_urls(room):
        page = client.get(url)
        assert page.status_code == 200, url
        assert page.headers["content-type"].startswith("text/html")
        assert f'href="{_json_url(url).replace("&", "&amp;")}"' in page.text, url  # the page links its twin
        twin = client.get(_json_url(url))
        assert twin.status_code == 200 and twin.headers["content-type"] == "application/json", url
        _check(spec, schema, twin.json())
        negotiated = client.get(url, headers={"accept": "application/json"}).json()
        for data in (negotiated, twin.json()):  # page links point into the same kind of page
            for key in ("next", "prev"):
                data.get("pagination", {}).pop(key, None)
            data.pop("took_ms", None)  # the search's own time differs from call to call
            assert negotiated == data, url
    # Every path the JSON API describes is served.
    for path in spec["paths"]:
        url = path.replace("{id}", room.seed_article).replace("{name}", "Leon%20Trotsky")
        url = url.replace("{facet}", "year").replace("{format}", "bibtex").replace("{version}", "1")
        assert client.get(url).status_code == 200, url


def test_home_counts_chart_runs(client: TestClient) -> None:
    data = client.get("/.json").json()
    assert data["counts"]["documents"] >= 534 and data["counts"]["languages"] >= 5
    assert data["counts"]["authors"] > 200 and data["counts"]["sources"] > 100
    assert {"year": 1939, "count": next(y["count"] for y in data["documents_per_year"] if y["year"] == 1939)}
    assert data["recent_runs"][0]["status"] == "completed" and len(data["recent_runs"]) == 2
    assert [(f["path"], f["reason"]) for f in data["recent_failures"]] == [("hostile/empty.txt", "empty")]
    html = client.get("/").text
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert svg.count("<rect") == len(data["documents_per_year"])
    assert 'href="/browse/year?value=1939"' in svg and "1939: " in svg
    assert "<code>hostile/empty.txt</code>" in html


def test_document_json_is_the_document_with_provenance_and_citations(client: TestClient, room: Room) -> None:
    data = client.get(f"/documents/{room.seed_article}.json").json()
    doc = data["document"]
    assert doc["title"] == "Sees Closer Hitler-Stalin Ties" and doc["authors"] == ["Leon Trotsky"]
    assert doc["provenance"]["date_written"]["origin"] == "header:Written"
    assert [p["kind"] for p in doc["parts"] if p["kind"] != "header"] == [
        "body",
        "dateline",
        "signature",
        "postscript",
    ]
    assert data["citations"]["key"] == "trotsky1939sees" and data["is_current"] is True
    html = client.get(f"/documents/{room.seed_article}").text
    # the metadata panel names where each field came from
    assert "header:Written" in html and "header:Source" in html and "dateline" in html
    # the parts are set apart
    for kind in ("body", "dateline", "signature", "postscript"):
        assert f'class="part part-{kind}"' in html
    letter = client.get(f"/documents/{room.seed_letter}").text
    assert 'class="part part-addressee"' in letter and 'class="part part-editorial-note"' in letter
    assert "Explanation, Editorial Staff, Biulleten Oppozitsii, Paris, 1933-05-10" in letter


def test_citation_meta_tags(client: TestClient, room: Room) -> None:
    html = client.get(f"/documents/{room.seed_article}").text
    meta = dict(re.findall(r'<meta name="((?:citation_|DC\.)\w+)" content="([^"]*)">', html))
    assert meta["citation_title"] == "Sees Closer Hitler-Stalin Ties"
    assert meta["citation_author"] == "Trotsky, Leon"
    assert meta["citation_publication_date"] == "1939/09/20"
    assert meta["citation_journal_title"] == "Socialist Appeal"
    assert (meta["citation_volume"], meta["citation_issue"], meta["citation_firstpage"]) == ("III", "72", "1")
    assert meta["DC.title"] == "Sees Closer Hitler-Stalin Ties" and meta["DC.date"] == "1939-09-20"
    assert meta["DC.creator"] == "Leon Trotsky" and meta["DC.language"] == "en"
    assert meta["DC.type"] == "journalArticle"  # Zotero's own type name, which it reads first
    letter = client.get(f"/documents/{room.seed_letter}").text
    meta = dict(re.findall(r'<meta name="((?:citation_|DC\.)\w+)" content="([^"]*)">', letter))
    assert (meta["DC.type"], meta["citation_date"], meta["citation_author"]) == (
        "letter",
        "1933/03/15",
        "Trotsky, L.",
    )
    assert "citation_journal_title" not in meta


def test_citation_downloads(client: TestClient, room: Room) -> None:
    expected = {"bibtex": ("application/x-bibtex", "trotsky1939sees.bib", "@article{trotsky1939sees,"),
                "ris": ("application/x-research-info-systems", "trotsky1939sees.ris", "TY  - JOUR"),
                "csl-json": ("application/vnd.citationstyles.csl+json", "trotsky1939sees.json", '"citation-key": "trotsky1939sees"'),
                "chicago": ("text/plain", "trotsky1939sees.txt", "Leon Trotsky, “Sees Closer")}  # fmt: skip
    for fmt, (media, filename, start) in expected.items():
        response = client.get(f"/documents/{room.seed_article}/cite/{fmt}")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(media)
        assert response.headers["content-disposition"] == f'attachment; filename="{filename}"'
        assert start in response.text
    assert client.get(f"/documents/{room.seed_article}/cite/mla").status_code == 404


def test_originals_byte_for_byte(client: TestClient, room: Room) -> None:
    media = {SEED_ARTICLE: "text/plain; charset=utf-8", "hostile/page.htm": "text/html; charset=windows-1252"}
    for path, file in room.files.items():
        with Archive(room.db, readonly=True) as archive:
            doc = archive.document_at(path)
        assert doc is not None
        response = client.get(f"/documents/{doc.id}/original")
        assert response.status_code == 200
        assert response.content == file.read_bytes(), path
        if path in media:
            assert response.headers["content-type"] == media[path]
        # nothing in an original can run: a sandbox without scripts
        assert response.headers["content-security-policy"].startswith("sandbox;")
        assert "script" not in response.headers["content-security-policy"]


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/documents/0123456789abcdef", 404),
        ("/documents/0123456789abcdef.json", 404),
        ("/documents/0123456789abcdef/original", 404),
        ("/documents/0123456789abcdef/cite/bibtex", 404),
        ("/documents/not-an-id", 400),
        ("/documents/0123456789ABCDEF", 400),
        ("/documents/0123456789abcdef0", 400),
        ("/documents/%00%00", 400),
        ("/documents/..%2F..%2F..%2Fetc%2Fpasswd/original", 404),
        ("/documents/..%252F..%252Fetc%252Fpasswd/original", 404),
        ("/documents/../../etc/passwd", 404),
        ("/documents/%2e%2e/original", 400),
        ("/documents/%E2%80%AE%F0%9F%98%80/original", 400),
        ("/documents/%ff%fe/original", 400),
        ("/documents/" + "a" * 5000, 400),
        ("/authors/Nobody%20At%20All", 404),
        ("/authors/%00", 404),
        ("/browse/colour", 404),
        ("/browse/year?value=1066", 404),
        ("/browse/year?page=0", 400),
        ("/browse/year?page=-1", 400),
        ("/browse/year?page=abc", 400),
        ("/browse/year?page=99999999999999999999999999", 400),
        ("/browse/year?per_page=100000", 400),
        ("/browse/author.json?per_page=1e3", 400),
        ("/nowhere", 404),
        ("/documents/", 404),
        ("/documents/0123456789abcdef/cite/", 404),
        ("/authors/", 404),
        ("/browse/", 404),
        ("/browse/year?value=" + "9" * 10000, 404),
        ("/static/../app.py", 404),
        ("/static/%2e%2e/app.py", 404),
        ("/search?q=%22unclosed", 400),
        ("/search?q=year%3Aabc", 400),
        ("/search?q=colour%3Ared", 400),
        ("/search?q=(a", 400),
        ("/search?q=a%20AND", 400),
        ("/search?q=" + "a" * 3000, 400),
        ("/search?q=a&page=0", 400),
        ("/search?q=a&per_page=1000", 400),
        ("/search?q=a&sort=colour", 400),
        ("/search.json?q=NEAR%2Fx", 400),
        ("/kwic?q=type%3Aletter", 400),
        ("/kwic?q=a&width=5", 400),
        ("/kwic?q=a&sort=up", 400),
        ("/kwic.json?q=%22", 400),
        ("/documents/0123456789abcdef/corrections", 404),
    ],
)
def test_bad_input_is_4xx_never_5xx(client: TestClient, spec: dict, url: str, status: int) -> None:
    response = client.get(url)
    assert response.status_code == status, (url, response.text[:300])
    as_json = client.get(url, headers={"accept": "application/json"})
    assert as_json.status_code == status
    if as_json.headers["content-type"] == "application/json":
        _check(spec, "Error", as_json.json())


def test_security_headers_and_no_cors(client: TestClient, room: Room) -> None:
    for url in ("/", f"/documents/{room.seed_article}", "/openapi.json", "/nowhere", "/static/style.css"):
        response = client.get(url, headers={"origin": "https://elsewhere.example"})
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert not any(h.startswith("access-control-") for h in response.headers)
    preflight = client.options("/.json", headers={"origin": "https://elsewhere.example",
                                                  "access-control-request-method": "GET"})  # fmt: skip
    assert preflight.status_code == 405 and "access-control-allow-origin" not in preflight.headers


def test_hostile_sources_are_shown_as_text(client: TestClient, room: Room) -> None:
    for doc_id, marker in ((room.hostile_html, "HOSTILE-TEXT"), (room.hostile_text, "HOSTILE-PLAIN")):
        html = client.get(f"/documents/{doc_id}").text
        assert marker in html
        assert "<script" not in html.lower()  # the pages carry no script at all
        assert not re.search(r"<[^>]+\son\w+\s*=", html, re.I)  # no event handler attribute
        assert not re.search(r"""(href|src)\s*=\s*["']?\s*javascript:""", html, re.I)
        assert "&lt;script&gt;" in html
        assert "{{" in html or doc_id == room.hostile_html  # template syntax in a text stays text
    title = client.get(f"/documents/{room.hostile_text}").text.split("<title>")[1].split("</title>")[0]
    assert title == "A Hostile &lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; Copy · archivist"
    plain = client.get(f"/documents/{room.hostile_text}.json").json()["document"]["text"]
    assert "<script>alert('plain-script')</script>" in plain  # the archive keeps the text as it was


def test_versions_of_a_file(client: TestClient, room: Room) -> None:
    new = client.get(f"/documents/{room.versioned_new}.json").json()
    assert [v["version"] for v in new["versions"]] == [1, 2] and new["is_current"]
    assert [v["is_current"] for v in new["versions"]] == [False, True]
    assert [v["document_id"] for v in new["versions"]] == [room.versioned_old, room.versioned_new]
    old = client.get(f"/documents/{room.versioned_old}").text
    assert "earlier version" in old and f'href="/documents/{room.versioned_new}"' in old
    assert client.get(f"/documents/{room.versioned_old}.json").json()["is_current"] is False
    # every version's original bytes, from either version's page
    first, second = (client.get(v["original"]).content for v in new["versions"])
    assert second.replace(b"<p>A later correction of this page.</p>", b"", 1) == first != second
    assert client.get(f"/documents/{room.versioned_old}/versions/2/original").content == second
    assert client.get(f"/documents/{room.versioned_old}/versions/3/original").status_code == 404
    assert client.get(f"/documents/{room.versioned_old}/versions/x/original").status_code == 404
    assert client.get(f"/documents/{room.seed_article}/versions/0/original").status_code == 404


def test_pagination_walks_every_value(client: TestClient) -> None:
    first = client.get("/browse/author.json?per_page=40").json()
    total, seen, url = first["pagination"]["total"], [], "/browse/author.json?per_page=40"
    while url:
        page = client.get(url).json()
        seen += [v["value"] for v in page["values"]]
        url = page["pagination"]["next"]
    assert len(seen) == len(set(seen)) == total > 200


def test_concurrent_readers_while_an_ingest_runs(tmp_path: Path) -> None:
    """Eight readers over real HTTP while pages are ingested into the same file: no 5xx."""
    db = tmp_path / "live.db"
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    with Archive(db) as archive:
        ingest([str(seeds)], archive)
        doc = archive.document_at(SEED_ARTICLE)
    assert doc is not None
    statuses: list[int] = []
    failures: list[str] = []
    done = threading.Event()

    def read(base: str) -> None:
        urls = ["", ".json", f"documents/{doc.id}", f"documents/{doc.id}.json", "browse/author", "browse/year.json",
                "authors/Leon%20Trotsky", f"documents/{doc.id}/original"]  # fmt: skip
        with httpx.Client(base_url=base, timeout=30) as http:
            for round_ in range(400):
                if done.is_set() and round_ > 3:
                    break
                for url in urls:
                    try:
                        statuses.append(http.get(url).status_code)
                    except httpx.HTTPError as err:
                        failures.append(f"{url}: {err!r}")

    with serving(db) as base:
        readers = [threading.Thread(target=read, args=(base,)) for _ in range(8)]
        for reader in readers:
            reader.start()
        with Archive(db) as archive:
            # two collections of the corpus (130 pages), committed sixteen at a time
            report = ingest(
                [str(CORPUS / "mia-reader"), str(CORPUS / "wikirouge-mecw")], archive, batch_size=16
            )
        done.set()
        for reader in readers:
            reader.join(timeout=120)
        final = httpx.get(base + ".json").json()
    assert report.files_seen >= 130
    assert not failures, failures[:5]
    assert len(statuses) > 200 and all(s == 200 for s in statuses), sorted(set(statuses))
    assert final["counts"]["documents"] >= 132


def test_serve_command_prints_its_url_and_stops_on_ctrl_c(room: Room) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "archivist.cli", "serve", "--db", str(room.db), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
        assert match, line
        url = match.group(1)
        for _ in range(100):
            try:
                response = httpx.get(url + ".json", timeout=30)
                break
            except httpx.ConnectError:
                time.sleep(0.05)
        assert response.status_code == 200 and response.json()["counts"]["documents"] > 500
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()


def test_serve_without_an_archive_is_one_line_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "archivist.cli", "serve", "--db", str(tmp_path / "none.db"), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "no archive here" in result.stderr


def test_openapi_is_json_and_lists_the_twins(client: TestClient) -> None:
    spec = json.loads(client.get("/openapi.json").text)
    openapi_spec_validator.validate(spec)  # a valid OpenAPI 3.1 document
    assert {"/.json", "/documents/{id}.json", "/authors/{name}.json", "/browse/{facet}.json", "/search.json",
            "/kwic.json"} <= set(spec["paths"])  # fmt: skip
    jsonschema.Draft202012Validator.check_schema(spec["components"]["schemas"]["DocumentPage"])


def test_every_document_of_the_archive_is_served(client: TestClient, room: Room, spec: dict) -> None:
    """All 530-odd pages of the corpus, each format and size: the page, and its twin valid."""
    with Archive(room.db, readonly=True) as archive:
        ids = [doc.id for doc in archive.documents()]
    assert len(ids) > 530
    registry = Registry().with_resource("urn:api", Resource.from_contents(spec, default_specification=_DRAFT))
    validator = jsonschema.Draft202012Validator(
        {"$ref": "urn:api#/components/schemas/DocumentPage"}, registry=registry
    )
    for doc_id in ids:
        page = client.get(f"/documents/{doc_id}")
        assert page.status_code == 200 and 'class="part part-' in page.text, doc_id
        validator.validate(client.get(f"/documents/{doc_id}.json").json())


def test_random_paths_and_queries_never_give_5xx(client: TestClient) -> None:
    """Seeded random junk (percent-encoded bytes, dots, slashes, unicode) under every route."""
    rng = random.Random(17)
    alphabet = "abcdef0123456789./%\\:;?&=#~'\"<>{}[]|` é€😀\t" + "".join(
        f"%{b:02x}" for b in range(0, 256, 7)
    )
    prefixes = ["/documents/", "/documents/0123456789abcdef/", "/documents/0123456789abcdef/cite/",
                "/authors/", "/browse/", "/browse/year?value=", "/browse/author?page=", "/static/", "/",
                "/search?q=", "/search?sort=date&q=", "/kwic?q=", "/search?page="]  # fmt: skip
    for _ in range(400):
        junk = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        url = rng.choice(prefixes) + quote(junk, safe="%/?&=.") + rng.choice(["", ".json", "/original"])
        response = client.get(url)
        assert response.status_code < 500, url


def test_footnotes_are_notes_and_editorial_notes_keep_their_metadata(client: TestClient, room: Room) -> None:
    with Archive(room.db, readonly=True) as archive:
        doc = max(archive.documents(), key=lambda d: len(d.parts_of("footnote")))
    notes = doc.parts_of("footnote")
    assert len(notes) > 20
    html = client.get(f"/documents/{doc.id}").text
    section = html[html.index('<section class="notes"') :]
    section = section[: section.index("</section>")]
    assert len(re.findall(r'<li id="part-\d+">', section)) == len(notes)  # each note its anchor
    assert 'class="part part-footnote"' not in html  # notes are gathered at the end, not inline
    first = doc.part_text(notes[0]).split("\n\n")[0].strip()
    assert str(escape(first)) in section  # escaped as the templates escape


# -- search -----------------------------------------------------------------------------------------
def test_search_page_facets_snippets_and_the_query_in_the_url(client: TestClient, room: Room) -> None:
    data = client.get("/search.json?q=Hitler-Stalin").json()
    assert data["query"] == "Hitler-Stalin" and data["total"] >= 1
    first = next(h for h in data["hits"] if h["id"] == room.seed_article)
    assert (
        first["url"] == f"/documents/{room.seed_article}"
        and first["title"] == "Sees Closer Hitler-Stalin Ties"
    )
    assert any(f["match"] for f in first["highlights"]) and "<b>" not in first["snippet"]
    assert set(data["facets"]) == {"author", "decade", "year", "source", "type", "lang", "part"}
    # a facet adds its filter to the query; followed, it narrows the results and shows as active
    author = next(v for v in data["facets"]["author"] if v["value"] == "Leon Trotsky")
    assert author["term"] == 'author:"Leon Trotsky"' and not author["active"]
    narrowed = client.get(_json_url(author["url"])).json()
    assert narrowed["query"] == 'Hitler-Stalin author:"Leon Trotsky"'
    assert 1 <= narrowed["total"] <= data["total"]
    assert all("Leon Trotsky" in h["authors"] for h in narrowed["hits"])
    again = next(v for v in narrowed["facets"]["author"] if v["value"] == "Leon Trotsky")
    assert again["active"] and client.get(_json_url(again["url"])).json()["query"] == "Hitler-Stalin"
    decade = next(v for v in narrowed["facets"]["decade"] if v["value"] == "1930s")
    assert decade["term"] == "year:1930..1939"
    # the page: the query box holds the query, facets are links, matches marked with <mark>
    html = client.get("/search?q=Hitler-Stalin").text
    assert 'name="q" value="Hitler-Stalin"' in html and "<mark>" in html
    assert f'href="/documents/{room.seed_article}"' in html
    assert 'href="/search?q=Hitler-Stalin+author%3A%22Leon+Trotsky%22"' in html
    assert 'href="/kwic?q=Hitler-Stalin"' in html  # the keyword-in-context tab


def test_search_pagination_walks_every_result(client: TestClient) -> None:
    url = "/search.json?q=opposition&per_page=7"
    first = client.get(url).json()
    seen: list[str] = []
    while url:
        page = client.get(url).json()
        seen += [h["id"] for h in page["hits"]]
        url = page["pagination"]["next"]
    # no document twice; `total` is the engine's count, exact for small results and a cardinality
    # estimate (HyperLogLog, within a few percent) when not every matching passage was ranked
    assert len(seen) == len(set(seen)) > 14
    assert abs(len(seen) - first["total"]) <= max(2, first["total"] // 50)


def test_search_snippets_of_hostile_documents_are_text(client: TestClient, room: Room) -> None:
    data = client.get("/search.json?q=HOSTILE-PLAIN").json()
    hit = next(h for h in data["hits"] if h["id"] == room.hostile_text)
    assert hit["title"] == "A Hostile <script>alert('title')</script> Copy"
    assert "<script>alert('plain-script')</script>" in hit["snippet"]  # the text, as written
    for q in ("HOSTILE-PLAIN", "HOSTILE-TEXT", "plain-script", "onerror", "javascript"):
        html = client.get("/search", params={"q": q}).text
        assert "<script" not in html.lower(), q
        assert not re.search(r"<[^>]+\son\w+\s*=", html, re.I), q
        assert not re.search(r"""(href|src)\s*=\s*["']?\s*javascript:""", html, re.I), q
        assert re.sub(r"</?(mark|b)>", "", html).count("<b>") == 0
    html = client.get("/search?q=HOSTILE-PLAIN").text
    assert "A Hostile &lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; Copy" in html
    assert "&lt;script&gt;alert(&#39;plain-script&#39;)&lt;/script&gt;" in html.replace("<mark>", "").replace(
        "</mark>", ""
    )
    lines = client.get("/kwic.json?q=HOSTILE-PLAIN").json()["lines"]
    assert lines and "<script>" in lines[0]["right"]
    assert "<script" not in client.get("/kwic?q=HOSTILE-PLAIN").text.lower()


def test_a_bad_query_is_400_with_the_line_the_cli_prints(client: TestClient, room: Room) -> None:
    for q in ('"Left Opposition', "year:abc", "(trotsky", "trotsky AND", "colour:red", "type:novel"):
        cli = subprocess.run([sys.executable, "-m", "archivist.cli", "search", q, "--db", str(room.db)],
                             capture_output=True, text=True, timeout=60)  # fmt: skip
        assert cli.returncode == 64, cli.stderr
        message = cli.stderr.strip().removeprefix("error: ")
        response = client.get("/search.json", params={"q": q})
        assert response.status_code == 400 and response.json()["error"]["message"] == message
        page = client.get("/search", params={"q": q})
        assert page.status_code == 400 and str(escape(message)) in page.text
        assert client.get("/kwic.json", params={"q": q}).json()["error"]["message"] == message
        break  # one subprocess is enough to show the CLI's line; the others in process below
    from archivist.search import QuerySyntaxError, search

    for q in ("year:abc", "(trotsky", "trotsky AND", "colour:red", "type:novel", "NEAR/x", "foo*bar"):
        with pytest.raises(QuerySyntaxError) as err:
            search(room.db, q)
        assert client.get("/search.json", params={"q": q}).json()["error"]["message"] == str(err.value)


def test_a_missing_or_stale_index_says_to_run_reindex(tmp_path: Path) -> None:
    db = tmp_path / "noindex.db"
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    with Archive(db) as archive:
        ingest([str(seeds)], archive)  # the library call: no index built
    app = TestClient(create_app(db), raise_server_exceptions=False)
    for url in ("/search?q=trotsky", "/search.json?q=trotsky", "/kwic?q=trotsky", "/kwic.json"):
        response = app.get(url)
        assert response.status_code == 503, url
        assert "archivist reindex" in response.text and str(tmp_path) not in response.text
    assert "The search index is not ready" in app.get("/search?q=trotsky").text
    assert app.get("/").status_code == 200  # the rest of the room works
    subprocess.run([sys.executable, "-m", "archivist.cli", "reindex", "--db", str(db)], check=True,
                   capture_output=True, timeout=120)  # fmt: skip
    assert app.get("/search.json?q=trotsky").json()["total"] >= 2  # found without a restart
    manifest = tmp_path / "noindex.index" / "manifest.json"
    stale = json.loads(manifest.read_text()) | {"format": -1}
    manifest.write_text(json.dumps(stale))
    response = app.get("/search.json?q=trotsky")
    assert response.status_code == 503 and "stale" in response.json()["error"]["message"]
    assert "archivist reindex" in response.json()["error"]["message"]


def test_every_page_has_the_search_box(client: TestClient, room: Room) -> None:
    for url in ("/", f"/documents/{room.seed_article}", "/authors/Leon%20Trotsky", "/browse/year",
                "/search?q=x", "/kwic?q=x", "/nowhere"):  # fmt: skip
        html = client.get(url).text
        assert '<form class="site-search" action="/search" method="get" role="search">' in html, url
        assert '<input id="site-q" type="search" name="q"' in html, url


# -- corrections from the page (archivist serve --editable) -----------------------------------------
def _token(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "the page has the form's token"
    return match.group(1)


def _ingested_seeds(tmp_path: Path, name: str) -> tuple[Path, list[str], Path, Document]:
    """A copy of the seeds ingested by the CLI into `name`: (the archive, the CLI command, the
    copied folder, the seed article as stored)."""
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    db = tmp_path / name
    cli = [sys.executable, "-m", "archivist.cli"]
    subprocess.run([*cli, "ingest", str(seeds), "--db", str(db), "-q"], check=True, capture_output=True,
                   timeout=120)  # fmt: skip
    with Archive(db, readonly=True) as archive:
        doc = archive.document_at(SEED_ARTICLE)
    assert doc is not None
    return db, cli, seeds, doc


def test_corrections_from_the_page(tmp_path: Path) -> None:
    db, cli, seeds, doc = _ingested_seeds(tmp_path, "edit.db")
    assert doc.place
    url = f"/documents/{doc.id}"
    room = TestClient(create_app(db, editable=True, user="ada"), raise_server_exceptions=False)
    page = room.get(url)
    assert 'class="correct"' in page.text and "SameSite=strict" in page.headers["set-cookie"]
    token = _token(page.text)
    # refused: no token, a wrong token, the token without its cookie, another site's origin
    form = {"field": "place", "value": "Coyoacán, Mexico", "note": "from the letterhead"}
    assert room.post(url + "/corrections", data=form).status_code == 403
    assert room.post(url + "/corrections", data=form | {"csrf": "x" * 43}).status_code == 403
    bare = TestClient(create_app(db, editable=True), raise_server_exceptions=False)
    assert bare.post(url + "/corrections", data=form | {"csrf": token}).status_code == 403
    evil = room.post(
        url + "/corrections", data=form | {"csrf": token}, headers={"origin": "https://evil.example"}
    )
    assert evil.status_code == 403
    assert (
        room.post(
            url + "/corrections", data={"csrf": token, "field": "date_written", "value": "soon"}
        ).status_code
        == 400
    )
    assert (
        room.post(url + "/corrections", data={"csrf": token, "field": "colour", "value": "red"}).status_code
        == 400
    )
    assert (
        room.post("/documents/0123456789abcdef/corrections", data=form | {"csrf": token}).status_code == 404
    )
    with Archive(db, readonly=True) as archive:
        assert archive.corrections() == []
    # made through the form: shown as corrected, the extracted value on hover, and in the CLI
    done = room.post(url + "/corrections", data=form | {"csrf": token}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"{url}#field-place"
    html = room.get(url).text
    row = html[html.index('id="field-place"') :]
    row = row[: row.index("</div>")]
    assert "Coyoacán, Mexico" in row and f'title="Extracted: {escape(doc.place)}"' in row
    assert "corrected by ada" in row and "from the letterhead" in row and "Undo this correction" in row
    listed = subprocess.run([*cli, "corrections", "--db", str(db), "--format", "json"], capture_output=True,
                            text=True, check=True, timeout=60)  # fmt: skip
    [correction] = json.loads(listed.stdout)
    assert (correction["field"], correction["value"], correction["author"]) == (
        "place",
        "Coyoacán, Mexico",
        "ada",
    )
    assert correction["extracted"] == doc.place and correction["note"] == "from the letterhead"
    # shown without --editable too (as is one made with the CLI), with no form and no token
    subprocess.run([*cli, "correct", doc.id, "title", "Sees Closer Ties", "--by", "bo", "--db", str(db)],
                   check=True, capture_output=True, timeout=60)  # fmt: skip
    reader = TestClient(create_app(db), raise_server_exceptions=False)
    html = reader.get(url).text
    assert (
        html.count('class="corrected"') == 2 and 'title="Extracted: Sees Closer Hitler-Stalin Ties"' in html
    )
    assert "<form" not in html.replace('<form class="site-search"', "") and "csrf" not in html
    assert "set-cookie" not in reader.get(url).headers
    # without --editable there is nothing to POST to
    assert reader.post(url + "/corrections", data=form | {"csrf": token}).status_code == 404
    assert reader.post(url, data=form).status_code == 405
    assert reader.post(f"/corrections/{correction['id']}/undo", data={"csrf": token}).status_code == 404
    # the search index sees the corrected place at once
    assert any(h["id"] == doc.id for h in room.get("/search.json?q=place%3AMexico").json()["hits"])
    # survives a re-ingest of the file, edited
    (seeds / "000_d599a96396a96723.txt").write_text(
        (seeds / "000_d599a96396a96723.txt").read_text(encoding="utf-8") + "\n\nA line added later.\n",
        "utf-8",
    )
    subprocess.run([*cli, "ingest", str(seeds), "--db", str(db), "-q"], check=True, capture_output=True,
                   timeout=120)  # fmt: skip
    data = reader.get(url + ".json").json()["document"]
    assert data["place"] == "Coyoacán, Mexico" and "A line added later." in data["text"]
    assert {c["field"] for c in data["corrections"]} == {"place", "title"}
    # undone from the page: the extracted value is back, the correction kept as undone
    token = _token(room.get(url).text)
    undone = room.post(f"/corrections/{correction['id']}/undo", data={"csrf": token, "document": doc.id},
                       follow_redirects=False)  # fmt: skip
    assert undone.status_code == 303 and undone.headers["location"] == url
    assert reader.get(url + ".json").json()["document"]["place"] == doc.place
    assert room.post(f"/corrections/{correction['id']}/undo", data={"csrf": token}).status_code == 400
    with Archive(db, readonly=True) as archive:
        rows = archive.corrections(include_undone=True)
    assert [(r["field"], r["status"]) for r in rows] == [("place", "undone"), ("title", "applied")]
    assert rows[0]["undone_by"] == "ada"


def test_serve_editable_names_its_user(room: Room, tmp_path: Path) -> None:
    db = tmp_path / "copy.db"
    shutil.copy(room.db, db)
    process = subprocess.Popen(
        [sys.executable, "-m", "archivist.cli", "serve", "--db", str(db), "--port", "0", "--editable",
         "--user", "cleo"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        url = re.search(r"(http://127\.0\.0\.1:\d+/)", process.stdout.readline()).group(1)  # type: ignore[union-attr]
        assert "cleo" in process.stdout.readline()
        with httpx.Client(base_url=url, timeout=30, follow_redirects=True) as http:
            for _ in range(100):
                try:
                    page = http.get(f"documents/{room.seed_letter}")
                    break
                except httpx.ConnectError:
                    time.sleep(0.05)
            token = _token(page.text)
            done = http.post(f"documents/{room.seed_letter}/corrections",
                             data={"csrf": token, "field": "place", "value": "Prinkipo"})  # fmt: skip
            assert done.status_code == 200 and "Prinkipo" in done.text  # followed the redirect
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
    with Archive(db, readonly=True) as archive:
        assert [(c["value"], c["author"]) for c in archive.corrections()] == [("Prinkipo", "cleo")]


def test_junk_posts_to_an_editable_room_never_give_5xx_nor_write(room: Room, tmp_path: Path) -> None:
    db = tmp_path / "junk.db"
    shutil.copy(room.db, db)
    app = TestClient(create_app(db, editable=True, user="fuzz"), raise_server_exceptions=False)
    token = _token(app.get(f"/documents/{room.seed_article}").text)
    old_version = app.get(f"/documents/{room.versioned_old}").text  # an earlier version: read only
    assert 'name="csrf"' not in old_version and "earlier version" in old_version
    rng = random.Random(23)
    alphabet = "abc019=&%;+ é😀<>\"'\x00" + "".join(f"%{b:02x}" for b in range(0, 256, 11))
    urls = [f"/documents/{room.seed_article}/corrections", "/documents/xyz/corrections", "/corrections/1/undo",
            "/corrections/99999999999999999999/undo", "/corrections/-1/undo"]  # fmt: skip
    for i in range(200):
        junk = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        body = junk if i % 2 else f"csrf={token}&field={junk}&value={junk}"
        kind = rng.choice(["application/x-www-form-urlencoded", "multipart/form-data", "text/plain", ""])
        response = app.post(rng.choice(urls), content=body.encode("utf-8", "surrogatepass"),
                            headers={"content-type": kind})  # fmt: skip
        assert response.status_code < 500, (body, response.text[:200])
        assert response.status_code != 303 or "field=" in body
    big = app.post(urls[0], content=b"csrf=" + b"x" * 200_000,
                   headers={"content-type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert big.status_code == 413


def test_part_corrections_from_the_page(tmp_path: Path) -> None:
    """A part re-kinded and a part re-bounded from the document page: stored in the corrections
    layer, shown as corrected with what the extractor said on hover, kept through a re-ingest of
    the edited file, undone from the page; refused without the token; absent without --editable."""
    db, cli, seeds, doc = _ingested_seeds(tmp_path, "parts.db")
    kinds = [p.kind for p in doc.parts]
    postscript, dateline = kinds.index("postscript"), kinds.index("dateline")
    dateline_text = doc.part_text(doc.parts[dateline])
    url = f"/documents/{doc.id}"
    room = TestClient(create_app(db, editable=True, user="ada"), raise_server_exceptions=False)
    page = room.get(url).text
    assert page.count('class="correct correct-part"') == len(doc.parts) - kinds.count("header") + 1
    token = _token(page)
    action = f"{url}/parts/{postscript}/corrections"
    form = {"kind": "editorial-note", "note": "the editors' words, not Trotsky's"}
    # refused: no token, a wrong token, another site; nonsense kinds, parts, texts
    assert room.post(action, data=form).status_code == 403
    assert room.post(action, data=form | {"csrf": "y" * 43}).status_code == 403
    assert (
        room.post(action, data=form | {"csrf": token}, headers={"origin": "https://evil.example"}).status_code
        == 403
    )
    assert room.post(action, data={"csrf": token, "kind": "preface"}).status_code == 400
    assert room.post(action, data={"csrf": token, "kind": "postscript"}).status_code == 400  # nothing changes
    assert (
        room.post(f"{url}/parts/{len(doc.parts)}/corrections", data=form | {"csrf": token}).status_code == 400
    )
    assert room.post(action, data={"csrf": token, "text": "words the document never had"}).status_code == 400
    assert (
        room.post("/documents/0123456789abcdef/parts/0/corrections", data=form | {"csrf": token}).status_code
        == 404
    )
    with Archive(db, readonly=True) as archive:
        assert archive.corrections() == []
    # a kind, then bounds (the dateline's first line only, as a browser sends a textarea: CRLF)
    done = room.post(action, data=form | {"csrf": token}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"{url}#part-{postscript}"
    first_line = dateline_text.splitlines()[0]
    moved = room.post(f"{url}/parts/{dateline}/corrections",
                      data={"csrf": token, "kind": "dateline", "text": f"\r\n{first_line}\r\n"})  # fmt: skip
    assert moved.status_code == 200  # the redirect followed: the page
    html = room.get(url).text
    section = html[html.index(f'id="part-{postscript}"') :]
    section = section[: section.index("</section>")]
    assert "part-editorial-note" in html[html.index(f'id="part-{postscript}"') - 60 :][:120]
    assert 'title="Extracted: Postscript"' in section and "corrected by ada" in section
    assert "the editors&#39; words, not Trotsky&#39;s" in section
    bounds = html[html.index(f'id="part-{dateline}"') :]
    bounds = bounds[: bounds.index("</section>")]
    assert f'title="Extracted: Dateline — “{escape(" ".join(dateline_text.split()))}”"' in bounds
    assert re.findall(r"<p>([^<]*)</p>", bounds) == [str(escape(first_line))]  # the text it now covers
    # stored in the corrections layer, shown by the CLI, the JSON twin and a reader without --editable
    with Archive(db, readonly=True) as archive:
        rows = archive.corrections()
    assert [(r["target"], r["value"], r["part_kind"], r["author"]) for r in rows] == [
        ("part", {"kind": "editorial-note"}, "postscript", "ada"),
        ("part", {"text": first_line}, "dateline", "ada"),
    ]
    reader = TestClient(create_app(db), raise_server_exceptions=False)
    parts = reader.get(url + ".json").json()["document"]["parts"]
    assert [p["kind"] for p in parts].count("postscript") == 0 and "editorial-note" in [
        p["kind"] for p in parts
    ]
    plain = reader.get(url).text
    assert plain.count('class="corrected"') == 2 and "Correct this part" not in plain and "csrf" not in plain
    assert reader.post(action, data=form | {"csrf": token}).status_code == 404
    # kept through a re-ingest of the file, edited
    path = seeds / Path(SEED_ARTICLE).name
    path.write_text(path.read_text(encoding="utf-8") + "\n\nA line added later.\n", "utf-8")
    subprocess.run([*cli, "ingest", str(seeds), "--db", str(db), "-q"], check=True, capture_output=True,
                   timeout=120)  # fmt: skip
    again = reader.get(url + ".json").json()["document"]
    assert "A line added later." in again["text"]
    assert [c["status"] for c in again["corrections"]] == ["applied", "applied"]
    assert "editorial-note" in [p["kind"] for p in again["parts"]]
    assert 'title="Extracted: Postscript"' in reader.get(url).text
    # undone from the page: the extractor's postscript is back
    first = rows[0]["id"]
    undone = room.post(f"/corrections/{first}/undo", data={"csrf": _token(room.get(url).text), "document": doc.id},
                       follow_redirects=False)  # fmt: skip
    assert undone.status_code == 303
    assert "postscript" in [p["kind"] for p in reader.get(url + ".json").json()["document"]["parts"]]


def test_pages_are_kept_until_the_archive_changes(tmp_path: Path) -> None:
    """The page cache: the same page again is the same bytes with an ETag, a conditional GET is a
    304, large pages go gzipped to clients that accept it; a commit by another process (a
    correction through the CLI, an ingest) is seen by the next request, document and search alike."""
    db, cli, seeds, doc = _ingested_seeds(tmp_path, "cache.db")
    url = f"/documents/{doc.id}"
    with TestClient(create_app(db), raise_server_exceptions=False) as client:  # one event loop throughout
        first, second = client.get(url), client.get(url)
        assert first.content == second.content and first.headers["etag"] == second.headers["etag"]
        assert "Accept-Encoding" in first.headers["vary"] and "Accept" in first.headers["vary"]
        held = client.get(url, headers={"if-none-match": first.headers["etag"]})
        assert held.status_code == 304 and held.content == b""
        zipped = client.get(url, headers={"accept-encoding": "gzip"})
        assert zipped.headers["content-encoding"] == "gzip" and zipped.content == first.content
        assert client.get(url + ".json").json()["document"]["id"] == doc.id  # the twin is its own page
        # another process commits a correction: the next request sees it
        subprocess.run([*cli, "correct", doc.id, "title", "Closer Ties", "--by", "bo", "--db", str(db)],
                       check=True, capture_output=True, timeout=60)  # fmt: skip
        after = client.get(url, headers={"if-none-match": first.headers["etag"]})
        assert after.status_code == 200 and "Closer Ties" in after.text
        assert after.headers["etag"] != first.headers["etag"]
        home = client.get("/.json").json()["counts"]["documents"]
        found = client.get("/search.json?q=%22Thatcher%20Morrow%22").json()["total"]
        # an ingest adds a document (and its index commit): home and search see it at once
        (seeds / "later.md").write_text("# Thatcher Morrow\n\nA note by Thatcher Morrow, 1931.\n", "utf-8")
        subprocess.run([*cli, "ingest", str(seeds), "--db", str(db), "-q"], check=True, capture_output=True,
                       timeout=120)  # fmt: skip
        assert client.get("/.json").json()["counts"]["documents"] == home + 1
        assert client.get("/search.json?q=%22Thatcher%20Morrow%22").json()["total"] == found + 1
        assert client.get(url).text == after.text  # the other document's page still holds

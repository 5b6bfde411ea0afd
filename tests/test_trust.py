"""An archive you can trust: stable identity, history, layers, corrections that survive, and no
input that breaks a run or leaks a file. Each case of the hostile-input campaign is a test here."""

from __future__ import annotations

import csv
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from archivist import pipeline
from archivist.cli import main
from archivist.errors import ArchivistError, StoreError
from archivist.model import EXTRACTOR_VERSION, document_id
from archivist.pipeline import collect_inputs, ingest, pool_executor
from archivist.store import SCHEMA_VERSION, Archive
from archivist.store.schema import APPLICATION_ID, MIGRATIONS

SEED_LETTER = "004_70679b953d481df7.txt"
SEED_ARTICLE = "000_d599a96396a96723.txt"
CORPUS_PAGE = "mia-mass-edits/archive/plekhanov/1912/10/27.htm"
WIKI_PAGE = "wikirouge-mecw/en/MECW/MECW42-300.html"


def _copy(src: Path, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dest)
    return dest


@pytest.fixture()
def seed_dir(seeds: Path, tmp_path: Path) -> Path:
    root = tmp_path / "letters"
    for name in (SEED_LETTER, SEED_ARTICLE):
        _copy(seeds / name, root / name)
    return root


# -- identity ---------------------------------------------------------------------------------------------
def test_two_folders_of_one_name_are_refused_not_merged(seeds: Path, tmp_path: Path) -> None:
    for side in ("a", "b"):
        _copy(seeds / SEED_LETTER, tmp_path / side / "pages" / "same.txt")
    (tmp_path / "b" / "pages" / "same.txt").write_text("Another text\n\nNothing like the first one at all.\n")
    with pytest.raises(ArchivistError, match="two inputs give this name"):
        collect_inputs([tmp_path / "a" / "pages", tmp_path / "b" / "pages"])
    with Archive(tmp_path / "x.db") as archive:
        ingest([tmp_path / "a" / "pages"], archive)
        # one after the other: b's unrelated file must not become a new version of a's document
        with pytest.raises(StoreError, match="already belongs to"):
            ingest([tmp_path / "b" / "pages"], archive)
        ingest([tmp_path / "b" / "pages"], archive, collection="pages-b")
        paths = sorted(d.path for d in archive.documents())
    assert paths == ["pages-b/same.txt", "pages/same.txt"]


def test_ids_are_stable_across_edits_moves_and_archives(seed_dir: Path, tmp_path: Path) -> None:
    with Archive(tmp_path / "one.db") as archive:
        ingest([seed_dir], archive)
        before = {d.path: (d.id, d.version) for d in archive.documents()}
    assert before[f"letters/{SEED_LETTER}"][0] == document_id(f"letters/{SEED_LETTER}")
    target = seed_dir / SEED_LETTER
    target.write_bytes(target.read_bytes().replace(b"Politburo", b"Political Bureau", 1))
    moved = shutil.move(str(seed_dir), str(tmp_path / "elsewhere"))
    with Archive(tmp_path / "one.db") as archive:
        report = ingest([moved], archive, collection="letters")
        after = {d.path: (d.id, d.version) for d in archive.documents()}
        assert (report.counts.changed, report.counts.unchanged, report.withdrawn) == (1, 1, 0)
    assert {p: i for p, (i, _) in after.items()} == {p: i for p, (i, _) in before.items()}
    assert after[f"letters/{SEED_LETTER}"][1] != before[f"letters/{SEED_LETTER}"][1]
    with Archive(tmp_path / "two.db") as other:  # a rebuilt archive gives the same ids
        ingest([moved], other, collection="letters")
        assert {d.path: d.id for d in other.documents()} == {p: i for p, (i, _) in after.items()}


def test_a_file_gone_from_its_folder_is_withdrawn_with_history(seed_dir: Path, tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as archive:
        ingest([seed_dir], archive)
        gone = archive.document_at(SEED_ARTICLE)
        assert gone is not None
        (seed_dir / SEED_ARTICLE).unlink()
        report = ingest([seed_dir], archive)
        assert report.withdrawn == 1
        assert [d.path for d in archive.documents()] == [f"letters/{SEED_LETTER}"]
        kept = archive.document(gone.id)
        assert kept is not None and kept.status == "withdrawn" and kept.text == gone.text
        assert archive.stats()["withdrawn"] == 1
        # a single file given alone withdraws nothing else
        assert ingest([seed_dir / SEED_LETTER], archive).withdrawn == 0


def test_published_address_from_manifest_canonical_link_and_mediawiki(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    _copy(corpus / CORPUS_PAGE, root / CORPUS_PAGE)
    _copy(corpus / WIKI_PAGE, root / WIKI_PAGE)
    with open(corpus / "MANIFEST.csv", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["path"] == CORPUS_PAGE)
    (root / "MANIFEST.csv").write_text(f"path,original_url\n{CORPUS_PAGE},{row['original_url']}\n")
    canonical = root / "site" / "page.html"
    canonical.parent.mkdir()
    canonical.write_text(
        '<html><head><link rel="canonical" href="https://example.org/texts/page.html"><title>T</title></head>'
        "<body><h1>A Title</h1><p>Some text long enough to be the body of a page of the archive.</p></body></html>"
    )
    mirror = _copy(corpus / CORPUS_PAGE, tmp_path / "mirror" / "www.marxists.org" / "archive" / "p.htm")
    with Archive(tmp_path / "a.db") as archive:
        ingest([root, tmp_path / "mirror"], archive)
        urls = {d.path: (d.url, d.provenance["url"].origin) for d in archive.documents() if d.url}
    assert urls[f"corpus/{CORPUS_PAGE}"] == (row["original_url"], "manifest")
    assert urls["corpus/site/page.html"] == ("https://example.org/texts/page.html", "link:canonical")
    wiki_url, origin = urls[f"corpus/{WIKI_PAGE}"]
    assert origin == "mediawiki:retrieved-from" and wiki_url.startswith("https://wikirouge.net/")
    assert urls["mirror/www.marxists.org/archive/p.htm"] == (
        f"http://www.marxists.org/archive/{mirror.name}",
        "mirror-path",
    )


def test_writes_upsert_in_place_and_a_new_extractor_re_extracts(seed_dir: Path, tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as archive:
        ingest([seed_dir], archive)
        rowids = dict(archive.conn.execute("SELECT id, rowid FROM documents").fetchall())
        archive.conn.execute("UPDATE documents SET extractor_version='older'")
        report = ingest([seed_dir], archive)  # no --force: the stale documents are re-extracted
        assert report.counts.unchanged == 2
        versions = {r[0] for r in archive.conn.execute("SELECT extractor_version FROM documents")}
        assert versions == {EXTRACTOR_VERSION}
        assert dict(archive.conn.execute("SELECT id, rowid FROM documents").fetchall()) == rowids


# -- layers and stages --------------------------------------------------------------------------------------
def test_parts_and_header_lines_are_layers_and_stages_run_incrementally(
    seed_dir: Path, tmp_path: Path
) -> None:
    db = str(tmp_path / "a.db")
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", str(seed_dir), "--db", db, "-q"]).exit_code == 0
    with Archive(db) as archive:
        article = archive.document_at(SEED_ARTICLE)
        assert article is not None
        header = {s.kind: article.text[s.start : s.end] for s in article.layer("header")}
        assert header["title"] == "Sees Closer Hitler-Stalin Ties" and header["byline"] == "Leon Trotsky"
        kinds = [
            r[0] for r in archive.conn.execute("SELECT kind FROM parts WHERE document_id=?", (article.id,))
        ]
        assert "postscript" in kinds and "signature" in kinds  # the `parts` view over the spans
    first = json.loads(runner.invoke(main, ["annotate", "--db", db, "--format", "json"]).output)
    assert {r["stage"]: r["documents"] for r in first} == {
        "paragraphs": 2,
        "dates": 2,
        "mentions": 2,
        "fingerprints": 2,
    }
    again = json.loads(runner.invoke(main, ["annotate", "--db", db, "--format", "json"]).output)
    assert {r["stage"]: r["documents"] for r in again} == {
        "paragraphs": 0,
        "dates": 0,
        "mentions": 0,
        "fingerprints": 0,
    }
    with Archive(db) as archive:
        article = archive.document_at(SEED_ARTICLE)
        assert article is not None
        dates = {article.text[s.start : s.end]: s.attrs for s in article.layer("dates")}
        assert dates["14 September 1939"]["value"] == "1939-09-14"
        assert (
            dates["September 14th"]["value"] == "1939-09-14" and dates["September 14th"]["relative"] is True
        )
        assert (
            dates["September 14th"]["anchor"] == "dateline"
        )  # the document's dateline: Coyoacan, Sept. 14, 1939
        assert dates["September 14th"]["anchor_value"] == "1939-09-14"
        assert all(s.agent.startswith("stage:dates@") for s in article.layer("dates"))
    # an edited file: only its document is annotated again
    target = seed_dir / SEED_LETTER
    target.write_bytes(
        target.read_bytes() + b"\n\nAn added paragraph, written on June 1, 1933, at the end.\n"
    )
    assert runner.invoke(main, ["ingest", str(seed_dir), "--db", db, "-q"]).exit_code == 0
    third = json.loads(runner.invoke(main, ["annotate", "--db", db, "--format", "json", "-j", "2"]).output)
    assert {r["stage"]: r["documents"] for r in third} == {
        "paragraphs": 1,
        "dates": 1,
        "mentions": 1,
        "fingerprints": 1,
    }


# -- corrections ----------------------------------------------------------------------------------------------
def test_corrections_survive_edits_moves_and_re_extraction(seed_dir: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    runner = CliRunner(env={"ARCHIVIST_USER": "historian"})

    def run(*args: str) -> str:
        result = runner.invoke(main, [*args, "--db", db])
        assert result.exit_code == 0, result.output
        return result.output

    run("ingest", str(seed_dir), "-q")
    letter = json.loads(run("show", "--path", SEED_LETTER, "--format", "json"))
    article = json.loads(run("show", "--path", SEED_ARTICLE, "--format", "json"))
    run("correct", letter["id"], "place", "Prinkipo", "--note", "Trotsky lived on Prinkipo in 1933")
    run("correct", "--path", SEED_ARTICLE, "doc_type", "article")
    run("correct", article["id"], "authors", "Leon Trotsky; L. D. Trotsky")
    ps = next(i for i, p in enumerate(article["parts"]) if p["kind"] == "postscript")
    run("correct", article["id"], "--part", str(ps), "--kind", "editorial-note", "--note", "test")
    undone = json.loads(run("correct", letter["id"], "title", "Wrong title", "--format", "json"))[
        "correction"
    ]
    run("correct", "--undo", str(undone))
    # edit both files, move the folder, re-ingest it under the same collection name, and force
    # a re-extraction too
    for name in (SEED_LETTER, SEED_ARTICLE):
        target = seed_dir / name
        target.write_bytes(b"\n" + target.read_bytes().replace(b"Hitler", b"Hitler", 1) + b"\n\n")
    moved = shutil.move(str(seed_dir), str(tmp_path / "moved"))
    run("ingest", moved, "--collection", "letters", "-q", "--force")
    letter2 = json.loads(run("show", letter["id"], "--format", "json"))
    article2 = json.loads(run("show", article["id"], "--format", "json"))
    assert letter2["version"] != letter["version"]
    assert letter2["place"] == "Prinkipo" and letter2["provenance"]["place"]["origin"].startswith(
        "correction:"
    )
    assert letter2["title"] == letter["title"]  # the undone correction does not apply
    assert article2["authors"] == ["Leon Trotsky", "L. D. Trotsky"]
    assert [p["kind"] for p in article2["parts"]].count("postscript") == 0
    assert any(p["kind"] == "editorial-note" and p["text"].startswith("P.S.") for p in article2["parts"])
    extracted = {c["field"]: c["extracted"] for c in letter2["corrections"] if c["target"] == "field"}
    assert extracted["place"] == letter["place"]  # the extracted value is kept beside the correction
    listed = json.loads(run("corrections", "--format", "json", "--all"))
    assert [c["status"] for c in listed] == ["applied", "applied", "applied", "applied", "undone"]
    assert all(c["author"] == "historian" and c["created_at"] for c in listed)
    # applied in stats and in the Datasette views too; the extracted row is untouched
    stats = json.loads(run("stats", "--format", "json"))
    assert stats["corrections"] == 4 and stats["top_authors"]["L. D. Trotsky"] == 1
    with Archive(db, readonly=True) as archive:
        view = archive.conn.execute(
            "SELECT place FROM current_documents WHERE id=?", (letter["id"],)
        ).fetchone()
        raw = archive.conn.execute("SELECT place FROM documents WHERE id=?", (letter["id"],)).fetchone()
        assert (view[0], raw[0]) == ("Prinkipo", letter["place"])
        assert archive.document(letter["id"], corrected=False).place == letter["place"]  # type: ignore[union-attr]


def test_a_part_correction_that_no_longer_applies_is_reported(seed_dir: Path, tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as archive:
        ingest([seed_dir], archive)
        doc = archive.document_at(SEED_ARTICLE)
        assert doc is not None
        ps = next(i for i, p in enumerate(doc.parts) if p.kind == "postscript")
        quote = doc.part_text(doc.parts[ps])
        archive.correct_part(doc.id, ps, "me", kind="editorial-note")
        target = seed_dir / SEED_ARTICLE
        target.write_bytes(target.read_bytes().replace(quote[:30].encode(), b"Something else entirely"))
        ingest([seed_dir], archive)
        rows = archive.corrections(doc.id)
        assert [r["status"] for r in rows] == ["unanchored"]
    result = CliRunner().invoke(main, ["corrections", "--db", str(tmp_path / "a.db")])
    assert "[unanchored]" in result.output


# -- hostile inputs ---------------------------------------------------------------------------------------------
def test_a_file_name_that_is_not_utf8_is_stored(seed_dir: Path, tmp_path: Path) -> None:
    bad = os.fsencode(seed_dir) + b"/caf\xe9-\xff.txt"
    with open(bad, "wb") as handle:
        handle.write(b"A Title\n\nSome words of a page, long enough to be read as a text of its own.\n")
    with Archive(tmp_path / "a.db") as archive:
        report = ingest([seed_dir], archive)
        assert (report.counts.new, report.counts.failed) == (3, 0)
        assert "letters/caf\\xe9-\\xff.txt" in {d.path for d in archive.documents()}
        assert ingest([seed_dir], archive).counts.unchanged == 3  # and found again, unchanged


def test_links_leaving_the_inputs_are_skipped_and_fifos_and_hidden_files_counted(
    seed_dir: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("Outside\n\nThis file lies outside the inputs and must never be stored.\n")
    (seed_dir / "leak.txt").symlink_to(secret)
    (seed_dir / "leakdir").symlink_to(tmp_path, target_is_directory=True)
    (seed_dir / "inside.txt").symlink_to(seed_dir / SEED_LETTER)
    (seed_dir / "loop").symlink_to(seed_dir, target_is_directory=True)
    os.mkfifo(seed_dir / "pipe.txt")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(seed_dir / "sock"))
    (seed_dir / ".hidden.txt").write_text("hidden")
    with Archive(tmp_path / "a.db") as archive:
        report = ingest([seed_dir], archive)
        texts = " ".join(d.text for d in archive.documents())
    sock.close()
    assert "outside the inputs" not in texts
    assert report.skipped == {"hidden": 1, "link-loop": 1, "link-outside": 2, "not-a-file": 2}
    assert sorted(Path(p).name for p in report.skipped_paths["link-outside"]) == ["leak.txt", "leakdir"]
    with Archive(tmp_path / "a.db") as archive:  # recorded with the run
        recorded = json.loads(archive.runs()[-1]["skipped"])
        assert recorded["counts"]["link-outside"] == 2 and len(recorded["paths"]["link-outside"]) == 2
    assert report.counts.new == 3  # the two seeds and the link that stays inside


def test_a_huge_file_is_refused_before_reading_and_stores_no_blob(seed_dir: Path, tmp_path: Path) -> None:
    huge = seed_dir / "huge.txt"
    with open(huge, "wb") as handle:
        handle.truncate(1024**3)  # 1 GB, sparse: costs no disk, and would cost 3 GB of memory to read
    with Archive(tmp_path / "a.db") as archive:
        report = ingest([seed_dir], archive)
        assert [(Path(p).name, r) for p, r, _ in report.counts.failures] == [("huge.txt", "too-large")]
        assert report.counts.new == 3 and archive.stats()["documents"] == 2
        assert archive.conn.execute("SELECT MAX(size) FROM blobs").fetchone()[0] < 1024**2


def _killing_extract(item: pipeline.InputFile) -> object:
    if item.path.endswith("killer.txt"):
        os._exit(9)
    return pipeline.extract_input.__wrapped__(item)  # type: ignore[attr-defined]


def test_a_killed_pool_worker_costs_one_file_not_the_run(
    seed_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(12):
        _copy(seed_dir / SEED_LETTER, seed_dir / f"copy{i:02d}.txt")
    (seed_dir / "killer.txt").write_text("Killer\n\nThis file kills the worker that reads it, every time.\n")
    _killing_extract.__wrapped__ = pipeline.extract_input  # type: ignore[attr-defined]
    monkeypatch.setattr(pipeline, "extract_input", _killing_extract)
    with Archive(tmp_path / "a.db") as archive:
        report = ingest([seed_dir], archive, executor=pool_executor(2))
        failures = {Path(p).name: r for p, r, _ in report.counts.failures}
        assert failures == {"killer.txt": "worker-lost"}
        assert archive.stats()["documents"] == 14


def test_a_file_over_its_time_budget_is_a_timeout(
    seed_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pipeline.extract_data

    def slow(data: bytes, path: str, url: str | None = None, origin: str | None = None) -> object:
        if path.endswith(SEED_ARTICLE):
            time.sleep(5)
        return real(data, path, url, origin)

    monkeypatch.setattr(pipeline, "extract_data", slow)
    monkeypatch.setattr(pipeline, "FILE_SECONDS", 0.5)
    with Archive(tmp_path / "a.db") as archive:
        report = ingest([seed_dir], archive)
    assert [(Path(p).name, r) for p, r, _ in report.counts.failures] == [(SEED_ARTICLE, "timeout")]


def test_the_archive_never_ingests_itself(seed_dir: Path) -> None:
    db = seed_dir / "archive.db"
    with Archive(db) as archive:
        ingest([seed_dir], archive)
        report = ingest([seed_dir], archive, force=True)
        assert report.files_seen == 2 and report.skipped.get("archive-file", 0) >= 1
        assert all(not d.path.endswith((".db", "-wal", "-shm")) for d in archive.documents())


def test_another_applications_database_is_refused_unchanged(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    with pytest.raises(StoreError, match="not an archivist archive"):
        Archive(other)
    assert other.read_bytes() == before and not Path(f"{other}-wal").exists()
    future = tmp_path / "future.db"
    conn = sqlite3.connect(future)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        Archive(future)
    assert sqlite3.connect(future).execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database at all" * 200)
    result = CliRunner().invoke(main, ["stats", "--db", str(garbage)])
    assert result.exit_code == 1 and "Traceback" not in result.output and len(result.output.splitlines()) == 1


def test_two_processes_creating_one_archive_do_not_race(tmp_path: Path) -> None:
    db = tmp_path / "race.db"
    code = "import sys; from archivist.store import Archive; Archive(sys.argv[1]).close()"
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(db)], stderr=subprocess.PIPE) for _ in range(4)
    ]
    errors = [p.communicate()[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], errors
    with Archive(db) as archive:
        assert archive.schema_version == SCHEMA_VERSION


def test_a_read_only_archive_can_be_read(seed_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    with Archive(folder / "a.db") as archive:
        ingest([seed_dir], archive)
    folder.chmod(0o555)
    (folder / "a.db").chmod(0o444)
    try:
        result = CliRunner().invoke(main, ["stats", "--db", str(folder / "a.db"), "--format", "json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["documents"] == 2
    finally:
        folder.chmod(0o755)


def test_sigterm_stops_the_pool_and_marks_the_run_interrupted(corpus: Path, tmp_path: Path) -> None:
    psutil = pytest.importorskip("psutil")
    db = tmp_path / "t.db"
    cmd = [sys.executable, "-m", "archivist.cli", "ingest", str(corpus), "--db", str(db), "-j", "2", "-q",
           "--batch-size", "8"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while time.time() < deadline and not psutil.Process(proc.pid).children():
        time.sleep(0.05)
    children = psutil.Process(proc.pid).children(recursive=True)
    time.sleep(1.0)
    proc.terminate()
    assert proc.wait(60) == 130
    _gone, alive = psutil.wait_procs(children, timeout=10)
    assert not alive, "pool workers outlived their parent"
    with Archive(db) as archive:
        assert archive.runs()[-1]["status"] == "interrupted"
    assert subprocess.run(cmd, check=False).returncode == 0
    with Archive(db) as archive:
        assert archive.stats()["files"] >= 529


# -- the command line ------------------------------------------------------------------------------------------
def test_text_from_pages_is_printed_literally(tmp_path: Path) -> None:
    page = tmp_path / "in" / "markup.txt"
    page.parent.mkdir()
    body = "Some body text long enough to count as the text of a page, and then some more words. " * 20
    page.write_text(f"[/b] A title with :x: and \x1b[31mred\x1b[0m [bold]\n\n{body}\n\n{body}\n")
    result = CliRunner().invoke(main, ["extract", str(page), "--format", "text"])
    assert result.exit_code == 0, result.output
    assert "[/b] A title with :x: and" in result.output and "\x1b" not in result.output
    assert "\\x1b[31mred" in result.output


def test_cli_a_newcomer_meets(seed_dir: Path, corpus: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    runner = CliRunner()
    root = tmp_path / "books"
    for chapter in ("kautsky", "lenin"):
        _copy(seed_dir / SEED_LETTER, root / chapter / "ch01.txt")
    assert runner.invoke(main, ["ingest", str(seed_dir), str(root), "--db", db, "-q"]).exit_code == 0
    ambiguous = runner.invoke(main, ["show", "--path", "ch01.txt", "--db", db])
    assert ambiguous.exit_code == 1 and "books/kautsky/ch01.txt" in ambiguous.output
    assert "books/lenin/ch01.txt" in ambiguous.output
    shown = json.loads(runner.invoke(main, ["show", "--path", SEED_LETTER, "--db", db, "--format", "json",
                                            "--no-text"]).output)  # fmt: skip
    assert "text" not in shown and shown["parts"]
    assert runner.invoke(main, ["failures", "--db", db]).output.startswith("no failures")
    debug = runner.invoke(main, ["show", "nonexistent", "--db", db, "--debug"])
    assert isinstance(debug.exception, ArchivistError)
    original = runner.invoke(main, ["original", shown["id"], "--db", db])
    assert original.stdout_bytes == (seed_dir / SEED_LETTER).read_bytes()
    usage = runner.invoke(main, ["ingest", "--db", db])
    assert usage.exit_code == 2
    many = tmp_path / "many"
    for i in range(20):
        page = many / f"author{i:02d}.txt"
        page.parent.mkdir(exist_ok=True)
        page.write_text(f"Title {i}\n\nBy Author Number{i}\n\nA body of text long enough to be a page {i}.\n")
    runner.invoke(main, ["ingest", str(many), "--db", db, "-q"])
    stats = runner.invoke(main, ["stats", "--db", db]).output
    assert stats.count("many") >= 1 and "collection" in stats


def test_migration_from_schema_1_keeps_documents_versions_and_parts(tmp_path: Path) -> None:
    db = tmp_path / "v1.db"
    conn = sqlite3.connect(db)
    for statement in MIGRATIONS[0]:  # type: ignore[union-attr]
        conn.execute(statement)  # type: ignore[arg-type]
    conn.execute("PRAGMA user_version = 1")
    for sha in ("a" * 64, "b" * 64):
        conn.execute("INSERT INTO blobs VALUES (?, 1, 'none', x'00')", (sha,))
    conn.execute("INSERT INTO ingest_runs (started_at, status, engine, inputs, extractor_version) "
                 "VALUES ('t', 'completed', 'local', '[]', '1')")  # fmt: skip
    for doc_id, sha, current, text in (("aaaaaaaaaaaaaaaa", "a" * 64, 0, "Old text"),
                                       ("bbbbbbbbbbbbbbbb", "b" * 64, 1, "New text")):  # fmt: skip
        conn.execute(
            "INSERT INTO documents (id, sha256, path, title, authors, doc_type, text, is_current, extractor_version, "
            "run_id) VALUES (?,?,?,?,?,?,?,?,?,1)",
            (doc_id, sha, "pages/a.txt", "A title", '["Leon Trotsky"]', "letter", text, current, "1"),
        )
        conn.execute("INSERT INTO parts VALUES (?, 0, 'body', 0, 8, NULL, '1933', NULL, NULL)", (doc_id,))
        conn.execute("INSERT INTO provenance VALUES (?, 'title', 'title', NULL, 1.0)", (doc_id,))
    conn.execute("INSERT INTO files (path, sha256, size, status, document_id) VALUES "
                 "('pages/a.txt', ?, 1, 'ok', 'bbbbbbbbbbbbbbbb')", ("b" * 64,))  # fmt: skip
    conn.commit()
    conn.close()
    with Archive(db) as archive:
        assert archive.schema_version == SCHEMA_VERSION
        doc = archive.document_at("pages/a.txt")
        assert doc is not None and doc.id == document_id("pages/a.txt") and doc.text == "New text"
        assert (
            doc.version == "bbbbbbbbbbbbbbbb"
            and doc.parts[0].date == "1933"
            and doc.authors == ["Leon Trotsky"]
        )
        old = archive.document("aaaaaaaaaaaaaaaa")
        assert old is not None and old.text == "Old text" and old.status == "superseded"
        assert [v["version"] for v in archive.versions(doc.id)] == ["aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"]
        assert archive.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_datasette_opens_the_archive_with_its_views(seed_dir: Path, tmp_path: Path) -> None:
    datasette_app = pytest.importorskip("datasette.app")
    db = tmp_path / "archive.db"
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", str(seed_dir), "--db", str(db), "-q"]).exit_code == 0
    doc = json.loads(
        runner.invoke(main, ["show", "--path", SEED_LETTER, "--db", str(db), "--format", "json"]).output
    )
    runner.invoke(main, ["correct", doc["id"], "place", "Prinkipo", "--db", str(db)])
    result = runner.invoke(main, ["datasette", "--db", str(db)])
    assert result.exit_code == 0, result.output
    metadata = json.loads((tmp_path / "archive.datasette.json").read_text())
    ds = datasette_app.Datasette([str(db)], metadata=metadata)

    async def fetch() -> tuple[dict, dict, dict]:  # type: ignore[type-arg]
        tables = (await ds.client.get("/archive.json")).json()
        current = (await ds.client.get("/archive/current_documents.json?_shape=objects")).json()
        parts = (await ds.client.get("/archive/parts_text.json?_shape=objects&kind=postscript")).json()
        return tables, current, parts

    import asyncio

    tables, current, parts = asyncio.run(fetch())
    hidden = {t["name"]: t["hidden"] for t in tables["tables"]}
    assert hidden["blobs"] is True and hidden["documents"] is False
    assert {v["name"] for v in tables["views"]} >= {"current_documents", "parts_text", "parts"}
    places = {r["id"]: r["place"] for r in current["rows"]}
    assert places[doc["id"]] == "Prinkipo"
    assert parts["rows"] and parts["rows"][0]["text"].startswith("P.S.")


def test_kill_9_of_a_pooled_ingest_leaves_no_workers_and_a_rerun_finishes(
    corpus: Path, tmp_path: Path
) -> None:
    psutil = pytest.importorskip("psutil")
    db = tmp_path / "k.db"
    cmd = [sys.executable, "-m", "archivist.cli", "ingest", str(corpus), "--db", str(db), "-j", "2", "-q",
           "--batch-size", "8"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and len(psutil.Process(proc.pid).children()) < 2:
        time.sleep(0.05)
    children = psutil.Process(proc.pid).children(recursive=True)
    time.sleep(1.0)
    proc.kill()
    proc.wait()
    _gone, alive = psutil.wait_procs(children, timeout=10)
    assert children and not alive, "pool workers outlived a killed parent"
    assert subprocess.run(cmd, check=False).returncode == 0
    with Archive(db) as archive:
        paths = [r[0] for r in archive.conn.execute("SELECT path FROM files")]
        assert len(paths) == len(set(paths)) >= 529


def test_a_held_lock_and_a_full_disk_are_one_line_errors(
    seed_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "a.db"
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", str(seed_dir), "--db", str(db), "-q"]).exit_code == 0
    from archivist.store import archive as archive_module

    monkeypatch.setattr(archive_module, "LOCK_SECONDS", 0.2)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        doc = json.loads(
            runner.invoke(main, ["show", "--path", SEED_LETTER, "--db", str(db), "--format", "json"]).output
        )
        result = runner.invoke(main, ["correct", doc["id"], "place", "Prinkipo", "--db", str(db)])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 1 and "busy" in result.output and "Traceback" not in result.output

    def full(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(archive_module.Archive, "write_batch", full)
    result = runner.invoke(main, ["ingest", str(seed_dir), "--db", str(db), "-q", "--force"])
    assert result.exit_code == 1 and "free some space" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_rerun_says_how_many_files_still_fail(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "ok.txt").write_text("A Title\n\nSome text of a page, long enough to be a page of its own.\n")
    runner = CliRunner()
    first = runner.invoke(main, ["ingest", str(folder), "--db", str(tmp_path / "a.db"), "-q"])
    again = runner.invoke(main, ["ingest", str(folder), "--db", str(tmp_path / "a.db"), "-q"])
    assert first.exit_code == again.exit_code == 3
    assert "1 unchanged files still fail" in again.output


def test_what_decoding_had_to_guess_is_stored_with_the_document(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    body = "Écrits de Trotsky: a page of text long enough to be a document of the archive. " * 10
    (folder / "bad.html").write_bytes(
        f'<html><head><meta charset="utf-8"></head><body><h1>Écrits</h1><p>{body}</p><p>fin '.encode()
        + b"\xff"
        + b" fin.</p></body></html>"
    )
    with Archive(tmp_path / "a.db") as archive:
        ingest([folder], archive)
        doc = archive.document_at("bad.html")
        assert doc is not None and "Écrits" in doc.text and "Ã" not in doc.text
        warnings = json.loads(archive.conn.execute("SELECT warnings FROM documents").fetchone()[0])
    assert any("invalid" in w for w in warnings)


def test_the_time_budget_holds_in_a_worker_thread_too() -> None:
    """Dask runs tasks in threads, where SIGALRM cannot reach: the budget still ends the work."""
    import threading

    outcome: list[str] = []

    def work() -> None:
        try:
            with pipeline.time_budget(0.3):
                deadline = time.time() + 10
                while time.time() < deadline:
                    sum(range(1000))
            outcome.append("finished")
        except pipeline.FileTimeout:
            outcome.append("timeout")
        time.sleep(0.5)  # nothing pending lands after the block
        outcome.append("after")

    thread = threading.Thread(target=work)
    started = time.time()
    thread.start()
    thread.join(15)
    assert outcome == ["timeout", "after"] and time.time() - started < 5

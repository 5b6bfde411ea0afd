"""The archive file: idempotent re-ingest, versions, failures, original bytes, crash safety."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archivist.pipeline import ingest, pool_executor
from archivist.store import SCHEMA_VERSION, Archive

SAMPLE = [
    "mia-mass-edits/archive/plekhanov/1912/10/27.htm",
    "mia-mass-edits/archive/olgin/speeches/natlib.htm",
    "wikirouge-mecw/en/MECW/MECW39-298.html",
    "hurlus-tei/malatesta1931_kropotkine.xml",
    "mia-reader/_pages/archive/connolly/1914/04/anappeal.md",
]


@pytest.fixture()
def sample_dir(corpus: Path, tmp_path: Path) -> Path:
    root = tmp_path / "pages"
    for rel in SAMPLE:
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(corpus / rel, target)
    return root


def test_ingest_keeps_original_bytes_and_is_idempotent(sample_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with Archive(db) as archive:
        first = ingest([sample_dir], archive)
        assert (first.counts.new, first.counts.failed) == (5, 0)
        again = ingest([sample_dir], archive)
        assert (again.counts.new, again.counts.changed, again.counts.unchanged) == (0, 0, 5)
        forced = ingest([sample_dir], archive, force=True)
        assert forced.counts.unchanged == 5 and forced.counts.new == 0
        stats = archive.stats()
        assert (stats["documents"], stats["files"], stats["failures"]) == (5, 5, 0)
        for rel in SAMPLE:
            data = (sample_dir / rel).read_bytes()
            doc = archive.document_at(f"pages/{rel}")
            assert doc is not None
            assert archive.original_bytes(hashlib.sha256(data).hexdigest()) == data
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT COUNT(*) FROM parts").fetchone()[0] > 10
    assert conn.execute("SELECT COUNT(*) FROM provenance").fetchone()[0] > 20


def test_a_requested_stop_ends_the_run_as_interrupted_and_a_rerun_finishes(
    sample_dir: Path, tmp_path: Path
) -> None:
    # The CLI asks `stop` after each file: a Ctrl-C whose KeyboardInterrupt Python ignored (raised in a
    # garbage collector's callback) still ends the run, with every finished batch kept.
    seen: list[int] = []

    def stop() -> bool:
        seen.append(1)
        return len(seen) > 3

    db = tmp_path / "stopped.db"
    with Archive(db) as archive:
        with pytest.raises(KeyboardInterrupt):
            ingest([sample_dir], archive, batch_size=2, stop=stop)
        assert archive.runs()[-1]["status"] == "interrupted"
        assert archive.stats()["documents"] == 2  # the one batch finished before the stop
        again = ingest([sample_dir], archive)
        assert (again.counts.new, again.counts.unchanged, again.status) == (3, 2, "completed")


def test_originals_are_packed_in_zlibs_format_and_no_larger_than_zlib_makes_them(corpus: Path) -> None:
    import zlib

    from archivist.store import pack_original

    pages = sorted(corpus.rglob("*.htm*"))[:60]
    packed = zlib_size = raw = 0
    for page in pages:
        data = page.read_bytes()
        out, how = pack_original(data)
        assert how == "zlib" and zlib.decompress(out) == data, page  # the standard library reads it back
        packed, zlib_size, raw = packed + len(out), zlib_size + len(zlib.compress(data, 2)), raw + len(data)
    assert packed <= 1.02 * zlib_size < raw, (packed, zlib_size, raw)
    assert pack_original(b"ab") == (b"ab", "none")  # nothing to gain: kept as it is


def test_changed_file_makes_a_new_version_and_keeps_the_old(sample_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    target = sample_dir / SAMPLE[0]
    with Archive(db) as archive:
        ingest([sample_dir], archive)
        old = archive.document_at(f"pages/{SAMPLE[0]}")
        target.write_bytes(target.read_bytes().replace(b"Cordially yours", b"Fraternally yours"))
        report = ingest([sample_dir], archive)
        assert (report.counts.changed, report.counts.unchanged) == (1, 4)
        new = archive.document_at(f"pages/{SAMPLE[0]}")
        assert old is not None and new is not None
        assert old.id == new.id and old.version != new.version  # one document, a new version
        kept = archive.document(old.version or "")
        assert kept is not None and kept.status == "superseded" and "Cordially yours" in kept.text
        assert "Fraternally yours" in new.text
        assert [d.id for d in archive.documents()].count(new.id) == 1
        assert [v["version"] for v in archive.versions(new.id)] == [old.version, new.version]
        versions = archive.conn.execute(
            "SELECT version FROM file_versions WHERE path=?", (f"pages/{SAMPLE[0]}",)
        )
        assert [v[0] for v in versions] == [1, 2]


def test_bad_files_are_failures_and_the_batch_goes_on(sample_dir: Path, tmp_path: Path) -> None:
    (sample_dir / "empty.txt").write_bytes(b"")
    (sample_dir / "binary.htm").write_bytes(b"\x00\x01\x02\x03" * 500)
    (sample_dir / "latin.txt").write_bytes("Caf\xe9 au lait, written in Paris.".encode("latin-1"))
    with Archive(tmp_path / "a.db") as archive:
        report = ingest([sample_dir], archive)
        reasons = {Path(p).name: r for p, r, _ in report.counts.failures}
        assert reasons == {"empty.txt": "empty", "binary.htm": "binary"}
        assert archive.stats()["documents"] == 6
        assert {f["reason"] for f in archive.failures()} == {"empty", "binary"}
        # re-running: the failures stay failures, nothing duplicates
        again = ingest([sample_dir], archive)
        assert again.counts.new == 0 and archive.stats()["failures"] == 2


def test_process_pool_gives_the_same_archive(sample_dir: Path, tmp_path: Path) -> None:
    with Archive(tmp_path / "serial.db") as a, Archive(tmp_path / "pool.db") as b:
        ingest([sample_dir], a)
        ingest([sample_dir], b, executor=pool_executor(2))
        left = [d.to_record() for d in a.documents()]
        right = [d.to_record() for d in b.documents()]
        assert left == right


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "future.db"
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    from archivist.errors import StoreError

    with pytest.raises(StoreError, match="newer"):
        Archive(db)


@pytest.mark.slow
def test_kill_9_loses_nothing_and_rerun_finishes(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    cmd = [
        sys.executable,
        "-m",
        "archivist.cli",
        "ingest",
        str(corpus),
        "--db",
        str(db),
        "--batch-size",
        "8",
        "-q",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    committed = 0
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.3)
        try:
            conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
            committed = conn.execute("SELECT COUNT(*) FROM files").fetchone()[0]
            conn.close()
        except sqlite3.Error:
            continue
        if committed >= 40:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert committed >= 40
    with Archive(db) as archive:
        kept = archive.stats()["files"]
        assert kept >= committed
    subprocess.run(cmd, check=False)
    with Archive(db) as archive:
        stats = archive.stats()
        total = stats["files"]
        paths = [r[0] for r in archive.conn.execute("SELECT path FROM files")]
        assert len(paths) == len(set(paths)) == total
        assert total >= 529
        runs = archive.runs()
        assert runs[0]["status"] == "running" and runs[-1]["status"] == "completed"
        ids = [r[0] for r in archive.conn.execute("SELECT id FROM documents")]
        assert len(ids) == len(set(ids))
    assert (
        json.loads(
            subprocess.run(
                [sys.executable, "-m", "archivist.cli", "stats", "--db", str(db), "--format", "json"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )["files"]
        == total
    )


def test_storage_and_trial_fulltext_index(sample_dir: Path, tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as archive:
        ingest([sample_dir], archive)
        storage = archive.storage()
        assert storage["bytes"] > 0 and storage["text_chars"] > 1000
        assert not storage["by_table"] or storage["by_table"]["blobs"] > 0
        trial = archive.trial_fulltext_index()
        assert trial["documents"] == 5 and trial["bytes"] > 0
        assert "trial_fts" not in archive.storage()["by_table"]  # measured, then dropped


def test_a_requested_stop_ends_an_enrichment_after_a_stored_batch_and_a_rerun_finishes(
    sample_dir: Path, tmp_path: Path
) -> None:
    # enrich, annotate and reuse ask the same `stop` after each stored batch (or round).
    from archivist.enrich import run_stages

    db = tmp_path / "stopped.db"
    with Archive(db) as archive:
        ingest([sample_dir], archive)
        with pytest.raises(KeyboardInterrupt):
            run_stages(archive, ["paragraphs"], batch_size=2, stop=lambda: True)
        assert len(archive.stage_todo("paragraphs", _stage_version("paragraphs"))) == 3  # 2 of 5 kept
        report = run_stages(archive, ["paragraphs"], batch_size=2)[0]
        assert (report["documents"], report["up_to_date"]) == (3, 2)


def _stage_version(name: str) -> str:
    from archivist.enrich.stage import STAGES

    return STAGES[name].version

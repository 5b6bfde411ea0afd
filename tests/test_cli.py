"""The command line: every command documented, JSON where output is data, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from archivist.cli import main

COMMANDS = ["ingest", "extract", "show", "original", "stats", "failures", "collections", "correct", "corrections",
            "annotate", "datasette", "eval", "eval metadata", "eval seeds", "enrich", "entities", "entity",
            "timeline", "eval entities", "eval dates"]  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = CliRunner().invoke(main, [*command.split(), "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output and len(result.output) > 200


def test_extract_jsonl_on_seeds(seeds: Path) -> None:
    files = sorted(str(p) for p in seeds.glob("*.txt"))
    result = CliRunner().invoke(main, ["extract", *files, "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert len(records) == 2
    for record in records:
        for key in ("path", "id", "title", "authors", "date_written", "date_published", "source", "source_title",
                    "source_volume", "source_issue", "source_page", "place", "translator", "transcriber", "rights",
                    "language", "doc_type", "classification", "addressee", "text", "parts"):  # fmt: skip
            assert key in record
    assert records[0]["title"] == "Sees Closer Hitler-Stalin Ties"


def test_ingest_stats_show_roundtrip(seeds: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", str(seeds), "--db", db, "-q"])
    assert result.exit_code == 0, result.output
    stats = json.loads(runner.invoke(main, ["stats", "--db", db, "--format", "json"]).output)
    assert (stats["documents"], stats["files"], stats["failures"]) == (2, 2, 0)
    shown = json.loads(runner.invoke(main, ["show", "--path", "seeds/004_70679b953d481df7.txt", "--db", db,
                                            "--format", "json"]).output)  # fmt: skip
    assert shown["classification"] == "Secret"
    by_id = runner.invoke(main, ["show", shown["id"], "--db", db])
    assert by_id.exit_code == 0 and "A Letter to the Politburo" in by_id.output


def test_failures_set_exit_code_3(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    (tmp_path / "in" / "ok.txt").write_text("A Title\n\nSome text of a page, long enough to be a page.\n")
    result = CliRunner().invoke(main, ["ingest", str(tmp_path / "in"), "--db", str(tmp_path / "a.db"), "-q"])
    assert result.exit_code == 3
    assert "empty.txt: the file is empty or only whitespace [empty]" in result.output


def test_missing_archive_is_one_line_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["stats", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert "no archive here" in result.output


def test_eval_metadata_by_source(tmp_path: Path) -> None:
    from tests.conftest import GOLD, shared_or_skip

    gold = shared_or_skip(GOLD / "metadata-dev.jsonl")
    result = CliRunner().invoke(
        main, ["eval", "metadata", "--gold", str(gold), "--by-source", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    groups = json.loads(result.output)
    assert {"mia-mass-edits", "wikirouge-mecw"} <= set(groups)
    assert sum(g["n"] for g in groups.values()) == 66

"""Write docs/cli.md from the commands' own --help, so the reference never drifts (Datasette's cog
habit). `make docs` runs it; tests/test_docs.py fails when the file is out of date."""

from __future__ import annotations

import sys
from pathlib import Path

from click.testing import CliRunner

from archivist.cli import main

COMMANDS = [[], ["ingest"], ["extract"], ["show"], ["stats"], ["failures"], ["eval"], ["eval", "metadata"],
            ["eval", "seeds"], ["enrich"], ["entities"], ["entity"], ["timeline"], ["eval", "entities"],
            ["eval", "dates"]]  # fmt: skip
TARGET = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def render() -> str:
    runner = CliRunner()
    out = ["# Command-line reference", "", "Generated from each command's `--help` by `make docs`.", ""]
    for command in COMMANDS:
        result = runner.invoke(main, [*command, "--help"], prog_name="archivist", terminal_width=100)
        out += [f"## archivist {' '.join(command)}".rstrip(), "", "```", result.output.rstrip(), "```", ""]
    return "\n".join(out)


if __name__ == "__main__":
    TARGET.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {TARGET}\n")

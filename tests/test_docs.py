"""Documentation that cannot drift: the CLI reference is generated from --help, and the README
opens with the two set-up commands."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_cli_reference_is_current() -> None:
    spec = importlib.util.spec_from_file_location("cli_docs", ROOT / "tools" / "cli_docs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == module.render(), "run `make docs`"


def test_readme_opens_with_the_two_commands() -> None:
    lines = [line for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines() if line.strip()]
    commands = [line.split("#")[0].strip() for line in lines[2:4]]
    assert lines[1] == "```" and commands == ["make demo", "make test"]

"""Shared fixtures: the real files of ../shared (never copied into the repository)."""

from __future__ import annotations

from pathlib import Path

import pytest

from archivist.model import Document
from archivist.pipeline import extract_file

SHARED = (Path(__file__).resolve().parents[1] / ".." / "shared").resolve()
CORPUS = SHARED / "corpus"
SEEDS = SHARED / "seeds"
GOLD = SHARED / "gold"


def shared_or_skip(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared data not found at {path}")
    return path


@pytest.fixture(scope="session")
def corpus() -> Path:
    return shared_or_skip(CORPUS)


@pytest.fixture(scope="session")
def seeds() -> Path:
    return shared_or_skip(SEEDS)


@pytest.fixture(scope="session")
def wide() -> Path:
    return shared_or_skip(SHARED / "corpus-wide")


def extracted(root: Path, rel: str) -> Document:
    """The document `extract_file` makes of one real file, named as an ingest of `root` names it."""
    result = extract_file(str(root / rel), rel)
    assert result.document is not None, result.failure_detail
    return result.document

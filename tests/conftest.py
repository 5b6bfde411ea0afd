"""Shared fixtures: the real files of ../shared (never copied into the repository)."""

from __future__ import annotations

from pathlib import Path

import pytest

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

"""Shared, generic fixtures: the seed articles (when present) and a fresh store per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from storytrace.store import SQLiteStore, open_store

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The five real seed articles in ../shared/seeds; skips when that folder is absent."""
    path = SHARED / "seeds"
    if not path.is_dir():
        pytest.skip(f"seed articles not available ({path} is absent)")
    return path


@pytest.fixture
def tmp_store(tmp_path: Path) -> Iterator[SQLiteStore]:
    """An empty store in a temporary file, closed after the test."""
    with open_store(tmp_path / "store.db") as store:
        yield store

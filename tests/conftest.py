"""Shared, generic fixtures: the seed articles (when present) and a fresh store per test."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from storytrace.store import SQLiteStore, open_store

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def load_bench(name: str) -> ModuleType:
    """Import bench/<name>.py, so tests pin floors on its functions. bench/ is not an installed package: it
    is registered from its folder first, so its modules import each other and its helpers as they do when
    run with `python -m bench.<name>`."""
    if "bench" not in sys.modules:
        folder = ROOT / "bench"
        spec = importlib.util.spec_from_file_location(
            "bench", folder / "__init__.py", submodule_search_locations=[str(folder)]
        )
        assert spec and spec.loader
        package = importlib.util.module_from_spec(spec)
        sys.modules["bench"] = package
        spec.loader.exec_module(package)
    return importlib.import_module(f"bench.{name}")


@pytest.fixture(scope="session")
def msrp() -> ModuleType:
    """bench/reuse_msrp.py; skips when the MSRP data is absent."""
    module = load_bench("reuse_msrp")
    if not module.MSRP.exists():
        pytest.skip("MSRP not available under ../shared/data")
    return module


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


@pytest.fixture(scope="session")
def synth() -> ModuleType:
    """bench/reuse_synth.py; skips when its PolNeAR and MSRP inputs are absent."""
    module = load_bench("reuse_synth")
    if not (module.POLNEAR.is_dir() and module.MSRP.exists()):
        pytest.skip("PolNeAR / MSRP data not available under ../shared/data")
    return module


@pytest.fixture(scope="session")
def timeline_tense() -> ModuleType:
    """bench/timeline_tense.py; skips when PolNeAR is absent."""
    module = load_bench("timeline_tense")
    if not module.DATA.is_dir():
        pytest.skip("PolNeAR not available under ../shared/data")
    return module


@pytest.fixture(scope="session")
def timeline_anaphora(timeline_tense: ModuleType) -> ModuleType:
    """bench/timeline_anaphora.py, which reads PolNeAR through bench/timeline_tense.py (skipped with it)."""
    return load_bench("timeline_anaphora")


@pytest.fixture(scope="session")
def entities_polnear(timeline_tense: ModuleType) -> ModuleType:
    """bench/entities_polnear.py, which reads PolNeAR where bench/timeline_tense.py does (skipped with it)."""
    return load_bench("entities_polnear")


@pytest.fixture(scope="session")
def stories_quality() -> ModuleType:
    """bench/stories_quality.py (its functions; a test passes the data it reads)."""
    return load_bench("stories_quality")

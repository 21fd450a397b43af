#!/usr/bin/env python3
"""Independent BLOOM forward pass in NumPy, written from the equations of the BLOOM and ALiBi
papers (Press et al. 2022) and the Hugging Face BloomForCausalLM, to check promptlab's Java
implementation (dev.promptlab.model.hf.bloom.Bloom). No torch, no DJL; safetensors parsed by hand
(shared with gpt2_reference.py); float64 throughout.

Usage:
    python3 tools/bloom_reference.py MODEL_DIR INPUT.json OUTPUT.json

MODEL_DIR   config.json (HF BLOOM keys: vocab_size, hidden_size or n_embed, n_layer, n_head,
            layer_norm_epsilon, apply_residual_connection_post_layernorm) and model.safetensors
            (names with or without "transformer.")
INPUT.json  {"sequences": [[id, ...], ...]}      (unpadded; lengths may differ)
OUTPUT.json {"log_probs": [[[V floats] per position] per sequence]}

Equations (sequence of T tokens):
    h = LN_emb(E[ids])                                           (T, C)
    block:  a = LN1(h);  f = a Wqkv^T + bqkv, read per head as (H, 3, D): q_h, k_h, v_h
            scores_h[i, j] = q_h[i] . k_h[j] / sqrt(D) - m_h (i - j)   for j <= i   (ALiBi)
            y_h = softmax(scores_h) v_h;   r = a if post-LN residual else h
            g = r + concat(y) Wd^T + bd;   b = LN2(g);  r = b if post-LN residual else g
            h = r + gelu(b W1^T + b1) W2^T + b2,  gelu(x) = 0.5 x (1 + tanh(0.79788456 x (1 + 0.044715 x^2)))
    logits = LN_f(h) E^T
    ALiBi slopes m (paper's get_slopes): for n a power of two, m_k = 2^(-8k/n), k = 1..n; otherwise
    the slopes of the largest power of two p < n followed by the first n - p of every other slope of 2p.
"""
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gpt2_reference import layer_norm, log_softmax  # noqa: E402
from reference_main import run  # noqa: E402


def power_of_two_slopes(n):
    return [2.0 ** (-8.0 * k / n) for k in range(1, n + 1)]


def slopes(n):
    if math.log2(n).is_integer():
        return power_of_two_slopes(n)
    p = 2 ** math.floor(math.log2(n))
    return power_of_two_slopes(p) + power_of_two_slopes(2 * p)[0::2][:n - p]


def gelu(x):
    return 0.5 * x * (1.0 + np.tanh(0.79788456 * x * (1.0 + 0.044715 * x * x)))


def forward(w, cfg, ids):
    C = cfg.get("n_embed") or cfg["hidden_size"]
    H = cfg.get("num_attention_heads") or cfg["n_head"]
    L = cfg.get("num_hidden_layers") or cfg["n_layer"]
    D = C // H
    eps = cfg.get("layer_norm_epsilon", 1e-5)
    post = cfg.get("apply_residual_connection_post_layernorm", False)
    T = len(ids)
    m = np.asarray(slopes(H))
    distance = np.arange(T)[:, None] - np.arange(T)[None, :]             # i - j
    causal = np.where(distance < 0, -np.inf, 0.0)

    def ln(z, name):
        return layer_norm(z, w[name + ".weight"], w[name + ".bias"], eps)

    def lin(z, name):
        return z @ w[name + ".weight"].T + w[name + ".bias"]

    h = ln(w["word_embeddings.weight"][np.asarray(ids)], "word_embeddings_layernorm")
    for i in range(L):
        p = "h.%d." % i
        a = ln(h, p + "input_layernorm")
        f = lin(a, p + "self_attention.query_key_value").reshape(T, H, 3, D)
        out = np.zeros((T, H, D))
        for j in range(H):
            q, k, v = f[:, j, 0], f[:, j, 1], f[:, j, 2]
            scores = q @ k.T / np.sqrt(D) - m[j] * distance + causal
            att = np.exp(scores - scores.max(axis=-1, keepdims=True))
            out[:, j] = (att / att.sum(axis=-1, keepdims=True)) @ v
        g = (a if post else h) + lin(out.reshape(T, C), p + "self_attention.dense")
        b = ln(g, p + "post_attention_layernorm")
        h = (b if post else g) + lin(gelu(lin(b, p + "mlp.dense_h_to_4h")), p + "mlp.dense_4h_to_h")
    h = ln(h, "ln_f")
    return log_softmax(h @ w["word_embeddings.weight"].T)                # (T, V)


if __name__ == "__main__":
    # gpt2_reference.read_safetensors already strips a "transformer." prefix
    sys.exit(run(sys.argv, __doc__, "bloom", forward))

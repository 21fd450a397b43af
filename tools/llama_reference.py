#!/usr/bin/env python3
"""Independent Llama / Mistral / Qwen2 forward pass in NumPy, written from the published equations.

It exists to check promptlab's Java implementation (dev.promptlab.model.hf.llama.Llama) against
code that shares nothing with it: no torch, no DJL, safetensors parsed by hand, float64 throughout.

Usage:
    python3 tools/llama_reference.py MODEL_DIR INPUT.json OUTPUT.json

MODEL_DIR   a directory with config.json (Hugging Face keys: model_type llama, mistral or qwen2,
            vocab_size, hidden_size, num_hidden_layers, num_attention_heads, num_key_value_heads,
            head_dim, rms_norm_eps, rope_theta, rope_scaling (null, linear or llama3),
            tie_word_embeddings) and model.safetensors (F32, F16 or BF16)
INPUT.json  {"sequences": [[id, id, ...], ...]}  (sequences may differ in length)
OUTPUT.json {"log_probs": [ [[V floats] for each position] for each sequence ]}
            log-softmax over the vocabulary at every position, computed in float64 and rounded
            to 7 decimals (far below the 1e-4 tolerance of the tests; keeps fixtures small).

Equations (Touvron et al. 2023; Su et al. 2021 (RoPE); Ainslie et al. 2023 (GQA); Shazeer 2020
(SwiGLU); the Hugging Face LlamaForCausalLM):
    h0 = E[ids]                                           E = model.embed_tokens.weight (V, C)
    for each layer:
        a = rms(h) * w_in                                 rms(x) = x / sqrt(mean(x^2) + eps)
        q = a Wq^T (+ bq), k = a Wk^T (+ bk), v = a Wv^T (+ bv)    biases where the file has them
        split q into H heads, k and v into KV heads of size D
        rotate q and k at positions 0..T-1 (pairs (j, j + D/2), angle pos * f_j,
            f_j = 1 / theta^(2j / D), rope_scaling applied to f):
            x'_j       = x_j cos - x_{j+D/2} sin
            x'_{j+D/2} = x_{j+D/2} cos + x_j sin
        query head i uses key/value head i // (H / KV)
        att = softmax(q k^T / sqrt(D) + causal(-inf above the diagonal));  y = att v
        h = h + concat_heads(y) Wo^T (+ bo)
        m = rms(h) * w_post
        h = h + (silu(m Wg^T) * (m Wu^T)) Wd^T            silu(x) = x / (1 + exp(-x))
    logits = (rms(h) * w_norm) W_head^T     W_head = lm_head.weight, or E if tie_word_embeddings
"""
import json
import math
import sys

import numpy as np

# The hand-written safetensors parser and log-softmax of the GPT-2 reference beside this file
# (itself independent of the Java code); its "transformer." renaming never touches llama names.
from gpt2_reference import log_softmax, read_safetensors


def frequencies(cfg, d):
    """RoPE frequencies f_j, j < D/2, with rope_scaling (Hugging Face's rope init functions)."""
    theta = float(cfg.get("rope_theta", 10000.0))
    f = np.array([theta ** (-2.0 * j / d) for j in range(d // 2)])
    scaling = cfg.get("rope_scaling")
    if scaling is None:
        return f
    kind = scaling.get("rope_type", scaling.get("type", "default"))
    if kind == "default":
        return f
    if kind == "linear":
        return f / scaling["factor"]
    if kind == "llama3":
        factor = scaling["factor"]
        low = scaling["low_freq_factor"]
        high = scaling["high_freq_factor"]
        old = scaling["original_max_position_embeddings"]
        out = []
        for fj in f:
            wavelength = 2 * math.pi / fj
            if wavelength < old / high:
                out.append(fj)
            elif wavelength > old / low:
                out.append(fj / factor)
            else:
                s = (old / wavelength - low) / (high - low)
                out.append((1 - s) * fj / factor + s * fj)
        return np.array(out)
    raise ValueError("rope_scaling type %r not supported" % kind)


def rms_norm(x, w, eps):
    return x / np.sqrt((x * x).mean(axis=-1, keepdims=True) + eps) * w


def rope(x, pos, f):
    """x: (N, T, D) heads; pos: (T,). Rotates pair (j, j + D/2) by pos * f_j."""
    half = x.shape[-1] // 2
    angle = pos[:, None] * f[None, :]                                    # (T, D/2)
    cos, sin = np.cos(angle), np.sin(angle)
    x1, x2 = x[..., :half], x[..., half:]
    return np.concatenate([x1 * cos - x2 * sin, x2 * cos + x1 * sin], axis=-1)


def linear(w, name, x):
    y = x @ w[name + ".weight"].T
    if name + ".bias" in w:
        y = y + w[name + ".bias"]
    return y


def forward(w, cfg, ids):
    C = cfg["hidden_size"]
    H = cfg["num_attention_heads"]
    KV = cfg.get("num_key_value_heads") or H
    D = cfg.get("head_dim") or C // H
    eps = cfg.get("rms_norm_eps", 1e-6)
    T = len(ids)
    f = frequencies(cfg, D)
    pos = np.arange(T, dtype=np.float64)
    h = w["model.embed_tokens.weight"][np.asarray(ids)]                  # (T, C)
    causal = np.triu(np.full((T, T), -np.inf), k=1)                      # (T, T)
    for i in range(cfg["num_hidden_layers"]):
        p = "model.layers.%d." % i
        a = rms_norm(h, w[p + "input_layernorm.weight"], eps)
        q = linear(w, p + "self_attn.q_proj", a).reshape(T, H, D).transpose(1, 0, 2)    # (H, T, D)
        k = linear(w, p + "self_attn.k_proj", a).reshape(T, KV, D).transpose(1, 0, 2)   # (KV, T, D)
        v = linear(w, p + "self_attn.v_proj", a).reshape(T, KV, D).transpose(1, 0, 2)   # (KV, T, D)
        q, k = rope(q, pos, f), rope(k, pos, f)
        heads = []
        for j in range(H):
            g = j // (H // KV)
            scores = q[j] @ k[g].T / math.sqrt(D) + causal               # (T, T)
            att = np.exp(scores - scores.max(axis=-1, keepdims=True))
            att = att / att.sum(axis=-1, keepdims=True)
            heads.append(att @ v[g])                                      # (T, D)
        h = h + linear(w, p + "self_attn.o_proj", np.concatenate(heads, axis=-1))
        m = rms_norm(h, w[p + "post_attention_layernorm.weight"], eps)
        gate = linear(w, p + "mlp.gate_proj", m)
        h = h + linear(w, p + "mlp.down_proj", gate / (1 + np.exp(-gate)) * linear(w, p + "mlp.up_proj", m))
    h = rms_norm(h, w["model.norm.weight"], eps)
    head = w["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings", False) else w["lm_head.weight"]
    return log_softmax(h @ head.T)                                        # (T, V)


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    model_dir, input_path, output_path = argv[1:]
    with open(model_dir + "/config.json") as f:
        cfg = json.load(f)
    if cfg.get("model_type") not in ("llama", "mistral", "qwen2"):
        raise ValueError("model_type must be llama, mistral or qwen2, got %r" % cfg.get("model_type"))
    if cfg.get("hidden_act", "silu") not in ("silu", "swish"):
        raise ValueError("hidden_act must be silu, got %r" % cfg.get("hidden_act"))
    w = read_safetensors(model_dir + "/model.safetensors")
    with open(input_path) as f:
        sequences = json.load(f)["sequences"]
    out = [np.round(forward(w, cfg, seq), 7).tolist() for seq in sequences]
    with open(output_path, "w") as f:
        json.dump({"log_probs": out}, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

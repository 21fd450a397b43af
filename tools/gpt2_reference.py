#!/usr/bin/env python3
"""Independent GPT-2 forward pass in NumPy, written from the published equations.

It exists to check promptlab's Java implementation (dev.promptlab.model.Gpt) against code that
shares nothing with it: no torch, no DJL, safetensors parsed by hand.

Usage:
    python3 tools/gpt2_reference.py MODEL_DIR INPUT.json OUTPUT.json

MODEL_DIR   a directory with config.json (Hugging Face GPT-2 keys: vocab_size, n_positions,
            n_embd, n_layer, n_head, n_inner, layer_norm_epsilon) and model.safetensors
            (F32, F16 or BF16; names with or without a "transformer." prefix)
INPUT.json  {"sequences": [[id, id, ...], ...]}  (sequences may differ in length)
OUTPUT.json {"log_probs": [ [[V floats] for each position] for each sequence ]}
            log-softmax over the vocabulary at every position, computed in float64.

Equations (Radford et al. 2019; the Hugging Face GPT2LMHeadModel):
    h0 = wte[ids] + wpe[0..T-1]
    for each block:  a = LN1(h);  q,k,v = split(a @ Wqkv + bqkv);  per head:
                     att = softmax(q k^T / sqrt(D) + causal(-inf above the diagonal));  y = att v
                     h = h + concat_heads(y) @ Wproj + bproj
                     h = h + gelu_tanh(LN2(h) @ Wfc + bfc) @ Wfcproj + bfcproj
    logits = LN_f(h) @ wte^T
    gelu_tanh(x) = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    LN(x) = (x - mean) / sqrt(var + eps) * g + b   (biased variance, over the last axis)
"""
import json
import struct
import sys

import numpy as np


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    body = data[8 + n:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        raw = body[begin:end]
        shape = tuple(info["shape"])
        dtype = info["dtype"]
        if dtype == "F32":
            arr = np.frombuffer(raw, dtype="<f4")
        elif dtype == "F16":
            arr = np.frombuffer(raw, dtype="<f2")
        elif dtype == "BF16":
            u16 = np.frombuffer(raw, dtype="<u2").astype(np.uint32)
            arr = (u16 << 16).view(np.float32)
        else:
            raise ValueError("unsupported dtype %s for %s" % (dtype, name))
        if name.startswith("transformer."):
            name = name[len("transformer."):]
        out[name] = arr.reshape(shape).astype(np.float64)
    return out


def layer_norm(x, g, b, eps):
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * g + b


def gelu_tanh(x):
    return 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x ** 3)))


def log_softmax(x):
    m = x.max(axis=-1, keepdims=True)
    z = x - m
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def forward(w, cfg, ids):
    C = cfg["n_embd"]
    H = cfg["n_head"]
    D = C // H
    L = cfg["n_layer"]
    eps = cfg.get("layer_norm_epsilon", 1e-5)
    T = len(ids)
    if T > cfg["n_positions"]:
        raise ValueError("sequence of %d tokens exceeds n_positions %d" % (T, cfg["n_positions"]))
    h = w["wte.weight"][np.asarray(ids)] + w["wpe.weight"][:T]          # (T, C)
    causal = np.triu(np.full((T, T), -np.inf), k=1)                      # (T, T)
    for i in range(L):
        p = "h.%d." % i
        a = layer_norm(h, w[p + "ln_1.weight"], w[p + "ln_1.bias"], eps)
        qkv = a @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]  # (T, 3C)
        q, k, v = qkv[:, :C], qkv[:, C:2 * C], qkv[:, 2 * C:]
        heads = []
        for j in range(H):
            s = slice(j * D, (j + 1) * D)
            scores = q[:, s] @ k[:, s].T / np.sqrt(D) + causal               # (T, T)
            scores = scores - scores.max(axis=-1, keepdims=True)
            att = np.exp(scores)
            att = att / att.sum(axis=-1, keepdims=True)
            heads.append(att @ v[:, s])                                       # (T, D)
        y = np.concatenate(heads, axis=-1)                                    # (T, C)
        h = h + y @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"]
        m = layer_norm(h, w[p + "ln_2.weight"], w[p + "ln_2.bias"], eps)
        f = gelu_tanh(m @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"])
        h = h + f @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"]
    h = layer_norm(h, w["ln_f.weight"], w["ln_f.bias"], eps)
    return log_softmax(h @ w["wte.weight"].T)                                 # (T, V)


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    model_dir, input_path, output_path = argv[1:]
    with open(model_dir + "/config.json") as f:
        cfg = json.load(f)
    if cfg.get("model_type") != "gpt2":
        raise ValueError("model_type must be gpt2, got %r" % cfg.get("model_type"))
    w = read_safetensors(model_dir + "/model.safetensors")
    with open(input_path) as f:
        sequences = json.load(f)["sequences"]
    out = [forward(w, cfg, seq).tolist() for seq in sequences]
    with open(output_path, "w") as f:
        json.dump({"log_probs": out}, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
"""Independent OPT forward pass in NumPy, written from the equations of the OPT paper and the
Hugging Face OPTForCausalLM, to check promptlab's Java implementation (dev.promptlab.model.hf.opt.Opt).
No torch, no DJL; safetensors parsed by hand (shared with gpt2_reference.py); float64 throughout.

Usage:
    python3 tools/opt_reference.py MODEL_DIR INPUT.json OUTPUT.json

MODEL_DIR   config.json (HF OPT keys: vocab_size, hidden_size, num_hidden_layers,
            num_attention_heads, ffn_dim, max_position_embeddings, word_embed_proj_dim,
            do_layer_norm_before, _remove_final_layer_norm) and model.safetensors
            (names with "model.decoder." or "decoder.")
INPUT.json  {"sequences": [[id, ...], ...]}      (unpadded; lengths may differ)
OUTPUT.json {"log_probs": [[[V floats] per position] per sequence]}

Equations (sequence of T tokens, positions 0..T-1, no padding):
    x   = E[ids]                                 (T, E)   token embeddings, E = word_embed_proj_dim
    x   = x Win^T          if E != C             (T, C)   project_in
    h0  = x + P[pos + 2]                         (T, C)   learned positions, offset 2
    block (pre-LN, do_layer_norm_before):
        a = LN1(h);  q = (a Wq^T + bq) / sqrt(D);  k = a Wk^T + bk;  v = a Wv^T + bv
        per head: y = softmax(q k^T + causal) v;   h = h + concat(y) Wo^T + bo
        h = h + relu(LN2(h) W1^T + b1) W2^T + b2
    block (post-LN): h = LN1(h + attn(h));  h = LN2(h + mlp(h))
    h = LN_f(h)            if pre-LN and not _remove_final_layer_norm
    h = h Wout^T           if E != C             (T, E)   project_out
    logits = h E^T,  log_probs = log_softmax(logits)
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gpt2_reference import layer_norm, log_softmax  # noqa: E402
from reference_main import run  # noqa: E402


def decoder_name(name):
    """Checkpoint name -> name inside the decoder ("model.decoder.x" and "decoder.x" -> "x")."""
    if name.startswith("model."):
        name = name[len("model."):]
    return name[len("decoder."):] if name.startswith("decoder.") else None


def forward(w, cfg, ids):
    C = cfg["hidden_size"]
    H = cfg["num_attention_heads"]
    D = C // H
    E = cfg.get("word_embed_proj_dim") or C
    pre = cfg.get("do_layer_norm_before", True)
    eps = 1e-5
    T = len(ids)
    if T > cfg["max_position_embeddings"]:
        raise ValueError("%d tokens exceed max_position_embeddings" % T)
    x = w["embed_tokens.weight"][np.asarray(ids)]                        # (T, E)
    if E != C:
        x = x @ w["project_in.weight"].T                                 # (T, C)
    h = x + w["embed_positions.weight"][np.arange(T) + 2]                # (T, C)
    causal = np.triu(np.full((T, T), -np.inf), k=1)
    for i in range(cfg["num_hidden_layers"]):
        p = "layers.%d." % i

        def lin(z, name):
            return z @ w[p + name + ".weight"].T + w[p + name + ".bias"]

        def ln(z, name):
            return layer_norm(z, w[p + name + ".weight"], w[p + name + ".bias"], eps)

        a = ln(h, "self_attn_layer_norm") if pre else h
        q = lin(a, "self_attn.q_proj") / np.sqrt(D)
        k = lin(a, "self_attn.k_proj")
        v = lin(a, "self_attn.v_proj")
        out = np.zeros((T, C))
        for j in range(H):
            s = slice(j * D, (j + 1) * D)
            scores = q[:, s] @ k[:, s].T + causal
            att = np.exp(scores - scores.max(axis=-1, keepdims=True))
            out[:, s] = (att / att.sum(axis=-1, keepdims=True)) @ v[:, s]
        h = h + lin(out, "self_attn.out_proj")
        if not pre:
            h = ln(h, "self_attn_layer_norm")
        m = ln(h, "final_layer_norm") if pre else h
        h = h + lin(np.maximum(lin(m, "fc1"), 0.0), "fc2")
        if not pre:
            h = ln(h, "final_layer_norm")
    if pre and not cfg.get("_remove_final_layer_norm", False):
        h = layer_norm(h, w["final_layer_norm.weight"], w["final_layer_norm.bias"], eps)
    if E != C:
        h = h @ w["project_out.weight"].T                                # (T, E)
    return log_softmax(h @ w["embed_tokens.weight"].T)                   # (T, V)


if __name__ == "__main__":
    sys.exit(run(sys.argv, __doc__, "opt", forward, decoder_name))

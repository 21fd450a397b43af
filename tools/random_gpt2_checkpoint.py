#!/usr/bin/env python3
"""Writes a randomly initialised GPT-2 checkpoint in the exact Hugging Face layout, of any size.

No weights can be downloaded here, so load-time and memory figures for large models (GPT-2 XL,
1.5B parameters) are measured on a checkpoint of the same shapes and byte layout as the real one:
config.json with GPT-2's keys, model.safetensors with GPT-2's tensor names (Conv1D (in, out)
layout, F16 or F32), and a byte-level BPE tokenizer (vocab.json + merges.txt) holding the 256
byte symbols and <|endoftext|>, so the model reads any text.

Usage:
    python3 tools/random_gpt2_checkpoint.py OUT_DIR [--preset xl|large|medium|small] [--dtype F16|F32]
                                             [--shards N] [--seed S]
"""
import argparse
import json
import os
import struct

import numpy as np

PRESETS = {  # n_layer, n_embd, n_head
    "small": (12, 768, 12),
    "medium": (24, 1024, 16),
    "large": (36, 1280, 20),
    "xl": (48, 1600, 25),
}
VOCAB = 50257
POSITIONS = 1024


def shapes(n_layer, c):
    out = [("wte.weight", (VOCAB, c)), ("wpe.weight", (POSITIONS, c))]
    for i in range(n_layer):
        p = f"h.{i}."
        out += [(p + "ln_1.weight", (c,)), (p + "ln_1.bias", (c,)),
                (p + "attn.c_attn.weight", (c, 3 * c)), (p + "attn.c_attn.bias", (3 * c,)),
                (p + "attn.c_proj.weight", (c, c)), (p + "attn.c_proj.bias", (c,)),
                (p + "ln_2.weight", (c,)), (p + "ln_2.bias", (c,)),
                (p + "mlp.c_fc.weight", (c, 4 * c)), (p + "mlp.c_fc.bias", (4 * c,)),
                (p + "mlp.c_proj.weight", (4 * c, c)), (p + "mlp.c_proj.bias", (c,))]
    out += [("ln_f.weight", (c,)), ("ln_f.bias", (c,))]
    return out


def tensor(name, shape, rng, dtype):
    if name.endswith("ln_1.weight") or name.endswith("ln_2.weight") or name == "ln_f.weight":
        a = np.ones(shape, dtype=np.float32)
    elif name.endswith(".bias"):
        a = np.zeros(shape, dtype=np.float32)
    else:
        a = rng.standard_normal(shape, dtype=np.float32) * np.float32(0.02)
    return a.astype(np.float16 if dtype == "F16" else np.float32)


def write_safetensors(path, items, dtype, rng):
    width = 2 if dtype == "F16" else 4
    header, offset = {}, 0
    for name, shape in items:
        n = int(np.prod(shape)) * width
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + n]}
        offset += n
    header["__metadata__"] = {"format": "pt"}
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * ((8 - len(raw) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for name, shape in items:
            f.write(tensor(name, shape, rng, dtype).tobytes())


def byte_symbols():
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    out, n = {}, 0
    for b in range(256):
        if b in keep:
            out[b] = chr(b)
        else:
            out[b] = chr(256 + n)
            n += 1
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--preset", default="xl", choices=sorted(PRESETS))
    ap.add_argument("--dtype", default="F16", choices=["F16", "F32"])
    ap.add_argument("--shards", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    n_layer, c, n_head = PRESETS[a.preset]
    os.makedirs(a.out, exist_ok=True)
    rng = np.random.default_rng(a.seed)
    items = shapes(n_layer, c)
    if a.shards == 1:
        write_safetensors(os.path.join(a.out, "model.safetensors"), items, a.dtype, rng)
    else:
        per = (len(items) + a.shards - 1) // a.shards
        weight_map = {}
        for s in range(a.shards):
            name = f"model-{s + 1:05d}-of-{a.shards:05d}.safetensors"
            part = items[s * per:(s + 1) * per]
            write_safetensors(os.path.join(a.out, name), part, a.dtype, rng)
            weight_map.update({n: name for n, _ in part})
        with open(os.path.join(a.out, "model.safetensors.index.json"), "w") as f:
            json.dump({"metadata": {}, "weight_map": weight_map}, f, indent=1)
    config = {"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "vocab_size": VOCAB,
              "n_positions": POSITIONS, "n_ctx": POSITIONS, "n_embd": c, "n_layer": n_layer, "n_head": n_head,
              "n_inner": None, "activation_function": "gelu_new", "layer_norm_epsilon": 1e-5,
              "bos_token_id": 50256, "eos_token_id": 50256, "tie_word_embeddings": True,
              "torch_dtype": "float16" if a.dtype == "F16" else "float32"}
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    sym = byte_symbols()
    vocab = {sym[b]: b for b in range(256)}
    vocab["<|endoftext|>"] = 50256
    with open(os.path.join(a.out, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False)
    with open(os.path.join(a.out, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
    params = sum(int(np.prod(s)) for _, s in items)
    print(f"wrote {a.out}: gpt2 {a.preset}, {params / 1e9:.3f}B parameters, {a.dtype}, {a.shards} file(s)")


if __name__ == "__main__":
    main()

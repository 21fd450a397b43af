"""Command-line driver shared by the NumPy reference implementations (opt_reference.py,
bloom_reference.py): reads MODEL_DIR/config.json and model.safetensors, runs the script's forward
pass over each sequence of INPUT.json, writes OUTPUT.json = {"log_probs": [...]}."""
import json
import os
import sys

from gpt2_reference import read_safetensors


def run(argv, doc, model_type, forward, rename=lambda name: name):
    """forward(weights, cfg, ids) -> (T, V) log-probabilities; rename(name) -> key or None to drop."""
    if len(argv) != 4:
        sys.stderr.write(doc)
        return 2
    model_dir, input_path, output_path = argv[1:]
    with open(os.path.join(model_dir, "config.json")) as f:
        cfg = json.load(f)
    if cfg.get("model_type") != model_type:
        raise ValueError("model_type must be %s, got %r" % (model_type, cfg.get("model_type")))
    weights = {}
    for name, arr in read_safetensors(os.path.join(model_dir, "model.safetensors")).items():
        key = rename(name)
        if key is not None:
            weights[key] = arr
    with open(input_path) as f:
        sequences = json.load(f)["sequences"]
    with open(output_path, "w") as f:
        json.dump({"log_probs": [forward(weights, cfg, seq).tolist() for seq in sequences]}, f)
    return 0

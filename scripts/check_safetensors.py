#!/usr/bin/env python3
"""Check a classify model file with the reference safetensors package, independently of Swift.

Loads MODEL with `safetensors.numpy.load_file`, prints every tensor's name, dtype and shape and
the `__metadata__` (JSON values decoded), checks that the layer shapes chain, and, when given an
input vector, recomputes the forward pass with numpy:

    x = (b / 255 - input.mean) / input.deviation   (format 2; format 1: x = b / 255)
    s^l = W^l a^(l-1) + b^l,   a^l = f(s^l)        (softmax(s^L / temperature) on the output for cross-entropy)

`--input` gives x directly (after standardization); `--input-bytes` gives the bytes b.

Usage:
    pip install safetensors numpy
    scripts/check_safetensors.py MODEL
    scripts/check_safetensors.py MODEL --input 0.1,0.5,0.9,0.0      # values already in 0..1
    scripts/check_safetensors.py MODEL --input-bytes 0,128,255,3     # 8-bit samples, divided by 255

Development aid only: the product never runs Python.
"""
import argparse
import json
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file


def activate(name, s):
    if name == "sigmoid":
        return 1 / (1 + np.exp(-s))
    if name == "tanh":
        return np.tanh(s)
    if name == "relu":
        return np.maximum(s, 0)
    if name == "arctan":
        return np.arctan(s)
    if name == "identity":
        return s
    if name == "softmax":
        e = np.exp(s - s.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    raise SystemExit(f"unknown activation {name!r}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--input", help="comma-separated input values in 0..1")
    group.add_argument("--input-bytes", help="comma-separated 8-bit samples (divided by 255)")
    args = parser.parse_args()

    tensors = load_file(args.model)
    with safe_open(args.model, framework="numpy") as f:
        metadata = f.metadata() or {}

    print("tensors:")
    for name in sorted(tensors, key=lambda n: (int(n.split(".")[1]), n) if n.startswith("layers.") else (1 << 30, n)):
        t = tensors[name]
        print(f"  {name:20s} {str(t.dtype):8s} {list(t.shape)}  finite={bool(np.isfinite(t).all())}")
    print("metadata:")
    for key in sorted(metadata):
        value = metadata[key]
        try:
            shown = json.dumps(json.loads(value), sort_keys=True)
        except ValueError:
            shown = value
        print(f"  {key}: {shown}")

    if metadata.get("format") != "classify":
        raise SystemExit("not a classify model (no format=classify metadata)")
    activations = json.loads(metadata["activations"])
    classes = json.loads(metadata["classes"])
    spec = json.loads(metadata["input"])
    channels = {"gray": 1, "rgb": 3}[spec["color"]]
    size = spec["width"] * spec["height"] * channels
    previous = size
    for i, _ in enumerate(activations):
        w, b = tensors[f"layers.{i}.weight"], tensors[f"layers.{i}.bias"]
        assert w.dtype == np.float32 and b.dtype == np.float32, f"layer {i} is not F32"
        assert w.shape[1] == previous, f"layers.{i}.weight has {w.shape[1]} columns, expected {previous}"
        assert b.shape == (w.shape[0],), f"layers.{i}.bias has shape {b.shape}, expected ({w.shape[0]},)"
        previous = w.shape[0]
    assert previous == len(classes), f"{previous} outputs for {len(classes)} classes"
    print(f"shapes chain: {size} -> " + " -> ".join(str(tensors[f'layers.{i}.weight'].shape[0]) for i in range(len(activations))))

    if args.input or args.input_bytes:
        if args.input:
            x = np.array([float(v) for v in args.input.split(",")], dtype=np.float32)
        else:
            x = np.array([int(v) for v in args.input_bytes.split(",")], dtype=np.float32) / np.float32(255)
            if "input.mean" in tensors:
                x = (x - tensors["input.mean"]) / tensors["input.deviation"]
        if x.size != size:
            raise SystemExit(f"the input has {x.size} values but the model takes {size}")
        a = x.astype(np.float64)
        temperature = float(metadata.get("temperature", "1"))
        for i, name in enumerate(activations):
            w = tensors[f"layers.{i}.weight"].astype(np.float64)
            b = tensors[f"layers.{i}.bias"].astype(np.float64)
            s = w @ a + b
            a = activate(name, s / temperature if name == "softmax" else s)
        print("forward (float64):")
        for label, p in sorted(zip(classes, a), key=lambda t: -t[1]):
            print(f"  {label:16s} {p:.9f}")
        print(f"  sum = {a.sum():.9f}")


if __name__ == "__main__":
    sys.exit(main())

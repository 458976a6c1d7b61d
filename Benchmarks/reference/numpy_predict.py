#!/usr/bin/env python3
"""numpy reference for one prediction: load a classify model file, preprocess one PNG, forward.

Reads the safetensors MODEL (layers.{i}.weight [out, in] F32, layers.{i}.bias [out]; metadata
`classes` JSON array, `input` JSON {width, height, color, background "#rrggbb"}, `activations`
JSON array with one name per layer), preprocesses IMAGE with Pillow to that input format
(_pillow.py), runs the forward pass in numpy and prints the label and every class's probability,
sorted, as JSON. It is the Python baseline for timing `classify predict` as a whole process
(time it with e.g. `/usr/bin/time python3 numpy_predict.py MODEL IMAGE`).

Usage: python3 Benchmarks/reference/numpy_predict.py MODEL IMAGE
"""
import json
import sys

import numpy as np
from safetensors import safe_open

import _network
import _pillow


def load_model(path):
    with safe_open(path, framework="numpy") as f:
        meta = f.metadata() or {}
        weights, biases, i = [], [], 0
        while f"layers.{i}.weight" in f.keys():
            weights.append(f.get_tensor(f"layers.{i}.weight").astype(np.float32, copy=False))
            biases.append(f.get_tensor(f"layers.{i}.bias").astype(np.float32, copy=False))
            i += 1
    if not weights:
        raise SystemExit(f"'{path}' has no tensor 'layers.0.weight': not a classify model file.")
    return weights, biases, json.loads(meta["classes"]), json.loads(meta["input"]), json.loads(meta["activations"])


def predict(weights, biases, activations, x):
    a = x[None, :]
    for w, b, name in zip(weights, biases, activations):
        s = a @ w.T + b
        a = _network.softmax(s) if name == "softmax" else _network.f(s, name)
    return a[0]


def main():
    if len(sys.argv) != 3:
        raise SystemExit("Usage: numpy_predict.py MODEL IMAGE")
    weights, biases, classes, fmt, activations = load_model(sys.argv[1])
    background = fmt.get("background", "#ffffff")
    if isinstance(background, dict):  # tolerate {red, green, blue} in 0..1
        background = "#" + "".join(f"{round(background[k] * 255):02x}" for k in ("red", "green", "blue"))
    pixels = _pillow.load_pixels(sys.argv[2], fmt["width"], fmt["height"], fmt["color"],
                                 _pillow.hex_colour(background))
    x = pixels.reshape(-1).astype(np.float32) / np.float32(255)
    p = predict(weights, biases, activations, x)
    order = np.argsort(-p, kind="stable")
    print(json.dumps({"file": sys.argv[2], "label": classes[order[0]],
                      "probabilities": [{"label": classes[k], "probability": round(float(p[k]), 6)} for k in order]}))


if __name__ == "__main__":
    main()

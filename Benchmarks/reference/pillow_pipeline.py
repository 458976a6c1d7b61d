#!/usr/bin/env python3
"""End-to-end Python reference: wall times of load (Pillow) -> train (numpy) -> save (safetensors).

The pipeline a Python user would write by hand for a folder-per-class tree: decode each PNG with
Pillow, convert to grey, resize to --size x --size, stack into a float32 matrix / 255, train the
numpy reference network (_network.py: relu hidden layers, softmax + cross-entropy, plain SGD lr
0.1, batch 64) for --epochs, save the weights with safetensors.numpy.save_file in classify's model
file layout (layers.{i}.weight [out, in], layers.{i}.bias, metadata classes / input /
activations), then report the accuracy on --test. Prints one JSON line with each stage's seconds.

Usage: python3 Benchmarks/reference/pillow_pipeline.py DIR --test DIR [--epochs 10] [--size 28]
       [--hidden 128] [--out /tmp/reference.safetensors]
"""
import argparse
import json
import time

import _common

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("dir", help="training folder, one sub-folder per class")
p.add_argument("--test", help="test folder with the same class names")
p.add_argument("--epochs", type=int, default=10)
p.add_argument("--size", type=int, default=28)
p.add_argument("--color", choices=["gray", "rgb"], default="gray")
p.add_argument("--hidden", default="128", help="hidden layer sizes, comma-separated")
p.add_argument("--learning-rate", type=float, default=0.1)
p.add_argument("--batch-size", type=int, default=64)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--seed", type=int, default=0)
p.add_argument("--out", default="/tmp/reference.safetensors", help="model file to write")
args = p.parse_args()
_common.limit_threads(args.threads)
t_start = time.perf_counter()
import numpy as np  # noqa: E402
from safetensors.numpy import save_file  # noqa: E402

import _network  # noqa: E402
import _pillow  # noqa: E402


def main():
    times = {"import": time.perf_counter() - t_start}
    t = time.perf_counter()
    x, y, classes = _pillow.load_matrix(args.dir, args.size, args.size, args.color)
    times["load"] = time.perf_counter() - t

    sizes = [x.shape[1]] + [int(h) for h in args.hidden.split(",") if h] + [len(classes)]
    rng = np.random.default_rng(args.seed)
    weights, biases = _network.init(sizes, "relu", rng)
    t = time.perf_counter()
    losses = [_network.train_epoch(weights, biases, x, y, "relu", args.learning_rate, args.batch_size, rng)
              for _ in range(args.epochs)]
    times["train"] = time.perf_counter() - t
    train_accuracy = float((_network.forward(weights, biases, x, "relu").argmax(1) == y).mean())

    t = time.perf_counter()
    tensors = {}
    for i, (w, b) in enumerate(zip(weights, biases)):
        tensors[f"layers.{i}.weight"] = np.ascontiguousarray(w)
        tensors[f"layers.{i}.bias"] = np.ascontiguousarray(b)
    metadata = {
        "format": "classify",
        "format_version": "1",
        "classes": json.dumps(classes),
        "input": json.dumps({"width": args.size, "height": args.size, "color": args.color,
                             "background": "#ffffff", "normalization": "value / 255"}),
        "activations": json.dumps(["relu"] * (len(sizes) - 2) + ["softmax"]),
        "cost": "cross-entropy",
    }
    save_file(tensors, args.out, metadata=metadata)
    times["save"] = time.perf_counter() - t

    out = {"reference": "pillow_pipeline", "dir": args.dir, "images": len(y), "classes": len(classes),
           "sizes": sizes, "epochs": args.epochs, "final_loss": round(losses[-1], 4),
           "train_accuracy": round(train_accuracy, 4), "model": args.out}
    if args.test:
        t = time.perf_counter()
        xt, yt, _ = _pillow.load_matrix(args.test, args.size, args.size, args.color, classes)
        out["test_accuracy"] = round(float((_network.forward(weights, biases, xt, "relu").argmax(1) == yt).mean()), 4)
        times["test"] = time.perf_counter() - t
    times["total"] = time.perf_counter() - t_start
    out["seconds"] = {k: round(v, 4) for k, v in times.items()}
    out["train_samples_per_second"] = round(len(y) * args.epochs / times["train"], 1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()

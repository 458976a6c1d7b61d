#!/usr/bin/env python3
"""Writes a classify model file with Python's `safetensors` package, and what it must predict.

An independent oracle for the model-file format and the forward pass: nothing here comes from
classify. The weights are seeded numpy values, the file is written by `safetensors.numpy.save_file`
with the metadata README's "The model file" section documents, the two test images are PNGs
assembled with zlib + struct, and the expected probabilities are a numpy forward pass
(tanh hidden layer, softmax output) on the images' samples / 255.

Output, under Tests/classifyTests/Fixtures/:
  python.safetensors   3 classes, 4×3 RGB input, 36 → 5 (tanh) → 3 (softmax)
  python-a.png, python-b.png   4×3 RGB images already in the model's input format
  python.json          {"files": {name: {"label", "probabilities": {class: p}}}, "weights": {...}}
  preview-in.png       8×6 RGBA, every pixel different, alpha 0, 64, 128, 191 and 255
  preview.json         what `classify preview` must write for it, computed here in float64:
                       composite a·c + (1 − a)·background, luma 0.299 R + 0.587 G + 0.114 B,
                       2×2 area average, rounded to 8 bits ("gray-black": --size 4x3 --color gray
                       --background black; "model": --model python.safetensors, 4×3 RGB on #336699)

The safetensors package writes the metadata in hash order, so python.safetensors may differ
byte for byte from run to run; its content does not.

Usage: /work/venv/bin/python scripts/make_python_model.py  (needs numpy and safetensors)
"""
import json
import os
import struct
import zlib

import numpy as np
from safetensors.numpy import save_file

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "classifyTests", "Fixtures")
WIDTH, HEIGHT = 4, 3
CLASSES = ["cat", "dog", "bird"]


def png_rgb(pixels):
    """An 8-bit RGB PNG (filter 0) from rows of [r, g, b, r, g, b, …]."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes(row) for row in pixels)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def png_rgba(width, height, rows):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes(row) for row in rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def preview_fixture():
    """An 8×6 RGBA image and the 4×3 pictures the network sees for it (see the module doc)."""
    w, h = 8, 6
    alphas = [0, 64, 128, 191, 255]
    pixels = np.zeros((h, w, 4), dtype=np.int64)
    for y in range(h):
        for x in range(w):
            pixels[y, x] = [(x * 37 + y * 11) % 256, (x * 13 + y * 59 + 7) % 256, (255 - x * 29 - y * 17) % 256,
                            alphas[(x + 2 * y) % len(alphas)]]
    with open(os.path.join(OUT, "preview-in.png"), "wb") as f:
        f.write(png_rgba(w, h, pixels.reshape(h, w * 4).tolist()))
    a = pixels[:, :, 3:4] / 255.0
    c = pixels[:, :, :3] / 255.0

    def seen(background, gray):
        composite = a * c + (1 - a) * np.array(background, dtype=np.float64) / 255
        if gray:
            composite = composite @ np.array([0.299, 0.587, 0.114])[:, None]
        blocks = composite.reshape(h // 2, 2, w // 2, 2, -1).mean(axis=(1, 3))
        return [int(v) for v in np.rint(blocks * 255).reshape(-1)]

    expected = {"gray-black": {"width": 4, "height": 3, "channels": 1, "samples": seen([0, 0, 0], True)},
                "model": {"width": 4, "height": 3, "channels": 3, "samples": seen([0x33, 0x66, 0x99], False)}}
    with open(os.path.join(OUT, "preview.json"), "w") as f:
        json.dump(expected, f, separators=(",", ":"))
        f.write("\n")


def main():
    rng = np.random.default_rng(2026)
    w0 = (rng.standard_normal((5, WIDTH * HEIGHT * 3)) * 0.4).astype(np.float32)
    b0 = (rng.standard_normal(5) * 0.2).astype(np.float32)
    w1 = (rng.standard_normal((3, 5)) * 1.5).astype(np.float32)
    b1 = (rng.standard_normal(3) * 0.2).astype(np.float32)
    metadata = {
        "format": "classify",
        "format_version": "1",
        "classes": json.dumps(CLASSES),
        "input": json.dumps({"width": WIDTH, "height": HEIGHT, "color": "rgb", "background": "#336699",
                             "normalization": "value / 255"}),
        "activations": json.dumps(["tanh", "softmax"]),
        "cost": "cross-entropy",
    }
    os.makedirs(OUT, exist_ok=True)
    save_file({"layers.0.weight": w0, "layers.0.bias": b0, "layers.1.weight": w1, "layers.1.bias": b1},
              os.path.join(OUT, "python.safetensors"), metadata=metadata)

    expected = {}
    for name, seed in [("python-a.png", 1), ("python-b.png", 2)]:
        pixels = np.random.default_rng(seed).integers(0, 256, size=(HEIGHT, WIDTH * 3), dtype=np.int64)
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(png_rgb(pixels.tolist()))
        x = pixels.reshape(-1).astype(np.float64) / 255
        h = np.tanh(w0.astype(np.float64) @ x + b0)
        s = w1.astype(np.float64) @ h + b1
        p = np.exp(s - s.max())
        p /= p.sum()
        expected[name] = {"label": CLASSES[int(p.argmax())], "probabilities": dict(zip(CLASSES, p.tolist()))}
    weights = {"layers.0.weight": w0.reshape(-1).tolist(), "layers.0.bias": b0.tolist(),
               "layers.1.weight": w1.reshape(-1).tolist(), "layers.1.bias": b1.tolist()}
    with open(os.path.join(OUT, "python.json"), "w") as f:
        json.dump({"files": expected, "weights": weights}, f, indent=1, sort_keys=True)
        f.write("\n")
    preview_fixture()
    print(json.dumps(expected))


if __name__ == "__main__":
    main()

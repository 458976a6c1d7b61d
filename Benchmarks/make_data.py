#!/usr/bin/env python3
"""Benchmark data, written once into a cache folder (default .bench-cache/, git-ignored).

- digits28/{train,test}/<digit>/*.png: 28x28 grey PNGs tiled from sample-data/digits (8x8, 0..16
  ink scaled to 0..255): each copy upscaled to 20x20 (bilinear), pasted at a random offset in a
  28x28 black canvas (a shift of up to +-4 px around the centre, like MNIST) plus Gaussian noise
  (sigma 8). Train copies come from sample-data/digits/train only, test copies from .../test only.
- digits60k/<digit>/*.png: the same recipe, --memory-images images (the memory measurement).
- rgb256/<class>/*.png: 256x256 RGB PNGs, smooth photo-like content: the 32x32 fruit samples
  upscaled with a bicubic filter, mild noise (sigma 3) — realistic for inflate, unlike pure noise.
- predict1000/*.png: the first 1,000 digits28 test images, flat (for `classify predict DIR`).

Each set is rebuilt only when its parameters change (a stamp file records them).
Usage: python3 Benchmarks/make_data.py [--cache .bench-cache] [--train 20000] [--test 2000]
       [--memory-images 60000] [--rgb 400]
"""
import argparse
import json
import os
import shutil

import numpy as np
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sources(split):
    """[(class name, [8x8 uint8 array])] from sample-data/digits/<split>."""
    base = os.path.join(ROOT, "sample-data", "digits", split)
    out = []
    for name in sorted(os.listdir(base)):
        folder = os.path.join(base, name)
        if name.startswith(".") or not os.path.isdir(folder):
            continue
        images = [np.asarray(Image.open(os.path.join(folder, f)).convert("L"))
                  for f in sorted(os.listdir(folder)) if f.lower().endswith(".png")]
        out.append((name, images))
    return out


def digit28(small, rng):
    """One 28x28 uint8 digit: 8x8 -> 20x20 bilinear, random shift, noise."""
    big = np.asarray(Image.fromarray(small).resize((20, 20), Image.BILINEAR), dtype=np.float32)
    canvas = np.zeros((28, 28), np.float32)
    dy, dx = rng.integers(0, 9, size=2)
    canvas[dy:dy + 20, dx:dx + 20] = big
    canvas += rng.normal(0, 8, canvas.shape)
    return np.clip(canvas, 0, 255).astype(np.uint8)


def stamped(folder, params):
    """True when `folder` already holds a complete set made with `params`."""
    stamp = os.path.join(folder, ".stamp")
    try:
        with open(stamp) as f:
            return json.load(f) == params
    except (OSError, ValueError):
        return False


def fresh(folder, params):
    if os.path.isdir(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)


def finish(folder, params):
    with open(os.path.join(folder, ".stamp"), "w") as f:
        json.dump(params, f)


def make_digits(folder, split, count, seed, flat=False):
    params = {"kind": "digits28", "split": split, "count": count, "seed": seed, "flat": flat, "v": 1}
    if stamped(folder, params):
        return
    fresh(folder, params)
    rng = np.random.default_rng(seed)
    classes = sources(split)
    per_class = [count // len(classes) + (1 if i < count % len(classes) else 0) for i in range(len(classes))]
    for (name, images), n in zip(classes, per_class):
        target = folder if flat else os.path.join(folder, name)
        os.makedirs(target, exist_ok=True)
        for k in range(n):
            small = images[k % len(images)]
            Image.fromarray(digit28(small, rng)).save(os.path.join(target, f"{name}_{k:05d}.png"))
    finish(folder, params)


def make_rgb(folder, count, seed):
    params = {"kind": "rgb256", "count": count, "seed": seed, "v": 1}
    if stamped(folder, params):
        return
    fresh(folder, params)
    rng = np.random.default_rng(seed)
    base = os.path.join(ROOT, "sample-data", "fruit", "train")
    for name in sorted(os.listdir(base)):
        files = sorted(f for f in os.listdir(os.path.join(base, name)) if f.lower().endswith(".png"))
        os.makedirs(os.path.join(folder, name))
        for k in range(count // 2):
            small = Image.open(os.path.join(base, name, files[k % len(files)])).convert("RGB")
            big = np.asarray(small.resize((256, 256), Image.BICUBIC), dtype=np.float32)
            big = np.clip(big + rng.normal(0, 3, big.shape), 0, 255).astype(np.uint8)
            Image.fromarray(big, "RGB").save(os.path.join(folder, name, f"{name}_{k:05d}.png"))
    finish(folder, params)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cache", default=os.path.join(ROOT, ".bench-cache"))
    p.add_argument("--train", type=int, default=20000)
    p.add_argument("--test", type=int, default=2000)
    p.add_argument("--memory-images", type=int, default=60000)
    p.add_argument("--rgb", type=int, default=400)
    p.add_argument("--predict", type=int, default=1000)
    a = p.parse_args()
    sets = {
        "train": os.path.join(a.cache, f"digits28-train-{a.train}"),
        "test": os.path.join(a.cache, f"digits28-test-{a.test}"),
        "memory": os.path.join(a.cache, f"digits28-memory-{a.memory_images}"),
        "rgb": os.path.join(a.cache, f"rgb256-{a.rgb}"),
        "predict": os.path.join(a.cache, f"predict-{a.predict}"),
    }
    make_digits(sets["train"], "train", a.train, seed=1)
    make_digits(sets["test"], "test", a.test, seed=2)
    make_digits(sets["memory"], "train", a.memory_images, seed=3)
    make_rgb(sets["rgb"], a.rgb, seed=4)
    make_digits(sets["predict"], "test", a.predict, seed=5, flat=True)
    print(json.dumps(sets))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Write two extra folder-per-class PNG data sets for checking classify's defaults (not committed).

1. ``OUT/photos``: 32x32 RGB patches of real photographs — the two bundled with scikit-learn
   (``sklearn.datasets.load_sample_images()``: china.jpg and flower.jpg, 640x427, CC BY 2.0,
   Flickr users danielbuechele and vultilion, see sklearn/datasets/images/README.txt). Four classes:
   ``china_top``, ``china_bottom``, ``flower_top``, ``flower_bottom`` (which photo, which half).
   Each patch is a random square crop of 40..96 pixels, shrunk to 32x32 with a box filter, flipped
   left-right half of the time. Training patches come from the left 65 % of each photo, test
   patches from the right 30 %, so no test pixel was ever seen in training.
2. ``OUT/shapes``: 28x28 grey circles, squares and triangles of random size, position, rotation
   and grey levels (a light shape on a dark ground), drawn at 4x and shrunk, with pixel noise.

Both have ``train/`` and ``test/`` (default 300 and 100 images per class). Fixed seeds: the output
is byte-identical on every run on the same machine.

Usage: python3 scripts/make_photos.py [--out /tmp/classify-data] [--train 300] [--test 100]
Requires numpy, Pillow, scikit-learn.
"""
import argparse
import os
import shutil

import numpy as np
from PIL import Image, ImageDraw

SEED = 7


def photo_patches(out, n_train, n_test):
    from sklearn.datasets import load_sample_images

    photos = load_sample_images()
    names = [os.path.splitext(os.path.basename(f))[0] for f in photos.filenames]
    for split, count, (x_lo, x_hi) in (("train", n_train, (0.0, 0.65)), ("test", n_test, (0.70, 1.0))):
        for p, (name, pixels) in enumerate(zip(names, photos.images)):
            h, w, _ = pixels.shape
            for half, (y_lo, y_hi) in (("top", (0, h // 2)), ("bottom", (h // 2, h))):
                folder = os.path.join(out, split, f"{name}_{half}")
                os.makedirs(folder)
                rng = np.random.default_rng([SEED, p, half == "top", split == "train"])
                left, right = int(x_lo * w), int(x_hi * w)
                for i in range(count):
                    size = int(rng.integers(40, 97))
                    size = min(size, right - left, y_hi - y_lo)
                    x0 = int(rng.integers(left, right - size + 1))
                    y0 = int(rng.integers(y_lo, y_hi - size + 1))
                    crop = Image.fromarray(pixels[y0:y0 + size, x0:x0 + size])
                    if rng.random() < 0.5:
                        crop = crop.transpose(Image.FLIP_LEFT_RIGHT)
                    crop.resize((32, 32), Image.BOX).save(os.path.join(folder, f"{i:04d}.png"), optimize=False)


def shapes(out, n_train, n_test, size=28, scale=4):
    big = size * scale
    for s, (split, count) in enumerate((("train", n_train), ("test", n_test))):
        for k, kind in enumerate(("circle", "square", "triangle")):
            folder = os.path.join(out, split, kind)
            os.makedirs(folder)
            rng = np.random.default_rng([SEED, 100 + s, k])
            for i in range(count):
                bg, fg = rng.integers(0, 100), rng.integers(150, 256)  # light shape, dark ground
                im = Image.new("L", (big, big), int(bg))
                d = ImageDraw.Draw(im)
                r = rng.uniform(0.18, 0.4) * big
                cx, cy = rng.uniform(r, big - r, 2)
                a = rng.uniform(0, 2 * np.pi)
                if kind == "circle":
                    d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=int(fg))
                else:
                    n = 4 if kind == "square" else 3
                    pts = [(cx + r * np.cos(a + 2 * np.pi * j / n), cy + r * np.sin(a + 2 * np.pi * j / n))
                           for j in range(n)]
                    d.polygon(pts, fill=int(fg))
                small = np.asarray(im.resize((size, size), Image.BOX), dtype=np.float64)
                small += rng.normal(0, 8, small.shape)
                Image.fromarray(np.clip(np.rint(small), 0, 255).astype(np.uint8), "L").save(
                    os.path.join(folder, f"{i:04d}.png"), optimize=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="/tmp/classify-data", help="output folder (its photos/ and shapes/ are replaced)")
    parser.add_argument("--train", type=int, default=300, help="training images per class")
    parser.add_argument("--test", type=int, default=100, help="test images per class")
    args = parser.parse_args()
    for name, make in (("photos", photo_patches), ("shapes", shapes)):
        folder = os.path.join(args.out, name)
        if os.path.isdir(folder):
            shutil.rmtree(folder)
        make(folder, args.train, args.test)
        print(f"wrote {folder}")


if __name__ == "__main__":
    main()

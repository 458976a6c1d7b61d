#!/usr/bin/env python3
"""Write scikit-learn's bundled handwritten digits as a folder-per-class tree of 8x8 grey PNGs.

Source: ``sklearn.datasets.load_digits()`` — 1,797 real handwritten digits, 8x8, values 0..16,
from the UCI "Optical Recognition of Handwritten Digits" data set (E. Alpaydin and C. Kaynak,
1998, https://doi.org/10.24432/C50P49), licence CC BY 4.0. It ships inside scikit-learn, so no
download is needed.

Each value v becomes the 8-bit grey sample round(v * 255 / 16). A stratified 80/20 split with a
fixed seed (sklearn.model_selection.train_test_split, random_state=0) writes
``OUT/{train,test}/{0..9}/NNNN.png`` where NNNN is the digit's index in load_digits(), so every
image can be traced back to its source row. The output is byte-identical on every run.

Usage: python3 scripts/make_digits.py [--out DIR]
Requires numpy, Pillow and scikit-learn (pip install numpy pillow scikit-learn).
"""
import argparse
import os
import shutil

import numpy as np
from PIL import Image

SEED = 0
TEST_FRACTION = 0.2


def split_indices(target):
    """Stratified 80/20 split of the row indices, fixed seed: (train, test), each sorted."""
    from sklearn.model_selection import train_test_split

    rows = np.arange(len(target))
    train, test = train_test_split(rows, test_size=TEST_FRACTION, stratify=target, random_state=SEED)
    return np.sort(train), np.sort(test)


def main():
    from sklearn.datasets import load_digits

    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.join(os.path.dirname(here), "sample-data", "digits")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=default_out, help="output folder (replaced)")
    args = parser.parse_args()

    digits = load_digits()
    # v in 0..16 -> round(v * 255 / 16). The only exact tie is v = 8 (127.5); np.rint rounds it
    # half-to-even to 128, the same as rounding half up, so either reading of "round" agrees.
    pixels = np.rint(digits.images * 255.0 / 16.0).astype(np.uint8)
    train, test = split_indices(digits.target)
    if os.path.isdir(args.out):
        shutil.rmtree(args.out)
    for split, rows in (("train", train), ("test", test)):
        for d in range(10):
            os.makedirs(os.path.join(args.out, split, str(d)))
        for i in rows:
            path = os.path.join(args.out, split, str(digits.target[i]), f"{i:04d}.png")
            Image.fromarray(pixels[i], "L").save(path, optimize=False)
    print(f"wrote {len(train)} training and {len(test)} test images to {args.out}")


if __name__ == "__main__":
    main()

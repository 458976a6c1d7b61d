#!/usr/bin/env python3
"""Baseline accuracies of scikit-learn on a folder-per-class PNG data set.

Measures how hard a data set is: loads DIR/train and DIR/test (classes = sorted sub-folders, PNG
files), flattens the pixels divided by 255 (as stored, no resizing unless --size), and prints one
JSON line with the test accuracy of MLPClassifier() with default settings and of a plain
LogisticRegression.

Usage: python3 Benchmarks/reference/sklearn_baseline.py sample-data/fruit [--size 32] [--color rgb]
"""
import argparse
import json
import os
import time
import warnings

import numpy as np
from PIL import Image


def load_tree(root, size=None, color=None):
    classes = sorted(d for d in os.listdir(root)
                     if not d.startswith(".") and os.path.isdir(os.path.join(root, d)))
    xs, ys = [], []
    for label, name in enumerate(classes):
        folder = os.path.join(root, name)
        for f in sorted(os.listdir(folder)):
            if f.startswith(".") or not f.lower().endswith(".png"):
                continue
            with Image.open(os.path.join(folder, f)) as im:
                if color == "gray":
                    im = im.convert("L")
                elif color == "rgb" or im.mode not in ("L", "RGB"):
                    im = im.convert("RGB")
                if size and im.size != (size, size):
                    im = im.resize((size, size), Image.BOX if im.width > size else Image.BILINEAR)
                xs.append(np.asarray(im, dtype=np.float32).reshape(-1) / 255.0)
            ys.append(label)
    return np.stack(xs), np.array(ys), classes


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dir", help="folder holding train/ and test/")
    p.add_argument("--size", type=int, default=None)
    p.add_argument("--color", choices=["gray", "rgb"], default=None)
    p.add_argument("--seeds", type=int, default=5,
                   help="MLPClassifier() is run with random_state 0..N-1 (its default random_state "
                        "is None, i.e. a different result every run); mean, min and max are reported")
    a = p.parse_args()
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    xtr, ytr, classes = load_tree(os.path.join(a.dir, "train"), a.size, a.color)
    xte, yte, _ = load_tree(os.path.join(a.dir, "test"), a.size, a.color)
    out = {"data": a.dir, "classes": classes, "train": len(ytr), "test": len(yte),
           "features": int(xtr.shape[1])}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning at the default 200 iterations
        t = time.perf_counter()
        scores = [MLPClassifier(random_state=s).fit(xtr, ytr).score(xte, yte) for s in range(a.seeds)]
        out["mlp_default_test_accuracy"] = {"mean": round(float(np.mean(scores)), 4),
                                            "min": round(float(np.min(scores)), 4),
                                            "max": round(float(np.max(scores)), 4),
                                            "seeds": a.seeds}
        out["mlp_seconds_per_fit"] = round((time.perf_counter() - t) / a.seeds, 2)
        logreg = LogisticRegression(max_iter=2000).fit(xtr, ytr)
        out["logistic_test_accuracy"] = round(float(logreg.score(xte, yte)), 4)
    print(json.dumps(out))


if __name__ == "__main__":
    main()

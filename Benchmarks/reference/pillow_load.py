#!/usr/bin/env python3
"""Pillow reference: images/s of decoding and resizing every PNG of a folder tree in a Python loop.

Walks DIR recursively (every *.png / *.PNG, hidden names skipped), and for each file: Image.open,
composite transparency onto white, convert to grey or RGB, resize to --size x --size (Image.BOX
when shrinking, bilinear when enlarging), to a uint8 numpy array. Single process, no
multiprocessing: what a user would write. Prints one JSON line.

Usage: python3 Benchmarks/reference/pillow_load.py DIR [--size 32] [--color rgb] [--repeats 3]
"""
import argparse
import json
import os
import statistics
import time

import PIL

import _pillow


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dir")
    p.add_argument("--size", type=int, default=32)
    p.add_argument("--color", choices=["gray", "rgb"], default="rgb")
    p.add_argument("--repeats", type=int, default=1)
    a = p.parse_args()
    paths = []
    for root, dirs, files in os.walk(a.dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        paths += [os.path.join(root, f) for f in sorted(files)
                  if not f.startswith(".") and f.lower().endswith(".png")]
    if not paths:
        raise SystemExit(f"No PNG files under '{a.dir}'.")
    seconds = []
    for _ in range(a.repeats):
        t = time.perf_counter()
        checksum = 0
        for path in paths:
            checksum += int(_pillow.load_pixels(path, a.size, a.size, a.color)[0, 0].sum())
        seconds.append(time.perf_counter() - t)
    s = statistics.median(seconds)
    print(json.dumps({"reference": "pillow_load", "dir": a.dir, "images": len(paths), "size": a.size,
                      "color": a.color, "repeats": a.repeats, "seconds": round(s, 4),
                      "images_per_second": round(len(paths) / s, 1), "pillow": PIL.__version__}))


if __name__ == "__main__":
    main()

"""Pillow preprocessing the way a Python user would write it, mirroring classify's pixel policy:
composite transparency onto the background colour, convert to grey (Pillow's "L" = BT.601 luma)
or RGB, resize with a box filter when shrinking and bilinear when enlarging, 8-bit samples / 255.
(Pillow converts 16-bit files to 8 bits on the way, where classify keeps 16-bit precision.)
"""
import os

import numpy as np
from PIL import Image


def hex_colour(text):
    """'#rrggbb' -> (r, g, b) in 0..255."""
    text = text.lstrip("#")
    return tuple(int(text[i:i + 2], 16) for i in (0, 2, 4))


def load_pixels(path, width, height, color="gray", background=(255, 255, 255)):
    """One PNG -> uint8 array [height, width] (gray) or [height, width, 3] (rgb)."""
    with Image.open(path) as im:
        if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info) \
                or "transparency" in im.info:
            rgba = im.convert("RGBA")
            base = Image.new("RGBA", rgba.size, background + (255,))
            im = Image.alpha_composite(base, rgba)
        im = im.convert("L" if color == "gray" else "RGB")
        if im.size != (width, height):
            shrinking = im.width >= width and im.height >= height
            im = im.resize((width, height), Image.BOX if shrinking else Image.BILINEAR)
        return np.asarray(im, dtype=np.uint8)


def class_tree(root):
    """[(class name, [png paths])] for a folder-per-class tree, sorted, hidden names skipped."""
    classes = sorted(d for d in os.listdir(root) if not d.startswith(".") and os.path.isdir(os.path.join(root, d)))
    tree = []
    for name in classes:
        folder = os.path.join(root, name)
        files = sorted(f for f in os.listdir(folder) if not f.startswith(".") and f.lower().endswith(".png"))
        tree.append((name, [os.path.join(folder, f) for f in files]))
    return tree


def load_matrix(root, width, height, color="gray", classes=None):
    """(X float32 [N, D] in 0..1, y int64 [N], class names). With `classes`, labels follow that order."""
    tree = class_tree(root)
    names = classes or [name for name, _ in tree]
    xs, ys = [], []
    for name, paths in tree:
        label = names.index(name)
        for p in paths:
            xs.append(load_pixels(p, width, height, color).reshape(-1))
            ys.append(label)
    x = np.stack(xs).astype(np.float32) / np.float32(255)
    return x, np.array(ys, dtype=np.int64), names

#!/usr/bin/env python3
"""Generate the procedural "fruit" sample data set: apples vs oranges, 32x32 RGB PNGs.

Writes ``OUT/{train,test}/{apple,orange}/NNNN.png`` (default OUT = sample-data/fruit next to this
script's repository), 200 training and 50 test images per class.

Every image is drawn at 4x (128x128) with numpy and shrunk with a box filter (mean of each 4x4
block), which anti-aliases the edges. Each image has its own seed derived from (split, class, index),
so the output is byte-identical on every run on the same machine.

What varies, so that colour alone does not decide the class:
- apples: red, orange-red, yellow, yellow-green and green hues with vertical streaks, a waxy sharp
  highlight, a heart-shaped dip at the top, a narrower bottom, a stem and often a leaf, tilted;
- oranges: orange hues from yellow-orange to red-orange, a rounder outline, dimpled peel noise,
  a broad dull highlight, a navel dot or a small stem scar;
- both: size, position, light direction, tinted light, brightness, backgrounds (solid, gradients,
  smooth noise), distracting pink / green / random blobs in front of and behind the fruit,
  sensor noise.

Usage: python3 scripts/make_fruit.py [--out DIR]
Requires numpy and Pillow (pip install numpy pillow). Licence of the output: CC0.
"""
import argparse
import colorsys
import os
import shutil

import numpy as np
from PIL import Image

SCALE = 4
SIZE = 32
BIG = SIZE * SCALE
COUNTS = {"train": 200, "test": 50}
CLASSES = ["apple", "orange"]
BASE_SEED = 20240611

# Pixel-centre coordinates of the 4x canvas in 0..1.
_YY, _XX = np.mgrid[0:BIG, 0:BIG].astype(np.float64)
_YY = (_YY + 0.5) / BIG
_XX = (_XX + 0.5) / BIG


def hsv(h, s, v):
    """HSV (h in degrees) to an RGB numpy vector in 0..1."""
    return np.array(colorsys.hsv_to_rgb((h % 360) / 360.0, s, v))


def smooth_noise(rng, cells, size=BIG):
    """Value noise: a random cells x cells grid bilinearly upsampled to size x size, in 0..1."""
    grid = rng.random((cells + 1, cells + 1))
    t = np.linspace(0, cells, size, endpoint=False) + cells / (2 * size)
    i = np.floor(t).astype(int)
    f = t - i
    f = f * f * (3 - 2 * f)
    rows = grid[i] * (1 - f)[:, None] + grid[i + 1] * f[:, None]
    return rows[:, i] * (1 - f)[None, :] + rows[:, i + 1] * f[None, :]


def background(rng):
    kind = rng.integers(0, 4)
    c1 = hsv(rng.uniform(0, 360), rng.uniform(0, 0.3), rng.uniform(0.25, 1.0))
    c2 = hsv(rng.uniform(0, 360), rng.uniform(0, 0.3), rng.uniform(0.25, 1.0))
    if kind == 0:  # solid colour
        img = np.broadcast_to(c1, (BIG, BIG, 3)).copy()
    elif kind == 1:  # linear gradient in a random direction
        a = rng.uniform(0, 2 * np.pi)
        t = (_XX - 0.5) * np.cos(a) + (_YY - 0.5) * np.sin(a) + 0.5
        t = np.clip(t, 0, 1)[..., None]
        img = c1 * (1 - t) + c2 * t
    elif kind == 2:  # smooth noise between two colours
        t = smooth_noise(rng, int(rng.integers(2, 7)))[..., None]
        img = c1 * (1 - t) + c2 * t
    else:  # table edge: two flat areas split by a horizontal-ish line
        y0 = rng.uniform(0.3, 0.8)
        t = (_YY > y0 + (_XX - 0.5) * rng.uniform(-0.3, 0.3)).astype(float)[..., None]
        img = c1 * (1 - t) + c2 * t
    grain = (rng.random((BIG, BIG, 1)) - 0.5) * rng.uniform(0, 0.1)
    return np.clip(img + grain, 0, 1)


def blob_colour(rng):
    r = rng.random()
    if r < 0.35:  # pink
        return hsv(rng.uniform(310, 350), rng.uniform(0.3, 0.7), rng.uniform(0.7, 1.0))
    if r < 0.7:  # green
        return hsv(rng.uniform(80, 150), rng.uniform(0.4, 0.9), rng.uniform(0.3, 0.9))
    return hsv(rng.uniform(0, 360), rng.uniform(0.2, 1.0), rng.uniform(0.2, 1.0))


def draw_blobs(rng, img, count):
    """Soft-edged ellipses of distracting colours."""
    for _ in range(count):
        cx, cy = rng.uniform(0, 1, 2)
        rx, ry = rng.uniform(0.03, 0.12, 2)
        a = rng.uniform(0, np.pi)
        x = (_XX - cx) * np.cos(a) + (_YY - cy) * np.sin(a)
        y = -(_XX - cx) * np.sin(a) + (_YY - cy) * np.cos(a)
        d = np.sqrt((x / rx) ** 2 + (y / ry) ** 2)
        m = np.clip((1 - d) * 8, 0, 1)[..., None] * rng.uniform(0.6, 1.0)
        img[:] = img * (1 - m) + blob_colour(rng) * m


def fruit_colour(rng, kind):
    """Base hue/saturation/value. The hue ranges overlap on purpose (yellow apples, red oranges)."""
    if kind == "apple":
        r = rng.random()
        if r < 0.65:
            h = rng.uniform(-15, 6)  # red to orange-red
        elif r < 0.75:
            h = rng.uniform(46, 58)  # golden / yellow
        elif r < 0.85:
            h = rng.uniform(55, 80)  # yellow-green
        else:
            h = rng.uniform(80, 115)  # green
        return h, rng.uniform(0.55, 0.95), rng.uniform(0.6, 1.0)
    r = rng.random()
    if r < 0.06:
        h = rng.uniform(15, 20)  # blood / red-orange
    elif r < 0.94:
        h = rng.uniform(20, 36)  # orange
    else:
        h = rng.uniform(36, 42)  # yellow-orange
    return h, rng.uniform(0.8, 1.0), rng.uniform(0.85, 1.0)


def draw_fruit(rng, img, kind):
    R = rng.uniform(0.33, 0.44)  # radius as a fraction of the image
    cx = rng.uniform(0.5 - (0.5 - R) * 0.4, 0.5 + (0.5 - R) * 0.4)
    cy = rng.uniform(0.5 - (0.5 - R) * 0.4, 0.5 + (0.5 - R) * 0.4)
    tilt = rng.uniform(-0.45, 0.45) if kind == "apple" else rng.uniform(-np.pi, np.pi)
    x0 = (_XX - cx) / R
    y0 = (_YY - cy) / R
    # rotate into the fruit's frame: y points down the fruit's axis
    x = x0 * np.cos(tilt) + y0 * np.sin(tilt)
    y = -x0 * np.sin(tilt) + y0 * np.cos(tilt)
    rho = np.sqrt(x * x + y * y) + 1e-9
    theta = np.arctan2(x, -y)  # 0 at the top of the fruit
    if kind == "apple":
        dip = rng.uniform(0.07, 0.16)
        taper = rng.uniform(0.04, 0.12)
        shape = 1 + taper * np.cos(theta) - dip * np.exp(-(theta / 0.32) ** 2)
        shape -= 0.04 * np.exp(-((np.abs(theta) - np.pi) / 0.25) ** 2)  # small bottom crease
        shape *= 1 + rng.uniform(0.0, 0.1)  # apples a little wider than tall
        shape = shape * (1 + 0.06 * np.abs(np.sin(theta)))
    else:
        k1, k2, p1, p2 = rng.uniform(-0.025, 0.025, 2).tolist() + rng.uniform(0, 2 * np.pi, 2).tolist()
        shape = 1 + k1 * np.cos(2 * theta + p1) + k2 * np.cos(3 * theta + p2)
    inside = rho / shape
    mask = np.clip((1 - inside) * R * BIG / 1.5, 0, 1)  # ~1.5 px soft edge at 4x
    # sphere normal from the normalised radius
    q = np.clip(inside, 0, 0.999)
    nz = np.sqrt(1 - q * q)
    nx = x0 / (shape * 1.0 + 1e-9)
    ny = y0 / (shape * 1.0 + 1e-9)
    la = rng.uniform(0, 2 * np.pi)
    lz = rng.uniform(0.4, 0.9)
    L = np.array([np.cos(la) * np.sqrt(1 - lz * lz), np.sin(la) * np.sqrt(1 - lz * lz), lz])
    diffuse = np.clip(nx * L[0] + ny * L[1] + nz * L[2], 0, 1)
    H = L + np.array([0, 0, 1.0])
    H /= np.linalg.norm(H)
    ndoth = np.clip(nx * H[0] + ny * H[1] + nz * H[2], 0, 1)

    h, s, v = fruit_colour(rng, kind)
    base = hsv(h, s, v)
    if kind == "apple":
        # vertical streaks and a second blush colour over part of the fruit
        streak = smooth_noise(rng, int(rng.integers(10, 18)))
        streak = np.interp(theta, np.linspace(-np.pi, np.pi, BIG), streak[0])  # along the angle
        blush = hsv(h + rng.uniform(-25, 10), min(1, s + 0.1), v * rng.uniform(0.6, 0.9))
        bt = np.clip((smooth_noise(rng, 3) - 0.3) * 2, 0, 1) * rng.uniform(0.0, 0.9)
        bt = np.clip(bt + 0.35 * (streak - 0.5), 0, 1)[..., None]
        albedo = base * (1 - bt) + blush * bt
        spec = ndoth ** rng.uniform(40, 90) * rng.uniform(0.5, 0.9)
        texture = 1.0
    else:
        # dimpled peel: fine noise darkening and brightening the surface
        pores = smooth_noise(rng, int(rng.integers(28, 44)))
        texture = 1 + (pores - 0.5) * rng.uniform(0.2, 0.35)
        texture = texture[..., None]
        albedo = np.broadcast_to(base, (BIG, BIG, 3))
        spec = ndoth ** rng.uniform(6, 14) * rng.uniform(0.15, 0.35) * (0.6 + 0.8 * pores)
    ambient = rng.uniform(0.35, 0.55)
    shade = (ambient + (1 - ambient) * diffuse)[..., None]
    col = albedo * shade * texture + spec[..., None]
    m = mask[..., None]
    img[:] = img * (1 - m) + np.clip(col, 0, 1) * m

    # fruit-frame coordinates of a point -> image coordinates
    def to_image(fx, fy):
        return (cx + R * (fx * np.cos(tilt) - fy * np.sin(tilt)),
                cy + R * (fx * np.sin(tilt) + fy * np.cos(tilt)))

    def segment(p, q, width, colour):
        px, py = p
        qx, qy = q
        dx, dy = qx - px, qy - py
        t = np.clip(((_XX - px) * dx + (_YY - py) * dy) / (dx * dx + dy * dy + 1e-12), 0, 1)
        d = np.hypot(_XX - px - t * dx, _YY - py - t * dy)
        mm = np.clip((width - d) * BIG / 1.5, 0, 1)[..., None]
        img[:] = img * (1 - mm) + colour * mm

    if kind == "apple":
        top = 1 - dip  # the dip's depth in fruit units
        stem_len = rng.uniform(0.3, 0.55)
        bend = rng.uniform(-0.25, 0.25)
        brown = hsv(rng.uniform(20, 40), rng.uniform(0.5, 0.8), rng.uniform(0.2, 0.4))
        p0 = to_image(0, -top + 0.1)
        p1 = to_image(bend * 0.5, -top - stem_len * 0.5)
        p2 = to_image(bend, -top - stem_len)
        w = R * rng.uniform(0.05, 0.08)
        segment(p0, p1, w, brown)
        segment(p1, p2, w * 0.9, brown)
        if rng.random() < 0.7:  # leaf: a pointed ellipse beside the stem
            lx, ly = to_image(bend * 0.6, -top - stem_len * 0.6)
            ang = tilt + rng.choice([-1, 1]) * rng.uniform(0.3, 1.2) - np.pi / 2
            lr = R * rng.uniform(0.35, 0.6)
            ccx, ccy = lx + np.cos(ang) * lr, ly + np.sin(ang) * lr
            u = (_XX - ccx) * np.cos(ang) + (_YY - ccy) * np.sin(ang)
            w2 = -(_XX - ccx) * np.sin(ang) + (_YY - ccy) * np.cos(ang)
            half = lr * 0.38 * np.sqrt(np.clip(1 - (u / lr) ** 2, 0, 1))
            lm = np.clip((half - np.abs(w2)) * BIG / 1.5, 0, 1)[..., None]
            leaf = hsv(rng.uniform(85, 135), rng.uniform(0.5, 0.9), rng.uniform(0.35, 0.75))
            img[:] = img * (1 - lm) + leaf * (0.8 + 0.2 * (u[..., None] / lr)) * lm
    else:
        if rng.random() < 0.75:  # navel dot, somewhere on the visible face
            a = rng.uniform(0, 2 * np.pi)
            rr = rng.uniform(0, 0.5)
            nx0, ny0 = to_image(rr * np.cos(a), rr * np.sin(a))
            nr = R * rng.uniform(0.06, 0.11)
            d = np.hypot(_XX - nx0, _YY - ny0)
            nm = np.clip((nr - d) * BIG / 1.5, 0, 1)[..., None] * 0.8
            dark = base * rng.uniform(0.3, 0.55)
            img[:] = img * (1 - nm) + dark * nm
        else:  # stem scar: a small green-brown star at the top
            sx, sy = to_image(0, -0.92)
            d = np.hypot(_XX - sx, _YY - sy)
            sr = R * rng.uniform(0.08, 0.13)
            sm = np.clip((sr - d) * BIG / 1.5, 0, 1)[..., None]
            scar = hsv(rng.uniform(60, 100), 0.6, rng.uniform(0.3, 0.5))
            img[:] = img * (1 - sm) + scar * sm


def render(rng, kind):
    img = background(rng)
    draw_blobs(rng, img, int(rng.integers(0, 3)))  # behind the fruit
    draw_fruit(rng, img, kind)
    draw_blobs(rng, img, int(rng.integers(0, 2)))  # in front of the fruit
    # tinted light and exposure over the whole scene
    tint = hsv(rng.uniform(0, 360), rng.uniform(0, 0.15), 1.0)
    img = img * tint * rng.uniform(0.85, 1.15)
    small = img.reshape(SIZE, SCALE, SIZE, SCALE, 3).mean(axis=(1, 3))
    small = small + rng.normal(0, rng.uniform(0, 0.015), small.shape)
    return np.clip(np.rint(small * 255), 0, 255).astype(np.uint8)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.join(os.path.dirname(here), "sample-data", "fruit")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=default_out, help="output folder (replaced)")
    parser.add_argument("--train", type=int, default=COUNTS["train"], help="training images per class")
    parser.add_argument("--test", type=int, default=COUNTS["test"], help="test images per class")
    args = parser.parse_args()
    counts = {"train": args.train, "test": args.test}
    if os.path.isdir(args.out):
        shutil.rmtree(args.out)
    for split_id, split in enumerate(["train", "test"]):
        for class_id, kind in enumerate(CLASSES):
            folder = os.path.join(args.out, split, kind)
            os.makedirs(folder)
            for i in range(counts[split]):
                rng = np.random.default_rng([BASE_SEED, split_id, class_id, i])
                pixels = render(rng, kind)
                Image.fromarray(pixels, "RGB").save(os.path.join(folder, f"{i:04d}.png"), optimize=False)
    total = sum(counts.values()) * len(CLASSES)
    print(f"wrote {total} images to {args.out}")


if __name__ == "__main__":
    main()

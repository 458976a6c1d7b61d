#!/usr/bin/env python3
"""Writes the PNG fixtures of Tests/ImagingTests and the samples each must decode to.

An independent oracle: every PNG here is assembled chunk by chunk with only `zlib` and `struct`
(no libpng, no Pillow), so the Swift decoder (libpng) is checked against a second implementation
of the format. Deterministic: running it twice writes identical bytes.

Output, under Tests/ImagingTests/Fixtures/:
  <name>.png   one image per PNG variant (colour type × bit depth × tRNS × Adam7)
  <name>.json  {"width", "height", "channels", "bitDepth", "samples"} after libpng-style expansion
               (palette → RGB(A), grey 1/2/4 → 8 bits by bit replication, tRNS → alpha)
  corrupt/<name>.png  damaged or non-PNG files for the error tests

Scanlines use filter type 0 (None) except in the filter<type>_* fixtures, which use Sub (1),
Up (2), Average (3), Paeth (4) on every row, or all five in turn (filtermixed_*), each written
here from the PNG specification's definitions (section 9), independently of libpng's encoder.

Usage: python3 scripts/make_png_fixtures.py
"""
import json
import os
import struct
import zlib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "ImagingTests", "Fixtures")
WIDTH, HEIGHT = 7, 5  # odd sizes exercise partial bytes of packed rows and every Adam7 pass

GREY, RGB, PALETTE, GREY_ALPHA, RGBA = 0, 2, 3, 4, 6
CHANNELS = {GREY: 1, RGB: 3, PALETTE: 1, GREY_ALPHA: 2, RGBA: 4}


def chunk(kind, data, crc=None):
    body = kind + data
    if crc is None:
        crc = zlib.crc32(body) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + body + struct.pack(">I", crc)


def ihdr(width, height, depth, color_type, interlace=0):
    return chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, interlace))


def pack_row(values, depth):
    """Packs one row of samples at `depth` bits (big-endian, MSB first), with filter byte 0."""
    if depth == 16:
        return b"\x00" + b"".join(struct.pack(">H", v) for v in values)
    if depth == 8:
        return b"\x00" + bytes(values)
    out, acc, bits = bytearray(), 0, 0
    for v in values:
        acc = (acc << depth) | v
        bits += depth
        if bits == 8:
            out.append(acc)
            acc, bits = 0, 0
    if bits:
        out.append(acc << (8 - bits))
    return b"\x00" + bytes(out)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def raw_data(rows, depth, channels, interlace):
    """Filtered (filter 0) scanlines; rows[y] is a flat list of samples width × channels."""
    if not interlace:
        return b"".join(pack_row(r, depth) for r in rows)
    height, width = len(rows), len(rows[0]) // channels
    out = b""
    for x0, y0, dx, dy in ADAM7:
        xs = list(range(x0, width, dx))
        if not xs:
            continue
        for y in range(y0, height, dy):
            row = []
            for x in xs:
                row += rows[y][x * channels:(x + 1) * channels]
            out += pack_row(row, depth)
    return out


def paeth(a, b, c):
    """The PNG specification's Paeth predictor (9.4): the neighbour closest to a + b − c."""
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def apply_filters(data, row_bytes, bpp, filters):
    """Re-filters filter-0 scanlines: row i (within each pass-sized run of rows) gets
    filters[i % len(filters)]. a = byte bpp to the left, b = byte above, c = above-left (0 outside)."""
    out, prev = bytearray(), bytes(row_bytes)
    for i in range(0, len(data), row_bytes + 1):
        raw = data[i + 1:i + 1 + row_bytes]
        kind = filters[(i // (row_bytes + 1)) % len(filters)]
        line = bytearray([kind])
        for x, value in enumerate(raw):
            a = raw[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            predictor = [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]
            line.append((value - predictor) & 0xFF)
        out += line
        prev = raw
    return bytes(out)


def filtered_data(rows, depth, channels, filters):
    """Non-interlaced scanlines with the given filter types (see apply_filters)."""
    row_bytes = (len(rows[0]) * depth + 7) // 8
    return apply_filters(raw_data(rows, depth, channels, 0), row_bytes, max(1, channels * depth // 8), filters)


def png(rows, depth, color_type, interlace=0, extra=b"", palette=None, trns=None, idat_split=2, filters=None):
    channels = CHANNELS[color_type]
    width, height = len(rows[0]) // channels, len(rows)
    raw = raw_data(rows, depth, channels, interlace) if filters is None else filtered_data(rows, depth, channels, filters)
    data = zlib.compress(raw, 9)
    out = b"\x89PNG\r\n\x1a\n" + ihdr(width, height, depth, color_type, interlace)
    out += chunk(b"gAMA", struct.pack(">I", 100000))  # a gamma the decoder must NOT apply
    if palette is not None:
        out += chunk(b"PLTE", b"".join(bytes(c) for c in palette))
    if trns is not None:
        out += chunk(b"tRNS", trns)
    out += extra
    step = max(1, len(data) // idat_split + 1)  # several IDAT chunks: the stream spans chunks
    for i in range(0, len(data), step):
        out += chunk(b"IDAT", data[i:i + step])
    return out + chunk(b"IEND", b"")


def pattern(depth, channels, salt=0):
    top = (1 << depth) - 1
    rows = []
    for y in range(HEIGHT):
        row = []
        for x in range(WIDTH):
            for c in range(channels):
                if depth == 16:  # low byte differs from high byte: 16-bit precision is visible
                    row.append((x * 9973 + y * 31337 + c * 12345 + salt * 777) % 65536)
                else:
                    row.append((x * 3 + y * 5 + c * 7 + salt) % (top + 1))
        rows.append(row)
    return rows


def scale_to_8(v, depth):
    return v * (255 // ((1 << depth) - 1)) if depth < 8 else v


fixtures = {}  # name → (png bytes, expected dict)


def expect(width, height, channels, depth, samples):
    return {"width": width, "height": height, "channels": channels, "bitDepth": depth, "samples": samples}


def add(name, data, expected):
    fixtures[name] = (data, expected)


# Grey 1/2/4/8/16, grey+alpha 8/16, RGB 8/16, RGBA 8/16.
for color_type, depths, label in [(GREY, [1, 2, 4, 8, 16], "grey"), (GREY_ALPHA, [8, 16], "greyalpha"),
                                  (RGB, [8, 16], "rgb"), (RGBA, [8, 16], "rgba")]:
    ch = CHANNELS[color_type]
    for depth in depths:
        rows = pattern(depth, ch)
        flat = [scale_to_8(v, depth) for r in rows for v in r]
        add(f"{label}{depth}", png(rows, depth, color_type), expect(WIDTH, HEIGHT, ch, max(8, depth), flat))

# Palette 1/2/4/8, with and without tRNS.
for depth in [1, 2, 4, 8]:
    entries = min(1 << depth, 200)
    palette = [((i * 53) % 256, (i * 97 + 11) % 256, (i * 151 + 29) % 256) for i in range(entries)]
    alphas = [(i * 61) % 256 for i in range(min(entries, 3 if depth > 1 else 1))]  # shorter than PLTE
    rows = [[(x + 3 * y) % entries for x in range(WIDTH)] for y in range(HEIGHT)]
    rgb = [c for r in rows for i in r for c in palette[i]]
    rgba = [c for r in rows for i in r for c in palette[i] + ((alphas[i] if i < len(alphas) else 255),)]
    add(f"palette{depth}", png(rows, depth, PALETTE, palette=palette), expect(WIDTH, HEIGHT, 3, 8, rgb))
    add(f"palette{depth}trns", png(rows, depth, PALETTE, palette=palette, trns=bytes(alphas)),
        expect(WIDTH, HEIGHT, 4, 8, rgba))

# tRNS colour keys on grey (4, 8, 16 bits) and RGB (8, 16 bits): matching pixels get alpha 0.
for depth in [4, 8, 16]:
    rows = pattern(depth, 1)
    key = rows[1][2]
    top = (1 << max(8, depth)) - 1
    flat = []
    for r in rows:
        for v in r:
            flat += [scale_to_8(v, depth), 0 if v == key else top]
    add(f"grey{depth}key", png(rows, depth, GREY, trns=struct.pack(">H", key)),
        expect(WIDTH, HEIGHT, 2, max(8, depth), flat))
for depth in [8, 16]:
    rows = pattern(depth, 3)
    key = rows[2][3 * 3:3 * 3 + 3]
    top = (1 << depth) - 1
    flat = []
    for r in rows:
        for x in range(WIDTH):
            px = r[x * 3:x * 3 + 3]
            flat += px + [0 if px == key else top]
    add(f"rgb{depth}key", png(rows, depth, RGB, trns=struct.pack(">HHH", *key)), expect(WIDTH, HEIGHT, 4, depth, flat))

# Adam7 twins: same pixels, interlaced; they must decode to their twin's samples.
for twin, depth, color_type in [("grey1", 1, GREY), ("grey8", 8, GREY), ("greyalpha8", 8, GREY_ALPHA),
                                ("rgb8", 8, RGB), ("rgba16", 16, RGBA), ("grey16", 16, GREY)]:
    rows = pattern(depth, CHANNELS[color_type])
    add(f"{twin}adam7", png(rows, depth, color_type, interlace=1), fixtures[twin][1])
palette = [((i * 53) % 256, (i * 97 + 11) % 256, (i * 151 + 29) % 256) for i in range(16)]
rows = [[(x + 3 * y) % 16 for x in range(WIDTH)] for y in range(HEIGHT)]
add("palette4trnsadam7", png(rows, 4, PALETTE, interlace=1, palette=palette, trns=bytes([0, 61, 122])),
    fixtures["palette4trns"][1])

# Every filter type, on every row, for byte-per-sample and packed layouts (bpp 1, 2, 3, 4, 8):
# the decoder must undo Sub, Up, Average and Paeth exactly as the specification defines them.
# A 16-bit wide pattern with large steps makes every predictor wrap modulo 256 somewhere.
FILTER_NAMES = {0: "none", 1: "sub", 2: "up", 3: "average", 4: "paeth"}
for filters, tag in [([k], FILTER_NAMES[k]) for k in range(5)] + [([0, 1, 2, 3, 4], "mixed")]:
    for color_type, depth, label in [(RGB, 8, "rgb8"), (GREY, 1, "grey1"), (GREY_ALPHA, 8, "greyalpha8"),
                                     (RGBA, 8, "rgba8"), (RGBA, 16, "rgba16")]:
        rows = pattern(depth, CHANNELS[color_type], salt=11)
        flat = [scale_to_8(v, depth) for r in rows for v in r]
        add(f"filter{tag}_{label}", png(rows, depth, color_type, filters=filters),
            expect(WIDTH, HEIGHT, CHANNELS[color_type], max(8, depth), flat))

# Alpha for compositing: opaque, fully transparent and half-transparent pixels over odd colours.
alpha_rows = [[200, 100, 50, 255, 200, 100, 50, 0, 200, 100, 50, 128, 0, 0, 0, 0]]
add("composite", png(alpha_rows, 8, RGBA), expect(4, 1, 4, 8, alpha_rows[0]))

# A bad CRC in an ancillary chunk (tEXt) is tolerated: the image still decodes.
base_rows = pattern(8, 3)
bad_text = chunk(b"tEXt", b"Comment\x00damaged", crc=0x12345678)
add("badtextcrc", png(base_rows, 8, RGB, extra=bad_text), fixtures["rgb8"][1])

# Corrupt and non-PNG inputs: (name, bytes). Expectations live in the Swift test table.
good = png(base_rows, 8, RGB, idat_split=1)
idat = good.index(b"IDAT") - 4
idat_len = struct.unpack(">I", good[idat:idat + 4])[0]
bad_idat = bytearray(good)
bad_idat[idat + 8 + idat_len] ^= 0xFF  # flip a CRC byte of the IDAT chunk
absurd = good[:33] + struct.pack(">I", 0xFFFFFFF0) + b"tEXt" + b"x" * 20
huge = b"\x89PNG\r\n\x1a\n" + ihdr(100000, 100000, 8, GREY) + chunk(b"IDAT", zlib.compress(b"\x00" * 100)) + chunk(b"IEND", b"")
corrupt = {
    "truncated": good[:idat + 8 + idat_len // 2],
    "badidatcrc": bytes(bad_idat),
    "empty": b"",
    "signatureonly": b"\x89PNG\r\n\x1a\n",
    "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(64)),
    "text": b"This is not an image, just some notes.\nSecond line.\n",
    "huge": huge,
    "absurdchunklength": absurd,
}

os.makedirs(os.path.join(ROOT, "corrupt"), exist_ok=True)
for name, (data, expected) in sorted(fixtures.items()):
    with open(os.path.join(ROOT, name + ".png"), "wb") as f:
        f.write(data)
    with open(os.path.join(ROOT, name + ".json"), "w") as f:
        json.dump(expected, f, separators=(",", ":"))
        f.write("\n")
for name, data in sorted(corrupt.items()):
    with open(os.path.join(ROOT, "corrupt", name + ".png"), "wb") as f:
        f.write(data)
print(f"wrote {len(fixtures)} fixtures and {len(corrupt)} corrupt files to {os.path.normpath(ROOT)}")

#!/usr/bin/env python3
"""Writes fuzz/regressions/model/: inputs at the integer edges of the model-file loader.

The model-file fuzzer has found no crash so far (runs of 2026-11-29). These files are the
inputs a Swift loader most easily traps on (integer overflow traps, it does not wrap), kept as
regressions so `swift test` replays them: a header length that wraps `8 + n`, offsets and
shapes whose products overflow 64 bits, numbers past Int64. Each must be refused with a clean
`invalidModelFile` whose reason `Tests/ClassifierTests/ModelFileFuzzRegressionTests.swift` asserts.

Usage (from the repository root): python3 fuzz/make_model_regressions.py
Needs only the standard library; deterministic.
"""
import json
import struct
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SOURCE = ROOT / "corpus" / "model" / "tiny.safetensors"
OUT = ROOT / "regressions" / "model"


def split(data: bytes):
    n = struct.unpack("<Q", data[:8])[0]
    return json.loads(data[8:8 + n]), data[8 + n:]


def join_text(text: bytes, buffer: bytes) -> bytes:
    while (8 + len(text)) % 8:
        text += b" "
    return struct.pack("<Q", len(text)) + text + buffer


def with_tensor(header, buffer, name, raw_field, raw_value):
    """The header with one field of one tensor replaced by raw JSON text (e.g. a 40-digit number)."""
    h = json.loads(json.dumps(header))
    h[name][raw_field] = "@@"
    text = json.dumps(h, separators=(",", ":"), sort_keys=True).replace('"@@"', raw_value)
    return join_text(text.encode(), buffer)


def main() -> None:
    data = SOURCE.read_bytes()
    header, buffer = split(data)
    OUT.mkdir(parents=True, exist_ok=True)
    files = {
        # 8 + n wraps around in 64 bits to 1.
        "length-wraps.safetensors": struct.pack("<Q", 2**64 - 7) + data[8:],
        # end − begin overflows Int64 when begin is negative... here: end at Int64.max.
        "offsets-int64-max.safetensors": with_tensor(header, buffer, "layers.0.weight", "data_offsets", f"[0,{2**63 - 1}]"),
        # A number past every 64-bit integer.
        "offsets-past-uint64.safetensors": with_tensor(header, buffer, "layers.0.weight", "data_offsets", "[0,1" + "0" * 30 + "]"),
        # 2^32 · 2^32 · 4 bytes wraps to 0 in 64-bit arithmetic.
        "shape-product-wraps.safetensors": with_tensor(header, buffer, "layers.0.weight", "shape", f"[{2**32},{2**32}]"),
        # One dimension at Int64.max: × 4 bytes overflows.
        "shape-int64-max.safetensors": with_tensor(header, buffer, "layers.0.bias", "shape", f"[{2**63 - 1}]"),
    }
    for name, content in sorted(files.items()):
        (OUT / name).write_bytes(content)
    print(f"wrote {len(files)} files to {OUT}")


if __name__ == "__main__":
    main()

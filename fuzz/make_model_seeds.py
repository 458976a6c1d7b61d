#!/usr/bin/env python3
"""Writes the model-file fuzzer's seed corpus: hand-made corrupt variants of a valid model.

Usage (from the repository root, after `classify train … --model fuzz/corpus/model/tiny.safetensors`):
    python3 fuzz/make_model_seeds.py fuzz/corpus/model/tiny.safetensors fuzz/corpus/model

Each variant breaks one layer of the format (length field, JSON, metadata, tensor entries,
data buffer) so the fuzzer starts next to every validation branch. Needs only the standard library.
"""
import json
import struct
import sys
from pathlib import Path


def split(data: bytes):
    n = struct.unpack("<Q", data[:8])[0]
    return json.loads(data[8:8 + n]), data[8 + n:]


def join(header: dict, buffer: bytes, pad: bool = True) -> bytes:
    text = json.dumps(header, separators=(",", ":"), sort_keys=True).encode()
    while pad and (8 + len(text)) % 8:
        text += b" "
    return struct.pack("<Q", len(text)) + text + buffer


def main(source: str, out_dir: str) -> None:
    data = Path(source).read_bytes()
    header, buffer = split(data)
    meta = header["__metadata__"]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    variants = {}

    def with_meta(**changes):
        h = json.loads(json.dumps(header))
        for key, value in changes.items():
            if value is None:
                h["__metadata__"].pop(key, None)
            else:
                h["__metadata__"][key] = value
        return join(h, buffer)

    def with_tensor(name, **changes):
        h = json.loads(json.dumps(header))
        h[name].update(changes)
        return join(h, buffer)

    variants["truncated-length"] = data[:5]
    variants["huge-header-length"] = struct.pack("<Q", 2**63) + data[8:]
    variants["header-past-end"] = struct.pack("<Q", len(data)) + data[8:]
    variants["truncated-data"] = data[:-3]
    variants["trailing-bytes"] = data + b"\0\0\0\0"
    variants["not-json"] = join({}, b"")[:8] + b"{\"a\":" + b" " * 3
    variants["json-array"] = join([], b"") if False else struct.pack("<Q", 2) + b"[]"
    variants["not-utf8"] = struct.pack("<Q", 4) + b"\"\xff\xfe\""
    variants["metadata-not-strings"] = join({"__metadata__": {"format": 1}}, b"")
    variants["no-format"] = with_meta(format=None)
    variants["other-format"] = with_meta(format="other")
    variants["future-version"] = with_meta(format_version="99")
    variants["classes-duplicate"] = with_meta(classes=json.dumps(["a", "a"]))
    variants["classes-not-json"] = with_meta(classes="[\"a\"")
    variants["input-zero-width"] = with_meta(input=json.dumps({**json.loads(meta["input"]), "width": 0}))
    variants["input-bad-background"] = with_meta(input=json.dumps({**json.loads(meta["input"]), "background": "#12345g"}))
    variants["input-bad-color"] = with_meta(input=json.dumps({**json.loads(meta["input"]), "color": "cmyk"}))
    variants["unknown-activation"] = with_meta(activations=json.dumps(["relu", "swish"]))
    variants["softmax-hidden"] = with_meta(activations=json.dumps(["softmax", "softmax"]))
    variants["unknown-cost"] = with_meta(cost="hinge")
    variants["bad-training"] = with_meta(training="{\"epochs\":\"x\"}")
    variants["dtype-f16"] = with_tensor("layers.0.bias", dtype="F16")
    variants["shape-negative"] = with_tensor("layers.0.bias", shape=[-1])
    variants["shape-huge"] = with_tensor("layers.0.weight", shape=[2**31, 2**31, 2**31])
    variants["offsets-reversed"] = with_tensor("layers.0.bias", data_offsets=[8, 0])
    variants["offsets-float"] = with_tensor("layers.0.bias", data_offsets=[0.5, 16])
    nan_buffer = b"\x00\x00\xc0\x7f" + buffer[4:]
    variants["nan-value"] = join(header, nan_buffer)
    missing = json.loads(json.dumps(header))
    missing.pop("layers.1.bias", None)
    variants["missing-bias"] = join(missing, buffer)
    variants["unpadded-header"] = join(header, buffer, pad=False)

    for name, content in variants.items():
        (out / f"{name}.safetensors").write_bytes(content)
    print(f"wrote {len(variants)} variants to {out}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

"""Checks exported classify models in the real ONNX runtime (run by Tests/classifyTests/ONNXExportTests.swift).

Reads a JSON list of jobs on stdin, {"model": path.onnx, "inputs": [[float, ...], ...]}, and for
each: onnx.checker.check_model(full_check=True) (structure, opset, types and shape inference),
then onnxruntime on the input rows. Prints one JSON list of results on stdout:
{"probabilities": [[...]], "label": [...] or null, "metadata": {...}, "producer": "...",
 "opset": n, "inputs": [[name, shape]], "outputs": [[name, shape]]}.
"""
import json
import sys

import numpy as np
import onnx
import onnxruntime as ort


def check(job):
    model = onnx.load(job["model"])
    onnx.checker.check_model(model, full_check=True)
    session = ort.InferenceSession(job["model"], providers=["CPUExecutionProvider"])
    pixels = np.asarray(job["inputs"], dtype=np.float32)
    names = [o.name for o in session.get_outputs()]
    results = dict(zip(names, session.run(None, {"pixels": pixels})))
    meta = session.get_modelmeta()
    return {
        "probabilities": results["probabilities"].astype(float).tolist(),
        "label": results["label"].tolist() if "label" in results else None,
        "metadata": dict(meta.custom_metadata_map),
        "producer": meta.producer_name,
        "opset": [o.version for o in model.opset_import if o.domain in ("", "ai.onnx")][0],
        "inputs": [[i.name, [d if isinstance(d, int) else str(d) for d in i.shape]] for i in session.get_inputs()],
        "outputs": [[o.name, [d if isinstance(d, int) else str(d) for d in o.shape]] for o in session.get_outputs()],
    }


if __name__ == "__main__":
    print(json.dumps([check(job) for job in json.load(sys.stdin)]))

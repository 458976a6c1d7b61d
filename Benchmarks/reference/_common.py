"""Shared pieces of the reference benchmarks: command line, synthetic data, timing report.

Every trainer here runs the same experiment: a fully connected network (default 784-128-10),
hidden activation relu or sigmoid, softmax + cross-entropy output, plain SGD (lr 0.1, batch 64),
float32, on synthetic examples whose labels come from a fixed random linear "teacher" (so the loss
really falls). Only the training loop is timed; the figure reported is samples/s = examples x
epochs / seconds, the median over --repeats runs.
"""
import argparse
import json
import os
import statistics
import sys


def parse_args(description, argv=None):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--sizes", default="784,128,10", help="layer sizes, comma-separated (default 784,128,10)")
    p.add_argument("--activation", choices=["relu", "sigmoid"], default="relu", help="hidden activation")
    p.add_argument("--examples", type=int, default=60000, help="synthetic training examples")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--learning-rate", type=float, default=0.1)
    p.add_argument("--repeats", type=int, default=1, help="report the median of this many runs")
    p.add_argument("--threads", type=int, default=2, help="BLAS / intra-op threads")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    a.sizes = [int(s) for s in a.sizes.split(",")]
    if len(a.sizes) < 2 or min(a.sizes) < 1:
        p.error("Please give at least two positive layer sizes, e.g. --sizes 784,128,10.")
    return a


def limit_threads(n):
    """Must run before numpy / torch / jax are imported: BLAS reads these once."""
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(n)


def blas_kernel():
    """Which BLAS numpy runs and its kernel (threadpoolctl: library, version, CPU kernel, threads),
    e.g. "openblas 0.3.27 Haswell 2 threads"; "unknown" without threadpoolctl."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (no threadpoolctl)"
    blas = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    return "; ".join(f"{i.get('internal_api')} {i.get('version')} {i.get('architecture', '')} "
                     f"{i.get('num_threads')} threads" for i in blas) or "none found"


def synthetic_data(args):
    """X: examples x sizes[0] float32 in [0, 1); y: int labels = argmax of a random linear teacher."""
    import numpy as np

    rng = np.random.default_rng(args.seed)
    x = rng.random((args.examples, args.sizes[0]), dtype=np.float32)
    teacher = rng.standard_normal((args.sizes[0], args.sizes[-1])).astype(np.float32)
    y = np.argmax((x - 0.5) @ teacher, axis=1).astype(np.int64)
    return x, y


def report(name, args, seconds, extra=None):
    """Print one JSON line: samples/s is the median over the repeats."""
    median = statistics.median(seconds)
    out = {
        "reference": name,
        "sizes": args.sizes,
        "activation": args.activation,
        "examples": args.examples,
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "learning_rate": args.learning_rate,
        "threads": args.threads,
        "repeats": len(seconds),
        "seconds": round(median, 4),
        "samples_per_second": round(args.examples * args.epochs / median, 1),
        # other processes competing for the cores distort multi-threaded BLAS badly: record it
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    out.update(extra or {})
    print(json.dumps(out))


def skip(name, reason):
    print(json.dumps({"reference": name, "skipped": reason}))
    sys.exit(0)

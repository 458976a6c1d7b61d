#!/usr/bin/env python3
"""numpy reference: samples/s of mini-batch SGD training of a fully connected network.

Measures the training loop only (data generation excluded) of the network in the style of
Nielsen's network2.py, batched with one example per row (see _network.py): S = A W^T + b,
A = f(S), softmax + cross-entropy output, backpropagation as matrix products, plain SGD.
Everything is float32 (asserted: no silent float64 upcasts). Prints one JSON line.

Usage: python3 Benchmarks/reference/numpy_mlp.py [--sizes 784,128,10] [--activation relu]
       [--examples 60000] [--epochs 1] [--batch-size 64] [--repeats 3] [--threads 2]
"""
import time

import _common

args = _common.parse_args(__doc__.splitlines()[0])
_common.limit_threads(args.threads)
import numpy as np  # noqa: E402  (after the thread limit)

import _network  # noqa: E402


def main():
    x, y = _common.synthetic_data(args)
    seconds, loss = [], 0.0
    for r in range(args.repeats):
        rng = np.random.default_rng(args.seed + 1 + r)
        weights, biases = _network.init(args.sizes, args.activation, rng)
        t = time.perf_counter()
        for _ in range(args.epochs):
            loss = _network.train_epoch(weights, biases, x, y, args.activation,
                                        args.learning_rate, args.batch_size, rng)
        seconds.append(time.perf_counter() - t)
    _common.report("numpy", args, seconds, {"numpy": np.__version__, "last_epoch_loss": round(loss, 4),
                                            "blas": _common.blas_kernel()})


if __name__ == "__main__":
    main()

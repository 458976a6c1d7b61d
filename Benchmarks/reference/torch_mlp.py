#!/usr/bin/env python3
"""PyTorch (eager, CPU) reference: samples/s of the same training loop as numpy_mlp.py.

Same network (nn.Linear layers, relu|sigmoid hidden, softmax + cross-entropy via
F.cross_entropy), plain optim.SGD (no momentum), float32, torch.set_num_threads(--threads).
Times the training loop only. Prints one JSON line, or {"skipped": reason} without PyTorch.

Usage: python3 Benchmarks/reference/torch_mlp.py [same options as numpy_mlp.py]
"""
import time

import _common

args = _common.parse_args(__doc__.splitlines()[0])
_common.limit_threads(args.threads)
try:
    import torch
    import torch.nn.functional as F
except ImportError as e:  # pragma: no cover - depends on the machine
    _common.skip("torch", f"PyTorch is not installed ({e})")


def main():
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    x_np, y_np = _common.synthetic_data(args)
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)
    act = torch.relu if args.activation == "relu" else torch.sigmoid
    seconds, loss_sum = [], 0.0
    for r in range(args.repeats):
        layers = torch.nn.ModuleList(torch.nn.Linear(i, o) for i, o in zip(args.sizes[:-1], args.sizes[1:]))
        opt = torch.optim.SGD(layers.parameters(), lr=args.learning_rate)
        gen = torch.Generator().manual_seed(args.seed + 1 + r)
        t = time.perf_counter()
        for _ in range(args.epochs):
            order = torch.randperm(len(x), generator=gen)
            loss_sum = 0.0
            for start in range(0, len(x), args.batch_size):
                rows = order[start:start + args.batch_size]
                a = x[rows]
                for layer in layers[:-1]:
                    a = act(layer(a))
                loss = F.cross_entropy(layers[-1](a), y[rows])  # log-softmax + NLL, batch mean
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                loss_sum += loss.detach() * len(rows)
            loss_sum = float(loss_sum) / len(x)
        seconds.append(time.perf_counter() - t)
    _common.report("torch", args, seconds, {"torch": torch.__version__, "last_epoch_loss": round(loss_sum, 4)})


if __name__ == "__main__":
    main()

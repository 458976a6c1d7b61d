#!/usr/bin/env python3
"""JAX (CPU, jit) reference: samples/s of the same training loop as numpy_mlp.py.

Same network and plain SGD; one jax.jit-compiled train step (forward, jax.grad of the batch-mean
softmax cross-entropy, SGD update) called once per mini-batch from a Python loop over shuffled
batches, float32. The step is compiled (and a partial last batch too) before timing starts.
Prints one JSON line, or {"skipped": reason} without JAX.

Usage: python3 Benchmarks/reference/jax_mlp.py [same options as numpy_mlp.py]
"""
import os
import time

import _common

args = _common.parse_args(__doc__.splitlines()[0])
_common.limit_threads(args.threads)
if args.threads == 1:
    os.environ["XLA_FLAGS"] = os.environ.get("XLA_FLAGS", "") + \
        " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
os.environ.setdefault("JAX_PLATFORMS", "cpu")
try:
    import jax
    import jax.numpy as jnp
except ImportError as e:  # pragma: no cover - depends on the machine
    _common.skip("jax", f"JAX is not installed ({e})")
import numpy as np  # noqa: E402


def init(key):
    params = []
    for n_in, n_out in zip(args.sizes[:-1], args.sizes[1:]):
        key, sub = jax.random.split(key)
        scale = np.sqrt((2.0 if args.activation == "relu" else 1.0) / n_in)
        params.append((jax.random.normal(sub, (n_out, n_in), jnp.float32) * scale, jnp.zeros(n_out, jnp.float32)))
    return params


def loss_fn(params, x, y):
    act = jax.nn.relu if args.activation == "relu" else jax.nn.sigmoid
    a = x
    for w, b in params[:-1]:
        a = act(a @ w.T + b)
    w, b = params[-1]
    logp = jax.nn.log_softmax(a @ w.T + b)
    return -jnp.mean(jnp.take_along_axis(logp, y[:, None], axis=1))


@jax.jit
def step(params, x, y):
    loss, grads = jax.value_and_grad(loss_fn)(params, x, y)
    params = jax.tree_util.tree_map(lambda p, g: p - args.learning_rate * g, params, grads)
    return params, loss


def main():
    x_np, y_np = _common.synthetic_data(args)
    x, y = jnp.asarray(x_np), jnp.asarray(y_np.astype(np.int32))
    bs = args.batch_size
    # compile for the full and the partial last batch before timing
    warm = init(jax.random.PRNGKey(args.seed))
    for n in {min(bs, len(x_np)), len(x_np) % bs or bs}:
        jax.block_until_ready(step(warm, x[:n], y[:n]))
    seconds, last = [], 0.0
    for r in range(args.repeats):
        params = init(jax.random.PRNGKey(args.seed + 1 + r))
        rng = np.random.default_rng(args.seed + 1 + r)
        t = time.perf_counter()
        for _ in range(args.epochs):
            order = jnp.asarray(rng.permutation(len(x_np)))
            xs, ys = x[order], y[order]
            losses = []
            for start in range(0, len(x_np), bs):
                params, loss = step(params, xs[start:start + bs], ys[start:start + bs])
                losses.append(loss)
            jax.block_until_ready(params)
            last = float(jnp.mean(jnp.stack(losses)))  # unweighted batch mean, for a sanity check
        seconds.append(time.perf_counter() - t)
    _common.report("jax", args, seconds, {"jax": jax.__version__, "last_epoch_loss": round(last, 4)})


if __name__ == "__main__":
    main()

"""The numpy network shared by numpy_mlp.py, pillow_pipeline.py and numpy_predict.py.

Batched Nielsen network2 notation, one example per row:
    S^l = A^(l-1) W^l^T + b^l,  A^l = f(S^l)            forward (softmax on the last layer)
    Delta^L = (A^L - Y) / m                              BP1, softmax + cross-entropy, batch mean
    Delta^l = (Delta^(l+1) W^(l+1)) * f'(S^l)            BP2
    dJ/db^l = sum over rows of Delta^l                   BP3
    dJ/dW^l = Delta^l^T A^(l-1)                          BP4
Weights are [out, in] float32, biases [out] float32. numpy must be imported by the caller after
the thread limit is set (see _common.limit_threads).
"""
import numpy as np

F32 = np.float32


def init(sizes, activation, rng):
    """He (relu) or Xavier (sigmoid) normal weights [out, in], zero biases, float32."""
    weights, biases = [], []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        scale = np.sqrt((2.0 if activation == "relu" else 1.0) / n_in)
        weights.append((rng.standard_normal((n_out, n_in)) * scale).astype(F32))
        biases.append(np.zeros(n_out, F32))
    return weights, biases


def f(s, activation):
    """Hidden activation, element-wise."""
    if activation == "relu":
        return np.maximum(s, F32(0))
    if activation == "sigmoid":
        return F32(1) / (F32(1) + np.exp(-s))
    if activation == "tanh":
        return np.tanh(s)
    if activation == "identity":
        return s
    raise ValueError(f"unknown activation '{activation}'")


def f_prime(s, a, activation):
    """f'(s), using a = f(s) where that is cheaper."""
    if activation == "relu":
        return (s > 0).astype(F32)
    if activation == "sigmoid":
        return a * (F32(1) - a)
    if activation == "tanh":
        return F32(1) - a * a
    return np.ones_like(s)


def softmax(s):
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def forward(weights, biases, x, activation):
    """Probabilities [rows, classes] for inputs x [rows, in]."""
    a = x
    for i, (w, b) in enumerate(zip(weights, biases)):
        s = a @ w.T + b
        a = softmax(s) if i == len(weights) - 1 else f(s, activation)
    return a


def train_epoch(weights, biases, x, y, activation, learning_rate, batch_size, rng):
    """One epoch of plain SGD over shuffled mini-batches, in place; returns the mean cross-entropy."""
    eta = F32(learning_rate)
    order = rng.permutation(len(x))
    eye = np.eye(weights[-1].shape[0], dtype=F32)
    total = 0.0
    for start in range(0, len(x), batch_size):
        rows = order[start:start + batch_size]
        m = F32(len(rows))
        a, ss, activations = x[rows], [], [x[rows]]
        for i, (w, b) in enumerate(zip(weights, biases)):  # forward
            s = a @ w.T + b
            a = softmax(s) if i == len(weights) - 1 else f(s, activation)
            ss.append(s)
            activations.append(a)
        total += float(-np.log(np.maximum(a[np.arange(len(rows)), y[rows]], F32(1e-30))).sum())
        delta = (a - eye[y[rows]]) / m  # BP1
        for i in range(len(weights) - 1, -1, -1):  # backward, reverse order of the forward pass
            weight_gradient = delta.T @ activations[i]  # BP4
            bias_gradient = delta.sum(axis=0)  # BP3
            if i > 0:  # BP2, with this layer's weights before their update
                delta = (delta @ weights[i]) * f_prime(ss[i - 1], activations[i], activation)
            weights[i] -= eta * weight_gradient
            biases[i] -= eta * bias_gradient
    assert all(w.dtype == F32 for w in weights) and delta.dtype == F32, "float64 upcast"
    return total / len(x)

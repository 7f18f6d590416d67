"""How much the backward pass costs against the forward pass (chapter 3).

Counted in matrix products, the backward pass of a dense network does twice
the work of the forward pass: one product per layer forward (x @ w), two
backward (dout @ w.T and x.T @ dout), one fewer when the input batch needs no
gradient. This script measures the wall-time ratio for the networks of the
book, with ``course_lib``'s functional layers (as chapter 3 writes the
backward pass) and in bare numpy, without the library's argument checks:

- ``forward``: the dense layers, ReLUs and softmax cross-entropy, keeping the
  caches;
- ``backward``: from dlogits back to every (dw, db), input gradient included.

Forward and backward alternate in one process, one BLAS thread, median over
many repeats of the process's CPU time (steadier than wall time on a busy
machine). Run: ``python benchmarks/bench_backward.py [--repeats 300]``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from course_lib import activations, layers, losses, network  # noqa: E402

#: (label, layer sizes, batch, dtype)
NETWORKS = (
    ("spirals 2-32-32-2, N=200", (2, 32, 32, 2), 200, np.float64),
    ("digits 64-128-10, N=128", (64, 128, 10), 128, np.float64),
    ("20 layers of 32, N=64", (32,) * 21 + (10,), 64, np.float64),
    ("784-256-128-10, N=128, float32", (784, 256, 128, 10), 128, np.float32),
    ("784-1024-1024-10, N=256, float32", (784, 1024, 1024, 10), 256, np.float32),
)


def _functional(x, y, params):
    def forward():
        logits, caches = network.mlp_forward_with_caches(x, params)
        return losses.softmax_cross_entropy(logits, y)[1], caches

    def backward(state):
        dout, caches = state
        for lin, relu in reversed(caches):
            if relu is not None:
                dout = activations.relu_backward(dout, relu)
            dout, _, _ = layers.linear_backward(dout, lin)

    return forward, backward


def _bare_numpy(x, y, params):
    """The same passes without the library's argument checks."""
    n = len(y)

    def forward():
        hs, h = [], x
        for i, (w, b) in enumerate(params):
            hs.append(h)
            h = h @ w + b
            if i < len(params) - 1:
                h = np.maximum(h, 0)
        shifted = h - h.max(axis=1, keepdims=True)
        p = np.exp(shifted)
        p /= p.sum(axis=1, keepdims=True)
        p[np.arange(n), y] -= 1
        return p / n, hs

    def backward(state):
        dout, hs = state
        for i in reversed(range(len(params))):
            w, _ = params[i]
            if i < len(params) - 1:
                dout = dout * (hs[i + 1] > 0)
            hs[i].T @ dout, dout.sum(axis=0)
            dout = dout @ w.T

    return forward, backward


def ratio(forward, backward, repeats: int) -> tuple[float, float]:
    """Median forward seconds and median backward / forward, alternating."""
    for _ in range(5):
        backward(forward())
    t_fwd, t_bwd = [], []
    for _ in range(repeats):
        start = time.process_time()
        state = forward()
        middle = time.process_time()
        backward(state)
        t_fwd.append(middle - start)
        t_bwd.append(time.process_time() - middle)
    fwd = statistics.median(t_fwd)
    return fwd, statistics.median(t_bwd) / fwd


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=300)
    args = parser.parse_args()
    print(f"{'network':34s} {'forward':>10s} {'course_lib':>11s} {'bare numpy':>11s}")
    for label, sizes, n, dtype in NETWORKS:
        rng = np.random.default_rng(0)
        x = rng.normal(size=(n, sizes[0])).astype(dtype)
        y = rng.integers(0, sizes[-1], size=n)
        params = [(w.astype(dtype), b.astype(dtype)) for w, b in network.init_mlp(sizes, rng)]
        reps = max(10, args.repeats // (1 + sizes[1] // 128))
        fwd, functional = ratio(*_functional(x, y, params), reps)
        _, bare = ratio(*_bare_numpy(x, y, params), reps)
        print(f"{label:34s} {fwd * 1e3:8.3f}ms {functional:10.2f}x {bare:10.2f}x")
    print("backward time / forward time (CPU time of this process); "
          "counted in matrix products: 2x")


if __name__ == "__main__":
    main()

"""One training step of a 784-256-128-10 MLP (batch 128, float32, one BLAS thread).

Contenders, timed in one process, alternating, median over many repeats:

- ``course_lib``: Sequential(Linear, ReLU, Linear, ReLU, Linear), softmax
  cross-entropy, SGD: zero_grad, forward, loss, backward, step, written as
  ``fit`` runs it: ``model.backward(dlogits, input_grad=False)`` skips the
  gradient with respect to the input batch, which no step uses (PyTorch does
  not compute it either);
- ``matmul only``: exactly the matrix multiplies that step performs (forward,
  weight gradients, input gradients of the hidden layers), nothing else: the
  floor for a numpy implementation;
- ``with input dx`` (diagnostic): the same step with ``model.backward(dlogits)``,
  which also returns the gradient for the input batch (what a gradient check
  needs), and ``matmul, dx`` its floor;
- ``pytorch``: the same model and step with torch.nn on the CPU, if importable.

Reports course_lib / pytorch and matmul-only / course_lib (the share of the
step spent in BLAS). Run: ``python benchmarks/bench_step.py [--repeats 200]``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

import numpy as np  # noqa: E402

from course_lib import losses, modules, optim  # noqa: E402

SIZES = (784, 256, 128, 10)
BATCH = 128


def course_lib_step(x: np.ndarray, y: np.ndarray, input_grad: bool = False
                    ) -> Callable[[], None]:
    rng = np.random.default_rng(0)
    model = modules.Sequential(
        modules.Linear(SIZES[0], SIZES[1], rng), modules.ReLU(),
        modules.Linear(SIZES[1], SIZES[2], rng), modules.ReLU(),
        modules.Linear(SIZES[2], SIZES[3], rng),
    )
    for p in model.parameters():
        p.value = p.value.astype(np.float32)
        p.grad = np.zeros_like(p.value)
    opt = optim.SGD(model.parameters(), lr=0.01)

    def step() -> None:
        opt.zero_grad()
        _, dlogits = losses.softmax_cross_entropy(model.forward(x), y)
        model.backward(dlogits, input_grad=input_grad)
        opt.step()

    return step


def matmul_only(x: np.ndarray, input_grad: bool = False) -> Callable[[], None]:
    rng = np.random.default_rng(0)
    ws = [rng.standard_normal((a, b)).astype(np.float32) for a, b in zip(SIZES, SIZES[1:])]
    outs = [rng.standard_normal((BATCH, b)).astype(np.float32) for b in SIZES[1:]]
    ins = [x] + outs[:-1]

    def step() -> None:
        for h, w in zip(ins, ws):
            h @ w                      # forward
        for h, w, d in zip(ins, ws, outs):
            h.T @ d                    # weight gradient
            if input_grad or h is not x:
                d @ w.T                # input gradient (for x only with input_grad)

    return step


def torch_step(x: np.ndarray, y: np.ndarray) -> Callable[[], None] | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(SIZES[0], SIZES[1]), torch.nn.ReLU(),
        torch.nn.Linear(SIZES[1], SIZES[2]), torch.nn.ReLU(),
        torch.nn.Linear(SIZES[2], SIZES[3]),
    )
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = torch.nn.CrossEntropyLoss()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def step() -> None:
        opt.zero_grad()
        loss_fn(model(xt), yt).backward()
        opt.step()

    return step


def measure(contenders: dict[str, Callable[[], None]], repeats: int,
            inner: int) -> dict[str, float]:
    """Median seconds per step; contenders alternate, their order rotating each round."""
    times: dict[str, list[float]] = {name: [] for name in contenders}
    names = list(contenders)
    for fn in contenders.values():
        for _ in range(10):
            fn()
    for r in range(repeats):
        for name in names[r % len(names):] + names[:r % len(names)]:
            fn = contenders[name]
            start = time.perf_counter()
            for _ in range(inner):
                fn()
            times[name].append((time.perf_counter() - start) / inner)
    return {name: statistics.median(t) for name, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--inner", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x = rng.random((BATCH, SIZES[0]), dtype=np.float32)
    y = rng.integers(0, SIZES[-1], BATCH)
    contenders = {
        "course_lib": course_lib_step(x, y),
        "matmul only": matmul_only(x),
        "with input dx": course_lib_step(x, y, input_grad=True),
        "matmul, dx": matmul_only(x, input_grad=True),
    }
    torch = torch_step(x, y)
    if torch is not None:
        contenders["pytorch"] = torch
    med = measure(contenders, args.repeats, args.inner)
    for name, seconds in med.items():
        print(f"{name:13s} {seconds * 1e3:8.3f} ms/step")
    share = med["matmul only"] / med["course_lib"]
    print(f"share of the course_lib step in BLAS: {share:.0%} (target >= 75%)")
    share = med["matmul, dx"] / med["with input dx"]
    print(f"diagnostic, same share with the input-batch dx: {share:.0%}")
    if torch is not None:
        ratio = med["course_lib"] / med["pytorch"]
        print(f"course_lib / pytorch: {ratio:.2f}x (target <= 0.85x)")
        ratio = med["with input dx"] / med["pytorch"]
        print(f"diagnostic, course_lib with the input-batch dx / pytorch: {ratio:.2f}x")
    else:
        print("pytorch not importable: ratio not measured")


if __name__ == "__main__":
    main()

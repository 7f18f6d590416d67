"""Digits (8x8, scikit-learn) with a 64-128-10 ReLU MLP, Adam, 20 epochs, batch 32.

course_lib's ``fit`` against scikit-learn's ``MLPClassifier`` with the same
architecture, optimizer, learning rate, batch size, epochs, no L2, on the
same train/test split (60% / 20% of a stratified split; the 20% validation
part is unused by both). One BLAS thread; runs alternate; median wall time.
``fit`` also measures loss and accuracy on the whole training set after
every epoch (sklearn only tracks the mini-batch loss), so it does more work.

Run: ``python benchmarks/bench_digits.py [--repeats 5]``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402

from course_lib import datasets as data  # noqa: E402
from course_lib import losses, metrics, modules, optim, train  # noqa: E402

EPOCHS, BATCH, LR, HIDDEN = 20, 32, 2e-3, 128


def run_course_lib(split: data.Split, seed: int) -> float:
    rng = np.random.default_rng(seed)
    model = modules.Sequential(modules.Linear(64, HIDDEN, rng), modules.ReLU(),
                               modules.Linear(HIDDEN, 10, rng))
    train.fit(model, losses.softmax_cross_entropy, optim.Adam(model.parameters(), lr=LR),
              split.train, epochs=EPOCHS, batch_size=BATCH, rng=rng, progress=False)
    return metrics.accuracy(train.predict(model, split.test[0]), split.test[1])


def run_sklearn(split: data.Split, seed: int) -> float:
    clf = MLPClassifier(hidden_layer_sizes=(HIDDEN,), activation="relu", solver="adam",
                        alpha=0.0, batch_size=BATCH, learning_rate_init=LR, max_iter=EPOCHS,
                        shuffle=True, random_state=seed, tol=0.0, n_iter_no_change=EPOCHS + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(*split.train)
    return float(np.mean(clf.predict(split.test[0]) == split.test[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    x, y = data.load_digits()
    split = data.train_val_test_split(x, y, np.random.default_rng(0))
    runs = {"course_lib": run_course_lib, "sklearn": run_sklearn}
    times: dict[str, list[float]] = {name: [] for name in runs}
    accs: dict[str, list[float]] = {name: [] for name in runs}
    run_course_lib(split, 99)  # warm up imports and caches
    for r in range(args.repeats):
        order = list(runs) if r % 2 == 0 else list(runs)[::-1]
        for name in order:
            start = time.perf_counter()
            accs[name].append(runs[name](split, seed=r))
            times[name].append(time.perf_counter() - start)
    for name in runs:
        print(f"{name:10s} {statistics.median(times[name]):6.3f} s   test accuracy "
              f"median {statistics.median(accs[name]):.4f} (min {min(accs[name]):.4f})")
    ratio = statistics.median(times["course_lib"]) / statistics.median(times["sklearn"])
    print(f"course_lib / sklearn time: {ratio:.2f}x (target < 1); "
          f"accuracy target >= 0.97 for course_lib")


if __name__ == "__main__":
    main()

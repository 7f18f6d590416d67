"""Fashion-MNIST (full 60,000 training images) with chapter 6's model, against PyTorch.

The model and recipe of chapter 6, section 'A harder data set: Fashion-MNIST':
a 784-128-10 ReLU MLP in float32, He initialization with the last layer
scaled by 0.1 (loss at initialization near log 10), Adam from lr 2e-3 with a
cosine schedule over ``EPOCHS`` epochs (set once per epoch), batch 256,
inputs standardized with training statistics and a floor of 0.1 on each
pixel's standard deviation, on 55,000 training images; after every epoch the
loss and accuracy on the whole training and the 5,000 validation images are
measured (as ``train.fit`` does); then the test set (10,000 images) once.
The chapter adds early stopping (patience 2), which on its split kept the
last of the 6 epochs; here every run trains all ``EPOCHS`` so that the
times compare equal work.

PyTorch (only when ``import torch`` works) runs the same model, the same
initial weights, the same mini-batches and the same per-epoch measurements,
in one thread. Runs alternate in one process; the median wall time of each is
reported, and their ratio.

Run: ``python benchmarks/bench_fashion.py [--repeats 3] [--epochs 6]``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from course_lib import datasets as data  # noqa: E402
from course_lib import losses, metrics, modules, optim, schedules, train  # noqa: E402

HIDDEN, BATCH, LR, EPOCHS, N_VAL, MIN_STD = 128, 256, 2e-3, 6, 5000, 0.1


def prepare(seed: int = 4) -> data.Split:
    """The chapter's split: 5,000 stratified validation images, the official test set."""
    fashion = data.load_fashion_mnist()
    split = data.train_val_test_split(fashion.x_train, fashion.y_train,
                                      np.random.default_rng(seed),
                                      val_fraction=N_VAL / 60000, test_fraction=0.0)
    scaler = data.Standardizer(min_std=MIN_STD).fit(split.train[0])
    return data.Split(*((scaler.transform(x), y) for x, y in
                        (split.train, split.val, (fashion.x_test, fashion.y_test))))


def make_model(rng: np.random.Generator) -> modules.Sequential:
    """784-128-10 in float32; the last layer scaled by 0.1 so the initial logits are small."""
    model = modules.Sequential(modules.Linear(784, HIDDEN, rng), modules.ReLU(),
                               modules.Linear(HIDDEN, 10, rng))
    model[2].weight.value *= 0.1
    for p in model.parameters():
        p.value = p.value.astype(np.float32)
        p.zero_grad()
    return model


def run_course_lib(split: data.Split, seed: int, epochs: int) -> float:
    rng = np.random.default_rng(seed)
    model = make_model(rng)
    train.fit(model, losses.softmax_cross_entropy, optim.Adam(model.parameters(), lr=LR),
              split.train, split.val, epochs=epochs, batch_size=BATCH, rng=rng,
              schedule=schedules.cosine(LR, epochs), progress=False)
    return metrics.accuracy(train.predict(model, split.test[0]), split.test[1])


def torch_runner(split: data.Split):
    """The same run in PyTorch: same initial weights, same batch order, same measurements."""
    import torch
    import torch.nn.functional as F  # noqa: N812

    torch.set_num_threads(1)
    sets = [(torch.from_numpy(x), torch.from_numpy(y)) for x, y in split]

    def evaluate(net, x, y) -> None:
        with torch.no_grad():
            logits = torch.cat([net(x[i:i + 1024]) for i in range(0, len(y), 1024)])
            F.cross_entropy(logits, y).item()
            (logits.argmax(1) == y).float().mean().item()

    def run(seed: int, epochs: int) -> float:
        rng = np.random.default_rng(seed)
        ours = make_model(rng)
        net = torch.nn.Sequential(torch.nn.Linear(784, HIDDEN), torch.nn.ReLU(),
                                  torch.nn.Linear(HIDDEN, 10))
        with torch.no_grad():
            for layer, mine in ((net[0], ours[0]), (net[2], ours[2])):
                layer.weight.copy_(torch.from_numpy(mine.weight.value.T))  # stored (out, in)
                layer.bias.zero_()
        adam = torch.optim.Adam(net.parameters(), lr=LR)
        schedule = schedules.cosine(LR, epochs)
        (x, y), (xv, yv), (xt, yt) = sets
        for epoch in range(epochs):
            for group in adam.param_groups:
                group["lr"] = schedule(epoch)
            net.train()
            order = torch.from_numpy(rng.permutation(len(y)))
            for start in range(0, len(y), BATCH):
                batch = order[start:start + BATCH]
                adam.zero_grad()
                F.cross_entropy(net(x[batch]), y[batch]).backward()
                adam.step()
            net.eval()
            evaluate(net, x, y)
            evaluate(net, xv, yv)
        with torch.no_grad():
            return float((net(xt).argmax(1) == yt).float().mean())

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    args = parser.parse_args()
    if not data.fashion_mnist_available():
        print("Fashion-MNIST files not found (see data.load_fashion_mnist): nothing to measure.")
        return
    split = prepare()
    runs = {"course_lib": lambda seed: run_course_lib(split, seed, args.epochs)}
    try:
        runner = torch_runner(split)
        runs["pytorch"] = lambda seed: runner(seed, args.epochs)
    except ImportError:
        print("PyTorch is not importable: course_lib alone.")
    times: dict[str, list[float]] = {name: [] for name in runs}
    accs: dict[str, list[float]] = {name: [] for name in runs}
    for r in range(args.repeats):
        order = list(runs) if r % 2 == 0 else list(runs)[::-1]
        for name in order:
            start = time.perf_counter()
            accs[name].append(runs[name](r))
            times[name].append(time.perf_counter() - start)
    print(f"{len(split.train[1])} training, {len(split.val[1])} validation, "
          f"{len(split.test[1])} test images; {args.epochs} epochs, batch {BATCH}")
    for name in runs:
        print(f"{name:10s} {statistics.median(times[name]):6.2f} s   test accuracy median "
              f"{statistics.median(accs[name]):.4f} (min {min(accs[name]):.4f})")
    if "pytorch" in runs:
        ratio = statistics.median(times["course_lib"]) / statistics.median(times["pytorch"])
        print(f"course_lib / pytorch time: {ratio:.2f}x (target <= 1)")
    print("target: course_lib test accuracy >= 0.88")


if __name__ == "__main__":
    main()

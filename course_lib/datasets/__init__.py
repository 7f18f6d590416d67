"""Data sets and their preparation for training.

- :mod:`~course_lib.datasets.synthetic`: spirals, moons, circles and a noisy
  curve, made from an explicit ``rng`` (chapters 2, 3 and 5);
- :mod:`~course_lib.datasets.digits`: scikit-learn's 8x8 handwritten digits and
  shifted copies of them (chapters 4 to 7);
- :mod:`~course_lib.datasets.fashion_mnist`: Fashion-MNIST from local files, or
  downloaded with SHA-256 checks (chapter 6), read by
  :mod:`~course_lib.datasets.idx`, the IDX file format;
- :mod:`~course_lib.datasets.prepare`: train/validation/test splits,
  standardization, one-hot labels and mini-batches (chapters 2, 4, 6 and 7).

Synthetic sets return ``(x, y)`` with ``x`` float64 of shape (N, D) and ``y``
int64 labels of shape (N,) (or float64 targets of shape (N, 1) for
regression). Every public name is also here, so a chapter writes
``from course_lib import datasets as data`` and calls ``data.moons(...)``.
"""

from course_lib.datasets.digits import augment_digits, load_digits
from course_lib.datasets.fashion_mnist import (
    FASHION_MNIST_CLASSES,
    FashionMNIST,
    fashion_mnist_available,
    load_fashion_mnist,
)
from course_lib.datasets.idx import read_idx
from course_lib.datasets.prepare import (
    Split,
    Standardizer,
    minibatches,
    one_hot,
    train_val_test_split,
)
from course_lib.datasets.synthetic import circles, moons, regression_1d, spirals

__all__ = [
    "spirals", "moons", "circles", "regression_1d", "load_digits",
    "FASHION_MNIST_CLASSES", "FashionMNIST", "load_fashion_mnist", "fashion_mnist_available",
    "read_idx", "Split", "train_val_test_split", "Standardizer", "minibatches", "one_hot",
    "augment_digits",
]

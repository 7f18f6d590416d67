"""Data sets, splits, scaling and mini-batches.

Synthetic sets are made from an explicit ``rng`` and return ``(x, y)`` with
``x`` float64 of shape (N, D) and ``y`` int64 labels of shape (N,) (or
float64 targets of shape (N, 1) for regression). Handwritten digits come
from scikit-learn's wheel; Fashion-MNIST is read from local IDX files.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import numpy as np

from course_lib.validation import (
    as_array,
    as_labels,
    check_positive,
    check_probability,
    check_rng,
    describe,
)

__all__ = [
    "spirals", "moons", "circles", "regression_1d", "load_digits",
    "FASHION_MNIST_CLASSES", "FashionMNIST", "load_fashion_mnist", "fashion_mnist_available",
    "read_idx", "Split", "train_val_test_split", "Standardizer", "minibatches", "one_hot",
    "augment_digits",
]

# --------------------------------------------------------------------------- synthetic sets


def spirals(n_per_class: int, rng: np.random.Generator, classes: int = 2,
            noise: float = 0.2) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one per class, in the plane.

    Returns
    -------
    x : ndarray, shape (classes * n_per_class, 2), float64
    y : ndarray, shape (classes * n_per_class,), int64

    Notes
    -----
    Arm :math:`k` has radius :math:`r \\in [0.05, 1]` and angle
    :math:`\\theta = 3\\pi r + 2\\pi k / K + \\text{noise}\\cdot\\varepsilon`,
    :math:`\\varepsilon \\sim N(0, 1)`; no straight line separates the arms.

    Taught in chapter 2, section 'Stacking layers into an MLP'.
    """
    n = check_positive(n_per_class, "n_per_class", integer=True)
    rng = check_rng(rng)
    classes = check_positive(classes, "classes", integer=True)
    if classes < 2:
        raise ValueError(f"classes must be >= 2, got {classes}")
    noise = check_positive(noise, "noise", allow_zero=True)
    r = np.tile(np.linspace(0.05, 1.0, n), classes)
    y = np.repeat(np.arange(classes, dtype=np.int64), n)
    theta = 3 * np.pi * r + 2 * np.pi * y / classes + noise * rng.standard_normal(r.size)
    return np.column_stack([r * np.cos(theta), r * np.sin(theta)]), y


def moons(n: int, rng: np.random.Generator, noise: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (like scikit-learn's ``make_moons``).

    Returns ``x`` (n, 2) float64 and ``y`` (n,) int64; ``n // 2`` examples in class 0.

    Taught in chapter 5, section 'Overfitting, shown'.
    """
    n = check_positive(n, "n", integer=True)
    rng = check_rng(rng)
    noise = check_positive(noise, "noise", allow_zero=True)
    n0 = n // 2
    t0, t1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n - n0)
    x = np.vstack([np.column_stack([np.cos(t0), np.sin(t0)]),
                   np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)])])
    y = np.repeat(np.array([0, 1], dtype=np.int64), [n0, n - n0])
    return x + noise * rng.standard_normal(x.shape), y


def circles(n: int, rng: np.random.Generator, noise: float = 0.05,
            factor: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """A small circle (class 1, radius ``factor``) inside a unit circle (class 0).

    Returns ``x`` (n, 2) float64 and ``y`` (n,) int64. Not used in the chapters: a
    further data set on which one neuron fails and two layers succeed, for your own
    experiments.
    """
    n = check_positive(n, "n", integer=True)
    rng = check_rng(rng)
    noise = check_positive(noise, "noise", allow_zero=True)
    factor = check_probability(factor, "factor")
    n0 = n // 2
    radius = np.repeat([1.0, factor], [n0, n - n0])
    t = np.concatenate([np.linspace(0, 2 * np.pi, n0, endpoint=False),
                        np.linspace(0, 2 * np.pi, n - n0, endpoint=False)])
    x = radius[:, None] * np.column_stack([np.cos(t), np.sin(t)])
    y = np.repeat(np.array([0, 1], dtype=np.int64), [n0, n - n0])
    return x + noise * rng.standard_normal(x.shape), y


def regression_1d(n: int, rng: np.random.Generator,
                  noise: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Noisy samples of a smooth curve, :math:`y = \\sin(3x) + 0.5x + \\text{noise}\\,\\varepsilon`.

    Returns ``x`` (n, 1) float64, sorted, uniform in [-1.5, 1.5], and ``y`` (n, 1) float64.

    Taught in chapter 2, section 'Loss functions'.
    """
    n = check_positive(n, "n", integer=True)
    rng = check_rng(rng)
    noise = check_positive(noise, "noise", allow_zero=True)
    x = np.sort(rng.uniform(-1.5, 1.5, size=(n, 1)), axis=0)
    return x, np.sin(3 * x) + 0.5 * x + noise * rng.standard_normal((n, 1))


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 8x8 handwritten digits that ship with scikit-learn.

    Returns
    -------
    x : ndarray, shape (1797, 64), float64 in [0, 1]
        Pixel intensities (0..16 in the original) divided by 16.
    y : ndarray, shape (1797,), int64 in 0..9

    Taught in chapter 6, section 'The data'.
    """
    from sklearn.datasets import load_digits as sklearn_digits

    bunch = sklearn_digits()
    return bunch.data.astype(np.float64) / 16.0, bunch.target.astype(np.int64)


# --------------------------------------------------------------------------- Fashion-MNIST

FASHION_MNIST_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                         "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
FASHION_MNIST_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
FASHION_MNIST_DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
# SHA-256 of the *uncompressed* IDX files, so a re-gzipped copy still matches.
FASHION_MNIST_SHA256 = {
    "train-images-idx3-ubyte": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "t10k-images-idx3-ubyte": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}
_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


class FashionMNIST(NamedTuple):
    """Fashion-MNIST: x float32 (N, 784) in [0, 1], y int64 (N,)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def _read_bytes(path: Path) -> bytes:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        return f.read()


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read one IDX file (the MNIST format), gzipped (``.gz``) or not.

    The header is two zero bytes, a type code, the number of dimensions and
    then each size as a big-endian 32-bit integer; the data follow.

    Returns
    -------
    ndarray
        The stored array with its stored shape, in native byte order.

    Taught in chapter 6, section 'A harder data set: Fashion-MNIST'.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file path, got {describe(path)}")
    raw = _read_bytes(Path(path))
    if len(raw) < 4 or raw[:2] != b"\0\0" or raw[2] not in _IDX_DTYPES:
        raise ValueError(f"path {str(path)!r} is not an IDX file (bad magic number {raw[:4]!r})")
    ndim = raw[3]
    shape = tuple(int(s) for s in np.frombuffer(raw, ">u4", count=ndim, offset=4))
    dtype = np.dtype(_IDX_DTYPES[raw[2]])
    offset = 4 + 4 * ndim
    expected = offset + int(np.prod(shape)) * dtype.itemsize
    if len(raw) != expected:
        raise ValueError(
            f"path {str(path)!r} holds {len(raw)} bytes, its header implies {expected}"
        )
    return np.frombuffer(raw, dtype, offset=offset).reshape(shape).astype(dtype.newbyteorder("="))


def _find_idx(folder: Path, stem: str) -> Path | None:
    for name in (stem, stem + ".gz"):
        if (folder / name).is_file():
            return folder / name
    return None


def _default_cache() -> Path:
    return Path.home() / ".cache" / "course_lib" / "fashion-mnist"


def _candidates(path: object, cache_dir: object) -> list[Path]:
    """Folders to search, in order: ``path`` alone if given, else env var, Debian, cache."""
    for name, value in (("path", path), ("cache_dir", cache_dir)):
        if value is not None and not isinstance(value, (str, os.PathLike)):
            raise TypeError(f"{name} must be a folder path or None, got {describe(value)}")
    if path is not None:
        return [Path(path)]
    env = os.environ.get("COURSE_FASHION_MNIST")
    folders = [Path(env)] if env else []
    return folders + [FASHION_MNIST_DEBIAN_DIR, Path(cache_dir) if cache_dir else _default_cache()]


def _complete_folder(folders: list[Path]) -> Path | None:
    for folder in folders:
        if all(_find_idx(folder, stem) for stem in FASHION_MNIST_SHA256):
            return folder
    return None


def fashion_mnist_available(path: str | os.PathLike | None = None) -> bool:
    """Whether :func:`load_fashion_mnist` would find the four files without downloading.

    Taught in chapter 6, section 'A harder data set: Fashion-MNIST'.
    """
    return _complete_folder(_candidates(path, None)) is not None


def _download(folder: Path) -> None:
    """Fetch the four files from the official site into ``folder``, checking SHA-256."""
    folder.mkdir(parents=True, exist_ok=True)
    for stem, digest in FASHION_MNIST_SHA256.items():
        target = folder / (stem + ".gz")
        if target.is_file():
            continue
        partial = target.with_suffix(".part")
        with urllib.request.urlopen(FASHION_MNIST_URL + stem + ".gz", timeout=60) as r:
            with open(partial, "wb") as f:
                shutil.copyfileobj(r, f)
        actual = hashlib.sha256(_read_bytes(partial.rename(target))).hexdigest()
        if actual != digest:
            target.unlink()
            raise OSError(f"{stem}.gz from {FASHION_MNIST_URL} failed its SHA-256 check "
                          f"(got {actual}, expected {digest}); nothing was kept")


def _not_found(folders: list[Path]) -> FileNotFoundError:
    looked = "\n".join(f"  - {f}" for f in folders)
    return FileNotFoundError(
        "Fashion-MNIST files (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], "
        f"t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]) not found. Looked in:\n"
        f"{looked}\nTo get them: on Debian/Ubuntu `sudo apt install dataset-fashion-mnist`; "
        "or put the four files in a folder and pass path=... or set COURSE_FASHION_MNIST; "
        "or, when online, call load_fashion_mnist(download=True)."
    )


def load_fashion_mnist(path: str | os.PathLike | None = None,
                       cache_dir: str | os.PathLike | None = None,
                       download: bool = False) -> FashionMNIST:
    """Load Fashion-MNIST (Xiao et al., 2017) from local IDX files.

    Looks in ``path`` if given; otherwise in ``$COURSE_FASHION_MNIST``, then
    ``/usr/share/datasets/fashion-mnist`` (Debian package
    ``dataset-fashion-mnist``), then ``cache_dir`` (default
    ``~/.cache/course_lib/fashion-mnist``). Only with ``download=True`` does it
    fetch the files from the official site into the cache, with SHA-256 checks.

    Returns
    -------
    FashionMNIST
        ``x_train`` (60000, 784) and ``x_test`` (10000, 784) float32 in [0, 1];
        ``y_train``, ``y_test`` int64 in 0..9, names in ``FASHION_MNIST_CLASSES``.

    Raises
    ------
    FileNotFoundError
        When the files are absent and ``download`` is false; the message lists
        where it looked and how to get them.

    Taught in chapter 6, section 'A harder data set: Fashion-MNIST'.
    """
    if not isinstance(download, bool):
        raise TypeError(f"download must be True or False, got {describe(download)}")
    folders = _candidates(path, cache_dir)
    folder = _complete_folder(folders)
    if folder is None and download:
        folder = Path(cache_dir) if cache_dir else _default_cache()
        _download(folder)
    if folder is None:
        raise _not_found(folders)
    arrays = [read_idx(_find_idx(folder, stem)) for stem in FASHION_MNIST_SHA256]
    xs = [a.reshape(a.shape[0], -1).astype(np.float32) / np.float32(255) for a in arrays[::2]]
    ys = [a.astype(np.int64) for a in arrays[1::2]]
    return FashionMNIST(xs[0], ys[0], xs[1], ys[1])


# --------------------------------------------------------------------------- splits, batches


class Split(NamedTuple):
    """Train, validation and test sets, each an ``(x, y)`` pair."""

    train: tuple[np.ndarray, np.ndarray]
    val: tuple[np.ndarray, np.ndarray]
    test: tuple[np.ndarray, np.ndarray]


def _xy(x: object, y: object) -> tuple[np.ndarray, np.ndarray]:
    x = as_array(x, "x", ndim=2)
    y = np.asarray(y)
    if y.ndim == 0 or y.shape[0] != x.shape[0]:
        raise ValueError(f"y must have one entry per row of x ({x.shape[0]}), got shape {y.shape}")
    return x, y


def train_val_test_split(x: np.ndarray, y: np.ndarray, rng: np.random.Generator,
                         val_fraction: float = 0.2, test_fraction: float = 0.2,
                         stratify: bool = True) -> Split:
    """Shuffle and split ``(x, y)`` into train, validation and test sets.

    With ``stratify`` (``y`` must then be class labels) each class is split
    in the same proportions, so every set has about the class balance of
    the whole.

    Examples
    --------
    >>> x, y = np.arange(20.0).reshape(10, 2), np.arange(10) % 2
    >>> s = train_val_test_split(x, y, np.random.default_rng(0))
    >>> [len(part[0]) for part in s]
    [6, 2, 2]

    Taught in chapter 6, section 'Training, validation and test sets'.
    """
    x, y = _xy(x, y)
    rng = check_rng(rng)
    val_fraction = check_probability(val_fraction, "val_fraction")
    test_fraction = check_probability(test_fraction, "test_fraction")
    if val_fraction + test_fraction >= 1.0:
        raise ValueError("val_fraction + test_fraction must be < 1, got "
                         f"{val_fraction} + {test_fraction}")
    if stratify:
        groups = [np.flatnonzero(y == c) for c in np.unique(as_labels(y, "y"))]
    else:
        groups = [np.arange(len(y))]
    parts: list[list[np.ndarray]] = [[], [], []]
    for idx in groups:
        idx = rng.permutation(idx)
        n_test, n_val = round(test_fraction * len(idx)), round(val_fraction * len(idx))
        cuts = [len(idx) - n_val - n_test, len(idx) - n_test]
        for part, chunk in zip(parts, np.split(idx, cuts)):
            part.append(chunk)
    order = [rng.permutation(np.concatenate(p)) for p in parts]
    return Split(*((x[i], y[i]) for i in order))


class Standardizer:
    """Scale each feature to mean 0 and standard deviation 1, using training statistics.

    Parameters
    ----------
    min_std : float
        Floor on each feature's standard deviation, ``>= 0``. A feature that
        is almost constant in the training set (a border pixel that is dark
        in all but one image) has a tiny std, and dividing by it turns a
        new example's small deviation into a huge input; the floor caps
        that amplification at ``1 / min_std``. Features with standard
        deviation 0 are only centred (their std is taken as 1) when
        ``min_std`` is 0.

    Examples
    --------
    >>> s = Standardizer().fit(np.array([[0.0, 5.0], [2.0, 5.0]]))
    >>> s.transform(np.array([[1.0, 6.0]]))
    array([[0., 1.]])
    >>> s = Standardizer(min_std=0.5).fit(np.array([[0.0, 5.0], [0.2, 5.0]]))
    >>> s.transform(np.array([[1.1, 6.0]]))
    array([[2., 2.]])

    Taught in chapter 6, section 'Preprocessing'.
    """

    def __init__(self, min_std: float = 0.0) -> None:
        self.min_std = check_positive(min_std, "min_std", allow_zero=True)
        self.mean: np.ndarray | None = None
        self.std: np.ndarray | None = None

    def fit(self, x: np.ndarray) -> Standardizer:
        """Learn per-feature mean and std from ``x`` (N, D); returns ``self``."""
        x = as_array(x, "x", ndim=2)
        self.mean = x.mean(axis=0)
        std = np.maximum(x.std(axis=0), self.min_std)
        self.std = np.where(std == 0, 1.0, std).astype(x.dtype)
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        """Return ``(x - mean) / std`` as a new array, shape (N, D)."""
        if self.mean is None:
            raise RuntimeError("Standardizer.transform called before fit(x_train)")
        x = as_array(x, "x", ndim=2)
        if x.shape[1] != self.mean.shape[0]:
            raise ValueError(
                f"x must have {self.mean.shape[0]} columns (as in fit), got {x.shape[1]}"
            )
        return (x - self.mean) / self.std

    def fit_transform(self, x: np.ndarray) -> np.ndarray:
        """``fit(x)`` then ``transform(x)``."""
        return self.fit(x).transform(x)


def minibatches(x: np.ndarray, y: np.ndarray, batch_size: int,
                rng: np.random.Generator | None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(xb, yb)`` mini-batches covering every example exactly once.

    One permutation shuffles ``x`` and ``y`` together (``rng=None``: keep the
    order). Batches have ``batch_size`` rows, the last one possibly fewer.

    Examples
    --------
    >>> x, y = np.arange(10.0).reshape(5, 2), np.arange(5)
    >>> [yb.tolist() for _, yb in minibatches(x, y, 2, rng=None)]
    [[0, 1], [2, 3], [4]]

    Taught in chapter 4, section 'Batch, stochastic and mini-batch descent'.
    """
    x = as_array(x, "x", finite=False)
    y = np.asarray(y)
    if x.ndim == 0 or y.ndim == 0 or x.shape[0] != y.shape[0]:
        raise ValueError(f"x and y must have the same number of rows, got shapes {x.shape} "
                         f"and {y.shape}")
    batch_size = check_positive(batch_size, "batch_size", integer=True)
    if rng is not None:
        check_rng(rng)
    return _batches(x, y, batch_size, rng)


def _batches(x: np.ndarray, y: np.ndarray, batch_size: int,
             rng: np.random.Generator | None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    n = x.shape[0]
    order = np.arange(n) if rng is None else rng.permutation(n)
    for start in range(0, n, batch_size):
        idx = order[start:start + batch_size]
        yield x[idx], y[idx]


def one_hot(y: np.ndarray, num_classes: int) -> np.ndarray:
    """One-hot encode labels ``y`` (N,) into a float64 array (N, C).

    >>> one_hot(np.array([2, 0]), 3)
    array([[0., 0., 1.],
           [1., 0., 0.]])

    Taught in chapter 2, section 'Loss functions'.
    """
    num_classes = check_positive(num_classes, "num_classes", integer=True)
    y = as_labels(y, "y", num_classes=num_classes)
    out = np.zeros((y.size, num_classes))
    out[np.arange(y.size), y] = 1.0
    return out


def augment_digits(x: np.ndarray, rng: np.random.Generator, max_shift: int = 1) -> np.ndarray:
    """Shift each 8x8 digit by a random number of pixels (up to ``max_shift``) each way.

    Pixels shifted in from outside are 0. ``x`` is (N, 64) and so is the result.

    Taught in chapter 5, section 'Data augmentation'.
    """
    x = as_array(x, "x", ndim=2)
    if x.shape[1] != 64:
        raise ValueError(f"x must have shape (N, 64) (8x8 digits), got {x.shape}")
    rng = check_rng(rng)
    max_shift = check_positive(max_shift, "max_shift", allow_zero=True, integer=True)
    if max_shift > 7:
        raise ValueError(f"max_shift must be <= 7 for 8x8 images, got {max_shift}")
    n = x.shape[0]
    images = np.pad(x.reshape(n, 8, 8), ((0, 0), (max_shift,) * 2, (max_shift,) * 2))
    dy, dx = rng.integers(-max_shift, max_shift + 1, size=(2, n))
    rows = (np.arange(8) + max_shift - dy[:, None])[:, :, None]
    cols = (np.arange(8) + max_shift - dx[:, None])[:, None, :]
    return images[np.arange(n)[:, None, None], rows, cols].reshape(n, 64)

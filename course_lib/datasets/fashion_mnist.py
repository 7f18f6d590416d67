"""Fashion-MNIST (Xiao et al., 2017): found in local IDX files, or downloaded on request.

:func:`load_fashion_mnist` looks in a folder you name, then
``$COURSE_FASHION_MNIST``, the Debian package's folder and a cache; only
with ``download=True`` does it fetch the four files, each checked against
its SHA-256 before it is kept.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import urllib.request
from pathlib import Path
from typing import NamedTuple

import numpy as np

from course_lib.datasets.idx import read_bytes, read_idx
from course_lib.validation import describe

__all__ = ["FASHION_MNIST_CLASSES", "FashionMNIST", "load_fashion_mnist",
           "fashion_mnist_available"]


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


class FashionMNIST(NamedTuple):
    """Fashion-MNIST: x float32 (N, 784) in [0, 1], y int64 (N,)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


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
        actual = hashlib.sha256(read_bytes(partial.rename(target))).hexdigest()
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

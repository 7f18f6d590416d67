"""The 8x8 handwritten digits that ship with scikit-learn, and shifted copies of them."""

from __future__ import annotations

import numpy as np

from course_lib.validation import as_array, check_positive, check_rng

__all__ = ["load_digits", "augment_digits"]


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

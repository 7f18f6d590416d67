"""The IDX file format of MNIST and Fashion-MNIST: a small header, then the raw array."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np

from course_lib.validation import describe

__all__ = ["read_idx", "read_bytes"]

_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_bytes(path: Path) -> bytes:
    """The bytes of file ``path``, decompressed when its name ends in ``.gz``."""
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
    raw = read_bytes(Path(path))
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

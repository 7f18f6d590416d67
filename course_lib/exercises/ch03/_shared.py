"""Chapter 3 checks: helpers shared by the backward exercises."""

from __future__ import annotations

import numpy as np


def _seeded(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _away_from_zero(rng: np.random.Generator, shape: tuple, scale: float = 1.0) -> np.ndarray:
    """Normal entries pushed at least 0.05 away from 0 (ReLU's kink)."""
    z = rng.normal(0, scale, size=shape)
    return np.where(np.abs(z) < 0.05, np.sign(z + 1e-12) * 0.05 + z, z)

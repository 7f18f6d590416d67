"""Checks for chapter 5, *Regularization*."""

from __future__ import annotations

EXERCISES: tuple = ()

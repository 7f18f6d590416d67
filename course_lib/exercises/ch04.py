"""Checks for chapter 4, *Gradient descent*."""

from __future__ import annotations

EXERCISES: tuple = ()

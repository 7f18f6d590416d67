"""Checks for chapter 3, *Backpropagation*."""

from __future__ import annotations

EXERCISES: tuple = ()

"""Checks for chapter 2, *Forward propagation*."""

from __future__ import annotations

EXERCISES: tuple = ()

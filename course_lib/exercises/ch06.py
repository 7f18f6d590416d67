"""Checks for chapter 6, *Training a classifier*."""

from __future__ import annotations

EXERCISES: tuple = ()

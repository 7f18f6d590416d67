"""Chapter 4 checks: minibatches."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from course_lib import datasets as data
from course_lib.exercises.compare import kind_of
from course_lib.exercises.probe import Case, call, fail, rng_rule
from course_lib.exercises.spec import Exercise, require_callable

_SHUFFLE_HINT = ("Draw one permutation of the example indices, idx = rng.permutation(len(x)), "
                 "and index both arrays with the same slice of it: x[idx[i:i + batch_size]], "
                 "y[idx[i:i + batch_size]].")


class _NotIterable:
    """What the learner returned when it cannot be looped over."""

    def __init__(self, value: object) -> None:
        self.value = value


class MinibatchesExercise(Exercise):
    """``minibatches(x, y, batch_size, rng)``: structure, coverage, shuffling, reproducibility."""

    name = "minibatches"
    chapter = 4
    reference = staticmethod(data.minibatches)

    @staticmethod
    def _data(n: int, d: int, column: bool = False, start: int = 0
              ) -> tuple[np.ndarray, np.ndarray]:
        """Rows that say which example they are: x[i, 0] = start + i, y[i] = 100 + start + i."""
        ids = start + np.arange(n)
        x = ids.astype(np.float64)[:, None] + np.linspace(0, 0.5, d)[None, :]
        y = 100 + ids
        return x, (y[:, None].astype(np.float64) if column else y)

    def cases(self) -> list[Case]:
        """One epoch each, with ``rng = default_rng(0)``: sizes, a short last batch,
        column targets, and the first set again with other values."""
        shapes = [
            ("20 examples in batches of 8 (the last batch has 4)", 20, 3, 8, False, 0),
            ("12 examples in batches of 4 (no short batch)", 12, 2, 4, False, 0),
            ("7 examples in batches of 1", 7, 2, 1, False, 0),
            ("5 examples in one batch of 10 (batch larger than the set)", 5, 2, 10, False, 0),
            ("10 examples with targets of shape (N, 1), batches of 3", 10, 2, 3, True, 0),
            ("20 other examples (x[i, 0] = 500 + i) in batches of 8", 20, 3, 8, False, 500),
        ]
        return [Case(label, (*self._data(n, d, column, start), b, np.random.default_rng(0)))
                for label, n, d, b, column, start in shapes]

    def _epoch(self, answer: Callable, x: np.ndarray, y: np.ndarray, batch_size: int,
               seed: int | np.random.Generator, label: str) -> list:
        """Run one epoch of the learner's iterator and return its batches as a list."""
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)

        def minibatches(x, y, batch_size):  # same parameter names as the exercise
            out = answer(x, y, batch_size, rng)
            try:
                iterator = iter(out)
            except TypeError:  # None or not iterable: reported below, outside `call`
                return _NotIterable(out)
            return list(iterator)

        batches = call(minibatches, Case(label, (x, y, batch_size)), hints={
            "mutation": "rng.shuffle(x) and np.random.shuffle(x) reorder the caller's array in "
                        "place (and shuffling x and y separately breaks the pairs). "
                        + _SHUFFLE_HINT})
        if (isinstance(batches, list) and len(batches) == 2
                and all(isinstance(b, np.ndarray) for b in batches)
                and len(batches[0]) == len(batches[1]) <= batch_size
                and len(x) > batch_size):
            fail(f"On {label}, your function returned a single pair (xb, yb) instead of all "
                 f"the batches of the epoch: a `return` inside the loop ends the function at "
                 f"the first batch.",
                 "Write `yield xb, yb` inside the loop (a generator hands out every batch), "
                 "or collect the pairs in a list and return it after the loop.")
        if isinstance(batches, _NotIterable):
            if batches.value is None:
                fail(f"On {label}, your function returned None. Use `yield xb, yb` inside "
                     "the loop (or return a list of (xb, yb) pairs).")
            fail(f"On {label}, your function returned {kind_of(batches.value)}, which cannot "
                 "be looped over. Use `yield xb, yb` inside the loop.")
        return batches

    def _ids(self, batches: list, x: np.ndarray, y: np.ndarray, batch_size: int,
             label: str) -> np.ndarray:
        """Check the batches' structure and pairing; return the example ids in order."""
        n, d = x.shape
        start = int(round(x[0, 0])) if n else 0  # x[i, 0] = start + i (see _data)
        ids = []
        for k, batch in enumerate(batches):
            if not isinstance(batch, (tuple, list)) or len(batch) != 2:
                fail(f"On {label}, batch {k} is {kind_of(batch)}; each batch should be a "
                     "pair (xb, yb).", "Write `yield xb, yb` (a tuple of two arrays).")
            xb, yb = batch
            for what, got, tail in (("xb", xb, (d,)), ("yb", yb, y.shape[1:])):
                if not isinstance(got, np.ndarray):
                    fail(f"On {label}, {what} of batch {k} is {kind_of(got)}, expected a numpy "
                         "array.", "Index the arrays with an array of indices: x[idx].")
                if got.shape[1:] != tail or got.ndim != 1 + len(tail):
                    fail(f"On {label}, {what} of batch {k} has shape {got.shape}, expected "
                         f"(batch size,{' ' + str(tail[0]) if tail else ''}).",
                         "Select whole rows: x[idx] with idx a 1-D array of indices.")
            if yb.dtype != y.dtype:
                fail(f"On {label}, yb of batch {k} has dtype {yb.dtype}, but y has dtype "
                     f"{y.dtype}: the labels must keep their dtype (integer labels index "
                     "the logits, as in logits[np.arange(n), yb]).",
                     "Select the labels with y[idx], which keeps y's dtype; building yb "
                     "with np.zeros, np.empty or np.array of a list of floats does not.")
            if xb.shape[0] != yb.shape[0]:
                fail(f"On {label}, batch {k} has {xb.shape[0]} rows of x but {yb.shape[0]} "
                     "labels.")
            if not (np.all(np.isfinite(xb)) and np.all(np.isfinite(yb))):
                fail(f"On {label}, batch {k} contains NaN or infinite values: its rows are "
                     "not rows of x.", "Select rows of x and y, do not compute new values.")
            row_ids = np.rint(xb[:, 0]).astype(int) - start
            if not np.allclose(xb, x[np.clip(row_ids, 0, n - 1)]):
                fail(f"On {label}, batch {k} contains rows that are not rows of x.")
            label_ids = np.rint(np.ravel(yb)).astype(int) - 100 - start
            if not np.array_equal(row_ids, label_ids):
                fail(f"On {label}, batch {k} pairs examples with the wrong labels: x rows "
                     f"{row_ids[:4].tolist()} came with the labels of examples "
                     f"{label_ids[:4].tolist()}.",
                     "x and y were shuffled independently, so every example now has "
                     "somebody else's label. " + _SHUFFLE_HINT)
            ids.append(row_ids)
        return np.concatenate(ids) if ids else np.zeros(0, dtype=int)

    def _coverage(self, ids: np.ndarray, sizes: list[int], n: int, batch_size: int,
                  label: str) -> None:
        counts = np.bincount(ids.astype(np.intp), minlength=n)  # intp: int32 in Pyodide
        expected = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
        short = n % batch_size
        if len(ids) == n - short and short and np.all(counts <= 1):
            fail(f"On {label}, your batches hold {len(ids)} of the {n} examples: the last, "
                 f"short batch of {short} is missing.",
                 "Keep the last batch even when it has fewer than batch_size examples: loop "
                 "with range(0, n, batch_size) and slice idx[start:start + batch_size].")
        if np.any(counts != 1):
            repeated = np.flatnonzero(counts > 1)
            missed = np.flatnonzero(counts == 0)
            if len(repeated) and len(missed):
                hint = ("Drawing indices at random (rng.integers, rng.choice with replacement) "
                        "repeats some examples and misses others. Shuffle instead: "
                        "idx = rng.permutation(n), then cut idx into consecutive slices.")
            elif len(missed):
                hint = ("Some examples fall between your batches: check the slice bounds. "
                        "Python slices exclude their end, so idx[start:start + batch_size] "
                        "with start in range(0, n, batch_size) covers every index once.")
            else:
                hint = ("Your batches overlap (or the last one was padded with examples from "
                        "the start). Cut the shuffled indices into consecutive, "
                        "non-overlapping slices: idx[start:start + batch_size] with start in "
                        "range(0, n, batch_size); the last slice may be short.")
            fail(f"On {label}, one epoch should show every one of the {n} examples exactly "
                 f"once, but {len(repeated)} were repeated and {len(missed)} never appeared "
                 f"(e.g. repeated {repeated[:3].tolist()}, missed {missed[:3].tolist()}).",
                 hint)
        if sizes != expected:
            fail(f"On {label}, the batch sizes are {sizes}, expected {expected}.",
                 "Cut the shuffled indices into consecutive slices of batch_size; only the "
                 "last one may be shorter.")

    def _order(self, answer: Callable, x: np.ndarray, y: np.ndarray, batch_size: int,
               seed: int | np.random.Generator, label: str) -> np.ndarray:
        batches = self._epoch(answer, x, y, batch_size, seed, label)
        ids = self._ids(batches, x, y, batch_size, label)
        self._coverage(ids, [len(b[0]) for b in batches], len(x), batch_size, label)
        return ids

    def run(self, answer: Any) -> str:
        require_callable(self.name, answer)
        cases = self.cases()
        for case in cases:
            x, y, b, rng = case.args
            ids = self._order(answer, x, y, b, rng, case.label)
            if len(x) > 5 and np.array_equal(ids, np.arange(len(x))):
                fail(f"On {case.label}, the examples come out in their original order: "
                     "they were not shuffled.",
                     "Shuffling matters: sorted data (all the 0s, then all the 1s) makes "
                     "consecutive batches very different. " + _SHUFFLE_HINT)
        x, y = self._data(20, 2)
        label = "20 examples in batches of 6"
        first = self._order(answer, x, y, 6, 7, label + " with rng = default_rng(7)")
        again = self._order(answer, x, y, 6, 7, label + " again with default_rng(7)")
        other = self._order(answer, x, y, 6, 8, label + " with default_rng(8)")
        rng_rule(first, again, other, not_reproducible=(
            "Called twice with generators made from the same seed, your function "
            "shuffled differently, so runs cannot be reproduced.",
            "Use the `rng` you are given (rng.permutation), not np.random.permutation "
            "or np.random.shuffle, which use numpy's hidden global generator."),
                 ignores_rng=(
            "Called with generators from different seeds (7 and 8), your function "
            "produced the same order: it ignores `rng`.",
            "Draw the permutation from the `rng` argument (rng.permutation(n)); do not "
            "create a generator with a fixed seed inside the function."))
        shared = np.random.default_rng(3)
        epoch1 = self._order(answer, x, y, 6, shared, label + ", epoch 1 with one rng")
        epoch2 = self._order(answer, x, y, 6, shared, label + ", epoch 2 with the same rng")
        if np.array_equal(epoch1, epoch2):
            fail("Two epochs drawn with the same generator came out in the same order; each "
                 "epoch should be shuffled afresh.",
                 "Draw a new permutation from `rng` each time the function is called.")
        self._uniformity(answer)
        return (f"All {len(cases) + 5} epochs passed: every example exactly once, x and y "
                "still paired, batch sizes right (the last may be short), shuffled with the "
                "given rng, reproducible, and every order of 4 examples reachable.")

    def _uniformity(self, answer: Callable) -> None:
        """Every permutation of 4 examples should come up: not just a rotation or batch order."""
        x, y = self._data(4, 1)
        rng = np.random.default_rng(11)
        seen = set()
        for _ in range(240):
            seen.add(tuple(self._order(answer, x, y, 2, rng, "4 examples in batches of 2")))
        total = math.factorial(4)
        if len(seen) < total - 2:
            fail(f"Over 240 epochs of 4 examples in batches of 2, your function produced only "
                 f"{len(seen)} of the {total} possible orders: it does not shuffle the "
                 "examples uniformly (shuffling only the order of the batches, or rotating by "
                 "a random offset, leaves most orders out).", _SHUFFLE_HINT)


MINIBATCHES = MinibatchesExercise()

"""Chapter 7 checks: batchnorm_forward and layernorm_forward.

Both compare ``out`` and every field of the cache with
``course_lib.normalization``. Their wrong answers are one parameterised
function, ``_normalize``, with one mistake chosen by its keywords (the axis,
the variance's divisor, where eps goes, the affine step).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course_lib import normalization
from course_lib.exercises.compare import compare_arrays, kind_of
from course_lib.exercises.probe import Case
from course_lib.exercises.spec import FunctionExercise, Mistake

_FIELDS = ("x_hat", "gamma", "std")

# --------------------------------------------------------------------------- forward passes



def _normalize(x, gamma, beta, eps=1e-5, *, axis=0, ddof=0, eps_at="inside",
               variance="centred", affine="right", layer=False):
    """Standardize ``x`` along ``axis`` (None: the whole array), with one mistake chosen.

    ``layer`` says which cache to build (and which shape its std has).
    """
    x = np.asarray(x, dtype=float)
    n = x.size if axis is None else x.shape[axis]
    mean = x.mean(axis=axis, keepdims=True)
    if variance == "centred":
        var = ((x - mean) ** 2).sum(axis=axis, keepdims=True) / (n - ddof)
    else:  # E[x^2] - E[x]^2, which cancels catastrophically for large means
        var = (x ** 2).mean(axis=axis, keepdims=True) - mean ** 2
    std = {"inside": np.sqrt(var + eps), "outside": np.sqrt(var) + eps,
           "missing": np.sqrt(var), "no sqrt": var + eps}[eps_at]
    x_hat = (x - mean) / std
    out = {"right": gamma * x_hat + beta, "swapped": beta * x_hat + gamma,
           "missing": x_hat, "gamma only": gamma * x_hat}[affine]
    if layer:
        return out, normalization.LayerNormCache(x_hat, gamma, std)
    return out, normalization.BatchNormCache(x_hat, gamma, np.ravel(std))


def _wrong(layer: bool, **mistake: Any):
    def answer(x, gamma, beta, eps=1e-5):
        return _normalize(x, gamma, beta, eps, axis=1 if layer else 0, layer=layer, **mistake)
    return answer


def forward_mistakes(layer: bool) -> tuple[Mistake, ...]:
    axis, other = ("its features (axis=1)", "the batch (axis=0)") if layer else (
        "the batch (axis=0)", "the features (axis=1)")
    n = "D" if layer else "N"
    return (
        Mistake("unbiased variance", _wrong(layer, ddof=1),
                f"Your variance divides by {n} - 1 (the unbiased estimate, np.var(..., "
                f"ddof=1)). Normalization uses the biased variance, the mean of the squared "
                f"deviations: divide by {n} (np.var's default, ddof=0)."),
        Mistake("eps outside the square root", _wrong(layer, eps_at="outside"),
                "You added eps after the square root: np.sqrt(var) + eps. It belongs "
                "inside, np.sqrt(var + eps), as in the chapter's equation."),
        Mistake("no eps", _wrong(layer, eps_at="missing"),
                "Add eps to the variance inside the square root, np.sqrt(var + eps): it "
                "keeps a feature of (almost) zero variance from dividing by zero."),
        Mistake("variance instead of its square root", _wrong(layer, eps_at="no sqrt"),
                "You divided by var + eps; divide by the standard deviation "
                "np.sqrt(var + eps)."),
        Mistake("wrong axis", lambda x, g, b, eps=1e-5: _normalize(
                    x, g, b, eps, axis=0 if layer else 1, layer=layer),
                f"You normalized over {other}. This normalization takes the mean and "
                f"variance over {axis}."),
        Mistake("statistics of the whole array", lambda x, g, b, eps=1e-5: _normalize(
                    x, g, b, eps, axis=None, layer=layer),
                f"You took one mean and one variance over the whole array. Take them over "
                f"{axis}: x.mean(axis={1 if layer else 0}, keepdims=True)."),
        Mistake("var as E[x^2] - E[x]^2", _wrong(layer, variance="moments"),
                "Your variance is mean(x**2) - mean(x)**2. For large values (here around "
                "1e8) the two terms are huge and nearly equal, and their difference loses "
                "every digit (catastrophic cancellation). Subtract the mean first: "
                "((x - mean)**2).mean(...), or np.var."),
        Mistake("gamma and beta swapped", _wrong(layer, affine="swapped"),
                "gamma scales and beta shifts: out = gamma * x_hat + beta."),
        Mistake("no scale and shift", _wrong(layer, affine="missing"),
                "You returned x_hat itself; finish with out = gamma * x_hat + beta."),
        Mistake("no shift", _wrong(layer, affine="gamma only"),
                "You forgot beta: out = gamma * x_hat + beta."),
    )



# --------------------------------------------------------------------------- forward cases


def _forward_cases(layer: bool) -> list[Case]:
    rng = np.random.default_rng(771 if layer else 701)

    def case(label: str, x: np.ndarray, **kwargs: Any) -> Case:
        d = x.shape[1]
        return Case(label, (x, rng.uniform(0.5, 2.0, d), rng.normal(0, 1, d)), kwargs)

    def normal(shape: tuple, mean: float = 0.0, std: float = 1.0) -> np.ndarray:
        return rng.normal(mean, std, size=shape)

    shapes = ((4, 6), (4, 6)) if layer else ((6, 4), (6, 4))
    constant = normal(shapes[0], 2.0, 3.0)
    if layer:
        constant[1] = 3.0
    else:
        constant[:, 1] = 3.0
    tiny = normal((5, 3), 1.0, 0.003)
    huge = normal((4, 3), 1e8, 10.0)
    return [
        case(f"a {shapes[0][0]}x{shapes[0][1]} batch of random pre-activations",
             normal(shapes[0], 2.0, 3.0)),
        case(f"another {shapes[1][0]}x{shapes[1][1]} batch with different values",
             normal(shapes[1], -1.0, 0.5)),
        case("a square 5x5 batch", normal((5, 5), 0.5, 2.0)),
        case("a 3x7 batch with eps = 0.1", normal((3, 7), 0.0, 0.4), eps=0.1),
        case("an example whose features are all equal (its variance is 0)" if layer
             else "a feature that is constant over the batch (its variance is 0)", constant),
        case("small spreads (standard deviation 0.003, so eps matters)", tiny),
        case("large values (around 1e8, spread 10)", huge),
        case("integer inputs (x is an int array)",
             rng.integers(-5, 6, size=(4, 5) if layer else (5, 4)).astype(np.int64)),
        case("a batch of one example (1, 8)" if layer else
             "a batch of one example (1, 5): every feature is constant",
             normal((1, 8) if layer else (1, 5), 1.0, 2.0)),
        case("a batch of 3 examples with 2 features", normal((3, 2), 0.0, 1.5)),
    ]


def _compare_forward(layer: bool):
    kind = "LayerNormCache" if layer else "BatchNormCache"

    def compare(got: Any, expected: tuple) -> str | None:
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return f"your function returned {kind_of(got)}; expected a pair (out, cache)"
        problem = compare_arrays(got[0], expected[0], what="`out`")
        if problem:
            return problem
        cache = got[1]
        if not isinstance(cache, tuple) or len(cache) != 3:
            return (f"`cache` is {kind_of(cache)}; expected normalization.{kind}(x_hat, "
                    "gamma, std)")
        for name, g, e in zip(_FIELDS, cache, expected[1]):
            g = np.asarray(g, dtype=float) if isinstance(g, np.ndarray) else g
            if not layer and isinstance(g, np.ndarray) and g.size == e.size and g.ndim == 2:
                g = g.reshape(e.shape)  # a (1, D) std from keepdims=True is fine
            problem = compare_arrays(g, e, what=f"`cache.{name}`")
            if problem:
                return problem
        return None
    return compare


def _same_out(got: Any, wrong: Any) -> bool:
    """A forward mistake is recognised by its ``out`` alone."""
    return (isinstance(got, (tuple, list)) and len(got) == 2 and isinstance(wrong, tuple)
            and compare_arrays(got[0], wrong[0]) is None)


def _cache_hint(got: Any, expected: tuple, case: Case) -> str:
    """When ``out`` is right but the cache is not, name the field that is wrong."""
    try:
        out = got[0]
        fields = [np.asarray(field, float) for field in got[1]]
        x_hat, gamma, std = fields[0], fields[1], np.ravel(fields[2])
    except (TypeError, ValueError, IndexError):
        return ""
    if compare_arrays(out, expected[0]) is not None:
        return ""
    right_std = np.ravel(expected[1].std)
    if std.shape == right_std.shape and compare_arrays(std, right_std) is not None:
        eps = case.kwargs.get("eps", 1e-5)
        if np.allclose(std, right_std ** 2):
            return ("`out` is right, but cache.std must be the standard deviation "
                    "np.sqrt(var + eps), not the variance: the backward pass divides by it.")
        if np.allclose(std, np.sqrt(np.maximum(right_std ** 2 - eps, 0)), rtol=1e-9):
            return ("`out` is right, but cache.std must be np.sqrt(var + eps), the number you "
                    "divided by, eps included.")
    if x_hat.shape == expected[1].x_hat.shape and compare_arrays(
            x_hat, expected[1].x_hat) is not None:
        return ("`out` is right, but cache.x_hat must be the standardized input "
                "(x - mean) / std, before gamma and beta.")
    if gamma.shape == expected[1].gamma.shape and compare_arrays(
            gamma, expected[1].gamma) is not None:
        return "`out` is right, but cache.gamma must be the `gamma` you were given."
    return ""


def _out_only(result: Any) -> list:
    return [("`out`", result[0])] if isinstance(result, (tuple, list)) and result else []


_FORWARD_HINTS = {
    "exception": "x is (N, D), gamma and beta are (D,). Compute new arrays (x - mean), not "
                 "x -= mean: x may be an integer array.",
    "mutation": "Compute new arrays: x - mean, not x -= mean, which changes the caller's x.",
    "view": "Return a newly computed out = gamma * x_hat + beta.",
    "warning": "A feature with variance 0 divides by zero unless eps is inside the square "
               "root: np.sqrt(var + eps).",
}


def _forward_exercise(layer: bool) -> FunctionExercise:
    name = "layernorm_forward" if layer else "batchnorm_forward"
    axis = "axis=1, keepdims=True" if layer else "axis=0"
    return FunctionExercise(
        name=name, chapter=7,
        reference=normalization.layernorm_forward if layer else normalization.batchnorm_forward,
        cases=lambda: _forward_cases(layer),
        compare=_compare_forward(layer),
        mistakes=forward_mistakes(layer),
        mistake_match="every_case",
        same_output=_same_out,
        diagnose_more=_cache_hint,
        diagnose_warnings=True,
        fresh_outputs=_out_only,
        hint=f"mean = x.mean({axis}); var = ((x - mean)**2).mean({axis}); std = "
             "np.sqrt(var + eps); x_hat = (x - mean) / std; return gamma * x_hat + beta, "
             f"normalization.{'Layer' if layer else 'Batch'}NormCache(x_hat, gamma, std).",
        hints=_FORWARD_HINTS,
        error_hints=(("exception", "broadcast",
                      "The statistics of each row have shape (N,) and cannot be subtracted "
                      "from x (N, D): keep the axis, x.mean(axis=1, keepdims=True), so they "
                      "are (N, 1) and broadcast over each row." if layer else
                      "The mean over the batch has shape (D,), one per feature, and "
                      "broadcasts over the N rows: x.mean(axis=0)."),),
    )


BATCHNORM_FORWARD = _forward_exercise(layer=False)
LAYERNORM_FORWARD = _forward_exercise(layer=True)

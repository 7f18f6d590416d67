"""Checks for chapter 7, *Making training work*: batchnorm_forward,
batchnorm_backward, layernorm_forward and clip_grad_norm.

The normalization checks compare ``out`` and every field of the cache with
``course_lib.normalization``; the wrong answers are written once, as one
parameterised function per family (the statistic's axis, the variance, where
eps goes, the scale and shift, the terms of the backward pass). The backward
check also runs a numerical gradient check. Results must be new arrays,
never an input returned unchanged.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course_lib import clipping, gradcheck, normalization
from course_lib.exercises.compare import compare_arrays, compare_number, compare_tuple, kind_of
from course_lib.exercises.probe import Case, call, fail
from course_lib.exercises.spec import FunctionExercise, Mistake

GRADCHECK_TOL = 1e-6
_FIELDS = ("x_hat", "gamma", "std")

# --------------------------------------------------------------------------- wrong forwards


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


def _forward_mistakes(layer: bool) -> tuple[Mistake, ...]:
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
    axis_of_spread = 1 if layer else 0
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
        case("a batch of 3 examples with 2 features, spread along axis "
             f"{axis_of_spread}", normal((3, 2), 0.0, 1.5)),
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
    """``out`` is right but the cache is not: name what the cache holds instead."""
    try:
        std, right = np.ravel(np.asarray(got[1][2], float)), np.ravel(expected[1].std)
        x_hat = np.asarray(got[1][0], float)
    except (TypeError, ValueError, IndexError):
        return ""
    eps = case.kwargs.get("eps", 1e-5)
    if std.shape == right.shape and np.allclose(std, right ** 2):
        return ("`out` is right, but cache.std must be the standard deviation "
                "np.sqrt(var + eps), not the variance: the backward pass divides by it.")
    if std.shape == right.shape and np.allclose(std, np.sqrt(np.maximum(right ** 2 - eps, 0))):
        return ("`out` is right, but cache.std must be np.sqrt(var + eps), the number you "
                "divided by, eps included.")
    if x_hat.shape == expected[1].x_hat.shape and not np.allclose(x_hat, expected[1].x_hat):
        return "cache.x_hat must be the standardized input (x - mean) / std, before gamma and beta."
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
        mistakes=_forward_mistakes(layer),
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

# --------------------------------------------------------------------------- batchnorm_backward


def _backward(dout, cache, *, mean_term=True, var_term=True, axis=0, reduce="sum",
              unsummed=(), gamma_in_dx=True, swap=False):
    """The batch-norm backward pass, with one mistake chosen."""
    x_hat, gamma, std = cache
    g = dout * gamma if gamma_in_dx else dout
    dx = g.copy()
    if mean_term:
        dx = dx - g.mean(axis=axis, keepdims=True)
    if var_term:
        dx = dx - x_hat * (g * x_hat).mean(axis=axis, keepdims=True)
    dx = dx / std
    total = {"sum": np.sum, "mean": np.mean}[reduce]
    dgamma = dout * x_hat if "dgamma" in unsummed else total(dout * x_hat, axis=0)
    dbeta = dout.copy() if "dbeta" in unsummed else total(dout, axis=0)
    return (dx, dbeta, dgamma) if swap else (dx, dgamma, dbeta)


_BACKWARD_MISTAKES = (
    Mistake("terms through the mean and variance dropped",
            lambda d, c: _backward(d, c, mean_term=False, var_term=False),
            "Your dx is dout * gamma / std, as if the mean and the variance were constants. "
            "They are computed from every example of the batch, so each x also moves the "
            "output through them: dx = (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0))"
            " / std, with g = dout * gamma."),
    Mistake("term through the variance dropped",
            lambda d, c: _backward(d, c, var_term=False),
            "You kept the path through the mean but dropped the one through the variance: "
            "subtract x_hat * (g * x_hat).mean(axis=0) too."),
    Mistake("term through the mean dropped",
            lambda d, c: _backward(d, c, mean_term=False),
            "You kept the path through the variance but dropped the one through the mean: "
            "subtract g.mean(axis=0) too."),
    *(Mistake(f"{which} not summed",
              lambda d, c, which=which: _backward(d, c, unsummed=which.split(" and ")),
              "gamma and beta are shared by every example of the batch, so their gradients "
              "add the examples' contributions: dgamma = (dout * x_hat).sum(axis=0), "
              "dbeta = dout.sum(axis=0), both of shape (D,).")
      for which in ("dgamma and dbeta", "dgamma", "dbeta")),
    Mistake("dgamma and dbeta averaged", lambda d, c: _backward(d, c, reduce="mean"),
            "Sum dgamma and dbeta over the batch, do not average: the 1/N of the mean loss "
            "is already inside dout."),
    Mistake("dgamma and dbeta swapped", lambda d, c: _backward(d, c, swap=True),
            "The order is (dx, dgamma, dbeta); dgamma = (dout * x_hat).sum(axis=0) and "
            "dbeta = dout.sum(axis=0)."),
    Mistake("gamma forgotten in dx", lambda d, c: _backward(d, c, gamma_in_dx=False),
            "out = gamma * x_hat + beta, so the gradient reaching x_hat is dout * gamma: "
            "use g = dout * gamma in dx."),
    Mistake("means over the features", lambda d, c: _backward(d, c, axis=1),
            "The mean and variance were taken over the batch (axis=0), so the means in dx "
            "are over axis=0 too."),
    Mistake("multiplied by std", lambda d, c: tuple(
                [_backward(d, c)[0] * c.std ** 2, *_backward(d, c)[1:]]),
            "Divide by std (cache.std is sqrt(var + eps)), do not multiply by it."),
)


def _backward_cases() -> list[Case]:
    rng = np.random.default_rng(711)

    def case(label: str, x: np.ndarray, dout_scale: float = 1.0) -> Case:
        d = x.shape[1]
        _, cache = normalization.batchnorm_forward(x, rng.uniform(0.5, 2.0, d),
                                                   rng.normal(size=d))
        return Case(label, (rng.normal(0, dout_scale, size=x.shape), cache))

    constant = rng.normal(1.0, 2.0, size=(5, 3))
    constant[:, 2] = -4.0
    return [
        case("a 6x4 batch", rng.normal(2.0, 3.0, size=(6, 4))),
        case("another 6x4 batch with different values", rng.normal(-1.0, 0.5, size=(6, 4))),
        case("a square 5x5 batch", rng.normal(size=(5, 5))),
        case("a 3x7 batch", rng.normal(0.0, 2.0, size=(3, 7))),
        case("a feature constant over the batch (5x3, feature 2)", constant),
        case("large upstream gradients (dout around 1e4), 4x3", rng.normal(size=(4, 3)), 1e4),
        case("a batch of one example (1, 4)", rng.normal(size=(1, 4))),
    ]


def _batchnorm_gradcheck(answer: Any) -> None:
    """Central differences of the reference forward pass against the answer's gradients."""
    rng = np.random.default_rng(719)
    inputs = {"x": rng.normal(1.0, 2.0, size=(5, 3)), "gamma": rng.uniform(0.5, 2.0, 3),
              "beta": rng.normal(size=3)}
    out, cache = normalization.batchnorm_forward(**inputs)
    dout = rng.normal(size=out.shape)
    label = "the numerical gradient check (x (5, 3))"
    got = call(answer, Case(label, (dout, cache)))
    errors = {}
    for i, name in enumerate(("x", "gamma", "beta")):
        def f(v: np.ndarray, name: str = name) -> np.ndarray:
            return normalization.batchnorm_forward(**{**inputs, name: v})[0]

        numeric = gradcheck.numerical_gradient_array(f, inputs[name].copy(), dout)
        errors[f"d{name}"] = gradcheck.relative_error(np.asarray(got[i], float), numeric)
    worst, error = max(errors.items(), key=lambda item: item[1])
    if not np.isfinite(error) or error > GRADCHECK_TOL:
        fail(f"In {label}, your `{worst}` differs from central differences of "
             f"batchnorm_forward by a relative error of {error:.2g} (a correct gradient "
             "gives below 1e-7).")


BATCHNORM_BACKWARD = FunctionExercise(
    name="batchnorm_backward", chapter=7,
    reference=normalization.batchnorm_backward,
    cases=_backward_cases,
    compare=compare_tuple(("dx", "dgamma", "dbeta"), [compare_arrays] * 3),
    mistakes=_BACKWARD_MISTAKES,
    mistake_match="parts",
    fresh_outputs=lambda r: list(zip(("`dx`", "`dgamma`", "`dbeta`"), r))
    if isinstance(r, (tuple, list)) else [],
    extra_checks=(_batchnorm_gradcheck,),
    hint="With g = dout * gamma: dx = (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0))"
         " / std, dgamma = (dout * x_hat).sum(axis=0), dbeta = dout.sum(axis=0).",
    hints={
        "exception": "cache is a BatchNormCache: x_hat, gamma, std = cache, with x_hat (N, D) "
                     "and gamma, std (D,). dout has x_hat's shape.",
        "mutation": "Build new arrays; do not change dout or the cache in place.",
        "view": "Return new arrays: dbeta = dout.sum(axis=0) is one; dout itself is not.",
    },
)

# --------------------------------------------------------------------------- clip_grad_norm


def _clip_with(norm=None, scale=None, each=False, clip_values=False, report="before"):
    """Clipping with one mistake chosen (``norm`` and ``scale`` replace the right ones)."""
    def answer(grads, max_norm):
        grads = [np.asarray(g, dtype=float) for g in grads]
        total = (norm or clipping.global_norm)(grads)
        if clip_values:
            return [np.clip(g, -max_norm, max_norm) for g in grads], total
        if each:
            clipped = [g * min(1.0, max_norm / max(np.linalg.norm(g), 1e-300)) for g in grads]
        else:
            factor = scale(total, max_norm) if scale else min(1.0, max_norm / max(total, 1e-300))
            clipped = [g * factor for g in grads]
        return clipped, (min(total, max_norm) if report == "after" else total)
    return answer


_CLIP_MISTAKES = (
    Mistake("each array clipped separately", _clip_with(each=True),
            "You clipped each array by its own norm. Clipping uses the global norm of all "
            "the arrays together, sqrt(sum of every array's squared entries), and scales "
            "every array by the same factor, so the step keeps its direction."),
    Mistake("scaled although below the limit",
            _clip_with(scale=lambda t, c: c / t if t else 1.0),
            "You always scale by max_norm / total_norm, which makes small gradients larger. "
            "Scale only when total_norm > max_norm; otherwise return copies unchanged."),
    Mistake("norm not square-rooted", _clip_with(
                norm=lambda gs: sum(float(np.sum(g ** 2)) for g in gs)),
            "The L2 norm is the square root of the sum of squares: np.sqrt(sum(np.sum(g**2) "
            "for g in grads))."),
    Mistake("sum of the arrays' norms", _clip_with(
                norm=lambda gs: sum(float(np.linalg.norm(g)) for g in gs)),
            "You added the arrays' norms. The global norm is sqrt(sum of the squared norms),"
            " the norm of all entries taken together."),
    Mistake("largest array norm", _clip_with(
                norm=lambda gs: max(float(np.linalg.norm(g)) for g in gs)),
            "You used the largest array's norm; the global norm takes every array into "
            "account: sqrt(sum of their squared norms)."),
    Mistake("mean of squares", _clip_with(
                norm=lambda gs: float(np.sqrt(np.mean(np.concatenate([g.ravel() for g in gs])
                                                      ** 2)))),
            "You took the root of the MEAN square; the norm is the root of the SUM of "
            "squares."),
    Mistake("factor inverted", _clip_with(scale=lambda t, c: t / c if t > c else 1.0),
            "Your factor is inverted: multiply by max_norm / total_norm, which is below 1."),
    Mistake("clipped the values", _clip_with(clip_values=True),
            "np.clip caps each entry, which changes the gradient's direction. Scale every "
            "array by max_norm / total_norm instead, when total_norm > max_norm."),
    Mistake("norm after clipping", _clip_with(report="after"),
            "Return the norm measured before clipping (it tells how large the gradient "
            "was), not the clipped one."),
)


def _clip_cases() -> list[Case]:
    rng = np.random.default_rng(741)

    def grads(*shapes: tuple, scale: float = 1.0) -> list[np.ndarray]:
        return [rng.normal(0, scale, size=s) for s in shapes]

    return [
        Case("two arrays (3, 4) and (4,) with a global norm above max_norm = 1",
             (grads((3, 4), (4,)), 1.0)),
        Case("two other arrays of the same shapes, max_norm = 1", (grads((3, 4), (4,)), 1.0)),
        Case("three arrays whose norm is below max_norm = 100 (no clipping)",
             (grads((2, 3), (3,), (3, 1)), 100.0)),
        Case("one large array (5, 2) and one tiny (2,), max_norm = 2",
             ([rng.normal(0, 10, size=(5, 2)), rng.normal(0, 0.01, size=2)], 2.0)),
        Case("a single array in a list, norm above max_norm = 0.5", (grads((2, 5)), 0.5)),
        Case("gradients with norm exactly 5 and max_norm = 5",
             ([np.array([3.0, 0.0]), np.array([[0.0], [4.0]])], 5.0)),
        Case("large gradients (entries around 1e6), max_norm = 1",
             (grads((4, 3), (3,), scale=1e6), 1.0)),
        Case("integer gradients (int arrays), max_norm = 3",
             ([np.array([[2, -4], [1, 3]]), np.array([5, 0])], 3.0)),
        Case("all-zero gradients (norm 0), max_norm = 1", ([np.zeros((2, 2)), np.zeros(2)], 1.0)),
    ]


def _compare_clip(got: Any, expected: tuple) -> str | None:
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return f"your function returned {kind_of(got)}; expected a pair (clipped, total_norm)"
    clipped, total = got
    if isinstance(clipped, (int, float, np.number)) and isinstance(total, (list, tuple)):
        return "you returned (total_norm, clipped); the order is (clipped, total_norm)"
    if not isinstance(clipped, (list, tuple)) or len(clipped) != len(expected[0]):
        return (f"`clipped` is {kind_of(clipped)}; expected a list of {len(expected[0])} "
                "arrays, one per gradient")
    for i, (g, e) in enumerate(zip(clipped, expected[0])):
        problem = compare_arrays(g, e, what=f"`clipped[{i}]`")
        if problem:
            return problem
    return compare_number(total, expected[1], what="`total_norm`")


CLIP_GRAD_NORM = FunctionExercise(
    name="clip_grad_norm", chapter=7,
    reference=clipping.clip_grad_norm,
    cases=_clip_cases,
    compare=_compare_clip,
    mistakes=_CLIP_MISTAKES,
    mistake_match="every_case",
    diagnose_warnings=True,
    fresh_outputs=lambda r: [(f"`clipped[{i}]`", g) for i, g in enumerate(r[0])]
    if isinstance(r, (tuple, list)) and r and isinstance(r[0], (list, tuple)) else [],
    hint="total_norm = sqrt(sum of np.sum(g**2) over the arrays); if it exceeds max_norm, "
         "multiply every array by max_norm / total_norm; return new arrays and total_norm.",
    hints={
        "view": "When the norm is below max_norm, return copies ([g.copy() for g in "
                "grads], or g * 1.0), not the same arrays: a caller who changes the "
                "result would change the gradients.",
        "mutation": "Do not scale the gradients in place (g *= factor); build new arrays.",
        "warning": "With all-zero gradients the norm is 0: compare total_norm > max_norm "
                   "before dividing by it.",
        "exception": "grads is a list of arrays of different shapes: loop over it, adding "
                     "np.sum(g**2) of each.",
    },
    error_hints=(("exception", "division by zero",
                  "With all-zero gradients the norm is 0: compare total_norm > max_norm "
                  "before dividing by it."),),
)

EXERCISES = (CLIP_GRAD_NORM, BATCHNORM_FORWARD, BATCHNORM_BACKWARD, LAYERNORM_FORWARD)

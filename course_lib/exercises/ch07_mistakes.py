"""The known mistakes of chapter 7's exercises: wrong implementations and their hints.

Each family of mistakes is one parameterised function (``_normalize`` for the
forward passes, ``_backward`` for the batch-norm backward pass, ``_clip_with``
for clipping); ``ch07`` matches a learner's output against them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course_lib import clipping, normalization
from course_lib.exercises.spec import Mistake

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


BACKWARD_MISTAKES = (
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


CLIP_MISTAKES = (
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

"""Chapter 4 checks (gd_step, momentum_step, adam_step, minibatches) and course_lib.viz.surfaces.

Each check must accept every correct implementation, reject each known
mistake with its targeted hint, and turn anything odd the learner's code does
into a result rather than an exception.
"""

import time

import numpy as np
import pytest

from course_lib import datasets, gradcheck, optim
from course_lib.exercises import CheckFailed, check, evaluate
from course_lib.viz import surfaces
from tests.exercise_bank import bank_tests


def _stub(*args, **kwargs):
    raise NotImplementedError


def _text(result):
    return (result.message + " " + result.hint).lower()


# --------------------------------------------------------------------------- gd_step

def _gd_copy(w, grad, lr):
    out = np.array(w, copy=True)
    out -= lr * grad
    return out


GD_CORRECT = {
    "library": optim.gd_step,
    "expression": lambda w, grad, lr: w - lr * grad,
    "np.subtract": lambda w, grad, lr: np.subtract(w, np.multiply(lr, grad)),
    "copy then in place": _gd_copy,
    "add negative": lambda w, grad, lr: w + (-lr) * grad,
}


def _gd_inplace(w, grad, lr):
    w -= lr * grad
    return w


def _gd_inplace_out(w, grad, lr):
    np.subtract(w, lr * grad, out=w)
    return w


GD_WRONG = {
    "ascent": (lambda w, grad, lr: w + lr * grad, "ascent"),
    "in place and returned": (_gd_inplace, "in place"),
    "in place with out=": (_gd_inplace_out, "in place"),
    "no learning rate": (lambda w, grad, lr: w - grad, "scaled by the learning rate"),
    "divided by lr": (lambda w, grad, lr: w - grad / lr, "do not divide"),
    "returns the step": (lambda w, grad, lr: -lr * grad, "only the step"),
    "returns None": (lambda w, grad, lr: None, "forget `return`"),
    "returns a list": (lambda w, grad, lr: (w - lr * grad).tolist(), "numpy array"),
    "wrong shape": (lambda w, grad, lr: np.ravel(w - lr * grad)[:1], "shape"),
    "wrong dtype": (lambda w, grad, lr: np.round(w - lr * grad).astype(int), "dtype"),
    "nan": (lambda w, grad, lr: (w - lr * grad) * np.nan, "nan"),
}


@pytest.mark.parametrize("name", GD_CORRECT)
def test_gd_step_accepts_correct(name):
    result = evaluate("gd_step", GD_CORRECT[name])
    assert result.status == "passed", result.to_text()


@pytest.mark.parametrize("name", GD_WRONG)
def test_gd_step_rejects_wrong(name):
    answer, says = GD_WRONG[name]
    result = evaluate("gd_step", answer)
    assert result.status == "failed", result.to_text()
    assert says.lower() in _text(result), result.to_text()


# --------------------------------------------------------------------------- momentum_step

def _momentum_two_lines(w, grad, velocity, lr, beta):
    new_velocity = np.multiply(beta, velocity) + grad
    new_w = w.copy()
    new_w -= lr * new_velocity
    return new_w, new_velocity


MOMENTUM_CORRECT = {
    "library": optim.momentum_step,
    "two lines": _momentum_two_lines,
    "list result": lambda w, g, v, lr, b: [w - lr * (b * v + g), b * v + g],
}


def _momentum_inplace_velocity(w, grad, velocity, lr, beta):
    velocity *= beta
    velocity += grad
    return w - lr * velocity, velocity


MOMENTUM_WRONG = {
    "velocity not carried over": (lambda w, g, v, lr, b: (w - lr * g, g), "forgets the past"),
    "lr folded into velocity": (
        lambda w, g, v, lr, b: (w - (b * v + lr * g), b * v + lr * g),
        "another valid convention"),
    "old velocity": (lambda w, g, v, lr, b: (w - lr * v, b * v + g), "old* velocity"),
    "ema velocity": (lambda w, g, v, lr, b: (w - lr * (b * v + (1 - b) * g),
                                             b * v + (1 - b) * g), "average"),
    "ascent": (lambda w, g, v, lr, b: (w + lr * (b * v + g), b * v + g), "uphill"),
    "velocity in place": (_momentum_inplace_velocity, "in place"),
    "returns only w": (lambda w, g, v, lr, b: w - lr * (b * v + g), "tuple"),
    "returns None": (lambda w, g, v, lr, b: None, "forget `return`"),
    "three values": (lambda w, g, v, lr, b: (w, v, g), "returned 3 values"),
    "nan": (lambda w, g, v, lr, b: (w * np.nan, b * v + g), "nan"),
}


@pytest.mark.parametrize("name", MOMENTUM_CORRECT)
def test_momentum_step_accepts_correct(name):
    result = evaluate("momentum_step", MOMENTUM_CORRECT[name])
    assert result.status == "passed", result.to_text()


@pytest.mark.parametrize("name", MOMENTUM_WRONG)
def test_momentum_step_rejects_wrong(name):
    answer, says = MOMENTUM_WRONG[name]
    result = evaluate("momentum_step", answer)
    assert result.status == "failed", result.to_text()
    assert says.lower() in _text(result), result.to_text()


def test_momentum_lr_inside_names_the_book_convention():
    result = evaluate("momentum_step", MOMENTUM_WRONG["lr folded into velocity"][0])
    assert "pytorch" in result.hint.lower() and "w - lr * velocity" in result.hint


def test_momentum_stateful_answer_is_caught_over_many_steps():
    calls = {"n": 0}

    def leaky(w, grad, velocity, lr, beta):
        calls["n"] += 1  # correct single steps, but drifts once called many times
        extra = 1e-3 if calls["n"] > 10 else 0.0
        velocity = beta * velocity + grad + extra
        return w - lr * velocity, velocity

    result = evaluate("momentum_step", leaky)
    assert result.status == "failed" and "in a row" in result.message


# --------------------------------------------------------------------------- adam_step

def _adam_alt(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = m + (1 - beta1) * (grad - m)
    v = v + (1 - beta2) * (np.square(grad) - v)
    step_size = lr / (1 - beta1**t)
    denom = np.sqrt(v) / np.sqrt(1 - beta2**t) + eps
    return w - step_size * m / denom, m, v


def _adam_inplace(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad**2
    return w - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps), m, v


def _adam(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, *, correct=True,
          t_shift=0, eps_inside=False, late=False, corrected_out=False, sqrt=True):
    tt = t + t_shift
    if late:
        step_m, step_v = m / (1 - beta1**tt), v / (1 - beta2**tt)
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**tt) if correct else m
    v_hat = v / (1 - beta2**tt) if correct else v
    if late:
        m_hat, v_hat = step_m, step_v
    root = np.sqrt if sqrt else (lambda a: a)
    denom = root(v_hat + eps) if eps_inside else root(v_hat) + eps
    w = w - lr * m_hat / denom
    return (w, m_hat, v_hat) if corrected_out else (w, m, v)


ADAM_CORRECT = {
    "library": optim.adam_step,
    "reference formula": _adam,
    "efficient form (step size folded)": _adam_alt,
}

ADAM_WRONG = {
    "no bias correction": (lambda *a, **k: _adam(*a, **k, correct=False), "bias correction"),
    "t counted from 0 (t + 1)": (lambda *a, **k: _adam(*a, **k, t_shift=1), "counts from 1"),
    "t counted from 0 (t - 1)": (lambda *a, **k: _adam(*a, **k, t_shift=-1), "counts from 1"),
    "eps inside sqrt": (lambda *a, **k: _adam(*a, **k, eps_inside=True), "outside the square"),
    "moments after use": (lambda *a, **k: _adam(*a, **k, late=True), "old* m and v"),
    "returns corrected moments": (lambda *a, **k: _adam(*a, **k, corrected_out=True),
                                  "raw running averages"),
    "no sqrt": (lambda *a, **k: _adam(*a, **k, sqrt=False), "square root"),
    "in place": (_adam_inplace, "in place"),
    "returns None": (lambda *a, **k: None, "forget `return`"),
    "wrong shape": (lambda w, *a, **k: (w.ravel()[:1], w, w), "shape"),
}


@pytest.mark.parametrize("name", ADAM_CORRECT)
def test_adam_step_accepts_correct(name):
    result = evaluate("adam_step", ADAM_CORRECT[name])
    assert result.status == "passed", result.to_text()


@pytest.mark.parametrize("name", ADAM_WRONG)
def test_adam_step_rejects_wrong(name):
    answer, says = ADAM_WRONG[name]
    result = evaluate("adam_step", answer)
    assert result.status == "failed", result.to_text()
    assert says.lower() in _text(result), result.to_text()


# --------------------------------------------------------------------------- minibatches

def _mb_generator(x, y, batch_size, rng):
    idx = rng.permutation(len(x))
    for start in range(0, len(x), batch_size):
        part = idx[start:start + batch_size]
        yield x[part], y[part]


def _mb_list(x, y, batch_size, rng):
    order = rng.permutation(x.shape[0])
    xs, ys = x[order], y[order]
    return [(xs[i:i + batch_size], ys[i:i + batch_size]) for i in range(0, len(xs), batch_size)]


def _mb_array_split(x, y, batch_size, rng):
    n = len(x)
    idx = rng.choice(n, size=n, replace=False)
    pieces = np.array_split(idx, range(batch_size, n, batch_size))
    return iter([(x[p], y[p]) for p in pieces])


def _mb_argsort(x, y, batch_size, rng):
    idx = np.argsort(rng.random(len(x)))
    for start in range(0, len(x), batch_size):
        yield x[idx][start:start + batch_size], y[idx][start:start + batch_size]


def _mb_shuffle_copy(x, y, batch_size, rng):
    idx = np.arange(len(x))
    rng.shuffle(idx)
    i = 0
    while i < len(idx):
        yield x[idx[i:i + batch_size]], y[idx[i:i + batch_size]]
        i += batch_size


MB_CORRECT = {
    "library": lambda x, y, b, rng: datasets.minibatches(x, y, b, rng),
    "generator": _mb_generator,
    "list of pairs": _mb_list,
    "choice without replacement + array_split": _mb_array_split,
    "argsort of uniforms": _mb_argsort,
    "rng.shuffle on an index copy": _mb_shuffle_copy,
}


def _mb_not_shuffled(x, y, b, rng):
    for i in range(0, len(x), b):
        yield x[i:i + b], y[i:i + b]


def _mb_drop_last(x, y, b, rng):
    idx = rng.permutation(len(x))
    for i in range(0, len(x) - b + 1, b):
        yield x[idx[i:i + b]], y[idx[i:i + b]]


def _mb_independent(x, y, b, rng):
    ix, iy = rng.permutation(len(x)), rng.permutation(len(x))
    for i in range(0, len(x), b):
        yield x[ix[i:i + b]], y[iy[i:i + b]]


def _mb_with_replacement(x, y, b, rng):
    idx = rng.integers(0, len(x), size=len(x))
    for i in range(0, len(x), b):
        yield x[idx[i:i + b]], y[idx[i:i + b]]


def _mb_global_rng(x, y, b, rng):
    idx = np.random.permutation(len(x))  # noqa: NPY002 - the mistake under test
    for i in range(0, len(x), b):
        yield x[idx[i:i + b]], y[idx[i:i + b]]


def _mb_fixed_seed(x, y, b, rng):
    return _mb_generator(x, y, b, np.random.default_rng(0))


def _mb_shuffle_in_place(x, y, b, rng):
    rng.shuffle(x)
    rng.shuffle(y)
    for i in range(0, len(x), b):
        yield x[i:i + b], y[i:i + b]


def _mb_batch_order(x, y, b, rng):
    for i in rng.permutation(np.arange(0, len(x), b)):
        yield x[i:i + b], y[i:i + b]


def _mb_rotation(x, y, b, rng):
    idx = np.roll(np.arange(len(x)), int(rng.integers(1, len(x))) if len(x) > 1 else 0)
    for i in range(0, len(x), b):
        yield x[idx[i:i + b]], y[idx[i:i + b]]


def _mb_raises(x, y, b, rng):
    raise ValueError("boom")


def _mb_lists(x, y, b, rng):
    for xb, yb in _mb_generator(x, y, b, rng):
        yield xb.tolist(), yb


def _mb_flat(x, y, b, rng):
    for xb, yb in _mb_generator(x, y, b, rng):
        yield xb.ravel(), yb


def _mb_nan(x, y, b, rng):
    for xb, yb in _mb_generator(x, y, b, rng):
        yield xb * np.nan, yb


def _mb_only_x(x, y, b, rng):
    for xb, _ in _mb_generator(x, y, b, rng):
        yield xb


MB_WRONG = {
    "not shuffled": (_mb_not_shuffled, "failed", "not shuffled"),
    "last batch dropped": (_mb_drop_last, "failed", "short batch"),
    "x and y shuffled independently": (_mb_independent, "failed", "independently"),
    "with replacement": (_mb_with_replacement, "failed", "exactly once"),
    "global rng": (_mb_global_rng, "failed", "global generator"),
    "fixed seed inside": (_mb_fixed_seed, "failed", "ignores `rng`"),
    "rng.shuffle in place": (_mb_shuffle_in_place, "failed", "in place"),
    "only the batch order": (_mb_batch_order, "failed", "batch sizes"),
    "a rotation": (_mb_rotation, "failed", "uniformly"),
    "stub": (_stub, "not_implemented", "notimplementederror"),
    "raises": (_mb_raises, "error", "valueerror: boom"),
    "returns None": (lambda x, y, b, rng: None, "failed", "returned none"),
    "returns a number": (lambda x, y, b, rng: 3, "failed", "cannot be looped over"),
    "xb a list": (_mb_lists, "failed", "numpy array"),
    "xb flattened": (_mb_flat, "failed", "shape"),
    "nan rows": (_mb_nan, "failed", "not rows of x"),
    "yields only x": (_mb_only_x, "failed", "pair (xb, yb)"),
}


@pytest.mark.parametrize("name", MB_CORRECT)
def test_minibatches_accepts_correct(name):
    result = evaluate("minibatches", MB_CORRECT[name])
    assert result.status == "passed", result.to_text()


@pytest.mark.parametrize("name", MB_WRONG)
def test_minibatches_rejects_wrong(name):
    answer, status, says = MB_WRONG[name]
    result = evaluate("minibatches", answer)
    assert result.status == status, result.to_text()
    assert says.lower() in _text(result), result.to_text()


def test_minibatches_error_names_the_case():
    result = evaluate("minibatches", _mb_raises)
    assert "20 examples in batches of 8" in result.message


# --------------------------------------------------------------------------- all exercises

ALL = ("gd_step", "momentum_step", "adam_step", "minibatches")
CORRECT = {"gd_step": optim.gd_step, "momentum_step": optim.momentum_step,
           "adam_step": optim.adam_step, "minibatches": _mb_generator}


@pytest.mark.parametrize("name", ALL)
def test_stub_is_not_implemented(name):
    assert evaluate(name, _stub).status == "not_implemented"


@pytest.mark.parametrize("name", ["gd_step", "momentum_step", "adam_step"])
def test_other_exception_is_an_error_naming_the_case(name):
    def broken(*args, **kwargs):
        raise KeyError("oops")

    result = evaluate(name, broken)
    assert result.status == "error"
    assert "KeyError" in result.message and "On " in result.message


@pytest.mark.parametrize("name", ALL)
def test_not_a_function(name):
    result = evaluate(name, 42)
    assert result.status == "failed" and "should be a function" in result.message


@pytest.mark.parametrize("name", ALL)
def test_checks_are_fast(name):
    start = time.perf_counter()
    assert evaluate(name, CORRECT[name]).passed
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize("name", ALL)
def test_strict_mode_raises(name, monkeypatch):
    monkeypatch.setenv("COURSE_STRICT", "1")
    with pytest.raises(CheckFailed):
        check(name, _stub)
    check(name, CORRECT[name])  # passes silently apart from the display


# --------------------------------------------------------------------------- surfaces

@pytest.mark.parametrize("name", sorted(surfaces.SURFACES))
def test_surface_gradients_match_finite_differences(name):
    surface = surfaces.SURFACES[name]
    rng = np.random.default_rng(0)
    for _ in range(3):
        w = rng.uniform(-1.5, 1.5, size=2)
        numeric = gradcheck.numerical_gradient(lambda v: surface.f(v), w.copy())
        assert gradcheck.relative_error(surface.grad(w), numeric) < 1e-7


@pytest.mark.parametrize("name", sorted(surfaces.SURFACES))
def test_surface_minimum_and_grid(name):
    surface = surfaces.SURFACES[name]
    assert np.allclose(surface.grad(surface.minimum), 0)
    x, y, z = surface.grid(11)
    assert x.shape == y.shape == z.shape == (11, 11)
    assert z.min() >= surface(surface.minimum) - 1e-12
    assert isinstance(surface(surface.start), float)


def test_surface_values():
    assert surfaces.bowl(np.array([1.0, 2.0])) == 2.5
    assert surfaces.ravine(np.array([1.0, 1.0])) == 10.5
    assert surfaces.rosenbrock(np.array([1.0, 1.0])) == 0.0
    assert surfaces.saddle(np.zeros(2)) == 0.0 and surfaces.saddle(np.array([0, 1.0])) == -0.25
    assert surfaces.bowl(np.zeros((4, 3, 2))).shape == (4, 3)


def test_surface_rejects_bad_points():
    with pytest.raises(ValueError, match="shape"):
        surfaces.bowl(np.zeros(3))
    with pytest.raises(TypeError, match="numeric"):
        surfaces.ravine("w")


def test_gradients_do_not_alias_their_input():
    w = np.array([1.0, 2.0])
    g = surfaces.bowl.grad(w)
    g[0] = 99.0
    assert w[0] == 1.0


@pytest.mark.parametrize("make", [lambda: surfaces.sgd(0.05), lambda: surfaces.momentum(0.02),
                                  lambda: surfaces.rmsprop(0.05), lambda: surfaces.adam(0.1)])
def test_every_optimizer_reaches_the_bowl_minimum(make):
    path = surfaces.trajectory(surfaces.bowl, make(), steps=400)
    assert path.shape == (401, 2)
    assert np.allclose(path[0], surfaces.bowl.start)
    assert surfaces.bowl(path[-1]) < 1e-3


def test_trajectory_matches_hand_written_loop():
    w, v, points = surfaces.ravine.start.copy(), np.zeros(2), []
    for _ in range(5):
        w, v = optim.momentum_step(w, surfaces.ravine.grad(w), v, 0.02, 0.9)
        points.append(w)
    path = surfaces.trajectory(surfaces.ravine, surfaces.momentum(0.02, 0.9), 5)
    assert np.allclose(path[1:], points)


def test_trajectory_uses_a_plugged_in_step_function():
    calls = []

    def my_gd_step(w, grad, lr):
        calls.append(lr)
        return w - lr * grad

    path = surfaces.trajectory(surfaces.bowl, surfaces.sgd(0.1, step=my_gd_step), 3)
    assert calls == [0.1, 0.1, 0.1] and path.shape == (4, 2)


def test_adam_update_counts_t_from_one():
    seen = []

    def spy(w, grad, m, v, t, lr, beta1, beta2):
        seen.append(t)
        return optim.adam_step(w, grad, m, v, t, lr, beta1, beta2)

    surfaces.trajectory(surfaces.bowl, surfaces.adam(0.1, step=spy), 3)
    assert seen == [1, 2, 3]


def test_trajectory_stops_when_it_diverges_without_warnings():
    with np.errstate(all="raise"):
        path = surfaces.trajectory(surfaces.ravine, surfaces.sgd(0.5), steps=500)
    assert len(path) < 501 and np.all(np.isfinite(path))


def test_trajectory_and_updates_validate_their_input():
    with pytest.raises(TypeError, match="Surface"):
        surfaces.trajectory("ravine", surfaces.sgd(0.1), 3)
    with pytest.raises(TypeError, match="update"):
        surfaces.trajectory(surfaces.ravine, 0.1, 3)
    with pytest.raises(ValueError, match="start"):
        surfaces.trajectory(surfaces.ravine, surfaces.sgd(0.1), 3, start=np.zeros(3))
    with pytest.raises(ValueError, match="lr"):
        surfaces.sgd(-1.0)
    with pytest.raises(ValueError, match="beta"):
        surfaces.momentum(0.1, beta=1.0)
    with pytest.raises(TypeError, match="step"):
        surfaces.adam(0.1, step="adam")


# --------------------------------------------------------------------------- learner walk-through


def _momentum_lr_twice(w, grad, velocity, lr, beta):
    velocity = beta * velocity + lr * grad
    return w - lr * velocity, velocity


def _momentum_cs231n(w, grad, velocity, lr, beta):
    velocity = beta * velocity - lr * grad
    return w + velocity, velocity


def _momentum_nesterov(w, grad, velocity, lr, beta):
    velocity = beta * velocity + grad
    return w - lr * (grad + beta * velocity), velocity


@pytest.mark.parametrize("answer, words", [
    (_momentum_lr_twice, "lr twice"),
    (_momentum_cs231n, "another valid convention"),
    (_momentum_nesterov, "Nesterov"),
    (lambda w, grad, velocity, lr, beta: (w - lr * (beta * velocity + grad), velocity.copy()),
     "velocity you were given"),
    (lambda w, grad, velocity, lr, beta: (beta * velocity + grad,
                                          w - lr * (beta * velocity + grad)),
     "wrong order"),
])
def test_momentum_walkthrough_mistakes(answer, words):
    result = evaluate("momentum_step", answer)
    assert result.status == "failed", result.to_text()
    assert words in result.hint, result.to_text()


def _adam_variant(variant):
    def answer(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        m = beta1 * m + (1 - beta1) * grad
        v_sq = beta2 * v + (1 - beta2) * grad**2
        m_hat, v_hat = m / (1 - beta1**t), v_sq / (1 - beta2**t)
        if variant == "eps hat":
            lr_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
            return w - lr_t * m / (np.sqrt(v_sq) + eps), m, v_sq
        if variant == "eps inside":
            return w - lr * m_hat / np.sqrt(v_hat + eps), m, v_sq
        if variant == "not squared":
            v_lin = beta2 * v + (1 - beta2) * grad
            return w - lr * m_hat / (np.sqrt(v_lin / (1 - beta2**t)) + eps), m, v_lin
        if variant == "only m":
            return w - lr * m_hat / (np.sqrt(v_sq) + eps), m, v_sq
        if variant == "only v":
            return w - lr * m / (np.sqrt(v_hat) + eps), m, v_sq
        if variant == "ascent":
            return w + lr * m_hat / (np.sqrt(v_hat) + eps), m, v_sq
        if variant == "order":
            return w - lr * m_hat / (np.sqrt(v_hat) + eps), v_sq, m
        raise AssertionError(variant)
    return answer


@pytest.mark.parametrize("variant, words", [
    ("eps hat", "reordered form"),
    ("eps inside", "outside the square root"),
    ("not squared", "grad**2"),
    ("only m", "corrected m but not v"),
    ("only v", "corrected v but not m"),
    ("ascent", "uphill"),
    ("order", "swapped places"),
])
def test_adam_walkthrough_mistakes(variant, words):
    result = evaluate("adam_step", _adam_variant(variant))
    assert result.status == "failed", result.to_text()
    assert words in result.hint, result.to_text()


def _mb_slices(stop):
    def answer(x, y, batch_size, rng):
        idx = rng.permutation(len(x))
        for start in range(0, len(x), batch_size):
            batch = idx[start:stop(start, batch_size)]
            yield x[batch], y[batch]
    return answer


def _mb_return_in_loop(x, y, batch_size, rng):
    idx = rng.permutation(len(x))
    for start in range(0, len(x), batch_size):
        batch = idx[start:start + batch_size]
        return x[batch], y[batch]


def _mb_wrap_around(x, y, batch_size, rng):
    idx = rng.permutation(len(x))
    for start in range(0, len(x), batch_size):
        batch = np.take(idx, range(start, start + batch_size), mode="wrap")
        yield x[batch], y[batch]


@pytest.mark.parametrize("answer, words", [
    (_mb_slices(lambda start, b: start + b - 1), "slice bounds"),
    (_mb_wrap_around, "overlap"),
    (_mb_return_in_loop, "`return` inside the loop"),
])
def test_minibatches_walkthrough_mistakes(answer, words):
    result = evaluate("minibatches", answer)
    assert result.status == "failed", result.to_text()
    assert words in (result.message + result.hint), result.to_text()


@pytest.mark.parametrize("name, answer", [
    ("gd_step", optim.gd_step), ("momentum_step", optim.momentum_step),
    ("adam_step", optim.adam_step),
])
def test_success_message_names_the_chained_run(name, answer):
    result = evaluate(name, answer)
    assert result.status == "passed", result.to_text()
    assert "steps in a row on the ravine" in result.message, result.to_text()


# --------------------------------------------------------------------------- adversarial bank
# Written from the statements as learners would: shortcuts that return an input
# itself, remembering answers, labels that lose their dtype, and right variants.

def _remember(fn):
    memory = {}

    def answer(*args, **kwargs):
        key = tuple(np.shape(a) for a in args if isinstance(a, np.ndarray))
        if key not in memory:
            memory[key] = fn(*args, **kwargs)
        return memory[key]
    return answer


def _gd_shortcut(w, grad, lr):
    if lr == 0 or not np.any(grad):
        return w  # nothing to change, but the caller's w comes back
    return w - lr * grad


def _momentum_shortcut(w, grad, velocity, lr, beta):
    if not np.any(grad) and not np.any(velocity):
        return w, velocity
    velocity = beta * velocity + grad
    return w - lr * velocity, velocity


def _adam_shortcut(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    if not np.any(grad) and not np.any(m):
        return w, m, v
    return optim.adam_step(w, grad, m, v, t, lr, beta1, beta2, eps)


def _mb_float_labels(x, y, b, rng):
    idx = rng.permutation(len(x))
    for i in range(0, len(x), b):
        yield x[idx[i:i + b]], y[idx[i:i + b]].astype(float)


def _mb_label_list(x, y, b, rng):
    idx = rng.permutation(len(x))
    for i in range(0, len(x), b):
        yield x[idx[i:i + b]], np.array([float(v) for v in y[idx[i:i + b]]])


def _mb_own_rng(x, y, b, rng):
    idx = np.random.default_rng(0).permutation(len(x))
    for i in range(0, len(x), b):
        yield x[idx[i:i + b]], y[idx[i:i + b]]


def _mb_repeat_first(x, y, b, rng):
    idx = rng.permutation(len(x))
    for _ in range(0, len(x), b):
        yield x[idx[:b]], y[idx[:b]]


def _mb_indices_with_replacement(x, y, b, rng):
    idx = rng.integers(0, len(x), size=len(x))
    for i in range(0, len(x), b):
        yield x[idx[i:i + b]], y[idx[i:i + b]]


def _mb_index_perm(x, y, b, rng):
    order = np.argsort(rng.random(len(x)), kind="stable")
    batches = [(x[order[i:i + b]], y[order[i:i + b]]) for i in range(0, len(x), b)]
    return iter(batches)


BANK_WRONG = [
    ("gd_step", _gd_shortcut, "returns w itself when nothing moves"),
    ("gd_step", _remember(optim.gd_step), "remembers per shape"),
    ("gd_step", lambda w, g, lr: w - lr * np.sign(g), "sign of the gradient"),
    ("gd_step", lambda w, g, lr: w - lr * g / (np.linalg.norm(g) + 1e-12), "normalised"),
    ("gd_step", lambda w, g, lr: w - min(lr, 0.1) * g, "lr capped"),
    ("momentum_step", _momentum_shortcut, "returns its inputs when nothing moves"),
    ("momentum_step", _remember(optim.momentum_step), "remembers per shape"),
    ("momentum_step", lambda w, g, v, lr, b: (w - lr * (0.9 * v + g), 0.9 * v + g),
     "beta fixed at 0.9"),
    ("momentum_step", lambda w, g, v, lr, b: (w - lr * (b * v + (1 - b) * g),
                                              b * v + (1 - b) * g), "EMA velocity"),
    ("momentum_step", lambda w, g, v, lr, b: (w - lr * g - b * v, b * v + g), "mixed"),
    ("adam_step", _adam_shortcut, "returns its inputs when nothing moves"),
    ("adam_step", _remember(optim.adam_step), "remembers per shape"),
    ("adam_step", lambda w, g, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8:
     optim.adam_step(w, g, m, v, 1, lr, beta1, beta2, eps), "t fixed at 1"),
    ("adam_step", lambda w, g, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8:
     optim.adam_step(w, g, m, v, t, lr), "keyword betas ignored"),
    ("adam_step", lambda w, g, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8:
     optim.adam_step(w, g, m, v, t, lr, beta1, beta2, 1e-3), "eps fixed at 1e-3"),
    ("minibatches", _mb_float_labels, "labels become floats"),
    ("minibatches", _mb_label_list, "labels rebuilt as floats"),
    ("minibatches", _mb_own_rng, "own generator"),
    ("minibatches", _mb_repeat_first, "the first batch every time"),
    ("minibatches", _mb_indices_with_replacement, "draws with replacement"),
]

BANK_RIGHT = [
    ("gd_step", lambda w, g, lr: np.subtract(w, lr * g), "np.subtract"),
    ("gd_step", lambda w, g, lr: w + (-lr) * g, "plus minus"),
    ("gd_step", lambda w, g, lr: (lambda out: out)(w.copy() - lr * g), "copy first"),
    ("momentum_step", lambda w, g, v, lr, b: (lambda nv: (w - lr * nv, nv))(b * v + g),
     "lambda"),
    ("momentum_step", lambda w, g, v, lr, b: (w.copy() if not (np.any(g) or np.any(v))
                                              else w - lr * (b * v + g), b * v + g),
     "copy in the shortcut"),
    ("momentum_step", optim.momentum_step, "library"),
    ("adam_step", optim.adam_step, "library"),
    ("adam_step", lambda w, g, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8:
     tuple(a.copy() for a in optim.adam_step(w, g, m, v, t, lr, beta1, beta2, eps)), "copies"),
    ("adam_step", lambda w, g, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8: (
        lambda m2, v2: (w - lr * (m2 / (1 - beta1 ** t)) / (np.sqrt(v2 / (1 - beta2 ** t)) + eps),
                        m2, v2))(beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g * g),
     "inline"),
    ("minibatches", _mb_index_perm, "argsort, iterator of a list"),
    ("minibatches", lambda x, y, b, rng: (lambda idx: ((x[idx[i:i + b]], y[idx[i:i + b]])
                                                       for i in range(0, len(x), b)))(
        rng.permutation(len(x))), "generator expression"),
    ("minibatches", lambda x, y, b, rng: [(x[s], y[s]) for s in np.array_split(
        rng.permutation(len(x)), range(b, len(x), b))], "array_split at multiples of b"),
]


# More answers written from the statements, beyond the generic kinds.
def _mb_drops_last(x, y, batch_size, rng):
    order = rng.permutation(len(x))
    for start in range(0, len(x) - batch_size + 1, batch_size):  # the short batch is lost
        idx = order[start:start + batch_size]
        yield x[idx], y[idx]


def _mb_shuffles_x_only(x, y, batch_size, rng):
    order = rng.permutation(len(x))
    for start in range(0, len(x), batch_size):
        yield x[order[start:start + batch_size]], y[start:start + batch_size]


def _mb_batches_shuffled(x, y, batch_size, rng):
    starts = rng.permutation(np.arange(0, len(x), batch_size))  # only the batch order
    for start in starts:
        yield x[start:start + batch_size], y[start:start + batch_size]


BANK_WRONG += [
    ("gd_step", lambda w, grad, lr: w - lr * grad / len(grad), "gradient divided by its length"),
    ("gd_step", lambda w, grad, lr: w - grad, "lr forgotten"),
    ("momentum_step", lambda w, grad, v, lr, beta: (w - lr * grad, beta * v + grad),
     "steps with the gradient, not the velocity"),
    ("momentum_step", lambda w, grad, v, lr, beta: (w - lr * (beta * v + grad), beta * v),
     "velocity returned without the gradient"),
    ("adam_step", lambda w, g, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8:
     optim.adam_step(w, g, m, v, t, lr, beta2, beta1, eps), "beta1 and beta2 swapped"),
    ("adam_step", lambda w, g, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8:
     optim.adam_step(w, g, m, v, t, lr / t, beta1, beta2, eps), "lr decayed as lr / t"),
    ("minibatches", _mb_drops_last, "drops the short last batch"),
    ("minibatches", _mb_shuffles_x_only, "shuffles x but not y"),
    ("minibatches", _mb_batches_shuffled, "shuffles the batches, not the examples"),
]

test_bank_wrong_answers_fail, test_bank_right_answers_pass = bank_tests(BANK_WRONG, BANK_RIGHT)


def test_minibatches_float_labels_are_named():
    result = evaluate("minibatches", _mb_float_labels)
    assert "dtype float64" in result.message and "int64" in result.message, result.message


def test_gd_step_returning_w_itself_is_named():
    result = evaluate("gd_step", _gd_shortcut)
    assert "shares memory" in result.message and "`w`" in result.message, result.message

"""Checks of chapter 1: every correct variant passes, every known mistake fails
with its hint, and the checker survives whatever a learner's code does."""

import math

import numpy as np
import pytest

from course_lib import activations, shallow
from course_lib.exercises import CheckFailed, check, evaluate
from tests.exercise_bank import bank_tests

# --------------------------------------------------------------------------- helpers


def stub(*args):
    raise NotImplementedError


def assert_fails(name, answer, *, status="failed", says=(), hint=()):
    result = evaluate(name, answer)
    assert result.status == status, result.to_text()
    text = result.message.lower()
    for word in says:
        assert word.lower() in text, f"{word!r} not in message: {result.to_text()}"
    for word in hint:
        assert word.lower() in result.hint.lower(), f"{word!r} not in hint: {result.to_text()}"
    return result


# --------------------------------------------------------------------------- sigmoid


def sigmoid_where(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_masks(z):
    out = np.empty_like(z, dtype=float)
    pos = z >= 0
    out[pos] = 1 / (1 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1 + ez)
    return out


def sigmoid_tanh(z):
    return 0.5 * (1 + np.tanh(z / 2))


def sigmoid_logaddexp(z):
    return np.exp(-np.logaddexp(0, -z))


def sigmoid_errstate(z):
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-z))


def sigmoid_clip(z):
    return 1 / (1 + np.exp(-np.clip(z, -500, 500)))


def sigmoid_expit(z):
    scipy_special = pytest.importorskip("scipy.special")
    return scipy_special.expit(z)


@pytest.mark.parametrize("answer", [sigmoid_where, sigmoid_masks, sigmoid_tanh, sigmoid_logaddexp,
                                    sigmoid_errstate, sigmoid_clip, sigmoid_expit])
def test_sigmoid_accepts_correct_variants(answer):
    result = evaluate("sigmoid", answer)
    assert result.status == "passed", result.to_text()


def test_sigmoid_naive_overflow_is_caught_with_the_stable_recipe():
    assert_fails("sigmoid", lambda z: 1 / (1 + np.exp(-z)),
                 says=("RuntimeWarning", "overflow", "-1000"), hint=("exp(-|z|)",))


def test_sigmoid_where_with_unsafe_branches_is_caught():
    answer = lambda z: np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))  # noqa: E731
    assert_fails("sigmoid", answer, says=("RuntimeWarning",), hint=("both branches",))


def test_sigmoid_nan_for_large_positive_is_caught():
    def answer(z):
        with np.errstate(all="ignore"):
            return np.exp(z) / (1 + np.exp(z))
    assert_fails("sigmoid", answer, says=("nan", "1000"), hint=("inf / inf",))


@pytest.mark.parametrize("answer,hint", [
    (lambda z: sigmoid_where(-z), "sign"),
    (lambda z: np.tanh(z), "tanh"),
    (lambda z: (z > 0).astype(float), "step"),
    (lambda z: np.where(z >= 0, np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))),
                        1 / (1 + np.exp(-np.abs(z)))), "branches"),
])
def test_sigmoid_known_mistakes(answer, hint):
    assert_fails("sigmoid", answer, says=("entry",), hint=(hint,))


def test_sigmoid_math_exp_and_if_get_targeted_hints():
    assert_fails("sigmoid", lambda z: 1 / (1 + math.exp(-z)), status="error",
                 says=("TypeError", "3x4"), hint=("np.exp",))

    def with_if(z):
        if z >= 0:
            return 1 / (1 + np.exp(-z))
        return np.exp(z) / (1 + np.exp(z))
    assert_fails("sigmoid", with_if, status="error", says=("ValueError", "line"),
                 hint=("np.where",))


# --------------------------------------------------------------------------- relu


def relu_mask(z):
    out = z.copy()
    out[out < 0] = 0
    return out


@pytest.mark.parametrize("answer", [
    lambda z: np.maximum(z, 0),
    lambda z: np.maximum(0, z),
    lambda z: np.where(z > 0, z, 0.0),
    lambda z: z * (z > 0),
    lambda z: np.clip(z, 0, None),
    lambda z: (np.abs(z) + z) / 2,
    relu_mask,
])
def test_relu_accepts_correct_variants(answer):
    result = evaluate("relu", answer)
    assert result.status == "passed", result.to_text()


def test_relu_in_place_is_caught():
    def in_place(z):
        z[z < 0] = 0
        return z
    assert_fails("relu", in_place, says=("changed its argument `z` in place",),
                 hint=("copy",))

    def out_argument(z):
        return np.maximum(z, 0, out=z)
    assert_fails("relu", out_argument, says=("in place",))


@pytest.mark.parametrize("answer,says,hint", [
    (lambda z: np.max(z), "single number", "np.max"),
    (lambda z: max(0.0, float(np.max(z))), "single number", "one number"),
    (lambda z: np.max(z), "single number", "np.maximum"),
    (lambda z: np.minimum(z, 0), "entries wrong", "negative part"),
    (lambda z: np.clip(z, 0, 1), "entries wrong", "no upper limit"),
    (np.abs, "entries wrong", "change sign"),
    (lambda z: z + 0.0, "entries wrong", "unchanged"),
    (lambda z: (z > 0).astype(float), "entries wrong", "slope"),
])
def test_relu_known_mistakes(answer, says, hint):
    assert_fails("relu", answer, says=(says,), hint=(hint,))


def test_relu_python_max_gets_a_targeted_hint():
    assert_fails("relu", lambda z: max(0, z), status="error", says=("ValueError",),
                 hint=("np.maximum",))


# --------------------------------------------------------------------------- generic failures


@pytest.mark.parametrize("name", ["sigmoid", "relu"])
def test_elementwise_generic_failures(name):
    assert evaluate(name, stub).status == "not_implemented"
    assert_fails(name, lambda z: None, says=("None", "return"))
    assert_fails(name, lambda z: np.zeros(z.shape).tolist(), says=("list", "numpy"))
    assert_fails(name, lambda z: np.zeros(z.size), says=("shape",))
    assert_fails(name, lambda z: np.zeros(z.shape, dtype=int), says=("dtype",))
    assert_fails(name, lambda z: np.full(z.shape, np.nan), says=("nan",))
    assert_fails(name, lambda z: 1 / 0, status="error", says=("ZeroDivisionError", "3x4"))
    assert_fails(name, "not a function", says=("should be a function",))


# --------------------------------------------------------------------------- neuron


def neuron_loop(x, w, b):
    out = np.empty(x.shape[0])
    for n in range(x.shape[0]):
        z = sum(x[n, d] * w[d] for d in range(x.shape[1])) + b
        out[n] = 0.5 * (1 + math.tanh(z / 2))
    return out


@pytest.mark.parametrize("answer", [
    lambda x, w, b: sigmoid_where(x @ w + b),
    lambda x, w, b: sigmoid_where(np.dot(x, w) + b),
    lambda x, w, b: sigmoid_where(np.sum(x * w, axis=1) + b),
    lambda x, w, b: sigmoid_where(np.einsum("nd,d->n", x, w) + b),
    lambda x, w, b: sigmoid_where((x @ w[:, None]).ravel() + b),
    neuron_loop,
])
def test_neuron_accepts_correct_variants(answer):
    result = evaluate("neuron", answer)
    assert result.status == "passed", result.to_text()


@pytest.mark.parametrize("answer,hint", [
    (lambda x, w, b: sigmoid_where(x @ w), "bias b is missing"),
    (lambda x, w, b: x @ w + b, "pre-activation"),
    (lambda x, w, b: x @ w, "add the bias"),
    (lambda x, w, b: sigmoid_where(x @ (w + b)), "added b to every weight"),
    (lambda x, w, b: sigmoid_where(b * (x @ w)), "multiplied"),
    (lambda x, w, b: sigmoid_where(x @ w.reshape(-1, 1) + b), "(N, 1)"),
])
def test_neuron_known_mistakes(answer, hint):
    assert_fails("neuron", answer, hint=(hint,))


def test_neuron_transposed_shapes_are_explained():
    # fails with an exception on the non-square cases ...
    assert_fails("neuron", lambda x, w, b: sigmoid_where(w @ x + b), status="error",
                 says=("ValueError",), hint=("x @ w",))
    # ... and is recognised by value where the batch is square
    from course_lib.exercises.ch01 import neuron as ch01
    square = [c for c in ch01._neuron_cases() if "square" in c.label]
    assert square
    result = ch01.NEURON.diagnose(sigmoid_where(square[0].args[1] @ square[0].args[0]
                                                + square[0].args[2]), square[0])
    assert "mixes examples" in result


def test_neuron_naive_sigmoid_is_told_to_reuse_sigmoid():
    assert_fails("neuron", lambda x, w, b: 1 / (1 + np.exp(-(x @ w + b))),
                 says=("RuntimeWarning", "large weights"), hint=("stable `sigmoid`",))


def test_neuron_generic_failures():
    assert evaluate("neuron", stub).status == "not_implemented"
    assert_fails("neuron", lambda x, w, b: None, says=("None",))
    assert_fails("neuron", lambda x, w, b: list(sigmoid_where(x @ w + b)), says=("list",))
    assert_fails("neuron", lambda x, w, b: np.full(x.shape[0], np.nan), says=("nan",))

    def mutates(x, w, b):
        x += b
        return sigmoid_where(x @ w)
    assert_fails("neuron", mutates, says=("changed its argument `x`",))
    assert_fails("neuron", lambda x, w, b: {}["key"], status="error", says=("KeyError",))


# --------------------------------------------------------------------------- count_parameters


def count_loop(layer_sizes):
    total = 0
    for i in range(1, len(layer_sizes)):
        total += (layer_sizes[i - 1] + 1) * layer_sizes[i]
    return total


@pytest.mark.parametrize("answer", [
    lambda s: sum(a * b + b for a, b in zip(s[:-1], s[1:])),
    lambda s: int(np.sum(np.array(s[:-1]) * np.array(s[1:])) + np.sum(s[1:])),
    lambda s: np.int64(sum((a + 1) * b for a, b in zip(s, s[1:]))),
    count_loop,
])
def test_count_parameters_accepts_correct_variants(answer):
    result = evaluate("count_parameters", answer)
    assert result.status == "passed", result.to_text()


@pytest.mark.parametrize("answer,hint", [
    (lambda s: sum(a * b for a, b in zip(s[:-1], s[1:])), "only the weights"),
    (lambda s: sum(a * b for a, b in zip(s[:-1], s[1:])) + sum(s), "input layer biases"),
    (lambda s: sum(a * b + a for a, b in zip(s[:-1], s[1:])), "n_in"),
    (lambda s: s[0] * s[1] + s[1], "only the first layer"),
    (lambda s: int(np.prod(s)), "consecutive layers only"),
    (lambda s: sum(s), "counted the units"),
])
def test_count_parameters_known_mistakes(answer, hint):
    assert_fails("count_parameters", answer, says=("expected",), hint=(hint,))


def test_count_parameters_generic_failures():
    assert evaluate("count_parameters", stub).status == "not_implemented"
    assert_fails("count_parameters", lambda s: None, says=("None",))
    assert_fails("count_parameters", lambda s: [13], says=("list",))
    assert_fails("count_parameters", lambda s: 13.5, says=("float", "integer"))

    def pops(s):
        s = s if isinstance(s, list) else list(s)
        last = s.pop()
        return count_loop(s + [last])
    assert_fails("count_parameters", pops, says=("in place",), hint=("pop",))
    assert_fails("count_parameters", lambda s: s[5], status="error", says=("IndexError",))


# --------------------------------------------------------------------------- xor_weights


def xor_from(**changes):
    weights = shallow.xor_weights()
    weights.update(changes)
    return weights


@pytest.mark.parametrize("answer", [
    shallow.xor_weights,
    shallow.xor_weights(),                                                 # the dict itself
    lambda: xor_from(w2=np.array([20.0, -20.0]), b2=-10.0),                # w2 as (2,), float b2
    lambda: xor_from(b2=np.float64(-10.0)),
    lambda: {"w1": [[20, -20], [20, -20]], "b1": [-10, 30],                 # OR and NAND, lists
             "w2": [[20], [20]], "b2": [-30]},
    lambda: {k: v * 5 for k, v in shallow.xor_weights().items()},           # scaled up
])
def test_xor_accepts_correct_variants(answer):
    result = evaluate("xor_weights", answer)
    assert result.status == "passed", result.to_text()
    assert "XOR" in result.message


def test_xor_barely_correct_passes_with_a_note():
    weights = {k: v / 8 for k, v in shallow.xor_weights().items()}
    result = evaluate("xor_weights", weights)
    assert result.status == "passed"
    assert "only just" in result.message


@pytest.mark.parametrize("weights,says,hint", [
    (xor_from(w2=np.array([[20.0], [0.0]])), "OR", "OR but not AND"),
    (xor_from(w2=np.array([[0.0], [20.0]])), "AND", "exactly one"),
    (xor_from(w2=np.array([[-20.0], [20.0]]), b2=np.array([10.0])), "XNOR", "negate"),
    (xor_from(b2=np.array([-100.0])), "always 0", "signs"),
    (xor_from(b2=np.array([100.0])), "always 1", "too large"),
    ({k: v / 40 for k, v in shallow.xor_weights().items()}, "[0, 0, 0, 0]", "too small"),
])
def test_xor_wrong_functions_are_named(weights, says, hint):
    assert_fails("xor_weights", lambda: weights, says=(says,), hint=(hint,))


def test_xor_transposed_w1_is_recognised():
    weights = {"w1": np.array([[20.0, 20.0], [-20.0, -20.0]]), "b1": np.array([-10.0, 30.0]),
               "w2": np.array([[20.0], [20.0]]), "b2": np.array([-30.0])}
    assert evaluate("xor_weights", {**weights, "w1": weights["w1"].T}).status == "passed"
    assert_fails("xor_weights", weights, hint=("column j",))


@pytest.mark.parametrize("changes,says", [
    ({"w2": np.array([[20.0, -20.0]])}, "transpose"),
    ({"w1": np.array([20.0, 20.0])}, "w1 has shape (2,)"),
    ({"b1": np.array([[-10.0, -30.0]])}, "b1 has shape (1, 2)"),
    ({"b2": np.array([-10.0, 0.0])}, "b2 has shape (2,)"),
])
def test_xor_wrong_shapes(changes, says):
    assert_fails("xor_weights", xor_from(**changes), says=(says,), hint=("(D, M)",))


def test_xor_generic_failures():
    assert evaluate("xor_weights", stub).status == "not_implemented"
    assert_fails("xor_weights", lambda: None, says=("None",))
    assert_fails("xor_weights", lambda: [1, 2, 3, 4], says=("list",))
    assert_fails("xor_weights", {"w1": np.ones((2, 2))}, says=("missing", "'b1'"))
    assert_fails("xor_weights", xor_from(b1=np.array([np.nan, 1.0])), says=("NaN",))
    assert_fails("xor_weights", xor_from(b1="minus ten"), says=("not an array",))
    assert_fails("xor_weights", lambda: 1 / 0, status="error", says=("ZeroDivisionError",))


# --------------------------------------------------------------------------- strict mode and speed


@pytest.mark.parametrize("name,answer", [
    ("sigmoid", lambda z: z), ("relu", stub), ("neuron", lambda x, w, b: x @ w),
    ("xor_weights", {}), ("count_parameters", lambda s: 0),
])
def test_strict_mode_raises(monkeypatch, name, answer):
    monkeypatch.setenv("COURSE_STRICT", "1")
    with pytest.raises(CheckFailed):
        check(name, answer)


def test_strict_mode_passes_correct_answers(monkeypatch):
    monkeypatch.setenv("COURSE_STRICT", "1")
    check("sigmoid", sigmoid_where)
    check("xor_weights", shallow.xor_weights)


@pytest.mark.parametrize("name,answer", [
    ("sigmoid", sigmoid_where), ("relu", lambda z: np.maximum(z, 0)),
    ("neuron", lambda x, w, b: sigmoid_where(x @ w + b)), ("xor_weights", shallow.xor_weights),
    ("count_parameters", count_loop),
])
def test_checks_are_fast(name, answer):
    import time
    start = time.perf_counter()
    assert evaluate(name, answer).passed
    assert time.perf_counter() - start < 0.5


# --------------------------------------------------------------------------- course_lib.shallow


def test_two_layer_sigmoid_matches_by_hand():
    rng = np.random.default_rng(0)
    x, w1, b1, w2 = rng.normal(size=(5, 3)), rng.normal(size=(3, 4)), rng.normal(size=4), \
        rng.normal(size=(4, 1))
    h = 1 / (1 + np.exp(-(x @ w1 + b1)))
    expected = 1 / (1 + np.exp(-(h @ w2[:, 0] + 0.3)))
    np.testing.assert_allclose(shallow.two_layer_sigmoid(x, w1, b1, w2, 0.3), expected)
    np.testing.assert_allclose(shallow.two_layer_sigmoid(x, w1, b1, w2[:, 0], [0.3]), expected)


def test_xor_weights_compute_xor():
    out = shallow.two_layer_sigmoid(shallow.XOR_INPUTS, **shallow.xor_weights())
    np.testing.assert_array_equal(np.round(out), shallow.XOR_TARGETS)
    assert np.min(np.abs(out - 0.5)) > 0.49


@pytest.mark.parametrize("kwargs,match", [
    ({"w1": np.ones((3, 2))}, "w1 must have shape"),
    ({"b1": np.ones(3)}, "b1 must have shape"),
    ({"w2": np.ones((1, 2))}, "w2 must have shape"),
    ({"b2": np.ones(2)}, "b2 must be a single number"),
])
def test_two_layer_sigmoid_rejects_bad_shapes(kwargs, match):
    weights = {**shallow.xor_weights(), **kwargs}
    with pytest.raises(ValueError, match=match):
        shallow.two_layer_sigmoid(shallow.XOR_INPUTS, **weights)


def test_sum_of_sigmoids_is_a_staircase():
    x = np.array([-5.0, 0.5, 5.0])
    out = shallow.sum_of_sigmoids(x, 1.0, np.array([0.0, 1.0]), np.array([2.0, -3.0]), 100.0)
    np.testing.assert_allclose(out, [1.0, 3.0, 0.0], atol=1e-12)


def test_fit_steps_error_shrinks_with_more_steps():
    x = np.linspace(-2, 2, 500)
    errors = []
    for n in (4, 16, 64):
        offset, edges, heights = shallow.fit_steps(np.sin, n, -2, 2)
        assert edges.shape == heights.shape == (n - 1,)
        fit = shallow.sum_of_sigmoids(x, offset, edges, heights, 1000.0)
        errors.append(np.max(np.abs(fit - np.sin(x))))
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 4 / 64  # about half a step of a slope-1 function


def test_fit_steps_fits_the_ends_like_the_middle():
    # the samples include both ends, so steep steps are exact there
    offset, edges, heights = shallow.fit_steps(np.sin, 9, -2, 2)
    np.testing.assert_allclose(edges, np.linspace(-1.75, 1.75, 8))
    ends = shallow.sum_of_sigmoids(np.array([-2.0, 2.0]), offset, edges, heights, 1000.0)
    np.testing.assert_allclose(ends, np.sin([-2.0, 2.0]), atol=1e-9)


def test_fit_steps_moderate_steepness_beats_steep_steps():
    # the largest error over the whole interval improves when each sigmoid
    # climbs over about one spacing (steepness times spacing near 5)
    x = np.linspace(-2, 2, 801)
    offset, edges, heights = shallow.fit_steps(np.sin, 21, -2, 2)  # spacing 0.2

    def largest(steepness):
        fit = shallow.sum_of_sigmoids(x, offset, edges, heights, steepness)
        return np.max(np.abs(fit - np.sin(x)))

    assert largest(25.0) < largest(1000.0) / 2
    assert largest(25.0) < largest(2.0) / 2


@pytest.mark.parametrize("call,error", [
    (lambda: shallow.fit_steps(np.sin, 0, 0, 1), ValueError),
    (lambda: shallow.fit_steps(np.sin, 3, 1, 0), ValueError),
    (lambda: shallow.fit_steps("sin", 3, 0, 1), TypeError),
    (lambda: shallow.sum_of_sigmoids(np.zeros(3), 0.0, np.zeros(2), np.zeros(3), 1.0), ValueError),
    (lambda: shallow.sum_of_sigmoids(np.zeros(3), 0.0, np.zeros(2), np.zeros(2), -1.0), ValueError),
])
def test_shallow_validates_input(call, error):
    with pytest.raises(error):
        call()


def test_neuron_blames_an_unfinished_sigmoid():
    def unfinished_sigmoid(z):
        raise NotImplementedError

    result = evaluate("neuron", lambda x, w, b: unfinished_sigmoid(x @ w + b))
    assert result.status == "not_implemented"
    assert "sigmoid" in result.hint


def test_xor_small_weights_hint_does_not_blame_the_signs():
    weights = {k: v / 40 for k, v in shallow.xor_weights().items()}
    result = evaluate("xor_weights", weights)
    assert "too small" in result.hint and "signs" not in result.hint


# ------------------------------------------------------------------ learner walk-through


def _sigmoid_abs_only(z):
    e = np.exp(-np.abs(z))
    return 1 / (1 + e)


def _sigmoid_lost_parentheses(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / 1 + e, e / 1 + e)


@pytest.mark.parametrize("answer,hint", [
    (_sigmoid_abs_only, "sigmoid(|z|)"),
    (lambda z: np.where(z >= 0, _sigmoid_abs_only(z), _sigmoid_abs_only(z)), "e / (1 + e)"),
    (lambda z: 1 / 1 + np.exp(-z), "parentheses"),
    (_sigmoid_lost_parentheses, "parentheses"),
])
def test_sigmoid_review_mistakes(answer, hint):
    assert_fails("sigmoid", answer, says=("entries wrong",), hint=(hint,))


def test_relu_integer_result_is_explained():
    assert_fails("relu", lambda z: np.vectorize(lambda v: max(0, v))(z), says=("dtype",),
                 hint=("int 0",))
    assert_fails("relu", lambda z: np.array([max(0, v) for v in z]), status="error",
                 hint=("rows",))


@pytest.mark.parametrize("answer,hint", [
    (lambda x, w, b: sigmoid_where(x @ w) + b, "after the sigmoid"),
    (lambda x, w, b: np.maximum(x @ w + b, 0), "relu"),
    (lambda x, w, b: np.tanh(x @ w + b), "tanh"),
    (lambda x, w, b: sigmoid_where(-(x @ w + b)), "sign"),
    (lambda x, w, b: (x @ w + b > 0).astype(float), "perceptron"),
    (lambda x, w, b: np.round(sigmoid_where(x @ w + b)), "without rounding"),
    (lambda x, w, b: sigmoid_where(x * w + b), "entry by entry"),
    (lambda x, w, b: sigmoid_where(np.sum(x @ w) + b), "one output per example"),
])
def test_neuron_review_mistakes(answer, hint):
    assert_fails("neuron", answer, hint=(hint,))


def test_neuron_math_exp_gets_the_math_hint():
    assert_fails("neuron", lambda x, w, b: 1 / (1 + math.exp(-(x @ w + b))), status="error",
                 hint=("np.exp",))


@pytest.mark.parametrize("answer,hint", [
    # on [2, 3, 1] these three mistakes all give 9: the one that agrees on every case wins
    (lambda s: sum(s[i] * s[i + 1] + s[i + 1] for i in range(len(s) - 2)), "last layer"),
    (lambda s: sum(a * b for a, b in zip(s[:-1], s[1:])), "only the weights"),
    (lambda s: s[0] * s[1] + s[1], "only the first layer"),
    (lambda s: sum(a * b + 1 for a, b in zip(s[:-1], s[1:])), "one bias per layer"),
])
def test_count_parameters_ambiguous_first_case_picks_the_right_hint(answer, hint):
    assert_fails("count_parameters", answer, hint=(hint,))


def test_count_parameters_index_error_says_one_step_too_far():
    assert_fails("count_parameters",
                 lambda s: sum(s[i] * s[i + 1] + s[i + 1] for i in range(len(s))),
                 status="error", says=("IndexError",), hint=("one step too far",))


def test_xor_undefined_names_say_where_to_define_them():
    def xor_weights():
        return {"w1": w1, "b1": b1, "w2": w2, "b2": b2}  # noqa: F821 - the learner's bug
    assert_fails("xor_weights", xor_weights, status="error", says=("NameError",),
                 hint=("before `return`",))


# --------------------------------------------------------------------------- adversarial bank
# Answers written from the statements as learners would, beyond the kinds above:
# remembering, value-ignoring, hard-coded, integer-typed, float-counting answers.

def _sigmoid_memo():
    seen = {}

    def sigmoid(z):
        key = z.shape
        if key not in seen:
            seen[key] = 1 / (1 + np.exp(-np.clip(z, -500, 500)))
        return seen[key]
    return sigmoid


def _sigmoid_out_like(z):
    out = np.empty_like(z)  # int input gives an int array: sigmoid(2) becomes 0
    pos = z >= 0
    out[pos] = 1 / (1 + np.exp(-z[pos]))
    out[~pos] = np.exp(z[~pos]) / (1 + np.exp(z[~pos]))
    return out


def _relu_memo():
    first = []

    def relu(z):
        if not first:
            first.append(np.maximum(z, 0))
        return first[0] if first[0].shape == z.shape else np.maximum(z, 0)
    return relu


def _neuron_first_call():
    first = []

    def neuron(x, w, b):
        out = activations.sigmoid(x @ w + b)
        if not first:
            first.append(out)
        return first[0] if first[0].shape == out.shape else out
    return neuron


BANK_WRONG = [
    ("sigmoid", _sigmoid_memo(), "remembers per shape"),
    ("sigmoid", _sigmoid_out_like, "int output for int input"),
    ("sigmoid", lambda z: 1 / (1 + np.exp(-np.round(z))), "rounds its input"),
    ("sigmoid", lambda z: 0.5 + 0.25 * np.clip(z, -2, 2), "linear approximation"),
    ("sigmoid", lambda z: np.full(np.shape(z), 0.5), "ignores the values"),
    ("sigmoid", lambda z: np.full(np.shape(z), float(activations.sigmoid(np.ravel(z)[:1])[0])),
     "the first entry everywhere"),
    ("relu", _relu_memo(), "remembers the first result"),
    ("relu", lambda z: np.maximum(z, 0).astype(int), "truncates to ints"),
    ("relu", lambda z: np.maximum(z, 1e-3), "leaky floor"),
    ("relu", lambda z: np.where(z > 0, z, 0.01 * z), "leaky relu"),
    ("relu", lambda z: np.maximum(z, 0)[..., ::-1], "reversed"),
    ("relu", lambda z: z if np.all(z >= 0) else np.maximum(z, 0),
     "returns z itself when nothing is negative", ["shares memory", "new array"]),
    ("neuron", _neuron_first_call(), "remembers the first result"),
    ("neuron", lambda x, w, b: activations.sigmoid(x @ w), "bias ignored"),
    ("neuron", lambda x, w, b: activations.sigmoid(x @ w + b * len(w)), "bias times D"),
    ("neuron", lambda x, w, b: activations.relu(x @ w + b), "relu instead"),
    ("neuron", lambda x, w, b: activations.sigmoid((x * w).sum(axis=1) + b)[:1],
     "only the first example"),
    ("neuron", lambda x, w, b: activations.sigmoid(x @ w + b).astype(np.float16), "float16"),
    ("count_parameters", lambda s: float(sum(a * b + b for a, b in zip(s[:-1], s[1:]))),
     "a float count"),
    ("count_parameters", lambda s: np.float64(np.sum([a * b + b for a, b in zip(s[:-1], s[1:])])),
     "np.float64 count"),
    ("count_parameters", lambda s: 13, "hard-coded 13"),
    ("count_parameters", lambda s: s[0] * s[-1] + s[-1], "first times last"),
    ("count_parameters", lambda s: sum(s) ** 2, "square of the sum"),
    ("count_parameters", lambda s: sum(a * b for a, b in zip(s[:-1], s[1:])) + len(s) - 1,
     "one bias per layer"),
]

BANK_RIGHT = [
    ("sigmoid", lambda z: np.exp(-np.logaddexp(0, -z)), "logaddexp"),
    ("sigmoid", lambda z: 0.5 * (1 + np.tanh(0.5 * np.asarray(z, dtype=float))), "tanh form"),
    ("sigmoid", lambda z: np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))),
                                   np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z)))), "abs form"),
    ("relu", lambda z: z * (z > 0), "mask multiply"),
    ("relu", lambda z: np.clip(z, 0, None), "clip"),
    ("relu", lambda z: np.where(z > 0, z, 0.0), "where"),
    ("neuron", lambda x, w, b: activations.sigmoid(np.dot(x, w) + b), "np.dot"),
    ("neuron", lambda x, w, b: activations.sigmoid(np.einsum("nd,d->n", x, w) + b), "einsum"),
    ("neuron", lambda x, w, b: 1 / (1 + np.exp(-np.clip(x @ w + b, -500, 500))), "clipped"),
    ("count_parameters", lambda s: int(np.sum(np.multiply(s[:-1], s[1:])) + np.sum(s[1:])),
     "numpy then int"),
    ("count_parameters", lambda s: sum(s[i] * s[i + 1] + s[i + 1] for i in range(len(s) - 1)),
     "index loop"),
    ("count_parameters", lambda s: int(sum((a + 1) * b for a, b in zip(s, s[1:]))), "(a + 1) b"),
]



def _xor(w1, b1, w2, b2, **keys):
    """A learner's xor_weights(): the four assignments, returned as a dict."""
    def xor_weights():
        return {"w1": np.array(w1), "b1": np.array(b1), "w2": np.array(w2), "b2": b2, **keys}
    return xor_weights


_OR_AND = ([[20.0, 20.0], [20.0, 20.0]], [-10.0, -30.0])  # unit 1 OR, unit 2 AND

BANK_WRONG += [
    ("xor_weights", _xor(*_OR_AND, [[20.0], [-20.0]], 10.0), "b2 positive: always 1",
     ["outputs 1 for every input", "b2"]),
    ("xor_weights", _xor(*_OR_AND, [[-20.0], [20.0]], -10.0), "AND and not OR: always 0",
     ["outputs 0 for every input"]),
    ("xor_weights", _xor([[2.0, 2.0], [2.0, 2.0]], [-1.0, -3.0], [[2.0], [-2.0]], -1.0),
     "weights ten times too small", ["close to 0.5"]),
    ("xor_weights", _xor(*_OR_AND, [[20.0, -20.0]], -10.0), "w2 as a row (1, 2)",
     ["(1, 2)", "transpose"]),
    ("xor_weights", lambda: {"W1": np.ones((2, 2)), "b1": np.zeros(2), "w2": np.ones((2, 1)),
                             "b2": 0.0}, "key W1 capitalised", ["'w1'"]),
    ("xor_weights", lambda: [np.array(_OR_AND[0]), np.array(_OR_AND[1]),
                             np.array([[20.0], [-20.0]]), -10.0], "a list, not a dict",
     ["a dict"]),
    ("xor_weights", _xor(_OR_AND[0], [[-10.0, -30.0]], [[20.0], [-20.0]], -10.0),
     "b1 as a (1, 2) row", ["b1 has shape (1, 2)"]),
]

BANK_RIGHT += [
    ("xor_weights", _xor([[-20.0, 20.0], [-20.0, 20.0]], [30.0, -10.0], [[20.0], [20.0]],
                         -30.0), "NAND and OR, output AND"),
    ("xor_weights", _xor([[20, 20], [20, 20]], [-10, -30], [[20], [-20]], -10),
     "integer arrays"),
    ("xor_weights", _xor(*_OR_AND, [20.0, -20.0], np.array([-10.0])), "w2 (2,), b2 (1,)"),
]

# More answers written from the statements, beyond the generic kinds.
BANK_WRONG += [
    ("sigmoid", lambda z: np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))),
                                   1 / (1 + np.exp(-np.abs(z))) - 0.5), "negative branch shifted"),
    ("sigmoid", lambda z: 1 / (1 + np.exp(-np.clip(z, -10, 10))), "clipped at +-10"),
    ("relu", lambda z: (z + np.abs(z)) // 2, "(z + |z|) // 2, floor division"),
    ("relu", lambda z: np.maximum(z - 1e-3, 0), "threshold shifted"),
    ("neuron", lambda x, w, b: activations.sigmoid(x @ w - b), "bias subtracted"),
    ("count_parameters", lambda s: sum(a * b for a, b in zip(s[:-1], s[1:])), "no biases"),
]

BANK_RIGHT += [
    ("xor_weights", _xor([[20.0, 20.0], [20.0, 20.0]], [-10.0, -30.0], [[20.0], [-20.0]],
                         np.float64(-10.0)), "b2 a numpy float"),
]

test_bank_wrong_answers_fail, test_bank_right_answers_pass = bank_tests(BANK_WRONG, BANK_RIGHT)


def test_count_parameters_float_is_named():
    result = evaluate("count_parameters", lambda s: 9.0 if list(s) == [2, 3, 1] else
                      float(sum(a * b + b for a, b in zip(s[:-1], s[1:]))))
    assert result.status == "failed" and "float" in result.message and "int" in result.message


def test_sigmoid_integer_input_gives_a_float_array():
    result = evaluate("sigmoid", _sigmoid_out_like)
    assert "dtype int64" in result.message and "integer array" in result.message


_XOR = shallow.xor_weights()

XOR_BANK_WRONG = [
    ({"w1": np.zeros((2, 2)), "b1": np.zeros(2), "w2": np.zeros((2, 1)), "b2": np.zeros(1)},
     "all zeros"),
    ({**_XOR, "w1": np.eye(2), "b1": np.zeros(2)}, "hidden layer passes the inputs on"),
    ({**_XOR, "b1": -_XOR["b1"]}, "hidden biases negated"),
    ({**_XOR, "w2": -_XOR["w2"]}, "output weights negated"),
    ({k: v / 100 for k, v in _XOR.items()}, "too small to round to 0 and 1"),
    ({"w1": [[1, 1], [1, 1]], "b1": [0, 0], "w2": [[1], [1]], "b2": [0]}, "a sum of inputs"),
]

XOR_BANK_RIGHT = [
    ({k: np.asarray(v, dtype=float) * 3 for k, v in _XOR.items()}, "scaled by 3"),
    ({"w1": np.array([[10.0, -10.0], [10.0, -10.0]]), "b1": np.array([-5.0, 15.0]),
      "w2": np.array([[10.0], [10.0]]), "b2": np.array([-15.0])}, "OR and NAND, then AND"),
    (lambda: {k: np.array(v, dtype=float) for k, v in _XOR.items()}, "a function of copies"),
]


@pytest.mark.parametrize("weights, why", XOR_BANK_WRONG, ids=[w for _, w in XOR_BANK_WRONG])
def test_xor_bank_wrong(weights, why):
    result = evaluate("xor_weights", weights)
    assert result.status == "failed", (why, result.to_text())


@pytest.mark.parametrize("weights, why", XOR_BANK_RIGHT, ids=[w for _, w in XOR_BANK_RIGHT])
def test_xor_bank_right(weights, why):
    result = evaluate("xor_weights", weights)
    assert result.status == "passed", (why, result.to_text())

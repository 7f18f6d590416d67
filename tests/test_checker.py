"""The exercise machinery on every kind of answer a learner can give."""

from __future__ import annotations

import json

import numpy as np
import pytest

from course_lib import exercises
from course_lib.exercises import MIME_TYPE, CheckFailed, check, evaluate, names
from course_lib.exercises.result import result_from_bundle


def correct_relu(z):
    return np.maximum(z, 0)


def test_correct_answer_passes_and_lists_its_cases():
    result = evaluate("relu", correct_relu)
    assert result.status == "passed", result.message
    assert "large magnitudes" in result.message and "batch of one" in result.message


def test_identity_relu_names_the_wrong_entry():
    result = evaluate("relu", lambda z: z)
    assert result.status == "failed"
    assert "entry [" in result.message and "got -" in result.message
    assert "expected 0" in result.message


def test_stub_is_not_implemented_and_nothing_raises():
    def relu(z):
        # YOUR CODE HERE
        raise NotImplementedError

    result = evaluate("relu", relu)
    assert result.status == "not_implemented"
    assert "NotImplementedError" in result.message


def test_other_exception_is_an_error_naming_case_exception_and_line():
    def relu(z):
        return z.nonexistent_method()

    result = evaluate("relu", relu)
    assert result.status == "error"
    assert "On a 3x4 array of random inputs" in result.message
    assert "AttributeError" in result.message
    assert "z.nonexistent_method()" in result.message


@pytest.mark.parametrize("answer, words", [
    (lambda z: None, "None (did you forget `return`?)"),
    (lambda z: z.tolist(), "a list"),
    (lambda z: np.maximum(z, 0).ravel(), "has shape"),
    (lambda z: np.maximum(z, 0).astype(np.int64), "dtype int64"),
    (lambda z: np.where(z > 0, z, np.nan), "has nan at entry"),
    (lambda z: np.where(z > 0, z, np.inf), "has inf at entry"),
])
def test_wrong_type_shape_dtype_and_nonfinite_are_named(answer, words):
    result = evaluate("relu", answer)
    assert result.status == "failed"
    assert words in result.message


def test_answer_that_is_not_a_function():
    result = evaluate("relu", None)
    assert result.status == "failed"
    assert "should be a function" in result.message


def test_input_mutated_in_place_is_reported_with_its_name():
    def relu(z):
        z[z < 0] = 0
        return z

    result = evaluate("relu", relu)
    assert result.status == "failed"
    assert "changed its argument `z` in place" in result.message
    assert "copy" in result.hint


def test_known_mistake_gets_its_targeted_hint():
    result = evaluate("relu", lambda z: np.minimum(z, 0))
    assert result.status == "failed"
    assert "kept the negative part" in result.hint


def test_runtime_warning_fails_with_the_stability_hint():
    result = evaluate("sigmoid", lambda z: 1 / (1 + np.exp(-z)))
    assert result.status == "failed"
    assert "overflow" in result.message
    assert "exp(-|z|)" in result.hint


def test_odd_return_value_never_crashes_the_checker():
    class Weird:
        def __eq__(self, other):
            raise RuntimeError("no comparing me")

        __hash__ = None

    for answer in (lambda z: Weird(), lambda z: (x for x in z), lambda z: "relu"):
        result = evaluate("relu", answer)
        assert result.status in {"failed", "error"}


def test_unknown_exercise_name_is_a_clear_error():
    with pytest.raises(ValueError, match="registered exercise.*'rleu'"):
        evaluate("rleu", correct_relu)


def test_names_lists_the_contract_exercises_in_order():
    listed = names()
    assert listed[:2] == ["sigmoid", "relu"]
    assert len(listed) == len(set(listed))


def test_check_displays_and_returns_none(capsys, monkeypatch):
    monkeypatch.delenv("COURSE_STRICT", raising=False)
    assert check("relu", lambda z: z) is None
    assert "not yet right" in capsys.readouterr().out


def test_strict_mode_raises_on_anything_but_passed(monkeypatch):
    monkeypatch.setenv("COURSE_STRICT", "1")
    check("relu", correct_relu)  # passes: no exception
    with pytest.raises(CheckFailed, match="not yet right"):
        check("relu", lambda z: z)

    def stub(z):
        raise NotImplementedError

    with pytest.raises(CheckFailed, match="not implemented"):
        check("relu", stub)


def test_display_bundle_has_text_html_and_json():
    result = evaluate("relu", lambda z: np.minimum(z, 0))
    bundle = result._repr_mimebundle_()
    assert bundle["text/plain"].startswith("❌ relu")
    assert "course-check-failed" in bundle["text/html"]
    data = bundle[MIME_TYPE]
    assert json.loads(json.dumps(data)) == data
    assert result_from_bundle(data) == result


def test_html_escapes_learner_text():
    result = exercises.CheckResult("relu", "error", "raised <script>alert(1)</script>")
    assert "<script>" not in result.to_html()


def test_every_check_runs_in_well_under_a_second():
    import time

    for name, answer in [("relu", correct_relu), ("relu", lambda z: z)]:
        start = time.perf_counter()
        evaluate(name, answer)
        assert time.perf_counter() - start < 0.5


# ------------------------------------------------------------- kinds for every exercise
# The rule "values, not just shapes" for every registered exercise, whatever
# its class: the cases its check really runs are recorded (every call of a
# learner's answer goes through Case.fresh_args), and an answer that returns
# its first result again must fail.

#: Exercises whose answer takes no input (xor_weights: weights chosen by hand).
NO_INPUT = {"xor_weights"}


def _exercises(with_input=True):
    from course_lib.exercises import _REGISTRY
    return [e for e in _REGISTRY.values() if (e.name not in NO_INPUT) == with_input]


def _reference(exercise):
    """A right answer: the exercise's reference, or the chapter's own for train_classifier."""
    if exercise.reference is not None:
        return exercise.reference
    from tests.test_exercises_ch06 import _tc_module
    assert exercise.name == "train_classifier", f"{exercise.name} has no reference"
    return _tc_module


def _recorded_cases(exercise, monkeypatch):
    """The cases on which ``exercise``'s check calls a right answer."""
    from course_lib.exercises.probe import Case
    seen, fresh_args = [], Case.fresh_args

    def recording(case):
        seen.append(case)
        return fresh_args(case)

    monkeypatch.setattr(Case, "fresh_args", recording)
    result = evaluate(exercise.name, _reference(exercise))
    assert result.passed, result.to_text()
    return seen


def _signature(value):
    """The shape of an argument, without its values (arrays, lists, caches, numbers)."""
    if isinstance(value, np.ndarray):
        return ("array", value.shape)
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_signature(v) for v in value))
    return type(value).__name__


def _differ(a, b):
    """True when two argument tuples hold different values; a generator's value is its
    state, so default_rng(7) and default_rng(8) differ."""
    from course_lib.exercises.probe import _same
    if isinstance(a, np.random.Generator) and isinstance(b, np.random.Generator):
        return a.bit_generator.state != b.bit_generator.state
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)) and len(a) == len(b):
        return any(_differ(x, y) for x, y in zip(a, b))
    return not _same(a, b)


@pytest.mark.parametrize("exercise", _exercises(), ids=lambda e: e.name)
def test_two_cases_of_one_shape_with_different_values(exercise, monkeypatch):
    """An answer that remembers an earlier call, or ignores its input's values, fails."""
    cases = _recorded_cases(exercise, monkeypatch)
    pairs = [
        (a.label, b.label) for i, a in enumerate(cases) for b in cases[i + 1:]
        if _signature(a.args) == _signature(b.args) and _differ(a.args, b.args)
    ]
    assert pairs, f"{exercise.name}: no two cases of one shape with different values"


def test_only_the_exercises_without_input_are_left_out():
    from course_lib.exercises import _REGISTRY
    assert NO_INPUT <= set(_REGISTRY)
    for name in NO_INPUT:
        assert _REGISTRY[name].reference is None


def _remembering(reference):
    """An answer right on the first call that returns that first result forever after."""
    memory = []

    def answer(*args, **kwargs):
        if not memory:
            memory.append(reference(*args, **kwargs))
        return memory[0]
    return answer


@pytest.mark.parametrize("exercise", _exercises(), ids=lambda e: e.name)
def test_an_answer_that_remembers_its_first_result_fails(exercise):
    result = evaluate(exercise.name, _remembering(_reference(exercise)))
    assert result.status == "failed", result.to_text()


# ------------------------------------------------------------- new arrays in every branch

def _fresh_exercises():
    from course_lib.exercises.spec import FunctionExercise
    return [e for e in _exercises() if isinstance(e, FunctionExercise)
            and e.fresh_outputs is not None]


def _shortcut(reference):
    """The right values, but wherever a result equals an input array, that input itself:
    the "nothing to change" shortcut (return w when grad is 0, the gradients when their
    norm is below the limit, beta for a batch of one)."""
    from course_lib.exercises.probe import _arrays_in

    def answer(*args, **kwargs):
        inputs = _arrays_in(list(args)) + _arrays_in(kwargs)

        def swap(value):
            if isinstance(value, np.ndarray):
                same = [a.reshape(value.shape) for a in inputs  # the input, or a view of it
                        if a.size == value.size and a.dtype == value.dtype
                        and np.array_equal(a.reshape(value.shape), value)]
                return same[0] if same else value
            if isinstance(value, tuple) and hasattr(value, "_fields"):
                return value  # a cache: only the results proper must be new
            if isinstance(value, (list, tuple)):
                return type(value)(swap(v) for v in value)
            return value
        return swap(reference(*args, **kwargs))
    return answer


#: Exercises asking for new arrays whose results never equal an input (no
#: "nothing to change" branch): layer normalization mixes x, gamma and beta in
#: every entry of out, whatever the input.
NO_SHORTCUT = {"layernorm_forward"}


@pytest.mark.parametrize("exercise", [e for e in _fresh_exercises() if e.name not in NO_SHORTCUT],
                         ids=lambda e: e.name)
def test_a_nothing_to_change_shortcut_returning_an_input_fails(exercise):
    """Where the task asks for new arrays, a check has a case in which the result
    equals an input, and returning that input fails there."""
    result = evaluate(exercise.name, _shortcut(exercise.reference))
    assert result.status == "failed" and "shares memory" in result.message, result.to_text()


def test_the_exercises_asking_for_new_arrays_check_them():
    asked = {"relu", "relu_backward", "sigmoid_backward", "gd_step", "momentum_step", "adam_step",
             "clip_grad_norm", "batchnorm_backward", "batchnorm_forward", "layernorm_forward"}
    assert asked <= {e.name for e in _fresh_exercises()}


# ------------------------------------------------------------- hints that name the real bug

def _mistake_exercises():
    from course_lib.exercises.spec import FunctionExercise
    return [e for e in _exercises(with_input=True) + _exercises(with_input=False)
            if isinstance(e, FunctionExercise) and e.mistakes]


#: Listed mistakes whose code raises (or warns) on one of the cases before any
#: output can be compared: the check reports the exception with a hint that names
#: the same bug (the words given), not the mistake's own hint.
RAISES_FIRST = {
    ("adam_step", "gradient not squared in v"): "*squared* gradient",
    ("neuron", "shapes transposed"): "shapes do not line up",
    ("linear_forward", "w.T @ x.T"): "transpose",
    ("accuracy", "logits compared with labels"): "one score per class",
    ("accuracy", "argmax over the examples"): "one score per class",
}


@pytest.mark.parametrize("exercise", _mistake_exercises(), ids=lambda e: e.name)
def test_every_listed_mistake_gets_its_own_hint(exercise):
    """Each listed mistake, given to the check as the learner's answer, fails with its
    own hint (or, where it raises first, a hint naming the same bug)."""
    wrong = []
    for mistake in exercise.mistakes:
        result = evaluate(exercise.name, mistake.answer)
        words = RAISES_FIRST.get((exercise.name, mistake.label))
        named = (words in result.hint) if words else result.hint == mistake.hint
        if result.status not in {"failed", "error"} or not named:
            wrong.append((mistake.label, result.status, result.hint[:80]))
    assert not wrong, wrong

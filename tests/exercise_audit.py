"""The audit of the exercise checks: every exercise against every kind of issue 20.

For each registered exercise and each kind of mistake learners really make
(``KINDS``), the tests that cover it, or ``n/a`` with the reason. The generic
columns are computed from the checks themselves (which exercises take input,
which ask for new arrays, which list known mistakes); the rest is ``COVERAGE``,
written by hand and checked by ``tests/test_exercise_audit.py``: every cited
test exists, every cited bank answer is in its chapter's bank, and every cell
is filled. ``python -m tests.exercise_audit`` prints the table kept in
``tests/README.md`` (the test fails when that copy is stale).

A reference is one of:

- ``chNN:test_name``, a test function of ``tests/test_exercises_chNN.py``;
- ``bank:why``, the bank answer of that chapter whose ``why`` is given;
- ``checker:test_name``, a test of ``tests/test_checker.py`` run for this
  exercise (a parameter of the test);
- ``NA("reason")``: the kind does not apply, and why.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

#: The kinds of issue 20, in its order: (key, column title).
KINDS = (
    ("values", "values, not shapes"),
    ("new", "new arrays"),
    ("dtypes", "dtypes, integer input"),
    ("branches", "every branch of the statement"),
    ("hardcoding", "no hard-coding"),
    ("hints", "hints name the real bug"),
)

#: The bank answers that test a generic kind (values, new arrays, dtypes)
#: rather than a mistake of the exercise itself; the bank count leaves them out.
GENERIC_KINDS = ("values", "new", "dtypes")


@dataclass(frozen=True)
class NA:
    """A kind that does not apply to an exercise, and why."""

    reason: str


_NO_NEW = NA("not asked: the result is computed (never an input), and the statement does "
             "not ask for a new array")
_FLOAT_ONLY = NA("the statement allows no integer input and names no dtype; the cases are "
                 "float, and an integer result is refused (compare_arrays names its dtype)")

#: The hand-written cells, by exercise and kind (the generic ones are added).
COVERAGE: dict[str, dict[str, list | NA]] = {
    # ---------------------------------------------------------------- chapter 1
    "sigmoid": {
        "values": ["bank:remembers per shape", "bank:ignores the values"],
        "new": NA("not asked (the statement asks for an array of z's shape), and no case's "
                  "result equals z"),
        "dtypes": ["ch01:test_sigmoid_integer_input_gives_a_float_array",
                   "bank:int output for int input"],
        "branches": ["ch01:test_sigmoid_naive_overflow_is_caught_with_the_stable_recipe",
                     "ch01:test_sigmoid_where_with_unsafe_branches_is_caught",
                     "ch01:test_sigmoid_nan_for_large_positive_is_caught"],
        "hardcoding": ["bank:the first entry everywhere", "bank:linear approximation"],
        "hints": ["ch01:test_sigmoid_known_mistakes",
                  "ch01:test_sigmoid_math_exp_and_if_get_targeted_hints"],
    },
    "relu": {
        "values": ["bank:remembers the first result"],
        "new": ["ch01:test_relu_in_place_is_caught",
                "bank:returns z itself when nothing is negative"],
        "dtypes": ["ch01:test_relu_integer_result_is_explained", "bank:truncates to ints"],
        "branches": ["ch01:test_relu_known_mistakes", "bank:leaky relu", "bank:leaky floor"],
        "hardcoding": ["bank:reversed"],
        "hints": ["ch01:test_relu_known_mistakes",
                  "ch01:test_relu_python_max_gets_a_targeted_hint"],
    },
    "neuron": {
        "values": ["bank:remembers the first result"],
        "new": _NO_NEW,
        "dtypes": ["bank:float16"],
        "branches": NA("one formula, sigmoid(x @ w + b), with no branch"),
        "hardcoding": ["bank:only the first example", "bank:bias times D"],
        "hints": ["ch01:test_neuron_known_mistakes",
                  "ch01:test_neuron_transposed_shapes_are_explained",
                  "ch01:test_neuron_blames_an_unfinished_sigmoid"],
    },
    "xor_weights": {
        "values": NA("its answer takes no input: weights chosen by hand"),
        "new": NA("its answer takes no input"),
        "dtypes": ["bank:integer arrays", "ch01:test_xor_wrong_shapes"],
        "branches": ["bank:b2 positive: always 1", "bank:AND and not OR: always 0"],
        "hardcoding": NA("hard-coded weights are the answer; the check runs them on all "
                         "four inputs"),
        "hints": ["ch01:test_xor_wrong_functions_are_named",
                  "ch01:test_xor_small_weights_hint_does_not_blame_the_signs",
                  "ch01:test_xor_transposed_w1_is_recognised"],
    },
    "count_parameters": {
        "values": [],
        "new": NA("the result is an int"),
        "dtypes": ["ch01:test_count_parameters_float_is_named", "bank:a float count",
                   "bank:np.float64 count"],
        "branches": ["ch01:test_count_parameters_generic_failures",
                     "bank:one bias per layer"],
        "hardcoding": ["bank:hard-coded 13", "bank:first times last"],
        "hints": ["ch01:test_count_parameters_known_mistakes",
                  "ch01:test_count_parameters_index_error_says_one_step_too_far",
                  "ch01:test_count_parameters_ambiguous_first_case_picks_the_right_hint"],
    },
    # ---------------------------------------------------------------- chapter 2
    "linear_forward": {
        "values": ["bank:remembers per shape"],
        "new": NA("not asked: out is computed; the cache is stated to hold the inputs "
                  "themselves"),
        "dtypes": _FLOAT_ONLY,
        "branches": ["ch02:test_wrong_answers_are_explained", "bank:cache without b"],
        "hardcoding": ["bank:first bias for all", "bank:bias on the first row only"],
        "hints": ["ch02:test_mistake_hints_are_specific",
                  "ch02:test_review_mistakes_are_explained"],
    },
    "softmax": {
        "values": ["bank:remembers per shape"],
        "new": _NO_NEW,
        "dtypes": _FLOAT_ONLY,
        "branches": ["ch02:test_softmax_cases_include_a_row_wider_than_exp_can_take",
                     "bank:normalises columns"],
        "hardcoding": ["bank:uniform", "bank:temperature 2"],
        "hints": ["ch02:test_mistake_hints_are_specific",
                  "ch02:test_wrong_answers_are_explained"],
    },
    "cross_entropy": {
        "values": ["bank:remembers per shape"],
        "new": NA("the result is a float"),
        "dtypes": NA("labels are integers by the statement; the result is a float, "
                     "checked as a number"),
        "branches": ["ch02:test_wrong_answers_are_explained", "bank:median, not mean"],
        "hardcoding": ["bank:label 0 for all", "bank:log C always"],
        "hints": ["ch02:test_mistake_hints_are_specific",
                  "ch02:test_review_mistakes_are_explained"],
    },
    "mlp_forward": {
        "values": ["bank:remembers per shape"],
        "new": _NO_NEW,
        "dtypes": _FLOAT_ONLY,
        "branches": ["bank:stops after one layer when deep", "bank:relu on the output",
                     "ch02:test_wrong_answers_are_explained"],
        "hardcoding": ["bank:biases zeroed", "bank:abs of the input"],
        "hints": ["ch02:test_mistake_hints_are_specific",
                  "ch02:test_review_mistakes_are_explained"],
    },
    "he_init": {
        "values": ["bank:ignores rng"],
        "new": NA("the weights are drawn, never an input"),
        "dtypes": ["ch02:test_wrong_answers_are_explained"],
        "branches": ["bank:ignores rng", "ch02:test_wrong_answers_are_explained"],
        "hardcoding": ["bank:ignores rng", "bank:positive only"],
        "hints": ["ch02:test_wrong_answers_are_explained", "bank:xavier", "bank:fan_out"],
    },
    # ---------------------------------------------------------------- chapter 3
    "numerical_gradient": {
        "values": [],
        "new": NA("the gradient is built entry by entry, never an input"),
        "dtypes": ["ch03:test_wrong_types_shapes_dtypes_and_nans_are_named"],
        "branches": ["ch03:test_numerical_gradient_recognises_mistakes", "bank:h ignored, 1e-2"],
        "hardcoding": ["bank:gradient of sum(x**2) always", "bank:moves every entry at once"],
        "hints": ["ch03:test_numerical_gradient_recognises_mistakes",
                  "ch03:test_numerical_gradient_mutation_hint_says_how_to_restore",
                  "ch03:test_numerical_gradient_walkthrough_mistakes"],
    },
    "relu_backward": {
        "values": ["bank:remembers per shape"],
        "new": ["ch03:test_relu_backward_shortcut_returning_dout_is_named",
                "bank:returns dout itself when all positive", "bank:writes into a view of dout"],
        "dtypes": ["ch03:test_wrong_types_shapes_dtypes_and_nans_are_named"],
        "branches": ["ch03:test_relu_backward_recognises_mistakes", "bank:sign, not step"],
        "hardcoding": ["bank:scaled by 0.99", "bank:relu of dout"],
        "hints": ["ch03:test_relu_backward_recognises_mistakes",
                  "ch03:test_relu_backward_walkthrough_mistakes"],
    },
    "linear_backward": {
        "values": ["bank:remembers per shape"],
        "new": _NO_NEW,
        "dtypes": _FLOAT_ONLY,
        "branches": ["ch03:test_linear_backward_names_the_transpose_on_a_non_square_layer",
                     "bank:db is a mean", "bank:dw divided by N"],
        "hardcoding": ["bank:db first row", "bank:dx zero"],
        "hints": ["ch03:test_linear_backward_recognises_mistakes",
                  "ch03:test_linear_backward_mutating_dout_is_reported",
                  "ch03:test_linear_backward_walkthrough_mistakes"],
    },
    "softmax_cross_entropy": {
        "values": ["bank:remembers per shape"],
        "new": _NO_NEW,
        "dtypes": _FLOAT_ONLY,
        "branches": ["ch03:test_softmax_cross_entropy_recognises_mistakes",
                     "bank:gradient for label 0"],
        "hardcoding": ["bank:gradient doubled", "bank:loss in bits"],
        "hints": ["ch03:test_softmax_cross_entropy_recognises_mistakes",
                  "ch03:test_softmax_cross_entropy_walkthrough_mistakes"],
    },
    "mlp_loss_and_grads": {
        "values": ["bank:remembers per shape"],
        "new": _NO_NEW,
        "dtypes": _FLOAT_ONLY,
        "branches": ["ch03:test_mlp_dx_not_passed_back_is_explained",
                     "ch03:test_mlp_reverse_order_hint_on_a_square_free_network",
                     "bank:first layer only"],
        "hardcoding": ["bank:no bias gradients", "bank:loss doubled"],
        "hints": ["ch03:test_mlp_loss_and_grads_recognises_mistakes",
                  "ch03:test_mlp_dx_not_passed_back_is_explained"],
    },
    "sigmoid_backward": {
        "values": ["bank:the mean slope of the batch"],
        "new": ["bank:slope computed in the cache's array"],
        "dtypes": ["ch03:test_sigmoid_backward_integer_dout_must_give_floats",
                   "bank:rounded to 4 decimals"],
        "branches": ["ch03:test_sigmoid_backward_recognises_mistakes"],
        "hardcoding": ["bank:slope summed over the batch",
                       "bank:sigmoid of the output, clipped"],
        "hints": ["ch03:test_sigmoid_backward_hint_names_the_mistake_not_just_the_formula",
                  "ch03:test_sigmoid_backward_recognises_mistakes"],
    },
    # ---------------------------------------------------------------- chapter 4
    "gd_step": {
        "values": ["bank:remembers per shape"],
        "new": ["ch04:test_gd_step_returning_w_itself_is_named",
                "bank:returns w itself when nothing moves"],
        "dtypes": _FLOAT_ONLY,
        "branches": ["ch04:test_gd_step_rejects_wrong", "bank:lr capped"],
        "hardcoding": ["bank:sign of the gradient", "bank:normalised"],
        "hints": ["ch04:test_gd_step_rejects_wrong"],
    },
    "momentum_step": {
        "values": ["bank:remembers per shape",
                   "ch04:test_momentum_stateful_answer_is_caught_over_many_steps"],
        "new": ["bank:returns its inputs when nothing moves"],
        "dtypes": _FLOAT_ONLY,
        "branches": ["ch04:test_momentum_lr_inside_names_the_book_convention",
                     "bank:beta fixed at 0.9"],
        "hardcoding": ["bank:EMA velocity", "bank:mixed"],
        "hints": ["ch04:test_momentum_step_rejects_wrong",
                  "ch04:test_momentum_walkthrough_mistakes"],
    },
    "adam_step": {
        "values": ["bank:remembers per shape"],
        "new": ["bank:returns its inputs when nothing moves"],
        "dtypes": _FLOAT_ONLY,
        "branches": ["ch04:test_adam_update_counts_t_from_one", "bank:keyword betas ignored",
                     "bank:t fixed at 1"],
        "hardcoding": ["bank:eps fixed at 1e-3", "bank:t fixed at 1"],
        "hints": ["ch04:test_adam_step_rejects_wrong", "ch04:test_adam_walkthrough_mistakes"],
    },
    "minibatches": {
        "values": ["bank:the first batch every time"],
        "new": NA("not asked: batches are rows of x and y chosen by index"),
        "dtypes": ["ch04:test_minibatches_float_labels_are_named", "bank:labels become floats",
                   "bank:labels rebuilt as floats"],
        "branches": ["ch04:test_minibatches_rejects_wrong", "bank:draws with replacement",
                     "bank:own generator"],
        "hardcoding": ["bank:own generator", "bank:the first batch every time"],
        "hints": ["ch04:test_minibatches_rejects_wrong",
                  "ch04:test_minibatches_walkthrough_mistakes"],
    },
    # ---------------------------------------------------------------- chapter 5
    "l2_penalty": {
        "values": ["bank:first gradient repeated"],
        "new": _NO_NEW,
        "dtypes": _FLOAT_ONLY,
        "branches": ["ch05:test_l2_rejects_mistakes", "bank:first layer's penalty only"],
        "hardcoding": ["bank:lam fixed at 0.1", "bank:rows reversed"],
        "hints": ["ch05:test_l2_rejects_mistakes",
                  "ch05:test_l2_python_sum_over_rows_gets_the_np_sum_hint",
                  "ch05:test_l2_single_array_is_an_error_with_list_hint"],
    },
    "dropout_forward": {
        "values": ["bank:a reversed draw"],
        "new": _NO_NEW,
        "dtypes": ["ch05:test_dropout_forward_integer_x_gives_floats"],
        "branches": ["ch05:test_dropout_forward_eval_cache_none",
                     "ch05:test_dropout_forward_eval_mask_not_none",
                     "ch05:test_dropout_fixed_count_is_named",
                     "bank:evaluation cache without p", "bank:own generator"],
        "hardcoding": ["bank:p ignored in the mask", "bank:a fixed number of entries kept"],
        "hints": ["ch05:test_dropout_forward_rejects_mistakes",
                  "ch05:test_dropout_forward_unscaled_mask_in_cache"],
    },
    "dropout_backward": {
        "values": ["bank:zero gradient"],
        "new": _NO_NEW,
        "dtypes": _FLOAT_ONLY,
        "branches": ["ch05:test_dropout_backward_none_mask_not_handled",
                     "ch05:test_review_truth_value_of_mask_gets_is_none_hint"],
        "hardcoding": ["bank:returns the mask", "bank:rescaled back"],
        "hints": ["ch05:test_dropout_backward_rejects_mistakes",
                  "ch05:test_dropout_backward_divides_by_mask"],
    },
    "early_stopping_epoch": {
        "values": [],
        "new": NA("the result is an int"),
        "dtypes": ["bank:float32 comparison"],
        "branches": ["ch05:test_early_stopping_min_delta_fails_on_tiny_improvements",
                     "ch05:test_early_epoch_zero_compared_with_itself", "bank:ties improve",
                     "bank:min_delta 1e-6"],
        "hardcoding": ["bank:best of all, ignoring patience", "bank:rounded comparison"],
        "hints": ["ch05:test_early_rejects_mistakes", "ch05:test_review_mistakes_are_named"],
    },
    # ---------------------------------------------------------------- chapter 6
    "accuracy": {
        "values": ["bank:remembers per shape"],
        "new": NA("the result is a float"),
        "dtypes": ["bank:rounded"],
        "branches": ["ch06:test_accuracy_argmax_axis0_on_square_case_is_named"],
        "hardcoding": ["bank:first five examples", "bank:labels sorted"],
        "hints": ["ch06:test_accuracy_rejects",
                  "ch06:test_review_flat_argmax_and_count_keep_their_hints"],
    },
    "confusion_matrix": {
        "values": ["bank:first 50 examples"],
        "new": NA("the matrix is built from zeros, never an input"),
        "dtypes": ["ch06:test_confusion_matrix_small_dtype_is_named", "bank:uint8 counts",
                   "bank:int16 counts", "bank:uint16 counts"],
        "branches": ["ch06:test_confusion_matrix_rejects"],
        "hardcoding": ["bank:saturating counts", "bank:first 50 examples"],
        "hints": ["ch06:test_confusion_matrix_rejects",
                  "ch06:test_confusion_matrix_small_dtype_is_named"],
    },
    "train_classifier": {
        "values": ["bank:keeps the first model", "bank:ignores train_set, trains on all of "
                   "load_digits"],
        "new": NA("the result is a trained model"),
        "dtypes": ["bank:accuracy by integer division", "bank:labels cast to float for the loss"],
        "branches": ["ch06:test_train_classifier_rejects", "bank:own fixed generator",
                     "bank:np.random.seed global state",
                     "bank:np.random.permutation: same rng, other model"],
        "hardcoding": ["ch06:test_train_classifier_never_passes_the_held_out_digits",
                       "bank:ignores train_set, trains on all of load_digits"],
        "hints": ["ch06:test_train_classifier_tests_reproducibility_before_accuracy",
                  "ch06:test_train_classifier_own_generator_is_named",
                  "ch06:test_train_classifier_reports_the_shortfall"],
    },
    # ---------------------------------------------------------------- chapter 7
    "clip_grad_norm": {
        "values": ["bank:remembers per shapes"],
        "new": ["ch07:test_clip_in_place_is_a_mutation", "bank:np.asarray as the copy"],
        "dtypes": ["bank:integer arrays truncated", "bank:total_norm truncated to an int"],
        "branches": ["ch07:test_clip_divides_by_zero_norm", "ch07:test_clip_rejects_mistakes"],
        "hardcoding": ["ch07:test_hard_coded_answers_fail", "bank:norm of the first array only"],
        "hints": ["ch07:test_clip_rejects_mistakes"],
    },
    "batchnorm_forward": {
        "values": [],
        "new": ["ch07:test_batchnorm_forward_returns_a_view"],
        "dtypes": ["ch07:test_batchnorm_forward_integer_output_for_integer_input",
                   "ch07:test_batchnorm_forward_in_place_and_integer_input",
                   "bank:float32 arithmetic"],
        "branches": ["ch07:test_batchnorm_forward_whole_array_statistics",
                     "ch07:test_batchnorm_forward_cache_missing",
                     "bank:variance without eps cached"],
        "hardcoding": ["ch07:test_hard_coded_answers_fail", "bank:centred on the median"],
        "hints": ["ch07:test_batchnorm_forward_rejects_mistakes", "bank:beta in the cache"],
    },
    "batchnorm_backward": {
        "values": [],
        "new": ["ch07:test_batchnorm_backward_mutation"],
        "dtypes": _FLOAT_ONLY,
        "branches": ["ch07:test_batchnorm_backward_gradient_check_catches_what_the_cases_miss",
                     "bank:dbeta summed over the features"],
        "hardcoding": ["bank:dx divided by N again", "bank:divided by the variance"],
        "hints": ["ch07:test_batchnorm_backward_rejects_mistakes"],
    },
    "layernorm_forward": {
        "values": [],
        "new": NA("asked, but out mixes x, gamma and beta in every entry, so no branch can "
                  "return an input (test_checker.NO_SHORTCUT); in-place work is caught as a "
                  "mutation"),
        "dtypes": ["ch07:test_layernorm_forward_integer_output_for_integer_input",
                   "bank:x cast to int"],
        "branches": ["ch07:test_layernorm_cache_std_needs_a_column",
                     "bank:std without eps cached", "bank:variance over the batch"],
        "hardcoding": ["bank:min-max scaling", "bank:variance cached as std"],
        "hints": ["ch07:test_layernorm_forward_rejects_mistakes",
                  "ch07:test_layernorm_forward_without_keepdims_is_an_error_with_hint"],
    },
}


def generic(name: str) -> dict[str, list[str]]:
    """The cells filled by the generic tests of ``tests/test_checker.py`` for ``name``."""
    from tests import test_checker as tc

    cells: dict[str, list[str]] = {key: [] for key, _ in KINDS}
    with_input = {e.name for e in tc._exercises()}
    if name in with_input:
        cells["values"] += ["checker:test_two_cases_of_one_shape_with_different_values",
                            "checker:test_an_answer_that_remembers_its_first_result_fails"]
        cells["hardcoding"].append("checker:test_an_answer_that_remembers_its_first_result_fails")
    if name in {e.name for e in tc._fresh_exercises()} - tc.NO_SHORTCUT:
        cells["new"].append("checker:test_a_nothing_to_change_shortcut_returning_an_input_fails")
    if name in {e.name for e in tc._mistake_exercises()}:
        cells["hints"].append("checker:test_every_listed_mistake_gets_its_own_hint")
    return cells


def cells(name: str) -> dict[str, list[str] | NA]:
    """Every cell of ``name``'s row: the generic tests and the hand-written ones."""
    row: dict[str, list[str] | NA] = {}
    auto = generic(name)
    for key, _ in KINDS:
        written = COVERAGE[name][key]
        row[key] = written if isinstance(written, NA) else [*auto[key], *written]
    return row


def chapter_module(chapter: int):
    return importlib.import_module(f"tests.test_exercises_ch{chapter:02d}")


def _short(ref: str) -> str:
    kind, _, what = ref.partition(":")
    if kind == "bank":
        return f"bank “{what}”"
    if kind == "checker":
        return f"test_checker::{what}"
    return f"{kind}::{what}"


def table() -> str:
    """The audit as a markdown table, one row per exercise."""
    from course_lib.exercises import _REGISTRY

    head = "| exercise | " + " | ".join(title for _, title in KINDS) + " |"
    lines = [head, "|" + "---|" * (len(KINDS) + 1)]
    for name, exercise in _REGISTRY.items():
        row = cells(name)
        shown = []
        for key, _ in KINDS:
            cell = row[key]
            shown.append(f"n/a: {cell.reason}" if isinstance(cell, NA)
                         else "<br>".join(_short(ref) for ref in cell))
        lines.append(f"| `{name}` (ch. {exercise.chapter}) | " + " | ".join(shown) + " |")
    return "\n".join(lines) + "\n"


BEGIN, END = "<!-- audit table: begin -->", "<!-- audit table: end -->"

if __name__ == "__main__":
    print(table(), end="")

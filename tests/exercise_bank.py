"""The two tests every chapter's bank of learner answers gets.

A bank is a list of ``(exercise name, answer, why)``: ``why`` says, in a few
words, what the learner wrote, and becomes the test id and the failure note.

    test_bank_wrong_answers_fail, test_bank_right_answers_pass = bank_tests(
        BANK_WRONG, BANK_RIGHT)
"""

from __future__ import annotations

import pytest

from course_lib.exercises import evaluate


def bank_tests(wrong: list[tuple], right: list[tuple]):
    """Tests that every answer of ``wrong`` fails and every one of ``right`` passes."""

    @pytest.mark.parametrize("name, answer, why", wrong, ids=[w for _, _, w in wrong])
    def test_bank_wrong_answers_fail(name, answer, why):
        result = evaluate(name, answer)
        assert result.status == "failed", (why, result.to_text())

    @pytest.mark.parametrize("name, answer, why", right, ids=[w for _, _, w in right])
    def test_bank_right_answers_pass(name, answer, why):
        result = evaluate(name, answer)
        assert result.status == "passed", (why, result.to_text())

    return test_bank_wrong_answers_fail, test_bank_right_answers_pass

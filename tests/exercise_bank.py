"""The two tests every chapter's bank of learner answers gets.

A bank is a list of ``(exercise name, answer, why)``: ``why`` says, in a few
words, what the learner wrote, and becomes the test id and the failure note.
A wrong answer may add a fourth item, words the result must contain (the
message or the hint naming the real bug).

    test_bank_wrong_answers_fail, test_bank_right_answers_pass = bank_tests(
        BANK_WRONG, BANK_RIGHT)
"""

from __future__ import annotations

import pytest

from course_lib.exercises import evaluate


def bank_tests(wrong: list[tuple], right: list[tuple]):
    """Tests that every answer of ``wrong`` fails and every one of ``right`` passes."""

    wrong = [(*entry, ()) if len(entry) == 3 else entry for entry in wrong]

    @pytest.mark.parametrize("name, answer, why, words", wrong,
                             ids=[entry[2] for entry in wrong])
    def test_bank_wrong_answers_fail(name, answer, why, words):
        result = evaluate(name, answer)
        assert result.status == "failed", (why, result.to_text())
        for word in words:
            assert word in result.to_text(), (why, word, result.to_text())

    @pytest.mark.parametrize("name, answer, why", right, ids=[w for _, _, w in right])
    def test_bank_right_answers_pass(name, answer, why):
        result = evaluate(name, answer)
        assert result.status == "passed", (why, result.to_text())

    return test_bank_wrong_answers_fail, test_bank_right_answers_pass

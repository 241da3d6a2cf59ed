"""Exercises that check themselves: each kind of mistake gets its own message."""

import numpy as np
import pytest

from flux_widgets.exercises import Exercise, Feedback, compare

EXPECTED = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.5]])


def test_a_right_answer_passes_within_tolerance():
    assert compare(EXPECTED + 1e-12, EXPECTED)
    assert compare([[1, 2, 3], [4, 5, 6.5]], EXPECTED).message.endswith("is right")
    assert compare(2, 2.0) and compare(np.array([[0.5]]), 0.5)


@pytest.mark.parametrize("answer, words", [
    (None, "no answer yet"),
    ("abc", "not the text 'abc'"),
    ([[1, 2], [3]], "not a table of numbers"),
    (np.array([[True, False, True], [True, True, True]]), "real numbers"),
    (EXPECTED.T, "the transpose of the right answer"),
    (EXPECTED[:, :2], "wrong shape: 2 x 2, expected 2 x 3"),
    (np.where(EXPECTED >= 5, np.nan, EXPECTED), "nan or inf at [1, 1], [1, 2]"),
    (-EXPECTED, "wrong sign everywhere"),
    (EXPECTED / 2, "times 0.5: a constant factor"),
])
def test_each_mistake_gets_its_own_message(answer, words):
    feedback = compare(answer, EXPECTED, name="Y")
    assert not feedback and words in feedback.message, feedback.message


def test_entries_that_are_off_are_listed_with_by_how_much():
    answer = EXPECTED.copy()
    answer[1, 2] = 6.0
    feedback = compare(answer, EXPECTED, name="Y", hint="look at the last column")
    assert not feedback
    assert "1 of 6 entries are off" in feedback.message
    assert "Y[1, 2] = 6, expected 6.5 (off by -0.5)" in feedback.message
    assert feedback.message.endswith("Hint: look at the last column")
    many = compare(np.arange(20.0) ** 2, np.arange(20.0), name="v")
    assert "18 of 20 entries are off" in many.message and "… and 13 more" in many.message


def test_feedback_shows_as_a_coloured_line():
    good, bad = Feedback(True, "ok"), Feedback(False, "a < b\nsecond")
    assert repr(good) == "✓ ok" and "#2f855a" in good._repr_html_()
    assert "a &lt; b<br>second" in bad._repr_html_()


def test_an_exercise_hides_its_solution_until_asked():
    exercise = Exercise("dC/dw", EXPECTED, hint="x transposed times dC/da",
                        solution="layer.input_matrix.T @ layer.dC_da_matrix")
    assert "x transposed" in exercise.check(EXPECTED * 0).message
    assert exercise.check(EXPECTED)
    assert "input_matrix.T" not in repr(exercise.__dict__.get("hint"))
    assert exercise.solution() == "layer.input_matrix.T @ layer.dC_da_matrix"
    assert "<pre" in exercise.solution()._repr_html_()


def test_a_function_is_checked_case_by_case_and_its_errors_reported():
    exercise = Exercise("sigmoid", lambda a: 1 / (1 + np.exp(-a)), hint="1 / (1 + e^-a)",
                        solution="def sigmoid(a): return 1 / (1 + np.exp(-a))")
    cases = [(0.0,), (np.array([-2.0, 3.0]),)]
    assert exercise.check_function(lambda a: 1 / (1 + np.exp(-a)), cases)
    wrong = exercise.check_function(lambda a: np.exp(-a), cases)
    assert not wrong and "(for 0)" in wrong.message
    crash = exercise.check_function(lambda a: a.undefined, cases)
    assert "raised AttributeError" in crash.message
    assert "expected a function" in exercise.check_function(3, cases).message
    assert "no answer yet" in exercise.check_function(None, cases).message
    ragged = Exercise("sum of sizes", lambda matrices: sum(m.size for m in matrices),
                      hint="", solution="")
    case = ([np.ones((2, 3)), np.ones(4)],)
    assert ragged.check_function(lambda matrices: 10, [case])
    assert "(for a list of 2)" in ragged.check_function(lambda matrices: 9, [case]).message

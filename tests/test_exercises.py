"""Exercises that check themselves: the real mistake named, facts otherwise, copies refused."""

import numpy as np
import pytest

import flux_widgets as fw
from flux_widgets.errors import ConfigurationError
from flux_widgets.exercises import Choice, Exercise, Feedback, Mistake, compare
from flux_widgets.exercises.cases import random_network, twin, wiped

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
    (abs, "it is a function"),
    (EXPECTED.T, "the transpose of the right answer"),
    (EXPECTED[:, :2], "wrong shape: 2 x 2, expected 2 x 3"),
    (np.where(EXPECTED >= 5, np.nan, EXPECTED), "nan or inf at [1, 1], [1, 2]"),
    (-EXPECTED, "every entry has the right size but the opposite sign"),
    (EXPECTED / 2, "every entry is the right one times 0.5: a constant factor"),
])
def test_a_matrix_answer_gets_the_fact_that_holds_for_it(answer, words):
    feedback = compare(answer, EXPECTED, name="Y")
    assert not feedback and words in feedback.message, feedback.message


def test_a_square_matrix_that_is_the_transpose_is_told_so():
    square = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert "transpose" in compare(square.T, square).message
    symmetric = np.array([[1.0, 2.0], [2.0, 1.0]])
    assert "transpose" not in compare(symmetric * 3, symmetric).message


@pytest.mark.parametrize("answer, right", [(81, 68), (0, 2), (12, 15), (0.5833, 0.58331234),
                                           (-3, 3), (2, 1), (1e-3, 1e-6)])
def test_a_single_number_never_gets_a_constant_factor_or_sign_diagnosis(answer, right):
    message = compare(answer, right, name="x").message
    assert "constant factor" not in message and "sign" not in message
    assert "times" not in message


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


def test_without_reveal_the_right_value_is_not_printed():
    message = compare(81, 68, name="count", reveal=False).message
    assert message == "count = 81, too large by 19%" and "68" not in message
    assert "too small by 20%" in compare(12, 15, reveal=False).message
    assert "the right value is 0" in compare(0.5, 0, reveal=False).message


def test_feedback_shows_as_a_coloured_line():
    good, bad = Feedback(True, "ok"), Feedback(False, "a < b\nsecond")
    assert repr(good) == "✓ ok" and "#2f855a" in good._repr_html_()
    assert "a &lt; b<br>second" in bad._repr_html_()


# ---- value exercises -------------------------------------------------------

def value_exercise():
    x = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]])
    D = np.array([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]])
    return Exercise("2. xᵀ · D", x.T @ D, hint="transpose x first",
                    solution="answer = x.T @ D",
                    mistakes=[Mistake("you computed Dᵀ · x, the transpose", D.T @ x),
                              Mistake("you multiplied entry by entry", x * D)])


def test_a_value_exercise_names_a_known_mistake_only_when_the_answer_matches_it():
    exercise = value_exercise()
    x = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]])
    D = np.array([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]])
    assert exercise.check(x.T @ D)
    assert exercise.check(D.T @ x).message == "2. xᵀ · D: you computed Dᵀ · x, the transpose"
    assert exercise.check(x * D).message == "2. xᵀ · D: you multiplied entry by entry"
    other = exercise.check(x.T @ D + [[0, 0], [0, 1]])
    assert "1 of 4 entries are off" in other.message and "Hint: transpose x first" in other.message
    assert "multiplied" not in other.message


def test_a_value_exercise_keeps_a_copy_of_its_answer():
    right = np.array([1.0, 2.0])
    exercise = Exercise("1. t", right, hint="", solution="")
    right[0] = 5.0
    assert exercise.check([1.0, 2.0]) and not exercise.check(right)


def test_an_exercise_hides_its_solution_until_asked():
    exercise = value_exercise()
    assert exercise.solution() == "answer = x.T @ D"
    assert "<pre" in exercise.solution()._repr_html_()
    assert "x.T @ D" not in repr(exercise)


# ---- function exercises ----------------------------------------------------

def cost_cases(rng):
    return [(rng.random((N, k)), rng.random((N, k))) for N, k in ((4, 1), (5, 3), (2, 2))]


def cost_exercise(**extra):
    return Exercise("3. cost", lambda y, t: ((y - t) ** 2).sum() / len(y), cases=cost_cases,
                    function_name="cost_of", hint="divide by N", solution="def cost_of(y, t): …",
                    mistakes=[Mistake("you took the mean over every entry (N·k): the seed "
                                      "divides by N only", lambda y, t: np.mean((y - t) ** 2)),
                              Mistake("you left out the square",
                                      lambda y, t: (y - t).sum() / len(y))],
                    **extra)


def test_a_function_exercise_runs_hidden_cases_and_names_the_mistake():
    exercise = cost_exercise()
    assert exercise.check(lambda y, t: np.sum((y - t) ** 2) / y.shape[0]).message == \
        "3. cost: right for all 3 cases"
    assert "the seed divides by N only" in exercise.check(lambda y, t: np.mean((y - t) ** 2)).message
    wrong = exercise.check(lambda y, t: 2 * np.sum((y - t) ** 2) / len(y))
    assert not wrong and "(for a 4 x 1 array, a 4 x 1 array)" in wrong.message
    assert "expected" in wrong.message and "constant factor" not in wrong.message
    assert "Hint: divide by N" in wrong.message


def test_a_function_exercise_says_what_is_wrong_with_the_function_itself():
    exercise = cost_exercise()
    assert "no answer yet" in exercise.check(None).message
    assert "expected a function, got float" in exercise.check(3.0).message
    assert "returns None" in exercise.check(lambda y, t: None).message
    raised = exercise.check(lambda y, t: y @ t)
    assert "your function raised ValueError" in raised.message and "(for a 4 x 1 array" \
        in raised.message


def test_the_learners_function_cannot_change_the_cases():
    def in_place(y, t):
        y -= t
        return (y ** 2).sum() / len(y)
    assert cost_exercise().check(in_place)


def test_a_forbidden_kit_function_fails_however_it_is_named():
    exercise = cost_exercise(forbid=[fw.Matrix_Mean_Squared_Error])
    alias = fw.Matrix_Mean_Squared_Error
    for function in (alias, lambda y, t: alias(y, t), lambda y, t: fw.matrix.Matrix_Mean_Squared_Error(y, t)):
        feedback = exercise.check(function)
        assert not feedback and "calls flux_widgets's Matrix_Mean_Squared_Error" in \
            feedback.message, feedback.message
    assert exercise.check(lambda y, t: ((y - t) ** 2).sum() / len(y))


def test_a_numpy_warning_in_the_learners_function_fails_it():
    exercise = Exercise("1. ELU's derivative", lambda a: np.where(a > 0, 1.0, np.exp(np.minimum(a, 0))),
                        cases=lambda rng: [(np.array([-2.0, 0.5]),), (np.array([800.0, -1.0]),)],
                        function_name="answer", hint="", solution="")
    feedback = exercise.check(lambda a: np.where(a > 0, 1.0, np.exp(a)))
    assert not feedback and 'numpy warned "overflow encountered in exp"' in feedback.message
    assert exercise.check(lambda a: np.where(a > 0, 1.0, np.exp(np.minimum(a, 0))))


@pytest.mark.parametrize("make, message", [
    (lambda: Exercise("t", abs, hint="", solution=""), "needs cases"),
    (lambda: Exercise("t", 3.0, hint="", solution="", cases=cost_cases), "belong to function"),
    (lambda: Exercise("t", abs, hint="", solution="", cases=cost_cases, function_name="f",
                      forbid=[np.exp]), "forbid lists Python functions"),
    (lambda: Exercise("t", 3.0, hint="", solution="", mistakes=[Mistake("m", np.nan)]),
     "the known mistake 'm' must be finite"),
    (lambda: Choice("t", {"a": ""}, "a", explanation="", hint="", solution=""), "two options"),
])
def test_an_exercise_written_wrong_says_so(make, message):
    with pytest.raises(ConfigurationError, match=message):
        make()


# ---- choices ---------------------------------------------------------------

def test_a_choice_names_why_the_wrong_conclusion_is_wrong():
    choice = Choice("4. which rule", {"exact": "", "seed": "the seed's rule is off by 3e-4"},
                    "exact", explanation="the exact rule agrees to 7 digits", hint="",
                    solution="answer = 'exact'")
    assert choice.check(" 'Exact' ").message == "4. which rule: right. the exact rule agrees " \
                                                "to 7 digits"
    assert choice.check("seed").message == "4. which rule: the seed's rule is off by 3e-4"
    assert "not one of the choices 'exact' or 'seed'" in choice.check("both").message
    assert "no answer yet" in choice.check(None).message
    assert "in quotes" in choice.check(1).message
    assert [m.wrong for m in choice.mistakes] == ["seed"]


# ---- hidden cases ----------------------------------------------------------

def test_random_networks_twins_and_wiped_matrices():
    rng = np.random.default_rng(0)
    network = random_network(rng, hidden=((2, 4), (2, 4)), passes="backward")
    assert len(network.neural_layers) == 3 and np.isfinite(network.state).all()
    copied = twin(network)
    assert np.array_equal(copied.state, network.state) and copied.state is not network.state
    assert copied.neural_layers[1].input_matrix is copied.neural_layers[0].activated_output_matrix
    wiped(network, "dC_dw_matrix", layers=[2])
    assert np.isnan(network.neural_layers[1].dC_dw_matrix).all()
    assert np.isfinite(network.neural_layers[0].dC_dw_matrix).all()
    again = random_network(np.random.default_rng(0), hidden=((2, 4), (2, 4)), passes="backward")
    assert np.array_equal(again.state, copied.state)   # the same seed, the same case


def test_a_function_with_several_named_results_is_checked_part_by_part():
    def reference(x, D):
        return {"dC_dw": x.T @ D, "dC_db": D.sum(axis=0, keepdims=True)}

    exercise = Exercise("4. one layer", reference, function_name="layer_gradients", hint="",
                        solution="", cases=lambda rng: [(rng.random((4, 3)), rng.random((4, 2)))
                                                        for _ in range(2)],
                        mistakes=[Mistake("dC_db summed over the wrong axis",
                                          lambda x, D: (x.T @ D, D.sum(axis=1)))])
    assert exercise.check(lambda x, D: (x.T @ D, D.sum(axis=0, keepdims=True)))
    assert exercise.check(lambda x, D: {"dC_db": D.sum(0, keepdims=True), "dC_dw": x.T @ D})
    assert exercise.check(lambda x, D: (x.T @ D, D.sum(axis=1))).message == \
        "4. one layer: dC_db summed over the wrong axis"
    wrong = exercise.check(lambda x, D: (D.T @ x, D.sum(axis=0, keepdims=True))).message
    assert wrong.startswith("4. one layer: dC_dw (for a 4 x 3 array, a 4 x 2 array) has the "
                            "wrong shape") and "transpose" in wrong
    assert "should return 2 results, (dC_dw, dC_db)" in exercise.check(lambda x, D: x.T @ D).message


def test_a_value_about_a_networks_next_matrix_is_refused_once_the_network_has_moved():
    network = fw.Form_Network([3, 1], np.eye(4), np.ones((4, 1)), seed=1)
    layer = network.neural_layers[0]
    right = layer.input_matrix @ layer.weights_matrix
    exercise = Exercise("2. x·W", right, hint="", solution="", untouched=[network])
    assert exercise.check(right.copy())
    fw.Forward_Pass(network)                      # the answer is now stored in the network
    refused = exercise.check(layer.weight_and_input_matrix)
    assert not refused and "has computed more since the exercise was made" in refused.message
    assert "no answer yet" in exercise.check(None).message


def test_shapes_tuples_and_zeros_get_plain_facts():
    right = np.arange(1.0, 5.0).reshape(4, 1)
    assert ".reshape(4, 1) gives the right matrix" in compare(right.ravel(), right).message
    assert "2 separate results (a tuple of 2)" in compare((right, right[:2]), right).message
    zeros = compare(np.zeros((4, 1)), right).message
    assert "every entry is 0" in zeros and "constant factor" not in zeros and "-0" not in zeros


def test_a_forbidden_kit_function_does_not_catch_the_checks_own_copy_of_a_network():
    exercise = Exercise("1. last weights", lambda net: net.neural_layers[-1].weights_matrix.copy(),
                        cases=lambda rng: [(random_network(rng),)], function_name="f", hint="",
                        solution="", forbid=[fw.Form_Network])
    assert exercise.check(lambda net: net.neural_layers[-1].weights_matrix)

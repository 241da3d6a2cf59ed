"""The adversary itself is tested: it must catch the copies the lessons used to accept.

``tests/exercise_probe.py`` runs inside every lesson (tests/test_exercises_adversary.py). Here
it is given a small namespace, in this process, holding the kinds of copy the issue found:
a matrix the notebook already computed, a row and a transpose of one, a single entry, a
reference function the notebook defines, a kit function the exercise does not forbid, a
known mistake that gives the right answer, and a constant factor said of a single number.
"""

import numpy as np
import pytest

import flux_widgets as fw
from flux_widgets.exercises import Choice, Exercise, Mistake
from flux_widgets.exercises.cases import random_network

from exercise_probe import candidates_for, collect, probe

parity = fw.load_dataset("parity4")


def report_of(namespace, title):
    return next(r for r in probe(namespace)["exercises"] if r["title"] == title)


def stored_network():
    network = fw.Form_Network([3, 1], parity.inputs, parity.targets, seed=5)
    fw.Forward_Pass(network)
    fw.Back_Propagation(network)
    return network


def test_a_named_matrix_the_notebook_computed_is_found_with_its_rows_columns_and_entries():
    network = stored_network()
    layer = network.neural_layers[0]
    namespace = {
        "net": network,
        "whole": Exercise("1. whole", layer.dC_dw_matrix, hint="", solution="answer = 0"),
        "row": Exercise("2. row", layer.dC_dw_matrix[1:2], hint="", solution="answer = 0"),
        "column": Exercise("3. column", layer.dC_da_matrix[:, 2], hint="", solution="answer = 0"),
        "transposed": Exercise("4. transposed", layer.dC_dw_matrix.T, hint="",
                               solution="answer = 0"),
        "entry": Exercise("5. entry", layer.dC_dw_matrix[2, 1], hint="", solution="answer = 0"),
        "new": Exercise("6. new", layer.dC_dw_matrix + 1, hint="",
                        solution="answer = net.neural_layers[0].dC_dw_matrix + 1"),
    }
    for title in ("1. whole", "2. row", "3. column", "4. transposed", "5. entry"):
        assert report_of(namespace, title)["copies"], title
    fresh = report_of(namespace, "6. new")
    assert fresh["copies"] == [] and fresh["solution"]["ok"]
    assert not report_of(namespace, "1. whole")["solution"]["ok"]   # 'answer = 0' is wrong


def test_values_inside_panels_lists_dicts_and_errors_are_found():
    inside = {"curve": [0.25, 0.125, 0.0625], "nested": [{"deep": np.array([[1.5, 2.5]])}]}
    arrays, _ = collect({"holder": inside})
    found = {where for where, _ in arrays}
    assert "holder['curve']" in found and "holder['nested'][0]['deep']" in found
    expected = np.array([[1.5, 2.5]])
    candidates = [where for where, _ in candidates_for(expected, arrays)]
    assert "holder['nested'][0]['deep']" in candidates and "holder['curve']" not in candidates


def test_a_function_the_notebook_defines_or_an_unforbidden_kit_function_is_caught():
    def cases(rng):
        return [(rng.random((4, 2)), rng.random((4, 2))) for _ in range(2)]

    def notebook_reference(y, t):
        return ((y - t) ** 2).sum() / len(y)

    unguarded = Exercise("1. cost", lambda y, t: ((y - t) ** 2).sum() / len(y), cases=cases,
                         function_name="cost_of", hint="", solution="def cost_of(y, t):\n"
                         "    return ((y - t) ** 2).sum() / len(y)")
    guarded = Exercise("2. cost", lambda y, t: ((y - t) ** 2).sum() / len(y), cases=cases,
                       function_name="cost_of", hint="", forbid=[fw.Matrix_Mean_Squared_Error],
                       solution="def cost_of(y, t):\n    return ((y - t) ** 2).sum() / len(y)")
    namespace = {"notebook_reference": notebook_reference, "unguarded": unguarded,
                 "guarded": guarded, "np": np}
    copies = report_of(namespace, "1. cost")["copies"]
    assert "notebook_reference" in copies
    assert "flux_widgets.matrix.Matrix_Mean_Squared_Error" in copies
    assert report_of(namespace, "1. cost")["solution"]["ok"]
    assert report_of(namespace, "2. cost")["copies"] == ["notebook_reference"]


def test_mistakes_that_are_not_named_or_give_the_right_answer_are_reported():
    right = np.array([[1.0, -2.0], [3.0, 0.5]])
    exercise = Exercise("1. m", right, hint="", solution="answer = 0", mistakes=[
        Mistake("transposed", right.T), Mistake("same as right", right.copy()),
        Mistake("shadowed", right.T)])
    mistakes = report_of({"e": exercise}, "1. m")["mistakes"]
    assert [m["named"] for m in mistakes] == [True, False, False]
    assert [m["differs"] for m in mistakes] == [True, False, True]


def test_a_single_number_told_constant_factor_is_reported():
    class Careless(Exercise):   # an exercise that would say it
        def check(self, answer):
            feedback = super().check(answer)
            if not feedback:
                feedback.message = "a constant factor is missing"
            return feedback
    report = report_of({"e": Careless("1. n", 68, hint="", solution="answer = 68")}, "1. n")
    assert report["constant_factor"] and report["solution"]["ok"]
    assert report_of({"e": Exercise("1. n", 68, hint="", solution="answer = 68")},
                     "1. n")["constant_factor"] == []


def test_a_choice_reports_its_wrong_options():
    choice = Choice("1. which", {"a": "not a: 3 > 2", "b": ""}, "b", explanation="", hint="",
                    solution="answer = 'b'")
    report = report_of({"c": choice}, "1. which")
    assert report["solution"]["ok"] and [m["named"] for m in report["mistakes"]] == [True]


def test_hidden_networks_are_not_in_the_namespace():
    exercise = Exercise("1. dC_dw", lambda net: net.neural_layers[0].dC_dw_matrix.copy(),
                        cases=lambda rng: [(random_network(rng, passes="backward"),)],
                        function_name="f", hint="", solution="def f(net):\n    return 0")
    report = report_of({"e": exercise}, "1. dC_dw")
    assert not report["solution"]["ok"] and report["copies"] == []


@pytest.fixture(autouse=True)
def _quiet():
    with np.errstate(all="ignore"):
        yield


def test_a_worksheet_is_copied_only_when_the_notebook_holds_its_numbers():
    """The network on paper, run forward and backward in the notebook, hands over every blank
    of chapters 4 and 9's worksheets (and a matrix blank alone is a copy); the network on
    paper formed but not run hands over nothing."""
    from flux_widgets.exercises import chapter04, chapter09, paper

    run = paper.network()
    fw.Forward_Pass(run)
    fw.Back_Propagation(run)
    for make in (chapter04.paper_forward, chapter09.paper_backward):
        sheet = make()
        solution = str(sheet.solution())
        copied = report_of({"net": run, "sheet": sheet, "np": np}, sheet.title)
        assert any(where.startswith("every blank") for where in copied["copies"]), sheet.title
        assert any(where.startswith("h1 from") or where.startswith("dC_dw1 from")
                   for where in copied["copies"]), copied["copies"]
        fresh = report_of({"net": paper.network(), "sheet": sheet, "np": np,
                           "paper": paper}, sheet.title)
        assert fresh["copies"] == [] and fresh["solution"]["ok"], solution
        assert fresh["mistakes"] and all(m["named"] and m["differs"] for m in fresh["mistakes"])

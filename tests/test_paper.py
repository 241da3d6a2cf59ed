"""The network on paper (issue 16 §1): its hand-computed numbers are the engine's, the
finite differences' and the panel's, and its worksheets (chapters 4, 7, 9) check each number
on its own, naming the slips."""

import copy

import numpy as np
import pytest

from flux_widgets.derivation import finite_difference
from flux_widgets.exercises import Blank, Mistake, Worksheet, chapter04, chapter07, chapter09
from flux_widgets.exercises import paper
from flux_widgets.network import Back_Propagation, Forward_Pass, network_cost

SHEETS = (chapter04.paper_forward, chapter07.paper_rule, chapter09.paper_backward)
FORWARD = {"xW1": (1, "weight_and_input_matrix"), "a1": (1, "weight_input_bias_matrix"),
           "h1": (1, "activated_output_matrix"), "xW2": (2, "weight_and_input_matrix"),
           "a2": (2, "weight_input_bias_matrix"), "y": (2, "activated_output_matrix")}
BACKWARD = {f"{name}{number}": (number, f"{name}_matrix") for number in (1, 2)
            for name in ("dC_dy", "dh_da", "dC_da", "dC_dw", "dC_db")}


def run_network():
    network = paper.network()
    Forward_Pass(network)
    Back_Propagation(network)
    return network


def test_the_hand_numbers_are_round_where_the_lesson_says_so():
    m = paper.worked()
    assert m["xW1"].tolist() == [[-1.0, 0.0]] and m["a1"].tolist() == [[0.0, 1.0]]
    assert m["h1"][0, 0] == 0.5 and m["dh_da1"][0, 0] == 0.25      # σ(0), σ'(0)
    assert round(m["h1"][0, 1], 4) == 0.7311 and round(m["dh_da1"][0, 1], 4) == 0.1966
    assert round(float(m["y"][0, 0]), 4) == 0.5189                # the lessons' given y
    # the seed's §4.2 value for hidden neuron 1's weight is exactly a quarter of the exact one
    assert m["seed_dC_dw2"][0, 0] == m["dC_dw2"][0, 0] / 4


def test_the_engine_computes_the_hand_numbers():
    network, m = run_network(), paper.worked()
    for name, (number, matrix) in {**FORWARD, **BACKWARD}.items():
        got = network.neural_layers[number - 1].matrices[matrix]
        assert np.allclose(got, m[name], rtol=1e-14, atol=1e-15), name
    assert np.isclose(network.cost, m["C"], rtol=1e-14)


def test_the_hand_gradients_agree_with_central_differences():
    m = paper.worked()
    network = run_network()
    for number, kind, name in ((1, "weights", "dC_dw1"), (2, "weights", "dC_dw2"),
                               (1, "bias", "dC_db1"), (2, "bias", "dC_db2")):
        rows, columns = m[name].shape
        for i in range(rows):
            for j in range(columns):
                measured = finite_difference(copy.deepcopy(network), number, kind, i, j)
                assert np.isclose(measured, m[name][i, j], rtol=1e-7, atol=1e-10), (name, i, j)


def test_the_cost_is_the_forward_cost_and_the_network_is_unrun():
    network = paper.network()
    assert not network.output.any()                 # formed, not passed forward
    assert np.isclose(network_cost(network), paper.worked()["C"], rtol=1e-14)
    assert network.layers_vector == [2, 2, 1]


@pytest.mark.parametrize("make", SHEETS, ids=lambda make: make.__name__)
def test_a_worksheet_passes_its_solution_and_names_every_slip_alone(make):
    sheet = make()
    scope = {"np": np}
    exec(str(sheet.solution()), scope)                # the official solution, four digits
    solution = scope["answer"]
    assert sheet.check(solution), sheet.check(solution).message
    for name, blank in sheet.blanks.items():
        assert blank.mistakes, name
        for mistake in blank.mistakes:
            feedback = sheet.check({**solution, name: mistake.wrong})
            assert not feedback and mistake.message in feedback.message, (name, mistake)
            assert "✓ " + name not in feedback.message
            others = [m for b in sheet.blanks.values() for m in b.mistakes if m is not mistake]
            assert sum(m.message in feedback.message for m in others) <= \
                sum(m.message == mistake.message for m in others), (name, mistake)


@pytest.mark.parametrize("make", SHEETS, ids=lambda make: make.__name__)
def test_the_exact_numbers_pass_and_each_blank_is_checked_as_it_is_filled_in(make):
    sheet, m = make(), paper.worked()
    exact = {name: m[name] for name in sheet.blanks}
    assert sheet.check(exact)
    first, *rest = sheet.blanks
    partial = sheet.check({first: exact[first]})
    assert not partial and f"✓ {first}" in partial.message
    assert f"{len(rest)} not answered yet" in partial.message
    assert all(f"· {name}: not answered yet" in partial.message for name in rest)
    off = sheet.check({**exact, first: exact[first] * 1.1 + 0.1})
    assert not off and "Hint:" in off.message    # no known slip: what differs, and the hint
    assert str(np.round(exact[first].ravel()[0], 6)) not in off.message.split("Hint:")[0] \
        or exact[first].ravel()[0] == 0          # the right value is not given away


@pytest.mark.parametrize("answer, says", [
    (None, "no answer yet"), ({"xW1": None, "C": None}, "no answer yet"),
    ([1, 2], "answer with a dict"), ("0.5", "answer with a dict"),
    ({"xW1": [[-1, 0]], "a": 1}, "'a' is not one of the numbers"),
    ({"xW1": "minus one"}, "should be numbers"), ({"xW1": [[np.nan, 0]]}, "nan or inf"),
    ({"xW1": [-1, 0]}, "wrong shape"), ({"xW1": [[-1], [0]]}, "wrong shape"),
    ({"xW1": [[-1, 0, 0]]}, "wrong shape"), ({"xW1": [[1, 2], [3]]}, "not a table"),
])
def test_bad_answers_get_a_message_never_an_exception(answer, says):
    feedback = chapter04.paper_forward().check(answer)
    assert not feedback and says in feedback.message, feedback.message


def test_a_worksheet_needs_distinct_blanks():
    from flux_widgets.errors import ConfigurationError
    with pytest.raises(ConfigurationError):
        Worksheet("1. twice", [Blank("a", "a", 1.0), Blank("a", "a", 2.0)], hint="",
                  solution="")
    with pytest.raises(ConfigurationError):
        Blank("a", "a", [np.inf])
    with pytest.raises(ConfigurationError):
        Blank("a", "a", 1.0, [Mistake("nan", np.nan)])


def test_the_panel_steps_the_network_on_paper_to_the_hand_numbers_one_click_each():
    """Six forward clicks and ten backward clicks: each writes the next hand number."""
    pytest.importorskip("ipycytoscape")
    from flux_widgets.widgets.panel import Panel

    m, where = paper.worked(), {**FORWARD, **BACKWARD}
    order = list(FORWARD) + [f"{name}{number}" for number in (2, 1)
                             for name in ("dC_dy", "dh_da", "dC_da", "dC_dw", "dC_db")]
    panel = Panel(network=paper.network(), learning_rate=0.5)
    try:
        def matrix(name):
            number, attribute = where[name]
            return panel.network.neural_layers[number - 1].matrices[attribute]

        for name in order:
            assert not np.allclose(matrix(name), m[name]) or name == "dh_da2", name
            panel.step_button.click()
            assert np.allclose(matrix(name), m[name], rtol=1e-14, atol=1e-15), name
        assert np.isclose(panel.network.cost, m["C"], rtol=1e-14)
        assert panel.stepper.next_computation.phase == "update"
    finally:
        panel.close()

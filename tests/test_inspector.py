"""The inspector (issue 14): it follows every change of the network, its finite-difference
check says a verdict, an edge or neuron is chosen by keyboard as by a click, and a sign is
said in words."""

import math
import re
import warnings

import numpy as np
import pytest

pytest.importorskip("ipycytoscape")

from flux_widgets.derivation import finite_difference  # noqa: E402
from flux_widgets.widgets.diagram import signed  # noqa: E402
from flux_widgets.derivation import GRADIENT_RTOL as RTOL  # noqa: E402
from flux_widgets.derivation import finite_difference_report, relative_difference  # noqa: E402
from flux_widgets.widgets.panel import Panel  # noqa: E402


@pytest.fixture
def panel():
    """A 2-3-1 network on xor: layer 1's weights are 2 x 3, layer 2's 3 x 1."""
    panel = Panel(dataset="xor", layers="3, 1")
    yield panel
    panel.close()


def click(button):
    """As the browser's click (the suite's fixture re-raises what a handler raises)."""
    button._handle_button_msg(None, {"event": "click"}, [])


def click_element(panel, kind, element_id):
    """What ipycytoscape's front end sends for a click on a node or an edge."""
    panel.diagram.cytoscape._handle_interaction(
        None, {"widget": kind, "event": "click", "data": {"data": {"id": element_id}}}, [])


def weight(panel, layer, row, column):
    return panel.network.neural_layers[layer - 1].weights_matrix[row, column]


def gradient(panel, layer, row, column):
    return panel.network.neural_layers[layer - 1].dC_dw_matrix[row, column]


def header(panel):
    """The info box's first line: the weight and its gradient, as they are now."""
    return panel.info.value.split("\n")[0].removeprefix("<pre>")


def verdict(panel):
    """The last line of the finite-difference check."""
    return panel.info.value.split("</pre>")[-2].split("\n")[-1]


# ---- the box follows every change (defect 5) --------------------------------------

def test_a_set_weight_and_a_step_back_refresh_the_box_and_the_field(panel):
    panel.show_edge(1, 0, 1)
    old = weight(panel, 1, 0, 1)
    assert panel.weight_value.value == old
    assert f"weights_matrix[0, 1] = {signed(old)}" in header(panel)
    panel.weight_value.value = 2.5
    click(panel.set_weight_button)
    assert weight(panel, 1, 0, 1) == 2.5
    assert "weights_matrix[0, 1] = 2.5 (positive)" in header(panel)  # not the old weight
    assert panel.weight_value.value == 2.5
    click(panel.undo_button)
    assert weight(panel, 1, 0, 1) == old
    assert panel.weight_value.value == old  # not the value Step back undid
    assert f"weights_matrix[0, 1] = {signed(old)}" in header(panel)
    panel.weight_value.value = -7.0  # typed, never set: a step shows the weight again
    click(panel.step_button)
    assert panel.weight_value.value == weight(panel, 1, 0, 1) == old


def test_a_step_shows_the_new_gradient_and_derivation(panel):
    panel.show_edge(2, 1, 0)
    before = panel.info.value
    panel.step("phase")  # the forward pass
    panel.step("phase")  # the backward pass: dC_dw is computed
    stored = gradient(panel, 2, 1, 0)
    assert panel.info.value != before
    assert f"dC_dw_matrix[1, 0] = {signed(stored)}" in header(panel)
    assert f"stored = {stored:.10g}  ✓" in panel.info.value  # the derivation of these numbers
    panel.step("phase")  # the update: the weight moves, the box with it
    assert f"weights_matrix[1, 0] = {signed(weight(panel, 2, 1, 0))}" in header(panel)


def test_a_chosen_neuron_is_described_again_after_a_step_and_a_new_sample(panel):
    panel.show_neuron(1, 2)
    assert panel.info.value.startswith("Neuron 2 of layer 1 (h1,2) is outlined: column 2 of "
                                       "layer 1's matrices below, row 2 of layer 2's "
                                       "weights_matrix; ")
    assert "its output for sample 0 is 0 (zero)." in panel.info.value  # no forward pass yet
    panel.step("phase")
    outputs = panel.network.neural_layers[0].activated_output_matrix
    assert f"its output for sample 0 is {signed(outputs[0, 2])}." in panel.info.value
    panel.diagram.sample_shown.value = 3
    assert f"its output for sample 3 is {signed(outputs[3, 2])}." in panel.info.value
    panel.show_neuron(0, 1)
    assert "its value for sample 3 is 1 (positive)." in panel.info.value  # xor's 4th: 1, 1


def test_a_new_network_clears_the_box_even_with_another_sample_chosen(panel):
    panel.show_edge(1, 1, 2)
    panel.show_neuron(1, 2)
    panel.diagram.sample_shown.value = 3
    panel.controls.dataset_choice.value = "parity4"
    panel.controls.layers.value = "2, 1"
    assert panel.form_network()
    assert (panel.selected_edge, panel.inspector.shown, panel.info.value) == (None, None, "")
    assert panel.inspector.edge_tools.layout.display == "none"


# ---- the finite-difference check ------------------------------------------------

def test_the_check_agrees_after_the_backward_pass_and_replaces_the_one_before(panel):
    panel.show_edge(1, 1, 2)
    panel.step("phase")
    panel.step("phase")
    click(panel.check_button)
    click(panel.check_button)
    assert panel.info.value.count("finite difference (C(w+ε) − C(w−ε)) / 2ε = ") == 1
    numeric = finite_difference(panel.network, 1, "weights", 1, 2)  # as the inspector did
    assert f"/ 2ε = {numeric:.10g}\n" in panel.info.value
    relative = relative_difference(numeric, float(gradient(panel, 1, 1, 2)))
    assert relative <= RTOL
    said = re.fullmatch(r"agrees to (\S+) \(relative difference; the tolerance is 1e-06, or a "
                        r"difference up to (\S+), the rounding error of a finite difference\)",
                        verdict(panel))
    assert said and said[1] == f"{relative:.1e}"
    assert 0 < float(said[2]) < 1e-6
    assert "differs" not in panel.info.value and "⚠" not in panel.info.value


def test_the_check_differs_once_the_weights_changed_and_a_step_drops_it(panel):
    panel.show_edge(1, 0, 0)
    panel.step("iteration")  # the update changed the weights after the backward pass
    click(panel.check_button)
    numeric = finite_difference(panel.network, 1, "weights", 0, 0)
    relative = relative_difference(numeric, float(gradient(panel, 1, 0, 0)))
    assert verdict(panel) == (f"differs by {relative:.1e}: the weights changed since the last "
                              "backward pass (step to the end of the backward pass and check "
                              "again)")
    panel.step("computation")
    assert "finite difference" not in panel.info.value  # it was about the weights before
    assert "Σ_n" in panel.info.value


def test_a_check_that_overflows_says_so_without_a_warning():
    panel = Panel(dataset="xor", layers="3, 1", hidden="swish", output="linear")
    panel.show_edge(1, 0, 0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        panel.set_selected_weight(1e300)
        click(panel.check_button)
    check = panel.info.value.split("</pre>")[-2]
    assert check == ("<pre>⚠ the finite difference of layer 1's weights_matrix[0, 0] "
                     "overflows: the weights are too large for float64 (a result passed "
                     "about 1.8e308); step back or lower the learning rate")
    panel.close()


@pytest.mark.parametrize("a, b, expected", [
    (0.0, 0.0, 0.0), (2.0, 2.0, 0.0), (1.0, 0.0, 1.0), (0.0, -3.0, 1.0), (1.0, -1.0, 2.0),
    (1e308, -1e308, 2.0), (1e-320, 0.0, 1.0), (1.0, math.inf, math.inf),
    (math.nan, 1.0, math.inf), (-math.inf, -math.inf, math.inf)])
def test_the_relative_difference_of_zeros_and_of_numbers_that_are_not_finite(a, b, expected):
    assert relative_difference(a, b) == expected


def test_a_verdict_for_every_case_of_the_report():
    agree = finite_difference_report(0.5, 0.5 * (1 + 2e-9), 0.25).split("\n")[-1]
    assert agree.startswith("agrees to 2.0e-09 (relative difference; the tolerance is 1e-06")
    tiny = finite_difference_report(1e-12, 0.0, 0.25).split("\n")[-1]  # within the rounding
    assert tiny.startswith("agrees to 1.0e+00")
    differ = finite_difference_report(0.5, 0.506, 0.25).split("\n")[-1]
    assert differ.startswith("differs by 1.2e-02: the weights changed")
    broken = finite_difference_report(0.5, math.nan, 0.25).split("\n")[-1]
    assert broken.startswith("differs: the stored gradient is not a finite number")
    assert finite_difference_report(0.5, math.inf, 0.25).split("\n")[-1] == broken


# ---- choosing by keyboard ----------------------------------------------------------

def test_choosing_a_weight_by_keyboard_shows_what_a_click_shows(panel):
    panel.step("phase")
    panel.step("phase")
    click_element(panel, "edge", "L2:1-0")
    by_click = (panel.info.value, panel.diagram.selected, panel.selected_edge,
                panel.diagram.text_alternative, panel.weight_value.value)
    assert (panel.inspector.weight_layer.value, panel.inspector.weight_row.value,
            panel.inspector.weight_column.value) == (2, 1, 0)  # the fields follow a click
    panel.show_edge(1, 0, 0)
    inspector = panel.inspector
    inspector.weight_layer.value, inspector.weight_row.value = 2, 1
    inspector.weight_column.value = 0
    click(inspector.show_weight_button)
    assert (panel.info.value, panel.diagram.selected, panel.selected_edge,
            panel.diagram.text_alternative, panel.weight_value.value) == by_click
    assert inspector.edge_tools.layout.display == "flex"


def test_choosing_a_neuron_by_keyboard_shows_what_a_click_shows(panel):
    click_element(panel, "node", "L1N2")
    by_click = (panel.info.value, panel.diagram.selected, panel.tables.neuron,
                panel.diagram.text_alternative)
    assert (panel.inspector.neuron_layer.value, panel.inspector.neuron_number.value) == (1, 2)
    panel.show_neuron(0, 0)
    panel.inspector.neuron_layer.value, panel.inspector.neuron_number.value = 1, 2
    click(panel.inspector.show_neuron_button)
    assert (panel.info.value, panel.diagram.selected, panel.tables.neuron,
            panel.diagram.text_alternative) == by_click


def test_the_choosing_fields_are_named_and_bounded_to_the_network(panel):
    inspector = panel.inspector
    fields = [inspector.weight_layer, inspector.weight_row, inspector.weight_column,
              inspector.neuron_layer, inspector.neuron_number]
    names = [field.description for field in fields]
    assert all(names) and len(set(names)) == len(names)  # accessible names, all different
    assert [f"{b.description}" for b in (inspector.show_weight_button,
                                         inspector.show_neuron_button)] == \
        ["Show weight", "Show neuron"]
    bounds = lambda: [(field.min, field.max) for field in fields]  # noqa: E731
    assert bounds() == [(1, 2), (0, 1), (0, 2), (0, 2), (0, 1)]  # 2-3-1, layer 1, inputs
    inspector.weight_layer.value = 2
    inspector.neuron_layer.value = 1
    assert bounds() == [(1, 2), (0, 2), (0, 0), (0, 2), (0, 2)]
    inspector.weight_row.value = 99  # what no neuron has is never shown
    assert inspector.weight_row.value == 2
    inspector.neuron_layer.value = 2
    assert inspector.neuron_number.value == 0  # 2 before: the output layer has one neuron
    panel.controls.layers.value = "5, 4, 1"
    assert panel.form_network()
    assert bounds() == [(1, 3), (0, 4), (0, 3), (0, 3), (0, 3)]  # layers 2 chosen: 5-4
    inspector.weight_layer.value = inspector.neuron_layer.value = 3
    inspector.weight_row.value = inspector.neuron_number.value = 3
    panel.controls.layers.value = "1"  # a smaller network: the chosen numbers come down
    assert panel.form_network()
    assert bounds() == [(1, 1), (0, 1), (0, 0), (0, 1), (0, 0)]
    assert [field.value for field in fields] == [1, 1, 0, 1, 0]


def test_show_weight_without_a_network_is_a_message():
    panel = Panel(dataset="xor", layers="abc")
    click(panel.inspector.show_weight_button)
    click(panel.inspector.show_neuron_button)
    assert "no network yet" in panel.controls.message.value
    panel.close()


# ---- signs in words, and the diagram's words ----------------------------------------

def test_the_box_says_the_sign_of_the_weight_and_gradient(panel):
    weights = panel.network.neural_layers[0].weights_matrix
    for (row, column), value in np.ndenumerate(weights):
        panel.show_edge(1, row, column)
        word = "negative" if value < 0 else "positive"
        assert header(panel).startswith(f"The weight from x{row} to h1,{column}: layer 1's "
                                        f"weights_matrix[{row}, {column}] = {value:.6g} "
                                        f"({word}), dC_dw_matrix[{row}, {column}] = 0 (zero)")
    assert (weights < 0).any() and (weights > 0).any()


def test_the_text_alternative_follows_a_step_and_a_choice(panel):
    before = panel.diagram.text_alternative
    click(panel.step_button)
    stepped = panel.diagram.text_alternative
    assert stepped != before and "Layer 1 was computed last" in stepped
    panel.show_edge(2, 2, 0)
    assert "Selected: the weight from h1,2 to y0: layer 2's weights_matrix[2, 0] = " \
        f"{signed(weight(panel, 2, 2, 0))}" in panel.diagram.text_alternative
    click_element(panel, "node", "L2N0")
    assert "Selected: neuron y0 (layer 2, neuron 0)" in panel.diagram.text_alternative

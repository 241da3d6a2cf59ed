"""The panel's Cost control (issue 17 §1): a network formed with cross-entropy steps to the
engine's numbers, and the narration, the just-computed strip, an edge's derivation, the
cost chart and the configuration string all follow the chosen cost."""

import html
import re

import numpy as np
import pytest

pytest.importorskip("ipycytoscape")

import flux_widgets as fw  # noqa: E402
from flux_widgets.costs import CostType  # noqa: E402
from flux_widgets.network import Back_Propagation, Forward_Pass, Update_Parameters  # noqa: E402
from flux_widgets.widgets.just_computed import JustComputed  # noqa: E402
from flux_widgets.widgets.panel import Panel  # noqa: E402


def text(widget):
    return re.sub(r"\s+", " ", re.sub("<[^>]+>", " ", html.unescape(widget.value)))


@pytest.fixture
def softmax_panel():
    panel = Panel(dataset="iris", layers="4, 3", hidden="tanh", output="softmax",
                  cost="cross_entropy", learning_rate=0.5, seed=2)
    assert panel.form_network()
    yield panel
    panel.close()


def strip_of(panel):
    return next(view for view in panel.views if isinstance(view, JustComputed)).strip


def test_the_cost_control_forms_a_cross_entropy_network(softmax_panel):
    network = softmax_panel.network
    assert network.cost_type is CostType.CROSS_ENTROPY
    assert softmax_panel.controls.cost.value is CostType.CROSS_ENTROPY
    assert softmax_panel.controls.values()["cost"] is CostType.CROSS_ENTROPY
    assert "cost cross-entropy" in network.describe()
    assert [label for label, _ in softmax_panel.controls.cost.options] == ["MSE", "cross-entropy"]
    hidden = [kind for _, kind in softmax_panel.controls.hidden.options]
    assert fw.ActivationType.SOFTMAX not in hidden
    assert fw.ActivationType.SOFTMAX in [kind for _, kind in softmax_panel.controls.output.options]


def test_a_whole_iteration_is_the_engines(softmax_panel):
    iris = fw.load_dataset("iris")
    twin = fw.Form_Network([4, 3], iris.inputs, iris.targets, "tanh", "softmax", seed=2,
                           cost="cross_entropy")
    softmax_panel.iteration_button.click()
    Forward_Pass(twin)
    cost = Back_Propagation(twin)
    Update_Parameters(twin, 0.5)
    assert np.array_equal(softmax_panel.network.state, twin.state)
    assert softmax_panel.network.cost == cost
    assert softmax_panel.stepper.mse_values[-1] == cost


def test_narration_and_strip_say_what_the_output_layer_computes(softmax_panel):
    said = []
    for _ in range(6 + 3):   # forward (2 layers x 3), then the output layer's first three
        softmax_panel.step_button.click()
        said.append((text(softmax_panel.narration), text(strip_of(softmax_panel))))
    cost_step, dh_da_step, dC_da_step = said[6:9]
    assert "−(1/N)·Σ t·log p" in cost_step[0] and "∂C/∂p = −t/(N·p)" in cost_step[0]
    assert "dC_dy = −t / (150·y)" in cost_step[1]
    assert "diagonal" in dh_da_step[0] and "the diagonal of softmax′(a)" in dh_da_step[1]
    assert "(y − t)/N" in dC_da_step[0] and "simplified" in dC_da_step[0]
    assert "dC_da = (y − t) / 150" in dC_da_step[1]
    layer = softmax_panel.network.neural_layers[-1]
    assert np.allclose(layer.dC_da_matrix, (layer.activated_output_matrix
                                            - softmax_panel.network.outputMatrix) / 150,
                       rtol=0, atol=1e-17)


def test_an_edges_derivation_follows_the_cost(softmax_panel):
    softmax_panel.forward_button.click()
    softmax_panel.backward_button.click()
    softmax_panel.show_edge(2, 1, 2)
    shown = text(softmax_panel.info)
    assert "∂C/∂a[n,2]" in shown and "h'(a[n,2])" not in shown and "✓" in shown
    assert "cross-entropy with a SOFTMAX output" in shown


def test_the_chart_is_named_for_the_cost(softmax_panel):
    chart = next(view for view in softmax_panel.views if hasattr(view, "log_switch"))
    assert chart.figure.title == "cross-entropy vs iterations"
    assert chart.figure.axes[1].label == "cross-entropy"
    softmax_panel.controls.cost.value = CostType.MSE
    assert softmax_panel.form_network()
    assert chart.figure.title == "MSE vs iterations" and chart.figure.axes[1].label == "MSE"


def test_the_configuration_string_carries_the_cost(softmax_panel):
    softmax_panel.keep.show_configuration()
    shared = softmax_panel.keep.shared.value
    assert shared.endswith(":cost=cross_entropy"), shared
    other = Panel()
    try:
        other.keep.use(shared)
        assert other.network.cost_type is CostType.CROSS_ENTROPY
        assert other.controls.cost.value is CostType.CROSS_ENTROPY
        assert np.array_equal(other.network.state, softmax_panel.network.state)
    finally:
        other.close()


@pytest.mark.parametrize("output, message", [
    ("tanh", "needs a SOFTMAX or SIGMOID output"),
    ("sigmoid", "between 0 and 1"),   # iris' targets are one-hot: fine for a sigmoid too
])
def test_a_cost_that_does_not_fit_is_refused_and_the_network_stays(softmax_panel, output,
                                                                    message):
    before = softmax_panel.network
    softmax_panel.controls.output.value = fw.ActivationType.parse(output)
    formed = softmax_panel.form_network()
    if output == "sigmoid":   # one-hot targets are probabilities: binary cross-entropy forms
        assert formed and softmax_panel.network.output_activation is fw.ActivationType.SIGMOID
        return
    assert not formed and softmax_panel.network is before
    assert message in text(softmax_panel.controls.message)


def test_a_saturated_softmax_output_gives_a_finite_cost_and_step():
    panel = Panel(dataset="iris", layers="4, 3", hidden="tanh", output="softmax",
                  cost="cross_entropy", learning_rate=0.5, seed=2, init_scale=60)
    try:
        assert panel.form_network()
        panel.iteration_button.click()
        assert np.isfinite(panel.network.cost) and np.isfinite(panel.network.state).all()
        logits = panel.network.neural_layers[-1].weight_input_bias_matrix
        assert np.abs(logits).max() > 40   # e^-40: a probability that rounds to 0 or 1
    finally:
        panel.close()


def test_the_layer_says_what_its_matrices_hold_and_the_tables_show_it(softmax_panel):
    output = softmax_panel.network.neural_layers[-1]
    notes = output.matrix_notes()
    assert set(notes) == {"dC_dy_matrix", "dh_da_matrix", "dC_da_matrix"}
    assert "∂C/∂p = −t/(N·p)" in notes["dC_dy_matrix"]
    assert "diagonal" in notes["dh_da_matrix"] and "does not use it" in notes["dh_da_matrix"]
    assert "(y − t)/N" in notes["dC_da_matrix"]
    assert softmax_panel.network.neural_layers[0].matrix_notes() == {}   # tanh, hidden
    tables = next(view for view in softmax_panel.views if hasattr(view, "max_rows"))
    tables.show(layer=2)
    shown = html.unescape(tables.html.value)
    assert all(note in shown for note in notes.values())
    assert shown.count("flux-matrix-note") == 3
    mse = fw.Form_Network([4, 3], fw.load_dataset("iris").inputs, fw.load_dataset("iris").targets,
                          "tanh", "softmax", seed=2)   # MSE through softmax's Jacobian
    assert set(mse.neural_layers[-1].matrix_notes()) == {"dh_da_matrix", "dC_da_matrix"}
    plain = fw.Form_Network([4, 1], fw.load_dataset("parity4").inputs,
                            fw.load_dataset("parity4").targets, seed=0)
    assert all(layer.matrix_notes() == {} for layer in plain.neural_layers)   # the seed's

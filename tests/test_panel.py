"""The panel in plain Python: click its buttons, assert on the engine's matrices and the widgets."""

import asyncio

import numpy as np
import pytest

pytest.importorskip("ipycytoscape")

from flux_widgets import ActivationType, Back_Propagation, Form_Network, Forward_Pass  # noqa: E402
from flux_widgets.datasets import DATASET_NAMES, load_dataset  # noqa: E402
from flux_widgets.widgets.panel import Panel  # noqa: E402


@pytest.fixture
def panel():
    return Panel()


def test_the_default_is_the_seeds_parity_network(panel):
    assert panel.network.layers_vector == [4, 8, 4, 1]
    assert [layer.activation for layer in panel.network.neural_layers] == [
        ActivationType.LEAKY_RELU, ActivationType.LEAKY_RELU, ActivationType.SIGMOID]
    assert "4 inputs (implicit)" in panel.controls.input_note.value
    assert "Formed 4(implicit)-8-4-1" in panel.narration.value


@pytest.mark.parametrize("granularity, clicks", [("computation", 30), ("layer", 9),
                                                 ("phase", 3), ("iteration", 1)])
def test_one_iteration_at_each_granularity_equals_the_passes(panel, granularity, clicks):
    reference = Form_Network([8, 4, 1], panel.network.inputMatrix, panel.network.outputMatrix,
                             "leaky_relu", "sigmoid", seed=0)
    panel.granularity.value = granularity
    for _ in range(clicks):
        panel.step_button.click()
    assert panel.network.iteration == 1 and panel.stepper.position == 0
    Forward_Pass(reference)
    cost = Back_Propagation(reference)
    for layer in reference.neural_layers:
        layer.update_parameters(1.0)
    assert np.array_equal(panel.network.state, reference.state)
    assert panel.stepper.mse_values == [cost]
    assert list(panel.chart.marks[0].y) == [cost]
    # undo all the way back to the formed network
    formed = Form_Network([8, 4, 1], panel.network.inputMatrix, panel.network.outputMatrix,
                          "leaky_relu", "sigmoid", seed=0)
    for _ in range(clicks):
        panel.undo_button.click()
    assert np.array_equal(panel.network.state, formed.state)
    assert panel.undo_button.disabled


def test_each_click_narrates_and_marks_what_it_wrote(panel):
    panel.step_button.click()
    assert "weight_and_input_matrix = input_matrix · weights_matrix" in panel.narration.value
    assert "flux-written" in panel.tables.html.value
    panel.forward_button.click()
    assert panel.stepper.next_computation.phase == "backward"
    panel.forward_button.click()  # refused: the forward pass is done
    assert "belongs to the backward step" in panel.narration.value
    panel.backward_button.click()
    assert "C = " in panel.narration.value
    assert panel.tables.layer.value == 1  # the backward pass ends in layer 1


def test_diagram_restyles_in_place(panel):
    elements, view = panel.diagram._front.elements, panel.diagram.cytoscape
    looks = dict(panel.diagram.looks)
    panel.granularity.value = "iteration"
    panel.step_button.click()
    after = dict(panel.diagram.looks)
    assert set(after) == set(looks) and after != looks
    panel.diagram.edges_show.value = "gradients"
    assert panel.diagram.looks != after
    assert panel.diagram._front.elements is elements  # restyled, never sent again
    assert panel.diagram.cytoscape is view


def test_clicking_an_edge_shows_its_derivation(panel):
    panel.granularity.value = "phase"
    panel.step_button.click()
    panel.step_button.click()
    panel.show_edge(2, 3, 1)
    assert "Σ_n" in panel.info.value
    panel.show_neuron(2, 1)
    assert panel.tables.layer.value == 2
    panel.check_selected_weight()  # after the backward pass the gradient is current
    assert "finite difference" in panel.info.value
    fd = float(panel.info.value.split("/ 2ε = ")[1].split("\n")[0])
    stored = panel.network.neural_layers[1].dC_dw_matrix[3, 1]
    assert abs(fd - stored) <= 1e-6 * abs(stored) + 1e-9


def test_setting_a_weight_by_hand_acts_on_the_next_forward_pass_and_can_be_undone(panel):
    panel.show_edge(1, 0, 2)
    before = panel.network.state.copy()
    panel.weight_value.value = 5.0
    panel.set_weight_button.click()
    assert panel.network.neural_layers[0].weights_matrix[0, 2] == 5.0
    panel.forward_button.click()
    layer = panel.network.neural_layers[0]
    assert np.allclose(layer.weight_and_input_matrix[:, 2], 5.0 * layer.input_matrix[:, 0]
                       + layer.input_matrix[:, 1:] @ layer.weights_matrix[1:, 2])
    panel.undo_button.click()
    panel.undo_button.click()
    assert np.array_equal(panel.network.state, before)


@pytest.mark.parametrize("field, value, message", [
    ("layers", "0", "between 1 and"), ("layers", "-3", "between 1 and"),
    ("layers", "8,,4", "empty place"), ("layers", "1e9", "between 1 and"),
    ("layers", "abc", "whole number"), ("layers", "", "empty"),
    ("layers", "8, 2", "last layer has 2 neurons"),
    ("learning_rate", "nan", "learning rate"), ("learning_rate", "0", "learning rate"),
    ("learning_rate", "abc", "learning rate"), ("seed", "-1", "seed"),
])
def test_bad_values_keep_the_network_on_screen(panel, field, value, message):
    panel.granularity.value = "iteration"
    panel.step_button.click()
    network, state = panel.network, panel.network.state.copy()
    getattr(panel.controls, field).value = value
    panel.controls.form.click()
    assert message in panel.controls.message.value
    assert panel.network is network and np.array_equal(network.state, state)
    panel.step_button.click()  # stepping still works (or refuses a bad learning rate)
    if field != "learning_rate":
        assert panel.network.iteration == 2


@pytest.mark.parametrize("dataset", DATASET_NAMES)
def test_every_dataset_forms_and_steps(dataset):
    outputs = load_dataset(dataset, samples=50 if dataset == "mnist" else None).targets.shape[1]
    panel = Panel(dataset=dataset, layers=f"6, {outputs}", hidden="tanh", output="sigmoid")
    assert panel.network.layers_vector[-1] == outputs, panel.controls.message.value
    panel.granularity.value = "iteration"
    panel.step_button.click()
    assert np.isfinite(panel.network.cost)


@pytest.mark.parametrize("hidden", ActivationType.hidden())
def test_every_activation_forms(hidden):
    panel = Panel(layers="5, 3, 1", hidden=hidden.value, output="sigmoid")
    panel.controls.per_layer.value = f"{hidden.value}, tanh"
    panel.controls.form.click()
    assert [layer.activation for layer in panel.network.neural_layers][:2] == [
        hidden, ActivationType.TANH]


def test_train_then_reset_and_step_back(panel):
    panel.train(300)
    assert panel.network.iteration == 300 and len(panel.chart.marks[0].y) == 300
    panel.reset_button.click()
    assert panel.network.iteration == 0 and len(panel.chart.marks[0].y) == 0
    panel.undo_button.click()
    assert panel.network.iteration == 300


def test_divergence_is_a_message_and_the_learner_can_go_on(panel):
    panel.controls.learning_rate.value = "1e6"
    panel.controls.layers.value = "8, 1"
    panel.controls.output.value = ActivationType.LINEAR
    panel.controls.hidden.value = ActivationType.RELU
    panel.controls.form.click()
    panel.network.outputMatrix.flags.writeable = True
    panel.network.outputMatrix[...] *= 1e3
    panel.train(2000)
    assert "became non-finite" in panel.narration.value
    assert np.isfinite(panel.network.state).all()
    panel.undo_button.click()  # the whole run is one step back
    assert panel.network.iteration == 0
    panel.controls.learning_rate.value = "1e-6"
    panel.iteration_button.click()
    assert np.isfinite(panel.network.cost) and panel.network.iteration == 1


def test_training_in_chunks_can_be_stopped():
    async def scenario():
        panel = Panel()
        panel.iterations.value = "100000"
        task = panel.start_training()
        assert panel.stop_button.disabled is False and panel.step_button.disabled
        await asyncio.sleep(0.3)
        panel.stop_button.click()
        await task
        return panel

    panel = asyncio.run(scenario())
    assert 0 < panel.network.iteration < 100000
    assert panel.training.progress.value == panel.network.iteration
    assert "Stopped after" in panel.narration.value
    assert not panel.step_button.disabled and panel.stop_button.disabled
    panel.undo_button.click()  # one step back undoes the whole run
    assert panel.network.iteration == 0


def test_every_view_follows_the_view_interface_and_is_on_screen(panel):
    """A view is its module plus one entry in the panel's list (see CONTRIBUTING.md)."""
    from flux_widgets.widgets.closing import held_widgets
    from flux_widgets.widgets.view import View

    on_screen = {id(widget) for widget in held_widgets(panel)}
    assert len(panel.views) == len(set(map(id, panel.views))) >= 5
    for view in panel.views:
        assert isinstance(view, View), view
        for method in ("network_replaced", "step_happened"):
            assert getattr(type(view), method) is not getattr(View, method), (view, method)
        assert id(view.widget) in on_screen, f"{type(view).__name__}'s widget is not laid out"
    widgets_before = [view.widget for view in panel.views]
    assert panel.form_network() and panel.keep.use("flux1:xor:3,1:tanh:sigmoid:lr=0.5:seed=1")
    assert [view.widget for view in panel.views] == widgets_before  # drawn in place

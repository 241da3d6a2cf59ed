"""``Panel(network=…)`` and ``panel.show_network``: the panel shows a network formed in
code, its weights set by hand, and steps it to the very numbers the lesson computes with
Forward_Pass, Back_Propagation and Update_Parameters (issue 16 §1)."""

import copy
import html

import numpy as np
import pytest

pytest.importorskip("anywidget")
pytest.importorskip("ipycytoscape")

from ipywidgets.widgets.widget import _instances  # noqa: E402  (ipywidgets' open widgets)

from flux_widgets import checks  # noqa: E402
from flux_widgets.activations import ActivationType  # noqa: E402
from flux_widgets.costs import CostType  # noqa: E402
from flux_widgets.errors import ConfigurationError  # noqa: E402
from flux_widgets.network import (Back_Propagation, Form_Network, Forward_Pass,  # noqa: E402
                                  Update_Parameters)
from flux_widgets.stepper import Stepper  # noqa: E402
from flux_widgets.widgets.controls import NETWORK_CHOICE  # noqa: E402
from flux_widgets.widgets.panel import Panel  # noqa: E402

XOR_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_TARGETS = np.array([[0], [1], [1], [0]], dtype=float)
FORWARD = ("weight_and_input_matrix", "weight_input_bias_matrix", "activated_output_matrix")


def click(button):
    """A click as the browser sends it."""
    button._handle_button_msg(None, {"event": "click"}, [])


def hand_set_network(seed=0):
    """The lesson's 2-2-1 network: formed, then every weight and bias set by hand."""
    network = Form_Network([2, 1], XOR_INPUTS, XOR_TARGETS, "sigmoid", "sigmoid", seed=seed)
    first, second = network.neural_layers
    first.weights_matrix = [[1.0, -1.0], [-1.0, 1.0]]
    first.bias_matrix = [[0.0, 0.5]]
    second.weights_matrix = [[2.0], [-2.0]]
    second.bias_matrix = [[0.0]]
    return network


def steps_as_the_engine(panel, by_hand, learning_rate=0.5, iterations=3):
    """Three iterations, pass by pass, by the panel's buttons, each the very numbers of
    Forward_Pass, Back_Propagation and Update_Parameters on ``by_hand``."""
    for _ in range(iterations):
        click(panel.forward_button)
        Forward_Pass(by_hand)
        assert panel.network.state.tobytes() == by_hand.state.tobytes()
        layer = panel.network.neural_layers[0]
        assert np.array_equal(layer.weight_and_input_matrix,
                              layer.input_matrix @ layer.weights_matrix)
        click(panel.backward_button)
        Back_Propagation(by_hand)
        assert panel.network.state.tobytes() == by_hand.state.tobytes()
        assert panel.network.cost == by_hand.cost
        click(panel.step_button if panel.granularity.value == "phase" else panel.iteration_button)
        Update_Parameters(by_hand, learning_rate)
        assert panel.network.state.tobytes() == by_hand.state.tobytes()


def message(widget):
    return html.unescape(widget.value)


@pytest.fixture
def given():
    return hand_set_network()


@pytest.fixture
def panel(given):
    panel = Panel(network=given, learning_rate=0.5)
    yield panel
    panel.close()


def test_the_panel_shows_the_network_given_with_its_hand_set_weights(panel, given):
    network = panel.network
    assert network is not given  # an exact copy: the lesson's network stays as it is
    assert network.state.tobytes() == given.state.tobytes()
    assert np.array_equal(network.neural_layers[0].weights_matrix, [[1, -1], [-1, 1]])
    assert panel.stepper.learning_rate == 0.5 and panel.stepper.position == 0
    assert "network given in code" in panel.narration.value
    assert "2(implicit)-2-1" in panel.narration.value
    # the settings show what can be shown of it; the dataset is its own data
    assert panel.controls.values() == {
        "layers": [2, 1], "hidden": network.hidden_activations[0],
        "output": network.output_activation, "learning_rate": 0.5,
        "dataset": NETWORK_CHOICE, "seed": 0, "init_scale": 1.0, "cost": CostType.MSE,
        "batch_size": None, "shuffle_seed": 0}
    assert panel.settings["dataset"] == NETWORK_CHOICE
    assert "Your network's data" in dict((v, k) for k, v in
                                         panel.controls.dataset_choice.options)[NETWORK_CHOICE]
    # the views: the diagram's edges, the output map (2 inputs), the tables, the inspector
    assert set(panel.diagram.edges) == {(1, 0, 0), (1, 0, 1), (1, 1, 0), (1, 1, 1),
                                        (2, 0, 0), (2, 1, 0)}
    assert panel.output_map.map is not None and panel.output_map.map.network is network
    assert "weights_matrix" in panel.tables.html.value
    panel.show_edge(2, 1, 0)
    assert "weights_matrix[1, 0]" in panel.info.value and "-2" in panel.info.value
    assert panel.undo_button.disabled  # nothing to undo yet


def test_a_cross_entropy_network_is_shown_with_its_cost_and_stepped_to_the_same_numbers():
    """Issue 17: a softmax output and cross-entropy (XOR, one-hot targets), weights by hand."""
    one_hot = np.hstack([1 - XOR_TARGETS, XOR_TARGETS])
    given = Form_Network([2, 2], XOR_INPUTS, one_hot, "tanh", "softmax", seed=1,
                         cost="cross_entropy")
    given.neural_layers[0].weights_matrix = [[1.0, -1.0], [-1.0, 1.0]]
    given.neural_layers[1].weights_matrix = [[2.0, -2.0], [-2.0, 2.0]]
    panel = Panel(network=given, learning_rate=0.5)
    network = panel.network
    assert network is not given and network.cost_type is CostType.CROSS_ENTROPY
    assert panel.controls.values() == {
        "layers": [2, 2], "hidden": ActivationType.TANH, "output": ActivationType.SOFTMAX,
        "learning_rate": 0.5, "dataset": NETWORK_CHOICE, "seed": 1, "init_scale": 1.0,
        "cost": CostType.CROSS_ENTROPY, "batch_size": None, "shuffle_seed": 0}
    by_hand = copy.deepcopy(given)
    assert by_hand.cost_type is CostType.CROSS_ENTROPY
    steps_as_the_engine(panel, by_hand)
    # the cost on the curve is cross-entropy's, not the MSE of the same outputs
    probabilities = by_hand.neural_layers[-1].activated_output_matrix
    assert panel.stepper.mse_values[-1] == by_hand.cost
    assert by_hand.cost != np.mean(np.sum((probabilities - one_hot) ** 2, axis=1))
    # Form network on the network's data keeps the cost shown
    panel.controls.seed.value = "4"
    click(panel.controls.form)
    assert panel.network.cost_type is CostType.CROSS_ENTROPY
    expected = Form_Network([2, 2], XOR_INPUTS, one_hot, "tanh", "softmax", seed=4,
                            cost="cross_entropy")
    assert panel.network.state.tobytes() == expected.state.tobytes()
    panel.close()


def test_each_step_gives_the_numbers_of_forward_pass_back_propagation_and_update(panel,
                                                                                 given):
    by_hand = copy.deepcopy(given)
    twin_of_given = given.state.tobytes()
    steps_as_the_engine(panel, by_hand)
    assert panel.stepper.mse_values[-1] == by_hand.cost and len(panel.stepper.mse_values) == 3
    assert given.state.tobytes() == twin_of_given  # the lesson's network never moved


def test_computation_by_computation_reaches_the_same_numbers(panel, given):
    by_hand = copy.deepcopy(given)
    panel.granularity.value = "computation"
    for _ in range(len(panel.stepper.computations)):
        click(panel.step_button)
    Forward_Pass(by_hand)
    Back_Propagation(by_hand)
    Update_Parameters(by_hand, 0.5)
    assert panel.network.state.tobytes() == by_hand.state.tobytes()
    # the first forward computation by hand: x·W with the round weights
    first = panel.network.neural_layers[0]
    assert np.array_equal(first.weight_and_input_matrix,
                          XOR_INPUTS @ np.array([[1, -1], [-1, 1]]))


def test_reset_returns_to_the_network_as_given_and_step_back_undoes_it(panel, given):
    as_given = given.state.tobytes()
    click(panel.iteration_button)
    click(panel.iteration_button)
    stepped = panel.network.state.tobytes()
    assert stepped != as_given
    click(panel.reset_button)
    assert panel.network.state.tobytes() == as_given
    assert panel.stepper.position == 0 and panel.stepper.mse_values == []
    click(panel.undo_button)  # Step back undoes the reset
    assert panel.network.state.tobytes() == stepped
    click(panel.undo_button)
    click(panel.undo_button)
    assert panel.network.state.tobytes() == as_given and panel.undo_button.disabled
    # changing the lesson's network afterwards changes nothing the panel resets to
    given.neural_layers[0].weights_matrix = [[9.0, 9.0], [9.0, 9.0]]
    click(panel.iteration_button)
    click(panel.reset_button)
    assert panel.network.state.tobytes() == as_given


def test_share_and_save_are_refused_with_a_message(panel, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    keep = panel.keep
    assert keep.shared.value == ""
    click(keep.share_button)
    assert keep.shared.value == ""
    text = message(keep.message)
    assert "⚠" in text and "given in code" in text and "cannot be shared or saved" in text
    assert "save_network(panel.network" in text
    keep.filename.value = "mine.npz"
    keep.message.value = ""
    click(keep.save_button)
    assert "cannot be shared or saved" in message(keep.message)
    assert not (tmp_path / "mine.npz").exists()
    with pytest.raises(ConfigurationError, match="given in code"):
        panel._state()


def test_form_network_forms_from_the_settings_on_the_networks_data(panel, given):
    panel.controls.layers.value = "3, 1"
    panel.controls.seed.value = "4"
    click(panel.controls.form)
    assert panel.network.layers_vector == [2, 3, 1]
    expected = Form_Network([3, 1], XOR_INPUTS, XOR_TARGETS, "sigmoid", "sigmoid", seed=4)
    assert panel.network.state.tobytes() == expected.state.tobytes()
    assert panel.settings["dataset"] == NETWORK_CHOICE
    click(panel.keep.share_button)  # formed on data given in code: still not shareable
    assert panel.keep.shared.value == ""
    assert "data of a network given in code" in message(panel.keep.message)
    # a bundled dataset: shared as usual
    panel.controls.dataset_choice.value = "xor"
    click(panel.controls.form)
    click(panel.keep.share_button)
    assert panel.keep.shared.value.startswith("flux1:xor:3,1:")


def test_show_network_replaces_the_network_of_a_panel(widget_callbacks_raise):
    panel = Panel(dataset="xor", layers="4, 1")
    panel.set_predicting(True)
    assert panel.step("computation") is None  # a question waits
    given = hand_set_network()
    shown = panel.show_network(given, learning_rate=0.25)
    assert shown is panel.network and shown.state.tobytes() == given.state.tobytes()
    assert panel.stepper.learning_rate == 0.25
    assert panel.controls.learning_rate.value == "0.25"
    assert panel.predicting.question is None
    # predict mode asks about the given network, and the answer runs its step
    assert panel.step("computation") is None
    question = panel.predicting.question
    verdict = panel.answer(question.choices[0] if question.choices else
                           (0, 0) if question.kind == "largest_change" else 0.5)
    assert verdict is not None and panel.stepper.position == 1
    by_hand = copy.deepcopy(given)
    Forward_Pass(by_hand)
    assert np.array_equal(panel.network.neural_layers[0].weight_and_input_matrix,
                          by_hand.neural_layers[0].weight_and_input_matrix)
    # without a learning rate: the one typed in the settings
    panel.controls.learning_rate.value = "0.125"
    panel.show_network(given)
    assert panel.stepper.learning_rate == 0.125
    panel.close()


def test_the_hints_and_the_inspector_work_on_a_given_network(panel):
    panel.set_hints(True)
    click(panel.iteration_button)
    panel.show_edge(1, 0, 1)
    click(panel.check_button)
    assert "weights_matrix[0, 1]" in panel.info.value
    panel.set_selected_weight(3.0)
    assert panel.network.neural_layers[0].weights_matrix[0, 1] == 3.0
    click(panel.undo_button)
    assert panel.network.neural_layers[0].weights_matrix[0, 1] != 3.0


def test_a_network_without_a_known_seed_shows_an_empty_seed():
    network = hand_set_network(seed=None)
    panel = Panel(network=network, learning_rate=1)
    assert panel.controls.seed.value == "" and panel.settings["seed"] is None
    click(panel.iteration_button)  # it steps as any other
    click(panel.controls.form)  # forming needs a seed typed: said beside the settings
    assert "the seed is empty" in message(panel.controls.message)
    assert panel.stepper.network.iteration == 1
    panel.close()


def test_a_one_layer_network_is_shown():
    network = Form_Network([1], XOR_INPUTS, XOR_TARGETS, "tanh", "sigmoid", seed=1)
    network.neural_layers[0].weights_matrix = [[1.0], [1.0]]
    panel = Panel(network=network, learning_rate=1)
    by_hand = copy.deepcopy(network)
    click(panel.iteration_button)
    Forward_Pass(by_hand)
    Back_Propagation(by_hand)
    Update_Parameters(by_hand, 1)
    assert panel.network.state.tobytes() == by_hand.state.tobytes()
    panel.close()


@pytest.mark.parametrize("network, pattern", [
    ("x", r"Panel\(network=\.\.\.\) needs a network made by Form_Network, got str"),
    (42, "got int"),
    ([[1, 2], [3, 4]], "got list"),
])
def test_what_is_no_network_is_refused_and_leaves_no_widget_open(network, pattern):
    before = len(_instances)
    with pytest.raises(ConfigurationError, match=pattern):
        Panel(network=network)
    assert len(_instances) == before


def test_a_stepper_is_refused_with_a_message_naming_it(given):
    before = len(_instances)
    with pytest.raises(ConfigurationError, match="got Stepper; write network = Form_Network"):
        Panel(network=Stepper(given, 0.5))
    assert len(_instances) == before


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_a_network_holding_inf_or_nan_is_refused(given, value):
    given.neural_layers[1].bias_matrix = [[value]]
    before = len(_instances)
    with pytest.raises(ConfigurationError, match="inf or nan in layer 2's bias_matrix.*finite"):
        Panel(network=given)
    assert len(_instances) == before


@pytest.mark.parametrize("rate", [0, -1, np.nan, "abc", ""])
def test_a_bad_learning_rate_is_refused(given, rate):
    before = len(_instances)
    with pytest.raises(ConfigurationError, match="learning rate"):
        Panel(network=given, learning_rate=rate)
    assert len(_instances) == before


def test_a_network_too_large_for_the_panels_copies_is_refused(given, monkeypatch):
    monkeypatch.setattr(checks, "MAX_NETWORK_BYTES", 3 * given.state.nbytes - 1)
    before = len(_instances)
    with pytest.raises(ConfigurationError, match="the panel keeps 3 copies of it"):
        Panel(network=given)
    assert len(_instances) == before


def test_show_network_refuses_and_keeps_the_network_on_screen(panel):
    shown, state = panel.network, panel.network.state.tobytes()
    broken = hand_set_network()
    broken.neural_layers[0].weights_matrix[0, 0] = np.nan
    for network, pattern in (("x", "show_network needs a network made by Form_Network"),
                             (broken, "inf or nan in layer 1's weights_matrix")):
        with pytest.raises(ConfigurationError, match=pattern):
            panel.show_network(network, 0.5)
        assert panel.network is shown and panel.network.state.tobytes() == state
    with pytest.raises(ConfigurationError, match="learning rate"):
        panel.show_network(hand_set_network(), 0)
    assert panel.network is shown

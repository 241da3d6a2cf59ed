"""The broken networks (flux_widgets/presets.py): every preset forms from its configuration
string, and every claim its question and explanation make holds on the network itself,
with margins far beyond the last bits a CPU may change.

Engine only: numpy, no widgets."""

import numpy as np
import pytest

from flux_widgets import Form_Network
from flux_widgets.activations import ActivationType
from flux_widgets.datasets import load_dataset
from flux_widgets.errors import ConfigurationError, NonFiniteError
from flux_widgets.presets import PRESETS, Preset, preset
from flux_widgets.session import configuration_string, parse_configuration_string
from flux_widgets.stepper import Stepper
from reference import reference_activation, reference_derivative


def formed(name, **changes):
    """The preset's network (its settings, ``changes`` applied) and a stepper on it."""
    settings = dict(preset(name).settings, **changes)
    data = load_dataset(settings["dataset"])
    network = Form_Network(settings["layers"], data.inputs, data.targets, settings["hidden"],
                           settings["output"], seed=settings["seed"],
                           init_scale=settings["init_scale"])
    return Stepper(network, settings["learning_rate"])


def forward(network):
    """``[a of layer 1, …, a of layer L]`` and the output, from the current weights, in
    plain numpy (the textbook activations)."""
    h, pre = network.neural_layers[0].input_matrix, []
    for layer in network.neural_layers:
        a = h @ layer.weights_matrix + layer.bias_matrix
        pre.append(a)
        h = reference_activation(layer.activation, a)
    return pre, h


def mse(output, targets):
    return float(np.mean((output - targets) ** 2))


# ---- every record ------------------------------------------------------------------


def test_there_are_three_presets_and_each_record_is_complete():
    assert list(PRESETS) == ["dead_relu", "saturated_sigmoid", "diverging"]
    for name, record in PRESETS.items():
        assert isinstance(record, Preset) and preset(name) is record
        for text in (record.label, record.configuration, record.question, record.explanation):
            assert isinstance(text, str) and text.strip() == text and text
        assert record.question.rstrip().endswith("?")
        assert configuration_string(record.settings) == record.configuration  # round trip
        assert parse_configuration_string(record.configuration) == record.settings


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_forms_with_its_settings(name):
    settings = preset(name).settings
    stepper = formed(name)
    network = stepper.network
    data = load_dataset(settings["dataset"])
    assert network.layers_vector == [data.inputs.shape[1], *settings["layers"]]
    assert stepper.learning_rate == settings["learning_rate"]
    kinds = [layer.activation for layer in network.neural_layers]
    assert kinds[-1] is settings["output"] and set(kinds[:-1]) == {settings["hidden"]}
    again = formed(name)  # the seed makes it the same network every time
    assert np.array_equal(network.state, again.network.state)


def test_an_unknown_preset_is_refused_naming_the_presets(refused):
    error = refused(lambda: preset("nope"), ConfigurationError, "nope")
    for name in PRESETS:
        assert name in str(error)
    refused(lambda: preset(""), ConfigurationError, "dead_relu")


# ---- dead_relu --------------------------------------------------------------------


def test_dead_relu_settings_are_the_ones_its_texts_name():
    settings = preset("dead_relu").settings
    assert settings["dataset"] == "xor" and settings["learning_rate"] == 20
    assert settings["layers"][1] == 2 and settings["hidden"] is ActivationType.RELU
    assert "learning rate of 20" in preset("dead_relu").question
    assert "layer of two ReLU neurons (layer 2)" in preset("dead_relu").question


def test_dead_relu_the_first_update_kills_layer_2_with_a_margin():
    stepper = formed("dead_relu")
    network = stepper.network
    pre, _ = forward(network)
    assert (pre[1] > 0).any(axis=0).all()  # as formed, both neurons are alive
    stepper.step("iteration")  # the first whole iteration, with its update
    pre, _ = forward(network)  # a = x·W + b with the updated weights
    a2 = pre[1]
    assert a2.shape == (4, 2)
    assert a2.max() < -1  # both neurons, all four samples, with a margin
    stepper.step("phase")  # the forward pass of iteration 2 computes the same
    assert np.allclose(network.neural_layers[1].weight_input_bias_matrix, a2, rtol=1e-12)


def test_dead_relu_nothing_before_the_dead_layer_learns_again():
    stepper = formed("dead_relu")
    network = stepper.network
    layers = network.neural_layers
    targets = np.asarray(load_dataset("xor").targets)
    stepper.step("iteration")
    frozen = [layer.weights_matrix.copy() for layer in layers[:2]] + \
             [layer.bias_matrix.copy() for layer in layers[:2]]
    output_biases = set()
    for iteration in range(2, 201):
        stepper.step("iteration")
        assert network.iteration == iteration
        for layer in layers[:2]:  # layer 1's and layer 2's dC_dw: exactly 0
            assert np.all(layer.dC_dw_matrix == 0) and np.all(layer.dC_db_matrix == 0)
        assert np.all(layers[1].dh_da_matrix == 0)  # h′(a) = 0: a ≤ 0 for every sample
        assert np.all(layers[1].activated_output_matrix == 0)
        output = layers[2].activated_output_matrix
        assert np.all(output == output[0, 0])  # the same number for all four samples
        assert network.cost >= 0.25  # never below the targets' variance
        assert mse(output, targets) == pytest.approx(network.cost, rel=1e-12)
        output_biases.add(float(layers[2].bias_matrix[0, 0]))
    assert np.var(targets) == 0.25
    for before, now in zip(frozen, [layer.weights_matrix for layer in layers[:2]] +
                           [layer.bias_matrix for layer in layers[:2]]):
        assert np.array_equal(before, now)  # stopped for good
    assert len(output_biases) > 1  # only the output's bias still changes
    assert min(stepper.mse_values[1:]) >= 0.25 and len(stepper.mse_values) == 200


def test_dead_relu_mse_of_iteration_1_is_before_the_layer_died():
    """The explanation's "never below 0.25" is about the dead network: iteration 1's MSE,
    computed before the first update, is the living network's (below 0.25 here)."""
    stepper = formed("dead_relu")
    stepper.step("iteration")
    assert stepper.mse_values[0] < 0.25
    assert (stepper.network.neural_layers[1].dh_da_matrix > 0).any()  # still alive then


def test_dead_relu_with_learning_rate_1_learns_xor():
    stepper = formed("dead_relu", learning_rate=1.0)
    stepper.train(300)
    assert stepper.mse_values[-1] < 0.05
    _, output = forward(stepper.network)
    targets = np.asarray(load_dataset("xor").targets)
    assert np.array_equal(output > 0.5, targets > 0.5)  # all four right


# ---- saturated_sigmoid ------------------------------------------------------------


def test_saturated_sigmoid_scale_really_is_20():
    settings = preset("saturated_sigmoid").settings
    assert settings["dataset"] == "parity4" and settings["output"] is ActivationType.SIGMOID
    assert settings["hidden"] is ActivationType.SIGMOID
    assert settings["init_scale"] == 20 and preset("saturated_sigmoid").configuration.endswith(
        ":scale=20")
    scaled, usual = formed("saturated_sigmoid"), formed("saturated_sigmoid", init_scale=1.0)
    for big, small in zip(scaled.network.neural_layers, usual.network.neural_layers):
        assert np.allclose(big.weights_matrix, 20 * small.weights_matrix, rtol=1e-12, atol=0)
        assert np.array_equal(big.bias_matrix, small.bias_matrix)
    assert "20 times the usual size" in preset("saturated_sigmoid").question


def test_saturated_sigmoid_output_is_flat_at_formation_and_after_a_backward_pass():
    stepper = formed("saturated_sigmoid")
    output = stepper.network.neural_layers[-1]
    assert output.activation is ActivationType.SIGMOID
    pre, _ = forward(stepper.network)
    assert np.abs(pre[-1]).min() > 10  # every sample
    assert reference_derivative(ActivationType.SIGMOID, pre[-1]).max() < 1e-4
    stepper.step("phase")
    stepper.step("phase")  # forward and backward
    assert stepper.next_computation.phase == "update"
    assert np.allclose(output.weight_input_bias_matrix, pre[-1], rtol=1e-12, atol=0)
    assert np.abs(output.weight_input_bias_matrix).min() > 10
    assert output.dh_da_matrix.max() < 1e-4 and output.dh_da_matrix.min() >= 0


def test_saturated_sigmoid_every_gradient_is_tiny_and_100_iterations_barely_move_the_mse():
    stepper, usual = formed("saturated_sigmoid"), formed("saturated_sigmoid", init_scale=1.0)
    stepper.step("iteration")
    usual.step("iteration")
    for tiny, normal in zip(stepper.network.neural_layers, usual.network.neural_layers):
        assert np.abs(tiny.dC_dw_matrix).max() < 1e-5  # tiny …
        assert np.abs(tiny.dC_dw_matrix).max() < 1e-2 * np.abs(normal.dC_dw_matrix).max()
    stepper.train(99)
    first, last = stepper.mse_values[0], stepper.mse_values[-1]
    assert len(stepper.mse_values) == 100
    assert abs(last - first) < 1e-6 * first  # almost where it started
    usual.train(99)  # the usual weights start on σ's slope, and learn
    assert usual.mse_values[-1] < first - 0.01


def test_saturated_sigmoid_usual_weights_start_on_the_slope():
    pre, _ = forward(formed("saturated_sigmoid", init_scale=1.0).network)
    assert reference_derivative(ActivationType.SIGMOID, pre[-1]).min() > 0.1


# ---- diverging --------------------------------------------------------------------


def test_diverging_settings_are_the_ones_its_texts_name():
    settings = preset("diverging").settings
    assert settings["learning_rate"] == 2 and settings["output"] is ActivationType.LINEAR
    assert settings["dataset"] == "parity4" and "4-bit parity" in preset("diverging").question
    assert "learning rate of 2" in preset("diverging").question


def test_diverging_goes_down_once_then_up_faster_and_faster_to_inf_within_ten():
    stepper = formed("diverging")
    steps = []
    for _ in range(10):
        step = stepper.step("iteration")
        steps.append(step)
        if step.non_finite:
            break
    costs = [step.cost for step in steps]
    assert step.non_finite is not None and len(steps) <= 10  # stopped within ten
    assert all(s.non_finite is None for s in steps[:-1])  # the first step to make inf or nan
    assert costs[-1] == np.inf  # "too large for a float (inf)"
    finite = costs[:-1]
    assert finite[1] < finite[0]  # down once, from iteration 1 to 2
    rises = np.diff(finite[1:])
    assert (rises > 0).all() and len(rises) >= 3  # then up …
    assert (np.diff(rises) > 0).all()  # … faster and faster
    assert "⚠" in step.narration
    assert stepper.undo() and np.isfinite(stepper.network.state).all()  # Step back works


def test_diverging_training_stops_with_non_finite_error():
    stepper = formed("diverging")
    with pytest.raises(NonFiniteError):
        stepper.train(10)
    assert np.isfinite(stepper.network.state).all()  # put back to the last finite iteration


def test_diverging_with_learning_rate_a_quarter_comes_down():
    stepper = formed("diverging", learning_rate=0.25)
    stepper.train(100)
    assert np.isfinite(stepper.mse_values).all()
    assert stepper.mse_values[-1] < stepper.mse_values[0]
    assert stepper.mse_values[-1] < 0.9 * stepper.mse_values[0]  # with a margin

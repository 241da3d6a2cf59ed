"""The engine's defects of issue 12, each reproduced and fixed.

- training that finishes a started iteration checks it as every iteration is checked
  (it may leave nothing inf behind, nor a narration of a cost that went to 1e19);
- overflow in a finite-difference check or a derivation is the kit's NonFiniteError,
  never a numpy warning;
- a value no float64 holds (10**400) is a ConfigurationError, never an OverflowError;
- the settings the issue found answered differently in two places now get one answer;
- a saved network keeps loading whatever whole seed an older version stored.
"""

import math
import warnings

import numpy as np
import pytest

import flux_widgets as fw
from flux_widgets import (ConfigurationError, Form_Network, FluxError, Learn, NonFiniteError,
                          derive_bias_gradient, derive_weight_gradient, finite_difference)
from flux_widgets.checks import number_text
from flux_widgets.datasets import load_dataset
from flux_widgets.derivation import check_gradients
from flux_widgets.session import parse_seed
from flux_widgets.stepper import Stepper

XOR = load_dataset("xor")
HIDDEN = ["linear", "swish", "sigmoid", "tanh", "relu", "leaky_relu", "elu"]


@pytest.fixture(autouse=True)
def no_warning_reaches_the_learner():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def linear_network(hidden="linear", output="linear"):
    return Form_Network([3, 1], XOR.inputs, XOR.targets, hidden, output, seed=0)


def everything(stepper):
    """All a stepper holds: the state, the counters, the position, the curve, the history."""
    network = stepper.network
    return (network.state.tobytes(), network.cost if math.isfinite(network.cost) else "nan",
            network.iteration, stepper.position, list(stepper.mse_values),
            list(stepper.iteration_points), len(stepper._history), stepper.last_step)


# ---- training that finishes a started iteration ----------------------------------------

def half_way_to_divergence():
    """η = 1e308 and one weight of 1e10, the forward and backward passes stepped: the
    update that finishes the iteration overflows."""
    stepper = Stepper(linear_network(), 1e308)
    stepper.set_parameter(1, "weights_matrix", 0, 0, 1e10)
    stepper.step("phase")
    stepper.step("phase")
    assert np.isfinite(stepper.network.state).all()
    return stepper


@pytest.mark.parametrize("iterations", [1, 5])
def test_training_that_finishes_a_diverging_iteration_puts_everything_back(iterations):
    stepper = half_way_to_divergence()
    before = everything(stepper)
    with pytest.raises(NonFiniteError) as caught:
        stepper.train(iterations)
    message = str(caught.value)
    assert message.startswith("training stopped in iteration 1: finishing it, layer 1's "), message
    assert "The learning rate 1e+308 is probably too large" in message
    assert "put back as it was before training, part-way through iteration 1" in message
    assert (caught.value.iteration, caught.value.layer) == (1, 1)
    assert everything(stepper) == before  # bit for bit, and no undo step was added
    assert np.isfinite(stepper.network.state).all()
    # the history is as it was: one step back undoes the backward pass
    stepper.undo()
    assert stepper.position == len([c for c in stepper.computations if c.phase == "forward"])


def test_no_narration_reports_a_diverged_training_as_trained():
    stepper = half_way_to_divergence()
    with pytest.raises(NonFiniteError):
        stepper.train(1)
    assert stepper.last_step is None or "Trained" not in stepper.last_step.narration


def test_training_that_finishes_a_finite_iteration_is_training_from_its_start():
    stepper = Stepper(linear_network("tanh", "sigmoid"), 0.5)
    stepper.step("phase")
    stepper.step("layer")
    step = stepper.train(4)
    twin = linear_network("tanh", "sigmoid")
    mse_values, _ = Learn(twin, 0.5, 4)
    assert stepper.network.state.tobytes() == twin.state.tobytes()
    assert stepper.mse_values == list(mse_values) and stepper.iteration_points == [1, 2, 3, 4]
    assert step.narration.startswith("Trained to iteration 4 with learning rate 0.5")
    stepper.undo()
    assert stepper.network.iteration == 0 and stepper.mse_values == []


def test_a_later_iteration_that_diverges_is_reported_by_learn_truthfully():
    """The started iteration finishes finite; the next one overflows: Learn puts the network
    back as it was after iteration 1, and it is finite."""
    stepper = Stepper(linear_network(), 1e150)
    stepper.step("phase")
    with pytest.raises(NonFiniteError, match="put back as it was after iteration 1"):
        stepper.train(5)
    assert np.isfinite(stepper.network.state).all() and stepper.network.iteration == 1
    assert stepper.iteration_points == [1]


# ---- overflow in a check or a derivation: NonFiniteError, no numpy warning -------------

def huge(hidden, value=1e300):
    network = linear_network(hidden)
    for layer in network.neural_layers:
        layer.weights_matrix[...] = value
    return network


@pytest.mark.parametrize("hidden", HIDDEN)
def test_a_finite_difference_that_overflows_is_a_non_finite_error(hidden):
    network = huge(hidden)
    before = network.state.copy()
    for layer, parameter in ((1, "weights"), (2, "weights"), (1, "bias")):
        with pytest.raises(NonFiniteError, match="overflows: the weights are too large for "
                                                 "float64 .*step back or lower the learning"):
            finite_difference(network, layer, parameter, 0, 0)
    assert network.state.tobytes() == before.tobytes()


@pytest.mark.parametrize("hidden", HIDDEN)
def test_checking_the_gradients_of_huge_weights_is_a_non_finite_error(hidden):
    network = huge(hidden)
    before = network.state.copy()
    with pytest.raises(NonFiniteError, match="backpropagation overflows"):
        check_gradients(network)
    assert network.state.tobytes() == before.tobytes()


def test_a_finite_difference_of_weights_that_already_diverged_says_so():
    stepper = Stepper(linear_network(), 1e308)
    stepper.set_parameter(1, "weights_matrix", 0, 0, 1e10)
    stepper.step("iteration")  # reported in the step, not raised
    assert not np.isfinite(stepper.network.state).all()
    with pytest.raises(NonFiniteError, match="holds inf or nan since a step diverged; step "
                                             "back to a finite state first"):
        finite_difference(stepper.network, 2, "weights", 0, 0)


@pytest.mark.parametrize("hidden", HIDDEN)
def test_the_derivation_of_an_edge_of_a_diverged_network_shows_its_numbers(hidden):
    """What the diagram's edge summary calls: no warning, the stored inf/nan as they are."""
    stepper = Stepper(huge(hidden), 0.5)
    stepper.step("phase")
    stepper.step("phase")  # the passes overflow: reported by the stepper, silently
    for layer in (1, 2):
        derivation = derive_weight_gradient(stepper.network, layer, 0, 0)
        assert derivation.text()  # printable
        derive_bias_gradient(stepper.network, layer, 0).text()


def test_a_derivation_whose_own_arithmetic_overflows_is_a_non_finite_error():
    network = linear_network()
    fw.Forward_Pass(network)
    fw.Back_Propagation(network)
    layer = network.neural_layers[0]
    layer.dC_dy_matrix[:, 0] = 1e200  # finite factors, stored finite, a product past 1e308
    layer.dh_da_matrix[:, 0] = 1e200
    with pytest.raises(NonFiniteError, match="the derivation of layer 1's dC_dw_matrix "
                                             "overflows"):
        derive_weight_gradient(network, 1, 1, 0)


# ---- 10**400: a ConfigurationError, never an OverflowError ---------------------------

@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 10 ** 400, -10 ** 400, True,
                                   "1.0", None], ids=number_text)
def test_setting_a_weight_no_float64_holds_is_refused_and_changes_nothing(value):
    stepper = Stepper(linear_network(), 0.5)
    stepper.step("layer")
    before = everything(stepper)
    with pytest.raises(ConfigurationError, match="^a weight must be a finite number, got "):
        stepper.set_parameter(1, "weights_matrix", 0, 0, value)
    with pytest.raises(ConfigurationError, match="^a bias must be a finite number, got "):
        stepper.set_parameter(1, "bias_matrix", 0, 0, value)
    assert everything(stepper) == before


@pytest.mark.parametrize("value", [1e308, -1e308, 10 ** 300, np.float32(2.5), np.int64(-3)],
                         ids=number_text)
def test_setting_any_finite_weight_is_accepted(value):
    stepper = Stepper(linear_network(), 0.5)
    stepper.set_parameter(np.int64(1), "weights_matrix", np.int64(0), 0, value)
    assert stepper.network.neural_layers[0].weights_matrix[0, 0] == float(value)


HUGE_REALS = {
    "Stepper's learning rate": lambda: setattr(Stepper(linear_network()), "learning_rate",
                                               10 ** 400),
    "Stepper(…, 10**400)": lambda: Stepper(linear_network(), 10 ** 400),
    "Learn": lambda: Learn(linear_network(), 10 ** 400, 1),
    "Update_Parameters": lambda: fw.Update_Parameters(linear_network(), 10 ** 400),
    "finite_difference's epsilon": lambda: finite_difference(linear_network(), 1, "weights",
                                                             0, 0, epsilon=10 ** 400),
    "check_gradients' rtol": lambda: check_gradients(linear_network(), rtol=10 ** 400),
    "check_gradients' epsilon": lambda: check_gradients(linear_network(), epsilon=10 ** 400),
    "train_test_split": lambda: fw.train_test_split(XOR, 10 ** 400),
    "Stepper.resume's curve": lambda: Stepper(linear_network()).resume(0, [10 ** 400], [1]),
    "Learn's iterations": lambda: Learn(linear_network(), 0.5, 10 ** 400),
    "Stepper.train": lambda: Stepper(linear_network()).train(10 ** 400),
    "Stepper's history_limit": lambda: Stepper(linear_network(), history_limit=-10 ** 400),
    "a layer of 10**400": lambda: Form_Network([10 ** 400, 1], XOR.inputs, XOR.targets),
    "a seed of 10**400": lambda: Form_Network([1], XOR.inputs, XOR.targets, seed=10 ** 400),
    "derive_weight_gradient's row": lambda: derive_weight_gradient(linear_network(), 1,
                                                                   10 ** 400, 0),
    "load_dataset's samples": lambda: load_dataset("iris", samples=10 ** 400),
    "matrix_text's digits": lambda: fw.text.matrix_text(np.eye(2), digits=-10 ** 400),
}


@pytest.mark.parametrize("call", HUGE_REALS.values(), ids=HUGE_REALS)
def test_a_number_no_float64_holds_is_a_configuration_error(call):
    with pytest.raises(ConfigurationError):
        call()


def test_the_plotter_reports_a_huge_size_without_raising(capsys):
    assert fw.MSEGraphPlotter.plotMSEvsIterations([0.3, 0.2], [1, 2], width=10 ** 400) is None
    assert "width must be a whole number from 1 to 1,000, got 1e+400" in capsys.readouterr().out


def test_a_huge_scalar_is_refused_as_any_bad_scalar():
    with pytest.raises(fw.errors.OperandTypeError,
                       match="the scalar must be a number a float64 holds, got 1e\\+400"):
        fw.Matrix_Scalar_Multiply(np.ones((2, 2)), 10 ** 400)


def test_a_saved_cost_no_float64_holds_is_a_storage_error(tmp_path):
    import io
    import json
    network = linear_network()
    path = tmp_path / "net.npz"
    fw.save_network(network, path)
    with np.load(path) as archive:
        arrays = {name: archive[name] for name in archive.files}
    meta = json.loads(arrays.pop("meta").item())
    meta["cost"] = 10 ** 400
    buffer = io.BytesIO()
    np.savez(buffer, meta=np.array(json.dumps(meta)), **arrays)
    path.write_bytes(buffer.getvalue())
    with pytest.raises(fw.StorageError, match="cost should be a finite number"):
        fw.load_network(path)


# ---- one answer where the issue found two ----------------------------------------------

def test_a_float_seed_is_refused_by_form_network_and_load_dataset_alike():
    messages = set()
    for call in (lambda: Form_Network([1], XOR.inputs, XOR.targets, seed=3.0),
                 lambda: load_dataset("circles", seed=3.0),
                 lambda: fw.train_test_split(XOR, 0.5, seed=3.0)):
        with pytest.raises(ConfigurationError) as caught:
            call()
        messages.add(str(caught.value))
    assert messages == {"the seed must be a whole number from 0 to 4,294,967,295, or None, "
                        "got 3.0; write it without the decimal point, as 3"}


def test_the_typed_seed_and_form_network_share_one_range():
    for seed in (0, 2 ** 32 - 1):
        assert parse_seed(str(seed)) == Form_Network([1], XOR.inputs, XOR.targets,
                                                     seed=seed).seed
    for seed in (2 ** 32, 2 ** 40):
        with pytest.raises(ConfigurationError):
            parse_seed(str(seed))
        with pytest.raises(ConfigurationError):
            Form_Network([1], XOR.inputs, XOR.targets, seed=seed)


def test_one_bad_learning_rate_gets_one_message():
    from flux_widgets.network import check_learning_rate
    from flux_widgets.session import parse_learning_rate

    messages = set()
    for call in (lambda: check_learning_rate(-0.5), lambda: Stepper(linear_network(), -0.5),
                 lambda: Learn(linear_network(), -0.5, 1)):
        with pytest.raises(ConfigurationError) as caught:
            call()
        messages.add(str(caught.value))
    assert messages == {"the learning rate must be a positive number such as 0.5, got -0.5"}
    with pytest.raises(ConfigurationError) as caught:
        parse_learning_rate("-0.5")
    assert str(caught.value) == ("the learning rate must be a positive number such as 0.5, "
                                 "not '-0.5'")


# ---- saved files keep loading -------------------------------------------------------

@pytest.mark.parametrize("seed", [2 ** 40, 2 ** 64 + 3, None, 0])
def test_a_saved_network_keeps_the_seed_an_older_version_stored(tmp_path, seed):
    """Before the one rule Form_Network took any whole seed ≥ 0: a file saved then loads,
    and its seed stays its label."""
    network = linear_network("tanh", "sigmoid")
    Learn(network, 0.5, 3)
    network.seed = seed
    path = tmp_path / "old.npz"
    fw.save_network(network, path)
    loaded, _ = fw.load_network(path)
    assert loaded.seed == seed
    assert loaded.state.tobytes() == network.state.tobytes()
    fw.save_network(loaded, tmp_path / "again.npz")  # and saves again


def test_only_the_kits_errors_come_out(refused):
    """Every refusal above is one of the kit's errors, with a message, and no numpy warning
    was raised as one (a call that raised nothing would fail here too)."""
    for name, call in HUGE_REALS.items():
        error = refused(call, FluxError, r"\S")
        assert "Traceback" not in str(error), name

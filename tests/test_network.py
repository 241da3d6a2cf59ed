"""Form_Network, the passes, Learn, Predict and their errors."""

import math

import numpy as np
import pytest

import flux_widgets as fw
from flux_widgets import (ActivationType, ConfigurationError, DataError, Form_Network,
                          Forward_Pass, Learn, NonFiniteError, Predict, ShapeError)
from flux_widgets.costs import CostType
from flux_widgets.__main__ import PARITY_SETTINGS
from flux_widgets.datasets import accuracy, load_dataset
from flux_widgets.layer import SEED_MATRIX_NAMES
from flux_widgets.matrix import record_operations
from flux_widgets.stepper import Stepper

from reference import parity4, refused

PARITY_X, PARITY_T = parity4()


def parity_network(seed=0, **kwargs):
    return Form_Network([8, 4, 1], PARITY_X, PARITY_T, "leaky_relu", "sigmoid", seed=seed,
                        **kwargs)


def test_the_shared_parity_data_is_the_bundled_parity4(parity_data):
    """conftest's ``parity_data`` (built from the definition) is what ``load_dataset`` gives."""
    bundled = load_dataset("parity4")
    assert parity_data.inputs.shape == (16, 4) and parity_data.targets.shape == (16, 1)
    assert np.array_equal(parity_data.inputs, bundled.inputs)
    assert np.array_equal(parity_data.targets, bundled.targets)
    assert parity_data.targets.sum() == 8  # half of the 4-bit numbers have an odd number of 1s


def test_implicit_input_layer_and_shapes():
    network = parity_network()
    assert network.layers_vector == [4, 8, 4, 1]
    assert len(network.neural_layers) == 3
    assert network.sample_size == 16
    assert network.outputMatrix.shape == (16, 1)
    expected = {  # layer 2 of 4-8-4-1 on 16 samples
        "input_matrix": (16, 8), "weights_matrix": (8, 4), "bias_matrix": (1, 4),
        "weight_and_input_matrix": (16, 4), "weight_input_bias_matrix": (16, 4),
        "activated_output_matrix": (16, 4), "dh_da_matrix": (16, 4), "dC_dy_matrix": (16, 4),
        "dC_da_matrix": (16, 4), "dC_dw_matrix": (8, 4), "dC_db_matrix": (1, 4)}
    layer = network.neural_layers[1]
    for name in SEED_MATRIX_NAMES:
        matrix = getattr(layer, name)
        assert matrix.shape == expected[name] and matrix.dtype == np.float64
    assert layer.input_matrix is network.neural_layers[0].activated_output_matrix
    assert "4(implicit)-8-4-1" in network.describe()


def test_initialisation_is_seeded_and_documented():
    a, b, c = parity_network(seed=3), parity_network(seed=3), parity_network(seed=4)
    assert np.array_equal(a.state, b.state)
    assert not np.array_equal(a.state, c.state)
    for layer in a.neural_layers:
        assert np.all(layer.bias_matrix == 0.01)  # the documented value, not the constant itself
    # He scale for the ReLU family: std ≈ sqrt(2 / n_in) over many draws
    wide = Form_Network([400], np.ones((2, 300)), np.ones((2, 400)), "relu", "relu", seed=0)
    assert wide.neural_layers[0].weights_matrix.std() == pytest.approx(math.sqrt(2 / 300),
                                                                        rel=0.02)


# The documented gains (network.py's docs), written here, not read from the records.
HE = {ActivationType.RELU, ActivationType.LEAKY_RELU, ActivationType.ELU, ActivationType.SWISH}


@pytest.mark.parametrize("hidden", [["relu", "tanh"], ["sigmoid", "leaky_relu"],
                                    ["elu", "linear"], ["swish", "swish"]])
@pytest.mark.parametrize("output", ["sigmoid", "relu"])
def test_initialisation_is_exactly_the_documented_draw(hidden, output):
    """W ~ Normal(0, gain² / n_in) drawn layer by layer, first to last, from one
    ``default_rng(seed)``; gain √2 for the ReLU family, 1 otherwise; every bias 0.01."""
    network = Form_Network([8, 4, 1], PARITY_X, PARITY_T, hidden, output, seed=11)
    rng = np.random.default_rng(11)
    for layer, kind in zip(network.neural_layers, [*hidden, output]):
        n_in, n_out = layer.weights_matrix.shape
        gain = math.sqrt(2) if ActivationType.parse(kind) in HE else 1.0
        drawn = rng.standard_normal((n_in, n_out)) * (gain / math.sqrt(n_in))
        np.testing.assert_allclose(layer.weights_matrix, drawn, rtol=1e-15, atol=0)
        assert np.all(layer.bias_matrix == 0.01)


def test_forward_pass_is_the_textbook_formula():
    network = parity_network()
    Forward_Pass(network)
    h = PARITY_X
    for layer in network.neural_layers:
        a = h @ layer.weights_matrix + layer.bias_matrix
        assert np.allclose(layer.weight_input_bias_matrix, a, rtol=1e-14, atol=0)
        h = layer.activated_output_matrix
    assert np.allclose(Predict(network, PARITY_X), network.output, rtol=1e-15, atol=0)


def test_cost_is_the_seeds_mse_over_samples():
    x = np.random.default_rng(0).normal(size=(5, 2))
    t = np.random.default_rng(1).normal(size=(5, 3))
    network = Form_Network([4, 3], x, t, "tanh", "linear", seed=0)
    Forward_Pass(network)
    cost = fw.Back_Propagation(network)
    assert cost == pytest.approx(np.sum((network.output - t) ** 2) / 5, rel=1e-14)
    assert network.neural_layers[-1].dC_dy_matrix == pytest.approx(2 * (network.output - t) / 5)


def test_hidden_dC_dy_is_computed_for_every_layer():
    network = parity_network()
    Forward_Pass(network)
    fw.Back_Propagation(network)
    layers = network.neural_layers
    for layer, following in zip(layers, layers[1:]):
        assert np.allclose(layer.dC_dy_matrix, following.dC_da_matrix @ following.weights_matrix.T)


def test_learn_reaches_full_accuracy_on_parity_with_documented_settings():
    data = load_dataset("parity4")
    s = PARITY_SETTINGS
    network = Form_Network(s["layers"], data.inputs, data.targets, s["hidden_activation"],
                           s["output_activation"], seed=s["seed"])
    mse, points = Learn(network, s["learning_rate"], s["iterations"])
    assert len(mse) == len(points) == s["iterations"]
    assert list(points[:3]) == [1, 2, 3] and network.iteration == s["iterations"]
    assert mse[-1] < mse[0] / 100
    assert accuracy(Predict(network, data.inputs), data.labels) == 1.0


def test_learn_continues_the_iteration_count_and_matches_one_long_run():
    one, two = parity_network(), parity_network()
    mse_long, _ = Learn(one, 0.5, 30)
    first, _ = Learn(two, 0.5, 10)
    second, points = Learn(two, 0.5, 20)
    assert list(points[[0, -1]]) == [11, 30]
    assert np.array_equal(np.concatenate([first, second]), mse_long)
    assert np.array_equal(one.state, two.state)


def test_predict_leaves_stored_matrices_alone_and_takes_any_number_of_rows():
    network = parity_network()
    Learn(network, 1.0, 50)
    before = network.state.copy()
    assert Predict(network, PARITY_X[:3]).shape == (3, 1)
    assert Predict(network, [1, 0, 1, 1]).shape == (1, 1)
    assert Predict(network, np.zeros((100, 4))).shape == (100, 1)
    assert np.array_equal(network.state, before)
    with pytest.raises(DataError, match="3 columns but the network takes 4"):
        Predict(network, np.zeros((2, 3)))
    with pytest.raises(DataError, match="not a finite number"):
        Predict(network, [[0, 1, np.nan, 0]])


def test_divergence_stops_names_the_matrix_and_rolls_back_to_the_last_finite_state():
    network = Form_Network([8, 1], PARITY_X, PARITY_T * 1e3, "relu", "linear", seed=1)
    reference = Form_Network([8, 1], PARITY_X, PARITY_T * 1e3, "relu", "linear", seed=1)
    with pytest.raises(NonFiniteError) as caught:
        Learn(network, 50.0, 1000)
    error = caught.value
    assert isinstance(error, ArithmeticError)
    assert error.iteration > 1
    assert error.matrix in ("cost",) + SEED_MATRIX_NAMES + ("weight_step_matrix",
                                                            "bias_step_matrix")
    assert f"iteration {error.iteration}" in str(error) and error.matrix in str(error)
    assert "learning rate 50" in str(error)
    # the network is exactly as after iteration - 1: replay that many on a twin
    finite = error.iteration - 1
    assert network.iteration == finite and len(error.mse_values) == finite
    mse, _ = Learn(reference, 50.0, finite)
    assert np.array_equal(network.state, reference.state)
    assert np.array_equal(error.mse_values, mse)
    assert np.isfinite(network.state).all()



@pytest.mark.parametrize("layers, hidden, scale, rate", [
    ([8, 1], "relu", 1e3, 50.0), ([8, 1], "tanh", 1e3, 30.0),  # the cost, after many iterations
    ([8, 4, 1], "swish", 1, 1e300), ([3, 1], "linear", 1, 1e200)])  # a matrix, in iteration 2
def test_divergence_names_the_matrix_that_stepping_the_iteration_finds_first(layers, hidden,
                                                                             scale, rate):
    """Learn's message names exactly the first non-finite matrix of the diverging iteration:
    the one met first when that iteration is stepped one computation at a time from the
    state Learn rolled back to (the stepper checks only what each computation wrote)."""
    network = Form_Network(layers, PARITY_X, PARITY_T * scale, hidden, "linear", seed=1)
    with pytest.raises(NonFiniteError) as caught:
        Learn(network, rate, 1000)
    error = caught.value
    stepper = Stepper(network, rate)
    step = stepper.step("computation")
    while step.non_finite is None:
        step = stepper.step("computation")
    assert (error.layer, error.matrix) == step.non_finite
    assert step.iteration == error.iteration
    what = "the cost" if error.layer is None else f"layer {error.layer}'s {error.matrix}"
    assert f"iteration {error.iteration}: {what} became non-finite" in str(error)


def test_divergence_in_the_first_iteration_restores_the_start():
    network = Form_Network([2, 1], PARITY_X, PARITY_T, "linear", "linear", seed=0)
    network.neural_layers[0].weights_matrix = np.full((4, 2), 1e200)
    network.neural_layers[1].weights_matrix = np.full((2, 1), 1e200)
    before = network.state.copy()
    with pytest.raises(NonFiniteError) as caught:
        Learn(network, 0.1, 5)
    assert caught.value.iteration == 1
    assert (caught.value.layer, caught.value.matrix) == (2, "weight_and_input_matrix")
    assert np.array_equal(network.state, before) and network.iteration == 0


@pytest.mark.parametrize("rate", [0, -0.1, math.nan, math.inf, "abc", None, True, "0.1"])
def test_learning_rate_must_be_positive_and_finite(rate):
    network = parity_network()
    with pytest.raises(ConfigurationError, match="learning rate"):
        Learn(network, rate, 10)
    with pytest.raises(ConfigurationError, match="learning rate"):
        fw.Update_Parameters(network, rate)


@pytest.mark.parametrize("iterations", [-1, 2.5, "10", None, True])
def test_iterations_must_be_whole(iterations):
    with pytest.raises(ConfigurationError, match="iterations"):
        Learn(parity_network(), 0.1, iterations)


@pytest.mark.parametrize("layers, message", [
    ([0, 1], "whole numbers ≥ 1"), ([-3, 1], "whole numbers ≥ 1"), ([8.5, 1], "8.5"),
    ([], "at least one"), ("8,4,1", "list of whole numbers"), (8, "list of whole numbers"),
    ([True, 1], "True"), ([8, 2], "last layer has 2 neurons"),
    ([10**9, 1], "more than the kit's limit"),
])
def test_bad_layer_sizes(layers, message):
    with pytest.raises(ConfigurationError, match=message):
        Form_Network(layers, PARITY_X, PARITY_T)


def test_bad_data_and_settings():
    with pytest.raises(DataError, match="16 samples .* but output_matrix has 15"):
        Form_Network([1], PARITY_X, PARITY_T[:15])
    with pytest.raises(DataError, match="row 2, column 1"):
        bad = PARITY_X.copy()
        bad[2, 1] = np.inf
        Form_Network([1], bad, PARITY_T)
    with pytest.raises(DataError, match="matrix of numbers"):
        Form_Network([1], [[1, 2], [3]], [1, 2])
    with pytest.raises(DataError, match="non-empty"):
        Form_Network([1], np.zeros((0, 3)), np.zeros((0, 1)))
    with pytest.raises(ConfigurationError, match="unknown activation 'softplus'"):
        Form_Network([1], PARITY_X, PARITY_T, "softplus")
    for sizes in ([3, 1], [1]):   # one activation for every hidden layer, even for none
        with pytest.raises(ConfigurationError, match="SOFTMAX is an output layer's activation; "
                                                     "choose another hidden activation"):
            Form_Network(sizes, PARITY_X, PARITY_T, "softmax")
    with pytest.raises(ConfigurationError, match="2 hidden activations were given for 1"):
        Form_Network([3, 1], PARITY_X, PARITY_T, ["tanh", "relu"])
    with pytest.raises(ConfigurationError, match="seed"):
        Form_Network([1], PARITY_X, PARITY_T, seed=-1)


def test_the_data_is_read_only_and_assignment_checks_shapes():
    network = parity_network()
    layer = network.neural_layers[0]
    with pytest.raises(ValueError):
        network.inputMatrix[0, 0] = 5
    with pytest.raises(fw.errors.ReadOnlyMatrixError, match="network's data"):
        layer.input_matrix = np.zeros((16, 4))
    with pytest.raises(ShapeError, match="4x8; cannot assign a matrix of shape 8x4"):
        layer.weights_matrix = np.zeros((8, 4))
    with pytest.raises(fw.errors.ReadOnlyMatrixError, match="view of bias_matrix"):
        layer.broadcasted_bias_matrix = np.zeros((16, 8))
    layer.weights_matrix = np.ones((4, 8))
    assert np.all(network.state[:32] == 1.0)  # written in place into the one block


def test_recording_shows_each_operation_on_named_matrices():
    network = parity_network()
    with record_operations(network.matrix_names()) as operations:
        Forward_Pass(network)
        fw.Back_Propagation(network)
        fw.Update_Parameters(network, 0.1)
    functions = [op.function for op in operations]
    assert functions[:3] == ["Matrix_Multiply", "Matrix_Add", "Activate[LEAKY_RELU]"]
    first = operations[0]
    assert first.result == "layer 1.weight_and_input_matrix"
    assert first.operands == ("layer 1.input_matrix", "layer 1.weights_matrix")
    assert first.shapes == ((16, 8), (16, 4), (4, 8))
    assert operations[1].operands[1] == "layer 1.broadcasted_bias_matrix"
    gradient = next(op for op in operations if op.result == "layer 1.dC_dw_matrix")
    assert gradient.operands == ("layer 1.input_transposed_matrix", "layer 1.dC_da_matrix")
    assert "matrix" not in [n for op in operations for n in op.names]  # everything has a name
    output_layer = [(op.function, op.result) for op in operations[9:13]]
    assert output_layer == [
        ("Matrix_Subtract", "layer 3.dC_dy_matrix"),
        ("Matrix_Mean_Squared_Error", f"{network.cost:.6g}"),
        ("Matrix_Scalar_Multiply", "layer 3.dC_dy_matrix"),
        ("Dh_Da[SIGMOID]", "layer 3.dh_da_matrix")]
    per_layer_backward = 4  # dh_da, dC_da, dC_dw, dC_db
    assert len(operations) == 9 + 3 + 3 * per_layer_backward + 2 + 3 * 4


def test_snake_case_aliases():
    assert fw.form_network is Form_Network and fw.learn is Learn
    layer = parity_network().neural_layers[0]
    assert layer.activate.__func__ is type(layer).Activate
    assert ActivationType.parse("Leaky_ReLU") is ActivationType.LEAKY_RELU


def test_a_deep_copy_is_an_exact_twin_that_trains_alike():
    import copy
    network = parity_network(seed=5)  # not 0: the seed a twin is formed with before its restore
    Learn(network, 1.0, 5)
    copied = copy.deepcopy(network)
    assert np.array_equal(copied.state, network.state) and copied.state is not network.state
    assert (copied.iteration, copied.seed) == (network.iteration, network.seed)
    assert copied.neural_layers[1].input_matrix is copied.neural_layers[0].activated_output_matrix
    assert np.shares_memory(copied.neural_layers[2].weights_matrix, copied.state)
    mine, _ = Learn(network, 1.0, 20)
    theirs, _ = Learn(copied, 1.0, 20)
    assert np.array_equal(mine, theirs) and np.array_equal(copied.state, network.state)


# --------------------------------------------------------------------------
# The cost: MSE (the default, unchanged) and cross-entropy; softmax's place.
# --------------------------------------------------------------------------

ONE_HOT = np.eye(3)[[0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0]]  # 16 x 3


@pytest.mark.parametrize("hidden", [["softmax"], ["tanh", "softmax"], ["softmax", "relu"]],
                         ids=str)
@pytest.mark.parametrize("cost", ["mse", "cross_entropy"])
def test_softmax_is_refused_as_a_hidden_activation(hidden, cost):
    number = hidden.index("softmax") + 1
    error = refused(lambda: Form_Network([5] * len(hidden) + [3], PARITY_X, ONE_HOT,
                                         hidden if len(hidden) > 1 else hidden[0], "softmax",
                                         cost=cost),
                    ConfigurationError, f"hidden layer {number} cannot use SOFTMAX" if
                    len(hidden) > 1 else "SOFTMAX is an output layer's activation; choose "
                                         "another hidden activation")
    assert "output layer's activation" in str(error)


@pytest.mark.parametrize("cost", ["mse", "cross_entropy"])
def test_a_softmax_output_needs_at_least_two_outputs(cost):
    error = refused(lambda: Form_Network([4, 1], PARITY_X, PARITY_T, "tanh", "softmax",
                                         cost=cost),
                    ConfigurationError, "SOFTMAX output needs at least 2 outputs")
    assert "SIGMOID" in str(error)  # what to use instead
    network = Form_Network([4, 2], PARITY_X, np.column_stack([PARITY_T, 1 - PARITY_T]),
                           "tanh", "softmax", cost=cost)  # two outputs are enough
    assert network.output_activation is ActivationType.SOFTMAX


@pytest.mark.parametrize("output", [kind for kind in ActivationType
                                    if kind not in (ActivationType.SOFTMAX,
                                                    ActivationType.SIGMOID)],
                         ids=lambda k: k.name)
def test_cross_entropy_needs_a_softmax_or_sigmoid_output(output):
    refused(lambda: Form_Network([4, 1], PARITY_X, PARITY_T, "tanh", output,
                                 cost="cross_entropy"),
            ConfigurationError,
            f"cross-entropy needs a SOFTMAX or SIGMOID output, not {output.name}")


def test_cross_entropy_with_softmax_needs_target_rows_summing_to_one():
    halves = ONE_HOT * 0.5
    error = refused(lambda: Form_Network([4, 3], PARITY_X, halves, "tanh", "softmax",
                                         cost="cross_entropy"),
                    DataError, "each target row to sum to 1")
    assert "row 0 sums to 0.5" in str(error)
    two_classes = ONE_HOT.copy()
    two_classes[5, 0] = 1.0  # row 5: 1 + 1
    refused(lambda: Form_Network([4, 3], PARITY_X, two_classes, "tanh", "softmax",
                                 cost="cross_entropy"),
            DataError, "row 5 sums to 2")
    # probabilities summing to 1 are accepted, and so is any row sum under MSE
    soft = np.full((16, 3), 1 / 3)
    Form_Network([4, 3], PARITY_X, soft, "tanh", "softmax", cost="cross_entropy")
    Form_Network([4, 3], PARITY_X, halves, "tanh", "softmax", cost="mse")


@pytest.mark.parametrize("output, targets, shown", [
    ("sigmoid", PARITY_T * 2.0, "from 0 to 2"),
    ("sigmoid", PARITY_T - 0.5, "from -0.5 to 0.5"),
    ("softmax", np.column_stack([PARITY_T * 2.0, 1.0 - PARITY_T * 2.0]), "from -1 to 2"),
], ids=["sigmoid-above", "sigmoid-below", "softmax-outside"])
def test_cross_entropy_needs_targets_between_zero_and_one(output, targets, shown):
    error = refused(lambda: Form_Network([4, targets.shape[1]], PARITY_X, targets, "tanh",
                                         output, cost="cross_entropy"),
                    DataError, "cross-entropy needs targets between 0 and 1")
    assert shown in str(error).replace("−", "-")


@pytest.mark.parametrize("cost", ["log_loss", "", None, 2])
def test_an_unknown_cost_is_refused(cost):
    refused(lambda: Form_Network([4, 1], PARITY_X, PARITY_T, cost=cost),
            ConfigurationError, "unknown cost")


@pytest.mark.parametrize("cost", ["cross_entropy", "Cross-Entropy", CostType.CROSS_ENTROPY])
def test_a_cross_entropy_network_says_so(cost):
    network = parity_network(cost=cost)
    assert network.cost_type is CostType.CROSS_ENTROPY
    assert network.describe().endswith(", cost cross-entropy")
    assert "cost" not in parity_network().describe()
    import copy
    twin = copy.deepcopy(network)
    assert twin.cost_type is CostType.CROSS_ENTROPY
    mine, _ = Learn(network, 1.0, 10)
    theirs, _ = Learn(twin, 1.0, 10)
    assert np.array_equal(mine, theirs) and np.array_equal(twin.state, network.state)


@pytest.mark.parametrize("output", ["sigmoid", "softmax", "tanh"])
def test_mse_is_unchanged_bit_for_bit(output):
    """A network formed without ``cost`` and with ``cost="mse"`` (or ``CostType.MSE``)
    train to exactly the same state and costs."""
    targets = np.column_stack([PARITY_T, 1 - PARITY_T])
    networks = [Form_Network([8, 4, 2], PARITY_X, targets, "leaky_relu", output, seed=6,
                             **extra)
                for extra in ({}, {"cost": "mse"}, {"cost": CostType.MSE})]
    runs = [Learn(network, 1.0, 20) for network in networks]
    for network, (mse, points) in zip(networks[1:], runs[1:]):
        assert network.cost_type is CostType.MSE
        assert np.array_equal(network.state, networks[0].state)
        assert np.array_equal(mse, runs[0][0]) and np.array_equal(points, runs[0][1])
    assert networks[0].cost_type is CostType.MSE


def test_mse_default_learns_parity_as_the_seed_does():
    default, explicit = parity_network(), parity_network(cost="mse")
    first, _ = Learn(default, 1.0, 20)
    second, _ = Learn(explicit, 1.0, 20)
    assert np.array_equal(default.state, explicit.state) and np.array_equal(first, second)
    # the cost is the seed's MSE of the outputs before the last update
    Forward_Pass(default)
    assert fw.Back_Propagation(default) == pytest.approx(
        np.sum((default.output - PARITY_T) ** 2) / 16, rel=1e-14)


def test_cross_entropy_learns_parity_with_a_softmax_output():
    targets = np.column_stack([1 - PARITY_T, PARITY_T])
    network = Form_Network([8, 4, 2], PARITY_X, targets, "leaky_relu", "softmax", seed=1,
                           cost="cross_entropy")  # seed 0 stops in a local minimum
    costs, _ = Learn(network, 0.5, 2000)
    assert np.all(np.isfinite(costs)) and costs[-1] < costs[0] / 10
    assert accuracy(Predict(network, PARITY_X), load_dataset("parity4").labels) == 1.0

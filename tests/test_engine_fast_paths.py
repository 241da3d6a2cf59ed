"""The engine's fast paths give exactly what the one-matrix-at-a-time paths give."""

import numpy as np

import flux_widgets as fw
from flux_widgets import Form_Network, Learn
from flux_widgets.layer import Neural_Layer, matrix_shapes
from flux_widgets.matrix import record_operations
from reference import parity4

PARITY_X, PARITY_T = parity4()


def twins():
    return [Form_Network([8, 4, 1], PARITY_X, PARITY_T, "leaky_relu", "sigmoid", seed=3)
            for _ in range(2)]


def test_joined_update_writes_the_same_numbers_into_every_named_matrix():
    joined, separate = twins()
    for network in (joined, separate):
        for _ in range(3):
            fw.Forward_Pass(network)
            fw.Back_Propagation(network)
            for layer in network.neural_layers:
                if network is joined:
                    assert layer._joined_update is not None
                    layer.update_parameters(0.7)
                else:
                    layer.update_weights(0.7)
                    layer.update_bias(0.7)
    assert np.array_equal(joined.state, separate.state)  # bit for bit, steps included


def test_joined_views_read_the_named_matrices_themselves():
    layer = twins()[0].neural_layers[1]
    parameters, gradients, steps = layer._joined_update
    assert parameters.shape == gradients.shape == steps.shape == (1, 8 * 4 + 4)
    for view, first, second in ((parameters, "weights_matrix", "bias_matrix"),
                                (gradients, "dC_dw_matrix", "dC_db_matrix"),
                                (steps, "weight_step_matrix", "bias_step_matrix")):
        size = layer.matrices[first].size
        assert np.shares_memory(view[0, :size], layer.matrices[first])
        assert np.array_equal(view[0, :size], layer.matrices[first].ravel())
        assert np.array_equal(view[0, size:], layer.matrices[second].ravel())


def test_a_layer_of_separate_matrices_updates_one_matrix_at_a_time():
    shapes = matrix_shapes(16, 4, 1)
    matrices = {name: np.zeros(shape) for name, shape in shapes.items()}
    matrices["dC_dw_matrix"][...] = 1.0
    matrices["dC_db_matrix"][...] = 2.0
    layer = Neural_Layer(PARITY_X, matrices, "sigmoid")
    assert layer._joined_update is None
    layer.update_parameters(0.5)
    assert np.all(layer.weights_matrix == -0.5) and np.all(layer.bias_matrix == -1.0)


def test_a_recording_still_shows_the_four_updates_of_each_layer():
    network = twins()[0]
    fw.Forward_Pass(network)
    fw.Back_Propagation(network)
    with record_operations(network.matrix_names()) as operations:
        fw.Update_Parameters(network, 0.1)
    assert [op.result for op in operations[:4]] == [
        "layer 1.weight_step_matrix", "layer 1.weights_matrix",
        "layer 1.bias_step_matrix", "layer 1.bias_matrix"]
    assert len(operations) == 3 * 4


def test_learn_goes_on_when_a_finite_state_only_overflows_the_check():
    # a saturated sigmoid: its pre-activation 1e160 is finite, its square is not
    network = Form_Network([1], PARITY_X, PARITY_T, "linear", "sigmoid", seed=0)
    network.neural_layers[0].bias_matrix = [[1e160]]
    mse, points = Learn(network, 0.5, 3)
    assert np.isfinite(mse).all() and list(points) == [1, 2, 3]
    assert network.iteration == 3 and np.isfinite(network.state).all()
    assert network.neural_layers[0].weight_input_bias_matrix.max() >= 1e160


def test_a_layers_named_matrices_are_its_attributes_and_assignment_writes_in_place():
    layer = twins()[0].neural_layers[0]
    for name, matrix in layer.matrices.items():
        assert getattr(layer, name) is matrix  # the very matrix, not a copy
    weights = layer.weights_matrix
    layer.weights_matrix = np.ones((4, 8))
    assert layer.weights_matrix is weights and np.all(weights == 1.0)
    assert np.shares_memory(layer._joined_update[0], weights)

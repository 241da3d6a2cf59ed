"""The output map: a 2-feature network's output over the input plane (plain Python, no browser)."""

import warnings

import numpy as np
import pytest

pytest.importorskip("bqplot")

from flux_widgets.datasets import load_dataset  # noqa: E402
from flux_widgets.errors import ConfigurationError, DataError  # noqa: E402
from flux_widgets.network import Form_Network, Forward_Pass, Learn, Predict  # noqa: E402
from flux_widgets.widgets.output_map import (BINARY_COLORS, NON_FINITE_COLOR,  # noqa: E402
                                             OutputMap)


@pytest.fixture
def xor():
    return load_dataset("xor")


@pytest.fixture
def xor_network(xor):
    return Form_Network([4, 1], xor.inputs, xor.targets, "tanh", "sigmoid", seed=0)


@pytest.fixture
def iris2():
    """Iris on two features (sepal length and width, standardized): 150 x 2, 3 classes."""
    iris = load_dataset("iris")
    return iris.inputs[:, :2], iris.targets, iris.labels


def _grid_prediction(network, output_map):
    """``Predict`` on every grid point, computed here: R x R x k, [i, j] at (x[j], y[i])."""
    xs, ys = np.meshgrid(output_map.grid_x, output_map.grid_y)
    rows = np.column_stack([xs.ravel(), ys.ravel()])
    return Predict(network, rows).reshape(len(output_map.grid_y), len(output_map.grid_x), -1)


def _messages(widget):
    """Record the update messages a widget sends to the front end."""
    sent = []
    widget._send = lambda msg, buffers=None: sent.append(msg)
    return sent


def test_grid_spans_the_data_padded_and_values_are_predict(xor, xor_network):
    output_map = OutputMap(xor_network, xor.inputs, xor.labels)
    assert output_map.values.shape == (40, 40)
    for grid in (output_map.grid_x, output_map.grid_y):  # XOR spans 0 .. 1; padded by 10 %
        assert grid.shape == (40,) and (grid[0], grid[-1]) == pytest.approx((-0.1, 1.1))
    grid = _grid_prediction(xor_network, output_map)
    np.testing.assert_array_equal(output_map.values, grid[..., 0])
    i, j = 7, 31  # one cell, checked on its own: row i is grid_y[i], column j is grid_x[j]
    alone = Predict(xor_network, [output_map.grid_x[j], output_map.grid_y[i]])[0, 0]
    assert output_map.values[i, j] == pytest.approx(alone, rel=1e-12)
    heat_map = output_map.figure.marks[0]
    np.testing.assert_array_equal(heat_map.color, output_map.values)
    assert output_map.note == ""


def test_resolution_sets_the_grid(xor, xor_network):
    output_map = OutputMap(xor_network, xor.inputs, xor.labels, resolution=7)
    assert output_map.values.shape == (7, 7) and output_map.grid_x.shape == (7,)


def test_training_changes_the_colours_in_place(xor, xor_network):
    output_map = OutputMap(xor_network, xor.inputs, xor.labels)
    figure, marks = output_map.figure, list(output_map.figure.marks)
    scales = [dict(mark.scales) for mark in marks]
    heat_map = marks[0]
    before = np.array(heat_map.color)
    Learn(xor_network, 1.0, 300)
    sent_to_map, sent_to_scale = _messages(heat_map), _messages(heat_map.scales["color"])
    sent_to_mask, sent_to_axis = _messages(marks[1]), _messages(output_map.figure.axes[2])
    output_map.update()
    assert not np.array_equal(heat_map.color, before)
    grid = _grid_prediction(xor_network, output_map)
    np.testing.assert_array_equal(heat_map.color, grid[..., 0])
    assert output_map.figure is figure and output_map.figure.marks == marks
    assert [dict(mark.scales) for mark in marks] == scales
    assert len(sent_to_map) == 1 and "color" in sent_to_map[0]["state"]
    assert sent_to_mask == []  # nothing non-finite before or after: the grey layer is unchanged
    assert sent_to_scale == sent_to_axis == []  # sigmoid: the colour scale stays 0 .. 1


def test_update_leaves_the_network_bit_identical(xor, xor_network):
    Learn(xor_network, 1.0, 5)
    Forward_Pass(xor_network)  # so the work matrices hold numbers too
    state, inputs = xor_network.state.tobytes(), xor_network.inputMatrix.tobytes()
    output_map = OutputMap(xor_network, xor.inputs, xor.labels)
    output_map.update()
    assert xor_network.state.tobytes() == state
    assert xor_network.inputMatrix.tobytes() == inputs


def test_colour_scale_is_fixed_for_bounded_outputs_and_from_the_data_otherwise(xor):
    scales = {}
    for activation in ("sigmoid", "tanh", "linear"):
        network = Form_Network([3, 1], xor.inputs, xor.targets, "tanh", activation, seed=1)
        scale = OutputMap(network, xor.inputs, xor.labels).figure.marks[0].scales["color"]
        scales[activation] = (scale.min, scale.max)
    assert scales["sigmoid"] == (0.0, 1.0) and scales["tanh"] == (-1.0, 1.0)
    network = Form_Network([3, 1], xor.inputs, xor.targets, "tanh", "linear", seed=1)
    output_map = OutputMap(network, xor.inputs, xor.labels)
    scale = output_map.figure.marks[0].scales["color"]
    assert (scale.min, scale.max) == (output_map.values.min(), output_map.values.max())
    Learn(network, 0.1, 50)
    sent = _messages(scale)
    output_map.update()
    assert (scale.min, scale.max) == (output_map.values.min(), output_map.values.max())
    assert len(sent) == 1 and set(sent[0]["state"]) == {"min", "max"}


def test_points_are_coloured_by_label_with_an_outline(xor, xor_network, iris2):
    points = OutputMap(xor_network, xor.inputs, xor.labels).figure.marks[-1]
    np.testing.assert_array_equal(points.x, xor.inputs[:, 0])
    assert list(points.colors) == [BINARY_COLORS[label] for label in xor.labels]
    assert points.stroke and points.stroke_width > 0
    inputs, targets, labels = iris2
    network = Form_Network([8, 3], inputs, targets, "tanh", "sigmoid", seed=0)
    colors = OutputMap(network, inputs, labels).figure.marks[-1].colors
    assert len({colors[np.flatnonzero(labels == c)[0]] for c in range(3)}) == 3
    assert all(colors[n] == colors[np.flatnonzero(labels == labels[n])[0]] for n in range(150))


def test_multi_class_output_and_predicted_class(iris2):
    inputs, targets, labels = iris2
    network = Form_Network([8, 3], inputs, targets, "tanh", "sigmoid", seed=0)
    Learn(network, 0.5, 100)
    grid = None
    for output in (0, 2):
        output_map = OutputMap(network, inputs, labels, resolution=25, output=output)
        grid = _grid_prediction(network, output_map)
        np.testing.assert_array_equal(output_map.values, grid[..., output])
    classes = OutputMap(network, inputs, labels, resolution=25, output="class")
    np.testing.assert_array_equal(classes.values, grid.argmax(axis=2))
    scale = classes.figure.marks[0].scales["color"]
    assert (scale.min, scale.max) == (0.0, 2.0) and len(scale.colors) == 3
    assert set(np.unique(classes.values)) <= {0.0, 1.0, 2.0}


def test_predicted_class_of_one_output_is_above_one_half(xor, xor_network):
    Learn(xor_network, 1.0, 300)
    output_map = OutputMap(xor_network, xor.inputs, xor.labels, output="class")
    grid = _grid_prediction(xor_network, output_map)[..., 0]
    np.testing.assert_array_equal(output_map.values, (grid > 0.5).astype(float))
    assert list(output_map.figure.marks[0].scales["color"].colors) == list(BINARY_COLORS)


def test_a_network_without_two_features_is_refused():
    parity = load_dataset("parity4")
    network = Form_Network([8, 4, 1], parity.inputs, parity.targets, seed=0)
    with pytest.raises(ConfigurationError, match="2 input features.*has 4"):
        OutputMap(network, parity.inputs[:, :2], parity.labels)


@pytest.mark.parametrize("resolution", [0, 1, -5, 1.5, True, "40", None, 100_000])
def test_bad_resolution_is_refused(xor, xor_network, resolution):
    with pytest.raises(ConfigurationError, match="resolution must be a whole number from 2"):
        OutputMap(xor_network, xor.inputs, xor.labels, resolution=resolution)


@pytest.mark.parametrize("output", [1, -1, True, "klass", 0.0])
def test_bad_output_is_refused(xor, xor_network, output):
    with pytest.raises(ConfigurationError, match="output must be an output neuron 0 .. 0"):
        OutputMap(xor_network, xor.inputs, xor.labels, output=output)


def test_bad_inputs_or_labels_are_refused(xor, xor_network):
    with pytest.raises(DataError, match="N x 2"):
        OutputMap(xor_network, np.zeros((4, 3)), xor.labels)
    with pytest.raises(DataError, match="N x 2"):
        OutputMap(xor_network, np.zeros((0, 2)), [])
    with pytest.raises(DataError, match="N x 2"):
        OutputMap(xor_network, [[0, 0], [0, np.nan], [1, 0], [1, 1]], xor.labels)
    with pytest.raises(DataError, match="4 class indices"):
        OutputMap(xor_network, xor.inputs, [0, 1, 1])
    with pytest.raises(DataError, match="4 class indices"):
        OutputMap(xor_network, xor.inputs, [0.0, 1.0, 1.0, 0.0])


def test_non_finite_outputs_are_shown_grey_and_noted(xor):
    # y = 1.7e308 · x1: +inf where x1 > 1.06 (the last column of the grid), finite elsewhere
    network = Form_Network([1], xor.inputs, xor.targets, "linear", "linear", seed=0)
    network.neural_layers[0].weights_matrix[...] = [[1.7e308], [0.0]]
    network.neural_layers[0].bias_matrix[...] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        output_map = OutputMap(network, xor.inputs, xor.labels, resolution=10)
    overflowing = output_map.grid_x > 1.06
    assert overflowing.sum() == 1
    assert np.isnan(output_map.values[:, overflowing]).all()
    assert np.isfinite(output_map.values[:, ~overflowing]).all()
    missing = 10 * overflowing.sum()
    assert output_map.note.startswith(f"{missing} of 100 grid points have non-finite outputs")
    heat_map, mask = output_map.figure.marks[:2]
    assert np.isfinite(heat_map.color).all()  # bqplot would draw a nan cell in another colour
    np.testing.assert_array_equal(mask.color, np.isnan(output_map.values))
    assert list(mask.scales["color"].colors)[1] == NON_FINITE_COLOR
    scale = heat_map.scales["color"]
    assert np.isfinite([scale.min, scale.max]).all() and scale.max > scale.min
    assert (scale.min, scale.max) == (np.nanmin(output_map.values), np.nanmax(output_map.values))


def test_a_fully_diverged_network_does_not_raise(xor, xor_network):
    output_map = OutputMap(xor_network, xor.inputs, xor.labels)
    xor_network.neural_layers[0].weights_matrix[0, 0] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        output_map.update()
    assert np.isnan(output_map.values).all() and "1600 of 1600" in output_map.note
    assert (output_map.figure.marks[1].color == 1).all()
    xor_network.neural_layers[0].weights_matrix[0, 0] = 0.5
    output_map.update()
    assert output_map.note == "" and np.isfinite(output_map.values).all()
    assert (output_map.figure.marks[1].color == 0).all()

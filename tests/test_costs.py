"""Cost records (``flux_widgets.costs``): the seed's mean squared error, ``MSE``.

Oracles: the formula written out in plain numpy here,
``C = Σ (y − t)² / N`` and ``∂C/∂y = (2/N)(y − t)``, and central finite
differences of ``MSE.cost``. The network's last layer must compute exactly
the record's numbers.
"""

import dataclasses
import inspect

import numpy as np
import pytest

import flux_widgets as fw
from flux_widgets.costs import MSE, Cost
from flux_widgets.errors import ShapeError
from flux_widgets.matrix import _matrix_key, record_operations
from flux_widgets.network import network_cost
from test_activations import assert_latex_of

# (N, k): one output, several, more outputs than samples
SHAPES = [(16, 1), (5, 3), (3, 4), (1, 2)]
STEP = 1e-6


def outputs_and_targets(shape, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(0.05, 0.95, shape), rng.integers(0, 2, shape).astype(np.float64)


def plain_mse(y, t):
    """The textbook formula: sum over samples and outputs, divided by N only."""
    return float(np.sum((y - t) ** 2)) / y.shape[0]


def test_the_record_fields_are_the_ones_checked_here():
    """A new field of Cost needs its check in the test below."""
    assert {field.name for field in dataclasses.fields(Cost)} == {
        "name", "cost", "cost_and_dC_dy", "formula", "gradient_formula", "formula_latex",
        "gradient_formula_latex"}


def test_mse_record_is_complete():
    assert isinstance(MSE, Cost) and MSE.name == "MSE"
    assert callable(MSE.cost) and len(inspect.signature(MSE.cost).parameters) >= 2
    assert callable(MSE.cost_and_dC_dy)
    assert len(inspect.signature(MSE.cost_and_dC_dy).parameters) == 3
    assert MSE.formula == "C = (1/N)·Σ(y − t)²"
    assert MSE.gradient_formula == "∂C/∂y = (2/N)(y − t)"
    assert_latex_of(MSE.formula_latex, MSE.formula)
    assert_latex_of(MSE.gradient_formula_latex, MSE.gradient_formula)
    assert r"\frac{1}{N}" in MSE.formula_latex and r"\frac{2}{N}" in MSE.gradient_formula_latex


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_cost_matches_plain_numpy(shape):
    y, t = outputs_and_targets(shape)
    assert MSE.cost(y, t) == pytest.approx(plain_mse(y, t), rel=1e-14)
    assert type(MSE.cost(y, t)) is float


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_cost_and_dC_dy_writes_the_gradient_in_place(shape):
    y, t = outputs_and_targets(shape)
    y_before, t_before = y.copy(), t.copy()
    dC_dy = np.full(shape, np.nan)
    cost = MSE.cost_and_dC_dy(y, t, dC_dy)
    assert cost == MSE.cost(y, t)  # bit for bit
    np.testing.assert_array_equal(dC_dy, (y - t) * (2.0 / shape[0]))
    assert np.array_equal(y, y_before) and np.array_equal(t, t_before)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_dC_dy_matches_central_finite_differences(shape):
    y, t = outputs_and_targets(shape, seed=1)
    dC_dy = np.empty(shape)
    MSE.cost_and_dC_dy(y, t, dC_dy)
    slope = np.empty(shape)
    for index in np.ndindex(*shape):
        up, down = y.copy(), y.copy()
        up[index] += STEP
        down[index] -= STEP
        slope[index] = (MSE.cost(up, t) - MSE.cost(down, t)) / (2 * STEP)
    np.testing.assert_allclose(dC_dy, slope, rtol=1e-6, atol=1e-9)


def test_shapes_that_differ_are_refused():
    with pytest.raises(ShapeError):
        MSE.cost_and_dC_dy(np.ones((4, 2)), np.ones((4, 3)), np.empty((4, 2)))
    with pytest.raises(ShapeError):
        MSE.cost(np.ones((4, 2)), np.ones((2, 4)))


def test_cost_and_dC_dy_is_recorded_as_the_seeds_three_operations():
    y, t = outputs_and_targets((3, 2))
    dC_dy = np.empty((3, 2))
    names = {_matrix_key(y): "y", _matrix_key(t): "t", _matrix_key(dC_dy): "dC_dy"}
    with record_operations(names) as ops:
        cost = MSE.cost_and_dC_dy(y, t, dC_dy)
    assert [(op.function, op.result) for op in ops] == [
        ("Matrix_Subtract", "dC_dy"), ("Matrix_Mean_Squared_Error", f"{cost:.6g}"),
        ("Matrix_Scalar_Multiply", "dC_dy")]


def test_the_network_computes_the_records_numbers():
    inputs, targets = outputs_and_targets((6, 2), seed=2)
    network = fw.Form_Network([3, 2], inputs, targets, seed=3)
    fw.Forward_Pass(network)
    cost = fw.Back_Propagation(network)
    y = network.output
    assert cost == MSE.cost(y, targets) == network_cost(network)
    np.testing.assert_array_equal(network.neural_layers[-1].dC_dy_matrix,
                                  (y - targets) * (2.0 / 6))

"""Cost records (``flux_widgets.costs``): the seed's mean squared error, ``MSE``, and
``CROSS_ENTROPY`` (with a softmax or a sigmoid output).

Oracles: the formulas written out in plain numpy here,
``C = Σ (y − t)² / N`` and ``∂C/∂y = (2/N)(y − t)``; cross-entropy
``−Σ t·log p / N`` with p from a textbook softmax and
``−Σ [t·log y + (1 − t)·log(1 − y)] / N`` with y a textbook sigmoid; and central
finite differences of those. The network's last layer must compute exactly the
record's numbers.
"""

import dataclasses
import inspect
import math

import numpy as np
import pytest

import flux_widgets as fw
from flux_widgets.activations import ActivationType
from flux_widgets.costs import CROSS_ENTROPY, MSE, Cost, CostType
from flux_widgets.errors import ConfigurationError, FluxError, ShapeError
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
    """A new field of Cost needs its check in the tests below."""
    assert {field.name for field in dataclasses.fields(Cost)} == {
        "name", "label", "cost", "cost_and_dC_dy", "dC_da", "output_activations", "formula",
        "gradient_formula", "formula_latex", "gradient_formula_latex"}


FORMULA_FIELDS = ("formula", "gradient_formula", "formula_latex", "gradient_formula_latex")


def parameters(function):
    """``[(name, default)]`` of a function's parameters (``inspect.Parameter.empty``: none)."""
    return [(p.name, p.default) for p in inspect.signature(function).parameters.values()]


def assert_signatures(record):
    """cost(y, t, a=None, activation=None), cost_and_dC_dy(y, t, dC_dy, a=None,
    activation=None), formulas taking the output activation (optional)."""
    empty = inspect.Parameter.empty
    assert callable(record.cost)
    assert parameters(record.cost) == [("y", empty), ("t", empty), ("a", None),
                                       ("activation", None)]
    assert callable(record.cost_and_dC_dy)
    assert parameters(record.cost_and_dC_dy) == [("y", empty), ("t", empty), ("dC_dy", empty),
                                                 ("a", None), ("activation", None)]
    for field in FORMULA_FIELDS:
        function = getattr(record, field)
        assert callable(function) and len(inspect.signature(function).parameters) == 1
        assert function() == function(None)


def test_mse_record_is_complete():
    assert isinstance(MSE, Cost) and MSE.name == "mse" and MSE.label == "MSE"
    assert_signatures(MSE)
    assert MSE.dC_da is None  # the layer computes ∂C/∂a from ∂C/∂y and h'(a)
    assert MSE.output_activations is None  # any output activation
    for kind in [None, *ActivationType]:  # the same formulas for every output activation
        assert MSE.formula(kind) == "C = (1/N)·Σ(y − t)²"
        assert MSE.gradient_formula(kind) == "∂C/∂y = (2/N)(y − t)"
        assert MSE.formula_latex(kind) == MSE.formula_latex()
        assert MSE.gradient_formula_latex(kind) == MSE.gradient_formula_latex()
    assert_latex_of(MSE.formula_latex(), MSE.formula())
    assert_latex_of(MSE.gradient_formula_latex(), MSE.gradient_formula())
    assert r"\frac{1}{N}" in MSE.formula_latex() and r"\frac{2}{N}" in MSE.gradient_formula_latex()


def test_cross_entropy_record_is_complete():
    assert isinstance(CROSS_ENTROPY, Cost)
    assert CROSS_ENTROPY.name == "cross_entropy" and CROSS_ENTROPY.label == "cross-entropy"
    assert_signatures(CROSS_ENTROPY)
    assert callable(CROSS_ENTROPY.dC_da)
    assert parameters(CROSS_ENTROPY.dC_da) == [(name, inspect.Parameter.empty)
                                               for name in ("y", "t", "a", "activation", "out")]
    assert CROSS_ENTROPY.output_activations == ("softmax", "sigmoid")
    assert all(ActivationType.parse(name).value == name
               for name in CROSS_ENTROPY.output_activations)
    softmax, sigmoid = ActivationType.SOFTMAX, ActivationType.SIGMOID
    for field in FORMULA_FIELDS:  # one formula per output activation, for narration
        function = getattr(CROSS_ENTROPY, field)
        assert function(softmax) != function(sigmoid), field
    for kind in (softmax, sigmoid):
        for text_field in ("formula", "gradient_formula"):
            text = getattr(CROSS_ENTROPY, text_field)(kind)
            assert isinstance(text, str) and text == text.strip() and "N" in text
            assert_latex_of(getattr(CROSS_ENTROPY, f"{text_field}_latex")(kind), text)
        assert "log" in CROSS_ENTROPY.formula(kind)
        assert r"\log" in CROSS_ENTROPY.formula_latex(kind)
        assert r"\frac{1}{N}" in CROSS_ENTROPY.formula_latex(kind)
        assert r"\partial a" in CROSS_ENTROPY.gradient_formula_latex(kind)
    assert "log p" in CROSS_ENTROPY.formula(softmax)
    assert "(p − t)/N" in CROSS_ENTROPY.gradient_formula(softmax)
    assert "log(1 − y)" in CROSS_ENTROPY.formula(sigmoid)
    assert "(y − t)/N" in CROSS_ENTROPY.gradient_formula(sigmoid)


def test_cost_type_members_hold_the_records():
    assert [member.record for member in CostType] == [MSE, CROSS_ENTROPY]
    assert CostType.MSE.value == "mse" and CostType.CROSS_ENTROPY.value == "cross_entropy"
    for member in CostType:
        assert member.value == member.record.name
        assert CostType.parse(member) is member
        assert CostType.parse(member.value) is member
        assert CostType(member.value) is member


@pytest.mark.parametrize("text, member", [
    ("mse", CostType.MSE), ("MSE", CostType.MSE), (" Mse ", CostType.MSE),
    ("cross_entropy", CostType.CROSS_ENTROPY), ("cross-entropy", CostType.CROSS_ENTROPY),
    ("Cross Entropy", CostType.CROSS_ENTROPY), ("CROSS_ENTROPY", CostType.CROSS_ENTROPY),
])
def test_cost_type_parse_accepts_names_in_any_case(text, member):
    assert CostType.parse(text) is member


@pytest.mark.parametrize("value", ["crossentropy", "log_loss", "", None, 3, MSE], ids=repr)
def test_cost_type_parse_refuses_unknown_names_listing_the_valid_ones(value):
    with pytest.raises(ConfigurationError, match="unknown cost") as caught:
        CostType.parse(value)
    assert isinstance(caught.value, FluxError) and isinstance(caught.value, ValueError)
    for member in CostType:
        assert member.value in str(caught.value)


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


# --------------------------------------------------------------------------
# Cross-entropy against plain numpy.
# --------------------------------------------------------------------------

SOFTMAX, SIGMOID = ActivationType.SOFTMAX, ActivationType.SIGMOID
# (N, k) for a softmax output: k ≥ 2 classes
SOFTMAX_SHAPES = [(16, 2), (5, 3), (3, 4), (1, 2), (7, 10)]


def textbook_softmax(a):
    """p = e^a / Σ_k e^a, row by row (a row's largest entry subtracted: the same p)."""
    e = np.exp(a - a.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def textbook_sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def plain_categorical_cross_entropy(p, t):
    """−Σ_n Σ_j t·log p / N."""
    return float(-np.sum(t * np.log(p))) / p.shape[0]


def plain_binary_cross_entropy(y, t):
    """−Σ_n Σ_j [t·log y + (1 − t)·log(1 − y)] / N."""
    return float(-np.sum(t * np.log(y) + (1.0 - t) * np.log(1.0 - y))) / y.shape[0]


def plain_cross_entropy(a, t, activation):
    """The cross-entropy of the logits a, by the textbook formulas (not for saturated a)."""
    if activation is SOFTMAX:
        return plain_categorical_cross_entropy(textbook_softmax(a), t)
    return plain_binary_cross_entropy(textbook_sigmoid(a), t)


def logits_and_targets(shape, activation, seed=0, soft=False):
    """Logits in [−4, 4] and targets: one-hot rows (softmax) or 0/1 (sigmoid); ``soft``:
    random probabilities (softmax: each row summing to 1; sigmoid: in [0, 1])."""
    rng = np.random.default_rng(seed)
    a = rng.uniform(-4.0, 4.0, shape)
    if activation is SOFTMAX:
        if soft:
            t = rng.uniform(0.0, 1.0, shape)
            t /= t.sum(axis=1, keepdims=True)
        else:
            t = np.eye(shape[1])[rng.integers(0, shape[1], shape[0])]
    else:
        t = rng.uniform(0.0, 1.0, shape) if soft else rng.integers(0, 2, shape).astype(float)
    return a, t


def output_of(a, activation):
    return fw.activations.activate(activation, a, np.empty_like(a))


CASES = ([(SOFTMAX, shape) for shape in SOFTMAX_SHAPES]
         + [(SIGMOID, shape) for shape in SHAPES + [(7, 10)]])


def case_id(value):
    return value.name if isinstance(value, ActivationType) else str(value)


@pytest.mark.parametrize("soft", [False, True], ids=["hard", "soft"])
@pytest.mark.parametrize("activation, shape", CASES, ids=case_id)
def test_cross_entropy_cost_matches_plain_numpy(activation, shape, soft):
    a, t = logits_and_targets(shape, activation, seed=sum(shape), soft=soft)
    y = output_of(a, activation)
    cost = CROSS_ENTROPY.cost(y, t, a, activation)
    assert type(cost) is float
    assert cost == pytest.approx(plain_cross_entropy(a, t, activation), rel=1e-12)
    dC_dy = np.full(shape, np.nan)
    before = y.copy(), t.copy(), a.copy()
    assert CROSS_ENTROPY.cost_and_dC_dy(y, t, dC_dy, a, activation) == cost  # bit for bit
    for now, then in zip((y, t, a), before):
        assert np.array_equal(now, then)


@pytest.mark.parametrize("soft", [False, True], ids=["hard", "soft"])
@pytest.mark.parametrize("activation, shape", CASES, ids=case_id)
def test_cross_entropy_dC_da_matches_plain_numpy_and_finite_differences(activation, shape, soft):
    """∂C/∂a = (y − t)/N (y = p for softmax), and the central differences of the plain
    formula in each logit."""
    a, t = logits_and_targets(shape, activation, seed=sum(shape) + 1, soft=soft)
    y = output_of(a, activation)
    out = np.full(shape, np.nan)
    assert CROSS_ENTROPY.dC_da(y, t, a, activation, out) is out
    textbook = textbook_softmax(a) if activation is SOFTMAX else textbook_sigmoid(a)
    np.testing.assert_allclose(out, (textbook - t) / shape[0], rtol=1e-12, atol=1e-15)
    slope = np.empty(shape)
    for index in np.ndindex(*shape):
        up, down = a.copy(), a.copy()
        up[index] += STEP
        down[index] -= STEP
        slope[index] = (plain_cross_entropy(up, t, activation)
                        - plain_cross_entropy(down, t, activation)) / (2 * STEP)
    np.testing.assert_allclose(out, slope, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("soft", [False, True], ids=["hard", "soft"])
@pytest.mark.parametrize("activation, shape", CASES, ids=case_id)
def test_cross_entropy_dC_dy_matches_plain_numpy_and_the_chain_rule(activation, shape, soft):
    """∂C/∂y of the plain formula in y (softmax: −t/(N·p); sigmoid:
    (−t/y + (1 − t)/(1 − y))/N), by central differences too; times the activation's
    derivative (softmax: the whole Jacobian) it is dC_da."""
    a, t = logits_and_targets(shape, activation, seed=sum(shape) + 2, soft=soft)
    y = output_of(a, activation)
    N = shape[0]
    dC_dy = np.full(shape, np.nan)
    CROSS_ENTROPY.cost_and_dC_dy(y, t, dC_dy, a, activation)
    plain = plain_categorical_cross_entropy if activation is SOFTMAX else plain_binary_cross_entropy
    textbook = textbook_softmax(a) if activation is SOFTMAX else textbook_sigmoid(a)
    if activation is SOFTMAX:
        expected = -t / (N * textbook)
    else:
        expected = (-t / textbook + (1.0 - t) / (1.0 - textbook)) / N
    np.testing.assert_allclose(dC_dy, expected, rtol=1e-10, atol=1e-15)
    slope = np.empty(shape)
    for index in np.ndindex(*shape):
        up, down = textbook.copy(), textbook.copy()
        up[index] += STEP * textbook[index]  # a relative step: p may be small
        down[index] -= STEP * textbook[index]
        slope[index] = (plain(up, t) - plain(down, t)) / (2 * STEP * textbook[index])
    np.testing.assert_allclose(dC_dy, slope, rtol=1e-5, atol=1e-8)
    dC_da = CROSS_ENTROPY.dC_da(y, t, a, activation, np.empty(shape))
    if activation is SOFTMAX:
        chained = SOFTMAX.record.backward(a, y, dC_dy, np.empty(shape))
    else:
        chained = dC_dy * y * (1.0 - y)
    np.testing.assert_allclose(chained, dC_da, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("logit", [60.0, 200.0, 700.0, 1000.0, 1e4])
def test_cross_entropy_of_saturated_logits_is_finite_and_exact(logit):
    """Logits of ±60 or more round p and σ to exactly 0 or 1; the cost comes from the
    logits (log-sum-exp, softplus), so it is finite and exact, and so is dC_da. A
    confidently wrong sample costs about its logit: −log σ(−L) = softplus(L) ≈ L."""
    # softmax, 2 samples of 3 classes: the first confidently wrong, the second right
    a = np.array([[logit, -logit, 0.0], [0.0, logit, -logit]])
    t = np.array([[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]])
    y = output_of(a, SOFTMAX)
    cost = CROSS_ENTROPY.cost(y, t, a, SOFTMAX)
    # −log p of the wrong row: 2L + log(1 + e^(−L) + e^(−2L)); of the right row ≈ e^(−L)
    exact = (2 * logit + np.log1p(np.exp(-logit) + np.exp(-2 * logit))
             + np.log1p(np.exp(-logit) + np.exp(-2 * logit))) / 2
    assert math.isfinite(cost) and cost == pytest.approx(exact, rel=1e-12)
    dC_da = CROSS_ENTROPY.dC_da(y, t, a, SOFTMAX, np.empty_like(a))
    assert np.all(np.isfinite(dC_da))
    np.testing.assert_allclose(dC_da, (y - t) / 2, rtol=0, atol=0)
    # sigmoid: two outputs per sample, one confidently wrong each way, one right
    a = np.array([[logit, -logit], [logit, logit]])
    t = np.array([[0.0, 1.0], [1.0, 1.0]])
    y = output_of(a, SIGMOID)
    cost = CROSS_ENTROPY.cost(y, t, a, SIGMOID)
    exact = (2 * (logit + np.log1p(np.exp(-logit))) + 2 * np.log1p(np.exp(-logit))) / 2
    assert math.isfinite(cost) and cost == pytest.approx(exact, rel=1e-12)
    dC_da = CROSS_ENTROPY.dC_da(y, t, a, SIGMOID, np.empty_like(a))
    assert np.all(np.isfinite(dC_da))
    np.testing.assert_allclose(dC_da, (y - t) / 2, rtol=0, atol=0)
    if logit < 709:  # ∂C/∂y of a wrong output is about e^(L)/N: finite while e^L is
        for kind, logits, targets in ((SOFTMAX, np.array([[logit, 0.0, 0.0]]),
                                       np.array([[0.0, 1.0, 0.0]])),
                                      (SIGMOID, np.array([[logit, -logit]]),
                                       np.array([[0.0, 1.0]]))):
            dC_dy = np.full(logits.shape, np.nan)
            CROSS_ENTROPY.cost_and_dC_dy(output_of(logits, kind), targets, dC_dy, logits, kind)
            assert np.all(np.isfinite(dC_dy)), kind


def test_mse_ignores_the_logits_and_the_activation():
    y, t = outputs_and_targets((5, 3))
    for kind in (None, SOFTMAX, SIGMOID, ActivationType.TANH):
        assert MSE.cost(y, t, np.full((5, 3), 1e300), kind) == MSE.cost(y, t)
        dC_dy = np.empty((5, 3))
        assert MSE.cost_and_dC_dy(y, t, dC_dy, np.zeros((5, 3)), kind) == MSE.cost(y, t)
        np.testing.assert_array_equal(dC_dy, (y - t) * (2.0 / 5))


@pytest.mark.parametrize("output, targets", [
    (SOFTMAX, np.eye(3)[[0, 2, 1, 1, 0, 2]]),
    (SIGMOID, np.array([[0.0, 1.0], [1.0, 1.0], [0.0, 0.0], [1.0, 0.0], [0.0, 1.0],
                        [1.0, 0.0]])),
], ids=["SOFTMAX", "SIGMOID"])
def test_the_network_computes_the_cross_entropy_records_numbers(output, targets):
    inputs = np.random.default_rng(2).normal(size=(6, 2))
    network = fw.Form_Network([4, targets.shape[1]], inputs, targets, "tanh", output, seed=3,
                              cost="cross_entropy")
    assert network.cost_type is CostType.CROSS_ENTROPY
    fw.Forward_Pass(network)
    cost = fw.Back_Propagation(network)
    last = network.neural_layers[-1]
    y, a = network.output, last.weight_input_bias_matrix
    assert cost == CROSS_ENTROPY.cost(y, targets, a, output) == network_cost(network)
    assert cost == pytest.approx(plain_cross_entropy(a, targets, output), rel=1e-12)
    dC_dy = np.empty_like(y)
    CROSS_ENTROPY.cost_and_dC_dy(y, targets, dC_dy, a, output)
    np.testing.assert_array_equal(last.dC_dy_matrix, dC_dy)
    np.testing.assert_array_equal(last.dC_da_matrix, (y - targets) / 6)


@pytest.mark.parametrize("cost, output", [("mse", SIGMOID), ("cross_entropy", SOFTMAX)])
def test_the_cost_curve_is_named_cost_values_and_the_seeds_mse_values_still_works(cost, output):
    """Learn's result, the stepper and a divergence error name the curve ``cost_values``
    (cross-entropies with cross-entropy); ``mse_values`` is the same list, the seed's name."""
    inputs = np.random.default_rng(2).normal(size=(6, 2))
    targets = np.eye(3)[[0, 2, 1, 1, 0, 2]]
    network = fw.Form_Network([4, 3], inputs, targets, "tanh", output, seed=3, cost=cost)
    before = network_cost(network)
    result = fw.Learn(network, 0.1, 3)
    values, points = result                                   # the seed's unpacking
    assert result.cost_values is result.mse_values is values
    assert result.iteration_points is points and list(points) == [1, 2, 3]
    assert values[0] == before                                # this cost, not an MSE
    stepper = fw.Stepper(fw.Form_Network([4, 3], inputs, targets, "tanh", output, seed=3,
                                         cost=cost))
    stepper.step("iteration")
    assert stepper.cost_values is stepper.mse_values and stepper.cost_values == [before]
    assert stepper.cost_label == ("MSE" if cost == "mse" else "cross-entropy")
    diverging = fw.Form_Network([4, 3], inputs, targets, "tanh", "linear", seed=3)
    with pytest.raises(fw.NonFiniteError) as caught:
        fw.Learn(diverging, 1e3, 50)
    assert caught.value.cost_values is caught.value.mse_values
    assert len(caught.value.cost_values) == len(caught.value.iteration_points)


@pytest.mark.parametrize("kind", ["softmax", "sigmoid"])
def test_dC_dy_beyond_float64_is_capped_at_e_to_the_709(kind):
    """A probability below e^-709 (a logit gap of 800; a sigmoid logit of ±800) has a true
    ∂C/∂y beyond float64: it is written as e^709/N, finite, and ∂C/∂a stays exact."""
    from flux_widgets.activations import ActivationType, activate
    from flux_widgets.costs import CROSS_ENTROPY
    activation = ActivationType.parse(kind)
    a = np.array([[800.0, 0.0], [0.0, 800.0]]) if kind == "softmax" else \
        np.array([[800.0, -800.0]])
    t = np.array([[0.0, 1.0], [1.0, 0.0]]) if kind == "softmax" else np.array([[0.0, 1.0]])
    y = activate(activation, a, np.empty_like(a))
    dC_dy, dC_da = np.empty_like(a), np.empty_like(a)
    cost = CROSS_ENTROPY.cost_and_dC_dy(y, t, dC_dy, a, activation)
    CROSS_ENTROPY.dC_da(y, t, a, activation, dC_da)
    N = a.shape[0]
    # every sample confidently wrong by 800: −log p = 800 per row (softmax), per entry (sigmoid)
    assert cost == pytest.approx(800.0 if kind == "softmax" else 1600.0, rel=1e-12)
    wrong = dC_dy[t == 1] if kind == "softmax" else dC_dy[0]
    assert np.isfinite(dC_dy).all()
    assert np.allclose(np.abs(wrong), np.exp(709.0) / N, rtol=1e-12)
    assert np.allclose(dC_da, (y - t) / N, rtol=0, atol=1e-300)

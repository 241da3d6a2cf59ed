"""Every stored gradient against central finite differences of the displayed cost.

Oracle: a plain-numpy reference of the forward pass written here, independent
of the engine, plus the engine's own ``finite_difference`` (which uses
``Predict``). An entry agrees if

    |backprop − fd| ≤ 1e-6 · max(|backprop|, |fd|) + floor,

i.e. relative error below 1e-6, except where both are so small that the
central difference's own rounding error (``floor = 16·2⁻⁵²·max(C, 1)/ε``)
is the larger; ε = 1e-6.

The reference cost is the network's: MSE, or cross-entropy (``cost="cross_entropy"``)
by the textbook formulas of ``test_costs`` (``−Σ t·log p / N`` of a softmax output,
``−Σ [t·log y + (1 − t)·log(1 − y)] / N`` of a sigmoid one). Hidden activations are
``ActivationType.hidden()``; an output activation may be any member, a SOFTMAX output
with at least 2 outputs.
"""

import math

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from flux_widgets import ActivationType, Back_Propagation, Form_Network, Forward_Pass, Learn
from flux_widgets import Neural_Layer, derive_bias_gradient, derive_weight_gradient
from flux_widgets.costs import CostType
from flux_widgets.derivation import check_gradients, finite_difference
from reference import reference_activation, reference_derivative
from test_costs import plain_categorical_cross_entropy

EPSILON = 1e-6
RTOL = 1e-6
KINKED = {ActivationType.RELU, ActivationType.LEAKY_RELU}


def reference_cost(network, start_layer=0, start_pre_activation=None):
    """The network's C, optionally starting from a given pre-activation of a layer:
    (1/N) Σ (y − t)², or cross-entropy (textbook formulas, from y)."""
    layers = network.neural_layers
    h = network.inputMatrix
    for index, layer in enumerate(layers):
        if index < start_layer:
            continue
        if index == start_layer and start_pre_activation is not None:
            a = start_pre_activation
        else:
            a = h @ layer.weights_matrix + layer.bias_matrix
        h = reference_activation(layer.activation, a)
    if network.cost_type is CostType.CROSS_ENTROPY:
        t = network.outputMatrix
        if network.output_activation is ActivationType.SOFTMAX:
            return plain_categorical_cross_entropy(h, t)
        # −[t log σ(a) + (1 − t) log(1 − σ(a))] written with log(1 + e^∓a) (numpy's
        # logaddexp): 1 − y from a rounded y loses the digits of a saturated output
        return float(np.sum(t * np.logaddexp(0, -a) + (1 - t) * np.logaddexp(0, a))) \
            / network.sample_size
    return float(np.sum((h - network.outputMatrix) ** 2)) / network.sample_size


def agree(backprop, fd, cost):
    floor = 16 * np.finfo(float).eps * max(abs(cost), 1.0) / EPSILON
    return abs(backprop - fd) <= RTOL * max(abs(backprop), abs(fd)) + floor


def formed(sizes, inputs, hidden, output, samples, outputs, seed, cost="mse"):
    """A network with random data and biases, forward and backward pass run. Targets:
    uniform in [0, 1) for MSE; for cross-entropy one-hot rows (a SOFTMAX output) or 0/1."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(samples, inputs))
    if cost == "mse":
        t = rng.uniform(size=(samples, outputs))
    elif ActivationType.parse(output) is ActivationType.SOFTMAX:
        t = np.eye(outputs)[rng.integers(0, outputs, samples)]
    else:
        t = rng.integers(0, 2, (samples, outputs)).astype(np.float64)
    network = Form_Network([*sizes, outputs], x, t, hidden, output, seed=seed, cost=cost)
    for layer in network.neural_layers:  # biases away from 0.01 so every neuron differs
        layer.bias_matrix = rng.normal(scale=0.5, size=layer.bias_matrix.shape)
    Forward_Pass(network)
    cost = Back_Propagation(network)
    return network, cost


def near_kink(network):
    return any(layer.activation in KINKED
               and np.min(np.abs(layer.weight_input_bias_matrix)) < 1e-4
               for layer in network.neural_layers)


def assert_all_gradients(network, cost):
    assert math.isclose(cost, reference_cost(network), rel_tol=1e-12)
    for number, layer in enumerate(network.neural_layers, start=1):
        for parameter, stored in (("weights", layer.dC_dw_matrix), ("bias", layer.dC_db_matrix)):
            for (i, j), value in np.ndenumerate(stored):
                fd = finite_difference(network, number, parameter, i, j, EPSILON)
                assert agree(value, fd, cost), (number, parameter, i, j, value, fd)
        a = layer.weight_input_bias_matrix.copy()
        for (n, j), value in np.ndenumerate(layer.dC_da_matrix):
            up, down = a.copy(), a.copy()
            up[n, j] += EPSILON
            down[n, j] -= EPSILON
            fd = (reference_cost(network, number - 1, up)
                  - reference_cost(network, number - 1, down)) / (2 * EPSILON)
            assert agree(value, fd, cost), (number, "dC_da", n, j, value, fd)


HIDDEN = ActivationType.hidden()
hidden_activations = st.sampled_from(HIDDEN)
activations = st.sampled_from(list(ActivationType))


def least_outputs(output, outputs):
    """A SOFTMAX output needs at least 2 outputs: give it 2 rather than drop it."""
    return max(outputs, 2) if ActivationType.parse(output).record.output_only else outputs


@settings(max_examples=60, deadline=None)
@given(sizes=st.lists(st.integers(1, 6), min_size=0, max_size=4),
       inputs=st.integers(1, 5), outputs=st.integers(1, 3), samples=st.integers(1, 32),
       hidden=hidden_activations, output=activations, seed=st.integers(0, 2**16))
def test_random_architectures_match_finite_differences(sizes, inputs, outputs, samples,
                                                       hidden, output, seed):
    outputs = least_outputs(output, outputs)
    network, cost = formed(sizes, inputs, hidden, output, samples, outputs, seed)
    assume(not near_kink(network))
    assert_all_gradients(network, cost)


@settings(max_examples=40, deadline=None)
@example(sizes=[1], inputs=5, outputs=3, samples=1, hidden=ActivationType.RELU,  # logits ~10:
         output=ActivationType.SIGMOID, seed=8480)   # a reference via 1 − y lost digits here
@given(sizes=st.lists(st.integers(1, 6), min_size=0, max_size=3),
       inputs=st.integers(1, 5), outputs=st.integers(1, 4), samples=st.integers(1, 24),
       hidden=hidden_activations,
       output=st.sampled_from([ActivationType.SOFTMAX, ActivationType.SIGMOID]),
       seed=st.integers(0, 2**16))
def test_random_cross_entropy_architectures_match_finite_differences(sizes, inputs, outputs,
                                                                     samples, hidden, output,
                                                                     seed):
    outputs = least_outputs(output, outputs)
    network, cost = formed(sizes, inputs, hidden, output, samples, outputs, seed,
                           cost="cross_entropy")
    assume(not near_kink(network))
    assert_all_gradients(network, cost)


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("output", list(ActivationType))
def test_every_activation_pair(hidden, output):
    for seed in range(20):
        network, cost = formed([4, 3], 3, hidden, output, 8, 2, seed)
        if not near_kink(network):
            break
    assert not near_kink(network)
    assert_all_gradients(network, cost)


def well_formed(sizes, inputs, hidden, output, samples, outputs, cost):
    """The first of seeds 0-19 whose network has no pre-activation near a kink."""
    for seed in range(20):
        network, value = formed(sizes, inputs, hidden, output, samples, outputs, seed, cost)
        if not near_kink(network):
            return network, value
    raise AssertionError(f"every seed puts a {hidden.name} neuron near its kink")


@pytest.mark.parametrize("hidden", HIDDEN, ids=lambda k: k.name)
def test_mse_with_a_softmax_output_matches_finite_differences(hidden):
    """MSE through softmax's whole Jacobian (3 outputs): ∂C/∂a = J·∂C/∂y, not ∂C/∂y ⊙ h'."""
    network, cost = well_formed([4, 3], 3, hidden, ActivationType.SOFTMAX, 8, 3, "mse")
    assert network.cost_type is CostType.MSE
    assert_all_gradients(network, cost)
    last = network.neural_layers[-1]
    assert not np.allclose(last.dC_da_matrix, last.dC_dy_matrix * last.dh_da_matrix)
    assert check_gradients(network).passed


@pytest.mark.parametrize("output, outputs", [(ActivationType.SOFTMAX, 3),
                                             (ActivationType.SIGMOID, 1),
                                             (ActivationType.SIGMOID, 2)],
                         ids=["SOFTMAX-3", "SIGMOID-1", "SIGMOID-2"])
@pytest.mark.parametrize("hidden", HIDDEN, ids=lambda k: k.name)
def test_cross_entropy_gradients_match_finite_differences(hidden, output, outputs):
    """Every stored gradient of a cross-entropy network (one-hot targets for softmax, 0/1
    for sigmoid), for every hidden activation: against central differences of the
    textbook cost, and the engine's own check_gradients."""
    network, cost = well_formed([4, 3], 3, hidden, output, 8, outputs, "cross_entropy")
    assert network.cost_type is CostType.CROSS_ENTROPY
    targets = network.outputMatrix
    assert set(np.unique(targets)) <= {0.0, 1.0}
    if output is ActivationType.SOFTMAX:
        assert np.all(targets.sum(axis=1) == 1.0)
    assert_all_gradients(network, cost)
    last = network.neural_layers[-1]
    np.testing.assert_allclose(last.dC_da_matrix, (network.output - targets) / 8,
                               rtol=1e-15, atol=0)
    report = check_gradients(network)
    assert report.passed, str(report)


def saturated(output, logit=60.0, seed=4):
    """A 3-4-k cross-entropy network whose output logits reach ±``logit``: the last layer's
    weights scaled by hand (its biases 0), the targets chosen so that many outputs are
    confidently wrong."""
    outputs = 3 if output is ActivationType.SOFTMAX else 2
    network, _ = formed([4], 3, ActivationType.TANH, output, 8, outputs, seed, "cross_entropy")
    last = network.neural_layers[-1]
    last.bias_matrix = np.zeros_like(last.bias_matrix)
    Forward_Pass(network)
    largest = np.abs(last.weight_input_bias_matrix).max()
    last.weights_matrix = last.weights_matrix * (logit / largest)
    Forward_Pass(network)
    return network


@pytest.mark.parametrize("output", [ActivationType.SOFTMAX, ActivationType.SIGMOID],
                         ids=lambda k: k.name)
def test_saturated_cross_entropy_is_finite_and_learns(output):
    """Logits around ±60 saturate the outputs (some within 1e-20 of 0 or 1); the cost (from
    the logits), dC_da
    and every dC_dw, dC_db stay finite, the cost is the exact one, and Learn runs."""
    network = saturated(output)
    last = network.neural_layers[-1]
    a = last.weight_input_bias_matrix.copy()
    assert np.abs(a).max() == pytest.approx(60.0, rel=1e-12) and np.abs(a).min() < 60.0
    t = network.outputMatrix
    if output is ActivationType.SOFTMAX:  # the exact −log p by log-sum-exp, in numpy's own way
        exact = float(np.sum(t * (np.logaddexp.reduce(a, axis=1, keepdims=True) - a))) / 8
        wrong = np.argmax(a, axis=1) != np.argmax(t, axis=1)
    else:  # −log σ(a) = log(1 + e^(−a)), −log(1 − σ(a)) = log(1 + e^a)
        exact = float(np.sum(t * np.logaddexp(0.0, -a) + (1 - t) * np.logaddexp(0.0, a))) / 8
        wrong = (a > 0) != (t > 0.5)
    assert wrong.any()  # some outputs confidently wrong
    cost = Back_Propagation(network)
    assert math.isfinite(cost) and cost == pytest.approx(exact, rel=1e-12)
    y = network.output
    assert np.min(np.minimum(y, 1.0 - y)) < 1e-20  # saturated: an output within 1e-20 of 0 or 1
    for layer in network.neural_layers:
        for name in ("dC_dy_matrix", "dh_da_matrix", "dC_da_matrix", "dC_dw_matrix",
                     "dC_db_matrix"):
            assert np.all(np.isfinite(getattr(layer, name))), name
    np.testing.assert_allclose(last.dC_da_matrix, (network.output - t) / 8, rtol=1e-15, atol=0)
    costs, points = Learn(network, 0.1, 5)
    assert np.all(np.isfinite(costs)) and list(points) == [1, 2, 3, 4, 5]
    assert costs[0] == cost
    assert np.all(np.isfinite(network.state))


@pytest.mark.parametrize("output, logit", [(ActivationType.SOFTMAX, 400.0),
                                           (ActivationType.SIGMOID, 800.0)])
def test_strongly_saturated_cross_entropy_learns(output, logit):
    """Logits far beyond float64's e^709 (softmax: differences up to 800): the cost, ∂C/∂y
    (its exponent capped at 709) and the gradients the update uses are finite, so Learn
    does not report a divergence."""
    network = saturated(output, logit=logit)
    cost = Back_Propagation(network)
    assert math.isfinite(cost)
    last = network.neural_layers[-1]
    assert np.isfinite(last.dC_dy_matrix).all()
    assert all(np.isfinite(layer.dC_dw_matrix).all() for layer in network.neural_layers)
    costs, _ = Learn(network, 0.1, 5)
    assert np.all(np.isfinite(costs))


def test_per_layer_hidden_activations():
    x = np.random.default_rng(3).normal(size=(10, 3))
    t = np.random.default_rng(4).uniform(size=(10, 1))
    network = Form_Network([5, 4, 3, 1], x, t, ["tanh", "swish", "elu"], "linear", seed=2)
    assert [layer.activation for layer in network.neural_layers] == [
        ActivationType.TANH, ActivationType.SWISH, ActivationType.ELU, ActivationType.LINEAR]
    Forward_Pass(network)
    assert_all_gradients(network, Back_Propagation(network))


def test_check_gradients_reports_agreement_and_leaves_the_network_alone():
    network, _ = formed([6, 4], 4, ActivationType.TANH, ActivationType.SIGMOID, 16, 1, 5)
    before = network.state.copy()
    report = check_gradients(network)
    assert report.passed
    assert len(report.entries) == sum(layer.weights_matrix.size + layer.bias_matrix.size
                                      for layer in network.neural_layers)
    assert report.max_relative_error < 1e-4
    assert np.array_equal(network.state, before)
    assert "all agree" in str(report)


def test_check_gradients_catches_a_wrong_gradient():
    """A deliberately broken backward rule must be caught by the checker."""
    network, _ = formed([3], 2, ActivationType.TANH, ActivationType.SIGMOID, 6, 1, 1)
    layer = network.neural_layers[0]
    original = type(layer).compute_dC_dw

    def broken(self):
        original(self)
        self.dC_dw_matrix[0, 0] *= 1.01
    type(layer).compute_dC_dw = broken
    try:
        report = check_gradients(network)
    finally:
        type(layer).compute_dC_dw = original
    assert not report.passed
    assert report.failures[0][:4] == (1, "weights", 0, 0)


def test_seed_section_4_2_formula_is_wrong_and_the_exact_rule_is_right():
    """∂C/∂w_AB = ∂C/∂a_B · h_A (exact) vs the seed's extra factor ∂h_A/∂a_A."""
    network, cost = formed([3], 2, ActivationType.TANH, ActivationType.SIGMOID, 6, 1, 7)
    hidden, out = network.neural_layers
    fd = finite_difference(network, 2, "weights", 1, 0)
    exact = float(np.sum(hidden.activated_output_matrix[:, 1] * out.dC_da_matrix[:, 0]))
    seed_rule = float(np.sum(hidden.activated_output_matrix[:, 1] * out.dC_da_matrix[:, 0]
                             * hidden.dh_da_matrix[:, 1]))
    assert agree(exact, fd, cost)
    assert not agree(seed_rule, fd, cost)


# ---- the checker's own arithmetic, against the reference ---------------------------------

def reference_difference(network, number, parameter, i, j, epsilon):
    """(C(p + ε) − C(p − ε)) / 2ε of one parameter, with the reference cost (not Predict)."""
    matrix = getattr(network.neural_layers[number - 1], f"{parameter}_matrix")
    original = matrix[i, j]
    try:
        matrix[i, j] = original + epsilon
        up = reference_cost(network)
        matrix[i, j] = original - epsilon
        down = reference_cost(network)
    finally:
        matrix[i, j] = original
    return (up - down) / (2 * epsilon)


@pytest.mark.parametrize("epsilon", [1e-2, 1e-4, 1e-6])
def test_finite_difference_is_the_central_difference_with_the_given_epsilon(epsilon):
    """With ε = 1e-2 a one-sided difference, or one that ignores ε, is off by far more
    than rounding; the parameter gets back its exact value."""
    network, _ = formed([4], 3, ActivationType.TANH, ActivationType.SIGMOID, 7, 2, 3)
    before = network.state.copy()
    for number, parameter, i, j in [(1, "weights", 2, 1), (1, "bias", 0, 3), (2, "weights", 3, 0),
                                    (2, "bias", 0, 1)]:
        expected = reference_difference(network, number, parameter, i, j, epsilon)
        got = finite_difference(network, number, parameter, i, j, epsilon)
        assert got == pytest.approx(expected, rel=1e-7, abs=1e-9), (number, parameter, i, j)
    assert np.array_equal(network.state, before)
    report = check_gradients(network, epsilon=1e-2)
    assert report.epsilon == 1e-2
    for number, parameter, i, j, _, fd in report.entries:
        assert fd == finite_difference(network, number, parameter, i, j, 1e-2)


def test_check_gradients_catches_a_small_error_and_honours_its_tolerance(monkeypatch):
    """A gradient off by 1 part in 10⁵ fails at the default rtol (1e-6) and passes at 1e-4."""
    network, cost = formed([3], 2, ActivationType.TANH, ActivationType.SIGMOID, 6, 1, 1)
    exact = network.neural_layers[0].dC_dw_matrix[0, 0]
    floor = 16 * np.finfo(float).eps * max(cost, 1.0) / EPSILON
    assert abs(exact) * 1e-5 > 10 * floor  # the error is well above the rounding floor
    original = Neural_Layer.compute_dC_dw

    def off_by_1e5(self):
        result = original(self)
        if self is network.neural_layers[0]:
            self.dC_dw_matrix[0, 0] *= 1 + 1e-5
        return result
    monkeypatch.setattr(Neural_Layer, "compute_dC_dw", off_by_1e5)
    strict = check_gradients(network)
    assert not strict.passed and [f[:4] for f in strict.failures] == [(1, "weights", 0, 0)]
    assert strict.max_relative_error == pytest.approx(1e-5, rel=0.01)
    assert "1 disagree" in str(strict)
    assert check_gradients(network, rtol=1e-4).passed


# ---- one entry as its factors ------------------------------------------------------------

def reference_backward(network):
    """Every layer's (x, a, ∂C/∂h) from the reference formulas, first layer first."""
    layers, x, rows = network.neural_layers, network.inputMatrix, []
    for layer in layers:
        a = x @ layer.weights_matrix + layer.bias_matrix
        rows.append([x, a, None])
        x = reference_activation(layer.activation, a)
    dC_dh = 2 * (x - network.outputMatrix) / network.sample_size
    for index in range(len(layers) - 1, -1, -1):
        rows[index][2] = dC_dh
        dC_da = dC_dh * reference_derivative(layers[index].activation, rows[index][1])
        dC_dh = dC_da @ layers[index].weights_matrix.T
    return rows


@pytest.mark.parametrize("number, i, j", [(1, 0, 2), (1, 1, 0), (2, 2, 0), (2, 0, 1), (3, 1, 0)])
def test_a_derivation_shows_the_exact_factors_and_sums_to_the_gradient(number, i, j):
    """∂C/∂W[i, j] = Σ_n x[n, i] · ∂C/∂h[n, j] · h'(a[n, j]) and ∂C/∂b[j] = Σ_n ∂C/∂h · h'(a):
    the factors are those of the reference, the sum is the central difference."""
    network, cost = formed([3, 2], 2, ActivationType.TANH, ActivationType.SIGMOID, 6, 1, 7)
    x, a, dC_dh = reference_backward(network)[number - 1]
    kind = network.neural_layers[number - 1].activation
    h_prime = reference_derivative(kind, a)
    weight = derive_weight_gradient(network, number, i, j)
    np.testing.assert_allclose(weight.factors, np.column_stack([x[:, i], dC_dh[:, j],
                                                                h_prime[:, j]]),
                               rtol=1e-9, atol=1e-15)
    assert weight.matches and "✓" in weight.text()
    assert agree(weight.total, reference_difference(network, number, "weights", i, j, EPSILON),
                 cost)
    bias = derive_bias_gradient(network, number, j)
    np.testing.assert_allclose(bias.factors, np.column_stack([dC_dh[:, j], h_prime[:, j]]),
                               rtol=1e-9, atol=1e-15)
    assert bias.matches
    assert agree(bias.total, reference_difference(network, number, "bias", 0, j, EPSILON), cost)
    output_layer = number == len(network.neural_layers)
    assert ("(2/N)" in weight.dC_dy_rule) == output_layer
    assert ("N = 6" in weight.dC_dy_rule) == output_layer


def test_a_derivation_says_when_the_stored_entry_is_not_its_sum():
    network, _ = formed([3], 2, ActivationType.TANH, ActivationType.SIGMOID, 6, 1, 7)
    layer = network.neural_layers[1]
    wrong = layer.dC_dw_matrix.copy()
    wrong[1, 0] *= 1.001
    layer.dC_dw_matrix = wrong
    derivation = derive_weight_gradient(network, 2, 1, 0)
    assert not derivation.matches and "✗" in derivation.text()
    assert derive_weight_gradient(network, 2, 0, 0).matches  # the others still match


@pytest.mark.parametrize("output, cost, rule", [
    (ActivationType.SOFTMAX, "cross_entropy", "(y[n, 1] − t[n, 1])/N, N = 6"),
    (ActivationType.SIGMOID, "cross_entropy", "(y[n, 1] − t[n, 1])/N, N = 6"),
    (ActivationType.SOFTMAX, "mse", "whole Jacobian"),
], ids=["SOFTMAX-cross_entropy", "SIGMOID-cross_entropy", "SOFTMAX-mse"])
def test_a_derivation_of_the_output_layer_uses_its_dC_da(output, cost, rule):
    """Where ∂C/∂a is not ∂C/∂h ⊙ h'(a) (cross-entropy's (y − t)/N, softmax's Jacobian
    product), an output layer's entry is Σ_n x[n, i] · ∂C/∂a[n, j]: its factors are the
    stored x and dC_da, and the sum is the central difference of the reference cost."""
    network, value = formed([3], 2, ActivationType.TANH, output, 6, 3, 7, cost)
    layer = network.neural_layers[1]
    weight = derive_weight_gradient(network, 2, 2, 1)
    np.testing.assert_array_equal(weight.factors, np.column_stack(
        [layer.input_matrix[:, 2], layer.dC_da_matrix[:, 1]]))
    assert weight.matches and rule in weight.dC_dy_rule
    assert agree(weight.total, reference_difference(network, 2, "weights", 2, 1, EPSILON), value)
    bias = derive_bias_gradient(network, 2, 1)
    np.testing.assert_array_equal(bias.factors, layer.dC_da_matrix[:, [1]])
    assert bias.matches
    assert agree(bias.total, reference_difference(network, 2, "bias", 0, 1, EPSILON), value)

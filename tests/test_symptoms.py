"""The symptoms the network's state shows (flux_widgets/symptoms.py), against a plain numpy
recomputation from the layers' matrices: dead and saturated neurons for every activation,
nothing before ``dh_da_matrix`` is computed, an MSE that went up, vanishing gradients,
the numbers the questions and answers quote, stable keys and the order of urgency.

Engine only: numpy, no widgets."""

import re
import subprocess
import sys

import numpy as np
import pytest

from flux_widgets import Form_Network
from flux_widgets.activations import ActivationType
from flux_widgets.stepper import Stepper
from flux_widgets.symptoms import (OVERSHOOT_RISE, SATURATED_BELOW, VANISHING_RATIO, Symptom,
                                   diagnose, neuron_label, neuron_states)
from reference import reference_derivative

ACTIVATIONS = ActivationType.hidden()
BOUNDED = {ActivationType.SIGMOID, ActivationType.TANH}  # from the textbook, not the records
NUMBER = r"-?\d+(?:\.\d+)?(?:e[+-]\d+)?"


def stepper_for(hidden, output=None, layers=(4, 3, 2), seed=1, learning_rate=0.1):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(6, 3))
    t = rng.random(size=(6, layers[-1]))
    network = Form_Network(list(layers), x, t, hidden_activation=hidden,
                           output_activation=hidden if output is None else output, seed=seed)
    return Stepper(network, learning_rate=learning_rate)


def to_end_of_backward(stepper):
    """Step computation by computation until the next one is an update: every layer's
    ``a`` and ``dh_da_matrix`` then belong to the same forward pass."""
    while stepper.next_computation.phase != "update":
        stepper.step("computation")
    return stepper


def expected_states(stepper):
    """The states from the textbook h'(a) of each computed layer's weight_input_bias_matrix."""
    states = {}
    for number, layer in enumerate(stepper.network.neural_layers, start=1):
        if not stepper.computed(number, "dh_da_matrix"):
            continue
        slopes = reference_derivative(layer.activation, layer.weight_input_bias_matrix)
        if layer.activation in BOUNDED:
            found, state = (np.abs(slopes) < 0.01).all(axis=0), "saturated"
        else:
            found, state = (slopes == 0).all(axis=0), "dead"
        if layer.activation is ActivationType.RELU:  # h'(a) = 0 ⇔ a ≤ 0
            assert np.array_equal(found, (layer.weight_input_bias_matrix <= 0).all(axis=0))
        for neuron in np.flatnonzero(found):
            states[(number, int(neuron))] = state
    return states


def numbers_in(text):
    return [float(n) for n in re.findall(NUMBER, text.replace(",", ""))]


def quoted(text, before):
    """The number right after ``before`` in ``text``."""
    match = re.search(re.escape(before) + r"\s*(" + NUMBER + ")", text)
    assert match, (before, text)
    return float(match.group(1))


def close3(shown, value):
    """``shown`` is ``value`` to the 3 significant digits it is printed with."""
    return shown == pytest.approx(value, rel=6e-3, abs=1e-300)


def set_bias(stepper, layer, neuron, value):
    stepper.network.neural_layers[layer - 1].bias_matrix[0, neuron] = value


# ---- dead and saturated, for every activation ------------------------------------


def test_the_constants_are_the_documented_ones():
    assert SATURATED_BELOW == 0.01 and VANISHING_RATIO == 100
    # softmax is bounded too, but not element by element: its layers are never diagnosed
    assert {t for t in ActivationType if t.record.bounded and t.record.elementwise} == BOUNDED
    assert {t for t in ActivationType if not t.record.elementwise} == {ActivationType.SOFTMAX}


@pytest.mark.parametrize("kind", ACTIVATIONS, ids=lambda k: k.value)
@pytest.mark.parametrize("variant", ["plain", "big_negative_bias", "big_positive_bias",
                                     "huge_weights", "small_weights"])
def test_neuron_states_agree_with_numpy(kind, variant):
    stepper = stepper_for(kind)
    layers = stepper.network.neural_layers
    if variant == "big_negative_bias":
        set_bias(stepper, 1, 0, -1e3)
        set_bias(stepper, 2, 1, -1e3)
    elif variant == "big_positive_bias":
        set_bias(stepper, 1, 0, 1e3)
        set_bias(stepper, 2, 1, 1e3)
    elif variant == "huge_weights":
        for layer in layers:
            layer.weights_matrix[...] *= 1e3
    elif variant == "small_weights":
        for layer in layers:
            layer.weights_matrix[...] *= 1e-3
    to_end_of_backward(stepper)
    states = neuron_states(stepper)
    assert states == expected_states(stepper)
    # and what the construction guarantees, so the comparison is not vacuous
    if variant == "big_negative_bias":
        want = ("saturated" if kind in BOUNDED else
                None if kind in (ActivationType.LEAKY_RELU, ActivationType.LINEAR) else "dead")
        # relu: a ≈ −1000; elu: e^a underflows to 0; swish: σ(a) underflows to 0
        for place in ((1, 0), (2, 1)):
            assert states.get(place) == want, (place, states)
    elif variant == "big_positive_bias":
        want = "saturated" if kind in BOUNDED else None
        for place in ((1, 0), (2, 1)):
            assert states.get(place) == want, (place, states)
    elif variant == "small_weights":  # every a ≈ 0.01: on every activation's slope
        assert states == {}
    if kind in (ActivationType.LEAKY_RELU, ActivationType.LINEAR):
        assert states == {}  # h' ≥ 0.01 > 0 everywhere: never dead, and not bounded
    for (number, neuron), state in states.items():  # the engine's own h' says the same
        slopes = np.abs(layers[number - 1].dh_da_matrix[:, neuron])
        assert (slopes == 0).all() if state == "dead" else (slopes < SATURATED_BELOW).all()


@pytest.mark.parametrize("kind", ACTIVATIONS, ids=lambda k: k.value)
def test_a_single_sample_keeps_a_neuron_alive_or_unsaturated(kind):
    """The condition is over every sample: one sample on the slope is enough."""
    stepper = stepper_for(kind)
    layer = stepper.network.neural_layers[0]
    x0 = layer.input_matrix[:, 0]
    layer.weights_matrix[:, 0] = [1e3, 0.0, 0.0]
    layer.bias_matrix[0, 0] = 0.5 - 1e3 * x0.max()  # a = 0.5 for one sample, the rest < −1
    to_end_of_backward(stepper)
    a = layer.weight_input_bias_matrix[:, 0]
    assert a.max() == pytest.approx(0.5) and (a < -1).sum() == 5
    assert (1, 0) not in neuron_states(stepper)
    assert neuron_states(stepper) == expected_states(stepper)


def test_relu_with_a_exactly_zero_for_one_sample_is_dead():
    """h'(0) = 0 for ReLU: a ≤ 0 for every sample, one of them exactly 0."""
    stepper = stepper_for(ActivationType.RELU)
    layer = stepper.network.neural_layers[0]
    x0 = layer.input_matrix[:, 0]
    layer.weights_matrix[:, 0] = [1.0, 0.0, 0.0]
    layer.bias_matrix[0, 0] = -x0.max()
    to_end_of_backward(stepper)
    a = layer.weight_input_bias_matrix[:, 0]
    assert a.max() == 0.0 and (a == 0).sum() == 1
    assert neuron_states(stepper).get((1, 0)) == "dead"
    assert np.all(layer.dC_dw_matrix[:, 0] == 0)  # what makes it dead


@pytest.mark.parametrize("kind", ACTIVATIONS, ids=lambda k: k.value)
def test_nothing_is_reported_before_dh_da_is_computed(kind):
    stepper = stepper_for(kind)
    set_bias(stepper, 1, 0, -1e3)
    set_bias(stepper, 2, 1, 1e3)
    assert neuron_states(stepper) == {} and diagnose(stepper) == []  # dh_da still all 0
    seen = set()
    for _ in range(len(stepper.computations)):
        stepper.step("computation")
        states = neuron_states(stepper)
        computed = {number for number in range(1, 4)
                    if stepper.computed(number, "dh_da_matrix")}
        assert {number for number, _ in states} <= computed
        assert states == expected_states(stepper)
        seen |= {number for number, _ in states}
    if kind in BOUNDED:  # a = ±1000: saturated
        assert {1, 2} <= seen  # they were found once computed
    elif kind not in (ActivationType.LEAKY_RELU, ActivationType.LINEAR):
        assert 1 in seen  # a ≈ −1000: dead (layer 2's bias +1000 keeps it alive)
    stepper.reset()  # as formed again: nothing computed
    assert neuron_states(stepper) == {} and diagnose(stepper) == []


# ---- the dead and saturated questions --------------------------------------------


def test_dead_question_and_answer_quote_the_matrices():
    stepper = stepper_for(ActivationType.RELU)
    set_bias(stepper, 1, 0, -1e3)
    set_bias(stepper, 1, 2, -2e3)
    for neuron in range(3):  # the whole of layer 2
        set_bias(stepper, 2, neuron, -50.0 - neuron)
    to_end_of_backward(stepper)
    dead = [s for s in diagnose(stepper) if s.kind == "dead"]
    # the layer nearest the output first: it blocks every layer before it
    assert [s.key for s in dead] == [("dead", 2, (0, 1, 2)), ("dead", 1, (0, 2))]
    second, first = dead
    layers = stepper.network.neural_layers
    assert "h1,0 and h1,2" in first.question and "whole layer" not in first.question
    assert "h2,0, h2,1 and h2,2 (the whole layer)" in second.question
    for symptom, number, neurons in ((first, 1, [0, 2]), (second, 2, [0, 1, 2])):
        layer = layers[number - 1]
        assert np.all(layer.dC_dw_matrix[:, neurons] == 0)  # what the question says
        largest = layer.weight_input_bias_matrix[:, neurons].max()
        assert largest <= 0
        assert close3(quoted(symptom.answer, "the largest is"), largest)
        assert f"layer {number}'s" in symptom.question and "relu" in symptom.answer


def test_dead_output_neuron_is_named_y():
    stepper = stepper_for(ActivationType.RELU)
    set_bias(stepper, 3, 1, -1e3)
    to_end_of_backward(stepper)
    (symptom,) = [s for s in diagnose(stepper) if s.kind == "dead" and s.key[1] == 3]
    assert symptom.key == ("dead", 3, (1,)) and symptom.question.startswith("y1:")
    assert neuron_label([3, 4, 3, 2], 3, 1) == "y1" and neuron_label([3, 4, 3, 2], 0, 2) == "x2"
    assert neuron_label([3, 4, 3, 2], 2, 0) == "h2,0"


@pytest.mark.parametrize("kind", sorted(BOUNDED, key=lambda k: k.value), ids=lambda k: k.value)
def test_saturated_question_and_answer_quote_the_matrices(kind):
    stepper = stepper_for(kind)
    set_bias(stepper, 2, 0, 30.0)
    set_bias(stepper, 2, 2, -40.0)
    to_end_of_backward(stepper)
    saturated = [s for s in diagnose(stepper) if s.kind == "saturated" and s.key[1] == 2]
    assert [s.key for s in saturated] == [("saturated", 2, (0, 2))]
    (symptom,) = saturated
    layer = stepper.network.neural_layers[1]
    a = np.abs(layer.weight_input_bias_matrix[:, [0, 2]])
    slopes = np.abs(reference_derivative(kind, layer.weight_input_bias_matrix[:, [0, 2]]))
    assert close3(quoted(symptom.answer, "|a| ≥"), a.min())
    assert quoted(symptom.answer, "h′(a) is at most") == pytest.approx(slopes.max(), rel=6e-3,
                                                                        abs=1e-12)
    assert "h2,0 and h2,2" in symptom.question and kind.value in symptom.question
    assert f"< {SATURATED_BELOW}" in symptom.question


# ---- overshoot -----------------------------------------------------------------


def diverging_stepper(learning_rate=2.0):
    from reference import parity4
    data = parity4()
    network = Form_Network([8, 4, 1], data.inputs, data.targets, "leaky_relu", "linear", seed=0)
    return Stepper(network, learning_rate=learning_rate)


def test_overshoot_exactly_when_the_last_mse_went_up_by_1_percent_or_more():
    stepper = diverging_stepper()
    outcomes = []
    for _ in range(12):
        stepper.step("iteration")
        costs = stepper.mse_values
        went_up = (len(costs) >= 2 and np.isfinite(costs[-2:]).all()
                   and costs[-1] >= costs[-2] * (1 + OVERSHOOT_RISE))
        found = [s for s in diagnose(stepper) if s.kind == "overshoot"]
        assert bool(found) == went_up, costs
        outcomes.append((went_up, np.isfinite(costs[-1])))
    assert (True, True) in outcomes and (False, True) in outcomes  # both were seen
    assert (False, False) in outcomes  # and an inf or nan cost raised none


@pytest.mark.parametrize("costs, raised, start", [
    ([0.3], False, None), ([0.3, 0.4], True, 2), ([0.4, 0.3], False, None),
    ([0.3, 0.3], False, None), ([0.3, np.nextafter(0.3, 1)], False, None),  # a last-bit rise
    ([0.3, 0.303], True, 2), ([0.3, 0.3029], False, None),  # 1 % is the least that counts
    ([0.5, 0.3, 0.4], True, 3), ([0.3, 0.4, 0.35], False, None),
    ([0.3, 0.4, 0.5, 0.6], True, 2),  # one question for a run of rises: keyed by its start
    ([0.3, 0.4, 0.3, 0.6], True, 4),
    ([0.3, np.inf], False, None), ([0.3, np.nan], False, None), ([np.nan, 0.3], False, None),
    ([np.inf, 0.3], False, None), ([np.inf, np.inf], False, None),
    ([1e300, np.inf], False, None)])
def test_overshoot_on_a_given_curve(costs, raised, start):
    stepper = stepper_for(ActivationType.TANH)
    stepper.curve.extend(list(range(1, len(costs) + 1)), costs)
    found = [s for s in diagnose(stepper) if s.kind == "overshoot"]
    assert bool(found) == raised
    if raised:
        assert found[0].key == ("overshoot", start)


def test_overshoot_quotes_the_mses_iterations_and_learning_rate():
    stepper = diverging_stepper()
    for _ in range(3):
        stepper.step("iteration")
    before, after = stepper.mse_values[-2:]
    assert after > before
    (symptom,) = [s for s in diagnose(stepper) if s.kind == "overshoot"]
    assert symptom.key == ("overshoot", 3)
    assert close3(quoted(symptom.question, "from"), before)
    assert close3(quoted(symptom.question, "to"), after)
    assert "(iteration 2)" in symptom.question and "(iteration 3)" in symptom.question
    assert quoted(symptom.answer, "η =") == 2
    assert close3(quoted(symptom.answer, "the MSE is"), 100 * (after / before - 1))
    assert quoted(symptom.answer, "(try") == 1


# ---- vanishing -----------------------------------------------------------------


def mean_gradient(layer):
    return float(np.abs(layer.dC_dw_matrix).mean())


def scaled_to(layer, mean):
    layer.dC_dw_matrix[...] *= mean / mean_gradient(layer)


@pytest.fixture
def backward_done():
    stepper = to_end_of_backward(stepper_for(ActivationType.TANH, ActivationType.SIGMOID,
                                             layers=(4, 4, 2)))
    means = [mean_gradient(layer) for layer in stepper.network.neural_layers]
    # as formed nothing vanishes, so a symptom below is the construction's
    assert all(m * 20 > following for m, following in zip(means, means[1:])), means
    assert [s for s in diagnose(stepper) if s.kind == "vanishing"] == []
    return stepper


@pytest.mark.parametrize("layer", [1, 2])
@pytest.mark.parametrize("ratio, raised", [(1.0, False), (99.0, False), (99.99, False),
                                           (100.0 * (1 + 1e-9), True), (101.0, True),
                                           (1e4, True), (1e12, True)])
def test_vanishing_from_a_ratio_of_100(backward_done, layer, ratio, raised):
    layers = backward_done.network.neural_layers
    following = mean_gradient(layers[layer])
    scaled_to(layers[layer - 1], following / ratio)
    if layer == 2:  # layer 1 as large as layer 2 was: only layer 2 can vanish
        scaled_to(layers[0], following / ratio)
    assert mean_gradient(layers[layer]) / mean_gradient(layers[layer - 1]) == \
        pytest.approx(ratio, rel=1e-12)
    found = [s for s in diagnose(backward_done) if s.kind == "vanishing"]
    assert bool(found) == raised
    if raised:
        (symptom,) = found
        assert symptom.key == ("vanishing", layer)
        mean, after = mean_gradient(layers[layer - 1]), mean_gradient(layers[layer])
        values = numbers_in(symptom.question.split("Why?")[0])
        assert close3(quoted(symptom.question, "about"), after / mean)
        assert close3(quoted(symptom.question, "mean |dC_dw|"), mean)
        assert close3(quoted(symptom.question, "against"), after)
        assert f"Layer {layer}'s" in symptom.question and values
        slopes = np.abs(reference_derivative(layers[layer].activation,
                                             layers[layer].weight_input_bias_matrix)).mean()
        assert close3(quoted(symptom.answer, f"Layer {layer + 1}'s mean |h′(a)| is"), slopes)


def test_zero_or_uncomputed_gradients_are_not_vanishing(backward_done):
    layers = backward_done.network.neural_layers
    layers[0].dC_dw_matrix[...] = 0.0  # a dead layer: its own symptom, not this one
    assert [s for s in diagnose(backward_done) if s.kind == "vanishing"] == []
    fresh = stepper_for(ActivationType.TANH, layers=(4, 4, 2))
    fresh.network.neural_layers[0].dC_dw_matrix[...] = 1e-12  # not computed yet: ignored
    fresh.network.neural_layers[1].dC_dw_matrix[...] = 1.0
    assert diagnose(fresh) == []


def test_a_deep_sigmoid_network_is_judged_layer_by_layer():
    """Not constructed by scaling: 8 sigmoid layers, each multiplying by h′ ≤ 0.25. The
    symptom compares neighbouring layers only (this network shrinks its gradients ~10⁴
    times over its depth, yet no two neighbours differ 100-fold: no symptom)."""
    stepper = to_end_of_backward(stepper_for(ActivationType.SIGMOID, layers=(4,) * 7 + (2,),
                                             seed=3))
    means = [mean_gradient(layer) for layer in stepper.network.neural_layers]
    found = [s for s in diagnose(stepper) if s.kind == "vanishing"]
    expected = [n for n in range(len(means) - 1, 0, -1)
                if means[n - 1] and means[n] and means[n - 1] * 100 <= means[n]]
    assert [s.key for s in found] == [("vanishing", n) for n in expected[:1]]
    assert means[0] * 100 <= means[-1]  # over the whole depth it did shrink 100-fold


# ---- keys and order ------------------------------------------------------------


def everything_at_once():
    """A state with all four: layer 1 (relu) has a dead neuron, layer 2 (tanh) a saturated
    one, the MSE went up, and layer 1's gradients are scaled 1000 times down."""
    stepper = stepper_for([ActivationType.RELU, ActivationType.TANH], ActivationType.SIGMOID,
                          learning_rate=10.0, seed=2)
    set_bias(stepper, 1, 0, -1e3)
    set_bias(stepper, 2, 0, 1e3)
    for _ in range(30):
        stepper.step("iteration")
        if any(s.kind == "overshoot" for s in diagnose(stepper)):
            break
    layers = stepper.network.neural_layers
    scaled_to(layers[0], mean_gradient(layers[1]) / 1000)
    return stepper


def test_the_order_is_overshoot_dead_saturated_vanishing():
    stepper = everything_at_once()
    found = diagnose(stepper)
    kinds = [s.kind for s in found]
    order = ["overshoot", "dead", "saturated", "vanishing"]
    assert set(kinds) == set(order), kinds
    assert kinds == sorted(kinds, key=order.index)
    assert kinds.count("overshoot") <= 1 and kinds.count("vanishing") <= 1
    for kind in ("dead", "saturated"):  # one per layer, the nearest the output first
        layers_of_kind = [s.key[1] for s in found if s.kind == kind]
        assert layers_of_kind == sorted(set(layers_of_kind), reverse=True)
    assert all(isinstance(s, Symptom) and s.question and s.answer for s in found)


def test_keys_are_stable_across_calls():
    stepper = everything_at_once()
    first, second = diagnose(stepper), diagnose(stepper)
    assert first == second and [s.key for s in first] == [s.key for s in second]
    assert len({s.key for s in first}) == len(first)  # one symptom, one key
    keys = [s.key for s in first]
    assert ("dead", 1, (0,)) in keys and ("saturated", 2, (0,)) in keys
    assert ("vanishing", 1) in keys
    assert ("overshoot", stepper.iteration_points[-1]) in keys
    hash(tuple(keys))  # usable in a set of answered keys


def test_symptoms_and_presets_need_no_widgets():
    """A fresh interpreter diagnoses a preset without loading a widget module."""
    code = ("import sys; from flux_widgets.presets import PRESETS; "
            "from flux_widgets.symptoms import diagnose; "
            "from flux_widgets.session import parse_configuration_string; "
            "import flux_widgets.network, flux_widgets.stepper, flux_widgets.datasets; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('ipywidgets', 'bqplot', 'ipycytoscape', 'anywidget') "
            "or m.startswith('flux_widgets.widgets')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"



def test_a_saturated_cross_entropy_output_is_not_a_symptom():
    """With cross-entropy a sigmoid output whose h′ is below 0.01 still learns (∂C/∂a is
    (y − t)/N, not ∂C/∂h·h′): no "saturated" question; the same network under MSE has one."""
    found = {}
    for cost in ("mse", "cross_entropy"):
        rng = np.random.default_rng(0)
        network = Form_Network([3, 1], rng.normal(size=(6, 3)),
                               (rng.random((6, 1)) > 0.5).astype(float), "tanh", "sigmoid",
                               seed=1, cost=cost)
        network.neural_layers[1].bias_matrix = [[40.0]]   # σ(a) rounds toward 1: h′ < 1e-17
        stepper = Stepper(network, 0.5)
        to_end_of_backward(stepper)
        assert np.abs(network.neural_layers[1].dh_da_matrix).max() < SATURATED_BELOW
        found[cost] = neuron_states(stepper).get((2, 0))
    assert found == {"mse": "saturated", "cross_entropy": None}


def test_a_mini_batchs_rise_in_cost_is_no_overshoot():
    """Consecutive mini-batches hold other samples: a rise of the cost (even from 0, a batch
    a ReLU output fits exactly) asks nothing about η."""
    from flux_widgets.datasets import load_dataset
    from flux_widgets.network import Form_Network
    from flux_widgets.stepper import Stepper
    from flux_widgets.symptoms import diagnose

    data = load_dataset("parity4")
    stepper = Stepper(Form_Network([3, 1], data.inputs, data.targets, "relu", "relu", seed=0),
                      0.5, batch_size=3)
    for _ in range(12):
        stepper.step("iteration")
        assert all(symptom.kind != "overshoot" for symptom in diagnose(stepper))
    stepper.curve.extend([13, 14], [0.0, 0.5])   # from a cost of exactly 0: no division
    stepper.network.select_all()
    assert all(symptom.kind != "overshoot" for symptom in diagnose(stepper))

"""What the network's state shows that is worth explaining, as a question with its answer.

The panel raises one of these at a time under the narration (issue 15 §2) and marks the
neurons on the diagram; both read them from here (numpy only: the named matrices and the
stepper's MSE curve). A symptom is found only in matrices the stepper has computed.

* **dead**: a ReLU-like neuron whose ``h'(a)`` is exactly 0 for every sample (every
  ``a = x·W + b ≤ 0``): ``∂C/∂a = ∂C/∂h ⊙ h'(a)`` is 0, so is its column of
  ``dC_dw_matrix``, and gradient descent never changes its weights again;
* **saturated**: a sigmoid or tanh neuron (a bounded activation) whose ``|h'(a)|`` is
  below :data:`SATURATED_BELOW` for every sample: its gradients are less than 1 % of
  ``∂C/∂h`` and its weights barely move;
* **overshoot**: the MSE went up from one iteration to the next, by
  :data:`OVERSHOOT_RISE` (1 %) or more: the update ``W ← W − η·∂C/∂W`` stepped past the
  valley (one question for a run of rises; a smaller rise, as late in a long training
  where the last bits of a sum decide it, is not worth one; nor is a mini-batch's cost,
  of other samples than the iteration's before);
* **vanishing**: a layer whose mean ``|∂C/∂W|`` is :data:`VANISHING_RATIO` or more times
  smaller than the next layer's: going back a layer multiplies by ``h'(a)`` and ``Wᵀ``.

:func:`neuron_states` gives the diagram's badges; :func:`diagnose` the questions, the
most urgent first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .checks import number_text

__all__ = ["Symptom", "SATURATED_BELOW", "VANISHING_RATIO", "OVERSHOOT_RISE", "neuron_label",
           "neuron_states", "diagnose"]

SATURATED_BELOW = 0.01  # |h'(a)| below this for every sample: saturated
VANISHING_RATIO = 100.0  # a layer's mean |dC_dw| this many times below the next layer's
OVERSHOOT_RISE = 0.01  # an MSE this much (1 %) above the one before: a rise worth a question


@dataclass(frozen=True)
class Symptom:
    """One thing worth explaining: ``kind`` (``"dead"``, ``"saturated"``, ``"overshoot"``,
    ``"vanishing"``), ``key`` (the same symptom has the same key, so it is raised once),
    the one-line ``question`` and its ``answer`` (with the engine's numbers)."""

    kind: str
    key: tuple
    question: str
    answer: str


def neuron_label(layers_vector, column, neuron):
    """``x3`` an input, ``h2,3`` neuron 3 of hidden layer 2 (column 3 of layer 2's
    matrices), ``y3`` an output; ``column`` counts layers from the input layer, 0."""
    if column == 0:
        return f"x{neuron}"
    if column == len(layers_vector) - 1:
        return f"y{neuron}"
    return f"h{column},{neuron}"


def _g(value):
    return number_text(value, digits=3)


def _names(network, number, neurons):
    labels = [neuron_label(network.layers_vector, number, int(j)) for j in neurons]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def neuron_states(stepper):
    """``{(layer, neuron): "dead" or "saturated"}`` from each layer's ``dh_da_matrix`` (N x n)
    as last computed; ``layer`` counts from 1 (a diagram column), ``neuron`` is a column of
    that layer's matrices. A layer whose ``dh_da_matrix`` is not computed yet has none, nor
    one whose ∂C/∂a does not go through h'(a) (softmax; cross-entropy's output layer, where
    a saturated output still learns: ∂C/∂a = (y − t)/N)."""
    states = {}
    for number, layer in enumerate(stepper.network.neural_layers, start=1):
        record = layer.activation.record
        if not layer.dC_da_is_product or not stepper.computed(number, "dh_da_matrix"):
            continue
        with np.errstate(invalid="ignore"):
            largest = np.abs(layer.dh_da_matrix).max(axis=0)
        found = (largest < SATURATED_BELOW) if record.bounded else (largest == 0)
        for neuron in np.flatnonzero(found).tolist():
            states[(number, neuron)] = "saturated" if record.bounded else "dead"
    return states


def _dead(network, number, neurons):
    layer = network.neural_layers[number - 1]
    largest_a = layer.weight_input_bias_matrix[:, neurons].max()
    names, many = _names(network, number, neurons), len(neurons) > 1
    whole = " (the whole layer)" if len(neurons) == layer.weights_matrix.shape[1] else ""
    return Symptom(
        "dead", ("dead", number, tuple(neurons)),
        f"{names}{whole}: {'their' if many else 'its'} column{'s' * many} of layer {number}'s "
        f"dC_dw_matrix {'are' if many else 'is'} exactly 0. Why, and will "
        f"{'their' if many else 'its'} weights ever change?",
        f"a = x·W + b ≤ 0 for every sample (the largest is {_g(largest_a)}), where "
        f"{layer.activation.value} has h′(a) = 0; so ∂C/∂a = ∂C/∂h ⊙ h′(a) = 0, and "
        "∂C/∂W = xᵀ·∂C/∂a is 0 in those columns: gradient descent never changes these "
        f"weights again. {'They are' if many else 'It is'} dead, and pass nothing back "
        "either (∂C/∂x = ∂C/∂a·Wᵀ). Leaky ReLU (h′ = 0.01 below 0), a smaller learning "
        "rate or other initial weights avoid it.")


def _saturated(network, number, neurons):
    layer = network.neural_layers[number - 1]
    a = np.abs(layer.weight_input_bias_matrix[:, neurons])
    largest = np.abs(layer.dh_da_matrix[:, neurons]).max()
    names, many = _names(network, number, neurons), len(neurons) > 1
    return Symptom(
        "saturated", ("saturated", number, tuple(neurons)),
        f"{names} ({layer.activation.value}): h′(a) < {SATURATED_BELOW} for every sample. "
        "What does that do to the gradients of "
        f"{'their' if many else 'its'} weights?",
        f"|a| ≥ {_g(a.min())} for every sample, where {layer.activation.value} is flat: "
        f"h′(a) is at most {_g(largest)}, so ∂C/∂a = ∂C/∂h ⊙ h′(a) is less than 1 % of "
        "∂C/∂h and so are ∂C/∂W = xᵀ·∂C/∂a and everything passed back: the weights barely "
        "move. The neuron is saturated. Large initial weights cause it; smaller ones (the "
        "weight scale) or an activation that does not flatten (leaky ReLU) avoid it.")


def _overshoot(stepper):
    costs, points = stepper.cost_values, stepper.iteration_points
    if stepper.network.batch is not None:   # a mini-batch's cost: of other samples than the
        return None                         # last one's, so a rise says nothing of η
    if len(costs) < 2 or not np.isfinite(costs[-2:]).all() or costs[-2] <= 0 or \
            costs[-1] < costs[-2] * (1 + OVERSHOOT_RISE):
        return None
    before, after, eta = costs[-2], costs[-1], stepper.learning_rate
    start = len(costs) - 1  # the rise began here: one question for a run of rises
    while start > 1 and costs[start - 1] >= costs[start - 2] * (1 + OVERSHOOT_RISE):
        start -= 1
    return Symptom(
        "overshoot", ("overshoot", points[start]),
        f"The MSE went up, from {_g(before)} (iteration {points[-2]}) to {_g(after)} "
        f"(iteration {points[-1]}). How can a step downhill make the cost worse?",
        f"The update W ← W − η·∂C/∂W steps against the slope, but by η = {_g(eta)} times "
        "its size: the slope is only the cost's direction near W, and a step this long went "
        f"past the valley to a point where the MSE is {_g(100 * (after / before - 1))} % "
        "higher. A smaller "
        f"learning rate (try {_g(eta / 2)}) takes steps short enough to go down again.")


def _mean_gradient(stepper, number):
    layer = stepper.network.neural_layers[number - 1]
    if not stepper.computed(number, "dC_dw_matrix"):
        return None
    with np.errstate(invalid="ignore", over="ignore"):
        mean = float(np.abs(layer.dC_dw_matrix).mean())
    return mean if np.isfinite(mean) else None


def _vanishing(stepper):
    network = stepper.network
    means = [_mean_gradient(stepper, number)
             for number in range(1, len(network.neural_layers) + 1)]
    for number in range(len(means) - 1, 0, -1):
        mean, following = means[number - 1], means[number]
        if not mean or not following or mean * VANISHING_RATIO > following:
            continue
        factor = following / mean
        after = network.neural_layers[number]
        slopes = float(np.abs(after.dh_da_matrix).mean())
        return Symptom(
            "vanishing", ("vanishing", number),
            f"Layer {number}'s gradients are about {_g(factor)} times smaller than layer "
            f"{number + 1}'s (mean |dC_dw| {_g(mean)} against {_g(following)}). Why?",
            f"Going back a layer multiplies by that layer's slopes and weights: ∂C/∂a = "
            f"∂C/∂h ⊙ h′(a), then ∂C/∂x = ∂C/∂a·Wᵀ. Layer {number + 1}'s mean |h′(a)| is "
            f"{_g(slopes)}; factors below 1 shrink the gradient at every layer it passes, so "
            f"layer {number} learns about {_g(factor)} times slower: vanishing gradients.")
    return None


def diagnose(stepper):
    """The symptoms the state of ``stepper``'s network shows, most urgent first: an
    overshoot, dead neurons, saturated neurons (one symptom per layer, the layer nearest
    the output first), vanishing gradients.
    Returns a list of :class:`Symptom` (empty when nothing stands out)."""
    network = stepper.network
    found = [_overshoot(stepper)]
    by_layer = {}
    for (number, neuron), state in neuron_states(stepper).items():
        by_layer.setdefault((state, number), []).append(neuron)
    for state, make in (("dead", _dead), ("saturated", _saturated)):  # nearest the output
        found += [make(network, number, neurons)  # first: it blocks every layer before it
                  for (kind, number), neurons in sorted(by_layer.items(), reverse=True)
                  if kind == state]
    found.append(_vanishing(stepper))
    return [symptom for symptom in found if symptom is not None]

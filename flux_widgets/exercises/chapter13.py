"""Chapter 13's exercises: one iteration from the map's layer methods, a hidden layer's ∂C/∂a
from the next layer's, a central difference of your own."""

from __future__ import annotations

from ..activations import ActivationType
from ..derivation import check_gradients, derive_weight_gradient, finite_difference
from ..layer import Neural_Layer
from ..network import (Back_Propagation, Forward_Pass, Learn, Update_Parameters, _iterate,
                       network_cost)
from ..stepper import Stepper
from .cases import random_network, wiped
from .checking import Exercise, Mistake

__all__ = ["EXERCISES", "one_iteration", "hidden_dC_da", "central_difference"]

_SMOOTH = (ActivationType.TANH, ActivationType.SIGMOID, ActivationType.SWISH, ActivationType.ELU)


# --------------------------------------------------------------------------
# 1. One iteration from the map's layer methods.
# --------------------------------------------------------------------------

def _iteration_cases(rng):
    """(network, η): freshly formed networks (no pass has run), one or two hidden layers."""
    settings = ((((2, 5),), 0.5), (((2, 5), (2, 5)), 0.2), (((3, 6),), 1.0),
                (((2, 4), (2, 4)), 0.1))
    cases = []
    for hidden, eta in settings:
        activations = [_SMOOTH[rng.integers(len(_SMOOTH))] for _ in hidden]
        network = random_network(rng, hidden=hidden, outputs=(1, 3), samples=(3, 9),
                                 hidden_activation=activations, passes="none")
        cases.append((network, eta))
    return cases


def _by_methods(network, eta, *, backward="last first", update="after", sign=1.0, biases=True,
                cost_after=False):
    """One iteration with the layer methods; the keywords switch on the exercise's slips.

    It spells out Forward_Pass and Back_Propagation on purpose: each slip stands for a
    learner's function, which may not call them (they are forbidden), and the slips change
    the order inside them.

    ``backward="first first"`` runs the backward pass from layer 1; ``update="inside"``
    updates each layer as soon as its gradients are computed; ``sign=-1`` climbs;
    ``biases=False`` leaves b as it is; ``cost_after`` returns the cost after the update.
    """
    layers = network.neural_layers
    last = len(layers) - 1
    for layer in layers:
        layer.compute_weight_and_input()
        layer.compute_weight_input_bias()
        layer.Activate()

    def step(layer):
        if biases:
            layer.update_parameters(sign * eta)
        else:
            layer.update_weights(sign * eta)

    order = range(last, -1, -1) if backward == "last first" else range(last + 1)
    for index in order:
        layer = layers[index]
        if index == last:
            cost = layer.compute_output_dC_dy(network.outputMatrix)
        else:
            layer.compute_hidden_dC_dy(layers[index + 1])
        layer.Dh_Da_Function(index == last)
        layer.compute_dC_da()
        layer.compute_dC_dw()
        layer.compute_dC_db()
        if update == "inside":
            step(layer)
    if update == "after":
        for layer in layers:
            step(layer)
    if cost_after:
        cost = network_cost(network)
    return {"cost": cost, "parameters": network.parameters.copy()}


def _one_iteration(network, eta):
    Forward_Pass(network)
    cost = Back_Propagation(network)
    Update_Parameters(network, eta)
    return {"cost": cost, "parameters": network.parameters.copy()}


def one_iteration():
    """1. ``one_iteration(network, η)``: forward, backward, update with the layer methods;
    returns the cost and every parameter after the update (``network.parameters``)."""
    return Exercise(
        "1. one iteration from the map", _one_iteration,
        cases=_iteration_cases, function_name="one_iteration",
        forbid=[Forward_Pass, Back_Propagation, Update_Parameters, Learn, _iterate, Stepper.step,
                Stepper.train, check_gradients],
        hint="The map's table lists the methods. Loop over network.neural_layers three times: "
             "the forward pass from layer 1 up; the backward pass from the last layer down (the "
             "last layer's dC_dy comes from the targets, network.outputMatrix; a hidden layer's "
             "from the layer after it); then the update of every layer.",
        solution="def one_iteration(network, eta):\n"
                 "    layers = network.neural_layers\n"
                 "    for layer in layers:                         # forward: layer 1 first\n"
                 "        layer.compute_weight_and_input()\n"
                 "        layer.compute_weight_input_bias()\n"
                 "        layer.Activate()\n"
                 "    for index in range(len(layers) - 1, -1, -1):   # backward: last layer first\n"
                 "        layer = layers[index]\n"
                 "        if index == len(layers) - 1:\n"
                 "            cost = layer.compute_output_dC_dy(network.outputMatrix)\n"
                 "        else:\n"
                 "            layer.compute_hidden_dC_dy(layers[index + 1])\n"
                 "        layer.Dh_Da_Function()\n"
                 "        layer.compute_dC_da()\n"
                 "        layer.compute_dC_dw()\n"
                 "        layer.compute_dC_db()\n"
                 "    for layer in layers:                         # update: after the backward pass\n"
                 "        layer.update_parameters(eta)\n"
                 "    return cost, network.parameters.copy()",
        mistakes=[
            Mistake("you updated each layer as soon as its gradients were computed: the layer "
                    "below then computes its dC_dy with the *updated* weights "
                    "(compute_hidden_dC_dy reads the next layer's weights_matrix). Update every "
                    "layer after the whole backward pass",
                    lambda network, eta: _by_methods(network, eta, update="inside")),
            Mistake("your backward pass runs from layer 1 up: a hidden layer's dC_dy is built "
                    "from the next layer's dC_da of this iteration, so the backward pass starts "
                    "at the last layer and goes down",
                    lambda network, eta: _by_methods(network, eta, backward="first first")),
            Mistake("you climbed the gradient (update_parameters(−η), W + η·∂C/∂W): gradient "
                    "descent subtracts η·∂C/∂W, update_parameters(eta)",
                    lambda network, eta: _by_methods(network, eta, sign=-1.0)),
            Mistake("the biases did not move (update_weights only): update_parameters moves "
                    "both W and b",
                    lambda network, eta: _by_methods(network, eta, biases=False)),
            Mistake("the parameters are right, but the cost is the one after the update: the "
                    "cost of an iteration is the one its backward pass computes "
                    "(compute_output_dC_dy returns it), before the update",
                    lambda network, eta: _by_methods(network, eta, cost_after=True)),
        ])


# --------------------------------------------------------------------------
# 2. A hidden layer's ∂C/∂a from the next layer's.
# --------------------------------------------------------------------------

def _hidden_cases(rng):
    """(network, layer): ``layer`` and the next have the same width (so that every slip below
    can be computed and named), h' ≠ 1, N > 1; the backward matrices of ``layer`` and below
    are wiped (nan)."""
    cases = []
    for layer in (1, 2, 1, 2, 1):
        width = int(rng.integers(2, 4 if layer == 2 else 6))
        outputs = (width, width) if layer == 2 else (1, 3)   # layer 2's next is the output
        activations = [_SMOOTH[rng.integers(len(_SMOOTH))] for _ in range(2)]
        network = random_network(rng, hidden=((width, width),) * 2, outputs=outputs,
                                 samples=(6, 9), hidden_activation=activations,
                                 passes="backward")
        wiped(network, "dC_dy_matrix", "dC_da_matrix", "dC_dw_matrix", "dC_db_matrix",
              layers=range(1, layer + 1))
        cases.append((network, layer))
    return cases


def _dC_da(network, layer, *, upper="dC_da_matrix", transpose=True, h_of="this layer"):
    """The reference ``(next.dC_da · next.Wᵀ) ⊙ h'(a)`` and its slips (``h_of="none"`` or
    ``"next layer"``, ``transpose=False``, ``upper="dC_dy_matrix"``)."""
    lower, following = network.neural_layers[layer - 1], network.neural_layers[layer]
    W = following.weights_matrix
    dC_dh = following.matrices[upper] @ (W.T if transpose else W)
    factor = {"this layer": lower.dh_da_matrix, "next layer": following.dh_da_matrix,
              "none": 1.0}[h_of]
    return dC_dh * factor


def hidden_dC_da():
    """2. ``dC_da_of(network, layer)``: ``(next.dC_da · next.Wᵀ) ⊙ h'(a)`` of hidden ``layer``."""
    return Exercise(
        "2. a hidden layer's dC_da", _dC_da,
        cases=_hidden_cases, function_name="dC_da_of",
        forbid=[Back_Propagation, Neural_Layer.compute_hidden_dC_dy, Neural_Layer.compute_dC_da,
                finite_difference, check_gradients, derive_weight_gradient],
        hint="layer counts from 1, so this layer is network.neural_layers[layer - 1] and the next "
             "one network.neural_layers[layer]. First ∂C/∂h of this layer (N x its width), from "
             "what the next layer computed; then ∂C/∂a = ∂C/∂h ⊙ h'(a), entry by entry.",
        solution="def dC_da_of(network, layer):\n"
                 "    this, following = network.neural_layers[layer - 1], "
                 "network.neural_layers[layer]\n"
                 "    dC_dh = following.dC_da_matrix @ following.weights_matrix.T\n"
                 "    return dC_dh * this.dh_da_matrix",
        mistakes=[
            Mistake("h'(a) of this layer is missing: next.dC_da · next.Wᵀ is ∂C/∂h (the "
                    "dC_dy_matrix); ∂C/∂a = ∂C/∂h ⊙ h'(a) with this layer's dh_da_matrix",
                    lambda network, layer: _dC_da(network, layer, h_of="none")),
            Mistake("you multiplied by the *next* layer's h'(a), that of the neurons B the "
                    "weights feed; that factor is already inside the next layer's dC_da. This "
                    "layer's ∂C/∂a takes its own h'(a_A), its dh_da_matrix",
                    lambda network, layer: _dC_da(network, layer, h_of="next layer")),
            Mistake("W is not transposed: ∂C/∂h[n, j] = Σ_k ∂C/∂a_next[n, k] · W_next[j, k] sums "
                    "over the neurons k that neuron j feeds, which is next.dC_da · next.Wᵀ",
                    lambda network, layer: _dC_da(network, layer, transpose=False)),
            Mistake("you used the next layer's dC_dy (∂C/∂h) where its dC_da (∂C/∂a) belongs: "
                    "the weights act on the next layer's a, so its h'(a) is part of the way back",
                    lambda network, layer: _dC_da(network, layer, upper="dC_dy_matrix")),
        ])


# --------------------------------------------------------------------------
# 3. A central difference of your own.
# --------------------------------------------------------------------------

def _difference_cases(rng):
    """(network, layer, row, column, ε): formed networks (no pass has run), a weight whose two
    indices both fit either way round (so that swapping them can be named), several ε."""
    cases = []
    for epsilon in (1e-2, 0.05, 1e-3, 0.1):
        activations = [_SMOOTH[rng.integers(len(_SMOOTH))] for _ in range(2)]
        network = random_network(rng, inputs=(3, 5), hidden=((3, 6), (3, 5)), outputs=(2, 3),
                                 samples=(4, 9), hidden_activation=activations, passes="none")
        layer = int(rng.integers(1, 4))
        rows, columns = network.neural_layers[layer - 1].weights_matrix.shape
        row, column = rng.choice(min(rows, columns), size=2, replace=False)
        cases.append((network, layer, int(row), int(column), epsilon))
    return cases


def _difference(network, layer, row, column, epsilon, *, plus=1.0, minus=-1.0, width=2.0,
                swapped=False):
    """``(C(w + plus·ε) − C(w + minus·ε)) / (width·ε)`` for the weight ``W[row, column]``.

    The reference is the central difference (plus 1, minus −1, width 2); ``minus=0`` with
    ``width=1`` is the forward difference, ``minus=0`` with ``width=2`` forgets to go past w,
    ``width=1`` forgets the 2, ``swapped`` perturbs ``W[column, row]``.
    """
    W = network.neural_layers[layer - 1].weights_matrix
    where = (column, row) if swapped else (row, column)
    w = W[where]
    W[where] = w + plus * epsilon
    up = network_cost(network)
    W[where] = w + minus * epsilon
    down = network_cost(network)
    W[where] = w
    return (up - down) / (width * epsilon)


def central_difference():
    """3. ``central_difference(network, layer, row, column, ε)``:
    ``(C(w + ε) − C(w − ε)) / 2ε`` for ``w = W[row, column]`` of ``layer`` (from 1)."""
    return Exercise(
        "3. a central difference of your own", _difference,
        cases=_difference_cases, function_name="central_difference",
        forbid=[finite_difference, check_gradients, derive_weight_gradient, Back_Propagation],
        hint="Change one entry of network.neural_layers[layer - 1].weights_matrix, compute the "
             "cost with fw.network_cost(network), change it again, compute again, and put the "
             "weight back as it was.",
        solution="def central_difference(network, layer, row, column, epsilon):\n"
                 "    W = network.neural_layers[layer - 1].weights_matrix\n"
                 "    w = W[row, column]\n"
                 "    W[row, column] = w + epsilon\n"
                 "    up = fw.network_cost(network)\n"
                 "    W[row, column] = w - epsilon\n"
                 "    down = fw.network_cost(network)\n"
                 "    W[row, column] = w                       # put it back\n"
                 "    return (up - down) / (2 * epsilon)",
        mistakes=[
            Mistake("that is the forward difference (C(w + ε) − C(w)) / ε; the central one "
                    "steps both ways, (C(w + ε) − C(w − ε)) / 2ε, and its error shrinks like "
                    "ε² instead of ε",
                    lambda *case: _difference(*case, minus=0.0, width=1.0)),
            Mistake("you divided by ε: w + ε and w − ε are 2ε apart, so the slope is "
                    "(C(w + ε) − C(w − ε)) / 2ε",
                    lambda *case: _difference(*case, width=1.0)),
            Mistake("your second cost is at w, not at w − ε: subtracting ε from w + ε only "
                    "goes back to w; set the weight to w − ε (from the original w)",
                    lambda *case: _difference(*case, minus=0.0)),
            Mistake("you changed W[column, row]: the weight from input row to neuron column is "
                    "W[row, column] (rows of W are inputs, columns are neurons)",
                    lambda *case: _difference(*case, swapped=True)),
        ])


EXERCISES = (one_iteration, hidden_dC_da, central_difference)

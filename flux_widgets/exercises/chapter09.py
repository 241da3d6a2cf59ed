"""Chapter 09's exercises: the backward pass's matrices, each from the ones before it.

The output layer's ``dC_dy``, a layer's ``dC_dw`` from its factors, a hidden
layer's ``dC_dy`` from the layer after it, and one hidden layer's whole
backward step: functions, checked on outputs, matrices and networks made inside
the check (several samples N, several outputs k, activations whose slope h' is
not 1). Then the whole backward pass of the network on paper by hand (5, a
:class:`~.checking.Worksheet` on :mod:`.paper`), and the capstone: the whole
``Back_Propagation`` of any network (6), and a gradient checker by central
differences (7).
"""

from __future__ import annotations

import copy

import numpy as np

from ..activations import ActivationType, derivative
from ..costs import mean_squared_error_and_dC_dy
from ..derivation import (check_gradients, finite_difference, finite_difference_report,
                          relative_difference)
from ..errors import ConfigurationError
from ..layer import Neural_Layer
from ..matrix import Matrix_Mean_Squared_Error
from ..network import Back_Propagation, _back_propagation, network_cost
from . import paper
from .cases import random_network, twin, wiped
from .checking import Blank, Exercise, Feedback, Mistake, Worksheet, _brief, _matches

__all__ = ["EXERCISES", "output_dC_dy", "weight_gradient", "hidden_dC_dy", "backward_step",
           "paper_backward", "back_propagation", "gradient_checker", "yours_or_solution"]

# Where the cost's 1/N lives, said wherever a slip puts it elsewhere.
_ONE_N = ("the cost's 1/N lives in the output layer's ∂C/∂y = (2/N)(y − t), and every later "
          "matrix of the backward pass inherits it from there")


# --------------------------------------------------------------------------
# 1. ∂C/∂y of the output layer.
# --------------------------------------------------------------------------

def _output_cases(rng):
    """(y, t): sigmoid-like outputs in (0, 1) and 0/1 targets, N x k with k = 1 to 4, N ≠ k."""
    cases = []
    for N, k in ((16, 1), (5, 3), (7, 2), (3, 4), (9, 3)):
        y = rng.uniform(0.05, 0.95, size=(N, k))
        t = np.eye(k)[rng.integers(0, k, N)] if k > 1 else rng.integers(0, 2, (N, 1)) * 1.0
        cases.append((y, t))
    return cases


def output_dC_dy():
    """1. ``output_dC_dy(y, t)``: ``∂C/∂y = (2/N)(y − t)`` (N x k), for the seed's cost
    ``C = (1/N) Σ_n Σ_j (y − t)²``."""
    return Exercise(
        "1. dC_dy of the output layer", lambda y, t: 2 / len(y) * (y - t),
        cases=_output_cases, function_name="output_dC_dy",
        forbid=[Matrix_Mean_Squared_Error, Neural_Layer.compute_output_dC_dy, Back_Propagation],
        hint="Only one term of C = (1/N) Σ_n Σ_j (y[n, j] − t[n, j])² depends on the output "
             "y[n, j]: differentiate that term. N is the number of samples, the rows of y.",
        solution="def output_dC_dy(y, t):\n"
                 "    return 2 / len(y) * (y - t)          # N = len(y), the rows (samples)",
        mistakes=[
            Mistake("you did not divide by N: C is a mean over the samples, and "
                    + _ONE_N, lambda y, t: 2 * (y - t)),
            Mistake("you divided by N twice: ∂C/∂y = (2/N)(y − t) has one factor 1/N",
                    lambda y, t: 2 / len(y) ** 2 * (y - t)),
            Mistake("you divided by the number of entries N·k (as np.mean does): the seed's "
                    "cost divides by the number of samples N only, so ∂C/∂y = (2/N)(y − t) "
                    "whatever the number of outputs", lambda y, t: 2 / y.size * (y - t)),
            Mistake("you divided by the number of outputs k (y.shape[1]); N is the number of "
                    "samples, the rows: len(y)", lambda y, t: 2 / y.shape[1] * (y - t)),
            Mistake("you dropped the 2 of the square's derivative: d(u²)/du = 2u",
                    lambda y, t: (y - t) / len(y)),
            Mistake("the sign is flipped: ∂C/∂y = (2/N)(y − t), the output minus the target "
                    "(positive where the output is too large)", lambda y, t: 2 / len(y) * (t - y)),
            Mistake("that is the cost C itself, one number; ∂C/∂y has one entry per output "
                    "y[n, j] (N x k)", lambda y, t: np.sum((y - t) ** 2) / len(y)),
            Mistake("you multiplied by the sigmoid's slope y(1 − y): that is ∂C/∂a, the next "
                    "matrix (dC_da_matrix); ∂C/∂y stops at the output y",
                    lambda y, t: 2 / len(y) * (y - t) * y * (1 - y)),
        ])


# --------------------------------------------------------------------------
# 2. ∂C/∂W from its factors.
# --------------------------------------------------------------------------

def _factor_cases(rng):
    """(x, dC_dy, dh_da): N x n_in, N x n_out, N x n_out with h' in [0.05, 1), N > 1."""
    cases = []
    for N, n_in, n_out in ((12, 5, 3), (6, 3, 2), (9, 2, 4), (5, 4, 1), (7, 3, 3)):
        cases.append((rng.standard_normal((N, n_in)), rng.standard_normal((N, n_out)) / N,
                      rng.uniform(0.05, 1.0, (N, n_out))))
    return cases


def _dC_dw(x, dC_dy, dh_da):
    return x.T @ (dC_dy * dh_da)


def weight_gradient():
    """2. ``weight_gradient(x, dC_dy, dh_da)``: ``∂C/∂W = xᵀ · (∂C/∂y ⊙ h'(a))`` (n_in x n_out)."""
    return Exercise(
        "2. dC_dw from its factors", _dC_dw,
        cases=_factor_cases, function_name="weight_gradient",
        hint="Two steps, as Back_Propagation does them: first dC_da from dC_dy and dh_da (both "
             "N x n_out), then dC_dw = Σ_n x[n, i] · dC_da[n, j] for every i, j, the shape of "
             "weights_matrix (n_in x n_out). Which product is each step?",
        solution="def weight_gradient(x, dC_dy, dh_da):\n"
                 "    dC_da = dC_dy * dh_da          # entry by entry: N x n_out\n"
                 "    return x.T @ dC_da             # (n_in x N) · (N x n_out)",
        mistakes=[
            Mistake("you computed ∂C/∂aᵀ · x, the transpose (n_out x n_in): dC_dw has the shape "
                    "of weights_matrix, n_in x n_out, so it is xᵀ · ∂C/∂a",
                    lambda x, dC_dy, dh_da: (dC_dy * dh_da).T @ x),
            Mistake("h'(a) is missing: you computed xᵀ · ∂C/∂y; the weights act on the weighted "
                    "sums a, so the product needs ∂C/∂a = ∂C/∂y ⊙ h'(a)",
                    lambda x, dC_dy, dh_da: x.T @ dC_dy),
            Mistake("you divided by N: " + _ONE_N + "; the samples' shares of dC_dw are added, "
                    "not averaged", lambda x, dC_dy, dh_da: _dC_dw(x, dC_dy, dh_da) / len(x)),
            Mistake("you multiplied the sums over the samples, (Σ_n x)(Σ_n ∂C/∂a): each "
                    "sample's input multiplies that same sample's ∂C/∂a, and then the products "
                    "are added (that is xᵀ · ∂C/∂a)",
                    lambda x, dC_dy, dh_da: np.outer(x.sum(axis=0), (dC_dy * dh_da).sum(axis=0))),
            Mistake("that is the last sample's share only: every sample adds "
                    "x[n, i] · ∂C/∂a[n, j] (+=, not =, in a loop)",
                    lambda x, dC_dy, dh_da: np.outer(x[-1], dC_dy[-1] * dh_da[-1])),
        ])


# --------------------------------------------------------------------------
# 3. A hidden layer's ∂C/∂y from the layer after it.
# --------------------------------------------------------------------------

_SMOOTH = (ActivationType.TANH, ActivationType.SIGMOID, ActivationType.SWISH, ActivationType.ELU)
_HIDDEN_BACKWARD = ("dC_dy_matrix", "dh_da_matrix", "dC_da_matrix", "dC_dw_matrix",
                    "dC_db_matrix")


def _unfinished_cases(rng):
    """(network,): networks after a backward pass that reached the output layer only.

    One or two hidden layers with smooth activations, a sigmoid output layer of k = 2 to
    4 neurons after a last hidden layer of k neurons (so its weights_matrix is square and
    forgetting the transpose still gives an N x k answer), every hidden layer's backward
    matrices wiped (nan).
    """
    cases = []
    for hidden_layers in (1, 2, 1, 2, 2):
        k = int(rng.integers(2, 5))
        activations = [_SMOOTH[rng.integers(len(_SMOOTH))] for _ in range(hidden_layers)]
        network = random_network(rng, hidden=((2, 6),) * (hidden_layers - 1) + ((k, k),),
                                 outputs=(k, k), samples=(4, 9), hidden_activation=activations,
                                 output_activation=ActivationType.SIGMOID, passes="backward")
        cases.append((wiped(network, *_HIDDEN_BACKWARD, layers=range(1, hidden_layers + 1)),))
    return cases


def _layers(network):
    """The last hidden layer and the output layer."""
    return network.neural_layers[-2], network.neural_layers[-1]


def _h_prime(layer):
    """``h'(a)`` of ``layer``, from its weighted sums and outputs (its dh_da may be wiped)."""
    a, h = layer.weight_input_bias_matrix, layer.activated_output_matrix
    return derivative(layer.activation, a, h, np.empty_like(a))


def _hidden_dC_dy(network):
    _, output = _layers(network)
    return output.dC_da_matrix @ output.weights_matrix.T


def hidden_dC_dy():
    """3. ``hidden_dC_dy(network)``: the last hidden layer's ``∂C/∂h = ∂C/∂a_next · W_nextᵀ``."""
    return Exercise(
        "3. dC_dy of the last hidden layer", _hidden_dC_dy,
        cases=_unfinished_cases, function_name="hidden_dC_dy",
        forbid=[Back_Propagation, Neural_Layer.compute_hidden_dC_dy],
        hint="Hidden neuron j feeds every output neuron k: ∂C/∂h[n, j] = Σ_k ∂C/∂a_next[n, k] · "
             "W_next[j, k], an N x n_hidden matrix. Which matrices of the output layer hold "
             "∂C/∂a_next and W_next, and which matrix product is that sum?",
        solution="def hidden_dC_dy(network):\n"
                 "    output = network.neural_layers[-1]\n"
                 "    return output.dC_da_matrix @ output.weights_matrix.T",
        mistakes=[
            Mistake("you used the output layer's dC_dy_matrix, ∂C/∂y_next: the hidden output "
                    "reaches the cost through the next layer's weighted sums, so it is "
                    "∂C/∂a_next = ∂C/∂y_next ⊙ h'(a_next) (dC_da_matrix) times W_nextᵀ; the next "
                    "layer's h' is missing",
                    lambda network: _layers(network)[1].dC_dy_matrix
                    @ _layers(network)[1].weights_matrix.T),
            Mistake("W_next is not transposed: ∂C/∂h[n, j] = Σ_k ∂C/∂a_next[n, k] · W_next[j, k] "
                    "runs over the columns k of W_next, so the product is ∂C/∂a_next · W_nextᵀ",
                    lambda network: _layers(network)[1].dC_da_matrix
                    @ _layers(network)[1].weights_matrix),
            Mistake("you computed W_next · ∂C/∂a_nextᵀ, the transpose (n_hidden x N): rows are "
                    "samples, so dC_dy is ∂C/∂a_next · W_nextᵀ, N x n_hidden",
                    lambda network: _layers(network)[1].weights_matrix
                    @ _layers(network)[1].dC_da_matrix.T),
            Mistake("you went one step too far: multiplied by this layer's own h'(a), that is "
                    "its ∂C/∂a (dC_da_matrix), the next matrix; dC_dy is the slope in the "
                    "layer's output h, before its activation's slope",
                    lambda network: _hidden_dC_dy(network) * _h_prime(_layers(network)[0])),
            Mistake("you divided by N: " + _ONE_N + "; ∂C/∂a_next already holds it",
                    lambda network: _hidden_dC_dy(network) / network.sample_size),
        ])


# --------------------------------------------------------------------------
# 4. One hidden layer's whole backward step.
# --------------------------------------------------------------------------

def _step_cases(rng):
    """(x, a, dC_da_next, W_next) of the second hidden layer of tanh-tanh networks, after
    their backward pass: x is the tanh output of the layer below, N > 1, several outputs."""
    cases = []
    for _ in range(5):
        network = random_network(rng, hidden=((2, 5), (2, 5)), outputs=(2, 4), samples=(4, 9),
                                 hidden_activation=[ActivationType.TANH] * 2,
                                 output_activation=ActivationType.SIGMOID, passes="backward")
        layer, following = network.neural_layers[1:]
        cases.append(tuple(matrix.copy() for matrix in (
            layer.input_matrix, layer.weight_input_bias_matrix, following.dC_da_matrix,
            following.weights_matrix)))
    return cases


def _step(x, a, dC_da_next, W_next, *, h_prime=None, input_factor=None, averaged=False,
          bias_axis=0, keepdims=True, transposed=False):
    """The step ``(dC_dy, dC_da, dC_dw, dC_db)``, with the exercise's slips switched on."""
    dC_dy = dC_da_next @ W_next.T
    dC_da = dC_dy * (1 - np.tanh(a) ** 2 if h_prime is None else h_prime(a))
    inputs = x if input_factor is None else x * input_factor(x)
    dC_dw = dC_da.T @ inputs if transposed else inputs.T @ dC_da
    dC_db = dC_da.sum(axis=bias_axis, keepdims=keepdims)
    N = len(x) if averaged else 1
    return dC_dy, dC_da, dC_dw / N, dC_db / N


def _right_step(x, a, dC_da_next, W_next):
    return dict(zip(("dC_dy", "dC_da", "dC_dw", "dC_db"), _step(x, a, dC_da_next, W_next)))


def backward_step():
    """4. ``backward_step(x, a, dC_da_next, W_next)``: a tanh hidden layer's
    ``dC_dy = ∂C/∂a_next · W_nextᵀ``, ``dC_da = dC_dy ⊙ (1 − tanh(a)²)``,
    ``dC_dw = xᵀ · dC_da`` and ``dC_db = Σ_n dC_da`` (N x n, N x n, n_in x n, 1 x n).
    """
    def with_slip(**slip):
        return lambda x, a, dC_da_next, W_next: _step(x, a, dC_da_next, W_next, **slip)

    wrong_axis = ("dC_db is added up along each row (over the neurons): the bias of neuron j "
                  "adds up its column j of dC_da over the samples (axis=0), a 1 x n row like "
                  "bias_matrix")
    return Exercise(
        "4. one hidden layer's backward step", _right_step,
        cases=_step_cases, function_name="backward_step",
        hint="In Back_Propagation's order: dC_dy from the next layer's dC_da and weights; then "
             "dh_da = h'(a) of this layer's tanh; then dC_da, dC_dw from this layer's input x, "
             "and dC_db. The summary table at the end of the lesson has every formula and shape.",
        solution="def backward_step(x, a, dC_da_next, W_next):\n"
                 "    dC_dy = dC_da_next @ W_next.T                # N x n\n"
                 "    dC_da = dC_dy * (1 - np.tanh(a) ** 2)        # h'(a) of tanh\n"
                 "    dC_dw = x.T @ dC_da                          # n_in x n\n"
                 "    dC_db = dC_da.sum(axis=0, keepdims=True)     # 1 x n\n"
                 "    return dC_dy, dC_da, dC_dw, dC_db",
        mistakes=[
            Mistake("h'(a) is missing: dC_da = dC_dy ⊙ h'(a), with tanh's slope "
                    "h'(a) = 1 − tanh(a)²; dC_dw and dC_db are then built on dC_da",
                    with_slip(h_prime=lambda a: 1.0)),
            Mistake("you used 1 − a² for h'(a): tanh's slope is 1 − tanh(a)², the square of "
                    "the layer's output h = tanh(a), not of its weighted sum a",
                    with_slip(h_prime=lambda a: 1 - a ** 2)),
            Mistake("dC_dw has the seed's §4.2 extra factor h'(a_A) = 1 − x² of the layer "
                    "below: a weight multiplies its input x = h_A, so ∂a/∂W is x alone; h'(a_A) "
                    "belongs to the layer below's own dC_da",
                    with_slip(input_factor=lambda x: 1 - x ** 2)),
            Mistake("dC_dw and dC_db are divided by N: " + _ONE_N + "; the samples' shares "
                    "are added", with_slip(averaged=True)),
            Mistake("dC_dw is transposed (∂C/∂aᵀ · x, n x n_in): it has the shape of "
                    "weights_matrix, n_in x n, so it is xᵀ · dC_da", with_slip(transposed=True)),
            Mistake(wrong_axis, with_slip(bias_axis=1)),
            Mistake(wrong_axis, with_slip(bias_axis=1, keepdims=False)),
            Mistake("dC_db has the right numbers as a 1-D array: it is a 1 x n row like "
                    "bias_matrix (sum(axis=0, keepdims=True))", with_slip(keepdims=False)),
        ])


# --------------------------------------------------------------------------
# 5. The backward pass of the network on paper, by hand.
# --------------------------------------------------------------------------

def paper_backward():
    """5. The whole backward pass of the network on paper (:mod:`.paper`), by hand: the ten
    matrices the panel's ten backward clicks compute, layer 2 then layer 1."""
    m, x, t = paper.worked(), paper.INPUTS, paper.TARGETS
    W2 = paper.PARAMETERS[2][0]
    half = m["y"] - t                       # (y − t), the 2 of ∂C/∂y left out
    no_h = "h'(a1) is missing: ∂C/∂a1 = ∂C/∂h1 ⊙ h'(a1), the sigmoid lies between a1 and h1"
    return Worksheet("5. the network on paper: backward", [
        Blank("dC_dy2", "∂C/∂y = (2/N)(y − t), 1 x 1", m["dC_dy2"], [
            Mistake("that is y − t: ∂C/∂y = (2/N)(y − t), the 2 comes from the square", half),
            Mistake("the sign: ∂C/∂y = (2/N)(y − t), negative here (y is below t)", -m["dC_dy2"])]),
        Blank("dh_da2", "h'(a2) of the linear output, 1 x 1", m["dh_da2"], [
            Mistake("that is a2 (a linear layer's h(a) = a); dh_da is its slope", m["a2"]),
            Mistake("that is σ'(a2): the output layer is LINEAR here, h(a) = a, with slope 1",
                    paper.sigmoid(m["a2"]) * (1 - paper.sigmoid(m["a2"]))),
            Mistake("h(a) = a has slope 1, not 0 (0 is a constant's slope)", 0.0)]),
        Blank("dC_da2", "∂C/∂a2 = ∂C/∂y ⊙ h'(a2), 1 x 1", m["dC_da2"], [
            Mistake("you left out the 2 of ∂C/∂y = (2/N)(y − t)", half),
            Mistake("you multiplied by a2, not by h'(a2) = 1", m["dC_dy2"] * m["a2"])]),
        Blank("dC_dw2", "∂C/∂W2 = h1ᵀ · ∂C/∂a2, 2 x 1", m["dC_dw2"], [
            Mistake("that is the seed's §4.2 rule, with the extra factor h'(a1): a2 depends on "
                    "W2 through h1 only, and h'(a1) belongs to ∂C/∂a1", m["seed_dC_dw2"]),
            Mistake("you used a1: layer 2's input is h1 = σ(a1)", m["a1"].T @ m["dC_da2"]),
            Mistake("you used the data x: layer 2's input is layer 1's output h1",
                    x.T @ m["dC_da2"]),
            Mistake("you gave ∂C/∂a2 · h1, a row (1 x 2): ∂C/∂W2 has W2's shape, 2 x 1 "
                    "(h1ᵀ · ∂C/∂a2)", m["dC_dw2"].T)]),
        Blank("dC_db2", "∂C/∂b2, the column sums of ∂C/∂a2, 1 x 1", m["dC_db2"], [
            Mistake("you left out the 2 of ∂C/∂y = (2/N)(y − t)", half),
            Mistake("you multiplied by b2: a2 = h1·W2 + b2 changes one for one with b2, so "
                    "∂C/∂b2 is ∂C/∂a2 itself (summed over the samples)",
                    m["dC_da2"] * paper.PARAMETERS[2][1])]),
        Blank("dC_dy1", "∂C/∂h1 = ∂C/∂a2 · W2ᵀ, 1 x 2", m["dC_dy1"], [
            Mistake("that is ∂C/∂a1 already: ∂C/∂h1 comes before the sigmoid's slope",
                    m["dC_da1"]),
            Mistake("you left out the 2 of ∂C/∂y = (2/N)(y − t)", half @ W2.T),
            Mistake("you multiplied by h1 as well: ∂C/∂h1 = ∂C/∂a2 · W2ᵀ, the weights only",
                    m["dC_dy1"] * m["h1"])]),
        Blank("dh_da1", "h'(a1) = σ(a1)(1 − σ(a1)), 1 x 2", m["dh_da1"], [
            Mistake("that is h1 = σ(a1): dh_da is its slope, σ(a1)(1 − σ(a1))", m["h1"]),
            Mistake("that is σ'(h1), the slope at h1: it is taken at a1, σ(a1)(1 − σ(a1)) = "
                    "h1(1 − h1)", paper.sigmoid(m["h1"]) * (1 - paper.sigmoid(m["h1"]))),
            Mistake("σ'(a) = σ(a)(1 − σ(a)), not a(1 − a)", m["a1"] * (1 - m["a1"]))]),
        Blank("dC_da1", "∂C/∂a1 = ∂C/∂h1 ⊙ h'(a1), 1 x 2", m["dC_da1"], [
            Mistake(f"that is ∂C/∂h1: {no_h}", m["dC_dy1"]),
            Mistake("h'(a1) twice: ∂C/∂a1 = ∂C/∂h1 ⊙ h'(a1), once",
                    m["dC_dy1"] * m["dh_da1"] ** 2),
            Mistake("you multiplied by h1 = σ(a1), not by its slope h'(a1)",
                    m["dC_dy1"] * m["h1"])]),
        Blank("dC_dw1", "∂C/∂W1 = xᵀ · ∂C/∂a1, 2 x 2", m["dC_dw1"], [
            Mistake("you gave the transpose: row i of ∂C/∂W1 is input i, column j hidden "
                    "neuron j, like W1 (xᵀ · ∂C/∂a1)", m["dC_dw1"].T),
            Mistake(f"{no_h} (you used ∂C/∂h1)", x.T @ m["dC_dy1"]),
            Mistake("you used h1, the layer's output: ∂C/∂W1 takes the layer's input x",
                    m["h1"].T @ m["dC_da1"])]),
        Blank("dC_db1", "∂C/∂b1, the column sums of ∂C/∂a1, 1 x 2", m["dC_db1"], [
            Mistake(f"{no_h} (you used ∂C/∂h1)", m["dC_dy1"]),
            Mistake("you added over the neurons: ∂C/∂b1 has one entry per neuron (1 x 2), the "
                    "sum over the samples (the rows)", m["dC_da1"].sum())]),
    ], hint="Layer 2 first, as the panel does: ∂C/∂y, h', ∂C/∂a = ∂C/∂y ⊙ h', ∂C/∂W = "
            "(input)ᵀ · ∂C/∂a, ∂C/∂b = column sums of ∂C/∂a; then layer 1 from ∂C/∂h1 = "
            "∂C/∂a2 · W2ᵀ. σ'(0) = 0.25, σ'(1) ≈ 0.1966.",
       solution="answer = {\n"
                "    \"dC_dy2\": 2 * (0.5189 - 1),                     # -0.9621\n"
                "    \"dh_da2\": 1.0,                                  # linear output\n"
                "    \"dC_da2\": -0.9621 * 1.0,\n"
                "    \"dC_dw2\": [[0.5 * -0.9621], [0.7311 * -0.9621]],   # h1ᵀ · dC_da2\n"
                "    \"dC_db2\": -0.9621,\n"
                "    \"dC_dy1\": [[-0.9621 * 3, -0.9621 * -1]],         # dC_da2 · W2ᵀ\n"
                "    \"dh_da1\": [[0.25, 0.7311 * (1 - 0.7311)]],\n"
                "    \"dC_da1\": [[-2.8864 * 0.25, 0.9621 * 0.1966]],\n"
                "    \"dC_dw1\": [[1 * -0.7216, 1 * 0.1892],            # xᵀ · dC_da1\n"
                "               [2 * -0.7216, 2 * 0.1892]],\n"
                "    \"dC_db1\": [[-0.7216, 0.1892]],\n"
                "}")


# --------------------------------------------------------------------------
# 6. The capstone: Back_Propagation, every layer, any depth and activation.
# --------------------------------------------------------------------------

_NAMES = ("dC_dy", "dh_da", "dC_da", "dC_dw", "dC_db")


def _key(number, name):
    return f"layer {number}'s {name}"


def _capstone_cases(rng):
    """(network,): after Forward_Pass only, every backward matrix wiped (nan).

    Seven networks, one to three hidden layers, N from 1 to 8 (N = 1 twice), k = 1 to 4
    outputs (k > 1 in all but one); every element-by-element activation of ActivationType
    is the output activation of one network and a hidden activation of others (case i:
    output activation i, hidden activations i + 1, i + 2, …). SOFTMAX, whose Jacobian is
    not diagonal, is not among them: the capstone's h'(a) is one number per entry.
    """
    kinds = [kind for kind in ActivationType if kind.record.elementwise]
    cases = []
    for index, (N, k, depth) in enumerate(((1, 3, 1), (5, 2, 2), (8, 4, 3), (3, 1, 2),
                                           (1, 2, 3), (6, 3, 1), (4, 2, 2))):
        kind = kinds[index % len(kinds)]
        hidden = [kinds[(index + 1 + j) % len(kinds)] for j in range(depth)]
        network = random_network(rng, inputs=(2, 4), hidden=((2, 5),) * depth, outputs=(k, k),
                                 samples=(N, N), hidden_activation=hidden,
                                 output_activation=kind, passes="forward")
        cases.append((wiped(network, *(f"{name}_matrix" for name in _NAMES)),))
    return cases


def _backward(network, slip=None, at=None):
    """Every layer's five matrices, first layer to last, as a list of dicts, from the named
    matrices of the forward pass; ``slip`` (one of the exercise's mistakes) made in the
    layers numbered ``at`` (every layer when ``None``)."""
    layers = network.neural_layers
    N, last = network.sample_size, len(layers)
    result = [None] * last
    dC_da_next = None
    for number in range(last, 0, -1):
        layer = layers[number - 1]

        def on(name, number=number):
            return slip == name and (at is None or number in at)

        x, y = layer.input_matrix, layer.activated_output_matrix
        if number == last:
            scale = 2.0 if on("no_N") else 2 / y.size if on("mean") else 2 / N
            dC_dy = scale * (y - network.outputMatrix)
        else:
            dC_dy = dC_da_next @ layers[number].weights_matrix.T
        dh_da = _h_prime(layer)
        dC_da = dC_dy if on("no_h_prime") else dC_dy * dh_da
        inputs = x * _h_prime(layers[number - 2]) if on("seed_factor") and number > 1 else x
        dC_dw = dC_da.T @ inputs if on("transposed") else inputs.T @ dC_da
        if on("bias_axis"):
            dC_db = dC_da.sum(axis=1, keepdims=True)
        else:
            dC_db = dC_da.sum(axis=0, keepdims=not on("bias_1d"))
        if on("twice_N"):
            dC_dw, dC_db = dC_dw / N, dC_db / N
        result[number - 1] = dict(zip(_NAMES, (dC_dy, dh_da, dC_da, dC_dw, dC_db)))
        dC_da_next = dC_da
    return result


def _flat(answer, count):
    """``({layer's name: matrix}, None)`` in Back_Propagation's order (last layer first) from a
    list of ``count`` layers, first to last, each a dict or a tuple of the five; or
    ``(None, why not)``."""
    names = ", ".join(_NAMES)
    if not isinstance(answer, (list, tuple)) or len(answer) != count:
        return None, (f"your function should return a list with one entry per layer, first to "
                      f"last ({count} here), each a dict with the keys {names} (or a tuple in "
                      f"that order); it returned {_brief(answer)}")
    flat = {}
    for number in range(count, 0, -1):
        item = answer[number - 1]
        if isinstance(item, dict):
            parts = {str(key).removesuffix("_matrix"): value for key, value in item.items()}
            if set(parts) != set(_NAMES):
                return None, (f"layer {number}'s entry has the keys "
                              f"{', '.join(map(str, item))}; it should have exactly {names}")
        elif isinstance(item, (list, tuple)) and len(item) == len(_NAMES):
            parts = dict(zip(_NAMES, item))
        else:
            return None, (f"layer {number}'s entry should be a dict with the keys {names} (or "
                          f"a tuple in that order); it is {_brief(item)}")
        flat.update({_key(number, name): parts[name] for name in _NAMES})
    return flat, None


def _engine_backward(network):
    """The right answer: Back_Propagation on a twin, its matrices in its order; three
    gradients are checked against central differences of the cost first."""
    engine = twin(network)
    Back_Propagation(engine)
    layers = engine.neural_layers
    for number, parameter, name in ((1, "weights", "dC_dw_matrix"),
                                    (len(layers), "weights", "dC_dw_matrix"),
                                    (len(layers), "bias", "dC_db_matrix")):
        stored = layers[number - 1].matrices[name][0, 0]
        numeric = finite_difference(engine, number, parameter, 0, 0)
        if "agrees" not in finite_difference_report(numeric, stored, engine.cost):
            raise ConfigurationError(f"layer {number}'s {name}[0, 0] = {stored:.10g} differs "
                                     f"from its central difference {numeric:.10g}")
    return {_key(number, name): layers[number - 1].matrices[f"{name}_matrix"].copy()
            for number in range(len(layers), 0, -1) for name in _NAMES}


class _LayerByLayer(Exercise):
    """A function exercise whose answer is five matrices per layer (list, first to last).

    The answer is compared matrix by matrix in Back_Propagation's order, so the feedback
    names the first wrong matrix; when it is what one of the known slips gives in that
    layer alone (the matrices before it right), the slip is named too, and for a wrong
    dC_dw or dC_db the central difference of the cost at its first wrong entry is shown.
    """

    def __init__(self, *arguments, slips, **keywords):
        super().__init__(*arguments, **keywords)
        self._slips = slips          # [(slip, message)]

    def _run(self, function, case):
        refusal, answer = super()._run(function, case)
        if refusal is not None or answer is None:
            return refusal, answer
        flat, problem = _flat(answer, len(case[0].neural_layers))
        if problem:
            return Feedback(False, f"{self.title}: {problem} (for {_brief(case[0])})"), None
        return None, flat

    def _wrong(self, mistake, cases):
        return [None if wrong is None else _flat(wrong, len(case[0].neural_layers))[0]
                for wrong, case in zip(super()._wrong(mistake, cases), cases)]

    def _check_function(self, function):
        feedback = super()._check_function(function)
        if feedback or not callable(function) \
                or any(mistake.message in feedback.message for mistake in self.mistakes):
            return feedback                  # right, refused, or a known mistake named
        for case in self.cases():
            refusal, answer = self._run(function, case)
            if refusal is not None or answer is None:
                return feedback
            right = self._reference(case)
            wrong = [key for key in right
                     if not _matches(answer[key], right[key], self.rtol, self.atol)]
            if wrong:
                text, _, hint = feedback.message.partition("\nHint: ")
                return Feedback(False, text + self._diagnosis(case, answer, wrong[0])
                                + (f"\nHint: {hint}" if hint else ""))
        return feedback  # pragma: no cover

    def _diagnosis(self, case, answer, key):
        network = case[0]
        number, name = next((n, m) for n in range(1, len(network.neural_layers) + 1)
                            for m in _NAMES if _key(n, m) == key)
        lines = [f"\n{key} is the first wrong matrix in Back_Propagation's order (last layer "
                 "first): every matrix before it is right."]
        for slip, message in self._slips:
            local = _flat(_backward(copy.deepcopy(network), slip, at={number}),
                          len(network.neural_layers))[0]
            if _matches(answer[key], local[key], self.rtol, self.atol):
                lines.append(f"Likely: {message}")
                break
        mine, right = np.asarray(answer[key], dtype=float), self._reference(case)[key]
        if name in ("dC_dw", "dC_db") and mine.shape == right.shape \
                and np.isfinite(mine).all():
            i, j = map(int, np.argwhere(~np.isclose(mine, right, rtol=self.rtol,
                                                    atol=self.atol))[0])
            numeric = finite_difference(twin(network), number,
                                        "weights" if name == "dC_dw" else "bias", i, j)
            lines.append(f"A central difference of the cost, (C(w + ε) − C(w − ε)) / 2ε, "
                         f"gives {numeric:.6g} for its entry [{i}, {j}]; yours is "
                         f"{mine[i, j]:.6g}.")
        return "\n".join(lines)


_CAPSTONE_SLIPS = [
    ("transposed", "dC_dw is transposed (dC_daᵀ · x, n_out x n_in): it has the shape of "
                   "weights_matrix, n_in x n_out, so it is xᵀ · dC_da"),
    ("no_h_prime", "h'(a) is missing: you used dC_dy as dC_da; dC_da = dC_dy ⊙ dh_da, and "
                   "dC_dw, dC_db and the layers below are built on it"),
    ("seed_factor", "dC_dw has the seed's §4.2 extra factor: you multiplied the input "
                    "x = h_A by h'(a_A) of the layer below; a weight multiplies its input, so "
                    "∂a/∂W is x alone, and h'(a_A) belongs to the layer below's own dC_da"),
    ("no_N", "the output layer's dC_dy has no 1/N: C = (1/N) Σ_n Σ_j (y − t)², so "
             "dC_dy = (2/N)(y − t); " + _ONE_N),
    ("mean", "the output layer's dC_dy divides by N·k, the number of entries (as np.mean "
             "does): the seed's cost divides by the number of samples N only, so "
             "dC_dy = (2/N)(y − t)"),
    ("twice_N", "dC_dw and dC_db are divided by N again: " + _ONE_N + "; the samples' "
                "shares of dC_dw and dC_db are added, not averaged"),
    ("bias_axis", "dC_db is added up along each row (axis=1, over the neurons): the bias of "
                  "neuron j adds up its column j of dC_da over the samples (axis=0), a 1 x n "
                  "row like bias_matrix"),
    ("bias_1d", "dC_db has the right numbers as a 1-D array: it is a 1 x n row like "
                "bias_matrix (sum(axis=0, keepdims=True))"),
]


def back_propagation():
    """6. ``my_back_propagation(network)``: after Forward_Pass, every layer's ``dC_dy``,
    ``dh_da``, ``dC_da``, ``dC_dw`` and ``dC_db``, as a list (first layer to last) of dicts
    with those keys (or tuples in that order), for any depth and activation."""
    def with_slip(slip):
        return lambda network: _backward(network, slip)

    return _LayerByLayer(
        "6. the whole backward pass", _engine_backward,
        cases=_capstone_cases, function_name="my_back_propagation",
        forbid=[Back_Propagation, _back_propagation, Neural_Layer.compute_output_dC_dy,
                Neural_Layer.compute_hidden_dC_dy, Neural_Layer.Dh_Da_Function,
                Neural_Layer.compute_dC_da, Neural_Layer.compute_dC_dw,
                Neural_Layer.compute_dC_db, mean_squared_error_and_dC_dy, check_gradients,
                finite_difference],
        slips=_CAPSTONE_SLIPS,
        hint="Walk the layers from the last to the first, as Back_Propagation does. The last "
             "layer's dC_dy is (2/N)(y − t) from its activated_output_matrix and "
             "network.outputMatrix; a hidden layer's is the next layer's dC_da · its "
             "weights_matrixᵀ. Then dh_da = h'(a) of the layer's own activation (derivative("
             "layer.activation, a, h, np.empty_like(a)), with a = weight_input_bias_matrix and "
             "h = activated_output_matrix), dC_da = dC_dy ⊙ dh_da, dC_dw = input_matrixᵀ · "
             "dC_da, dC_db = the column sums of dC_da (1 x n). Store each layer's five at its "
             "place in the list, first layer first.",
        solution="def my_back_propagation(network):\n"
                 "    layers = network.neural_layers\n"
                 "    results = [None] * len(layers)\n"
                 "    for number in range(len(layers), 0, -1):          # last layer first\n"
                 "        layer = layers[number - 1]\n"
                 "        a, h = layer.weight_input_bias_matrix, layer.activated_output_matrix\n"
                 "        if number == len(layers):\n"
                 "            dC_dy = 2 / network.sample_size * (h - network.outputMatrix)\n"
                 "        else:\n"
                 "            dC_dy = results[number][\"dC_da\"] @ layers[number].weights_matrix.T\n"
                 "        dh_da = fw.activations.derivative(layer.activation, a, h, np.empty_like(a))\n"
                 "        dC_da = dC_dy * dh_da\n"
                 "        results[number - 1] = {\"dC_dy\": dC_dy, \"dh_da\": dh_da, \"dC_da\": dC_da,\n"
                 "                               \"dC_dw\": layer.input_matrix.T @ dC_da,\n"
                 "                               \"dC_db\": dC_da.sum(axis=0, keepdims=True)}\n"
                 "    return results",
        mistakes=[Mistake(message, with_slip(slip)) for slip, message in _CAPSTONE_SLIPS])


# --------------------------------------------------------------------------
# 7. A gradient checker: central differences of the cost.
# --------------------------------------------------------------------------

def _checker_cases(rng):
    """(network, layer, eps, analytic): smooth networks (no kink, no gradient exactly 0), a
    layer counted from 1, ε from 1e-3 to 1e-2 (so that a one-sided difference or a weight
    not put back is off by far more than the tolerance), and an ``analytic`` dC_dw to check:
    the engine's (right), the seed's §4.2 rule's, or the engine's times 0.7."""
    cases = []
    for kind, eps in (("right", 1e-3), ("seed", 5e-3), ("scaled", 1e-2), ("right", 2e-3),
                      ("seed", 1e-3)):
        depth = int(rng.integers(1, 3))
        network = random_network(rng, inputs=(2, 4), hidden=((2, 4),) * depth, outputs=(2, 3),
                                 samples=(3, 8),
                                 hidden_activation=[_SMOOTH[rng.integers(len(_SMOOTH))]
                                                    for _ in range(depth)],
                                 output_activation=(ActivationType.SIGMOID,
                                                    ActivationType.LINEAR)[rng.integers(2)],
                                 passes="forward")
        layers = len(network.neural_layers)
        number = int(rng.integers(2, layers + 1)) if kind == "seed" else \
            int(rng.integers(1, layers + 1))
        analytic = _backward(network, "seed_factor" if kind == "seed" else None)[number - 1]
        analytic = analytic["dC_dw"] * (0.7 if kind == "scaled" else 1.0)
        cases.append((network, number, eps, analytic))
    return cases


def _checker(network, layer, eps, analytic, *, one_sided=False, restore=True, divisor=2.0,
             denominator="max"):
    """``{"estimate": …, "relative_error": …}``, with the exercise's slips switched on."""
    W = network.neural_layers[layer - 1].weights_matrix
    estimate = np.empty_like(W)
    for (i, j), w in np.ndenumerate(W.copy()):
        W[i, j] = w + eps
        up = network_cost(network)
        W[i, j] = w if one_sided else w - eps
        down = network_cost(network)
        if restore:
            W[i, j] = w
        estimate[i, j] = (up - down) / ((1.0 if one_sided else divisor) * eps)
    difference = np.abs(estimate - analytic)
    scale = {"max": np.maximum(np.abs(estimate), np.abs(analytic)), "none": 1.0,
             "analytic": np.abs(analytic)}[denominator]
    return {"estimate": estimate, "relative_error": difference / scale}


def gradient_checker():
    """7. ``my_gradient_check(network, layer, eps, analytic)``: the central differences
    ``(C(W[i, j] + ε) − C(W[i, j] − ε)) / 2ε`` of every weight of layer ``layer`` (from 1),
    and their relative errors ``|estimate − analytic| / max(|estimate|, |analytic|)``
    against a given ``analytic`` dC_dw; both n_in x n_out."""
    def with_slip(**slip):
        return lambda network, layer, eps, analytic: _checker(network, layer, eps, analytic,
                                                               **slip)

    return Exercise(
        "7. a gradient checker", _checker,
        cases=_checker_cases, function_name="my_gradient_check",
        forbid=[Back_Propagation, _back_propagation, finite_difference, check_gradients,
                relative_difference, finite_difference_report],
        hint="For each entry (i, j) of the layer's weights_matrix (a view into the network: "
             "writing W[i, j] = … changes the network): remember w = W[i, j]; set w + ε and "
             "take the cost (fw.network_cost(network)), set w − ε and take the cost, put w "
             "back; the estimate is the difference of the two costs over 2ε. Then the "
             "relative error, entry by entry: |estimate − analytic| divided by the larger of "
             "|estimate| and |analytic| (np.maximum).",
        solution="def my_gradient_check(network, layer, eps, analytic):\n"
                 "    W = network.neural_layers[layer - 1].weights_matrix\n"
                 "    estimate = np.zeros_like(W)\n"
                 "    for (i, j), w in np.ndenumerate(W.copy()):\n"
                 "        W[i, j] = w + eps\n"
                 "        up = fw.network_cost(network)\n"
                 "        W[i, j] = w - eps\n"
                 "        down = fw.network_cost(network)\n"
                 "        W[i, j] = w                                   # put it back\n"
                 "        estimate[i, j] = (up - down) / (2 * eps)\n"
                 "    error = np.abs(estimate - analytic)\n"
                 "    return estimate, error / np.maximum(np.abs(estimate), np.abs(analytic))",
        mistakes=[
            Mistake("that is the one-sided difference (C(w + ε) − C(w)) / ε: its error "
                    "shrinks like ε; the central difference (C(w + ε) − C(w − ε)) / 2ε is off "
                    "by about ε² only", with_slip(one_sided=True)),
            Mistake("you did not put each weight back: after measuring C(w − ε), set "
                    "W[i, j] = w again, or every later entry is measured on a network whose "
                    "earlier weights are off by −ε", with_slip(restore=False)),
            Mistake("you divided by ε: the two costs are measured 2ε apart (at w + ε and "
                    "w − ε), so the slope is their difference over 2ε", with_slip(divisor=1.0)),
            Mistake("your relative error is the absolute difference |estimate − analytic|: "
                    "divide it by the larger of |estimate| and |analytic|, so that it means the "
                    "same for a gradient of 1e-5 and one of 10", with_slip(denominator="none")),
            Mistake("you divided by |analytic| only: the relative error here divides by the "
                    "larger of |estimate| and |analytic| (np.maximum), so it is symmetric and "
                    "never above 2", with_slip(denominator="analytic")),
        ])


# the official answers as functions of the kit (the solutions' texts, written for the
# learner, compute the same): what the cells after an exercise use until it is answered
_OFFICIAL = {"my_back_propagation": _backward,
             "my_gradient_check": lambda *arguments: tuple(_checker(*arguments).values())}


def yours_or_solution(exercise, function, *arguments):
    """``(function, "yours")`` when ``function`` answers ``arguments`` (returns something other
    than None), else ``(the exercise's official answer, "the official solution")``: the
    cells after an exercise run before the learner has done it."""
    if callable(function) and function(*copy.deepcopy(arguments)) is not None:
        return function, "yours"
    return _OFFICIAL[exercise.function_name], "the official solution"


EXERCISES = (output_dC_dy, weight_gradient, hidden_dC_dy, backward_step, paper_backward,
             back_propagation, gradient_checker)

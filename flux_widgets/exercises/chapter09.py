"""Chapter 09's exercises: the backward pass's matrices, each from the ones before it.

The output layer's ``dC_dy``, a layer's ``dC_dw`` from its factors, a hidden
layer's ``dC_dy`` from the layer after it, and one hidden layer's whole
backward step. All four are functions, checked on outputs, matrices and
networks made inside the check (several samples N, several outputs k,
activations whose slope h' is not 1).
"""

from __future__ import annotations

import numpy as np

from ..activations import ActivationType, derivative
from ..layer import Neural_Layer
from ..matrix import Matrix_Mean_Squared_Error
from ..network import Back_Propagation
from .cases import random_network, wiped
from .checking import Exercise, Mistake

__all__ = ["EXERCISES", "output_dC_dy", "weight_gradient", "hidden_dC_dy", "backward_step"]

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


EXERCISES = (output_dC_dy, weight_gradient, hidden_dC_dy, backward_step)

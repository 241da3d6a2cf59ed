"""Chapter 07's exercises: ELU's derivative, the exact rule for ∂C/∂w_AB, a stack of linear
layers as one matrix, which rule the measurement supports, and both rules by hand on the
network on paper (:mod:`.paper`).
"""

from __future__ import annotations

import math

import numpy as np

from ..activations import ActivationType, derivative
from ..derivation import check_gradients, derive_weight_gradient, finite_difference
from ..layer import Neural_Layer
from ..network import Back_Propagation, Forward_Pass, Predict, network_cost
from .cases import random_network, wiped
from . import paper
from .checking import Blank, Choice, Exercise, Mistake, Worksheet

__all__ = ["EXERCISES", "elu_derivative", "exact_rule", "one_linear_map", "which_rule",
           "paper_rule"]


def _elu_cases(rng):
    """Arrays of a: the kink, random values of both signs, a matrix, and |a| = 800."""
    return [(np.array([-3.0, -1.0, -0.2, 0.0, 0.3, 2.0]),),
            (rng.uniform(-6, 6, size=25),),
            (rng.normal(0, 3, size=(4, 5)),),
            (np.array([[-800.0, -30.0], [30.0, 800.0]]),)]   # e^800 overflows


def elu_derivative():
    """1. ``elu_derivative(a)``: ELU's ``h'(a)``, 1 where a > 0 and e^a elsewhere, element-wise."""
    return Exercise(
        "1. ELU's derivative", lambda a: np.where(a > 0, 1.0, np.exp(np.minimum(a, 0.0))),
        cases=_elu_cases, function_name="elu_derivative", forbid=[derivative],
        hint="np.where(condition, value_if_true, value_if_false) works element by element; "
             "np.where computes both values everywhere, so whatever goes into np.exp must "
             "never be large (e^800 overflows)",
        solution="def elu_derivative(a):\n"
                 "    return np.where(a > 0, 1.0, np.exp(np.minimum(a, 0)))",
        mistakes=[
            Mistake("that is h(a), ELU itself; its derivative is 1 where a > 0 and e^a elsewhere",
                    lambda a: np.where(a > 0, a, np.expm1(np.minimum(a, 0.0)))),
            Mistake("for a ≤ 0 you kept the −1 of e^a − 1: a constant's derivative is 0, so "
                    "h'(a) = e^a there",
                    lambda a: np.where(a > 0, 1.0, np.expm1(np.minimum(a, 0.0)))),
            Mistake("that is ReLU's derivative, 0 for a ≤ 0: ELU's slope there is e^a, small "
                    "but never 0", lambda a: np.where(a > 0, 1.0, 0.0)),
        ])


_SMOOTH = (ActivationType.TANH, ActivationType.SIGMOID, ActivationType.SWISH, ActivationType.ELU)


def _ab_cases(rng):
    """(network, layer, A, B): B a neuron of ``layer`` (2 or 3), A a hidden neuron feeding it.

    The networks are 2-hidden-layer networks with smooth hidden activations (h' ≠ 1 almost
    everywhere) and a sigmoid output, after their backward pass, with ∂C/∂a, ∂C/∂W and ∂C/∂b
    wiped (nan): the learner forms ∂C/∂a_B from ∂C/∂h_B and h'(a_B).
    """
    cases = []
    for _ in range(5):
        hidden = [_SMOOTH[rng.integers(len(_SMOOTH))] for _ in range(2)]
        network = random_network(rng, hidden=((3, 6), (2, 5)), hidden_activation=hidden,
                                 output_activation=ActivationType.SIGMOID, passes="backward")
        layer = int(rng.integers(2, 4))
        A = int(rng.integers(network.layers_vector[layer - 1]))
        B = int(rng.integers(network.layers_vector[layer]))
        cases.append((wiped(network, "dC_da_matrix", "dC_dw_matrix", "dC_db_matrix"),
                      layer, A, B))
    return cases


def _factors(network, layer, A, B):
    """``h_A, ∂C/∂h_B, h'(a_B), h'(a_A), a_A`` over the samples (arrays of N)."""
    lower, upper = network.neural_layers[layer - 2], network.neural_layers[layer - 1]
    return (upper.input_matrix[:, A], upper.dC_dy_matrix[:, B], upper.dh_da_matrix[:, B],
            lower.dh_da_matrix[:, A], lower.weight_input_bias_matrix[:, A])


def _gradient(use_dh_B=True, use_dh_A=False, use_a_A=False, mean=False):
    """Σ_n (or mean) of h_A · ∂C/∂h_B · h'(a_B), with the exercise's slips switched on or off."""
    def gradient(network, layer, A, B):
        h_A, dC_dh_B, dh_B, dh_A, a_A = _factors(network, layer, A, B)
        terms = (a_A if use_a_A else h_A) * dC_dh_B * (dh_B if use_dh_B else 1.0) \
            * (dh_A if use_dh_A else 1.0)
        return terms.mean() if mean else terms.sum()
    return gradient


def exact_rule():
    """2. ``dC_dw_AB(network, layer, A, B)``: ``Σ_n ∂C/∂a_B[n] · h_A[n]`` with
    ``∂C/∂a_B = ∂C/∂h_B · h'(a_B)``, for the weight from neuron A (layer − 1) to B (``layer``).
    """
    return Exercise(
        "2. the exact rule for w_AB", _gradient(),
        cases=_ab_cases, function_name="dC_dw_AB",
        forbid=[Back_Propagation, Forward_Pass, Predict, network_cost, finite_difference,
                check_gradients, derive_weight_gradient, Neural_Layer.compute_dC_da,
                Neural_Layer.compute_dC_dw],
        hint="h_A is column A of B's layer's input_matrix (= A's layer's "
             "activated_output_matrix). dC_da_matrix is hidden (nan), so form ∂C/∂a_B = "
             "∂C/∂h_B · h'(a_B) from columns B of B's layer's dC_dy_matrix and dh_da_matrix. "
             "Multiply sample by sample and add up over the samples.",
        solution="def dC_dw_AB(network, layer, A, B):\n"
                 "    B_layer = network.neural_layers[layer - 1]\n"
                 "    h_A = B_layer.input_matrix[:, A]\n"
                 "    dC_da_B = B_layer.dC_dy_matrix[:, B] * B_layer.dh_da_matrix[:, B]\n"
                 "    return np.sum(dC_da_B * h_A)",
        mistakes=[
            Mistake("h'(a_B) is missing: you used ∂C/∂h_B (dC_dy_matrix) where the rule has "
                    "∂C/∂a_B = ∂C/∂h_B · h'(a_B); the weight acts on B's weighted sum a_B, and "
                    "B's activation lies between a_B and the cost", _gradient(use_dh_B=False)),
            Mistake("that is the seed's §4.2 rule, with the extra factor h'(a_A): a_B depends on "
                    "w_AB through h_A only (∂a_B/∂w_AB = h_A), and h'(a_A) belongs to ∂C/∂a_A, "
                    "one layer further back", _gradient(use_dh_A=True)),
            Mistake("two slips: h'(a_A) is extra (the seed's §4.2 rule; it belongs to ∂C/∂a_A) "
                    "and h'(a_B) is missing (∂C/∂a_B = ∂C/∂h_B · h'(a_B)): the derivative in "
                    "the rule is B's, not A's", _gradient(use_dh_B=False, use_dh_A=True)),
            Mistake("you averaged over the samples: the 1/N of the cost is already inside "
                    "∂C/∂h of the last layer, (2/N)(y − t); the samples' shares are added",
                    _gradient(mean=True)),
            Mistake("you used a_A, A's weighted sum: the weight multiplies A's output "
                    "h_A = h(a_A), which is the input_matrix of B's layer",
                    _gradient(use_a_A=True)),
        ])


def one_linear_map(network, lesson_network):
    """3. The one ``W = W_1 · W_2 · … · W_L`` (n_in x k) of a network with only LINEAR layers.

    ``lesson_network`` is the lesson's own linear network: its product is a known slip.
    """
    weights = [layer.weights_matrix.copy() for layer in network.neural_layers]

    def product(matrices):
        result = matrices[0]
        for matrix in matrices[1:]:
            result = result @ matrix
        return result

    W = product(weights)
    return Exercise(
        "3. three linear layers, one matrix", W,
        hint="x·W_1 + b_1 goes into layer 2, which multiplies it by W_2, and so on: multiply "
             "the weights matrices in the order the data passes them. The biases only change "
             "b.",
        solution="L1, L2, L3 = lin_net.neural_layers\n"
                 "answer = L1.weights_matrix @ L2.weights_matrix @ L3.weights_matrix",
        mistakes=[
            Mistake("you gave the transpose (a row): the data x (N x 4) is multiplied by W, so W "
                    "is 4 x 1, W_1 · W_2 · W_3 in the order the data passes the layers", W.T),
            Mistake("you left out the last layer: every layer's weights are in the product",
                    product(weights[:-1])),
            Mistake("you left out the first layer: every layer's weights are in the product",
                    product(weights[1:])),
            Mistake("that is the product for linear_net, the network of section 3 (W1, W2 and W3 "
                    "there are its matrices); lin_net is a network of its own: multiply "
                    "lin_net's weights matrices",
                    product([layer.weights_matrix for layer in lesson_network.neural_layers])),
        ])


def which_rule(network, layer, A, B):
    """4. Which rule does ``finite_difference`` support for the weight from A to B: the exact
    rule ``Σ ∂C/∂a_B · h_A`` or the seed's ``Σ ∂C/∂a_B · h_A · h'(a_A)``?

    ``network`` must have run its backward pass; the numbers the messages give are computed
    from it (the finite difference restores the weight exactly).
    """
    lower, upper = network.neural_layers[layer - 2], network.neural_layers[layer - 1]
    dC_da_B, h_A = upper.dC_da_matrix[:, B], upper.input_matrix[:, A]
    dh_A = lower.dh_da_matrix[:, A]
    exact = float(np.sum(dC_da_B * h_A))
    seed = float(np.sum(dC_da_B * h_A * dh_A))
    measured = finite_difference(network, layer, "weights", A, B)
    digits = int(-math.log10(max(abs(exact - measured), 1e-300) / abs(measured)))
    numbers = (f"finite_difference gives {measured:+.6e}, the exact rule {exact:+.6e} and the "
               f"seed's rule {seed:+.6e}")
    return Choice(
        "4. which rule does the measurement support?",
        {"exact": "",
         "seed": f"the measurement says otherwise: {numbers}. The seed's value is "
                 f"{seed / measured:.2g} times the measured one; the exact rule agrees "
                 f"with it to {digits} digits.",
         "both": f"they cannot both be right here: {numbers}. h'(a_A) differs from 1 for "
                 f"{np.sum(dh_A != 1)} of the {dh_A.size} samples (down to {dh_A.min():.3g}), "
                 "so the two rules give different numbers, and the measurement agrees with one "
                 "of them.",
         "neither": f"one of them agrees: {numbers}. The exact rule matches the measurement to "
                    f"{digits} digits."},
        right="exact",
        explanation=f"The measurement agrees with the exact rule to {digits} digits "
                    f"({numbers}). The seed's extra factor h'(a_A) belongs to ∂C/∂a_A, one "
                    "layer further back.",
        hint=f"compute both rules' values for this weight and finite_difference(ex_net, "
             f"{layer}, \"weights\", {A}, {B}); which one does the measurement agree with?",
        solution="answer = \"exact\"   # finite_difference agrees with Σ ∂C/∂a_B · h_A, "
                 "not with the seed's rule")


def paper_rule():
    """5. The network on paper (:mod:`.paper`), by hand: ∂C/∂a of the output, the exact rule
    for the two weights into the output (W2, 2 x 1) and what the seed's §4.2 rule gives."""
    m, t = paper.worked(), paper.TARGETS
    dC_da2, h1 = m["dC_da2"], m["h1"]
    seed = ("the seed's §4.2 rule, with the extra factor h'(a) of the hidden neuron: the "
            "weight multiplies h_A, so ∂a_out/∂w = h_A, and h'(a_A) belongs to ∂C/∂a_A, one "
            "layer further back")
    return Worksheet("5. the network on paper: the rule of §4.2", [
        Blank("dC_da2", "∂C/∂a of the output neuron, 1 x 1", dC_da2, [
            Mistake("that is y − t: ∂C/∂y = (2/N)(y − t), the 2 comes from the square",
                    m["y"] - t),
            Mistake("the sign: ∂C/∂y = (2/N)(y − t), and y is below t here, so it is negative",
                    2 * (t - m["y"])),
            Mistake("that is t − y: ∂C/∂y = (2/N)(y − t), the 2 from the square and y − t in "
                    "that order", t - m["y"])]),
        Blank("dC_dw2", "∂C/∂W2 by the exact rule, 2 x 1 (row j: the weight from hidden "
                        "neuron j)", m["dC_dw2"], [
            Mistake(f"that is {seed}", m["seed_dC_dw2"]),
            Mistake("you used a1, the hidden neurons' weighted sums: the weight multiplies "
                    "their outputs h1 = σ(a1)", m["a1"].T @ dC_da2),
            Mistake("you left out the 2 of ∂C/∂y = (2/N)(y − t)", h1.T @ (m["y"] - t)),
            Mistake("you gave a row (1 x 2): ∂C/∂W2 has W2's shape, 2 x 1, one row per hidden "
                    "neuron", m["dC_dw2"].T)]),
        Blank("seed_dC_dw2", "the same two weights by the seed's §4.2 rule, 2 x 1",
              m["seed_dC_dw2"], [
            Mistake("that is the exact rule: the seed's §4.2 formula multiplies by h'(a) of "
                    "the hidden neuron as well (σ'(0) = 1/4 for neuron 1)", m["dC_dw2"]),
            Mistake("you multiplied by σ(a) = h, not by its slope h'(a) = σ(a)(1 − σ(a))",
                    (h1 * h1).T @ dC_da2),
            Mistake("you gave a row (1 x 2): like ∂C/∂W2, 2 x 1, one row per hidden neuron",
                    m["seed_dC_dw2"].T)]),
    ], hint="∂C/∂a of the output is (2/N)(y − t) times h' = 1 (a linear output). The exact "
            "rule for the weight from hidden neuron j is ∂C/∂a_out · h_j; the seed's multiplies "
            "that by h'(a_j) = σ(a_j)(1 − σ(a_j)).",
       solution="answer = {\n"
                "    \"dC_da2\": 2 * (0.5189 - 1),              # -0.9621\n"
                "    \"dC_dw2\": [[-0.9621 * 0.5], [-0.9621 * 0.7311]],\n"
                "    \"seed_dC_dw2\": [[-0.9621 * 0.5 * 0.25], [-0.9621 * 0.7311 * 0.1966]],\n"
                "}")


EXERCISES = (elu_derivative, exact_rule, one_linear_map, which_rule, paper_rule)

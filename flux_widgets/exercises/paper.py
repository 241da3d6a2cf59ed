"""The network on paper: a 2-2-1 network small enough to compute by hand.

Chapters 4, 7 and 9 ask the learner to compute it with pencil and paper: its forward
pass (chapter 4), the exact rule and the seed's §4.2 rule for the weights into the output
(chapter 7) and its whole backward pass (chapter 9); then the panel shows the very same
network (``Panel(network=paper.network())``) stepping to the same numbers.

One sample, two inputs, a sigmoid hidden layer of two neurons, a linear output::

    x  = [[1, 2]]             t  = [[1]]
    W1 = [[2, 1], [-1.5, -0.5]]   b1 = [[1, 1]]     a1 = x·W1 + b1 = [[0, 1]]
    W2 = [[3], [-1]]              b2 = [[-0.25]]    y  = a2 = h1·W2 + b2

Hidden neuron 1 has a = 0, where σ(0) = 1/2 and σ'(0) = 1/4 exactly: the seed's §4.2
factor h'(a_A) is a quarter there. σ(1) ≈ 0.731059 and σ'(1) ≈ 0.196612 are the only
numbers a learner needs a calculator for. The output is linear (h' = 1) and N = 1, so
the numbers stay few; chapter 9's capstone checks other N, depths and activations.

:func:`worked` computes every matrix with plain numpy from the formulas (not with the
engine); ``tests/test_paper.py`` checks them against ``Forward_Pass``,
``Back_Propagation``, finite differences and the panel.
"""

from __future__ import annotations

import numpy as np

from ..network import Form_Network

__all__ = ["INPUTS", "TARGETS", "PARAMETERS", "network", "sigmoid", "worked"]

INPUTS = np.array([[1.0, 2.0]])                    # x, N x n_in = 1 x 2
TARGETS = np.array([[1.0]])                        # t, N x k = 1 x 1
PARAMETERS = {                                     # layer number: (weights, biases)
    1: (np.array([[2.0, 1.0], [-1.5, -0.5]]), np.array([[1.0, 1.0]])),
    2: (np.array([[3.0], [-1.0]]), np.array([[-0.25]])),
}


def network():
    """The 2-2-1 network on paper, formed by ``Form_Network`` with its weights set by hand:
    sigmoid hidden layer, linear output, no pass run yet."""
    formed = Form_Network([2, 1], INPUTS, TARGETS, "sigmoid", "linear", seed=0)
    for number, layer in enumerate(formed.neural_layers, start=1):
        layer.weights_matrix, layer.bias_matrix = PARAMETERS[number]
    return formed


def sigmoid(a):
    """σ(a) = 1 / (1 + e^(−a)), element by element, by its formula (a's are small here)."""
    return 1.0 / (1.0 + np.exp(-np.asarray(a, dtype=float)))


def worked():
    """Every number of one forward and backward pass, by the formulas, as ``{name: matrix}``.

    Forward, layer by layer (``xW`` is x·W, the panel's first computation of a layer)::

        xW1 = x·W1, a1 = xW1 + b1, h1 = σ(a1);  xW2 = h1·W2, a2 = xW2 + b2, y = a2
        C = (1/N) Σ (y − t)²

    Backward (N = 1; dh_da2 = 1, the output is linear)::

        dC_dy2 = (2/N)(y − t)          dC_da2 = dC_dy2 ⊙ dh_da2
        dC_dw2 = h1ᵀ · dC_da2          dC_db2 = Σ_n dC_da2          (column sums)
        dC_dy1 = dC_da2 · W2ᵀ          dh_da1 = σ(a1)(1 − σ(a1))    dC_da1 = dC_dy1 ⊙ dh_da1
        dC_dw1 = xᵀ · dC_da1           dC_db1 = Σ_n dC_da1

    Also ``seed_dC_dw2``, what the seed's §4.2 rule gives for W2: ``h1ᵀ · dC_da2`` with
    every row multiplied by h'(a) of the hidden neuron it comes from.
    """
    x, t = INPUTS, TARGETS
    (W1, b1), (W2, b2) = PARAMETERS[1], PARAMETERS[2]
    N = x.shape[0]
    m = {"xW1": x @ W1}
    m["a1"] = m["xW1"] + b1
    m["h1"] = sigmoid(m["a1"])
    m["xW2"] = m["h1"] @ W2
    m["a2"] = m["xW2"] + b2
    m["y"] = m["a2"]
    m["C"] = np.sum((m["y"] - t) ** 2) / N
    m["dC_dy2"] = 2.0 / N * (m["y"] - t)
    m["dh_da2"] = np.ones_like(m["a2"])
    m["dC_da2"] = m["dC_dy2"] * m["dh_da2"]
    m["dC_dw2"] = m["h1"].T @ m["dC_da2"]
    m["dC_db2"] = m["dC_da2"].sum(axis=0, keepdims=True)
    m["dC_dy1"] = m["dC_da2"] @ W2.T
    m["dh_da1"] = m["h1"] * (1.0 - m["h1"])
    m["dC_da1"] = m["dC_dy1"] * m["dh_da1"]
    m["dC_dw1"] = x.T @ m["dC_da1"]
    m["dC_db1"] = m["dC_da1"].sum(axis=0, keepdims=True)
    m["seed_dC_dw2"] = (m["h1"] * m["dh_da1"]).T @ m["dC_da2"]
    return m

"""Chapter 01's exercises: count the weights, predict the first matrix, compute the cost."""

from __future__ import annotations

import numpy as np

from ..activations import activate
from .checking import Exercise, Mistake

__all__ = ["EXERCISES", "number_of_weights", "first_product", "cost_of_the_outputs"]


def number_of_weights(layers_vector):
    """1. The number of weights of each layer: entries of its ``weights_matrix`` (a list)."""
    pairs = list(zip(layers_vector[:-1], layers_vector[1:]))
    weights = [n_in * n_out for n_in, n_out in pairs]
    return Exercise(
        "1. weights per layer", weights,
        hint="one weights_matrix per Neural_Layer, layer 1 first; a layer with n_in inputs and "
             "n_out neurons has n_in x n_out weights",
        solution="answer = [" + ", ".join(f"{n_in} * {n_out}" for n_in, n_out in pairs)
                 + f"]   # {weights}",
        mistakes=[
            Mistake("you counted the biases too (n_in x n_out + n_out): the question asks for the "
                    "entries of each weights_matrix only",
                    [n_in * n_out + n_out for n_in, n_out in pairs]),
            Mistake("that is the number of neurons of each layer; count the connections into "
                    "them", layers_vector[1:]),
            Mistake(f"you left out layer 1, the connections from the {layers_vector[0]} inputs (the "
                    "implicit input layer) to the first hidden layer", weights[1:]),
            Mistake("that is the right numbers in the wrong order: layer 1 (the inputs to the "
                    "first hidden layer) comes first", weights[::-1]),
            Mistake(f"that is the total number of weights; the question asks for each layer's, a "
                    f"list of {len(weights)} numbers", sum(weights)),
        ])


def first_product(network):
    """2. What the first Step will write: ``weight_and_input_matrix = x · W`` of layer 1."""
    layer = network.neural_layers[0]
    x, W, b = layer.input_matrix.copy(), layer.weights_matrix.copy(), layer.bias_matrix.copy()
    a = x @ W + b
    return Exercise(
        "2. weight_and_input_matrix of layer 1", x @ W,
        hint="rows are samples: the 16 x 4 input times the 4 x 8 weights, with @",
        solution="answer = first.input_matrix @ first.weights_matrix", untouched=[network],
        mistakes=[
            Mistake("your answer is all zeros: that is first.weight_and_input_matrix before the "
                    "first Step, which has not written it yet; compute x · W from "
                    "first.input_matrix and first.weights_matrix", np.zeros_like(x @ W)),
            Mistake("you computed (x·W)ᵀ, 8 x 16: rows must be samples, so it is x · W, "
                    "16 x 4 times 4 x 8", (x @ W).T),
            Mistake("you added the bias: that is the next matrix, weight_input_bias_matrix "
                    "(the second Step)", a),
            Mistake("you added the bias and applied the activation: that is "
                    "activated_output_matrix, the third Step",
                    activate(layer.activation, a, np.empty_like(a))),
        ])


def cost_of_the_outputs(network):
    """3. The cost ``C = (1/N) Σ (y − t)²`` of ``network``'s outputs (after a forward pass)."""
    y, t = network.output.copy(), network.outputMatrix.copy()
    N = len(y)
    return Exercise(
        "3. the cost of the forward pass", np.sum((y - t) ** 2) / N,
        hint="y is third.network.output and t is third.network.outputMatrix (both 16 x 1); "
             "square the differences, add them up, divide by N",
        solution="y, t = third.network.output, third.network.outputMatrix\n"
                 "answer = np.sum((y - t) ** 2) / len(y)", untouched=[network],
        mistakes=[
            Mistake("you did not divide by N = 16: C is the mean over the samples",
                    np.sum((y - t) ** 2)),
            Mistake("you left out the square: the differences then cancel; C adds up (y − t)²",
                    np.sum(y - t) / N),
            Mistake("you squared the sum, (Σ (y − t))² / N; C is the sum of the squares",
                    np.sum(y - t) ** 2 / N),
            Mistake("that is the mean of |y − t|, not of (y − t)²", np.mean(np.abs(y - t))),
            Mistake("you divided by N twice", np.sum((y - t) ** 2) / N ** 2),
            Mistake("you took the square root of the cost (that is the RMSE, not the seed's C)",
                    np.sqrt(np.sum((y - t) ** 2) / N)),
        ])


EXERCISES = (number_of_weights, first_product, cost_of_the_outputs)

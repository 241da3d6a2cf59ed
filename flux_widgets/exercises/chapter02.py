"""Chapter 02's exercises: the matrix library's shapes, the cost, one sample as a row."""

from __future__ import annotations

import numpy as np

from ..matrix import Matrix_Mean_Squared_Error
from .checking import Exercise, Mistake

__all__ = ["EXERCISES", "pre_activation", "weight_gradient_shape", "mean_squared_error",
           "one_new_sample"]


def pre_activation(x, W, b):
    """1. ``a = x · W + b`` (N x n_out) with the ``Matrix_*`` functions."""
    x, W, b = (np.array(m, dtype=float) for m in (x, W, b))
    xW = x @ W
    return Exercise(
        "1. x·W + b", xW + b,
        hint="Multiply first (Matrix_Multiply), broadcast b to the shape of x·W "
             "(Matrix_Broadcast), then add (Matrix_Add).",
        solution="xW = Matrix_Multiply(None, x_1, W_1)\n"
                 "B = Matrix_Broadcast(None, b_1, 3, 3)\n"
                 "answer = Matrix_Add(None, xW, B)",
        mistakes=[
            Mistake("you left out the bias: that is x · W, the weight_and_input_matrix", xW),
            Mistake("you added the bias down the columns (b as a column, b[j] to row j): each "
                    "neuron's bias belongs to its column, the same for every sample (row)",
                    xW + b.T),
            Mistake("you computed (x · W)ᵀ + b: rows must stay samples", xW.T + b),
        ])


def weight_gradient_shape(x, D):
    """2. ``xᵀ · D`` (n_in x n_out), the product that gives a layer's weight gradient."""
    x, D = np.array(x, dtype=float), np.array(D, dtype=float)
    return Exercise(
        "2. xᵀ · D", x.T @ D,
        hint="Transpose x_2 first (3 x 2 becomes 2 x 3); then (2 x 3) · (3 x 3) is 2 x 3, the "
             "shape of the layer's W.",
        solution="answer = Matrix_Multiply(None, Matrix_Transpose(None, x_2), D_2)   # 2 x 3, like W",
        mistakes=[
            Mistake("you computed Dᵀ · x, the transpose of the answer (3 x 2): the product "
                    "starts with xᵀ, so that the result is n_in x n_out like W", D.T @ x),
            Mistake("you transposed D as well: xᵀ · Dᵀ; only x is transposed", x.T @ D.T),
        ])


def _cost_cases(rng):
    cases = []
    for N, k in ((16, 1), (3, 2), (5, 3), (7, 4)):
        y = rng.uniform(size=(N, k))
        t = np.eye(k)[rng.integers(0, k, N)] if k > 1 else rng.integers(0, 2, (N, 1)) * 1.0
        cases.append((y, t))
    return cases


def mean_squared_error():
    """3. ``mean_squared_error(y, t)``: the seed's ``C = (1/N) Σ_n Σ_j (y − t)²``, with numpy."""
    return Exercise(
        "3. mean_squared_error", lambda y, t: Matrix_Mean_Squared_Error(y, t),
        cases=_cost_cases, function_name="mean_squared_error",
        forbid=[Matrix_Mean_Squared_Error],
        hint="Sum the squared differences over samples and outputs, then divide by "
             "N = y.shape[0].",
        solution="def mean_squared_error(y, t):\n"
                 "    return ((y - t) ** 2).sum() / y.shape[0]",
        mistakes=[
            Mistake("you divided by the number of entries N·k (np.mean does): the seed's cost "
                    "divides by the number of samples N only",
                    lambda y, t: np.mean((y - t) ** 2)),
            Mistake("you did not divide by N: the cost is a mean over the samples",
                    lambda y, t: np.sum((y - t) ** 2)),
            Mistake("you left out the square: positive and negative errors then cancel",
                    lambda y, t: np.sum(y - t) / len(y)),
            Mistake("you took the square root of the cost (that is the RMSE, not the seed's C)",
                    lambda y, t: np.sqrt(np.sum((y - t) ** 2) / len(y))),
            Mistake("you divided by the number of outputs k, not by the number of samples N",
                    lambda y, t: np.sum((y - t) ** 2) / y.shape[1]),
            Mistake("you divided by N twice: the cost has one factor 1/N",
                    lambda y, t: np.sum((y - t) ** 2) / len(y) ** 2),
            Mistake("you returned one cost per output column (summed over the samples only): C is "
                    "one number, the sum over the samples and the outputs, divided by N",
                    lambda y, t: np.sum((y - t) ** 2, axis=0) / len(y)),
        ])


def one_new_sample(row, W):
    """4. ``x · W`` for one new sample: a 1 x n_in row times W is 1 x n_out."""
    x, W = np.array(row, dtype=float).reshape(1, -1), np.array(W, dtype=float)
    return Exercise(
        "4. a new sample · W", x @ W,
        hint="np.array([[...]]) with two brackets is a 1 x 4 matrix; (1 x 4) · (4 x 8) is 1 x 8.",
        solution="answer = Matrix_Multiply(None, np.array([new_row]), W1)",
        mistakes=[
            Mistake("you gave a 1-D array of 8 numbers: one sample is a matrix with one row, "
                    "so its result is a 1 x 8 matrix (np.array([new_row]) has two brackets)",
                    (x @ W).ravel()),
            Mistake("you gave a column (8 x 1): rows are samples, so one sample's result is one "
                    "row, 1 x 8", (x @ W).T),
        ])


EXERCISES = (pre_activation, weight_gradient_shape, mean_squared_error, one_new_sample)

"""Chapter 06's exercises: the gradient of a weighted sum ``a = x · W + b``.

A neuron's ``∂C/∂W`` from its inputs, a layer's ``xᵀ · ∂C/∂a``, its bias
gradient (the column sums of ``∂C/∂a``), and the gradient after an input is
rescaled with its weights rescaled back.
"""

from __future__ import annotations

import numpy as np

from ..matrix import Matrix_Sum_Columns
from ..network import Back_Propagation, Form_Network, Forward_Pass
from .checking import Exercise, Mistake

__all__ = ["EXERCISES", "three_inputs", "weight_gradient", "bias_gradient", "rescaled_input"]


def three_inputs(x, w, b, t):
    """1. ``∂C/∂W`` (n_in x 1) of one linear neuron on one sample.

    ``a = x · w + b``, ``C = (a − t)²`` (N = 1), so ``∂C/∂a = 2(a − t)`` and
    ``∂C/∂W = xᵀ · ∂C/∂a``: each weight's gradient is ∂C/∂a times its own input.
    """
    x, w = np.array(x, dtype=float).reshape(-1, 1), np.array(w, dtype=float).reshape(-1, 1)
    a = float(np.sum(x * w) + b)
    dC_da = 2 * (a - t)
    right = dC_da * x
    return Exercise(
        "1. ∂C/∂W of a 3-input neuron", right,
        hint="first the weighted sum a = x·w + b, then ∂C/∂a = 2(a − t) (one sample), then "
             "each weight's gradient: ∂C/∂a times that weight's own input; a 3 x 1 matrix like "
             "weights_matrix",
        solution="a_1 = np.dot(x_1, w_1) + b_1                       # the weighted sum\n"
                 "dC_da_1 = 2 * (a_1 - t_1)                          # one sample: N = 1\n"
                 "answer = dC_da_1 * np.array(x_1).reshape(3, 1)     # 3 x 1, like weights_matrix",
        mistakes=[
            Mistake("you gave a row (1 x 3): dC_dw_matrix has the shape of weights_matrix, one "
                    "row per input (3 x 1)", right.T),
            Mistake("you gave a 1-D array: dC_dw_matrix is a 3 x 1 matrix, one row per input "
                    "(reshape(3, 1))", right.ravel()),
            Mistake("that is ∂a/∂W, the inputs themselves: the chain rule multiplies them by "
                    "∂C/∂a = 2(a − t)", x),
            Mistake("you left out the 2 of ∂C/∂a: the derivative of (a − t)² is 2(a − t)",
                    (a - t) * x),
            Mistake("the sign is flipped: ∂C/∂a = 2(a − t), the output minus the target",
                    -right),
            Mistake("you multiplied ∂C/∂a by the weights: ∂a/∂w_i is the input x_i that w_i "
                    "multiplies, not the weight", dC_da * w),
            Mistake("you left out the bias in the weighted sum: a = x·w + b",
                    2 * (a - b - t) * x),
        ])


def _layer_cases(rng):
    """(x, ∂C/∂a) pairs: N x n_in and N x n_out, bits as inputs in the first, as in parity."""
    cases = [(rng.integers(0, 2, (16, 4)).astype(float), rng.standard_normal((16, 8)) / 16)]
    for N, n_in, n_out in ((5, 3, 2), (7, 2, 4), (3, 5, 1), (9, 6, 3)):
        cases.append((rng.standard_normal((N, n_in)), rng.standard_normal((N, n_out))))
    return cases


def _last_sample_only(x, dC_da):
    return np.outer(x[-1], dC_da[-1])


def weight_gradient():
    """2. ``weight_gradient(x, dC_da)``: ``∂C/∂W = xᵀ · ∂C/∂a`` (n_in x n_out)."""
    return Exercise(
        "2. weight_gradient", lambda x, dC_da: x.T @ dC_da,
        cases=_layer_cases, function_name="weight_gradient",
        hint="∂C/∂W[i, j] = Σ_n x[n, i] · ∂C/∂a[n, j]; the result has the shape of "
             "weights_matrix, n_in x n_out. Which matrix product is that sum?",
        solution="def weight_gradient(x, dC_da):\n"
                 "    return x.T @ dC_da",
        mistakes=[
            Mistake("you computed ∂C/∂aᵀ · x, the transpose (n_out x n_in): the gradient has "
                    "the shape of weights_matrix, n_in x n_out, so it is xᵀ · ∂C/∂a",
                    lambda x, dC_da: dC_da.T @ x),
            Mistake("you divided by N: ∂C/∂a already holds the cost's 1/N (it comes from the "
                    "last layer's ∂C/∂y = (2/N)(y − t)); the samples' shares are added, not "
                    "averaged", lambda x, dC_da: x.T @ dC_da / len(x)),
            Mistake("you multiplied the sums over the samples, (Σ_n x)(Σ_n ∂C/∂a): each "
                    "sample's input multiplies that same sample's ∂C/∂a, and then the products "
                    "are added", lambda x, dC_da: np.outer(x.sum(axis=0), dC_da.sum(axis=0))),
            Mistake("that is the last sample's share only: the loop must add every sample's "
                    "x[n, i] · ∂C/∂a[n, j] (+=, not =)", _last_sample_only),
        ])


def _bias_cases(rng):
    """∂C/∂a matrices, N x n_out, one of them square and one with a single neuron."""
    return [(rng.standard_normal((N, n_out)),)
            for N, n_out in ((16, 8), (5, 3), (9, 2), (4, 4), (6, 1))]


def bias_gradient():
    """3. ``bias_gradient(dC_da)``: ``∂C/∂b = Σ_n ∂C/∂a[n, :]``, a 1 x n_out row."""
    across = ("you added along each row (over the neurons): the bias of neuron j adds up its "
              "column j over the samples (axis=0), giving a 1 x n_out row")
    return Exercise(
        "3. bias_gradient", lambda dC_da: dC_da.sum(axis=0, keepdims=True),
        cases=_bias_cases, function_name="bias_gradient", forbid=[Matrix_Sum_Columns],
        hint="the bias's input is 1 for every sample, so ∂C/∂b[j] = Σ_n 1 · ∂C/∂a[n, j]; "
             "the result is a row, 1 x n_out, like bias_matrix",
        solution="def bias_gradient(dC_da):\n"
                 "    return dC_da.sum(axis=0, keepdims=True)     # 1 x n_out",
        mistakes=[
            Mistake("you divided by N (the mean): ∂C/∂a already holds the cost's 1/N, from the "
                    "last layer's ∂C/∂y = (2/N)(y − t); the bias gradient adds the samples up",
                    lambda dC_da: dC_da.mean(axis=0, keepdims=True)),
            Mistake(across, lambda dC_da: dC_da.sum(axis=1, keepdims=True)),
            Mistake(across, lambda dC_da: dC_da.sum(axis=1)),
            Mistake("the right numbers, but as a 1-D array: dC_db_matrix is a 1 x n_out row "
                    "like bias_matrix (keepdims=True)", lambda dC_da: dC_da.sum(axis=0)),
            Mistake("you added up every entry into one number: each neuron has its own bias, "
                    "so each column gets its own sum", lambda dC_da: dC_da.sum()),
        ])


def rescaled_input(network, lesson_network, column, factor):
    """4. Layer 1's ``dC_dw_matrix`` after input ``column`` is multiplied by ``factor`` and
    row ``column`` of layer 1's ``weights_matrix`` divided by it.

    Every weighted sum a stays the same, so every ∂C/∂a does; only the input
    factor of the weights leaving that input changes: row ``column`` of
    ``xᵀ · ∂C/∂a`` is multiplied by ``factor``. The expected answer comes from
    the engine, run on a copy with the data and the weights changed.
    ``network`` must have run its backward pass; so must ``lesson_network``, the lesson's own
    network, whose gradient is a known slip.
    """
    G = network.neural_layers[0].dC_dw_matrix.copy()
    inputs = network.inputMatrix.copy()
    inputs[:, column] *= factor
    changed = Form_Network(network.layers_vector[1:], inputs, network.outputMatrix,
                           network.hidden_activations, network.output_activation, seed=0)
    changed.parameters[...] = network.parameters
    changed.neural_layers[0].weights_matrix[column] /= factor
    Forward_Pass(changed)
    Back_Propagation(changed)
    right = changed.neural_layers[0].dC_dw_matrix.copy()

    def with_row(scale, row=column, gradient=G):
        wrong = gradient.copy()
        wrong[row] *= scale
        return wrong

    other_row = column - 1 if column > 0 else column + 1

    wrong_column = G.copy()
    wrong_column[:, column] *= factor
    mistakes = [
        Mistake("that is the gradient before the change: every ∂C/∂a stays the same, but "
                f"the weights leaving input {column} now see an input {factor:g} times as "
                "large", G),
        Mistake(f"you divided row {column} by {factor:g}, as the weights were: the gradient "
                f"follows the input, and the input was multiplied by {factor:g}",
                with_row(1 / factor)),
        Mistake(f"you multiplied row {column} by {factor:g}² = {factor ** 2:g}: that is the "
                "factor of an update's effect on a (its step and its input both grow); the "
                f"gradient itself grows {factor:g} times", with_row(factor ** 2)),
        Mistake(f"you changed column {column}: a column holds the weights into one neuron; "
                f"the weights leaving input {column} are row {column}", wrong_column),
        Mistake(f"you multiplied every row: only the weights leaving input {column} see a "
                "larger input; the other rows are unchanged", factor * G),
        Mistake(f"you changed row {other_row}: rows are counted from 0, like numpy's indices, "
                f"so input column {column} is data.inputs[:, {column}] and the weights leaving "
                f"it are row {column}", with_row(factor, row=other_row)),
        Mistake("you started from the gradient of the lesson's network (net, seed 0, or G "
                "above): ex_net is a network of its own (seed 1), so start from "
                "ex_net.neural_layers[0].dC_dw_matrix",
                with_row(factor, gradient=lesson_network.neural_layers[0].dC_dw_matrix)),
    ]
    if factor != 2:
        mistakes.append(Mistake(f"you doubled row {column}, as section 3 did for an input that was "
                                f"doubled; here the input is multiplied by {factor:g}, and so is "
                                "its row of the gradient", with_row(2.0)))
    return Exercise(
        f"4. layer 1's ∂C/∂W with input {column} times {factor:g}", right,
        hint="every weighted sum a stays the same, so every ∂C/∂a does too; in "
             "∂C/∂W[i, j] = Σ_n x[n, i] · ∂C/∂a[n, j], which weights' input factor changed?",
        solution="answer = ex_net.neural_layers[0].dC_dw_matrix.copy()\n"
                 f"answer[{column}] *= {factor:g}     # the weights leaving input {column}",
        mistakes=mistakes)


EXERCISES = (three_inputs, weight_gradient, bias_gradient, rescaled_input)

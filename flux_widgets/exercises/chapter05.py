"""Chapter 05's exercises: ∂C/∂y, the toy's gradient, one descent step, the rate along d."""

from __future__ import annotations

import numpy as np

from ..activations import derivative
from ..derivation import check_gradients, finite_difference
from ..layer import Neural_Layer
from ..network import (Back_Propagation, Form_Network, Forward_Pass, Learn, Predict,
                       Update_Parameters, network_cost)
from .cases import random_network
from .checking import Exercise, Mistake

__all__ = ["EXERCISES", "first_factor", "toy_gradient", "descent_step",
           "rate_from_gradient"]


def first_factor(network, lesson_network):
    """1. ``∂C/∂y = (2/N)(y − t)`` (N x k) of ``network``'s output, after its forward pass only.

    ``lesson_network`` is the lesson's own network (the panel's): its ∂C/∂y is a known slip.
    """
    last = network.neural_layers[-1]
    y, t = network.output.copy(), network.outputMatrix.copy()
    N = len(y)
    h_prime = derivative(last.activation, last.weight_input_bias_matrix.copy(), y,
                         np.empty_like(y))
    right = 2 / N * (y - t)
    return Exercise(
        "1. ∂C/∂y of the output layer", right,
        hint="Differentiate C = (1/N) Σ_n (y[n, 0] − t[n, 0])² with respect to one output "
             "y[n, 0]: only one term of the sum depends on it.",
        solution="answer = 2 / ex_net.sample_size * (ex_net.output - ex_net.outputMatrix)",
        untouched=[network],
        mistakes=[
            Mistake("your answer is all zeros: that is ex_net's stored dC_dy_matrix (or another "
                    "backward matrix), which its backward pass has not written yet; compute "
                    "∂C/∂y from ex_net.output and ex_net.outputMatrix", np.zeros_like(right)),
            Mistake("that is ∂C/∂y of net, the panel's network (y and t of the cells above are "
                    "its); ex_net is a network of its own (seed 1): use ex_net.output and "
                    "ex_net.outputMatrix",
                    2 / N * (lesson_network.output - lesson_network.outputMatrix)),
            Mistake("that is y − t: ∂C/∂y has the factor 2/N, the 2 from the square and the 1/N "
                    "of the mean", y - t),
            Mistake("you dropped the 2 of the square's derivative: d(u²)/du = 2u",
                    (y - t) / N),
            Mistake(f"you did not divide by N = {N}: C is a mean over the samples, so each "
                    "∂C/∂y[n] keeps the factor 1/N (that is where the 1/N lives: in ∂C/∂y)",
                    2 * (y - t)),
            Mistake("the sign is flipped: ∂C/∂y = (2/N)(y − t), positive where the output is "
                    "above its target", 2 / N * (t - y)),
            Mistake("you divided by N twice; ∂C/∂y = (2/N)(y − t) has one factor 1/N",
                    2 / N ** 2 * (y - t)),
            Mistake("you multiplied by the output activation's derivative h'(a): that is ∂C/∂a, "
                    "the next matrix (dC_da_matrix); ∂C/∂y stops at the output y",
                    right * h_prime),
            Mistake("you added up over the samples: ∂C/∂y has one entry per sample and output "
                    f"({N} x {y.shape[1]}), how much C reacts to that one output",
                    np.sum(right)),
        ])


def _engine_toy_gradient(w, x, t):
    """The engine's dC_dw_matrix for one linear neuron y = w·x (bias 0), one sample."""
    toy = Form_Network([1], [[x]], [[t]], output_activation="linear", seed=0)
    toy.neural_layers[0].weights_matrix = [[w]]
    toy.neural_layers[0].bias_matrix = [[0.0]]
    Forward_Pass(toy)
    Back_Propagation(toy)
    return toy.neural_layers[0].dC_dw_matrix[0, 0]


def _toy_cases(rng):
    """(w, x, t): the lesson's toy, then random ones with |x| in [0.3, 3] (never 1)."""
    cases = [(1.5, 2.0, 1.0)]
    for _ in range(5):
        x = float(rng.choice([-1, 1]) * rng.uniform(0.3, 3.0))
        cases.append((float(rng.uniform(-2, 2)), x, float(rng.uniform(-2, 2))))
    return cases


def toy_gradient():
    """2. ``toy_gradient(w, x, t)``: ``dC/dw = 2(w·x − t)·x`` for ``C(w) = (w·x − t)²``."""
    return Exercise(
        "2. dC/dw of the toy", _engine_toy_gradient,
        cases=_toy_cases, function_name="toy_gradient", forbid=[Form_Network, Back_Propagation],
        hint="Chain rule: C depends on w through y = w·x. Multiply dC/dy by dy/dw.",
        solution="def toy_gradient(w, x, t):\n    return 2 * (w * x - t) * x",
        mistakes=[
            Mistake("you left out the second factor dy/dw = x: dC/dw = dC/dy · dy/dw = "
                    "2(y − t) · x", lambda w, x, t: 2 * (w * x - t)),
            Mistake("you dropped the 2 of the square's derivative: d(u²)/du = 2u",
                    lambda w, x, t: (w * x - t) * x),
            Mistake("the sign is flipped: dC/dw = 2(w·x − t)·x, positive where a larger w raises "
                    "the cost", lambda w, x, t: 2 * (t - w * x) * x),
            Mistake("you multiplied by w: that is dC/dx, the derivative with respect to the "
                    "input; dy/dw = x", lambda w, x, t: 2 * (w * x - t) * w),
            Mistake("that is the cost C(w) itself; the exercise asks for its derivative",
                    lambda w, x, t: (w * x - t) ** 2),
            Mistake("that is the lesson's dC_toy, 4(2w − 1), which holds for x = 2 and t = 1 "
                    "only; use the arguments x and t", lambda w, x, t: 4 * (2 * w - 1)),
        ])


def _step_cases(rng):
    """(network, η): networks of random sizes after one forward and backward pass."""
    settings = ((((2, 6),), 0.5), (((2, 6), (2, 5)), 0.1), (((3, 6),), 2.0),
                (((2, 4), (2, 4)), 0.05))
    return [(random_network(rng, hidden=hidden, outputs=(1, 3), samples=(3, 9),
                            passes="backward"), eta) for hidden, eta in settings]


def _stepped(network, eta, layer=-1, name="weights_matrix", gradient="dC_dw_matrix", sign=-1.0):
    """A layer's parameter after one step: ``W − η · dC_dw`` (the arguments give the slips)."""
    matrices = network.neural_layers[layer].matrices
    return matrices[name] + sign * eta * matrices[gradient]


def descent_step():
    """3. ``step_last_layer(network, η)``: the last layer's ``W − η · dC_dw`` (n_in x k)."""
    return Exercise(
        "3. one step of gradient descent", _stepped,
        cases=_step_cases, function_name="step_last_layer",
        forbid=[Update_Parameters, Learn, Neural_Layer.update_parameters,
                Neural_Layer.update_weights, Neural_Layer.update_bias],
        hint="The last layer is network.neural_layers[-1]; the update moves each weight by η "
             "times its own gradient (the two matrices have the same shape), in the direction "
             "that lowers C.",
        solution="def step_last_layer(network, eta):\n"
                 "    last = network.neural_layers[-1]\n"
                 "    return last.weights_matrix - eta * last.dC_dw_matrix",
        mistakes=[
            Mistake("you stepped uphill (W + η·∂C/∂W, gradient ascent): the gradient points to "
                    "where C rises, so descent subtracts it, W − η·∂C/∂W",
                    lambda network, eta: _stepped(network, eta, sign=1.0)),
            Mistake("that is layer 1's update (network.neural_layers[0]); the last layer is "
                    "network.neural_layers[-1]",
                    lambda network, eta: _stepped(network, eta, layer=0)),
            Mistake("you updated the bias (b − η·∂C/∂b); the exercise asks for the "
                    "weights_matrix, W − η·∂C/∂W",
                    lambda network, eta: _stepped(network, eta, name="bias_matrix",
                                                  gradient="dC_db_matrix")),
            Mistake("you forgot the learning rate: the step is η·∂C/∂W, not ∂C/∂W",
                    lambda network, eta: _stepped(network, 1.0)),
            Mistake("that is the step η·∂C/∂W; the new weights are W minus the step",
                    lambda network, eta: eta * network.neural_layers[-1].dC_dw_matrix),
            Mistake("you divided by N: dC_dw_matrix already holds the cost's 1/N (it comes from "
                    "∂C/∂y = (2/N)(y − t)), so the step is η·∂C/∂W as it is",
                    lambda network, eta: _stepped(network, eta / network.sample_size)),
        ])


def _gradient(network, order="layers", flatten="C"):
    """The gradient as one vector in the order of ``network.parameters``.

    Layer by layer, dC_dw then dC_db, each row by row.

    ``order="weights first"`` (every dC_dw, then every dC_db) and ``flatten="F"``
    (column by column) are the known mistakes.
    """
    layers = network.neural_layers
    if order == "layers":
        matrices = [m for layer in layers for m in (layer.dC_dw_matrix, layer.dC_db_matrix)]
    else:
        matrices = [layer.dC_dw_matrix for layer in layers] + [layer.dC_db_matrix
                                                               for layer in layers]
    return np.concatenate([m.ravel(order=flatten) for m in matrices])


def _rate_cases(rng):
    """(network, d): networks after a backward pass; d random, or the gradient itself."""
    cases = []
    for number, hidden in enumerate((((2, 6),), ((2, 5), (2, 5)), ((3, 6),), ((2, 4), (2, 4)))):
        network = random_network(rng, hidden=hidden, outputs=(1, 3), samples=(3, 9),
                                 passes="backward")
        d = 3 * _gradient(network) if number == 0 else rng.standard_normal(network.parameters.size)
        cases.append((network, d))
    return cases


def _rate(network, d, **slip):
    d = np.asarray(d, dtype=float)
    return _gradient(network, **slip) @ d / np.linalg.norm(d)


def rate_from_gradient():
    """4. ``rate(network, d)``: the rate of change of C along d, ``∇C · d / |d|``."""
    return Exercise(
        "4. rate of change along d", _rate,
        cases=_rate_cases, function_name="rate",
        forbid=[network_cost, Predict, Forward_Pass, finite_difference, check_gradients],
        hint="Put the gradient matrices in one vector, in the order of network.parameters "
             "(layer by layer: dC_dw_matrix, then dC_db_matrix, each row by row); the rate along "
             "a direction of length 1 is a dot product.",
        solution="def rate(network, d):\n"
                 "    g = np.concatenate([m.ravel() for layer in network.neural_layers\n"
                 "                        for m in (layer.dC_dw_matrix, layer.dC_db_matrix)])\n"
                 "    return g @ d / np.linalg.norm(d)",
        mistakes=[
            Mistake("you did not divide by |d|: ∇C · d is the rate along d only when d has "
                    "length 1, so use d / |d|",
                    lambda network, d: _gradient(network) @ d),
            Mistake("your gradient vector is in another order than network.parameters: every "
                    "dC_dw_matrix first, then every dC_db_matrix; the parameters go layer by "
                    "layer, W1, b1, W2, b2, …",
                    lambda network, d: _rate(network, d, order="weights first")),
            Mistake("you flattened the gradient matrices column by column; network.parameters "
                    "holds each matrix row by row (ravel())",
                    lambda network, d: _rate(network, d, flatten="F")),
            Mistake("that is |∇C|, the rate along the gradient itself; along another d the rate "
                    "is ∇C · d / |d|", lambda network, d: np.linalg.norm(_gradient(network))),
            Mistake("the sign is flipped: the rate of change of C along d is +∇C · d / |d| "
                    "(the minus sign belongs to the descent step, which goes along −∇C)",
                    lambda network, d: -_rate(network, d)),
        ])


EXERCISES = (first_factor, toy_gradient, descent_step, rate_from_gradient)

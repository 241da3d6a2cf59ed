"""Chapter 10's exercises: the costs after each update, the predicted change of the cost, training
that stops safely when the numbers stop being finite."""

from __future__ import annotations

import numpy as np

from ..activations import ActivationType
from ..errors import NonFiniteError
from ..network import Back_Propagation, Learn, network_cost
from .cases import random_network
from .checking import Exercise, Mistake

__all__ = ["EXERCISES", "costs_after_updates", "predicted_change", "train_safely"]


# --------------------------------------------------------------------------
# 1. The cost after each update.
# --------------------------------------------------------------------------

def _training_cases(rng):
    """(network, η, iterations): fresh networks of random sizes, learning rates that converge."""
    settings = ((((2, 6),), 0.5, 6), (((2, 5), (2, 5)), 0.2, 9), (((3, 6),), 0.1, 4),
                ((), 0.3, 7))
    return [(random_network(rng, hidden=hidden, outputs=(1, 3), samples=(3, 9),
                            output_activation=ActivationType.SIGMOID, passes="none"),
             eta, iterations)
            for hidden, eta, iterations in settings]


def _costs(network, eta, iterations, *, shifted=True, last=True):
    """The reference (C after each update) and its slips: ``shifted=False`` keeps Learn's costs
    before each update; ``last=False`` leaves out the cost after the last update."""
    mse_values, _ = Learn(network, eta, iterations)
    costs = mse_values[1:] if shifted else mse_values
    return np.append(costs, network_cost(network)) if last else costs


def costs_after_updates():
    """1. ``costs_after_updates(network, η, n)``: C after update 1, 2, …, n (n numbers)."""
    return Exercise(
        "1. the cost after each update", _costs,
        cases=_training_cases, function_name="costs_after_updates",
        hint="Learn's mse_values[k] is computed in iteration k + 1, by its backward pass, "
             "before that iteration's update; fw.network_cost(network) is the cost of the "
             "parameters the network has now.",
        solution="def costs_after_updates(network, eta, iterations):\n"
                 "    mse_values, iteration_points = fw.Learn(network, eta, iterations)\n"
                 "    return np.append(mse_values[1:], fw.network_cost(network))",
        mistakes=[
            Mistake("those are Learn's mse_values, the costs *before* each update: "
                    "mse_values[k] is computed in iteration k + 1 before its update, so the "
                    "cost after update k + 1 is mse_values[k + 1], one further on",
                    lambda network, eta, n: _costs(network, eta, n, shifted=False, last=False)),
            Mistake("the shift is right, but the cost after the last update is missing: it "
                    "is not in mse_values (it belongs to the next iteration); "
                    "fw.network_cost(network) computes it",
                    lambda network, eta, n: _costs(network, eta, n, last=False)),
            Mistake("you put the cost before any update in front: n updates give n costs "
                    "after them, mse_values[1:] and then fw.network_cost(network)",
                    lambda network, eta, n: _costs(network, eta, n, shifted=False)),
        ])


# --------------------------------------------------------------------------
# 2. The predicted change of the cost.
# --------------------------------------------------------------------------

def _gradient_cases(rng):
    """(network, η): networks of random sizes, one to three outputs, after their forward pass;
    the backward pass has run in two of them (in the others every gradient matrix is still 0)."""
    settings = ((((2, 6),), 0.5, "backward"), (((2, 5), (2, 5)), 0.1, "forward"),
                (((3, 6),), 2.0, "forward"), ((), 0.05, "backward"))
    return [(random_network(rng, hidden=hidden, outputs=(1, 3), samples=(3, 9),
                            passes=passes), eta)
            for hidden, eta, passes in settings]


def _prediction(network, eta, *, backward=True, biases=True, square=np.square, power=1,
                root=False):
    """The reference ``−η Σ_θ (∂C/∂θ)²`` and its slips (the keywords switch them on)."""
    if backward:
        Back_Propagation(network)
    total = sum(square(layer.dC_dw_matrix).sum()
                + (square(layer.dC_db_matrix).sum() if biases else 0.0)
                for layer in network.neural_layers)
    return -eta ** power * (np.sqrt(total) if root else total)


def predicted_change():
    """2. ``predicted_change(network, η)``: ``−η Σ_θ (∂C/∂θ)²`` over every weight and bias."""
    return Exercise(
        "2. the predicted change of the cost", _prediction,
        cases=_gradient_cases, function_name="predicted_change",
        hint="Every weight and every bias is a θ; their gradients are the entries of each "
             "layer's dC_dw_matrix and dC_db_matrix (for layer in network.neural_layers), "
             "which the backward pass fills.",
        solution="def predicted_change(network, eta):\n"
                 "    fw.Back_Propagation(network)   # the forward pass has run: the gradients\n"
                 "    total = sum((layer.dC_dw_matrix ** 2).sum()\n"
                 "                + (layer.dC_db_matrix ** 2).sum()\n"
                 "                for layer in network.neural_layers)\n"
                 "    return -eta * total",
        mistakes=[
            Mistake("you read the gradient matrices without running the backward pass: in the "
                    "networks where it had not run they are still all 0. Call "
                    "fw.Back_Propagation(network) first (the forward pass has run)",
                    lambda network, eta: _prediction(network, eta, backward=False)),
            Mistake("the biases are missing: they are parameters too, and each one's "
                    "(∂C/∂b)² lowers the cost as well (add every dC_db_matrix entry, "
                    "squared)",
                    lambda network, eta: _prediction(network, eta, biases=False)),
            Mistake("the sign is flipped: a small step against the gradient lowers the cost, "
                    "so the predicted change −η Σ (∂C/∂θ)² is never positive",
                    lambda network, eta: -_prediction(network, eta)),
            Mistake("you squared η: the change is proportional to η (a step of η·∂C/∂θ times "
                    "the slope ∂C/∂θ), −η Σ (∂C/∂θ)²",
                    lambda network, eta: _prediction(network, eta, power=2)),
            Mistake("the gradients are not squared: each parameter moves by −η·∂C/∂θ and "
                    "the cost changes by the slope times that move, −η (∂C/∂θ)²",
                    lambda network, eta: _prediction(network, eta, square=np.asarray)),
            Mistake("that is −η |∇C|, the length of the gradient; the change is −η |∇C|², "
                    "the sum of the squares without the square root",
                    lambda network, eta: _prediction(network, eta, root=True)),
        ])


# --------------------------------------------------------------------------
# 3. Training that stops safely.
# --------------------------------------------------------------------------

def _safety_cases(rng):
    """(network, η, iterations): some networks trained before, some settings that diverge.

    A LINEAR output with a large η diverges within a few iterations (the cost grows
    like a tower of powers, far from any edge); a sigmoid output with a small one does not.
    """
    cases = []
    for before, output, eta, iterations in ((3, ActivationType.LINEAR, 40.0, 30),
                                            (0, ActivationType.LINEAR, 60.0, 30),
                                            (5, ActivationType.SIGMOID, 0.2, 6),
                                            (2, ActivationType.LINEAR, 80.0, 25)):
        network = random_network(rng, hidden=((3, 6),), outputs=(1, 3), samples=(4, 9),
                                 hidden_activation=[ActivationType.LEAKY_RELU],
                                 output_activation=output, passes="none")
        Learn(network, 0.05, before)
        cases.append((network, eta, iterations))
    return cases


def _train_safely(network, eta, iterations, *, failed_iteration=False, this_call=False):
    """The reference and its slips: ``failed_iteration`` gives the error's iteration as the
    last finished one; ``this_call`` counts this call's iterations only."""
    try:
        costs, _ = Learn(network, eta, iterations)
        last = network.iteration
    except NonFiniteError as error:
        costs = error.mse_values
        last = error.iteration if failed_iteration else network.iteration
    if this_call:
        last = len(costs)
    return {"costs": costs, "last_iteration": last}


def train_safely():
    """3. ``train_safely(network, η, n)``: the finite iterations' costs and the last finished
    iteration's number, with ``NonFiniteError`` caught."""
    return Exercise(
        "3. train, and stop safely", _train_safely,
        cases=_safety_cases, function_name="train_safely",
        hint="try: … fw.Learn(…) … except fw.NonFiniteError as error: … Read what the "
             "error carries (its mse_values, its iteration) and where Learn leaves the network "
             "(its iteration counter) after a divergence.",
        solution="def train_safely(network, eta, iterations):\n"
                 "    try:\n"
                 "        costs, points = fw.Learn(network, eta, iterations)\n"
                 "    except fw.NonFiniteError as error:\n"
                 "        costs = error.mse_values\n"
                 "    return costs, network.iteration   # Learn put the network back",
        mistakes=[
            Mistake("error.iteration is the iteration in which the numbers stopped being "
                    "finite; Learn put the network back as it was after the iteration before "
                    "it (error.iteration − 1, which network.iteration also says)",
                    lambda network, eta, iterations: _train_safely(network, eta, iterations,
                                                                   failed_iteration=True)),
            Mistake("you counted only this call's iterations: iteration numbers count over "
                    "the network's life (some of these networks had trained before), as "
                    "iteration_points and network.iteration do",
                    lambda network, eta, iterations: _train_safely(network, eta, iterations,
                                                                   this_call=True)),
        ])


EXERCISES = (costs_after_updates, predicted_change, train_safely)

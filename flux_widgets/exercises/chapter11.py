"""Chapter 11's exercises: softmax with cross-entropy. ∂C/∂a = (p − t)/N from the logits,
the cost from the logits without overflow, an output layer's ∂C/∂W by hand, which cost
keeps a saturated output learning, and the samples of a mini-batch."""

from __future__ import annotations

import numpy as np

from ..activations import activate
from ..costs import cross_entropy_and_dC_dy, cross_entropy_cost, cross_entropy_dC_da
from ..network import Back_Propagation, Learn, epoch_batch, network_cost, next_batch
from .checking import Choice, Exercise, Mistake

__all__ = ["EXERCISES", "cross_entropy_gradient", "cross_entropy", "output_dC_dw",
           "which_keeps_learning", "batch_rows"]

_KIT = [cross_entropy_and_dC_dy, cross_entropy_cost, cross_entropy_dC_da, activate,
        Back_Propagation, network_cost]


# The references and the known mistakes compute softmax and log-softmax in plain numpy, not
# with the kit's activate / cross_entropy_cost: a known mistake is tried as the learner's
# function, and the exercise forbids those (a mistake calling them would be refused, not
# named).
def _softmax(a):
    shifted = a - a.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def _log_softmax(a):
    shifted = a - a.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _logit_cases(rng):
    """(a, t): logits N x k (N = 1…8, k = 2…5) and one-hot targets; the last two cases have
    logits in the hundreds, where e^a overflows."""
    cases = []
    for N, k, scale in ((1, 3, 1.0), (4, 2, 2.0), (8, 5, 3.0), (6, 3, 1.0), (5, 4, 400.0),
                        (3, 3, 800.0)):
        a = rng.normal(0, scale, size=(N, k))
        t = np.eye(k)[rng.integers(k, size=N)]
        cases.append((a, t))
    return cases


# --------------------------------------------------------------------------
# 1. ∂C/∂a of softmax with cross-entropy.
# --------------------------------------------------------------------------

def _gradient(a, t, *, N_factor=True, sign=1.0, per_entry=False, link="softmax"):
    N, k = a.shape
    p = _softmax(a) if link == "softmax" else 1 / (1 + np.exp(-np.clip(a, -700, 700)))
    if link == "diagonal":   # ∂C/∂p ⊙ the Jacobian's diagonal only: −t(1 − p)/N
        return -t * (1 - _softmax(a)) / N
    return sign * (p - t) / ((N * k if per_entry else N) if N_factor else 1)


def cross_entropy_gradient():
    """1. ``cross_entropy_gradient(a, t)``: ``∂C/∂a = (softmax(a) − t) / N`` (N x k)."""
    return Exercise(
        "1. ∂C/∂a of softmax with cross-entropy", _gradient,
        cases=_logit_cases, function_name="cross_entropy_gradient", forbid=_KIT,
        hint="p = softmax of each row: subtract the row's largest a before np.exp (then "
             "nothing overflows), divide by the row's sum; ∂C/∂a = (p − t)/N with N the number "
             "of rows.",
        solution="def cross_entropy_gradient(a, t):\n"
                 "    e = np.exp(a - a.max(axis=1, keepdims=True))\n"
                 "    p = e / e.sum(axis=1, keepdims=True)\n"
                 "    return (p - t) / len(a)",
        mistakes=[
            Mistake("the 1/N is missing: C is the mean over the N samples, so ∂C/∂a is "
                    "(p − t)/N", lambda a, t: _gradient(a, t, N_factor=False)),
            Mistake("the sign is flipped: ∂C/∂a = (p − t)/N, positive where the network gives "
                    "a class more probability than its target", lambda a, t: _gradient(a, t,
                                                                                   sign=-1.0)),
            Mistake("you divided by N·k: the kit's cost divides by the N samples only, not "
                    "by the outputs too", lambda a, t: _gradient(a, t, per_entry=True)),
            Mistake("that is σ(a) − t, each output on its own: softmax divides e^(a_j) by the "
                    "row's sum Σ_k e^(a_k), so every output of a row depends on every logit",
                    lambda a, t: _gradient(a, t, link="sigmoid")),
            Mistake("you multiplied ∂C/∂p = −t/(N·p) by the Jacobian's diagonal p(1 − p) only, "
                    "as if softmax acted entry by entry: its Jacobian p_k(δ_kj − p_j) is not "
                    "diagonal, and with the other entries the sum is (p_j − t_j)/N",
                    lambda a, t: _gradient(a, t, link="diagonal")),
        ])


# --------------------------------------------------------------------------
# 2. The cost from the logits.
# --------------------------------------------------------------------------

def _cost(a, t, *, mean=True, minus=True, base=np.e):
    value = np.sum(t * _log_softmax(a)) / np.log(base)
    value = -value if minus else value
    return value / len(a) if mean else value


def cross_entropy():
    """2. ``cross_entropy(a, t)``: ``C = −(1/N) Σ t · log softmax(a)``, finite for any finite a."""
    return Exercise(
        "2. cross-entropy from the logits", _cost,
        cases=_logit_cases, function_name="cross_entropy", forbid=_KIT,
        hint="log p = a − logsumexp(a) row by row, and logsumexp(a) = m + log Σ e^(a − m) "
             "with m the row's largest a: nothing overflows and log p is never log 0. Then "
             "C = −Σ t·log p / N.",
        solution="def cross_entropy(a, t):\n"
                 "    m = a.max(axis=1, keepdims=True)\n"
                 "    log_p = a - m - np.log(np.exp(a - m).sum(axis=1, keepdims=True))\n"
                 "    return -np.sum(t * log_p) / len(a)",
        mistakes=[
            Mistake("the 1/N is missing: C is the mean over the N samples",
                    lambda a, t: _cost(a, t, mean=False)),
            Mistake("the minus sign is missing: log p ≤ 0, so −Σ t·log p is the cost (≥ 0), "
                    "0 only for a certain right answer", lambda a, t: _cost(a, t, minus=False)),
            Mistake("that is in bits (log₂): the kit's cost uses the natural log, whose "
                    "derivative gives (p − t)/N without a factor 1/ln 2",
                    lambda a, t: _cost(a, t, base=2.0)),
        ])


# --------------------------------------------------------------------------
# 3. An output layer's ∂C/∂W by hand.
# --------------------------------------------------------------------------

def output_dC_dw(network):
    """3. The output layer's ``dC_dw`` of ``network`` (softmax, cross-entropy) after its
    forward pass only: ``h_prevᵀ · (p − t)/N``."""
    last = network.neural_layers[-1]
    x, p, t = last.input_matrix.copy(), last.activated_output_matrix.copy(), \
        network.outputMatrix.copy()
    N = len(x)
    right = x.T @ (p - t) / N
    mse_through_diagonal = x.T @ ((2 / N) * (p - t) * p * (1 - p))
    return Exercise(
        f"3. the output layer's dC_dw of a {'-'.join(map(str, network.layers_vector))} "
        "network", right, untouched=[network],
        hint="∂C/∂a of the output layer is (p − t)/N (p its activated_output_matrix, t the "
             "network's outputMatrix); ∂C/∂W = xᵀ · ∂C/∂a with x the layer's input_matrix.",
        solution="last = ce_net.neural_layers[-1]\n"
                 "dC_da = (last.activated_output_matrix - ce_net.outputMatrix) / "
                 "ce_net.sample_size\n"
                 "answer = last.input_matrix.T @ dC_da",
        mistakes=[
            Mistake("that is MSE's gradient, (2/N)(p − t) times the diagonal p(1 − p): this "
                    "network's cost is cross-entropy, whose ∂C/∂a is (p − t)/N",
                    mse_through_diagonal),
            Mistake("the 1/N is missing: ∂C/∂a = (p − t)/N", x.T @ (p - t)),
            Mistake("you gave the transpose: dC_dw has the weights' shape, inputs x outputs "
                    "(xᵀ · ∂C/∂a)", right.T),
            Mistake("you used h of the output layer as its input: ∂C/∂W takes the layer's "
                    "input_matrix x (the hidden layer's output)", p.T @ (p - t) / N),
        ])


# --------------------------------------------------------------------------
# 4. Which cost keeps a saturated output learning?
# --------------------------------------------------------------------------

def which_keeps_learning(mse_drop, cross_entropy_drop, mse_gradient, cross_entropy_gradient):
    """4. The lesson's two saturated networks, the same start: which cost keeps learning?

    ``*_drop`` are the relative falls of the cost over the lesson's iterations, ``*_gradient``
    the largest |∂C/∂a| of the output layer at the start (the numbers the messages give).
    """
    numbers = (f"the MSE fell by {mse_drop:.2%} and the cross-entropy by "
               f"{cross_entropy_drop:.2%}; at the start the output layer's largest |∂C/∂a| "
               f"was {mse_gradient:.2g} under MSE and {cross_entropy_gradient:.2g} under "
               "cross-entropy")
    return Choice(
        "4. which cost keeps a saturated output learning?",
        {"cross_entropy": "",
         "mse": f"the run says otherwise: {numbers}. Under MSE, ∂C/∂a = ∂C/∂y · h'(a), and "
                "h'(a) of a saturated sigmoid is tiny.",
         "both": f"only one did: {numbers}.",
         "neither": f"one of them did: {numbers}."},
        right="cross_entropy",
        explanation=f"{numbers}. Cross-entropy's ∂C/∂a = (y − t)/N has no h'(a) in it: a "
                    "saturated output that is wrong gets a gradient as large as its error.",
        hint="compare the drops and the gradients the cell printed; which of them has the "
             "factor h'(a)?",
        solution='answer = "cross_entropy"   # its ∂C/∂a = (y − t)/N has no h\'(a)')


# --------------------------------------------------------------------------
# 5. The samples of a mini-batch.
# --------------------------------------------------------------------------

def _batch_cases(rng):
    """(N, size, seed, epoch, number): several N and sizes, the last (smaller) batch too."""
    return [(150, 32, 7, 0, 0), (150, 32, 7, 2, 4), (400, 32, 0, 1, 12), (10, 3, 5, 3, 3),
            (16, 16, 1, 4, 0), (9, 1, 2, 0, 8)]


def _rows(N, size, seed, epoch, number, *, order_seed=None, first=0):
    seed_of = [seed, epoch] if order_seed is None else order_seed(seed, epoch, number)
    order = np.arange(N) if seed_of == "none" else np.random.default_rng(seed_of).permutation(N)
    start = (number + first) * size
    return order[start:start + size]


def batch_rows():
    """5. ``batch_rows(N, size, seed, epoch, number)``: the samples of mini-batch ``number``
    of ``epoch``, as ``Learn(..., batch_size=size, shuffle_seed=seed)`` takes them."""
    return Exercise(
        "5. the samples of a mini-batch", lambda N, size, seed, epoch, number: _rows(
            N, size, seed, epoch, number),
        cases=_batch_cases, function_name="batch_rows",
        forbid=[epoch_batch, next_batch, Learn],
        hint="Each epoch has its own order, np.random.default_rng([seed, epoch]).permutation(N); "
             "batch number b (from 0) is the slice order[b·size : (b + 1)·size], which for the "
             "last batch of an epoch is shorter.",
        solution="def batch_rows(N, size, seed, epoch, number):\n"
                 "    order = np.random.default_rng([seed, epoch]).permutation(N)\n"
                 "    return order[number * size:(number + 1) * size]",
        mistakes=[
            Mistake("that is the same order in every epoch: each epoch is shuffled afresh, "
                    "with the generator seeded by [seed, epoch]",
                    lambda *case: _rows(*case, order_seed=lambda seed, epoch, number: seed)),
            Mistake("those samples are in the data's order: an epoch visits them shuffled, "
                    "np.random.default_rng([seed, epoch]).permutation(N)",
                    lambda *case: _rows(*case, order_seed=lambda *_: "none")),
            Mistake("you counted the batches from 1: batch number 0 is the first slice, "
                    "order[0 : size]", lambda *case: _rows(*case, first=1)),
            Mistake("you drew a new order for every batch: one order per epoch, cut into "
                    "batches, so that the epoch visits every sample once",
                    lambda *case: _rows(*case, order_seed=lambda seed, epoch, number:
                                        [seed, epoch, number])),
        ])


EXERCISES = (cross_entropy_gradient, cross_entropy, output_dC_dw, which_keeps_learning,
             batch_rows)

"""Chapter 08's exercises: the product ``Y = 12 w1 w2`` (the toy's output, a linear layer's
``a = h``) and a path of three weights, their gradients, the mixed second derivative, and
updating one weight at a time.
"""

from __future__ import annotations

import numpy as np

from ..derivation import finite_difference
from ..layer import Neural_Layer
from ..network import Back_Propagation, Forward_Pass, network_cost
from .checking import Exercise, Mistake

__all__ = ["EXERCISES", "other_partial", "gradient_of_w1", "mixed_derivative",
           "one_at_a_time"]

# Whatever computes a gradient or a cost for the learner: these exercises ask for the formula.
_ENGINE = [Back_Propagation, Forward_Pass, network_cost, finite_difference,
           Neural_Layer.update_weights]


def _paths(rng):
    """(x, w1, w2, w3): the toy of section 2 with a third weight, then random ones of both signs."""
    cases = [(12.0, 0.5, 0.25, 2.0)]
    while len(cases) < 6:
        x, w1, w2, w3 = (float(v) for v in rng.uniform(-3, 3, 4))
        if min(abs(x), abs(w1), abs(w3)) > 0.3 and abs(w1 - w3) > 0.3:
            cases.append((x, w1, w2, w3))
    return cases


def other_partial():
    """1. ``dY_dw2(x, w1, w2, w3)``: ``∂Y/∂w2 = x w1 w3`` for the path ``Y = x w1 w2 w3``."""
    return Exercise(
        "1. dY/dw2 along a path of three weights", lambda x, w1, w2, w3: x * w1 * w3,
        cases=_paths, function_name="dY_dw2",
        hint="the product rule, as for Y = 12 w1 w2 in section 1: which factors of "
             "x · w1 · w2 · w3 do not depend on w2, and what happens to them?",
        solution="def dY_dw2(x, w1, w2, w3):\n"
                 "    return x * w1 * w3",
        mistakes=[
            Mistake("w3 is missing: every factor of the product except w2 stays, so "
                    "∂Y/∂w2 = x w1 w3 (for Y = 12 w1 w2 that left 12 w1)",
                    lambda x, w1, w2, w3: x * w1),
            Mistake("w1 is missing: every factor of the product except w2 stays, so "
                    "∂Y/∂w2 = x w1 w3", lambda x, w1, w2, w3: x * w3),
            Mistake("the input x is missing: it is a factor of the product, as 12 was in "
                    "Y = 12 w1 w2, so ∂Y/∂w2 = x w1 w3", lambda x, w1, w2, w3: w1 * w3),
            Mistake("that is Y itself: differentiating by w2 takes w2 out of the product, "
                    "leaving x w1 w3", lambda x, w1, w2, w3: x * w1 * w2 * w3),
            Mistake("that is ∂Y/∂w1 = x w2 w3: with respect to w2 the factors left are x, w1 "
                    "and w3", lambda x, w1, w2, w3: x * w2 * w3),
            Mistake("that is ∂Y/∂w3 = x w1 w2: with respect to w2 the factors left are x, w1 "
                    "and w3", lambda x, w1, w2, w3: x * w1 * w2),
            Mistake("you added the other factors; in a product they stay multiplied: "
                    "∂Y/∂w2 = x · w1 · w3", lambda x, w1, w2, w3: x * (w1 + w3)),
        ])


def _toy_cases(rng):
    """(w1, w2, t): the lesson's toy and random ones, with Y − t never small."""
    cases = [(0.5, 0.25, 2.0)]
    while len(cases) < 6:
        w1, w2, t = (float(v) for v in rng.uniform(-2, 2, 3))
        if abs(12 * w1 * w2 - t) > 0.5:
            cases.append((w1, w2, t))
    return cases


def _dC_dw1(dC_dY_factor=2.0, dY_dw1=lambda w1, w2: 12 * w2, sign=1.0):
    """``sign · factor · (Y − t) · dY_dw1(w1, w2)`` (the right one with the defaults)."""
    return lambda w1, w2, t: sign * dC_dY_factor * (12 * w1 * w2 - t) * dY_dw1(w1, w2)


def gradient_of_w1():
    """2. ``dC_dw1(w1, w2, t)``: ``∂C/∂w1 = 2(Y − t) · 12 w2`` for one sample, ``C = (Y − t)²``."""
    return Exercise(
        "2. dC/dw1", _dC_dw1(),
        cases=_toy_cases, function_name="dC_dw1", forbid=_ENGINE,
        hint="the chain rule: ∂C/∂w1 = ∂C/∂Y · ∂Y/∂w1, with C = (Y − t)² for one sample",
        solution="def dC_dw1(w1, w2, t):\n"
                 "    Y = 12 * w1 * w2\n"
                 "    return 2 * (Y - t) * 12 * w2",
        mistakes=[
            Mistake("that is ∂Y/∂w1 alone: the chain rule multiplies it by ∂C/∂Y = 2(Y − t)",
                    lambda w1, w2, t: 12 * w2),
            Mistake("the 2 of ∂C/∂Y is missing: the derivative of (Y − t)² is 2(Y − t)",
                    _dC_dw1(dC_dY_factor=1.0)),
            Mistake("∂Y/∂w1 is 12 w2, the other weight (by the product rule), not 12 w1",
                    _dC_dw1(dY_dw1=lambda w1, w2: 12 * w1)),
            Mistake("the 12 of ∂Y/∂w1 = 12 w2 is missing", _dC_dw1(dY_dw1=lambda w1, w2: w2)),
            Mistake("the sign is flipped: ∂C/∂Y = 2(Y − t), the output minus the target",
                    _dC_dw1(sign=-1.0)),
            Mistake("that is ∂C/∂Y = 2(Y − t) alone: the chain rule multiplies it by "
                    "∂Y/∂w1 = 12 w2", lambda w1, w2, t: 2 * (12 * w1 * w2 - t)),
        ])


def _data_cases(rng):
    """(w1, w2, x, t) with x and t N x 1: the lesson's toy (N = 1, x = 12), then N > 1."""
    cases = [(0.5, 0.25, np.array([[12.0]]), np.array([[2.0]]))]
    for N in (3, 5, 8, 4):
        w1, w2 = (float(w) for w in rng.uniform(-2, 2, 2))
        cases.append((w1, w2, rng.normal(0, 2, (N, 1)), rng.normal(0, 2, (N, 1))))
    return cases


def _mixed(product_term=True, cost_term=True, over_N=True, two=2.0, both_w1=False):
    """``∂²C/∂w1∂w2`` of ``C = (1/N) Σ (x w1 w2 − t)²``: ``(2/N) Σ [x w1 · x w2 + (Y − t) x]``.

    The switches drop a term, the 1/N or the 2, or (``both_w1``) give ``∂²C/∂w1²`` instead.
    """
    def mixed(w1, w2, x, t):
        Y = x * w1 * w2
        if both_w1:
            terms = (x * w2) ** 2
        else:
            terms = (x * w1 * x * w2 if cost_term else 0) + ((Y - t) * x if product_term else 0)
        return two * float(np.sum(terms)) / (len(x) if over_N else 1)
    return mixed


def mixed_derivative():
    """3. ``mixed_derivative(w1, w2, x, t)``: ``∂²C/∂w1∂w2`` of the toy on N samples."""
    return Exercise(
        "3. the mixed second derivative", _mixed(),
        cases=_data_cases, function_name="mixed_derivative", forbid=_ENGINE,
        hint="start from ∂C/∂w1 = (2/N) Σ_n (Y_n − t_n) · x_n w2 and differentiate it by w2: "
             "w2 appears twice, inside Y_n = x_n w1 w2 and as the factor w2 (product rule)",
        solution="def mixed_derivative(w1, w2, x, t):\n"
                 "    Y = x * w1 * w2\n"
                 "    N = len(x)\n"
                 "    return 2 / N * np.sum(x * w1 * x * w2 + (Y - t) * x)",
        mistakes=[
            Mistake("the term of the product itself is missing: in ∂C/∂w1 = (2/N) Σ (Y − t)·x·w2 "
                    "the factor w2 depends on w2 too, which adds (2/N) Σ (Y − t)·x (the term "
                    "that is 0 for a weighted sum)", _mixed(product_term=False)),
            Mistake("the term from the cost is missing: in ∂C/∂w1 = (2/N) Σ (Y − t)·x·w2 the "
                    "factor (Y − t) depends on w2 too (∂Y/∂w2 = x w1), which adds "
                    "(2/N) Σ x w1 · x w2", _mixed(cost_term=False)),
            Mistake("the 1/N is missing: C is the mean over the N samples, and so are its "
                    "derivatives", _mixed(over_N=False)),
            Mistake("the 2 of the square is missing: ∂C/∂w1 = (2/N) Σ (Y − t)·x·w2",
                    _mixed(two=1.0)),
            Mistake("that is ∂²C/∂w1², both derivatives by w1: the mixed one differentiates "
                    "∂C/∂w1 by w2", _mixed(both_w1=True)),
            Mistake("you divided by N twice: C = (1/N) Σ (Y − t)² has one factor 1/N, and so "
                    "has its derivative", lambda w1, w2, x, t: _mixed()(w1, w2, x, t) / len(x)),
        ])


def _update_cases(rng):
    """(w1, w2, t, eta): the lesson's toy and random ones, with learning rates 0.005 to 0.03."""
    cases = [(0.5, 0.25, 2.0, 0.01)]
    while len(cases) < 6:
        w1, w2, t = (float(v) for v in rng.uniform(-1.5, 1.5, 3))
        if abs(w1) > 0.2 and abs(w2) > 0.2 and abs(12 * w1 * w2 - t) > 0.5:
            cases.append((w1, w2, t, float(rng.uniform(0.005, 0.03))))
    return cases


def _gradient(w1, w2, t, of):
    """∂C/∂w1 (``of=1``) or ∂C/∂w2 (``of=2``) of ``C = (12 w1 w2 − t)²``."""
    return 2 * (12 * w1 * w2 - t) * 12 * (w2 if of == 1 else w1)


def _one_at_a_time(w1, w2, t, eta):
    w1_new = w1 - eta * _gradient(w1, w2, t, of=1)
    return [w1_new, w2 - eta * _gradient(w1_new, w2, t, of=2)]


def one_at_a_time():
    """4. ``one_at_a_time(w1, w2, t, eta)``: ``[w1_new, w2_new]``, w1 updated first, then w2
    with the gradient recomputed at ``w1_new``."""
    def at_once(w1, w2, t, eta):
        return [w1 - eta * _gradient(w1, w2, t, 1), w2 - eta * _gradient(w1, w2, t, 2)]

    def new_Y_old_factor(w1, w2, t, eta):
        w1_new = w1 - eta * _gradient(w1, w2, t, 1)
        return [w1_new, w2 - eta * 2 * (12 * w1_new * w2 - t) * 12 * w1]

    def old_Y_new_factor(w1, w2, t, eta):
        w1_new = w1 - eta * _gradient(w1, w2, t, 1)
        return [w1_new, w2 - eta * 2 * (12 * w1 * w2 - t) * 12 * w1_new]

    def ascent(w1, w2, t, eta):
        return _one_at_a_time(w1, w2, t, -eta)

    def w2_first(w1, w2, t, eta):
        w2_new = w2 - eta * _gradient(w1, w2, t, 2)
        return [w1 - eta * _gradient(w1, w2_new, t, 1), w2_new]

    return Exercise(
        "4. one_at_a_time", _one_at_a_time,
        cases=_update_cases, function_name="one_at_a_time", forbid=_ENGINE,
        hint="w1_new = w1 − η · ∂C/∂w1 at (w1, w2); then w2_new = w2 − η · ∂C/∂w2 at "
             "(w1_new, w2), with ∂C/∂w2 = 2(Y − t) · 12 w1",
        solution="def one_at_a_time(w1, w2, t, eta):\n"
                 "    w1_new = w1 - eta * 2 * (12 * w1 * w2 - t) * 12 * w2\n"
                 "    w2_new = w2 - eta * 2 * (12 * w1_new * w2 - t) * 12 * w1_new\n"
                 "    return [w1_new, w2_new]",
        mistakes=[
            Mistake("that is the update of both at once (the engine's way): w2's gradient "
                    "must be computed again at w1_new, in Y and in ∂Y/∂w2 = 12 w1", at_once),
            Mistake("you recomputed Y at w1_new but kept the old w1 in ∂Y/∂w2 = 12 w1: the "
                    "whole gradient of w2 is taken at (w1_new, w2)", new_Y_old_factor),
            Mistake("you used w1_new in ∂Y/∂w2 = 12 w1 but not in Y − t: the whole gradient of "
                    "w2 is taken at (w1_new, w2)", old_Y_new_factor),
            Mistake("you moved up the gradient: gradient descent is w ← w − η · ∂C/∂w",
                    ascent),
            Mistake("you updated w2 first: the question updates w1 first, then w2 with the "
                    "gradient recomputed at w1_new", w2_first),
            Mistake("the right numbers in the wrong order: return [w1_new, w2_new]",
                    lambda w1, w2, t, eta: _one_at_a_time(w1, w2, t, eta)[::-1]),
        ])


EXERCISES = (other_partial, gradient_of_w1, mixed_derivative, one_at_a_time)

"""Cost functions ``C`` and their gradients: one record per cost, a member of :class:`CostType`.

``y`` is the network's output (the last layer's ``activated_output_matrix``), ``a`` the
last layer's pre-activation (``weight_input_bias_matrix``, the *logits*) and ``t`` the
targets, all N x k: one row per sample, one column per output. A :class:`Cost` record
holds the cost, its gradients and their formulas, as an
:class:`~flux_widgets.activations.Activation` record does for an activation.

The kit's cost, and the default, is the seed's mean squared error, :data:`MSE`::

    C = (1/N) · Σ_n Σ_j (y[n, j] − t[n, j])²      ∂C/∂y = (2/N) · (y − t)

It divides by the number of samples N only, not by N·k, so the gradient has
exactly one factor 1/N whatever the number of outputs.

:data:`CROSS_ENTROPY` goes with a SOFTMAX output (categorical: each target row one-hot,
or probabilities summing to 1) or a SIGMOID output (binary, each column a probability)::

    softmax:  C = −(1/N) · Σ_n Σ_j t · log p          ∂C/∂a = (p − t) / N
    sigmoid:  C = −(1/N) · Σ_n Σ_j [t · log y + (1 − t) · log(1 − y)]
                                                      ∂C/∂a = (y − t) / N

It is computed from the logits a (log-sum-exp, softplus), never as log of a probability
that may have rounded to 0: a saturated output gives a finite cost and gradient. Its 1/N
sits in ∂C/∂a, where MSE's 2/N sits in ∂C/∂y. The output layer's ``dC_da_matrix`` is then
computed from y and t directly (:attr:`Cost.dC_da`): ∂C/∂y times the activation's
derivative, simplified (see :func:`cross_entropy_dC_da`).
"""

from __future__ import annotations

import dataclasses
from typing import Callable

import numpy as np

from .matrix import Matrix_Mean_Squared_Error, Matrix_Scalar_Multiply
from .records import RecordEnum

__all__ = ["Cost", "CostType", "MSE", "CROSS_ENTROPY", "mean_squared_error_and_dC_dy",
           "cross_entropy_cost", "cross_entropy_and_dC_dy", "cross_entropy_dC_da"]


@dataclasses.dataclass(frozen=True)
class Cost:
    """Everything the kit knows about one cost function ``C``.

    Attributes
    ----------
    name : str
        Its name in configuration strings and files (``"mse"``, ``"cross_entropy"``).
    label : str
        What the cost curve is called (``"MSE"``, ``"cross-entropy"``).
    cost : function(y, t, a=None, activation=None) -> float
        ``C`` (MSE: the seed's ``Matrix_Mean_Squared_Error`` of y and t; cross-entropy:
        from the logits a and the output activation).
    cost_and_dC_dy : function(y, t, dC_dy, a=None, activation=None) -> float
        ``C``, and ``∂C/∂y`` written into ``dC_dy`` (N x k): the last layer's first
        backward computation.
    dC_da : function(y, t, a, activation, out) or None
        ``∂C/∂a`` of the last layer written into ``out``, when the cost gives it directly
        (cross-entropy: ``(y − t)/N``); ``None`` when the layer computes it as for any
        layer, from ``∂C/∂y`` and ``h'(a)`` (MSE).
    output_activations : tuple of str or None
        The output activations (by name) the cost goes with; ``None``: any.
    formula, gradient_formula : function(activation) -> str
        ``C`` and its first gradient as Unicode text for an output activation, for
        narration (MSE's are the same for every activation).
    formula_latex, gradient_formula_latex : function(activation) -> str
        The same in LaTeX, without ``$`` delimiters, in the same parts: a gradient formula
        of two (∂C/∂y, then ∂C/∂a) separates them by ``"; "`` in both.
    """

    name: str
    label: str
    cost: Callable
    cost_and_dC_dy: Callable
    dC_da: Callable | None
    output_activations: tuple | None
    formula: Callable
    gradient_formula: Callable
    formula_latex: Callable
    gradient_formula_latex: Callable


# --------------------------------------------------------------------------
# The mean squared error, the seed's cost.
# --------------------------------------------------------------------------

def mean_squared_error(y, t, a=None, activation=None):
    """``C = (1/N) · Σ_n Σ_j (y[n, j] − t[n, j])²`` (the seed's ``Matrix_Mean_Squared_Error``;
    ``a`` and ``activation`` are not used)."""
    return Matrix_Mean_Squared_Error(y, t)


def mean_squared_error_and_dC_dy(y, t, dC_dy, a=None, activation=None):
    """The cost ``C = (1/N) · Σ_n Σ_j (y[n, j] − t[n, j])²`` and ``∂C/∂y = (2/N) · (y − t)``.

    Shapes: ``y``, ``t`` and ``dC_dy`` are N x k; ``dC_dy`` is written in
    place (first ``y − t``, then scaled by 2/N). Returns C.
    """
    cost = Matrix_Mean_Squared_Error(y, t, dC_dy)
    Matrix_Scalar_Multiply(dC_dy, 2.0 / y.shape[0])
    return cost


def _constant(text):
    return lambda activation=None: text


MSE = Cost(
    "mse", "MSE", mean_squared_error, mean_squared_error_and_dC_dy, None, None,
    _constant("C = (1/N)·Σ(y − t)²"), _constant("∂C/∂y = (2/N)(y − t)"),
    _constant(r"C = \frac{1}{N} \sum_{n=1}^{N} \sum_{j=1}^{k} \left(y_{nj} - t_{nj}\right)^2"),
    _constant(r"\frac{\partial C}{\partial y} = \frac{2}{N} \left(y - t\right)"))


# --------------------------------------------------------------------------
# Cross-entropy, from the logits a.
# --------------------------------------------------------------------------

_EXP_CAP = 709.0  # e^709 ≈ 8.2e307, the largest power of e well inside float64


def _softplus(a):
    """log(1 + e^a) for any finite a, without overflow: max(a, 0) + log1p(e^(−|a|))."""
    return np.maximum(a, 0.0) + np.log1p(np.exp(-np.abs(a)))


def _log_softmax(a):
    """log p = a − logsumexp(a), row by row (N x k), the row's largest entry subtracted
    first: nothing overflows, and log p ≤ 0."""
    shifted = a - a.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _categorical(activation):
    return activation is not None and activation.record.name == "softmax"


def cross_entropy_cost(y, t, a=None, activation=None):
    """Cross-entropy from the logits ``a`` and the targets ``t`` (N x k)::

        softmax output:  C = −(1/N) Σ_n Σ_j t · log p,   log p = a − logsumexp(a)
        sigmoid output:  C = (1/N) Σ_n Σ_j [t · softplus(−a) + (1 − t) · softplus(a)]
                           = −(1/N) Σ [t · log y + (1 − t) · log(1 − y)]

    ``y`` is not used: every term comes from ``a``, so an output that has saturated (y
    rounded to exactly 0 or 1) still gives a finite cost, never log 0.
    """
    if _categorical(activation):
        return _categorical_cost(t, _log_softmax(a))
    return float(np.sum(t * _softplus(-a) + (1.0 - t) * _softplus(a))) / a.shape[0]


def _categorical_cost(t, log_p):
    """−(1/N) Σ t · log p, from log p (N x k)."""
    return float(-np.sum(t * log_p)) / log_p.shape[0]


def cross_entropy_and_dC_dy(y, t, dC_dy, a=None, activation=None):
    """The cost (:func:`cross_entropy_cost`) and ``∂C/∂y`` written into ``dC_dy`` (N x k)::

        softmax:  ∂C/∂p = −t / (N·p)                       (0 where t = 0)
        sigmoid:  ∂C/∂y = (−t / y + (1 − t) / (1 − y)) / N  (a term is 0 where its t is)

    with 1/p = e^(−log p), 1/y = 1 + e^(−a) and 1/(1 − y) = 1 + e^a from the logits. These
    are large where an output is confidently wrong; the layer never multiplies them by
    h'(a), which is tiny there: ∂C/∂a comes from y and t directly
    (:func:`cross_entropy_dC_da`). Where the true value is beyond float64 (a probability
    below e^(−709): a logit 709 below its row's largest, or |a| > 709 for a sigmoid) the
    exponent is capped at 709, so ∂C/∂y stays a finite (if enormous) number and a saturated
    network keeps learning. Returns C.
    """
    N = a.shape[0]
    with np.errstate(over="ignore", invalid="ignore"):
        if _categorical(activation):
            log_p = _log_softmax(a)
            np.copyto(dC_dy, np.where(t != 0, -t * np.exp(np.minimum(-log_p, _EXP_CAP)), 0.0))
            cost = _categorical_cost(t, log_p)
        else:
            against_one = np.where(t != 1, (1.0 - t) * (1.0 + np.exp(np.minimum(a, _EXP_CAP))),
                                   0.0)
            against_zero = np.where(t != 0, t * (1.0 + np.exp(np.minimum(-a, _EXP_CAP))), 0.0)
            np.subtract(against_one, against_zero, out=dC_dy)
            cost = cross_entropy_cost(y, t, a, activation)
    dC_dy /= N
    return cost


def cross_entropy_dC_da(y, t, a, activation, out):
    """``∂C/∂a = (y − t) / N`` (N x k): y = p for a softmax output, σ(a) for a sigmoid one.

    It is ``∂C/∂y`` times the activation's derivative, simplified. Sigmoid:
    ``(−t/y + (1 − t)/(1 − y))/N · y(1 − y) = (y − t)/N``. Softmax, whose Jacobian is not
    diagonal (``∂p_k/∂a_j = p_k(δ_kj − p_j)``):
    ``Σ_k (−t_k/(N p_k)) · p_k(δ_kj − p_j) = (p_j · Σ_k t_k − t_j)/N = (p_j − t_j)/N``,
    each target row summing to 1. Computed from y and t, it is exact and finite, also
    where ∂C/∂y is huge and h'(a) tiny.
    """
    np.subtract(y, t, out=out)
    out /= a.shape[0]
    return out


def _by_output(categorical, binary):
    return lambda activation=None: categorical if _categorical(activation) else binary


CROSS_ENTROPY = Cost(
    "cross_entropy", "cross-entropy", cross_entropy_cost, cross_entropy_and_dC_dy,
    cross_entropy_dC_da, ("softmax", "sigmoid"),
    _by_output("C = −(1/N)·Σ t·log p", "C = −(1/N)·Σ [t·log y + (1 − t)·log(1 − y)]"),
    _by_output("∂C/∂p = −t/(N·p); ∂C/∂a = (p − t)/N",
               "∂C/∂y = (−t/y + (1 − t)/(1 − y))/N; ∂C/∂a = (y − t)/N"),
    _by_output(r"C = -\frac{1}{N} \sum_{n=1}^{N} \sum_{j=1}^{k} t_{nj} \log p_{nj}",
               r"C = -\frac{1}{N} \sum_{n=1}^{N} \sum_{j=1}^{k} \left[t_{nj} \log y_{nj} "
               r"+ \left(1 - t_{nj}\right) \log\left(1 - y_{nj}\right)\right]"),
    _by_output(r"\frac{\partial C}{\partial p} = -\frac{t}{N p}; "
               r"\frac{\partial C}{\partial a} = \frac{1}{N} \left(p - t\right)",
               r"\frac{\partial C}{\partial y} = \frac{1}{N} \left(-\frac{t}{y} + "
               r"\frac{1 - t}{1 - y}\right); "
               r"\frac{\partial C}{\partial a} = \frac{1}{N} \left(y - t\right)"))


class CostType(RecordEnum, noun="cost"):
    """The costs a network can be formed with; each member's ``record`` is its :class:`Cost`."""

    MSE = MSE
    CROSS_ENTROPY = CROSS_ENTROPY

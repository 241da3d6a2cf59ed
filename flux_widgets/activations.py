"""Activation functions ``h(a)`` and their derivatives ``h'(a)``: one record per activation.

Every member of :class:`ActivationType` carries its :class:`Activation` record
(``ActivationType.TANH.record``): ``h`` and ``h'``, their formulas as Unicode
text and as LaTeX, the gain of the initial weights and the range of ``h``.
Adding an activation is adding a member with its record;
``tests/test_activations.py`` fails if a field is missing or disagrees with ``h``.

``h`` and ``h'`` are applied element by element to a matrix ``a`` (N x n, the
pre-activation ``weight_input_bias_matrix``) and written into ``out`` (same
shape). All are numerically stable: no overflow warning and a finite result
for any finite ``a`` (tested for ``|a|`` up to 1e4). The one exception to "element by
element" is SOFTMAX, an output layer's activation: each row of ``h`` is a probability
distribution over the row's ``a`` (see :class:`Activation`'s ``elementwise``).

ELU is written with α = 1, the leaky slope is 0.01 (``LEAKY_SLOPE``).

At the kink ``a = 0`` of RELU and LEAKY_RELU the derivative is taken from the
left (0 and 0.01): the function has no derivative there, and a finite-difference
check straddling 0 will disagree with either choice.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Callable

import numpy as np

from .matrix import _RECORDERS, record_operation
from .records import RecordEnum

__all__ = ["Activation", "ActivationType", "LEAKY_SLOPE", "HE_GAIN", "LECUN_GAIN", "activate",
           "derivative"]

LEAKY_SLOPE = 0.01
HE_GAIN = math.sqrt(2.0)  # He initialisation, for the ReLU family
LECUN_GAIN = 1.0  # LeCun initialisation, for every other activation
# e^700 ≈ 1e304 is still finite; clipping there keeps σ free of overflow.
_EXP_LIMIT = 700.0
# The least value of swish, a · σ(a) = a + 1 at its minimum a ≈ −1.2785 (a = −1 − W(1/e)).
_SWISH_MINIMUM = -0.2784645427610738


# --------------------------------------------------------------------------
# h(a): function(a, out) writing into out.
# --------------------------------------------------------------------------

def _sigmoid(a, out):
    """σ(a) written into ``out`` as ``e^u / (1 + e^u)``, ``u = min(a, 700)``.

    The same number as ``1 / (1 + e^(−a))``, but ``e^u`` never overflows and
    stays accurate relative to σ in the left tail (σ(−40) ≈ 4.2e-18, not 0).
    """
    np.minimum(a, _EXP_LIMIT, out=out)
    np.exp(out, out=out)
    return np.divide(out, out + 1.0, out=out)


def _activate_elu(a, out):
    positive = np.maximum(a, 0.0)
    np.minimum(a, 0.0, out=out)
    np.expm1(out, out=out)
    out += positive


def _activate_swish(a, out):
    _sigmoid(a, out)
    out *= a


def _activate_leaky_relu(a, out):
    np.multiply(a, LEAKY_SLOPE, out=out)
    np.maximum(a, out, out=out)


# --------------------------------------------------------------------------
# h'(a): function(a, h, out) writing into out, h = h(a) already computed.
# --------------------------------------------------------------------------

def _derivative_sigmoid(a, h, out):
    np.subtract(1.0, h, out=out)
    out *= h


def _derivative_tanh(a, h, out):
    np.multiply(h, h, out=out)
    np.subtract(1.0, out, out=out)


def _derivative_leaky_relu(a, h, out):
    np.heaviside(a, 0.0, out=out)
    np.maximum(out, LEAKY_SLOPE, out=out)


def _derivative_swish(a, h, out):
    sigma = _sigmoid(a, np.empty_like(a))
    np.subtract(1.0, sigma, out=out)
    out *= a
    out += 1.0
    out *= sigma


def _derivative_elu(a, h, out):
    np.minimum(a, 0.0, out=out)
    np.exp(out, out=out)


# --------------------------------------------------------------------------
# Softmax: h(a)[n, j] = e^(a[n, j]) / Σ_k e^(a[n, k]), row by row.
# --------------------------------------------------------------------------

def _softmax(a, out):
    """Each row of ``a`` to probabilities, the row's largest entry subtracted first (so
    e^(…) ≤ 1 never overflows, and the largest probability of a row is ≥ 1/n)."""
    np.subtract(a, a.max(axis=1, keepdims=True), out=out)
    np.exp(out, out=out)
    out /= out.sum(axis=1, keepdims=True)
    return out


def _softmax_diagonal(a, h, out):
    """The diagonal of softmax's Jacobian, ``∂h_j/∂a_j = h_j (1 − h_j)`` (N x n)."""
    _derivative_sigmoid(a, h, out)


def _softmax_backward(a, h, dC_dh, out):
    """``∂C/∂a[n, j] = Σ_k ∂C/∂h[n, k] · h_k (δ_kj − h_j) = h_j (∂C/∂h_j − Σ_k ∂C/∂h_k h_k)``:
    the row of ∂C/∂h times the whole Jacobian (N x n), without forming it."""
    np.multiply(dC_dh, h, out=out)
    weighted = out.sum(axis=1, keepdims=True)
    np.subtract(dC_dh, weighted, out=out)
    out *= h
    return out


# --------------------------------------------------------------------------
# The record and the members.
# --------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Activation:
    """Everything the kit knows about one activation ``h``.

    Attributes
    ----------
    name : str
        The member's value, lower case (``"leaky_relu"``).
    h : function(a, out)
        Writes ``h(a)`` into ``out``; ``a`` and ``out`` are N x n, two different matrices.
    dh_da : function(a, h, out)
        Writes ``h'(a)`` into ``out``; ``a``, ``h = h(a)`` and ``out`` are N x n.
    formula, derivative_formula : str
        ``h(a)`` and ``h'(a)`` as Unicode text, for narration (``"h(a) = max(a, 0)"``).
    formula_latex, derivative_formula_latex : str
        The same in LaTeX, without ``$`` delimiters (``r"h(a) = \\max(a, 0)"``).
    init_gain : float
        The gain g of the initial weights, ``W ~ Normal(0, g² / n_in)``:
        ``HE_GAIN`` (√2) for the ReLU family, ``LECUN_GAIN`` (1) otherwise.
    output_range : (float, float)
        The closed interval ``(low, high)`` holding every value of ``h``, with
        ``±inf`` on an unbounded side: sigmoid ``(0, 1)``, ReLU ``(0, inf)``.
    elementwise : bool
        True: ``h(a)[n, j]`` depends on ``a[n, j]`` alone, so ``h'(a)`` is one
        number per entry (N x n) and the layer computes
        ``∂C/∂a = ∂C/∂h ⊙ h'(a)``. False for SOFTMAX, whose ``h'`` is a Jacobian
        (n x n per sample, not diagonal): ``dh_da`` then writes its diagonal, for the
        tables, and ``backward`` is what the layer uses.
    backward : function(a, h, dC_dh, out) or None
        For an activation that is not element by element: writes
        ``∂C/∂a[n, j] = Σ_k ∂C/∂h[n, k] · ∂h[n, k]/∂a[n, j]`` (N x n), which
        ``Neural_Layer.compute_dC_da`` calls in place of ``dC_dy ⊙ dh_da``.
    output_only : bool
        True for an activation only an output layer may have (SOFTMAX: it makes a row
        of probabilities, and needs at least two outputs).
    """

    name: str
    h: Callable
    dh_da: Callable
    formula: str
    derivative_formula: str
    formula_latex: str
    derivative_formula_latex: str
    init_gain: float
    output_range: tuple
    elementwise: bool = True
    backward: Callable | None = None
    output_only: bool = False

    @property
    def bounded(self):
        """True when both ends of ``output_range`` are finite (sigmoid, tanh)."""
        return all(math.isfinite(end) for end in self.output_range)


class ActivationType(RecordEnum, noun="activation", by_name=True):
    """The seed's activation types, plus ELU; each member's ``record`` is its :class:`Activation`.

    A member's value is its record's ``name`` (``ActivationType.RELU.value == "relu"``).
    """

    RELU = Activation(
        "relu", lambda a, out: np.maximum(a, 0.0, out=out),
        lambda a, h, out: np.heaviside(a, 0.0, out=out),
        "h(a) = max(a, 0)", "h'(a) = 1 if a > 0 else 0",
        r"h(a) = \max(a, 0)",
        r"h'(a) = \begin{cases} 1 & \text{if } a > 0 \\ 0 & \text{otherwise} \end{cases}",
        init_gain=HE_GAIN, output_range=(0.0, math.inf))
    SIGMOID = Activation(
        "sigmoid", _sigmoid, _derivative_sigmoid,
        "h(a) = 1 / (1 + e^(−a))", "h'(a) = h(a) · (1 − h(a))",
        r"h(a) = \frac{1}{1 + e^{-a}}", r"h'(a) = h(a) \cdot \bigl(1 - h(a)\bigr)",
        init_gain=LECUN_GAIN, output_range=(0.0, 1.0))
    TANH = Activation(
        "tanh", lambda a, out: np.tanh(a, out=out), _derivative_tanh,
        "h(a) = tanh(a)", "h'(a) = 1 − h(a)²",
        r"h(a) = \tanh(a)", r"h'(a) = 1 - h(a)^2",
        init_gain=LECUN_GAIN, output_range=(-1.0, 1.0))
    LEAKY_RELU = Activation(
        "leaky_relu", _activate_leaky_relu, _derivative_leaky_relu,
        "h(a) = a if a > 0 else 0.01·a", "h'(a) = 1 if a > 0 else 0.01",
        r"h(a) = \begin{cases} a & \text{if } a > 0 \\ 0.01 \cdot a & \text{otherwise} "
        r"\end{cases}",
        r"h'(a) = \begin{cases} 1 & \text{if } a > 0 \\ 0.01 & \text{otherwise} \end{cases}",
        init_gain=HE_GAIN, output_range=(-math.inf, math.inf))
    SWISH = Activation(
        "swish", _activate_swish, _derivative_swish,
        "h(a) = a · σ(a)", "h'(a) = σ(a) · (1 + a · (1 − σ(a)))",
        r"h(a) = a \cdot \sigma(a)",
        r"h'(a) = \sigma(a) \cdot \bigl(1 + a \cdot (1 - \sigma(a))\bigr)",
        init_gain=HE_GAIN, output_range=(_SWISH_MINIMUM, math.inf))
    LINEAR = Activation(
        "linear", lambda a, out: np.copyto(out, a), lambda a, h, out: out.fill(1.0),
        "h(a) = a", "h'(a) = 1",
        r"h(a) = a", r"h'(a) = 1",
        init_gain=LECUN_GAIN, output_range=(-math.inf, math.inf))
    ELU = Activation(
        "elu", _activate_elu, _derivative_elu,
        "h(a) = a if a > 0 else e^a − 1", "h'(a) = 1 if a > 0 else e^a",
        r"h(a) = \begin{cases} a & \text{if } a > 0 \\ e^{a} - 1 & \text{otherwise} \end{cases}",
        r"h'(a) = \begin{cases} 1 & \text{if } a > 0 \\ e^{a} & \text{otherwise} \end{cases}",
        init_gain=HE_GAIN, output_range=(-1.0, math.inf))
    SOFTMAX = Activation(
        "softmax", _softmax, _softmax_diagonal,
        "h(a)_j = e^(a_j) / Σ_k e^(a_k)",
        "∂h_j/∂a_k = h_j·(δ_jk − h_k); dh_da holds the diagonal h_j·(1 − h_j)",
        r"h(a)_j = \frac{e^{a_j}}{\sum_k e^{a_k}}",
        r"\frac{\partial h_j}{\partial a_k} = h_j \left(\delta_{jk} - h_k\right)",
        init_gain=LECUN_GAIN, output_range=(0.0, 1.0), elementwise=False,
        backward=_softmax_backward, output_only=True)

    @classmethod
    def hidden(cls):
        """The activations a hidden layer may have (every one but the output-only ones)."""
        return [member for member in cls if not member.record.output_only]

    @property
    def formula(self):
        """``h(a)`` as text, for narration."""
        return self.record.formula

    @property
    def derivative_formula(self):
        """``h'(a)`` as text, for narration."""
        return self.record.derivative_formula


def activate(kind, a, out):
    """Write ``h(a)`` into ``out`` and return it.

    Shapes: ``a`` and ``out`` are N x n, two different matrices.
    """
    kind.record.h(a, out)
    if _RECORDERS:
        record_operation(f"Activate[{kind.name}]", out, a)
    return out


def derivative(kind, a, h, out):
    """Write ``h'(a)`` into ``out`` and return it.

    Shapes: ``a`` (the pre-activation), ``h`` (``h(a)``, already computed) and
    ``out`` are N x n; ``out`` is a matrix of its own. ``h`` saves recomputing
    σ or tanh.
    """
    kind.record.dh_da(a, h, out)
    if _RECORDERS:
        record_operation(f"Dh_Da[{kind.name}]", out, a)
    return out

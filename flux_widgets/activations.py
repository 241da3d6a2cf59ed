"""Activation functions ``h(a)`` and their derivatives ``h'(a)``.

Each is applied element by element to a matrix ``a`` (N x n, the
pre-activation ``weight_input_bias_matrix``) and written into ``out`` (same
shape). All are numerically stable: no overflow warning and a finite result
for any finite ``a`` (tested for ``|a|`` up to 1e4).

========== ================================ =====================================
type       h(a)                             h'(a)
========== ================================ =====================================
RELU       max(a, 0)                        1 if a > 0 else 0
SIGMOID    σ(a) = 1 / (1 + e^(−a))          σ(a) · (1 − σ(a))
TANH       tanh(a)                          1 − tanh(a)²
LEAKY_RELU a if a > 0 else 0.01·a           1 if a > 0 else 0.01
SWISH      a · σ(a)                         σ(a) · (1 + a · (1 − σ(a)))
LINEAR     a                                1
ELU        a if a > 0 else e^a − 1          1 if a > 0 else e^a
========== ================================ =====================================

ELU is written with α = 1, the leaky slope is 0.01 (``LEAKY_SLOPE``).

At the kink ``a = 0`` of RELU and LEAKY_RELU the derivative is taken from the
left (0 and 0.01): the function has no derivative there, and a finite-difference
check straddling 0 will disagree with either choice.
"""

from __future__ import annotations

import enum

import numpy as np

from .errors import ConfigurationError
from .matrix import _RECORDERS, record_operation

__all__ = ["ActivationType", "LEAKY_SLOPE", "activate", "derivative"]

LEAKY_SLOPE = 0.01
# e^700 ≈ 1e304 is still finite; clipping there keeps σ free of overflow.
_EXP_LIMIT = 700.0


class ActivationType(enum.Enum):
    """The seed's activation types, plus ELU."""

    RELU = "relu"
    SIGMOID = "sigmoid"
    TANH = "tanh"
    LEAKY_RELU = "leaky_relu"
    SWISH = "swish"
    LINEAR = "linear"
    ELU = "elu"

    # Members are singletons compared by identity, so hashing by identity is
    # exact, and much faster than Enum's hash (written in Python) on a hot path.
    __hash__ = object.__hash__

    @classmethod
    def parse(cls, value):
        """Accept an ``ActivationType`` or its name in any case (``"Leaky_ReLU"``, ``"sigmoid"``)."""
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            key = value.strip().lower().replace("-", "_").replace(" ", "_")
            for member in cls:
                if key in (member.value, member.name.lower()):
                    return member
        names = ", ".join(m.name for m in cls)
        raise ConfigurationError(f"unknown activation {value!r}; choose one of {names}")

    @property
    def formula(self):
        """``h(a)`` as text, for narration."""
        return _FORMULAS[self][0]

    @property
    def derivative_formula(self):
        """``h'(a)`` as text, for narration."""
        return _FORMULAS[self][1]


_FORMULAS = {
    ActivationType.RELU: ("h(a) = max(a, 0)", "h'(a) = 1 if a > 0 else 0"),
    ActivationType.SIGMOID: ("h(a) = 1 / (1 + e^(−a))", "h'(a) = h(a) · (1 − h(a))"),
    ActivationType.TANH: ("h(a) = tanh(a)", "h'(a) = 1 − h(a)²"),
    ActivationType.LEAKY_RELU: ("h(a) = a if a > 0 else 0.01·a", "h'(a) = 1 if a > 0 else 0.01"),
    ActivationType.SWISH: ("h(a) = a · σ(a)", "h'(a) = σ(a) · (1 + a · (1 − σ(a)))"),
    ActivationType.LINEAR: ("h(a) = a", "h'(a) = 1"),
    ActivationType.ELU: ("h(a) = a if a > 0 else e^a − 1", "h'(a) = 1 if a > 0 else e^a"),
}


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


# h(a) of each type: function(a, out) writing into out
_ACTIVATE = {
    ActivationType.RELU: lambda a, out: np.maximum(a, 0.0, out=out),
    ActivationType.SIGMOID: _sigmoid,
    ActivationType.TANH: lambda a, out: np.tanh(a, out=out),
    ActivationType.LEAKY_RELU: _activate_leaky_relu,
    ActivationType.SWISH: _activate_swish,
    ActivationType.LINEAR: lambda a, out: np.copyto(out, a),
    ActivationType.ELU: _activate_elu,
}


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


# h'(a) of each type: function(a, h, out) writing into out
_DERIVATIVE = {
    ActivationType.RELU: lambda a, h, out: np.heaviside(a, 0.0, out=out),
    ActivationType.SIGMOID: _derivative_sigmoid,
    ActivationType.TANH: _derivative_tanh,
    ActivationType.LEAKY_RELU: _derivative_leaky_relu,
    ActivationType.SWISH: _derivative_swish,
    ActivationType.LINEAR: lambda a, h, out: out.fill(1.0),
    ActivationType.ELU: _derivative_elu,
}


def activate(kind, a, out):
    """Write ``h(a)`` into ``out`` and return it.

    Shapes: ``a`` and ``out`` are N x n, two different matrices.
    """
    _ACTIVATE[kind](a, out)
    if _RECORDERS:
        record_operation(f"Activate[{kind.name}]", out, a)
    return out


def derivative(kind, a, h, out):
    """Write ``h'(a)`` into ``out`` and return it.

    Shapes: ``a`` (the pre-activation), ``h`` (``h(a)``, already computed) and
    ``out`` are N x n; ``out`` is a matrix of its own. ``h`` saves recomputing
    σ or tanh.
    """
    _DERIVATIVE[kind](a, h, out)
    if _RECORDERS:
        record_operation(f"Dh_Da[{kind.name}]", out, a)
    return out

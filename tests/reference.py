"""Textbook formulas of every activation and its derivative: the tests' independent oracle.

Written from the formulas, not from ``flux_widgets.activations``, so the two
can be compared.
"""

import numpy as np

from flux_widgets import ActivationType


def reference_activation(kind, a):
    """h(a) from the textbook formulas."""
    with np.errstate(over="ignore", under="ignore"):
        sigma = 1.0 / (1.0 + np.exp(-a))
        return {
            ActivationType.RELU: lambda: np.where(a > 0, a, 0.0),
            ActivationType.SIGMOID: lambda: sigma,
            ActivationType.TANH: lambda: np.tanh(a),
            ActivationType.LEAKY_RELU: lambda: np.where(a > 0, a, 0.01 * a),
            ActivationType.SWISH: lambda: a * sigma,
            ActivationType.LINEAR: lambda: a.copy(),
            ActivationType.ELU: lambda: np.where(a > 0, a, np.exp(a) - 1.0),
        }[kind]()


def reference_derivative(kind, a):
    """h'(a) from the textbook formulas (left derivative at the kink)."""
    with np.errstate(over="ignore", under="ignore"):
        sigma = 1.0 / (1.0 + np.exp(-a))
        return {
            ActivationType.RELU: lambda: np.where(a > 0, 1.0, 0.0),
            ActivationType.SIGMOID: lambda: sigma * (1.0 - sigma),
            ActivationType.TANH: lambda: 1.0 / np.cosh(a) ** 2,
            ActivationType.LEAKY_RELU: lambda: np.where(a > 0, 1.0, 0.01),
            ActivationType.SWISH: lambda: sigma + a * sigma * (1.0 - sigma),
            ActivationType.LINEAR: lambda: np.ones_like(a),
            ActivationType.ELU: lambda: np.where(a > 0, 1.0, np.exp(a)),
        }[kind]()

"""Cost functions ``C(y, t)`` and their gradients ``∂C/∂y``: one record per cost.

``y`` is the network's output (the last layer's ``activated_output_matrix``)
and ``t`` the targets, both N x k: one row per sample, one column per output.
A :class:`Cost` record holds the cost, its gradient and their formulas, as an
:class:`~flux_widgets.activations.Activation` record does for an activation.
The kit's cost is the seed's mean squared error, :data:`MSE`::

    C = (1/N) · Σ_n Σ_j (y[n, j] − t[n, j])²      ∂C/∂y = (2/N) · (y − t)

It divides by the number of samples N only, not by N·k, so the gradient has
exactly one factor 1/N whatever the number of outputs.
"""

from __future__ import annotations

import dataclasses
from typing import Callable

from .matrix import Matrix_Mean_Squared_Error, Matrix_Scalar_Multiply

__all__ = ["Cost", "MSE", "mean_squared_error_and_dC_dy"]


@dataclasses.dataclass(frozen=True)
class Cost:
    """Everything the kit knows about one cost function ``C``.

    Attributes
    ----------
    name : str
        Its short name (``"MSE"``).
    cost : function(y, t) -> float
        ``C``; ``y`` and ``t`` are N x k (for MSE the seed's ``Matrix_Mean_Squared_Error``).
    cost_and_dC_dy : function(y, t, dC_dy) -> float
        ``C``, and ``∂C/∂y`` written into ``dC_dy`` (N x k, a matrix of its
        own): what the last layer's backward step needs, in one pass.
    formula, gradient_formula : str
        ``C`` and ``∂C/∂y`` as Unicode text, for narration.
    formula_latex, gradient_formula_latex : str
        The same in LaTeX, without ``$`` delimiters.
    """

    name: str
    cost: Callable
    cost_and_dC_dy: Callable
    formula: str
    gradient_formula: str
    formula_latex: str
    gradient_formula_latex: str


def mean_squared_error_and_dC_dy(y, t, dC_dy):
    """The cost ``C = (1/N) · Σ_n Σ_j (y[n, j] − t[n, j])²`` and ``∂C/∂y = (2/N) · (y − t)``.

    Shapes: ``y``, ``t`` and ``dC_dy`` are N x k; ``dC_dy`` is written in
    place (first ``y − t``, then scaled by 2/N). Returns C.
    """
    cost = Matrix_Mean_Squared_Error(y, t, dC_dy)
    Matrix_Scalar_Multiply(dC_dy, 2.0 / y.shape[0])
    return cost


MSE = Cost(
    "MSE", Matrix_Mean_Squared_Error, mean_squared_error_and_dC_dy,
    "C = (1/N)·Σ(y − t)²", "∂C/∂y = (2/N)(y − t)",
    r"C = \frac{1}{N} \sum_{n=1}^{N} \sum_{j=1}^{k} \left(y_{nj} - t_{nj}\right)^2",
    r"\frac{\partial C}{\partial y} = \frac{2}{N} \left(y - t\right)")

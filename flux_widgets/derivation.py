"""One gradient entry as its factors, and finite-difference checks of every gradient.

The exact rule for a weight ``w_AB`` from neuron A (layer l − 1, output
``h_A``) to neuron B (layer l, pre-activation ``a_B``), summed over samples::

    ∂C/∂w_AB = Σ_n  h_A[n] · ∂C/∂a_B[n]              (dC_dw = inputᵀ · dC_da)
    ∂C/∂a_B[n] = ∂C/∂h_B[n] · h'(a_B[n])              (dC_da = dC_dy ⊙ dh_da)

The seed's section 4.2 also multiplies by ``∂h_A/∂a_A``; that factor belongs
one layer further back: it enters ``∂C/∂a_A``, which the weights *into* A use.
:func:`derive_weight_gradient` shows the exact rule with numbers; the
finite-difference functions show numerically which rule is right.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .errors import ConfigurationError
from .network import Back_Propagation, Forward_Pass, check_network, network_cost

__all__ = ["GradientDerivation", "derive_weight_gradient", "derive_bias_gradient",
           "finite_difference", "GradientCheck", "check_gradients", "FD_EPSILON"]

FD_EPSILON = 1e-6
_PARAMETERS = {"weights": "weights_matrix", "bias": "bias_matrix",
               "weights_matrix": "weights_matrix", "bias_matrix": "bias_matrix"}


def _layer(network, layer):
    check_network("the derivation", network)
    count = len(network.neural_layers)
    if isinstance(layer, bool) or not isinstance(layer, (int, np.integer)) \
            or not 1 <= layer <= count:
        raise ConfigurationError(f"layer must be a whole number from 1 to {count}, got {layer!r}")
    return network.neural_layers[layer - 1]


def _index(matrix, name, row, column):
    rows, columns = matrix.shape
    for label, value, size in (("row", row, rows), ("column", column, columns)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) \
                or not 0 <= value < size:
            raise ConfigurationError(
                f"{label} of {name} must be a whole number from 0 to {size - 1}, got {value!r}")
    return int(row), int(column)


@dataclass(frozen=True)
class GradientDerivation:
    """A stored gradient entry and the per-sample factors it is the sum of.

    ``factors`` is an array with one row per sample n and the columns named
    by ``factor_names``; ``products`` is their product per sample; ``total``
    their sum, which equals ``stored`` (the entry of ``dC_dw_matrix`` or
    ``dC_db_matrix``) up to rounding.
    """

    title: str
    formula: str
    factor_names: tuple
    factors: np.ndarray
    products: np.ndarray
    total: float
    stored: float
    dC_dy_rule: str

    @property
    def matches(self):
        return math.isclose(self.total, self.stored, rel_tol=1e-12, abs_tol=1e-15)

    def text(self, max_samples=8):
        """The derivation with numbers, one line per sample (the first ``max_samples``)."""
        lines = [self.title, f"  {self.formula}", f"  where {self.dC_dy_rule}"]
        header = "  n  " + "".join(f"{name:>14}" for name in self.factor_names) + f"{'product':>14}"
        lines.append(header)
        for n, (row, product) in enumerate(zip(self.factors, self.products)):
            if n == max_samples:
                lines.append(f"  … {len(self.products) - max_samples} more samples")
                break
            lines.append(f"  {n:<3}" + "".join(f"{v:>14.6g}" for v in row) + f"{product:>14.6g}")
        lines.append(f"  sum over samples = {self.total:.10g}; stored = {self.stored:.10g}"
                     + ("  ✓" if self.matches else "  ✗ (not yet computed for these weights)"))
        return "\n".join(lines)

    def __str__(self):
        return self.text()


def _dC_dy_rule(network, number, column):
    if number == len(network.neural_layers):
        return (f"∂C/∂h_{column}[n] = (2/N)·(y[n, {column}] − t[n, {column}]), "
                f"N = {network.sample_size} (output layer)")
    return (f"∂C/∂h_{column}[n] = Σ_k ∂C/∂a_k[n] · W[{column}, k] of layer {number + 1} "
            f"(every neuron k that neuron {column} feeds)")


def derive_weight_gradient(network, layer, row, column):
    """The derivation of ``dC_dw_matrix[row, column]`` of ``layer`` (counted from 1).

    ``∂C/∂W[i, j] = Σ_n x[n, i] · ∂C/∂h[n, j] · h'(a[n, j])``, with
    ``x = input_matrix`` (N x n_in) and the other factors N x n_out.
    """
    current = _layer(network, layer)
    m = current.matrices
    i, j = _index(m["weights_matrix"], "weights_matrix", row, column)
    factors = np.column_stack([m["input_matrix"][:, i], m["dC_dy_matrix"][:, j],
                               m["dh_da_matrix"][:, j]])
    products = factors[:, 0] * (factors[:, 1] * factors[:, 2])
    return GradientDerivation(
        title=f"Layer {layer}: ∂C/∂W[{i}, {j}] (weight from input {i} to neuron {j})",
        formula=f"∂C/∂W[{i},{j}] = Σ_n x[n,{i}] · ∂C/∂h[n,{j}] · h'(a[n,{j}])",
        factor_names=(f"x[n,{i}]", f"∂C/∂h[n,{j}]", f"h'(a[n,{j}])"),
        factors=factors, products=products, total=float(products.sum()),
        stored=float(m["dC_dw_matrix"][i, j]), dC_dy_rule=_dC_dy_rule(network, layer, j))


def derive_bias_gradient(network, layer, column):
    """The derivation of ``dC_db_matrix[0, column]``: ``Σ_n ∂C/∂h[n, j] · h'(a[n, j])``."""
    current = _layer(network, layer)
    m = current.matrices
    _, j = _index(m["bias_matrix"], "bias_matrix", 0, column)
    factors = np.column_stack([m["dC_dy_matrix"][:, j], m["dh_da_matrix"][:, j]])
    products = factors[:, 0] * factors[:, 1]
    return GradientDerivation(
        title=f"Layer {layer}: ∂C/∂b[{j}] (bias of neuron {j})",
        formula=f"∂C/∂b[{j}] = Σ_n ∂C/∂h[n,{j}] · h'(a[n,{j}])",
        factor_names=(f"∂C/∂h[n,{j}]", f"h'(a[n,{j}])"),
        factors=factors, products=products, total=float(products.sum()),
        stored=float(m["dC_db_matrix"][0, j]), dC_dy_rule=_dC_dy_rule(network, layer, j))


def finite_difference(network, layer, parameter, row, column, epsilon=FD_EPSILON):
    """Central difference ``(C(w + ε) − C(w − ε)) / 2ε`` for one weight or bias.

    ``parameter`` is ``"weights"`` or ``"bias"`` (row 0 for a bias). The cost
    is computed with ``Predict``, so no stored matrix changes, and the
    parameter gets back its exact original value.
    """
    name = _PARAMETERS.get(parameter) if isinstance(parameter, str) else None
    if name is None:
        raise ConfigurationError(f"parameter must be 'weights' or 'bias', got {parameter!r}")
    if not (isinstance(epsilon, float) and math.isfinite(epsilon) and epsilon > 0):
        raise ConfigurationError(f"epsilon must be a small positive number, got {epsilon!r}")
    matrix = _layer(network, layer).matrices[name]
    i, j = _index(matrix, name, row, column)
    original = matrix[i, j]
    try:
        matrix[i, j] = original + epsilon
        up = network_cost(network)
        matrix[i, j] = original - epsilon
        down = network_cost(network)
    finally:
        matrix[i, j] = original
    return (up - down) / (2.0 * epsilon)


@dataclass(frozen=True)
class GradientCheck:
    """Every parameter's gradient from backpropagation against finite differences.

    ``entries`` rows: ``(layer, parameter, row, column, backprop, finite_difference)``.
    An entry passes if ``|backprop − fd| ≤ rtol·max(|backprop|, |fd|) + floor``,
    where ``floor`` is the rounding error a central difference cannot get
    below (``16 · 2⁻⁵² · max(C, 1) / ε``).
    """

    entries: tuple
    cost: float
    epsilon: float
    rtol: float

    @property
    def floor(self):
        return 16 * np.finfo(float).eps * max(abs(self.cost), 1.0) / self.epsilon

    def errors(self):
        """``(absolute, relative)`` error per entry, relative to the larger magnitude."""
        values = np.array([(e[4], e[5]) for e in self.entries])
        absolute = np.abs(values[:, 0] - values[:, 1])
        scale = np.maximum(np.abs(values).max(axis=1), np.finfo(float).tiny)
        return absolute, absolute / scale

    @property
    def max_relative_error(self):
        return float(self.errors()[1].max())

    @property
    def failures(self):
        absolute, _ = self.errors()
        values = np.array([(e[4], e[5]) for e in self.entries])
        limit = self.rtol * np.abs(values).max(axis=1) + self.floor
        return [e for e, a, lim in zip(self.entries, absolute, limit) if a > lim]

    @property
    def passed(self):
        return not self.failures

    def __str__(self):
        failures = self.failures
        verdict = "all agree" if not failures else f"{len(failures)} disagree"
        return (f"{len(self.entries)} gradients checked against central differences "
                f"(ε = {self.epsilon:g}): {verdict}; largest relative error "
                f"{self.max_relative_error:.2e}")


def check_gradients(network, epsilon=FD_EPSILON, rtol=1e-6):
    """Check every weight and bias gradient of the current parameters by finite differences.

    Backpropagation runs on the current parameters first (the network is put
    back exactly as it was afterwards), so the check also works mid-iteration.
    Returns a :class:`GradientCheck`.
    """
    check_network("check_gradients", network)
    if isinstance(rtol, bool) or not isinstance(rtol, (int, float)) or not 0 < rtol < 1:
        raise ConfigurationError(f"rtol must be a number between 0 and 1 such as 1e-6, "
                                 f"got {rtol!r}")
    if not (isinstance(epsilon, float) and math.isfinite(epsilon) and epsilon > 0):
        raise ConfigurationError(f"epsilon must be a small positive number, got {epsilon!r}")
    snapshot = network.snapshot()
    try:
        Forward_Pass(network)
        cost = Back_Propagation(network)
        gradients = [(layer.dC_dw_matrix.copy(), layer.dC_db_matrix.copy())
                     for layer in network.neural_layers]
    finally:
        network.restore(snapshot)
    entries = []
    for number, (dw, db) in enumerate(gradients, start=1):
        for parameter, gradient in (("weights", dw), ("bias", db)):
            for (i, j), value in np.ndenumerate(gradient):
                entries.append((number, parameter, i, j, float(value),
                                finite_difference(network, number, parameter, i, j, epsilon)))
    return GradientCheck(tuple(entries), cost, epsilon, rtol)

"""One gradient entry as its factors, and finite-difference checks of every gradient.

The exact rule for a weight ``w_AB`` from neuron A (layer l − 1, output
``h_A``) to neuron B (layer l, pre-activation ``a_B``), summed over samples::

    ∂C/∂w_AB = Σ_n  h_A[n] · ∂C/∂a_B[n]              (dC_dw = inputᵀ · dC_da)
    ∂C/∂a_B[n] = ∂C/∂h_B[n] · h'(a_B[n])              (dC_da = dC_dy ⊙ dh_da)

The seed's section 4.2 also multiplies by ``∂h_A/∂a_A``; that factor belongs
one layer further back: it enters ``∂C/∂a_A``, which the weights *into* A use.
:func:`derive_weight_gradient` shows the exact rule with numbers; the
finite-difference functions show numerically which rule is right.

Weights too large for float64 make the arithmetic overflow: the functions here
then raise :class:`~flux_widgets.errors.NonFiniteError` (as training reports a
divergence), never a numpy warning. A derivation of a network that already holds
inf or nan (a step diverged) shows those numbers as they are.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import checks
from .errors import ConfigurationError, NonFiniteError
from .network import Back_Propagation, Forward_Pass, check_network, network_cost

__all__ = ["GradientDerivation", "derive_weight_gradient", "derive_bias_gradient",
           "finite_difference", "GradientCheck", "check_gradients", "relative_difference",
           "finite_difference_floor", "finite_difference_report", "FD_EPSILON",
           "GRADIENT_RTOL"]

FD_EPSILON = 1e-6
GRADIENT_RTOL = 1e-6  # the relative difference a finite difference agrees to
_PARAMETERS = {"weights": "weights_matrix", "bias": "bias_matrix",
               "weights_matrix": "weights_matrix", "bias_matrix": "bias_matrix"}


def _layer(network, layer):
    check_network("the derivation", network)
    layer = checks.whole_number(layer, "layer", 1, len(network.neural_layers))
    return network.neural_layers[layer - 1]


def _index(matrix, name, row, column):
    rows, columns = matrix.shape
    return (checks.whole_number(row, f"row of {name}", 0, rows - 1),
            checks.whole_number(column, f"column of {name}", 0, columns - 1))


def _overflow(what, network, layer, matrix):
    """The NonFiniteError for arithmetic on finite numbers that left float64's range."""
    return NonFiniteError(f"{what} overflows: the weights are too large for float64 (a "
                          "result passed about 1.8e308); step back or lower the learning rate",
                          iteration=network.iteration + 1, layer=layer, matrix=matrix)


def _products(network, layer, name, factors, stored):
    """Per-sample products of the columns of ``factors`` (N x m), and their sum; no warning.

    If the factors and the ``stored`` entry are finite but a product or the sum
    overflows, NonFiniteError; a network that already holds inf or nan (a step
    diverged) gets its derivation with those numbers, as it stores them.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        products = factors[:, -1]
        for column in range(factors.shape[1] - 2, -1, -1):  # x · (∂C/∂h · h'), as the engine
            products = factors[:, column] * products
        total = float(products.sum())
    if not math.isfinite(total) and math.isfinite(stored) and np.isfinite(factors).all():
        raise _overflow(f"the derivation of layer {layer}'s {name}", network, layer, name)
    return products, total


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
        """Whether the sum of the products is the stored entry, up to the rounding of a sum:
        the order of additions differs (BLAS sums in blocks), so the tolerance is relative
        to the size of the terms, Σ|products|, not of the sum (terms may cancel)."""
        with np.errstate(over="ignore", invalid="ignore"):
            size = float(np.abs(self.products).sum())
        if not math.isfinite(size):
            return self.total == self.stored
        return math.isclose(self.total, self.stored, rel_tol=1e-12, abs_tol=1e-12 * size + 1e-300)

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
    layer = network.neural_layers[number - 1]
    if layer.dC_da_from_cost:
        return (f"∂C/∂a_{column}[n] = (y[n, {column}] − t[n, {column}])/N, N = "
                f"{layer.sample_size} ({layer.cost.label} with a {layer.activation.name} "
                "output: ∂C/∂y times h' simplified)")
    if not layer.dC_da_is_product:
        return (f"∂C/∂a_{column}[n] = h_{column}[n]·(∂C/∂h_{column}[n] − Σ_k ∂C/∂h_k[n]·h_k[n]) "
                f"({layer.activation.name}'s whole Jacobian)")
    if number == len(network.neural_layers):
        return (f"∂C/∂h_{column}[n] = (2/N)·(y[n, {column}] − t[n, {column}]), "
                f"N = {layer.sample_size} (output layer)")
    return (f"∂C/∂h_{column}[n] = Σ_k ∂C/∂a_k[n] · W[{column}, k] of layer {number + 1} "
            f"(every neuron k that neuron {column} feeds)")


def _gradient_factors(layer, j):
    """``(columns, names, formula)``: the per-sample factors of ∂C/∂a[:, j] (N each):
    ``∂C/∂h · h'(a)`` where the layer computes it so, else ``∂C/∂a`` itself."""
    m = layer.matrices
    if layer.dC_da_is_product:
        return ([m["dC_dy_matrix"][:, j], m["dh_da_matrix"][:, j]],
                (f"∂C/∂h[n,{j}]", f"h'(a[n,{j}])"), f"∂C/∂h[n,{j}] · h'(a[n,{j}])")
    return [m["dC_da_matrix"][:, j]], (f"∂C/∂a[n,{j}]",), f"∂C/∂a[n,{j}]"


def derive_weight_gradient(network, layer, row, column):
    """The derivation of ``dC_dw_matrix[row, column]`` of ``layer`` (counted from 1).

    ``∂C/∂W[i, j] = Σ_n x[n, i] · ∂C/∂h[n, j] · h'(a[n, j])``, with
    ``x = input_matrix`` (N x n_in) and the other factors N x n_out.
    """
    current = _layer(network, layer)
    m = current.matrices
    i, j = _index(m["weights_matrix"], "weights_matrix", row, column)
    columns, names, formula = _gradient_factors(current, j)
    factors = np.column_stack([m["input_matrix"][:, i], *columns])
    stored = float(m["dC_dw_matrix"][i, j])
    products, total = _products(network, layer, "dC_dw_matrix", factors, stored)
    return GradientDerivation(
        title=f"Layer {layer}: ∂C/∂W[{i}, {j}] (weight from input {i} to neuron {j})",
        formula=f"∂C/∂W[{i},{j}] = Σ_n x[n,{i}] · {formula}",
        factor_names=(f"x[n,{i}]", *names),
        factors=factors, products=products, total=total,
        stored=stored, dC_dy_rule=_dC_dy_rule(network, layer, j))


def derive_bias_gradient(network, layer, column):
    """The derivation of ``dC_db_matrix[0, column]``: ``Σ_n ∂C/∂h[n, j] · h'(a[n, j])``."""
    current = _layer(network, layer)
    m = current.matrices
    _, j = _index(m["bias_matrix"], "bias_matrix", 0, column)
    columns, names, formula = _gradient_factors(current, j)
    factors = np.column_stack(columns)
    stored = float(m["dC_db_matrix"][0, j])
    products, total = _products(network, layer, "dC_db_matrix", factors, stored)
    return GradientDerivation(
        title=f"Layer {layer}: ∂C/∂b[{j}] (bias of neuron {j})",
        formula=f"∂C/∂b[{j}] = Σ_n {formula}",
        factor_names=names,
        factors=factors, products=products, total=total,
        stored=stored, dC_dy_rule=_dC_dy_rule(network, layer, j))


def finite_difference(network, layer, parameter, row, column, epsilon=FD_EPSILON):
    """Central difference ``(C(w + ε) − C(w − ε)) / 2ε`` for one weight or bias.

    ``parameter`` is ``"weights"`` or ``"bias"`` (row 0 for a bias). The cost
    is computed with ``Predict``, so no stored matrix changes, and the
    parameter gets back its exact original value. ``epsilon`` is a positive
    number (small: 1e-6). Raises NonFiniteError if a cost or the difference is
    not finite (weights too large for float64, or already inf or nan).
    """
    name = _PARAMETERS.get(parameter) if isinstance(parameter, str) else None
    if name is None:
        raise ConfigurationError(f"parameter must be 'weights' or 'bias', got {parameter!r}")
    epsilon = checks.positive_real(epsilon, "epsilon", "1e-6")
    matrix = _layer(network, layer).matrices[name]
    i, j = _index(matrix, name, row, column)
    original = matrix[i, j]
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # checked below
            matrix[i, j] = original + epsilon
            up = network_cost(network)
            matrix[i, j] = original - epsilon
            down = network_cost(network)
            difference = (up - down) / (2.0 * epsilon)
    finally:
        matrix[i, j] = original
    if not math.isfinite(difference):
        _refuse_non_finite(network, f"the finite difference of layer {layer}'s {name}[{i}, {j}]")
    return difference


def _refuse_non_finite(network, what):
    """Raise NonFiniteError for ``what``, which came out inf or nan."""
    for number, layer in enumerate(network.neural_layers, start=1):
        for name in ("weights_matrix", "bias_matrix"):
            if not np.isfinite(layer.matrices[name]).all():
                raise NonFiniteError(
                    f"{what} cannot be computed: layer {number}'s {name} holds inf or nan "
                    "since a step diverged; step back to a finite state first",
                    iteration=network.iteration + 1, layer=number, matrix=name)
    raise _overflow(what, network, None, "cost")


def finite_difference_floor(cost, epsilon):
    """The rounding error a central difference of a cost ``cost`` cannot get below:
    ``16 · 2⁻⁵² · max(|C|, 1) / ε``."""
    return 16 * np.finfo(float).eps * max(abs(cost), 1.0) / epsilon




def relative_difference(a, b):
    """``|a − b| / max(|a|, |b|)``, from 0 to 2: 0 for two equal numbers (two zeros too),
    inf when either is not finite. Both are scaled first, so 1e308 and −1e308 give 2."""
    if not (math.isfinite(a) and math.isfinite(b)):
        return math.inf
    scale = max(abs(a), abs(b))
    return 0.0 if scale == 0 else abs(a / scale - b / scale)


def finite_difference_report(numeric, stored, cost):
    """The finite difference ``numeric`` and the ``stored`` gradient, and a verdict.

    They agree when their relative difference is at most :data:`GRADIENT_RTOL`, or their
    difference at most the rounding error of a central difference of a cost ``cost``
    (:func:`finite_difference_floor`, as ``check_gradients``). The text the panel's
    inspector shows."""
    relative = relative_difference(numeric, stored)
    floor = finite_difference_floor(cost, FD_EPSILON)
    if relative <= GRADIENT_RTOL or relative * max(abs(numeric), abs(stored)) <= floor:
        verdict = (f"agrees to {relative:.1e} (relative difference; the tolerance is "
                   f"{GRADIENT_RTOL:.0e}, or a difference up to {floor:.1e}, the rounding error of a "
                   "finite difference)")
    elif math.isfinite(stored):
        verdict = (f"differs by {relative:.1e}: the weights changed since the last backward "
                   "pass (step to the end of the backward pass and check again)")
    else:
        verdict = ("differs: the stored gradient is not a finite number (the backward pass "
                   "that computed it overflowed: step back to before it)")
    return (f"finite difference (C(w+ε) − C(w−ε)) / 2ε = {numeric:.10g}\n"
            f"stored dC_dw (from the last backward pass) = {stored:.10g}\n{verdict}")


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
        return finite_difference_floor(self.cost, self.epsilon)

    def errors(self):
        """``(absolute, relative)`` error per entry, relative to the larger magnitude."""
        values = np.array([(e[4], e[5]) for e in self.entries])
        with np.errstate(over="ignore"):  # 1e308 − (−1e308): inf, a failure as it should be
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
        with np.errstate(over="ignore"):
            limit = self.rtol * np.abs(values).max(axis=1) + self.floor
        return [e for e, a, lim in zip(self.entries, absolute, limit) if a > lim]

    @property
    def passed(self):
        return not self.failures

    def __str__(self):
        failures = self.failures
        verdict = "all agree" if not failures else f"{len(failures)} disagree"
        return (f"{len(self.entries)} gradients checked against central differences "
                f"(ε = {checks.number_text(self.epsilon)}): {verdict}; largest relative error "
                f"{self.max_relative_error:.2e}")


def check_gradients(network, epsilon=FD_EPSILON, rtol=GRADIENT_RTOL):
    """Check every weight and bias gradient of the current parameters by finite differences.

    Backpropagation runs on the current parameters first (the network is put
    back exactly as it was afterwards), so the check also works mid-iteration.
    Returns a :class:`GradientCheck`.
    """
    check_network("check_gradients", network)
    rtol = checks.fraction(rtol, "rtol", "1e-6")
    epsilon = checks.positive_real(epsilon, "epsilon", "1e-6")
    snapshot = network.snapshot()
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # checked below
            Forward_Pass(network)
            cost = Back_Propagation(network)
        gradients = [(layer.dC_dw_matrix.copy(), layer.dC_db_matrix.copy())
                     for layer in network.neural_layers]
    finally:
        network.restore(snapshot)
    if not (math.isfinite(cost) and all(np.isfinite(dw).all() and np.isfinite(db).all()
                                        for dw, db in gradients)):
        _refuse_non_finite(network, "backpropagation")
    entries = []
    for number, (dw, db) in enumerate(gradients, start=1):
        for parameter, gradient in (("weights", dw), ("bias", db)):
            for (i, j), value in np.ndenumerate(gradient):
                entries.append((number, parameter, i, j, float(value),
                                finite_difference(network, number, parameter, i, j, epsilon)))
    return GradientCheck(tuple(entries), cost, epsilon, rtol)

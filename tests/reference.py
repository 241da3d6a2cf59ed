"""The tests' independent oracle and their shared helpers.

- Textbook formulas of every activation and its derivative, written from the
  formulas, not from ``flux_widgets.activations``, so the two can be compared.
- :func:`parity4`: the seed's 4-bit parity problem, built from its definition,
  not by ``load_dataset``.
- :func:`refused`: the one check that a call is refused with the kit's error.

Test modules import these as ``from reference import ...`` (``tests/`` has no
``__init__.py``; pytest puts ``tests/`` on ``sys.path``). ``conftest.py`` offers
the same as fixtures: ``parity_data`` and ``refused``.
"""

from collections import namedtuple

import numpy as np
import pytest

from flux_widgets import ActivationType, FluxError

Parity = namedtuple("Parity", "inputs targets")


def parity4():
    """The seed's 4-bit parity problem: every 4-bit number and whether it has an odd number of 1s.

    Returns ``(inputs, targets)``, fresh float64 arrays: ``inputs`` is 16 x 4, row
    ``i`` the bits of ``i`` with the most significant first (``0 0 0 0`` …
    ``1 1 1 1``); ``targets`` is 16 x 1, ``1`` where the row holds an odd number of 1s.
    """
    inputs = np.array([[(number >> bit) & 1 for bit in (3, 2, 1, 0)] for number in range(16)],
                      dtype=np.float64)
    targets = (inputs.sum(axis=1) % 2).reshape(-1, 1)
    return Parity(inputs, targets)


def refused(call, error, message):
    """Assert that ``call()`` is refused: it raises ``error``, one of the kit's errors
    (a :class:`~flux_widgets.FluxError`), whose message matches the regular expression
    ``message`` (``re.search``). Returns the exception, for further checks."""
    assert issubclass(error, FluxError), f"{error.__name__} is not one of the kit's errors"
    with pytest.raises(error, match=message) as caught:
        call()
    return caught.value


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
            ActivationType.SOFTMAX: lambda: _softmax_rows(a),
        }[kind]()


def _softmax_rows(a):
    """Softmax of each row (a 1-D array is one row), by the textbook formula e^a / Σ e^a on
    a shifted by its row's largest entry (the same probabilities, without overflow)."""
    rows = np.atleast_2d(a)
    e = np.exp(rows - rows.max(axis=-1, keepdims=True))
    return (e / e.sum(axis=-1, keepdims=True)).reshape(np.shape(a))


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
            ActivationType.SOFTMAX: lambda: _softmax_rows(a) * (1.0 - _softmax_rows(a)),
        }[kind]()

"""The kit's documented errors.

Every error the kit raises on purpose is a subclass of :class:`FluxError`, so a
caller (the panel, a lesson, a test) can catch exactly the kit's own errors and
show their message to the learner. Each one also derives from the built-in
exception a Python programmer would expect (``ValueError``, ``ArithmeticError``),
so ``except ValueError`` keeps working.
"""

import numpy as np


class FluxError(Exception):
    """Base class of every error the kit raises on purpose."""


class ShapeError(FluxError, ValueError):
    """Matrices whose shapes do not fit the operation.

    The message names the operation and every shape involved, e.g.
    ``Matrix_Multiply: a is 16x4 but b is 3x8; the columns of a (4) must equal
    the rows of b (3)``.
    """


class OperandTypeError(FluxError, TypeError, ValueError):
    """An operand of a matrix function that is not of the kind it computes with.

    A list where a numpy matrix is needed, a result that does not hold float64
    numbers, a scalar that is not a number a float64 holds, e.g.
    ``Matrix_Add: the result must hold float64 numbers, not int64``. A
    ``TypeError`` as numpy's own would be, and a ``ValueError`` as every
    refusal of the matrix library is.
    """


class ReadOnlyMatrixError(FluxError, ValueError):
    """An assignment to a layer's matrix that cannot be assigned.

    The network's data (``input_matrix`` of the first layer) is read-only, and a
    view (``broadcasted_bias_matrix``, the transposes) follows the matrix it
    reads, e.g. ``input_matrix is the network's data and cannot be changed; form
    a new network with other data instead``. A ``ValueError``, as numpy's own
    refusal to write a read-only array is.
    """


class DataError(FluxError, ValueError):
    """Data that cannot become a matrix: ragged, non-numeric, out of range, a bad CSV."""


class ConfigurationError(FluxError, ValueError):
    """A setting the kit cannot use: layer sizes, activation, learning rate, seed, iterations."""


class StorageError(FluxError, ValueError):
    """A saved network that is missing, truncated, tampered with, or of another format."""


class NonFiniteError(FluxError, ArithmeticError):
    """The cost or a matrix became ``inf`` or ``nan`` during training.

    Attributes
    ----------
    iteration : int
        The iteration (counted from 1) in which it happened.
    layer : int or None
        The layer (counted from 1) of the first non-finite matrix; ``None`` for the cost.
    matrix : str
        The name of the first matrix that went non-finite, or ``"cost"``.
    cost_values, iteration_points : numpy arrays
        The cost of each iteration completed before it, and their numbers (empty when
        nothing was completed); ``mse_values`` is the seed's name for ``cost_values``.
    """

    def __init__(self, message, *, iteration, layer, matrix, cost_values=(),
                 iteration_points=()):
        super().__init__(message)
        self.iteration = iteration
        self.layer = layer
        self.matrix = matrix
        self.cost_values = np.asarray(cost_values, dtype=np.float64)
        self.iteration_points = np.asarray(iteration_points, dtype=np.int64)

    @property
    def mse_values(self):
        """The seed's name for :attr:`cost_values`."""
        return self.cost_values

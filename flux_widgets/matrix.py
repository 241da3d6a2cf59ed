"""The matrix library: the seed's ``Matrix_*`` functions, in numpy.

A matrix is a 2-D ``float64`` numpy array; rows are samples. Every function
keeps the seed's argument order and in-place semantics: the *result* comes
first and is written in place, and the function also returns it. Passing
``None`` as the result allocates a new matrix (handy in a lesson cell).

A shape that does not fit raises :class:`~flux_widgets.errors.ShapeError`,
naming the operation and every shape involved; an operand of the wrong kind (a
list, a result that does not hold float64 numbers, a scalar that is not a
number) raises :class:`~flux_widgets.errors.OperandTypeError`.

Each function's body is its formula in numpy, which, like the seed, writes into
the matrix it is given: ``np.add(a, b, result)`` is ``result = a + b``. The
checks in front of it, and why they cost almost nothing, are in the section
*The fast path*.

The engine computes only through these functions, so a lesson can watch each
operation as it happens::

    with record_operations(network.matrix_names()) as ops:
        Forward_Pass(network)
    for op in ops:
        print(op)      # Matrix_Multiply(layer 1.weight_and_input_matrix [16x8] ← ...)
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from .checks import is_real_number, number_text, whole_number
from .errors import DataError, OperandTypeError, ShapeError

__all__ = [
    "Matrix_Multiply",
    "Matrix_Broadcast",
    "Matrix_Add",
    "Matrix_Subtract",
    "Matrix_Transpose",
    "Matrix_Hadamard_Product",
    "Matrix_Scalar_Multiply",
    "Matrix_Sum_Columns",
    "Matrix_Mean_Squared_Error",
    "Matrix_Data_Preprocessor",
    "Operation",
    "OperationRecorder",
    "record_operations",
    "record_operation",
]


# --------------------------------------------------------------------------
# Recording: which function ran on which named matrices.
# --------------------------------------------------------------------------

def _shape_text(shape):
    return "x".join(str(n) for n in shape)


def _matrix_key(matrix):
    """A key that identifies a matrix by its memory, so two views of the same cells match."""
    interface = matrix.__array_interface__
    return (interface["data"][0], matrix.shape, matrix.strides)


@dataclass(frozen=True)
class Operation:
    """One call of a matrix function: ``function(result ← operands)``.

    ``names`` holds the result's name first, then the operands' names;
    ``shapes`` their shapes in the same order. A matrix the recorder has no
    name for is called ``"matrix"``; a scalar operand is shown as its value.
    """

    function: str
    names: tuple
    shapes: tuple

    @property
    def result(self):
        return self.names[0]

    @property
    def operands(self):
        return self.names[1:]

    def __str__(self):
        def show(name, shape):
            return name if shape is None else f"{name} [{_shape_text(shape)}]"

        parts = [show(n, s) for n, s in zip(self.names, self.shapes)]
        return f"{self.function}({parts[0]} ← {', '.join(parts[1:])})"


class OperationRecorder:
    """Collects the :class:`Operation` s run while it is active (a context manager).

    Parameters
    ----------
    names : mapping, optional
        ``{_matrix_key(matrix): name}``, e.g. ``network.matrix_names()``; lets
        the recorder say ``layer 2.dC_da_matrix`` instead of ``matrix``.
    """

    def __init__(self, names=None):
        self.names = dict(names or {})
        self.operations = []

    def __enter__(self):
        _RECORDERS.append(self)
        return self.operations

    def __exit__(self, *exc_info):
        _RECORDERS.remove(self)
        return False

    def name_of(self, operand):
        if isinstance(operand, np.ndarray):
            return self.names.get(_matrix_key(operand), "matrix"), operand.shape
        return f"{operand:.6g}", None


_RECORDERS = []
_FLOAT64 = np.dtype(np.float64)


def record_operations(names=None):
    """Record the matrix operations run inside a ``with`` block; see :class:`OperationRecorder`."""
    return OperationRecorder(names)


def record_operation(function, result, *operands):
    """Tell the active recorders that ``function`` wrote ``result`` from ``operands``.

    The matrix functions call this themselves; code that computes element-wise
    (the activations) calls it too, so a recording shows every computation.
    """
    for recorder in _RECORDERS:
        named = [recorder.name_of(m) for m in (result, *operands)]
        recorder.operations.append(
            Operation(function, tuple(n for n, _ in named), tuple(s for _, s in named)))


# --------------------------------------------------------------------------
# Checks: what the functions refuse, with messages that name what is wrong.
# --------------------------------------------------------------------------

def _require_matrix(operation, role, matrix):
    if not isinstance(matrix, np.ndarray):
        raise OperandTypeError(
            f"{operation}: {role} must be a 2-D matrix, got {type(matrix).__name__}")
    if matrix.ndim != 2:
        raise ShapeError(f"{operation}: {role} must be a 2-D matrix, got a {matrix.ndim}-D array")


def _result(operation, result, shape):
    """Return ``result`` if it is a writable float64 matrix of ``shape``; allocate it if ``None``."""
    if result is None:
        return np.empty(shape)
    _require_matrix(operation, "result", result)
    if result.shape != shape:
        raise ShapeError(
            f"{operation}: the result is {_shape_text(result.shape)} but must be {_shape_text(shape)}")
    if result.dtype != np.float64:
        raise OperandTypeError(
            f"{operation}: the result must hold float64 numbers, not {result.dtype}")
    return result


def _same_shape(operation, result, a, b):
    """The result of an element-wise ``a ∘ b``: all three of one shape."""
    _require_matrix(operation, "a", a)
    _require_matrix(operation, "b", b)
    if a.shape != b.shape:
        raise ShapeError(
            f"{operation}: a is {_shape_text(a.shape)} but b is {_shape_text(b.shape)}; "
            "they must have the same shape")
    return _result(operation, result, a.shape)


def _product(operation, result, a, b):
    """The result of ``a · b``: the columns of a equal the rows of b."""
    _require_matrix(operation, "a", a)
    _require_matrix(operation, "b", b)
    if a.shape[1] != b.shape[0]:
        raise ShapeError(
            f"{operation}: a is {_shape_text(a.shape)} but b is {_shape_text(b.shape)}; "
            f"the columns of a ({a.shape[1]}) must equal the rows of b ({b.shape[0]})")
    return _result(operation, result, (a.shape[0], b.shape[1]))


# --------------------------------------------------------------------------
# The fast path: the checks cost little when everything fits.
# --------------------------------------------------------------------------
#
# Why: on the seed's parity network a matrix is 16x8 at most; numpy adds two
# of them in about 0.25 µs, and the full checks above take about 0.45 µs, so
# checking fully would cost more than computing. A network's own matrices
# always fit, so each function first asks only cheap questions (a few
# attribute reads, about 0.15 µs) and runs the full checks when an answer is
# no, or when numpy refuses what the cheap questions let through, to say
# exactly what is wrong. Either way nothing is written before a call is known
# to fit. _checked does this for the four functions of the form
# ``result = a ∘ b``; the three _…_result helpers below it for the others.

def _checked(check, *, element_wise=False):
    """Put the checks ``check(operation, result, a, b)`` in front of a formula ``result = a ∘ b``.

    The decorated function is the seed's ``Matrix_*(result, a, b)``: the formula
    runs at once if ``a``, ``b`` and ``result`` are 2-D numpy arrays, the result
    holds float64 numbers and, for an ``element_wise`` formula, all three have
    one size (equal sizes leave numpy no room to broadcast); numpy then refuses
    any other mismatch itself, and ``check`` names it. Otherwise ``check`` runs
    first and raises, or returns the result (allocated if it was ``None``). The
    call is then recorded (see :func:`record_operations`) and returns the result.

    What it costs: the formula in a function of its own is one more Python
    call per operation (about 0.05 µs).
    """

    def decorate(formula):
        operation = formula.__name__

        @functools.wraps(formula)
        def function(result, a, b):
            try:
                fits = (a.ndim == b.ndim == result.ndim == 2 and result.dtype is _FLOAT64
                        and (result.size == a.size == b.size or not element_wise))
            except AttributeError:  # not numpy arrays, or result None
                fits = False
            if not fits:
                result = check(operation, result, a, b)
            try:
                formula(result, a, b)
            except ValueError:
                check(operation, result, a, b)
                raise
            if _RECORDERS:
                record_operation(operation, result, a, b)
            return result

        return function

    return decorate


def _column_sums_result(result, m):
    """The result of ``Matrix_Sum_Columns``, checked; cheaply if it fits (see above)."""
    try:
        if m.ndim == 2 and result.shape == (1, m.shape[1]) and result.dtype is _FLOAT64:
            return result
    except AttributeError:
        pass
    _require_matrix("Matrix_Sum_Columns", "m", m)
    return _result("Matrix_Sum_Columns", result, (1, m.shape[1]))


def _scaled_result(matrix, scalar, result):
    """The result of ``Matrix_Scalar_Multiply``, checked; cheaply if it fits (see above)."""
    try:
        if (type(scalar) is float and matrix.ndim == 2 and result.shape == matrix.shape
                and result.dtype is _FLOAT64):
            return result
    except AttributeError:
        pass
    _require_matrix("Matrix_Scalar_Multiply", "matrix", matrix)
    if not is_real_number(scalar):
        raise OperandTypeError(f"Matrix_Scalar_Multiply: the scalar must be a number a float64 "
                               f"holds, got {number_text(scalar)}")
    return _result("Matrix_Scalar_Multiply", result, matrix.shape)


def _error_result(output, target, error):
    """The ``error`` of ``Matrix_Mean_Squared_Error``, checked; cheaply if it fits (see above)."""
    try:
        if output.ndim == 2 and output.shape == target.shape == error.shape \
                and error.dtype is _FLOAT64:
            return error
    except AttributeError:
        pass
    return _same_shape("Matrix_Mean_Squared_Error", error, output, target)


# --------------------------------------------------------------------------
# The seed's functions.
# --------------------------------------------------------------------------

@_checked(_product)
def Matrix_Multiply(result, a, b):
    """Matrix product: ``result = a · b``.

    Shapes: ``a`` is n x k, ``b`` is k x m, ``result`` is n x m, with
    ``result[i, j] = Σ_k a[i, k] · b[k, j]``.
    """
    np.matmul(a, b, result)


def Matrix_Broadcast(result, small, rows, columns):
    """Repeat a small matrix to fill a ``rows x columns`` one.

    Shapes: ``small`` is 1 x columns (a row, like a bias: copied to every
    row), rows x 1 (a column: copied to every column) or 1 x 1; ``result`` is
    rows x columns, with ``result[n, j] = small[0, j]`` for a row.

    numpy can do the same without copying: ``np.broadcast_to(small, (rows,
    columns))`` is a view that reads the one row again for every row. The
    engine keeps its ``broadcasted_bias_matrix`` that way.
    """
    _require_matrix("Matrix_Broadcast", "small", small)
    if not (small.shape[0] in (1, rows) and small.shape[1] in (1, columns)):
        raise ShapeError(
            f"Matrix_Broadcast: cannot repeat a {_shape_text(small.shape)} matrix into "
            f"{rows}x{columns}; it must be 1x{columns}, {rows}x1 or 1x1")
    result = _result("Matrix_Broadcast", result, (rows, columns))
    np.copyto(result, small)
    if _RECORDERS:
        record_operation("Matrix_Broadcast", result, small)
    return result


# Element by element, with no broadcasting: to add a bias row to every sample,
# broadcast it first (Matrix_Broadcast).

@_checked(_same_shape, element_wise=True)
def Matrix_Add(result, a, b):
    """Sum: ``result = a + b``, element by element; ``result``, ``a``, ``b`` of one shape."""
    np.add(a, b, result)


@_checked(_same_shape, element_wise=True)
def Matrix_Subtract(result, a, b):
    """Difference: ``result = a − b``, element by element; ``result``, ``a``, ``b`` of one shape."""
    np.subtract(a, b, result)


@_checked(_same_shape, element_wise=True)
def Matrix_Hadamard_Product(result, a, b):
    """Hadamard product: ``result = a ⊙ b``, ``result[i, j] = a[i, j] · b[i, j]``; one shape."""
    np.multiply(a, b, result)


def Matrix_Transpose(result, m):
    """Transpose: ``result = mᵀ``, ``result[j, i] = m[i, j]``; ``m`` is n x k, ``result`` k x n.

    numpy can do the same without copying: ``m.T`` is a view that reads the
    same cells in the other order. The engine keeps its transposed matrices
    that way.
    """
    _require_matrix("Matrix_Transpose", "m", m)
    result = _result("Matrix_Transpose", result, (m.shape[1], m.shape[0]))
    np.copyto(result, m.T)
    if _RECORDERS:
        record_operation("Matrix_Transpose", result, m)
    return result


def Matrix_Scalar_Multiply(matrix, scalar, result=None):
    """Scale by a number: ``matrix = scalar · matrix``, in place, as in the seed.

    With ``result`` given, ``result = scalar · matrix`` is written there instead
    and ``matrix`` is left as it is (the engine uses this to scale a gradient
    without overwriting it). Shapes: ``result`` has the shape of ``matrix``.
    """
    result = _scaled_result(matrix, scalar, matrix if result is None else result)
    np.multiply(matrix, scalar, result)
    if _RECORDERS:
        record_operation("Matrix_Scalar_Multiply", result, matrix, float(scalar))
    return result


def Matrix_Sum_Columns(result, m):
    """Column sums: ``result[0, j] = Σ_n m[n, j]``; ``m`` is n x k, ``result`` is 1 x k.

    Summing over the rows (the samples) is how a bias gradient collects the
    contributions of every sample.
    """
    result = _column_sums_result(result, m)
    np.add.reduce(m, axis=0, out=result, keepdims=True)
    if _RECORDERS:
        record_operation("Matrix_Sum_Columns", result, m)
    return result


def Matrix_Mean_Squared_Error(output, target, error=None):
    """The cost: ``C = (1/N) · Σ_n Σ_j (output[n, j] − target[n, j])²`` (a float).

    Shapes: ``output`` and ``target`` are N x k. The sum runs over samples and
    outputs and is divided by the number of samples N only, so that
    ``∂C/∂output = (2/N) · (output − target)`` exactly. If ``error`` (N x k)
    is given, ``output − target`` is left in it.
    """
    error = _error_result(output, target, error)
    np.subtract(output, target, error)
    cost = float(np.vdot(error, error)) / output.shape[0]
    if _RECORDERS:
        record_operation("Matrix_Subtract", error, output, target)
        record_operation("Matrix_Mean_Squared_Error", cost, error)
    return cost


def Matrix_Data_Preprocessor(rows, columns, start_column, start_row, data):
    """Cut a ``rows x columns`` float64 matrix out of raw data.

    ``data`` is a sequence of rows (lists or tuples of numbers or numeric
    strings) or a 2-D array. The result is
    ``data[start_row : start_row + rows, start_column : start_column + columns]``;
    the seed's ``Matrix_Data_Preprocessor(16, 4, 0, 0, rows)`` takes the first
    four columns of 16 rows, ``(16, 1, 4, 0, rows)`` the fifth column.

    Raises :class:`~flux_widgets.errors.DataError` naming the row and column of
    a ragged row, a value that is not a finite number, or a window that falls
    outside the data; :class:`~flux_widgets.errors.ConfigurationError` if
    ``rows`` or ``columns`` is not a whole number ≥ 1 or a start not one ≥ 0.
    """
    rows, columns, start_column, start_row = (
        whole_number(value, f"Matrix_Data_Preprocessor: {label}", least)
        for label, value, least in (("rows", rows, 1), ("columns", columns, 1),
                                    ("start_column", start_column, 0),
                                    ("start_row", start_row, 0)))
    if isinstance(data, np.ndarray):
        if data.ndim != 2:
            raise DataError(f"Matrix_Data_Preprocessor: data must be 2-D (rows of values), "
                            f"got a {data.ndim}-D array")
        table = [list(r) for r in data]
    else:
        try:
            table = [list(r) for r in data]
        except TypeError:
            raise DataError("Matrix_Data_Preprocessor: data must be a sequence of rows, "
                            "each a sequence of numbers") from None
    if start_row + rows > len(table):
        raise DataError(
            f"Matrix_Data_Preprocessor: rows {start_row}..{start_row + rows - 1} were asked for "
            f"but the data has {len(table)} rows (0..{len(table) - 1})")
    width = len(table[0]) if table else 0
    result = np.empty((rows, columns))
    for r in range(start_row, start_row + rows):
        row = table[r]
        if len(row) != width:
            raise DataError(f"Matrix_Data_Preprocessor: row {r} has {len(row)} values but row 0 "
                            f"has {width}; every row must have the same length")
        if start_column + columns > width:
            raise DataError(
                f"Matrix_Data_Preprocessor: columns {start_column}..{start_column + columns - 1} "
                f"were asked for but row {r} has {width} values (0..{width - 1})")
        for c in range(start_column, start_column + columns):
            result[r - start_row, c - start_column] = _number(row[c], r, c)
    return result


def _number(value, row, column):
    where = f"Matrix_Data_Preprocessor: row {row}, column {column}"
    if isinstance(value, (bool, np.bool_)):
        raise DataError(f"{where}: {value!r} is not a number")
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError, OverflowError):
        raise DataError(f"{where}: {value!r} is not a number") from None
    if not math.isfinite(number):
        raise DataError(f"{where}: {value!r} is not a finite number")
    return number

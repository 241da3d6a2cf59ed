"""The matrix library: the seed's ``Matrix_*`` functions, in numpy.

A matrix is a 2-D ``float64`` numpy array; rows are samples. Every function
keeps the seed's argument order and in-place semantics: the *result* comes
first and is written in place, and the function also returns it. Passing
``None`` as the result allocates a new matrix (handy in a lesson cell).

A shape that does not fit raises :class:`~flux_widgets.errors.ShapeError`,
naming the operation and every shape involved.

The engine computes only through these functions, so a lesson can watch each
operation as it happens::

    with record_operations(network.matrix_names()) as ops:
        Forward_Pass(network)
    for op in ops:
        print(op)      # Matrix_Multiply(layer 1.weight_and_input_matrix [16x8] ← ...)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .checks import is_real_number, number_text, whole_number
from .errors import DataError, ShapeError

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
# Shape checks.
# --------------------------------------------------------------------------

def _require_matrix(operation, role, matrix):
    if not isinstance(matrix, np.ndarray) or matrix.ndim != 2:
        kind = f"a {matrix.ndim}-D array" if isinstance(matrix, np.ndarray) else type(matrix).__name__
        raise ShapeError(f"{operation}: {role} must be a 2-D matrix, got {kind}")


def _result(operation, result, shape):
    """Return ``result`` if it is a writable float64 matrix of ``shape``; allocate it if ``None``."""
    if result is None:
        return np.empty(shape)
    _require_matrix(operation, "result", result)
    if result.shape != shape:
        raise ShapeError(
            f"{operation}: the result is {_shape_text(result.shape)} but must be {_shape_text(shape)}")
    if result.dtype != np.float64:
        raise ShapeError(f"{operation}: the result must hold float64 numbers, not {result.dtype}")
    return result


def _same_shape(operation, result, a, b):
    _require_matrix(operation, "a", a)
    _require_matrix(operation, "b", b)
    if a.shape != b.shape:
        raise ShapeError(
            f"{operation}: a is {_shape_text(a.shape)} but b is {_shape_text(b.shape)}; "
            "they must have the same shape")
    return _result(operation, result, a.shape)


# --------------------------------------------------------------------------
# The seed's functions.
# --------------------------------------------------------------------------

def _product_result(result, a, b):
    """Check ``a · b`` fully; return ``result`` (allocated if ``None``) or raise ShapeError."""
    _require_matrix("Matrix_Multiply", "a", a)
    _require_matrix("Matrix_Multiply", "b", b)
    if a.shape[1] != b.shape[0]:
        raise ShapeError(
            f"Matrix_Multiply: a is {_shape_text(a.shape)} but b is {_shape_text(b.shape)}; "
            f"the columns of a ({a.shape[1]}) must equal the rows of b ({b.shape[0]})")
    return _result("Matrix_Multiply", result, (a.shape[0], b.shape[1]))


def Matrix_Multiply(result, a, b):
    """Matrix product: ``result = a · b``.

    Shapes: ``a`` is n x k, ``b`` is k x m, ``result`` is n x m, with
    ``result[i, j] = Σ_k a[i, k] · b[k, j]``.
    """
    try:
        fits = a.ndim == b.ndim == result.ndim == 2 and result.dtype is _FLOAT64
    except AttributeError:
        fits = False
    if not fits:
        result = _product_result(result, a, b)
    try:
        # For 2-D operands numpy checks the remaining shapes itself; what it
        # refuses is checked again to say exactly what is wrong.
        np.matmul(a, b, out=result)
    except ValueError:
        _product_result(result, a, b)
        raise
    if _RECORDERS:
        record_operation("Matrix_Multiply", result, a, b)
    return result


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
    fits = small.shape[0] in (1, rows) and small.shape[1] in (1, columns)
    if not fits:
        raise ShapeError(
            f"Matrix_Broadcast: cannot repeat a {_shape_text(small.shape)} matrix into "
            f"{rows}x{columns}; it must be 1x{columns}, {rows}x1 or 1x1")
    result = _result("Matrix_Broadcast", result, (rows, columns))
    np.copyto(result, small)
    if _RECORDERS:
        record_operation("Matrix_Broadcast", result, small)
    return result


def _element_wise(operation, ufunc, formula):
    """Make the matrix function ``result = ufunc(a, b)`` for three matrices of one shape."""

    def function(result, a, b):
        # Fast check: equal sizes and 2-D. numpy then refuses any remaining
        # mismatch (equal sizes leave it no room to broadcast), and the slow
        # path names what is wrong.
        try:
            fits = (result.size == a.size == b.size and a.ndim == b.ndim == 2
                    and result.dtype is _FLOAT64)
        except AttributeError:
            fits = False
        if not fits:
            result = _same_shape(operation, result, a, b)
        try:
            ufunc(a, b, out=result)
        except ValueError:
            _same_shape(operation, result, a, b)
            raise
        if _RECORDERS:
            record_operation(operation, result, a, b)
        return result

    function.__name__ = function.__qualname__ = operation
    function.__doc__ = f"""{formula}, element by element; ``result``, ``a`` and ``b`` have one shape.

    No broadcasting: to add a bias row to every sample, broadcast it first
    (``Matrix_Broadcast``).
    """
    return function


Matrix_Add = _element_wise("Matrix_Add", np.add, "Sum: ``result = a + b``")
Matrix_Subtract = _element_wise("Matrix_Subtract", np.subtract, "Difference: ``result = a − b``")
Matrix_Hadamard_Product = _element_wise(
    "Matrix_Hadamard_Product", np.multiply,
    "Hadamard product: ``result = a ⊙ b``, ``result[i, j] = a[i, j] · b[i, j]``")


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
    if result is None:
        result = matrix
    try:
        fits = (type(scalar) is float and result.size == matrix.size and matrix.ndim == 2
                and result.ndim == 2 and result.dtype is _FLOAT64)
    except AttributeError:
        fits = False
    if not fits:
        _require_matrix("Matrix_Scalar_Multiply", "matrix", matrix)
        if not is_real_number(scalar):
            raise ShapeError(f"Matrix_Scalar_Multiply: the scalar must be a number a float64 "
                             f"holds, got {number_text(scalar)}")
        _result("Matrix_Scalar_Multiply", result, matrix.shape)
    try:
        np.multiply(matrix, scalar, out=result)  # numpy refuses an equal-size other shape
    except ValueError:
        _result("Matrix_Scalar_Multiply", result, matrix.shape)
        raise
    if _RECORDERS:
        record_operation("Matrix_Scalar_Multiply", result, matrix, float(scalar))
    return result


def Matrix_Sum_Columns(result, m):
    """Column sums: ``result[0, j] = Σ_n m[n, j]``; ``m`` is n x k, ``result`` is 1 x k.

    Summing over the rows (the samples) is how a bias gradient collects the
    contributions of every sample.
    """
    try:
        fits = result.ndim == m.ndim == 2 and result.dtype is _FLOAT64
    except AttributeError:
        fits = False
    if not fits:
        _require_matrix("Matrix_Sum_Columns", "m", m)
        result = _result("Matrix_Sum_Columns", result, (1, m.shape[1]))
    try:
        np.add.reduce(m, axis=0, out=result, keepdims=True)  # numpy checks the shape
    except ValueError:
        _result("Matrix_Sum_Columns", result, (1, m.shape[1]))
        raise
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
    try:
        fits = (output.shape == target.shape and output.ndim == 2
                and (error is None or error.shape == output.shape and error.dtype == _FLOAT64))
    except AttributeError:
        fits = False
    if not fits:
        error = _same_shape("Matrix_Mean_Squared_Error", error, output, target)
    elif error is None:
        error = np.empty(output.shape)
    np.subtract(output, target, out=error)
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

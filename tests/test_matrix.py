"""The matrix library (``flux_widgets.matrix``) against plain numpy.

Oracle: numpy itself. Where a ``Matrix_*`` function is the same numpy
operation (``add``, ``subtract``, ``multiply``, ``matmul``, a copy, the column
sum) the result must be bit-for-bit equal; the cost is compared at a relative
tolerance of 1e-12.

Every function writes its result IN PLACE into the result object it is given
(and returns that very object); ``None`` allocates a new float64 2-D matrix.
A shape or dimension that does not fit raises ``ShapeError`` (a ``ValueError``)
naming the function and the shapes; a list instead of a numpy matrix, a result of
another dtype or a scalar that is not a number raises ``OperandTypeError`` (a
``TypeError`` and a ``ValueError``); never a raw numpy error.
"""

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from flux_widgets.errors import (ConfigurationError, DataError, FluxError, OperandTypeError,
                                 ShapeError)
from flux_widgets.matrix import (Matrix_Add, Matrix_Broadcast, Matrix_Data_Preprocessor,
                                 Matrix_Hadamard_Product, Matrix_Mean_Squared_Error,
                                 Matrix_Multiply, Matrix_Scalar_Multiply, Matrix_Subtract,
                                 Matrix_Sum_Columns, Matrix_Transpose, Operation,
                                 _matrix_key, record_operations)
from reference import parity4

PROPERTY = settings(max_examples=100, deadline=None)

DIMENSIONS = st.integers(min_value=1, max_value=12)
ELEMENTS = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False, allow_infinity=False)
SCALARS = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False, allow_infinity=False)


def matrices(rows, columns):
    return arrays(np.float64, (rows, columns), elements=ELEMENTS)


def garbage(shape):
    """A result matrix filled with nan, so a cell the function forgets to write shows up."""
    return np.full(shape, np.nan)


def assert_new_matrix(out, shape):
    assert isinstance(out, np.ndarray)
    assert out.dtype == np.float64
    assert out.ndim == 2
    assert out.shape == shape


@st.composite
def same_shape_pairs(draw):
    rows, columns = draw(DIMENSIONS), draw(DIMENSIONS)
    return draw(matrices(rows, columns)), draw(matrices(rows, columns))


@st.composite
def product_pairs(draw):
    n, k, m = draw(DIMENSIONS), draw(DIMENSIONS), draw(DIMENSIONS)
    return draw(matrices(n, k)), draw(matrices(k, m))


@st.composite
def single_matrices(draw):
    return draw(matrices(draw(DIMENSIONS), draw(DIMENSIONS)))


@st.composite
def broadcast_cases(draw):
    """(small, rows, columns): a 1 x columns row, a rows x 1 column or a 1 x 1 matrix."""
    rows, columns = draw(DIMENSIONS), draw(DIMENSIONS)
    small_shape = draw(st.sampled_from([(1, columns), (rows, 1), (1, 1)]))
    return draw(matrices(*small_shape)), rows, columns


ELEMENT_WISE = [
    pytest.param(Matrix_Add, np.add, id="Matrix_Add"),
    pytest.param(Matrix_Subtract, np.subtract, id="Matrix_Subtract"),
    pytest.param(Matrix_Hadamard_Product, np.multiply, id="Matrix_Hadamard_Product"),
]


# --------------------------------------------------------------------------
# Values against numpy; in place into the result; None allocates.
# --------------------------------------------------------------------------

@PROPERTY
@given(product_pairs())
def test_multiply_writes_a_times_b_in_place(pair):
    a, b = pair
    result = garbage((a.shape[0], b.shape[1]))
    out = Matrix_Multiply(result, a, b)
    assert out is result
    assert np.array_equal(result, a @ b)


@PROPERTY
@given(product_pairs())
def test_multiply_with_none_allocates_a_new_matrix(pair):
    a, b = pair
    out = Matrix_Multiply(None, a, b)
    assert_new_matrix(out, (a.shape[0], b.shape[1]))
    assert np.array_equal(out, a @ b)


@PROPERTY
@given(broadcast_cases())
def test_broadcast_repeats_a_row_column_or_scalar_in_place(case):
    small, rows, columns = case
    before = small.copy()
    result = garbage((rows, columns))
    out = Matrix_Broadcast(result, small, rows, columns)
    assert out is result
    assert np.array_equal(result, np.broadcast_to(small, (rows, columns)))
    assert np.array_equal(small, before)


@PROPERTY
@given(broadcast_cases())
def test_broadcast_with_none_allocates_a_new_matrix(case):
    small, rows, columns = case
    out = Matrix_Broadcast(None, small, rows, columns)
    assert_new_matrix(out, (rows, columns))
    assert not np.shares_memory(out, small)
    assert np.array_equal(out, np.broadcast_to(small, (rows, columns)))


@pytest.mark.parametrize("function, ufunc", ELEMENT_WISE)
@PROPERTY
@given(pair=same_shape_pairs())
def test_element_wise_writes_numpy_ufunc_in_place(function, ufunc, pair):
    a, b = pair
    a_before, b_before = a.copy(), b.copy()
    result = garbage(a.shape)
    out = function(result, a, b)
    assert out is result
    assert np.array_equal(result, ufunc(a, b))
    assert np.array_equal(a, a_before) and np.array_equal(b, b_before)


@pytest.mark.parametrize("function, ufunc", ELEMENT_WISE)
@PROPERTY
@given(pair=same_shape_pairs())
def test_element_wise_with_none_allocates_a_new_matrix(function, ufunc, pair):
    a, b = pair
    out = function(None, a, b)
    assert_new_matrix(out, a.shape)
    assert out is not a and out is not b
    assert np.array_equal(out, ufunc(a, b))


@PROPERTY
@given(single_matrices())
def test_transpose_writes_m_transposed_in_place(m):
    result = garbage((m.shape[1], m.shape[0]))
    out = Matrix_Transpose(result, m)
    assert out is result
    assert np.array_equal(result, m.T)


@PROPERTY
@given(single_matrices())
def test_transpose_with_none_allocates_a_new_matrix(m):
    out = Matrix_Transpose(None, m)
    assert_new_matrix(out, (m.shape[1], m.shape[0]))
    assert not np.shares_memory(out, m)
    assert np.array_equal(out, m.T)


@PROPERTY
@given(single_matrices(), SCALARS)
def test_scalar_multiply_scales_the_matrix_in_place(m, scalar):
    expected = m * scalar
    out = Matrix_Scalar_Multiply(m, scalar)
    assert out is m
    assert np.array_equal(m, expected)


@PROPERTY
@given(single_matrices(), SCALARS)
def test_scalar_multiply_into_result_leaves_the_matrix_unchanged(m, scalar):
    before = m.copy()
    result = garbage(m.shape)
    out = Matrix_Scalar_Multiply(m, scalar, result=result)
    assert out is result
    assert np.array_equal(result, before * scalar)
    assert np.array_equal(m, before)


@PROPERTY
@given(single_matrices(), st.integers(min_value=-1000, max_value=1000))
def test_scalar_multiply_accepts_an_int_scalar(m, scalar):
    expected = m * scalar
    assert Matrix_Scalar_Multiply(m, scalar) is m
    assert np.array_equal(m, expected)


@PROPERTY
@given(single_matrices())
def test_sum_columns_writes_column_sums_in_place(m):
    result = garbage((1, m.shape[1]))
    out = Matrix_Sum_Columns(result, m)
    assert out is result
    assert np.array_equal(result, np.sum(m, axis=0, keepdims=True))


@PROPERTY
@given(single_matrices())
def test_sum_columns_with_none_allocates_a_new_matrix(m):
    out = Matrix_Sum_Columns(None, m)
    assert_new_matrix(out, (1, m.shape[1]))
    assert np.array_equal(out, np.sum(m, axis=0, keepdims=True))


@PROPERTY
@given(same_shape_pairs())
def test_mean_squared_error_is_sum_of_squares_over_samples(pair):
    output, target = pair
    expected = float(np.sum((output - target) ** 2)) / output.shape[0]
    cost = Matrix_Mean_Squared_Error(output, target)
    assert isinstance(cost, float)
    assert math.isclose(cost, expected, rel_tol=1e-12, abs_tol=0.0)


@PROPERTY
@given(same_shape_pairs())
def test_mean_squared_error_leaves_output_minus_target_in_error(pair):
    output, target = pair
    error = garbage(output.shape)
    cost = Matrix_Mean_Squared_Error(output, target, error)
    assert np.array_equal(error, output - target)
    expected = float(np.sum((output - target) ** 2)) / output.shape[0]
    assert math.isclose(cost, expected, rel_tol=1e-12, abs_tol=0.0)


def test_mean_squared_error_of_equal_matrices_is_zero():
    y = np.arange(6.0).reshape(3, 2)
    assert Matrix_Mean_Squared_Error(y, y.copy()) == 0.0


def test_mean_squared_error_divides_by_samples_only():
    output = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    target = np.zeros((2, 3))
    assert Matrix_Mean_Squared_Error(output, target) == pytest.approx(14.0 / 2, rel=1e-15)


# --------------------------------------------------------------------------
# Errors: ShapeError (a ValueError) naming the function and the shapes.
# --------------------------------------------------------------------------

# (function name, call with mismatched operands, the two shapes the message must name)
MISMATCHED_OPERANDS = [
    ("Matrix_Multiply",
     lambda: Matrix_Multiply(None, np.ones((16, 4)), np.ones((3, 8))), ("16x4", "3x8")),
    ("Matrix_Multiply",  # with a result of the shape a · b would have if it fitted
     lambda: Matrix_Multiply(np.empty((16, 8)), np.ones((16, 4)), np.ones((3, 8))),
     ("16x4", "3x8")),
    ("Matrix_Broadcast",
     lambda: Matrix_Broadcast(None, np.ones((3, 8)), 16, 4), ("3x8", "16x4")),
    ("Matrix_Add", lambda: Matrix_Add(None, np.ones((16, 4)), np.ones((3, 8))), ("16x4", "3x8")),
    ("Matrix_Subtract",
     lambda: Matrix_Subtract(None, np.ones((16, 4)), np.ones((3, 8))), ("16x4", "3x8")),
    ("Matrix_Hadamard_Product",
     lambda: Matrix_Hadamard_Product(None, np.ones((16, 4)), np.ones((3, 8))), ("16x4", "3x8")),
    ("Matrix_Mean_Squared_Error",
     lambda: Matrix_Mean_Squared_Error(np.ones((16, 4)), np.ones((3, 8))), ("16x4", "3x8")),
]


@pytest.mark.parametrize("name, call, shapes", MISMATCHED_OPERANDS,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(MISMATCHED_OPERANDS)])
def test_mismatched_operands_raise_shape_error_naming_function_and_shapes(name, call, shapes):
    with pytest.raises(ShapeError) as caught:
        call()
    message = str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, FluxError)
    assert name in message
    for shape in shapes:
        assert re.search(rf"\b{shape}\b", message), (shape, message)


# (function name, call with a result of the wrong shape, result shape, required shape)
WRONG_RESULT_SHAPE = [
    ("Matrix_Multiply",
     lambda: Matrix_Multiply(np.empty((3, 3)), np.ones((2, 5)), np.ones((5, 4))), "3x3", "2x4"),
    ("Matrix_Broadcast",
     lambda: Matrix_Broadcast(np.empty((3, 3)), np.ones((1, 4)), 2, 4), "3x3", "2x4"),
    ("Matrix_Add",
     lambda: Matrix_Add(np.empty((3, 3)), np.ones((2, 4)), np.ones((2, 4))), "3x3", "2x4"),
    ("Matrix_Subtract",
     lambda: Matrix_Subtract(np.empty((3, 3)), np.ones((2, 4)), np.ones((2, 4))), "3x3", "2x4"),
    ("Matrix_Hadamard_Product",
     lambda: Matrix_Hadamard_Product(np.empty((3, 3)), np.ones((2, 4)), np.ones((2, 4))),
     "3x3", "2x4"),
    ("Matrix_Transpose", lambda: Matrix_Transpose(np.empty((2, 4)), np.ones((2, 4))),
     "2x4", "4x2"),
    ("Matrix_Scalar_Multiply",
     lambda: Matrix_Scalar_Multiply(np.ones((2, 4)), 2.0, result=np.empty((4, 2))),
     "4x2", "2x4"),
    ("Matrix_Sum_Columns", lambda: Matrix_Sum_Columns(np.empty((1, 3)), np.ones((2, 4))),
     "1x3", "1x4"),
    ("Matrix_Sum_Columns", lambda: Matrix_Sum_Columns(np.empty((2, 4)), np.ones((2, 4))),
     "2x4", "1x4"),
    ("Matrix_Mean_Squared_Error",
     lambda: Matrix_Mean_Squared_Error(np.ones((2, 4)), np.ones((2, 4)), np.empty((3, 3))),
     "3x3", "2x4"),
]


@pytest.mark.parametrize("name, call, got, required", WRONG_RESULT_SHAPE,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(WRONG_RESULT_SHAPE)])
def test_wrong_result_shape_raises_shape_error_naming_function_and_shapes(
        name, call, got, required):
    with pytest.raises(ShapeError) as caught:
        call()
    message = str(caught.value)
    assert name in message
    assert re.search(rf"\b{got}\b", message), (got, message)
    assert re.search(rf"\b{required}\b", message), (required, message)


ONE_D_OPERAND = {
    "Matrix_Multiply-a": lambda: Matrix_Multiply(np.empty((1, 2)), np.ones(3), np.ones((3, 2))),
    "Matrix_Multiply-b": lambda: Matrix_Multiply(np.empty((1, 2)), np.ones((2, 3)), np.ones(3)),
    "Matrix_Multiply-none": lambda: Matrix_Multiply(None, np.ones(3), np.ones((3, 2))),
    "Matrix_Broadcast": lambda: Matrix_Broadcast(None, np.ones(4), 2, 4),
    "Matrix_Add": lambda: Matrix_Add(np.empty((1, 4)), np.ones(4), np.ones((1, 4))),
    "Matrix_Subtract": lambda: Matrix_Subtract(None, np.ones(4), np.ones(4)),
    "Matrix_Hadamard_Product": lambda: Matrix_Hadamard_Product(
        np.empty((1, 4)), np.ones((1, 4)), np.ones(4)),
    "Matrix_Transpose": lambda: Matrix_Transpose(np.empty((4, 1)), np.ones(4)),
    "Matrix_Scalar_Multiply": lambda: Matrix_Scalar_Multiply(np.ones(4), 2.0),
    "Matrix_Sum_Columns": lambda: Matrix_Sum_Columns(np.empty((1, 4)), np.ones(4)),
    "Matrix_Sum_Columns-result": lambda: Matrix_Sum_Columns(np.empty(4), np.ones((2, 4))),
    "Matrix_Mean_Squared_Error": lambda: Matrix_Mean_Squared_Error(np.ones(4), np.ones(4)),
}


@pytest.mark.parametrize("call", ONE_D_OPERAND.values(), ids=ONE_D_OPERAND.keys())
def test_one_dimensional_array_raises_shape_error(call):
    with pytest.raises(ShapeError):
        call()


THREE_D_OPERAND = {
    "Matrix_Multiply-a": lambda: Matrix_Multiply(
        np.empty((2, 2)), np.ones((1, 2, 3)), np.ones((3, 2))),
    "Matrix_Multiply-none": lambda: Matrix_Multiply(None, np.ones((1, 2, 3)), np.ones((3, 2))),
    "Matrix_Broadcast": lambda: Matrix_Broadcast(None, np.ones((1, 1, 4)), 2, 4),
    "Matrix_Add": lambda: Matrix_Add(
        np.empty((1, 2, 2)), np.ones((1, 2, 2)), np.ones((1, 2, 2))),
    "Matrix_Subtract": lambda: Matrix_Subtract(None, np.ones((1, 2, 2)), np.ones((1, 2, 2))),
    "Matrix_Hadamard_Product": lambda: Matrix_Hadamard_Product(
        None, np.ones((1, 2, 2)), np.ones((1, 2, 2))),
    "Matrix_Transpose": lambda: Matrix_Transpose(None, np.ones((1, 2, 3))),
    "Matrix_Scalar_Multiply": lambda: Matrix_Scalar_Multiply(np.ones((1, 2, 2)), 2.0),
    "Matrix_Sum_Columns": lambda: Matrix_Sum_Columns(np.empty((1, 2)), np.ones((1, 2, 3))),
    "Matrix_Mean_Squared_Error": lambda: Matrix_Mean_Squared_Error(
        np.ones((1, 2, 2)), np.ones((1, 2, 2))),
}


@pytest.mark.parametrize("call", THREE_D_OPERAND.values(), ids=THREE_D_OPERAND.keys())
def test_three_dimensional_operand_raises_shape_error(call):
    with pytest.raises(ShapeError):
        call()


THREE_D_RESULT = {
    "Matrix_Multiply": lambda: Matrix_Multiply(
        np.empty((2, 4, 1)), np.ones((2, 3)), np.ones((3, 4))),
    "Matrix_Broadcast": lambda: Matrix_Broadcast(np.empty((2, 4, 1)), np.ones((1, 4)), 2, 4),
    "Matrix_Add": lambda: Matrix_Add(np.empty((2, 4, 1)), np.ones((2, 4)), np.ones((2, 4))),
    # a 1 x 2 x 4 result: numpy itself would broadcast a 2 x 4 sum into it
    "Matrix_Add-leading-1": lambda: Matrix_Add(
        np.empty((1, 2, 4)), np.ones((2, 4)), np.ones((2, 4))),
    "Matrix_Multiply-leading-1": lambda: Matrix_Multiply(
        np.empty((1, 2, 4)), np.ones((2, 3)), np.ones((3, 4))),
    "Matrix_Sum_Columns-leading-1": lambda: Matrix_Sum_Columns(
        np.empty((1, 1, 4)), np.ones((2, 4))),
    "Matrix_Subtract": lambda: Matrix_Subtract(
        np.empty((2, 4, 1)), np.ones((2, 4)), np.ones((2, 4))),
    "Matrix_Hadamard_Product": lambda: Matrix_Hadamard_Product(
        np.empty((2, 4, 1)), np.ones((2, 4)), np.ones((2, 4))),
    "Matrix_Transpose": lambda: Matrix_Transpose(np.empty((4, 2, 1)), np.ones((2, 4))),
    "Matrix_Scalar_Multiply": lambda: Matrix_Scalar_Multiply(
        np.ones((2, 4)), 2.0, result=np.empty((2, 4, 1))),
    "Matrix_Sum_Columns": lambda: Matrix_Sum_Columns(np.empty((1, 4, 1)), np.ones((2, 4))),
    "Matrix_Mean_Squared_Error": lambda: Matrix_Mean_Squared_Error(
        np.ones((2, 4)), np.ones((2, 4)), np.empty((2, 4, 1))),
}


@pytest.mark.parametrize("call", THREE_D_RESULT.values(), ids=THREE_D_RESULT.keys())
def test_three_dimensional_result_raises_shape_error(call):
    with pytest.raises(ShapeError):
        call()


LIST_OPERAND = {
    "Matrix_Multiply-a": lambda: Matrix_Multiply(
        np.empty((2, 2)), [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], np.ones((3, 2))),
    "Matrix_Multiply-b": lambda: Matrix_Multiply(
        np.empty((2, 2)), np.ones((2, 3)), [[1.0, 2.0]] * 3),
    "Matrix_Multiply-none": lambda: Matrix_Multiply(None, [[1.0, 2.0]] * 3, np.ones((2, 2))),
    "Matrix_Broadcast": lambda: Matrix_Broadcast(None, [[1.0, 2.0]], 3, 2),
    "Matrix_Add": lambda: Matrix_Add(np.empty((1, 2)), [[1.0, 2.0]], np.ones((1, 2))),
    "Matrix_Subtract": lambda: Matrix_Subtract(None, np.ones((1, 2)), [[1.0, 2.0]]),
    "Matrix_Hadamard_Product": lambda: Matrix_Hadamard_Product(
        None, [[1.0, 2.0]], [[3.0, 4.0]]),
    "Matrix_Add-result": lambda: Matrix_Add([[0.0, 0.0]], np.ones((1, 2)), np.ones((1, 2))),
    "Matrix_Transpose": lambda: Matrix_Transpose(None, [[1.0, 2.0]]),
    "Matrix_Scalar_Multiply-float": lambda: Matrix_Scalar_Multiply([[1.0, 2.0]], 2.0),
    "Matrix_Scalar_Multiply-int": lambda: Matrix_Scalar_Multiply([[1.0, 2.0]], 2),
    "Matrix_Scalar_Multiply-result": lambda: Matrix_Scalar_Multiply(
        np.ones((1, 2)), 2.0, result=[[0.0, 0.0]]),
    "Matrix_Sum_Columns": lambda: Matrix_Sum_Columns(None, [[1.0, 2.0]]),
    "Matrix_Mean_Squared_Error": lambda: Matrix_Mean_Squared_Error(
        [[1.0, 2.0]], np.ones((1, 2))),
}


@pytest.mark.parametrize("call", LIST_OPERAND.values(), ids=LIST_OPERAND.keys())
def test_list_instead_of_array_raises_operand_type_error(call):
    with pytest.raises(OperandTypeError, match="must be a 2-D matrix, got list"):
        call()


def int64(shape):
    return np.zeros(shape, dtype=np.int64)


INT64_RESULT = {
    "Matrix_Multiply": lambda: Matrix_Multiply(int64((2, 2)), np.ones((2, 3)), np.ones((3, 2))),
    "Matrix_Broadcast": lambda: Matrix_Broadcast(int64((3, 2)), np.ones((1, 2)), 3, 2),
    "Matrix_Add": lambda: Matrix_Add(int64((2, 2)), np.ones((2, 2)), np.ones((2, 2))),
    "Matrix_Subtract": lambda: Matrix_Subtract(int64((2, 2)), np.ones((2, 2)), np.ones((2, 2))),
    "Matrix_Hadamard_Product": lambda: Matrix_Hadamard_Product(
        int64((2, 2)), np.ones((2, 2)), np.ones((2, 2))),
    "Matrix_Transpose": lambda: Matrix_Transpose(int64((3, 2)), np.ones((2, 3))),
    "Matrix_Scalar_Multiply-result-float": lambda: Matrix_Scalar_Multiply(
        np.full((2, 2), 0.5), 0.5, result=int64((2, 2))),
    "Matrix_Scalar_Multiply-result-int": lambda: Matrix_Scalar_Multiply(
        np.full((2, 2), 0.5), 3, result=int64((2, 2))),
    "Matrix_Scalar_Multiply-in-place-float": lambda: Matrix_Scalar_Multiply(
        np.ones((2, 2), dtype=np.int64), 0.5),
    "Matrix_Scalar_Multiply-in-place-int": lambda: Matrix_Scalar_Multiply(
        np.ones((2, 2), dtype=np.int64), 3),
    "Matrix_Sum_Columns": lambda: Matrix_Sum_Columns(
        int64((1, 2)), np.array([[0.3, 0.6], [0.4, -0.2]])),
    "Matrix_Mean_Squared_Error": lambda: Matrix_Mean_Squared_Error(
        np.ones((2, 2)), np.ones((2, 2)), int64((2, 2))),
}


@pytest.mark.parametrize("call", INT64_RESULT.values(), ids=INT64_RESULT.keys())
def test_int64_result_raises_operand_type_error(call):
    with pytest.raises(OperandTypeError):
        call()


def float32(shape):
    return np.zeros(shape, dtype=np.float32)


# The module promises float64 matrices and _result refuses any other dtype;
# every function must refuse a float32 result the same way, not round silently.
FLOAT32_RESULT = {
    "Matrix_Multiply": lambda: Matrix_Multiply(float32((2, 2)), np.ones((2, 3)), np.ones((3, 2))),
    "Matrix_Broadcast": lambda: Matrix_Broadcast(float32((3, 2)), np.ones((1, 2)), 3, 2),
    "Matrix_Add": lambda: Matrix_Add(float32((2, 2)), np.ones((2, 2)), np.ones((2, 2))),
    "Matrix_Subtract": lambda: Matrix_Subtract(float32((2, 2)), np.ones((2, 2)), np.ones((2, 2))),
    "Matrix_Hadamard_Product": lambda: Matrix_Hadamard_Product(
        float32((2, 2)), np.ones((2, 2)), np.ones((2, 2))),
    "Matrix_Transpose": lambda: Matrix_Transpose(float32((3, 2)), np.ones((2, 3))),
    "Matrix_Scalar_Multiply": lambda: Matrix_Scalar_Multiply(
        np.ones((2, 2)), 0.1, result=float32((2, 2))),
    "Matrix_Sum_Columns": lambda: Matrix_Sum_Columns(float32((1, 2)), np.ones((2, 2))),
    "Matrix_Mean_Squared_Error": lambda: Matrix_Mean_Squared_Error(
        np.ones((2, 2)), np.ones((2, 2)), float32((2, 2))),
}


@pytest.mark.parametrize("call", FLOAT32_RESULT.values(), ids=FLOAT32_RESULT.keys())
def test_float32_result_raises_operand_type_error(call):
    with pytest.raises(OperandTypeError):
        call()


@pytest.mark.parametrize("function, ufunc", ELEMENT_WISE)
@pytest.mark.parametrize("a_shape, b_shape", [((1, 3), (4, 3)), ((4, 3), (1, 3)),
                                              ((4, 1), (4, 3)), ((1, 1), (4, 3))])
def test_element_wise_functions_do_not_broadcast(function, ufunc, a_shape, b_shape):
    with pytest.raises(ShapeError):
        function(None, np.ones(a_shape), np.ones(b_shape))
    with pytest.raises(ShapeError):
        function(np.empty((4, 3)), np.ones(a_shape), np.ones(b_shape))


def test_mean_squared_error_does_not_broadcast():
    with pytest.raises(ShapeError):
        Matrix_Mean_Squared_Error(np.ones((1, 3)), np.ones((4, 3)))


@pytest.mark.parametrize("small_shape", [(2, 3), (1, 5), (5, 1), (2, 2)])
def test_broadcast_refuses_a_matrix_that_is_not_a_row_column_or_scalar(small_shape):
    with pytest.raises(ShapeError):
        Matrix_Broadcast(None, np.ones(small_shape), 4, 3)


def test_an_operand_type_error_is_a_type_error_and_a_value_error():
    with pytest.raises(OperandTypeError) as caught:
        Matrix_Add(None, [[1.0]], np.ones((1, 1)))
    assert isinstance(caught.value, TypeError)
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, FluxError)


def test_scalar_multiply_refuses_a_non_number_scalar():
    with pytest.raises(OperandTypeError, match="Matrix_Scalar_Multiply"):
        Matrix_Scalar_Multiply(np.ones((2, 2)), "2")
    with pytest.raises(OperandTypeError, match="Matrix_Scalar_Multiply"):
        Matrix_Scalar_Multiply(np.ones((2, 2)), True)


def test_failed_call_leaves_the_result_untouched():
    result = np.full((2, 2), 7.0)
    with pytest.raises(ShapeError):
        Matrix_Add(result, np.ones((2, 2)), np.ones((2, 3)))
    assert np.array_equal(result, np.full((2, 2), 7.0))


# --------------------------------------------------------------------------
# Matrix_Data_Preprocessor.
# --------------------------------------------------------------------------

PARITY_ROWS = np.hstack(parity4()).astype(int).tolist()  # four input bits, then the label


def test_preprocessor_takes_the_first_four_columns_as_inputs():
    inputs = Matrix_Data_Preprocessor(16, 4, 0, 0, PARITY_ROWS)
    assert_new_matrix(inputs, (16, 4))
    assert np.array_equal(inputs, np.array(PARITY_ROWS, dtype=float)[:, :4])


def test_preprocessor_takes_the_fifth_column_as_target():
    target = Matrix_Data_Preprocessor(16, 1, 4, 0, PARITY_ROWS)
    assert_new_matrix(target, (16, 1))
    assert np.array_equal(target, np.array(PARITY_ROWS, dtype=float)[:, 4:5])
    assert target.sum() == 8  # half of the 4-bit numbers have odd parity


def test_preprocessor_does_not_modify_the_data():
    rows = [list(r) for r in PARITY_ROWS]
    Matrix_Data_Preprocessor(16, 4, 0, 0, rows)
    assert rows == PARITY_ROWS


@pytest.mark.parametrize("rows, columns, start_column, start_row",
                         [(4, 2, 1, 3), (1, 1, 4, 15), (16, 5, 0, 0), (3, 3, 2, 13)])
def test_preprocessor_offsets_start_row_and_start_column(rows, columns, start_column, start_row):
    window = Matrix_Data_Preprocessor(rows, columns, start_column, start_row, PARITY_ROWS)
    expected = np.array(PARITY_ROWS, dtype=float)[start_row:start_row + rows,
                                                  start_column:start_column + columns]
    assert np.array_equal(window, expected)


def test_preprocessor_accepts_numeric_strings():
    data = [[" 3.5", "2"], ["-1e2 ", "0.25\n"], ("7", 8)]
    got = Matrix_Data_Preprocessor(3, 2, 0, 0, data)
    assert np.array_equal(got, [[3.5, 2.0], [-100.0, 0.25], [7.0, 8.0]])


@pytest.mark.parametrize("dtype", [np.int64, np.float64, np.float32])
def test_preprocessor_accepts_a_two_dimensional_numpy_array(dtype):
    data = np.array(PARITY_ROWS, dtype=dtype)
    got = Matrix_Data_Preprocessor(16, 4, 0, 0, data)
    assert_new_matrix(got, (16, 4))
    assert np.array_equal(got, data[:, :4].astype(float))
    assert not np.shares_memory(got, data)


def test_preprocessor_accepts_rows_of_tuples():
    data = [tuple(r) for r in PARITY_ROWS]
    assert np.array_equal(Matrix_Data_Preprocessor(16, 5, 0, 0, data),
                          np.array(PARITY_ROWS, dtype=float))


def with_cell(value, row=5, column=2):
    rows = [list(r) for r in PARITY_ROWS]
    rows[row][column] = value
    return rows


@pytest.mark.parametrize("value", ["abc", None, float("nan"), float("inf"), float("-inf"),
                                   "nan", "inf", True, False, np.bool_(True), "", [1], 1j],
                         ids=repr)
def test_preprocessor_names_row_and_column_of_a_bad_value(value):
    with pytest.raises(DataError) as caught:
        Matrix_Data_Preprocessor(16, 4, 0, 0, with_cell(value))
    message = str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert re.search(r"\brow 5\b", message), message
    assert re.search(r"\bcolumn 2\b", message), message


def test_preprocessor_names_row_and_column_of_nan_in_a_numpy_array():
    data = np.array(PARITY_ROWS, dtype=float)
    data[9, 3] = np.nan
    with pytest.raises(DataError, match=r"row 9, column 3"):
        Matrix_Data_Preprocessor(16, 4, 0, 0, data)


def test_preprocessor_refuses_an_int_too_large_for_a_float():
    # float(10**400) raises OverflowError; it must become a DataError naming the cell
    with pytest.raises(DataError, match=r"row 5, column 2"):
        Matrix_Data_Preprocessor(16, 4, 0, 0, with_cell(10 ** 400))


def test_preprocessor_ignores_a_bad_value_outside_the_window():
    rows = with_cell("abc", row=5, column=4)
    assert np.array_equal(Matrix_Data_Preprocessor(16, 4, 0, 0, rows),
                          np.array(PARITY_ROWS, dtype=float)[:, :4])


def test_preprocessor_names_a_ragged_row():
    rows = [list(r) for r in PARITY_ROWS]
    rows[5] = rows[5][:4]
    with pytest.raises(DataError) as caught:
        Matrix_Data_Preprocessor(16, 4, 0, 0, rows)
    message = str(caught.value)
    assert re.search(r"\brow 5\b", message), message
    assert "4" in message and "5" in message


def test_preprocessor_names_the_rows_of_a_window_beyond_the_data():
    with pytest.raises(DataError) as caught:
        Matrix_Data_Preprocessor(4, 4, 0, 14, PARITY_ROWS)
    message = str(caught.value)
    assert re.search(r"\brows 14\.\.17\b", message), message
    assert "16 rows" in message


def test_preprocessor_names_the_columns_of_a_window_beyond_the_data():
    with pytest.raises(DataError) as caught:
        Matrix_Data_Preprocessor(16, 3, 3, 0, PARITY_ROWS)
    message = str(caught.value)
    assert re.search(r"\bcolumns 3\.\.5\b", message), message
    assert re.search(r"\brow 0\b", message), message
    assert "5 values" in message


def test_preprocessor_refuses_empty_data():
    with pytest.raises(DataError):
        Matrix_Data_Preprocessor(1, 1, 0, 0, [])


ARGUMENT_NAMES = ["rows", "columns", "start_column", "start_row"]
BAD_ARGUMENTS = [(name, value) for name in ARGUMENT_NAMES
                 for value in [-1, 2.5, True, False, "3", None, 3.0]] \
    + [("rows", 0), ("columns", 0)]


@pytest.mark.parametrize("name, value", BAD_ARGUMENTS, ids=[f"{n}={v!r}" for n, v in BAD_ARGUMENTS])
def test_preprocessor_names_a_bad_argument(name, value):
    arguments = {"rows": 2, "columns": 2, "start_column": 0, "start_row": 0}
    arguments[name] = value
    with pytest.raises(ConfigurationError) as caught:  # a bad argument, as everywhere
        Matrix_Data_Preprocessor(arguments["rows"], arguments["columns"],
                                 arguments["start_column"], arguments["start_row"], PARITY_ROWS)
    message = str(caught.value)
    assert re.search(rf"(?<![\w]){name}(?![\w])", message), message
    others = [n for n in ARGUMENT_NAMES if n != name]
    assert not any(re.search(rf"(?<![\w]){n}(?![\w])", message) for n in others), message


def test_preprocessor_accepts_numpy_integer_arguments():
    got = Matrix_Data_Preprocessor(np.int64(2), np.int32(2), np.int64(1), np.int64(3), PARITY_ROWS)
    assert np.array_equal(got, np.array(PARITY_ROWS, dtype=float)[3:5, 1:3])


@pytest.mark.parametrize("data", [5, None, 3.5, object(), [1, 2, 3], np.arange(5.0),
                                  np.zeros((2, 2, 2))],
                         ids=["int", "None", "float", "object", "flat-list", "1-D-array",
                              "3-D-array"])
def test_preprocessor_refuses_data_that_is_not_rows(data):
    with pytest.raises(DataError):
        Matrix_Data_Preprocessor(1, 1, 0, 0, data)


# --------------------------------------------------------------------------
# record_operations.
# --------------------------------------------------------------------------

def named(**matrices):
    return {_matrix_key(m): name for name, m in matrices.items()}


def test_recorder_records_calls_in_order_with_names_and_shapes():
    a, b = np.ones((2, 3)), np.ones((3, 2))
    c, d = np.empty((2, 2)), np.empty((2, 2))
    s = np.empty((1, 2))
    names = named(a=a, b=b, c=c, d=d, s=s)
    with record_operations(names) as ops:
        Matrix_Multiply(c, a, b)
        Matrix_Add(d, c, c)
        Matrix_Scalar_Multiply(d, 2.0)
        Matrix_Sum_Columns(s, d)
    assert [op.function for op in ops] == [
        "Matrix_Multiply", "Matrix_Add", "Matrix_Scalar_Multiply", "Matrix_Sum_Columns"]
    assert all(isinstance(op, Operation) for op in ops)
    assert ops[0].names == ("c", "a", "b")
    assert ops[0].result == "c" and ops[0].operands == ("a", "b")
    assert ops[0].shapes == ((2, 2), (2, 3), (3, 2))
    assert ops[1].names == ("d", "c", "c")
    assert ops[2].names == ("d", "d", "2")
    assert ops[2].shapes == ((2, 2), (2, 2), None)
    assert ops[3].names == ("s", "d") and ops[3].shapes == ((1, 2), (2, 2))


def test_operation_reads_like_function_of_named_shapes():
    a, b, c = np.ones((2, 3)), np.ones((3, 2)), np.empty((2, 2))
    with record_operations(named(a=a, b=b, c=c)) as ops:
        Matrix_Multiply(c, a, b)
        Matrix_Scalar_Multiply(c, 0.5)
    assert str(ops[0]) == "Matrix_Multiply(c [2x2] ← a [2x3], b [3x2])"
    assert str(ops[1]) == "Matrix_Scalar_Multiply(c [2x2] ← c [2x2], 0.5)"


def test_recorder_calls_an_unnamed_matrix_matrix():
    a = np.ones((2, 2))
    with record_operations(named(a=a)) as ops:
        out = Matrix_Transpose(None, a)
    assert ops[0].names == ("matrix", "a")
    assert str(ops[0]) == "Matrix_Transpose(matrix [2x2] ← a [2x2])"
    assert out.shape == (2, 2)


def test_recorder_without_names_calls_every_matrix_matrix():
    with record_operations() as ops:
        Matrix_Add(None, np.ones((1, 2)), np.ones((1, 2)))
    assert ops[0].names == ("matrix", "matrix", "matrix")


def test_recorder_records_every_function():
    a, b = np.ones((2, 2)), np.ones((2, 2))
    with record_operations() as ops:
        Matrix_Multiply(None, a, b)
        Matrix_Broadcast(None, np.ones((1, 2)), 2, 2)
        Matrix_Add(None, a, b)
        Matrix_Subtract(None, a, b)
        Matrix_Hadamard_Product(None, a, b)
        Matrix_Transpose(None, a)
        Matrix_Scalar_Multiply(a, 1.0)
        Matrix_Sum_Columns(None, a)
        Matrix_Mean_Squared_Error(a, b)
    functions = [op.function for op in ops]
    for name in ["Matrix_Multiply", "Matrix_Broadcast", "Matrix_Add", "Matrix_Subtract",
                 "Matrix_Hadamard_Product", "Matrix_Transpose", "Matrix_Scalar_Multiply",
                 "Matrix_Sum_Columns", "Matrix_Mean_Squared_Error"]:
        assert name in functions
    assert functions[-1] == "Matrix_Mean_Squared_Error"


def test_nothing_is_recorded_outside_the_with_block():
    a = np.ones((2, 2))
    Matrix_Add(None, a, a)
    with record_operations(named(a=a)) as ops:
        Matrix_Add(None, a, a)
    Matrix_Add(None, a, a)
    Matrix_Transpose(None, a)
    assert len(ops) == 1


def test_a_recorder_that_is_never_entered_records_nothing():
    recorder = record_operations()
    Matrix_Add(None, np.ones((1, 1)), np.ones((1, 1)))
    assert recorder.operations == []


def test_nested_recorders_both_record():
    a, b = np.ones((2, 2)), np.ones((2, 2))
    with record_operations(named(a=a, b=b)) as outer:
        Matrix_Add(None, a, b)
        with record_operations(named(a=a)) as inner:
            Matrix_Subtract(None, a, b)
        Matrix_Hadamard_Product(None, a, b)
    assert [op.function for op in outer] == [
        "Matrix_Add", "Matrix_Subtract", "Matrix_Hadamard_Product"]
    assert [op.function for op in inner] == ["Matrix_Subtract"]
    assert outer[1].names == ("matrix", "a", "b")
    assert inner[0].names == ("matrix", "a", "matrix")


def test_recorder_stops_and_lets_the_error_through_when_the_block_raises():
    a = np.ones((2, 2))
    with pytest.raises(ShapeError):
        with record_operations() as ops:
            Matrix_Add(None, a, a)
            Matrix_Add(None, a, np.ones((3, 3)))
    Matrix_Add(None, a, a)
    assert [op.function for op in ops] == ["Matrix_Add"]

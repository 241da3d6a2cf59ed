"""Activation functions ``h(a)`` and derivatives ``h'(a)`` (``flux_widgets.activations``).

Oracles: the textbook formulas written out here (leaky slope 0.01, ELU α = 1,
swish ``a · σ(a)``, softmax ``e^a / Σ e^a`` row by row), central finite
differences of ``activate`` for the derivative (step 1e-6, away from the kink
at 0; for SOFTMAX, whose ``h'`` is a Jacobian, one entry perturbed at a time:
its diagonal against ``dh_da`` and the whole Jacobian against ``backward``), and
Python's ``math`` for the exact left tail of σ. Results must be written in place into ``out``; no
floating-point warning or flag may occur for any ``a`` in [-1e4, 1e4].
"""

import dataclasses
import inspect
import math
import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from reference import reference_activation, reference_derivative
from flux_widgets import Form_Network
from flux_widgets.activations import (HE_GAIN, LECUN_GAIN, Activation, ActivationType, activate,
                                      derivative)
from flux_widgets.errors import ConfigurationError, FluxError
from flux_widgets.matrix import _matrix_key, record_operations

PROPERTY = settings(max_examples=100, deadline=None)
KINDS = list(ActivationType)
STEP = 1e-6
EXTREMES = np.array([-1e4, -745.0, -710.0, -1.0, 0.0, 1.0, 710.0, 745.0, 1e4])


def matrices(low, high, max_side=12):
    """float64 matrices of 1..max_side x 1..max_side with elements in [low, high]."""
    shapes = st.tuples(st.integers(1, max_side), st.integers(1, max_side))
    return shapes.flatmap(lambda shape: arrays(
        np.float64, shape,
        elements=st.floats(low, high, allow_nan=False, allow_infinity=False)))


def run_activate(kind, a):
    return activate(kind, a, np.full_like(a, np.nan))


def run_derivative(kind, a):
    return derivative(kind, a, run_activate(kind, a), np.full_like(a, np.nan))


# --------------------------------------------------------------------------
# Values against the formulas; in place into out.
# --------------------------------------------------------------------------

# The property tests check every kind on each drawn matrix (one draw, seven checks).

@PROPERTY
@given(a=matrices(-1e3, 1e3))
def test_activate_matches_reference_formula(a):
    for kind in KINDS:
        got = run_activate(kind, a)
        assert np.allclose(got, reference_activation(kind, a), rtol=1e-12, atol=1e-15), kind


@PROPERTY
@given(a=matrices(-1e3, 1e3))
def test_derivative_matches_reference_formula(a):
    for kind in KINDS:
        got = run_derivative(kind, a)
        assert np.allclose(got, reference_derivative(kind, a), rtol=1e-12, atol=1e-12), kind


def entrywise_slope(kind, a):
    """∂h[n, j]/∂a[n, j] by central differences, perturbing one entry of a at a time
    (the Jacobian's diagonal; for an element-by-element h, the same as perturbing all)."""
    slope = np.empty_like(a)
    for index in np.ndindex(*a.shape):
        up, down = a.copy(), a.copy()
        up[index] += STEP
        down[index] -= STEP
        slope[index] = (run_activate(kind, up)[index]
                        - run_activate(kind, down)[index]) / (2 * STEP)
    return slope


def jacobian_by_finite_differences(kind, a):
    """``J[n, k, j] = ∂h[n, k]/∂a[n, j]`` (N x n x n) by central differences, one entry of a
    perturbed at a time; a row of h depends on its own row of a only (checked here)."""
    N, n = a.shape
    jacobian = np.empty((N, n, n))
    for row, column in np.ndindex(N, n):
        up, down = a.copy(), a.copy()
        up[row, column] += STEP
        down[row, column] -= STEP
        change = (run_activate(kind, up) - run_activate(kind, down)) / (2 * STEP)
        others = np.delete(change, row, axis=0)
        assert np.all(others == 0.0), "a row of h moved with another row's a"
        jacobian[row, :, column] = change[row]
    return jacobian


@PROPERTY
@given(a=matrices(-30.0, 30.0, max_side=6))
def test_derivative_matches_central_finite_difference(a):
    a = np.where(np.abs(a) > 1e-3, a, 0.5)  # away from the kink at 0
    for kind in KINDS:
        if kind.record.elementwise:  # h[n, j] depends on a[n, j] alone: perturb all at once
            slope = (run_activate(kind, a + STEP) - run_activate(kind, a - STEP)) / (2 * STEP)
        else:  # softmax: dh_da is the Jacobian's diagonal, one entry perturbed at a time
            slope = entrywise_slope(kind, a)
        assert np.allclose(run_derivative(kind, a), slope, rtol=1e-6, atol=1e-6), kind


@PROPERTY
@given(a=matrices(-30.0, 30.0, max_side=5), seed=st.integers(0, 2**16))
def test_backward_of_softmax_is_the_finite_difference_jacobian_product(a, seed):
    """``backward(a, h, ∂C/∂h)[n, j] = Σ_k ∂C/∂h[n, k] · ∂h[n, k]/∂a[n, j]`` with the whole
    Jacobian from central differences, and with the textbook one ``h_k (δ_kj − h_j)``."""
    kind = ActivationType.SOFTMAX
    dC_dh = np.random.default_rng(seed).normal(size=a.shape)
    h = run_activate(kind, a)
    got = kind.record.backward(a, h, dC_dh, np.full_like(a, np.nan))
    jacobian = jacobian_by_finite_differences(kind, a)
    assert np.allclose(got, np.einsum("nk,nkj->nj", dC_dh, jacobian), rtol=1e-6, atol=1e-6)
    p = reference_activation(kind, a)
    textbook = p[:, :, None] * (np.eye(a.shape[1])[None] - p[:, None, :])  # [n, k, j]
    assert np.allclose(got, np.einsum("nk,nkj->nj", dC_dh, textbook), rtol=1e-10, atol=1e-12)
    # its diagonal is what dh_da writes
    diagonal = np.diagonal(textbook, axis1=1, axis2=2)
    assert np.allclose(run_derivative(kind, a), diagonal, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_backward_is_given_exactly_when_h_is_not_element_by_element(kind):
    """An element-by-element h has no ``backward`` (the layer multiplies ∂C/∂h ⊙ h'(a));
    every other has one, which writes into ``out`` and leaves its inputs alone."""
    record = kind.record
    if record.elementwise:
        assert record.backward is None
        return
    assert callable(record.backward)
    assert len(inspect.signature(record.backward).parameters) == 4
    a = np.linspace(-3.0, 3.0, 12).reshape(3, 4)
    h = run_activate(kind, a)
    dC_dh = np.arange(12.0).reshape(3, 4) - 5.0
    before = a.copy(), h.copy(), dC_dh.copy()
    out = np.full_like(a, np.nan)
    assert record.backward(a, h, dC_dh, out) is out
    assert np.all(np.isfinite(out))
    for now, then in zip((a, h, dC_dh), before):
        assert np.array_equal(now, then)


@pytest.mark.parametrize("zero", [0.0, -0.0])
@pytest.mark.parametrize("kind, expected", [
    (ActivationType.RELU, 0.0),
    (ActivationType.LEAKY_RELU, 0.01),
    (ActivationType.SIGMOID, 0.25),
    (ActivationType.TANH, 1.0),
    (ActivationType.SWISH, 0.5),
    (ActivationType.LINEAR, 1.0),
    (ActivationType.ELU, 1.0),
], ids=lambda v: v.name if isinstance(v, ActivationType) else None)
def test_derivative_at_exactly_zero(kind, expected, zero):
    a = np.array([[zero]])
    assert run_derivative(kind, a)[0, 0] == expected


@pytest.mark.parametrize("zero", [0.0, -0.0])
@pytest.mark.parametrize("columns", [1, 2, 4])
def test_softmax_derivative_at_exactly_zero(columns, zero):
    """A row of n zeros: every probability 1/n, the Jacobian's diagonal (1/n)(1 − 1/n)."""
    a = np.full((2, columns), zero)
    assert np.all(run_activate(ActivationType.SOFTMAX, a) == 1.0 / columns)
    assert np.allclose(run_derivative(ActivationType.SOFTMAX, a),
                       (1.0 / columns) * (1.0 - 1.0 / columns), rtol=1e-15, atol=0)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_activate_at_zero_is_zero_except_sigmoid_and_softmax(kind):
    """0 for every h but sigmoid (1/2) and softmax (1/n for n columns: here 1/3)."""
    got = run_activate(kind, np.zeros((2, 3)))
    expected = {ActivationType.SIGMOID: 0.5, ActivationType.SOFTMAX: 1.0 / 3.0}.get(kind, 0.0)
    assert np.all(got == expected)


@PROPERTY
@given(a=matrices(-1e4, 1e4))
def test_softmax_rows_are_probability_distributions(a):
    """Every entry in [0, 1], every row summing to 1, a row's largest a its largest h."""
    h = run_activate(ActivationType.SOFTMAX, a)
    assert np.all((h >= 0.0) & (h <= 1.0))
    np.testing.assert_allclose(h.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert np.all(h[np.arange(a.shape[0]), a.argmax(axis=1)] == h.max(axis=1))


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_activate_writes_into_out_and_leaves_a_alone(kind):
    a = np.linspace(-3.0, 3.0, 12).reshape(3, 4)
    before = a.copy()
    out = np.full_like(a, np.nan)
    assert activate(kind, a, out) is out
    assert np.allclose(out, reference_activation(kind, a), rtol=1e-12, atol=1e-15)
    assert np.array_equal(a, before)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_derivative_writes_into_out_and_leaves_a_and_h_alone(kind):
    a = np.linspace(-3.0, 3.0, 12).reshape(3, 4)
    h = run_activate(kind, a)
    a_before, h_before = a.copy(), h.copy()
    out = np.full_like(a, np.nan)
    assert derivative(kind, a, h, out) is out
    assert np.allclose(out, reference_derivative(kind, a), rtol=1e-12, atol=1e-12)
    assert np.array_equal(a, a_before) and np.array_equal(h, h_before)


# --------------------------------------------------------------------------
# Numerical stability.
# --------------------------------------------------------------------------

def with_extremes(a):
    return np.concatenate([a.ravel(), EXTREMES]).reshape(1, -1)


@PROPERTY
@given(a=matrices(-1e4, 1e4, max_side=6))
def test_no_warning_and_finite_outputs_for_large_inputs(a):
    """Under numpy's default error state (underflow ignored) with warnings as errors."""
    a = with_extremes(a)
    for kind in KINDS:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            h = run_activate(kind, a)
            slope = derivative(kind, a, h, np.empty_like(a))
        assert np.all(np.isfinite(h)) and np.all(np.isfinite(slope)), kind


@PROPERTY
@given(a=matrices(-1e4, 1e4, max_side=6))
def test_no_overflow_invalid_or_divide_flag_for_large_inputs(a):
    a = with_extremes(a)
    for kind in KINDS:
        with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise",
                                                    divide="raise", under="ignore"):
            warnings.simplefilter("error")
            h = run_activate(kind, a)
            slope = derivative(kind, a, h, np.empty_like(a))
        assert np.all(np.isfinite(h)) and np.all(np.isfinite(slope)), kind


def large_input_grid():
    """Every 10 from -1e4 to 1e4, 1990 seeded uniform draws and the extremes: 50 x 80."""
    draws = np.random.default_rng(20240601).uniform(-1e4, 1e4, 1990)
    return np.concatenate([np.linspace(-1e4, 1e4, 2001), draws, EXTREMES]).reshape(50, -1)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_no_overflow_invalid_or_divide_flag_on_a_dense_grid(kind):
    """The same check on a deterministic grid of 4000 values, extremes included.

    Underflow is not an error here: e^(−1e4) rounding to 0 is the correctly
    rounded result (numpy ignores underflow by default). Avoiding it would
    mean clipping the argument and returning a worse value (σ(−1e4) ≈ 1e-304
    instead of 0).
    """
    a = large_input_grid()
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise",
                                                under="ignore"):
        warnings.simplefilter("error")
        h = run_activate(kind, a)
        slope = derivative(kind, a, h, np.empty_like(a))
    assert np.all(np.isfinite(h)) and np.all(np.isfinite(slope))


@pytest.mark.parametrize("a", [-1.0, -10.0, -40.0, -100.0, -700.0])
def test_sigmoid_is_accurate_relative_to_the_exact_value_in_the_left_tail(a):
    exact = 1.0 / (1.0 + math.exp(-a))
    got = run_activate(ActivationType.SIGMOID, np.array([[a]]))[0, 0]
    assert got > 0.0
    assert abs(got - exact) / exact < 1e-14


def test_sigmoid_of_minus_forty_is_not_rounded_to_zero():
    exact = 1.0 / (1.0 + math.exp(40.0))
    got = run_activate(ActivationType.SIGMOID, np.array([[-40.0]]))[0, 0]
    assert abs(got - exact) / exact < 1e-14


@pytest.mark.parametrize("kind", [ActivationType.SIGMOID, ActivationType.TANH],
                         ids=lambda k: k.name)
def test_saturating_activations_stay_within_their_range(kind):
    a = EXTREMES.reshape(1, -1)
    h = run_activate(kind, a)
    low = 0.0 if kind is ActivationType.SIGMOID else -1.0
    assert np.all((h >= low) & (h <= 1.0))


# --------------------------------------------------------------------------
# ActivationType: parse, formulas.
# --------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_parse_returns_a_member_unchanged(kind):
    assert ActivationType.parse(kind) is kind


@pytest.mark.parametrize("text, kind", [
    ("Leaky_ReLU", ActivationType.LEAKY_RELU),
    ("leaky-relu", ActivationType.LEAKY_RELU),
    ("LEAKY RELU", ActivationType.LEAKY_RELU),
    ("SIGMOID", ActivationType.SIGMOID),
    ("sigmoid", ActivationType.SIGMOID),
    ("  Tanh ", ActivationType.TANH),
    ("ReLU", ActivationType.RELU),
    ("Swish", ActivationType.SWISH),
    ("linear", ActivationType.LINEAR),
    ("ELU", ActivationType.ELU),
    ("Softmax", ActivationType.SOFTMAX),
    ("SOFTMAX", ActivationType.SOFTMAX),
    (" softmax ", ActivationType.SOFTMAX),
])
def test_parse_accepts_names_in_any_case(text, kind):
    assert ActivationType.parse(text) is kind


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_parse_accepts_every_member_name_and_value(kind):
    assert ActivationType.parse(kind.name) is kind
    assert ActivationType.parse(kind.name.lower()) is kind
    assert ActivationType.parse(kind.value) is kind


@pytest.mark.parametrize("value", ["softplus", "soft_max", "relux", "", "leaky", None, 3, 1.5],
                         ids=repr)
def test_parse_refuses_unknown_names_listing_the_valid_ones(value):
    with pytest.raises(ConfigurationError) as caught:
        ActivationType.parse(value)
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, FluxError)
    message = str(caught.value)
    for kind in KINDS:
        assert kind.name in message


# How a record's formulas start: h(a) and h'(a) for an element-by-element h; for
# softmax, entry j of a row and its Jacobian ∂h_j/∂a_k (h'(a) is not one number per entry).
FORMULA_STARTS = {True: ("h(a) =", "h'(a) ="), False: ("h(a)_j =", "∂h_j/∂a_k =")}
LATEX_STARTS = {True: ("h(a) =", "h'(a) ="),
                False: ("h(a)_j =", r"\frac{\partial h_j}{\partial a_k} =")}


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_every_member_has_formula_texts(kind):
    start, derivative_start = FORMULA_STARTS[kind.record.elementwise]
    assert isinstance(kind.formula, str) and kind.formula.startswith(start)
    assert isinstance(kind.derivative_formula, str)
    assert kind.derivative_formula.startswith(derivative_start)


def test_softmax_derivative_formula_says_dh_da_holds_the_diagonal():
    text = ActivationType.SOFTMAX.derivative_formula
    assert "δ_jk" in text and "diagonal" in text and "h_j·(1 − h_j)" in text


def test_formulas_name_the_constants():
    assert "0.01" in ActivationType.LEAKY_RELU.formula
    assert "0.01" in ActivationType.LEAKY_RELU.derivative_formula
    assert "σ" in ActivationType.SWISH.formula


# --------------------------------------------------------------------------
# Recording.
# --------------------------------------------------------------------------

def test_activate_and_derivative_are_recorded():
    a = np.ones((2, 3))
    h, slope = np.empty((2, 3)), np.empty((2, 3))
    names = {_matrix_key(a): "a", _matrix_key(h): "h", _matrix_key(slope): "dh_da"}
    with record_operations(names) as ops:
        activate(ActivationType.TANH, a, h)
        derivative(ActivationType.TANH, a, h, slope)
    assert [str(op) for op in ops] == ["Activate[TANH](h [2x3] ← a [2x3])",
                                       "Dh_Da[TANH](dh_da [2x3] ← a [2x3])"]


# --------------------------------------------------------------------------
# The records: complete, and agreeing with h and with Form_Network.
# --------------------------------------------------------------------------

RECORD_FIELDS = {"name", "h", "dh_da", "formula", "derivative_formula", "formula_latex",
                 "derivative_formula_latex", "init_gain", "output_range", "elementwise",
                 "backward", "output_only"}


def assert_latex_of(latex, text):
    """``latex`` typesets the Unicode ``text``: ASCII, balanced, not the text pasted in.

    The two may be equal only for a text LaTeX prints as it is: single letters,
    digits, ``'``, brackets and ``=`` (``"h'(a) = 1"``); ``max`` or ``tanh`` need
    ``\\max`` and ``\\tanh``, and ``σ`` or ``−`` are not LaTeX.
    """
    assert isinstance(latex, str) and latex and latex == latex.strip()
    assert latex.isascii(), latex
    assert latex.count("{") == latex.count("}"), latex
    assert latex.count(r"\begin{") == latex.count(r"\end{"), latex
    plain = re.fullmatch(r"[a-z0-9'()= ]+", text) and not re.search(r"[a-z]{2}", text)
    assert latex != text or plain, f"the LaTeX is the Unicode text: {text!r}"


def test_the_record_fields_are_the_ones_checked_here():
    """A new field of Activation needs its check in the test below."""
    assert {field.name for field in dataclasses.fields(Activation)} == RECORD_FIELDS


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_every_member_has_a_complete_record(kind):
    record = kind.record
    assert isinstance(record, Activation)
    assert record.name == kind.value and isinstance(record.name, str)
    assert callable(record.h) and len(inspect.signature(record.h).parameters) == 2
    assert callable(record.dh_da) and len(inspect.signature(record.dh_da).parameters) == 3
    assert type(record.elementwise) is bool and type(record.output_only) is bool
    starts = zip(("formula", "derivative_formula"), FORMULA_STARTS[record.elementwise],
                 LATEX_STARTS[record.elementwise])
    for field, start, latex_start in starts:
        text, latex = getattr(record, field), getattr(record, f"{field}_latex")
        assert isinstance(text, str) and text.startswith(start) and text == text.strip()
        assert latex.startswith(latex_start)
        assert_latex_of(latex, text)
    assert (kind.formula, kind.derivative_formula) == (record.formula, record.derivative_formula)
    assert type(record.init_gain) is float and math.isfinite(record.init_gain)
    assert record.init_gain > 0
    low, high = record.output_range
    assert isinstance(record.output_range, tuple) and len(record.output_range) == 2
    assert type(low) is float and type(high) is float and low < high
    # the engine computes ∂C/∂a = ∂C/∂h ⊙ h'(a) for an element-by-element h, and with the
    # record's backward (the Jacobian product) for the others: softmax alone today
    assert record.elementwise is (kind is not ActivationType.SOFTMAX)
    if record.elementwise:
        assert record.backward is None
    else:
        assert callable(record.backward)
        assert len(inspect.signature(record.backward).parameters) == 4
    # an output layer's alone: softmax, a row of probabilities
    assert record.output_only is (kind is ActivationType.SOFTMAX)


def test_hidden_lists_every_member_but_the_output_only_ones_in_order():
    hidden = ActivationType.hidden()
    assert hidden == [kind for kind in KINDS if kind is not ActivationType.SOFTMAX]
    assert all(not kind.record.output_only for kind in hidden)
    assert [kind for kind in KINDS if kind.record.output_only] == [ActivationType.SOFTMAX]


def test_every_record_that_is_not_element_by_element_has_a_backward():
    for kind in KINDS:
        assert kind.record.elementwise or callable(kind.record.backward), kind


def range_samples():
    """The large-input grid, then every 0.001 from −20 to 20 (the bends, swish's minimum)."""
    return np.concatenate([large_input_grid().ravel(), np.linspace(-20.0, 20.0, 40001)])


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_output_range_holds_h_and_is_reached(kind):
    """Every sampled h lies in [low, high] and reaches each end.

    Reaching: within 1e-6 of a finite end; beyond ±50 toward an infinite one (leaky ReLU
    of −1e4 is −100). Softmax, row by row: each sample s as the row (s, 0) (two classes,
    h = (σ(s), σ(−s))), and the large-input grid's 50 rows of 80.
    """
    low, high = kind.record.output_range
    samples = range_samples()
    if kind.record.elementwise:
        h = run_activate(kind, samples.reshape(1, -1))
    else:
        pairs = np.column_stack([samples, np.zeros_like(samples)])
        h = np.concatenate([run_activate(kind, pairs).ravel(),
                            run_activate(kind, large_input_grid()).ravel()])
    assert h.min() >= low and h.max() <= high
    assert h.min() <= low + 1e-6 if math.isfinite(low) else h.min() < -50.0
    assert h.max() >= high - 1e-6 if math.isfinite(high) else h.max() > 50.0


def test_bounded_records_are_sigmoid_tanh_and_softmax():
    bounded = {kind for kind in KINDS if kind.record.bounded}
    assert bounded == {ActivationType.SIGMOID, ActivationType.TANH, ActivationType.SOFTMAX}
    assert ActivationType.SOFTMAX.record.output_range == (0.0, 1.0)


def test_the_relu_family_gets_he_initialisation_and_every_other_lecun():
    he = {kind for kind in KINDS if kind.record.init_gain == HE_GAIN}
    assert he == {ActivationType.RELU, ActivationType.LEAKY_RELU, ActivationType.ELU,
                  ActivationType.SWISH}
    assert all(kind.record.init_gain == LECUN_GAIN for kind in set(KINDS) - he)
    assert HE_GAIN == math.sqrt(2.0) and LECUN_GAIN == 1.0


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_form_network_draws_weights_with_the_records_gain(kind):
    """A 400-500 hidden layer: the std of its 200 000 weights is gain/√n_in to within 1 %.

    The relative standard error of the std of 200 000 normal draws is
    1/√400 000 ≈ 0.16 %, so 1 % is six of them; √2 and 1 are 41 % apart. An output-only
    activation (softmax) is the output layer's: a 400-500 output layer (500 ≥ 2 outputs).
    """
    n_in, n_out = 400, 500
    if kind.record.output_only:
        network = Form_Network([n_out], np.zeros((1, n_in)), np.zeros((1, n_out)),
                               output_activation=kind, seed=5)
        assert network.output_activation is kind
    else:
        network = Form_Network([n_out, 1], np.zeros((1, n_in)), np.zeros((1, 1)), kind, seed=5)
        assert network.hidden_activations == [kind]
    weights = network.neural_layers[0].weights_matrix
    assert abs(weights.std() / (kind.record.init_gain / math.sqrt(n_in)) - 1.0) < 0.01
    assert abs(weights.mean()) < 5 * weights.std() / math.sqrt(weights.size)

"""Activation functions ``h(a)`` and derivatives ``h'(a)`` (``flux_widgets.activations``).

Oracles: the textbook formulas written out here (leaky slope 0.01, ELU α = 1,
swish ``a · σ(a)``), central finite differences of ``activate`` for the
derivative (step 1e-6, away from the kink at 0), and Python's ``math`` for the
exact left tail of σ. Results must be written in place into ``out``; no
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


@PROPERTY
@given(a=matrices(-30.0, 30.0, max_side=6))
def test_derivative_matches_central_finite_difference(a):
    a = np.where(np.abs(a) > 1e-3, a, 0.5)  # away from the kink at 0
    for kind in KINDS:
        slope = (run_activate(kind, a + STEP) - run_activate(kind, a - STEP)) / (2 * STEP)
        assert np.allclose(run_derivative(kind, a), slope, rtol=1e-6, atol=1e-6), kind


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


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_activate_at_zero_is_zero_except_sigmoid(kind):
    got = run_activate(kind, np.zeros((2, 3)))
    assert np.all(got == (0.5 if kind is ActivationType.SIGMOID else 0.0))


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
])
def test_parse_accepts_names_in_any_case(text, kind):
    assert ActivationType.parse(text) is kind


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_parse_accepts_every_member_name_and_value(kind):
    assert ActivationType.parse(kind.name) is kind
    assert ActivationType.parse(kind.name.lower()) is kind
    assert ActivationType.parse(kind.value) is kind


@pytest.mark.parametrize("value", ["softmax", "relux", "", "leaky", None, 3, 1.5],
                         ids=repr)
def test_parse_refuses_unknown_names_listing_the_valid_ones(value):
    with pytest.raises(ConfigurationError) as caught:
        ActivationType.parse(value)
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, FluxError)
    message = str(caught.value)
    for kind in KINDS:
        assert kind.name in message


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_every_member_has_formula_texts(kind):
    assert isinstance(kind.formula, str) and kind.formula.startswith("h(a) =")
    assert isinstance(kind.derivative_formula, str)
    assert kind.derivative_formula.startswith("h'(a) =")


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
                 "derivative_formula_latex", "init_gain", "output_range", "elementwise"}


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
    for field, start in (("formula", "h(a) ="), ("derivative_formula", "h'(a) =")):
        text, latex = getattr(record, field), getattr(record, f"{field}_latex")
        assert isinstance(text, str) and text.startswith(start) and text == text.strip()
        assert latex.startswith(start)
        assert_latex_of(latex, text)
    assert (kind.formula, kind.derivative_formula) == (record.formula, record.derivative_formula)
    assert type(record.init_gain) is float and math.isfinite(record.init_gain)
    assert record.init_gain > 0
    low, high = record.output_range
    assert isinstance(record.output_range, tuple) and len(record.output_range) == 2
    assert type(low) is float and type(high) is float and low < high
    # the engine computes ∂C/∂a = ∂C/∂h ⊙ h'(a): every activation today is element by element
    assert record.elementwise is True


def range_samples():
    """The large-input grid, then every 0.001 from −20 to 20 (the bends, swish's minimum)."""
    return np.concatenate([large_input_grid().ravel(), np.linspace(-20.0, 20.0, 40001)])


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_output_range_holds_h_and_is_reached(kind):
    """Every sampled h lies in [low, high] and reaches each end.

    Reaching: within 1e-6 of a finite end; beyond ±50 toward an infinite one (leaky ReLU
    of −1e4 is −100).
    """
    low, high = kind.record.output_range
    h = run_activate(kind, range_samples().reshape(1, -1))
    assert h.min() >= low and h.max() <= high
    assert h.min() <= low + 1e-6 if math.isfinite(low) else h.min() < -50.0
    assert h.max() >= high - 1e-6 if math.isfinite(high) else h.max() > 50.0


def test_bounded_records_are_sigmoid_and_tanh():
    bounded = {kind for kind in KINDS if kind.record.bounded}
    assert bounded == {ActivationType.SIGMOID, ActivationType.TANH}


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
    1/√400 000 ≈ 0.16 %, so 1 % is six of them; √2 and 1 are 41 % apart.
    """
    n_in, n_out = 400, 500
    network = Form_Network([n_out, 1], np.zeros((1, n_in)), np.zeros((1, 1)), kind, seed=5)
    weights = network.neural_layers[0].weights_matrix
    assert abs(weights.std() / (kind.record.init_gain / math.sqrt(n_in)) - 1.0) < 0.01
    assert abs(weights.mean()) < 5 * weights.std() / math.sqrt(weights.size)

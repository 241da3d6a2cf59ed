"""Predict, then reveal: a question about the next computation, asked before it runs.

The panel's predict mode (issue 15) asks one question before a step, runs the step, and
grades the answer with numbers from the engine. This module makes and grades the
questions; it reads the network's named matrices and the stepper's next computations
and imports no widget. A question kind is one record of :data:`KINDS`: the matrices
whose computation it asks about, how it is made (``make``: the entry, the prompt, the
choices) and how it is graded (``grade``: the truth and the *why*, read from the
network after the step).

The kinds (the computation asked about writes the matrix named):

* ``sign``: the sign of an entry of the next ``dC_dw_matrix``, ``dC_db_matrix`` or
  ``dC_da_matrix`` (its factors are on screen); the why is the gradient's derivation
  with numbers (:func:`~flux_widgets.derivation.derive_weight_gradient`, …);
* ``vanishing``: whether a neuron's ``h'(a)`` for a sample will be near zero (below
  :data:`NEAR_ZERO`), so that its gradient ∂C/∂a = ∂C/∂h · h'(a) all but vanishes;
* ``value``: an entry of ``weight_and_input_matrix``, ``weight_input_bias_matrix`` or
  ``activated_output_matrix`` to within :data:`VALUE_TOLERANCE`, computable by hand from
  the matrices shown (a layer with at most :data:`HAND_INPUTS` inputs);
* ``largest_change``: which weight of a layer the update will change most
  (|η·∂C/∂W| is largest);
* ``cost_down``: whether this iteration's cost will be below the last one's, after the
  update between them (the first-order prediction ΔC ≈ −η·|∇C|² in the why).

:func:`ask` chooses the question from a seeded generator keyed by ``(seed, iteration,
position)``: an instructor and a class with the same seed get the same questions at the
same place, however they got there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from . import checks
from .derivation import derive_bias_gradient, derive_weight_gradient
from .errors import ConfigurationError

__all__ = ["Question", "Verdict", "Kind", "KINDS", "ask", "grade", "check_answer", "NEAR_ZERO",
           "VALUE_TOLERANCE", "HAND_INPUTS"]

NEAR_ZERO = 0.01  # |h'(a)| below this: the neuron's gradient all but vanishes
VALUE_TOLERANCE = (0.01, 0.005)  # a value is right within 1 % of it or 0.005
HAND_INPUTS = 8  # a value is asked only of a layer with at most this many inputs
SIGNS = ("positive", "negative", "zero")
YES_NO = ("yes", "no")


@dataclass(frozen=True)
class Question:
    """One question about the computation that runs next.

    ``layer`` counts from 1, ``matrix`` is the named matrix asked about and ``entry`` its
    ``(row, column)`` (``None`` for the cost). ``choices`` are the answers to choose from
    (``()``: a number, or a ``(row, column)`` for ``largest_change``). ``iteration`` and
    ``position`` say where the stepper stood when it was asked; ``before`` holds what the
    grading needs from before the step (the last cost, the first-order prediction)."""

    kind: str
    prompt: str
    choices: tuple
    layer: int
    matrix: str
    entry: tuple | None
    iteration: int
    position: int
    before: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Verdict:
    """A graded answer: ``correct``, the answer and the truth in words, and ``why`` (the
    computation with the engine's numbers)."""

    correct: bool
    answer: str
    truth: str
    why: str

    @property
    def text(self):
        head = "Right" if self.correct else "Not quite"
        return f"{head}: you said {self.answer}; it is {self.truth}.\n{self.why}"


@dataclass(frozen=True)
class Kind:
    """A question kind: ``writes`` (the matrices whose computation it asks about),
    ``make(network, stepper, computation, rng) -> (matrix, entry, prompt, choices, before)``
    or ``None`` when it has nothing to ask there, and ``grade(network, question, answer)
    -> Verdict`` on the network after the step (``answer`` already checked)."""

    writes: frozenset
    make: Callable
    grade: Callable


# ---- helpers ---------------------------------------------------------------

def _matrices(network, layer):
    return network.neural_layers[layer - 1].matrices


def _g(value):
    return checks.number_text(value)


def _sign(value):
    return "positive" if value > 0 else "negative" if value < 0 else "zero"


def _pick_entry(rng, shape):
    return int(rng.integers(shape[0])), int(rng.integers(shape[1]))


def _subscript(entry):
    return f"[{entry[0]}, {entry[1]}]"


# ---- sign ------------------------------------------------------------------

_SIGN_MATRICES = ("dC_dw_matrix", "dC_db_matrix", "dC_da_matrix")


def _make_sign(network, stepper, computation, rng):
    names = [name for name in computation.writes if name in _SIGN_MATRICES]
    name = names[int(rng.integers(len(names)))]
    shape = _matrices(network, computation.layer)[name].shape
    entry = _pick_entry(rng, shape)
    what = {"dC_dw_matrix": "the gradient of the weight from input {0} to neuron {1}",
            "dC_db_matrix": "the gradient of neuron {1}'s bias",
            "dC_da_matrix": "∂C/∂a of neuron {1} for sample {0}"}[name].format(*entry)
    prompt = (f"Layer {computation.layer}'s next {name}{_subscript(entry)} ({what}): "
              "positive, negative or zero?")
    return name, entry, prompt, SIGNS, {}


def _grade_sign(network, question, answer):
    layer, (row, column) = question.layer, question.entry
    m = _matrices(network, layer)
    value = float(m[question.matrix][row, column])
    if question.matrix == "dC_dw_matrix":
        why = derive_weight_gradient(network, layer, row, column).text(max_samples=6)
    elif question.matrix == "dC_db_matrix":
        why = derive_bias_gradient(network, layer, column).text(max_samples=6)
    else:
        why = _dC_da_why(network, layer, row, column, value)
    truth = _sign(value)
    return Verdict(answer == truth, answer, f"{truth} ({_g(value)})", why)


def _dC_da_why(network, layer, row, column, value):
    """How ``dC_da[row, column]`` of ``layer`` came about, with its numbers."""
    m, own = _matrices(network, layer), network.neural_layers[layer - 1]
    where = f"[{row},{column}]"
    if own.dC_da_from_cost:
        y, t = m["activated_output_matrix"][row, column], network.targets[row, column]
        return (f"∂C/∂a{where} = (y − t)/N = ({_g(y)} − {_g(t)})/{own.sample_size} = "
                f"{_g(value)} ({own.cost.label} with a {own.activation.name} output): the "
                "sign of y − t.")
    if not own.dC_da_is_product:
        dC_dh, h = m["dC_dy_matrix"][row], m["activated_output_matrix"][row]
        return (f"∂C/∂a{where} = h_{column}·(∂C/∂h_{column} − Σ_k ∂C/∂h_k·h_k) = "
                f"{_g(h[column])}·({_g(dC_dh[column])} − {_g(float(dC_dh @ h))}) = {_g(value)} "
                f"({own.activation.name}'s whole Jacobian).")
    dC_dy, dh_da = m["dC_dy_matrix"][row, column], m["dh_da_matrix"][row, column]
    return (f"∂C/∂a{where} = ∂C/∂h{where} · h'(a{where}) = {_g(dC_dy)} · {_g(dh_da)} = "
            f"{_g(value)}" + (": the sign of ∂C/∂h, since h' ≥ 0 here." if dh_da >= 0
                              else " (this h' is negative here)."))


# ---- vanishing ---------------------------------------------------------------

def _make_vanishing(network, stepper, computation, rng):
    layer = computation.layer
    if not network.neural_layers[layer - 1].dC_da_is_product:
        return None   # softmax, or cross-entropy's output: ∂C/∂a is not ∂C/∂h · h'(a)
    a = _matrices(network, layer)["weight_input_bias_matrix"]
    entry = _pick_entry(rng, a.shape)
    kind = network.neural_layers[layer - 1].activation
    prompt = (f"Layer {layer}, neuron {entry[1]}, sample {entry[0]}: a = {_g(a[entry])} and "
              f"h = {kind.name} ({kind.formula}). Will h'(a) be near zero (below "
              f"{NEAR_ZERO}), so that this neuron's gradient all but vanishes for this sample?")
    return "dh_da_matrix", entry, prompt, YES_NO, {}


def _grade_vanishing(network, question, answer):
    m = _matrices(network, question.layer)
    row, column = question.entry
    slope = float(m["dh_da_matrix"][row, column])
    kind = network.neural_layers[question.layer - 1].activation
    near = abs(slope) < NEAR_ZERO
    why = (f"{kind.derivative_formula} = {_g(slope)} at a = "
           f"{_g(m['weight_input_bias_matrix'][row, column])}; ∂C/∂a = ∂C/∂h · h'(a), so "
           + ("this sample's gradient through the neuron is scaled by less than "
              f"{NEAR_ZERO}: it all but vanishes." if near else
              "this sample's gradient passes through the neuron."))
    return Verdict(answer == ("yes" if near else "no"), answer,
                   ("yes" if near else "no") + f" (h'(a) = {_g(slope)})", why)


# ---- value -------------------------------------------------------------------

_VALUE_MATRICES = ("weight_and_input_matrix", "weight_input_bias_matrix",
                   "activated_output_matrix")


def _make_value(network, stepper, computation, rng):
    names = [name for name in computation.writes if name in _VALUE_MATRICES]
    layer = computation.layer
    m = _matrices(network, layer)
    if m["weights_matrix"].shape[0] > HAND_INPUTS:
        return None
    name = names[int(rng.integers(len(names)))]
    entry = _pick_entry(rng, m[name].shape)
    relative, absolute = VALUE_TOLERANCE
    prompt = (f"Layer {layer}'s next {name}{_subscript(entry)} (sample {entry[0]}, neuron "
              f"{entry[1]}) = ? Within {relative:.0%} or {absolute}, from the matrices shown.")
    return name, entry, prompt, (), {}


def _value_why(network, layer, name, row, column):
    m = _matrices(network, layer)
    x, w, b = m["input_matrix"][row], m["weights_matrix"][:, column], m["bias_matrix"][0, column]
    terms = " + ".join(f"{_g(xi)}·{_g(wi)}" for xi, wi in zip(x, w))
    product = float(m["weight_and_input_matrix"][row, column])
    if name == "weight_and_input_matrix":
        return f"(x·W)[{row},{column}] = Σ_i x[{row},i]·W[i,{column}] = {terms} = {_g(product)}"
    a = float(m["weight_input_bias_matrix"][row, column])
    text = (f"a[{row},{column}] = (x·W)[{row},{column}] + b[{column}] = {_g(product)} + {_g(b)}"
            f" = {_g(a)}, where (x·W)[{row},{column}] = {terms}")
    if name == "activated_output_matrix":
        kind = network.neural_layers[layer - 1].activation
        h = float(m["activated_output_matrix"][row, column])
        at = f"a = {_g(a)}" if kind.record.elementwise else \
            f"the row a = [{', '.join(map(_g, m['weight_input_bias_matrix'][row]))}]"
        text = f"{kind.formula} = {_g(h)} at {at}, where " + text
    return text


def _grade_value(network, question, answer):
    row, column = question.entry
    value = float(_matrices(network, question.layer)[question.matrix][row, column])
    relative, absolute = VALUE_TOLERANCE
    close = abs(answer - value) <= max(relative * abs(value), absolute)
    why = _value_why(network, question.layer, question.matrix, row, column)
    if not close:
        why += f"\nYours is off by {_g(answer - value)}."
    return Verdict(close, _g(answer), _g(value), why)


# ---- largest change ----------------------------------------------------------

def _make_largest_change(network, stepper, computation, rng):
    layer = computation.layer
    shape = _matrices(network, layer)["weights_matrix"].shape
    prompt = (f"The update W ← W − η·dC_dw (η = {_g(stepper.learning_rate)}) of layer {layer} "
              f"is next. Which weight of its {shape[0]}x{shape[1]} weights_matrix will change "
              "most? Answer its row and column.")
    return "weights_matrix", None, prompt, (), {"learning_rate": stepper.learning_rate}


def _grade_largest_change(network, question, answer):
    gradient = _matrices(network, question.layer)["dC_dw_matrix"]
    rate = question.before["learning_rate"]
    changes = np.abs(rate * gradient)
    largest = float(changes.max())
    best = tuple(int(i) for i in np.unravel_index(int(np.argmax(changes)), changes.shape))
    yours = float(changes[answer])
    correct = yours == largest
    why = (f"Each weight changes by −η·∂C/∂W[i, j]; the largest |change| is "
           f"{_g(largest)} at {_subscript(best)} (∂C/∂W = {_g(gradient[best])}), "
           f"yours at {_subscript(answer)} changes by {_g(-rate * gradient[answer])}. "
           "The weights change most where the gradient is steepest.")
    return Verdict(correct, _subscript(answer), _subscript(best), why)


# ---- cost down ---------------------------------------------------------------

def _make_cost_down(network, stepper, computation, rng):
    if network.iteration < 1 or not math.isfinite(network.cost):
        return None  # no cost before an update to compare with
    # the gradients still held are those the last update used: ΔC ≈ −η·|∇C|²
    squares = sum(float(np.sum(layer.dC_dw_matrix ** 2) + np.sum(layer.dC_db_matrix ** 2))
                  for layer in network.neural_layers)
    rate = stepper.learning_rate
    prompt = (f"The last iteration's cost was C = {_g(network.cost)}; its update used "
              f"η = {_g(rate)}. Will this iteration's cost be lower?")
    return "cost", None, prompt, YES_NO, {"cost": network.cost, "predicted": -rate * squares}


def _grade_cost_down(network, question, answer):
    before, after = question.before["cost"], float(network.cost)
    lower = after < before
    why = (f"C went from {_g(before)} to {_g(after)} (ΔC = {_g(after - before)}). To first "
           f"order an update changes C by −η·|∇C|² = {_g(question.before['predicted'])}: "
           "a step downhill, if η is small enough; a large η can overshoot the valley and "
           "raise the cost.")
    return Verdict(answer == ("yes" if lower else "no"), answer,
                   "yes" if lower else "no", why)


KINDS = {
    "sign": Kind(frozenset(_SIGN_MATRICES), _make_sign, _grade_sign),
    "vanishing": Kind(frozenset({"dh_da_matrix"}), _make_vanishing, _grade_vanishing),
    "value": Kind(frozenset(_VALUE_MATRICES), _make_value, _grade_value),
    "largest_change": Kind(frozenset({"weights_matrix"}), _make_largest_change,
                           _grade_largest_change),
    "cost_down": Kind(frozenset({"cost"}), _make_cost_down, _grade_cost_down),
}


# ---- asking and grading ------------------------------------------------------

def ask(stepper, granularity="computation", seed=0):
    """A :class:`Question` about a computation of the next step of ``stepper`` at
    ``granularity``, or ``None`` when no kind has anything to ask there.

    The choice (computation, kind, entry) is drawn from a generator seeded with
    ``(seed, iteration, position)``: the same seed asks the same question at the same
    place in the same network."""
    seed = checks.whole_number(seed, "the seed", 0, checks.MAX_SEED)
    network = stepper.network
    computations = stepper.next_computations(granularity)
    if computations[0].writes == ("input_matrix",):
        return None   # it takes new samples first: what follows reads rows not held yet
    rng = np.random.default_rng([seed, network.iteration, stepper.position])
    options = [(computation, name) for computation in computations
               for name, kind in KINDS.items() if kind.writes & set(computation.writes)]
    for index in rng.permutation(len(options)):
        computation, name = options[int(index)]
        made = KINDS[name].make(network, stepper, computation, rng)
        if made is not None:
            matrix, entry, prompt, choices, before = made
            return Question(name, prompt, choices, computation.layer, matrix, entry,
                            network.iteration, stepper.position, before)
    return None


def check_answer(question, answer, network):
    """The answer in the form its kind grades: a choice, a finite number, or an entry."""
    if question.choices:
        text = str(answer).strip().lower()
        if text not in question.choices:
            raise ConfigurationError(f"answer one of {', '.join(question.choices)}; "
                                     f"got {answer!r}")
        return text
    if question.kind == "largest_change":
        rows, columns = _matrices(network, question.layer)["weights_matrix"].shape
        try:
            row, column = answer
        except (TypeError, ValueError):
            raise ConfigurationError(
                f"answer a weight as (row, column); got {answer!r}") from None
        return (checks.whole_number(row, "row", 0, rows - 1),
                checks.whole_number(column, "column", 0, columns - 1))
    return float(checks.finite_real(answer, "your value"))


def grade(question, answer, network):
    """Grade ``answer`` to ``question`` on ``network`` after the step it asked about ran.

    Raises :class:`~flux_widgets.errors.ConfigurationError` for an answer of the wrong
    form (not a choice, not a finite number, an entry outside the matrix)."""
    answer = check_answer(question, answer, network)
    return KINDS[question.kind].grade(network, question, answer)

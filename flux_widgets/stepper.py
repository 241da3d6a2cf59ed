"""The step engine: run a network one computation, one layer, one pass or one iteration at a time.

One iteration of a network with L layers is this list of computations (the
panel walks it; a lesson prints it; it is defined once, with the names each
computation writes, by :func:`~flux_widgets.network.iteration_computations`)::

    forward,  layer 1..L:  weight_and_input_matrix   = input_matrix · weights_matrix
                           weight_input_bias_matrix  = weight_and_input_matrix + broadcast(bias)
                           activated_output_matrix   = h(weight_input_bias_matrix)
    backward, layer L:     cost C and dC_dy_matrix   = (2/N)(y − t)
              layer L−1..1: dC_dy_matrix             = next dC_da_matrix · next weights_matrixᵀ
              every layer:  dh_da_matrix, dC_da_matrix, dC_dw_matrix, dC_db_matrix
    update,   layer 1..L:  weights_matrix −= η·dC_dw_matrix;  bias_matrix −= η·dC_db_matrix

Mini-batches (``Stepper(..., batch_size=32)``, or :attr:`Stepper.batch_size` later): an
iteration then begins with one more computation, in layer 1, that takes its samples — the
next mini-batch of a seeded shuffle per epoch, as ``Learn`` takes them
(:func:`~flux_widgets.network.next_batch`): ``input_matrix`` and the targets become the
batch's rows, and every per-sample matrix holds that many rows. Going back to all samples
(``batch_size = None``) takes them the same way, once. The batch size and shuffle seed are
settings, like the learning rate: they may change at any time and are read when an
iteration begins.

Every step can be undone exactly: before a step the stepper keeps a
:class:`Checkpoint`, a snapshot of the network (one copy of ``network.state``)
and of the MSE curve. The history is bounded: at most ``history_limit`` steps
(default 200) and ``history_bytes`` of snapshots (default 64 MiB), whichever
is smaller, and at least one; older steps are forgotten. The state the network
was formed in is always kept: ``reset()`` goes back to it (and can itself be
undone).

The MSE curve is bounded too (:class:`~flux_widgets.curve.CostCurve`): it keeps
the cost of every iteration up to ``curve_points`` (default 4096) points; past
that it keeps every 2nd, then every 4th, … iteration (iterations 1 + k·stride,
evenly spread over the run), and always the latest. So a panel left training
for 10⁵ iterations holds a curve of at most ``curve_points + 1`` points, not 10⁵.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

from . import checks
from .curve import EMPTY_CURVE, CostCurve, CurveSnapshot
from .errors import ConfigurationError, NonFiniteError
from .layer import PARAMETER_NAMES, PER_SAMPLE_NAMES
from .network import (MAX_ITERATIONS, Learn, Neural_Layer_Information, first_non_finite,
                      iteration_computations, next_batch)

__all__ = ["Computation", "Step", "Checkpoint", "Stepper", "GRANULARITIES", "STEPPER_COPIES"]

GRANULARITIES = ("computation", "layer", "phase", "iteration")
STEPPER_COPIES = 3  # of the network's state a stepper holds: itself, as formed, ≥ 1 undo step


@dataclass(frozen=True)
class Computation:
    """One named computation of an iteration.

    ``writes`` names the matrices it writes in its layer (``"cost"`` for the
    cost); ``description`` says it in words, ``formula`` in symbols as Unicode text
    and ``latex`` in LaTeX (without ``$`` delimiters, for slides), each with the
    shapes in a bracket: ``"x·W  [16x4 · 4x8 → 16x8]"`` and
    ``r"x W \\quad [16\\times 4 \\cdot 4\\times 8 \\to 16\\times 8]"``.
    """

    phase: str
    layer: int
    writes: tuple
    description: str
    formula: str
    latex: str
    run: Callable = field(repr=False, compare=False)

    def __str__(self):
        return f"layer {self.layer}: {self.description}   {self.formula}"


@dataclass(frozen=True)
class Step:
    """What one call of :meth:`Stepper.step` did.

    ``computations`` ran in order; ``iteration`` is the iteration they belong
    to (counted from 1); ``cost`` is the network's cost after the step
    (``nan`` before the first cost); ``non_finite`` is ``(layer, matrix)`` of
    the first computed matrix holding inf or nan, or ``None``; ``batch`` the
    mini-batch the network holds after the step (``None``: all samples).
    """

    computations: tuple
    iteration: int
    cost: float
    non_finite: tuple = None
    note: str = ""
    batch: object = None

    @property
    def written(self):
        """``[(layer, matrix name), ...]`` for everything this step wrote."""
        return [(c.layer, name) for c in self.computations for name in c.writes]

    @property
    def narration(self):
        """One line for the learner: what was just computed, with the formula."""
        done = self.computations
        if self.note:
            text = self.note
        elif not done:
            text = "Nothing was computed."
        elif len(done) == 1:
            text = f"Iteration {self.iteration}{batch_words(self.batch)}, {done[0]}"
        else:
            text = (f"Iteration {self.iteration}{batch_words(self.batch)}, "
                    + "; ".join(_in_order(done)))
        if any("cost" in c.writes for c in done) and not self.note:
            text += f"   (C = {self.cost:.6g})"
        if self.non_finite:
            layer, name = self.non_finite
            what = "the cost" if layer is None else f"layer {layer}'s {name}"
            text += (f"  ⚠ {what} is no longer finite (inf or nan): step back and lower the "
                     "learning rate.")
        return text


def batch_words(batch):
    """``" (mini-batch 2 of epoch 0, 32 samples)"``, or ``""`` for all samples (``None``)."""
    if batch is None:
        return ""
    return f" (mini-batch {batch.number} of epoch {batch.epoch}, {len(batch.rows)} samples)"


def _rows_text(rows, shown=8):
    """``"samples 17, 4, 9, … (32 of 150)"``: the first ``shown`` sample numbers of ``rows``."""
    head = ", ".join(str(int(r)) for r in rows[:shown])
    return f"sample{'s' * (len(rows) != 1)} {head}{', …' if len(rows) > shown else ''}"


def _in_order(computations):
    """What ``computations`` wrote, phase by phase and layer by layer, in the order run.

    Consecutive layers that wrote the same matrices are said once:
    ``backward in layer 3: cost → dC_dy_matrix → …; then in layer 2, then 1: dC_dy_matrix → …``.
    """
    runs = []  # [phase, [layers], names], one per group of consecutive layers
    for phase, layer, names in _per_layer(computations):
        if runs and runs[-1][0] == phase and runs[-1][2] == names:
            runs[-1][1].append(layer)
        else:
            runs.append([phase, [layer], names])
    parts = []
    for index, (phase, layers, names) in enumerate(runs):
        where = "layer " + ", then ".join(map(str, layers))
        same_phase = index and runs[index - 1][0] == phase
        parts.append(f"{'then in' if same_phase else phase + ' in'} {where}: {' → '.join(names)}")
    return parts


def _per_layer(computations):
    """``(phase, layer, names written)`` for each layer in turn (step matrices left out)."""
    grouped = []
    for c in computations:
        names = [name for name in c.writes if not name.endswith("step_matrix")]
        if grouped and grouped[-1][:2] == (c.phase, c.layer):
            grouped[-1][2].extend(names)
        else:
            grouped.append((c.phase, c.layer, names))
    return grouped


@dataclass(frozen=True)
class Checkpoint:
    """What undo goes back to.

    ``network`` is ``network.snapshot()``; ``position`` the index of the next
    computation; ``curve`` the MSE curve's ``snapshot()``; ``last_step`` the
    :class:`Step` the narration showed; ``takes_samples`` whether the iteration
    under way began by taking its samples (see :attr:`Stepper.takes_samples`).
    """

    network: tuple
    position: int
    curve: CurveSnapshot
    last_step: Step | None
    takes_samples: bool = False


def _shape(matrix):
    return "x".join(str(n) for n in matrix.shape)


_SHAPE_LATEX = str.maketrans({"x": r"\times ", "·": r"\cdot", "→": r"\to"})


def shapes_latex(shapes):
    """The shape bracket's text in LaTeX: ``"16x4 · 4x8 → 16x8"`` →
    ``r"16\\times 4 \\cdot 4\\times 8 \\to 16\\times 8"``."""
    return shapes.translate(_SHAPE_LATEX)


def _shaped(formula, latex, shapes):
    """``(formula, latex)`` of a computation, each followed by the bracket of ``shapes``
    (Unicode text such as ``"16x4 · 4x8 → 16x8"``): ``"x·W  [16x4 · …]"`` and
    ``r"x W \\quad [16\\times 4 \\cdot …]"``."""
    return f"{formula}  [{shapes}]", rf"{latex} \quad [{shapes_latex(shapes)}]"


def _dC_da_computation(layer, kind, a):
    """What the computation of ``dC_da_matrix`` says (see Neural_Layer.compute_dC_da)."""
    if layer.dC_da_from_cost:
        description = (f"dC_da_matrix = (y − t)/N, from y and t: ∂C/∂y times h' simplified "
                       f"({layer.cost.label} with a {kind.name} output)")
        formula = layer.cost.gradient_formula(kind).split(";")[-1].strip()
        latex = layer.cost.gradient_formula_latex(kind).split(";")[-1].strip()
    elif not kind.record.elementwise:
        description = (f"dC_da_matrix = dC_dy_matrix times {kind.name}'s whole Jacobian (not "
                       "diagonal; dh_da_matrix holds its diagonal)")
        formula = "∂C/∂a_j = h_j·(∂C/∂h_j − Σ_k ∂C/∂h_k·h_k)"
        latex = (r"\frac{\partial C}{\partial a_j} = h_j \left(\frac{\partial C}{\partial h_j}"
                 r" - \sum_k \frac{\partial C}{\partial h_k} h_k\right)")
    else:
        description, formula = "dC_da_matrix = dC_dy_matrix ⊙ dh_da_matrix", "∂C/∂a = ∂C/∂h ⊙ h'(a)"
        latex = r"\frac{\partial C}{\partial a} = \frac{\partial C}{\partial h} \odot h'(a)"
    return (description, *_shaped(formula, latex, _shape(a)), layer.compute_dC_da)


_PARTIAL = r"\frac{{\partial C}}{{\partial {}}}"  # ∂C/∂{} in LaTeX


def _layer_computations(network, index, learning_rate_of):
    """What each computation of layer ``index`` (0-based) says and runs:
    ``{the last name it writes: (description, formula, latex, run)}``."""
    layers = network.neural_layers
    layer = layers[index]
    number = index + 1
    last = index == len(layers) - 1
    m = layer.matrices
    x, w, a = m["input_matrix"], m["weights_matrix"], m["weight_input_bias_matrix"]
    samples = layer.sample_size
    kind = layer.activation
    input_name = "input_matrix" if index == 0 else f"input_matrix (= layer {index}'s output)"
    d = _PARTIAL.format

    cost = layer.cost
    if last:
        def cost_and_dC_dy():
            network.cost = layer.compute_output_dC_dy(network.targets)

        dC_dy = (f"cost {cost.formula(kind)} and dC_dy_matrix = ∂C/∂y",
                 *_shaped(f"{cost.gradient_formula(kind).split(';')[0]}, N = {samples}",
                          rf"{cost.gradient_formula_latex(kind).split(';')[0]}, \; N = {samples}",
                          _shape(a)),
                 cost_and_dC_dy)
    else:
        following = layers[index + 1]
        w_next = following.weights_matrix
        dC_dy = (f"dC_dy_matrix = layer {number + 1}'s dC_da_matrix · layer {number + 1}'s "
                 "weights_matrixᵀ",
                 *_shaped("∂C/∂h = ∂C/∂a_next · W_nextᵀ",
                          d("h") + " = " + d(r"a_{\text{next}}") + r" W_{\text{next}}^{\top}",
                          f"{samples}x{w_next.shape[1]} · {w_next.shape[1]}x{w_next.shape[0]} "
                          f"→ {_shape(a)}"),
                 lambda: layer.compute_hidden_dC_dy(following))

    return {
        "weight_and_input_matrix": (
            f"weight_and_input_matrix = {input_name} · weights_matrix",
            *_shaped("x·W", "x W", f"{_shape(x)} · {_shape(w)} → {_shape(a)}"),
            layer.compute_weight_and_input),
        "weight_input_bias_matrix": (
            "weight_input_bias_matrix = weight_and_input_matrix + bias_matrix "
            f"(the bias row repeated for each of the {samples} samples)",
            *_shaped("a = x·W + b", "a = x W + b", f"{_shape(a)} + 1x{a.shape[1]}"),
            layer.compute_weight_input_bias),
        "activated_output_matrix": (
            f"activated_output_matrix = h(weight_input_bias_matrix), h = {kind.name}",
            *_shaped(kind.formula, kind.record.formula_latex, _shape(a)),
            layer.Activate),
        "dC_dy_matrix": dC_dy,
        "dh_da_matrix": (
            f"dh_da_matrix = h'(weight_input_bias_matrix), h = {kind.name}",
            *_shaped(kind.derivative_formula, kind.record.derivative_formula_latex, _shape(a)),
            lambda: layer.Dh_Da_Function(last)),
        "dC_da_matrix": _dC_da_computation(layer, kind, a),
        "dC_dw_matrix": (
            "dC_dw_matrix = input_matrixᵀ · dC_da_matrix",
            *_shaped("∂C/∂W = xᵀ·∂C/∂a", rf"{d('W')} = x^{{\top}} {d('a')}",
                     f"{x.shape[1]}x{x.shape[0]} · {_shape(a)} → {_shape(w)}"),
            layer.compute_dC_dw),
        "dC_db_matrix": (
            "dC_db_matrix = column sums of dC_da_matrix",
            *_shaped(f"∂C/∂b = Σ over the {samples} sample{'s' * (samples != 1)} of ∂C/∂a",
                     rf"{d('b')} = \sum_{{n=1}}^{{{samples}}} {d('a_{n}')}",
                     f"1x{a.shape[1]}"),
            layer.compute_dC_db),
        "weights_matrix": (
            "weights_matrix = weights_matrix − η·dC_dw_matrix",
            *_shaped("W ← W − η·∂C/∂W", rf"W \leftarrow W - \eta {d('W')}", _shape(w)),
            lambda: layer.update_weights(learning_rate_of())),
        "bias_matrix": (
            "bias_matrix = bias_matrix − η·dC_db_matrix",
            *_shaped("b ← b − η·∂C/∂b", rf"b \leftarrow b - \eta {d('b')}", f"1x{a.shape[1]}"),
            lambda: layer.update_bias(learning_rate_of())),
    }


class Stepper:
    """Drive a formed network step by step, with exact undo.

    Parameters
    ----------
    network : Neural_Layer_Information
    learning_rate : float
        η, a positive finite number (change it later with :attr:`learning_rate`).
    history_limit : int
        The most steps that can be undone.
    history_bytes : int
        The most memory the undo snapshots may take.
    curve_points : int
        The most points the MSE curve keeps before it is thinned (see above).
    batch_size : int or None
        Mini-batches of this many samples (1 to N), or ``None``: all samples (the seed's).
    shuffle_seed : int
        The seed of the mini-batches' shuffle (see :func:`~flux_widgets.network.next_batch`).

    Attributes
    ----------
    computations : list of Computation
        One iteration, in order (with mini-batches, the first takes the samples).
    position : int
        Index in ``computations`` of the next computation.
    curve : CostCurve
        The cost curve; ``cost_values``, ``iteration_points``, ``curve_stride``
        and ``curve_points`` read its ``cost_values``, ``iteration_points``,
        ``stride`` and ``limit``.
    cost_values, iteration_points : list
        The cost of completed iterations (MSE or cross-entropy: :attr:`cost_label`;
        ``mse_values`` is the seed's name for the same list) and their numbers (for the chart):
        every iteration while there are at most ``curve_points``, then
        iterations 1 + k·``curve_stride`` and the latest.
    last_step : Step or None
    """

    def __init__(self, network, learning_rate=0.1, history_limit=200,
                 history_bytes=64 * 1024 ** 2, curve_points=4096, batch_size=None,
                 shuffle_seed=0):
        if not isinstance(network, Neural_Layer_Information):
            raise ConfigurationError(f"a Stepper drives a network made by Form_Network, got "
                                     f"{type(network).__name__}")
        self.network = network
        self.learning_rate = learning_rate
        self.batch_size, self.shuffle_seed = batch_size, shuffle_seed
        history_limit, history_bytes, curve_points = (
            checks.whole_number(value, name, least=1)
            for name, value in (("history_limit", history_limit),
                                ("history_bytes", history_bytes), ("curve_points", curve_points)))
        capacity = max(1, min(history_limit, history_bytes // max(1, network.state.nbytes)))
        self._history = deque(maxlen=capacity)
        self._lists = {}   # (rows held, batch setting) -> one iteration's computations
        self.position = 0
        self._takes = False
        self.curve = CostCurve(curve_points)
        self.last_step = None
        self._formed = self._checkpoint()

    # ---- settings --------------------------------------------------------

    @property
    def learning_rate(self):
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self._learning_rate = checks.learning_rate(value)

    @property
    def batch_size(self):
        """The size of the mini-batches the next iterations take (``None``: all samples)."""
        return self._batch_size

    @batch_size.setter
    def batch_size(self, value):
        self._batch_size = None if value is None else checks.whole_number(
            value, "the batch size", 1, self.network.sample_size)

    @property
    def shuffle_seed(self):
        return self._shuffle_seed

    @shuffle_seed.setter
    def shuffle_seed(self, value):
        self._shuffle_seed = checks.shuffle_seed(value)

    @property
    def takes_samples(self):
        """Whether the iteration begins (at position 0: will begin) by taking its samples:
        with mini-batches always, and once after them to take all samples again."""
        if self.position == 0:
            return self._batch_size is not None or self.network.batch is not None
        return self._takes

    @property
    def computations(self):
        """One iteration's :class:`Computation` s, in order; their formulas give the shapes
        of the rows held (a mini-batch's, once it is taken)."""
        return self._computations(self.takes_samples)

    def _computations(self, takes_samples):
        """:attr:`computations`, beginning by taking the samples or not (each list made once
        per number of rows held and batch setting)."""
        rows = self.network.neural_layers[0].sample_size
        key = (rows, (self._batch_size, self._shuffle_seed) if takes_samples else None)
        listed = self._lists.get(key)
        if listed is None:
            if takes_samples:
                listed = [self._taking(), *self._computations(False)]
            else:
                network = self.network
                per_layer = [_layer_computations(network, index, lambda: self._learning_rate)
                             for index in range(len(network.neural_layers))]
                listed = [Computation(phase, number, writes, *per_layer[number - 1][writes[-1]])
                          for phase, number, writes in iteration_computations(network)]
            self._lists[key] = listed
        return listed

    def _taking(self, taken=None):
        """The computation that takes an iteration's samples; ``taken``: the batch it took
        (or ``None`` for all samples), to say which."""
        network, size = self.network, self._batch_size
        N, inputs = network.sample_size, network.layers_vector[0]
        formula, latex = "x = X[rows], t = T[rows]", r"x = X_{\text{rows}}, \; t = T_{\text{rows}}"
        if taken is not None:
            description = (f"input_matrix and the targets = the rows of {_rows_text(taken.rows)} "
                           f"({len(taken.rows)} of {N})")
            rows = len(taken.rows)
        elif size is None:
            description = (f"input_matrix and the targets = all {N} samples again, in order "
                           "(full batch)")
            formula, latex, rows = "x = X, t = T", r"x = X, \; t = T", N
        else:
            description = (f"input_matrix and the targets = the next mini-batch of {size} of the "
                           f"{N} samples (a new shuffle each epoch, seed {self._shuffle_seed})")
            rows = size
        return Computation("forward", 1, ("input_matrix",), description,
                           *_shaped(formula, latex, f"{rows}x{inputs}"), self._take_samples)

    def _take_samples(self):
        """Hold the next mini-batch (:func:`~flux_widgets.network.next_batch`), or all samples."""
        if self._batch_size is None:
            self.network.select_all()
        else:
            self.network._hold(next_batch(self.network, self._batch_size, self._shuffle_seed))

    @property
    def history_capacity(self):
        """How many steps can be undone at most (``history_limit`` within ``history_bytes``)."""
        return self._history.maxlen

    # ---- the cost curve (read-only views of self.curve) --------------------

    @property
    def cost_values(self):
        """The cost of each completed iteration: MSE or cross-entropy, as :attr:`cost_label`
        says."""
        return self.curve.cost_values

    mse_values = cost_values   # the seed's name for the same list

    @property
    def cost_label(self):
        """What the curve's values are: ``"MSE"`` or ``"cross-entropy"``."""
        return self.network.cost_type.record.label

    @property
    def iteration_points(self):
        return self.curve.iteration_points

    @property
    def curve_stride(self):
        return self.curve.stride

    @property
    def curve_points(self):
        return self.curve.limit

    # ---- where we are ----------------------------------------------------

    @property
    def next_computation(self):
        return self.computations[self.position]

    @property
    def place(self):
        """Where the stepper stands, in words: ``"at the start of iteration 3"`` or ``"in
        iteration 1, after 4 of its 30 computations"``. Iterations count from 1, as in
        the narration: the one named is the one the next step computes in (the network's
        ``iteration`` counts those completed)."""
        iteration = self.network.iteration + 1
        if not self.position:
            return f"at the start of iteration {iteration}"
        return (f"in iteration {iteration}{batch_words(self.network.batch)}, after "
                f"{self.position} of its {len(self.computations)} computations")

    @property
    def can_undo(self):
        return bool(self._history)

    def computed(self, layer, name):
        """Whether matrix ``name`` of layer ``layer`` (from 1) was written since forming.

        The parameters and layer 1's ``input_matrix`` (the data) hold values from the
        start; layer k's ``input_matrix`` is layer k−1's ``activated_output_matrix``. Any
        other matrix (``"cost"`` with the last layer's number) is written from iteration 1
        on and, in iteration 0, once a computation before :attr:`position` wrote it; so is
        a per-sample matrix (and the cost) in an iteration that took new samples (a
        mini-batch): its rows belong to other samples until this iteration writes it.
        """
        if name in PARAMETER_NAMES or (layer, name) == (1, "input_matrix"):
            return True
        if name == "input_matrix":
            layer, name = layer - 1, "activated_output_matrix"
        new_rows = self.position and self._takes and (name in PER_SAMPLE_NAMES or name == "cost")
        return (self.network.iteration > 0 and not new_rows) or any(
            c.layer == layer and name in c.writes for c in self.computations[:self.position])

    def _checkpoint(self, whole_curve=False):
        """A :class:`Checkpoint` of now. Steps only add to the MSE curve, so its latest
        point is enough to undo them; going back over a reset needs the whole curve."""
        return Checkpoint(self.network.snapshot(), self.position,
                          self.curve.snapshot(whole_curve), self.last_step, self._takes)

    def _go_back_to(self, checkpoint):
        self.network.restore(checkpoint.network)
        self.position = checkpoint.position
        self.curve.restore(checkpoint.curve)
        self.last_step = checkpoint.last_step
        self._takes = checkpoint.takes_samples

    # ---- stepping --------------------------------------------------------

    def _span(self, granularity):
        """How many computations the next step of this granularity runs."""
        if granularity not in GRANULARITIES:
            raise ConfigurationError(
                f"granularity must be one of {', '.join(GRANULARITIES)}; got {granularity!r}")
        computations = self.computations
        start = computations[self.position]
        end = self.position + 1
        if granularity == "computation":
            return 1
        while end < len(computations):
            following = computations[end]
            if granularity == "layer" and (following.phase, following.layer) != (start.phase,
                                                                                  start.layer):
                break
            if granularity == "phase" and following.phase != start.phase:
                break
            end += 1
        return end - self.position

    def next_computations(self, granularity="computation"):
        """The computations the next :meth:`step` at ``granularity`` would run, in order."""
        return tuple(self.computations[self.position:self.position + self._span(granularity)])

    def step(self, granularity="computation"):
        """Run the next computation, layer, pass (``"phase"``) or the rest of the iteration.

        Returns the :class:`Step`; it never raises for non-finite numbers but
        reports them in ``Step.non_finite`` (undo goes back).
        """
        count = self._span(granularity)
        self._history.append(self._checkpoint())
        iteration = self.network.iteration + 1
        start = self.position
        if not start:
            self._takes = self.takes_samples
        taking = int(not start and self._takes)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # reported below
            if taking:  # the samples first: the rest is computed (and described) for them
                self._take_samples()
            computations = self._computations(self._takes)   # this iteration's, for its rows
            done = computations[start:start + count]
            if taking:
                done[0] = self._taking(self.network.batch)  # says which samples it took
            for computation in done[taking:]:
                computation.run()
        self.position += count
        if self.position == len(computations):
            self.position = 0
            self.network.iteration = iteration
            self.curve.extend([iteration], [self.network.cost])
        wrote_cost = any("cost" in c.writes for c in done)
        with np.errstate(over="ignore", invalid="ignore"):
            total = self.network.state.sum()
        finite = math.isfinite(total) and not (wrote_cost and not math.isfinite(self.network.cost))
        step = Step(tuple(done), iteration, self.network.cost, batch=self.network.batch)
        if not finite:
            step = replace(step, non_finite=first_non_finite(self.network, step.written))
        self.last_step = step
        return step

    def train(self, iterations, undoable=True):
        """Run ``iterations`` whole iterations with ``Learn`` (a started one is finished first and counts).

        Returns the :class:`Step` (its computations are those of the finished
        partial iteration, if any). On divergence a
        :class:`~flux_widgets.errors.NonFiniteError` is raised: if the started
        iteration went non-finite, after the network, the curve and the undo
        history were put back exactly as they were before ``train``; if a later
        one did, ``Learn``'s, after the network was put back to its last finite
        iteration, whose costs are kept (and one undo step goes back to before
        ``train``). With ``undoable=False`` (a long run in chunks) no new undo
        step is made.
        """
        iterations = checks.whole_number(iterations, "iterations", 1, MAX_ITERATIONS)
        # the undo step, and the way back should finishing a started iteration diverge
        before = self._checkpoint() if undoable or self.position else None
        done = ()
        if self.position:
            done = tuple(self.computations[self.position:])
            self._finish_iteration(done, before)
            iterations -= 1
        if undoable:
            self._history.append(before)
        if done:
            self.curve.extend([self.network.iteration], [self.network.cost])
        try:
            learned = Learn(self.network, self._learning_rate, iterations, self._batch_size,
                            self._shuffle_seed) if iterations else ((), (), ())
        except NonFiniteError as error:
            self.curve.extend(error.iteration_points, error.cost_values)
            raise
        self.curve.extend(learned[1], learned[0])
        batch = self.network.batch
        if batch is None:
            said = f"cost C = {self.network.cost:.6g}"
        else:
            epoch = self.last_epoch_cost()
            said = f"the last mini-batch's cost C = {self.network.cost:.6g}" + (
                "" if epoch is None else f"; epoch {epoch[0]}'s cost (the mean of its "
                f"batches' costs, weighted by their sizes) {epoch[1]:.6g}")
        self.last_step = Step(done, self.network.iteration, self.network.cost, batch=batch, note=(
            f"Trained to iteration {self.network.iteration}{batch_words(batch)} with learning "
            f"rate {checks.number_text(self._learning_rate)}: {said}"))
        return self.last_step

    def last_epoch_cost(self):
        """``(epoch, cost)`` of the last epoch of the mini-batches held that ended: the mean
        of its batches' costs weighted by their sizes (as ``Learn``'s ``epoch_costs``), read
        from the curve; ``None`` before one ended, or when the curve does not hold all its
        batches' costs (thinned, or the epoch ran before the stepper). An epoch's batches
        run one per iteration, in order, up to the batch held (``next_batch`` starts at
        epoch 0 whenever the batch size or shuffle seed changes)."""
        batch = self.network.batch
        if batch is None:
            return None
        N, size = self.network.sample_size, batch.size
        count = -(-N // size)   # batches in an epoch
        taken = self.network.iteration + bool(self.position)   # the iteration batch is of
        if batch.number == count - 1 and not self.position:    # its epoch just ended
            epoch, last = batch.epoch, taken
        else:                                                  # the epoch before it
            epoch, last = batch.epoch - 1, taken - batch.number - 1
        if epoch < 0:
            return None
        costs = dict(zip(self.iteration_points, self.cost_values))
        points = range(last - count + 1, last + 1)
        if not all(point in costs for point in points):
            return None
        sizes = [size] * (count - 1) + [N - size * (count - 1)]
        return epoch, sum(costs[point] * r for point, r in zip(points, sizes)) / N

    def _finish_iteration(self, done, before):
        """Run ``done``, the rest of the started iteration, and check it as ``Learn``
        checks an iteration: if it leaves the cost or a matrix non-finite, put
        everything back to ``before`` and raise NonFiniteError."""
        network = self.network
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for computation in done:
                computation.run()
            finite = math.isfinite(network.cost) and math.isfinite(
                network.state.dot(network.state))  # as Learn: one pass, exact search if not
        where = None if finite else first_non_finite(network)
        iteration = network.iteration + 1
        if where is None:
            self.position = 0
            network.iteration = iteration
            return
        self._go_back_to(before)
        layer, matrix = where
        what = "the cost" if layer is None else f"layer {layer}'s {matrix}"
        error = NonFiniteError(
            f"training stopped in iteration {iteration}: finishing it, {what} became "
            f"non-finite (inf or nan). The learning rate "
            f"{checks.number_text(self._learning_rate)} is probably too large for this "
            f"network; it was put back as it was before training, part-way through "
            f"iteration {iteration}.", iteration=iteration, layer=layer, matrix=matrix)
        raise error

    def set_parameter(self, layer, name, row, column, value):
        """Set one weight or bias by hand (undoable); the next forward pass shows its effect.

        ``layer`` counts from 1, ``name`` is ``"weights_matrix"`` or ``"bias_matrix"``.
        """
        layers = len(self.network.neural_layers)
        whole = all(checks.is_whole_number(n) for n in (layer, row, column))
        exists = whole and 1 <= layer <= layers and name in ("weights_matrix", "bias_matrix")
        if exists:
            matrix = self.network.neural_layers[layer - 1].matrices[name]
            exists = 0 <= row < matrix.shape[0] and 0 <= column < matrix.shape[1]
        if not exists:
            raise ConfigurationError(f"there is no {name}[{row}, {column}] in layer {layer}; "
                                     f"layers count from 1 to {layers}, and a weight or bias "
                                     "is set by hand")
        value = checks.finite_real(value, "a weight" if name == "weights_matrix" else "a bias")
        self._history.append(self._checkpoint())
        matrix[row, column] = value

    def before_last_step(self, layer, name):
        """The values matrix ``name`` of ``layer`` (counted from 1) held before the last
        :meth:`step`, read from its undo checkpoint; call it right after the step (a later
        action has a checkpoint of its own). A read-only view, the matrix's shape."""
        state = self._history[-1].network[0]
        matrix = self.network.neural_layers[layer - 1].matrices[name]
        start = (matrix.ctypes.data - self.network.state.ctypes.data) // state.itemsize
        return np.lib.stride_tricks.as_strided(state[start:], matrix.shape, matrix.strides,
                                               writeable=False)

    def undo(self):
        """Go back one step exactly; return ``False`` if there is nothing to undo."""
        if not self._history:
            return False
        self._go_back_to(self._history.pop())
        return True

    def reset(self):
        """Go back to the state the network was formed in (undoable)."""
        self._history.append(self._checkpoint(whole_curve=True))
        self._go_back_to(self._formed)

    def resume(self, position, cost_values, iteration_points, formed=None, takes_samples=False):
        """Continue a saved session: stand at ``position`` with this cost curve.

        The network must already hold the saved state; the next step then
        computes exactly what it would have computed in the saved session.
        The undo history is cleared.

        Parameters
        ----------
        position : int
            Index in :attr:`computations` of the next computation.
        cost_values, iteration_points : list
            The curve (a session file's ``mse_values`` and ``iteration_points``):
            finite costs ≥ 0, and their iterations (whole numbers
            ≥ 1, increasing, at most ``network.iteration``), of equal length.
        formed : tuple or None
            ``network.snapshot()`` of the network as formed, where :meth:`reset`
            goes (with an empty curve); ``None``: reset comes back here.
        takes_samples : bool
            Whether the iteration under way began by taking its samples (see
            :attr:`takes_samples`); read only when ``position`` > 0.

        Raises ConfigurationError for a value that does not fit this network.
        """
        if not isinstance(takes_samples, bool):
            raise ConfigurationError("takes_samples must be True or False")
        position = checks.whole_number(position, "position", 0,
                                       len(iteration_computations(self.network))
                                       - (not takes_samples))
        if not (isinstance(cost_values, list) and isinstance(iteration_points, list)
                and len(cost_values) == len(iteration_points)):
            raise ConfigurationError("mse_values and iteration_points must be lists of the "
                                     "same length")
        if not all(checks.is_finite_real(v) and v >= 0 for v in cost_values):
            raise ConfigurationError("mse_values must hold finite numbers ≥ 0")
        if not (all(checks.is_whole_number(i) for i in iteration_points)
                and iteration_points == sorted(set(iteration_points))
                and all(1 <= i <= self.network.iteration for i in iteration_points)):
            raise ConfigurationError(f"iteration_points must be increasing whole numbers from 1 "
                                     f"to the network's iteration {self.network.iteration}")
        if formed is not None and formed[0].shape != self.network.state.shape:
            raise ConfigurationError("formed is not a snapshot of this network")
        self.position, self._takes = position, takes_samples
        self.curve.restore(EMPTY_CURVE)
        self.curve.extend(iteration_points, [float(v) for v in cost_values])
        self.last_step = None
        self._history.clear()
        self._formed = (self._checkpoint(whole_curve=True) if formed is None
                        else Checkpoint(formed, 0, EMPTY_CURVE, None))

"""The network: ``Form_Network``, ``Forward_Pass``, ``Back_Propagation``, ``Learn``, ``Predict``.

The cost is, by default, the seed's mean squared error over N samples and k outputs::

    C = (1/N) · Σ_n Σ_j (y[n, j] − t[n, j])²

or cross-entropy (``Form_Network(..., cost="cross_entropy")``, with a softmax or a
sigmoid output; :mod:`~flux_widgets.costs`), and every gradient the network stores is the
exact gradient of its C.

Memory: all matrices a network owns (parameters first, then everything the
passes write) are views into one float64 block, ``network.state``. Copying
that block is a complete snapshot, which makes undo, checks and rollback after
a divergence exact and cheap. The data (``inputMatrix``, ``outputMatrix``) are
kept outside it, read-only.

Initialisation (seeded, reproducible): ``W ~ Normal(0, (s·gain)² / n_in)`` drawn
layer by layer from ``numpy.random.default_rng(seed)``, with ``gain`` the
activation's ``record.init_gain``: √2 for the ReLU family (RELU, LEAKY_RELU,
ELU, SWISH; He initialisation) and 1 otherwise (LeCun), and ``s`` the weight
scale ``init_scale`` (1 by default; 0 < s ≤ 1,000). Each weight is the standard
normal draw times ``s·gain/√n_in``, so the same seed gives the same draws at every
scale: ``s = 5`` makes every weight exactly 5 times as large (and saturates
sigmoid and tanh neurons), ``s = 1`` gives the He/LeCun weights bit for bit. Every
bias starts at 0.01, whatever the scale, so that no pre-activation sits exactly on
the kink of ReLU at 0 when an input row is all zeros (4-bit parity's ``0000``).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from . import checks
from .activations import ActivationType, activate
from .checks import MAX_NETWORK_BYTES, number_text
from .checks import learning_rate as check_learning_rate
from .costs import CostType
from .errors import ConfigurationError, DataError, NonFiniteError
from .layer import PARAMETER_NAMES, Neural_Layer, matrix_shapes
from .matrix import Matrix_Add, Matrix_Broadcast, Matrix_Multiply, _matrix_key

__all__ = [
    "Neural_Layer_Information", "Batch", "LearnResult", "next_batch", "epoch_batch",
    "Form_Network",
    "Forward_Pass", "Back_Propagation",
    "Update_Parameters", "Learn", "Predict", "predicted_class", "network_cost",
    "iteration_computations", "computation_operands", "computation_order", "first_non_finite",
    "check_learning_rate", "check_network", "network_size", "check_network_memory",
    "MAX_NETWORK_BYTES", "MAX_ITERATIONS", "INITIAL_BIAS",
]

MAX_ITERATIONS = MAX_NETWORK_BYTES // 8  # Learn keeps one cost (8 bytes) per iteration
INITIAL_BIAS = 0.01


@dataclasses.dataclass(frozen=True, eq=False)
class Batch:
    """A mini-batch: the sample indices ``rows`` (into the network's data, in the order the
    batch's matrices hold them), batch ``number`` of ``epoch`` (both counted from 0) of an
    epoch of batches of ``size`` samples shuffled with ``seed`` (see :func:`next_batch`);
    the last batch of an epoch may hold fewer rows than ``size``."""

    epoch: int
    number: int
    rows: np.ndarray
    size: int
    seed: int


class Neural_Layer_Information:
    """A formed network: its layers, sizes and data (the seed's ``Neural_Layer_Information``).

    Attributes
    ----------
    neural_layers : list of Neural_Layer
        One per connection: ``4-8-4-1`` has three.
    layers_vector : list of int
        Every layer's size, the implicit input layer first: ``[4, 8, 4, 1]``.
    sample_size : int
        N, the number of samples (rows).
    inputMatrix, outputMatrix : ndarray
        The data (N x n_in) and the targets t (N x k), read-only.
    state : ndarray
        The one block of memory every owned matrix lives in (see module docs).
    cost : float
        The cost of the last ``Back_Propagation`` (``nan`` before the first).
    iteration : int
        How many whole iterations (forward, backward, update) have run.
    seed : int or None
        The seed the weights were drawn with.
    init_scale : float
        The weight scale s the weights were drawn with (1: He/LeCun; see module docs).
    cost_type : CostType
        The cost C is (``CostType.MSE``, the seed's, or ``CostType.CROSS_ENTROPY``).
    batch : Batch or None
        The mini-batch the per-sample matrices hold (see :meth:`select_batch`); ``None``:
        all N samples, in the data's order.
    """

    def __init__(self, neural_layers, layers_vector, inputMatrix, outputMatrix, state,
                 parameter_size, seed, init_scale, cost_type=CostType.MSE):
        self.neural_layers = neural_layers
        self.layers_vector = layers_vector
        self.sample_size = inputMatrix.shape[0]
        self.inputMatrix = inputMatrix
        self.outputMatrix = outputMatrix
        self.state = state
        self.parameters = state[:parameter_size]
        self.seed = seed
        self.init_scale = init_scale
        self.cost_type = cost_type
        self.cost = math.nan
        self.iteration = 0
        self.batch = None
        self._batch_data = None   # (inputs, targets), N rows each, made at the first batch
        self._views = {(self.sample_size, False): [(layer.matrices, layer.target)
                                                  for layer in neural_layers]}

    # snake_case views of the seed's camelCase names
    @property
    def input_matrix(self):
        return self.inputMatrix

    @property
    def output_matrix(self):
        return self.outputMatrix

    @property
    def hidden_activations(self):
        return [layer.activation for layer in self.neural_layers[:-1]]

    @property
    def output_activation(self):
        return self.neural_layers[-1].activation

    @property
    def output(self):
        """The network's output y = the last layer's ``activated_output_matrix`` (N x k)."""
        return self.neural_layers[-1].activated_output_matrix

    def describe(self):
        """``'4(implicit)-8-4-1, hidden LEAKY_RELU, output SIGMOID, 16 samples'``, followed
        by ``', initial weights ×5'`` when the weight scale is not 1 and ``', cost
        cross-entropy'`` when the cost is not the seed's MSE."""
        sizes = "-".join(str(n) for n in self.layers_vector[1:])
        hidden = sorted({a.name for a in self.hidden_activations}) or ["none"]
        scaled = "" if self.init_scale == 1 else \
            f", initial weights ×{number_text(self.init_scale)}"
        cost = "" if self.cost_type is CostType.MSE else f", cost {self.cost_type.record.label}"
        return (f"{self.layers_vector[0]}(implicit)-{sizes}, hidden {'/'.join(hidden)}, "
                f"output {self.output_activation.name}, {self.sample_size} samples{scaled}"
                f"{cost}")

    def __repr__(self):
        return f"Neural_Layer_Information({self.describe()})"

    def matrix_names(self):
        """``{key: 'layer 2.dC_da_matrix'}`` for every matrix, for :func:`record_operations`.

        A matrix that is two things at once is named by both:
        ``'layer 1.activated_output_matrix = layer 2.input_matrix'``.
        """
        names = {_matrix_key(self.outputMatrix): "target (outputMatrix)"}
        for number, layer in enumerate(self.neural_layers, start=1):
            for name, matrix in layer.matrices.items():
                key = _matrix_key(matrix)
                label = f"layer {number}.{name}"
                names[key] = f"{names[key]} = {label}" if key in names else label
        return names

    @property
    def targets(self):
        """The targets of the samples the matrices hold: ``outputMatrix``, or the batch's
        rows of it (r x k) while a mini-batch is selected."""
        if self.batch is None:
            return self.outputMatrix
        return self._batch_data[1][:len(self.batch.rows)]

    @property
    def held_rows(self):
        """The samples the per-sample matrices hold, row by row: their indices into the data
        (``0 … N−1``, or the mini-batch's ``rows``)."""
        return np.arange(self.sample_size) if self.batch is None else self.batch.rows

    def select_batch(self, batch):
        """Let the per-sample matrices hold the mini-batch ``batch`` (a :class:`Batch`, from
        :func:`next_batch`): the inputs and targets of its samples are copied into the first
        r rows of the network's batch buffers, and every layer holds the first r rows of its
        per-sample matrices (:meth:`Neural_Layer.use_rows`); the parameters and dC_dw, dC_db
        are the network's as before."""
        N, rows = self.sample_size, batch.rows
        if rows.ndim != 1 or not 1 <= rows.size <= N or rows.dtype.kind not in "iu" \
                or rows.min() < 0 or rows.max() >= N:
            raise ConfigurationError(f"a batch is 1 to {N} sample indices from 0 to {N - 1}")
        self._hold(batch)

    def _hold(self, batch):
        """select_batch of a batch known to be one (Learn's, from :func:`next_batch`)."""
        rows = batch.rows
        if self._batch_data is None:
            self._batch_data = (np.empty_like(self.inputMatrix), np.empty_like(self.outputMatrix))
        inputs, targets = self._batch_data
        r = rows.size
        np.take(self.inputMatrix, rows, axis=0, out=inputs[:r])
        np.take(self.outputMatrix, rows, axis=0, out=targets[:r])
        if self.batch is None or len(self.batch.rows) != r:
            self._use_rows(r, inputs[:r], targets[:r], batched=True)
        self.batch = batch

    def select_all(self):
        """Let the per-sample matrices hold all N samples again, as formed."""
        if self.batch is not None:
            self.batch = None
            self._use_rows(self.sample_size, self.inputMatrix, self.outputMatrix, batched=False)

    def _use_rows(self, r, inputs, targets, batched):
        """Every layer holds ``r`` rows reading ``inputs``; the views made for a size are
        kept (the inputs and targets of one size are always the same memory: the data, or
        the batch buffers' first r rows), so the last, smaller batch of every epoch and the
        next full one only switch between them."""
        key = (r, batched)
        views = self._views.get(key)
        if views is None:
            layer_input = inputs
            for layer in self.neural_layers:
                layer.use_rows(r, layer_input, targets)
                layer_input = layer.activated_output_matrix
            views = self._views[key] = [(layer.matrices, layer.target)
                                        for layer in self.neural_layers]
        for layer, (matrices, target) in zip(self.neural_layers, views):
            layer.hold_views(matrices, target)

    def snapshot(self):
        """A copy of every matrix the network owns, its counters and the batch it holds
        (for :meth:`restore`)."""
        return self.state.copy(), self.cost, self.iteration, self.batch

    def restore(self, snapshot):
        """Put the network back exactly as it was when ``snapshot`` was taken."""
        state, self.cost, self.iteration, batch = snapshot
        if batch is None:
            self.select_all()
        elif batch is not self.batch:
            self.select_batch(batch)
        np.copyto(self.state, state)

    def __deepcopy__(self, memo):
        """An exact, independent twin: the same structure, data and numbers in every matrix.

        ``copy.deepcopy`` of the parts would give each matrix memory of its own, so the
        views that tie a network together (layer 2's input *is* layer 1's output; every
        matrix lives in ``state``) would come apart and the next pass would go wrong.
        """
        copied = Form_Network(self.layers_vector[1:], self.inputMatrix, self.outputMatrix,
                              self.hidden_activations or ActivationType.LEAKY_RELU,
                              self.output_activation, seed=0, cost=self.cost_type)
        copied.restore(self.snapshot())
        copied.seed, copied.init_scale = self.seed, self.init_scale
        memo[id(self)] = copied
        return copied


# --------------------------------------------------------------------------
# Forming a network: validation, layout, initialisation.
# --------------------------------------------------------------------------

def check_network(function, network):
    """ConfigurationError, naming ``function``, unless ``network`` was made by Form_Network."""
    if not isinstance(network, Neural_Layer_Information):
        raise ConfigurationError(f"{function} needs a network made by Form_Network, got "
                                 f"{type(network).__name__}; write network = Form_Network(...) "
                                 f"and pass that network")


def _data_matrix(name, data):
    try:
        complex_numbers = np.iscomplexobj(data)
        matrix = None if complex_numbers else np.array(data, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise DataError(f"{name} must be a matrix of numbers (rows of equal length, each "
                        "number at most about 1.8e308 in size)") from None
    if complex_numbers:
        raise DataError(f"{name} holds complex numbers; it must be a matrix of real numbers")
    if matrix.ndim == 1:
        matrix = matrix.reshape(-1, 1)
    if matrix.ndim != 2 or matrix.size == 0:
        raise DataError(f"{name} must be a non-empty 2-D matrix (rows are samples), "
                        f"got shape {matrix.shape}")
    bad = np.argwhere(~np.isfinite(matrix))
    if len(bad):
        r, c = bad[0]
        raise DataError(f"{name}: row {r}, column {c} is {matrix[r, c]}, not a finite number")
    matrix.flags.writeable = False
    return matrix


def _hidden_activations(hidden_activation, hidden_count):
    if isinstance(hidden_activation, (list, tuple)):
        if len(hidden_activation) != hidden_count:
            raise ConfigurationError(
                f"{len(hidden_activation)} hidden activations were given for "
                f"{hidden_count} hidden layers; give one per hidden layer or a single one")
        return [ActivationType.parse(a) for a in hidden_activation]
    kind = ActivationType.parse(hidden_activation)
    if kind.record.output_only:   # refused even with no hidden layer to give it to
        raise ConfigurationError(f"{kind.name} is an output layer's activation; choose "
                                 "another hidden activation")
    return [kind] * hidden_count


def _check_cost(cost_type, activations, targets):
    """ConfigurationError or DataError unless the cost, the activations and the targets
    go together: an output-only activation (softmax) in the output layer alone, with at
    least two outputs; cross-entropy with a softmax or a sigmoid output, and targets it
    can read as probabilities."""
    for number, activation in enumerate(activations[:-1], start=1):
        if activation.record.output_only:
            raise ConfigurationError(f"hidden layer {number} cannot use {activation.name}: it "
                                     "is an output layer's activation; choose another one")
    output = activations[-1]
    if output.record.output_only and targets.shape[1] < 2:
        raise ConfigurationError(f"a {output.name} output needs at least 2 outputs (one per "
                                 "class); with one output, use SIGMOID")
    record = cost_type.record
    if record.output_activations is not None and output.value not in record.output_activations:
        allowed = " or ".join(name.upper() for name in record.output_activations)
        raise ConfigurationError(f"the cost {record.label} needs a {allowed} output, not "
                                 f"{output.name}")
    if cost_type is CostType.CROSS_ENTROPY:
        if targets.min() < 0 or targets.max() > 1:
            raise DataError(f"cross-entropy needs targets between 0 and 1 (probabilities); "
                            f"they go from {number_text(targets.min())} to "
                            f"{number_text(targets.max())}")
        sums = targets.sum(axis=1)
        if output is ActivationType.SOFTMAX and not np.allclose(sums, 1.0, rtol=0, atol=1e-9):
            row = int(np.argmax(np.abs(sums - 1.0)))
            raise DataError(f"cross-entropy with a SOFTMAX output needs each target row to sum "
                            f"to 1 (one class per sample, one-hot); row {row} sums to "
                            f"{number_text(sums[row])}")


def _layer_shapes(layers_vector, samples):
    return [matrix_shapes(samples, n_in, n_out)
            for n_in, n_out in zip(layers_vector[:-1], layers_vector[1:])]


def network_size(layers_vector, samples):
    """How many numbers a network holds: every named matrix of every layer, for the
    layer sizes ``layers_vector`` (the input layer first) on ``samples`` samples.
    Computed from the sizes alone, so a size can be refused before allocation."""
    return sum(math.prod(shape) for shapes in _layer_shapes(layers_vector, samples)
               for shape in shapes.values())


def check_network_memory(layers_vector, samples, copies=1, kept=None,
                         advice="use fewer neurons or samples"):
    """Refuse (ConfigurationError), before anything is allocated, ``copies`` of a network
    of the layer sizes ``layers_vector`` (the input layer first) on ``samples`` samples
    if they need more memory than the kit's limit (:func:`~flux_widgets.checks.memory_limit`).

    ``kept`` says why there are ``copies`` (the panel: ``"the panel keeps 3 copies of it
    (…)"``), ``advice`` what to do. The message: "a 4-8-1 network on 16 samples would
    need 3.2 GB of memory, more than the kit's limit of 2.1 GB; use fewer neurons or
    samples".
    """
    checks.check_memory(network_size(layers_vector, samples),
                        f"a {'-'.join(map(str, layers_vector))} network on {samples} samples",
                        copies, kept, advice)


def Form_Network(layers, input_matrix, output_matrix,
                 hidden_activation=ActivationType.LEAKY_RELU,
                 output_activation=ActivationType.SIGMOID, seed=None, init_scale=1.0,
                 cost="mse"):
    """Build a network ready for ``Forward_Pass`` (the seed's ``Form_Network``).

    Parameters
    ----------
    layers : list of int
        The sizes of the layers after the implicit input layer: ``[8, 4, 1]``
        on 4 inputs is ``4-8-4-1``. The last size must equal the number of
        target columns.
    input_matrix : array-like, N x n_in
        The data, one sample per row.
    output_matrix : array-like, N x k
        The targets t (a 1-D array is taken as one column).
    hidden_activation : ActivationType, name, or list of them
        One activation for every hidden layer (the seed's way), or a list with
        one per hidden layer.
    output_activation : ActivationType or name
    seed : int or None
        Seed of the weight initialisation (see module docs), a whole number from 0 to
        2³² − 1; ``None`` draws fresh.
    init_scale : float
        The weight scale s, a number with 0 < s ≤ 1,000: every initial weight is s times
        the He/LeCun one, ``W ~ Normal(0, (s·gain)² / n_in)`` (see module docs).
    cost : CostType or name
        ``"mse"`` (the seed's mean squared error, the default) or ``"cross_entropy"``
        (with a SOFTMAX output, each target row summing to 1, or a SIGMOID output, targets
        between 0 and 1); see :mod:`~flux_widgets.costs`.

    Returns
    -------
    Neural_Layer_Information
    """
    sizes = checks.layer_sizes(layers)
    inputs = _data_matrix("input_matrix", input_matrix)
    targets = _data_matrix("output_matrix", output_matrix)
    if targets.shape[0] != inputs.shape[0]:
        raise DataError(f"input_matrix has {inputs.shape[0]} samples (rows) but output_matrix "
                        f"has {targets.shape[0]}; they must match")
    if sizes[-1] != targets.shape[1]:
        raise ConfigurationError(
            f"the last layer has {sizes[-1]} neuron{'s' * (sizes[-1] != 1)} but the targets "
            f"have {targets.shape[1]} column{'s' * (targets.shape[1] != 1)}; make the last "
            f"layer size {targets.shape[1]}")
    activations = _hidden_activations(hidden_activation, len(sizes) - 1)
    activations.append(ActivationType.parse(output_activation))
    cost_type = CostType.parse(cost)
    _check_cost(cost_type, activations, targets)
    seed = checks.seed(seed)
    init_scale = checks.init_scale(init_scale)

    layers_vector = [inputs.shape[1], *sizes]
    samples = inputs.shape[0]
    check_network_memory(layers_vector, samples)
    shapes = _layer_shapes(layers_vector, samples)
    parameter_size = sum(math.prod(s[name]) for s in shapes for name in PARAMETER_NAMES)

    state = np.zeros(network_size(layers_vector, samples))
    parameter_offset, work_offset = 0, parameter_size
    rng = np.random.default_rng(seed)
    neural_layers = []
    layer_input = inputs
    for layer_shapes, activation in zip(shapes, activations):
        matrices = {}
        for name, shape in layer_shapes.items():
            size = math.prod(shape)
            if name in PARAMETER_NAMES:
                offset, parameter_offset = parameter_offset, parameter_offset + size
            else:
                offset, work_offset = work_offset, work_offset + size
            matrices[name] = state[offset:offset + size].reshape(shape)
        n_in = layer_shapes["weights_matrix"][0]
        gain = activation.record.init_gain
        matrices["weights_matrix"][...] = rng.standard_normal(layer_shapes["weights_matrix"]) \
            * (init_scale * gain / math.sqrt(n_in))  # 1.0 · gain is gain: s = 1 is exact
        matrices["bias_matrix"][...] = INITIAL_BIAS
        last = len(neural_layers) == len(shapes) - 1
        layer = Neural_Layer(layer_input, matrices, activation, cost_type.record,
                             targets if last and cost_type.record.dC_da else None)
        neural_layers.append(layer)
        layer_input = layer.activated_output_matrix
    return Neural_Layer_Information(neural_layers, layers_vector, inputs, targets, state,
                                    parameter_size, seed, init_scale, cost_type)


# --------------------------------------------------------------------------
# The passes.
# --------------------------------------------------------------------------

def Forward_Pass(network):
    """Compute every layer's ``a = x·W + b`` and ``h = h(a)``, first layer to last."""
    check_network("Forward_Pass", network)
    return _forward_pass(network)


def _forward_pass(network):
    """Forward_Pass of a network known to be one (Learn's loop checks it once)."""
    for layer in network.neural_layers:
        layer.compute_weight_and_input()  # the two halves of compute_weighted_sum
        layer.compute_weight_input_bias()
        layer.Activate()
    return network.output


def Back_Propagation(network):
    """Compute the cost and every gradient, last layer to first; return the cost.

    Assumes ``Forward_Pass`` has run. Per layer: ``dC_dy`` (from the targets
    for the last layer, from the next layer otherwise), ``dh_da``,
    ``dC_da = dC_dy ⊙ dh_da``, ``dC_dw = inputᵀ · dC_da`` and
    ``dC_db = Σ_n dC_da``.
    """
    check_network("Back_Propagation", network)
    return _back_propagation(network)


def _back_propagation(network):
    """Back_Propagation of a network known to be one (Learn's loop checks it once)."""
    layers = network.neural_layers
    last = len(layers) - 1
    for index in range(last, -1, -1):
        layer = layers[index]
        if index == last:
            network.cost = layer.compute_output_dC_dy(network.targets)
        else:
            layer.compute_hidden_dC_dy(layers[index + 1])
        layer.Dh_Da_Function(index == last)
        layer.compute_dC_da()
        layer.compute_dC_dw()
        layer.compute_dC_db()
    return network.cost


def Update_Parameters(network, learning_rate):
    """Gradient descent: ``W −= η · dC_dw`` and ``b −= η · dC_db`` in every layer."""
    check_network("Update_Parameters", network)
    learning_rate = check_learning_rate(learning_rate)
    for layer in network.neural_layers:
        layer.update_parameters(learning_rate)


def _iterate(network, learning_rate):
    """One whole iteration (forward, backward, update); returns the cost before the update."""
    _forward_pass(network)
    cost = _back_propagation(network)
    for layer in network.neural_layers:
        layer.update_parameters(learning_rate)
    network.iteration += 1
    return cost


# One iteration, phase by phase: whether the phase visits the layers last to first, and
# each of its computations in a layer: the names it writes, in order, and the matrices it
# reads, as (layer offset, name) in the order its formula names them (offset 0: the
# layer's own, 1: the next layer's). The one list of the computations of an iteration:
# the stepper runs them one at a time, a search for a non-finite matrix follows them, and
# a view shows a computation with what it read. An update reads the parameter it writes
# (its value before the update).
_ITERATION = (
    ("forward", False, (
        (("weight_and_input_matrix",), ((0, "input_matrix"), (0, "weights_matrix"))),
        (("weight_input_bias_matrix",), ((0, "weight_and_input_matrix"), (0, "bias_matrix"))),
        (("activated_output_matrix",), ((0, "weight_input_bias_matrix"),)),
    )),
    ("backward", True, (
        (("dC_dy_matrix",), ((1, "dC_da_matrix"), (1, "weights_matrix"))),
        (("dh_da_matrix",), ((0, "weight_input_bias_matrix"),)),
        (("dC_da_matrix",), ((0, "dC_dy_matrix"), (0, "dh_da_matrix"))),
        (("dC_dw_matrix",), ((0, "input_matrix"), (0, "dC_da_matrix"))),
        (("dC_db_matrix",), ((0, "dC_da_matrix"),)),
    )),
    ("update", False, (
        (("weight_step_matrix", "weights_matrix"), ((0, "weights_matrix"), (0, "dC_dw_matrix"))),
        (("bias_step_matrix", "bias_matrix"), ((0, "bias_matrix"), (0, "dC_db_matrix"))),
    )),
)
# The last layer's dC_dy_matrix (written with the cost) reads its output y and the targets
# t (the network's outputMatrix, named with layer None), not the next layer.
_OUTPUT_DC_DY_READS = ((0, "activated_output_matrix"), (None, "outputMatrix"))
# dC_da when it is not dC_dy ⊙ dh_da: from the cost, (y − t)/N, it reads y and t; through a
# whole Jacobian (softmax), dC_dy and h.
_DC_DA_FROM_COST_READS = _OUTPUT_DC_DY_READS
_DC_DA_JACOBIAN_READS = ((0, "dC_dy_matrix"), (0, "activated_output_matrix"))
_READS = {writes: reads for _, _, computations in _ITERATION for writes, reads in computations}


def iteration_computations(network):
    """One iteration's computations in order: ``[(phase, layer number, names written), ...]``.

    Forward and update go from the first layer to the last, backward from the
    last to the first (as ``Forward_Pass``, ``Back_Propagation`` and
    ``Update_Parameters``); the last layer's first backward computation writes
    the cost C too: ``("cost", "dC_dy_matrix")``. What each one reads:
    :func:`computation_operands`.
    """
    count = len(network.neural_layers)
    order = []
    for phase, last_first, computations in _ITERATION:
        for number in range(count, 0, -1) if last_first else range(1, count + 1):
            for writes, _ in computations:
                if (phase, number, writes) == ("backward", count, ("dC_dy_matrix",)):
                    writes = ("cost", *writes)
                order.append((phase, number, writes))
    return order


def computation_operands(layer, writes, network=None):
    """The matrices the computation of layer ``layer`` (from 1) that writes ``writes`` (as
    in :func:`iteration_computations`) reads: ``[(layer number, name), ...]``, in the
    order its formula names them; the targets t are ``(None, "outputMatrix")``.

    ``a = x·W + b``, for one, reads ``[(layer, "weight_and_input_matrix"), (layer,
    "bias_matrix")]``; a hidden layer's ``dC_dy = dC_da_next · W_nextᵀ`` reads the next
    layer's ``dC_da_matrix`` and ``weights_matrix``; the last layer's ``("cost",
    "dC_dy_matrix")``, ``C`` and ``dC_dy = (2/N)(y − t)``, reads its
    ``activated_output_matrix`` y and the targets; an update ``W ← W − η·dC_dw`` reads W
    (before the update) and ``dC_dw_matrix``. ``dC_da = dC_dy ⊙ dh_da`` reads those two,
    unless ``network`` is given and its layer computes ∂C/∂a otherwise: from the cost
    (cross-entropy, ``(y − t)/N``: y and the targets) or through softmax's whole Jacobian
    (``dC_dy`` and h).
    """
    reads = _OUTPUT_DC_DY_READS if writes[0] == "cost" else _READS[tuple(writes)]
    if network is not None and tuple(writes) == ("dC_da_matrix",):
        own = network.neural_layers[layer - 1]
        if own.dC_da_from_cost:
            reads = _DC_DA_FROM_COST_READS
        elif not own.dC_da_is_product:
            reads = _DC_DA_JACOBIAN_READS
    return [(None if offset is None else layer + offset, name) for offset, name in reads]


def computation_order(network):
    """Every owned matrix in the order one iteration writes it: ``[(layer number, name), ...]``.

    ``"cost"`` stands between the forward and the backward pass, with layer ``None``.
    """
    return [(None if name == "cost" else number, name)
            for _, number, writes in iteration_computations(network) for name in writes]


def first_non_finite(network, written=None):
    """The first ``(layer number, name)`` of ``written`` holding inf or nan, or ``None``.

    ``written`` is ``[(layer number, name), ...]``, by default
    :func:`computation_order`; the name ``"cost"`` stands for the network's
    cost C, reported as ``(None, "cost")``.
    """
    for number, name in computation_order(network) if written is None else written:
        if name == "cost":
            if not math.isfinite(network.cost):
                return None, "cost"
        elif not np.isfinite(network.neural_layers[number - 1].matrices[name]).all():
            return number, name
    return None


class LearnResult(tuple):
    """What :func:`Learn` returns: ``(mse_values, iteration_points)``, as the seed's Learn
    (it unpacks as those two), also named :attr:`cost_values` (the MSE or the
    cross-entropy, as the network's ``cost_type`` says; ``mse_values`` is the seed's name)
    and :attr:`iteration_points`; and ``epoch_costs`` with ``epoch_points``: with
    mini-batches, the cost of each epoch that ended, the mean of its batches' costs weighted
    by their sizes (Σ r_b·C_b / Σ r_b, each C_b as its batch found it, before its update:
    the "epoch loss" a PyTorch training loop reports; of the batches run in this Learn, for
    an epoch begun before it), and the iteration it ended at; empty without mini-batches,
    where every iteration is an epoch."""

    def __new__(cls, cost_values, iteration_points, epoch_costs=(), epoch_points=()):
        result = super().__new__(cls, (cost_values, iteration_points))
        result.epoch_costs = np.asarray(epoch_costs, dtype=float)
        result.epoch_points = np.asarray(epoch_points, dtype=np.int64)
        return result

    cost_values = property(lambda self: self[0], doc="The cost of each iteration run.")
    mse_values = cost_values   # the seed's name
    iteration_points = property(lambda self: self[1], doc="The number of each iteration run.")


def next_batch(network, batch_size, shuffle_seed=0):
    """The :class:`Batch` that follows the one ``network`` holds, for mini-batches of
    ``batch_size`` samples shuffled with ``shuffle_seed``: the next of its epoch, or the first
    of the next epoch (the first of epoch 0 if the network holds no batch of that size and
    seed). Epoch e visits the samples in the order ``default_rng([shuffle_seed,
    e]).permutation(N)``, ``batch_size`` at a time; its last batch holds what is left
    (N mod batch_size samples, if that is not 0)."""
    N = network.sample_size
    size = checks.whole_number(batch_size, "the batch size", 1, N)
    shuffle_seed = checks.shuffle_seed(shuffle_seed)
    held = network.batch
    epoch, number = 0, 0
    if held is not None and (held.size, held.seed) == (size, shuffle_seed):
        epoch, number = held.epoch, held.number + 1
        if number * size >= N:
            epoch, number = epoch + 1, 0
    return epoch_batch(N, size, shuffle_seed, epoch, number)


def epoch_batch(samples, size, seed, epoch, number):
    """Batch ``number`` of ``epoch`` of ``samples`` samples in batches of ``size``, shuffled
    with ``seed``: the samples ``default_rng([seed, epoch]).permutation(samples)[number·size
    : (number + 1)·size]``."""
    return next(_batches(samples, size, seed, epoch, number))


def _batches(samples, size, seed, epoch, number):
    """The batches from batch ``number`` of ``epoch`` on, one epoch's order drawn once."""
    order = np.random.default_rng([seed, epoch]).permutation(samples)
    while True:
        yield Batch(epoch, number, order[number * size:(number + 1) * size], size, seed)
        number += 1
        if number * size >= samples:
            epoch, number = epoch + 1, 0
            order = np.random.default_rng([seed, epoch]).permutation(samples)


def Learn(network, learning_rate, iterations, batch_size=None, shuffle_seed=0):
    """Train by gradient descent (the seed's ``Learn``), on all samples or in mini-batches.

    Each iteration runs ``Forward_Pass``, ``Back_Propagation`` and
    ``Update_Parameters``. Returns ``(mse_values, iteration_points)`` (a
    :class:`LearnResult`): the cost of every iteration (before its update) and the
    iteration's number, counted over the network's life (so a second ``Learn`` continues
    the count).

    ``batch_size`` (1 to N): each iteration takes the next mini-batch
    (:func:`next_batch`, shuffled with ``shuffle_seed``, continuing the epoch the network
    is in): its cost is the batch's mean, its gradients the batch's, and the named
    matrices hold it afterwards (``network.batch``); ``result.epoch_costs`` is the cost of
    each epoch that ends (see :class:`LearnResult`). ``None`` (the default): every sample, in
    order, as the seed does (the network holds all samples again if it held a batch).

    If the cost or any matrix becomes inf or nan, training stops at that
    iteration and raises :class:`~flux_widgets.errors.NonFiniteError` naming
    the iteration, the layer and the first matrix that went non-finite; the
    network is put back exactly as it was after the last finite iteration, and
    the error carries ``cost_values`` and ``iteration_points`` up to there.
    """
    check_network("Learn", network)
    learning_rate = check_learning_rate(learning_rate)
    iterations = checks.whole_number(iterations, "iterations", least=0)
    if iterations > MAX_ITERATIONS:  # Learn keeps one cost (8 bytes) per iteration
        raise ConfigurationError(f"iterations must be at most {MAX_ITERATIONS:,} in one Learn "
                                 f"(it keeps the cost of every iteration), got "
                                 f"{number_text(iterations)}")
    if batch_size is not None:
        first = next_batch(network, batch_size, shuffle_seed)   # checks both first
        batches_ahead = _batches(network.sample_size, first.size, first.seed, first.epoch,
                                 first.number)
    else:
        network.select_all()
    cost_values = np.empty(iterations)
    epoch_costs, epoch_points, epoch_sum, epoch_samples = [], [], 0.0, 0
    first_point = network.iteration + 1
    start = network.snapshot()
    parameters = network.parameters
    # Parameters (and batches) at the start of the last two iterations: enough to rebuild
    # the state after the previous iteration exactly, should the current one fail.
    ring = list(np.empty((2, parameters.size)))
    batches = [None, None]
    # what a whole iteration must leave finite: every matrix (full batch); with
    # mini-batches the parameters (every gradient ends in them) and the cost below
    checked = network.state if batch_size is None else parameters
    # Learn finds and reports non-finite numbers itself; numpy's warnings would only repeat it.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for k in range(iterations):
            np.copyto(ring[k & 1], parameters)
            if batch_size is not None:
                batch = batches[k & 1] = next(batches_ahead)
                network._hold(batch)
            cost = _iterate(network, learning_rate)
            cost_values[k] = cost
            # Σ x² over every matrix is finite only if every x is: one pass, and on a
            # small network a few µs faster than state.sum(). An overflow of a finite
            # state (|x| > 1e154) only costs the exact search, which then finds nothing.
            if not (math.isfinite(cost) and math.isfinite(checked.dot(checked))):
                where = first_non_finite(network)  # network.cost is this iteration's cost
                if where is not None:
                    _roll_back(network, learning_rate, k, start, ring, batches)
                    raise _divergence(where, k, first_point, learning_rate,
                                      cost_values[:k], np.arange(first_point, first_point + k))
            if batch_size is not None:
                epoch_sum, epoch_samples = epoch_sum + cost * len(batch.rows), \
                    epoch_samples + len(batch.rows)
                if (batch.number + 1) * batch.size >= network.sample_size:   # epoch ends
                    epoch_costs.append(epoch_sum / epoch_samples)
                    epoch_points.append(network.iteration)
                    epoch_sum, epoch_samples = 0.0, 0
    return LearnResult(cost_values, np.arange(first_point, first_point + iterations),
                       epoch_costs, epoch_points)


def _roll_back(network, learning_rate, k, start, ring, batches):
    """Restore the state after iteration ``k − 1`` of this ``Learn`` (the start if k = 0)."""
    if k == 0:
        network.restore(start)
        return
    np.copyto(network.parameters, ring[(k - 1) & 1])
    network.iteration -= 2
    if batches[(k - 1) & 1] is not None:
        network.select_batch(batches[(k - 1) & 1])
    _iterate(network, learning_rate)


def _divergence(where, k, first_point, learning_rate, cost_values, iteration_points):
    layer, matrix = where
    iteration = first_point + k
    what = "the cost" if layer is None else f"layer {layer}'s {matrix}"
    error = NonFiniteError(
        f"training stopped at iteration {iteration}: {what} became non-finite (inf or nan). "
        f"The learning rate {number_text(learning_rate)} is probably too large for this "
        f"network; it was put back as it was after iteration {iteration - 1}.",
        iteration=iteration, layer=layer, matrix=matrix, cost_values=cost_values,
        iteration_points=iteration_points)
    return error


# --------------------------------------------------------------------------
# Using a network without disturbing it.
# --------------------------------------------------------------------------

def Predict(network, new_input):
    """The network's outputs for new rows, leaving every stored matrix as it is.

    Shapes: ``new_input`` is M x n_in, one row per new sample (a 1-D list is
    one sample); the result is M x k.
    """
    check_network("Predict", network)
    try:
        one_sample = np.ndim(new_input) == 1
    except (TypeError, ValueError, OverflowError):  # ragged rows: _data_matrix says so
        one_sample = False
    if one_sample:
        new_input = [new_input]
    rows = _data_matrix("new_input", new_input)
    if rows.shape[1] != network.layers_vector[0]:
        raise DataError(f"new_input has {rows.shape[1]} columns but the network takes "
                        f"{network.layers_vector[0]} inputs")
    return _pass_rows(network, rows)[1]


def _pass_rows(network, rows):
    """``(a, h)`` of the last layer for the rows ``rows`` (M x n_in), in new matrices."""
    for layer in network.neural_layers:
        weighted = Matrix_Multiply(None, rows, layer.weights_matrix)
        bias = Matrix_Broadcast(None, layer.bias_matrix, *weighted.shape)
        a = Matrix_Add(weighted, weighted, bias)
        rows = activate(layer.activation, a, np.empty_like(weighted))
    return a, rows


def predicted_class(outputs):
    """The class each row of outputs (or of one-hot targets) stands for.

    Shapes: ``outputs`` is N x 1 or N x c; the result is N class indices
    (``numpy.intp``)::

        N x 1:  class[n] = 1 if y[n, 0] > 0.5 else 0   (exactly 0.5 is class 0)
        N x c:  class[n] = argmax_j y[n, j]             (a tie: the first such column)

    Non-finite outputs are classified, not refused (callers that must not
    classify them check first): ``nan`` is class 0 in an N x 1 matrix
    (``nan > 0.5`` is false); in an N x c one the first column holding ``nan``
    wins (numpy's ``argmax`` takes ``nan`` for the largest value).
    """
    try:
        outputs = np.asarray(outputs, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise DataError(f"predicted_class: the outputs are not a matrix of numbers ({error})") \
            from error
    if outputs.ndim != 2 or outputs.shape[1] == 0:
        raise DataError(f"predicted_class: outputs must be N x 1 or N x c, got shape "
                        f"{outputs.shape}")
    if outputs.shape[1] == 1:
        return (outputs[:, 0] > 0.5).astype(np.intp)
    return outputs.argmax(axis=1)


def network_cost(network):
    """The cost C of the network's current parameters on the samples its matrices hold (all
    of them, or its mini-batch), computed without touching its matrices: the cost whose
    gradients ``Back_Propagation`` stores."""
    check_network("network_cost", network)
    a, y = _pass_rows(network, network.neural_layers[0].input_matrix)   # the data, or the batch's
    return network.cost_type.record.cost(y, network.targets, a, network.output_activation)

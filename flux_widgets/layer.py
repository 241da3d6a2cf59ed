"""``Neural_Layer``: one connection between two layers of neurons, with its named matrices.

For N samples, n_in inputs and n_out neurons (rows are samples):

========================== ====== ============ =========================================
matrix                     symbol shape        computed as
========================== ====== ============ =========================================
input_matrix               x      N x n_in     the data, or the previous layer's h
weights_matrix             W      n_in x n_out parameter
bias_matrix                b      1 x n_out    parameter
weight_and_input_matrix    x·W    N x n_out    x · W
weight_input_bias_matrix   a      N x n_out    x·W + broadcast(b)
activated_output_matrix    h      N x n_out    h(a)
dh_da_matrix               h'(a)  N x n_out    h'(a)
dC_dy_matrix               ∂C/∂h  N x n_out    (2/N)(h − t) last layer; ∂C/∂a_next · W_nextᵀ
dC_da_matrix               ∂C/∂a  N x n_out    ∂C/∂h ⊙ h'(a)
dC_dw_matrix               ∂C/∂W  n_in x n_out xᵀ · ∂C/∂a
dC_db_matrix               ∂C/∂b  1 x n_out    Σ over samples of ∂C/∂a
========================== ====== ============ =========================================

The layer also names the helper matrices of the seed's operations:
``weight_step_matrix`` and ``bias_step_matrix`` (η · gradient) are stored;
``broadcasted_bias_matrix`` (the bias row repeated N times),
``input_transposed_matrix`` and ``weights_transposed_matrix`` are numpy views,
which read the same cells again or in the other order without copying them,
exactly what the seed's ``Matrix_Broadcast`` and ``Matrix_Transpose`` produce.

The table is for the seed's cost, MSE. With cross-entropy (:data:`~.costs.CROSS_ENTROPY`)
the last layer's ``dC_dy_matrix`` holds that cost's ∂C/∂y, and its ``dC_da_matrix`` is
``(y − t)/N`` from y and t directly: ∂C/∂y ⊙ h'(a) simplified (for a softmax output, the
whole Jacobian's product). With a SOFTMAX output, whose Jacobian is not diagonal,
``dh_da_matrix`` holds the Jacobian's diagonal ``h(1 − h)``, for the tables; ∂C/∂a is
never ``∂C/∂h ⊙ dh_da`` there (see :meth:`Neural_Layer.compute_dC_da`).

Each matrix is allocated once and then only written in place; assigning to one
(``layer.weights_matrix = W``) copies the values in after checking the shape.
"""

from __future__ import annotations

import numpy as np

from .activations import ActivationType, activate, derivative
from .costs import MSE
from .errors import ReadOnlyMatrixError, ShapeError
from .matrix import (_RECORDERS, Matrix_Add, Matrix_Hadamard_Product, Matrix_Multiply,
                     Matrix_Scalar_Multiply, Matrix_Subtract, Matrix_Sum_Columns)

__all__ = ["Neural_Layer", "SEED_MATRIX_NAMES", "PARAMETER_NAMES", "PER_SAMPLE_NAMES"]

# The seed's named matrices, in the order a lesson introduces them.
SEED_MATRIX_NAMES = (
    "input_matrix", "weights_matrix", "bias_matrix", "weight_and_input_matrix",
    "weight_input_bias_matrix", "activated_output_matrix", "dh_da_matrix", "dC_dy_matrix",
    "dC_da_matrix", "dC_dw_matrix", "dC_db_matrix",
)
PARAMETER_NAMES = ("weights_matrix", "bias_matrix")
# The matrices with one row per sample (N x n_out), besides input_matrix: a mini-batch of r
# samples holds their first r rows (Neural_Layer.use_rows).
PER_SAMPLE_NAMES = ("weight_and_input_matrix", "weight_input_bias_matrix",
                    "activated_output_matrix", "dh_da_matrix", "dC_dy_matrix", "dC_da_matrix")


def matrix_shapes(sample_size, n_in, n_out):
    """The shape of every matrix a layer stores, parameters first.

    Not listed: ``input_matrix`` (not the layer's own) and the three views
    (``broadcasted_bias_matrix``, ``input_transposed_matrix``,
    ``weights_transposed_matrix``), which read other matrices' cells.
    """
    rows = (sample_size, n_out)
    return {
        "weights_matrix": (n_in, n_out),
        "bias_matrix": (1, n_out),
        "weight_and_input_matrix": rows,
        "weight_input_bias_matrix": rows,
        "activated_output_matrix": rows,
        "dh_da_matrix": rows,
        "dC_dy_matrix": rows,
        "dC_da_matrix": rows,
        "dC_dw_matrix": (n_in, n_out),
        "dC_db_matrix": (1, n_out),
        "weight_step_matrix": (n_in, n_out),
        "bias_step_matrix": (1, n_out),
    }


# --------------------------------------------------------------------------
# Memory layout: the named matrices, the views, and W beside b.
# --------------------------------------------------------------------------
#
# Form_Network lays out every matrix of a network in one block of memory (see
# network.state), W right before b, dC_dw before dC_db, and the two steps
# likewise. Nothing of it changes a number; it lets a lesson hold the whole
# network in one array, and lets update_parameters run as one update (below).

_VIEWS = {"broadcasted_bias_matrix": "bias_matrix", "input_transposed_matrix": "input_matrix",
          "weights_transposed_matrix": "weights_matrix"}


def _named_matrices(input_matrix, matrices):
    """Every named matrix of a layer: ``input_matrix``, its own ``matrices``, and the views.

    ``broadcasted_bias_matrix`` (N x n_out), ``input_transposed_matrix`` (n_in x
    N) and ``weights_transposed_matrix`` (n_out x n_in) read the cells of b, x
    and W again or in the other order, without copying: they are always up to date.
    """
    bias = matrices["bias_matrix"]
    return {
        "input_matrix": input_matrix, **matrices,
        "broadcasted_bias_matrix": np.broadcast_to(bias, (input_matrix.shape[0], bias.shape[1])),
        "input_transposed_matrix": input_matrix.T,
        "weights_transposed_matrix": matrices["weights_matrix"].T,
    }


_MATRIX_NAMES = frozenset(("input_matrix", *matrix_shapes(1, 1, 1), *_VIEWS))


def _assign(layer, name, values):
    """``layer.<name> = values``: copy the values into the stored matrix, in place.

    The matrix keeps its memory (the views and the network's block keep
    reading it); a view and the network's data cannot be assigned.
    """
    if name in _VIEWS:
        raise ReadOnlyMatrixError(f"{name} is a view of {_VIEWS[name]} and follows it; "
                                  f"assign {_VIEWS[name]} instead")
    target = layer.matrices[name]
    values = np.asarray(values, dtype=np.float64)
    if values.shape != target.shape:
        raise ShapeError(f"{name} is {target.shape[0]}x{target.shape[1]}; cannot assign "
                         f"a matrix of shape {'x'.join(map(str, values.shape))}")
    if not target.flags.writeable:
        raise ReadOnlyMatrixError(f"{name} is the network's data and cannot be changed; "
                                  "form a new network with other data instead")
    np.copyto(target, values)


def _joined(first, second):
    """One 1 x (both sizes) view of two float64 matrices stored one right after the other.

    ``None`` unless both are C-ordered views of one 1-D block with ``second``
    starting where ``first`` ends (as :func:`~flux_widgets.network.Form_Network`
    lays out W and b, dC_dw and dC_db, and the two steps).
    """
    base = first.base
    if not (isinstance(base, np.ndarray) and second.base is base and base.ndim == 1
            and base.dtype == first.dtype == second.dtype == np.float64
            and base.flags.c_contiguous and first.flags.c_contiguous
            and second.flags.c_contiguous):
        return None
    start = first.__array_interface__["data"][0] - base.__array_interface__["data"][0]
    if second.__array_interface__["data"][0] != base.__array_interface__["data"][0] + start \
            + first.nbytes:
        return None
    offset = start // base.itemsize
    return base[offset:offset + first.size + second.size].reshape(1, -1)


def _side_by_side(matrices):
    """``([W b], [dC_dw dC_db], [W step, b step])``, each a 1 x (n_in·n_out + n_out) view; or None.

    Why: with W and b side by side, ``W −= η · dC_dw`` and ``b −= η · dC_db``
    are one update ``[W b] −= η · [dC_dw dC_db]``: the same numbers, bit for
    bit, in half the matrix operations, and on a small network each
    operation's fixed cost, not its arithmetic, is most of the time. What it
    costs: nothing but this function; a layer whose matrices lie elsewhere
    (``None``) updates W and b one after the other.
    """
    joined = [_joined(matrices[first], matrices[second]) for first, second in
              (("weights_matrix", "bias_matrix"), ("dC_dw_matrix", "dC_db_matrix"),
               ("weight_step_matrix", "bias_step_matrix"))]
    return None if any(view is None for view in joined) else tuple(joined)


class Neural_Layer:
    """One layer of neurons and the connection that feeds it.

    Parameters
    ----------
    input_matrix : ndarray, N x n_in
        The data (first layer) or the previous layer's ``activated_output_matrix``
        (the very same matrix, so it updates as that layer computes).
    matrices : dict
        Every matrix of :func:`matrix_shapes`, preallocated (the network lays
        them out in one block of memory).
    activation : ActivationType
        ``h``, the activation of these neurons.
    cost : Cost
        The network's cost record (:mod:`~flux_widgets.costs`); only the last layer's
        backward pass uses it. MSE by default.
    target : ndarray, N x n_out, or None
        The targets t, given to the last layer when its cost computes ∂C/∂a directly.
    """

    def __init__(self, input_matrix, matrices, activation, cost=MSE, target=None):
        self.matrices = _named_matrices(input_matrix, matrices)
        # Each is also a plain attribute, layer.weights_matrix: the formulas below read
        # them so, and a plain attribute is the fastest thing Python looks up.
        for name, matrix in self.matrices.items():
            object.__setattr__(self, name, matrix)
        self.activation = ActivationType.parse(activation)
        self.cost, self.target = cost, target
        self._joined_update = _side_by_side(self.matrices)
        self._all_rows = (matrices, target)   # the N-row matrices: use_rows views their rows

    def use_rows(self, count, input_matrix, target=None):
        """Hold ``count`` samples (a mini-batch): every per-sample matrix
        (:data:`PER_SAMPLE_NAMES`) becomes a view of its first ``count`` rows (the same
        memory, nothing copied), the layer reads ``input_matrix`` (count x n_in) and the
        last layer of a cost that needs them the targets ``target`` (count x n_out). The
        parameters and the gradients dC_dw, dC_db keep their shapes."""
        matrices, all_targets = self._all_rows
        rows = {name: matrix[:count] if name in PER_SAMPLE_NAMES else matrix
                for name, matrix in matrices.items()}
        self.hold_views(_named_matrices(input_matrix, rows),
                        target if all_targets is not None else None)

    def hold_views(self, matrices, target):
        """Hold ``matrices`` (every named matrix, as :meth:`use_rows` made them) and the
        targets ``target``: a network switching between batch sizes reuses views it made."""
        self.matrices = matrices
        for name, matrix in matrices.items():
            object.__setattr__(self, name, matrix)
        self.target = target

    def __setattr__(self, name, value):
        """``layer.weights_matrix = W`` copies W's values in: see :func:`_assign`."""
        if name in _MATRIX_NAMES:
            _assign(self, name, value)
        else:
            object.__setattr__(self, name, value)

    @property
    def sample_size(self):
        return self.matrices["input_matrix"].shape[0]

    @property
    def input_size(self):
        return self.matrices["weights_matrix"].shape[0]

    @property
    def neuron_count(self):
        return self.matrices["weights_matrix"].shape[1]

    def __repr__(self):
        inputs, neurons = self.input_size, self.neuron_count
        return (f"Neural_Layer({inputs} input{'s' * (inputs != 1)} → {neurons} "
                f"neuron{'s' * (neurons != 1)}, "
                f"{self.activation.name}, {self.sample_size} samples)")

    # ---- forward -------------------------------------------------------

    def compute_weight_and_input(self):
        """``weight_and_input_matrix = input_matrix · weights_matrix`` (N x n_out)."""
        return Matrix_Multiply(self.weight_and_input_matrix, self.input_matrix, self.weights_matrix)

    def compute_weight_input_bias(self):
        """``weight_input_bias_matrix = weight_and_input_matrix + broadcasted_bias_matrix``: a, N x n_out.

        ``broadcasted_bias_matrix`` is the bias row repeated for every sample.
        """
        return Matrix_Add(self.weight_input_bias_matrix, self.weight_and_input_matrix,
                          self.broadcasted_bias_matrix)

    def compute_weighted_sum(self):
        """The weighted sum ``a = x · W + broadcast(b)``: both steps above (not a seed name)."""
        self.compute_weight_and_input()
        return self.compute_weight_input_bias()

    def Activate(self, activation_type=None):
        """``activated_output_matrix = h(weight_input_bias_matrix)``.

        ``activation_type`` (as in the seed's ``Activate(activation_type)``)
        replaces the layer's activation; by default the layer's own is used.
        """
        if activation_type is not None:
            self.activation = ActivationType.parse(activation_type)
        return activate(self.activation, self.weight_input_bias_matrix,
                        self.activated_output_matrix)

    # ---- backward ------------------------------------------------------

    def compute_output_dC_dy(self, target):
        """Last layer: the cost C and ``dC_dy = ∂C/∂h``, by the layer's cost record.

        The seed's mean squared error (:data:`~flux_widgets.costs.MSE`, the default):
        ``C = (1/N) Σ (h − t)²`` and ``∂C/∂h = (2/N) · (h − t)``; cross-entropy: see
        :mod:`~flux_widgets.costs`. Shapes: ``target`` and ``dC_dy`` are N x n_out.
        Returns C.
        """
        m = self.matrices
        return self.cost.cost_and_dC_dy(m["activated_output_matrix"], target, m["dC_dy_matrix"],
                                        m["weight_input_bias_matrix"], self.activation)

    def compute_hidden_dC_dy(self, next_layer):
        """Hidden layer: ``dC_dy = ∂C/∂h = next.dC_da · next.weightsᵀ``.

        Entry by entry ``∂C/∂h[n, j] = Σ_k ∂C/∂a_next[n, k] · W_next[j, k]``:
        neuron j's output reaches the cost through every neuron k it feeds.
        Shapes: (N x n_next) · (n_next x n_out) = N x n_out.
        """
        return Matrix_Multiply(self.dC_dy_matrix, next_layer.dC_da_matrix,
                               next_layer.weights_transposed_matrix)

    def Dh_Da_Function(self, is_last_layer=False):
        """``dh_da_matrix = h'(weight_input_bias_matrix)`` (N x n_out).

        ``is_last_layer`` is the seed's flag; the derivative of ``h`` does not
        depend on where the layer sits, so it changes nothing here (the output
        layer's difference is in ``dC_dy``, see :meth:`compute_output_dC_dy`).
        """
        return derivative(self.activation, self.weight_input_bias_matrix,
                          self.activated_output_matrix, self.dh_da_matrix)

    def matrix_notes(self):
        """What a named matrix holds where it differs from the module's table, in words:
        ``{name: note}`` (empty for the seed's MSE with an element-by-element activation).
        Shown beside the matrices by the panel's tables."""
        notes = {}
        kind = self.activation.name
        if not self.activation.record.elementwise:
            notes["dh_da_matrix"] = (f"the diagonal h(1 − h) of {kind}'s Jacobian "
                                     "∂h_j/∂a_k = h_j(δ_jk − h_k), for reading")
            notes["dC_da_matrix"] = f"∂C/∂h times {kind}'s whole Jacobian"
        if self.dC_da_from_cost:
            gradient = self.cost.gradient_formula(self.activation).split(";")[0]
            notes["dC_dy_matrix"] = f"∂C/∂y of {self.cost.label}: {gradient}"
            notes["dh_da_matrix"] = notes.get("dh_da_matrix", "h'(a)") + ": dC_da does not use it"
            notes["dC_da_matrix"] = ("(y − t)/N from y and t: ∂C/∂y times h' simplified, "
                                     "exact where ∂C/∂y is huge and h' tiny")
        return notes

    @property
    def dC_da_from_cost(self):
        """Whether ``dC_da`` comes from the cost directly (the last layer, cross-entropy)."""
        return self.target is not None and self.cost.dC_da is not None

    @property
    def dC_da_is_product(self):
        """Whether ``dC_da = dC_dy ⊙ dh_da`` entry by entry (MSE, or a hidden layer, with an
        element-by-element activation): what a derivation of one gradient entry shows."""
        return self.activation.record.elementwise and not self.dC_da_from_cost

    def compute_dC_da(self):
        """``dC_da = dC_dy ⊙ dh_da``: ``∂C/∂a[n, j] = ∂C/∂h[n, j] · h'(a[n, j])`` (N x n_out).

        Two exceptions. The last layer of a cost that gives ∂C/∂a directly (cross-entropy,
        with :attr:`target` set): ``(h − t)/N``, that product simplified. An activation that
        is not element by element (softmax): the row of ∂C/∂h times the whole Jacobian,
        ``∂C/∂a[n, j] = Σ_k ∂C/∂h[n, k] · ∂h_k/∂a_j`` (its record's ``backward``).
        """
        if self.dC_da_from_cost:
            return self.cost.dC_da(self.activated_output_matrix, self.target,
                                   self.weight_input_bias_matrix, self.activation,
                                   self.dC_da_matrix)
        record = self.activation.record
        if not record.elementwise:
            return record.backward(self.weight_input_bias_matrix, self.activated_output_matrix,
                                   self.dC_dy_matrix, self.dC_da_matrix)
        return Matrix_Hadamard_Product(self.dC_da_matrix, self.dC_dy_matrix, self.dh_da_matrix)

    def compute_dC_dw(self):
        """``dC_dw = inputᵀ · dC_da``: ``∂C/∂W[i, j] = Σ_n x[n, i] · ∂C/∂a[n, j]`` (n_in x n_out)."""
        return Matrix_Multiply(self.dC_dw_matrix, self.input_transposed_matrix, self.dC_da_matrix)

    def compute_dC_db(self):
        """``dC_db = Σ_n dC_da[n, :]``: column sums of ``dC_da`` (1 x n_out)."""
        return Matrix_Sum_Columns(self.dC_db_matrix, self.dC_da_matrix)

    # ---- update --------------------------------------------------------

    def update_weights(self, learning_rate):
        """``weights_matrix = weights_matrix − η · dC_dw`` (η = learning rate)."""
        step = Matrix_Scalar_Multiply(self.dC_dw_matrix, learning_rate, self.weight_step_matrix)
        return Matrix_Subtract(self.weights_matrix, self.weights_matrix, step)

    def update_bias(self, learning_rate):
        """``bias_matrix = bias_matrix − η · dC_db``."""
        step = Matrix_Scalar_Multiply(self.dC_db_matrix, learning_rate, self.bias_step_matrix)
        return Matrix_Subtract(self.bias_matrix, self.bias_matrix, step)

    def update_parameters(self, learning_rate):
        """Both updates: ``W −= η · dC_dw`` and ``b −= η · dC_db``.

        Where W and b lie side by side (a network made by ``Form_Network``, see
        :func:`_side_by_side`) they run as one, ``[W b] −= η · [dC_dw dC_db]``:
        the same numbers in every named matrix. While operations are recorded
        (:func:`~flux_widgets.matrix.record_operations`) they run one by one, as
        ``update_weights`` and ``update_bias``, so that a recording shows each.
        """
        joined = self._joined_update
        if joined is None or _RECORDERS or type(learning_rate) is not float:
            self.update_weights(learning_rate)
            self.update_bias(learning_rate)
            return
        # The fast path: the joined views fit by construction, so numpy's own functions
        # run without the Matrix_* checks (the same ufuncs, the same numbers).
        parameters, gradients, steps = joined  # [W b], [dC_dw dC_db], [η·dC_dw η·dC_db]
        np.multiply(gradients, learning_rate, steps)  # Matrix_Scalar_Multiply
        np.subtract(parameters, steps, parameters)  # Matrix_Subtract

    # snake_case aliases of the seed's methods
    activate = Activate
    dh_da_function = Dh_Da_Function

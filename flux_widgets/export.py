"""Exports for slides and handouts: a named matrix as LaTeX or CSV, the cost chart as SVG,
a step's formula as LaTeX, written to a file.

- :func:`matrix_latex`: ``\\begin{bmatrix} … \\end{bmatrix}`` (amsmath), each number to
  ``figures`` significant figures; a matrix larger than ``max_rows`` x ``max_columns``
  shows its first rows and columns and its last, the rest elided with ``\\vdots``,
  ``\\cdots`` and ``\\ddots``. For reading, not for computing.
- :func:`matrix_csv`: every number in full (Python's ``repr`` of the float64, the
  shortest text that reads back to the very same bits), so ``np.loadtxt(path,
  delimiter=",")`` gives the matrix back bit for bit.
- :func:`network_matrix`: matrix ``name`` of layer ``layer`` (counted from 1), checked.
- :func:`chart_svg`: the cost curve of a :class:`~flux_widgets.stepper.Stepper` (or of
  ``(iteration_points, mse_values)``) as the SVG chart of
  :func:`flux_widgets.mse_graph.svg_chart`.
- :func:`step_latex`: the formulas of a step's computations in LaTeX
  (:attr:`Computation.latex <flux_widgets.stepper.Computation>`).
- :func:`save_text`: write any of these to a file, saying where.

Numbers in LaTeX (:func:`number_latex`): Python's ``g`` format to ``figures`` significant
figures, its exponent written as a power of ten: ``0.1235``, ``-2``, ``1.235\\times10^{5}``,
``1\\times10^{-300}``; ``\\text{nan}``, ``\\infty`` and ``-\\infty`` for the numbers that
are not finite, and ``0`` for ``-0.0`` (its value; the CSV keeps ``-0.0``).

The diagram's SVG needs the panel's diagram: :mod:`flux_widgets.widgets.diagram_svg`.
Numpy only: this module imports no widget library.
"""

from __future__ import annotations

import math
import os

import numpy as np

from .checks import whole_number
from .errors import ConfigurationError, StorageError
from .layer import SEED_MATRIX_NAMES
from .mse_graph import mse_series, svg_chart
from .network import check_network
from .stepper import Step, Stepper, shapes_latex

__all__ = ["matrix_latex", "number_latex", "matrix_csv", "network_matrix", "chart_svg",
           "step_latex", "save_text", "MAX_FIGURES"]

MAX_FIGURES = 17  # significant figures that tell every float64 apart
_TEXT_ESCAPES = str.maketrans({character: "\\" + character for character in "_&%#${}"}
                              | {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"})


def _checked_matrix(matrix):
    """``matrix`` as a non-empty 2-D float64 array; ConfigurationError otherwise."""
    try:
        complex_numbers = np.iscomplexobj(matrix)
        array = None if complex_numbers else np.asarray(matrix, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        array = None
    if array is None or array.ndim != 2 or array.size == 0:
        shape = "" if array is None else f", got shape {array.shape}"
        raise ConfigurationError("a matrix to export must be a non-empty 2-D matrix of real "
                                 f"numbers (rows x columns), such as layer.weights_matrix{shape}")
    return array


def _shown(count, most):
    """The indices shown of ``count`` when at most ``most`` may be: all, or the first
    ``most − 1`` and the last (the rest elided before the last)."""
    return list(range(count)) if count <= most else [*range(most - 1), count - 1]


def number_latex(value, figures=4):
    """``value`` in LaTeX to ``figures`` significant figures (see module docs):
    ``number_latex(123456.0, 3) == r"1.23\\times10^{5}"``."""
    value = float(value)
    if math.isnan(value):
        return r"\text{nan}"
    if math.isinf(value):
        return r"\infty" if value > 0 else r"-\infty"
    text = f"{value:.{figures}g}"
    if text == "-0":
        return "0"
    mantissa, _, exponent = text.partition("e")
    return f"{mantissa}\\times10^{{{int(exponent)}}}" if exponent else mantissa


def matrix_latex(matrix, figures=4, max_rows=10, max_columns=8, name=None):
    """The matrix as LaTeX: ``\\begin{bmatrix} a & b \\\\ c & d \\end{bmatrix}``.

    Parameters
    ----------
    matrix : array of shape (rows, columns)
    figures : int
        Significant figures of each number, 1 to :data:`MAX_FIGURES`.
    max_rows, max_columns : int
        The most rows and columns shown (at least 2): a larger matrix shows its first
        ``max_rows − 1`` rows and its last, with a row of ``\\vdots`` before the last
        (``\\ddots`` where it crosses the elided columns), and likewise its columns with
        ``\\cdots``. So the LaTeX has at most ``max_rows + 1`` rows of at most
        ``max_columns + 1`` entries.
    name : str or None
        A caption: ``\\text{name} = \\begin{bmatrix}…\\end{bmatrix} \\quad [rows\\times
        columns]`` (the name's LaTeX characters escaped).

    Returns the LaTeX (math mode, without ``$`` delimiters), lines ending in ``\\\\``.
    Raises ConfigurationError for something that is not a 2-D matrix or a bad setting.
    """
    array = _checked_matrix(matrix)
    figures = whole_number(figures, "figures", 1, MAX_FIGURES)
    max_rows = whole_number(max_rows, "max_rows", 2)
    max_columns = whole_number(max_columns, "max_columns", 2)
    rows, columns = array.shape
    shown_rows, shown_columns = _shown(rows, max_rows), _shown(columns, max_columns)

    def line(cells):  # the cells of a row, "\cdots" before the last if columns are elided
        return " & ".join(cells[:-1] + ([r"\cdots"] if columns > max_columns else [])
                          + cells[-1:])

    lines = [line([number_latex(array[row, column], figures) for column in shown_columns])
             for row in shown_rows]
    if rows > max_rows:
        dots = [r"\vdots"] * len(shown_columns)
        elided = " & ".join(dots[:-1] + ([r"\ddots"] if columns > max_columns else [])
                            + dots[-1:])
        lines.insert(len(lines) - 1, elided)
    body = "\\begin{bmatrix}\n" + " \\\\\n".join(lines) + "\n\\end{bmatrix}"
    if name is None:
        return body
    caption = str(name).translate(_TEXT_ESCAPES)
    return f"\\text{{{caption}}} = {body} \\quad [{shapes_latex(f'{rows}x{columns}')}]"


def matrix_csv(matrix, header=None):
    """The matrix as CSV: a line per row, its numbers separated by commas, each written
    in full (``repr`` of the float64: ``0.1``, ``-0.0``, ``1e-300``, ``nan``, ``inf``), so
    ``np.loadtxt(io.StringIO(text), delimiter=",", ndmin=2)`` reads it back bit for bit.

    ``header``: a line of text written first as a comment (``# layer 1 weights_matrix,
    4x8``), which ``np.loadtxt`` skips. Raises ConfigurationError for something that is
    not a 2-D matrix."""
    array = _checked_matrix(matrix)
    lines = [] if header is None else ["# " + " ".join(str(header).split())]
    lines += [",".join(repr(value) for value in row) for row in array.tolist()]
    return "\n".join(lines) + "\n"


def network_matrix(network, layer, name):
    """Matrix ``name`` (one of the seed's names, :data:`~flux_widgets.layer.SEED_MATRIX_NAMES`)
    of layer ``layer`` (counted from 1) of ``network``: the layer's own matrix, not a copy.
    ConfigurationError, saying what there is, for a layer or name the network lacks."""
    check_network("network_matrix", network)
    layers = len(network.neural_layers)
    layer = whole_number(layer, "layer", 1, layers)
    if name not in SEED_MATRIX_NAMES:
        raise ConfigurationError(f"a layer has no matrix named {name!r}; its named matrices "
                                 f"are {', '.join(SEED_MATRIX_NAMES)}")
    return network.neural_layers[layer - 1].matrices[name]


def chart_svg(source, cost_label=None):
    """The cost curve as a standalone SVG chart (:func:`~flux_widgets.mse_graph.svg_chart`).

    ``source``: a :class:`~flux_widgets.stepper.Stepper` (its curve; ``cost_label``
    defaults to its :attr:`~flux_widgets.stepper.Stepper.cost_label`), or a pair
    ``(iteration_points, mse_values)`` as ``Learn`` gives them (``cost_label`` defaults to
    ``"MSE"``). Points with nan or inf are left out. ConfigurationError when there is no
    finite point to draw (no iteration completed yet)."""
    if isinstance(source, Stepper):
        points, label = (source.iteration_points, source.cost_values), source.cost_label
    elif isinstance(source, (tuple, list)) and len(source) == 2:
        points, label = source, "MSE"
    else:
        raise ConfigurationError("chart_svg needs a Stepper or a pair (iteration_points, "
                                 f"mse_values), got {type(source).__name__}")
    if cost_label is not None:
        if not isinstance(cost_label, str) or not cost_label.strip():
            raise ConfigurationError(f"cost_label must be a name such as 'MSE', got "
                                     f"{cost_label!r}")
        label = cost_label.strip()
    iterations, mse, _ = mse_series(points[1], points[0])
    if not len(mse):
        raise ConfigurationError("the cost curve has no point to draw yet: complete an "
                                 "iteration first (Whole iteration, or Train)")
    return svg_chart(iterations, mse, label)


def step_latex(step):
    """The formulas of ``step``'s computations (a :class:`~flux_widgets.stepper.Step`, such
    as ``stepper.last_step``) in LaTeX, their shapes in brackets: one computation's
    :attr:`~flux_widgets.stepper.Computation.latex`, or several, each with its layer, in
    ``\\begin{gathered} … \\end{gathered}``. ConfigurationError for a step that computed
    nothing (none yet, or a training, whose computations are not shown one by one)."""
    if not isinstance(step, Step) or not step.computations:
        raise ConfigurationError("there is no stepped computation to write: press Step first "
                                 "(a training, or the state after Step back to the start, "
                                 "has no formula of its own)")
    done = step.computations
    if len(done) == 1:
        return done[0].latex
    lines = [f"\\text{{layer {c.layer}:}}\\; {c.latex}" for c in done]
    return "\\begin{gathered}\n" + " \\\\\n".join(lines) + "\n\\end{gathered}"


def save_text(text, path):
    """Write ``text`` to the file ``path`` (UTF-8; an existing file is replaced) and return
    its full path. StorageError, saying why, when it cannot be written."""
    if not isinstance(path, (str, os.PathLike)) or not str(path).strip():
        raise ConfigurationError(f"path must be a file path such as 'weights.tex', got {path!r}")
    full = os.path.abspath(os.path.expanduser(path))
    try:
        with open(full, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
    except OSError as error:
        raise StorageError(f"could not write {full}: {error.strerror or error}") from None
    return full

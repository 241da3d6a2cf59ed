"""Text views for the terminal: ``NNStructureVis`` (the seed's structure view) and ``matrix_text``.

Both need numpy only, so they work in any script, terminal or notebook.
"""

from __future__ import annotations

import numpy as np

from .checks import whole_number
from .errors import DataError, ShapeError
from .layer import SEED_MATRIX_NAMES
from .network import check_network

__all__ = ["NNStructureVis", "matrix_text", "significant_text", "MAX_DRAWN_NEURONS"]

MAX_DRAWN_NEURONS = 16

# What each seed matrix holds, in the notation of flux_widgets.layer.
_SYMBOLS = {
    "weights_matrix": "W",
    "bias_matrix": "b",
    "weight_and_input_matrix": "x·W",
    "weight_input_bias_matrix": "a = x·W + b",
    "activated_output_matrix": "h = h(a)",
    "dh_da_matrix": "h'(a)",
    "dC_dy_matrix": "∂C/∂h",
    "dC_da_matrix": "∂C/∂a",
    "dC_dw_matrix": "∂C/∂W",
    "dC_db_matrix": "∂C/∂b",
}


class NNStructureVis:
    """The seed's ``NNStructureVis``: the structure of a network as text."""

    @staticmethod
    def visualizeNetwork(network, file=None):
        """Print the structure of ``network`` (to ``file``, default stdout) and return it.

        The view shows a header (``FLUX network 4(implicit)-8-4-1 · 16 samples
        · 81 parameters``), a column of neurons per layer, then one block per
        layer with its activation and the shape of every seed matrix.
        """
        check_network("visualizeNetwork", network)
        text = "\n".join([_header(network), "", *_neuron_columns(network.layers_vector), "",
                          *_layer_blocks(network)])
        print(text, file=file)
        return text

    visualize_network = visualizeNetwork


def _header(network):
    sizes = network.layers_vector
    hidden_and_output = "-".join(str(n) for n in sizes[1:])
    parameters = sum(layer.weights_matrix.size + layer.bias_matrix.size
                     for layer in network.neural_layers)
    return (f"FLUX network {sizes[0]}(implicit)-{hidden_and_output} · "
            f"{network.sample_size} samples · {parameters} parameters")


def _neuron_columns(sizes):
    """One column of ``o`` per layer, ``L0`` first, capped at ``MAX_DRAWN_NEURONS`` rows."""
    columns = []
    for size in sizes:
        cells = ["o"] * min(size, MAX_DRAWN_NEURONS)
        if size > MAX_DRAWN_NEURONS:
            cells.append(f"… ({size})")
        columns.append(cells)
    labels = [f"L{number}" for number in range(len(sizes))]
    width = max(len(cell) for cells in [labels, *columns] for cell in cells)
    height = max(len(cells) for cells in columns)
    lines = ["  ".join(label.center(width) for label in labels).rstrip()]
    for row in range(height):
        cells = []
        for column in columns:
            index = row - (height - len(column)) // 2  # centre each column vertically
            cells.append(column[index] if 0 <= index < len(column) else "")
        lines.append("  ".join(cell.center(width) for cell in cells).rstrip())
    return lines


def _layer_blocks(network):
    """``Layer 0`` (the implicit input layer), then every ``Neural_Layer`` with its matrices."""
    layers = network.neural_layers
    shapes = [layer.matrices[name].shape for layer in layers for name in SEED_MATRIX_NAMES]
    row_width = max(len(str(rows)) for rows, _ in shapes)
    column_width = max(len(str(columns)) for _, columns in shapes)
    name_width = max(len(name) for name in SEED_MATRIX_NAMES)

    lines = [f"Layer 0 (input, implicit): {_neurons(network.layers_vector[0])}"]
    for number, layer in enumerate(layers, start=1):
        role = "output" if number == len(layers) else "hidden"
        lines += ["", f"Layer {number} ({role}): {_neurons(layer.neuron_count)} · "
                      f"{layer.activation.name} · {layer.input_size} inputs each"]
        for name in SEED_MATRIX_NAMES:
            rows, columns = layer.matrices[name].shape
            if name != "input_matrix":
                symbol = _SYMBOLS[name]
            elif number == 1:
                symbol = "x (the data)"
            else:
                symbol = f"x = h of layer {number - 1}"
            lines.append(f"  {name:<{name_width}}  {rows:>{row_width}}x{columns:<{column_width}}"
                         f"  {symbol}")
    return lines


def _neurons(count):
    return f"{count} neuron{'' if count == 1 else 's'}"


def significant_text(value, figures):
    """``value`` with ``figures`` significant figures, short and exact about zero.

    Fixed-point when ``1e-3 ≤ |value| < 10**figures`` once rounded (4 figures:
    ``0.08893``, ``12.35``, ``-1234``), scientific otherwise (``-5.302e-06``,
    ``1.235e+04``); an exact zero (and -0.0) ``0``; ``nan``, ``inf``, ``-inf``. The minus
    is ASCII, so a number copied from the page pastes into Python.
    """
    if not np.isfinite(value):
        return "nan" if np.isnan(value) else ("inf" if value > 0 else "-inf")
    if value == 0:
        return "0"
    scientific = f"{value:.{figures - 1}e}"
    exponent = int(scientific.partition("e")[2])
    if not -3 <= exponent < figures:
        return scientific
    return f"{value:.{figures - 1 - exponent}f}"


def matrix_text(matrix, name=None, max_rows=8, max_columns=8, digits=4):
    """A matrix as a fixed-width table, its shape in the heading.

    Rows and columns are numbered. A matrix with more than ``max_rows`` rows
    (``max_columns`` columns, both ≥ 1) shows its first and last ones with
    ``…`` in between. Numbers get ``digits`` decimals, in scientific notation
    when one of them is 10⁶ or more in size. A 1-D array is shown as one row.
    """
    max_rows, max_columns, digits = (
        whole_number(value, label, least)
        for label, value, least in (("max_rows", max_rows, 1), ("max_columns", max_columns, 1),
                                    ("digits", digits, 0)))
    try:
        values = np.asarray(matrix, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise DataError(f"matrix_text shows matrices of numbers, got {type(matrix).__name__} "
                        f"{matrix!r:.60}") from None
    if values.ndim < 2:
        values = values.reshape(1, -1)
    if values.ndim != 2:
        raise ShapeError(f"matrix_text shows 2-D matrices, got shape {values.shape}")
    rows, columns = values.shape
    heading = f"{name or 'matrix'} ({rows}x{columns})"
    if values.size == 0:
        return f"{heading}: empty"

    row_numbers = _kept_indices(rows, max_rows)
    column_numbers = _kept_indices(columns, max_columns)
    shown = values[np.ix_([r for r in row_numbers if r is not None],
                          [c for c in column_numbers if c is not None])]
    finite = np.abs(shown[np.isfinite(shown)])
    style = "e" if finite.size and finite.max() >= 1e6 else "f"

    table = [["", *("…" if c is None else str(c) for c in column_numbers)]]
    values_rows = iter(shown)
    for r in row_numbers:
        if r is None:
            table.append(["…"] * len(table[0]))
            continue
        values_row = iter(next(values_rows))
        table.append([str(r), *("…" if c is None else f"{next(values_row):.{digits}{style}}"
                                for c in column_numbers)])
    widths = [max(len(line[k]) for line in table) for k in range(len(table[0]))]
    body = ["  ".join(cell.rjust(width) for cell, width in zip(line, widths)) for line in table]
    return "\n".join([heading, *body])


def _kept_indices(count, limit):
    """``range(count)``, or its first and last ones around a ``None`` when over ``limit``."""
    if count <= limit:
        return list(range(count))
    head, tail = (limit + 1) // 2, limit // 2
    return [*range(head), None, *range(count - tail, count)]

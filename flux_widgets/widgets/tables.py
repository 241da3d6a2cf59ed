"""Matrix tables: every named matrix of a layer, as HTML, with what the last step wrote marked.

A table shows a window of at most ``max_rows`` x ``max_columns`` cells (MNIST's
784 inputs do not fit on a screen); the window moves with ``row_start`` and
``column_start``. A cell shows ``SIGNIFICANT_FIGURES`` significant figures
(``0.08893``, ``12.35``, ``-5.302e-06``; an exact zero ``0``), right-aligned to
one width per table. A matrix not computed yet since the network was formed
(:meth:`~flux_widgets.stepper.Stepper.computed`) shows ``—`` in every cell and
says so in its heading. Matrices the last step wrote get a thicker border and
``✎ written`` in their heading, and the cells whose value changed are bold on a
tinted background. A chosen neuron (clicked in the diagram) is outlined too:
its column in the matrices of its layer, and its row of the next layer's weights.
While the network holds a mini-batch, a per-sample matrix is numbered at the left by
the samples its rows hold (their rows in the data), and each layer's heading says so.

The colours are JupyterLab's theme variables (``var(--jp-…, fallback)``), so
the tables read in its light and dark themes alike; the fallbacks are the kit's
palette, for a page without them. The style sheet is its own widget, sent once:
a ``<style>`` inside the updated HTML would make the browser restyle the whole
page on every step.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from .. import palette
from ..layer import PER_SAMPLE_NAMES, SEED_MATRIX_NAMES
from ..text import significant_text
from .view import View

__all__ = ["matrix_html", "MatrixTables", "SIGNIFICANT_FIGURES"]

SIGNIFICANT_FIGURES = 4  # of a cell: a shown number is within 5e-4 of the value, relatively

# Contrast (WCAG AA: text ≥ 4.5:1, marks ≥ 3:1) in JupyterLab 4's light / dark theme, and
# of the fallbacks on white: indices and "—", --jp-content-font-color2 on the page, 4.6 / 9.5
# (#757575: 4.6); a changed cell, black on --jp-warn-color3 (light orange in every JupyterLab
# theme), 16.6 (#fefcbf: 19.9); the written border --jp-brand-color1, 4.6 / 6.0; the chosen
# neuron's outline --jp-error-color1, 5.0 / 5.1.
_STYLE = f"""<style>
.flux-tables {{display:flex; flex-wrap:wrap; gap:10px; font-size:12px; contain:content}}
.flux-matrix {{border:1px solid var(--jp-border-color1, #ccc); border-radius:4px; padding:4px}}
.flux-matrix.flux-written {{border:3px solid var(--jp-brand-color1, {palette.POSITIVE});
                          padding:2px;
                          box-shadow:0 0 0 2px var(--jp-brand-color3, {palette.WRITTEN})}}
.flux-matrix h4 {{margin:0 0 3px 0; font-size:12px; font-family:monospace}}
.flux-matrix h4 .flux-note {{font-weight:normal; font-style:italic}}
.flux-matrix-note {{max-width:22em; margin:0 0 3px 0; font-style:italic;
                   color:var(--jp-content-font-color2, #616161)}}
.flux-grid {{display:flex; gap:0.6em}}
.flux-grid pre {{margin:0; font-family:monospace; font-size:inherit; line-height:1.45;
                background:none; padding:0}}
.flux-grid pre.flux-index, .flux-grid span.flux-index, .flux-pending .flux-grid pre {{
    color:var(--jp-content-font-color2, #757575)}}
.flux-grid pre.flux-all-changed, .flux-grid span.flux-changed {{
    background:var(--jp-warn-color3, {palette.CHANGED}); color:#000; font-weight:bold}}
.flux-grid pre.flux-all-changed span.flux-index {{background:var(--jp-layout-color0, #fff);
                                                  font-weight:normal}}
.flux-grid span.flux-focus {{outline:2px solid var(--jp-error-color1, {palette.SELECTED});
                            outline-offset:0}}
</style>"""


def matrix_html(name, matrix, written=False, changed=None, row_start=0, column_start=0,
                max_rows=16, max_columns=10, focus_column=None, focus_row=None, computed=True,
                note="", row_labels=None):
    """One matrix as HTML: heading ``name (R x C)``, then a window of its cells.

    The cells stand in aligned columns of monospaced text (a ``<pre>`` of
    values beside a ``<pre>`` of row numbers) rather than in ``<td>`` cells:
    the browser then has a handful of elements to restyle and lay out per
    matrix instead of one per number, which is most of the time a step's
    redraw takes. ``changed`` is a boolean matrix of the same shape marking
    changed cells (each one marked, or the whole window when every shown cell
    changed); the cells of ``focus_column`` and ``focus_row`` (if given) are
    outlined. A ``written`` matrix says ``✎ written`` in its heading; one not
    ``computed`` yet shows ``—`` in every cell and ``not computed yet``. ``note`` (what the
    matrix holds, when it is not what its name says: :meth:`Neural_Layer.matrix_notes`)
    stands under the heading. ``row_labels`` numbers the rows at the left (one per row;
    by default 0, 1, …): a mini-batch's sample numbers.
    """
    rows, columns = matrix.shape
    r0 = min(max(0, row_start), max(0, rows - max_rows))
    c0 = min(max(0, column_start), max(0, columns - max_columns))
    r1, c1 = min(rows, r0 + max_rows), min(columns, c0 + max_columns)
    window = ""
    if (r0, c0, r1, c1) != (0, 0, rows, columns):
        window = f" — rows {r0}–{r1 - 1}, columns {c0}–{c1 - 1}"
    texts = ([[significant_text(value, SIGNIFICANT_FIGURES) for value in line]
              for line in matrix[r0:r1, c0:c1].tolist()]
             if computed else [["—"] * (c1 - c0)] * (r1 - r0))
    width = max([len(str(c1 - 1))] + [len(text) for line in texts for text in line])
    shown = None if changed is None else changed[r0:r1, c0:c1]
    every_cell_changed = shown is not None and shown.size > 0 and bool(shown.all())
    lines = ["<span class='flux-index'>"
             + " ".join(str(c).rjust(width) for c in range(c0, c1)) + "</span>"]
    for r, line in zip(range(r0, r1), texts):
        cells = []
        for c, text in zip(range(c0, c1), line):
            marks = ("flux-changed" if shown is not None and not every_cell_changed
                     and shown[r - r0, c - c0] else "",
                     "flux-focus" if focus_column == c or focus_row == r else "")
            padding = " " * (width - len(text))
            if any(marks):
                text = f"<span class='{' '.join(filter(None, marks))}'>{text}</span>"
            cells.append(padding + text)
        lines.append(" ".join(cells))
    # the first line (beside the column numbers) is a space: a browser drops a newline
    # that directly follows <pre>
    index = "\n".join([" "] + [str(r if row_labels is None else row_labels[r])
                               for r in range(r0, r1)])
    values_class = " class='flux-all-changed'" if every_cell_changed else ""
    notes = {}  # the matrix's class: the note in its heading
    if written:
        notes["flux-written"] = "✎ written"
    if not computed:
        notes["flux-pending"] = "· not computed yet"
    heading = "".join(f" <span class='flux-note'>{note}</span>" for note in notes.values())
    return (f"<div class='{' '.join(['flux-matrix', *notes])}' data-matrix='{html.escape(name)}'>"
            f"<h4>{html.escape(name)} ({rows} x {columns}){window}{heading}</h4>"
            + (f"<div class='flux-matrix-note'>{html.escape(note)}</div>" if note else "") +
            "<div class='flux-grid'>"
            f"<pre class='flux-index'>{index}</pre>"
            f"<pre{values_class}>{chr(10).join(lines)}</pre></div></div>")


class MatrixTables(View):
    """The named matrices of one layer (or of all layers) in an ``ipywidgets.HTML``.

    One of the panel's views (:class:`~flux_widgets.widgets.view.View`): after a step it
    marks the matrices the step wrote and, compared with the values shown before, the
    cells that changed. Usable without the panel: ``MatrixTables(network)`` as the last
    line of a cell shows the tables of any network (then call :meth:`show` after a step).

    ``stepper`` is the :class:`~flux_widgets.stepper.Stepper` on screen, whose
    :meth:`~flux_widgets.stepper.Stepper.computed` says which matrices are not computed
    yet (shown as ``—``); ``None`` (a network shown on its own): every matrix is.
    """

    def __init__(self, network=None, max_rows=16, max_columns=10):
        self.network = self.stepper = None
        self.max_rows, self.max_columns = max_rows, max_columns
        self.layer = widgets.ToggleButtons(options=[("Layer 1", 1)], value=1,
                                           style={"button_width": "90px"})
        self.row_start = widgets.BoundedIntText(value=0, min=0, max=0, description="first row",
                                                layout=widgets.Layout(width="160px"))
        self.column_start = widgets.BoundedIntText(value=0, min=0, max=0,
                                                   description="first column",
                                                   layout=widgets.Layout(width="170px"))
        self.html = widgets.HTML()
        self.widget = widgets.VBox([widgets.HTML(_STYLE),
                                    widgets.HBox([self.layer, self.row_start,
                                                  self.column_start]),
                                    self.html])
        self._quiet = False  # set while show() itself moves the controls
        for control in (self.layer, self.row_start, self.column_start):
            control.observe(self._control_moved, "value")
        if network is not None:
            self._show_network(network)

    def network_replaced(self, stepper):
        self._show_network(stepper.network, stepper)

    def step_happened(self, change):
        """Mark what ``change`` wrote; a step shows the layer it computed last."""
        self.stepper = change.stepper
        self.show(change.written or (), layer=change.active_layer if change.step else None)

    def _show_network(self, network, stepper=None):
        """Show layer 1 of ``network``, its window at the top left, nothing marked."""
        self.network, self.stepper = network, stepper
        # (layer, name) -> the values shown last (None: shown as not computed yet)
        self._shown = {}
        self._written = set()
        self.neuron = None  # (column in the diagram, neuron) whose cells are outlined
        count = len(network.neural_layers)
        self._quiet = True
        try:
            self.layer.options = ([(f"Layer {n}", n) for n in range(1, count + 1)]
                                  + [("All layers", 0)])
            self.layer.value = 1
            self.row_start.value = self.column_start.value = 0
            self.row_start.max = network.sample_size - 1
            self.column_start.max = max(network.layers_vector) - 1
        finally:
            self._quiet = False
        self.show()

    def _repr_mimebundle_(self, **kwargs):
        """Shown on its own in a notebook cell: the layer buttons, the window and the tables."""
        return self.widget._repr_mimebundle_(**kwargs)

    def _control_moved(self, change):
        if not self._quiet:
            self.show(self._written, compare=False)

    def select(self, layer, row=None):
        """Show ``layer`` (1-based; 0 = all), scrolled to ``row`` if given."""
        self.show(self._written, compare=False, layer=layer, row=row)

    def select_neuron(self, column, neuron):
        """Outline neuron ``neuron`` of diagram column ``column`` (0: an input) and show it.

        Its cells are its column in the matrices of layer ``column`` and its
        row of layer ``column + 1``'s weights (an input: layer 1's input
        column and weight row). The window scrolls to show them.
        """
        self.neuron = (column, neuron)
        self.show(self._written, compare=False, layer=max(column, 1),
                  column=max(0, neuron - self.max_columns // 2))

    def _focus(self, number):
        """The chosen neuron as ``(one of layer number's neurons, one of its inputs)``."""
        if self.neuron is None:
            return None, None
        column, neuron = self.neuron
        return (neuron if column == number else None,
                neuron if column == number - 1 else None)

    def _changed(self, key, matrix):
        """The cells of computed ``matrix`` that differ from those shown last of ``key``:
        a boolean matrix of its shape (every cell when it showed ``—`` or another number of
        rows: another mini-batch), or ``None`` when it was not shown before."""
        if key not in self._shown:
            return None
        before = self._shown[key]
        if before is None or before.shape != matrix.shape:
            return np.ones(matrix.shape, bool)
        return matrix != before

    def show(self, written=(), compare=True, layer=None, row=None, column=None):
        """Redraw; ``written`` holds ``(layer, matrix name)`` pairs the last step wrote.

        ``layer`` (1-based; 0 = all), ``row`` and ``column`` move the view
        first (one redraw, not one per control).
        """
        self._quiet = True
        try:
            for control, value in ((self.layer, layer), (self.row_start, row),
                                   (self.column_start, column)):
                if value is not None:
                    control.value = value
        finally:
            self._quiet = False
        self._written = set(written)
        layers = (range(1, len(self.network.neural_layers) + 1) if self.layer.value == 0
                  else [self.layer.value])
        batch = self.network.batch
        samples = None if batch is None else batch.rows
        held = len(self.network.held_rows)
        if self.row_start.max != held - 1:   # a mini-batch of another size, or all samples
            self._quiet = True
            try:
                self.row_start.max = held - 1
            finally:
                self._quiet = False
        rows_note = "" if batch is None else (
            f" · rows: mini-batch {batch.number} of epoch {batch.epoch}, {held} of the "
            f"{self.network.sample_size} samples (numbered at the left by their rows in the "
            "data)")
        parts = []
        for number in layers:
            layer = self.network.neural_layers[number - 1]
            own, feeding = self._focus(number)
            notes = layer.matrix_notes()
            tables = []
            for name in SEED_MATRIX_NAMES:
                matrix = layer.matrices[name]
                computed = self.stepper is None or self.stepper.computed(number, name)
                changed = self._changed((number, name), matrix) if compare and computed else None
                self._shown[(number, name)] = matrix.copy() if computed else None
                if name == "input_matrix":
                    focus_column, focus_row = feeding, None
                elif name in ("weights_matrix", "dC_dw_matrix"):
                    focus_column, focus_row = own, feeding
                else:
                    focus_column, focus_row = own, None
                per_sample = name in PER_SAMPLE_NAMES or name == "input_matrix"
                tables.append(matrix_html(name, matrix, (number, name) in self._written, changed,
                                          self.row_start.value, self.column_start.value,
                                          self.max_rows, self.max_columns,
                                          focus_column, focus_row, computed,
                                          notes.get(name, ""),
                                          samples if per_sample else None))
            parts.append(f"<h3>Layer {number} · {layer.activation.name}{rows_note}</h3>"
                         f"<div class='flux-tables'>{''.join(tables)}</div>")
        self.html.value = "".join(parts)

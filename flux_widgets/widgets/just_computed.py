"""The "just computed" strip: what the last step computed, right under the narration.

One of the panel's views (:class:`~flux_widgets.widgets.view.View`), a few lines tall, so
that a learner sees the numbers a Step computed without scrolling. It shows the last
computation of the step (a step of a layer, a pass or an iteration ran several):

- **small** sizes (the written matrix and every matrix the computation read,
  :func:`~flux_widgets.network.computation_operands`, at most ``SMALL`` x ``SMALL``): the
  equation it came from, its matrices side by side::

      [a] = [xW] + [b]                 [xW] = [x] · [W]            [h] = leaky_relu([a])
      [dC_dy] = (2/N)·([y] − [t])      [dC_dy] = [dC_da (layer 3)] · [W (layer 3)]ᵀ
      [dh_da] = leaky_relu′([a])       [dC_da] = [dC_dy] ⊙ [dh_da]
      [dC_dw] = [x]ᵀ · [dC_da]         [dC_db] = Σ over rows [dC_da]
      [W] ← [W] − η·[dC_dw]  (the W on the right as it was before the step)

  and, with the last layer's ``dC_dy``, the cost ``C = …`` it computed too;
- **larger** sizes: the written matrix alone, its first ``WINDOW`` rows and columns and
  ``…`` / ``⋮`` for the rest.

Above the matrices one line says what was computed, how many cells changed and the
equation in symbols (``a = xW + b``): with a caption line and at most ``SMALL`` rows, the
strip is never more than 10 lines tall; a row wider than the page scrolls sideways.

The cells whose value the step changed (compared with a copy of what the matrix held
before it) are bold, underlined and tinted, and the caption counts them: marks do not
rely on colour alone. Numbers have ``SIGNIFICANT_FIGURES`` significant figures
(``0.0889``, ``−12.3``, ``−5.30e-06``) and a real minus sign.

A change that is not a step (``Change.step`` is ``None``: a step back, a reset,
training, a weight set by hand) shows the matrix of the stepper's last step again, as it
is now, alone and unmarked, with the equation in symbols; with no last step (a new
network, a reset, after training) the strip says :data:`HINT`.

Every matrix is a ``<table>`` whose ``<caption>`` names it (``layer 1 · a =
weight_input_bias_matrix (4x3) — just computed, 12 of 12 cells changed (bold)``) and the
operators are text, so a screen reader reads the equation in order. Colours are
JupyterLab's theme variables with the kit's palette as fallbacks (light and dark themes);
the style sheet is its own hidden widget, sent once.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from .. import palette
from ..checks import number_text
from ..network import computation_operands
from ..text import significant_text
from .view import View

__all__ = ["JustComputed", "HINT", "SIGNIFICANT_FIGURES", "SMALL", "WINDOW"]

HINT = "Press Step: the matrix it computes appears here."
SIGNIFICANT_FIGURES = 3  # a shown number is within 0.5% of the value
SMALL = 8  # the equation is shown when every matrix in it is at most SMALL x SMALL
WINDOW = 7  # a larger written matrix: its first WINDOW rows and columns

TAKING = ("input_matrix",)  # what the computation that takes an iteration's samples writes

# Short symbols of the matrices, as in the layer's table (flux_widgets.layer); the last
# layer's output is y, the targets (the network's outputMatrix) t.
_SYMBOLS = {
    "input_matrix": "x", "weights_matrix": "W", "bias_matrix": "b",
    "weight_and_input_matrix": "xW", "weight_input_bias_matrix": "a",
    "activated_output_matrix": "h", "dh_da_matrix": "dh_da", "dC_dy_matrix": "dC_dy",
    "dC_da_matrix": "dC_da", "dC_dw_matrix": "dC_dw", "dC_db_matrix": "dC_db",
    "outputMatrix": "t",
}
# The right-hand side of each computation, by the last name it writes ("cost": the last
# layer's dC_dy_matrix): an int is that operand of computation_operands, a str is text
# ({h}: the activation, {N}: the samples, {eta}: the learning rate), "= " or "← " first.
_EQUATIONS = {
    "weight_and_input_matrix": ("= ", 0, " · ", 1),
    "weight_input_bias_matrix": ("= ", 0, " + ", 1),
    "activated_output_matrix": ("= {h}(", 0, ")"),
    "cost": ("= (2/{N})·(", 0, " − ", 1, ")"),
    "dC_dy_matrix": ("= ", 0, " · ", 1, "ᵀ"),
    "dh_da_matrix": ("= {h}′(", 0, ")"),
    "dC_da_matrix": ("= ", 0, " ⊙ ", 1),
    # the last layer's first backward step and its dC_da under cross-entropy, and dC_da
    # through softmax's Jacobian (see Neural_Layer.compute_dC_da)
    "cost cross_entropy softmax": ("= −", 1, " / ({N}·", 0, ")"),
    "cost cross_entropy sigmoid": ("= (−", 1, " / ", 0, " + (1 − ", 1, ") / (1 − ", 0, ")) / {N}"),
    "dC_da from the cost": ("= (", 0, " − ", 1, ") / {N}"),
    "dC_da through the Jacobian": ("= ", 0, " · J_{h}(", 1, ")"),
    "dh_da diagonal": ("= the diagonal of {h}′(", 0, ")"),
    "dC_dw_matrix": ("= ", 0, "ᵀ · ", 1),
    "dC_db_matrix": ("= Σ over rows ", 0),
    "weights_matrix": ("← ", 0, " − {eta}·", 1),
    "bias_matrix": ("← ", 0, " − {eta}·", 1),
}

# Contrast as in tables.py: text --jp-content-font-color1 on --jp-layout-color1; a changed
# cell black on --jp-warn-color3 (light orange in every JupyterLab theme; #fefcbf: 19.9:1);
# hints and brackets --jp-content-font-color2 (#616161 on white: 6.2:1).
_STYLE = f"""<style>
.flux-just-computed {{font-size:12px; line-height:1.3; min-height:18px;
    color:var(--jp-content-font-color1, #000); background:var(--jp-layout-color1, #fff)}}
.flux-jc {{overflow-x:auto; padding:1px 6px;
    border-left:4px solid var(--jp-brand-color3, {palette.WRITTEN})}}
.flux-jc-head {{white-space:nowrap}}
.flux-jc-row {{display:flex; align-items:center; gap:6px; width:max-content}}
.flux-jc-hint {{color:var(--jp-content-font-color2, #616161); padding:1px 6px}}
.flux-jc table {{border-collapse:collapse; font-family:monospace; font-size:12px;
    border-left:2px solid var(--jp-content-font-color2, #616161);
    border-right:2px solid var(--jp-content-font-color2, #616161)}}
.flux-jc table.flux-jc-written {{border-color:var(--jp-brand-color1, {palette.POSITIVE})}}
.flux-jc caption {{font-size:12px; white-space:nowrap; padding:0}}
.flux-jc table.flux-jc-written caption {{font-weight:bold}}
.flux-jc td {{padding:0 4px; text-align:right; white-space:nowrap; line-height:1.3}}
.flux-jc td.flux-jc-changed {{background:var(--jp-warn-color3, {palette.CHANGED}); color:#000;
    font-weight:bold; text-decoration:underline}}
.flux-jc td.flux-jc-more {{color:var(--jp-content-font-color2, #616161)}}
.flux-jc-op {{font-size:13px; white-space:pre}}
.flux-jc-sr {{position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0);
    white-space:nowrap}}
</style>"""


def _equation_key(layer, key):
    """The key of :data:`_EQUATIONS` for ``key`` (a written name, or ``"cost"``) of ``layer``:
    its own, or the cost's or the Jacobian's variant."""
    if key == "cost" and layer.cost.dC_da is not None:
        return f"cost {layer.cost.name} {layer.activation.value}"
    if key == "dC_da_matrix" and layer.dC_da_from_cost:
        return "dC_da from the cost"
    if key == "dC_da_matrix" and not layer.dC_da_is_product:
        return "dC_da through the Jacobian"
    if key == "dh_da_matrix" and not layer.activation.record.elementwise:
        return "dh_da diagonal"
    return key


def _number(value):
    """``value`` as the strip shows it: :func:`~flux_widgets.text.significant_text`."""
    return significant_text(value, SIGNIFICANT_FIGURES)


def _matrix_table(symbol, name, matrix, written=False, changed=None):
    """``matrix`` as a ``<table>`` captioned ``symbol (R x C)`` (``name`` in words for a
    screen reader and on hover): whole up to ``SMALL`` x ``SMALL``, else its first
    ``WINDOW`` rows and columns, then a row of ``⋮`` and a column of ``…``. The cells
    ``changed`` (a boolean matrix of its shape, or ``None``) are marked."""
    rows, columns = matrix.shape
    big = rows > SMALL or columns > SMALL
    shown_rows, shown_columns = (min(rows, WINDOW), min(columns, WINDOW)) if big \
        else (rows, columns)
    more = "<td class='flux-jc-more'>…</td>" if shown_columns < columns else ""
    lines = []
    for r, line in enumerate(matrix[:shown_rows, :shown_columns].tolist()):
        cells = "".join(
            f"<td class='flux-jc-changed'>{_number(value)}</td>"
            if changed is not None and changed[r, c] else f"<td>{_number(value)}</td>"
            for c, value in enumerate(line))
        lines.append(f"<tr>{cells}{more}</tr>")
    if shown_rows < rows:
        lines.append("<tr>" + "<td class='flux-jc-more'>⋮</td>" * (shown_columns + bool(more))
                     + "</tr>")
    window = (f"<span class='flux-jc-sr'>, its first {shown_rows} rows and {shown_columns} "
              "columns</span>" if big else "")
    name, kind = html.escape(name), " class='flux-jc-written'" if written else ""
    return (f"<table{kind} data-matrix='{name}'>"
            f"<caption title='{name}'>{html.escape(symbol)}<span class='flux-jc-sr'> = {name}"
            f"</span> ({rows}x{columns}){window}</caption><tbody>{''.join(lines)}</tbody></table>")


class JustComputed(View):
    """The strip: the matrix the last step computed, with what it was computed from.

    ``widget`` is a ``VBox`` of the style sheet (a hidden widget) and ``strip``, an
    ``ipywidgets.HTML`` of class ``flux-just-computed``. The values before a step come from
    the stepper's undo checkpoint (:meth:`~flux_widgets.stepper.Stepper.before_last_step`):
    they mark the cells the step changed and show an update's parameter as it was.
    """

    def __init__(self):
        self.strip = widgets.HTML()
        self.strip.add_class("flux-just-computed")
        self.widget = widgets.VBox([widgets.HTML(_STYLE, layout=widgets.Layout(display="none")),
                                    self.strip])
        self._show_hint()

    def network_replaced(self, stepper):
        self._show_hint()

    def step_happened(self, change):
        """A step: show its last computation, marked; any other change: see the module."""
        stepper, step = change.stepper, change.step
        if step is not None and step.computations:
            computation = step.computations[-1]
            before = None if computation.writes == TAKING else \
                stepper.before_last_step(computation.layer, computation.writes[-1])
            self._show(stepper, computation, step.cost, before)
        else:
            last = stepper.last_step
            if last is None or not last.computations or last.note:
                self._show_hint()
            else:
                self._show(stepper, last.computations[-1], last.cost, None)

    def _show_hint(self):
        self.strip.value = f"<div class='flux-jc-hint'>{HINT}</div>"

    def _show(self, stepper, computation, cost, old):
        """Show ``computation``'s written matrix and its equation. With ``old`` (what the
        written matrix held before the step) mark the cells it changed and, when every
        matrix is small, show the equation's matrices too; without, the matrix as it is now."""
        network = stepper.network
        if computation.writes == TAKING:
            self._show_taken(network, computation)
            return
        number, name = computation.layer, computation.writes[-1]
        layer = network.neural_layers[number - 1]
        result = layer.matrices[name]
        # what the computation read: an update read its parameter before the step
        operands = [(n, operand, network.targets if n is None else old
                     if (n, operand) == (number, name)
                     else network.neural_layers[n - 1].matrices[operand])
                    for n, operand in computation_operands(number, computation.writes,
                                                           network)]
        last = len(network.neural_layers)

        def symbol(n, operand):
            own = "y" if (n, operand) == (last, "activated_output_matrix") else _SYMBOLS[operand]
            return own if n in (None, number) else f"{own} (layer {n})"

        key = _equation_key(layer, "cost" if "cost" in computation.writes else name)
        words = {"h": layer.activation.name.lower(), "N": layer.sample_size,
                 "eta": number_text(stepper.learning_rate)}
        equation = [item.format(**words) if isinstance(item, str) else operands[item]
                    for item in _EQUATIONS[key]]
        in_symbols = symbol(number, name) + " " + "".join(
            item if isinstance(item, str) else symbol(*item[:2]) for item in equation)
        changed = None if old is None else result != old
        head = (f"Layer {number} · {name} ({result.shape[0]}x{result.shape[1]}) "
                + ("as it is now, computed by the last step" if old is None else
                   f"just computed: {int(changed.sum())} of {changed.size} cells changed "
                   "(bold, underlined)")
                + f" · {in_symbols}" + (f" · cost C = {_number(cost)}" if key == "cost" else ""))
        row = [_matrix_table(symbol(number, name), f"layer {number} {name}", result,
                             written=True, changed=changed)]
        read = [matrix for *_, matrix in operands]
        if old is not None and all(max(m.shape) <= SMALL for m in [result, *read]):
            for item in equation:
                if isinstance(item, str):
                    row.append(f"<span class='flux-jc-op'>{html.escape(item.strip())}</span>")
                else:
                    n, operand, matrix = item
                    row.append(_matrix_table(
                        symbol(n, operand), "targets" if n is None else
                        f"layer {n} {operand}{' before the step' * (matrix is old)}", matrix))
        self._strip(head, row)

    def _show_taken(self, network, computation):
        """An iteration took its samples (a mini-batch, or all again): x and t as now held."""
        x, t = network.neural_layers[0].input_matrix, network.targets
        head = (f"Layer 1 · input_matrix ({x.shape[0]}x{x.shape[1]}) and the targets "
                f"({t.shape[0]}x{t.shape[1]}) just taken: {computation.description}")
        row = [_matrix_table("x", "layer 1 input_matrix", x, written=True),
               _matrix_table("t", "targets", t, written=True)]
        self._strip(head, row)

    def _strip(self, head, tables):
        """Show ``head`` (text) above ``tables`` (HTML pieces, in a row)."""
        self.strip.value = (f"<div class='flux-jc' role='group' aria-label='Just computed'>"
                            f"<div class='flux-jc-head'>{html.escape(head)}</div>"
                            f"<div class='flux-jc-row'>{''.join(tables)}</div></div>")

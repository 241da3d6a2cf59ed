"""Export for slides and handouts, from the panel: files in the notebook's folder.

:class:`Exports` is a view (:mod:`.view`) whose widget is a small box of the "Save, load
and share" accordion: buttons that write what is on screen to a file in the kernel's
working folder and say, in the message line under them, where they wrote it (or what
went wrong):

- **Diagram SVG**: the diagram as drawn (:func:`.diagram_svg.diagram_svg`);
- **Cost chart SVG**: the cost curve (:func:`flux_widgets.export.chart_svg`);
- **Matrix LaTeX** and **Matrix CSV**: the matrix chosen by its layer and name, to the
  chosen significant figures (LaTeX) or in full (CSV) (:mod:`flux_widgets.export`);
- **Formula LaTeX**: the formulas of the last step (:func:`flux_widgets.export.step_latex`).

The same exports are methods, for a lesson's or an instructor's cell: each returns the
text and writes it to ``path`` when one is given (:meth:`Exports.diagram_svg`, …; the panel
has them as ``panel.export_diagram_svg(path=None)``, …). They raise a FluxError when
called wrongly; a button shows it as a message instead.
"""

from __future__ import annotations

import html
import os

import ipywidgets as widgets

from .. import palette
from ..errors import ConfigurationError, FluxError
from ..export import (MAX_FIGURES, chart_svg, matrix_csv, matrix_latex, network_matrix,
                      save_text, step_latex)
from ..layer import SEED_MATRIX_NAMES
from .diagram_svg import diagram_svg
from .view import View

__all__ = ["Exports", "DIAGRAM_FILE", "CHART_FILE", "FORMULA_FILE"]

DIAGRAM_FILE, CHART_FILE, FORMULA_FILE = ("flux_diagram.svg", "flux_cost_chart.svg",
                                          "flux_step_formula.tex")


def matrix_file(layer, name, extension):
    """``"flux_layer2_weights_matrix.tex"``: the file a matrix is written to."""
    return f"flux_layer{layer}_{name}.{extension}"


class Exports(View):
    """The export box of ``diagram`` (the panel's :class:`~.diagram.NetworkDiagram`) and
    the stepper on screen (given by :meth:`network_replaced`); ``widget`` is the box."""

    def __init__(self, diagram):
        self.diagram, self.stepper = diagram, None
        button = widgets.Button
        self.diagram_button = button(description="Diagram SVG", icon="image",
                                     tooltip=f"Write the diagram as drawn to {DIAGRAM_FILE}")
        self.chart_button = button(description="Cost chart SVG", icon="line-chart",
                                   tooltip=f"Write the cost curve to {CHART_FILE}")
        self.formula_button = button(description="Formula LaTeX", icon="file-text",
                                     tooltip=f"Write the last step's formula to {FORMULA_FILE}")
        self.layer = widgets.Dropdown(options=[("layer 1", 1)], value=1, description="Layer",
                                      tooltip="The layer of the matrix to export",
                                      layout=widgets.Layout(width="170px"))
        self.matrix = widgets.Dropdown(options=SEED_MATRIX_NAMES, value="weights_matrix",
                                       description="Matrix", tooltip="The matrix to export",
                                       layout=widgets.Layout(width="300px"))
        self.figures = widgets.BoundedIntText(value=4, min=1, max=MAX_FIGURES,
                                              description="Figures",
                                              tooltip="Significant figures of each number "
                                                      "in the LaTeX (the CSV has them all)",
                                              layout=widgets.Layout(width="150px"))
        self.latex_button = button(description="Matrix LaTeX", icon="table",
                                   tooltip="Write the chosen matrix as LaTeX (bmatrix) to "
                                           "flux_layer<k>_<matrix>.tex")
        self.csv_button = button(description="Matrix CSV", icon="table",
                                 tooltip="Write the chosen matrix, every number in full, to "
                                         "flux_layer<k>_<matrix>.csv")
        self.message = widgets.HTML()
        self.widget = widgets.VBox([
            widgets.HTML("Write what is on screen to a file in the notebook's folder, for "
                         "slides and handouts:"),
            widgets.HBox([self.diagram_button, self.chart_button, self.formula_button]),
            widgets.HBox([self.layer, self.matrix, self.figures, self.latex_button,
                          self.csv_button]),
            self.message])
        self.widget.add_class("flux-exports")
        for control, write, name in (
                (self.diagram_button, self.diagram_svg, lambda: DIAGRAM_FILE),
                (self.chart_button, self.chart_svg, lambda: CHART_FILE),
                (self.formula_button, self.formula_latex, lambda: FORMULA_FILE),
                (self.latex_button, self._chosen_latex, lambda: self._matrix_file("tex")),
                (self.csv_button, self._chosen_csv, lambda: self._matrix_file("csv"))):
            control.on_click(lambda _, write=write, name=name: self._write_file(write, name()))

    # ---- the view ------------------------------------------------------------

    def network_replaced(self, stepper):
        """A layer to choose for each layer of the new network (the chosen one kept if it
        is still there)."""
        self.stepper = stepper
        layers = len(stepper.network.neural_layers)
        chosen = self.layer.value if self.layer.value <= layers else layers
        self.layer.options = [(f"layer {k}", k) for k in range(1, layers + 1)]
        self.layer.value = chosen

    def step_happened(self, change):
        """Nothing to redraw: the files are written from what is on screen when asked."""

    # ---- the exports, from Python --------------------------------------------

    def _network(self):
        """The network on screen; ConfigurationError when none was formed yet."""
        if self.stepper is None:
            raise ConfigurationError("there is no network to export yet: form one first")
        return self.stepper.network

    def diagram_svg(self, path=None):
        """The diagram as drawn, as SVG text (written to ``path`` if given)."""
        self._network()
        return self._kept(diagram_svg(self.diagram), path)

    def chart_svg(self, path=None):
        """The cost curve as an SVG chart (written to ``path`` if given)."""
        self._network()
        return self._kept(chart_svg(self.stepper), path)

    def formula_latex(self, path=None):
        """The last step's formulas as LaTeX (written to ``path`` if given)."""
        self._network()
        return self._kept(step_latex(self.stepper.last_step), path)

    def matrix_latex(self, layer, name, path=None, figures=4, **window):
        """Matrix ``name`` of ``layer`` as LaTeX, ``figures`` significant figures, captioned
        with its layer, name and shape (``window``: ``max_rows``, ``max_columns`` of
        :func:`~flux_widgets.export.matrix_latex`); written to ``path`` if given."""
        matrix = network_matrix(self._network(), layer, name)
        return self._kept(matrix_latex(matrix, figures, name=f"layer {layer} {name}",
                                       **window), path)

    def matrix_csv(self, layer, name, path=None):
        """Matrix ``name`` of ``layer`` as CSV, every number in full, with a header comment
        naming it; written to ``path`` if given."""
        matrix = network_matrix(self._network(), layer, name)
        rows, columns = matrix.shape
        return self._kept(matrix_csv(matrix, header=f"layer {layer} {name}, {rows}x{columns}"),
                          path)

    @staticmethod
    def _kept(text, path):
        """``text``, written to ``path`` first if one is given (see ``export.save_text``)."""
        if path is not None:
            save_text(text, path)
        return text

    # ---- the buttons -----------------------------------------------------------

    def _chosen_latex(self, path):
        return self.matrix_latex(self.layer.value, self.matrix.value, path, self.figures.value)

    def _chosen_csv(self, path):
        return self.matrix_csv(self.layer.value, self.matrix.value, path)

    def _matrix_file(self, extension):
        """The file of the chosen matrix, ``"tex"`` or ``"csv"``."""
        return matrix_file(self.layer.value, self.matrix.value, extension)

    def _write_file(self, write, name):
        """A button: ``write(path)`` to the file ``name`` in the working folder; say where,
        or what went wrong. The full path, or None."""
        path = os.path.abspath(name)
        try:
            write(path)
        except FluxError as error:
            self.message.value = (f"<span style='color:{palette.ERROR}'>⚠ Nothing written: "
                                  f"{html.escape(str(error))}</span>")
            return None
        self.message.value = f"<span style='color:{palette.OK}'>Wrote {html.escape(path)}.</span>"
        return path

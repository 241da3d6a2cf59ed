"""The inspector: what the learner clicked in the diagram, explained.

A clicked **edge** (a weight) shows its value, its gradient and the derivation of that
gradient with the numbers plugged in (:func:`~flux_widgets.derivation.derive_weight_gradient`),
a field to set the weight by hand, and a button that compares the stored gradient with a
central finite difference. A clicked **neuron** is outlined in the diagram and in the
tables, and the inspector says where its cells are.

The inspector is one of the panel's views (:class:`~flux_widgets.widgets.view.View`): a
new network clears it; a step leaves it as it is (the derivation shown is the one of the
click; clicking again shows the current one).
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from ..checks import is_whole_number, number_text
from ..derivation import finite_difference
from ..errors import ConfigurationError, FluxError
from .view import View

__all__ = ["Inspector"]

_NO_EDGE = ("no weight is chosen: click an edge of the diagram first (or call show_edge)")


class Inspector(View):
    """The info box and the weight tools under the diagram.

    Parameters
    ----------
    diagram : NetworkDiagram
        Clicks on its edges and neurons come here; the chosen element is outlined there.
    tables : MatrixTables
        A chosen neuron's cells are outlined there.
    panel : Panel
        For the stepper on screen, the narration, ``_from_user`` (a click's refusal becomes
        a message), ``_changed(written)`` (redraw the views after a weight was set) and
        ``training`` (no weight is set while training).
    """

    def __init__(self, diagram, tables, panel):
        self.diagram, self.tables, self.panel = diagram, tables, panel
        self.info = widgets.HTML()
        self.weight_value = widgets.FloatText(description="set weight",
                                              layout=widgets.Layout(width="200px"))
        self.set_weight_button = widgets.Button(description="Set", icon="pencil")
        self.check_button = widgets.Button(description="Finite-difference check", icon="check")
        self.edge_tools = widgets.HBox([self.weight_value, self.set_weight_button,
                                        self.check_button],
                                       layout=widgets.Layout(display="none"))
        self.widget = widgets.VBox([self.info, self.edge_tools])
        self.selected_edge = None  # (layer, row, column) of the clicked weight
        act = panel._from_user
        diagram.on_edge_click(lambda *edge: act(self.show_edge, *edge))
        diagram.on_node_click(lambda *neuron: act(self.show_neuron, *neuron))
        self.set_weight_button.on_click(
            lambda _: act(self.set_selected_weight, self.weight_value.value))
        self.check_button.on_click(lambda _: act(self.check_selected_weight))

    @property
    def network(self):
        return self.panel.network

    def network_replaced(self, stepper):
        """An edge of the network before is no edge of this one: clear the box."""
        self.selected_edge = None
        self.info.value = ""
        self.edge_tools.layout.display = "none"

    def step_happened(self, change):
        """Nothing: the box explains the click (click again for the current numbers)."""

    def _check_neuron(self, column, neuron):
        """Refuse a neuron the network does not have (column 0: the inputs)."""
        sizes = self.network.layers_vector
        if not (is_whole_number(column) and 0 <= column < len(sizes)):
            raise ConfigurationError(f"there is no layer {column!r} of neurons: they count from "
                                     f"0 (the inputs) to {len(sizes) - 1} (the outputs)")
        if not (is_whole_number(neuron) and 0 <= neuron < sizes[column]):
            raise ConfigurationError(f"layer {column} has neurons 0 to {sizes[column] - 1}; "
                                     f"there is no neuron {neuron!r}")

    def show_edge(self, layer, row, column):
        """Info box for a clicked edge: the weight, its gradient and its derivation.

        ``weights_matrix[row, column]`` of ``layer`` (counted from 1); a weight the
        network does not have is refused (ConfigurationError) and nothing changes."""
        self.panel._require_network()
        layers = len(self.network.neural_layers)
        if not (is_whole_number(layer) and 1 <= layer <= layers):
            raise ConfigurationError(f"there is no layer {layer!r} of weights: they count from "
                                     f"1 to {layers}")
        self._check_neuron(layer - 1, row)
        self._check_neuron(layer, column)
        summary = self.diagram.edge_summary(layer, row, column)
        self.selected_edge = (layer, row, column)
        self.weight_value.value = float(
            self.network.neural_layers[layer - 1].weights_matrix[row, column])
        self.edge_tools.layout.display = "flex"
        self.info.value = f"<pre>{html.escape(summary, quote=False)}</pre>"
        self.diagram.update(selected=f"L{layer}:{row}-{column}",
                            active_layer=self.diagram.active_layer)

    def set_selected_weight(self, value):
        """Set the clicked weight by hand (Step back undoes it); then step forward to see it act.

        A value that is not a finite number is refused in the narration; with no edge
        clicked (or during training) ConfigurationError says so."""
        self.panel._require_network()
        if self.selected_edge is None:
            raise ConfigurationError(_NO_EDGE)
        if self.panel.training.running:
            raise ConfigurationError("the network is training: press Stop first")
        layer, row, column = self.selected_edge
        try:
            self.panel.stepper.set_parameter(layer, "weights_matrix", row, column, value)
        except FluxError as error:
            self.panel.narration.value = f"⚠ {html.escape(str(error), quote=False)}"
            return
        self.panel.narration.value = (
            f"Set layer {layer}'s weights_matrix[{row}, {column}] to {number_text(value)}. The "
            "next forward pass uses it; Step back undoes it.")
        self.panel._changed(((layer, "weights_matrix"),))

    def check_selected_weight(self):
        """Compare the clicked weight's stored gradient with a central finite difference."""
        self.panel._require_network()
        if self.selected_edge is None:
            raise ConfigurationError(_NO_EDGE)
        layer, row, column = self.selected_edge
        try:
            numeric = finite_difference(self.network, layer, "weights", row, column)
        except FluxError as error:
            self.info.value += f"<pre>⚠ {html.escape(str(error), quote=False)}</pre>"
            return
        stored = float(self.network.neural_layers[layer - 1].dC_dw_matrix[row, column])
        with np.errstate(over="ignore", invalid="ignore"):
            difference = abs(numeric - stored)
        self.info.value += (
            f"<pre>finite difference (C(w+ε) − C(w−ε)) / 2ε = {numeric:.10g}\n"
            f"stored dC_dw (from the last backward pass) = {stored:.10g}\n"
            f"difference {difference:.2e} (they agree when the weights have not "
            "changed since the backward pass)</pre>")

    def show_neuron(self, column, neuron):
        """A clicked neuron: outline it, and its cells in the tables (an input: layer 1's).

        ``column`` 0 is the inputs; a neuron the network does not have is refused
        (ConfigurationError) and nothing changes."""
        self.panel._require_network()
        self._check_neuron(column, neuron)
        self.tables.select_neuron(column, neuron)
        drawn = (column, neuron) in self.diagram.nodes
        if drawn:
            self.diagram.update(selected=f"L{column}N{neuron}",
                                active_layer=self.diagram.active_layer)
        where = ("an input: column {n} of layer 1's input_matrix, row {n} of its weights_matrix"
                 if column == 0 else "column {n} of layer {c}'s matrices below"
                 + (", row {n} of layer {d}'s weights_matrix"
                    if column < len(self.network.neural_layers) else ""))
        shown = ("is outlined" if drawn else
                 "is not drawn in the diagram (its layer is summarised); its cells are outlined")
        self.info.value = (f"Neuron {neuron} of layer {column} {shown}: "
                           + where.format(n=neuron, c=column, d=column + 1) + ".")

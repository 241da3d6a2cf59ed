"""The inspector: the edge or neuron the learner chose in the diagram, explained.

A chosen **edge** (a weight) shows its value and its gradient, each with its sign in
words, the derivation of that gradient with the numbers plugged in
(:func:`~flux_widgets.derivation.derive_weight_gradient`), a field to set the weight by
hand, and a button that compares the stored gradient with a central finite difference
and says whether they agree. A chosen **neuron** is outlined in the diagram and in the
tables, and the inspector says where its cells are and what it outputs for the
diagram's sample.

An edge or a neuron is chosen by a click in the diagram, or without the mouse: the
fields above the box (a weight's layer, row and column, then "Show weight"; a neuron's
layer and number, then "Show neuron") do what the click does. They are bounded to the
network on screen and follow the choice, however it was made.

The inspector is one of the panel's views (:class:`~flux_widgets.widgets.view.View`): a
new network clears it; every other change (a step, a step back, a weight set by hand,
training) explains the chosen edge or neuron again with the current numbers, puts the
current weight back into the set-weight field and drops a finite-difference verdict,
which was about the weights before.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from ..checks import is_whole_number, number_text
from ..derivation import finite_difference, finite_difference_report
from ..errors import ConfigurationError, FluxError
from ..network import network_cost
from .closing import close_widgets
from .view import View

__all__ = ["Inspector"]

_NO_EDGE = ("no weight is chosen: click an edge of the diagram first (or call show_edge)")
def _index_field(description, least):
    """A whole-number field bounded to the network (its bounds are set with the network)."""
    return widgets.BoundedIntText(value=least, min=least, max=least, description=description,
                                  style={"description_width": "initial"},
                                  layout=widgets.Layout(width="150px"))


class Inspector(View):
    """The fields that choose an edge or neuron, the info box and the weight tools.

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
        self.weight_layer = _index_field("weight's layer", 1)
        self.weight_row = _index_field("row", 0)
        self.weight_column = _index_field("column", 0)
        self.show_weight_button = widgets.Button(
            description="Show weight", icon="search",
            tooltip="Explain weights_matrix[row, column] of this layer, as a click on its edge")
        self.neuron_layer = _index_field("neuron's layer", 0)
        self.neuron_number = _index_field("neuron", 0)
        self.show_neuron_button = widgets.Button(
            description="Show neuron", icon="search",
            tooltip="Outline this neuron (layer 0: the inputs), as a click on it")
        self.choosers = widgets.VBox([
            widgets.HBox([self.weight_layer, self.weight_row, self.weight_column,
                          self.show_weight_button]),
            widgets.HBox([self.neuron_layer, self.neuron_number, self.show_neuron_button])])
        # the box beside the diagram; the panel lays out the choosers with the diagram's tools
        self.widget = widgets.VBox([self.info, self.edge_tools])
        self.selected_edge = None  # (layer, row, column) of the chosen weight
        # what the box explains: ("edge", (layer, row, column)) or ("neuron", (column, neuron))
        self.shown = None
        self._check = ""  # the last finite-difference check, as HTML, until the next change
        act = panel._from_user
        diagram.on_edge_click(lambda *edge: act(self.show_edge, *edge))
        diagram.on_node_click(lambda *neuron: act(self.show_neuron, *neuron))
        self.show_weight_button.on_click(lambda _: act(
            self.show_edge, self.weight_layer.value, self.weight_row.value,
            self.weight_column.value))
        self.show_neuron_button.on_click(lambda _: act(
            self.show_neuron, self.neuron_layer.value, self.neuron_number.value))
        for layer_field in (self.weight_layer, self.neuron_layer):
            layer_field.observe(lambda _: self._bound_fields(), "value")
        diagram.sample_shown.observe(self._sample_chosen, "value")
        self.set_weight_button.on_click(
            lambda _: act(self.set_selected_weight, self.weight_value.value))
        self.check_button.on_click(lambda _: act(self.check_selected_weight))

    @property
    def network(self):
        return self.panel.network

    def close(self):
        """Close the box and the choosers."""
        close_widgets([self.widget, self.choosers])

    def network_replaced(self, stepper):
        """An edge of the network before is no edge of this one: clear the box, and bound
        the fields that choose an edge or neuron to the new network."""
        self.selected_edge = self.shown = None
        self._check = ""
        self.info.value = ""
        self.edge_tools.layout.display = "none"
        self._bound_fields()

    def step_happened(self, change):
        """Explain the chosen edge or neuron again, with the numbers of the changed network;
        the set-weight field shows the chosen weight as it is now."""
        self._check = ""
        self._show_current_weight()
        self._explain()

    def _sample_chosen(self, change):
        """Another sample in the diagram: a chosen neuron's output is that sample's (unless
        the diagram is drawing a new network, which selects nothing)."""
        if self.shown is not None and self.shown[0] == "neuron" and \
                self.diagram.selected == "L{}N{}".format(*self.shown[1]):
            self._explain()

    def _bound_fields(self):
        """The choosing fields go up to the network's last layer, and a weight's row and
        column (a neuron's number) up to the last neuron of the layer chosen in them."""
        sizes = self.network.layers_vector
        self.weight_layer.max = self.neuron_layer.max = len(sizes) - 1
        self.weight_row.max = sizes[self.weight_layer.value - 1] - 1
        self.weight_column.max = sizes[self.weight_layer.value] - 1
        self.neuron_number.max = sizes[self.neuron_layer.value] - 1

    def _show_current_weight(self):
        """Put the chosen weight, as it is now, into the set-weight field."""
        if self.selected_edge is not None:
            layer, row, column = self.selected_edge
            self.weight_value.value = float(
                self.network.neural_layers[layer - 1].weights_matrix[row, column])

    def _explain(self):
        """Fill the box for what is chosen, from the network as it is now."""
        if self.shown is None:
            return
        kind, where = self.shown
        if kind == "edge":
            summary = html.escape(self.diagram.edge_summary(*where), quote=False)
            self.info.value = f"<pre>{summary}</pre>{self._check}"
        else:
            self.info.value = html.escape(self._neuron_text(*where), quote=False)

    def _choose(self, shown, element_id):
        """Explain ``shown`` and outline it in the diagram (``element_id``)."""
        self.shown = shown
        self._explain()
        self.diagram.update(selected=element_id, active_layer=self.diagram.active_layer)

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
        """Info box for a chosen edge: the weight, its gradient and its derivation.

        ``weights_matrix[row, column]`` of ``layer`` (counted from 1); a weight the
        network does not have is refused (ConfigurationError) and nothing changes."""
        self.panel._require_network()
        layers = len(self.network.neural_layers)
        if not (is_whole_number(layer) and 1 <= layer <= layers):
            raise ConfigurationError(f"there is no layer {layer!r} of weights: they count from "
                                     f"1 to {layers}")
        self._check_neuron(layer - 1, row)
        self._check_neuron(layer, column)
        self.selected_edge, self._check = (layer, row, column), ""
        self.weight_layer.value = layer  # first: it bounds the row and column fields
        self.weight_row.value, self.weight_column.value = row, column
        self._show_current_weight()
        self.edge_tools.layout.display = "flex"
        self._choose(("edge", self.selected_edge), f"L{layer}:{row}-{column}")

    def set_selected_weight(self, value):
        """Set the chosen weight by hand (Step back undoes it); then step forward to see it act.

        A value that is not a finite number is refused in the narration; with no edge
        chosen (or during training) ConfigurationError says so."""
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
        """Compare the chosen weight's stored gradient with a central finite difference; the
        result, with its verdict, replaces the one before under the weight's derivation."""
        self.panel._require_network()
        if self.selected_edge is None:
            raise ConfigurationError(_NO_EDGE)
        layer, row, column = self.selected_edge
        try:
            numeric = finite_difference(self.network, layer, "weights", row, column)
        except FluxError as error:
            check = f"⚠ {error}"
        else:
            stored = float(self.network.neural_layers[layer - 1].dC_dw_matrix[row, column])
            with np.errstate(all="ignore"):  # a cost that overflows makes no verdict agree
                cost = network_cost(self.network)
            check = finite_difference_report(numeric, stored, cost)
        self._check = f"<pre>{html.escape(check, quote=False)}</pre>"
        self._choose(("edge", self.selected_edge), f"L{layer}:{row}-{column}")

    def _neuron_text(self, column, neuron):
        """Where a chosen neuron's cells are, and what it outputs for the diagram's sample."""
        where = ("an input: column {n} of layer 1's input_matrix, row {n} of its weights_matrix"
                 if column == 0 else "column {n} of layer {c}'s matrices below"
                 + (", row {n} of layer {d}'s weights_matrix"
                    if column < len(self.network.neural_layers) else ""))
        shown = ("is outlined" if (column, neuron) in self.diagram.nodes else
                 "is not drawn in the diagram (its layer is summarised); its cells are outlined")
        return (f"Neuron {neuron} of layer {column} ({self.diagram.label(column, neuron)}) "
                f"{shown}: " + where.format(n=neuron, c=column, d=column + 1)
                + f"; {self.diagram.output_text(column, neuron)}.")

    def show_neuron(self, column, neuron):
        """A chosen neuron: outline it, and its cells in the tables (an input: layer 1's).

        ``column`` 0 is the inputs; a neuron the network does not have is refused
        (ConfigurationError) and nothing changes."""
        self.panel._require_network()
        self._check_neuron(column, neuron)
        self.tables.select_neuron(column, neuron)
        self.neuron_layer.value = column  # first: it bounds the neuron field
        self.neuron_number.value = neuron
        self._choose(("neuron", (column, neuron)), f"L{column}N{neuron}")

"""The network as an ipycytoscape diagram: neurons in columns, edges coloured by sign.

Every neuron is a node and every weight an edge, placed once (a "preset"
layout: columns by layer, the implicit input layer first). After a step only
the elements' data change (colour, width, fill), so the graph is restyled, never
laid out again. Layers with more than ``max_drawn`` neurons are summarised:
``max_drawn`` of their neurons are drawn and one "…" node stands for the rest.
"""

from __future__ import annotations

import ipycytoscape
import numpy as np

from ..derivation import derive_weight_gradient

__all__ = ["NetworkDiagram"]

POSITIVE, NEGATIVE = "#2b6cb0", "#dd6b20"
_STYLE = [
    {"selector": "node", "style": {"background-color": "data(fill)", "label": "data(label)",
                                   "border-width": 1, "border-color": "#4a5568",
                                   "font-size": 10, "text-valign": "center", "width": 26,
                                   "height": 26}},
    {"selector": "node.active", "style": {"border-width": 3, "border-color": "#d69e2e"}},
    {"selector": "node.more", "style": {"shape": "round-rectangle", "width": 60,
                                        "background-color": "#edf2f7"}},
    {"selector": "edge", "style": {"line-color": "data(color)", "width": "data(width)",
                                   "curve-style": "straight", "opacity": 0.8}},
    {"selector": "edge.active", "style": {"opacity": 1.0, "z-index": 10}},
]
_X_SPACING, _Y_SPACING = 160, 42


def _drawn(count, max_drawn):
    """Indices of the neurons drawn for a layer of ``count`` neurons."""
    if count <= max_drawn:
        return list(range(count))
    return list(range(max_drawn - 1)) + [count - 1]


class NetworkDiagram:
    """The cytoscape diagram of ``network``; ``widget`` is the ipycytoscape widget to show.

    ``quantity`` is ``"weights"`` or ``"gradients"`` (dC_dw), ``sample`` the
    sample whose activations colour the neurons.
    """

    def __init__(self, network, quantity="weights", sample=0, max_drawn=16):
        self.network = network
        self.quantity, self.sample, self.active_layer = quantity, sample, None
        self.widget = ipycytoscape.CytoscapeWidget()
        # A preset layout with fit: the first draw shows the whole network, not a cropped zoom.
        self.widget.layout.height = "360px"
        self.widget.layout.width = "560px"
        self.widget.min_zoom, self.widget.max_zoom = 0.2, 3.0
        self.widget.set_style(_STYLE)
        self.columns = [_drawn(size, max_drawn) for size in network.layers_vector]
        notes = [f"Layer {n} has {size} neurons: {len(drawn)} of them are drawn."
                 for n, (size, drawn) in enumerate(zip(network.layers_vector, self.columns))
                 if len(drawn) < size]
        self.summary_note = " ".join(notes)
        nodes, self.nodes = [], {}
        for column, drawn in enumerate(self.columns):
            size = network.layers_vector[column]
            rows = len(drawn) + (len(drawn) < size)
            for place, neuron in enumerate(drawn):
                node = ipycytoscape.Node(data={"id": f"L{column}N{neuron}", "fill": "#ffffff",
                                               "label": self._label(column, neuron)},
                                         position=self._position(column, place, rows))
                nodes.append(node)
                self.nodes[(column, neuron)] = node
            if len(drawn) < size:
                nodes.append(ipycytoscape.Node(
                    data={"id": f"L{column}more", "fill": "#edf2f7",
                          "label": f"… {size - len(drawn)} more"},
                    position=self._position(column, rows - 1, rows), classes="more"))
        edges, self.edges = [], {}
        for layer in range(1, len(network.layers_vector)):
            for row in self.columns[layer - 1]:
                for column in self.columns[layer]:
                    edge = ipycytoscape.Edge(data={"id": f"L{layer}:{row}-{column}",
                                                   "source": f"L{layer - 1}N{row}",
                                                   "target": f"L{layer}N{column}",
                                                   "color": POSITIVE, "width": 1})
                    edges.append(edge)
                    self.edges[(layer, row, column)] = edge
        self.widget.graph.add_nodes(nodes)
        self.widget.graph.add_edges(edges)
        self.widget.set_layout(name="preset", fit=True, padding=20, animate=False)
        self._edge_callbacks, self._node_callbacks = [], []
        self.widget.on("edge", "click", self._edge_clicked)
        self.widget.on("node", "click", self._node_clicked)
        self.update()

    def fit(self):
        """Fit the whole network into the view.

        ipycytoscape 1.3.3 draws first into a container that has no size yet,
        so the first view is cropped. Its front end calls ``cy.resize()`` and
        ``cy.fit()`` whenever the widget's layout height changes: nudging the
        height by a pixel is the one way from Python to fit a drawn view.
        """
        height = int(self.widget.layout.height.rstrip("px"))
        self.widget.layout.height = f"{height + 1 if height % 2 == 0 else height - 1}px"

    def _label(self, column, neuron):
        if column == 0:
            return f"x{neuron}"
        return f"y{neuron}" if column == len(self.network.layers_vector) - 1 else f"h{neuron}"

    @staticmethod
    def _position(column, place, rows):
        return {"x": column * _X_SPACING, "y": (place - (rows - 1) / 2) * _Y_SPACING}

    def _matrix(self, layer):
        matrices = self.network.neural_layers[layer - 1].matrices
        return matrices["weights_matrix" if self.quantity == "weights" else "dC_dw_matrix"]

    def update(self, quantity=None, sample=None, active_layer=None):
        """Restyle the existing graph for ``quantity``, ``sample`` and the ``active_layer``."""
        if quantity is not None:
            self.quantity = quantity
        if sample is not None:
            self.sample = sample
        self.active_layer = active_layer
        values = {key: float(self._matrix(key[0])[key[1], key[2]]) for key in self.edges}
        largest = max((abs(v) for v in values.values() if np.isfinite(v)), default=0.0) or 1.0
        for (layer, row, column), edge in self.edges.items():
            value = values[(layer, row, column)]
            width = 1 + 7 * min(abs(value) / largest, 1.0) if np.isfinite(value) else 1
            # quantised, so that an element is sent only when its look changes
            data = dict(edge.data, color=POSITIVE if value >= 0 else NEGATIVE,
                        width=round(width * 2) / 2)
            classes = "active" if layer == active_layer else ""
            if data != edge.data or classes != edge.classes:
                with edge.hold_sync():
                    edge.data, edge.classes = data, classes
        for column, drawn in enumerate(self.columns):
            outputs = (self.network.inputMatrix if column == 0
                       else self.network.neural_layers[column - 1].activated_output_matrix)
            row = outputs[min(self.sample, outputs.shape[0] - 1)]
            low, high = float(np.min(row)), float(np.max(row))
            for neuron in drawn:
                node = self.nodes[(column, neuron)]
                share = 0.0 if high <= low or not np.isfinite(row[neuron]) \
                    else (float(row[neuron]) - low) / (high - low)
                shade = 255 - 10 * round(15 * share)  # 16 shades from white to blue
                data = dict(node.data, fill=f"#{shade:02x}{shade:02x}ff")
                classes = "active" if column == active_layer else ""
                if data != node.data or classes != node.classes:
                    with node.hold_sync():
                        node.data, node.classes = data, classes

    def on_edge_click(self, callback):
        """Call ``callback(layer, row, column)`` when an edge (a weight) is clicked."""
        self._edge_callbacks.append(callback)

    def on_node_click(self, callback):
        """Call ``callback(column, neuron)`` when a neuron is clicked (column 0: the inputs)."""
        self._node_callbacks.append(callback)

    def _edge_clicked(self, event):
        layer, pair = event["data"]["id"][1:].split(":")
        row, column = pair.split("-")
        for callback in self._edge_callbacks:
            callback(int(layer), int(row), int(column))

    def _node_clicked(self, event):
        name = event["data"]["id"]
        if "N" not in name:
            return
        column, neuron = name[1:].split("N")
        for callback in self._node_callbacks:
            callback(int(column), int(neuron))

    def edge_summary(self, layer, row, column):
        """Text for a clicked weight: its value, its gradient and the derivation with numbers."""
        matrices = self.network.neural_layers[layer - 1].matrices
        return (f"weights_matrix[{row}, {column}] of layer {layer} = "
                f"{matrices['weights_matrix'][row, column]:.6g}\n"
                f"dC_dw_matrix[{row}, {column}] = {matrices['dC_dw_matrix'][row, column]:.6g}\n\n"
                + derive_weight_gradient(self.network, layer, row, column).text())

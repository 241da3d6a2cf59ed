"""The network as an ipycytoscape diagram: neurons in columns, edges by sign and size.

Every neuron is a node and every weight an edge, placed once (a "preset"
layout: columns by layer, the implicit input layer first). After a step only
the look changes (edge colour, dashes and width, neuron fill, the active layer), so
the graph is restyled, never laid out again. The sign of an edge's value is shown by
more than colour: a negative edge is dashed, and a legend under the diagram says what
the edges and fills show. Neurons are labelled by layer: ``x3`` an input, ``h2,3``
neuron 3 of hidden layer 2 (column 3 of layer 2's matrices in the tables), ``y3`` an output.

Layers with more than ``max_drawn`` neurons are summarised: ``max_drawn`` of their
neurons are drawn and one "…" node stands for the rest. By default ``max_drawn`` is the
most that keeps a node's label at least :data:`LABEL_PX` pixels tall once the view is
fitted to its height (:func:`fitting_max_drawn`). A deep network draws fewer neurons per
layer, so that at most ``MAX_EDGES_DRAWN`` edges are drawn (every edge is a
widget and a message to the browser: 32 layers of 16 would be 8,000 of them).

:attr:`NetworkDiagram.text_alternative` says in words what the canvas shows (for a
screen reader): it is kept current by every restyle.

The elements and their looks reach the browser through the kit's front-end code
(:mod:`.frontend`), not as one ipycytoscape widget per element: a network's elements are
one message, and a step's restyle is one message of look classes (``"neg w5"``, ``"f12
active"``) against a stylesheet set once, which the front end applies to the elements
whose classes changed. The front end also fits the view whenever it is drawn or resized.
``docs/diagram.md`` says why, from ipycytoscape's internals and measurements.
"""

from __future__ import annotations

import math
import re

import ipycytoscape
import ipywidgets as widgets
import numpy as np
import traitlets

from ..checks import whole_number
from ..derivation import derive_weight_gradient
from ..errors import ConfigurationError
from ..palette import ACTIVE, NEGATIVE, POSITIVE, SELECTED
from ..symptoms import SATURATED_BELOW, neuron_label, neuron_states
from .closing import close_widgets
from .frontend import DiagramFront
from .view import View

__all__ = ["NetworkDiagram", "POSITIVE", "NEGATIVE", "QUANTITIES", "EDGES_SHOW",
           "fitting_max_drawn", "signed"]

QUANTITIES = {"weights": "weights_matrix", "gradients": "dC_dw_matrix"}
EDGES_SHOW = {"weights": "Edges show weights",
              "gradients": "Edges show dC/dw, the gradients of the last backward pass"}
MIN_WIDTH, MAX_WIDTH = 1.0, 8.0  # edge widths in pixels, by |value| / largest |value|
HEIGHT, WIDTH = 360, 500  # pixels (see module docs for why the width is fixed)
MAX_EDGES_DRAWN = 1200  # a deeper network draws fewer neurons per layer (see module docs)
FIT_PADDING = 20  # pixels the fitted view leaves around the network
LABEL_PX = 10  # the smallest a node's label may be on screen, in pixels
FONT_SIZE, NODE_SIZE = 14, 34  # a node's label and diameter, before the fit's zoom
_X_SPACING, _Y_SPACING = 160, 42
_FULL_FILL = np.array([66, 153, 225])  # the fill of a column's largest activation (blue)
_SHADES = 15  # fills are rounded to 16 shades from white to _FULL_FILL
_EDGE_ID = re.compile(r"L(\d+):(\d+)-(\d+)")
_NODE_ID = re.compile(r"L(\d+)N(\d+)")
_BASE_STYLE = [
    {"selector": "node", "style": {"background-color": "#ffffff", "label": "data(label)",
                                   "border-width": 1, "border-color": "#4a5568",
                                   "font-size": FONT_SIZE, "text-valign": "center",
                                   "width": NODE_SIZE, "height": NODE_SIZE}},
    {"selector": "node.more", "style": {"shape": "round-rectangle", "width": 90,
                                        "border-style": "dashed", "background-color": "#edf2f7"}},
    {"selector": "edge", "style": {"line-color": POSITIVE, "width": MIN_WIDTH,
                                   "line-style": "solid", "curve-style": "haystack",
                                   "haystack-radius": 0, "opacity": 0.75}},
]


def _fill(shade):
    """The fill of shade ``shade`` (0 white … ``_SHADES`` ``_FULL_FILL``), as ``#rrggbb``."""
    red, green, blue = np.round(255 - shade / _SHADES * (255 - _FULL_FILL)).astype(int).tolist()
    return f"#{red:02x}{green:02x}{blue:02x}"


# The look classes, the one place an element's look is defined: an edge has a sign class
# and a width class (half pixels), a neuron a fill class.
LOOKS = {"pos": {"line-color": POSITIVE, "line-style": "solid"},
         "neg": {"line-color": NEGATIVE, "line-style": "dashed"},
         **{f"w{k}": {"width": k / 2} for k in range(round(2 * MIN_WIDTH), round(2 * MAX_WIDTH) + 1)},
         **{f"f{shade}": {"background-color": _fill(shade)} for shade in range(_SHADES + 1)}}
# badges of a neuron's state (flux_widgets.symptoms): a shape and a border style, not
# only a colour, with their words in the legend
BADGES = {"dead": ({"shape": "octagon", "border-style": "dotted", "border-width": 3},
                   "an octagon with a dotted border", "h′(a) = 0 for every sample"),
          "saturated": ({"shape": "hexagon", "border-style": "double", "border-width": 5},
                        "a hexagon with a double border",
                        f"h′(a) < {SATURATED_BELOW} for every sample")}
# marks over the look: a neuron's badge, the layer computed last, the selected element
_MARKS = [*({"selector": f"node.{name}", "style": style} for name, (style, *_) in BADGES.items()),
          {"selector": "edge.active", "style": {"opacity": 1.0, "z-index": 10}},
          {"selector": "node.active", "style": {"border-width": 3, "border-color": ACTIVE}},
          {"selector": ".selected", "style": {"underlay-color": SELECTED, "underlay-opacity": 0.35,
                                             "underlay-padding": 5}}]
STYLESHEET = _BASE_STYLE + [{"selector": "." + name, "style": style}
                            for name, style in LOOKS.items()] + _MARKS
_LEGEND_LINE = ("<svg width='26' height='8' aria-hidden='true'><line x1='1' y1='4' x2='25' "
                "y2='4' stroke='{colour}' stroke-width='3'{dashes}/></svg>")


def fitting_max_drawn(height=HEIGHT):
    """The most neurons a summarised layer may draw in a view ``height`` pixels tall.

    A fit zooms the view so that the tallest column (the drawn neurons and the "…" node,
    ``_Y_SPACING`` apart, each ``NODE_SIZE`` tall, ``FIT_PADDING`` above and below) fills
    the height; the zoom must leave a label of ``FONT_SIZE`` at least ``LABEL_PX`` tall."""
    tallest = height * FONT_SIZE / LABEL_PX - 2 * FIT_PADDING - NODE_SIZE  # at zoom 1
    return max(2, int(tallest // _Y_SPACING))  # slots: that + 1, one of them the "…" node


def _count(number, noun):
    """``"1 output"``, ``"10 outputs"``."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def signed(value):
    """``"-0.31 (negative)"``: a value and its sign in words (the diagram's colours and
    dashes say it too)."""
    word = ("not a number" if math.isnan(value) else "negative" if value < 0
            else "positive" if value > 0 else "zero")
    return f"{value:.6g} ({word})"


def _drawn(count, max_drawn):
    """Neurons drawn of a layer of ``count``: all, or the first max_drawn − 1 and the last."""
    if count <= max_drawn:
        return list(range(count))
    return list(range(max_drawn - 1)) + [count - 1]


def _drawn_columns(sizes, max_drawn):
    """The neurons drawn of each layer: at most ``max_drawn`` a layer, fewer (down to 2)
    while the edges between them would be more than :data:`MAX_EDGES_DRAWN`."""
    while True:
        columns = [_drawn(size, max_drawn) for size in sizes]
        edges = sum(len(a) * len(b) for a, b in zip(columns[:-1], columns[1:]))
        if edges <= MAX_EDGES_DRAWN or max_drawn == 2:
            return columns
        max_drawn -= 1


def _summary_note(sizes, columns):
    """``"Layer 1 has 784 neurons: 16 of them are drawn."``; consecutive layers alike, once:
    ``"Layers 1 to 31 have 16 neurons each: 6 of them are drawn."``"""
    runs = []  # [first layer, last layer, size, drawn]
    for number, (size, drawn) in enumerate(zip(sizes, columns)):
        if len(drawn) < size:
            if runs and runs[-1][1] == number - 1 and runs[-1][2:] == [size, len(drawn)]:
                runs[-1][1] = number
            else:
                runs.append([number, number, size, len(drawn)])
    return " ".join(f"Layer {first} has {size} neurons: {drawn} of them are drawn."
                    if first == last else f"Layers {first} to {last} have {size} neurons each: "
                    f"{drawn} of them are drawn." for first, last, size, drawn in runs)


def _css_length(value, name):
    """``value`` as a CSS length: a whole number of pixels (100 to 4000), or a CSS length
    of the screen's (``"62vw"``, ``"min(900px, 62vw)"``)."""
    if isinstance(value, str) and value.strip() and not set(value) & set(";{}<>\"'"):
        return value.strip()
    return f"{whole_number(value, name, 100, 4000)}px"


class _CytoscapeWidget(ipycytoscape.CytoscapeWidget):
    """ipycytoscape's widget, without its leak: its constructor replaces the ``Graph``
    widget it has just made by default with a new one and never closes the first."""

    @traitlets.observe("graph")
    def _close_the_replaced_graph(self, change):
        if change["old"] is not None and change["old"] is not change["new"]:
            change["old"].close()


class NetworkDiagram(View):
    """The cytoscape diagram of ``network``; ``widget`` is the ipycytoscape widget to show.

    Parameters
    ----------
    network : Neural_Layer_Information
    quantity : str
        What the edges show: ``"weights"`` (``weights_matrix``) or
        ``"gradients"`` (``dC_dw_matrix``).
    sample : int
        The sample (row) whose activations colour the neurons.
    max_drawn : int or None
        Layers with more neurons than this are summarised (see module docs); ``None``:
        :func:`fitting_max_drawn` of the view's height.

    ``widget`` is a box holding ``cytoscape``, the ipycytoscape view the network is drawn
    in; ``controls`` holds the learner's choices (what the edges show, the sample: a
    slider, which cannot show a sample the network does not have), the ``legend`` and a
    note on summarised layers. ``text_alternative`` says what the diagram shows, in words.
    The box, the view and the controls stay the same objects when another network is
    shown (:meth:`network_replaced`).

    ``elements`` are the drawn elements as cytoscape.js JSON (``{"group", "data",
    "position"}``), nodes first; ``nodes`` and ``edges`` index them by ``(column, neuron)``
    and ``(layer, row, column)``. ``classes[i]`` is element i's look classes (:data:`LOOKS`)
    and marks; ``looks`` maps an element id to the style they give it. Ids: node
    ``"L{column}N{neuron}"`` (column 0 is the input layer), edge ``"L{layer}:{row}-{column}"``
    for ``weights_matrix[row, column]`` of layer ``layer`` (counted from 1), the "…" node
    of a column ``"L{column}more"``.
    """

    def __init__(self, network=None, quantity="weights", sample=0, max_drawn=None):
        self.max_drawn = (fitting_max_drawn() if max_drawn is None
                          else whole_number(max_drawn, "max_drawn", 2))
        self.network = None
        self.size = (f"{HEIGHT}px", f"{WIDTH}px")  # CSS lengths, as the view is drawn
        self._edge_callbacks, self._node_callbacks = [], []
        self.stepper, self.badges = None, {}  # badges: {(column, neuron): "dead"/"saturated"}
        self.elements, self.classes, self.looks, self.nodes, self.edges = [], [], {}, {}, {}
        self.cytoscape = self._new_view()
        # draws the elements and their looks, fits the network into the view whenever the
        # browser draws it; the text alternative
        self._front = DiagramFront(padding=FIT_PADDING, label="No network is drawn.")
        self.widget = widgets.Box([self.cytoscape, self._front])  # for the panel's life
        self.widget.add_class("flux-diagram")
        self.edges_show = widgets.ToggleButtons(options=[("weights", "weights"),
                                                         ("dC/dw", "gradients")],
                                                value="weights", description="Edges show",
                                                style={"button_width": "80px"})
        self.sample_shown = widgets.IntSlider(value=0, min=0, max=0, description="sample",
                                              continuous_update=False,
                                              layout=widgets.Layout(width="300px"))
        self.legend = widgets.HTML()
        self.note = widgets.HTML()
        self.controls = widgets.VBox([widgets.HBox([self.edges_show, self.sample_shown]),
                                      self.legend, self.note])
        self._syncing = False
        self.edges_show.observe(self._chosen, "value")
        self.sample_shown.observe(self._chosen, "value")
        self.quantity, self.sample, self.active_layer = quantity, sample, None
        if network is not None:
            self._show_network(network)

    def network_replaced(self, stepper):
        self.stepper = stepper  # its record of what is computed gives the neurons' badges
        self._show_network(stepper.network)

    def step_happened(self, change):
        """Restyle: the edges' values, the neurons' outputs, the layer computed last."""
        self.update(active_layer=change.active_layer)

    def close(self):
        """Close the graph, its elements and the controls."""
        close_widgets([self.widget, self.controls])

    def _show_network(self, network):
        """Draw ``network`` in the same view: its elements and their looks, one message."""
        self.network = network
        self.selected, self.active_layer = "", None
        self.columns = _drawn_columns(network.layers_vector, self.max_drawn)
        self.summary_note = _summary_note(network.layers_vector, self.columns)
        self.note.value = f"<i>{self.summary_note}</i>" if self.summary_note else ""
        self.nodes = {}  # (column, neuron) -> its element
        self.edges = {}  # (layer, row, column) -> its element, layer by layer, row by row
        self.elements = self._make_nodes() + self._make_edges()
        with self._front.hold_sync():
            self._front.elements = self.elements
            self.update(self.quantity, min(self.sample, self._rows() - 1))

    def _chosen(self, change):
        """The learner chose what the edges show, or the sample that colours the neurons."""
        if not self._syncing and self.network is not None:
            self.update(self.edges_show.value, self.sample_shown.value,
                        active_layer=self.active_layer)

    # ---- building --------------------------------------------------------

    def label(self, column, neuron):
        """``x3`` for an input, ``h2,3`` for neuron 3 of hidden layer 2 (column 3 of layer
        2's matrices), ``y3`` for an output."""
        return neuron_label(self.network.layers_vector, column, neuron)

    def _make_nodes(self):
        """One node per drawn neuron; in a summarised column a "…" node before the last one."""
        nodes = []
        for column, drawn in enumerate(self.columns):
            hidden = self.network.layers_vector[column] - len(drawn)
            slots = drawn[:-1] + [None] + drawn[-1:] if hidden else drawn  # None: the "…" node
            for place, neuron in enumerate(slots):
                position = self._position(column, place, len(slots))
                if neuron is None:
                    nodes.append({"group": "nodes", "position": position, "data": {
                        "id": f"L{column}more", "label": f"… {hidden} more", "column": column}})
                    continue
                node = {"group": "nodes", "position": position, "data": {
                    "id": f"L{column}N{neuron}", "label": self.label(column, neuron),
                    "column": column}}
                self.nodes[(column, neuron)] = node
                nodes.append(node)
        return nodes

    @staticmethod
    def _position(column, place, places):
        """Column ``column`` at x = column · spacing; its ``places`` nodes centred on y = 0."""
        return {"x": column * _X_SPACING, "y": (place - (places - 1) / 2) * _Y_SPACING}

    def _make_edges(self):
        """One edge per weight between drawn neurons."""
        edges = []
        for layer in range(1, len(self.columns)):
            for row in self.columns[layer - 1]:
                for column in self.columns[layer]:
                    edge = {"group": "edges", "data": {
                        "id": f"L{layer}:{row}-{column}", "source": f"L{layer - 1}N{row}",
                        "target": f"L{layer}N{column}", "layer": layer}}
                    self.edges[(layer, row, column)] = edge
                    edges.append(edge)
        return edges

    # ---- showing ---------------------------------------------------------

    def _new_view(self):
        """The ipycytoscape view the network is drawn in, with the fixed stylesheet.

        Its graph widget stays empty: the front end puts the network's elements into the
        view (ipycytoscape would make each a widget, one message each, and cannot swap
        every element of a view at once: see ``docs/diagram.md``). Clicks on them reach
        Python through ipycytoscape as usual."""
        height, width = self.size
        view = _CytoscapeWidget(
            layout={"height": height, "width": width},
            min_zoom=0.05, max_zoom=2.0,  # a fit can show 100 neurons a column; 2-2-1 not huge
            user_zooming_enabled=False,   # the mouse wheel scrolls the notebook, not the view
            auto_ungrabify=True)          # neurons stay in their columns; clicks still work
        view.cytoscape_style = STYLESHEET
        view.on("edge", "click", self._edge_clicked)
        view.on("node", "click", self._node_clicked)
        return view

    def fit(self):
        """Fit the whole network into the view now (the front end also fits it whenever the
        view is drawn or resized: see :mod:`.frontend`)."""
        self._front.refit()

    def resize(self, width, height):
        """Draw the view ``width`` x ``height``, the whole network fitted into it (the front
        end fits it when the size changes): pixels (whole numbers), or CSS lengths that
        follow the screen, such as ``"min(900px, 62vw)"``."""
        self.size = (_css_length(height, "height"), _css_length(width, "width"))
        if self.cytoscape is not None:
            with self.cytoscape.layout.hold_sync():
                self.cytoscape.layout.height, self.cytoscape.layout.width = self.size

    def _repr_mimebundle_(self, **kwargs):
        """Shown on its own in a notebook cell: the box with the view (fitted when drawn)."""
        return self.widget._repr_mimebundle_(**kwargs)

    # ---- restyling -------------------------------------------------------

    def update(self, quantity=None, sample=None, active_layer=None, selected=None):
        """Restyle the drawn graph in place: edges by ``quantity``, neurons by ``sample``.

        Edge colour is the sign of the value (a negative one dashed too), edge width
        1–8 px its magnitude relative to the largest over the drawn edges; a neuron's
        fill goes from white (the smallest activation of its column for this sample)
        to blue (the largest). The nodes and edges of ``active_layer`` (counted from 1,
        ``None`` for none) get a gold border and full opacity; ``selected``,
        an element id such as ``"L1N3"`` or ``"L2:0-3"`` (``""`` for none), a
        dark red outline. ``quantity``, ``sample`` and ``selected`` are kept
        when not given. No element is added, removed or moved: the elements' classes
        change (``classes``, one message with the text alternative, none when nothing
        changed), and the front end restyles only the elements whose classes changed.
        The legend and ``text_alternative`` follow.
        """
        if quantity is not None:
            if quantity not in QUANTITIES:
                raise ConfigurationError(
                    f"quantity must be 'weights' or 'gradients', got {quantity!r}")
            self.quantity = quantity
        rows = self._rows()
        if sample is not None:
            self.sample = whole_number(sample, "sample", 0, rows - 1)
        self.sample = min(self.sample, rows - 1)   # a smaller mini-batch holds fewer rows
        self._syncing = True  # the controls show the choice; their observers stay quiet
        try:
            self.sample_shown.max = rows - 1
            self.sample_shown.description = "sample" if self.network.batch is None \
                else "batch row"
            self.edges_show.value, self.sample_shown.value = self.quantity, self.sample
        finally:
            self._syncing = False
        if selected is not None:
            self.selected = self._checked_selection(selected)
        self.active_layer = None if active_layer is None else \
            whole_number(active_layer, "active_layer", 1, len(self.columns) - 1)
        looks = {**self._edge_looks(), **self._node_looks()}  # element id -> look classes
        self.badges = (neuron_states(self.stepper) if self.stepper is not None
                       and self.stepper.network is self.network else {})
        badges = {f"L{column}N{neuron}": state for (column, neuron), state in self.badges.items()}
        self.looks = {element_id: {name: value for look in classes.split()
                                   for name, value in LOOKS[look].items()}
                      for element_id, classes in looks.items()}
        classes = []
        for element in self.elements:
            data = element["data"]
            marks = [looks.get(data["id"], "more")]
            if data["id"] in badges:
                marks.append(badges[data["id"]])
            if self.active_layer is not None and \
                    data.get("layer", data.get("column")) == self.active_layer:
                marks.append("active")
            if data["id"] == self.selected:
                marks.append("selected")
            classes.append(" ".join(marks))
        self.classes = classes
        with self._front.hold_sync():
            self._front.looks = classes
            self._describe()
        self.legend.value = self._legend()

    def _legend(self):
        """What the edges and the fills show, in words as well as colours."""
        solid = _LEGEND_LINE.format(colour=POSITIVE, dashes="")
        dashed = _LEGEND_LINE.format(colour=NEGATIVE, dashes=" stroke-dasharray='5 3'")
        return (f"<b>{EDGES_SHOW[self.quantity]}.</b> {solid} solid blue = positive, "
                f"{dashed} dashed orange = negative, width = |value| relative to the "
                f"largest; neuron fill = its output for the chosen {self.sample_words()}, "
                "white the smallest of its layer, blue the largest."
                + "".join(f" A neuron drawn as {shape} is {badge} ({meaning})."
                          for badge, (_, shape, meaning) in BADGES.items()
                          if badge in self.badges.values()))

    def _checked_selection(self, selected):
        """``selected`` if it is ``""`` or the id of a neuron or weight of the network
        (drawn or not); ConfigurationError otherwise."""
        sizes = self.network.layers_vector
        edge = _EDGE_ID.fullmatch(str(selected))
        node = _NODE_ID.fullmatch(str(selected))
        if edge:
            layer, row, column = map(int, edge.groups())
            exists = 1 <= layer < len(sizes) and row < sizes[layer - 1] and column < sizes[layer]
        elif node:
            column, neuron = map(int, node.groups())
            exists = column < len(sizes) and neuron < sizes[column]
        else:
            exists = selected == ""
        if not (isinstance(selected, str) and exists):
            raise ConfigurationError("selected must be the element id of a neuron or weight of "
                                     f"the network ('L1N0', 'L1:0-0'), or '', got {selected!r}")
        return selected

    def _describe(self):
        """Put into words what the diagram shows (``text_alternative``); the page's text
        alternative of the canvas follows (sent only when it changed)."""
        sizes = self.network.layers_vector
        hidden = [str(size) for size in sizes[1:-1]]
        layers = ("no hidden layer" if not hidden else
                  f"a hidden layer of {_count(sizes[1], 'neuron')}" if len(hidden) == 1 else
                  f"hidden layers of {', '.join(hidden[:-1])} and {hidden[-1]} neurons")
        text = [f"Diagram of a {'-'.join(map(str, sizes))} network: "
                f"{_count(sizes[0], 'input')}, {layers}, {_count(sizes[-1], 'output')}.",
                f"{EDGES_SHOW[self.quantity]}: solid lines positive, dashed lines negative, "
                f"the thicker the larger. Neurons are filled by their outputs for "
                f"{self.sample_words()}."]
        if self.active_layer is not None:
            text.append(f"Layer {self.active_layer} was computed last and is highlighted.")
        edge, node = _EDGE_ID.fullmatch(self.selected), _NODE_ID.fullmatch(self.selected)
        if edge:
            layer, row, column = map(int, edge.groups())
            drawn = (layer, row, column) in self.edges
            text.append(f"Selected: the {self.edge_text(layer, row, column)}"
                        + ("." if drawn else "; it is not drawn (its layers are summarised)."))
        elif node:
            column, neuron = map(int, node.groups())
            drawn = (column, neuron) in self.nodes
            text.append(f"Selected: neuron {self.label(column, neuron)} (layer {column}, neuron "
                        f"{neuron}); {self.output_text(column, neuron)}"
                        + ("." if drawn else "; it is not drawn (its layer is summarised)."))
        for badge in BADGES:
            labels = [self.label(column, neuron) for (column, neuron), state
                      in sorted(self.badges.items()) if state == badge]
            if labels:
                text.append(f"{badge.capitalize()} neurons ({BADGES[badge][2]}), drawn as "
                            f"{BADGES[badge][1]}: {', '.join(labels)}.")
        if self.summary_note:
            text.append(self.summary_note)
        self._front.label = " ".join(text)

    @property
    def text_alternative(self):
        """What the diagram shows, in words: the canvas's text alternative on the page."""
        return self._front.label

    def _rows(self):
        """How many samples the network's matrices hold (a mini-batch's, or all N)."""
        return self.network.neural_layers[0].sample_size

    def sample_words(self):
        """``"sample 3"``, or with a mini-batch held ``"sample 17 (row 3 of the mini-batch)"``:
        the row :attr:`sample` of the matrices, in words."""
        sample = int(self.network.held_rows[self.sample])
        return f"sample {sample}" + ("" if self.network.batch is None
                                     else f" (row {self.sample} of the mini-batch)")

    def neuron_outputs(self, column):
        """The outputs of the neurons of ``column``, a row per sample held (column 0: the
        inputs, layer 1's ``input_matrix``: the data, or a mini-batch's rows)."""
        layers = self.network.neural_layers
        return (layers[0].input_matrix if column == 0 else
                layers[column - 1].activated_output_matrix)

    def output_text(self, column, neuron):
        """``"its output for sample 3 is 0.52 (positive)"`` (an input: its value)."""
        value = self.neuron_outputs(column)[self.sample, neuron]
        return (f"its {'value' if column == 0 else 'output'} for {self.sample_words()} "
                f"is {signed(value)}")

    def edge_text(self, layer, row, column):
        """``"weight from h1,5 to h2,3: layer 2's weights_matrix[5, 3] = -0.31 (negative),
        dC_dw_matrix[5, 3] = 0.0213 (positive)"``."""
        matrices = self.network.neural_layers[layer - 1].matrices
        return (f"weight from {self.label(layer - 1, row)} to {self.label(layer, column)}: "
                f"layer {layer}'s weights_matrix[{row}, {column}] = "
                f"{signed(matrices['weights_matrix'][row, column])}, "
                f"dC_dw_matrix[{row}, {column}] = {signed(matrices['dC_dw_matrix'][row, column])}")

    def _edge_values(self):
        """The chosen quantity at every drawn edge, in the order of ``self.edges``."""
        name = QUANTITIES[self.quantity]
        return np.concatenate([
            layer.matrices[name][np.ix_(self.columns[number - 1], self.columns[number])].ravel()
            for number, layer in enumerate(self.network.neural_layers, start=1)])

    def _edge_looks(self):
        """``{edge id: "pos w5"}`` from the chosen quantity: the sign class, and the width
        class of ``MIN_WIDTH + (MAX_WIDTH − MIN_WIDTH)·|value| / largest`` in half pixels."""
        values = self._edge_values()
        magnitudes = np.where(np.isfinite(values), np.abs(values), 0.0)
        largest = magnitudes.max() or 1.0
        halves = np.round(2 * (MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * (magnitudes / largest)))
        return {f"L{layer}:{row}-{column}": f"{'neg' if negative else 'pos'} w{half}"
                for (layer, row, column), negative, half
                in zip(self.edges, (values < 0).tolist(), halves.astype(int).tolist())}

    def _node_looks(self):
        """``{node id: "f7"}`` from the chosen sample's activations: the fill class of the
        neuron's output on its column's scale, from f0 (smallest) to f15 (largest)."""
        looks = {}
        for column, drawn in enumerate(self.columns):
            outputs = self.neuron_outputs(column)
            # halved first: the span of two values near ±1.8e308 would overflow
            row = np.nan_to_num(outputs[self.sample], nan=0.0, posinf=0.0, neginf=0.0) / 2
            span = row.max() - row.min()
            shares = (row[drawn] - row.min()) / span if span > 0 else np.zeros(len(drawn))
            for neuron, shade in zip(drawn, np.round(shares * _SHADES).astype(int).tolist()):
                looks[f"L{column}N{neuron}"] = f"f{shade}"
        return looks

    # ---- clicks ----------------------------------------------------------

    def on_edge_click(self, callback):
        """Call ``callback(layer, row, column)`` when an edge (a weight) is clicked."""
        self._edge_callbacks.append(callback)

    def on_node_click(self, callback):
        """Call ``callback(column, neuron)`` when a neuron is clicked (column 0: the inputs)."""
        self._node_callbacks.append(callback)

    def _edge_clicked(self, element):
        """ipycytoscape's edge handler: ``element`` is the clicked edge's JSON, with ``data``."""
        match = _EDGE_ID.fullmatch(str(element.get("data", {}).get("id", "")))
        if match:
            for callback in self._edge_callbacks:
                callback(*map(int, match.groups()))

    def _node_clicked(self, element):
        """ipycytoscape's node handler; a click on a "…" node calls nothing."""
        match = _NODE_ID.fullmatch(str(element.get("data", {}).get("id", "")))
        if match:
            for callback in self._node_callbacks:
                callback(*map(int, match.groups()))

    def edge_summary(self, layer, row, column):
        """Text for a clicked weight: its value, its gradient (each with its sign in words)
        and the derivation with numbers."""
        derivation = derive_weight_gradient(self.network, layer, row, column)  # checks them
        return f"The {self.edge_text(layer, row, column)}\n\n{derivation.text()}"

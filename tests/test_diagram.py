"""The network diagram in plain Python: its elements, their look after an update, and clicks."""

import asyncio
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ipycytoscape = pytest.importorskip("ipycytoscape")

from flux_widgets import (Back_Propagation, ConfigurationError, Form_Network,  # noqa: E402
                          Forward_Pass, Learn)
from flux_widgets.widgets import diagram as diagram_module  # noqa: E402
from flux_widgets.widgets.diagram import (MAX_WIDTH, MIN_WIDTH, NEGATIVE,  # noqa: E402
                                          POSITIVE, NetworkDiagram)
from reference import parity4  # noqa: E402

FULL_FILL, WHITE = "#4299e1", "#ffffff"


def parity_network():
    return Form_Network([8, 4, 1], *parity4(), "leaky_relu", "sigmoid", seed=0)


def random_network(layers, samples=5, seed=0):
    rng = np.random.default_rng(seed)
    targets = np.eye(layers[-1])[rng.integers(0, layers[-1], samples)]
    return Form_Network(layers[1:], rng.random((samples, layers[0])), targets, seed=seed)


@pytest.fixture
def network():
    return parity_network()


@pytest.fixture
def diagram(network):
    return NetworkDiagram(network)


def nodes(diagram):
    return [e for e in diagram.elements if e["group"] == "nodes"]


def edges(diagram):
    return [e for e in diagram.elements if e["group"] == "edges"]


def node_ids(diagram):
    return [node["data"]["id"] for node in nodes(diagram)]


def stylesheet(diagram):
    """The widget's stylesheet as ``{selector: style}`` (what the browser applies)."""
    return {rule["selector"]: rule["style"] for rule in diagram.cytoscape.cytoscape_style}


def element_classes(diagram, element_id):
    """The classes the front end gives an element (its look and marks)."""
    index = [e["data"]["id"] for e in diagram.elements].index(element_id)
    return diagram.classes[index].split()


def own_rules(diagram, element_id):
    """Positions of the stylesheet's rules that select the element by one of its classes
    (``.pos``, ``edge.active``), as cytoscape.js matches them."""
    group = "edge" if ":" in element_id else "node"
    classes = element_classes(diagram, element_id)
    rules = []
    for number, rule in enumerate(diagram.cytoscape.cytoscape_style):
        kind, _, name = rule["selector"].partition(".")
        if name and kind in ("", group) and name in classes:
            rules.append(number)
    return rules


def look(diagram, element_id):
    """An element's own style: the rules that select it by class, merged in stylesheet order."""
    merged = {}
    for number in own_rules(diagram, element_id):
        merged.update(diagram.cytoscape.cytoscape_style[number]["style"])
    return merged


def edge_data(diagram):
    """Every edge's look, read from its classes and the stylesheet the widget holds."""
    return {edge["data"]["id"]: look(diagram, edge["data"]["id"]) for edge in edges(diagram)}


def positions(diagram):
    return {node["data"]["id"]: dict(node["position"]) for node in nodes(diagram)}


def fills(diagram, column):
    return [look(diagram, f"L{column}N{n}")["background-color"] for n in diagram.columns[column]]


def assert_edges_show(diagram, matrix_name):
    """Every edge's colour is the sign and its width the magnitude of its entry, relative to
    the largest magnitude over the drawn edges."""
    matrices = [layer.matrices[matrix_name] for layer in diagram.network.neural_layers]
    values = {f"L{layer}:{row}-{column}": matrices[layer - 1][row, column]
              for layer, row, column in diagram.edges}
    largest = max(abs(value) for value in values.values())
    looks = edge_data(diagram)
    for edge, value in values.items():
        assert looks[edge]["line-color"] == (NEGATIVE if value < 0 else POSITIVE)
        assert looks[edge]["line-style"] == ("dashed" if value < 0 else "solid")
        expected = MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * abs(value) / largest
        assert abs(looks[edge]["width"] - expected) <= 0.25 + 1e-12
    assert max(looks[edge]["width"] for edge in values) == MAX_WIDTH
    assert len(values) == len(edges(diagram))
    for edge in values:  # diagram.looks, what lessons read, is the look without the marks
        assert diagram.looks[edge] == {name: looks[edge][name]
                                       for name in ("line-color", "line-style", "width")}


# ---- elements ------------------------------------------------------------

def test_parity_network_has_a_node_per_neuron_and_an_edge_per_weight(diagram):
    expected_nodes = [f"L{c}N{n}" for c, size in enumerate([4, 8, 4, 1]) for n in range(size)]
    assert node_ids(diagram) == expected_nodes
    expected_edges = {f"L{layer}:{row}-{column}"
                      for layer, (n_in, n_out) in enumerate([(4, 8), (8, 4), (4, 1)], start=1)
                      for row in range(n_in) for column in range(n_out)}
    assert set(edge_data(diagram)) == expected_edges and len(expected_edges) == 4 * 8 + 8 * 4 + 4
    edge = diagram.edges[(2, 5, 3)]["data"]
    assert (edge["id"], edge["source"], edge["target"]) == ("L2:5-3", "L1N5", "L2N3")
    labels = {node["data"]["id"]: node["data"]["label"] for node in nodes(diagram)}
    assert (labels["L0N0"], labels["L1N3"], labels["L2N3"], labels["L3N0"]) == \
        ("x0", "h1,3", "h2,3", "y0")  # hidden neurons by layer: column 3 of layer 2's matrices
    assert diagram.summary_note == ""


def test_neurons_stand_in_columns_centred_on_the_middle(diagram):
    by_column = {}
    for node_id, position in positions(diagram).items():
        by_column.setdefault(int(node_id[1:node_id.index("N")]), []).append(position)
    xs = [{p["x"] for p in column} for _, column in sorted(by_column.items())]
    assert all(len(x) == 1 for x in xs)
    xs = [x.pop() for x in xs]
    assert xs == sorted(xs) and len(set(np.diff(xs))) == 1  # equal spacing, inputs leftmost
    for column in by_column.values():
        ys = sorted(p["y"] for p in column)
        assert len(set(ys)) == len(ys) and np.mean(ys) == pytest.approx(0)


def test_the_view_is_sized_and_styled_once(diagram):
    widget = diagram.cytoscape
    assert widget.layout.height == "360px" and widget.layout.width
    assert not widget.user_zooming_enabled
    assert widget.graph.nodes == [] == widget.graph.edges  # the front end draws the elements
    styles = stylesheet(diagram)
    # haystack edges: straight lines centre to centre, cytoscape.js's cheapest to restyle and draw
    assert (styles["edge"]["curve-style"], styles["edge"]["haystack-radius"]) == ("haystack", 0)
    assert styles["node"]["label"] == "data(label)"
    selectors = list(styles)  # the general rules first, so each element's own rules win
    assert selectors.index("edge") < min(own_rules(diagram, "L1:0-0"))
    assert selectors.index("node") < min(own_rules(diagram, "L0N0"))
    fits = diagram._front.fits
    diagram.fit()  # asks the front end to fit now; the size stays
    assert diagram._front.fits == fits + 1 and widget.layout.height == "360px"


def test_the_front_end_fits_the_diagram_when_drawn_and_describes_it(diagram):
    """frontend.js fits the network whenever the box is drawn, resized or gets a new view
    (so a reloaded page is not cropped); the canvas's text alternative follows the text."""
    front = diagram._front
    assert front.part == "diagram" and front in diagram.widget.children
    assert diagram.cytoscape in diagram.widget.children
    assert front.elements == diagram.elements and front.looks == diagram.classes
    assert len(front.looks) == len(front.elements) == 4 + 8 + 4 + 1 + 68
    assert "flux-diagram" in diagram.widget._dom_classes
    assert front.label == diagram.text_alternative and "4-8-4-1 network" in front.label
    diagram.update(selected="L1:0-0")
    assert front.label == diagram.text_alternative and "Selected" in front.label
    module = (Path(diagram_module.__file__).with_name("frontend.js")).read_text()
    assert "ResizeObserver" in module and "cy.fit(" in module and "cy.batch(" in module


def test_displaying_the_diagram_shows_its_box(diagram):
    async def display():
        return diagram._repr_mimebundle_()

    bundle = asyncio.run(display())
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == \
        diagram.widget.model_id  # the box that holds the cytoscape view


# ---- restyling -----------------------------------------------------------

def test_edges_show_the_weights_and_follow_them_in_place(network, diagram):
    assert_edges_show(diagram, "weights_matrix")
    before, where = edge_data(diagram), positions(diagram)
    elements = list(diagram._front.elements)
    Learn(network, 1.0, 10)
    diagram.update()
    after = edge_data(diagram)
    assert after != before and set(after) == set(before)
    assert_edges_show(diagram, "weights_matrix")
    assert diagram._front.elements == elements  # not sent again
    assert positions(diagram) == where


def test_gradients_show_dC_dw(network, diagram):
    Forward_Pass(network)
    Back_Propagation(network)
    weights = edge_data(diagram)
    diagram.update(quantity="gradients")
    assert diagram.quantity == "gradients" and edge_data(diagram) != weights
    assert_edges_show(diagram, "dC_dw_matrix")
    diagram.update()  # the quantity is kept
    assert_edges_show(diagram, "dC_dw_matrix")
    diagram.update(quantity="weights")
    assert edge_data(diagram) == weights


def test_neurons_are_coloured_by_the_chosen_samples_activations(network, diagram):
    Forward_Pass(network)
    diagram.update(sample=5)  # inputs 0101
    assert fills(diagram, 0) == [WHITE, FULL_FILL, WHITE, FULL_FILL]
    hidden = network.neural_layers[0].activated_output_matrix[5]
    assert fills(diagram, 1)[int(np.argmax(hidden))] == FULL_FILL
    assert fills(diagram, 1)[int(np.argmin(hidden))] == WHITE
    diagram.update(sample=6)  # inputs 0110
    assert diagram.sample == 6
    assert fills(diagram, 0) == [WHITE, FULL_FILL, FULL_FILL, WHITE]
    diagram.update(sample=0)  # 0000: one value in the whole column, nothing stands out
    assert fills(diagram, 0) == [WHITE] * 4


def test_the_active_layer_is_highlighted_and_cleared(diagram):
    diagram.update(active_layer=2)
    active = {e["data"]["id"] for e in diagram.elements
              if "active" in element_classes(diagram, e["data"]["id"])}
    assert active == {f"L2:{r}-{c}" for r in range(8) for c in range(4)} | \
        {f"L2N{n}" for n in range(4)}
    assert look(diagram, "L2:0-0")["opacity"] == 1.0 and "opacity" not in look(diagram, "L1:0-0")
    assert look(diagram, "L2N0")["border-width"] == 3 and "border-width" not in look(diagram, "L1N0")
    diagram.update()
    assert not any("active" in classes for classes in diagram.classes)


def test_a_selected_neuron_or_weight_is_outlined_until_cleared(diagram):
    diagram.update(selected="L1N3")
    assert "underlay-color" in look(diagram, "L1N3")
    diagram.update(selected="L2:5-3")
    assert "underlay-color" in look(diagram, "L2:5-3")
    assert "underlay-color" not in look(diagram, "L1N3")
    diagram.update()  # kept
    assert diagram.selected == "L2:5-3"
    diagram.update(selected="")
    assert not any("selected" in classes for classes in diagram.classes)
    with pytest.raises(ConfigurationError, match="element id"):
        diagram.update(selected="L2:5")


def test_an_update_sends_one_message_and_none_when_the_look_is_unchanged(
        network, diagram, monkeypatch):
    sent = []

    def record(widget, key=None):
        keys = [key] if isinstance(key, str) else key
        if keys is not None and not keys:
            return  # hold_sync with nothing held: ipywidgets sends no message
        kind = "CytoscapeWidget" if isinstance(widget, ipycytoscape.CytoscapeWidget) \
            else type(widget).__name__
        sent.append((kind, tuple(sorted(keys)) if keys else None))

    monkeypatch.setattr(ipycytoscape.CytoscapeWidget, "send_state", record)
    monkeypatch.setattr(type(diagram._front), "send_state", record)
    diagram.update()
    assert sent == []
    diagram.update(active_layer=3)
    assert sent == [("DiagramFront", ("label", "looks"))]
    sent.clear()
    Learn(network, 1.0, 10)
    diagram.update(active_layer=2, quantity="gradients", sample=3)
    assert sent == [("DiagramFront", ("label", "looks"))]  # every element, one message
    sent.clear()
    diagram._show_network(random_network([3, 5, 2]))  # a new network: one message too
    assert sent == [("DiagramFront", ("elements", "label", "looks"))]


def test_the_stylesheet_is_fixed_and_has_a_rule_for_every_look_class(network, diagram):
    """The looks are classes (the record ``LOOKS``), defined once in the stylesheet that is
    set when the view is made; a step only changes classes."""
    sheet = list(diagram.cytoscape.cytoscape_style)
    assert sheet == diagram_module.STYLESHEET
    for name, style in diagram_module.LOOKS.items():
        assert stylesheet(diagram)["." + name] == style
    widths = [style["width"] for style in diagram_module.LOOKS.values() if "width" in style]
    assert widths == [k / 2 for k in range(2, 17)]  # 1 to 8 px by halves
    fills = [style["background-color"] for style in diagram_module.LOOKS.values()
             if "background-color" in style]
    assert (len(fills), fills[0], fills[-1]) == (16, WHITE, FULL_FILL)
    Learn(network, 1.0, 10)
    diagram.update(quantity="gradients", sample=3, active_layer=2, selected="L1N0")
    assert list(diagram.cytoscape.cytoscape_style) == sheet
    defined = {rule["selector"].partition(".")[2] for rule in sheet} - {""}
    used = {name for classes in diagram.classes for name in classes.split()}
    assert used <= defined and {"pos", "neg", "active", "selected"} <= used


@pytest.mark.parametrize("arguments", [{"quantity": "bias"}, {"sample": 16}, {"sample": -1},
                                       {"sample": 1.5}, {"active_layer": 0},
                                       {"active_layer": 4}, {"active_layer": True}])
def test_bad_arguments_are_refused(diagram, arguments):
    with pytest.raises(ConfigurationError):
        diagram.update(**arguments)


def test_max_drawn_must_leave_room_for_the_first_and_last_neuron(network):
    with pytest.raises(ConfigurationError, match="max_drawn"):
        NetworkDiagram(network, max_drawn=1)


def test_negative_edges_are_dashed_and_positive_ones_solid(network, diagram):
    weights = network.neural_layers[0].weights_matrix
    negative = next((0, c) for c in range(8) if weights[0, c] < 0)
    positive = next((0, c) for c in range(8) if weights[0, c] > 0)
    assert look(diagram, "L1:{}-{}".format(*negative))["line-style"] == "dashed"
    assert look(diagram, "L1:{}-{}".format(*positive))["line-style"] == "solid"
    assert stylesheet(diagram)["edge"]["line-style"] == "solid"
    Forward_Pass(network)
    Back_Propagation(network)
    diagram.update(quantity="gradients")  # the dashes follow the sign of what is shown
    assert_edges_show(diagram, "dC_dw_matrix")


def test_the_legend_says_what_the_edges_and_fills_show(diagram):
    assert diagram.legend in diagram.controls.children
    legend = diagram.legend.value
    assert "<b>Edges show weights.</b>" in legend
    for words in ("solid blue = positive", "dashed orange = negative",
                  "width = |value| relative to the largest",
                  "neuron fill = its output for the chosen sample 0,"):
        assert words in legend
    assert "stroke-dasharray" in legend and NEGATIVE in legend and POSITIVE in legend
    diagram.update(quantity="gradients", sample=5)
    assert "<b>Edges show dC/dw, the gradients of the last backward pass.</b>" in \
        diagram.legend.value
    assert "the chosen sample 5," in diagram.legend.value


def test_neurons_are_labelled_by_layer():
    diagram = NetworkDiagram(random_network([3, 3, 3, 3, 1]))
    labels = {node["data"]["id"]: node["data"]["label"] for node in nodes(diagram)}
    assert [labels[f"L{c}N2"] for c in range(4)] == ["x2", "h1,2", "h2,2", "h3,2"]
    assert labels["L4N0"] == "y0"
    assert len(set(labels.values())) == len(labels)  # no two neurons share a label
    single = NetworkDiagram(random_network([2, 3, 1]))
    assert single.label(1, 0) == "h1,0" and single.label(2, 0) == "y0"


def test_the_sample_control_cannot_show_a_sample_the_network_does_not_have(network, diagram):
    import ipywidgets

    control = diagram.sample_shown
    assert isinstance(control, ipywidgets.IntSlider)  # its readout is rewritten to the value
    assert (control.min, control.max) == (0, network.sample_size - 1) == (0, 15)
    control.value = 10**9
    assert control.value == 15 and diagram.sample == 15
    control.value = -5
    assert control.value == 0 and diagram.sample == 0
    control.value = 7
    assert diagram.sample == 7 and "the chosen sample 7," in diagram.legend.value
    smaller = random_network([4, 8, 4, 1], samples=5)
    diagram._show_network(smaller)  # as a new network on screen
    assert (control.max, control.value, diagram.sample) == (4, 4, 4)


@pytest.mark.parametrize("selected", ["L4:0-0", "L1:4-0", "L1:0-8", "L4N0", "L3N1", 5])
def test_a_selection_the_network_does_not_have_is_refused(diagram, selected):
    with pytest.raises(ConfigurationError, match="element id"):
        diagram.update(selected=selected)
    assert diagram.selected == ""


# ---- the text alternative ------------------------------------------------

def test_the_text_alternative_says_what_the_canvas_shows(network, diagram):
    heard = []  # what the page is sent for the canvas's text alternative
    diagram._front.observe(lambda change: heard.append(change["new"]), "label")
    text = diagram.text_alternative
    assert text.startswith("Diagram of a 4-8-4-1 network: 4 inputs, hidden layers of 8 and 4 "
                           "neurons, 1 output.")
    assert "Edges show weights: solid lines positive, dashed lines negative" in text
    assert "outputs for sample 0" in text and "computed last" not in text
    assert "Selected" not in text and "drawn" not in text
    diagram.update(active_layer=2)
    assert "Layer 2 was computed last and is highlighted." in diagram.text_alternative
    Forward_Pass(network)
    Back_Propagation(network)
    diagram.update(quantity="gradients", selected="L2:5-3", active_layer=3)
    weight = network.neural_layers[1].weights_matrix[5, 3]
    gradient = network.neural_layers[1].dC_dw_matrix[5, 3]
    text = diagram.text_alternative
    assert "Edges show dC/dw, the gradients of the last backward pass" in text
    assert "Layer 3 was computed last" in text
    assert (f"Selected: the weight from h1,5 to h2,3: layer 2's weights_matrix[5, 3] = "
            f"{diagram_module.signed(weight)}, dC_dw_matrix[5, 3] = "
            f"{diagram_module.signed(gradient)}.") in text
    diagram.update(selected="L1N2", sample=5)
    output = network.neural_layers[0].activated_output_matrix[5, 2]
    assert (f"Selected: neuron h1,2 (layer 1, neuron 2); its output for sample 5 is "
            f"{diagram_module.signed(output)}.") in diagram.text_alternative
    diagram.update(selected="L0N1")
    assert "neuron x1 (layer 0, neuron 1); its value for sample 5 is 1 (positive)." in \
        diagram.text_alternative
    assert heard[-1] == diagram.text_alternative and len(heard) == 4  # once per change
    diagram.update(selected="L0N1")  # nothing changed: no call
    assert len(heard) == 4


def test_the_text_alternative_follows_a_step(network, diagram):
    diagram.update(selected="L3:0-0")
    before = diagram.text_alternative
    Learn(network, 1.0, 5)
    diagram.update()
    assert diagram.text_alternative != before
    weight = network.neural_layers[2].weights_matrix[0, 0]
    assert f"weights_matrix[0, 0] = {diagram_module.signed(weight)}" in diagram.text_alternative


def test_the_text_alternative_names_the_summarised_layers_and_undrawn_choices():
    network = random_network([784, 32, 10])
    diagram = NetworkDiagram(network)
    text = diagram.text_alternative
    assert text.startswith("Diagram of a 784-32-10 network: 784 inputs, a hidden layer of 32 "
                           "neurons, 10 outputs.")
    assert text.endswith("Layer 0 has 784 neurons: 10 of them are drawn. Layer 1 has 32 "
                         "neurons: 10 of them are drawn.")
    diagram.update(selected="L1:500-3")
    assert "weight from x500 to h1,3" in diagram.text_alternative
    assert "it is not drawn (its layers are summarised)" in diagram.text_alternative
    diagram.update(selected="L1N20")
    assert "neuron h1,20 (layer 1, neuron 20)" in diagram.text_alternative
    assert "it is not drawn (its layer is summarised)" in diagram.text_alternative
    diagram.update(selected="L1N31")
    assert "not drawn" not in diagram.text_alternative


def test_the_signs_in_words():
    signed = diagram_module.signed
    assert (signed(-0.25), signed(3.0), signed(0.0), signed(float("nan")), signed(float("inf"))) \
        == ("-0.25 (negative)", "3 (positive)", "0 (zero)", "nan (not a number)",
            "inf (positive)")


# ---- summarised layers ---------------------------------------------------

def fitted_zoom(diagram):
    """The zoom cytoscape's fit gives the view: the drawn nodes' bounding box (each node's
    box from the stylesheet) plus the layout's padding, into the view's size."""
    styles = stylesheet(diagram)
    padding = diagram._front.padding
    boxes = []
    for node in nodes(diagram):
        more = node["data"]["id"].endswith("more")
        style = {**styles["node"], **(styles["node.more"] if more else {})}
        x, y = node["position"]["x"], node["position"]["y"]
        boxes.append((x - style["width"] / 2, x + style["width"] / 2,
                      y - style["height"] / 2, y + style["height"] / 2))
    left, right = min(b[0] for b in boxes), max(b[1] for b in boxes)
    top, bottom = min(b[2] for b in boxes), max(b[3] for b in boxes)
    height, width = (int(diagram.cytoscape.layout.height[:-2]),
                     int(diagram.cytoscape.layout.width[:-2]))
    return min(height / (bottom - top + 2 * padding), width / (right - left + 2 * padding),
               diagram.cytoscape.max_zoom)


@pytest.mark.parametrize("layers, summarised", [([784, 32, 10], True), ([4, 8, 4, 1], False),
                                                ([2, 3, 1], False), ([30, 10, 10, 10], True)])
def test_a_fitted_diagram_draws_labels_at_least_10_px_tall(layers, summarised):
    diagram = NetworkDiagram(random_network(layers))
    assert (diagram.cytoscape.layout.height, diagram.cytoscape.layout.width) == \
        (f"{diagram_module.HEIGHT}px", f"{diagram_module.WIDTH}px")  # 360 x 500
    font = stylesheet(diagram)["node"]["font-size"]
    assert font * fitted_zoom(diagram) >= diagram_module.LABEL_PX == 10
    assert bool(diagram.summary_note) == summarised
    one_more = NetworkDiagram(random_network(layers), max_drawn=diagram.max_drawn + 1)
    if summarised:  # the rule is the most it allows: one neuron more a column breaks it
        assert font * fitted_zoom(one_more) < 10



def test_a_mnist_sized_network_is_summarised():
    network = random_network([784, 32, 10])
    diagram = NetworkDiagram(network)
    assert diagram.max_drawn == diagram_module.fitting_max_drawn() == 10
    ids = set(node_ids(diagram))
    assert len(ids) == (10 + 1) + (10 + 1) + 10  # the ten outputs are all drawn
    assert {"L0N0", "L0N8", "L0N783", "L0more", "L1N31", "L1more", "L2N9"} <= ids
    assert "L0N9" not in ids and "L2more" not in ids
    labels = {node["data"]["id"]: node["data"]["label"] for node in nodes(diagram)}
    assert labels["L0more"] == "… 774 more" and labels["L1more"] == "… 22 more"
    assert element_classes(diagram, "L0more") == ["more"]
    drawn_edges = [e["data"] for e in edges(diagram)]
    assert len(drawn_edges) == 10 * 10 + 10 * 10 <= 500
    assert {e["source"] for e in drawn_edges} | {e["target"] for e in drawn_edges} <= \
        ids - {"L0more", "L1more"}
    assert diagram.summary_note == ("Layer 0 has 784 neurons: 10 of them are drawn. "
                                    "Layer 1 has 32 neurons: 10 of them are drawn.")
    column = sorted(positions(diagram)[i]["y"] for i in ids if i.startswith("L0"))
    assert positions(diagram)["L0more"]["y"] == column[-2]  # between x8 and x783
    Forward_Pass(network)
    Back_Propagation(network)
    diagram.update(quantity="gradients", sample=4, active_layer=1)
    assert_edges_show(diagram, "dC_dw_matrix")


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 24), min_size=2, max_size=4), st.integers(2, 8))
def test_every_network_draws_at_most_max_drawn_neurons_a_layer(layers, max_drawn):
    diagram = NetworkDiagram(random_network(layers, samples=2), max_drawn=max_drawn)
    drawn = [min(size, max_drawn) for size in layers]
    assert len(nodes(diagram)) == sum(drawn) + sum(s > max_drawn for s in layers)
    assert len(edges(diagram)) == sum(a * b for a, b in zip(drawn, drawn[1:]))
    assert_edges_show(diagram, "weights_matrix")


# ---- clicks and the info text --------------------------------------------

def click(diagram, kind, element_id):
    """What ipycytoscape's front end sends for a click: the element's JSON, with its data."""
    diagram.cytoscape._handle_interaction(diagram.cytoscape, {
        "widget": kind, "event": "click",
        "data": {"group": f"{kind}s", "data": {"id": element_id}, "classes": ""}}, [])


def test_clicks_call_back_with_the_weight_or_neuron(diagram):
    edges, nodes = [], []
    diagram.on_edge_click(lambda *where: edges.append(where))
    diagram.on_node_click(lambda *where: nodes.append(where))
    click(diagram, "edge", "L2:5-3")
    click(diagram, "node", "L0N2")
    click(diagram, "node", "L3N0")
    assert edges == [(2, 5, 3)] and nodes == [(0, 2), (3, 0)]


def test_a_click_on_the_more_node_calls_nothing():
    diagram = NetworkDiagram(random_network([40, 3, 2]))
    nodes = []
    diagram.on_node_click(lambda *where: nodes.append(where))
    click(diagram, "node", "L0more")
    click(diagram, "node", "L0N39")
    assert nodes == [(0, 39)]


def test_edge_summary_gives_the_weight_its_gradient_and_the_derivation(network, diagram):
    Forward_Pass(network)
    Back_Propagation(network)
    text = diagram.edge_summary(2, 5, 3)
    layer = network.neural_layers[1]
    assert f"{layer.weights_matrix[5, 3]:.6g}" in text
    assert f"{layer.dC_dw_matrix[5, 3]:.6g}" in text
    assert "Σ_n" in text and "∂C/∂W[5, 3]" in text


def test_the_diagram_leaves_no_orphan_graph_widget(network):
    from ipywidgets.widgets.widget import _instances


    before = len(_instances)
    diagram = NetworkDiagram(network)
    diagram.close()  # the widget, its graph, nodes, edges and layouts, and its controls
    assert len(_instances) == before  # ipycytoscape's first, replaced Graph included


def test_the_view_takes_pixels_or_css_lengths_of_the_screen(diagram):
    diagram.resize(640, 400)
    assert (diagram.cytoscape.layout.width, diagram.cytoscape.layout.height) == ("640px", "400px")
    diagram.resize("min(900px, 62vw)", "min(520px, calc(100vh - 340px))")
    assert diagram.cytoscape.layout.width == "min(900px, 62vw)"
    assert diagram.cytoscape.layout.height == "min(520px, calc(100vh - 340px))"
    for bad in ("", "10px; color: red", 50, 10**9, 3.5, None):
        with pytest.raises(ConfigurationError):
            diagram.resize(bad, 400)
    assert diagram.cytoscape.layout.width == "min(900px, 62vw)"  # a refusal changes nothing

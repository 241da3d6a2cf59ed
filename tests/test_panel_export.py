"""Exports for slides from the panel: the diagram as SVG (its looks, one element per drawn
thing), and the export box's buttons and methods writing files in the working folder."""

import io
import math
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

pytest.importorskip("ipywidgets")

from flux_widgets import ConfigurationError, Form_Network, StorageError  # noqa: E402
from flux_widgets.export import step_latex  # noqa: E402
from flux_widgets.widgets.diagram import BADGES, NetworkDiagram  # noqa: E402
from flux_widgets.widgets.diagram_svg import diagram_svg  # noqa: E402
from flux_widgets.widgets.exporting import CHART_FILE, DIAGRAM_FILE, FORMULA_FILE  # noqa: E402
from flux_widgets.widgets.panel import Panel  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"
SHAPES = {"circle", "polygon", "rect"}
DASHES = {"solid": None, "dashed": "6 3", "dotted": "2 3", "double": None}


@pytest.fixture
def panel():
    made = Panel()
    yield made
    made.close()


def drawn(svg):
    """``(root, {neuron id: its <g>}, {edge id: its <line>}, [the "… more" <g>s])``."""
    root = ET.fromstring(svg)
    neurons = {g.get("data-id"): g for g in root.iter(f"{SVG}g") if g.get("class") == "neuron"}
    lines = {line.get("data-id"): line for line in root.iter(f"{SVG}line")
             if line.get("class") == "edge"}
    more = [g for g in root.iter(f"{SVG}g") if g.get("class") == "more"]
    return root, neurons, lines, more


def shape_of(group):
    (shape,) = [child for child in group if child.tag[len(SVG):] in SHAPES]
    return shape


def assert_draws_the_diagram(diagram):
    """The SVG has one element per drawn neuron and edge, with the diagram's looks."""
    root, neurons, lines, more = drawn(diagram_svg(diagram))
    assert root.get("role") == "img" and root.get("aria-label") == diagram.text_alternative
    assert root.find(f"{SVG}title").text == diagram.text_alternative
    node_ids = {f"L{column}N{neuron}" for column, neuron in diagram.nodes}
    edge_ids = {f"L{layer}:{row}-{column}" for layer, row, column in diagram.edges}
    assert set(neurons) == node_ids and len(neurons) == len(diagram.nodes)
    assert set(lines) == edge_ids and len(lines) == len(diagram.edges)
    assert len(root.findall(f".//{SVG}line")) == len(diagram.edges)   # nothing else drawn
    for edge_id, line in lines.items():
        look = diagram.looks[edge_id]
        assert line.get("stroke") == look["line-color"]
        assert float(line.get("stroke-width")) == look["width"]
        assert line.get("stroke-dasharray") == DASHES[look["line-style"]]
        layer, row, column = map(int, re.fullmatch(r"L(\d+):(\d+)-(\d+)", edge_id).groups())
        assert line.find(f"{SVG}title").text.startswith(
            f"weight from {diagram.label(layer - 1, row)} to {diagram.label(layer, column)}")
    for (column, neuron), _ in diagram.nodes.items():
        group = neurons[f"L{column}N{neuron}"]
        assert shape_of(group).get("fill") == diagram.looks[f"L{column}N{neuron}"][
            "background-color"]
        assert group.find(f"{SVG}text").text == diagram.label(column, neuron)
        assert group.find(f"{SVG}title").text == group.get("aria-label")
        assert diagram.output_text(column, neuron) in group.get("aria-label")
        badge = diagram.badges.get((column, neuron))
        expected = {None: "circle", "dead": "polygon", "saturated": "polygon"}[badge]
        assert shape_of(group).tag == SVG + expected
        if badge:
            corners = {"dead": 8, "saturated": 6}[badge]
            assert len(shape_of(group).get("points").split()) == corners
            style = BADGES[badge][0]
            assert shape_of(group).get("stroke-dasharray") == DASHES[style["border-style"]]
    return root, more


def test_the_parity_diagram_as_svg(panel):
    panel.step("layer")
    diagram = panel.diagram
    root, more = assert_draws_the_diagram(diagram)
    assert (len(diagram.nodes), len(diagram.edges), more) == (17, 68, [])
    assert {line.get("stroke-dasharray") for line in root.iter(f"{SVG}line")} == {None, "6 3"}
    # layer 1 was computed last: its neurons have the gold border, its edges full opacity
    active = [g for g in root.iter(f"{SVG}g") if g.get("data-id", "").startswith("L1N")]
    assert all(shape_of(g).get("stroke") == "#d69e2e" for g in active)
    assert {line.get("stroke-opacity") for line in root.iter(f"{SVG}line")
            if line.get("data-id").startswith("L1:")} == {"1"}
    legend = "".join(root.find(f".//{SVG}text[@class='legend']").itertext())
    assert "Edges show weights." in legend and "dashed orange = negative" in legend
    panel.diagram.update(quantity="gradients")
    assert_draws_the_diagram(panel.diagram)
    assert panel.export_diagram_svg() == diagram_svg(panel.diagram)


def test_a_dead_relu_is_drawn_with_its_badge(panel):
    panel.load_preset("dead_relu")
    panel.step("iteration")
    panel.step("iteration")
    assert "dead" in panel.diagram.badges.values()
    root, _ = assert_draws_the_diagram(panel.diagram)
    legend = "".join(root.find(f".//{SVG}text[@class='legend']").itertext())
    assert "an octagon with a dotted border: dead" in legend


def test_a_saturated_neuron_is_drawn_as_a_hexagon():
    rng = np.random.default_rng(0)
    network = Form_Network([3, 1], rng.random((5, 2)) + 1, rng.random((5, 1)), "sigmoid",
                           "sigmoid", seed=0)
    network.neural_layers[0].weights_matrix[:] = 60.0   # every sample far from a = 0
    panel = Panel(network=network)
    try:
        panel.step("iteration")
        assert "saturated" in panel.diagram.badges.values()
        assert_draws_the_diagram(panel.diagram)
    finally:
        panel.close()


def test_a_mnist_wide_network_draws_its_summary_nodes():
    panel = Panel(dataset="mnist", layers="16, 10", hidden="relu", output="softmax",
                  cost="cross_entropy", batch_size=8)
    try:
        panel.step("iteration")
        diagram = panel.diagram
        _, more = assert_draws_the_diagram(diagram)
        labels = {g.get("data-id"): g.find(f"{SVG}text").text for g in more}
        assert labels == {"L0more": f"… {784 - len(diagram.columns[0])} more",
                          "L1more": f"… {16 - len(diagram.columns[1])} more"}
        assert all(shape_of(g).tag == SVG + "rect" for g in more)
    finally:
        panel.close()


def test_a_diagram_without_a_stepper_is_drawn_too():
    rng = np.random.default_rng(1)
    network = Form_Network([2, 1], rng.normal(size=(3, 2)), rng.random((3, 1)), seed=0)
    diagram = NetworkDiagram(network)
    try:
        assert_draws_the_diagram(diagram)
    finally:
        diagram.close()


# ---- the export box ---------------------------------------------------------------------

def message(panel):
    return panel.exports.message.value


def test_the_buttons_write_their_files_and_say_where(panel, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    exports = panel.exports
    exports.diagram_button.click()
    assert f"Wrote {tmp_path / DIAGRAM_FILE}." in message(panel)
    assert (tmp_path / DIAGRAM_FILE).read_text() == diagram_svg(panel.diagram)
    exports.chart_button.click()
    assert "Nothing written: the cost curve has no point to draw yet" in message(panel)
    exports.formula_button.click()
    assert "Nothing written: there is no stepped computation" in message(panel)
    assert not (tmp_path / CHART_FILE).exists() and not (tmp_path / FORMULA_FILE).exists()

    panel.step("iteration")
    panel.step("computation")
    exports.chart_button.click()
    assert f"Wrote {tmp_path / CHART_FILE}." in message(panel)
    ET.parse(tmp_path / CHART_FILE)
    exports.formula_button.click()
    assert (tmp_path / FORMULA_FILE).read_text() == step_latex(panel.stepper.last_step)

    exports.layer.value, exports.matrix.value, exports.figures.value = 2, "dC_dw_matrix", 3
    exports.latex_button.click()
    written = tmp_path / "flux_layer2_dC_dw_matrix.tex"
    assert f"Wrote {written}." in message(panel)
    latex = written.read_text()
    assert latex.startswith(r"\text{layer 2 dC\_dw\_matrix} = \begin{bmatrix}")
    assert latex.count("\\\\") == 7 and latex.endswith(r"\quad [8\times 4]")
    exports.csv_button.click()
    matrix = panel.network.neural_layers[1].dC_dw_matrix
    back = np.loadtxt(tmp_path / "flux_layer2_dC_dw_matrix.csv", delimiter=",", ndmin=2)
    assert back.tobytes() == matrix.tobytes()
    assert (tmp_path / "flux_layer2_dC_dw_matrix.csv").read_text().startswith(
        "# layer 2 dC_dw_matrix, 8x4\n")


def test_a_file_that_cannot_be_written_is_a_message(panel, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / DIAGRAM_FILE).mkdir()
    panel.exports.diagram_button.click()
    assert f"Nothing written: could not write {tmp_path / DIAGRAM_FILE}" in message(panel)


def test_the_layers_follow_the_network(panel):
    exports = panel.exports
    assert [value for _, value in exports.layer.options] == [1, 2, 3]
    exports.layer.value = 3
    panel.controls.layers.value = "3, 1"
    assert panel.form_network()
    assert [value for _, value in exports.layer.options] == [1, 2] and exports.layer.value == 2
    assert all(control.description or control.tooltip for control in (
        exports.diagram_button, exports.chart_button, exports.formula_button,
        exports.latex_button, exports.csv_button, exports.layer, exports.matrix,
        exports.figures))


def test_the_panels_export_methods(panel, tmp_path, refused):
    panel.step("iteration")
    text = panel.export_matrix_latex(1, "weights_matrix", tmp_path / "w.tex", figures=2,
                                     max_rows=3, max_columns=3)
    assert (tmp_path / "w.tex").read_text() == text
    assert r"\vdots" in text and r"\cdots" in text and text.count("\\\\") == 3
    csv = panel.export_matrix_csv(3, "activated_output_matrix")
    assert np.loadtxt(io.StringIO(csv), delimiter=",", ndmin=2).tobytes() == \
        panel.network.neural_layers[2].activated_output_matrix.tobytes()
    assert panel.export_chart_svg(tmp_path / "c.svg") == (tmp_path / "c.svg").read_text()
    assert panel.export_diagram_svg().startswith("<svg")
    assert panel.export_formula_latex() == step_latex(panel.stepper.last_step)
    refused(lambda: panel.export_matrix_latex(4, "weights_matrix"), ConfigurationError,
            "layer must be a whole number from 1 to 3")
    refused(lambda: panel.export_matrix_csv(1, "W"), ConfigurationError, "no matrix named 'W'")
    refused(lambda: panel.export_matrix_latex(1, "weights_matrix", figures=math.pi),
            ConfigurationError, "figures")
    refused(lambda: panel.export_diagram_svg(tmp_path / "no" / "d.svg"), StorageError,
            "could not write")


def test_a_panel_without_a_network_says_so(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    panel = Panel(layers="abc")
    try:
        for button in ("diagram_button", "chart_button", "formula_button", "latex_button",
                       "csv_button"):
            getattr(panel.exports, button).click()
            assert "Nothing written: there is no network to export yet" in message(panel)
        assert not list(tmp_path.iterdir())
    finally:
        panel.close()

"""Matrix tables: one redraw per change, the style sheet sent once, a chosen neuron outlined."""

import re

import numpy as np
import pytest

pytest.importorskip("ipywidgets")

from flux_widgets import Form_Network, Forward_Pass  # noqa: E402
from flux_widgets.widgets.tables import MatrixTables  # noqa: E402


@pytest.fixture
def tables():
    X = np.array([[int(b) for b in f"{i:04b}"] for i in range(16)], float)
    network = Form_Network([8, 4, 1], X, X.sum(1) % 2, "leaky_relu", "sigmoid", seed=0)
    Forward_Pass(network)
    return MatrixTables(network)


def focused_cells(html, matrix):
    """``(row, column)`` of the outlined cells of ``matrix`` in the tables' HTML."""
    part = html.split(f"data-matrix='{matrix}'")[1].split("</table>")[0]
    cells = []
    for r, row in enumerate(part.split("<tr>")[2:]):
        for c, cell in enumerate(re.findall(r"<td[^>]*>", row)[1:]):
            if "flux-focus" in cell:
                cells.append((r, c))
    return cells


def test_the_style_sheet_is_sent_once_not_with_every_redraw(tables):
    assert "<style>" in tables.box.children[0].value
    assert "<style>" not in tables.html.value


def test_moving_to_another_layer_redraws_once(tables):
    values = []
    tables.html.observe(lambda change: values.append(change["new"]), "value")
    tables.show([(2, "weights_matrix")], layer=2, row=3, column=1)
    assert len(values) == 1 and "<h3>Layer 2" in values[0]
    assert (tables.layer.value, tables.row_start.value, tables.column_start.value) == (2, 3, 1)
    tables.layer.value = 3  # a learner's click on a layer button still redraws
    assert len(values) == 2 and "<h3>Layer 3" in values[1]


def test_a_chosen_hidden_neuron_outlines_its_column_and_its_outgoing_weights(tables):
    tables.select_neuron(1, 5)  # neuron 5 of layer 1
    html = tables.html.value
    assert tables.layer.value == 1
    assert {c for _, c in focused_cells(html, "activated_output_matrix")} == {5}
    assert len(focused_cells(html, "activated_output_matrix")) == 16  # every sample's row
    assert focused_cells(html, "bias_matrix") == [(0, 5)]
    assert focused_cells(html, "input_matrix") == []
    tables.select(2)
    html = tables.html.value  # layer 2: neuron 5 of layer 1 is an input of it
    assert {c for _, c in focused_cells(html, "input_matrix")} == {5}
    assert focused_cells(html, "weights_matrix") == [(5, c) for c in range(4)]
    assert focused_cells(html, "activated_output_matrix") == []


def test_a_chosen_input_shows_layer_one_with_its_input_column(tables):
    tables.select_neuron(0, 2)
    html = tables.html.value
    assert tables.layer.value == 1
    assert {c for _, c in focused_cells(html, "input_matrix")} == {2}
    assert focused_cells(html, "weights_matrix") == [(2, c) for c in range(8)]

"""Matrix tables: one redraw per change, the style sheet sent once, a chosen neuron outlined."""

import re

import numpy as np
import pytest

pytest.importorskip("ipywidgets")

from flux_widgets import Form_Network, Forward_Pass  # noqa: E402
from flux_widgets.widgets.tables import MatrixTables, matrix_html  # noqa: E402


@pytest.fixture
def tables(parity_data):
    network = Form_Network([8, 4, 1], *parity_data, "leaky_relu", "sigmoid", seed=0)
    Forward_Pass(network)
    return MatrixTables(network)


def cells(html, matrix):
    """Every shown cell of ``matrix`` in the tables' HTML: ``{(row, column): (text, marks)}``,
    counted within the window, ``marks`` the classes of the cell's own mark (if any)."""
    part = html.split(f"data-matrix='{matrix}'")[1]
    values = re.search(r"<pre(?: class='[^']*')?>(<span class='flux-index'>.*?)</pre>",
                       part, re.S).group(1)
    found = {}
    for r, line in enumerate(values.split("\n")[1:]):
        tokens = re.findall(r"<span class='([^']*)'>([^<]*)</span>|([^\s<]+)", line)
        for c, (marks, marked, plain) in enumerate(tokens):
            found[(r, c)] = (marked or plain, set(marks.split()))
    return found


def focused_cells(html, matrix):
    """``(row, column)`` of the outlined cells of ``matrix`` in the tables' HTML."""
    return sorted(where for where, (_, marks) in cells(html, matrix).items()
                  if "flux-focus" in marks)


def test_the_style_sheet_is_sent_once_not_with_every_redraw(tables):
    assert "<style>" in tables.widget.children[0].value
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


def visible(text):
    return re.sub(r"<[^>]+>", "", text)


def test_cells_stand_in_aligned_columns_and_show_the_matrix(tables):
    matrix = tables.network.neural_layers[0].weight_and_input_matrix  # 16 x 8, signs mixed
    html = tables.html.value
    shown = cells(html, "weight_and_input_matrix")
    assert len(shown) == 16 * 8
    assert all(text == f"{matrix[r, c]:.4f}" for (r, c), (text, _) in shown.items())
    part = html.split("data-matrix='weight_and_input_matrix'")[1].split("</div></div>")[0]
    index, values = re.findall(r"<pre[^>]*>(.*?)</pre>", part, re.S)
    lines = visible(values).split("\n")
    assert len({len(line) for line in lines}) == 1  # every line as wide: columns align
    # beside each row; not a newline first (a browser drops a newline right after <pre>)
    assert visible(index).split("\n") == [" "] + [str(r) for r in range(16)]
    assert lines[0].split() == [str(c) for c in range(8)]


def test_a_few_changed_cells_are_marked_one_by_one_and_a_wholly_changed_window_at_once():
    matrix = np.zeros((4, 3))
    some = np.zeros((4, 3), bool)
    some[1, 2] = some[3, 0] = True
    text = matrix_html("m", matrix, changed=some)
    assert text.count("flux-changed") == 2 and "flux-all-changed" not in text
    text = matrix_html("m", matrix, changed=np.ones((4, 3), bool))
    assert "flux-all-changed" in text and "'flux-changed'" not in text
    window = np.zeros((40, 3), bool)
    window[:16] = True  # every cell of the shown window (rows 0-15) changed, not the rest
    assert "flux-all-changed" in matrix_html("m", np.zeros((40, 3)), changed=window)
    assert "flux-all-changed" not in matrix_html("m", np.zeros((40, 3)), changed=window,
                                                 row_start=10)


def test_the_tables_show_on_their_own_in_a_notebook(tables):
    bundle = tables._repr_mimebundle_()
    view = bundle["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == tables.widget.model_id

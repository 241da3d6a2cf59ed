"""The panel's input checks and matrix tables (plain Python, no browser)."""

import numpy as np
import pytest

pytest.importorskip("ipywidgets")

from flux_widgets import ConfigurationError, Form_Network, Forward_Pass  # noqa: E402
from flux_widgets.widgets.controls import (Controls, parse_iterations,  # noqa: E402
                                           parse_layer_sizes, parse_learning_rate, parse_seed)
from flux_widgets.widgets.tables import MatrixTables, matrix_html  # noqa: E402


@pytest.mark.parametrize("text, sizes", [("8,4,1", [8, 4, 1]), (" 8 , 4 ,1 ", [8, 4, 1]),
                                         ("1", [1]), ("16.0, 1", [16, 1])])
def test_layer_sizes(text, sizes):
    assert parse_layer_sizes(text) == sizes


@pytest.mark.parametrize("text, message", [
    ("0", "between 1 and"), ("-3", "between 1 and"), ("8,,4", "empty place between commas"),
    ("1e9", "between 1 and 4,096"), ("abc", "whole number, not 'abc'"), ("", "empty"),
    ("8.5", "whole number"), ("nan", "whole number"), ("8,4,", "empty place"),
])
def test_bad_layer_sizes_get_a_learner_message(text, message):
    with pytest.raises(ConfigurationError, match=message):
        parse_layer_sizes(text)


@pytest.mark.parametrize("text", ["0", "-3", "abc", "", "nan", "inf", "1e999"])
def test_bad_learning_rates(text):
    with pytest.raises(ConfigurationError, match="learning rate"):
        parse_learning_rate(text)


def test_good_values():
    assert parse_learning_rate(" 0.5 ") == 0.5 and parse_learning_rate("1e-3") == 0.001
    assert parse_seed("7") == 7 and parse_iterations("500") == 500
    for bad in ("-1", "2.5", "abc", ""):
        with pytest.raises(ConfigurationError):
            parse_seed(bad)
    for bad in ("0", "1e9", "x"):
        with pytest.raises(ConfigurationError, match="iterations"):
            parse_iterations(bad)


def test_controls_values_and_per_layer_activations():
    controls = Controls()
    values = controls.values()
    assert values["layers"] == [8, 4, 1] and values["dataset"] == "parity4"
    controls.per_layer.value = "tanh, relu"
    assert [a.name for a in controls.values()["hidden"]] == ["TANH", "RELU"]
    controls.per_layer.value = "tanh, softmax"
    with pytest.raises(ConfigurationError, match="softmax"):
        controls.values()


def test_matrix_html_window_and_marks():
    matrix = np.arange(40 * 30, dtype=float).reshape(40, 30)
    changed = np.zeros_like(matrix, dtype=bool)
    changed[20, 12] = True
    text = matrix_html("input_matrix", matrix, written=True, changed=changed, row_start=15,
                       column_start=10, max_rows=8, max_columns=5)
    assert "input_matrix (40 x 30) — rows 15–22, columns 10–14" in text
    assert "flux-written" in text and text.count("flux-changed") == 1
    assert f">{matrix[20, 12]:.4f}<" in text and ">0.0000<" not in text
    assert "nan" in matrix_html("m", np.array([[np.nan, np.inf]]))


def test_tables_mark_changed_cells_and_switch_layers(parity_data):
    network = Form_Network([8, 4, 1], *parity_data, seed=0)
    tables = MatrixTables(network)
    assert "weights_matrix (4 x 8)" in tables.html.value
    Forward_Pass(network)
    tables.show([(1, "weight_and_input_matrix")])
    assert "flux-written" in tables.html.value and "flux-changed" in tables.html.value
    tables.select(0)
    assert tables.html.value.count("<h3>Layer") == 3


def test_dataset_choices_and_the_chosen_builtin_dataset():
    from flux_widgets.datasets import load_dataset

    controls = Controls()
    labels = {value: label for label, value in controls.dataset_choice.options}
    assert controls.dataset_choice.options[0][1] == "parity4" == controls.dataset_choice.value
    assert labels["circles"] == "Circles (2 features)"
    assert labels["spiral"] == "Spiral (2 features)"
    controls.dataset_choice.value = "circles"
    assert controls.values()["dataset"] == "circles"
    data = controls.dataset()
    assert data.inputs.shape == (200, 2)
    assert np.array_equal(data.inputs, load_dataset("circles").inputs)

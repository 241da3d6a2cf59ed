"""The panel's input checks and matrix tables (plain Python, no browser)."""

import numpy as np
import pytest

pytest.importorskip("ipywidgets")

from flux_widgets import (ActivationType, ConfigurationError, Form_Network,  # noqa: E402
                          Forward_Pass)
from flux_widgets.costs import CostType  # noqa: E402
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
    assert values == {"layers": [8, 4, 1], "hidden": ActivationType.LEAKY_RELU,
                      "output": ActivationType.SIGMOID, "learning_rate": 1.0,
                      "dataset": "parity4", "seed": 0, "init_scale": 1.0, "cost": CostType.MSE,
                      "batch_size": None, "shuffle_seed": 0}
    controls.per_layer.value = "tanh, relu"
    assert [a.name for a in controls.values()["hidden"]] == ["TANH", "RELU"]
    controls.per_layer.value = "tanh, softsign"
    with pytest.raises(ConfigurationError, match="unknown activation 'softsign'"):
        controls.values()


def test_the_cost_control_and_softmax_only_for_the_output():
    """Issue 17: a Cost dropdown; SOFTMAX is offered for the output layer only."""
    controls = Controls()
    hidden = [value for _, value in controls.hidden.options]
    output = [value for _, value in controls.output.options]
    assert hidden == ActivationType.hidden() and ActivationType.SOFTMAX not in hidden
    assert output == list(ActivationType) and ActivationType.SOFTMAX in output
    assert [value for _, value in controls.cost.options] == [CostType.MSE,
                                                             CostType.CROSS_ENTROPY]
    assert controls.cost.value is CostType.MSE and controls.cost.description == "Cost"
    assert any(controls.cost in getattr(row, "children", ()) for row in controls.box.children)
    controls.cost.value = CostType.CROSS_ENTROPY
    controls.output.value = ActivationType.SOFTMAX
    values = controls.values()
    assert values["cost"] is CostType.CROSS_ENTROPY and values["output"] is ActivationType.SOFTMAX
    controls.set_values(dict(values, cost="mse"))
    assert controls.values()["cost"] is CostType.MSE
    controls.set_values({key: value for key, value in values.items() if key != "cost"})
    assert controls.values()["cost"] is CostType.MSE  # settings without a cost: the seed's
    controls.set_values(values)
    assert controls.values() == values
    made = Controls(layers=[6, 3], hidden="tanh", output="softmax", dataset="iris",
                    cost="cross_entropy")
    assert made.values()["cost"] is CostType.CROSS_ENTROPY


@pytest.mark.parametrize("arguments, message", [
    ({"hidden": "softmax"}, "SOFTMAX is an output layer's activation; choose another hidden"),
    ({"hidden": "tanh, softmax"}, "SOFTMAX is an output layer's activation"),
    ({"hidden": "softsign"}, "unknown activation 'softsign'"),
    ({"output": "softsign"}, "unknown activation 'softsign'"),
    ({"cost": "hinge"}, "unknown cost 'hinge'; choose one of mse, cross_entropy"),
])
def test_controls_refuse_what_no_layer_or_cost_can_be(arguments, message):
    with pytest.raises(ConfigurationError, match=message):
        Controls(**arguments)


def test_matrix_html_window_and_marks():
    matrix = np.arange(40 * 30, dtype=float).reshape(40, 30)
    changed = np.zeros_like(matrix, dtype=bool)
    changed[20, 12] = True
    text = matrix_html("input_matrix", matrix, written=True, changed=changed, row_start=15,
                       column_start=10, max_rows=8, max_columns=5)
    assert "input_matrix (40 x 30) — rows 15–22, columns 10–14" in text
    assert "flux-written" in text and text.count("flux-changed") == 1
    assert ">612.0<" in text and ">0<" not in text  # 4 significant figures; row 0 not shown
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
    for name in ("circles", "spiral"):  # the inputs as the diagram and the output map name them
        assert "200 points (x0, x1) in about [-1, 1]" in load_dataset(name).description


def test_the_dataset_dropdown_is_as_wide_as_its_longest_label():
    """A fixed width cut "4-bit parity (the seed's example)" short; max-content never does."""
    layout = Controls().dataset_choice.layout
    assert layout.width == "max-content" and layout.max_width is None


def test_a_very_large_learning_rate_is_accepted_with_a_warning_under_the_fields():
    controls = Controls(learning_rate=1e9)
    assert controls.values()["learning_rate"] == 1e9
    assert "⚠ a learning rate of 1e+09 is very large: the first update will most likely make " \
           "the cost diverge (inf or nan); Step back undoes it" in controls.note.value
    controls.learning_rate.value = "0.5"
    assert controls.note.value == ""
    controls.learning_rate.value = "50"
    assert "a learning rate of 50 is very large" in controls.note.value
    controls.learning_rate.value = "abc"  # refused when used, in the message, not here
    assert controls.note.value == "" and controls.message.value == ""
    with pytest.raises(ConfigurationError, match="learning rate"):
        controls.values()


def test_a_seed_typed_as_1e9_says_the_number_it_stands_for():
    controls = Controls()
    controls.seed.value = "1e9"
    assert controls.values()["seed"] == 10 ** 9
    assert "the seed 1e9 is read as 1,000,000,000" in controls.note.value
    controls.learning_rate.value = "1e3"  # both notes at once
    assert controls.note.value.count("⚠") == 2
    controls.seed.value, controls.learning_rate.value = "7", "1"
    assert controls.note.value == ""


def test_training_row_names_and_clear():
    from flux_widgets.widgets.panel import Panel

    panel = Panel()
    training = panel.training
    assert training.iterations.description == "Iterations"
    assert training.train_button.description == "Train"
    assert training.progress.description == "training progress"
    training.iterations.value = "5"
    panel.start_training()  # no event loop here: trains in one go
    assert (training.progress.value, training.progress.max) == (5, 5)
    training.clear()
    assert (training.progress.value, training.progress.max) == (0, 1)
    panel.close()

"""Regression tests for the panel's defects found by the stateful fuzzer (issue 12, §4).

Each test names its defect; tests/test_fuzz_panel.py exercises the same through random
sequences of actions (the rule and invariant are named in each docstring).
"""

import math
import warnings

import numpy as np
import pytest

pytest.importorskip("ipycytoscape")

from ipywidgets.widgets.widget import _instances  # noqa: E402

from flux_widgets.errors import ConfigurationError, FluxError  # noqa: E402
from flux_widgets.widgets.panel import Panel  # noqa: E402


def click(button):
    """As the browser's click (the suite's fixture re-raises what a handler raises)."""
    button._handle_button_msg(None, {"event": "click"}, [])


def click_edge(panel, layer, row, column):
    panel.diagram.cytoscape._handle_interaction(
        None, {"widget": "edge", "event": "click",
               "data": {"data": {"id": f"L{layer}:{row}-{column}"}}}, [])


def test_1_a_clicked_edge_does_not_survive_a_new_network(refused):
    """Rules click_edge, paste/form/load then set_weight; invariant the_panel_shows_the_model."""
    panel = Panel()
    click_edge(panel, 2, 1, 1)
    assert panel.selected_edge == (2, 1, 1)
    panel.keep.pasted.value = "flux1:xor:3,1:tanh:sigmoid:lr=0.5:seed=1"
    click(panel.keep.use_button)
    assert panel.selected_edge is None and panel.info.value == ""
    assert panel.inspector.edge_tools.layout.display == "none"
    before = panel.network.state.copy()
    refused(lambda: panel.set_selected_weight(5.0), ConfigurationError, "click an edge")
    panel.weight_value.value = 5.0
    click(panel.set_weight_button)  # a stale button press says so, and writes nothing
    assert "click an edge" in panel.narration.value
    click(panel.check_button)
    assert np.array_equal(panel.network.state, before)
    panel.close()


@pytest.mark.parametrize("rate", [1 / 3, 0.123456789, 1e-7])
def test_2_the_learning_rate_is_kept_exactly(rate, tmp_path, monkeypatch):
    """Rules type_settings/type_learning_rate, step, save, load; invariant the_panel_shows_the_model."""
    monkeypatch.chdir(tmp_path)
    panel = Panel(learning_rate=rate)
    panel.step("iteration")
    assert panel.stepper.learning_rate == rate
    assert panel.keep.show_configuration().endswith(f"lr={rate!r}:seed=0")
    panel.keep.filename.value = "kept.npz"
    assert panel.keep.save()
    panel.controls.learning_rate.value = "2"
    assert panel.keep.load()
    assert panel.controls.learning_rate.value == repr(rate)
    panel.step("iteration")
    assert panel.stepper.learning_rate == rate
    panel.close()


def test_4_saving_a_panel_with_no_network_says_so(tmp_path, monkeypatch):
    """Rule save on a panel whose first form failed (make_panel broken=True)."""
    monkeypatch.chdir(tmp_path)
    panel = Panel(layers="abc")
    assert panel.keep.save() is None
    assert "no network yet" in panel.keep.message.value
    assert panel.keep.show_configuration() is None
    assert not list(tmp_path.iterdir())
    panel.close()


@pytest.mark.parametrize("arguments", [{"layers": "abc"}, {"hidden": "nope"},
                                       {"dataset": "nope"}, {"output": ["tanh"]}])
def test_5_a_panel_that_cannot_form_or_be_made_leaves_no_widget_open(arguments):
    """Fuzzer teardown: no widget stays open once every panel is closed."""
    before = len(_instances)
    try:
        Panel(**arguments).close()
    except FluxError:
        pass  # refused as it was made: it closed what it had made
    assert len(_instances) == before


def test_6_huge_activations_colour_the_neurons_without_overflow():
    """Invariant the_views_show_the_engine (valid CSS colours), no numpy warning."""
    panel = Panel(dataset="wine", layers="12, 3", hidden="linear", learning_rate=1e308,
                  seed=4294967295)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        panel.step("iteration")
        panel.run_pass("forward")
        looks = panel.diagram.looks
    fills = [look["background-color"] for look in looks.values() if "background-color" in look]
    assert all(len(fill) == 7 and fill.startswith("#") and "-" not in fill for fill in fills)
    panel.close()


def test_7_a_deep_network_is_refused_with_a_message():
    """Rule paste (a string of 1,977 layers) and type_settings (40 layers)."""
    panel = Panel()
    before = len(_instances)
    panel.keep.pasted.value = ("flux1:iris:" + ",".join(["8"] * 1976 + ["3"])
                               + ":relu:sigmoid:lr=1:seed=0")
    click(panel.keep.use_button)
    assert "⚠" in panel.keep.message.value and "layers" in panel.keep.message.value
    assert len(_instances) == before
    panel.close()


@pytest.mark.parametrize("output, overflows", [("sigmoid", False), ("linear", True)])
def test_9_an_overflowing_finite_difference_is_reported_not_warned(output, overflows):
    """Rule finite_difference_check after set_weight 1e308; warnings are errors in every rule.

    The undo leaves the weight at 1e300. Under a sigmoid output the cost stays finite (the
    output saturates), so the check is reported; under a linear output C(w ± ε) overflows,
    so the check is refused with a message."""
    panel = Panel(hidden="swish", output=output)
    panel.show_edge(1, 0, 0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        panel.set_selected_weight(1e300)
        panel.step("iteration")
        panel.undo()
        assert panel.network.neural_layers[0].weights_matrix[0, 0] == 1e300
        click_edge(panel, 1, 0, 0)
        click(panel.check_button)
    check = panel.info.value.split("</pre>")[-2]  # the check's box, after the derivation's
    if overflows:
        assert check == ("<pre>⚠ the finite difference of layer 1's weights_matrix[0, 0] "
                         "overflows: the weights are too large for float64 (a result passed "
                         "about 1.8e308); step back or lower the learning rate")
    else:
        assert "⚠" not in panel.info.value
        assert check.startswith("<pre>finite difference (C(w+ε) − C(w−ε)) / 2ε = ")
    panel.close()


def test_10_a_csv_network_shows_no_old_string_and_a_refused_string_changes_no_field():
    """Rules upload_csv, form, copy_and_paste, paste; invariants the_panel_shows_the_model."""
    import datetime
    panel = Panel()
    content = b"a,b,label\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n"
    panel.controls.dataset_choice.value = "csv"
    panel.controls.upload.value = ({"name": "mine.csv", "type": "text/csv",
                                    "size": len(content), "content": memoryview(content),
                                    "last_modified": datetime.datetime(2026, 1, 1)},)
    panel.controls.layers.value = "3, 1"
    click(panel.controls.form)
    assert panel.network.sample_size == 4
    assert panel.keep.shared.value == ""
    assert "not a bundled dataset" in panel.keep.message.value

    fields = {name: getattr(panel.controls, name).value
              for name in ("layers", "learning_rate", "seed", "per_layer")}
    state = panel.network.state.copy()
    panel.keep.pasted.value = "flux1:iris:6,1:tanh:sigmoid:lr=7:seed=3"  # 3 classes, 1 output
    click(panel.keep.use_button)
    assert "the last layer has 1 neuron" in panel.keep.message.value
    assert {name: getattr(panel.controls, name).value for name in fields} == fields
    assert np.array_equal(panel.network.state, state)
    panel.close()


def test_10_stepping_back_into_a_diverged_state_says_so():
    """Rules set_weight (1e300), step, step_back."""
    panel = Panel()
    for layer, row, column in [(1, 0, 0), (1, 1, 0), (2, 0, 0)]:
        panel.show_edge(layer, row, column)
        panel.set_selected_weight(1e300)
    panel.step("iteration")  # inf from layer 2 on
    panel.step("computation")
    panel.undo()
    assert not np.isfinite(panel.network.state).all()
    assert "still holds inf or nan" in panel.narration.value
    panel.close()


@pytest.mark.parametrize("call, message", [
    (lambda p: p.show_edge(1, 99, 0), "no neuron 99"),
    (lambda p: p.show_edge(0, 0, 0), "no layer 0"),
    (lambda p: p.show_edge(1, 0, True), "no neuron True"),
    (lambda p: p.show_neuron(99, 0), "no layer 99"),
    (lambda p: p.show_neuron(1, 10**6), "no neuron 1000000"),
])
def test_11_the_python_api_refuses_what_the_network_does_not_have(call, message, refused):
    """Rule misuse: refused with ConfigurationError, and the selection and info box unchanged."""
    panel = Panel()
    panel.show_edge(2, 1, 0)
    before = (panel.selected_edge, panel.info.value)
    refused(lambda: call(panel), ConfigurationError, message)
    assert (panel.selected_edge, panel.info.value) == before
    panel.close()


@pytest.mark.parametrize("action", ["step", "undo", "reset", "train", "toggle_presenting",
                                    "start_training", "check_selected_weight"])
def test_11_a_panel_with_no_network_says_so(action, refused):
    """Rule action_without_network."""
    panel = Panel(layers="abc")
    method = getattr(panel, action)
    refused(lambda: method("computation") if action == "step" else method(3)
            if action == "train" else method(), ConfigurationError, "no network yet")
    panel.close()


def test_11_a_huge_learning_rate_is_a_message():
    """Rule type_settings (rate 1e400, 10**400)."""
    panel = Panel(learning_rate=10**400)
    assert panel.network is None
    assert "learning rate" in panel.controls.message.value
    panel.close()


@pytest.mark.parametrize("hidden", [["tanh", "relu"], ("TANH", "relu"), "tanh, relu"])
def test_12_per_layer_activations_from_python(hidden):
    """What the Per layer field takes, Panel(hidden=...) takes."""
    panel = Panel(layers="6, 5, 1", hidden=hidden)
    assert [kind.name for kind in panel.network.hidden_activations] == ["TANH", "RELU"]
    assert panel.controls.per_layer.value == "tanh, relu"
    panel.close()


def test_numbers_of_a_refused_weight_stay_finite_in_the_narration():
    panel = Panel()
    panel.show_edge(1, 0, 0)
    for value in (math.nan, math.inf, 10**400):
        panel.set_selected_weight(value)
        assert "⚠" in panel.narration.value
    panel.close()


def test_7_a_deep_network_draws_a_bounded_number_of_edges():
    """The deepest network allowed draws fewer neurons a layer, and says so."""
    from flux_widgets.widgets.diagram import MAX_EDGES_DRAWN

    before = len(_instances)
    panel = Panel(layers=", ".join(["16"] * 31 + ["1"]))
    assert len(panel.diagram.edges) <= MAX_EDGES_DRAWN
    assert "Layers 1 to 31 have 16 neurons each" in panel.diagram.summary_note
    assert len(_instances) - before < 2000
    panel.close()


def test_a_derivation_whose_terms_cancel_still_matches_the_stored_gradient():
    """Fuzzer rule click_edge: after a backward pass every clicked edge shows ✓; terms
    that cancel leave a sum far below them, whose last bits depend on the order of addition."""
    from flux_widgets.derivation import GradientDerivation

    products = np.array([1.0, -1.0 + 2**-40, 3e-17])
    total = float(products.sum())
    derivation = GradientDerivation("t", "f", ("p",), products[:, None], products, total,
                                    total + 1e-20, "r")
    assert derivation.matches
    assert not GradientDerivation("t", "f", ("p",), products[:, None], products, total,
                                  total + 1e-9, "r").matches

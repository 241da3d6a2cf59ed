"""The panel for instructors: keyboard shortcuts, presentation mode, clicked neurons outlined."""

import datetime

import numpy as np
import pytest

pytest.importorskip("anywidget")

from flux_widgets.widgets import diagram as diagram_module  # noqa: E402
from flux_widgets.widgets.panel import (  # noqa: E402
    CHART_SIZE, KEYS, PRESENTATION_CHART, PRESENTATION_DIAGRAM, Panel)
from flux_widgets.widgets.charts import TYPE_SIZES  # noqa: E402


@pytest.fixture
def panel():
    return Panel()


def key(panel, name, **modifiers):
    """What the front end sends for a key pressed while the panel has focus (frontend.js
    sends no key with Ctrl, Alt or Meta, nor a held key's repeats; handle_key refuses
    them too, for a caller from Python)."""
    return panel.handle_key({"event": "keydown", "key": name, "repeat": False, **modifiers})


def test_the_keys_come_from_the_panels_front_end_in_the_panel(panel):
    from flux_widgets.widgets.closing import held_widgets

    assert panel._keys in held_widgets(panel)  # on the page, inside the panel
    assert set(panel._keys.shortcuts) == set(KEYS)  # the front end takes exactly these keys
    formed = panel.network.state.copy()
    panel._keys._handle_custom_msg({"event": "keydown", "key": "ArrowRight"}, [])
    assert panel.stepper.position == 1 and not np.array_equal(panel.network.state, formed)
    panel._keys._handle_custom_msg({"event": "something else"}, [])
    assert panel.stepper.position == 1


def test_arrow_keys_step_and_step_back(panel):
    formed = panel.network.state.copy()
    key(panel, "ArrowRight")
    assert panel.stepper.position == 1 and "weight_and_input_matrix" in panel.narration.value
    key(panel, "4")
    assert panel.granularity.value == "iteration"
    key(panel, "PageDown")
    assert panel.network.iteration == 1
    key(panel, "ArrowLeft")
    key(panel, "PageUp")
    assert np.array_equal(panel.network.state, formed) and panel.stepper.position == 0


def test_pass_iteration_reset_and_ignored_keys(panel):
    key(panel, "f")
    assert panel.stepper.next_computation.phase == "backward"
    key(panel, "b")
    assert panel.stepper.next_computation.phase == "update"
    key(panel, "i")  # the rest of the iteration
    assert panel.network.iteration == 1
    key(panel, "i")
    assert panel.network.iteration == 2
    key(panel, "r")
    assert panel.network.iteration == 0
    state = panel.network.state.copy()
    for name, modifiers in [("x", {}), ("ArrowRight", {"ctrlKey": True}),
                            ("ArrowRight", {"repeat": True})]:
        assert key(panel, name, **modifiers) is None
    assert np.array_equal(panel.network.state, state) and panel.stepper.position == 0


def test_every_key_names_a_method_of_the_panel():
    for method, _ in KEYS.values():
        assert callable(getattr(Panel, method))


def test_presentation_mode_hides_settings_and_enlarges_the_diagram_and_chart(panel):
    key(panel, "p")
    assert panel.present.value and "flux-presenting" in panel._dom_classes
    assert panel.setup.layout.display == "none"
    assert panel.training.row.layout.display == "none"
    assert panel.diagram.cytoscape.layout.width == PRESENTATION_DIAGRAM[0]
    assert panel.diagram.cytoscape.layout.height == PRESENTATION_DIAGRAM[1]
    chart = panel.cost_chart.figure.layout
    assert (chart.width, chart.height) == PRESENTATION_CHART[:2]  # sized from the screen
    figure = panel.cost_chart.figure
    assert (figure.fig_margin, figure.axes[1].label_offset) == TYPE_SIZES["large"]
    key(panel, "ArrowRight")  # stepping works while presenting
    assert panel.stepper.position == 1
    panel.diagram.fit()  # a fit keeps the presentation size
    assert panel.diagram.cytoscape.layout.height == PRESENTATION_DIAGRAM[1]
    panel.present.value = False
    assert "flux-presenting" not in panel._dom_classes
    assert panel.setup.layout.display is None
    assert panel.diagram.cytoscape.layout.width == f"{diagram_module.WIDTH}px"
    assert panel.diagram.cytoscape.layout.height == f"{diagram_module.HEIGHT}px"
    assert (chart.width, chart.height) == CHART_SIZE[:2]
    assert (figure.fig_margin, figure.axes[1].label_offset) == TYPE_SIZES["ordinary"]


def test_presentation_mode_survives_forming_a_new_network(panel):
    panel.present.value = True
    old = panel._keys
    assert panel.form_network()
    assert panel.setup.layout.display == "none"
    assert panel.diagram.cytoscape.layout.width == PRESENTATION_DIAGRAM[0]
    assert panel._keys is old and panel._keys in panel.children  # the keys stay


def test_a_clicked_neuron_is_outlined_in_the_diagram_and_the_tables(panel):
    panel.show_neuron(2, 3)
    assert panel.diagram.selected == "L2N3"
    assert panel.tables.layer.value == 2 and "flux-focus" in panel.tables.html.value
    assert "column 3 of layer 2" in panel.info.value
    panel.show_edge(1, 0, 3)
    assert panel.diagram.selected == "L1:0-3"


def test_a_learners_csv_forms_a_network_and_a_bad_one_keeps_the_old(panel):
    from flux_widgets.widgets.controls import CSV_CHOICE

    def upload(text, name="points.csv"):
        content = text.encode()
        panel.controls.upload.value = ({"name": name, "type": "text/csv", "size": len(content),
                                        "content": memoryview(content),
                                        "last_modified": datetime.datetime(2026, 1, 1)},)

    panel.controls.dataset_choice.value = CSV_CHOICE
    panel.controls.layers.value = "3, 1"
    upload("a,b,label\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
    assert panel.form_network()
    assert panel.network.layers_vector == [2, 3, 1] and panel.network.sample_size == 4
    formed = panel.network
    upload("a,b,label\n0,0,0\n0,x,1\n")
    assert not panel.form_network()
    assert "line 3" in panel.controls.message.value and panel.network is formed


def test_save_step_on_and_load_back_the_exact_session(panel, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    panel.granularity.value = "computation"
    for _ in range(7):
        panel.step_button.click()
    saved_state, position = panel.network.state.copy(), panel.stepper.position
    panel.keep.save_button.click()
    assert (tmp_path / "flux_session.npz").exists() and "Saved" in panel.keep.message.value
    for _ in range(40):
        panel.step_button.click()
    panel.keep.load_button.click()
    assert np.array_equal(panel.network.state, saved_state)
    assert panel.stepper.position == position and "Loaded" in panel.narration.value
    assert panel.diagram.network is panel.network and panel.tables.network is panel.network
    (tmp_path / "flux_session.npz").write_bytes(b"PK\x03\x04 not a session")
    loaded = panel.network
    panel.keep.load_button.click()
    assert "⚠" in panel.keep.message.value and panel.network is loaded


def test_a_shared_string_forms_the_same_network_and_a_bad_one_changes_nothing(panel):
    other = Panel(layers="3, 1", dataset="xor", hidden="tanh", learning_rate=0.5, seed=7)
    text = other.keep.shared.value
    assert text.startswith("flux1:xor:3,1:tanh:")
    panel.keep.use(text)
    assert panel.network.layers_vector == [2, 3, 1]
    assert np.array_equal(panel.network.state, other.network.state)
    assert panel.stepper.learning_rate == 0.5 and panel.keep.shared.value == text
    formed = panel.network
    for bad in ("flux1:xor:3,,1:tanh:sigmoid:lr=1:seed=0", "abc", ""):
        panel.keep.use(bad)
        assert "⚠" in panel.keep.message.value and panel.network is formed


def test_a_two_feature_dataset_shows_the_output_over_the_input_plane():
    panel = Panel(dataset="circles", layers="8, 1", hidden="tanh")
    assert panel.output_map is not None
    assert panel.output_map.map.figure in panel.output_map.widget.children
    from flux_widgets.widgets.closing import held_widgets

    assert panel.output_map.widget in held_widgets(panel.stage)  # beside the diagram
    before = panel.output_map.map.values.copy()
    panel.granularity.value = "phase"
    panel.step_button.click()  # forward pass: the parameters are unchanged, so is the map
    assert np.array_equal(panel.output_map.map.values, before)
    panel.step_button.click()
    panel.step_button.click()  # the update: new weights, new map
    assert not np.array_equal(panel.output_map.map.values, before)
    panel.undo_button.click()
    assert np.array_equal(panel.output_map.map.values, before)
    parity = Panel()  # parity has 4 inputs: no plane to draw
    assert parity.output_map.map is None and parity.output_map.widget.layout.display == "none"

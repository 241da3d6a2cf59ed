"""The panel's hints and broken networks: ``Panel.load_preset``, the *Broken network*
dropdown, the Hints line (one question at a time, Show answer, the switch) and the
diagram's badges for dead and saturated neurons (a shape and a border, in words too).

Clicks go through ipywidgets' dispatcher, which ``conftest.py`` makes re-raise: an
exception inside a widget callback fails the test."""

import asyncio
import html

import numpy as np
import pytest

pytest.importorskip("anywidget")

from flux_widgets import Form_Network  # noqa: E402
from flux_widgets.datasets import load_dataset  # noqa: E402
from flux_widgets.errors import ConfigurationError  # noqa: E402
from flux_widgets.presets import PRESETS, preset  # noqa: E402
from flux_widgets.symptoms import diagnose, neuron_states  # noqa: E402
from flux_widgets.widgets.diagram import BADGES  # noqa: E402
from flux_widgets.widgets.panel import Panel  # noqa: E402


def click(button):
    """A click as the browser sends it."""
    button._handle_button_msg(None, {"event": "click"}, [])


def shown(text):
    """``text`` as the HTML widgets hold it."""
    return html.escape(text, quote=False)


@pytest.fixture
def panel():
    return Panel()


def preset_network(name):
    settings = preset(name).settings
    data = load_dataset(settings["dataset"])
    return Form_Network(settings["layers"], data.inputs, data.targets, settings["hidden"],
                        settings["output"], seed=settings["seed"],
                        init_scale=settings["init_scale"])


def answered_preset(panel, name):
    panel.load_preset(name)
    click(panel.hints.show_button)
    assert panel.hints.revealed
    return panel


def step_until(panel, kind, limit=200):
    """Press Step (one computation) until the Hints line poses a question of ``kind``,
    answering every other question on the way; returns the symptom."""
    for _ in range(limit):
        current = panel.hints.current
        if current is not None and current.kind == kind and not panel.hints.revealed:
            return current
        if current is not None and not panel.hints.revealed:
            click(panel.hints.show_button)
        click(panel.step_button)
    pytest.fail(f"no {kind} question within {limit} steps")


def node_classes(panel):
    """``{(column, neuron): set of classes}`` of the diagram's neurons."""
    out = {}
    for element, classes in zip(panel.diagram.elements, panel.diagram.classes):
        if element["group"] == "nodes" and not element["data"]["id"].endswith("more"):
            column, neuron = element["data"]["id"][1:].split("N")
            out[(int(column), int(neuron))] = set(classes.split())
    return out


def check_badges_follow_neuron_states(panel):
    states = neuron_states(panel.stepper)
    assert panel.diagram.badges == states
    for place, classes in node_classes(panel).items():
        for badge in BADGES:
            assert (badge in classes) == (states.get(place) == badge), (place, classes)
    return states


# ---- load_preset ----------------------------------------------------------------


@pytest.mark.parametrize("name", list(PRESETS))
def test_load_preset_forms_the_network_shows_its_settings_and_asks_its_question(panel, name):
    chosen = preset(name)
    panel.load_preset(name)
    settings = chosen.settings
    # a preset's string has no batch=… or shuffle=…: all samples, shuffle seed 0 (issue 17 §2)
    assert (settings["batch_size"], settings["shuffle_seed"]) == (None, 0)
    assert panel.settings == settings and panel.controls.values() == settings
    assert (panel.stepper.batch_size, panel.stepper.shuffle_seed) == (None, 0)
    assert float(panel.controls.init_scale.value) == settings["init_scale"]
    assert np.array_equal(panel.network.state, preset_network(name).state)
    assert panel.stepper.learning_rate == settings["learning_rate"]
    assert panel.keep.shared.value == chosen.configuration  # the shared string
    assert chosen.label in html.unescape(panel.narration.value)
    hints = panel.hints
    assert hints.current.kind == "preset" and hints.current.question == chosen.question
    assert hints.widget.layout.display != "none" and not hints.revealed
    assert shown(chosen.question) in hints.question.value and hints.answer.value == ""
    assert not hints.show_button.disabled
    assert panel.broken.value == ""


def test_the_saturated_presets_weight_scale_shows_and_reset_keeps_it(panel):
    panel.load_preset("saturated_sigmoid")
    assert panel.controls.init_scale.value.strip() == "20"
    formed = preset_network("saturated_sigmoid").state.copy()
    panel.train(5)
    assert not np.array_equal(panel.network.state, formed)
    click(panel.reset_button)
    assert np.array_equal(panel.network.state, formed)  # the scaled weights, not scale 1
    assert panel.controls.init_scale.value.strip() == "20"
    data = load_dataset("parity4")
    usual = Form_Network([8, 4, 1], data.inputs, data.targets, "sigmoid", "sigmoid", seed=0,
                         init_scale=1.0)
    weights = panel.network.neural_layers[0].weights_matrix
    assert np.allclose(weights, 20 * usual.neural_layers[0].weights_matrix, rtol=1e-12)
    assert panel.form_network()  # from the fields: the same scale again
    assert np.array_equal(panel.network.state, formed)


def test_show_answer_reveals_the_explanation_and_disables_the_button(panel):
    panel.load_preset("dead_relu")
    click(panel.hints.show_button)
    hints = panel.hints
    assert hints.revealed and hints.show_button.disabled
    assert shown(preset("dead_relu").explanation) in hints.answer.value
    assert hints.widget.layout.display != "none"
    assert ("preset", "dead_relu") in hints.answered


def test_the_preset_question_stays_through_steps_until_answered(panel):
    panel.load_preset("dead_relu")
    for _ in range(3):
        click(panel.iteration_button)
        assert diagnose(panel.stepper) or panel.network.iteration == 1
        assert panel.hints.current.kind == "preset" and not panel.hints.revealed
    assert panel.network.iteration == 3 and diagnose(panel.stepper)  # symptoms waited
    click(panel.hints.show_button)
    click(panel.step_button)
    assert panel.hints.current.kind != "preset" and not panel.hints.revealed


# ---- the symptoms' questions and the badges ------------------------------------------


def test_stepping_the_dead_preset_poses_the_dead_question_and_marks_the_dead_neurons(panel):
    answered_preset(panel, "dead_relu")
    symptom = step_until(panel, "dead")
    assert symptom.key[:2] == ("dead", 2) and symptom.key[2] == (0, 1)  # the whole layer 2
    assert symptom in diagnose(panel.stepper)
    assert shown(symptom.question) in panel.hints.question.value
    states = check_badges_follow_neuron_states(panel)
    assert states[(2, 0)] == states[(2, 1)] == "dead"
    # on to the end of the backward pass: layer 1's dead neurons are marked too
    while panel.stepper.next_computation.phase != "update":
        click(panel.step_button)
    states = check_badges_follow_neuron_states(panel)
    layer_1 = panel.network.neural_layers[0]
    assert {n for (c, n), s in states.items() if c == 1 and s == "dead"} == set(
        np.flatnonzero((layer_1.weight_input_bias_matrix <= 0).all(axis=0)).tolist())


def test_badges_are_said_in_words_in_the_legend_and_text_alternative(panel):
    answered_preset(panel, "dead_relu")
    assert "octagon" not in panel.diagram.legend.value
    step_until(panel, "dead")
    shape = BADGES["dead"][1]
    assert shape == "an octagon with a dotted border"
    assert f"drawn as {shape} is dead" in html.unescape(panel.diagram.legend.value)
    words = panel.diagram.text_alternative
    assert "Dead neurons" in words and shape in words and "h2,0, h2,1" in words
    assert "hexagon" not in words
    click(panel.reset_button)  # nothing computed: no badge, no words
    assert panel.diagram.badges == {} and "octagon" not in panel.diagram.text_alternative
    assert "octagon" not in panel.diagram.legend.value


def test_the_saturated_presets_output_is_marked_saturated(panel):
    answered_preset(panel, "saturated_sigmoid")
    click(panel.forward_button)
    click(panel.backward_button)
    assert panel.stepper.next_computation.phase == "update"
    states = check_badges_follow_neuron_states(panel)
    assert states[(3, 0)] == "saturated" and "saturated" in node_classes(panel)[(3, 0)]
    shape = BADGES["saturated"][1]
    assert shape in panel.diagram.text_alternative and "y0" in panel.diagram.text_alternative
    assert f"drawn as {shape} is saturated" in html.unescape(panel.diagram.legend.value)
    question = panel.hints.current
    fresh = [s for s in diagnose(panel.stepper) if s.key not in panel.hints.answered]
    assert question == fresh[0] and not panel.hints.revealed
    assert question.kind == "saturated" and question.key[:2] == ("saturated", 3)  # the output


@pytest.mark.parametrize("name", ["dead_relu", "saturated_sigmoid"])
def test_every_class_the_diagram_uses_has_a_stylesheet_rule(panel, name):
    answered_preset(panel, name)
    panel.train(2)
    click(panel.forward_button)
    click(panel.backward_button)
    assert set(panel.diagram.badges.values()) == {name.split("_")[0]}  # a badge is used
    selectors = {rule["selector"] for rule in panel.diagram.cytoscape.cytoscape_style}
    for element, classes in zip(panel.diagram.elements, panel.diagram.classes):
        kind = "node" if element["group"] == "nodes" else "edge"
        for name_ in classes.split():
            assert f".{name_}" in selectors or f"{kind}.{name_}" in selectors, (kind, name_)


def test_badges_are_a_shape_and_a_border_not_only_a_colour():
    assert set(BADGES) == {"dead", "saturated"}
    shapes = set()
    for badge, (style, shape, meaning) in BADGES.items():
        assert style.get("shape") and style.get("border-style"), badge
        assert style["border-style"] != "solid" and style["shape"] != "ellipse"
        assert style["shape"] in shape and meaning
        shapes.add((style["shape"], style["border-style"]))
    assert len(shapes) == len(BADGES)  # told apart without colour


# ---- the switch, one question, re-evaluation -------------------------------------


def test_hints_off_hides_and_stops_posing_on_again_poses(panel):
    answered_preset(panel, "dead_relu")
    panel.set_hints(False)
    hints = panel.hints
    assert hints.widget.layout.display == "none" and hints.question.value == ""
    for _ in range(len(panel.stepper.computations) + 20):  # into iteration 2's backward pass
        click(panel.step_button)
        assert hints.widget.layout.display == "none" and hints.question.value == ""
    assert hints.show_answer() is None
    assert any(s.kind == "dead" for s in diagnose(panel.stepper))
    hints.switch.value = True  # the toggle, as the browser sets it
    assert hints.widget.layout.display != "none" and not hints.revealed
    fresh = [s for s in diagnose(panel.stepper) if s.key not in hints.answered]
    assert hints.current == fresh[0]
    assert shown(fresh[0].question) in hints.question.value


def test_at_most_one_question_at_any_time(panel):
    answered_preset(panel, "dead_relu")
    for _ in range(2 * len(panel.stepper.computations)):
        click(panel.step_button)
        assert panel.hints.question.value.count("Think:") <= 1
        assert panel.hints.answer.value.count("Answer:") <= 1
        if panel.hints.current is not None and not panel.hints.revealed:
            assert len(diagnose(panel.stepper)) >= 1
    assert len([s for s in diagnose(panel.stepper) if s.key not in panel.hints.answered]) > 1


def test_predict_mode_and_hints_never_show_two_questions(panel):
    panel.load_preset("dead_relu")
    panel.set_predicting(True)
    panel.step("computation")
    predict_shows = panel.predicting.question is not None and \
        panel.predicting.asking.layout.display != "none"
    hints_shows = panel.hints.widget.layout.display != "none"
    assert not (predict_shows and hints_shows)


def test_step_back_to_before_the_symptom_withdraws_its_unanswered_question(panel):
    answered_preset(panel, "dead_relu")
    symptom = step_until(panel, "dead")
    backs = 0
    while any(s.key == symptom.key for s in diagnose(panel.stepper)):
        click(panel.undo_button)
        backs += 1
    assert backs >= 1
    current = panel.hints.current
    assert current is None or (current.key != symptom.key
                               and current in diagnose(panel.stepper))
    click(panel.step_button)  # forward again: asked again, unanswered
    assert panel.hints.current == symptom and not panel.hints.revealed


def test_reset_re_evaluates(panel):
    answered_preset(panel, "dead_relu")
    step_until(panel, "dead")
    click(panel.reset_button)
    assert diagnose(panel.stepper) == []
    assert panel.hints.current is None and panel.hints.widget.layout.display == "none"
    click(panel.undo_button)  # Step back undoes the reset: the question comes back
    assert panel.hints.current is not None and panel.hints.current.kind == "dead"


def test_an_answered_question_is_not_asked_again(panel):
    answered_preset(panel, "dead_relu")
    symptom = step_until(panel, "dead")
    click(panel.hints.show_button)
    assert shown(symptom.answer) in panel.hints.answer.value
    for _ in range(2 * len(panel.stepper.computations)):  # the layer stays dead
        click(panel.step_button)
        assert symptom.key in [s.key for s in diagnose(panel.stepper)]
        current = panel.hints.current
        assert current is not None
        assert current.key != symptom.key or panel.hints.revealed  # never asked again


def test_forming_a_new_network_clears_what_was_answered(panel):
    answered_preset(panel, "dead_relu")
    step_until(panel, "dead")
    click(panel.hints.show_button)
    assert len(panel.hints.answered) >= 2
    click(panel.controls.form)
    assert panel.hints.answered == set() and panel.hints.current is None
    assert panel.hints.widget.layout.display == "none"
    panel.load_preset("dead_relu")  # its question is asked again
    assert panel.hints.current.kind == "preset" and not panel.hints.revealed


def test_stepping_the_dead_preset_by_whole_iterations_reaches_the_dead_question(panel):
    answered_preset(panel, "dead_relu")
    kinds = []
    for _ in range(10):
        click(panel.iteration_button)
        if panel.hints.current is not None and not panel.hints.revealed:
            kinds.append(panel.hints.current.kind)
            click(panel.hints.show_button)
    assert "dead" in kinds, kinds


# ---- the dropdown and refusals ---------------------------------------------------


@pytest.mark.parametrize("name", list(PRESETS))
def test_choosing_from_the_dropdown_loads_the_preset_and_resets_it(panel, name):
    assert panel.broken.value == "" and name in [value for _, value in panel.broken.options]
    panel.broken.value = name  # as the browser sets it
    assert panel.keep.shared.value == preset(name).configuration
    assert panel.hints.current.question == preset(name).question
    assert panel.broken.value == ""
    panel.broken.value = name  # the same one again: formed again, as new
    assert panel.hints.current.kind == "preset" and panel.network.iteration == 0


def test_an_unknown_preset_from_python_is_refused(panel, refused):
    state = panel.network.state.copy()
    error = refused(lambda: panel.load_preset("nope"), ConfigurationError, "nope")
    assert all(name in str(error) for name in PRESETS)
    assert np.array_equal(panel.network.state, state) and panel.broken.value == ""


def training_panel(scenario):
    """Run ``scenario(panel)`` while ``panel`` trains in chunks (a real event loop)."""
    async def run():
        panel = Panel()
        panel.iterations.value = "100000"
        task = panel.start_training()
        await asyncio.sleep(0.05)
        assert panel.training.running and not task.done()
        try:
            scenario(panel)
        finally:
            panel.stop()
            await task
        return panel
    return asyncio.run(run())


def test_load_preset_while_training_is_refused_with_a_message(refused):
    def scenario(panel):
        layers = panel.network.layers_vector
        refused(lambda: panel.load_preset("dead_relu"), ConfigurationError,
                "stop the training first")
        panel.broken.value = "diverging"  # from the dropdown: a message, never a traceback
        assert panel.narration.value.startswith("⚠") and "stop the training" in \
            panel.narration.value
        assert panel.network.layers_vector == layers and panel.training.running
        assert panel.hints.current is None
    panel = training_panel(scenario)
    assert not panel.training.running
    panel.load_preset("diverging")  # once stopped, it loads
    assert panel.hints.current.kind == "preset"


def test_the_dropdown_is_ready_again_after_a_refused_choice():
    def scenario(panel):
        panel.broken.value = "diverging"
        assert panel.broken.value == ""
    training_panel(scenario)

"""The panel's mini-batches (issue 17 §2): a Batch size and a Shuffle seed field, stepping
and training by batch with the engine's very numbers, and every view following the samples
a batch holds (the tables' row numbers, the diagram's sample, the output map's marks, the
strip of what was just computed), undo included; kept in configuration strings and sessions."""

import html
import re

import numpy as np
import pytest

pytest.importorskip("ipycytoscape")

import flux_widgets as fw  # noqa: E402
from flux_widgets.network import Form_Network, Learn  # noqa: E402
from flux_widgets.session import parse_configuration_string  # noqa: E402
from flux_widgets.widgets.panel import Panel  # noqa: E402

pytestmark = pytest.mark.usefixtures("widget_callbacks_raise")


def text(widget):
    return re.sub(r"\s+", " ", re.sub("<[^>]+>", " ", html.unescape(widget.value)))


def circles_network():
    data = fw.load_dataset("circles")
    return Form_Network([6, 1], data.inputs, data.targets, "tanh", "sigmoid", seed=0)


@pytest.fixture
def panel():
    shown = Panel(dataset="circles", layers="6, 1", hidden="tanh", output="sigmoid",
                  learning_rate=0.5, batch_size=16, shuffle_seed=2)
    yield shown
    shown.close()


def row_numbers(panel, name):
    """The numbers at the left of matrix ``name``'s table (layer shown)."""
    block = re.search(rf"data-matrix='{name}'>.*?<pre class='flux-index'>(.*?)</pre>",
                      panel.tables.html.value, re.S).group(1)
    return [int(n) for n in block.split()]


def test_the_fields_start_from_the_arguments_and_are_labelled(panel):
    controls = panel.controls
    assert (controls.batch_size.value, controls.shuffle_seed.value) == ("16", "2")
    assert (controls.batch_size.description, controls.shuffle_seed.description) == (
        "Batch size", "Shuffle seed")
    assert controls.values()["batch_size"] == 16 and controls.values()["shuffle_seed"] == 2
    assert (panel.stepper.batch_size, panel.stepper.shuffle_seed) == (16, 2)
    assert panel.keep.shared.value.endswith(":batch=16:shuffle=2")
    assert Panel().controls.batch_size.value == "all"   # the seed's full batch by default


def test_stepping_by_batch_is_the_engines_and_every_view_follows_the_batch(panel):
    twin = circles_network()
    panel.step("computation")                     # takes mini-batch 0 of epoch 0
    batch = panel.network.batch
    assert (batch.epoch, batch.number, len(batch.rows)) == (0, 0, 16)
    narration = text(panel.narration)
    assert "mini-batch 0 of epoch 0, 16 samples" in narration
    assert f"the rows of samples {batch.rows[0]}, {batch.rows[1]}" in narration
    # the tables: the batch's rows, numbered by their samples; the rest not computed yet
    assert row_numbers(panel, "input_matrix") == list(batch.rows)
    assert "rows: mini-batch 0 of epoch 0, 16 of the 200 samples" in text(panel.tables.html)
    assert not panel.stepper.computed(1, "weight_and_input_matrix")   # iteration 0 anyway
    # the diagram's sample is a row of the batch, named by its sample
    diagram = panel.diagram
    assert (diagram.sample_shown.max, diagram.sample_shown.description) == (15, "batch row")
    assert diagram.sample_words() == f"sample {batch.rows[0]} (row 0 of the mini-batch)"
    assert f"sample {batch.rows[0]} (row 0 of the mini-batch)" in diagram.text_alternative
    # the output map marks the batch's samples
    assert panel.output_map.map.marked == [int(r) for r in batch.rows]
    assert "mini-batch outlined" in panel.output_map.map.figure.title
    # the strip: x and t as taken
    strip = text(panel.just_computed.strip)
    assert "input_matrix (16x2) and the targets (16x1) just taken" in strip
    panel.step("iteration")
    Learn(twin, 0.5, 1, batch_size=16, shuffle_seed=2)
    assert np.array_equal(panel.network.state, twin.state)
    assert row_numbers(panel, "dC_da_matrix") == list(batch.rows)
    for _ in range(14):                           # past the end of epoch 0 (13 batches)
        panel.step("iteration")
    Learn(twin, 0.5, 14, batch_size=16, shuffle_seed=2)
    assert np.array_equal(panel.network.state, twin.state)
    assert panel.network.batch.epoch == 1 and panel.network.batch.number == 1


def test_the_last_smaller_batch_of_an_epoch_shows_its_rows(panel):
    for _ in range(12):
        panel.step("iteration")
    panel.step("computation")                     # mini-batch 12: 200 − 12·16 = 8 samples
    assert len(panel.network.batch.rows) == 8
    assert panel.diagram.sample_shown.max == 7
    assert len(row_numbers(panel, "input_matrix")) == 8
    assert panel.tables.row_start.max == 7
    panel.step("computation")
    assert "[8x2 · 2x6 → 8x6]" in panel.narration.value
    panel.undo()
    panel.undo()                                  # back before the batch was taken
    assert len(panel.network.batch.rows) == 16 and panel.diagram.sample_shown.max == 15


def test_undo_and_reset_bring_the_rows_back(panel):
    formed = panel.network.state.copy()
    panel.step("layer")
    assert panel.network.batch is not None
    panel.undo()
    assert panel.network.batch is None and np.array_equal(panel.network.state, formed)
    assert panel.output_map.map.marked is None
    assert panel.diagram.sample_shown.description == "sample"
    assert panel.diagram.sample_shown.max == 199
    panel.step("iteration")
    panel.reset()
    assert panel.network.batch is None and panel.stepper.position == 0
    panel.undo()                                  # a reset is undone too
    assert panel.network.batch is not None


def test_a_batch_size_typed_mid_iteration_acts_at_the_next_iteration(panel):
    twin = circles_network()
    panel.step("layer")
    panel.controls.batch_size.value = "all"
    panel.step("iteration")                       # finishes the batch's iteration
    Learn(twin, 0.5, 1, batch_size=16, shuffle_seed=2)
    assert np.array_equal(panel.network.state, twin.state)
    assert panel.keep.shared.value.endswith(":seed=0:shuffle=2")   # the string follows
    panel.step("computation")                     # all samples taken again
    assert "all 200 samples again" in panel.narration.value
    assert panel.network.batch is None and panel.output_map.map.marked is None
    panel.step("iteration")
    Learn(twin, 0.5, 1)
    assert np.array_equal(panel.network.state, twin.state)


def test_training_by_batch_is_learns_and_says_the_epochs_cost(panel):
    twin = circles_network()
    panel.train(30)
    result = Learn(twin, 0.5, 30, batch_size=16, shuffle_seed=2)
    assert np.array_equal(panel.network.state, twin.state)
    assert panel.stepper.mse_values == list(result[0])
    narration = text(panel.narration)
    assert "mini-batch 3 of epoch 2" in narration         # 30 = 13 + 13 + 4
    assert f"epoch 1's cost (the mean of its batches' costs, weighted by their sizes) " \
           f"{result.epoch_costs[-1]:.6g}" in narration
    panel.undo()                                  # one step back undoes the training
    assert panel.network.iteration == 0 and panel.network.batch is None


@pytest.mark.parametrize("typed, message", [
    ("0", "the batch size must be at least 1"), ("x", "the batch size must be a whole number"),
    ("201", "the batch size must be"), ("1.5", "the batch size must be a whole number")])
def test_a_bad_batch_size_is_a_message_and_changes_nothing(panel, typed, message):
    panel.step("computation")
    state, position = panel.network.state.copy(), panel.stepper.position
    panel.controls.batch_size.value = typed
    assert panel.step("computation") is None
    assert message in text(panel.controls.message)
    assert np.array_equal(panel.network.state, state) and panel.stepper.position == position
    assert panel.stepper.batch_size == 16
    panel.controls.learning_rate.value = "0.25"   # refused together: nothing is taken
    assert panel.train(3) is None and panel.stepper.learning_rate == 0.5
    panel.controls.form.click()                   # and a form with it is refused
    assert message in text(panel.controls.message)
    assert np.array_equal(panel.network.state, state)


def test_a_bad_shuffle_seed_is_a_message(panel):
    panel.controls.shuffle_seed.value = "-1"
    assert panel.step("computation") is None
    assert "the shuffle seed" in text(panel.controls.message)


def test_a_pasted_string_with_a_batch_forms_and_steps_by_batch():
    shown = Panel()
    try:
        assert shown.keep.use("flux1:iris:5,3:tanh:softmax:lr=0.5:seed=1:cost=cross_entropy:"
                              "batch=32:shuffle=4")
        assert (shown.stepper.batch_size, shown.stepper.shuffle_seed) == (32, 4)
        assert (shown.controls.batch_size.value, shown.controls.shuffle_seed.value) == ("32",
                                                                                        "4")
        shown.step("iteration")
        assert shown.network.batch.size == 32 and len(shown.network.batch.rows) == 32
        assert not shown.keep.use("flux1:xor:3,1:tanh:sigmoid:lr=0.5:seed=1:batch=5")
        assert "the batch size must be" in text(shown.keep.message)   # xor has 4 samples
        assert shown.stepper.batch_size == 32
    finally:
        shown.close()


def test_a_session_by_batch_is_saved_and_loaded_mid_iteration(panel, tmp_path):
    for _ in range(3):
        panel.step("iteration")
    panel.step("computation")
    panel.step("computation")
    panel.keep.filename.value = str(tmp_path / "batches.npz")
    panel.keep.save_button.click()
    assert "Saved to" in panel.keep.message.value
    state, batch = panel.network.state.copy(), panel.network.batch
    other = Panel()
    try:
        other.keep.filename.value = str(tmp_path / "batches.npz")
        other.keep.load_button.click()
        stepper = other.stepper
        assert np.array_equal(other.network.state, state)
        assert (stepper.position, stepper.batch_size, stepper.shuffle_seed,
                stepper.takes_samples) == (2, 16, 2, True)
        assert np.array_equal(other.network.batch.rows, batch.rows)
        assert other.controls.batch_size.value == "16"
        assert row_numbers(other, "input_matrix") == list(batch.rows)
        assert not stepper.computed(1, "activated_output_matrix")   # not this batch's yet
        for shown in (panel, other):
            shown.step("iteration")
            shown.step("iteration")
        assert np.array_equal(other.network.state, panel.network.state)
    finally:
        other.close()


def test_predict_mode_asks_nothing_about_a_step_that_takes_samples(panel):
    panel.set_predicting(True)
    step = panel.step("computation")              # takes the batch: nothing to predict
    assert step is not None and step.written == [(1, "input_matrix")]
    assert panel.step("computation") is None      # x·W of the batch: asked first
    assert panel.predicting.question is not None


def test_a_network_given_holding_a_batch_first_takes_all_samples():
    network = circles_network()
    Learn(network, 0.5, 2, batch_size=16)
    shown = Panel(network=network, learning_rate=0.5)
    try:
        assert shown.controls.batch_size.value == "all"
        assert shown.network.batch is not None and shown.output_map.map.marked is not None
        step = shown.step("computation")
        assert "all 200 samples again" in step.narration
        assert shown.network.batch is None
    finally:
        shown.close()


def test_the_configuration_string_keeps_what_the_stepper_uses(panel):
    panel.controls.batch_size.value = "32"
    panel.controls.shuffle_seed.value = "0"
    panel.step("computation")
    settings = parse_configuration_string(panel.keep.shared.value)
    assert (settings["batch_size"], settings["shuffle_seed"]) == (32, 0)


def test_a_question_about_a_step_that_will_take_a_batch_first_is_withdrawn():
    """Asked about x·W of all samples, the learner types a batch size: the step now takes a
    mini-batch first, so the question (about rows it will not hold) is withdrawn, unscored."""
    shown = Panel(dataset="xor", layers="3, 1", hidden="relu", learning_rate=0.5)
    try:
        shown.set_predicting(True)
        assert shown.step("computation") is None and shown.predicting.question is not None
        shown.controls.batch_size.value = "2"
        assert shown.answer("0.5") is None
        assert shown.predicting.question is None and shown.predicting.asked == 0
        assert "the question no longer applies" in shown.narration.value
        assert shown.network.iteration == 0 and shown.stepper.position == 0
        step = shown.step("computation")           # takes the batch, unasked
        assert step.written == [(1, "input_matrix")] and len(shown.network.batch.rows) == 2
        shown.undo()
        shown.controls.batch_size.value = "all"
        assert shown.step("computation") is None    # asked again, of all samples
        shown.controls.batch_size.value = "3"
        step = shown.step("computation")           # Step withdraws it and takes the batch
        assert step is not None and len(shown.network.batch.rows) == 3
        assert shown.predicting.question is None
    finally:
        shown.close()

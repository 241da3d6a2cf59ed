"""Divergence in the panel: training stops at the iteration that went non-finite, the
message names the first matrix and layer, and Step back returns to the last finite state."""

import asyncio
import re

import numpy as np
import pytest

pytest.importorskip("ipycytoscape")
pytest.importorskip("anywidget")

from flux_widgets.widgets.panel import Panel  # noqa: E402

DIVERGING = dict(layers="8, 4, 1", hidden="relu", output="linear", learning_rate="100")
STOPPED = re.compile(r"training stopped at iteration (\d+): (the cost|layer (\d)'s (\w+)) "
                     r"became non-finite")


def stopped_at(narration):
    found = STOPPED.search(narration)
    assert found, narration
    return int(found[1])


def assert_at_last_finite_iteration(panel, iteration):
    """The panel stands after ``iteration - 1``, exactly where a fresh network trained
    that long stands, with a finite curve ending there."""
    assert panel.network.iteration == iteration - 1
    assert np.isfinite(panel.network.state).all()
    same = Panel(**DIVERGING)
    same.train(iteration - 1)
    assert np.array_equal(same.network.state, panel.network.state)
    assert panel.stepper.iteration_points[-1] == iteration - 1
    assert np.isfinite(panel.stepper.mse_values).all()
    assert np.isfinite(panel.chart.marks[0].y).all()
    same.close()


def test_train_stops_at_the_iteration_that_diverged_and_steps_back_to_before_it():
    panel = Panel(**DIVERGING)
    panel.train(500)
    iteration = stopped_at(panel.narration.value)
    assert 1 < iteration < 500 and "Step back undoes this training" in panel.narration.value
    assert_at_last_finite_iteration(panel, iteration)
    panel.undo()
    assert panel.network.iteration == 0
    panel.controls.learning_rate.value = "0.01"  # the learner goes on
    assert "Trained to iteration 500" in panel.train(500)
    assert np.isfinite(panel.network.cost)
    panel.close()


def test_training_in_chunks_stops_at_the_diverged_chunk_and_frees_the_buttons():
    async def session():
        panel = Panel(**DIVERGING)
        panel.iterations.value = "100000"
        await panel.start_training()
        return panel

    panel = asyncio.run(session())
    iteration = stopped_at(panel.narration.value)
    assert_at_last_finite_iteration(panel, iteration)
    assert panel.training.progress.value < iteration  # the diverged chunk did not count
    assert not panel.step_button.disabled and panel.stop_button.disabled
    assert not panel.undo_button.disabled
    panel.undo()  # the whole run is one step back
    assert panel.network.iteration == 0
    panel.close()


@pytest.mark.parametrize("learning_rate, where", [
    ("1e300", "layer 2's weight_and_input_matrix"), ("1e150", "layer 3's weight_and_input_matrix"),
    ("1e100", "the cost")])
def test_the_message_names_the_first_matrix_and_layer(learning_rate, where):
    """A huge first update: the next iteration's forward pass overflows where the
    weights grew past what a float holds. The message names the same place as
    stepping that iteration one computation at a time does."""
    panel = Panel(layers="8, 4, 1", hidden="leaky_relu", output="linear",
                  learning_rate=learning_rate)
    panel.train(5)
    iteration = stopped_at(panel.narration.value)
    assert STOPPED.search(panel.narration.value)[2] == where
    panel.step("computation")   # from the last finite state, one computation at a time
    while panel.stepper.last_step.non_finite is None:
        panel.step("computation")
    layer, name = panel.stepper.last_step.non_finite
    assert where == ("the cost" if layer is None else f"layer {layer}'s {name}")
    assert panel.network.iteration == iteration - 1
    panel.close()


def test_a_step_by_step_overflow_names_its_matrix_and_steps_back():
    panel = Panel()
    for layer, row, column in [(1, 0, 0), (1, 1, 0), (2, 0, 0)]:
        panel.show_edge(layer, row, column)  # a click on the edge
        panel.set_selected_weight(1e300)   # 2e300 in layer 1, 2e600 = inf in layer 2
    finite = panel.network.state.copy()
    for _ in range(3):   # layer 1: x·W, + b, h(·), all finite
        panel.step("computation")
        assert "no longer finite" not in panel.narration.value
    panel.step("computation")
    assert "layer 2's weight_and_input_matrix is no longer finite" in panel.narration.value
    assert panel.stepper.last_step.non_finite == (2, "weight_and_input_matrix")
    panel.undo()
    assert np.isfinite(panel.network.state).all()
    assert np.isfinite(panel.network.neural_layers[1].weight_and_input_matrix).all()
    for _ in range(3):
        panel.undo()
    assert np.array_equal(panel.network.state, finite)
    panel.close()


def test_a_diverged_session_is_not_saved_and_says_why(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    panel = Panel()
    for layer, row, column in [(1, 0, 0), (1, 1, 0), (2, 0, 0)]:
        panel.show_edge(layer, row, column)  # a click on the edge
        panel.set_selected_weight(1e300)
    panel.step("iteration")
    panel.keep.filename.value = "diverged.npz"
    assert panel.keep.save() is None
    assert "step back to its last finite state" in panel.keep.message.value
    assert not (tmp_path / "diverged.npz").exists()
    panel.undo()
    assert panel.keep.save() is not None and (tmp_path / "diverged.npz").exists()
    panel.close()

"""The step engine: granularities, equivalence with the passes, exact undo, bounded history."""

import numpy as np
import pytest

from flux_widgets import (ConfigurationError, Form_Network, Forward_Pass, Back_Propagation,
                          Learn, NonFiniteError, Update_Parameters)
from flux_widgets.stepper import Stepper

X = np.array([[int(b) for b in f"{i:04b}"] for i in range(16)], float)
T = (X.sum(axis=1) % 2).reshape(-1, 1)


def network(seed=0):
    return Form_Network([8, 4, 1], X, T, "leaky_relu", "sigmoid", seed=seed)


def test_one_iteration_is_thirty_named_computations_in_order():
    stepper = Stepper(network(), 0.5)
    computations = stepper.computations
    assert len(computations) == 3 * 3 + 3 * 5 + 3 * 2
    assert [c.phase for c in computations] == ["forward"] * 9 + ["backward"] * 15 + ["update"] * 6
    assert [c.layer for c in computations[9:24:5]] == [3, 2, 1]
    assert computations[9].writes == ("cost", "dC_dy_matrix")
    assert str(computations[0]) == ("layer 1: weight_and_input_matrix = input_matrix · "
                                    "weights_matrix   x·W  [16x4 · 4x8 → 16x8]")


@pytest.mark.parametrize("granularity", ["computation", "layer", "phase", "iteration"])
def test_stepping_equals_forward_backward_update(granularity):
    stepped, direct = network(), network()
    stepper = Stepper(stepped, 0.5)
    for _ in range(3):
        Forward_Pass(direct)
        cost = Back_Propagation(direct)
        while True:
            step = stepper.step(granularity)
            if step.computations[-1].phase == "backward" and stepper.next_computation.phase \
                    == "update":
                # after the backward pass, every matrix equals the direct passes'
                assert np.array_equal(stepped.state, direct.state)
                assert stepped.cost == cost
            if stepper.position == 0:
                break
        Update_Parameters(direct, 0.5)
        assert np.array_equal(stepped.state, direct.state)
    assert stepper.mse_values == [pytest.approx(c) for c in stepper.mse_values]
    assert stepper.iteration_points == [1, 2, 3] and stepped.iteration == 3


def test_step_results_name_what_they_wrote_and_narrate():
    stepper = Stepper(network(), 0.5)
    step = stepper.step("layer")
    assert step.written == [(1, "weight_and_input_matrix"), (1, "weight_input_bias_matrix"),
                            (1, "activated_output_matrix")]
    assert step.narration.startswith("Iteration 1, forward of layer 1")
    stepper.step("phase")
    step = stepper.step("computation")
    assert step.written == [(3, "cost"), (3, "dC_dy_matrix")]
    assert f"C = {stepper.network.cost:.6g}" in step.narration
    assert step.non_finite is None


def test_undo_restores_the_exact_earlier_state_step_by_step():
    net = network()
    stepper = Stepper(net, 0.5)
    states = [net.snapshot()]
    for granularity in ["computation", "layer", "phase", "iteration", "iteration",
                        "computation"]:
        stepper.step(granularity)
        states.append(net.snapshot())
    for expected in reversed(states[:-1]):
        assert stepper.undo()
        assert np.array_equal(net.state, expected[0])
        assert net.iteration == expected[2]
    assert not stepper.undo() and stepper.position == 0 and stepper.mse_values == []


def test_reset_returns_to_the_formed_state_and_can_be_undone():
    net = network()
    formed = net.state.copy()
    stepper = Stepper(net, 0.5)
    stepper.train(25)
    trained = net.state.copy()
    stepper.reset()
    assert np.array_equal(net.state, formed) and net.iteration == 0 and stepper.mse_values == []
    stepper.undo()
    assert np.array_equal(net.state, trained) and len(stepper.mse_values) == 25


def test_train_finishes_the_started_iteration_and_matches_learn():
    stepped, direct = network(), network()
    stepper = Stepper(stepped, 0.5)
    stepper.step("phase")
    stepper.train(10)
    mse, _ = Learn(direct, 0.5, 10)
    assert np.array_equal(stepped.state, direct.state)
    assert stepper.mse_values == list(mse)
    assert stepper.iteration_points == list(range(1, 11))
    assert "Trained to iteration 10" in stepper.last_step.narration


def test_history_is_bounded_by_count_and_bytes():
    net = network()
    stepper = Stepper(net, 0.5, history_limit=5)
    for _ in range(50):
        stepper.step()
    assert stepper.history_capacity == 5
    assert sum(stepper.undo() for _ in range(10)) == 5
    small = Stepper(network(), 0.5, history_bytes=3 * network().state.nbytes)
    assert small.history_capacity == 3
    tiny = Stepper(network(), 0.5, history_bytes=1)
    assert tiny.history_capacity == 1


def test_non_finite_values_are_reported_and_undo_goes_back():
    net = Form_Network([2, 1], X, T, "linear", "linear", seed=0)
    stepper = Stepper(net, 0.5)
    stepper.step("layer")
    net.neural_layers[1].weights_matrix = np.full((2, 1), 1e308)
    net.neural_layers[0].activated_output_matrix[...] = 1e10  # as a runaway forward pass would
    step = stepper.step("computation")
    assert step.non_finite == (2, "weight_and_input_matrix")
    assert "no longer finite" in step.narration
    stepper.undo()
    assert np.isfinite(net.neural_layers[1].weight_and_input_matrix).all()


def test_train_divergence_keeps_the_finite_history():
    net = Form_Network([8, 1], X, T * 1e3, "relu", "linear", seed=1)
    stepper = Stepper(net, 50.0)
    with pytest.raises(NonFiniteError) as caught:
        stepper.train(1000)
    assert len(stepper.mse_values) == caught.value.iteration - 1 == net.iteration
    assert np.isfinite(net.state).all()
    assert stepper.undo() and net.iteration == 0


@pytest.mark.parametrize("iterations", [0, -3, 2.5, "10", None])
@pytest.mark.parametrize("rate", [0, -3, float("nan"), "abc", None])
def test_bad_settings_are_refused(iterations, rate):
    stepper = Stepper(network(), 0.5)
    with pytest.raises(ConfigurationError, match="iterations"):
        stepper.train(iterations)
    with pytest.raises(ConfigurationError, match="learning rate"):
        stepper.learning_rate = rate
    with pytest.raises(ConfigurationError, match="granularity"):
        stepper.step("epoch")
    assert stepper.learning_rate == 0.5 and not stepper.can_undo


def test_learning_rate_change_applies_to_the_next_update():
    a, b = network(), network()
    stepper = Stepper(a, 0.5)
    stepper.learning_rate = 0.25
    stepper.step("iteration")
    Learn(b, 0.25, 1)
    assert np.array_equal(a.state, b.state)

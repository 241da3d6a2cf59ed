"""The step engine: granularities, equivalence with the passes, exact undo, bounded history."""

import dataclasses

import numpy as np
import pytest

from flux_widgets import (ConfigurationError, Form_Network, Forward_Pass, Back_Propagation,
                          Learn, NonFiniteError, Update_Parameters, network_cost)
from flux_widgets.curve import EMPTY_CURVE, CurveSnapshot
from flux_widgets.layer import matrix_shapes
from flux_widgets.network import computation_order, iteration_computations
from flux_widgets.stepper import Checkpoint, Stepper
from reference import parity4

X, T = parity4()


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
    costs = []
    for _ in range(3):
        Forward_Pass(direct)
        cost = Back_Propagation(direct)
        costs.append(cost)
        # the cost from the plain formula C = (1/N)·Σ(y − t)², on the parameters before the update
        assert cost == pytest.approx(np.mean((direct.output - T) ** 2), rel=1e-12)
        assert cost == pytest.approx(network_cost(direct), rel=1e-12)
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
    assert stepper.mse_values == costs   # the twin's costs, bit for bit
    assert stepper.iteration_points == [1, 2, 3] and stepped.iteration == 3


def test_step_results_name_what_they_wrote_and_narrate():
    stepper = Stepper(network(), 0.5)
    step = stepper.step("layer")
    assert step.written == [(1, "weight_and_input_matrix"), (1, "weight_input_bias_matrix"),
                            (1, "activated_output_matrix")]
    assert step.narration.startswith("Iteration 1, forward in layer 1")
    stepper.step("phase")
    step = stepper.step("computation")
    assert step.written == [(3, "cost"), (3, "dC_dy_matrix")]
    assert f"C = {stepper.network.cost:.6g}" in step.narration
    assert step.non_finite is None


def test_the_narration_gives_the_real_order_layer_by_layer():
    stepper = Stepper(network(), 0.5)
    stepper.step("phase")
    backward = stepper.step("phase").narration
    per_layer = "dC_dy_matrix → dh_da_matrix → dC_da_matrix → dC_dw_matrix → dC_db_matrix"
    assert backward.startswith("Iteration 1, backward in layer 3: cost → dC_dy_matrix → "
                               "dh_da_matrix → dC_da_matrix → dC_dw_matrix → dC_db_matrix; "
                               f"then in layer 2, then 1: {per_layer}   (C = ")
    update = stepper.step("phase").narration
    assert update == "Iteration 1, update in layer 1, then 2, then 3: weights_matrix → bias_matrix"
    whole = stepper.step("iteration").narration
    assert whole.startswith("Iteration 2, forward in layer 1, then 2, then 3: "
                            "weight_and_input_matrix → weight_input_bias_matrix → "
                            "activated_output_matrix; backward in layer 3: cost → ")
    assert f"; then in layer 2, then 1: {per_layer}; update in layer 1, then 2, then 3: " in whole


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


def test_the_curve_is_thinned_evenly_and_keeps_the_latest_point():
    stepper, direct = Stepper(network(), 0.5, curve_points=64), network()
    full, _ = Learn(direct, 0.5, 1000)
    for _ in range(7):   # chunks of any size give the curve one call gives
        stepper.train(100, undoable=False)
    stepper.train(300)
    assert (stepper.curve_stride, len(stepper.iteration_points)) == (16, 64)
    assert stepper.iteration_points == list(range(1, 1000, 16)) + [1000]
    assert stepper.mse_values == [full[i - 1] for i in stepper.iteration_points]
    one_call = Stepper(network(), 0.5, curve_points=64)
    one_call.train(1000)
    assert (one_call.iteration_points, one_call.mse_values) == (stepper.iteration_points,
                                                                 stepper.mse_values)


def test_stepping_on_a_thinned_curve_keeps_only_the_latest_off_grid_point():
    stepper = Stepper(network(), 0.5, curve_points=8)
    for _ in range(20):
        stepper.step("iteration")
    assert stepper.iteration_points == [1, 5, 9, 13, 17, 20] and stepper.curve_stride == 4
    stepper.step("iteration")
    assert stepper.iteration_points == [1, 5, 9, 13, 17, 21]
    stepper.step("phase")
    stepper.step("phase")
    stepper.step("phase")   # iteration 22 is complete
    assert stepper.iteration_points == [1, 5, 9, 13, 17, 21, 22]
    stepper.undo()           # back before iteration 22: 21 is the latest again
    assert stepper.iteration_points == [1, 5, 9, 13, 17, 21]


def test_undo_brings_back_a_latest_point_that_thinning_removed():
    stepper = Stepper(network(), 0.5, curve_points=4)   # 4 points + the latest
    for _ in range(6):
        stepper.step("iteration")
    assert (stepper.iteration_points, stepper.curve_stride) == ([1, 3, 5, 6], 2)
    cost_6 = stepper.mse_values[-1]
    stepper.step("iteration")   # 6 was kept only as the latest
    assert stepper.iteration_points == [1, 3, 5, 7]
    stepper.undo()
    assert stepper.iteration_points == [1, 3, 5, 6] and stepper.mse_values[-1] == cost_6
    assert stepper.network.iteration == 6
    for _ in range(3):
        stepper.undo()
    assert stepper.iteration_points == [1, 3] and stepper.curve_stride == 1


@pytest.mark.parametrize("value", [0, -1, 2.5, True, "64"])
def test_curve_points_must_be_a_whole_number(value):
    with pytest.raises(ConfigurationError, match="curve_points"):
        Stepper(network(), 0.5, curve_points=value)


def test_resuming_a_long_curve_thins_it():
    net = network()
    Learn(net, 0.5, 100)
    stepper = Stepper(net, 0.5, curve_points=16)
    stepper.resume(0, [1.0 / i for i in range(1, 101)], list(range(1, 101)))
    assert stepper.iteration_points == list(range(1, 100, 8)) + [100]
    assert stepper.mse_values[1] == 1.0 / 9


def test_the_stepper_and_the_search_share_one_list_of_computations():
    net = network()
    stepper = Stepper(net, 0.5)
    assert [(c.phase, c.layer, c.writes) for c in stepper.computations] \
        == iteration_computations(net)
    order = computation_order(net)
    assert order[:10] == [(n, name) for n in (1, 2, 3) for name in (
        "weight_and_input_matrix", "weight_input_bias_matrix", "activated_output_matrix")] \
        + [(None, "cost")]
    assert order[10] == (3, "dC_dy_matrix") and order[-1] == (3, "bias_matrix")
    for number in (1, 2, 3):   # every matrix a layer owns, once
        assert sorted(name for n, name in order if n == number) == sorted(matrix_shapes(1, 1, 1))


def test_stepped_iterations_record_the_costs_learn_computes():
    stepper, direct = Stepper(network(), 0.5, curve_points=4), network()
    full, _ = Learn(direct, 0.5, 12)
    for granularity in ["iteration", "phase", "layer", "computation"] * 3:
        while True:
            stepper.step(granularity)
            if stepper.position == 0:
                break
        assert stepper.mse_values == [full[i - 1] for i in stepper.iteration_points]
    assert stepper.iteration_points == [1, 5, 9, 12] and stepper.network.iteration == 12


def _where(stepper):
    return (stepper.position, list(stepper.mse_values), list(stepper.iteration_points),
            stepper.curve_stride, stepper.network.iteration, stepper.last_step,
            stepper.network.state.tobytes())


def test_undo_puts_network_position_curve_and_narration_back_step_by_step():
    stepper = Stepper(network(), 0.5)
    seen = []
    for action in ["phase", "phase", "phase", "iteration", "layer", "train", "phase",
                   "iteration", "computation", "train"]:
        seen.append(_where(stepper))
        if action == "train":
            stepper.train(2)
        else:
            stepper.step(action)
    for expected in reversed(seen):
        assert stepper.undo()
        assert _where(stepper) == expected
    assert not stepper.undo()


def test_a_checkpoint_names_what_undo_restores():
    stepper = Stepper(network(), 0.5)
    stepper.step("iteration")
    before = stepper.network.snapshot()
    stepper.step("layer")
    checkpoint = stepper._history[-1]
    assert isinstance(checkpoint, Checkpoint)
    assert [f.name for f in dataclasses.fields(Checkpoint)] == ["network", "position", "curve",
                                                                 "last_step", "takes_samples"]
    assert checkpoint.takes_samples is False   # all samples, as formed: none taken
    assert np.array_equal(checkpoint.network[0], before[0])
    assert checkpoint.network[1:] == before[1:] == (stepper.mse_values[0], 1, None)  # no batch
    assert (checkpoint.position, checkpoint.last_step.iteration) == (0, 1)
    # a step only adds to the curve: its latest point is all undo needs
    assert checkpoint.curve == CurveSnapshot(latest=(1, stepper.mse_values[0]), stride=1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        checkpoint.position = 3
    stepper.reset()   # going back over a reset needs the whole curve
    assert stepper._history[-1].curve.whole == ((1,), (stepper._history[-1].network[1],))


def test_resuming_with_the_formed_network_resets_to_it_with_an_empty_curve():
    net, formed = network(), network()
    Learn(net, 0.5, 6)
    stepper = Stepper(net, 0.5, curve_points=1)
    stepper.resume(4, [0.3, 0.2, 0.1], [1, 3, 6], formed=formed.snapshot())
    assert (stepper.iteration_points, stepper.curve_stride) == ([1, 6], 4)
    assert stepper.mse_values == [0.3, 0.1]
    stepper.step("computation")
    stepper.reset()
    assert np.array_equal(net.state, formed.state) and net.iteration == 0
    assert (stepper.position, stepper.mse_values, stepper.iteration_points,
            stepper.curve_stride, stepper.last_step) == (0, [], [], 1, None)
    assert stepper._formed.curve == EMPTY_CURVE
    stepper.undo()
    assert (stepper.position, stepper.iteration_points, net.iteration) == (5, [1, 6], 6)


def test_a_non_finite_step_names_the_first_matrix_it_wrote():
    net = Form_Network([2, 1], X, T, "linear", "linear", seed=0)
    stepper = Stepper(net, 0.5)
    stepper.step("layer")
    net.neural_layers[1].weights_matrix = np.full((2, 1), 1e308)
    net.neural_layers[0].activated_output_matrix[...] = 1e10
    assert stepper.step().non_finite == (2, "weight_and_input_matrix")
    assert stepper.step().non_finite == (2, "weight_input_bias_matrix")   # not the earlier one
    stepper.step("phase")
    assert stepper.step().non_finite == (None, "cost")


def test_resuming_replaces_the_curve_the_stepper_had():
    stepper = Stepper(network(), 0.5, curve_points=4)
    stepper.train(40)
    assert stepper.curve_stride == 16
    stepper.resume(0, [0.5, 0.25], [10, 40])
    assert (stepper.mse_values, stepper.iteration_points, stepper.curve_stride) == (
        [0.5, 0.25], [10, 40], 1)


def test_before_last_step_reads_the_undo_checkpoint_of_every_matrix():
    network = Form_Network([3, 1], X, T, "tanh", "sigmoid", seed=1)
    stepper = Stepper(network, 0.5)
    for _ in range(len(stepper.computations) + 3):
        before = network.state.copy()
        step = stepper.step("computation")
        twin = Form_Network([3, 1], X, T, "tanh", "sigmoid", seed=1)
        twin.state[:] = before
        for layer, name in step.written:
            if name == "cost":
                continue
            held = stepper.before_last_step(layer, name)
            np.testing.assert_array_equal(held, twin.neural_layers[layer - 1].matrices[name])
            assert not held.flags.writeable

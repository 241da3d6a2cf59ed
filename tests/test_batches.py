"""Mini-batches in the engine (issue 17 §2): ``Learn(..., batch_size=)``, ``next_batch``,
``select_batch``. Full batch stays the seed's, byte for byte; a batch's cost and gradients
are those of a network formed on its samples alone and agree with central differences; an
epoch visits every sample once; batches continue across Learn calls, undo and files."""

import copy

import numpy as np
import pytest

import flux_widgets as fw
from flux_widgets.derivation import check_gradients
from flux_widgets.errors import ConfigurationError, NonFiniteError, StorageError
from flux_widgets.network import Batch, Learn, LearnResult, epoch_batch, network_cost, next_batch
from flux_widgets.stepper import Stepper
from flux_widgets.storage import load_network, save_network

IRIS = fw.load_dataset("iris")   # 150 samples: batches of 32 are 32, 32, 32, 32 and 22


def iris_network(cost="cross_entropy", output="softmax", hidden="tanh", seed=0):
    return fw.Form_Network([6, 3], IRIS.inputs, IRIS.targets, hidden, output, seed=seed,
                           cost=cost)


def test_full_batch_is_the_seeds_learn_byte_for_byte():
    plain, explicit = iris_network(cost="mse", output="sigmoid"), \
        iris_network(cost="mse", output="sigmoid")
    values, points = Learn(plain, 0.5, 20)
    result = Learn(explicit, 0.5, 20, batch_size=None)
    assert isinstance(result, LearnResult) and len(result) == 2
    assert plain.state.tobytes() == explicit.state.tobytes()
    assert values.tobytes() == result[0].tobytes() and list(points) == list(result[1])
    assert result.epoch_costs.size == 0 and plain.batch is None


def test_an_epoch_visits_every_sample_once_in_batches_of_the_size_asked():
    network = iris_network()
    seen, sizes = [], []
    for _ in range(5):
        batch = next_batch(network, 32, shuffle_seed=7)
        network.select_batch(batch)
        seen.extend(batch.rows.tolist())
        sizes.append(len(batch.rows))
    assert sizes == [32, 32, 32, 32, 22] and sorted(seen) == list(range(150))
    assert seen != list(range(150))   # shuffled
    following = next_batch(network, 32, shuffle_seed=7)
    assert (following.epoch, following.number) == (1, 0)
    assert not np.array_equal(following.rows, epoch_batch(150, 32, 7, 0, 0).rows)
    assert not np.array_equal(epoch_batch(150, 32, 8, 0, 0).rows,
                              epoch_batch(150, 32, 7, 0, 0).rows)   # the seed matters
    other = next_batch(network, 50, shuffle_seed=7)   # another size starts at epoch 0
    assert (other.epoch, other.number) == (0, 0)


def test_a_batch_is_a_network_formed_on_its_samples_alone():
    """The per-sample matrices, the cost (a mean over the batch) and every gradient of the
    batch equal those of a network formed on the batch's rows with the same parameters."""
    network = iris_network()
    batch = next_batch(network, 32, shuffle_seed=7)
    alone = fw.Form_Network([6, 3], IRIS.inputs[batch.rows], IRIS.targets[batch.rows], "tanh",
                            "softmax", seed=0, cost="cross_entropy")
    network.select_batch(batch)
    for net in (network, alone):
        fw.Forward_Pass(net)
        fw.Back_Propagation(net)
    assert network.cost == alone.cost
    for mine, reference in zip(network.neural_layers, alone.neural_layers):
        for name in ("input_matrix", "activated_output_matrix", "dC_dy_matrix", "dC_da_matrix",
                     "dC_dw_matrix", "dC_db_matrix"):
            assert np.array_equal(mine.matrices[name], reference.matrices[name]), name
        assert mine.input_matrix.shape[0] == 32
    assert np.array_equal(network.targets, IRIS.targets[batch.rows])


@pytest.mark.parametrize("cost, output", [("mse", "sigmoid"), ("cross_entropy", "softmax")])
def test_a_batchs_gradients_agree_with_central_differences_of_its_cost(cost, output):
    network = iris_network(cost, output)
    Learn(network, 0.3, 3, batch_size=32, shuffle_seed=1)   # now holding batch 2 of epoch 0
    assert (network.batch.epoch, network.batch.number) == (0, 2)
    fw.Forward_Pass(network)
    assert fw.Back_Propagation(network) == network_cost(network)   # the batch's cost
    assert check_gradients(network).passed


def test_the_batch_gradients_of_an_epoch_weighted_by_size_add_up_to_the_full_gradient():
    """Σ_batches (r_b / N) · ∂C_b/∂W = ∂C/∂W: each batch's 1/r_b is in the right place (an
    identity of one epoch's partition, checked to rounding)."""
    network = iris_network()
    full = copy.deepcopy(network)
    fw.Forward_Pass(full)
    fw.Back_Propagation(full)
    total = [np.zeros_like(layer.dC_dw_matrix) for layer in network.neural_layers]
    for _ in range(5):
        network.select_batch(next_batch(network, 32, shuffle_seed=3))
        fw.Forward_Pass(network)
        fw.Back_Propagation(network)
        share = len(network.batch.rows) / 150
        for running, layer in zip(total, network.neural_layers):
            running += share * layer.dC_dw_matrix
    for running, layer in zip(total, full.neural_layers):
        assert np.allclose(running, layer.dC_dw_matrix, rtol=1e-12, atol=1e-15)


def test_learn_continues_the_epoch_across_calls_and_reports_epoch_costs():
    once, twice = iris_network(), iris_network()
    result = Learn(once, 0.5, 12, batch_size=32, shuffle_seed=5)
    first = Learn(twice, 0.5, 7, batch_size=32, shuffle_seed=5)
    second = Learn(twice, 0.5, 5, batch_size=32, shuffle_seed=5)
    assert once.state.tobytes() == twice.state.tobytes()
    assert np.array_equal(result[0], np.concatenate([first[0], second[0]]))
    assert list(result.epoch_points) == [5, 10] and list(first.epoch_points) == [5]
    assert list(second.epoch_points) == [10]
    sizes = np.array([32, 32, 32, 32, 22])   # an epoch's cost: its batches' weighted mean
    for epoch in range(2):
        costs = result[0][5 * epoch:5 * epoch + 5]
        assert np.isclose(result.epoch_costs[epoch], costs @ sizes / 150, rtol=1e-14)
    assert np.isclose(second.epoch_costs[0], second[0][:3] @ sizes[2:] / 86, rtol=1e-14)
    Learn(once, 0.5, 1)   # full batch again: every sample, in order
    assert once.batch is None and once.neural_layers[0].input_matrix.shape[0] == 150


def test_a_divergence_in_a_batch_puts_the_network_back_after_the_last_finite_batch():
    network = iris_network(cost="mse", output="linear", hidden="relu", seed=1)
    with pytest.raises(NonFiniteError) as caught:
        Learn(network, 50.0, 40, batch_size=10, shuffle_seed=2)
    done = len(caught.value.mse_values)
    replay = iris_network(cost="mse", output="linear", hidden="relu", seed=1)
    Learn(replay, 50.0, done, batch_size=10, shuffle_seed=2)
    assert network.state.tobytes() == replay.state.tobytes()
    assert (network.batch.epoch, network.batch.number) == (replay.batch.epoch,
                                                           replay.batch.number)


def test_snapshots_copies_and_files_keep_the_batch():
    network = iris_network()
    Learn(network, 0.5, 3, batch_size=32, shuffle_seed=4)
    kept = network.snapshot()
    Learn(network, 0.5, 4, batch_size=32, shuffle_seed=4)
    network.restore(kept)
    assert network.batch.number == 2 and network.state.tobytes() == kept[0].tobytes()
    assert network.neural_layers[0].input_matrix.shape[0] == 32
    twin = copy.deepcopy(network)
    assert twin.batch.number == 2 and np.array_equal(twin.batch.rows, network.batch.rows)


def test_a_saved_batch_loads_back_and_learning_continues_the_same(tmp_path):
    network = iris_network()
    Learn(network, 0.5, 7, batch_size=32, shuffle_seed=3)
    save_network(network, tmp_path / "batch.npz")
    back, _ = load_network(tmp_path / "batch.npz")
    assert (back.batch.epoch, back.batch.number) == (1, 1)
    assert np.array_equal(back.batch.rows, network.batch.rows)
    assert back.state.tobytes() == network.state.tobytes()
    Learn(network, 0.5, 5, batch_size=32, shuffle_seed=3)
    Learn(back, 0.5, 5, batch_size=32, shuffle_seed=3)
    assert back.state.tobytes() == network.state.tobytes()


@pytest.mark.parametrize("batch_size", [0, 151, -1, 2.5, "32", None])
def test_a_bad_batch_size_is_refused_before_anything_runs(batch_size):
    network = iris_network()
    before = network.state.tobytes()
    if batch_size is None:   # None is the full batch, not a refusal
        Learn(network, 0.5, 0, batch_size=batch_size)
        return
    with pytest.raises(ConfigurationError):
        Learn(network, 0.5, 3, batch_size=batch_size)
    assert network.state.tobytes() == before and network.batch is None


@pytest.mark.parametrize("rows", [np.array([], dtype=int), np.array([0, 150]),
                                  np.array([-1, 2]), np.array([0.5, 1.0]),
                                  np.zeros((2, 2), dtype=int)])
def test_select_batch_refuses_rows_that_are_no_samples(rows):
    network = iris_network()
    with pytest.raises(ConfigurationError, match="a batch is 1 to 150 sample indices"):
        network.select_batch(Batch(0, 0, rows, 32, 0))
    assert network.batch is None


def test_a_stepper_of_all_samples_given_a_network_holding_a_batch_takes_them_all_first():
    network, twin = iris_network(), iris_network()
    Learn(network, 0.5, 2, batch_size=32)
    Learn(twin, 0.5, 2, batch_size=32)
    stepper = Stepper(network, 0.5)
    assert stepper.takes_samples and len(stepper.computations) == 21
    step = stepper.step("computation")
    assert step.written == [(1, "input_matrix")] and "all 150 samples again" in step.narration
    assert network.batch is None and network.neural_layers[0].sample_size == 150
    stepper.step("iteration")
    Learn(twin, 0.5, 1)
    assert np.array_equal(network.state, twin.state)
    assert not stepper.takes_samples and len(stepper.computations) == 20


@pytest.mark.parametrize("edit, message", [
    (lambda batch: batch.update(number=9), "does not fit a network of 150 samples"),
    (lambda batch: batch.update(size=0), "does not fit"),
    (lambda batch: batch.update(size=151), "does not fit"),
    (lambda batch: batch.update(seed=2 ** 40), "does not fit"),
    (lambda batch: batch.update(epoch=-1), "whole numbers"),
    (lambda batch: batch.update(number=1.5), "whole numbers"),
    (lambda batch: batch.pop("seed"), "whole numbers"),
    (lambda batch: batch.update(rows=[1, 2]), "whole numbers"),
])
def test_a_file_whose_batch_is_no_batch_of_its_network_is_refused(tmp_path, edit, message):
    """Sealed again after the edit (the checksum matches): the loader checks the values."""
    import json

    from test_bad_input import repack

    network = iris_network()
    Learn(network, 0.5, 2, batch_size=32)
    save_network(network, tmp_path / "n.npz")
    with np.load(tmp_path / "n.npz") as archive:
        meta = json.loads(archive["meta"].item())
        arrays = {name: archive[name] for name in ("inputs", "targets", "state")}
    edit(meta["batch"])
    (tmp_path / "bad.npz").write_bytes(repack(meta, arrays))
    with pytest.raises(StorageError, match=message):
        load_network(tmp_path / "bad.npz")


def test_chapter_11s_batch_rows_exercise_is_the_engines_rule():
    """Exercise 5 of chapter 11 asks for the engine's own batches: its reference gives
    epoch_batch's rows on every hidden case."""
    from flux_widgets.exercises import chapter11
    exercise = chapter11.batch_rows()
    for N, size, seed, epoch, number in exercise.cases():
        assert np.array_equal(exercise.expected(N, size, seed, epoch, number),
                              epoch_batch(N, size, seed, epoch, number).rows)

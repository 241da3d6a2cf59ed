"""The step engine in mini-batches (issue 17 §2): ``Stepper(..., batch_size=, shuffle_seed=)``.

An iteration in mini-batches begins with one more computation, in layer 1, that takes its
samples — the next mini-batch of ``Learn``'s seeded shuffle — and stepping it at any
granularity gives ``Learn``'s numbers bit for bit (the same batches, the same state, the
same curve). Undo goes back over the taking exactly (the batch held, its rows, the shape of
every per-sample matrix); reset goes back to the network as formed, holding all samples.
Without a batch size the stepper is what it was, byte for byte.
"""

import math

import numpy as np
import pytest

import flux_widgets as fw
from flux_widgets.errors import ConfigurationError, NonFiniteError
from flux_widgets.layer import PARAMETER_NAMES, PER_SAMPLE_NAMES, SEED_MATRIX_NAMES
from flux_widgets.network import Learn, iteration_computations
from flux_widgets.stepper import GRANULARITIES, Stepper

IRIS = fw.load_dataset("iris")        # 150 samples: batches of 32 are 32, 32, 32, 32 and 22
PARITY = fw.load_dataset("parity4")   # 16 samples: batches of 7 are 7, 7 and 2
SHUFFLE = 5


def iris_network():
    return fw.Form_Network([6, 3], IRIS.inputs, IRIS.targets, "tanh", "softmax", seed=3,
                           cost="cross_entropy")


def parity_network(hidden="leaky_relu", output="sigmoid"):
    return fw.Form_Network([8, 4, 1], PARITY.inputs, PARITY.targets, hidden, output, seed=0)


NETWORKS = {"iris": (iris_network, 0.5), "parity4": (parity_network, 1.0)}


def stepper_of(name, batch_size=None, shuffle_seed=SHUFFLE, **options):
    make, rate = NETWORKS[name]
    return Stepper(make(), rate, batch_size=batch_size, shuffle_seed=shuffle_seed, **options)


def learned(name, iterations, batch_size=None, shuffle_seed=SHUFFLE):
    """A twin network trained by ``Learn`` alone, and what Learn returned."""
    make, rate = NETWORKS[name]
    network = make()
    return network, Learn(network, rate, iterations, batch_size, shuffle_seed)


def shuffled(samples, size, epoch, number, seed=SHUFFLE):
    """The rows of batch ``number`` of ``epoch``, from the documented shuffle itself."""
    order = np.random.default_rng([seed, epoch]).permutation(samples)
    return order[number * size:(number + 1) * size]


def run_iterations(stepper, granularity, iterations):
    """Step ``iterations`` whole iterations at ``granularity``."""
    target = stepper.network.iteration + iterations
    while stepper.network.iteration < target:
        stepper.step(granularity)
    assert stepper.position == 0


def held(network):
    """What a network holds: its batch (or None), the rows, every layer's sample size."""
    batch = network.batch
    return (None if batch is None else (batch.epoch, batch.number, batch.size, batch.seed,
                                        batch.rows.tolist()),
            network.held_rows.tolist(), [layer.sample_size for layer in network.neural_layers])


def now(stepper):
    """Everything undo must give back."""
    network = stepper.network
    return (network.state.tobytes(), network.iteration, repr(network.cost), stepper.position,
            stepper.takes_samples, held(network), list(stepper.mse_values),
            list(stepper.iteration_points), len(stepper.computations),
            None if stepper.last_step is None else stepper.last_step.narration)


# ---- stepping is Learn, bit for bit ---------------------------------------------------------

CASES = [("iris", 1), ("iris", 5), ("iris", 32), ("iris", 150),
         ("parity4", 1), ("parity4", 5), ("parity4", 7), ("parity4", 16)]


@pytest.mark.parametrize("granularity", GRANULARITIES)
@pytest.mark.parametrize("name, batch_size", CASES)
def test_stepping_in_minibatches_is_learn_bit_for_bit(name, batch_size, granularity):
    stepper = stepper_of(name, batch_size)
    samples = stepper.network.sample_size
    per_epoch = math.ceil(samples / batch_size)
    iterations = 2 * per_epoch + 1   # two whole epochs and the first batch of the third
    twin, (values, points) = learned(name, iterations, batch_size)
    run_iterations(stepper, granularity, iterations)
    network = stepper.network
    assert np.array_equal(network.state, twin.state)
    assert network.state.tobytes() == twin.state.tobytes()
    assert (network.cost, network.iteration) == (twin.cost, twin.iteration) == \
        (values[-1], iterations)
    assert held(network) == held(twin)
    assert (network.batch.epoch, network.batch.number) == (2, 0)
    assert stepper.mse_values == list(values)
    assert stepper.iteration_points == list(points) == list(range(1, iterations + 1))
    assert stepper.takes_samples and len(stepper.computations) == \
        len(iteration_computations(network)) + 1


@pytest.mark.parametrize("granularity", GRANULARITIES)
def test_each_iteration_takes_the_batches_of_the_documented_shuffle(granularity):
    stepper = stepper_of("iris", 32)
    sizes = [32, 32, 32, 32, 22]
    for iteration in range(1, 12):
        epoch, number = divmod(iteration - 1, 5)
        step = stepper.step(granularity)
        rows = shuffled(150, 32, epoch, number)
        assert stepper.network.batch.rows.tolist() == rows.tolist()
        assert (stepper.network.batch.epoch, stepper.network.batch.number) == (epoch, number)
        assert len(rows) == sizes[number] == stepper.network.neural_layers[1].sample_size
        assert step.batch is stepper.network.batch
        assert step.written[0] == (1, "input_matrix")
        assert step.computations[0].phase == "forward" and step.computations[0].layer == 1
        assert step.narration.startswith(
            f"Iteration {iteration} (mini-batch {number} of epoch {epoch}, {len(rows)} samples), ")
        if stepper.position:
            run_iterations(stepper, granularity, 1)


def test_the_first_computation_takes_the_samples_and_names_them():
    stepper = stepper_of("iris", 32)
    for iteration in range(1, 8):
        epoch, number = divmod(iteration - 1, 5)
        rows = shuffled(150, 32, epoch, number)
        r = len(rows)
        # before: it will take the next mini-batch
        upcoming = stepper.next_computation
        assert (upcoming.phase, upcoming.layer, upcoming.writes) == ("forward", 1,
                                                                     ("input_matrix",))
        assert upcoming.description == ("input_matrix and the targets = the next mini-batch of "
                                        "32 of the 150 samples (a new shuffle each epoch, "
                                        "seed 5)")
        step = stepper.step("computation")
        assert step.written == [(1, "input_matrix")]
        first = ", ".join(str(row) for row in rows[:8])
        assert step.narration == (
            f"Iteration {iteration} (mini-batch {number} of epoch {epoch}, {r} samples), "
            f"layer 1: input_matrix and the targets = the rows of samples {first}, … "
            f"({r} of 150)   x = X[rows], t = T[rows]  [{r}x4]")
        assert stepper.place == (f"in iteration {iteration} (mini-batch {number} of epoch "
                                 f"{epoch}, {r} samples), after 1 of its 21 computations")
        layer = stepper.network.neural_layers[0]
        assert np.array_equal(layer.input_matrix, IRIS.inputs[rows])
        assert np.array_equal(stepper.network.targets, IRIS.targets[rows])
        stepper.step("iteration")


def test_a_batch_of_one_sample_is_named_so():
    stepper = stepper_of("parity4", 5)   # 16 = 5 + 5 + 5 + 1
    run_iterations(stepper, "iteration", 3)
    step = stepper.step("computation")
    row = shuffled(16, 5, 0, 3)
    assert row.size == 1
    assert step.narration == (
        f"Iteration 4 (mini-batch 3 of epoch 0, 1 samples), layer 1: input_matrix and the "
        f"targets = the rows of sample {row[0]} (1 of 16)   x = X[rows], t = T[rows]  [1x4]")
    formulas = [c.formula for c in stepper.computations]
    assert "∂C/∂b = Σ over the 1 sample of ∂C/∂a  [1x8]" in formulas


def test_the_formulas_after_taking_the_last_smaller_batch_give_its_rows():
    stepper = stepper_of("iris", 32)
    run_iterations(stepper, "iteration", 4)
    stepper.step("computation")   # takes the last batch of epoch 0: 22 samples
    assert stepper.network.held_rows.tolist() == shuffled(150, 32, 0, 4).tolist()
    formulas = [c.formula for c in stepper.computations[1:]]
    assert formulas[0] == "x·W  [22x4 · 4x6 → 22x6]"
    assert formulas[1] == "a = x·W + b  [22x6 + 1x6]"
    assert formulas[3] == "x·W  [22x6 · 6x3 → 22x3]"
    assert formulas[6].endswith(", N = 22  [22x3]")   # the cost: the batch's mean
    assert "∂C/∂W = xᵀ·∂C/∂a  [6x22 · 22x3 → 6x3]" in formulas
    assert "∂C/∂W = xᵀ·∂C/∂a  [4x22 · 22x6 → 4x6]" in formulas
    assert "∂C/∂b = Σ over the 22 samples of ∂C/∂a  [1x6]" in formulas
    assert "∂C/∂h = ∂C/∂a_next · W_nextᵀ  [22x3 · 3x6 → 22x6]" in formulas
    step = stepper.step("iteration")
    assert [c.formula for c in step.computations] == formulas
    assert not any("32x" in formula for formula in formulas)
    # the next epoch's first batch: 32 rows again
    step = stepper.step("layer")
    assert step.computations[1].formula == "x·W  [32x4 · 4x6 → 32x6]"
    assert stepper.network.neural_layers[1].sample_size == 32


def test_parity4_in_batches_of_7_ends_each_epoch_with_2_samples():
    stepper = stepper_of("parity4", 7)
    run_iterations(stepper, "iteration", 2)
    step = stepper.step("layer")   # takes the batch and runs layer 1's forward pass
    assert step.written == [(1, "input_matrix"), (1, "weight_and_input_matrix"),
                            (1, "weight_input_bias_matrix"), (1, "activated_output_matrix")]
    assert [c.formula for c in step.computations[1:]][0] == "x·W  [2x4 · 4x8 → 2x8]"
    assert step.narration.startswith("Iteration 3 (mini-batch 2 of epoch 0, 2 samples), forward "
                                     "in layer 1: input_matrix → weight_and_input_matrix → ")
    assert held(stepper.network)[1:] == (shuffled(16, 7, 0, 2).tolist(), [2, 2, 2])


# ---- undo, redo and reset --------------------------------------------------------------

STEPS = (["computation"] * 23 + ["layer"] * 5 + ["phase"] * 4 + ["iteration"] * 3
         + ["computation", "layer", "phase", "iteration"] * 4 + ["computation"] * 3)


@pytest.mark.parametrize("name, batch_size", [("iris", 32), ("parity4", 7), ("parity4", 5),
                                              ("iris", 150)])
def test_undo_step_by_step_back_to_the_start_restores_exactly_and_redo_reproduces(
        name, batch_size):
    stepper = stepper_of(name, batch_size, history_limit=1000)
    states, narrations = [now(stepper)], []
    for granularity in STEPS:
        narrations.append(stepper.step(granularity).narration)
        states.append(now(stepper))
    assert stepper.network.batch.epoch >= 1 or batch_size == 150  # past an epoch's end
    assert stepper.network.iteration >= 8
    for state in reversed(states[:-1]):
        assert stepper.undo()
        assert now(stepper) == state
    assert not stepper.can_undo and not stepper.undo()
    assert stepper.network.batch is None and stepper.network.iteration == 0
    assert held(stepper.network)[2] == [stepper.network.sample_size] * \
        len(stepper.network.neural_layers)
    # and stepping forward again computes the very same
    for granularity, state, narration in zip(STEPS, states[1:], narrations):
        assert stepper.step(granularity).narration == narration
        assert now(stepper) == state


def test_undo_of_the_taking_computation_gives_back_the_batch_before_and_its_shapes():
    stepper = stepper_of("iris", 32)
    run_iterations(stepper, "iteration", 5)   # holds the 22 samples of batch 4 of epoch 0
    before = now(stepper)
    assert held(stepper.network)[2] == [22, 22]
    stepper.step("computation")                # takes batch 0 of epoch 1: 32 samples
    assert held(stepper.network)[2] == [32, 32]
    assert stepper.undo() and now(stepper) == before
    assert stepper.computations[1].formula == "x·W  [22x4 · 4x6 → 22x6]"   # the rows held


def test_reset_goes_back_to_the_network_as_formed_holding_no_batch_and_is_undoable():
    stepper = stepper_of("iris", 32)
    formed = iris_network()
    run_iterations(stepper, "iteration", 6)
    for _ in range(4):
        stepper.step("computation")
    before = now(stepper)
    stepper.reset()
    network = stepper.network
    assert network.state.tobytes() == formed.state.tobytes()
    assert network.batch is None and held(network) == held(formed)
    assert network.held_rows.tolist() == list(range(150))
    assert [layer.sample_size for layer in network.neural_layers] == [150, 150]
    assert (stepper.position, network.iteration, stepper.mse_values) == (0, 0, [])
    assert math.isnan(network.cost)
    assert stepper.takes_samples and stepper.batch_size == 32   # the settings stay
    assert stepper.undo() and now(stepper) == before
    # reset again, and the first iteration takes the first batch of epoch 0 again
    stepper.reset()
    fresh = stepper_of("iris", 32)
    run_iterations(stepper, "phase", 3)
    run_iterations(fresh, "iteration", 3)
    assert now(stepper)[:9] == now(fresh)[:9]


# ---- what is computed ----------------------------------------------------------------------

def expected_computed(number, name, written):
    """Whether a matrix holds numbers of this iteration's samples, in an iteration (≥ 2) that
    took new samples, after the computations that wrote ``written``."""
    if name in PARAMETER_NAMES or (number, name) == (1, "input_matrix"):
        return True
    if name == "input_matrix":
        number, name = number - 1, "activated_output_matrix"
    if name in PER_SAMPLE_NAMES or name == "cost":
        return (number, name) in written
    return True   # dC_dw_matrix, dC_db_matrix: the last iteration's, until overwritten


@pytest.mark.parametrize("name, batch_size", [("iris", 32), ("parity4", 7)])
def test_computed_after_taking_a_batch_is_only_what_this_iteration_wrote(name, batch_size):
    stepper = stepper_of(name, batch_size)
    run_iterations(stepper, "iteration", 2)
    layers = len(stepper.network.neural_layers)
    names = [(number, matrix) for number in range(1, layers + 1)
             for matrix in SEED_MATRIX_NAMES] + [(layers, "cost")]
    written = set()
    while True:
        step = stepper.step("computation")
        written.update(step.written)
        if stepper.position == 0:
            break
        for number, matrix in names:
            assert stepper.computed(number, matrix) == expected_computed(number, matrix,
                                                                         written), \
                (stepper.position, number, matrix)
    assert stepper.position == 0 and all(stepper.computed(n, m) for n, m in names)
    # right after taking: nothing per sample and no cost; the parameters and gradients are
    stepper.step("computation")
    for number in range(1, layers + 1):
        for matrix in PER_SAMPLE_NAMES:
            assert not stepper.computed(number, matrix)
        for matrix in (*PARAMETER_NAMES, "dC_dw_matrix", "dC_db_matrix"):
            assert stepper.computed(number, matrix)
    assert not stepper.computed(layers, "cost") and stepper.computed(1, "input_matrix")
    assert not stepper.computed(2, "input_matrix")


def test_computed_in_full_batch_is_as_it_was():
    stepper = stepper_of("parity4")
    run_iterations(stepper, "iteration", 1)
    stepper.step("computation")
    assert all(stepper.computed(number, matrix) for number in (1, 2, 3)
               for matrix in SEED_MATRIX_NAMES)
    assert stepper.computed(3, "cost")


# ---- the settings: read when an iteration begins -----------------------------------------------

@pytest.mark.parametrize("new_size, new_seed", [(5, 9), (None, 5), (None, 0), (150, 1),
                                                (32, 6)])
def test_switching_mid_iteration_changes_nothing_until_the_next_iteration(new_size, new_seed):
    switched, kept = stepper_of("iris", 32), stepper_of("iris", 32)
    for stepper in (switched, kept):
        run_iterations(stepper, "iteration", 2)
        for _ in range(6):
            stepper.step("computation")
    listed = [str(c) for c in switched.computations[1:]]
    switched.batch_size, switched.shuffle_seed = new_size, new_seed
    assert (switched.batch_size, switched.shuffle_seed) == (new_size, new_seed)
    assert switched.takes_samples and len(switched.computations) == 21
    assert [str(c) for c in switched.computations[1:]] == listed
    for stepper in (switched, kept):
        stepper.step("iteration")
    assert now(switched)[:8] == now(kept)[:8]
    assert switched.takes_samples   # new settings: the next iteration takes samples
    # the next iteration takes its samples with the new settings, as Learn would
    twin, _ = learned("iris", 3, 32)
    values, _ = Learn(twin, 0.5, 2, new_size, new_seed)
    run_iterations(switched, "computation", 2)
    assert switched.network.state.tobytes() == twin.state.tobytes()
    assert switched.mse_values[-2:] == list(values)
    assert held(switched.network) == held(twin)
    if new_size is None:
        assert not switched.takes_samples and len(switched.computations) == 20
    else:
        assert (twin.batch.size, twin.batch.seed) == (new_size, new_seed)


@pytest.mark.parametrize("granularity", GRANULARITIES)
def test_switching_to_all_samples_then_stepping_is_learn_on_all_samples(granularity):
    stepper = stepper_of("parity4", 7)
    run_iterations(stepper, granularity, 4)
    stepper.batch_size = None
    assert stepper.takes_samples and len(stepper.computations) == 31
    upcoming = stepper.next_computation
    assert upcoming.description == ("input_matrix and the targets = all 16 samples again, in "
                                    "order (full batch)")
    assert upcoming.formula == "x = X, t = T  [16x4]"
    run_iterations(stepper, granularity, 1)
    assert stepper.network.batch is None and held(stepper.network)[2] == [16, 16, 16]
    assert not stepper.takes_samples and len(stepper.computations) == 30
    run_iterations(stepper, granularity, 2)
    twin, _ = learned("parity4", 4, 7)
    values, _ = Learn(twin, 1.0, 3)   # batch_size=None: all samples
    assert stepper.network.state.tobytes() == twin.state.tobytes()
    assert stepper.mse_values[-3:] == list(values)
    assert "mini-batch" not in stepper.last_step.narration


def test_a_stepper_continues_the_epoch_of_a_network_learn_left_holding_a_batch():
    network = iris_network()
    Learn(network, 0.5, 7, batch_size=32, shuffle_seed=SHUFFLE)
    stepper = Stepper(network, 0.5, batch_size=32, shuffle_seed=SHUFFLE)
    assert stepper.takes_samples
    stepper.step("iteration")
    twin, _ = learned("iris", 8, 32)
    assert network.state.tobytes() == twin.state.tobytes() and held(network) == held(twin)
    assert (network.batch.epoch, network.batch.number) == (1, 2)


@pytest.mark.parametrize("granularity", GRANULARITIES)
def test_a_stepper_of_all_samples_first_takes_them_all_from_a_network_holding_a_batch(
        granularity):
    network = parity_network()
    Learn(network, 1.0, 3, batch_size=7, shuffle_seed=2)
    stepper = Stepper(network, 1.0)
    assert (stepper.batch_size, stepper.shuffle_seed) == (None, 0)
    assert stepper.takes_samples and len(stepper.computations) == 31
    step = stepper.step(granularity)
    assert step.written[0] == (1, "input_matrix") and "all 16 samples again" in str(
        step.computations[0])
    assert network.batch is None and step.batch is None
    if stepper.position:
        run_iterations(stepper, granularity, 1)
    twin = parity_network()
    Learn(twin, 1.0, 3, batch_size=7, shuffle_seed=2)
    Learn(twin, 1.0, 1)
    assert network.state.tobytes() == twin.state.tobytes()
    assert not stepper.takes_samples and len(stepper.computations) == 30


# ---- train ----------------------------------------------------------------------------------

@pytest.mark.parametrize("stepped, iterations", [(("iteration",) * 3 + ("computation",) * 7, 10),
                                                 (("computation",), 4),
                                                 (("iteration",) * 2, 3),
                                                 (("iteration",) * 4 + ("phase",), 1)])
def test_train_from_anywhere_is_the_uninterrupted_learn(stepped, iterations):
    stepper = stepper_of("iris", 32)
    for granularity in stepped:
        stepper.step(granularity)
    before = now(stepper)
    step = stepper.train(iterations)   # a started iteration is finished and counts
    total = before[1] + iterations
    twin, result = learned("iris", total, 32)
    network = stepper.network
    assert network.iteration == total == len(stepper.mse_values)
    assert network.state.tobytes() == twin.state.tobytes()
    assert held(network) == held(twin)
    assert stepper.mse_values == list(result[0])
    assert stepper.iteration_points == list(result[1])
    assert stepper.position == 0 and stepper.takes_samples
    batch = network.batch
    assert step.batch is batch
    head = (f"Trained to iteration {total} (mini-batch {batch.number} of epoch {batch.epoch}, "
            f"{len(batch.rows)} samples) with learning rate 0.5: the last mini-batch's cost "
            f"C = {network.cost:.6g}")
    assert step.narration.startswith(head)
    assert network.cost == result[0][-1]
    assert stepper.undo() and now(stepper) == before


def test_train_names_the_last_epochs_cost_the_mean_of_its_batches():
    stepper = stepper_of("iris", 32)
    step = stepper.train(12)   # epochs 0 and 1 end at iterations 5 and 10
    _, result = learned("iris", 12, 32)
    costs = result[0]
    epoch_1 = sum(size * cost for size, cost in zip([32, 32, 32, 32, 22], costs[5:10])) / 150
    assert result.epoch_costs[-1] == pytest.approx(epoch_1, rel=1e-14)
    assert step.narration == (
        f"Trained to iteration 12 (mini-batch 1 of epoch 2, 32 samples) with learning rate "
        f"0.5: the last mini-batch's cost C = {costs[-1]:.6g}; epoch 1's cost (the mean "
        f"of its batches' costs, weighted by their sizes) {result.epoch_costs[-1]:.6g}")
    assert stepper.last_epoch_cost() == (1, pytest.approx(epoch_1, rel=1e-14))


def test_the_epochs_cost_counts_the_batches_stepped_before_a_training():
    """An epoch begun by steps and ended by a training: its cost is of all its batches (Learn's
    epoch_costs would hold only those the training ran); a stepper that did not run a whole
    epoch names none."""
    stepper = stepper_of("iris", 32)
    for _ in range(4):
        stepper.step("iteration")
    assert stepper.last_epoch_cost() is None
    step = stepper.train(1)                         # the 5th batch of 22 ends epoch 0
    _, result = learned("iris", 5, 32)
    assert stepper.last_epoch_cost() == (0, pytest.approx(result.epoch_costs[0], rel=1e-14))
    assert f"epoch 0's cost (the mean of its batches' costs, weighted by their sizes) " \
           f"{result.epoch_costs[0]:.6g}" in step.narration
    stepper.step("computation")                     # mid-iteration: still epoch 0's
    assert stepper.last_epoch_cost() == (0, pytest.approx(result.epoch_costs[0], rel=1e-14))
    network, _ = learned("iris", 7, 32)             # epochs run before the stepper
    late = Stepper(network, 0.5, batch_size=32, shuffle_seed=SHUFFLE)
    assert late.last_epoch_cost() is None and "epoch" not in late.train(1).note.split(":")[-1]


def test_train_without_a_batch_size_says_the_cost_as_before():
    stepper = stepper_of("parity4")
    step = stepper.train(5)
    assert step.narration == (f"Trained to iteration 5 with learning rate 1: cost C = "
                              f"{stepper.network.cost:.6g}")
    assert step.batch is None


# ---- divergence ------------------------------------------------------------------------------

def diverging_stepper():
    network = parity_network(hidden="relu", output="linear")
    return Stepper(network, 1e6, batch_size=5, shuffle_seed=1)


def test_a_diverging_step_in_batches_is_reported_and_undone():
    stepper = diverging_stepper()
    for _ in range(500):
        before = now(stepper)
        step = stepper.step("computation")
        if step.non_finite:
            break
    else:
        pytest.fail("η = 10⁶ never diverged")
    assert "is no longer finite (inf or nan): step back and lower the learning rate" in \
        step.narration
    assert step.narration.startswith(f"Iteration {before[1] + 1} (mini-batch ")
    assert stepper.undo() and now(stepper) == before
    assert np.isfinite(stepper.network.state).all()


@pytest.mark.parametrize("stepped", [(), ("iteration", "computation", "computation")])
def test_train_in_batches_that_diverges_raises_and_leaves_a_finite_network(stepped):
    stepper = diverging_stepper()
    for granularity in stepped:
        stepper.step(granularity)
    before = now(stepper)
    with pytest.raises(NonFiniteError) as error:
        stepper.train(50)
    network = stepper.network
    assert np.isfinite(network.state).all() and math.isfinite(network.cost)
    assert network.iteration == error.value.iteration - 1
    assert stepper.position == 0
    # the iterations before it are Learn's, bit for bit
    twin = parity_network(hidden="relu", output="linear")
    with pytest.raises(NonFiniteError) as same:
        Learn(twin, 1e6, 50, batch_size=5, shuffle_seed=1)
    assert same.value.iteration == error.value.iteration
    assert twin.state.tobytes() == network.state.tobytes() and held(twin) == held(network)
    assert stepper.mse_values == list(same.value.mse_values)
    assert stepper.undo() and now(stepper)[:9] == before[:9]


# ---- bad settings ---------------------------------------------------------------------------

@pytest.mark.parametrize("value, message", [
    (0, "the batch size must be a whole number from 1 to 150, got 0"),
    (151, "the batch size must be a whole number from 1 to 150, got 151"),
    (-1, "the batch size must be a whole number from 1 to 150, got -1"),
    (1.5, "the batch size must be a whole number from 1 to 150, got 1.5"),
    (32.0, "the batch size must be a whole number from 1 to 150, got 32.0; write it without "
           "the decimal point, as 32"),
    ("32", "the batch size must be a whole number from 1 to 150, got '32'"),
    (True, "the batch size must be a whole number from 1 to 150, got True"),
])
def test_a_bad_batch_size_is_refused_with_a_message(value, message):
    with pytest.raises(ConfigurationError, match=message):
        Stepper(iris_network(), 0.5, batch_size=value)
    stepper = stepper_of("iris", 32)
    stepper.step("computation")
    before = now(stepper)
    with pytest.raises(ConfigurationError, match=message):
        stepper.batch_size = value
    assert stepper.batch_size == 32 and now(stepper) == before


@pytest.mark.parametrize("value, message", [
    (-1, "the shuffle seed must be a whole number from 0 to 4,294,967,295, got -1"),
    (2**32, "the shuffle seed must be a whole number from 0 to 4,294,967,295, got "
            "4,294,967,296"),
    (None, "the shuffle seed must be a whole number from 0 to 4,294,967,295, got None"),
    (1.5, "the shuffle seed must be a whole number from 0 to 4,294,967,295, got 1.5"),
    ("3", "the shuffle seed must be a whole number from 0 to 4,294,967,295, got '3'"),
])
def test_a_bad_shuffle_seed_is_refused_with_a_message(value, message):
    with pytest.raises(ConfigurationError, match=message):
        Stepper(iris_network(), 0.5, batch_size=32, shuffle_seed=value)
    stepper = stepper_of("iris", 32)
    with pytest.raises(ConfigurationError, match=message):
        stepper.shuffle_seed = value
    assert stepper.shuffle_seed == SHUFFLE


def test_the_settings_accept_every_whole_number_in_range():
    stepper = stepper_of("iris")
    for value in (1, 150, np.int64(32), np.uint8(7)):
        stepper.batch_size = value
        assert stepper.batch_size == value and type(stepper.batch_size) is int
    for value in (0, 2**32 - 1, np.int32(9)):
        stepper.shuffle_seed = value
        assert stepper.shuffle_seed == value and type(stepper.shuffle_seed) is int
    stepper.batch_size = None
    assert stepper.batch_size is None and not stepper.takes_samples


# ---- without a batch size: as before, byte for byte -------------------------------------------

@pytest.mark.parametrize("granularity", GRANULARITIES)
@pytest.mark.parametrize("name", ["iris", "parity4"])
def test_a_full_batch_stepper_is_what_it_was(name, granularity):
    stepper = stepper_of(name, shuffle_seed=0)
    assert (stepper.batch_size, stepper.shuffle_seed) == (None, 0)
    layers = len(stepper.network.neural_layers)
    assert len(stepper.computations) == 10 * layers == \
        len(iteration_computations(stepper.network))
    assert not stepper.takes_samples
    assert all(c.writes != ("input_matrix",) for c in stepper.computations)
    narrations = []
    target = 3
    while stepper.network.iteration < target:
        step = stepper.step(granularity)
        narrations.append(step.narration)
        assert step.batch is None and not stepper.takes_samples
        assert len(stepper.computations) == 10 * layers
    twin, (values, points) = learned(name, 3)
    assert stepper.network.state.tobytes() == twin.state.tobytes()
    assert stepper.mse_values == list(values) and stepper.iteration_points == list(points)
    assert stepper.network.batch is None
    assert not any("mini-batch" in text or "samples again" in text for text in narrations)
    assert narrations[0].startswith("Iteration 1, ")

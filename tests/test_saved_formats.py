"""Saved work keeps loading: sessions, network files and configuration strings of every
earlier version (tests/fixtures/saved, never regenerated) load in this version.

A format that changes gets a new version and a migration from the old one; these
files must keep loading through it (see CONTRIBUTING.md, "Changing a saved format").
Network format 3 (issue 17) added the cost function, ``cost_type``: every file of formats
1 and 2 holds a network of the seed's MSE, and every configuration string without
``:cost=…`` means MSE. Network format 4 added the mini-batch a network holds, ``batch``, and
session version 3 whether the iteration under way began by taking its samples,
``takes_samples`` (issue 17 §2): every earlier session took none, and every configuration
string without ``:batch=…`` and ``:shuffle=…`` means all samples and shuffle seed 0.
"""

import hashlib
import io
import json
import pathlib
import shutil

import numpy as np
import pytest

from flux_widgets import Form_Network
from flux_widgets.datasets import load_dataset
from flux_widgets.session import (configuration_string, load_session, load_session_bytes,
                                  parse_configuration_string)
from flux_widgets.storage import VERSION, load_network

SAVED = pathlib.Path(__file__).parent / "fixtures" / "saved"
EXPECTED = json.loads((SAVED / "expected.json").read_text())


def _sha(array):
    return hashlib.sha256(np.ascontiguousarray(array, dtype="<f8")).hexdigest()


def _formed(settings):
    data = load_dataset(settings["dataset"])
    return Form_Network(settings["layers"], data.inputs, data.targets, settings["hidden"],
                        settings["output"], seed=settings["seed"],
                        init_scale=settings["init_scale"], cost=settings["cost"])


def _batch(network):
    """The mini-batch ``network`` holds, as ``expected.json`` writes it (``None``: all samples)."""
    batch = network.batch
    if batch is None:
        return None
    return {"epoch": batch.epoch, "number": batch.number, "rows": batch.rows.tolist(),
            "seed": batch.seed, "size": batch.size}


def _hidden_names(hidden):
    return [kind.name for kind in hidden] if isinstance(hidden, list) else hidden.name


@pytest.mark.parametrize("name", sorted(EXPECTED["sessions"]))
@pytest.mark.parametrize("how", ["path", "bytes"])
def test_an_earlier_session_loads_as_it_was_saved(name, how):
    expected = EXPECTED["sessions"][name]
    if how == "path":
        stepper, settings, predictions = load_session(SAVED / name)
    else:
        stepper, settings, predictions = load_session_bytes((SAVED / name).read_bytes(), name)
    assert configuration_string(dict(settings, learning_rate=stepper.learning_rate,
                                     batch_size=stepper.batch_size,
                                     shuffle_seed=stepper.shuffle_seed)) \
        == configuration_string(settings) == expected["configuration"]
    assert (stepper.batch_size, stepper.shuffle_seed) == (settings["batch_size"],
                                                          settings["shuffle_seed"])
    assert stepper.position == expected["position"]
    assert stepper.network.iteration == expected["iteration"]
    assert len(stepper.mse_values) == expected["curve_length"]
    assert stepper.iteration_points[-3:] == expected["iteration_points_tail"]
    assert stepper.mse_values[-3:] == expected["mse_tail"]
    assert _sha(stepper.network.state) == expected["state_sha256"]
    cost = stepper.network.cost
    assert (np.isnan(cost) if expected["cost"] is None else cost == expected["cost"])
    # FLUX 0.1 (network format 1, session version 1) kept neither: scale 1, no score
    assert stepper.network.init_scale == settings["init_scale"] \
        == expected.get("init_scale", 1.0)
    assert predictions == tuple(expected.get("predictions", (0, 0)))
    assert all(type(count) is int for count in predictions)
    # network format 1 and 2 kept no cost function: the seed's MSE
    assert stepper.network.cost_type.value == settings["cost"].value \
        == expected.get("cost_type", "mse")
    # network format 4 on: the mini-batch held; session version 3 on: whether the iteration
    # under way took its samples (before mini-batches: all samples, none taken)
    assert _batch(stepper.network) == expected.get("batch")
    assert stepper.takes_samples is expected.get("takes_samples", False)
    stepper.reset()  # to the network as formed, at its weight scale, holding all samples
    assert np.array_equal(stepper.network.state, _formed(settings).state)
    assert stepper.network.batch is None
    stepper.undo()
    assert _sha(stepper.network.state) == expected["state_sha256"]
    assert _batch(stepper.network) == expected.get("batch")
    assert stepper.position == expected["position"]
    stepper.step("iteration")  # and it goes on
    assert np.isfinite(stepper.network.state).all()


@pytest.mark.parametrize("name", sorted(EXPECTED["networks"]))
def test_an_earlier_network_file_loads_as_it_was_saved(name):
    expected = EXPECTED["networks"][name]
    network, extra = load_network(SAVED / name)
    assert network.layers_vector == expected["layers_vector"]
    assert network.iteration == expected["iteration"]
    assert network.seed == expected["seed"]
    assert network.cost == expected["cost"]
    assert extra == expected["extra"]
    assert _sha(network.state) == expected["state_sha256"]
    assert network.init_scale == expected.get("init_scale", 1.0)
    assert network.cost_type.value == expected.get("cost_type", "mse")
    batch = expected.get("batch")   # from format 4 on: the mini-batch the network held
    assert (network.batch is None) == (batch is None)
    if batch is not None:
        assert (network.batch.epoch, network.batch.number, network.batch.size,
                network.batch.seed) == (batch["epoch"], batch["number"], batch["size"],
                                        batch["seed"])
        assert network.batch.rows.tolist() == batch["rows"]
        assert network.neural_layers[0].input_matrix.shape[0] == len(batch["rows"])


@pytest.mark.parametrize("text", sorted(EXPECTED["configurations"]))
def test_an_earlier_configuration_string_gives_the_same_settings(text):
    expected = EXPECTED["configurations"][text]
    settings = parse_configuration_string(text)
    assert {"layers": settings["layers"], "hidden": _hidden_names(settings["hidden"]),
            "output": settings["output"].name, "learning_rate": settings["learning_rate"],
            "dataset": settings["dataset"], "seed": settings["seed"],
            "init_scale": settings["init_scale"], "cost": settings["cost"].value,
            "batch_size": settings["batch_size"], "shuffle_seed": settings["shuffle_seed"],
            "canonical": configuration_string(settings)} == {
                "init_scale": 1.0, "cost": "mse", "batch_size": None, "shuffle_seed": 0,
                **expected}


def test_the_panel_loads_an_earlier_session_and_pastes_an_earlier_string(tmp_path, monkeypatch):
    pytest.importorskip("ipywidgets")
    from flux_widgets.widgets.panel import Panel

    name = "iris_per_layer_trained.npz"
    shutil.copy(SAVED / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    panel = Panel()
    panel.keep.filename.value = name
    assert panel.keep.load(), panel.keep.message.value
    assert panel.stepper.learning_rate == 0.123456789
    assert _sha(panel.network.state) == EXPECTED["sessions"][name]["state_sha256"]
    text = " FLUX1 : Iris : 6 , 5 , 3 : TANH , ReLU : Sigmoid : LR = 0.05 : Seed = 3 "
    assert panel.keep.use(text), panel.keep.message.value
    assert panel.keep.shared.value == EXPECTED["configurations"][text]["canonical"]
    panel.close()


def test_a_later_format_version_migrates_the_files_of_this_one(monkeypatch):
    """How the next format change must go: a migration from the version before, and every
    fixture still loads through it (the checksum is of the file as it was written)."""
    from flux_widgets import session, storage

    version, session_version = storage.VERSION, session.SESSION_VERSION

    def to_next_version(meta):  # e.g. the next version keeps a note on the network
        return dict(meta, version=version + 1, network_note="")

    def to_next_session_version(extra):  # e.g. the next session version keeps a note
        return dict(extra, session_version=session_version + 1, note="")

    monkeypatch.setattr(storage, "VERSION", version + 1)
    monkeypatch.setattr(storage, "_KEYS", (*storage._KEYS, "network_note"))
    monkeypatch.setattr(storage, "_MIGRATIONS", {**storage._MIGRATIONS, version: to_next_version})
    monkeypatch.setattr(session, "SESSION_VERSION", session_version + 1)
    monkeypatch.setattr(session, "_SESSION_KEYS", (*session._SESSION_KEYS, "note"))
    monkeypatch.setattr(session, "_SESSION_MIGRATIONS",
                        {**session._SESSION_MIGRATIONS, session_version: to_next_session_version})
    for name, expected in EXPECTED["networks"].items():
        network, _ = load_network(SAVED / name)
        assert _sha(network.state) == expected["state_sha256"]
    for name, expected in EXPECTED["sessions"].items():
        stepper, _, predictions = load_session(SAVED / name)
        assert stepper.position == expected["position"]
        assert predictions == tuple(expected.get("predictions", (0, 0)))


def _saved_meta(name):
    """The description (meta) of a fixture as it was written, before any migration."""
    import zipfile

    with zipfile.ZipFile(SAVED / name) as archive:
        return json.loads(np.load(io.BytesIO(archive.read("meta.npy"))).item())


# the network format each fixture was written in (tests/fixtures/saved/README.md)
FORMAT_VERSIONS = {"parity4_mid_iteration.npz": 1, "iris_per_layer_trained.npz": 1,
                   "xor_formed.npz": 1, "circles_network.npz": 1,
                   "parity4_scaled_predictions_v2.npz": 2,
                   "iris_softmax_cross_entropy_v3.npz": 3, "iris_minibatch_v4.npz": 4,
                   "iris_minibatch_session_v3.npz": 4}
# the session version each session fixture was written in (FLUX 0.1 wrote none: 1)
SESSION_VERSIONS = {"parity4_mid_iteration.npz": 1, "iris_per_layer_trained.npz": 1,
                    "xor_formed.npz": 1, "parity4_scaled_predictions_v2.npz": 2,
                    "iris_softmax_cross_entropy_v3.npz": 2, "iris_minibatch_session_v3.npz": 3}


def test_the_fixtures_keep_every_format_version():
    assert sorted(FORMAT_VERSIONS) == sorted([*EXPECTED["sessions"], *EXPECTED["networks"]])
    assert sorted(set(FORMAT_VERSIONS.values())) == list(range(1, VERSION + 1))
    for name, version in FORMAT_VERSIONS.items():
        meta = _saved_meta(name)
        assert meta["version"] == version
        assert ("init_scale" in meta) == (version >= 2)
        assert ("cost_type" in meta) == (version >= 3)
        assert ("batch" in meta) == (version >= 4)


def test_the_session_fixtures_keep_every_session_version():
    from flux_widgets.session import SESSION_VERSION

    assert sorted(SESSION_VERSIONS) == sorted(EXPECTED["sessions"])
    assert sorted(set(SESSION_VERSIONS.values())) == list(range(1, SESSION_VERSION + 1))
    for name, version in SESSION_VERSIONS.items():
        extra = _saved_meta(name)["extra"]
        assert extra.get("session_version", 1) == version
        assert ("predictions" in extra) == (version >= 2)
        assert ("takes_samples" in extra) == (version >= 3)


def test_the_cross_entropy_session_of_format_3_continues_as_its_network_would():
    """The v3 fixture: iris 6-3, a softmax output and cross-entropy, formed at scale 2."""
    from flux_widgets.activations import ActivationType
    from flux_widgets.costs import CostType

    name = "iris_softmax_cross_entropy_v3.npz"
    assert _saved_meta(name)["cost_type"] == "cross_entropy"
    stepper, settings, _ = load_session(SAVED / name)
    network = stepper.network
    assert network.cost_type is settings["cost"] is CostType.CROSS_ENTROPY
    assert network.output_activation is ActivationType.SOFTMAX
    assert network.init_scale == 2.0
    # the cost of iteration 7 (stepped mid forward pass: no parameter moved yet) is the
    # cross-entropy of the saved parameters, computed here from the textbook formulas
    first, second = network.neural_layers
    hidden = np.tanh(network.inputMatrix @ first.weights_matrix + first.bias_matrix)
    logits = hidden @ second.weights_matrix + second.bias_matrix
    logits -= logits.max(axis=1, keepdims=True)
    log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    by_hand = -np.sum(network.outputMatrix * log_p) / network.sample_size
    stepper.step("iteration")  # the rest of iteration 7
    assert stepper.iteration_points[-1] == 7 == network.iteration
    assert stepper.mse_values[-1] == network.cost
    assert network.cost == pytest.approx(by_hand, rel=1e-12)
    assert network.cost < EXPECTED["sessions"][name]["cost"]  # it keeps learning


def test_the_minibatch_session_of_version_3_continues_as_the_uninterrupted_run():
    """The session version 3 fixture: iris 6-3 (softmax, cross-entropy) stepped in batches of
    32 shuffled with seed 5, saved after 5 iterations and 2 computations of the 6th, which
    took mini-batch 0 of epoch 1. Loaded, it goes on as the run that was never saved: the
    same batches, the same numbers (to far below what another CPU's last bits may change;
    tests/test_session.py checks a saved and loaded run bit for bit in one process)."""
    from flux_widgets.activations import ActivationType
    from flux_widgets.costs import CostType
    from flux_widgets.network import Learn
    from flux_widgets.stepper import Stepper

    name = "iris_minibatch_session_v3.npz"
    assert _saved_meta(name)["extra"]["takes_samples"] is True
    stepper, settings, predictions = load_session(SAVED / name)
    network = stepper.network
    assert (settings["batch_size"], settings["shuffle_seed"]) == (32, 5)
    assert (stepper.batch_size, stepper.shuffle_seed, stepper.learning_rate) == (32, 5, 0.5)
    assert network.cost_type is CostType.CROSS_ENTROPY
    assert network.output_activation is ActivationType.SOFTMAX
    assert stepper.takes_samples and predictions == (1, 1)
    assert (stepper.position, len(stepper.computations)) == (2, 21)
    assert stepper.place == ("in iteration 6 (mini-batch 0 of epoch 1, 32 samples), after 2 of "
                             "its 21 computations")
    # the batch is the documented shuffle's: epoch 1's order, its first 32 samples
    rows = np.random.default_rng([5, 1]).permutation(150)[:32]
    assert network.batch.rows.tolist() == rows.tolist()
    assert np.array_equal(network.neural_layers[0].input_matrix, network.inputMatrix[rows])
    assert [layer.sample_size for layer in network.neural_layers] == [32, 32]
    # layer 1's x·W is this batch's; nothing after it is yet (it belongs to the batch before)
    assert stepper.computed(1, "weight_and_input_matrix")
    assert not stepper.computed(1, "weight_input_bias_matrix")
    assert not stepper.computed(2, "cost")
    # iteration 6's cost is the batch's cross-entropy of the saved parameters (no update yet),
    # computed here from the textbook formulas
    first, second = network.neural_layers
    hidden = np.tanh(network.inputMatrix[rows] @ first.weights_matrix + first.bias_matrix)
    logits = hidden @ second.weights_matrix + second.bias_matrix
    logits -= logits.max(axis=1, keepdims=True)
    log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    by_hand = -np.sum(network.outputMatrix[rows] * log_p) / len(rows)
    stepper.step("iteration")   # the rest of iteration 6
    assert stepper.iteration_points[-1] == 6 == network.iteration
    assert stepper.mse_values[-1] == network.cost == pytest.approx(by_hand, rel=1e-12)
    # on, across the end of epoch 1 (iteration 10), then trained: as the uninterrupted run
    uninterrupted = Stepper(_formed(settings), 0.5, batch_size=32, shuffle_seed=5)
    for _ in range(6):
        uninterrupted.step("iteration")
    for each in (stepper, uninterrupted):
        for granularity in ["computation"] * 3 + ["layer", "phase"] + ["iteration"] * 5:
            each.step(granularity)
        each.train(4)
    twin = _formed(settings)
    values, points = Learn(twin, 0.5, 15, batch_size=32, shuffle_seed=5)
    for other in (uninterrupted.network, twin):
        assert network.iteration == other.iteration == 15
        assert _batch(network) == _batch(other)
        np.testing.assert_allclose(network.state, other.state, rtol=1e-9, atol=1e-12)
    assert (network.batch.epoch, network.batch.number, len(network.batch.rows)) == (2, 4, 22)
    assert stepper.iteration_points == list(points) == uninterrupted.iteration_points
    assert stepper.mse_values[2:5] == EXPECTED["sessions"][name]["mse_tail"]   # as saved
    np.testing.assert_allclose(stepper.mse_values, values, rtol=1e-9)
    np.testing.assert_allclose(stepper.mse_values, uninterrupted.mse_values, rtol=1e-9)


def test_a_file_of_a_newer_version_is_refused_with_a_reason(tmp_path, refused):
    import io
    import zipfile

    from flux_widgets.errors import StorageError

    source = SAVED / "circles_network.npz"
    target = tmp_path / "newer.npz"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "meta.npy":
                meta = json.loads(np.load(io.BytesIO(data)).item())
                buffer = io.BytesIO()
                np.save(buffer, np.array(json.dumps(dict(meta, version=99))))
                data = buffer.getvalue()
            new.writestr(info.filename, data)
    refused(lambda: load_network(target), StorageError,
            "newer or other version.*update flux-widgets")

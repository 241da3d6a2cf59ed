"""Safe save/load: exact round trips, and every untrustworthy file refused with StorageError."""

import json
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flux_widgets import Form_Network, Learn, StorageError
from flux_widgets import storage
from flux_widgets.storage import load_network, save_network

X = np.array([[int(b) for b in f"{i:04b}"] for i in range(16)], float)
T = X.sum(axis=1) % 2


def trained(layers=(3, 1), hidden="tanh", seed=1):
    network = Form_Network(list(layers), X, T, hidden, "sigmoid", seed=seed)
    Learn(network, 0.5, 20)
    return network


@pytest.mark.parametrize("layers, hidden", [
    ((1,), "tanh"), ((3, 1), "tanh"), ((5, 4, 1), ["relu", "swish"]), ((8, 4, 1), "leaky_relu"),
])
def test_round_trip_is_exact_and_training_resumes_identically(tmp_path, layers, hidden):
    network = trained(layers, hidden)
    path = tmp_path / "net.flux"
    save_network(network, path, extra={"position": 7, "learning_rate": 0.5, "note": "é"})
    loaded, extra = load_network(path)
    assert extra == {"position": 7, "learning_rate": 0.5, "note": "é"}
    assert np.array_equal(loaded.state, network.state)
    assert (loaded.cost, loaded.iteration, loaded.seed) == (network.cost, 20, 1)
    assert loaded.layers_vector == network.layers_vector
    assert [layer.activation for layer in loaded.neural_layers] == \
        [layer.activation for layer in network.neural_layers]
    for a, b in zip(loaded.neural_layers, network.neural_layers):
        for name, matrix in b.matrices.items():
            assert np.array_equal(a.matrices[name], matrix), name
    assert np.array_equal(Learn(loaded, 0.5, 15)[0], Learn(network, 0.5, 15)[0])


def test_a_formed_network_without_a_cost_round_trips(tmp_path):
    network = Form_Network([2, 1], X, T, seed=None)
    save_network(network, tmp_path / "n")  # no suffix needed
    loaded, _ = load_network(tmp_path / "n")
    assert np.isnan(loaded.cost) and loaded.seed is None
    assert np.array_equal(loaded.state, network.state)


def test_save_refuses_what_it_cannot_store(tmp_path):
    with pytest.raises(StorageError, match="needs a formed network"):
        save_network("network", tmp_path / "x")
    with pytest.raises(StorageError, match="plain JSON"):
        save_network(trained(), tmp_path / "x", extra={"f": lambda: 1})
    with pytest.raises(StorageError, match="cannot write"):
        save_network(trained(), tmp_path / "missing" / "x")


def rewrite(path, meta_change=None, arrays_change=None, keep_checksum=True):
    """Re-pack a saved file with its meta or arrays edited."""
    with np.load(path, allow_pickle=False) as archive:
        contents = {name: archive[name] for name in archive.files}
    meta = json.loads(str(contents["meta"]))
    if meta_change:
        meta_change(meta)
    if arrays_change:
        arrays_change(contents)
    contents["meta"] = np.array(json.dumps(meta))
    with open(path, "wb") as file:
        np.savez(file, **contents)
    return path


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "net.flux"
    save_network(trained(), path)
    return path


@pytest.mark.parametrize("edit, message", [
    (lambda m: m.update(version=2), "format version 2"),
    (lambda m: m.update(format="other"), "not a FLUX network file"),
    (lambda m: m.pop("seed"), "lacks \\['seed'\\]"),
    (lambda m: m.update(layers_vector=[4, 0, 1]), "layers_vector"),
    (lambda m: m.update(activations=["TANH", "EVAL"]), "activations"),
    (lambda m: m.update(iteration=-1), "cannot be negative"),
    (lambda m: m.update(cost="0.1"), "cost has the wrong kind"),
    (lambda m: m.update(iteration=21), "was changed after it was saved"),
])
def test_edited_descriptions_are_refused(saved, edit, message):
    with pytest.raises(StorageError, match=message):
        load_network(rewrite(saved, meta_change=edit))


def test_edited_weights_are_refused(saved):
    def nudge(contents):
        contents["state"] = contents["state"].copy()
        contents["state"][0] += 1e-9
    with pytest.raises(StorageError, match="changed after it was saved"):
        load_network(rewrite(saved, arrays_change=nudge))


@pytest.mark.parametrize("change, message", [
    (lambda c: c.update(state=c["state"][:-1]), "changed after|do not fit"),
    (lambda c: c.update(state=c["state"].astype(np.float32)), "wrong type"),
    (lambda c: c.update(inputs=np.full_like(c["inputs"], np.nan)), "inf or nan"),
    (lambda c: c.pop("targets"), "not a FLUX network file"),
    (lambda c: c.update(extra=np.zeros(2)), "not a FLUX network file"),
])
def test_broken_arrays_are_refused(saved, change, message):
    with pytest.raises(StorageError, match=message):
        load_network(rewrite(saved, arrays_change=change))


def test_pickled_objects_are_never_loaded(tmp_path):
    marker = tmp_path / "executed"

    class Payload:
        def __reduce__(self):
            return (marker.write_text, ("boom",))

    path = tmp_path / "evil.flux"
    with open(path, "wb") as file:
        np.savez(file, meta=np.array([Payload()], dtype=object), inputs=X, targets=T,
                 state=np.zeros(3))
    with pytest.raises(StorageError, match="Python objects, which FLUX never loads"):
        load_network(path)
    assert not marker.exists()


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"), (b"hello", "not a FLUX network file"),
    (b"PK\x03\x04" + b"\x00" * 40, "not a FLUX network file"),
])
def test_junk_files(tmp_path, content, message):
    path = tmp_path / "junk.flux"
    path.write_bytes(content)
    with pytest.raises(StorageError, match=message):
        load_network(path)


def test_missing_file_folder_and_truncation(tmp_path, saved):
    with pytest.raises(StorageError, match="there is no file"):
        load_network(tmp_path / "nope.flux")
    with pytest.raises(StorageError, match="is a folder"):
        load_network(tmp_path)
    data = saved.read_bytes()
    for cut in (10, len(data) // 2, len(data) - 5):
        saved.write_bytes(data[:cut])
        with pytest.raises(StorageError):
            load_network(saved)


def test_a_zip_bomb_is_refused_before_unpacking(tmp_path, monkeypatch):
    """The unpacked sizes in the zip directory are checked before anything is read.

    The limits are lowered for the test, so a 1 MB member (a few kB on disk)
    stands in for gigabytes.
    """
    monkeypatch.setattr(storage, "MAX_NETWORK_BYTES", 1000)
    monkeypatch.setattr(storage, "MAX_FILE_BYTES", 100_000)
    path = tmp_path / "bomb.flux"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ("meta", "inputs", "targets"):
            archive.writestr(f"{name}.npy", b"x")
        archive.writestr("state.npy", bytes(1024 ** 2))
    assert path.stat().st_size < 10_000
    with pytest.raises(StorageError, match="would unpack to more"):
        load_network(path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_corruption_is_refused_or_harmless(saved, data):
    original = saved.read_bytes()
    corrupted = bytearray(original)
    for _ in range(data.draw(st.integers(1, 8))):
        corrupted[data.draw(st.integers(0, len(corrupted) - 1))] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        corrupted = corrupted[:data.draw(st.integers(0, len(corrupted)))]
    saved.write_bytes(bytes(corrupted))
    try:
        network, _ = load_network(saved)
    except StorageError:
        pass
    else:  # only a change that altered nothing that matters may load, and then exactly
        saved.write_bytes(original)
        reference, _ = load_network(saved)
        assert np.array_equal(network.state, reference.state)
    finally:
        saved.write_bytes(original)


@settings(max_examples=100, deadline=None)
@given(content=st.binary(max_size=300))
def test_arbitrary_bytes_are_refused(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("bytes") / "x.flux"
    path.write_bytes(content)
    with pytest.raises(StorageError):
        load_network(path)

"""save_network / load_network: exact round trips, and every untrustworthy file refused."""

import hashlib
import io
import json
import os
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flux_widgets import ConfigurationError, Form_Network, Learn, StorageError, checks, storage
from flux_widgets.storage import load_network, save_network
from reference import parity4, refused

X, T = parity4()
EXTRA = {"position": 7, "learning_rate": 0.5, "note": "é", "nested": [1, {"a": None}]}


def parity(layers=(3, 1), hidden="tanh", seed=1, iterations=20):
    network = Form_Network(list(layers), X, T, hidden, "sigmoid", seed=seed)
    Learn(network, 0.5, iterations)
    return network


def spec_checksum(meta, inputs, targets, state):
    """The checksum exactly as the format describes it."""
    digest = hashlib.sha256()
    for array in (inputs, targets, state):
        digest.update(np.asarray(array, dtype="<f8").tobytes(order="C"))
    rest = {key: value for key, value in meta.items() if key != "sha256"}
    digest.update(json.dumps(rest, sort_keys=True).encode())
    return digest.hexdigest()


def assert_same_network(loaded, network):
    assert loaded.layers_vector == network.layers_vector
    assert [layer.activation for layer in loaded.neural_layers] == \
        [layer.activation for layer in network.neural_layers]
    for mine, theirs in zip(loaded.neural_layers, network.neural_layers):
        assert mine.matrices.keys() == theirs.matrices.keys()
        for name, matrix in theirs.matrices.items():
            assert np.array_equal(mine.matrices[name], matrix), name
    assert np.array_equal(loaded.state, network.state)
    assert np.array_equal(loaded.inputMatrix, network.inputMatrix)
    assert np.array_equal(loaded.outputMatrix, network.outputMatrix)
    assert np.array_equal(loaded.cost, network.cost, equal_nan=True)
    assert (loaded.iteration, loaded.seed) == (network.iteration, network.seed)


# --------------------------------------------------------------------------
# Round trips.
# --------------------------------------------------------------------------

@pytest.mark.parametrize("layers, hidden", [
    ((1,), "tanh"), ((3, 1), "tanh"), ((5, 4, 1), ["relu", "swish"]),
    ((8, 4, 1), "leaky_relu"), ((6, 5, 3, 1), ["elu", "linear", "sigmoid"]),
])
def test_round_trip_is_bit_exact_and_trains_on_identically(tmp_path, layers, hidden):
    network = parity(layers, hidden)
    path = tmp_path / "net.npz"
    save_network(network, path, extra=EXTRA)
    loaded, extra = load_network(path)
    assert extra == EXTRA
    assert_same_network(loaded, network)
    assert np.array_equal(Learn(loaded, 0.5, 20)[0], Learn(network, 0.5, 20)[0])
    assert_same_network(loaded, network)


def test_a_saved_network_resumes_exactly_where_it_stopped(tmp_path):
    straight = parity(iterations=0)
    Learn(straight, 0.3, 40)
    paused = parity(iterations=0)
    Learn(paused, 0.3, 25)
    save_network(paused, tmp_path / "paused.npz")
    resumed, _ = load_network(tmp_path / "paused.npz")
    mse, points = Learn(resumed, 0.3, 15)
    assert list(points) == list(range(26, 41))
    assert_same_network(resumed, straight)


def test_the_file_follows_the_documented_format(tmp_path):
    network = parity((5, 4, 1), ["relu", "swish"])
    path = tmp_path / "net.npz"
    save_network(network, path, extra={"position": 3})
    with np.load(path, allow_pickle=False) as archive:
        assert sorted(archive.files) == ["inputs", "meta", "state", "targets"]
        inputs, targets, state = archive["inputs"], archive["targets"], archive["state"]
        raw_meta = archive["meta"]
    assert raw_meta.dtype.kind == "U" and raw_meta.ndim == 0
    meta = json.loads(raw_meta.item())
    assert inputs.shape == (16, 4) and targets.shape == (16, 1) and state.ndim == 1
    assert meta == {"format": "flux-network", "version": 4, "layers_vector": [4, 5, 4, 1],
                    "activations": ["RELU", "SWISH", "SIGMOID"], "seed": 1,
                    "init_scale": 1.0, "cost_type": "mse", "batch": None, "iteration": 20,
                    "cost": network.cost, "extra": {"position": 3},
                    "sha256": spec_checksum(meta, inputs, targets, state)}
    with zipfile.ZipFile(path) as archive:
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_DEFLATED}


def test_an_unseeded_untrained_network_round_trips_without_a_suffix(tmp_path):
    network = Form_Network([2, 1], X, T, seed=None)
    path = tmp_path / "my network"
    save_network(network, path)
    assert os.listdir(tmp_path) == ["my network"]
    loaded, extra = load_network(str(path))
    assert extra == {} and loaded.seed is None and np.isnan(loaded.cost)
    assert_same_network(loaded, network)


def test_saving_replaces_an_old_file_and_extra_comes_back_as_json(tmp_path):
    path = tmp_path / "net.npz"
    save_network(parity(iterations=5), path)
    save_network(parity(iterations=9), path, extra={"pair": (1, 2), 3: "three"})
    loaded, extra = load_network(path)
    assert loaded.iteration == 9 and extra == {"pair": [1, 2], "3": "three"}


# --------------------------------------------------------------------------
# Refusing to save.
# --------------------------------------------------------------------------

@pytest.mark.parametrize("extra, message", [
    ([1, 2], "extra must be a dict"),
    ({"f": print}, "plain JSON"),
    ({"x": float("nan")}, "plain JSON"),
    ({"big": np.int64(3)}, "plain JSON"),
])
def test_save_refuses_an_extra_json_cannot_hold(tmp_path, extra, message):
    with pytest.raises(StorageError, match=message):
        save_network(parity(), tmp_path / "x", extra=extra)
    assert os.listdir(tmp_path) == []


def test_save_refuses_what_it_cannot_write(tmp_path, monkeypatch):
    with pytest.raises(StorageError, match="needs a formed network"):
        save_network("network", tmp_path / "x")
    with pytest.raises(StorageError, match="cannot write"):
        save_network(parity(), tmp_path / "missing" / "x")
    with pytest.raises(StorageError, match="cannot write"):
        save_network(parity(), tmp_path)
    broken = parity()
    broken.state[0] = np.inf
    with pytest.raises(StorageError, match="holds inf or nan"):
        save_network(broken, tmp_path / "x")
    monkeypatch.setattr(storage, "MAX_FILE_BYTES", 100)
    with pytest.raises(StorageError, match="too large to load again"):
        save_network(parity(), tmp_path / "x")
    assert os.listdir(tmp_path) == []


def test_an_interrupted_save_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "net.npz"
    save_network(parity(iterations=5), path)
    before = path.read_bytes()

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez_compressed", crash)
    with pytest.raises(KeyboardInterrupt):
        save_network(parity(iterations=9), path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["net.npz"]


# --------------------------------------------------------------------------
# Refusing to load: hand-made bad files.
# --------------------------------------------------------------------------

@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "net.npz"
    save_network(parity(), path, extra={"position": 4})
    return path


def contents_of(path):
    with np.load(path, allow_pickle=False) as archive:
        contents = {name: archive[name] for name in archive.files}
    return json.loads(contents.pop("meta").item()), contents


def pack(path, meta, arrays, reseal=True):
    """Write ``meta`` and ``arrays`` as an npz; ``reseal`` recomputes the checksum, if any."""
    if reseal and isinstance(meta, dict) and isinstance(meta.get("sha256"), str) \
            and {"inputs", "targets", "state"} <= arrays.keys():
        meta["sha256"] = spec_checksum(meta, arrays["inputs"], arrays["targets"],
                                       arrays["state"])
    text = json.dumps(meta) if isinstance(meta, (dict, list)) else meta
    with open(path, "wb") as file:
        np.savez(file, meta=np.array(text), **arrays)
    return path


def npy(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def refuses_to_load(path, message):
    return refused(lambda: load_network(path), StorageError, message)


def test_a_resealed_but_unchanged_file_still_loads(saved):
    pack(saved, *contents_of(saved))
    assert load_network(saved)[1] == {"position": 4}


@pytest.mark.parametrize("edit, message", [
    (lambda m: m.update(format="keras"), "not a FLUX network file .its format is 'keras'"),
    (lambda m: m.update(version=5), "newer or other version of FLUX .file format version 5"),
    (lambda m: m.update(version=True), "newer or other version"),
    (lambda m: m.pop("seed"), "the description .meta. lacks seed"),
    (lambda m: m.pop("sha256"), "lacks sha256"),
    (lambda m: m.update(colour="red"), "unknown entries colour"),
    (lambda m: m.update(layers_vector=[4, 0, 1]), "layers_vector should be a list"),
    (lambda m: m.update(layers_vector=[4, 3.0, 1]), "layers_vector should be a list"),
    (lambda m: m.update(layers_vector="4-3-1"), "layers_vector should be a list"),
    (lambda m: m.update(layers_vector=[4, 2, 1]), "state holds 441 numbers, but a 4-2-1 "
                                                  "network on 16 samples has 327"),
    (lambda m: m.update(layers_vector=[5, 3, 1]), "layers_vector \\[5, 3, 1\\] has 5 inputs, but "
                                                  "inputs has 4 columns"),
    (lambda m: m.update(layers_vector=[4, 3, 2]), "has 2 outputs, but targets has 1 column"),
    (lambda m: m.update(layers_vector=[4, 10 ** 9, 1]),
     "cannot be loaded here: a 4-1000000000-1 network on 16 samples would need 912.0 GB of "
     "memory, more than the kit's limit of .*; load it where there is more memory"),
    (lambda m: m.update(activations=["TANH", "EVAL"]), "unknown activation 'EVAL'"),
    (lambda m: m.update(activations=["tanh", "sigmoid"]), "unknown activation 'tanh'"),
    (lambda m: m.update(activations=["TANH"]), "1 activations for 2 layers"),
    (lambda m: m.update(activations=[["TANH"], 1]), "activations should be a list of names"),
    (lambda m: m.update(seed=-1), "seed should be a whole number"),
    (lambda m: m.pop("init_scale"), "the description .meta. lacks init_scale"),
    (lambda m: m.update(init_scale=0), "init_scale is wrong: .* positive number such as 5, got 0"),
    (lambda m: m.update(init_scale=-2.5), "init_scale is wrong: .* got -2.5"),
    (lambda m: m.update(init_scale="3"), "init_scale is wrong: .* got '3'"),
    (lambda m: m.update(init_scale=True), "init_scale is wrong: .* got True"),
    (lambda m: m.update(init_scale=None), "init_scale is wrong: .* got None"),
    (lambda m: m.update(init_scale=10 ** 400), "init_scale is wrong"),
    (lambda m: m.update(init_scale=1001), "init_scale is wrong: .* at most 1,000"),
    (lambda m: m.update(iteration=-1), "iteration should be a whole number"),
    (lambda m: m.update(iteration=2.5), "iteration should be a whole number"),
    (lambda m: m.update(cost="0.1"), "cost should be a finite number"),
    (lambda m: m.update(cost=-1.0), "cost should be a finite number"),
    (lambda m: m.update(extra=[1]), "extra should be a JSON object"),
    (lambda m: m.update(sha256=12), "sha256 should be text"),
])
def test_a_bad_description_is_refused(saved, edit, message):
    meta, arrays = contents_of(saved)
    edit(meta)
    refuses_to_load(pack(saved, meta, arrays), message)


@pytest.mark.parametrize("text, message", [
    ("{not json", "not valid JSON"),
    ('{"cost": NaN}', "not valid JSON"),
    ("[" * 100_000, "not valid JSON"),
    ("[1, 2]", "not a FLUX network file"),
])
def test_a_description_that_is_not_a_json_object_is_refused(saved, text, message):
    _, arrays = contents_of(saved)
    refuses_to_load(pack(saved, text, arrays), message)


def test_non_finite_numbers_in_the_description_are_refused(saved):
    meta, arrays = contents_of(saved)
    meta["extra"] = {"huge": "HUGE"}
    text = json.dumps(meta).replace('"HUGE"', "1e999")  # valid JSON, read as inf
    refuses_to_load(pack(saved, text, arrays), "holds a number that is not finite")


@pytest.mark.parametrize("change, message", [
    (lambda a: a.update(state=a["state"].astype(np.float32)), "state should hold float64"),
    (lambda a: a.update(inputs=a["inputs"].astype(np.int64)), "inputs should hold float64"),
    (lambda a: a.update(targets=a["targets"].astype(np.float16)), "targets should hold float64"),
    (lambda a: a.update(state=a["state"][:-1]),
     "state holds 440 numbers, but a 4-3-1 network on 16 samples has 441"),
    (lambda a: a.update(state=a["state"].reshape(1, -1)), "state should be a non-empty 1-D"),
    (lambda a: a.update(inputs=a["inputs"].ravel()), "inputs should be a non-empty 2-D"),
    (lambda a: a.update(targets=np.zeros((16, 0))), "targets should be a non-empty 2-D"),
    (lambda a: a.update(targets=a["targets"][:-1]), "inputs has 16 rows but targets has 15"),
    (lambda a: a.update(inputs=np.where(X == 1, np.nan, X)), "inputs holds inf or nan"),
    (lambda a: a.update(state=np.full_like(a["state"], -np.inf)), "state holds inf or nan"),
    (lambda a: a.pop("targets"), "it lacks targets.npy"),
    (lambda a: a.update(weights=np.zeros(2)), "unexpected or repeated weights.npy"),
])
def test_bad_arrays_are_refused(saved, change, message):
    meta, arrays = contents_of(saved)
    change(arrays)
    refuses_to_load(pack(saved, meta, arrays), message)


def test_a_meta_that_is_not_text_is_refused(saved):
    meta, arrays = contents_of(saved)
    with open(saved, "wb") as file:
        np.savez(file, meta=np.zeros(3), **arrays)
    refuses_to_load(saved, "the description .meta. should be text, but holds float64")
    with open(saved, "wb") as file:
        np.savez(file, meta=np.array([json.dumps(meta)] * 2), **arrays)
    refuses_to_load(saved, "should be one piece of text")


def test_other_byte_orders_and_a_one_element_meta_are_read(saved):
    meta, arrays = contents_of(saved)
    big = {name: array.astype(">f8") for name, array in arrays.items()}
    big["inputs"] = np.asfortranarray(big["inputs"])
    with open(saved, "wb") as file:
        np.savez(file, meta=np.array([json.dumps(meta)]), **big)
    loaded, extra = load_network(saved)
    assert extra == {"position": 4}
    assert_same_network(loaded, parity())


@pytest.mark.parametrize("edit", [
    lambda m, a: m.update(iteration=21),
    lambda m, a: m["extra"].update(position=5),
    lambda m, a: a["state"].__setitem__(0, a["state"][0] + 1e-12),
    lambda m, a: a["targets"].__setitem__((0, 0), 1.0),
])
def test_a_file_changed_after_it_was_saved_is_refused(saved, edit):
    meta, arrays = contents_of(saved)
    arrays = {name: array.copy() for name, array in arrays.items()}
    edit(meta, arrays)
    refuses_to_load(pack(saved, meta, arrays, reseal=False),
                    "the file was changed after it was saved")


def test_pickled_objects_are_refused_and_never_run(tmp_path):
    marker = tmp_path / "executed"

    class Payload:
        def __reduce__(self):
            return (marker.write_text, ("the pickle ran",))

    arrays = {"inputs": X, "targets": T, "state": np.zeros(441)}
    for member in ("meta", "state"):
        path = tmp_path / f"evil-{member}.npz"
        contents = {"meta": np.array("{}"), **arrays}
        contents[member] = np.array([Payload()], dtype=object)
        with open(path, "wb") as file:
            np.savez(file, allow_pickle=True, **contents)
        refuses_to_load(path, "holds Python objects, which FLUX never loads")
    pickled = tmp_path / "evil.pkl"
    np.save(pickled, np.array([Payload()], dtype=object), allow_pickle=True)
    os.replace(f"{pickled}.npy", pickled)
    refuses_to_load(pickled, "not a FLUX network file")
    pickled.write_bytes(b"\x80\x04\x95" + bytes(20))  # how a pickle starts
    refuses_to_load(pickled, "holds Python objects, which FLUX never loads")
    assert not marker.exists()


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"hello, world", "not a FLUX network file"),
    (b"PK\x03\x04" + bytes(40), "damaged or truncated"),
])
def test_junk_files_are_refused(tmp_path, content, message):
    path = tmp_path / "junk.npz"
    path.write_bytes(content)
    refuses_to_load(path, message)


def test_missing_files_folders_and_truncated_files_are_refused(tmp_path, saved):
    refuses_to_load(tmp_path / "nope.npz", "there is no file")
    refuses_to_load(tmp_path, "is a folder, not a saved network")
    data = saved.read_bytes()
    for cut in (3, 10, 200, len(data) // 2, len(data) - 30, len(data) - 1):
        saved.write_bytes(data[:cut])
        refuses_to_load(saved, "damaged or truncated|not a FLUX network file")


def test_a_damaged_array_is_refused(saved):
    """A byte changed inside a compressed array: zip's CRC, zlib or the header catch it."""
    data = bytearray(saved.read_bytes())
    with zipfile.ZipFile(saved) as archive:
        info = archive.getinfo("state.npy")
    data[info.header_offset + 30 + len(info.filename) + info.compress_size // 2] ^= 0xFF
    saved.write_bytes(bytes(data))
    refuses_to_load(saved, "damaged")


def test_files_too_large_are_refused_before_reading(saved, monkeypatch):
    monkeypatch.setattr(storage, "MAX_FILE_BYTES", 100)
    refuses_to_load(saved, "a saved network may be at most")


def test_zip_bombs_are_refused_before_unpacking(tmp_path, monkeypatch):
    """The sizes in the zip directory and in each .npy header are checked before any data.

    The limit is lowered for the test, so a 1 MB member stands in for gigabytes.
    """
    monkeypatch.setattr(checks, "MAX_NETWORK_BYTES", 100_000)  # the kit's memory limit
    path = tmp_path / "bomb.npz"
    with open(path, "wb") as file:
        np.savez_compressed(file, meta=np.array("{}"), inputs=X, targets=T,
                            state=np.zeros(2 ** 17))
    assert path.stat().st_size < 10_000
    refuses_to_load(path, "would unpack to 1.0 MB; a saved network may unpack to at most the kit's "
                  "memory limit of 0.1 MB")

    honest = npy(np.zeros(1))  # and a .npy header claiming 10^10 numbers, with 8 bytes of data
    liar = honest.replace(b"(1,), }" + b" " * 9, b"(9999999999,), }")
    assert liar != honest and len(liar) == len(honest)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("meta.npy", npy(np.array("{}")))
        archive.writestr("inputs.npy", npy(X))
        archive.writestr("targets.npy", npy(T))
        archive.writestr("state.npy", liar)
    refuses_to_load(path, "the header of state does not match its size")


def test_other_zip_archives_are_refused(tmp_path, saved):
    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_BZIP2) as archive:
        for name in ("meta", "inputs", "targets", "state"):
            archive.writestr(f"{name}.npy", npy(np.zeros(1)))
    refuses_to_load(path, "compressed in a way FLUX never writes")
    with zipfile.ZipFile(saved) as archive, zipfile.ZipFile(path, "w") as copy:
        for info in archive.infolist():
            copy.writestr(info, archive.read(info))
        with pytest.warns(UserWarning, match="Duplicate name"):
            copy.writestr("state.npy", b"again")
    refuses_to_load(path, "unexpected or repeated state.npy")


def test_a_network_too_large_for_the_kit_is_refused(saved, monkeypatch):
    monkeypatch.setattr(checks, "MAX_NETWORK_BYTES", 100)  # unpacked, it would take more
    refuses_to_load(saved,
                    "a saved network may unpack to at most the kit's memory limit of 100 bytes")


def test_errors_from_forming_become_storage_errors(saved, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConfigurationError("no room")

    monkeypatch.setattr(storage, "Form_Network", refuse)
    refuses_to_load(saved, "the network cannot be rebuilt: no room")


# --------------------------------------------------------------------------
# Properties: damage of any kind is refused, never crashes.
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def valid_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("valid") / "net.npz"
    network = parity()
    save_network(network, path, extra=EXTRA)
    return path.read_bytes(), network


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_damage_is_refused_or_harmless(tmp_path, valid_file, data):
    original, network = valid_file
    damaged = bytearray(original)
    for _ in range(data.draw(st.integers(0, 6), label="changes")):
        position = data.draw(st.integers(0, len(damaged) - 1), label="position")
        how = data.draw(st.sampled_from(["flip", "overwrite"]), label="how")
        if how == "flip":
            damaged[position] ^= 1 << data.draw(st.integers(0, 7), label="bit")
        else:
            chunk = data.draw(st.binary(min_size=1, max_size=16), label="bytes")
            damaged[position:position + len(chunk)] = chunk
    if data.draw(st.booleans(), label="truncate"):
        damaged = damaged[:data.draw(st.integers(0, len(damaged)), label="length")]
    path = tmp_path / "damaged.npz"
    path.write_bytes(bytes(damaged))
    try:
        loaded, extra = load_network(path)
    except StorageError:
        return
    # it loaded: then the damage touched only bytes that carry nothing (a timestamp, say)
    assert extra == EXTRA
    assert_same_network(loaded, network)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.one_of(st.binary(max_size=400),
                         st.binary(max_size=400).map(lambda b: b"PK\x03\x04" + b),
                         st.binary(max_size=400).map(lambda b: b"\x93NUMPY\x01\x00" + b)))
def test_arbitrary_bytes_are_refused(tmp_path, content):
    path = tmp_path / "bytes.npz"
    path.write_bytes(content)
    with pytest.raises(StorageError):
        load_network(path)

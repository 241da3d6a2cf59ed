"""The bad-input suite: what a learner actually types or passes, refused with a specific message.

Each table row is one bad input, the kit's error class it must raise (from
``flux_widgets.errors``) and a fragment of the message. Panel rows also check
that the message is shown in the panel and that the network on screen and the
stepper (state array, position, MSE curve) are exactly as before. Huge
networks and iteration counts are refused before anything large is allocated
(``tracemalloc`` sees every numpy allocation). The property tests feed the CSV
reader and the storage format structured junk: nothing but the documented
errors may come out.

Cases covered elsewhere stay there: the matrix functions (test_matrix.py),
Form_Network's layer sizes and data (test_network.py), the CSV table of
test_datasets.py, the damaged files of test_storage.py, configuration strings
and tampered sessions (test_session.py), the panel's first bad values
(test_panel.py), the upload checks (test_controls_csv.py) and the Keep box
(test_keep.py).
"""

import io
import json
import time
import tracemalloc
import warnings
from operator import attrgetter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import flux_widgets as fw
from flux_widgets import (ConfigurationError, DataError, FluxError, Form_Network, Learn,
                          MSEGraphPlotter, ShapeError, StorageError, storage)
from flux_widgets.datasets import accuracy, load_csv, load_dataset, parse_csv, train_test_split
from flux_widgets.exercises import Exercise, compare
from flux_widgets.session import load_session, load_session_bytes, save_session
from flux_widgets.stepper import Stepper
from flux_widgets.text import matrix_text
from reference import parity4, refused

X, T = parity4()
MB = 1024 ** 2


def small_network():
    return Form_Network([3, 1], X, T, "tanh", "sigmoid", seed=0)


def peak_allocation(call):
    """Run ``call`` under tracemalloc; return (its exception or None, peak bytes, seconds)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        call()
    except FluxError as error:
        outcome = error
    else:
        outcome = None
    finally:
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return outcome, peak, seconds


# ==========================================================================
# Engine functions
# ==========================================================================

NOT_A_NETWORK = {"None": None, "Learn's result": (np.zeros(3), np.arange(1, 4)),
                 "a dataset": load_dataset("xor"), "text": "network"}

NETWORK_FUNCTIONS = {
    "Forward_Pass": lambda n: fw.Forward_Pass(n),
    "Back_Propagation": lambda n: fw.Back_Propagation(n),
    "Update_Parameters": lambda n: fw.Update_Parameters(n, 0.1),
    "Learn": lambda n: fw.Learn(n, 0.1, 5),
    "Predict": lambda n: fw.Predict(n, X),
    "network_cost": lambda n: fw.network_cost(n),
    "derive_weight_gradient": lambda n: fw.derive_weight_gradient(n, 1, 0, 0),
    "derive_bias_gradient": lambda n: fw.derive_bias_gradient(n, 1, 0),
    "finite_difference": lambda n: fw.finite_difference(n, 1, "weights", 0, 0),
    "check_gradients": lambda n: fw.check_gradients(n),
    "NNStructureVis": lambda n: fw.NNStructureVis.visualizeNetwork(n),
}


@pytest.mark.parametrize("thing", NOT_A_NETWORK.values(), ids=NOT_A_NETWORK.keys())
@pytest.mark.parametrize("call", NETWORK_FUNCTIONS.values(), ids=NETWORK_FUNCTIONS.keys())
def test_something_that_is_not_a_network_is_refused(call, thing):
    refused(lambda: call(thing), ConfigurationError, "needs a network made by Form_Network")


ENGINE_CASES = [
    # (id, call, error, message fragment)
    ("split of a name", lambda: train_test_split("iris"), ConfigurationError,
     r"train_test_split needs a Dataset such as load_dataset\('iris'\), got str"),
    ("split of None", lambda: train_test_split(None, 0.5), ConfigurationError,
     "needs a Dataset"),
    ("accuracy of nan outputs", lambda: accuracy([[0.2], [np.nan]], [0, 1]), DataError,
     "the outputs of sample 1 are not finite numbers"),
    ("accuracy of inf outputs", lambda: accuracy([[np.inf, 0.0]], [0]), DataError,
     "sample 0 are not finite"),
    ("accuracy of text labels", lambda: accuracy([[0.2], [0.9]], ["cat", "dog"]), DataError,
     "labels must be class indices"),
    ("accuracy of fractional labels", lambda: accuracy([[0.2], [0.9]], [0.5, 1]), DataError,
     "labels must be class indices"),
    ("accuracy of bool labels", lambda: accuracy([[0.2], [0.9]], [False, True]), DataError,
     "labels must be class indices"),
    ("a number too large for a float", lambda: Form_Network([1], [[10 ** 400], [1]], [0, 1]),
     DataError, "input_matrix must be a matrix of numbers .*1.8e308"),
    ("complex targets", lambda: Form_Network([1], X, T + 1j), DataError,
     "output_matrix holds complex numbers"),
    ("ragged rows to Predict", lambda: fw.Predict(small_network(), [[1, 2, 3, 4], [1]]),
     DataError, "new_input must be a matrix of numbers .rows of equal length"),
    ("text to Predict", lambda: fw.Predict(small_network(), [["a", "b", "c", "d"]]),
     DataError, "new_input must be a matrix of numbers"),
    ("a parameter name in a list",
     lambda: fw.finite_difference(small_network(), 1, ["weights"], 0, 0), ConfigurationError,
     "parameter must be 'weights' or 'bias'"),
    ("rtol as text", lambda: fw.check_gradients(small_network(), rtol="tight"),
     ConfigurationError, "rtol must be a number between 0 and 1"),
    ("negative rtol", lambda: fw.check_gradients(small_network(), rtol=-1e-6),
     ConfigurationError, "rtol must be a number between 0 and 1"),
    ("zero epsilon", lambda: fw.check_gradients(small_network(), epsilon=0.0),
     ConfigurationError, "epsilon must be a positive number such as 1e-6, got 0.0"),
    ("matrix_text of text", lambda: matrix_text("abc"), DataError,
     "matrix_text shows matrices of numbers, got str"),
    ("matrix_text of objects", lambda: matrix_text([[object()]]), DataError,
     "matrices of numbers"),
    ("matrix_text with negative digits", lambda: matrix_text(np.eye(2), digits=-1),
     ConfigurationError, "digits must be a whole number ≥ 0"),
    ("matrix_text with max_rows 0", lambda: matrix_text(np.eye(20), max_rows=0),
     ConfigurationError, "max_rows must be a whole number ≥ 1"),
    ("matrix_text with 3-D", lambda: matrix_text(np.zeros((2, 2, 2))), ShapeError,
     "2-D matrices"),
    ("save to no path", lambda: fw.save_network(small_network(), None), StorageError,
     "the file must be given as a path"),
    ("save to a number", lambda: fw.save_network(small_network(), 5), StorageError,
     "given as a path .*got int"),
    ("load from None", lambda: fw.load_network(None), StorageError,
     "the file must be given as a path"),
    ("load from a float", lambda: fw.load_network(3.5), StorageError, "given as a path"),
    ("load a session from None", lambda: load_session(None), StorageError, "given as a path"),
    ("a Stepper of text", lambda: Stepper("network"), ConfigurationError,
     "a Stepper drives a network made by Form_Network, got str"),
    ("a weight in layer 0", lambda: Stepper(small_network()).set_parameter(
        0, "weights_matrix", 0, 0, 1.0), ConfigurationError, "layers count from 1 to 2"),
    ("a weight in layer 9", lambda: Stepper(small_network()).set_parameter(
        9, "weights_matrix", 0, 0, 1.0), ConfigurationError, "there is no weights_matrix"),
    ("an activation set by hand", lambda: Stepper(small_network()).set_parameter(
        1, "activated_output_matrix", 0, 0, 1.0), ConfigurationError, "a weight or bias"),
    ("a fractional row", lambda: Stepper(small_network()).set_parameter(
        1, "weights_matrix", 1.5, 0, 1.0), ConfigurationError, r"no weights_matrix\[1.5, 0\]"),
    ("a row past the end", lambda: Stepper(small_network()).set_parameter(
        1, "bias_matrix", 3, 0, 1.0), ConfigurationError, r"no bias_matrix\[3, 0\]"),
]


@pytest.mark.parametrize("call, error, message", [c[1:] for c in ENGINE_CASES],
                         ids=[c[0] for c in ENGINE_CASES])
def test_a_bad_argument_gets_a_specific_message(call, error, message):
    refused(call, error, message)


def test_a_file_name_with_a_nul_character_is_refused(tmp_path):
    refused(lambda: fw.save_network(small_network(), str(tmp_path / "a\x00b.npz")),
            StorageError, "cannot write .*embedded null")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_call_leaves_the_network_as_it_was():
    network = small_network()
    Learn(network, 0.5, 3)
    before = network.snapshot()
    for call in (lambda: Learn(network, 0.5, 10 ** 12), lambda: Learn(network, 0.0, 5),
                 lambda: fw.Predict(network, [[1, 2, 3, 4], [1]]),
                 lambda: fw.check_gradients(network, rtol="x"),
                 lambda: fw.finite_difference(network, 1, ["weights"], 0, 0)):
        with pytest.raises(FluxError):
            call()
        assert np.array_equal(network.state, before[0])
        assert (network.cost, network.iteration, network.batch) == before[1:]



def test_a_refused_stepper_call_changes_nothing():
    stepper = Stepper(small_network(), 0.5)
    stepper.step("layer")   # half-way through an iteration
    before = (stepper.network.state.copy(), stepper.position, stepper.history_capacity,
              len(stepper._history))
    for call in (lambda: stepper.train(10 ** 12), lambda: stepper.train(0),
                 lambda: stepper.set_parameter(0, "weights_matrix", 0, 0, 1.0),
                 lambda: stepper.set_parameter(1, "weights_matrix", 0, 0, float("nan"))):
        with pytest.raises(ConfigurationError):
            call()
        assert np.array_equal(stepper.network.state, before[0])
        assert (stepper.position, stepper.history_capacity, len(stepper._history)) == before[1:]


# ---- huge: refused quickly, before any allocation -------------------------

HUGE_NETWORKS = {
    "a billion neurons": ([10 ** 9, 1], X, T),
    "2^62 neurons": ([2 ** 62, 1], X, T),
    "eight layers of 4096": ([4096] * 8 + [1], X, T),
    "a wide layer on many samples": ([20_000, 1], np.zeros((4000, 4)), np.zeros((4000, 1))),
}


@pytest.mark.parametrize("layers, inputs, targets", HUGE_NETWORKS.values(),
                         ids=HUGE_NETWORKS.keys())
def test_a_network_too_large_is_refused_before_allocation(layers, inputs, targets):
    error, peak, seconds = peak_allocation(lambda: Form_Network(layers, inputs, targets))
    assert isinstance(error, ConfigurationError), error
    assert "GB of memory, more than the kit's limit" in str(error)
    assert "use fewer neurons or samples" in str(error)
    assert peak < 4 * MB and seconds < 1.0


@pytest.mark.parametrize("iterations", [10 ** 9, 10 ** 12, 2 ** 63])
def test_too_many_iterations_are_refused_before_allocation(iterations):
    network = small_network()
    before = network.state.copy()
    error, peak, seconds = peak_allocation(lambda: Learn(network, 0.1, iterations))
    assert isinstance(error, ConfigurationError)
    assert "iterations must be at most 268,435,456" in str(error)
    assert peak < MB and seconds < 1.0
    assert np.array_equal(network.state, before) and network.iteration == 0


def test_reading_a_small_csv_allocates_little(tmp_path):
    """The reader asks for the file's size, not for the 200 MB limit (Pyodide keeps what it
    is given)."""
    path = tmp_path / "small.csv"
    path.write_text("a,label\n1,0\n2,1\n")
    error, peak, _ = peak_allocation(lambda: load_csv(path))
    assert error is None and peak < MB
    error, peak, _ = peak_allocation(lambda: load_dataset("parity4"))
    assert error is None and peak < MB


# ---- the plotter reports, never raises -------------------------------------

@pytest.mark.parametrize("arguments, message", [
    ({"width": "wide"}, "width must be a whole number from 1 to 1,000"),
    ({"width": 10 ** 6}, "width must be a whole number from 1 to 1,000"),
    ({"height": 0}, "height must be a whole number from 1 to 1,000"),
    ({"height": 2.5}, "height must be a whole number"),
    ({"width": True}, "width must be a whole number"),
    ({"path": 3.5}, "path must be a file path such as 'mse.svg', got 3.5"),
])
def test_the_plotter_reports_bad_arguments_without_raising(arguments, message, capsys):
    assert MSEGraphPlotter.plotMSEvsIterations([0.3, 0.2, 0.1], [1, 2, 3], **arguments) is None
    out = capsys.readouterr().out
    assert message in out and "nothing plotted" in out


# ==========================================================================
# CSV files
# ==========================================================================

CSV_CASES = [
    # (id, content, label, message fragment) — all DataError
    ("UTF-16 from Excel", "a,label\r\n1,0\r\n2,1\r\n".encode("utf-16"), "label",
     r"is not UTF-8 text \(byte 0xff at position 0\); save it as a UTF-8 CSV file"),
    ("Latin-1", "a,étiquette\n1,0\n2,1\n".encode("latin-1"), "étiquette", "is not UTF-8 text"),
    ("semicolons", "a;b;label\n1;2;0\n3;4;1\n", "label",
     "no column named 'label'; the columns are: a;b;label"),
    ("tabs", "a\tlabel\n1\t0\n2\t1\n", "label", "no column named 'label'"),
    ("decimal commas", "a,b,label\n1,5,2,0\n", "label",
     "line 2 has 4 values but the header has 3 columns"),
    ("ragged with CRLF", "a,label\r\n1,0\r\n2\r\n3,1\r\n", "label",
     "line 3 has 1 values but the header has 2"),
    ("ragged with CR only", "a,label\r1,0\r\r2,1,9\r", "label", "line 4 has 3 values"),
    ("BOM, CRLF, a single class", "\ufeffa,label\r\n1,yes\r\n2,yes\r\n", "label",
     r"only one class \('yes'\)"),
    ("BOM bytes, single class", b"\xef\xbb\xbfa,label\r\n1,0\r\n2,0.0\r\n", "label",
     "only one class"),
    ("a BOM alone", "\ufeff", "label", "is empty"),
    ("a header only, with a BOM", b"\xef\xbb\xbfa,label\r\n", "label",
     "has a header but no data rows"),
    ("a missing label", "a,label\n1,0\n2, \n3,1\n", "label", "line 3, column 'label' is empty"),
    ("a missing label at the end", "a,label\n1,0\n2,1\n3\n", "label", "line 4 has 1 values"),
    ("labels as nan", "a,label\n1,nan\n2,0\n", "label", "'nan' is not a finite number"),
    ("an empty label name", "a,label\n1,0\n2,1\n", "", "no column named ''"),
    ("the label is the only column", "label\r\n0\r\n1\r\n", "label", "no feature columns"),
    ("text in a feature", "x,label\n1,0\ntwo,1\n", "label", "line 3, column 'x': 'two'"),
    ("a quoted number", 'x,label\n"1",0\n2,1\n', "label", "is not a number"),
    ("a huge number", "x,label\n1,0\n1e400,1\n", "label", "'1e400' is not a finite number"),
]


@pytest.mark.parametrize("content, label, message", [c[1:] for c in CSV_CASES],
                         ids=[c[0] for c in CSV_CASES])
def test_a_bad_csv_gets_a_specific_message(content, label, message):
    refused(lambda: parse_csv(content, file_name="mine.csv", label=label), DataError, message)


def test_parse_csv_refuses_a_label_that_is_not_text():
    refused(lambda: parse_csv("a,label\n1,0\n2,1\n", label=None), ConfigurationError,
            "label must be a column name")


field = st.one_of(st.sampled_from(["0", "1", "2", "-1.5", " 3 ", "1e308", "1e999", "nan",
                                   "inf", "", "x", '"1"', "\ufeff1", "1_0", "\u0661",
                                   "yes", "no", "0.0"]),
                  st.text(max_size=6))
names = st.sampled_from(["label", "a", "b", "", " label ", "a", "\ufefflabel", "y"])


@st.composite
def csv_contents(draw):
    """Text or bytes of a CSV file: a header, rows (often ragged), any line endings."""
    header = draw(st.lists(names, min_size=1, max_size=4))
    width = len(header)
    rows = draw(st.lists(st.lists(field, min_size=max(width - 1, 0), max_size=width + 1),
                         max_size=6))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r", "\r\n\r\n"]))
    text = newline.join(",".join(row) for row in [header, *rows])
    if draw(st.booleans()):
        text = "\ufeff" + text
    encoding = draw(st.sampled_from(["str", "utf-8", "utf-8-sig", "utf-16", "latin-1"]))
    if encoding == "str":
        return text
    return text.encode(encoding, errors="replace")


@settings(max_examples=300, deadline=None)
@given(content=st.one_of(csv_contents(), st.binary(max_size=60)),
       label=st.one_of(st.sampled_from(["label", "a", " label", ""]), st.text(max_size=4)),
       standardize=st.booleans(), as_memoryview=st.booleans())
def test_parse_csv_raises_only_data_errors(content, label, standardize, as_memoryview):
    if as_memoryview and isinstance(content, bytes):
        content = memoryview(content)
    try:
        data = parse_csv(content, file_name="any.csv", label=label, standardize=standardize)
    except DataError as error:
        assert str(error).startswith("any.csv")
        return
    assert data.sample_count >= 2 and data.class_count >= 2 and data.feature_count >= 1
    assert np.isfinite(data.inputs).all() and np.isfinite(data.targets).all()
    assert data.labels.min() == 0 and data.labels.max() == data.class_count - 1


# ==========================================================================
# Saved networks and sessions: the storage format
# ==========================================================================

def session_file(tmp_path, position_steps=("iteration", "iteration", "layer")):
    data = load_dataset("xor")
    network = Form_Network([3, 1], data.inputs, data.targets, "tanh", "sigmoid", seed=2)
    stepper = Stepper(network, 0.5)
    for granularity in position_steps:
        stepper.step(granularity)
    settings_ = {"layers": [3, 1], "hidden": fw.ActivationType.TANH,
                 "output": fw.ActivationType.SIGMOID, "learning_rate": 0.5,
                 "dataset": "xor", "seed": 2}
    path = tmp_path / "session.npz"
    save_session(stepper, path, settings_)
    return path


def test_a_session_too_large_to_continue_is_refused_before_its_copies(tmp_path, monkeypatch):
    from flux_widgets import checks, session

    path = session_file(tmp_path)
    load_network = session.load_network

    def loaded_then_short_of_memory(path):  # the file fits, three copies of it do not
        network, extra = load_network(path)
        monkeypatch.setattr(checks, "MAX_NETWORK_BYTES", 3 * network.state.nbytes - 1)
        return network, extra

    monkeypatch.setattr(session, "load_network", loaded_then_short_of_memory)
    refused(lambda: load_session(path), StorageError,
            "cannot be continued here: .* needs 1,080 bytes, and continuing it keeps 3 copies "
            ".it, as formed, one step back.: 3,240 bytes, more than the kit's limit of 3,239 "
            "bytes; continue it where there is more memory")


def unpack(path):
    with np.load(path, allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    return json.loads(arrays.pop("meta").item()), arrays


def repack(meta, arrays, reseal=True):
    """The bytes of an npz with this meta and these arrays (checksum recomputed if asked)."""
    if reseal and isinstance(meta, dict) and {"inputs", "targets", "state"} <= arrays.keys():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # complex or text arrays: refused anyway
                meta["sha256"] = storage._checksum(meta, arrays["inputs"], arrays["targets"],
                                                   arrays["state"])
        except (TypeError, ValueError):
            pass  # a meta the checksum cannot cover: the loader must refuse it anyway
    buffer = io.BytesIO()
    np.savez(buffer, meta=np.array(json.dumps(meta)), **arrays)
    return buffer.getvalue()


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-2, 10 ** 20),
              st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=8)),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=4),
    max_leaves=12)
META_KEYS = ("format", "version", "layers_vector", "activations", "seed", "init_scale",
             "cost_type", "batch", "iteration", "cost", "extra", "sha256")
SESSION_KEYS = ("configuration", "position", "mse_values", "iteration_points",
                "session_version", "predictions")


@pytest.fixture(scope="module")
def good_session(tmp_path_factory):
    return unpack(session_file(tmp_path_factory.mktemp("good")))


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.dictionaries(st.sampled_from(META_KEYS + tuple(f"extra.{k}" for k in SESSION_KEYS)
                                             + ("new",)),
                             json_values, min_size=1, max_size=3),
       removed=st.sets(st.sampled_from(META_KEYS), max_size=1), reseal=st.booleans())
def test_an_edited_description_raises_only_storage_errors(good_session, edits, removed, reseal):
    meta, arrays = good_session
    meta = json.loads(json.dumps(meta))
    for key, value in edits.items():
        if key.startswith("extra."):
            if isinstance(meta.get("extra"), dict):
                meta["extra"][key[6:]] = value
        else:
            meta[key] = value
    for key in removed:
        meta.pop(key, None)
    data = repack(meta, arrays, reseal)
    try:
        stepper, _, _ = load_session_bytes(data, "edited.npz")
    except StorageError as error:
        assert "edited.npz" in str(error) and "flux_upload_" not in str(error)
        return
    assert np.isfinite(stepper.network.state).all()
    assert 0 <= stepper.position < len(stepper.computations)


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(["inputs", "targets", "state"]),
       shape=st.sampled_from([(0,), (1,), (3, 0), (2, 2), (4, 2), (4, 1), (1, 1, 1)]),
       dtype=st.sampled_from(["<f8", ">f8", "<f4", "<i8", "|b1", "<c16", "<U3"]))
def test_arrays_of_another_shape_or_type_raise_only_storage_errors(good_session, name, shape,
                                                                   dtype):
    meta, arrays = good_session
    arrays = dict(arrays, **{name: np.zeros(shape, dtype=dtype)})
    try:
        stepper, _, _ = load_session_bytes(repack(json.loads(json.dumps(meta)), arrays),
                                           "odd.npz")
    except StorageError:
        return
    # only a resealed float64 array of the very shape saved can load, and then it is used
    assert np.dtype(dtype).kind == "f" and np.dtype(dtype).itemsize == 8
    assert shape == good_session[1][name].shape


SESSION_FILES = {
    # (id) -> (make bytes from the good file's meta and arrays, message fragment)
    "truncated": (lambda meta, arrays: repack(meta, arrays)[:300], "damaged or truncated"),
    "another version": (lambda meta, arrays: repack(dict(meta, version=storage.VERSION + 1),
                                                    arrays),
                        "newer or other version of FLUX"),
    "edited, not resealed": (lambda meta, arrays: repack(dict(meta, iteration=1), arrays,
                                                         reseal=False),
                             "changed after it was saved"),
    "another learning rate's string": (
        lambda meta, arrays: repack(dict(meta, extra=dict(
            meta["extra"], configuration="flux1:xor:3,1:tanh:sigmoid:lr=-1:seed=2")), arrays),
        "learning rate"),
    "a pickled object": (lambda meta, arrays: _pickled(meta, arrays),
                         "holds Python objects, which FLUX never loads"),
    "an unknown cost": (lambda meta, arrays: repack(dict(meta, cost_type="hinge"), arrays),
                        "unknown cost_type 'hinge'; FLUX knows mse, cross_entropy"),
}


def test_the_storage_format_is_version_4_with_the_cost_function_and_the_batch():
    assert storage.VERSION == 4 and {"cost_type", "batch"} <= set(storage._KEYS)
    assert sorted(storage._KEYS) == sorted(META_KEYS)


def test_a_cross_entropy_network_file_round_trips_bit_for_bit(tmp_path):
    data = load_dataset("iris")
    network = Form_Network([6, 3], data.inputs, data.targets, "tanh", "softmax", seed=5,
                           init_scale=0.5, cost="cross_entropy")
    Learn(network, 0.5, 7)
    fw.Forward_Pass(network)
    fw.Back_Propagation(network)  # a gradient of cross-entropy, not yet applied
    fw.save_network(network, tmp_path / "ce.npz", extra={"note": "cross-entropy"})
    meta, _ = unpack(tmp_path / "ce.npz")
    assert meta["version"] == 4 and meta["cost_type"] == "cross_entropy"
    loaded, extra = fw.load_network(tmp_path / "ce.npz")
    assert extra == {"note": "cross-entropy"}
    assert loaded.cost_type is fw.costs.CostType.CROSS_ENTROPY
    assert loaded.output_activation is fw.ActivationType.SOFTMAX
    assert loaded.state.tobytes() == network.state.tobytes()
    assert (loaded.cost, loaded.iteration, loaded.seed, loaded.init_scale) == \
        (network.cost, network.iteration, network.seed, network.init_scale)
    Learn(network, 0.5, 3)  # and both learn on identically, by cross-entropy's gradient
    Learn(loaded, 0.5, 3)
    assert loaded.state.tobytes() == network.state.tobytes()
    assert loaded.cost == network.cost
    # an MSE network is saved with cost_type "mse"
    fw.save_network(small_network(), tmp_path / "mse.npz")
    assert unpack(tmp_path / "mse.npz")[0]["cost_type"] == "mse"
    assert fw.load_network(tmp_path / "mse.npz")[0].cost_type is fw.costs.CostType.MSE


@pytest.mark.parametrize("cost_type, message", [
    ("hinge", "unknown cost_type 'hinge'; FLUX knows mse, cross_entropy"),
    ("MSE", "unknown cost_type 'MSE'"), ("cross-entropy", "unknown cost_type 'cross-entropy'"),
    ("", "unknown cost_type ''"), (None, "unknown cost_type None"), (0, "unknown cost_type 0"),
    (["mse"], "unknown cost_type"), ({"mse": 1}, "unknown cost_type"),
    # a cost the network's output cannot have: the file is refused, not the network changed
    ("cross_entropy", "cannot be rebuilt: the cost cross-entropy needs a SOFTMAX or SIGMOID "
                      "output, not TANH"),
])
def test_a_file_with_an_unknown_or_impossible_cost_type_is_refused(tmp_path, cost_type,
                                                                   message):
    network = Form_Network([3, 1], X, T, "relu", "tanh", seed=0)
    fw.save_network(network, tmp_path / "good.npz")
    meta, arrays = unpack(tmp_path / "good.npz")
    assert meta["cost_type"] == "mse"
    bad = tmp_path / "bad.npz"
    bad.write_bytes(repack(dict(meta, cost_type=cost_type), arrays))
    refused(lambda: fw.load_network(bad), StorageError, message)
    meta.pop("cost_type")  # a file of version 3 must name its cost
    bad.write_bytes(repack(meta, arrays))
    refused(lambda: fw.load_network(bad), StorageError, "cost_type")


def test_a_file_of_version_2_is_read_with_the_seeds_cost(tmp_path):
    fw.save_network(small_network(), tmp_path / "now.npz")
    meta, arrays = unpack(tmp_path / "now.npz")
    meta = {key: value for key, value in meta.items() if key not in ("cost_type", "batch")}
    old = tmp_path / "v2.npz"
    old.write_bytes(repack(dict(meta, version=2), arrays))
    network, _ = fw.load_network(old)
    assert network.cost_type is fw.costs.CostType.MSE
    assert network.state.tobytes() == arrays["state"].tobytes()


def _pickled(meta, arrays):
    buffer = io.BytesIO()
    np.savez(buffer, allow_pickle=True, meta=np.array(json.dumps(meta)),
             **dict(arrays, state=np.array([{"a": 1}], dtype=object)))
    return buffer.getvalue()


# ==========================================================================
# The panel's controls
# ==========================================================================

panel_module = pytest.importorskip("flux_widgets.widgets.panel")
Panel = panel_module.Panel


@pytest.fixture(scope="module")
def panel():
    """One panel for the module's table: each row must leave it as it found it."""
    shown = Panel()
    shown.granularity.value = "iteration"
    shown.step_button.click()
    shown.granularity.value = "computation"
    for _ in range(4):
        shown.step_button.click()
    return shown


def screen_state(panel):
    stepper = panel.stepper
    return (panel.network, stepper, panel.network.state.copy(), stepper.position,
            list(stepper.mse_values), panel.network.iteration)


def assert_unchanged(panel, before):
    network, stepper, state, position, mse, iteration = before
    assert panel.network is network and panel.stepper is stepper
    assert np.array_equal(network.state, state)
    assert (stepper.position, stepper.mse_values, network.iteration) == (position, mse,
                                                                         iteration)


def upload_csv(panel, content, name="mine.csv"):
    import datetime as dt

    raw = content.encode() if isinstance(content, str) else content
    panel.controls.upload.value = ({"name": name, "type": "text/csv", "size": len(raw),
                                    "content": memoryview(raw),
                                    "last_modified": dt.datetime(2024, 1, 1)},)


def entered(field, *buttons):
    """Actions of one kind: ``entered(field, *buttons)(value)`` types ``value`` into the
    panel's ``field`` and clicks ``buttons`` (attribute paths such as ``"keep.pasted"``)."""
    def with_value(value):
        def act(panel):
            attrgetter(field)(panel).value = value
            for button in buttons:
                attrgetter(button)(panel).click()
        return act
    return with_value


def typed(field, value):
    """Type ``value`` into the control ``field`` and press Form network."""
    return entered(f"controls.{field}", "controls.form")(value)


train_typed = entered("iterations", "train_button")
step_with_learning_rate = entered("controls.learning_rate", "step_button", "forward_button",
                                  "iteration_button", "train_button")
pasted = entered("keep.pasted", "keep.use_button")


def weight_typed(value):
    set_weight = entered("weight_value", "set_weight_button")(value)

    def act(panel):
        panel.show_edge(1, 0, 2)
        set_weight(panel)
    return act


def csv_uploaded(content):
    def act(panel):
        panel.controls.dataset_choice.value = "csv"
        upload_csv(panel, content)
        panel.controls.form.click()
    return act


def session_uploaded(kind):
    def act(panel, tmp_path):
        meta, arrays = unpack(session_file(tmp_path))
        make, _ = SESSION_FILES[kind]
        content = make(meta, arrays)
        panel.keep.upload.set_state({"value": [{
            "name": f"{kind}.npz", "type": "application/octet-stream", "size": len(content),
            "content": memoryview(content), "last_modified": 1700000000000}]})
    return act


FOUR_4096 = ", ".join(["4096"] * 3) + ", 1"
PANEL_CASES = [
    # (id, action, where the message shows, message fragment)
    ("layers with semicolons", typed("layers", "8; 4; 1"), "controls",
     "layer size '8; 4; 1' must be a whole number"),
    ("layers with spaces", typed("layers", "8 4 1"), "controls", "must be a whole number"),
    ("layers in hex", typed("layers", "0x10, 1"), "controls", "'0x10' must be a whole number"),
    ("a trailing comma", typed("layers", "8, 4, 1,"), "controls", "empty place between commas"),
    ("a fraction of a neuron", typed("layers", "8, 0.5, 1"), "controls",
     "must be a whole number, not '0.5'"),
    ("a layer of 10^5", typed("layers", "100000, 1"), "controls", "between 1 and 4,096"),
    ("too large for the panel", typed("layers", FOUR_4096), "controls",
     "the panel keeps 3 copies of it .*more than the kit's limit"),
    ("too large for the kit", typed("layers", ", ".join(["4096"] * 9) + ", 1"), "controls",
     "more than the kit's limit of 2.1 GB; use fewer neurons or samples"),
    ("a learning rate of 1e309", typed("learning_rate", "1e309"), "controls",
     "learning rate must be a positive number such as 0.5, not '1e309'"),
    ("a negative learning rate", typed("learning_rate", "-0.5"), "controls", "not '-0.5'"),
    ("a decimal comma", typed("learning_rate", "0,5"), "controls", "not '0,5'"),
    ("no learning rate", typed("learning_rate", ""), "controls", "not ''"),
    ("a seed of 2^32", typed("seed", "4294967296"), "controls",
     "the seed must be between 0 and 4,294,967,295"),
    ("a seed of nan", typed("seed", "nan"), "controls", "the seed must be a whole number"),
    ("a seed of 1e400", typed("seed", "1e400"), "controls", "whole number, not '1e400'"),
    ("no seed", typed("seed", ""), "controls", "the seed is empty"),
    ("a fractional seed", typed("seed", "0.5"), "controls", "whole number, not '0.5'"),
    ("three activations for two layers", typed("per_layer", "tanh, relu, elu"), "controls",
     "3 hidden activations were given for 2 hidden layers"),
    ("a lone comma", typed("per_layer", ","), "controls", "has an empty activation"),
    ("a trailing comma in activations", typed("per_layer", "tanh,"), "controls",
     "has an empty activation"),
    ("no iterations", train_typed(""), "narration", "the number of iterations is empty"),
    ("zero iterations", train_typed("0"), "narration", "between 1 and 1,000,000, not 0"),
    ("negative iterations", train_typed("-5"), "narration", "not -5"),
    ("fractional iterations", train_typed("2.5"), "narration", "whole number, not '2.5'"),
    ("ten million iterations", train_typed("1e7"), "narration", "between 1 and 1,000,000"),
    ("iterations as text", train_typed("many"), "narration", "whole number, not 'many'"),
    ("nan iterations", train_typed("nan"), "narration", "whole number, not 'nan'"),
    ("an infinite learning rate at Step", step_with_learning_rate("inf"), "controls",
     "not 'inf'"),
    ("no learning rate at Step", step_with_learning_rate(""), "controls", "not ''"),
    ("a zero learning rate at Step", step_with_learning_rate("0"), "controls", "not '0'"),
    ("a weight of nan", weight_typed(float("nan")), "narration",
     "a weight must be a finite number, got nan"),
    ("a weight of inf", weight_typed(float("inf")), "narration", "got inf"),
    ("a weight of -inf", weight_typed(float("-inf")), "narration", "got -inf"),
    ("a string for a network too large", pasted("flux1:parity4:" + FOUR_4096.replace(" ", "")
                                                + ":tanh:sigmoid:lr=1:seed=0"), "keep",
     "needs 0.8 GB, and the panel keeps 3 copies"),  # the reason, where the string was pasted
    ("a string whose last layer does not fit", pasted("flux1:iris:6,1:tanh:sigmoid:lr=1:seed=0"),
     "keep", "the last layer has 1 neuron but the targets have 3 columns"),
    ("a string with a fractional seed", pasted("flux1:xor:3,1:tanh:sigmoid:lr=1:seed=0.5"),
     "keep", "the seed must be a whole number"),
    ("a CSV with a single class, BOM and CRLF",
     csv_uploaded("\ufeffa,b,label\r\n1,2,yes\r\n3,4,yes\r\n"), "controls",
     "only one class"),
    ("a CSV with semicolons", csv_uploaded("a;b;label\n1;2;0\n3;4;1\n"), "controls",
     "no column named 'label'"),
    ("a UTF-16 CSV", csv_uploaded("a,label\r\n1,0\r\n2,1\r\n".encode("utf-16")), "controls",
     "is not UTF-8 text"),
    ("a CSV with a missing label", csv_uploaded("a,label\n1,0\n2,\n"), "controls",
     "line 3, column 'label' is empty"),
    ("a ragged CSV", csv_uploaded("a,b,label\r\n1,2,0\r\n3,1\r\n"), "controls",
     "line 3 has 2 values"),
    ("an empty CSV", csv_uploaded(""), "controls", "mine.csv is empty"),
    ("a truncated session", session_uploaded("truncated"), "keep", "damaged or truncated"),
    ("a session of another version", session_uploaded("another version"), "keep",
     "newer or other version of FLUX"),
    ("an edited session", session_uploaded("edited, not resealed"), "keep",
     "changed after it was saved"),
    ("a session with a bad learning rate", session_uploaded("another learning rate's string"),
     "keep", "learning rate"),
    ("a session carrying a pickle", session_uploaded("a pickled object"), "keep",
     "holds Python objects, which FLUX never loads"),
    ("a session of an unknown cost", session_uploaded("an unknown cost"), "keep",
     "unknown cost_type &#x27;hinge&#x27;"),  # the panel writes ' as &#x27;
    ("a string giving softmax to a hidden layer",
     pasted("flux1:iris:6,3:softmax:softmax:lr=1:seed=0:cost=cross_entropy"), "keep",
     "SOFTMAX is an output layer&#x27;s activation; choose another hidden activation"),
    ("a string of an unknown activation", pasted("flux1:iris:6,3:softsign:sigmoid:lr=1:seed=0"),
     "keep", "unknown activation &#x27;softsign&#x27;"),
    ("a string with the cost before the scale",
     pasted("flux1:xor:3,1:tanh:sigmoid:lr=1:seed=0:cost=cross_entropy:scale=2"), "keep",
     "scale=… and cost=… and batch=… and shuffle=…, in that order, each once; "
     "&#x27;scale=2&#x27; is out of order or given twice"),
    ("a string of an unknown cost", pasted("flux1:xor:3,1:tanh:sigmoid:lr=1:seed=0:cost=hinge"),
     "keep", "unknown cost &#x27;hinge&#x27;; choose one of mse, cross_entropy"),
    ("softmax typed for a hidden layer", typed("per_layer", "tanh, softmax"), "controls",
     "SOFTMAX is an output layer's activation; choose another hidden activation"),
    ("an unknown activation typed", typed("per_layer", "tanh, softsign"), "controls",
     "unknown activation 'softsign'"),
]
MESSAGE_AREAS = {"controls": lambda p: p.controls.message.value,
                 "narration": lambda p: p.narration.value,
                 "keep": lambda p: p.keep.message.value}


@pytest.mark.parametrize("action, where, message", [c[1:] for c in PANEL_CASES],
                         ids=[c[0] for c in PANEL_CASES])
def test_a_bad_value_in_the_panel_is_a_message_and_changes_nothing(panel, tmp_path, action,
                                                                   where, message):
    import inspect
    import re

    fields = {name: getattr(panel.controls, name).value
              for name in ("layers", "learning_rate", "seed", "per_layer", "dataset_choice")}
    iterations = panel.iterations.value
    before = screen_state(panel)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no numpy warning may reach the lesson either
            if len(inspect.signature(action).parameters) == 2:
                action(panel, tmp_path)
            else:
                action(panel)
        shown = MESSAGE_AREAS[where](panel)
        assert "⚠" in shown and "Traceback" not in shown
        assert re.search(message, shown), shown
        assert_unchanged(panel, before)
    finally:  # put the typed values back for the next row
        with panel.controls.box.hold_sync():
            panel.controls.dataset_choice.value = fields.pop("dataset_choice")
            for name, value in fields.items():
                getattr(panel.controls, name).value = value
        panel.iterations.value = iterations
        panel.controls.clear_error()
        panel.narration.value = panel.keep.message.value = ""


def test_a_network_too_large_for_the_panel_is_refused_before_allocation(panel):
    before = screen_state(panel)
    panel.controls.layers.value = FOUR_4096  # 0.8 GB: the kit could form it, the panel not
    try:
        error, peak, seconds = peak_allocation(panel.controls.form.click)
    finally:
        panel.controls.layers.value = "8, 4, 1"
    assert error is None  # shown, not raised
    assert "needs 0.8 GB, and the panel keeps 3 copies" in panel.controls.message.value
    assert peak < 4 * MB and seconds < 1.0
    assert_unchanged(panel, before)
    panel.controls.clear_error()


def test_a_weight_too_large_to_draw_is_drawn_without_a_warning(panel):
    panel.show_edge(1, 0, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        panel.set_selected_weight(1e308)
    widths = [look["width"] for look in panel.diagram.looks.values() if "width" in look]
    assert all(np.isfinite(widths)) and max(widths) == 8.0
    panel.undo_button.click()


@pytest.mark.parametrize("arguments, message", [
    ({"layers": "abc"}, "layer size 'abc' must be a whole number"),
    ({"learning_rate": "fast"}, "not 'fast'"),
    ({"learning_rate": None}, "not 'None'"),
    ({"seed": -1}, "the seed must be between 0"),
    ({"layers": FOUR_4096}, "the panel keeps 3 copies"),
])
def test_a_panel_made_with_bad_settings_shows_them_with_the_message(arguments, message):
    made = Panel(**arguments)
    assert made.network is None
    assert made.setup in made.children  # the settings are on screen, to be put right
    assert message in made.controls.message.value
    made.controls.layers.value, made.controls.learning_rate.value = "3, 1", "1"
    made.controls.seed.value = "0"
    assert made.form_network() and made.network.layers_vector == [4, 3, 1]
    made.close()


def test_a_panel_made_with_an_unknown_dataset_is_refused():
    refused(lambda: Panel(dataset="cifar"), ConfigurationError,
            "unknown dataset 'cifar'; choose one of parity4")
    made = Panel(layers=[3, 1])  # a list is shown as the text it would be typed as
    assert made.controls.layers.value == "3, 1" and made.network.layers_vector == [4, 3, 1]
    made.close()


# ---- a lesson's own mistakes in an exercise: loud, at once -----------------

@pytest.mark.parametrize("make, message", [
    (lambda: Exercise("t", np.inf, hint="", solution=""), "finite numbers"),
    (lambda: Exercise("t", [1.0, np.nan], hint="", solution=""), "finite numbers"),
    (lambda: Exercise("t", "seven", hint="", solution=""), "must be numbers"),
    (lambda: compare(3.0, np.inf), "finite numbers"),
    (lambda: Exercise("t", abs, hint="", solution="", cases=lambda rng: None,
                      function_name="f").check(abs), "cases must be a non-empty list"),
    (lambda: Exercise("t", abs, hint="", solution="", cases=lambda rng: [1, 2],
                      function_name="f").check(abs), "argument tuples"),
    (lambda: Exercise("t", lambda x: 1 / x, hint="", solution="", cases=lambda rng: [(0,)],
                      function_name="f").check(lambda x: x),
     "expected function raised ZeroDivisionError"),
])
def test_an_exercise_written_wrong_says_so(make, message):
    refused(make, ConfigurationError, message)


def test_an_exercise_names_a_text_argument_in_its_feedback():
    exercise = Exercise("t", lambda text: 3, hint="", solution="",
                        cases=lambda rng: [(np.array("abc"),)], function_name="f")
    feedback = exercise.check(lambda text: 0)
    assert not feedback and "(for 'abc')" in feedback.message

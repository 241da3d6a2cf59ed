"""Configuration strings and saved sessions: exact round trips, and every bad input refused."""

import json
import os
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flux_widgets import ActivationType, ConfigurationError, Form_Network, StorageError
from flux_widgets import session
from flux_widgets.datasets import DATASET_NAMES, load_dataset
from flux_widgets.session import (configuration_string, load_session, load_session_bytes,
                                  parse_configuration_string, save_session)
from flux_widgets.stepper import Stepper
from flux_widgets.storage import load_network, save_network

SEED_STRING = "flux1:parity4:8,4,1:leaky_relu:sigmoid:lr=1:seed=0"
SEED_SETTINGS = {"layers": [8, 4, 1], "hidden": ActivationType.LEAKY_RELU,
                 "output": ActivationType.SIGMOID, "learning_rate": 1.0, "dataset": "parity4",
                 "seed": 0, "init_scale": 1.0}


def formed_stepper(configuration=SEED_STRING):
    settings = parse_configuration_string(configuration)
    data = load_dataset(settings["dataset"])
    network = Form_Network(settings["layers"], data.inputs, data.targets, settings["hidden"],
                           settings["output"], seed=settings["seed"])
    return Stepper(network, settings["learning_rate"]), settings


# ---- configuration strings ------------------------------------------------

def test_the_seed_network_as_a_string():
    assert parse_configuration_string(SEED_STRING) == SEED_SETTINGS
    assert configuration_string(SEED_SETTINGS) == SEED_STRING


@pytest.mark.parametrize("text", [
    " flux1 : parity4 : 8, 4 ,1 : leaky_relu : sigmoid : lr = 1 : seed = 0 \n",
    "FLUX1:Parity4:8,4,1:Leaky-ReLU:SIGMOID:LR=1.0:Seed=0",
    "'flux1:parity4:8,4,1:leaky relu:sigmoid:lr=1e0:seed=0'",
])
def test_spaces_case_and_quotes_do_not_matter(text):
    assert parse_configuration_string(text) == SEED_SETTINGS


def test_one_activation_per_hidden_layer():
    settings = parse_configuration_string("flux1:iris:6,5,3:tanh, relu:linear:lr=0.05:seed=7")
    assert settings["hidden"] == [ActivationType.TANH, ActivationType.RELU]
    assert configuration_string(settings) == "flux1:iris:6,5,3:tanh,relu:linear:lr=0.05:seed=7"
    one_list = dict(settings, layers=[6, 3], hidden=[ActivationType.ELU])
    assert parse_configuration_string(configuration_string(one_list))["hidden"] is \
        ActivationType.ELU


@pytest.mark.parametrize("text, message", [
    ("", "empty"), ("   ", "empty"), (None, "is text"),
    ("flux2:parity4:8,4,1:leaky_relu:sigmoid:lr=1:seed=0", "starts with 'flux1:'"),
    ("parity4:8,4,1:leaky_relu:sigmoid:lr=1:seed=0", "starts with 'flux1:'"),
    ("flux1:parity4:8,4,1:leaky_relu:sigmoid:lr=1", "has 6 parts"),
    ("flux1:parity4:8,4,1:leaky_relu:sigmoid:lr=1:seed=0:extra", "has 8 parts"),
    ("flux1::8,4,1:leaky_relu:sigmoid:lr=1:seed=0", "unknown dataset ''"),
    ("flux1:parity4::leaky_relu:sigmoid:lr=1:seed=0", "layer sizes are empty"),
    ("flux1:parity4:8,,4:leaky_relu:sigmoid:lr=1:seed=0", "empty place between commas"),
    ("flux1:parity4:0:leaky_relu:sigmoid:lr=1:seed=0", "between 1 and 4,096, not 0"),
    ("flux1:parity4:-3:leaky_relu:sigmoid:lr=1:seed=0", "between 1 and 4,096, not -3"),
    ("flux1:parity4:1e9:leaky_relu:sigmoid:lr=1:seed=0", "between 1 and 4,096, not 1e9"),
    ("flux1:parity4:abc:leaky_relu:sigmoid:lr=1:seed=0", "whole number, not 'abc'"),
    ("flux1:parity4:8.5:leaky_relu:sigmoid:lr=1:seed=0", "whole number, not '8.5'"),
    ("flux1:parity4:8,4,1:leaky_relu:sigmoid:lr=nan:seed=0", "learning rate.*'nan'"),
    ("flux1:parity4:8,4,1:leaky_relu:sigmoid:lr=inf:seed=0", "learning rate.*'inf'"),
    ("flux1:parity4:8,4,1:leaky_relu:sigmoid:lr=0:seed=0", "learning rate.*positive"),
    ("flux1:parity4:8,4,1:leaky_relu:sigmoid:lr=abc:seed=0", "learning rate"),
    ("flux1:parity4:8,4,1:leaky_relu:sigmoid:0.5:seed=0", "write the learning rate as lr="),
    ("flux1:parity4:8,4,1:leaky_relu:sigmoid:seed=0:lr=1", "write the learning rate as lr="),
    ("flux1:parity4:8,4,1:leaky_relu:sigmoid:lr=1:seed=-1", "seed must be between"),
    ("flux1:parity4:8,4,1:leaky_relu:sigmoid:lr=1:seed=1.5", "seed must be a whole number"),
    ("flux1:parity4:8,4,1:leaky_relu:sigmoid:lr=1:seed=", "seed is empty"),
    ("flux1:mnist2:8,4,1:leaky_relu:sigmoid:lr=1:seed=0", "unknown dataset 'mnist2'"),
    ("flux1:parity4:8,4,1:softmax:sigmoid:lr=1:seed=0", "unknown activation 'softmax'"),
    ("flux1:parity4:8,4,1:leaky_relu:softmax:lr=1:seed=0", "unknown activation 'softmax'"),
    ("flux1:parity4:8,4,1:tanh,relu,elu:sigmoid:lr=1:seed=0", "3 hidden activations for 2"),
    ("flux1:parity4:1:tanh,relu:sigmoid:lr=1:seed=0", "2 hidden activations for 0"),
    ("flux1:parity4:8,4,1:tanh,,relu:sigmoid:lr=1:seed=0", "empty activation"),
    ("flux1:parity4:8,4,1:tanh:sigmoid,tanh:lr=1:seed=0", "unknown activation"),
    ("flux1:" + "8," * 3000 + "1", "too long"),
])
def test_malformed_strings_are_refused_with_a_message(text, message):
    with pytest.raises(ConfigurationError, match=message):
        parse_configuration_string(text)


@pytest.mark.parametrize("change, message", [
    ({"seed": None}, "seed"), ({"learning_rate": float("nan")}, "learning rate"),
    ({"hidden": "softmax"}, "softmax"), ({"dataset": "cifar"}, "cifar"),
    ({"layers": [8, 0, 1]}, "between 1"), ({"layers": []}, "empty"),
    ({"hidden": ["tanh"] * 3}, "3 hidden activations"),
    ({"dataset": "csv:marks.csv"}, "'csv:marks.csv' is not a bundled dataset"),
])
def test_configuration_string_refuses_bad_settings(change, message):
    with pytest.raises(ConfigurationError, match=message):
        configuration_string(dict(SEED_SETTINGS, **change))
    with pytest.raises(ConfigurationError, match="lack seed"):
        configuration_string({key: SEED_SETTINGS[key] for key in SEED_SETTINGS if key != "seed"})
    with pytest.raises(ConfigurationError, match="lack"):
        configuration_string("flux1")


activations = st.sampled_from(list(ActivationType))


@st.composite
def any_settings(draw):
    layers = draw(st.lists(st.integers(1, session.MAX_LAYER_SIZE), min_size=1, max_size=5))
    hidden_count = len(layers) - 1
    hidden = draw(st.lists(activations, min_size=hidden_count, max_size=hidden_count)
                  if hidden_count >= 2 else activations)
    return {"layers": layers, "hidden": hidden, "output": draw(activations),
            "learning_rate": draw(st.floats(min_value=0, exclude_min=True, allow_infinity=False)),
            "dataset": draw(st.sampled_from(DATASET_NAMES)),
            "seed": draw(st.integers(0, 2**32 - 1)),
            "init_scale": draw(st.one_of(st.just(1.0), st.floats(min_value=0, max_value=1000,
                                                                  exclude_min=True)))}


@settings(max_examples=300)
@given(any_settings(), st.booleans())
def test_round_trip(original, shout):
    text = configuration_string(original)
    if shout:
        text = " " + text.upper().replace(":", " : ").replace(",", " , ") + " "
    assert parse_configuration_string(text) == original


# ---- sessions: exact continuation ----------------------------------------

def advance(stepper, steps):
    for granularity in steps:
        stepper.step(granularity)


@pytest.mark.parametrize("before", [
    ["computation"] * 7,
    ["iteration"] * 3,
    ["iteration"] * 3 + ["layer"] * 4 + ["computation"] * 2,  # inside the backward pass
    ["phase", "phase"] + ["computation"] * 3,  # inside the update: layer 1 already updated
])
def test_a_loaded_session_continues_bit_for_bit(tmp_path, before):
    original, settings = formed_stepper()
    advance(original, before)
    save_session(original, tmp_path / "s.npz", settings)
    loaded, loaded_settings, _ = load_session(tmp_path / "s.npz")
    assert loaded_settings == settings
    assert loaded.position == original.position and loaded.learning_rate == 1.0
    assert loaded.place == original.place  # where the panel says a loaded session stands
    assert loaded.mse_values == original.mse_values
    assert loaded.iteration_points == original.iteration_points
    after = ["computation"] * 5 + ["layer", "phase"] + ["iteration"] * 4
    advance(original, after)
    advance(loaded, after)
    original.train(50)
    loaded.train(50)
    assert np.array_equal(loaded.network.state, original.network.state)
    assert loaded.network.cost == original.network.cost
    assert loaded.network.iteration == original.network.iteration
    assert loaded.mse_values == original.mse_values
    assert loaded.iteration_points == original.iteration_points


def test_reset_after_loading_goes_to_the_network_as_formed(tmp_path):
    original, settings = formed_stepper("flux1:xor:5,3,1:tanh,elu:sigmoid:lr=0.5:seed=3")
    original.train(20)
    original.step("layer")
    save_session(original, tmp_path / "s.npz", settings)
    loaded, _, _ = load_session(tmp_path / "s.npz")
    assert not loaded.can_undo
    as_loaded, curve = loaded.network.state.copy(), list(loaded.mse_values)
    original.reset()
    loaded.reset()
    assert np.array_equal(loaded.network.state, original.network.state)
    assert (loaded.position, loaded.mse_values, loaded.network.iteration) == (0, [], 0)
    assert loaded.undo() and np.array_equal(loaded.network.state, as_loaded)
    assert (loaded.position, loaded.mse_values, len(curve)) == (3, curve, 20)


def test_the_saved_learning_rate_is_the_steppers(tmp_path):
    stepper, settings = formed_stepper()
    stepper.learning_rate = 0.1 + 0.2  # 0.30000000000000004 comes back exactly
    save_session(stepper, tmp_path / "s.npz", settings)
    loaded, loaded_settings, _ = load_session(tmp_path / "s.npz")
    assert loaded.learning_rate == loaded_settings["learning_rate"] == 0.1 + 0.2


def test_settings_that_do_not_describe_the_network_are_not_saved(tmp_path):
    stepper, settings = formed_stepper()
    for change in ({"layers": [6, 1]}, {"seed": 1}, {"output": "tanh"}, {"hidden": "relu"}):
        with pytest.raises(ConfigurationError, match="do not describe"):
            save_session(stepper, tmp_path / "s.npz", dict(settings, **change))
    assert not os.path.exists(tmp_path / "s.npz")


# ---- sessions: files that cannot be trusted --------------------------------

@pytest.fixture
def saved(tmp_path):
    """A good session file, its network and its extra."""
    stepper, settings = formed_stepper()
    advance(stepper, ["iteration"] * 3 + ["computation"] * 7)
    path = tmp_path / "good.npz"
    save_session(stepper, path, settings)
    network, extra = load_network(path)
    return path, network, extra


@pytest.mark.parametrize("change, message", [
    ({"configuration": None}, "is text"),
    ({"configuration": 5}, "is text"),
    ({"configuration": "junk"}, "starts with 'flux1:'"),
    ({"configuration": "flux1:parity4:3,1:leaky_relu:sigmoid:lr=1:seed=0"}, "do not describe"),
    ({"configuration": "flux1:parity4:8,4,1:leaky_relu:sigmoid:lr=1:seed=9"}, "do not describe"),
    ({"configuration": "flux1:parity4:8,4,1:tanh:sigmoid:lr=1:seed=0"}, "do not describe"),
    ({"configuration": "flux1:parity4:8,4,1:leaky_relu:sigmoid:lr=-1:seed=0"}, "learning rate"),
    ({"position": -1}, "position"), ({"position": 45}, "position"),
    ({"position": 10**30}, "position"),
    ({"position": "7"}, "position"), ({"position": 7.0}, "position"),
    ({"position": True}, "position"), ({"position": None}, "position"),
    ({"mse_values": "x"}, "lists"), ({"mse_values": [0.2, 0.1]}, "same length"),
    ({"mse_values": [0.2, "a", 0.1]}, "finite numbers"),
    ({"mse_values": [0.2, -1.0, 0.1]}, "finite numbers"),
    ({"mse_values": [0.2, True, 0.1]}, "finite numbers"),
    ({"mse_values": [0.2, [1], 0.1]}, "finite numbers"),
    ({"iteration_points": [1, 2]}, "same length"), ({"iteration_points": {"a": 1}}, "lists"),
    ({"iteration_points": [0, 1, 2]}, "iteration_points"),
    ({"iteration_points": [1, 3, 2]}, "iteration_points"),
    ({"iteration_points": [1, 1, 2]}, "iteration_points"),
    ({"iteration_points": [1, 2, 4]}, "iteration_points"),
    ({"iteration_points": [1, 2, 3.0]}, "iteration_points"),
])
def test_a_tampered_extra_is_refused(tmp_path, saved, change, message):
    _refused_with(tmp_path, saved, change, message)


def _refused_with(tmp_path, saved, change, message):
    """A session whose extra has ``change`` applied is refused with ``message``."""
    _, network, extra = saved
    bad = tmp_path / "bad.npz"
    save_network(network, bad, extra={**extra, **change})
    with pytest.raises(StorageError, match=message) as error:
        load_session(bad)
    assert str(error.value).startswith(f"{bad} is not a session this kit can continue")


@pytest.mark.parametrize("extra", [{}, {"position": 7}, "all but one", "one more"])
def test_an_extra_without_the_session_keys_is_refused(tmp_path, saved, extra):
    _, network, good = saved
    if extra == "all but one":
        extra = {key: good[key] for key in list(good)[1:]}
    elif extra == "one more":
        extra = {**good, "note": "hello"}
    bad = tmp_path / "bad.npz"
    save_network(network, bad, extra=extra)
    with pytest.raises(StorageError, match="holds a network but not a saved session"):
        load_session(bad)


def junk_files(good):
    data = good.read_bytes()
    middle = bytearray(data)
    middle[len(data) // 2] ^= 0xFF
    return {"truncated": data[:len(data) // 2], "junk": b"not a network at all",
            "pickle": pickle.dumps({"position": 7}), "empty": b"", "flipped byte": bytes(middle)}


@pytest.mark.parametrize("kind", ["truncated", "junk", "pickle", "empty", "flipped byte"])
def test_damaged_files_are_refused_by_path_and_by_bytes(tmp_path, saved, kind):
    data = junk_files(saved[0])[kind]
    path = tmp_path / "bad.npz"
    path.write_bytes(data)
    with pytest.raises(StorageError):
        load_session(path)
    with pytest.raises(StorageError) as error:
        load_session_bytes(data, "upload.npz")
    assert "upload.npz" in str(error.value) and "flux_upload_" not in str(error.value)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(StorageError, match="there is no file"):
        load_session(tmp_path / "nothing.npz")


def test_loading_from_bytes(saved, monkeypatch):
    data = saved[0].read_bytes()
    for form in (data, bytearray(data), memoryview(data)):
        stepper, settings, _ = load_session_bytes(form, "mine.npz")
        assert settings == SEED_SETTINGS and stepper.position == 7
    with pytest.raises(StorageError, match="bytes of a file"):
        load_session_bytes("text", "mine.npz")
    monkeypatch.setattr(session, "MAX_UPLOAD_BYTES", len(data) - 1)
    with pytest.raises(StorageError, match="mine.npz is .* MB; a saved session may be at most"):
        load_session_bytes(data, "mine.npz")


def test_saving_where_nothing_can_be_written(tmp_path):
    stepper, settings = formed_stepper()
    with pytest.raises(StorageError, match="cannot write"):
        save_session(stepper, tmp_path / "no folder" / "s.npz", settings)


# ---- sessions: the session version and the prediction score -----------------

@pytest.mark.parametrize("predictions", [(0, 0), (2, 3), (5, 5), [1, 4], (np.int64(7), 9)])
def test_the_prediction_score_is_saved_and_loaded(tmp_path, predictions):
    stepper, settings = formed_stepper()
    stepper.step("phase")
    save_session(stepper, tmp_path / "s.npz", settings, predictions)
    loaded = load_session(tmp_path / "s.npz")
    assert isinstance(loaded, session.Session)
    assert loaded.predictions == tuple(int(count) for count in predictions)
    assert all(type(count) is int for count in loaded.predictions)
    assert (loaded.stepper.position, loaded.settings) == (9, settings)
    _, extra = load_network(tmp_path / "s.npz")
    assert extra["session_version"] == session.SESSION_VERSION == 2
    assert extra["predictions"] == {"right": int(predictions[0]), "asked": int(predictions[1])}


def test_a_session_saved_without_a_score_has_none(tmp_path):
    stepper, settings = formed_stepper()
    save_session(stepper, tmp_path / "s.npz", settings)
    assert load_session(tmp_path / "s.npz").predictions == (0, 0)


@pytest.mark.parametrize("predictions", [(3, 2), (-1, 2), (1, -1), (1.0, 2), (1, 2.0),
                                         (True, 1), (1, True), "ab", (1, 2, 3), (1,), None,
                                         {"right": 1, "asked": 2}, ("1", "2")])
def test_a_score_that_is_no_score_is_not_saved(tmp_path, predictions):
    stepper, settings = formed_stepper()
    with pytest.raises(ConfigurationError, match="predictions must be a pair .right, asked. of "
                                                 "whole numbers with 0 ≤ right ≤ asked"):
        save_session(stepper, tmp_path / "s.npz", settings, predictions)
    assert not os.path.exists(tmp_path / "s.npz")


def test_a_session_of_version_1_is_migrated_with_no_score(tmp_path, saved):
    _, network, extra = saved
    old = {key: extra[key] for key in ("configuration", "position", "mse_values",
                                       "iteration_points")}  # what FLUX 0.1 saved
    save_network(network, tmp_path / "old.npz", extra=old)
    stepper, settings, predictions = load_session(tmp_path / "old.npz")
    assert predictions == (0, 0) and stepper.position == 7 and settings == SEED_SETTINGS
    assert session._SESSION_MIGRATIONS[1](old) == {
        **old, "session_version": 2, "predictions": {"right": 0, "asked": 0}}


@pytest.mark.parametrize("version", [3, 10 ** 30])
def test_a_session_of_a_newer_version_is_refused(tmp_path, saved, version):
    _, network, extra = saved
    save_network(network, tmp_path / "new.npz", extra=dict(extra, session_version=version))
    with pytest.raises(StorageError, match="new.npz was saved by a newer FLUX .session version "
                                           ".*.; this kit continues session versions 1 to 2: "
                                           "update flux-widgets to load it"):
        load_session(tmp_path / "new.npz")


@pytest.mark.parametrize("change, message", [
    ({"session_version": 0}, "session_version should be a whole number from 1 to 2, got 0"),
    ({"session_version": "2"}, "session_version should be a whole number from 1 to 2, got '2'"),
    ({"session_version": 2.0}, "session_version should be a whole number"),
    ({"session_version": True}, "session_version should be a whole number"),
    ({"session_version": None}, "session_version should be a whole number"),
    ({"predictions": {"right": 3, "asked": 2}}, "predictions should be"),
    ({"predictions": {"right": -1, "asked": 2}}, "predictions should be"),
    ({"predictions": {"right": 1, "asked": 2.0}}, "predictions should be"),
    ({"predictions": {"right": True, "asked": 2}}, "predictions should be"),
    ({"predictions": {"right": "1", "asked": "2"}}, "predictions should be"),
    ({"predictions": {"right": 1}}, "predictions should be"),
    ({"predictions": {"right": 1, "asked": 2, "wrong": 1}}, "predictions should be"),
    ({"predictions": [1, 2]}, "predictions should be"),
    ({"predictions": None}, "predictions should be .\"right\": r, \"asked\": m. with whole "
                            "numbers 0 ≤ r ≤ m, got None"),
])
def test_a_tampered_version_or_score_is_refused(tmp_path, saved, change, message):
    _refused_with(tmp_path, saved, change, message)


# ---- Stepper.resume ---------------------------------------------------------

def test_resume_refuses_what_does_not_fit_the_network():
    stepper, _ = formed_stepper()
    stepper.train(2)
    for arguments in [(30 * 2, [0.1, 0.1], [1, 2]), (0, [0.1], [1, 2]), (0, [0.1, 0.1], [2, 3]),
                      (0, [0.1, float("nan")], [1, 2]), (0, (0.1, 0.1), [1, 2])]:
        with pytest.raises(ConfigurationError):
            stepper.resume(*arguments)
    with pytest.raises(ConfigurationError, match="snapshot"):
        stepper.resume(0, [], [], formed=(np.zeros(3), float("nan"), 0))
    stepper.resume(3, [np.float64(0.2), 0.1], [1, 2])
    assert (stepper.position, stepper.mse_values) == (3, [0.2, 0.1]) and not stepper.can_undo
    json.dumps(stepper.mse_values)

"""The weight scale (issue 15): ``Form_Network(..., init_scale=s)`` draws every initial
weight s times the He/LeCun one; s = 1 is bit for bit what FLUX always drew. The scale
travels with the network: in its description, its copies, its file (format 2; a file of
format 1 holds scale 1), the configuration string (an 8th part ``scale=…``, only when
s ≠ 1) and a session, whose Reset returns to the scaled network as formed."""

import copy
import hashlib
import json
import math
import pathlib

import numpy as np
import pytest

from flux_widgets import ConfigurationError, Form_Network, StorageError, checks
from flux_widgets.datasets import load_dataset
from flux_widgets.session import (configuration_string, load_session,
                                  parse_configuration_string, save_session)
from flux_widgets.stepper import Stepper
from flux_widgets.storage import load_network, save_network
from reference import parity4, refused

X, T = parity4()
SAVED = pathlib.Path(__file__).parent / "fixtures" / "saved"
SEED_STRING = "flux1:parity4:8,4,1:leaky_relu:sigmoid:lr=1:seed=0"


def weights(network):
    return [layer.weights_matrix.copy() for layer in network.neural_layers]


def todays_weights(layers_vector, activations, seed):
    """The initial weights as FLUX drew them before the weight scale, written out:
    layer by layer, ``W = z · (gain / √n_in)`` with z standard normal from one generator."""
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((n_in, n_out)) * (kind.record.init_gain / math.sqrt(n_in))
            for n_in, n_out, kind in zip(layers_vector[:-1], layers_vector[1:], activations)]


# ---- Form_Network ---------------------------------------------------------

@pytest.mark.parametrize("layers, hidden, output, seed", [
    ([8, 4, 1], "leaky_relu", "sigmoid", 0),
    ([5, 3, 1], ["tanh", "relu"], "linear", 7),
    ([6, 1], "elu", "tanh", 2 ** 32 - 1),
    ([1], "swish", "sigmoid", 123),
])
@pytest.mark.parametrize("scale", [None, 1.0, 1, np.float64(1.0)])
def test_scale_1_draws_the_weights_bit_for_bit_as_before(layers, hidden, output, seed, scale):
    keywords = {} if scale is None else {"init_scale": scale}
    network = Form_Network(layers, X, T, hidden, output, seed=seed, **keywords)
    kinds = [*network.hidden_activations, network.output_activation]
    for mine, before in zip(weights(network), todays_weights(network.layers_vector, kinds, seed)):
        assert mine.tobytes() == before.tobytes()
    assert network.init_scale == 1.0 and type(network.init_scale) is float
    assert all((layer.bias_matrix == 0.01).all() for layer in network.neural_layers)


def test_scale_1_forms_the_network_flux_0_1_saved():
    """xor_formed.npz was saved by FLUX 0.1.0 right after forming: the same numbers today."""
    expected = json.loads((SAVED / "expected.json").read_text())["sessions"]["xor_formed.npz"]
    settings = parse_configuration_string(expected["configuration"])
    data = load_dataset(settings["dataset"])
    network = Form_Network(settings["layers"], data.inputs, data.targets, settings["hidden"],
                           settings["output"], seed=settings["seed"])
    assert hashlib.sha256(network.state).hexdigest() == expected["state_sha256"]


@pytest.mark.parametrize("scale", [0.5, 2.0, 4, 1 / 1024, 512.0])
def test_a_power_of_two_scale_multiplies_every_weight_exactly(scale):
    plain = Form_Network([8, 4, 1], X, T, seed=3)
    scaled = Form_Network([8, 4, 1], X, T, seed=3, init_scale=scale)
    for mine, theirs in zip(weights(scaled), weights(plain)):
        assert np.array_equal(mine, scale * theirs)
    for mine, theirs in zip(scaled.neural_layers, plain.neural_layers):
        assert np.array_equal(mine.bias_matrix, theirs.bias_matrix)  # 0.01 at every scale


@pytest.mark.parametrize("scale", [5.0, 3, 0.1, 0.3333333333333333, 1000])
def test_any_scale_multiplies_every_weight_by_it(scale):
    plain = Form_Network([16, 16, 1], X, T, "tanh", seed=11)
    scaled = Form_Network([16, 16, 1], X, T, "tanh", seed=11, init_scale=scale)
    assert scaled.init_scale == scale
    for mine, theirs in zip(weights(scaled), weights(plain)):
        np.testing.assert_allclose(mine, scale * theirs, rtol=1e-15, atol=0)
        assert np.array_equal(np.sign(mine), np.sign(theirs))  # the same draws, scaled
        assert mine.std() == pytest.approx(scale * theirs.std(), rel=1e-12)


def test_the_spread_of_the_weights_is_the_scale_times_he():
    """W ~ Normal(0, (s·gain)² / n_in): on a wide layer the sample spread shows it."""
    inputs = np.zeros((2, 400))
    network = Form_Network([400, 1], inputs, np.zeros((2, 1)), "relu", seed=5, init_scale=5)
    first = network.neural_layers[0].weights_matrix
    assert first.std() == pytest.approx(5 * math.sqrt(2) / math.sqrt(400), rel=0.02)


@pytest.mark.parametrize("scale, message", [
    (0, "the weight scale must be a positive number such as 5, got 0"),
    (-2.0, "the weight scale must be a positive number such as 5, got -2.0"),
    (float("nan"), "the weight scale must be a positive number such as 5, got nan"),
    (float("inf"), "got inf"),
    ("5", "got '5'"),
    (None, "got None"),
    (True, "got True"),
    (10 ** 400, "positive number"),
    (1000.5, "the weight scale must be at most 1,000 .it multiplies every initial weight., "
             "got 1000.5"),
    (1e9, "at most 1,000"),
])
def test_form_network_refuses_a_scale_that_is_no_scale(scale, message):
    refused(lambda: Form_Network([3, 1], X, T, seed=0, init_scale=scale), ConfigurationError,
            message)
    refused(lambda: checks.init_scale(scale), ConfigurationError, message)


@pytest.mark.parametrize("text, value", [("5", 5.0), (" 2.5 ", 2.5), ("1e-3", 0.001),
                                         ("1000", 1000.0), ("1", 1.0)])
def test_a_typed_scale(text, value):
    assert checks.parse_init_scale(text) == value


@pytest.mark.parametrize("text, message", [
    ("0", "the weight scale must be a positive number such as 5, not '0'"),
    ("-1", "not '-1'"), ("nan", "not 'nan'"), ("inf", "not 'inf'"), ("1e400", "not '1e400'"),
    ("abc", "not 'abc'"), ("", "not ''"), ("0,5", "not '0,5'"),
    ("5000", "the weight scale must be at most 1,000 .it multiplies every initial weight., "
             "not '5000'"),
])
def test_a_typed_scale_that_is_no_scale_is_refused(text, message):
    refused(lambda: checks.parse_init_scale(text), ConfigurationError, message)


def test_the_description_names_a_scale_other_than_1():
    assert Form_Network([8, 4, 1], X, T, seed=0).describe() == \
        "4(implicit)-8-4-1, hidden LEAKY_RELU, output SIGMOID, 16 samples"
    assert Form_Network([8, 4, 1], X, T, seed=0, init_scale=1).describe() == \
        "4(implicit)-8-4-1, hidden LEAKY_RELU, output SIGMOID, 16 samples"
    assert Form_Network([8, 4, 1], X, T, seed=0, init_scale=5).describe() == \
        "4(implicit)-8-4-1, hidden LEAKY_RELU, output SIGMOID, 16 samples, initial weights ×5"
    assert Form_Network([1], X, T, seed=0, init_scale=0.25).describe().endswith(
        "16 samples, initial weights ×0.25")


def test_a_copy_keeps_the_scale():
    network = Form_Network([5, 1], X, T, seed=4, init_scale=3)
    twin = copy.deepcopy(network)
    assert twin.init_scale == 3 and twin.describe() == network.describe()
    assert np.array_equal(twin.state, network.state)


# ---- configuration strings ------------------------------------------------

def test_a_string_of_7_parts_is_scale_1_and_is_written_as_before():
    settings = parse_configuration_string(SEED_STRING)
    assert settings["init_scale"] == 1.0
    assert configuration_string(settings) == SEED_STRING
    without = {key: value for key, value in settings.items() if key != "init_scale"}
    assert configuration_string(without) == SEED_STRING  # callers that know no scale
    assert configuration_string(dict(settings, init_scale=1)) == SEED_STRING
    assert parse_configuration_string(SEED_STRING + ":scale=1") == settings
    assert configuration_string(parse_configuration_string(SEED_STRING + ": Scale = 1.0 ")) \
        == SEED_STRING


@pytest.mark.parametrize("scale, written", [(5.0, "5"), (2.5, "2.5"), (0.001, "0.001"),
                                            (1000, "1000"), (0.1 + 0.2, "0.30000000000000004"),
                                            (np.float64(3.0), "3")])
def test_a_string_with_a_scale_round_trips(scale, written):
    settings = dict(parse_configuration_string(SEED_STRING), init_scale=scale)
    text = configuration_string(settings)
    assert text == f"{SEED_STRING}:scale={written}"
    assert parse_configuration_string(text) == settings
    assert parse_configuration_string(" " + text.upper().replace(":", " : ") + " ") == settings


@pytest.mark.parametrize("text, message", [
    (SEED_STRING + ":scale=0", "weight scale must be a positive number such as 5, not '0'"),
    (SEED_STRING + ":scale=-3", "not '-3'"),
    (SEED_STRING + ":scale=nan", "not 'nan'"),
    (SEED_STRING + ":scale=abc", "not 'abc'"),
    (SEED_STRING + ":scale=", "not ''"),
    (SEED_STRING + ":scale=1e4", "at most 1,000"),
    (SEED_STRING + ":5", "after the seed a configuration string can only have scale=… and "
                         "cost=… and batch=… and shuffle=…, in that order, each once; '5' is "
                         "not one of them"),
    (SEED_STRING + ":seed=3", "can only have scale=… and cost=… and batch=… and shuffle=…, "
                              ".*'seed=3' is not one of them"),
    (SEED_STRING + ":scale=5:x", "can only have scale=… and cost=… and batch=… and "
                                 "shuffle=…, .*'x' is not one of them"),
    (SEED_STRING + ":scale=5:cost=mse:x", "can only have .*'x' is not one of them"),
    (SEED_STRING + ":scale=5:cost=mse:batch=2:shuffle=1:x",
     "has 12 parts separated by ':', but needs 7"),
    ("flux1:parity4:8,4,1:leaky_relu:sigmoid:lr=1:scale=5:seed=0", "write the seed as seed="),
])
def test_a_bad_scale_part_is_refused_with_a_message(text, message):
    refused(lambda: parse_configuration_string(text), ConfigurationError, message)


@pytest.mark.parametrize("scale, message", [(0, "got 0"), (True, "got True"),
                                            (float("nan"), "got nan"), ("5", "got '5'"),
                                            (2000, "at most 1,000")])
def test_configuration_string_refuses_a_bad_scale(scale, message):
    settings = dict(parse_configuration_string(SEED_STRING), init_scale=scale)
    refused(lambda: configuration_string(settings), ConfigurationError, message)


# ---- files and sessions ---------------------------------------------------

def scaled_stepper(scale=3.0, text=SEED_STRING):
    settings = dict(parse_configuration_string(text), init_scale=scale)
    data = load_dataset(settings["dataset"])
    network = Form_Network(settings["layers"], data.inputs, data.targets, settings["hidden"],
                           settings["output"], seed=settings["seed"], init_scale=scale)
    return Stepper(network, settings["learning_rate"]), settings


def test_a_saved_network_keeps_its_scale(tmp_path):
    network = Form_Network([5, 1], X, T, "tanh", seed=1, init_scale=0.75)
    save_network(network, tmp_path / "n.npz")
    loaded, _ = load_network(tmp_path / "n.npz")
    assert loaded.init_scale == 0.75 and type(loaded.init_scale) is float
    assert loaded.describe() == network.describe()
    assert np.array_equal(loaded.state, network.state)


def test_a_network_file_of_format_1_is_scale_1(tmp_path):
    network, _ = load_network(SAVED / "circles_network.npz")  # written by FLUX 0.1.0
    assert network.init_scale == 1.0
    assert "initial weights" not in network.describe()


@pytest.mark.parametrize("steps", [[], ["computation"] * 3, ["iteration"] * 2 + ["layer"]])
def test_a_saved_session_keeps_its_scale_and_reset_returns_to_it(tmp_path, steps):
    stepper, settings = scaled_stepper(3.0)
    as_formed = stepper.network.state.copy()
    for granularity in steps:
        stepper.step(granularity)
    save_session(stepper, tmp_path / "s.npz", settings)
    loaded, loaded_settings, _ = load_session(tmp_path / "s.npz")
    assert loaded_settings == settings and loaded_settings["init_scale"] == 3.0
    assert loaded.network.init_scale == 3.0
    assert configuration_string(loaded_settings) == SEED_STRING + ":scale=3"
    assert np.array_equal(loaded.network.state, stepper.network.state)
    loaded.reset()
    assert np.array_equal(loaded.network.state, as_formed)  # the scaled network as formed
    assert not np.array_equal(loaded.network.state, scaled_stepper(1.0)[0].network.state)


def test_settings_of_another_scale_do_not_describe_the_network(tmp_path):
    stepper, settings = scaled_stepper(3.0)
    for scale in (1.0, 3.5):
        refused(lambda: save_session(stepper, tmp_path / "s.npz", dict(settings, init_scale=scale)),
                ConfigurationError, "do not describe the network to save .*initial weights ×3")
    unscaled = {key: value for key, value in settings.items() if key != "init_scale"}
    refused(lambda: save_session(stepper, tmp_path / "s.npz", unscaled), ConfigurationError,
            "do not describe")
    assert not (tmp_path / "s.npz").exists()


def test_a_session_whose_string_has_another_scale_is_refused(tmp_path):
    stepper, settings = scaled_stepper(3.0)
    save_session(stepper, tmp_path / "s.npz", settings)
    network, extra = load_network(tmp_path / "s.npz")
    for configuration in (SEED_STRING, SEED_STRING + ":scale=2"):
        save_network(network, tmp_path / "bad.npz", extra=dict(extra, configuration=configuration))
        refused(lambda: load_session(tmp_path / "bad.npz"), StorageError,
                "is not a session this kit can continue: its settings .* do not describe")


# ---- the panel --------------------------------------------------------------

@pytest.fixture
def panel():
    pytest.importorskip("ipywidgets")
    from flux_widgets.widgets.panel import Panel

    made = Panel()
    yield made
    made.close()


def test_the_weight_scale_field(panel):
    field = panel.controls.init_scale
    assert field.description == "Weight scale" and field.value == "1" and field.tooltip
    assert any(field in getattr(row, "children", ()) for row in panel.controls.box.children)
    assert panel.controls.values()["init_scale"] == 1.0
    assert panel.network.init_scale == 1.0


def test_forming_with_a_typed_scale(panel):
    plain = weights(panel.network)
    panel.controls.init_scale.value = " 4 "
    assert panel.form_network()
    assert panel.network.init_scale == 4.0 and panel.settings["init_scale"] == 4.0
    for mine, theirs in zip(weights(panel.network), plain):
        assert np.array_equal(mine, 4 * theirs)
    assert "initial weights ×4" in panel.narration.value
    assert panel.keep.shared.value == SEED_STRING + ":scale=4"


@pytest.mark.parametrize("typed, message", [("0", "not '0'"), ("abc", "not 'abc'"),
                                            ("1e5", "at most 1,000"), ("", "not ''")])
def test_a_bad_typed_scale_is_a_message_and_keeps_the_network(panel, typed, message):
    network = panel.network
    panel.controls.init_scale.value = typed
    assert not panel.form_network()
    assert panel.network is network
    assert "the weight scale must be" in panel.controls.message.value
    assert message in panel.controls.message.value


def test_a_pasted_string_with_a_scale_forms_it_and_shows_it(panel):
    assert panel.keep.use(SEED_STRING + ":scale=2.5"), panel.keep.message.value
    assert panel.network.init_scale == 2.5 and panel.controls.init_scale.value == "2.5"
    assert panel.keep.use(SEED_STRING), panel.keep.message.value
    assert panel.network.init_scale == 1.0 and panel.controls.init_scale.value == "1"


def test_the_panel_starts_at_a_scale():
    pytest.importorskip("ipywidgets")
    from flux_widgets.widgets.panel import Panel

    panel = Panel(init_scale=5)
    try:
        assert panel.controls.init_scale.value == "5" and panel.network.init_scale == 5.0
    finally:
        panel.close()


def test_the_panel_saves_and_loads_the_scale_and_the_score(panel, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    panel.controls.init_scale.value = "3"
    assert panel.form_network()
    panel.step("iteration")
    panel.predicting.set_score(2, 3)
    assert panel.keep.save()
    panel.controls.init_scale.value = "1"
    assert panel.form_network()
    panel.predicting.set_score(0, 0)
    assert panel.keep.load(), panel.keep.message.value
    assert panel.network.init_scale == 3.0 and panel.controls.init_scale.value == "3"
    assert (panel.predicting.right, panel.predicting.asked) == (2, 3)
    assert "2 right of 3" in panel.predicting.score.value
    formed = scaled_stepper(3.0)[0].network.state
    panel.reset()
    assert np.array_equal(panel.network.state, formed)


def test_the_panel_loads_a_session_of_flux_0_1_with_no_score(panel, tmp_path, monkeypatch):
    import shutil

    shutil.copy(SAVED / "parity4_mid_iteration.npz", tmp_path / "old.npz")
    monkeypatch.chdir(tmp_path)
    panel.predicting.set_score(4, 5)
    panel.keep.filename.value = "old.npz"
    assert panel.keep.load(), panel.keep.message.value
    assert (panel.predicting.right, panel.predicting.asked) == (0, 0)
    assert panel.network.init_scale == 1.0 and panel.controls.init_scale.value == "1"

"""Configuration strings and saved sessions: exact round trips, and every bad input refused."""

import json
import os
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flux_widgets import ActivationType, ConfigurationError, Form_Network, Learn, StorageError
from flux_widgets import session
from flux_widgets.costs import CostType
from flux_widgets.datasets import DATASET_NAMES, load_dataset
from flux_widgets.session import (configuration_string, load_session, load_session_bytes,
                                  parse_configuration_string, save_session)
from flux_widgets.stepper import Stepper
from flux_widgets.storage import load_network, save_network

SEED_STRING = "flux1:parity4:8,4,1:leaky_relu:sigmoid:lr=1:seed=0"
SEED_SETTINGS = {"layers": [8, 4, 1], "hidden": ActivationType.LEAKY_RELU,
                 "output": ActivationType.SIGMOID, "learning_rate": 1.0, "dataset": "parity4",
                 "seed": 0, "init_scale": 1.0, "cost": CostType.MSE, "batch_size": None,
                 "shuffle_seed": 0}
# issue 17: the iris network of a softmax output and cross-entropy (one-hot targets)
CROSS_ENTROPY_STRING = "flux1:iris:6,3:tanh:softmax:lr=0.5:seed=3:cost=cross_entropy"


def formed_stepper(configuration=SEED_STRING):
    settings = parse_configuration_string(configuration)
    data = load_dataset(settings["dataset"])
    network = Form_Network(settings["layers"], data.inputs, data.targets, settings["hidden"],
                           settings["output"], seed=settings["seed"],
                           init_scale=settings["init_scale"], cost=settings["cost"])
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
    ("flux1:parity4:8,4,1:leaky_relu:sigmoid:lr=1:seed=0:extra",
     "after the seed a configuration string can only have scale=… and cost=… and batch=… "
     "and shuffle=…, in that order, each once; 'extra' is not one of them"),
    # 10 parts: since the batch size and the shuffle seed, not too many, but 'extra' is none
    ("flux1:parity4:8,4,1:leaky_relu:sigmoid:lr=1:seed=0:scale=2:cost=mse:extra",
     "after the seed a configuration string can only have scale=… and cost=… and batch=… "
     "and shuffle=…, in that order, each once; 'extra' is not one of them"),
    ("flux1:parity4:8,4,1:leaky_relu:sigmoid:lr=1:seed=0:scale=2:cost=mse:batch=4:shuffle=3"
     ":extra",
     "has 12 parts separated by ':', but needs 7, like flux1:parity4:8,4,1:leaky_relu:sigmoid:"
     "lr=1:seed=0, and after the seed at most the weight scale, the cost, the batch size and "
     "the shuffle seed, like flux1:parity4:8,4,1:leaky_relu:sigmoid:lr=1:seed=0:scale=5:"
     "cost=cross_entropy:batch=4:shuffle=3"),
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
    ("flux1:parity4:8,4,1:softsign:sigmoid:lr=1:seed=0", "unknown activation 'softsign'"),
    ("flux1:parity4:8,4,1:leaky_relu:softsign:lr=1:seed=0", "unknown activation 'softsign'"),
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
    ({"hidden": "softsign"}, "softsign"), ({"dataset": "cifar"}, "cifar"),
    ({"cost": "hinge"}, "unknown cost 'hinge'"), ({"cost": None}, "unknown cost None"),
    ({"layers": [8, 0, 1]}, "between 1"), ({"layers": []}, "empty"),
    ({"hidden": ["tanh"] * 3}, "3 hidden activations"),
    ({"dataset": "csv:marks.csv"}, "'csv:marks.csv' is not a bundled dataset"),
    ({"batch_size": 0}, "the batch size must be a whole number ≥ 1, got 0"),
    ({"batch_size": "32"}, "the batch size must be a whole number ≥ 1, got '32'"),
    ({"batch_size": True}, "the batch size must be a whole number ≥ 1, got True"),
    ({"batch_size": 32.0}, "the batch size must be a whole number ≥ 1, got 32.0; write it "
                           "without the decimal point, as 32"),
    ({"shuffle_seed": -1}, "the shuffle seed must be a whole number from 0 to 4,294,967,295, "
                           "got -1"),
    ({"shuffle_seed": 2**32}, "the shuffle seed must be a whole number from 0 to "
                              "4,294,967,295, got 4,294,967,296"),
    ({"shuffle_seed": None}, "the shuffle seed must be a whole number .*, got None"),
    ({"shuffle_seed": 1.5}, "the shuffle seed must be a whole number .*, got 1.5"),
])
def test_configuration_string_refuses_bad_settings(change, message):
    with pytest.raises(ConfigurationError, match=message):
        configuration_string(dict(SEED_SETTINGS, **change))
    with pytest.raises(ConfigurationError, match="lack seed"):
        configuration_string({key: SEED_SETTINGS[key] for key in SEED_SETTINGS if key != "seed"})
    with pytest.raises(ConfigurationError, match="lack"):
        configuration_string("flux1")


activations = st.sampled_from(ActivationType.hidden())   # what a hidden layer may have
outputs = st.sampled_from(list(ActivationType))


@st.composite
def any_settings(draw):
    layers = draw(st.lists(st.integers(1, session.MAX_LAYER_SIZE), min_size=1, max_size=5))
    hidden_count = len(layers) - 1
    hidden = draw(st.lists(activations, min_size=hidden_count, max_size=hidden_count)
                  if hidden_count >= 2 else activations)
    return {"layers": layers, "hidden": hidden, "output": draw(outputs),
            "learning_rate": draw(st.floats(min_value=0, exclude_min=True, allow_infinity=False)),
            "dataset": draw(st.sampled_from(DATASET_NAMES)),
            "seed": draw(st.integers(0, 2**32 - 1)),
            "init_scale": draw(st.one_of(st.just(1.0), st.floats(min_value=0, max_value=1000,
                                                                  exclude_min=True))),
            "cost": draw(st.sampled_from(list(CostType))),
            # issue 17 §2: the mini-batches' size (None: all samples) and shuffle seed
            "batch_size": draw(st.one_of(st.none(), st.integers(1, 2**64))),
            "shuffle_seed": draw(st.integers(0, 2**32 - 1))}


@settings(max_examples=300)
@given(any_settings(), st.booleans())
def test_round_trip(original, shout):
    text = configuration_string(original)
    if shout:
        text = " " + text.upper().replace(":", " : ").replace(",", " , ") + " "
    assert parse_configuration_string(text) == original


# ---- configuration strings: the cost (issue 17) -----------------------------

@pytest.mark.parametrize("tail, scale", [(":cost=cross_entropy", 1.0),
                                         (":scale=5:cost=cross_entropy", 5.0)])
def test_a_string_with_the_cost_round_trips(tail, scale):
    text = SEED_STRING + tail
    settings = parse_configuration_string(text)
    assert settings == dict(SEED_SETTINGS, init_scale=scale, cost=CostType.CROSS_ENTROPY)
    assert configuration_string(settings) == text
    # the cost may also be given by name, in any case, with a hyphen
    assert configuration_string(dict(settings, cost="Cross-Entropy")) == text
    shouted = " " + text.upper().replace(":", " : ").replace("=", " = ") + " "
    assert parse_configuration_string(shouted) == settings


def test_the_default_cost_is_not_written():
    """MSE, the seed's cost, is what a string without ``cost=`` means: it is written
    without it, as the strings of FLUX 0.1 were."""
    for cost in (CostType.MSE, "mse", "MSE"):
        assert configuration_string(dict(SEED_SETTINGS, cost=cost)) == SEED_STRING
    settings = {key: value for key, value in SEED_SETTINGS.items() if key != "cost"}
    assert configuration_string(settings) == SEED_STRING
    assert parse_configuration_string(SEED_STRING + ":cost=mse") == SEED_SETTINGS
    assert parse_configuration_string(SEED_STRING + ":scale=1:cost=mse") == SEED_SETTINGS


@pytest.mark.parametrize("text", [
    SEED_STRING,
    "flux1:iris:6,5,3:tanh,relu:sigmoid:lr=0.05:seed=3",
    "flux1:xor:3,1:tanh:sigmoid:lr=0.5:seed=2:scale=2.5",
    "flux1:parity4:8,4,1:leaky_relu:sigmoid:lr=1:seed=0:scale=1",
    "flux1:iris:6,5,3:tanh,relu:sigmoid:lr=0.05:seed=3:scale=0.001",
])
def test_every_older_string_still_means_the_seeds_cost(text):
    settings = parse_configuration_string(text)
    assert settings["cost"] is CostType.MSE
    assert ":cost=" not in configuration_string(settings)


@pytest.mark.parametrize("tail, message", [
    (":cost=cross_entropy:scale=5", "each once; 'scale=5' is out of order or given twice"),
    (":cost=mse:scale=1", "each once; 'scale=1' is out of order or given twice"),
    (":scale=5:scale=5", "each once; 'scale=5' is out of order or given twice"),
    (":cost=cross_entropy:cost=cross_entropy",
     "in that order, each once; 'cost=cross_entropy' is out of order or given twice"),
    (":cost=mse:cost=cross_entropy",
     "each once; 'cost=cross_entropy' is out of order or given twice"),
    (":cross_entropy", "'cross_entropy' is not one of them"),
    (":cost=hinge", "unknown cost 'hinge'; choose one of mse, cross_entropy"),
    (":cost=", "unknown cost ''"),
    (":scale=5:cost=softmax", "unknown cost 'softmax'"),
    (":scale=0:cost=cross_entropy", "weight scale"),
])
def test_optional_parts_out_of_order_repeated_or_unknown_are_refused(tail, message):
    with pytest.raises(ConfigurationError, match=message):
        parse_configuration_string(SEED_STRING + tail)


def test_softmax_is_no_hidden_activation():
    """SOFTMAX is known (issue 17), but only an output layer may have it: a string that
    gives it to a hidden layer is refused with a message as it is read."""
    for text in ["flux1:iris:6,3:softmax:softmax:lr=1:seed=0:cost=cross_entropy",
                 "flux1:iris:6,5,3:tanh,softmax:sigmoid:lr=1:seed=0"]:
        with pytest.raises(ConfigurationError,
                           match="SOFTMAX is an output layer's activation; choose another "
                                 "hidden activation"):
            parse_configuration_string(text)
    # and a softmax output needs one output per class
    with pytest.raises(ConfigurationError, match="a SOFTMAX output needs at least 2 outputs"):
        formed_stepper("flux1:parity4:8,4,1:leaky_relu:softmax:lr=1:seed=0")
    # cross-entropy needs a SOFTMAX or SIGMOID output
    with pytest.raises(ConfigurationError, match="cross-entropy needs a SOFTMAX or SIGMOID "
                                                 "output, not TANH"):
        formed_stepper("flux1:iris:6,3:relu:tanh:lr=1:seed=0:cost=cross_entropy")


def test_a_softmax_output_with_cross_entropy_round_trips():
    settings = parse_configuration_string(CROSS_ENTROPY_STRING)
    assert settings == {"layers": [6, 3], "hidden": ActivationType.TANH,
                        "output": ActivationType.SOFTMAX, "learning_rate": 0.5,
                        "dataset": "iris", "seed": 3, "init_scale": 1.0,
                        "cost": CostType.CROSS_ENTROPY, "batch_size": None, "shuffle_seed": 0}
    assert configuration_string(settings) == CROSS_ENTROPY_STRING
    stepper, _ = formed_stepper(CROSS_ENTROPY_STRING)
    network = stepper.network
    assert network.cost_type is CostType.CROSS_ENTROPY
    assert network.output_activation is ActivationType.SOFTMAX
    assert session._describes(settings, network)
    assert not session._describes(dict(settings, cost=CostType.MSE), network)


# ---- configuration strings: the batch size and the shuffle seed (issue 17 §2) ----------

@pytest.mark.parametrize("tail, changes", [
    (":batch=32", {"batch_size": 32}),
    (":batch=32:shuffle=3", {"batch_size": 32, "shuffle_seed": 3}),
    (":shuffle=3", {"shuffle_seed": 3}),   # kept for later mini-batches, though all samples
    (":batch=1", {"batch_size": 1}),
    (":batch=16:shuffle=4294967295", {"batch_size": 16, "shuffle_seed": 2**32 - 1}),
    (":scale=5:cost=cross_entropy:batch=16:shuffle=2",
     {"init_scale": 5.0, "cost": CostType.CROSS_ENTROPY, "batch_size": 16, "shuffle_seed": 2}),
    (":cost=cross_entropy:shuffle=7", {"cost": CostType.CROSS_ENTROPY, "shuffle_seed": 7}),
    (":scale=2:batch=5", {"init_scale": 2.0, "batch_size": 5}),
])
def test_a_string_with_the_batch_size_and_shuffle_seed_round_trips(tail, changes):
    text = SEED_STRING + tail
    settings = parse_configuration_string(text)
    assert settings == dict(SEED_SETTINGS, **changes)
    assert type(settings["batch_size"]) in (int, type(None))
    assert type(settings["shuffle_seed"]) is int
    assert configuration_string(settings) == text
    shouted = " " + text.upper().replace(":", " : ").replace("=", " = ") + " "
    assert parse_configuration_string(shouted) == settings


@pytest.mark.parametrize("written", ["all", "ALL", " All ", "full", "Full"])
def test_batch_all_reads_as_all_samples_and_is_not_written(written):
    settings = parse_configuration_string(f"{SEED_STRING}:batch={written}")
    assert settings == SEED_SETTINGS and settings["batch_size"] is None
    assert configuration_string(settings) == SEED_STRING
    settings = parse_configuration_string(f"{SEED_STRING}:cost=mse:batch={written}:shuffle=3")
    assert settings == dict(SEED_SETTINGS, shuffle_seed=3)
    assert configuration_string(settings) == SEED_STRING + ":shuffle=3"


def test_the_default_batch_size_and_shuffle_seed_are_not_written():
    """All samples and shuffle seed 0 are what a string without ``batch=`` and ``shuffle=``
    means: written without them, as the strings of FLUX 0.1 were."""
    assert configuration_string(dict(SEED_SETTINGS, batch_size=None, shuffle_seed=0)) \
        == SEED_STRING
    without = {key: value for key, value in SEED_SETTINGS.items()
               if key not in ("batch_size", "shuffle_seed")}
    assert configuration_string(without) == SEED_STRING
    assert configuration_string(dict(without, shuffle_seed=np.int64(0))) == SEED_STRING
    assert configuration_string(dict(without, batch_size=np.int64(4))) == SEED_STRING + ":batch=4"
    assert parse_configuration_string(SEED_STRING + ":batch=all:shuffle=0") == SEED_SETTINGS
    assert parse_configuration_string(SEED_STRING + ":scale=1:cost=mse:shuffle=0") \
        == SEED_SETTINGS


@pytest.mark.parametrize("text", [
    SEED_STRING,
    "flux1:iris:6,5,3:tanh,relu:sigmoid:lr=0.05:seed=3",
    "flux1:xor:3,1:sigmoid:sigmoid:lr=2.5:seed=7",
    "flux1:wine:12,3:linear:sigmoid:lr=0.001:seed=4294967295",
    "flux1:spiral:16,16,16,1:elu,swish,tanh:sigmoid:lr=0.3333333333333333:seed=1",
    "flux1:xor:3,1:tanh:sigmoid:lr=0.5:seed=2:scale=2.5",
    CROSS_ENTROPY_STRING,
    "flux1:parity4:8,4,1:leaky_relu:sigmoid:lr=1:seed=0:scale=5:cost=cross_entropy",
])
def test_every_older_string_is_still_written_as_it_was(text):
    settings = parse_configuration_string(text)
    assert (settings["batch_size"], settings["shuffle_seed"]) == (None, 0)
    assert configuration_string(settings) == text
    assert ":batch=" not in configuration_string(settings)
    assert ":shuffle=" not in configuration_string(settings)


ORDER = ("after the seed a configuration string can only have scale=… and cost=… and batch=… "
         "and shuffle=…, in that order, each once; ")


@pytest.mark.parametrize("tail, message", [
    (":shuffle=3:batch=32", ORDER + "'batch=32' is out of order or given twice"),
    (":batch=32:cost=cross_entropy", ORDER + "'cost=cross_entropy' is out of order or given "
                                             "twice"),
    (":batch=32:scale=2", ORDER + "'scale=2' is out of order or given twice"),
    (":shuffle=3:cost=mse", ORDER + "'cost=mse' is out of order or given twice"),
    (":batch=32:batch=32", ORDER + "'batch=32' is out of order or given twice"),
    (":batch=32:batch=all", ORDER + "'batch=all' is out of order or given twice"),
    (":shuffle=1:shuffle=1", ORDER + "'shuffle=1' is out of order or given twice"),
    (":batch=4:shuffle=1:shuffle=2", ORDER + "'shuffle=2' is out of order or given twice"),
    (":32", ORDER + "'32' is not one of them"),
    (":batches=32", ORDER + "'batches=32' is not one of them"),
    (":batch", "write the batch size as batch=…, not 'batch'"),
    (":batch=0", "the batch size must be at least 1, not 0 .or all, for every sample.$"),
    (":batch=-3", "the batch size must be at least 1, not -3 .or all, for every sample.$"),
    (":batch=x", "the batch size must be a whole number, not 'x' .or all, for every sample.$"),
    (":batch=1.5", "the batch size must be a whole number, not '1.5' .or all, for every "
                   "sample.$"),
    (":batch=1e400", "the batch size must be a whole number, not '1e400'"),
    (":shuffle=-1", "the shuffle seed must be between 0 and 4,294,967,295, not -1$"),
    (":shuffle=4294967296", "the shuffle seed must be between 0 and 4,294,967,295, "
                            "not 4294967296$"),
    (":shuffle=2.5", "the shuffle seed must be a whole number, not '2.5'$"),
    (":shuffle=x", "the shuffle seed must be a whole number, not 'x'$"),
    (":shuffle=", "the shuffle seed is empty; type a whole number such as 1$"),
    (":batch=32:shuffle=all", "the shuffle seed must be a whole number, not 'all'$"),
])
def test_a_bad_or_misplaced_batch_size_or_shuffle_seed_is_refused(tail, message):
    with pytest.raises(ConfigurationError, match=message):
        parse_configuration_string(SEED_STRING + tail)


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


@pytest.mark.parametrize("configuration", [
    CROSS_ENTROPY_STRING,
    "flux1:iris:6,3:tanh:softmax:lr=0.5:seed=3:scale=2:cost=cross_entropy",
    "flux1:parity4:8,4,1:leaky_relu:sigmoid:lr=1:seed=0:cost=cross_entropy",
])
def test_a_cross_entropy_session_saves_loads_and_continues_identically(tmp_path, configuration):
    original, settings = formed_stepper(configuration)
    original.train(5)
    advance(original, ["layer", "layer", "computation", "computation"])
    save_session(original, tmp_path / "s.npz", settings, (1, 2))
    loaded, loaded_settings, predictions = load_session(tmp_path / "s.npz")
    assert loaded_settings == settings and predictions == (1, 2)
    assert loaded_settings["cost"] is CostType.CROSS_ENTROPY
    assert loaded.network.cost_type is CostType.CROSS_ENTROPY
    assert loaded.network.output_activation is original.network.output_activation
    assert loaded.network.state.tobytes() == original.network.state.tobytes()
    assert loaded.network.cost == original.network.cost
    assert (loaded.position, loaded.place) == (original.position, original.place)
    assert loaded.mse_values == original.mse_values
    _, extra = load_network(tmp_path / "s.npz")
    assert extra["configuration"] == configuration_string(
        dict(settings, learning_rate=original.learning_rate))
    after = ["computation"] * 5 + ["layer", "phase"] + ["iteration"] * 4
    advance(original, after)
    advance(loaded, after)
    original.train(30)
    loaded.train(30)
    assert loaded.network.state.tobytes() == original.network.state.tobytes()
    assert loaded.network.cost == original.network.cost
    assert loaded.network.iteration == original.network.iteration
    assert loaded.mse_values == original.mse_values
    assert loaded.iteration_points == original.iteration_points
    # reset goes to the network as formed, with its cost
    formed, _ = formed_stepper(configuration)
    loaded.reset()
    assert loaded.network.state.tobytes() == formed.network.state.tobytes()
    assert loaded.network.cost_type is CostType.CROSS_ENTROPY
    # and from bytes, as the browser sends it
    stepper, by_bytes, _ = load_session_bytes((tmp_path / "s.npz").read_bytes(), "ce.npz")
    assert by_bytes == settings and stepper.network.cost_type is CostType.CROSS_ENTROPY


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
    for change in ({"layers": [6, 1]}, {"seed": 1}, {"output": "tanh"}, {"hidden": "relu"},
                   {"cost": "cross_entropy"}, {"cost": CostType.CROSS_ENTROPY},
                   {"init_scale": 2.0}):
        with pytest.raises(ConfigurationError, match="do not describe"):
            save_session(stepper, tmp_path / "s.npz", dict(settings, **change))
    assert not os.path.exists(tmp_path / "s.npz")


# ---- sessions in mini-batches (issue 17 §2) ------------------------------------

IRIS = load_dataset("iris")   # 150 samples: batches of 32 are 32, 32, 32, 32 and 22


def minibatch_stepper(batch_size=32, shuffle_seed=5):
    """The iris 6-3 network of CROSS_ENTROPY_STRING, stepped in mini-batches."""
    network = Form_Network([6, 3], IRIS.inputs, IRIS.targets, "tanh", "softmax", seed=3,
                           cost="cross_entropy")
    return Stepper(network, 0.5, batch_size=batch_size, shuffle_seed=shuffle_seed)


def held(stepper):
    """Which samples the stepper's network holds, and how: the batch (or None), the rows."""
    network = stepper.network
    batch = network.batch
    return (None if batch is None else (batch.epoch, batch.number, batch.size, batch.seed,
                                        batch.rows.tolist()),
            network.held_rows.tolist(),
            [layer.sample_size for layer in network.neural_layers])


def assert_same_steppers(loaded, original):
    assert loaded.network.state.tobytes() == original.network.state.tobytes()
    assert loaded.network.cost == original.network.cost or (
        np.isnan(loaded.network.cost) and np.isnan(original.network.cost))
    assert loaded.network.iteration == original.network.iteration
    assert (loaded.position, loaded.place) == (original.position, original.place)
    assert loaded.takes_samples == original.takes_samples
    assert held(loaded) == held(original)
    assert loaded.mse_values == original.mse_values
    assert loaded.iteration_points == original.iteration_points
    assert [str(c) for c in loaded.computations] == [str(c) for c in original.computations]


@pytest.mark.parametrize("iterations, computations", [
    (3, 1),   # just took mini-batch 3 of epoch 0
    (2, 3),   # into the forward pass of mini-batch 2
    (4, 2),   # in the last, smaller batch of epoch 0 (22 samples)
    (5, 1),   # just took mini-batch 0 of epoch 1
    (4, 20),  # the last computation of the 22-sample batch still to come
])
def test_a_minibatch_session_saved_mid_iteration_continues_bit_for_bit(tmp_path, iterations,
                                                                       computations):
    original = minibatch_stepper()
    advance(original, ["iteration"] * iterations + ["computation"] * computations)
    assert original.takes_samples and original.position == computations
    settings = parse_configuration_string(CROSS_ENTROPY_STRING)
    save_session(original, tmp_path / "s.npz", settings, (1, 1))
    _, extra = load_network(tmp_path / "s.npz")
    assert extra["configuration"] == CROSS_ENTROPY_STRING + ":batch=32:shuffle=5"
    assert extra["takes_samples"] is True and extra["session_version"] == 3
    loaded, loaded_settings, predictions = load_session(tmp_path / "s.npz")
    assert loaded_settings == dict(settings, batch_size=32, shuffle_seed=5)
    assert predictions == (1, 1)
    assert (loaded.batch_size, loaded.shuffle_seed, loaded.learning_rate) == (32, 5, 0.5)
    assert loaded.takes_samples is True and len(loaded.computations) == 21
    assert_same_steppers(loaded, original)
    for number, layer in enumerate(original.network.neural_layers, start=1):
        for name in [*layer.matrices, "cost"]:
            assert loaded.computed(number, name) == original.computed(number, name), name
    # on, across the end of an epoch (iterations 5 → 6 and 10 → 11), and trained
    after = ["computation"] * 5 + ["layer", "phase"] + ["iteration"] * 8
    advance(original, after)
    advance(loaded, after)
    assert_same_steppers(loaded, original)
    assert loaded.network.iteration >= 10
    original.train(7)
    loaded.train(7)
    assert_same_steppers(loaded, original)
    assert loaded.last_step.narration == original.last_step.narration
    # and both are where one uninterrupted Learn is
    twin = minibatch_stepper().network
    values, points = Learn(twin, 0.5, original.network.iteration, batch_size=32, shuffle_seed=5)
    assert loaded.network.state.tobytes() == twin.state.tobytes()
    assert loaded.mse_values == list(values) and loaded.iteration_points == list(points)


def test_a_minibatch_session_saved_at_the_start_of_an_iteration_takes_the_next_batch(tmp_path):
    original = minibatch_stepper()
    advance(original, ["iteration"] * 4)   # the next batch is the last, smaller one
    save_session(original, tmp_path / "s.npz", parse_configuration_string(CROSS_ENTROPY_STRING))
    _, extra = load_network(tmp_path / "s.npz")
    assert (extra["position"], extra["takes_samples"]) == (0, False)   # none taken yet
    loaded, _, _ = load_session(tmp_path / "s.npz")
    assert loaded.takes_samples is True   # at position 0: will take (batch_size 32)
    assert_same_steppers(loaded, original)
    step, same = loaded.step("computation"), original.step("computation")
    assert step.narration == same.narration and "(22 of 150)" in step.narration
    advance(original, ["iteration"] * 3)
    advance(loaded, ["iteration"] * 3)
    assert_same_steppers(loaded, original)


def test_a_session_saved_after_going_back_to_all_samples_takes_them_all_first(tmp_path):
    original = minibatch_stepper()
    advance(original, ["iteration"] * 3)
    original.batch_size = None   # the network still holds mini-batch 2 of epoch 0
    assert original.takes_samples and original.network.batch is not None
    save_session(original, tmp_path / "s.npz", parse_configuration_string(CROSS_ENTROPY_STRING))
    _, extra = load_network(tmp_path / "s.npz")
    # all samples are not written; the shuffle seed is the stepper's
    assert extra["configuration"] == CROSS_ENTROPY_STRING + ":shuffle=5"
    assert (extra["position"], extra["takes_samples"]) == (0, False)
    loaded, settings, _ = load_session(tmp_path / "s.npz")
    assert (settings["batch_size"], settings["shuffle_seed"]) == (None, 5)
    assert (loaded.batch_size, loaded.shuffle_seed) == (None, 5)
    assert loaded.takes_samples and len(loaded.computations) == 21
    assert_same_steppers(loaded, original)
    step = loaded.step("computation")
    assert step.written == [(1, "input_matrix")] and "all 150 samples again" in step.narration
    assert loaded.network.batch is None and loaded.network.neural_layers[0].sample_size == 150
    original.step("computation")
    advance(original, ["iteration"] * 3)
    advance(loaded, ["iteration"] * 3)
    assert_same_steppers(loaded, original)
    assert not loaded.takes_samples and len(loaded.computations) == 20
    # which is Learn on all samples from the batch's iteration on
    twin = minibatch_stepper().network
    Learn(twin, 0.5, 3, batch_size=32, shuffle_seed=5)
    Learn(twin, 0.5, 3)
    assert loaded.network.state.tobytes() == twin.state.tobytes()


@pytest.mark.parametrize("configuration, message", [
    (CROSS_ENTROPY_STRING + ":batch=151:shuffle=5",
     "the batch size must be a whole number from 1 to 150, got 151"),
    (CROSS_ENTROPY_STRING + ":batch=1000", "the batch size must be a whole number from 1 to 150, "
                                           "got 1,000"),
    (CROSS_ENTROPY_STRING + ":batch=0:shuffle=5", "the batch size must be at least 1, not 0"),
    (CROSS_ENTROPY_STRING + ":batch=32:shuffle=-5", "the shuffle seed must be between 0 and"),
    (CROSS_ENTROPY_STRING + ":shuffle=5:batch=32", "'batch=32' is out of order or given twice"),
])
def test_a_minibatch_session_whose_settings_do_not_fit_is_refused(tmp_path, configuration,
                                                                  message):
    original = minibatch_stepper()
    advance(original, ["iteration"] * 2 + ["computation"] * 3)
    save_session(original, tmp_path / "s.npz", parse_configuration_string(CROSS_ENTROPY_STRING))
    network, extra = load_network(tmp_path / "s.npz")
    bad = tmp_path / "bad.npz"
    save_network(network, bad, extra=dict(extra, configuration=configuration))
    with pytest.raises(StorageError, match=message) as error:
        load_session(bad)
    assert str(error.value).startswith(f"{bad} is not a session this kit can continue")


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
    ({"configuration": "flux1:parity4:8,4,1:leaky_relu:sigmoid:lr=1:seed=0:cost=cross_entropy"},
     "do not describe"),
    ({"configuration": "flux1:parity4:8,4,1:leaky_relu:sigmoid:lr=1:seed=0:cost=hinge"},
     "unknown cost 'hinge'"),
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
    # session version 3 (issue 17 §2): whether the iteration under way took its samples
    ({"takes_samples": 1}, "takes_samples must be True or False"),
    ({"takes_samples": 0}, "takes_samples must be True or False"),
    ({"takes_samples": "true"}, "takes_samples must be True or False"),
    ({"takes_samples": None}, "takes_samples must be True or False"),
    ({"takes_samples": [True]}, "takes_samples must be True or False"),
    ({"position": 30}, "position"),   # 30 computations, none taking samples: 0 to 29
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
    assert extra["session_version"] == session.SESSION_VERSION == 3
    assert extra["takes_samples"] is False   # all samples: none taken
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
    assert not stepper.takes_samples and stepper.batch_size is None
    assert session._SESSION_MIGRATIONS[1](old) == {
        **old, "session_version": 2, "predictions": {"right": 0, "asked": 0}}
    # and on to version 3: FLUX 0.1 had no mini-batches, so no iteration took its samples
    assert session._SESSION_MIGRATIONS[2](session._SESSION_MIGRATIONS[1](old)) == {
        **old, "session_version": 3, "predictions": {"right": 0, "asked": 0},
        "takes_samples": False}
    assert session._session_extra("old.npz", old) == {
        **old, "session_version": 3, "predictions": {"right": 0, "asked": 0},
        "takes_samples": False}


def test_a_session_of_version_2_is_migrated_taking_no_samples(tmp_path, saved):
    _, network, extra = saved
    old = {key: value for key, value in extra.items() if key != "takes_samples"}
    old["session_version"] = 2   # what FLUX saved before mini-batches (issue 17 §2)
    save_network(network, tmp_path / "v2.npz", extra=old)
    stepper, settings, predictions = load_session(tmp_path / "v2.npz")
    assert (stepper.position, settings, predictions) == (7, SEED_SETTINGS, (0, 0))
    assert not stepper.takes_samples and len(stepper.computations) == 30
    assert session._SESSION_MIGRATIONS[2](old) == {**old, "session_version": 3,
                                                   "takes_samples": False}


def test_a_session_of_version_3_without_takes_samples_is_refused(tmp_path, saved):
    _, network, extra = saved
    bad = {key: value for key, value in extra.items() if key != "takes_samples"}
    save_network(network, tmp_path / "bad.npz", extra=bad)
    with pytest.raises(StorageError, match="holds a network but not a saved session"):
        load_session(tmp_path / "bad.npz")


@pytest.mark.parametrize("version", [4, 10 ** 30])
def test_a_session_of_a_newer_version_is_refused(tmp_path, saved, version):
    _, network, extra = saved
    save_network(network, tmp_path / "new.npz", extra=dict(extra, session_version=version))
    with pytest.raises(StorageError, match="new.npz was saved by a newer FLUX .session version "
                                           ".*.; this kit continues session versions 1 to 3: "
                                           "update flux-widgets to load it"):
        load_session(tmp_path / "new.npz")


@pytest.mark.parametrize("change, message", [
    ({"session_version": 0}, "session_version should be a whole number from 1 to 3, got 0"),
    ({"session_version": "3"}, "session_version should be a whole number from 1 to 3, got '3'"),
    ({"session_version": 3.0}, "session_version should be a whole number"),
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


@pytest.mark.parametrize("tail", [":batch=", ":batch= :shuffle=2"])
def test_an_empty_batch_part_is_refused_as_every_empty_part_is(tail):
    with pytest.raises(ConfigurationError, match="the batch size after batch= is empty"):
        parse_configuration_string(SEED_STRING + tail)

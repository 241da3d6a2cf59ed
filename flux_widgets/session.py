"""Keep and share a state: checked settings, configuration strings, saved sessions.

A configuration string, ``flux1:parity4:8,4,1:leaky_relu:sigmoid:lr=1:seed=0``,
is the format, the dataset, the layer sizes after the implicit input layer, the
hidden activation (one for all hidden layers, or one per hidden layer:
``tanh,relu``), the output activation, the learning rate and the seed,
separated by ``:``; spaces around parts, commas and ``=``, and case, are ignored.
After the seed come four optional parts, in this order: ``scale=5``, the weight scale the
network was formed with (:func:`~flux_widgets.network.Form_Network`'s ``init_scale``;
without it the scale is 1), ``cost=cross_entropy``, its cost (without it the seed's
MSE), ``batch=32``, the size of the mini-batches it is stepped and trained with (without
it all samples, the seed's full batch), and ``shuffle=3``, the seed of their shuffle
(without it 0). A string is written with each only when it is not the default, so every
string of FLUX 0.1 still reads, and is still written, as it was.

A session file is a network saved by :func:`~flux_widgets.storage.save_network`
with ::

    extra = {"configuration": "flux1:…", "position": 7, "mse_values": […],
             "iteration_points": […], "session_version": 3,
             "predictions": {"right": 2, "asked": 3}, "takes_samples": false}

(``mse_values`` is the cost curve, the MSE or the cross-entropy: the key keeps the name
it had in FLUX 0.1, so every session file reads as it did); after :func:`load_session`
the next step computes exactly what it would have
computed without the save (the curve is the stepper's, thinned past
``curve_points``), and the prediction score (``right`` of ``asked`` predict-mode
questions answered right, 0 ≤ right ≤ asked) is what it was; ``takes_samples`` is
whether the iteration under way began by taking its samples (a mini-batch:
:attr:`~flux_widgets.stepper.Stepper.takes_samples`). ``session_version``
versions this ``extra`` as ``storage.VERSION`` versions the file around it: an
``extra`` without it is version 1 (FLUX 0.1: no score), migrated by
``_SESSION_MIGRATIONS`` (score 0 of 0; version 2 → 3: no samples taken, as there were no
mini-batches); a newer one is refused. The ``parse_*``
functions check what a learner types (the numeric ones live in
:mod:`flux_widgets.checks` and are importable from here too); every refusal is a
ConfigurationError.
"""

from __future__ import annotations

import math
import os
import tempfile
from typing import NamedTuple

import numpy as np

from . import checks
from .activations import ActivationType
from .costs import CostType
from .checks import (MAX_LAYER_SIZE, MAX_UPLOAD_BYTES, number_text, parse_batch_size,
                     parse_init_scale, parse_layer_sizes, parse_learning_rate, parse_seed,
                     parse_shuffle_seed, parse_whole_number)
from .datasets import DATASET_NAMES
from .errors import ConfigurationError, StorageError
from .network import Form_Network, check_network_memory
from .stepper import STEPPER_COPIES, Stepper
from .storage import load_network, save_network

__all__ = ["parse_whole_number", "parse_layer_sizes", "parse_learning_rate", "parse_seed",
           "parse_init_scale", "parse_activations", "configuration_string",
           "parse_configuration_string", "Session", "save_session", "load_session",
           "load_session_bytes", "MAX_LAYER_SIZE", "SESSION_VERSION"]

MAX_CONFIGURATION_LENGTH = 4000
PREFIX = "flux1"
EXAMPLE = "flux1:parity4:8,4,1:leaky_relu:sigmoid:lr=1:seed=0"
# the settings a configuration string needs; "init_scale" may be missing (scale 1)
_SETTINGS = ("layers", "hidden", "output", "learning_rate", "dataset", "seed")
def _batch_part(text):
    """A string's ``batch=…``: a size, or ``all`` (the part is then not needed); never empty,
    as no other part may be."""
    if not text:
        raise ConfigurationError("the batch size after batch= is empty; write a number of "
                                 "samples, such as batch=32, or leave the part out for all")
    return parse_batch_size(text)


# the optional parts after the seed, in order: label -> (setting, what it is, its parser,
# its default: the part is written only for another value)
_OPTIONAL = {"scale": ("init_scale", "weight scale", parse_init_scale, 1.0),
             "cost": ("cost", "cost", CostType.parse, CostType.MSE),
             "batch": ("batch_size", "batch size", _batch_part, None),
             "shuffle": ("shuffle_seed", "shuffle seed", parse_shuffle_seed, 0)}
_SESSION_KEYS = ("configuration", "position", "mse_values", "iteration_points",
                 "session_version", "predictions", "takes_samples")
SESSION_VERSION = 3


def _add_predictions(extra):
    """Session version 1 → 2: the prediction score, which FLUX 0.1 did not keep: 0 of 0."""
    return dict(extra, session_version=2, predictions={"right": 0, "asked": 0})


def _add_takes_samples(extra):
    """Session version 2 → 3: whether the iteration under way took its samples; before
    mini-batches none did."""
    return dict(extra, session_version=3, takes_samples=False)


# session version v -> a function turning a session's extra of version v into that of v + 1
# (CONTRIBUTING.md, "Changing a saved format"; tests/fixtures/saved keeps every version)
_SESSION_MIGRATIONS = {1: _add_predictions, 2: _add_takes_samples}


# ---- What a learner types (the numbers: flux_widgets.checks).

def parse_activations(text):
    """``"Leaky_ReLU"`` → an ActivationType; ``"tanh, relu"`` → a list, one per layer: hidden
    layers' activations (an output-only one, softmax, is refused)."""
    text = str(text).strip()
    parts = [part.strip() for part in text.split(",")]
    if "" in parts:
        raise ConfigurationError(f"'{text}' has an empty activation; type one name such as "
                                 "leaky_relu, or one per hidden layer such as tanh, relu")
    kinds = [ActivationType.parse(part) for part in parts]
    for kind in kinds:
        if kind.record.output_only:
            raise ConfigurationError(f"{kind.name} is an output layer's activation; choose "
                                     "another hidden activation")
    return kinds[0] if len(kinds) == 1 else kinds


# ---- Configuration strings.

def _number_text(value):
    """The shortest text that reads back as the same number (``1.0`` → ``"1"``); a whole
    number too long to write out (``10**5000``) becomes one the parsers refuse."""
    try:
        text = repr(float(value)) if isinstance(value, float) else str(value)
    except ValueError:  # more digits than Python writes out
        return number_text(value)
    return text[:-2] if text.endswith(".0") else text


def _activation_text(value):
    kinds = value if isinstance(value, (list, tuple)) else [value]
    return ",".join(ActivationType.parse(kind).value for kind in kinds)


def configuration_string(settings):
    """The configuration string of ``settings``; raises ConfigurationError for a bad setting.

    Parameters
    ----------
    settings : dict
        As :meth:`Controls.values` returns them (activations and the cost may also be
        names); without ``init_scale`` the weight scale is 1, without ``cost`` the cost
        is MSE, without ``batch_size`` all samples, without ``shuffle_seed`` 0.

    Returns
    -------
    str
        Such as :data:`EXAMPLE`, with ``:scale=…`` when the weight scale is not 1,
        ``:cost=…`` when the cost is not MSE, ``:batch=…`` for mini-batches and
        ``:shuffle=…`` for a shuffle seed other than 0; :func:`parse_configuration_string`
        gives ``settings`` back.
    """
    missing = [key for key in _SETTINGS if not isinstance(settings, dict) or key not in settings]
    if missing:
        raise ConfigurationError(f"the settings lack {', '.join(missing)}")
    optional = {"init_scale": checks.init_scale(settings.get("init_scale", 1.0)),
                "cost": CostType.parse(settings.get("cost", CostType.MSE)),
                "batch_size": settings.get("batch_size"),
                "shuffle_seed": checks.shuffle_seed(settings.get("shuffle_seed", 0))}
    if optional["batch_size"] is not None:
        optional["batch_size"] = checks.whole_number(optional["batch_size"], "the batch size", 1)
    dataset, layers = str(settings["dataset"]).lower(), settings["layers"]
    if dataset not in DATASET_NAMES:  # such as "csv:marks.csv", a learner's own file
        raise ConfigurationError(f"'{dataset}' is not a bundled dataset; only those "
                                 f"({', '.join(DATASET_NAMES)}) can be shared or saved here")
    text = ":".join([PREFIX, dataset,
                     ",".join(map(_number_text, layers if isinstance(layers, (list, tuple))
                                  else [layers])),
                     _activation_text(settings["hidden"]), _activation_text(settings["output"]),
                     f"lr={_number_text(settings['learning_rate'])}",
                     f"seed={_number_text(settings['seed'])}",
                     *(f"{label}={_setting_text(optional[key])}"
                       for label, (key, _, _, default) in _OPTIONAL.items()
                       if optional[key] != default)])
    parse_configuration_string(text)
    return text


def _setting_text(value):
    """An optional setting as the string writes it: a cost by its name, a number shortest."""
    return value.value if isinstance(value, CostType) else _number_text(value)


def _labelled(part, label, what):
    """``"lr = 0.5"`` → ``"0.5"``; refuse a part without its label."""
    name, equals, value = part.partition("=")
    if not equals or name.strip().lower() != label:
        raise ConfigurationError(f"write the {what} as {label}=…, not '{part}'")
    return value.strip()


def parse_configuration_string(text):
    """The settings ``text`` describes; raises ConfigurationError saying what is wrong.

    Parameters
    ----------
    text : str
        Such as :data:`EXAMPLE` (7 parts), and after the seed, optionally, the weight scale,
        the cost, the batch size and the shuffle seed in that order: ``…:seed=0:scale=5``,
        ``…:seed=0:cost=cross_entropy``, ``…:seed=0:scale=5:cost=cross_entropy:batch=32``,
        ``…:seed=0:batch=32:shuffle=3``.

    Returns
    -------
    dict
        As :meth:`Controls.values`: ``layers`` (list of int), ``hidden`` (ActivationType
        or one per hidden layer), ``output``, ``learning_rate``, ``dataset``, ``seed``,
        ``init_scale`` (1.0 when not given), ``cost`` (a CostType; MSE when not given),
        ``batch_size`` (``None``, all samples, when not given), ``shuffle_seed`` (0).
    """
    if not isinstance(text, str):
        raise ConfigurationError(f"a configuration string is text, not {type(text).__name__}")
    text = text.strip().strip("'\"`").strip()
    if not text:
        raise ConfigurationError(f"the configuration string is empty; paste one like {EXAMPLE}")
    if len(text) > MAX_CONFIGURATION_LENGTH:
        raise ConfigurationError(f"the configuration string is too long ({len(text):,} chars)")
    parts = [part.strip() for part in text.split(":")]
    if parts[0].lower() != PREFIX:
        raise ConfigurationError(f"a configuration string of this kit starts with '{PREFIX}:', "
                                 f"like {EXAMPLE}; this one starts with '{parts[0]}'")
    if not 7 <= len(parts) <= 7 + len(_OPTIONAL):
        raise ConfigurationError(f"the configuration string has {len(parts)} parts separated by "
                                 f"':', but needs 7, like {EXAMPLE}, and after the seed at "
                                 f"most the weight scale, the cost, the batch size and the "
                                 f"shuffle seed, like "
                                 f"{EXAMPLE}:scale=5:cost=cross_entropy:batch=4:shuffle=3")
    _, dataset, layers, hidden, output, rate, seed, *optional = parts
    if dataset.lower() not in DATASET_NAMES:
        raise ConfigurationError(f"unknown dataset '{dataset}'; choose one of "
                                 f"{', '.join(DATASET_NAMES)}")
    layers = parse_layer_sizes(layers)
    hidden = parse_activations(hidden)
    if isinstance(hidden, list) and len(hidden) != len(layers) - 1:
        raise ConfigurationError(f"{len(hidden)} hidden activations for {len(layers) - 1} hidden "
                                 "layers; give one for all, or exactly one per hidden layer")
    settings = {"layers": layers, "hidden": hidden, "output": ActivationType.parse(output),
                "learning_rate": parse_learning_rate(_labelled(rate, "lr", "learning rate")),
                "dataset": dataset.lower(), "seed": parse_seed(_labelled(seed, "seed", "seed")),
                **{key: default for key, _, _, default in _OPTIONAL.values()}}
    labels = list(_OPTIONAL)
    for part in optional:   # each at most once, in the order of _OPTIONAL
        label = part.partition("=")[0].strip().lower()
        if label not in labels:
            how = (f"'{part}' is out of order or given twice" if label in _OPTIONAL
                   else f"'{part}' is not one of them")
            raise ConfigurationError(f"after the seed a configuration string can only have "
                                     f"{' and '.join(f'{name}=…' for name in _OPTIONAL)}, in "
                                     f"that order, each once; {how}")
        labels = labels[labels.index(label) + 1:]
        key, what, parse, _ = _OPTIONAL[label]
        settings[key] = parse(_labelled(part, label, what))
    return settings


# ---- Sessions.

class Session(NamedTuple):
    """A loaded session, as :func:`load_session` returns it (it unpacks as a tuple).

    Attributes
    ----------
    stepper : Stepper
        At the saved position with the saved MSE curve; reset goes to the network as formed.
    settings : dict
        What the network was formed with, as :func:`parse_configuration_string` returns them.
    predictions : (int, int)
        The prediction score ``(right, asked)``: whole numbers, 0 ≤ right ≤ asked.
    """

    stepper: Stepper
    settings: dict
    predictions: tuple


def _describes(settings, network):
    """Whether ``settings`` (parsed) are the settings ``network`` was formed with."""
    hidden = settings["hidden"]
    if not isinstance(hidden, list):
        hidden = [hidden] * (len(network.neural_layers) - 1)
    return (settings["layers"] == network.layers_vector[1:]
            and hidden == network.hidden_activations
            and settings["output"] is network.output_activation
            and settings["seed"] == network.seed
            and settings["init_scale"] == network.init_scale
            and settings["cost"] is network.cost_type)


def _score(right, asked):
    """Whether ``right`` of ``asked`` is a prediction score: whole numbers (not bools, not
    3.0), 0 ≤ right ≤ asked."""
    return (checks.is_whole_number(right) and checks.is_whole_number(asked)
            and 0 <= right <= asked)


def save_session(stepper, path, settings, predictions=(0, 0)):
    """Save the stepper's network, its position, its MSE curve and the prediction score to
    the ``.npz`` file ``path`` (see the module docs for what the file holds).

    Parameters
    ----------
    stepper : Stepper
    path : str or os.PathLike
    settings : dict
        What the network was formed with (:meth:`Controls.values`); the
        learning rate, batch size and shuffle seed saved are the stepper's.
    predictions : (int, int)
        The prediction score ``(right, asked)``: ``right`` of ``asked`` questions of
        predict mode answered right, whole numbers with 0 ≤ right ≤ asked.

    Returns None; raises ConfigurationError if ``settings`` do not describe the
    network, ``predictions`` is not such a pair, or the network holds inf or nan (a
    diverged step: step back first), StorageError if the file cannot be written.
    """
    if not (isinstance(predictions, (tuple, list)) and len(predictions) == 2
            and _score(*predictions)):
        raise ConfigurationError(f"predictions must be a pair (right, asked) of whole numbers "
                                 f"with 0 ≤ right ≤ asked, such as (2, 3), got "
                                 f"{number_text(predictions)}")
    if not (np.isfinite(stepper.network.state).all()
            and all(math.isfinite(cost) for cost in stepper.cost_values)):
        raise ConfigurationError("the network holds inf or nan since a step diverged, and "
                                 "a session is saved only with finite numbers: step back "
                                 "to its last finite state, then save")
    configuration = configuration_string(
        dict(settings, learning_rate=stepper.learning_rate, batch_size=stepper.batch_size,
             shuffle_seed=stepper.shuffle_seed) if isinstance(settings, dict) else settings)
    network = stepper.network
    if not _describes(parse_configuration_string(configuration), network):
        raise ConfigurationError(f"the settings {configuration} do not describe the network "
                                 f"to save ({network.describe()}, seed {network.seed}); "
                                 "form the network from them first")
    right, asked = predictions
    save_network(network, path, extra={
        "configuration": configuration, "position": stepper.position,
        "mse_values": [float(value) for value in stepper.cost_values],
        "iteration_points": [int(point) for point in stepper.iteration_points],
        "session_version": SESSION_VERSION,
        "predictions": {"right": int(right), "asked": int(asked)},
        "takes_samples": bool(stepper.position and stepper.takes_samples)})


def _session_extra(path, extra):
    """``extra`` of a session file, migrated to :data:`SESSION_VERSION`; StorageError for
    one of a newer version or one that is not a session's."""
    version = extra.get("session_version", 1)  # FLUX 0.1 wrote no session_version
    if checks.is_whole_number(version) and version > SESSION_VERSION:
        raise StorageError(f"{path} was saved by a newer FLUX (session version "
                           f"{number_text(version)}); "
                           f"this kit continues session versions 1 to {SESSION_VERSION}: "
                           "update flux-widgets to load it")
    if not (checks.is_whole_number(version) and version >= 1):
        raise StorageError(f"{path} is not a session this kit can continue: its "
                           f"session_version should be a whole number from 1 to "
                           f"{SESSION_VERSION}, got {number_text(version)}")
    migrated = extra
    while version < SESSION_VERSION:  # an older session is migrated, never refused
        migrated = _SESSION_MIGRATIONS[version](migrated)
        version += 1
    if sorted(migrated) != sorted(_SESSION_KEYS):
        raise StorageError(f"{path} holds a network but not a saved session: its extra should "
                           f"hold {', '.join(_SESSION_KEYS)}, not {', '.join(extra) or 'nothing'}")
    return migrated


def _predictions(score):
    """The saved score ``{"right": r, "asked": m}`` as ``(r, m)``; ConfigurationError unless
    both are whole numbers with 0 ≤ r ≤ m."""
    if not (isinstance(score, dict) and sorted(score) == ["asked", "right"]
            and _score(score["right"], score["asked"])):
        raise ConfigurationError(f'its predictions should be {{"right": r, "asked": m}} with '
                                 f"whole numbers 0 ≤ r ≤ m, got {number_text(score)}")
    return score["right"], score["asked"]


def load_session(path):
    """Load a session saved by :func:`save_session`; StorageError (only) for an untrusted file.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    Session
        ``(stepper, settings, predictions)``: a stepper at the saved position with the
        saved MSE curve (reset goes to the network as formed, at its weight scale), the
        settings, and the prediction score ``(right, asked)`` (``(0, 0)`` for a session
        of FLUX 0.1, which kept none).
    """
    network, extra = load_network(path)
    extra = _session_extra(path, extra)
    try:
        check_network_memory(network.layers_vector, network.sample_size, STEPPER_COPIES,
                             f"continuing it keeps {STEPPER_COPIES} copies (it, as formed, "
                             "one step back)", advice="continue it where there is more memory")
    except ConfigurationError as error:
        raise StorageError(f"{path} cannot be continued here: {error}") from None
    try:
        predictions = _predictions(extra["predictions"])
        settings = parse_configuration_string(extra["configuration"])
        if not _describes(settings, network):
            raise ConfigurationError(f"its settings {extra['configuration']} do not describe "
                                     f"the network it holds ({network.describe()})")
        formed = Form_Network(settings["layers"], network.inputMatrix, network.outputMatrix,
                              settings["hidden"], settings["output"], seed=settings["seed"],
                              init_scale=settings["init_scale"], cost=settings["cost"])
        stepper = Stepper(network, settings["learning_rate"], batch_size=settings["batch_size"],
                          shuffle_seed=settings["shuffle_seed"])
        stepper.resume(extra["position"], extra["mse_values"], extra["iteration_points"],
                       formed=formed.snapshot(), takes_samples=extra["takes_samples"])
    except ConfigurationError as error:
        raise StorageError(f"{path} is not a session this kit can continue: {error}") from None
    return Session(stepper, settings, predictions)


def load_session_bytes(data, name="session.npz"):
    """Load a session from a file's bytes (a browser upload), as :func:`load_session`.

    Parameters
    ----------
    data : bytes, bytearray or memoryview
        The file, at most ``MAX_UPLOAD_BYTES`` (10 MB: the most a browser can send
        the kernel; :data:`flux_widgets.checks.MAX_UPLOAD_BYTES`).
    name : str
        Its name, for messages.

    Returns a :class:`Session` ``(stepper, settings, predictions)``; raises StorageError
    (only).
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise StorageError(f"{name}: expected the bytes of a file, got {type(data).__name__}")
    size = memoryview(data).nbytes
    if size > MAX_UPLOAD_BYTES:
        raise StorageError(f"{name} is {size / 1e6:.1f} MB; a saved session may be at most "
                           f"{MAX_UPLOAD_BYTES / 1e6:.1f} MB when it comes from the browser "
                           "(the most it passes to the kernel); load a larger one with "
                           "load_session in a code cell")
    with tempfile.TemporaryDirectory(prefix="flux_upload_") as folder:
        path = os.path.join(folder, "session.npz")
        try:
            with open(path, "wb") as file:
                file.write(data)
            return load_session(path)
        except OSError as error:
            raise StorageError(f"cannot keep {name} in a temporary file: "
                               f"{error.strerror or error}") from None
        except StorageError as error:
            raise StorageError(str(error).replace(path, str(name))) from None

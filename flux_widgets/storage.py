"""Save a network to a file and load it back, safely.

The format is one ``.npz`` file (a zip of ``.npy`` arrays) holding exactly:

``meta``
    a unicode string with a JSON object: ``format`` ("flux-network"),
    ``version`` (1), ``layers_vector``, ``activations`` (one name per layer,
    hidden layers first), ``seed``, ``iteration``, ``cost`` (null before the
    first), ``extra`` (whatever JSON the caller adds, e.g. the panel's step
    position) and ``sha256``, a checksum over all of it;
``inputs``, ``targets``
    the data, N x n_in and N x k float64;
``state``
    the network's one block of matrices (see :mod:`flux_widgets.network`).

Loading uses ``numpy.load(..., allow_pickle=False)`` and JSON only: nothing in
a file is ever executed. Every check that fails raises
:class:`~flux_widgets.errors.StorageError` with a message a learner can act on;
no other exception escapes :func:`load_network`.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from .activations import ActivationType
from .errors import FluxError, StorageError
from .network import MAX_NETWORK_BYTES, Form_Network, Neural_Layer_Information

__all__ = ["save_network", "load_network", "FORMAT", "VERSION"]

FORMAT = "flux-network"
VERSION = 1
MAX_FILE_BYTES = 512 * 1024 ** 2
_ARRAYS = ("inputs", "targets", "state")
_KEYS = {"format", "version", "layers_vector", "activations", "seed", "iteration", "cost",
         "extra", "sha256"}


def _checksum(meta, arrays):
    digest = hashlib.sha256()
    digest.update(json.dumps({k: v for k, v in meta.items() if k != "sha256"},
                             sort_keys=True).encode())
    for name in _ARRAYS:
        digest.update(np.ascontiguousarray(arrays[name], dtype="<f8").tobytes())
    return digest.hexdigest()


def save_network(network, path, extra=None):
    """Write ``network`` (and a JSON-serialisable ``extra`` dict) to ``path``.

    The file is written to a temporary name first and then renamed, so an
    interrupted save never leaves half a file. Raises StorageError for
    something that is not a network or an ``extra`` that JSON cannot hold.
    """
    if not isinstance(network, Neural_Layer_Information):
        raise StorageError(f"save_network needs a formed network, got {type(network).__name__}")
    extra = {} if extra is None else extra
    try:
        json.dumps(extra, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise StorageError(f"extra must be plain JSON data (numbers, text, lists, dicts): "
                           f"{error}") from None
    if not isinstance(extra, dict):
        raise StorageError(f"extra must be a dict, got {type(extra).__name__}")
    meta = {"format": FORMAT, "version": VERSION, "layers_vector": network.layers_vector,
            "activations": [layer.activation.name for layer in network.neural_layers],
            "seed": network.seed, "iteration": network.iteration,
            "cost": network.cost if math.isfinite(network.cost) else None, "extra": extra}
    arrays = {"inputs": network.inputMatrix, "targets": network.outputMatrix,
              "state": network.state}
    meta["sha256"] = _checksum(meta, arrays)
    path = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent or ".", suffix=".tmp")
        with os.fdopen(handle, "wb") as file:
            np.savez_compressed(file, meta=np.array(json.dumps(meta)), **arrays)
        os.replace(temporary, path)
    except OSError as error:
        raise StorageError(f"cannot write {path}: {error.strerror or error}") from None


def _read_arrays(path):
    try:
        if path.is_dir():
            raise StorageError(f"{path} is a folder, not a saved network")
        size = path.stat().st_size
    except FileNotFoundError:
        raise StorageError(f"there is no file {path}") from None
    except OSError as error:
        raise StorageError(f"cannot read {path}: {error.strerror or error}") from None
    if size == 0:
        raise StorageError(f"{path.name} is empty")
    if size > MAX_FILE_BYTES:
        raise StorageError(f"{path.name} is {size / 1e6:.0f} MB, larger than any network the "
                           "kit saves")
    not_ours = f"{path.name} is not a FLUX network file (or it is damaged)"
    try:
        with zipfile.ZipFile(path) as archive:
            members = {info.filename: info.file_size for info in archive.infolist()}
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise StorageError(not_ours) from None
    expected = {f"{name}.npy" for name in ("meta", *_ARRAYS)}
    if set(members) != expected:
        raise StorageError(f"{not_ours}: it holds {', '.join(sorted(members)) or 'nothing'}")
    if sum(members.values()) > MAX_NETWORK_BYTES + 2 * MAX_FILE_BYTES:
        raise StorageError(f"{path.name} would unpack to more than any network the kit saves")
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {name: archive[name] for name in ("meta", *_ARRAYS)}
    except ValueError as error:
        if "pickle" in str(error).lower():
            raise StorageError(f"{path.name} holds Python objects, which FLUX never loads") \
                from None
        raise StorageError(f"{not_ours}: {error}") from None
    except Exception:  # a damaged zip member can fail in many ways inside numpy and zlib
        raise StorageError(not_ours) from None


def _meta(raw, name):
    if raw.dtype.kind != "U" or raw.ndim != 0:
        raise StorageError(f"{name}: the description (meta) is not text")
    try:
        meta = json.loads(str(raw))
    except ValueError:
        raise StorageError(f"{name}: the description (meta) is not valid JSON") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise StorageError(f"{name} is not a FLUX network file")
    if meta.get("version") != VERSION:
        raise StorageError(f"{name} was saved in format version {meta.get('version')!r}; this "
                           f"kit reads version {VERSION}")
    if set(meta) != _KEYS:
        missing, unknown = sorted(_KEYS - set(meta)), sorted(set(meta) - _KEYS)
        raise StorageError(f"{name}: the description lacks {missing} / has unknown {unknown}")
    sizes = meta["layers_vector"]
    if not (isinstance(sizes, list) and len(sizes) >= 2
            and all(type(n) is int and n >= 1 for n in sizes)):
        raise StorageError(f"{name}: layers_vector {sizes!r} is not a list of sizes ≥ 1")
    activations = meta["activations"]
    if not (isinstance(activations, list) and len(activations) == len(sizes) - 1
            and all(isinstance(a, str) and a in ActivationType.__members__
                    for a in activations)):
        raise StorageError(f"{name}: activations {activations!r} do not fit the layers")
    for key, kinds in (("seed", (int, type(None))), ("iteration", (int,)),
                       ("cost", (int, float, type(None))), ("extra", (dict,))):
        if type(meta[key]) not in kinds or type(meta[key]) is bool:
            raise StorageError(f"{name}: {key} has the wrong kind of value")
    if meta["iteration"] < 0 or (meta["seed"] is not None and meta["seed"] < 0):
        raise StorageError(f"{name}: iteration and seed cannot be negative")
    return meta


def load_network(path):
    """Load a network saved by :func:`save_network`; return ``(network, extra)``.

    The loaded network is bit for bit the saved one: every matrix, the cost,
    the iteration count and the seed. Raises StorageError, and nothing else,
    for any file it cannot trust.
    """
    path = Path(path)
    arrays = _read_arrays(path)
    meta = _meta(arrays["meta"], path.name)
    for name in _ARRAYS:
        array = arrays[name]
        if array.dtype != np.float64 or array.ndim != (1 if name == "state" else 2):
            raise StorageError(f"{path.name}: {name} has the wrong type or shape")
        if not np.isfinite(array).all():
            raise StorageError(f"{path.name}: {name} holds inf or nan")
    if _checksum(meta, arrays) != meta["sha256"]:
        raise StorageError(f"{path.name} was changed after it was saved (its checksum does "
                           "not match)")
    inputs, targets = arrays["inputs"], arrays["targets"]
    sizes = meta["layers_vector"]
    if inputs.shape[1] != sizes[0] or targets.shape[1] != sizes[-1] \
            or inputs.shape[0] != targets.shape[0]:
        raise StorageError(f"{path.name}: the data do not fit layers {sizes}")
    *hidden, output = meta["activations"]
    try:
        network = Form_Network(sizes[1:], inputs, targets, hidden, output,
                               seed=meta["seed"])
    except FluxError as error:
        raise StorageError(f"{path.name}: {error}") from None
    if arrays["state"].shape != network.state.shape:
        raise StorageError(f"{path.name}: the saved matrices do not fit layers {sizes}")
    np.copyto(network.state, arrays["state"])
    network.cost = math.nan if meta["cost"] is None else float(meta["cost"])
    network.iteration = meta["iteration"]
    return network, meta["extra"]

"""Save a network to one file and load it back exactly, trusting nothing in the file.

The format (version 4) is one ``.npz`` file: a zip archive of ``.npy`` arrays,
holding exactly these four:

``inputs``
    the data, N x n_in float64;
``targets``
    the targets t, N x k float64;
``state``
    the network's one block of matrices, 1-D float64 (see
    :mod:`flux_widgets.network`; its layout follows from ``layers_vector`` and N);
``meta``
    a 0-d unicode array holding a JSON object::

        {"format": "flux-network", "version": 4,
         "layers_vector": [4, 8, 4, 1],
         "activations": ["LEAKY_RELU", "LEAKY_RELU", "SIGMOID"],
         "seed": 1, "init_scale": 1.0, "cost_type": "mse", "batch": null,
         "iteration": 20, "cost": 0.24,
         "extra": {"position": 7, "learning_rate": 0.5},
         "sha256": "..."}

    ``activations`` has one name per layer, hidden layers first; ``seed`` and
    ``cost`` may be ``null`` (no seed; no cost before the first iteration);
    ``init_scale`` is the weight scale the network was formed with (a number
    with 0 < s ≤ 1,000, see :func:`~flux_widgets.network.Form_Network`); ``cost_type``
    the cost function (``"mse"`` or ``"cross_entropy"``, see :mod:`~flux_widgets.costs`);
    ``batch`` the mini-batch the per-sample matrices hold, ``null`` for all samples, else
    ``{"epoch": e, "number": b, "size": B, "seed": s}`` (its samples follow from these, see
    :func:`~flux_widgets.network.next_batch`);
    ``extra`` is whatever JSON object the caller saved with the network.
    ``sha256`` is the hex SHA-256 of the bytes of ``inputs``, ``targets`` and
    ``state`` (in that order, little-endian float64, C order) followed by
    ``json.dumps(meta_without_sha256, sort_keys=True)`` encoded as UTF-8.

Version 1 (FLUX 0.1) had no ``init_scale``: its networks were all formed with
scale 1, which is what a version 1 file is read with; version 2 had no ``cost_type``:
its networks all had the seed's MSE; version 3 had no ``batch``: its networks held all
samples (``_MIGRATIONS``). Files are always written in the
newest version.

Loading reads only JSON and plain float64 arrays; a file holding Python
objects (pickles) is refused before any of it is read, so nothing in a file is
ever executed. Sizes are checked before anything is unpacked: the file may be
at most ``MAX_FILE_BYTES`` (512 MiB) and unpack to at most the kit's memory limit
(:func:`~flux_widgets.checks.memory_limit`), the network it holds must fit in that
limit too, and each array's header must agree with the archive's directory. Every problem
with a file raises :class:`~flux_widgets.errors.StorageError`, with a message
a learner can act on; no other exception escapes :func:`load_network`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import secrets
import stat
import zipfile

import numpy as np

from . import checks
from .activations import ActivationType
from .costs import CostType
from .checks import MAX_FILE_BYTES
from .errors import ConfigurationError, FluxError, StorageError
from .network import (Form_Network, Neural_Layer_Information, check_network_memory,
                      epoch_batch, network_size)

__all__ = ["save_network", "load_network", "FORMAT", "VERSION"]

FORMAT = "flux-network"
VERSION = 4


def _add_init_scale(meta):
    """Version 1 → 2: the weight scale, which every network of version 1 was formed with: 1."""
    return dict(meta, version=2, init_scale=1.0)


def _add_cost_type(meta):
    """Version 2 → 3: the cost function, which every network of version 2 had: MSE."""
    return dict(meta, version=3, cost_type="mse")


def _add_batch(meta):
    """Version 3 → 4: the mini-batch held, which no network of version 3 held: none."""
    return dict(meta, version=4, batch=None)


# version v -> a function turning the description (meta) of version v into that of v + 1;
# the checksum is checked on the description as saved (CONTRIBUTING.md, "Changing a saved
# format"; tests/fixtures/saved keeps files of every version)
_MIGRATIONS = {1: _add_init_scale, 2: _add_cost_type, 3: _add_batch}
_INTRODUCED = {2: "init_scale", 3: "cost_type", 4: "batch"}  # version -> the entry it added
MAX_META_BYTES = 16 * 1024 ** 2
_ARRAYS = ("inputs", "targets", "state")
_MEMBERS = ("meta", *_ARRAYS)
_KEYS = ("format", "version", "layers_vector", "activations", "seed", "init_scale",
         "cost_type", "batch", "iteration", "cost", "extra", "sha256")
_MB = 1024 ** 2


# --------------------------------------------------------------------------
# Shared by saving and loading.
# --------------------------------------------------------------------------

def _canonical(meta):
    """The JSON the checksum covers: every meta field but ``sha256``, keys sorted."""
    return json.dumps({key: value for key, value in meta.items() if key != "sha256"},
                      sort_keys=True, allow_nan=False)


def _checksum(meta, inputs, targets, state):
    digest = hashlib.sha256()
    for array in (inputs, targets, state):
        digest.update(np.ascontiguousarray(array, dtype="<f8"))
    digest.update(_canonical(meta).encode())
    return digest.hexdigest()


def _check_path(path):
    """Refuse a ``path`` that is not a file path (a number would be taken as a file descriptor)."""
    if not isinstance(path, (str, bytes, os.PathLike)):
        raise StorageError(f"the file must be given as a path such as 'network.npz', "
                           f"got {type(path).__name__} {path!r:.60}")


def _file_too_large(size):
    if size > MAX_FILE_BYTES:
        return (f"is {size / _MB:.1f} MB; a saved network may be at most "
                f"{MAX_FILE_BYTES / _MB:.1f} MB")
    return None


def _unpacks_too_large(infos):
    meta = sum(info.file_size for info in infos if info.filename == "meta.npy")
    if meta > MAX_META_BYTES:
        return (f"has a {meta / _MB:.1f} MB description (meta); at most "
                f"{MAX_META_BYTES / _MB:.1f} MB is allowed")
    total = sum(info.file_size for info in infos)
    limit = checks.memory_limit()  # everything unpacked is held in memory at once
    if total > limit:
        return (f"would unpack to {checks.bytes_text(total)}; a saved network may unpack to at "
                f"most the kit's memory limit of {checks.memory_limit_text()}")
    return None


# --------------------------------------------------------------------------
# Saving.
# --------------------------------------------------------------------------

def save_network(network, path, extra=None):
    """Write ``network`` and ``extra`` to the ``.npz`` file ``path`` (see module docs).

    ``path`` is used exactly as given; no suffix is added. ``extra`` is a dict
    of plain JSON data (numbers, text, lists, dicts), e.g. the panel's step
    position and learning rate; :func:`load_network` gives it back as JSON
    does (tuples come back as lists, keys as text). The file is written under
    a temporary name in the same folder and then renamed over ``path``, so an
    interrupted save never leaves half a file.

    Returns ``None``. Raises StorageError for something that is not a network,
    an ``extra`` that is not a JSON object, a network holding inf or nan, a
    file that would be too large to load again, or a file that cannot be written.
    """
    if not isinstance(network, Neural_Layer_Information):
        raise StorageError(f"save_network needs a formed network, got {type(network).__name__}")
    _check_path(path)
    if extra is None:
        extra = {}
    if not isinstance(extra, dict):
        raise StorageError(f"extra must be a dict, got {type(extra).__name__}")
    try:
        extra = json.loads(json.dumps(extra, allow_nan=False))
    except (TypeError, ValueError, RecursionError) as error:
        raise StorageError(f"extra must hold plain JSON data (finite numbers, text, lists, "
                           f"dicts): {error}") from None
    if not np.isfinite(network.state).all():
        raise StorageError("the network holds inf or nan; it cannot be saved")
    cost = float(network.cost)
    meta = {"format": FORMAT, "version": VERSION,
            "layers_vector": [int(size) for size in network.layers_vector],
            "activations": [layer.activation.name for layer in network.neural_layers],
            "seed": None if network.seed is None else int(network.seed),
            "init_scale": float(network.init_scale),
            "cost_type": network.cost_type.value,
            "batch": None if network.batch is None else {
                "epoch": network.batch.epoch, "number": network.batch.number,
                "size": network.batch.size, "seed": network.batch.seed},
            "iteration": int(network.iteration),
            "cost": cost if math.isfinite(cost) else None,
            "extra": extra}
    arrays = {"inputs": network.inputMatrix, "targets": network.outputMatrix,
              "state": network.state}
    meta["sha256"] = _checksum(meta, *arrays.values())
    _write_atomically(path, np.array(json.dumps(meta)), arrays)


def _write_atomically(path, meta, arrays):
    directory, name = os.path.split(os.path.abspath(path))
    temporary = os.path.join(directory, f".{name}.{secrets.token_hex(8)}.tmp")
    try:
        file = open(temporary, "xb")
    except (OSError, ValueError) as error:  # ValueError: a NUL character in the name
        raise StorageError(f"cannot write {path}: "
                           f"{getattr(error, 'strerror', None) or error}") from None
    try:
        with file:
            np.savez_compressed(file, meta=meta, **arrays)
            file.flush()
            os.fsync(file.fileno())
        with zipfile.ZipFile(temporary) as archive:
            problem = _file_too_large(os.path.getsize(temporary)) \
                or _unpacks_too_large(archive.infolist())
        if problem:
            raise StorageError(f"cannot save {path}: the file {problem}, too large to load again")
        os.replace(temporary, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.remove(temporary)
        if isinstance(error, OSError):
            raise StorageError(f"cannot write {path}: {error.strerror or error}") from None
        raise


# --------------------------------------------------------------------------
# Loading: read the archive.
# --------------------------------------------------------------------------

def _open_archive(path, file):
    """The zip archive in ``file``; refuse a file that is not one."""
    head = file.read(4)
    file.seek(0)
    try:
        return zipfile.ZipFile(file)
    except Exception:  # zipfile fails in many ways on junk: BadZipFile, EOFError, ValueError…
        if head.startswith(b"PK"):
            raise StorageError(f"{path} is damaged or truncated: its zip archive cannot be "
                               "read") from None
        if head[:1] == b"\x80":
            raise StorageError(f"{path} looks like a pickle: the file holds Python objects, "
                               "which FLUX never loads") from None
        raise StorageError(f"{path} is not a FLUX network file (not an .npz archive)") from None


def _check_members(path, infos):
    names = [info.filename for info in infos]
    expected = [f"{member}.npy" for member in _MEMBERS]
    if sorted(names) != sorted(expected):
        missing = [name for name in expected if name not in names]
        unknown = sorted({name for name in names if name not in expected
                          or names.count(name) > 1})
        details = "; ".join(part for part in (
            missing and f"it lacks {', '.join(missing)}",
            unknown and f"it has unexpected or repeated {', '.join(unknown)}") if part)
        raise StorageError(f"{path} is not a FLUX network file: it should hold exactly "
                           f"meta, inputs, targets and state; {details}")
    for info in infos:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) \
                or info.flag_bits & 0x1:
            raise StorageError(f"{path} is not a FLUX network file: {info.filename} is "
                               "encrypted or compressed in a way FLUX never writes")
    problem = _unpacks_too_large(infos)
    if problem:
        raise StorageError(f"{path} {problem}")


def _read_member(path, archive, member):
    """One array, its ``.npy`` header checked before its data are read."""
    info = archive.getinfo(f"{member}.npy")
    label = "the description (meta)" if member == "meta" else member
    with archive.open(info) as stream:
        version = np.lib.format.read_magic(stream)
        if version not in ((1, 0), (2, 0)):
            raise StorageError(f"{path} is damaged: {label} has an unknown .npy version")
        read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                       else np.lib.format.read_array_header_2_0)
        shape, fortran_order, dtype = read_header(stream)
        if dtype.hasobject:
            raise StorageError(f"{path}: {label} holds Python objects, which FLUX never loads")
        if member == "meta" and (dtype.kind != "U" or dtype.itemsize == 0):
            raise StorageError(f"{path}: {label} should be text, but holds {dtype}")
        if member != "meta" and (dtype.kind != "f" or dtype.itemsize != 8):
            raise StorageError(f"{path}: {member} should hold float64 numbers, but holds {dtype}")
        size = math.prod(shape) * dtype.itemsize
        if stream.tell() + size != info.file_size:
            raise StorageError(f"{path} is damaged: the header of {label} does not match its "
                               "size")
        data = stream.read(size)
        if len(data) != size or stream.read(1):  # reading to the end checks the CRC
            raise StorageError(f"{path} is damaged: {label} is cut short")
    return np.frombuffer(data, dtype, count=math.prod(shape)).reshape(
        shape, order="F" if fortran_order else "C")


def _read_arrays(path):
    """``{"meta": …, "inputs": …, "targets": …, "state": …}`` from the file at ``path``."""
    _check_path(path)
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise StorageError(f"there is no file {path}") from None
    except (OSError, ValueError) as error:
        raise StorageError(f"cannot read {path}: {getattr(error, 'strerror', None) or error}") \
            from None
    if stat.S_ISDIR(status.st_mode):
        raise StorageError(f"{path} is a folder, not a saved network")
    if not stat.S_ISREG(status.st_mode):
        raise StorageError(f"{path} is not a regular file, so not a saved network")
    if status.st_size == 0:
        raise StorageError(f"{path} is empty")
    problem = _file_too_large(status.st_size)
    if problem:
        raise StorageError(f"{path} {problem}")
    try:
        file = open(path, "rb")
    except OSError as error:
        raise StorageError(f"cannot read {path}: {error.strerror or error}") from None
    with file:
        try:
            with _open_archive(path, file) as archive:
                _check_members(path, archive.infolist())
                return {member: _read_member(path, archive, member) for member in _MEMBERS}
        except StorageError:
            raise
        except MemoryError:
            raise StorageError(f"there is not enough memory to load {path}") from None
        except Exception:  # a damaged archive fails in many ways in zipfile, zlib and numpy
            raise StorageError(f"{path} is damaged or truncated: it cannot be unpacked") \
                from None


# --------------------------------------------------------------------------
# Loading: check the description and the arrays.
# --------------------------------------------------------------------------

def _whole(value, allow_none=False):
    """A whole number ≥ 0 as JSON gives one (an int, not 1.0 or true); a saved seed may be
    any (versions before 0.2 took seeds above 2³² − 1): it is only a label here."""
    return (value is None and allow_none) or (type(value) is int and value >= 0)


def _not_json(constant):
    raise ValueError(f"{constant} is not JSON")


def _parse_meta(path, raw):
    """``(meta, saved)``: the description read from ``raw``, checked and migrated to this
    version, and as it was saved (what the checksum covers)."""
    if raw.shape not in ((), (1,)):
        raise StorageError(f"{path}: the description (meta) should be one piece of text, but "
                           f"has shape {raw.shape}")
    try:
        meta = json.loads(raw.item(), parse_constant=_not_json)
    except (ValueError, RecursionError):
        raise StorageError(f"{path}: the description (meta) is not valid JSON") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        found = meta.get("format") if isinstance(meta, dict) else None
        raise StorageError(f"{path} is not a FLUX network file (its format is {found!r}, "
                           f"not {FORMAT!r})")
    version = meta.get("version")
    if type(version) is not int or not 1 <= version <= VERSION:
        raise StorageError(f"{path} was saved by a newer or other version of FLUX (file "
                           f"format version {version!r}); this kit reads versions 1 to "
                           f"{VERSION}: update flux-widgets to load it")
    early = [key for since, key in _INTRODUCED.items() if since > version and key in meta]
    if early:   # a migration would overwrite it: a file of that version never had it
        raise StorageError(f"{path}: the description (meta) of a version {version} file has "
                           f"{', '.join(early)}, which only later versions have")
    saved = meta
    while meta["version"] < VERSION:  # an older file is migrated, never refused
        meta = _MIGRATIONS[meta["version"]](dict(meta))
    missing = [key for key in _KEYS if key not in meta]
    if missing:
        raise StorageError(f"{path}: the description (meta) lacks {', '.join(missing)}")
    unknown = sorted(set(meta) - set(_KEYS))
    if unknown:
        raise StorageError(f"{path}: the description (meta) has unknown entries "
                           f"{', '.join(unknown)}")
    _check_meta_values(path, meta)
    return meta, saved


def _check_meta_values(path, meta):
    sizes, activations, cost = meta["layers_vector"], meta["activations"], meta["cost"]
    if not (isinstance(sizes, list) and len(sizes) >= 2
            and all(_whole(size) and size >= 1 for size in sizes)):
        raise StorageError(f"{path}: layers_vector should be a list of at least two whole "
                           f"numbers ≥ 1 such as [4, 8, 1], got {sizes!r}")
    if not (isinstance(activations, list) and all(isinstance(a, str) for a in activations)):
        raise StorageError(f"{path}: activations should be a list of names, got {activations!r}")
    for name in activations:
        if name not in ActivationType.__members__:
            raise StorageError(f"{path}: unknown activation {name!r}; FLUX knows "
                               f"{', '.join(ActivationType.__members__)}")
    if len(activations) != len(sizes) - 1:
        raise StorageError(f"{path}: {len(activations)} activations for {len(sizes) - 1} "
                           "layers; there should be one per layer")
    if not _whole(meta["seed"], allow_none=True):
        raise StorageError(f"{path}: seed should be a whole number ≥ 0 or null, "
                           f"got {meta['seed']!r}")
    try:
        checks.init_scale(meta["init_scale"])
    except ConfigurationError as error:
        raise StorageError(f"{path}: init_scale is wrong: {error}") from None
    if meta["cost_type"] not in [member.value for member in CostType]:
        raise StorageError(f"{path}: unknown cost_type {meta['cost_type']!r}; FLUX knows "
                           f"{', '.join(member.value for member in CostType)}")
    batch = meta["batch"]
    if batch is not None and not (isinstance(batch, dict)
                                  and set(batch) == {"epoch", "number", "size", "seed"}
                                  and all(_whole(value) for value in batch.values())):
        raise StorageError(f"{path}: batch should be null or {{\"epoch\", \"number\", "
                           f"\"size\", \"seed\"}} of whole numbers, got {batch!r}")
    if not _whole(meta["iteration"]):
        raise StorageError(f"{path}: iteration should be a whole number ≥ 0, "
                           f"got {meta['iteration']!r}")
    if cost is not None and not (type(cost) in (int, float) and checks.is_finite_real(cost)
                                 and cost >= 0):
        raise StorageError(f"{path}: cost should be a finite number ≥ 0 or null, got {cost!r}")
    if not isinstance(meta["extra"], dict):
        raise StorageError(f"{path}: extra should be a JSON object, got {meta['extra']!r}")
    if not isinstance(meta["sha256"], str):
        raise StorageError(f"{path}: sha256 should be text, got {meta['sha256']!r}")


def _check_arrays(path, meta, inputs, targets, state):
    for name, array, ndim in (("inputs", inputs, 2), ("targets", targets, 2),
                              ("state", state, 1)):
        if array.ndim != ndim or array.size == 0:
            raise StorageError(f"{path}: {name} should be a non-empty {ndim}-D array, but "
                               f"has shape {array.shape}")
        if not np.isfinite(array).all():
            raise StorageError(f"{path}: {name} holds inf or nan")
    samples, sizes = inputs.shape[0], meta["layers_vector"]
    if targets.shape[0] != samples:
        raise StorageError(f"{path}: inputs has {samples} rows but targets has "
                           f"{targets.shape[0]}; they should match")
    for name, columns, size, role in (("inputs", inputs.shape[1], sizes[0], "inputs"),
                                      ("targets", targets.shape[1], sizes[-1], "outputs")):
        if columns != size:
            raise StorageError(f"{path}: layers_vector {sizes} has {size} {role}, but {name} "
                               f"has {columns} column{'s' * (columns != 1)}")
    try:
        check_network_memory(sizes, samples, advice="load it where there is more memory")
    except ConfigurationError as error:
        raise StorageError(f"{path} cannot be loaded here: {error}") from None
    length = network_size(sizes, samples)
    if state.size != length:
        raise StorageError(f"{path}: state holds {state.size} numbers, but a "
                           f"{'-'.join(map(str, sizes))} network on {samples} samples has "
                           f"{length}")


def load_network(path):
    """Load a network saved by :func:`save_network`.

    Returns ``(network, extra)``: the network exactly as it was saved (every
    matrix bit for bit, the cost, the iteration count, the seed, the weight
    scale, the activations and the cost function; a file of version 1 has weight scale
    1, one of version 1 or 2 the cost MSE) and the
    ``extra`` dict saved with it.

    Raises StorageError, and no other exception, for any file it cannot
    trust: missing, a folder, empty, too large, not an ``.npz`` archive,
    damaged or truncated, holding Python objects, the wrong arrays, types or
    shapes, a description (meta) that is not valid or of another format or
    version, values that do not fit together, inf or nan, or a checksum that
    does not match.
    """
    arrays = _read_arrays(path)
    meta, saved = _parse_meta(path, arrays["meta"])
    inputs, targets, state = (arrays[name] for name in _ARRAYS)
    _check_arrays(path, meta, inputs, targets, state)
    try:
        checksum = _checksum(saved, inputs, targets, state)  # of the file as written
    except (ValueError, RecursionError):
        raise StorageError(f"{path}: the description (meta) holds a number that is not "
                           "finite") from None
    if checksum != meta["sha256"]:
        raise StorageError(f"{path}: the file was changed after it was saved (its sha256 "
                           "checksum does not match)")
    *hidden, output = meta["activations"]
    try:  # seed 0: the weights are the file's; the saved seed is only a label
        network = Form_Network(meta["layers_vector"][1:], inputs, targets, hidden, output,
                               seed=0, cost=meta["cost_type"])
    except FluxError as error:
        raise StorageError(f"{path}: the network cannot be rebuilt: {error}") from None
    np.copyto(network.state, state)
    network.cost = math.nan if meta["cost"] is None else float(meta["cost"])
    network.iteration = meta["iteration"]
    network.seed = meta["seed"]
    network.init_scale = float(meta["init_scale"])
    if meta["batch"] is not None:
        network.select_batch(_saved_batch(path, network, meta["batch"]))
    return network, meta["extra"]


def _saved_batch(path, network, saved):
    """The Batch a file's ``batch`` entry describes (StorageError if no epoch has it)."""
    N = network.sample_size
    if not (1 <= saved["size"] <= N and saved["number"] * saved["size"] < N
            and saved["seed"] <= checks.MAX_SEED):
        raise StorageError(f"{path}: batch {saved} does not fit a network of {N} samples")
    return epoch_batch(N, saved["size"], saved["seed"], saved["epoch"], saved["number"])

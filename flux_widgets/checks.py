"""Checking what a user gives the kit: one rule per kind of value, one message per rule.

Every argument check of the engine, of the text parsers (what a learner types in
the panel or pastes as a configuration string) and of the panel comes from here,
so the same value gets the same answer everywhere. Every refusal is a
:class:`~flux_widgets.errors.ConfigurationError` whose message names the setting
and what was given, and says what would do instead.

The rules:

whole number (:func:`whole_number`)
    an ``int`` or a numpy integer; not a bool, not a float (not even ``3.0``: one
    rule everywhere, as scikit-learn's ``random_state``), not text.
real number (:func:`finite_real`, :func:`positive_real`, :func:`fraction`)
    an ``int``, ``float`` or numpy number, not a bool, that a float64 holds (so
    ``10**400`` is refused), finite; and > 0, or between 0 and 1.
seed (:func:`seed`)
    a whole number from 0 to 2³² − 1 (:data:`MAX_SEED`), or ``None`` (fresh randomness).
weight scale (:func:`init_scale`)
    a real number s with 0 < s ≤ :data:`MAX_INIT_SCALE`, the factor of every initial weight.
text (the ``parse_*`` functions)
    what a learner types is read as a number first: ``" 12 "``, ``"1e3"`` and
    ``"8.0"`` are whole numbers; ``"1e400"`` and a 500-digit number are refused
    with a message, never an ``OverflowError``.
notes (:func:`learning_rate_note`, :func:`seed_note`)
    a typed value that is accepted but may surprise gets a note, not a refusal: a
    learning rate above :data:`LARGE_LEARNING_RATE`, a seed typed as ``"1e9"``.
memory (:func:`memory_limit`, :func:`check_memory`)
    all copies of a network together get at most the smaller of
    :data:`MAX_NETWORK_BYTES` and half the memory the machine gives this process.

Messages about a value a program passed end in ``got <value>``; messages about
typed text end in ``not '<text>'``. :func:`number_text` prints any number in a
message without ever raising.
"""

from __future__ import annotations

import functools
import itertools
import math
import numbers
import re

import numpy as np

from .errors import ConfigurationError

__all__ = [
    "number_text", "is_whole_number", "is_real_number", "is_finite_real",
    "whole_number", "parse_whole_number", "finite_real", "positive_real", "fraction",
    "parse_positive_real", "learning_rate", "parse_learning_rate", "seed", "parse_seed",
    "init_scale", "parse_init_scale", "shuffle_seed", "parse_batch_size", "parse_shuffle_seed",
    "learning_rate_note", "seed_note",
    "layer_sizes", "parse_layer_sizes", "memory_limit", "memory_limit_text", "check_memory",
    "bytes_text",
    "available_memory", "read_available_memory",
    "MAX_SEED", "MAX_LAYERS", "MAX_LAYER_SIZE", "MAX_NETWORK_BYTES", "MAX_FILE_BYTES",
    "MAX_UPLOAD_BYTES", "LARGE_LEARNING_RATE", "MAX_INIT_SCALE",
]

MAX_SEED = 2 ** 32 - 1
MAX_LAYERS = 32  # layers after the implicit input layer
MAX_LAYER_SIZE = 4096  # neurons in one layer, as typed (Form_Network leaves it to memory)
MAX_NETWORK_BYTES = 2 * 1024 ** 3  # all copies of a network, wherever the machine has more
MAX_FILE_BYTES = 512 * 1024 ** 2  # the largest saved network file storage reads
# the largest file a browser can pass to the kernel: Jupyter's server drops a websocket
# message above 10 MiB (tornado's default websocket_max_message_size)
MAX_UPLOAD_BYTES = 10_000_000
# a learning rate above this is accepted, with a warning: the first update most likely diverges
LARGE_LEARNING_RATE = 10
# the largest initial-weight scale: ×1000 already saturates every sigmoid and tanh neuron
MAX_INIT_SCALE = 1000

CGROUP_V2_MEMORY = "/sys/fs/cgroup/memory.max"
CGROUP_V1_MEMORY = "/sys/fs/cgroup/memory/memory.limit_in_bytes"
MEMINFO = "/proc/meminfo"
_NO_LIMIT = 2 ** 50  # a cgroup "limit" this large (1 PiB; v1 writes 2⁶³ − 4096) is none
_SHOWN = 40  # characters of a learner's text or a value's repr shown in a message
_GB = 1e9


# ---- printing what was given ---------------------------------------------------------

def number_text(value, digits=6):
    """``value`` for a message, like ``f"{value:g}"`` but never raising.

    Whole numbers up to 15 digits are printed in full (``1,977``), larger ones as
    ``1.23457e+400`` (``f"{10**400:g}"`` raises OverflowError); other real numbers
    with ``digits`` significant digits (``nan``, ``inf`` as such); anything else as
    its ``repr``, cut short.
    """
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        whole = int(value)
        if abs(whole) < 10 ** 15:
            return f"{whole:,}"
        size = abs(whole)
        exponent = int(size.bit_length() * math.log10(2))  # right to within one
        exponent += (10 ** (exponent + 1) <= size) - (10 ** exponent > size)
        lead = size // 10 ** (exponent - digits + 1)
        text = str(lead).rstrip("0")
        mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
        return f"{'-' if whole < 0 else ''}{mantissa}e+{exponent:02d}"
    if isinstance(value, numbers.Real):
        try:
            return f"{float(value):.{digits}g}"
        except (OverflowError, ValueError, TypeError):  # a huge Fraction or Decimal
            pass
    return _cut(_repr(value))


def _repr(value):
    try:
        return repr(value)
    except Exception:  # a broken __repr__ must not hide the refusal
        return f"a {type(value).__name__}"


def _cut(text):
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


def _given(value):
    """What a program passed, as a message shows it: ``3.0``, ``nan``, ``'abc'``, ``None``."""
    if isinstance(value, (bool, np.bool_, numbers.Integral)):
        return number_text(value)
    if isinstance(value, float):  # numpy's float64 too: its repr would be np.float64(…)
        return repr(float(value))
    if isinstance(value, numbers.Real):
        return number_text(value, digits=17)
    return _cut(_repr(value))


def _typed(text):
    """Typed text for a message, quoted and cut short: ``'0,5'``."""
    return f"'{_cut(text)}'"


# ---- predicates (no message) ------------------------------------------------------------

def is_whole_number(value):
    """Whether ``value`` is a whole number: an ``int`` or numpy integer, not a bool."""
    return isinstance(value, (numbers.Integral, np.integer)) \
        and not isinstance(value, (bool, np.bool_))


def _as_float(value):
    """``value`` as a float if it is a real number (not a bool) a float64 holds, else None."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        return None
    try:
        return float(value)
    except (OverflowError, ValueError, TypeError):
        return None


def is_real_number(value):
    """Whether ``value`` is a real number a float64 holds (inf and nan too; not a bool,
    not 10**400)."""
    return _as_float(value) is not None


def is_finite_real(value):
    """Whether ``value`` is a finite real number a float64 holds (not a bool, not 10**400)."""
    number = _as_float(value)
    return number is not None and math.isfinite(number)


# ---- whole numbers ----------------------------------------------------------------------

def _range_text(least, most):
    return f"≥ {least:,}" if most is None else f"from {least:,} to {most:,}"


def whole_number(value, what, least=0, most=None, allow_none=False):
    """``value`` as an int if it is a whole number from ``least`` to ``most`` (or above
    ``least`` if ``most`` is None); ConfigurationError naming ``what`` otherwise.

    Accepts ``int`` and numpy integers (and ``None``, returned as it is, if
    ``allow_none``); refuses bools, floats (even ``3.0``), text and ``None``:
    "the number of iterations must be a whole number from 1 to 1,000,000, got 0".
    """
    if value is None and allow_none:
        return None
    if is_whole_number(value) and least <= value and (most is None or value <= most):
        return int(value)
    hint = ""
    if isinstance(value, float) and value.is_integer():
        hint = f"; write it without the decimal point, as {number_text(value, 17)}"
    raise ConfigurationError(f"{what} must be a whole number {_range_text(least, most)}"
                             f"{', or None' if allow_none else ''}, got {_given(value)}{hint}")


_DIGITS = re.compile(r"[+-]?[0-9]+")


def _typed_whole(text):
    """The whole number typed in ``text`` (stripped, not empty), or None.

    Plain digits are read exactly (a 500-digit number is a whole number, however
    large); anything else as a float (``"1e3"``, ``"8.0"``), if it is finite and whole.
    """
    if _DIGITS.fullmatch(text):
        digits = text.lstrip("+-").lstrip("0")
        if len(digits) > 1000:  # past any limit; int() would refuse beyond 4300 digits
            return -(10 ** 1000) if text.startswith("-") else 10 ** 1000
        return int(text)
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if math.isfinite(number) and number.is_integer() else None


def parse_whole_number(text, what, least=0, most=None):
    """``" 12 "`` → ``12``: the whole number typed in ``text``, from ``least`` to ``most``.

    ``what`` names it in the messages: "… is empty; type a whole number such as 1",
    "… must be a whole number, not 'abc'", "… must be between 1 and 4,096, not 10000".
    """
    text = str(text).strip()
    if not text:
        raise ConfigurationError(f"{what} is empty; type a whole number such as {least + 1:,}")
    value = _typed_whole(text)
    if value is None:
        raise ConfigurationError(f"{what} must be a whole number, not {_typed(text)}")
    if value < least or (most is not None and value > most):
        bounds = f"at least {least:,}" if most is None else f"between {least:,} and {most:,}"
        raise ConfigurationError(f"{what} must be {bounds}, not {_cut(text)}")
    return value


# ---- real numbers -----------------------------------------------------------------------

def finite_real(value, what):
    """``value`` as a float if it is a finite real number (see module docs).

    "a weight must be a finite number, got nan".
    """
    number = _as_float(value)
    if number is None or not math.isfinite(number):
        raise ConfigurationError(f"{what} must be a finite number, got {_given(value)}")
    return number


def positive_real(value, what, example):
    """``value`` as a float if it is a finite real number > 0; ``example`` (text) shows one.

    "the learning rate must be a positive number such as 0.5, got 0".
    """
    number = _as_float(value)
    if number is None or not (math.isfinite(number) and number > 0):
        raise ConfigurationError(f"{what} must be a positive number such as {example}, "
                                 f"got {_given(value)}")
    return number


def fraction(value, what, example=None):
    """``value`` as a float if it is a real number strictly between 0 and 1.

    "rtol must be a number between 0 and 1 such as 1e-6, got 2".
    """
    number = _as_float(value)
    if number is None or not 0 < number < 1:
        such = f" such as {example}" if example else ""
        raise ConfigurationError(f"{what} must be a number between 0 and 1{such}, "
                                 f"got {_given(value)}")
    return number


def parse_positive_real(text, what, example):
    """``"0.5"`` → ``0.5``: the positive, finite number typed in ``text``.

    The message is :func:`positive_real`'s, with the text as typed: "… must be a
    positive number such as 0.5, not '0,5'" (``"1e400"`` is too large: not finite).
    """
    text = str(text).strip()
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not (math.isfinite(number) and number > 0):
        raise ConfigurationError(f"{what} must be a positive number such as {example}, "
                                 f"not {_typed(text)}")
    return number


def parse_finite_real(text, what, example):
    """``"-0.25"`` → ``-0.25``: the finite number typed in ``text``.

    "… must be a number such as 0.25, not 'abc'" (``"1e400"`` and ``"nan"`` too)."""
    text = str(text).strip()
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise ConfigurationError(f"{what} must be a number such as {example}, not {_typed(text)}")
    return number


def learning_rate(value):
    """η as a float: a positive, finite number (an int, a float, a numpy number)."""
    return positive_real(value, "the learning rate", "0.5")


def parse_learning_rate(text):
    """``"0.5"`` → ``0.5``: the learning rate typed in ``text``, as :func:`learning_rate`."""
    return parse_positive_real(text, "the learning rate", "0.5")


# ---- the initial-weight scale -----------------------------------------------------------

_SCALE = "the weight scale"


def _bounded_scale(scale, shown):
    """``scale`` (> 0) if it is at most :data:`MAX_INIT_SCALE`; ``shown`` is how the
    message shows what was given (``got 5000.0``, ``not '5e3'``)."""
    if scale > MAX_INIT_SCALE:
        raise ConfigurationError(f"{_SCALE} must be at most {MAX_INIT_SCALE:,} (it multiplies "
                                 f"every initial weight), {shown}")
    return scale


def init_scale(value):
    """The initial-weight scale s as a float: a finite number with 0 < s ≤ 1,000
    (:data:`MAX_INIT_SCALE`); Form_Network draws ``W ~ Normal(0, (s·gain)² / n_in)``.

    "the weight scale must be a positive number such as 5, got 0".
    """
    return _bounded_scale(positive_real(value, _SCALE, "5"), f"got {_given(value)}")


def parse_init_scale(text):
    """``"5"`` → ``5.0``: the weight scale typed in ``text``, as :func:`init_scale`."""
    text = str(text).strip()
    return _bounded_scale(parse_positive_real(text, _SCALE, "5"), f"not {_typed(text)}")


# ---- seeds ------------------------------------------------------------------------------

def seed(value):
    """A seed: a whole number from 0 to 2³² − 1 as an int, or ``None`` (fresh randomness).

    The rule of every function that takes a seed (Form_Network, load_dataset,
    train_test_split) and, for typed text, of :func:`parse_seed`.
    """
    return whole_number(value, "the seed", 0, MAX_SEED, allow_none=True)


def parse_seed(text):
    """``"0"`` → ``0``: the seed typed in ``text``, a whole number from 0 to 2³² − 1."""
    return parse_whole_number(text, "the seed", 0, MAX_SEED)


def shuffle_seed(value):
    """The seed of the mini-batches' shuffle: a whole number from 0 to 2³² − 1 (never
    ``None``: the same seed gives the same batches)."""
    return whole_number(value, "the shuffle seed", 0, MAX_SEED)


def parse_shuffle_seed(text):
    """``"3"`` → ``3``: the shuffle seed typed in ``text``, as :func:`shuffle_seed`."""
    return parse_whole_number(text, "the shuffle seed", 0, MAX_SEED)


ALL_SAMPLES = ("", "all", "full")   # what a typed batch size may say for "all samples"


def parse_batch_size(text):
    """``"32"`` → ``32``, and ``""``, ``"all"`` or ``"full"`` → ``None`` (all samples, the
    seed's full batch): the mini-batch size typed in ``text``. At most the number of
    samples, which the network checks (:class:`~flux_widgets.stepper.Stepper`)."""
    text = str(text).strip()
    if text.lower() in ALL_SAMPLES:
        return None
    try:
        return parse_whole_number(text, "the batch size", 1)
    except ConfigurationError as error:
        raise ConfigurationError(f"{error} (or all, for every sample)") from None


# ---- notes: typed values that are accepted but may surprise ---------------------------

def learning_rate_note(text):
    """A warning for a typed learning rate above :data:`LARGE_LEARNING_RATE`, else ``""``.

    Such a rate is accepted (a learner may try it), but says what will happen: "a
    learning rate of 1e+09 is very large: …". Text that is no learning rate gets
    ``""`` here; it is refused when it is used (:func:`parse_learning_rate`).
    """
    try:
        rate = parse_learning_rate(text)
    except ConfigurationError:
        return ""
    if rate <= LARGE_LEARNING_RATE:
        return ""
    return (f"a learning rate of {number_text(rate)} is very large: the first update will "
            "most likely make the cost diverge (inf or nan); Step back undoes it")


def seed_note(text):
    """The seed a typed text such as ``"1e9"`` or ``"7.0"`` stands for, in words, else ``""``.

    A seed is a label for the random draw, typed as a whole number; one typed another
    way is accepted (the rule of every typed whole number) and this says which:
    "the seed 1e9 is read as 1,000,000,000". Plain digits, and text that is no seed
    (refused when it is used, :func:`parse_seed`), get ``""``.
    """
    text = str(text).strip()
    try:
        value = parse_seed(text)
    except ConfigurationError:
        return ""
    return "" if _DIGITS.fullmatch(text) else (f"the seed {_cut(text)} is read as "
                                                f"{number_text(value)}")


# ---- layer sizes ------------------------------------------------------------------------

def _too_deep(count):
    return ConfigurationError(f"a network may have at most {MAX_LAYERS} layers after the "
                              f"inputs, got {count}; use fewer layers")


def layer_sizes(value):
    """The sizes of the layers after the implicit input layer, as a list of ints.

    A list (or other sequence) of 1 to :data:`MAX_LAYERS` whole numbers ≥ 1; how large
    a layer may be is left to the memory check (:func:`check_memory`).
    """
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise ConfigurationError(
            f"layers must be a list of whole numbers such as [8, 4, 1], got {_given(value)}")
    sizes = list(itertools.islice(iter(value), MAX_LAYERS + 1))
    if not sizes:
        raise ConfigurationError("layers must name at least one layer, e.g. [8, 4, 1]")
    if len(sizes) > MAX_LAYERS:
        raise _too_deep(f"{len(value):,}" if hasattr(value, "__len__")
                        else f"more than {MAX_LAYERS}")
    for size in sizes:
        if not (is_whole_number(size) and size >= 1):
            raise ConfigurationError(
                f"layer sizes must be whole numbers ≥ 1, got {_given(size)} in "
                f"{_cut(_repr(sizes))}")
    return [int(size) for size in sizes]


def parse_layer_sizes(text):
    """``"8, 4, 1"`` → ``[8, 4, 1]``: 1 to :data:`MAX_LAYERS` sizes from 1 to
    :data:`MAX_LAYER_SIZE`, the layers after the implicit input layer."""
    text = str(text).strip()
    if not text:
        raise ConfigurationError("layer sizes are empty; type them like 8, 4, 1")
    parts = [part.strip() for part in text.split(",")]
    if "" in parts:
        raise ConfigurationError(f"{_typed(text)} has an empty place between commas; "
                                 "type the sizes like 8, 4, 1")
    if len(parts) > MAX_LAYERS:
        raise _too_deep(f"{len(parts):,}")
    return [parse_whole_number(part, f"layer size {_typed(part)}", 1, MAX_LAYER_SIZE)
            for part in parts]


# ---- memory -----------------------------------------------------------------------------

def read_available_memory(cgroup_v2=None, cgroup_v1=None, meminfo=None):
    """``(bytes, where)`` from the texts of the memory files, or ``(None, "")``.

    ``cgroup_v2``: the text of ``memory.max`` (``"max"`` is no limit); ``cgroup_v1``: of
    ``memory.limit_in_bytes``; ``meminfo``: of ``/proc/meminfo`` (its ``MemTotal``).
    ``None`` for a file that could not be read. A cgroup limit (the container's, as on
    Binder) wins over the machine's total when it is smaller; a value of 1 PiB or more
    is no limit. ``where`` says where the number comes from, for messages.
    """
    limit = None
    for text in (cgroup_v2, cgroup_v1):
        value = (text or "").strip()
        if value.isdigit() and 0 < int(value) < _NO_LIMIT:
            limit = int(value)
            break
    total = None
    for line in (meminfo or "").splitlines():
        name, _, rest = line.partition(":")
        fields = rest.split()
        if name == "MemTotal" and fields and fields[0].isdigit():
            total = int(fields[0]) * (1024 if fields[1:2] == ["kB"] else 1)
            break
    if limit is not None and (total is None or limit <= total):
        return limit, "this kernel's container may use"
    if total:
        return total, "this machine has"
    return None, ""


def _read(path):
    try:
        with open(path, encoding="ascii", errors="replace") as file:
            return file.read(1 << 16)
    except (OSError, ValueError):
        return None


@functools.lru_cache(maxsize=1)
def available_memory():
    """``(bytes, where)``: the memory this process may use, read once (see
    :func:`read_available_memory`); ``(None, "")`` where nothing can be read."""
    return read_available_memory(_read(CGROUP_V2_MEMORY), _read(CGROUP_V1_MEMORY),
                                 _read(MEMINFO))


def _limit_and_source():
    available, where = available_memory()
    if available is not None and available // 2 < MAX_NETWORK_BYTES:
        return available // 2, f"half the {available / _GB:.1f} GB {where}"
    return MAX_NETWORK_BYTES, ""


def memory_limit():
    """Bytes the kit allows for all copies of a network: the smaller of
    :data:`MAX_NETWORK_BYTES` (2 GiB) and half the memory available to this process
    (the cgroup limit where there is one, else the machine's total); 2 GiB where
    neither can be read. On Binder (1–2 GB a session) that is 0.5–1 GB, so a network
    that would get the kernel killed is refused with a message instead."""
    return _limit_and_source()[0]


def memory_limit_text():
    """The limit for a message: ``"2.1 GB"`` or ``"1.0 GB (half the 2.0 GB this
    kernel's container may use)"``."""
    limit, source = _limit_and_source()
    return bytes_text(limit) + (f" ({source})" if source else "")


def bytes_text(count):
    """Memory for a message: ``"2.1 GB"`` (10⁹ bytes), ``"0.5 MB"``, ``"100 bytes"``."""
    if count >= 10 ** 13:  # 10,000 GB and more, counted in whole GB (no float overflows)
        return f"{number_text(count // 10 ** 9)} GB"
    if count >= 0.1 * _GB:
        return f"{count / _GB:.1f} GB"
    return f"{count / 1e6:.1f} MB" if count >= 1e5 else f"{count:,} bytes"


def check_memory(count, what, copies=1, kept=None, advice="use fewer neurons or samples"):
    """Refuse (ConfigurationError) keeping ``copies`` of ``count`` float64 numbers if they
    would take more than :func:`memory_limit`, before anything is allocated.

    ``what`` names the thing (``"a 4-8-1 network on 16 samples"``); ``kept`` says why
    there are ``copies`` of it (``"the panel keeps 3 copies of it (…)"``); ``advice``
    ends the message. :func:`flux_widgets.network.check_network_memory` counts a
    network's numbers and calls this.
    """
    needed = copies * 8 * count
    if needed <= memory_limit():
        return
    if copies == 1:
        size = f"would need {bytes_text(needed)} of memory"
    else:
        size = f"needs {bytes_text(8 * count)}, and {kept}: {bytes_text(needed)}"
    raise ConfigurationError(f"{what} {size}, more than the kit's limit of "
                             f"{memory_limit_text()}; {advice}")

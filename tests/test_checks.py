"""The one module of argument checks: each rule's edges, and every entry point using it.

A value is checked the same way wherever a learner gives it (``Form_Network``,
``load_dataset``, the stepper, the text fields, a configuration string): the same
values are accepted, the same refused, with the same message.
"""

import math
import re
import time
from fractions import Fraction

import numpy as np
import pytest

import flux_widgets as fw
from flux_widgets import (ConfigurationError, Form_Network, Learn, StorageError, checks,
                          network, session, stepper, storage)
from flux_widgets.checks import (LARGE_LEARNING_RATE, MAX_LAYERS, MAX_SEED, check_memory,
                                 finite_real, fraction, learning_rate, learning_rate_note,
                                 memory_limit, memory_limit_text, number_text,
                                 parse_layer_sizes, parse_learning_rate, parse_positive_real,
                                 parse_seed, parse_whole_number, positive_real,
                                 read_available_memory, seed, seed_note, whole_number)
from flux_widgets.datasets import DATASET_NAMES, load_dataset, train_test_split
from flux_widgets.session import load_session_bytes, parse_configuration_string
from flux_widgets.stepper import Stepper
from reference import refused

XOR = load_dataset("xor")
GiB = 1024 ** 3


def small_network(**keywords):
    return Form_Network([3, 1], XOR.inputs, XOR.targets, "tanh", "sigmoid",
                        **{"seed": 0, **keywords})


# ---- number_text: any value in a message, never an exception --------------------------

NUMBER_TEXTS = [
    (0, "0"), (1977, "1,977"), (-3, "-3"), (10 ** 15 - 1, "999,999,999,999,999"),
    (10 ** 15, "1e+15"), (10 ** 400, "1e+400"), (-10 ** 400, "-1e+400"),
    (10 ** 400 - 1, "9.99999e+399"), (2 ** 64, "1.84467e+19"), (10 ** 5000, "1e+5000"),
    (np.int64(7), "7"), (True, "True"), (np.bool_(False), "False"),
    (0.5, "0.5"), (1e308, "1e+308"), (math.nan, "nan"), (-math.inf, "-inf"),
    (np.float32(0.25), "0.25"),
    (Fraction(10 ** 400, 3), "Fraction(1000000000000000000000000000000…"),
    ("abc", "'abc'"), (None, "None"), ("x" * 100, "'" + "x" * 39 + "…"),
]


@pytest.mark.parametrize("value, text", NUMBER_TEXTS, ids=[text for _, text in NUMBER_TEXTS])
def test_number_text_prints_anything_without_raising(value, text):
    assert number_text(value) == text


def test_number_text_survives_a_broken_repr():
    class Broken:
        def __repr__(self):
            raise RuntimeError("no")
    assert number_text(Broken()) == "a Broken"


# ---- whole numbers -------------------------------------------------------------------

@pytest.mark.parametrize("value", [1, 7, 10 ** 6, np.int64(5), np.uint8(3), np.int32(1)])
def test_whole_number_accepts_ints_and_numpy_integers(value):
    got = whole_number(value, "the number of iterations", 1, 10 ** 6)
    assert got == value and type(got) is int


@pytest.mark.parametrize("value, shown", [
    (0, "0"), (10 ** 6 + 1, "1,000,001"), (-5, "-5"), (10 ** 400, "1e+400"), (True, "True"),
    (np.bool_(True), "True"), (3.0, "3.0; write it without the decimal point, as 3"),
    (np.float64(2.0), "2.0; write it without the decimal point, as 2"), (2.5, "2.5"),
    (math.nan, "nan"), (math.inf, "inf"), ("3", "'3'"), (None, "None"), ([3], "[3]"),
])
def test_whole_number_refuses_with_one_message(value, shown):
    refused(lambda: whole_number(value, "the number of iterations", 1, 10 ** 6), ConfigurationError,
            f"^the number of iterations must be a whole number from 1 to 1,000,000, "
            f"got {re.escape(shown)}$")


def test_whole_number_without_an_upper_bound():
    assert whole_number(10 ** 400, "history_limit", 1) == 10 ** 400
    refused(lambda: whole_number(0, "history_limit", 1), ConfigurationError,
            "^history_limit must be a whole number ≥ 1, got 0$")


@pytest.mark.parametrize("text, value", [
    (" 12 ", 12), ("+3", 3), ("007", 7), ("1e3", 1000), ("8.0", 8), ("4096", 4096),
])
def test_parse_whole_number_reads_typed_whole_numbers(text, value):
    assert parse_whole_number(text, "layer size", 1, 4096) == value


@pytest.mark.parametrize("text, message", [
    ("", "^layer size is empty; type a whole number such as 2$"),
    ("   ", "is empty"),
    ("abc", "^layer size must be a whole number, not 'abc'$"),
    ("2.5", "whole number, not '2.5'"), ("nan", "whole number, not 'nan'"),
    ("inf", "whole number, not 'inf'"), ("0x10", "whole number, not '0x10'"),
    ("1e400", "whole number, not '1e400'"),
    ("0", "^layer size must be between 1 and 4,096, not 0$"),
    ("-5", "between 1 and 4,096, not -5"), ("1e9", "between 1 and 4,096, not 1e9"),
    ("9" * 500, "^layer size must be between 1 and 4,096, not " + "9" * 40 + "…$"),
    ("-" + "9" * 5000, "between 1 and 4,096, not -" + "9" * 39 + "…$"),
    ("1" + "0" * 400, "between 1 and 4,096"),
])
def test_parse_whole_number_refuses_without_overflowing(text, message):
    refused(lambda: parse_whole_number(text, "layer size", 1, 4096), ConfigurationError, message)


# ---- real numbers --------------------------------------------------------------------

@pytest.mark.parametrize("value", [0.5, 1, 1e308, 5e-324, np.float32(0.1), np.float64(2.0),
                                   np.int64(3), Fraction(1, 2)])
def test_positive_real_accepts_finite_positive_numbers(value):
    got = positive_real(value, "epsilon", "1e-6")
    assert got == float(value) and type(got) is float


@pytest.mark.parametrize("value, shown", [
    (0, "0"), (0.0, "0.0"), (-0.5, "-0.5"), (math.nan, "nan"), (math.inf, "inf"),
    (np.float64(np.nan), "nan"), (10 ** 400, "1e+400"), (-10 ** 400, "-1e+400"),
    (True, "True"), ("0.5", "'0.5'"), (None, "None"), (1j, "1j"),
    (Fraction(10 ** 400), "Fraction"),
])
def test_positive_real_refuses_with_one_message(value, shown):
    refused(lambda: positive_real(value, "epsilon", "1e-6"), ConfigurationError,
            f"^epsilon must be a positive number such as 1e-6, got {re.escape(shown)}")


@pytest.mark.parametrize("value", [-1e308, 0, 1e308, np.float32(-2.5)])
def test_finite_real_accepts_any_finite_number(value):
    assert finite_real(value, "a weight") == float(value)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 10 ** 400, True, "1", None])
def test_finite_real_refuses_what_no_float64_holds(value):
    refused(lambda: finite_real(value, "a weight"), ConfigurationError,
            "^a weight must be a finite number, got ")


@pytest.mark.parametrize("value", [0, 1, 1.5, -0.1, math.nan, 10 ** 400, True, "0.5"])
def test_fraction_is_strictly_between_0_and_1(value):
    refused(lambda: fraction(value, "rtol", "1e-6"), ConfigurationError,
            "^rtol must be a number between 0 and 1 such as 1e-6, got ")
    assert fraction(0.25, "test_fraction") == 0.25


@pytest.mark.parametrize("text", ["", "0", "-0.5", "0,5", "nan", "inf", "1e309", "1e400",
                                  "abc", "1" + "0" * 400])
def test_parse_positive_real_refuses_typed_text(text):
    refused(lambda: parse_positive_real(text, "the learning rate", "0.5"), ConfigurationError,
            "^the learning rate must be a positive number such as 0.5, not '")


def test_parse_positive_real_reads_numbers():
    assert parse_positive_real(" 1e-3 ", "the learning rate", "0.5") == 0.001
    assert parse_positive_real("1" + "0" * 300, "the learning rate", "0.5") == 1e300


# ---- the learning rate: one message wherever it is given ------------------------------

def _stepper_setter(rate):
    Stepper(small_network(), 0.5).learning_rate = rate


LEARNING_RATE_ENTRIES = {
    "checks.learning_rate": learning_rate,
    "network.check_learning_rate": network.check_learning_rate,
    "Learn": lambda rate: Learn(small_network(), rate, 1),
    "Update_Parameters": lambda rate: fw.Update_Parameters(small_network(), rate),
    "Stepper": lambda rate: Stepper(small_network(), rate),
    "Stepper.learning_rate": _stepper_setter,
}
BAD_RATES = [(0, "0"), (-0.5, "-0.5"), (math.nan, "nan"), (math.inf, "inf"), (True, "True"),
             ("0.5", "'0.5'"), (None, "None"), (10 ** 400, "1e+400"), (-10 ** 400, "-1e+400")]


@pytest.mark.parametrize("rate, shown", BAD_RATES, ids=[repr(r)[:12] for r, _ in BAD_RATES])
@pytest.mark.parametrize("entry", LEARNING_RATE_ENTRIES.values(), ids=LEARNING_RATE_ENTRIES)
def test_every_entry_refuses_a_learning_rate_with_the_same_message(entry, rate, shown):
    refused(lambda: entry(rate), ConfigurationError,
            f"^the learning rate must be a positive number such as 0.5, got {re.escape(shown)}$")


TYPED_RATE_ENTRIES = {
    "checks.parse_learning_rate": parse_learning_rate,
    "session.parse_learning_rate": session.parse_learning_rate,
    "a configuration string": lambda text: parse_configuration_string(
        f"flux1:xor:3,1:tanh:sigmoid:lr={text}:seed=0")["learning_rate"],
}


@pytest.mark.parametrize("text", ["0", "-0.5", "nan", "inf", "1e309", "1e400", "abc"])
@pytest.mark.parametrize("entry", TYPED_RATE_ENTRIES.values(), ids=TYPED_RATE_ENTRIES)
def test_every_text_entry_refuses_a_learning_rate_with_the_same_message(entry, text):
    refused(lambda: entry(text), ConfigurationError,
            f"^the learning rate must be a positive number such as 0.5, not '{text}'$")


@pytest.mark.parametrize("rate", [0.5, 1, 1e308, np.float32(0.25), 5e-324])
def test_every_entry_accepts_the_same_learning_rates(rate):
    for entry in LEARNING_RATE_ENTRIES.values():
        entry(rate)
    text = repr(float(rate))
    assert {entry(text) for entry in TYPED_RATE_ENTRIES.values()} == {float(rate)}


# ---- seeds: one rule ------------------------------------------------------------------

SEED_ENTRIES = {
    "checks.seed": seed,
    "Form_Network": lambda value: small_network(seed=value),
    **{f"load_dataset('{name}')": (lambda name: lambda value: load_dataset(
        name, seed=value, samples=None if name == "mnist" else 3))(name)
       for name in DATASET_NAMES},
    "train_test_split": lambda value: train_test_split(XOR, 0.5, seed=value),
}
BAD_SEEDS = [(-1, "-1"), (MAX_SEED + 1, "4,294,967,296"), (2 ** 40, "1,099,511,627,776"),
             (10 ** 400, "1e+400"), (True, "True"),
             (3.0, "3.0; write it without the decimal point, as 3"),
             (np.float64(1.0), "1.0; write it without the decimal point, as 1"),
             (0.5, "0.5"), ("3", "'3'"), (math.nan, "nan")]


@pytest.mark.parametrize("value, shown", BAD_SEEDS, ids=[repr(v)[:12] for v, _ in BAD_SEEDS])
@pytest.mark.parametrize("entry", SEED_ENTRIES.values(), ids=SEED_ENTRIES)
def test_every_entry_refuses_a_seed_with_the_same_message(entry, value, shown):
    refused(lambda: entry(value), ConfigurationError,
            f"^the seed must be a whole number from 0 to 4,294,967,295, or None, "
            f"got {re.escape(shown)}$")


@pytest.mark.parametrize("value", [0, 7, MAX_SEED, np.uint32(MAX_SEED), np.int64(3), None])
@pytest.mark.parametrize("entry", SEED_ENTRIES.values(), ids=SEED_ENTRIES)
def test_every_entry_accepts_the_same_seeds(entry, value):
    entry(value)


@pytest.mark.parametrize("entry", [parse_seed, session.parse_seed, lambda text: (
    parse_configuration_string(f"flux1:xor:3,1:tanh:sigmoid:lr=1:seed={text}")["seed"])])
def test_typed_seeds_follow_the_same_range(entry):
    assert entry("0") == 0 and entry(str(MAX_SEED)) == MAX_SEED
    refused(lambda: entry(str(MAX_SEED + 1)), ConfigurationError,
            "^the seed must be between 0 and 4,294,967,295, not 4294967296$")
    refused(lambda: entry("-1"), ConfigurationError, "between 0 and 4,294,967,295, not -1")
    refused(lambda: entry("0.5"), ConfigurationError,
            "^the seed must be a whole number, not '0.5'$")
    refused(lambda: entry("1e400"), ConfigurationError,
            "^the seed must be a whole number, not '1e400'$")
    refused(lambda: entry("9" * 500), ConfigurationError,
            "^the seed must be between 0 and 4,294,967,295")


def test_a_seed_the_parser_accepts_forms_a_network_and_loads_a_dataset():
    for text in ("0", "4294967295", "1e3"):
        value = parse_seed(text)
        assert small_network(seed=value).seed == value
        load_dataset("circles", seed=value)


# ---- notes: accepted, with a word on what will happen --------------------------------

def test_a_very_large_learning_rate_is_accepted_with_a_warning():
    assert parse_learning_rate("1e9") == 1e9  # a warning, not a refusal
    assert learning_rate_note(" 1e9 ") == (
        "a learning rate of 1e+09 is very large: the first update will most likely make "
        "the cost diverge (inf or nan); Step back undoes it")
    assert learning_rate_note("10.5").startswith("a learning rate of 10.5 is very large")
    for text in ("0.5", "1", str(LARGE_LEARNING_RATE), "1e-9"):
        assert learning_rate_note(text) == ""
    for text in ("abc", "", "0", "-5", "nan", "inf", "1e400"):  # refused when used, not here
        assert learning_rate_note(text) == ""


def test_a_seed_typed_other_than_in_digits_says_the_number_it_stands_for():
    assert parse_seed("1e9") == 10 ** 9  # every typed whole number follows one rule
    assert seed_note("1e9") == "the seed 1e9 is read as 1,000,000,000"
    assert seed_note(" 7.0 ") == "the seed 7.0 is read as 7"
    for text in ("7", "0", str(MAX_SEED), "007", "+7"):
        assert seed_note(text) == ""
    for text in ("abc", "", "0.5", "-1", "1e10", "1e400"):  # refused when used, not here
        assert seed_note(text) == ""


# ---- layer sizes and depth ----------------------------------------------------------

def test_the_depth_is_bounded_everywhere():
    deep = [8] * MAX_LAYERS
    assert parse_layer_sizes(",".join(map(str, deep))) == deep
    assert len(Form_Network(deep[:-1] + [1], XOR.inputs, XOR.targets, seed=0).neural_layers) \
        == MAX_LAYERS
    message = "^a network may have at most 32 layers after the inputs, got 33; use fewer layers$"
    refused(lambda: parse_layer_sizes(",".join(["8"] * (MAX_LAYERS + 1))), ConfigurationError,
            message)
    refused(lambda: Form_Network([8] * MAX_LAYERS + [1], XOR.inputs, XOR.targets),
            ConfigurationError, message)
    refused(lambda: Form_Network(iter([8] * 100), XOR.inputs, XOR.targets), ConfigurationError,
            "at most 32 layers after the inputs, got more than 32")


def test_the_issues_deep_configuration_string_is_refused_at_once():
    text = "flux1:xor:" + ",".join(["8"] * 1976 + ["1"]) + ":tanh:sigmoid:lr=1:seed=0"
    assert len(text) <= 4000
    started = time.perf_counter()
    refused(lambda: parse_configuration_string(text), ConfigurationError,
            "at most 32 layers after the inputs, got 1,977; use fewer layers")
    assert time.perf_counter() - started < 0.1


@pytest.mark.parametrize("layers, message", [
    ("8, 4, 1", "list of whole numbers such as"), (8, "list of whole numbers"),
    ([], "at least one layer"), ([8.0, 1], r"whole numbers ≥ 1, got 8.0 in \[8.0, 1\]"),
    ([np.int64(0), 1], "whole numbers ≥ 1, got 0 in"), ([10 ** 400, 1], "more than the kit"),
])
def test_form_network_refuses_bad_layer_sizes(layers, message):
    refused(lambda: Form_Network(layers, XOR.inputs, XOR.targets), ConfigurationError, message)


def test_layer_sizes_keep_the_typed_limit():
    assert checks.MAX_LAYER_SIZE == session.MAX_LAYER_SIZE == 4096
    refused(lambda: parse_layer_sizes("4097, 1"), ConfigurationError,
            "layer size '4097' must be between 1 and 4,096")


# ---- memory --------------------------------------------------------------------------

@pytest.mark.parametrize("v2, v1, meminfo, expected", [
    ("max\n", None, "MemTotal:       24683792 kB\nMemFree: 1 kB\n",
     (24683792 * 1024, "this machine has")),
    ("1073741824\n", None, "MemTotal: 16000000 kB\n", (GiB, "this kernel's container may use")),
    (None, "2147483648\n", "MemTotal: 16000000 kB\n",
     (2 * GiB, "this kernel's container may use")),
    (None, "9223372036854771712\n", "MemTotal: 8000000 kB\n",
     (8000000 * 1024, "this machine has")),  # cgroup v1's "no limit"
    ("max", "1073741824", None, (GiB, "this kernel's container may use")),
    ("68719476736", None, "MemTotal: 1000000 kB", (1024000000, "this machine has")),
    (None, None, "MemTotal: 1000000 kB", (1024000000, "this machine has")),
    ("0", "junk", "no total here", (None, "")),
    (None, None, None, (None, "")),
])
def test_available_memory_from_the_files(v2, v1, meminfo, expected):
    assert read_available_memory(v2, v1, meminfo) == expected


@pytest.fixture
def machine(tmp_path, monkeypatch):
    """A machine whose memory files the test writes (or leaves missing)."""
    def make(v2=None, v1=None, meminfo=None):
        for name, text in (("CGROUP_V2_MEMORY", v2), ("CGROUP_V1_MEMORY", v1),
                           ("MEMINFO", meminfo)):
            path = tmp_path / name
            if text is not None:
                path.write_text(text)
            monkeypatch.setattr(checks, name, str(path))
        checks.available_memory.cache_clear()
    yield make
    checks.available_memory.cache_clear()


def test_memory_limit_follows_a_binder_pods_cgroup(machine):
    machine(v2="1073741824\n", meminfo="MemTotal: 16000000 kB\n")
    assert memory_limit() == GiB // 2
    assert memory_limit_text() == "0.5 GB (half the 1.1 GB this kernel's container may use)"
    refused(lambda: Form_Network([6000, 1], np.zeros((2000, 4)), np.zeros((2000, 1))),
            ConfigurationError,
            r"^a 4-6000-1 network on 2000 samples would need 0.6 GB of memory, more than the "
            r"kit's limit of 0.5 GB \(half the 1.1 GB this kernel's container may use\); use "
            "fewer neurons or samples$")


def test_memory_limit_is_2_gib_on_a_large_machine_or_when_nothing_can_be_read(machine):
    machine(v2="max\n", meminfo="MemTotal: 67108864 kB\n")
    assert memory_limit() == 2 * GiB and memory_limit_text() == "2.1 GB"
    machine()  # no file at all (macOS, Windows, Pyodide)
    assert memory_limit() == 2 * GiB and memory_limit_text() == "2.1 GB"
    machine(meminfo="MemTotal: 2000000 kB\n")  # a small machine without cgroups
    assert memory_limit() == 1024000000
    assert memory_limit_text() == "1.0 GB (half the 2.0 GB this machine has)"


def test_check_memory_names_the_copies():
    check_memory(2 * GiB // 8, "a network")
    refused(lambda: check_memory(2 * GiB // 8 + 1, "a network"), ConfigurationError,
            "^a network would need 2.1 GB of memory, more than the kit's limit of")
    refused(lambda: check_memory(10 ** 8, "a 4-8-1 network on 16 samples", 3,
                                 "the panel keeps 3 copies of it", "use fewer neurons"),
            ConfigurationError,
            "^a 4-8-1 network on 16 samples needs 0.8 GB, and the panel keeps 3 copies of it: "
            "2.4 GB, more than the kit's limit of .*; use fewer neurons$")


def test_the_panels_memory_check_is_one_call():
    """What the panel calls for its three copies (``_check_panel_memory`` until rewired)."""
    kept = "the panel keeps 3 copies of it"
    network.check_network_memory([4, 4096, 4096, 1], 16, copies=1)
    refused(lambda: network.check_network_memory([4, 4096, 4096, 4096, 1], 16, 3, kept),
            ConfigurationError,
            "^a 4-4096-4096-4096-1 network on 16 samples needs 0.8 GB, and the panel keeps 3 "
            "copies of it: 2.4 GB, more than the kit's limit")


def test_storage_counts_a_network_with_the_networks_count():
    assert storage.network_size is network.network_size


# ---- the two upload limits -----------------------------------------------------------

def test_each_limit_has_one_home():
    assert checks.MAX_FILE_BYTES == storage.MAX_FILE_BYTES == 512 * 1024 ** 2
    assert checks.MAX_UPLOAD_BYTES == session.MAX_UPLOAD_BYTES == 10_000_000
    assert checks.MAX_NETWORK_BYTES == network.MAX_NETWORK_BYTES == 2 * GiB
    assert stepper.STEPPER_COPIES == 3


def test_a_session_upload_is_held_to_what_a_browser_can_send():
    """The 10 MB a browser passes to the kernel, not the 512 MB a file on disk may have."""
    with pytest.raises(StorageError, match="^big.npz is 10.0 MB; a saved session may be at most "
                                           "10.0 MB when it comes from the browser"):
        load_session_bytes(bytes(10_000_001), "big.npz")


# ---- the names the panel imports today ---------------------------------------------

def test_the_names_the_widgets_import_still_work():
    for name in ("parse_learning_rate", "parse_seed", "parse_layer_sizes", "parse_whole_number",
                 "MAX_LAYER_SIZE", "parse_activations"):
        assert hasattr(session, name)
    assert session.parse_whole_number is checks.parse_whole_number
    assert network.network_size([4, 8, 1], 16) == 8 * 3 * 4 + 8 * 3 + 6 * 16 * 8 \
        + 1 * 3 * 8 + 3 + 6 * 16

"""The bundled datasets, a learner's CSV, train/test splits and accuracy."""

import dataclasses
import gzip

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from flux_widgets import Form_Network, Learn, Predict, datasets, predicted_class, readers
from flux_widgets.datasets import (
    DATA_DIR,
    DATASET_NAMES,
    DATASETS,
    Dataset,
    DatasetRecord,
    accuracy,
    load_csv,
    load_dataset,
    parse_csv,
    train_test_split,
)
from flux_widgets.errors import ConfigurationError, DataError

MNIST_FIRST_20 = [3, 8, 1, 0, 4, 0, 9, 3, 4, 9, 3, 2, 3, 9, 5, 6, 1, 2, 9, 9]


def write(folder, content, name="data.csv"):
    """Write ``content`` (str as UTF-8, or bytes) to ``folder/name``; return the path."""
    path = folder / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


# ---- bundled datasets ------------------------------------------------------

@pytest.mark.parametrize("name, shape, class_count", [
    ("parity4", (16, 4), 2), ("xor", (4, 2), 2), ("circles", (200, 2), 2),
    ("spiral", (200, 2), 2), ("iris", (150, 4), 3),
    ("banknote", (1372, 4), 2), ("wine", (178, 13), 3), ("breast_cancer", (569, 30), 2),
    ("mnist", (1000, 784), 10),
])
def test_bundled_dataset_shapes(name, shape, class_count):
    data = load_dataset(name)
    count, features = shape
    assert data.name == name and data.description
    assert (data.sample_count, data.feature_count, data.class_count) == (*shape, class_count)
    assert data.inputs.dtype == np.float64 and data.inputs.flags.c_contiguous
    assert data.labels.dtype == np.int64 and data.labels.shape == (count,)
    assert len(data.feature_names) == features
    assert np.isfinite(data.inputs).all()
    assert set(data.labels.tolist()) == set(range(class_count))
    if class_count == 2:
        assert data.targets.shape == (count, 1)
        assert np.array_equal(data.targets[:, 0], data.labels)
    else:
        assert data.targets.shape == (count, class_count)
        assert np.array_equal(data.targets, np.eye(class_count)[data.labels])


# ---- the dataset records ---------------------------------------------------

def text(value):
    """A non-empty line of text."""
    return isinstance(value, str) and value.strip() == value and value and "\n" not in value


def texts(value):
    """A tuple of texts (possibly empty)."""
    return isinstance(value, tuple) and all(text(item) for item in value)


RECORD_FIELDS = {  # field: is this value of a record complete?
    "name": lambda value: text(value) and value == value.lower(),
    "label": text,
    "description": lambda value: text(value) and value.endswith("."),
    "licence": lambda value: text(value) and value.endswith("."),
    "class_names": lambda value: texts(value) and len(set(value)) == len(value) >= 2,
    "standardized_by_default": lambda value: isinstance(value, bool),
    "files": texts,
    "loader": callable,
    "aliases": texts,
}


def test_every_field_of_a_record_is_checked():
    assert set(RECORD_FIELDS) == {field.name for field in dataclasses.fields(DatasetRecord)}


@pytest.mark.parametrize("name", DATASET_NAMES)
def test_every_record_is_complete(name):
    record = DATASETS[name]
    assert record.name == name
    for field, complete in RECORD_FIELDS.items():
        assert complete(getattr(record, field)), f"{name}: {field} = {getattr(record, field)!r}"
    paths = tuple(DATA_DIR / file for file in record.files)
    assert all(path.is_file() for path in paths)
    inputs, labels, feature_names = record.loader(paths, np.random.default_rng(0), None)
    assert inputs.shape == (len(labels), len(feature_names))
    assert set(np.asarray(labels).tolist()) == set(range(len(record.class_names)))
    data = load_dataset(name)
    assert data.class_names == record.class_names
    assert data.description == f"{record.description} {record.licence}"


def test_records_are_told_apart():
    records = DATASETS.values()
    assert len({record.label for record in records}) == len(records)
    keys = [key for record in records for key in (record.name, *record.aliases)]
    assert len(set(keys)) == len(keys)
    assert [load_dataset(alias).name for record in records for alias in record.aliases] \
        == [record.name for record in records for _ in record.aliases]


def test_every_bundled_file_belongs_to_a_record_and_is_documented():
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    bundled = {path.relative_to(DATA_DIR).as_posix() for path in DATA_DIR.rglob("*")
               if path.is_file() and path.name != "README.md"}
    claimed = [file for record in DATASETS.values() for file in record.files]
    assert sorted(claimed) == sorted(bundled)
    assert all(f"| {file} |" in readme for file in claimed)


def test_arrays_are_read_only():
    data = load_dataset("xor")
    for array in (data.inputs, data.targets, data.labels):
        with pytest.raises(ValueError):
            array[0] = 1


def test_parity4_is_the_seeds_truth_table():
    data = load_dataset("Parity")
    assert data.name == "parity4"
    bits = data.inputs.astype(int)
    assert set(data.inputs.ravel().tolist()) == {0.0, 1.0}
    assert [int("".join(map(str, row)), 2) for row in bits] == list(range(16))
    assert np.array_equal(data.labels, np.bitwise_xor.reduce(bits, axis=1))


def test_xor():
    data = load_dataset(" XOR ")
    assert data.inputs.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert data.targets[:, 0].tolist() == [0, 1, 1, 0]


def test_class_counts_and_names():
    iris = load_dataset("iris")
    assert iris.class_names == ("setosa", "versicolor", "virginica")
    assert np.bincount(iris.labels).tolist() == [50, 50, 50]
    assert np.bincount(load_dataset("banknote").labels).tolist() == [762, 610]
    assert np.bincount(load_dataset("wine").labels).tolist() == [59, 71, 48]
    cancer = load_dataset("breast_cancer")
    assert cancer.class_names == ("malignant", "benign")
    assert np.bincount(cancer.labels).tolist() == [212, 357]


@pytest.mark.parametrize("name", ["iris", "banknote", "wine", "breast_cancer"])
def test_standardized_by_default(name):
    inputs = load_dataset(name).inputs
    assert np.allclose(inputs.mean(axis=0), 0, atol=1e-12)
    assert np.allclose(inputs.std(axis=0), 1)


def test_standardize_switch():
    assert load_dataset("iris", standardize=False).inputs[0].tolist() == [5.1, 3.5, 1.4, 0.2]
    assert np.allclose(load_dataset("xor", standardize=True).inputs.std(axis=0), 1)
    with pytest.raises(ConfigurationError, match="standardize"):
        load_dataset("iris", standardize="yes")


def test_mnist_contents():
    mnist = load_dataset("mnist", samples=20)
    assert mnist.inputs.shape == (20, 784) and mnist.targets.shape == (20, 10)
    assert mnist.labels.tolist() == MNIST_FIRST_20
    assert mnist.inputs.min() == 0.0 and mnist.inputs.max() == 1.0
    assert np.allclose(mnist.inputs * 255, np.rint(mnist.inputs * 255))
    assert mnist.feature_names[0] == "pixel_0" and mnist.feature_names[-1] == "pixel_783"
    assert mnist.class_names == tuple("0123456789")
    assert load_dataset("mnist", samples=10000).sample_count == 10000


def test_mnist_is_cached(monkeypatch):
    load_dataset("mnist", samples=1)

    def fail(data):
        raise AssertionError("MNIST was decompressed again")

    monkeypatch.setattr(gzip, "decompress", fail)
    assert load_dataset("mnist", samples=20).labels.tolist() == MNIST_FIRST_20


def idx_files(folder, images_header, labels_header, pixels=28 * 28):
    """Bundled-style MNIST files in ``folder/mnist`` with the given uint32 headers."""
    (folder / "mnist").mkdir()
    count = images_header[1]
    images = np.array(images_header, ">u4").tobytes() + bytes(count * pixels)
    labels = np.array(labels_header, ">u4").tobytes() + bytes(labels_header[1])
    (folder / "mnist/train-10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(images))
    (folder / "mnist/train-10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(labels))


@pytest.mark.parametrize("images, labels, pixels, message", [
    ([2051, 3, 28, 28], [2049, 3], 784, None),
    ([2049, 3, 28, 28], [2049, 3], 784, "magic number 2049, expected 2051"),
    ([2051, 3, 28, 28], [2051, 3], 784, "magic number 2051, expected 2049"),
    ([2051, 3, 28, 28], [2049, 3], 700, "data bytes, but the header announces 3 x 28 x 28"),
    ([2051, 3, 20, 20], [2049, 3], 400, "expected 28 x 28"),
    ([2051, 3, 28, 28], [2049, 2], 784, "3 images but 2 labels"),
])
def test_mnist_file_checks(tmp_path, monkeypatch, images, labels, pixels, message):
    idx_files(tmp_path, images, labels, pixels)
    monkeypatch.setattr(datasets, "DATA_DIR", tmp_path)
    monkeypatch.setattr(datasets, "_MNIST_CACHE", {})
    if message is None:
        assert load_dataset("mnist", samples=3).inputs.shape == (3, 784)
    else:
        with pytest.raises(DataError, match=message):
            load_dataset("mnist", samples=3)


def test_mnist_file_that_is_not_gzip(tmp_path, monkeypatch):
    idx_files(tmp_path, [2051, 1, 28, 28], [2049, 1])
    (tmp_path / "mnist/train-10k-images-idx3-ubyte.gz").write_bytes(b"junk")
    monkeypatch.setattr(datasets, "DATA_DIR", tmp_path)
    monkeypatch.setattr(datasets, "_MNIST_CACHE", {})
    with pytest.raises(DataError, match="cannot read the MNIST file"):
        load_dataset("mnist", samples=1)


@pytest.mark.parametrize("samples", [0, -3, 10001, 2.5, "100", True, 100.0, 10 ** 400])
def test_bad_sample_counts(samples):
    with pytest.raises(ConfigurationError,
                       match="samples must be a whole number from 1 to 10,000, got"):
        load_dataset("mnist", samples=samples)


def test_samples_of_the_small_datasets():
    subset = load_dataset("iris", samples=30, seed=4)
    again = load_dataset("iris", samples=np.int64(30), seed=np.uint32(4))
    assert subset.sample_count == 30 and np.array_equal(subset.labels, again.labels)
    with pytest.raises(ConfigurationError, match="without the decimal point, as 30"):
        load_dataset("iris", samples=30.0, seed=4)  # one rule: a whole number is an int
    assert subset.class_count == 3 and len(set(subset.labels.tolist())) > 1
    assert np.all(np.diff(load_dataset("wine", samples=50).labels) >= 0)  # file order
    assert np.array_equal(load_dataset("parity4", samples=16).inputs,
                          load_dataset("parity4").inputs)
    with pytest.raises(ConfigurationError, match="from 1 to 150"):
        load_dataset("iris", samples=151)
    for seed in (-1, 1.5, "x"):
        with pytest.raises(ConfigurationError, match="seed"):
            load_dataset("iris", samples=10, seed=seed)


@pytest.mark.parametrize("name", ["cifar", "", 7, None])
def test_unknown_dataset_names_the_choices(name):
    with pytest.raises(ConfigurationError, match="choose one of " + ", ".join(DATASET_NAMES)):
        load_dataset(name)


def test_dataset_checks_its_shapes():
    with pytest.raises(DataError, match="do not fit together"):
        Dataset("bad", np.zeros((3, 2)), np.zeros((2, 1)), np.zeros(3), ("a", "b"),
                ("0", "1"), "")
    source = np.zeros((2, 1))
    data = Dataset("copy", source, source, [0, 1], ("a",), ("0", "1"), "")
    assert source.flags.writeable and not data.inputs.flags.writeable
    assert repr(data) == "Dataset('copy': 2 samples x 1 features, 2 classes)"


# ---- generated datasets: circles and spiral --------------------------------

@pytest.mark.parametrize("name", ["circles", "spiral"])
def test_generated_datasets_are_deterministic_per_seed(name):
    data = load_dataset(name, seed=3)
    again = load_dataset(name, seed=3)
    other = load_dataset(name, seed=4)
    assert np.array_equal(data.inputs, again.inputs) and np.array_equal(data.labels, again.labels)
    assert not np.array_equal(data.inputs, other.inputs)
    assert data.feature_names == ("x0", "x1") and "not real data" in data.description
    assert np.bincount(data.labels).tolist() == [100, 100]
    assert np.abs(data.inputs).max() < 1.3  # radius at most 1, plus noise of sd 0.05
    assert not np.all(np.diff(data.labels) >= 0)  # classes are mixed, not grouped
    subset = load_dataset(name, samples=50, seed=3)
    assert subset.inputs.shape == (50, 2) and len(set(subset.labels.tolist())) == 2


def test_circles_disc_inside_ring():
    data = load_dataset("circles")
    radius = np.hypot(*data.inputs.T)
    assert data.class_names == ("ring", "disc")
    assert radius[data.labels == 1].max() < 0.5 + 0.25  # the disc, blurred by noise
    assert radius[data.labels == 0].min() > 0.7 - 0.25  # the ring
    assert np.mean(radius[data.labels == 1]) < 0.35 and np.mean(radius[data.labels == 0]) > 0.8


def test_spiral_arms_are_half_a_turn_apart():
    data = load_dataset("spiral", seed=1)
    x1, x2 = data.inputs.T
    radius = np.hypot(x1, x2)
    far = radius > 0.4  # near the centre the noise blurs the angle
    # On arm k a point at radius r has angle 1.75 · 2π · r + π · k (up to the noise).
    residual = np.angle(np.exp(1j * (np.arctan2(x2, x1) - 1.75 * 2 * np.pi * radius)))
    distance_to_arm_0 = np.abs(residual)
    predicted = (distance_to_arm_0 > np.pi / 2).astype(int)
    assert np.mean(predicted[far] == data.labels[far]) > 0.9


def test_a_small_network_learns_circles():
    data = load_dataset("circles")
    network = Form_Network([8, 1], data.inputs, data.targets, "tanh", "sigmoid", seed=0)
    Learn(network, 1.0, 1000)
    assert accuracy(Predict(network, data.inputs), data.labels) > 0.9


# ---- load_csv: good files --------------------------------------------------

def test_csv_with_bom_crlf_whitespace_and_text_labels(tmp_path):
    path = write(tmp_path, "\ufeff a , b ,label \r\n1, 2,cat\r\n 3,4 , dog\r\n5,6,cat\r\n\r\n\n")
    data = load_csv(path)
    assert data.name == "data" and "data.csv" in data.description
    assert data.feature_names == ("a", "b")
    assert data.inputs.tolist() == [[1, 2], [3, 4], [5, 6]]
    assert data.class_names == ("cat", "dog") and data.labels.tolist() == [0, 1, 0]
    assert data.targets.tolist() == [[0], [1], [0]]


def test_csv_label_column_anywhere_and_named(tmp_path):
    data = load_csv(write(tmp_path, "y,x1,x2\n2,1,2\n0,3,4\n1,5,6e-1\n"), label="y", name="mine")
    assert data.name == "mine" and data.feature_names == ("x1", "x2")
    assert data.inputs.tolist() == [[1, 2], [3, 4], [5, 0.6]]
    assert data.labels.tolist() == [2, 0, 1] and data.class_names == ("0", "1", "2")
    assert data.targets.shape == (3, 3)


def test_csv_integer_labels_that_are_not_0_to_c_are_numbered(tmp_path):
    data = load_csv(write(tmp_path, "x,label\n1,3\n2,10\n3,5\n4,3\n"))
    assert data.class_names == ("3", "5", "10") and data.labels.tolist() == [0, 2, 1, 0]


def test_csv_fractional_and_negative_labels_are_sorted_by_value(tmp_path):
    data = load_csv(write(tmp_path, "x,label\n1,0.5\n2,-1\n3,2.25\n4,0.50\n"))
    assert data.class_names == ("-1", "0.5", "2.25") and data.labels.tolist() == [1, 0, 2, 1]


def test_csv_standardize(tmp_path):
    data = load_csv(write(tmp_path, "a,b,c,label\n1,7,1e300,0\n2,7,-1e300,1\n3,7,1e300,0\n"),
                    standardize=True)
    assert np.allclose(data.inputs[:, [0, 2]].mean(axis=0), 0)
    assert np.allclose(data.inputs[:, [0, 2]].std(axis=0), 1)
    assert data.inputs[:, 1].tolist() == [0, 0, 0]  # a constant column stays 0


def test_parse_csv_takes_text_bytes_or_a_memoryview(tmp_path):
    content = "\ufeffa,label\r\n1,0\r\n2,1\r\n"
    from_file = load_csv(write(tmp_path, content, name="mine.csv"))
    for text_or_bytes in (content, content.encode("utf-8"), memoryview(content.encode())):
        data = parse_csv(text_or_bytes, file_name="mine.csv")
        assert data.name == "mine" and data.description == from_file.description
        assert np.array_equal(data.inputs, from_file.inputs)
        assert np.array_equal(data.labels, from_file.labels)
    with pytest.raises(ConfigurationError, match=r"load_csv reads a file from its path\), got"):
        parse_csv(tmp_path / "mine.csv")
    with pytest.raises(DataError, match="up.csv: line 2, column 'a': 'x' is not a number"):
        parse_csv("a,label\nx,0\n", file_name="up.csv")


# ---- load_csv: bad files ---------------------------------------------------

@pytest.mark.parametrize("content, message", [
    ("", "data.csv is empty"),
    ("\n \r\n\n", "data.csv is empty"),
    ("a,b,label\n", "data.csv has a header but no data rows"),
    ("a,b,label\n\n\n", "no data rows"),
    ("a,b,c\n1,2,3\n", "data.csv: no column named 'label'; the columns are: a, b, c"),
    ("label\n1\n0\n", "data.csv has no feature columns, only the label column 'label'"),
    ("a,,label\n1,2,0\n", "line 1: column 2 of the header has no name"),
    ("a,b,a,label\n1,2,3,0\n", "line 1: the header names 'a' more than once"),
    ("x0,x1,x2,x3,label\n" + "0,0,0,0,0\n" * 5 + "1,1,1,1\n",
     "data.csv: line 7 has 4 values but the header has 5 columns"),
    ("a,x1,label\n1,2,0\n1,abc,1\n", "data.csv: line 3, column 'x1': 'abc' is not a number"),
    ("a,x1,label\n1,,0\n", "line 2, column 'x1' is empty"),
    ("a,b,label\n1,2,\n", "line 2, column 'label' is empty"),
    ('a,b,label\n"1",2,0\n', "line 2, column 'a': '\"1\"' is not a number"),
    ("a,b,label\n1,2,0\n\n1,nan,1\n", "line 4, column 'b': 'nan' is not a finite number"),
    ("a,b,label\n1,2,0\n-inf,2,1\n", "line 3, column 'a': '-inf' is not a finite number"),
    ("a,b,label\n1,2,0\n1e999,2,1\n", "line 3, column 'a': '1e999' is not a finite number"),
    ("a,b,label\n1,2,0\n1,2,inf\n", "line 3, column 'label': 'inf' is not a finite number"),
    ("a,b,label\n1,2,0\n3,4,0\n",
     r"the label column 'label' has only one class \('0'\); a classifier needs at least two"),
    (b"\x89PNG\r\n\x1a\n\x00\xff\xfe", "data.csv is not UTF-8 text \\(byte 0x89 at position 0"),
    (b"a,label\n1,0\n\x00\x00,1\n", "is not a text file: it contains NUL bytes"),
    ("a,label\n1,0\n" + "9" * 100 + "x,1\n", "'9999.*\\.\\.\\. is not a number"),
])
def test_bad_csv_files(tmp_path, content, message):
    with pytest.raises(DataError, match=message):
        load_csv(write(tmp_path, content))


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(DataError, match="there is no file .*nope.csv"):
        load_csv(tmp_path / "nope.csv")
    with pytest.raises(DataError, match="is a folder, not a CSV file"):
        load_csv(str(tmp_path))


def test_too_large_file_is_refused_before_reading(tmp_path, monkeypatch):
    path = write(tmp_path, "a,label\n1,0\n2,1\n")
    monkeypatch.setattr(readers, "MAX_CSV_BYTES", 10)
    monkeypatch.setattr(type(path), "open", lambda *args, **kwargs: pytest.fail("read"))
    with pytest.raises(DataError, match="data.csv is larger than"):
        load_csv(path)


def test_bad_arguments_to_load_csv(tmp_path):
    with pytest.raises(ConfigurationError, match="path"):
        load_csv(42)
    with pytest.raises(ConfigurationError, match="label"):
        load_csv(write(tmp_path, "a,label\n1,0\n2,1\n"), label=3)


def csv_rows(header):
    """Text of a CSV file: ``header``, then up to 6 rows of its width, some fields bad."""
    width = header.count(",") + 1
    good = ["0", "1", "2", " 1 ", "-3.5", "1e308", "4e-320"]
    field = st.sampled_from(good * 4 + ["x", "", "nan", "1e999"])
    row = st.lists(field, min_size=width, max_size=width).map(",".join)
    return st.builds(lambda rows, newline: newline.join([header, *rows]),
                     st.lists(row, max_size=6), st.sampled_from(["\n", "\r\n", "\r\n\n"]))


csv_text = st.sampled_from(["a,label", "label, a,b", "\ufeffa,label "]).flatmap(csv_rows)


@settings(max_examples=200, deadline=None)
@given(content=st.one_of(csv_text, st.text(max_size=80), st.binary(max_size=80)),
       standardize=st.booleans())
def test_any_file_gives_a_finite_dataset_or_a_data_error(tmp_path_factory, content,
                                                         standardize):
    path = write(tmp_path_factory.mktemp("csv"), content)
    try:
        data = load_csv(path, standardize=standardize)
    except DataError:
        return
    count = data.sample_count
    assert data.labels.shape == (count,) and data.targets.shape[0] == count >= 2
    assert data.class_count >= 2 and data.feature_count >= 1
    assert np.isfinite(data.inputs).all() and np.isfinite(data.targets).all()


# ---- train_test_split ------------------------------------------------------

def test_train_test_split_sizes_and_determinism():
    data = load_dataset("iris")
    train, test = train_test_split(data, 0.2, seed=1)
    assert (train.sample_count, test.sample_count) == (120, 30)
    assert (train.name, test.name) == ("iris (train)", "iris (test)")
    assert train.targets.shape == (120, 3) and train.class_names == data.class_names
    again_train, again_test = train_test_split(data, 0.2, seed=1)
    assert np.array_equal(train.inputs, again_train.inputs)
    assert np.array_equal(test.labels, again_test.labels)
    other, _ = train_test_split(data, 0.2, seed=2)
    assert not np.array_equal(train.inputs, other.inputs)
    together = np.concatenate([train.inputs, test.inputs])
    assert np.array_equal(np.sort(together, axis=0), np.sort(data.inputs, axis=0))
    assert [part.sample_count for part in train_test_split(load_dataset("parity4"))] == [12, 4]


@pytest.mark.parametrize("fraction", [0, 1, -0.5, 1.5, float("nan"), float("inf"), "half",
                                      True, None])
def test_train_test_split_bad_fraction(fraction):
    with pytest.raises(ConfigurationError, match="test_fraction must be a number between 0 and 1"):
        train_test_split(load_dataset("xor"), fraction)


def test_train_test_split_needs_two_non_empty_parts():
    with pytest.raises(ConfigurationError, match="both parts need at least one"):
        train_test_split(load_dataset("xor"), 0.1)
    with pytest.raises(ConfigurationError, match="both parts need at least one"):
        train_test_split(load_dataset("xor"), 0.9)
    with pytest.raises(ConfigurationError, match="seed"):
        train_test_split(load_dataset("xor"), 0.5, seed=-1)


# ---- accuracy --------------------------------------------------------------

def test_accuracy():
    assert accuracy([[0.9], [0.2], [0.6], [0.5]], [1, 0, 0, 0]) == pytest.approx(3 / 4)
    assert accuracy(np.array([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]]), np.array([1, 0])) == 1.0
    data = load_dataset("iris")
    assert accuracy(data.targets, data.labels) == 1.0


@pytest.mark.parametrize("outputs, labels, message", [
    ([[0.5]], [1, 0], "outputs of shape \\(1, 1\\) do not match labels of shape \\(2,\\)"),
    ([0.5, 0.2], [1, 0], "outputs of shape \\(2,\\)"),
    ([[0.5], [0.2]], [[1], [0]], "labels of shape \\(2, 1\\)"),
    (np.zeros((0, 1)), [], "with N >= 1"),
    ([["a"], ["b"]], [1, 0], "not a matrix of numbers"),
])
def test_accuracy_errors(outputs, labels, message):
    with pytest.raises(DataError, match=message):
        accuracy(outputs, labels)


# ---- predicted_class -------------------------------------------------------

def test_predicted_class_binary_threshold():
    outputs = [[0.5], [np.nextafter(0.5, 1)], [np.nextafter(0.5, 0)], [1.0], [-3.0], [0.9]]
    assert predicted_class(outputs).tolist() == [0, 1, 0, 1, 0, 1]


def test_predicted_class_ties_take_the_first_column():
    outputs = [[0.3, 0.3, 0.1], [0.2, 0.7, 0.7], [0.0, 0.0, 0.0], [0.1, 0.2, 0.9]]
    assert predicted_class(outputs).tolist() == [0, 1, 0, 2]


def test_predicted_class_of_non_finite_outputs():
    nan, inf = np.nan, np.inf
    assert predicted_class([[nan], [inf], [-inf]]).tolist() == [0, 1, 0]
    outputs = [[0.9, nan, nan], [nan, 0.1, 0.2], [inf, 0.0, inf], [-inf, -inf, 0.0]]
    assert predicted_class(outputs).tolist() == [1, 0, 0, 2]


@settings(max_examples=200, deadline=None)
@given(hnp.arrays(np.float64, st.tuples(st.integers(0, 6), st.integers(1, 4)),
                  elements=st.sampled_from([0.0, 0.5, 1.0, -1.0, np.nan, np.inf, -np.inf])
                  | st.floats(allow_nan=True)))
def test_predicted_class_is_the_rule_of_accuracy_the_output_map_and_the_panel(outputs):
    expected = outputs[:, 0] > 0.5 if outputs.shape[1] == 1 else outputs.argmax(axis=1)
    classes = predicted_class(outputs)
    assert classes.dtype == np.intp and np.array_equal(classes, expected)


@pytest.mark.parametrize("name", ["xor", "iris", "wine", "breast_cancer"])
def test_predicted_class_of_the_targets_is_the_labels(name):
    data = load_dataset(name)
    assert np.array_equal(predicted_class(data.targets), data.labels)


@pytest.mark.parametrize("outputs, message", [
    ([0.5, 0.2], "N x 1 or N x c, got shape \\(2,\\)"),
    (np.zeros((3, 0)), "got shape \\(3, 0\\)"),
    ([["a"], ["b"]], "not a matrix of numbers"),
])
def test_predicted_class_errors(outputs, message):
    with pytest.raises(DataError, match=message):
        predicted_class(outputs)

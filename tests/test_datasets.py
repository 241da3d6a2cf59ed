"""Bundled datasets, a learner's CSV, splits and accuracy."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flux_widgets.datasets import (DATASET_NAMES, accuracy, load_csv, load_dataset,
                                   train_test_split)
from flux_widgets.errors import ConfigurationError, DataError, FluxError


@pytest.mark.parametrize("name, shape, classes", [
    ("parity4", (16, 4), 2), ("xor", (4, 2), 2), ("iris", (150, 4), 3),
    ("banknote", (1372, 4), 2), ("wine", (178, 13), 3), ("breast_cancer", (569, 30), 2),
    ("mnist", (1000, 784), 10),
])
def test_bundled_datasets(name, shape, classes):
    data = load_dataset(name)
    assert data.inputs.shape == shape and data.inputs.dtype == np.float64
    assert data.class_count == classes
    assert data.targets.shape == (shape[0], 1 if classes == 2 else classes)
    assert np.array_equal(data.targets.argmax(axis=1) if classes > 2 else data.targets[:, 0],
                          data.labels)
    assert np.isfinite(data.inputs).all() and data.description
    with pytest.raises(ValueError):
        data.inputs[0, 0] = 1.0  # read-only


def test_parity_is_the_seeds_truth_table():
    data = load_dataset("parity")
    assert data.name == "parity4"
    bits = data.inputs.astype(int)
    assert np.array_equal(data.labels, bits.sum(axis=1) % 2)
    assert [int("".join(map(str, row)), 2) for row in bits] == list(range(16))


def test_standardized_features_and_mnist_pixels():
    iris = load_dataset("iris")
    assert np.allclose(iris.inputs.mean(axis=0), 0, atol=1e-12)
    assert np.allclose(iris.inputs.std(axis=0), 1)
    raw = load_dataset("iris", standardize=False)
    assert raw.inputs[0].tolist() == [5.1, 3.5, 1.4, 0.2]
    mnist = load_dataset("mnist", samples=20)
    assert mnist.labels.tolist() == [3, 8, 1, 0, 4, 0, 9, 3, 4, 9, 3, 2, 3, 9, 5, 6, 1, 2, 9, 9]
    assert mnist.inputs.min() == 0 and mnist.inputs.max() == 1


@pytest.mark.parametrize("samples", [0, -3, 10**9, 2.5, "abc", True])
def test_bad_sample_counts(samples):
    with pytest.raises(ConfigurationError, match="samples must be a whole number"):
        load_dataset("mnist", samples=samples)


def test_unknown_dataset_names_the_choices():
    with pytest.raises(ConfigurationError, match="choose one of " + ", ".join(DATASET_NAMES)):
        load_dataset("cifar")


def write(tmp_path, text, name="data.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def test_csv_with_bom_crlf_whitespace_and_word_labels(tmp_path):
    path = write(tmp_path, "\ufeffa, b ,label\r\n1, 2,cat\r\n3,4 , dog\r\n5,6,cat\r\n\r\n")
    data = load_csv(path)
    assert data.feature_names == ("a", "b")
    assert data.inputs.tolist() == [[1, 2], [3, 4], [5, 6]]
    assert data.class_names == ("cat", "dog") and data.labels.tolist() == [0, 1, 0]
    assert data.targets.shape == (3, 1)


def test_csv_labels_other_than_0_to_c_are_numbered(tmp_path):
    data = load_csv(write(tmp_path, "x,y\n1,3\n2,7\n3,5\n"), label="y")
    assert data.class_names == ("3", "5", "7") and data.labels.tolist() == [0, 2, 1]
    assert data.targets.shape == (3, 3)


@pytest.mark.parametrize("text, message", [
    ("", "is empty"),
    ("\n\n", "is empty"),
    ("a,label\n", "no data rows"),
    ("a,b\n1,2\n", "no column named 'label'; the columns are: a, b"),
    ("label\n1\n0\n", "no feature columns"),
    ("a,,label\n1,2,0\n", "empty column name"),
    ("a,a,label\n1,2,0\n", "names a more than once"),
    ("a,b,label\n1,2,0\n1,2\n", "line 3 has 2 values but the header has 3 columns"),
    ("a,b,label\n1,2,0\n1,abc,1\n", "line 3, column 'b': 'abc' is not a number"),
    ("a,b,label\n1,nan,0\n1,2,1\n", "line 2, column 'b': 'nan' is not a finite number"),
    ("a,b,label\n1,2,0\n3,4,0\n", "only one class"),
    (b"\x89PNG\r\n\x1a\n\x00\xff\xfe", "not a text"),
])
def test_bad_csv_files(tmp_path, text, message):
    with pytest.raises(DataError, match=message):
        load_csv(write(tmp_path, text))


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(DataError, match="there is no file"):
        load_csv(tmp_path / "nope.csv")
    with pytest.raises(DataError, match="is a folder"):
        load_csv(tmp_path)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(alphabet="0123456789.,-eabnil \n\r\t\ufeff", max_size=120),
                 st.binary(max_size=80)))
def test_any_file_gives_a_dataset_or_a_data_error(tmp_path_factory, content):
    path = write(tmp_path_factory.mktemp("csv"), content)
    try:
        data = load_csv(path)
    except DataError:
        return
    assert data.inputs.shape[0] == data.labels.shape[0] == data.targets.shape[0] >= 2
    assert np.isfinite(data.inputs).all() and data.class_count >= 2


def test_train_test_split():
    data = load_dataset("iris")
    train, test = train_test_split(data, 0.2, seed=1)
    assert (train.sample_count, test.sample_count) == (120, 30)
    again, _ = train_test_split(data, 0.2, seed=1)
    assert np.array_equal(train.inputs, again.inputs)
    combined = np.sort(np.concatenate([train.inputs, test.inputs]), axis=0)
    assert np.array_equal(combined, np.sort(data.inputs, axis=0))
    for bad in (0, 1, -0.5, float("nan"), "half"):
        with pytest.raises(ConfigurationError, match="test_fraction"):
            train_test_split(data, bad)


def test_accuracy():
    assert accuracy([[0.9], [0.2], [0.6]], [1, 0, 0]) == pytest.approx(2 / 3)
    assert accuracy([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]], [1, 0]) == 1.0
    with pytest.raises(DataError, match="do not match"):
        accuracy([[0.5]], [1, 0])


def test_every_error_is_a_kit_error():
    assert issubclass(DataError, FluxError) and issubclass(ConfigurationError, ValueError)

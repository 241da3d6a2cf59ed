"""The kit's datasets: the bundled ones and a learner's own CSV.

Every dataset is a :class:`Dataset` with ``inputs`` (N x d), ``targets``
(N x k: one 0/1 column for two classes, one-hot columns for more) and the
class ``labels`` (N). The files are copies of public datasets kept in
``flux_widgets/data/`` (sources and licences in its README); nothing is
fetched at run time.
"""

from __future__ import annotations

import gzip
import math
import numbers
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import ConfigurationError, DataError

__all__ = ["Dataset", "DATASET_NAMES", "load_dataset", "load_csv", "train_test_split",
           "accuracy"]

DATA = Path(__file__).with_name("data")
DATASET_NAMES = ("parity4", "xor", "iris", "banknote", "wine", "breast_cancer", "mnist")
MAX_CSV_BYTES = 200 * 1024 ** 2
_DESCRIPTIONS = {
    "parity4": "4-bit parity, the seed's example: all 16 patterns of 4 bits, label = XOR of "
               "the bits. Generated; public domain.",
    "xor": "XOR of two bits: the 4 patterns. Generated; public domain.",
    "iris": "Fisher's iris flowers (1936): 150 flowers, 4 measurements, 3 species. UCI, CC BY 4.0.",
    "banknote": "Banknote authentication (Lohweg 2012): 1372 images, 4 wavelet features, "
                "2 classes. UCI, CC BY 4.0.",
    "wine": "Wine (Forina et al.): 178 wines, 13 chemical measurements, 3 cultivars. "
            "UCI, CC BY 4.0.",
    "breast_cancer": "Breast cancer Wisconsin diagnostic (Wolberg et al. 1995): 569 samples, "
                     "30 features, malignant (0) or benign (1). UCI, CC BY 4.0.",
    "mnist": "MNIST handwritten digits (LeCun, Cortes, Burges): 28x28 images as 784 values "
             "in [0, 1], 10 classes; from a 10,000-image training subset. CC BY-SA 3.0.",
}
_STANDARDIZED = {"iris", "banknote", "wine", "breast_cancer"}
_mnist_cache = {}


@dataclass(frozen=True)
class Dataset:
    """Inputs, targets and labels of one dataset (arrays are read-only).

    ``inputs`` is N x d float64, ``targets`` N x k float64 (k = 1 holding 0/1
    for two classes, else one-hot), ``labels`` N int64 class indices.
    """

    name: str
    inputs: np.ndarray
    targets: np.ndarray
    labels: np.ndarray
    feature_names: tuple
    class_names: tuple
    description: str

    @property
    def sample_count(self):
        return self.inputs.shape[0]

    @property
    def feature_count(self):
        return self.inputs.shape[1]

    @property
    def class_count(self):
        return len(self.class_names)


def _targets(labels, class_count):
    if class_count == 2:
        return labels.reshape(-1, 1).astype(np.float64)
    return np.eye(class_count)[labels]


def _dataset(name, inputs, labels, feature_names, class_names, description):
    inputs = np.ascontiguousarray(inputs, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    targets = _targets(labels, len(class_names))
    for array in (inputs, targets, labels):
        array.flags.writeable = False
    return Dataset(name, inputs, targets, labels, tuple(feature_names), tuple(class_names),
                   description)


def _standardize(inputs):
    """z-scores per column (population std); a constant column becomes 0."""
    std = inputs.std(axis=0)
    return (inputs - inputs.mean(axis=0)) / np.where(std > 0, std, 1.0)


def _check_samples(samples, available):
    if samples is None:
        return available
    if isinstance(samples, bool) or not isinstance(samples, numbers.Integral) \
            or not 1 <= samples <= available:
        raise ConfigurationError(
            f"samples must be a whole number from 1 to {available}, got {samples!r}")
    return int(samples)


def load_dataset(name, *, standardize=None, samples=None):
    """A bundled dataset by name (one of :data:`DATASET_NAMES`; ``"parity"`` also works).

    ``standardize`` (z-scores per feature) defaults to True for iris,
    banknote, wine and breast_cancer, False for the 0/1 and pixel data.
    ``samples`` takes the first rows (MNIST: default 1000 of 10,000; the file
    is already shuffled; other datasets: all rows).
    """
    key = str(name).strip().lower() if isinstance(name, str) else name
    key = {"parity": "parity4"}.get(key, key)
    if key not in DATASET_NAMES:
        raise ConfigurationError(
            f"unknown dataset {name!r}; choose one of {', '.join(DATASET_NAMES)}")
    if key == "mnist":
        images, labels = _mnist()
        count = _check_samples(1000 if samples is None else samples, len(labels))
        inputs = images[:count].reshape(count, -1) / 255.0
        if standardize:
            inputs = _standardize(inputs)
        return _dataset("mnist", inputs, labels[:count],
                        [f"pixel_{i}" for i in range(inputs.shape[1])],
                        [str(d) for d in range(10)], _DESCRIPTIONS["mnist"])
    table = load_csv(DATA / f"{key}.csv", standardize=False, name=key)
    count = _check_samples(samples, table.sample_count)
    inputs = table.inputs[:count]
    if key in _STANDARDIZED if standardize is None else standardize:
        inputs = _standardize(inputs)
    return _dataset(key, inputs, table.labels[:count], table.feature_names, table.class_names,
                    _DESCRIPTIONS[key])


def _idx(path, magic, dimensions):
    """Read a gzip IDX file: big-endian uint32 magic, sizes, then uint8 data."""
    try:
        raw = gzip.decompress(path.read_bytes())
    except (OSError, EOFError) as error:
        raise DataError(f"cannot read {path.name}: {error}") from None
    header = 4 * (1 + dimensions)
    if len(raw) < header:
        raise DataError(f"{path.name} is too short to be an IDX file")
    fields = np.frombuffer(raw[:header], dtype=">u4")
    if fields[0] != magic:
        raise DataError(f"{path.name}: magic number {fields[0]}, expected {magic}")
    shape = tuple(int(n) for n in fields[1:])
    if len(raw) - header != math.prod(shape):
        raise DataError(f"{path.name}: {len(raw) - header} data bytes, expected "
                        f"{math.prod(shape)} for shape {shape}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def _mnist():
    if not _mnist_cache:
        folder = DATA / "mnist"
        images = _idx(folder / "train-10k-images-idx3-ubyte.gz", 2051, 3)
        labels = _idx(folder / "train-10k-labels-idx1-ubyte.gz", 2049, 1)
        if len(images) != len(labels):
            raise DataError(f"MNIST: {len(images)} images but {len(labels)} labels")
        _mnist_cache.update(images=images, labels=labels.astype(np.int64))
    return _mnist_cache["images"], _mnist_cache["labels"]


def _read_text(path):
    path = Path(path)
    try:
        if path.is_dir():
            raise DataError(f"{path} is a folder, not a CSV file")
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            raise DataError(f"{path.name} is {size / 1e6:.0f} MB; the kit reads CSV files up "
                            f"to {MAX_CSV_BYTES / 1e6:.0f} MB")
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise DataError(f"there is no file {path}") from None
    except UnicodeDecodeError:
        raise DataError(f"{path.name} is not a text (UTF-8) CSV file") from None
    except OSError as error:
        raise DataError(f"cannot read {path}: {error.strerror or error}") from None


def _cell(text, path, line, column):
    try:
        value = float(text)
    except ValueError:
        raise DataError(f"{path.name}, line {line}, column '{column}': {text!r} is not a "
                        "number") from None
    if not math.isfinite(value):
        raise DataError(f"{path.name}, line {line}, column '{column}': {text!r} is not a "
                        "finite number")
    return value


def load_csv(path, *, label="label", standardize=False, name=None):
    """A learner's CSV as a :class:`Dataset`.

    The file has a header row, one label column (by default ``label``) and
    numeric feature columns. Labels 0, 1, … are used as class indices; any
    other labels (numbers or words) are sorted and numbered. Raises
    :class:`~flux_widgets.errors.DataError` naming the file, line and column
    of anything it cannot use.
    """
    path = Path(path)
    lines = [(number, text) for number, text in enumerate(_read_text(path).splitlines(), 1)
             if text.strip()]
    if not lines:
        raise DataError(f"{path.name} is empty")
    header = [field.strip() for field in lines[0][1].split(",")]
    if any(not field for field in header):
        raise DataError(f"{path.name}: the header (line {lines[0][0]}) has an empty column name")
    duplicates = sorted({field for field in header if header.count(field) > 1})
    if duplicates:
        raise DataError(f"{path.name}: the header names {', '.join(duplicates)} more than once")
    if label not in header:
        raise DataError(f"{path.name} has no column named {label!r}; the columns are: "
                        f"{', '.join(header)}")
    if len(header) < 2:
        raise DataError(f"{path.name} has no feature columns besides {label!r}")
    if len(lines) < 2:
        raise DataError(f"{path.name} has a header but no data rows")
    label_column = header.index(label)
    features = [c for c in header if c != label]
    rows, raw_labels = [], []
    for number, text in lines[1:]:
        fields = [field.strip() for field in text.split(",")]
        if len(fields) != len(header):
            raise DataError(f"{path.name}: line {number} has {len(fields)} values but the "
                            f"header has {len(header)} columns")
        raw_labels.append(fields[label_column])
        rows.append([_cell(f, path, number, c) for c, f in zip(header, fields)
                     if c != label])
    labels, class_names = _classes(raw_labels, path, label)
    inputs = np.array(rows)
    if standardize:
        inputs = _standardize(inputs)
    return _dataset(name or path.stem, inputs, labels, features, class_names,
                    f"{path.name}: {len(rows)} rows, {len(features)} features, "
                    f"{len(class_names)} classes.")


def _classes(raw_labels, path, label):
    distinct = sorted(set(raw_labels))
    if len(distinct) < 2:
        raise DataError(f"{path.name}: the label column {label!r} has only one class "
                        f"({distinct[0]!r}); a classifier needs at least two")
    try:
        numbers_ = [float(v) for v in raw_labels]
    except ValueError:
        numbers_ = None
    if numbers_ is not None and all(math.isfinite(v) and v == int(v) and v >= 0
                                    for v in numbers_):
        values = sorted({int(v) for v in numbers_})
        if values == list(range(len(values))):
            return np.array([int(v) for v in numbers_]), tuple(str(v) for v in values)
        index = {v: i for i, v in enumerate(values)}
        return np.array([index[int(v)] for v in numbers_]), tuple(str(v) for v in values)
    if numbers_ is not None and all(math.isfinite(v) for v in numbers_):
        values = sorted(set(numbers_))
        index = {v: i for i, v in enumerate(values)}
        return np.array([index[v] for v in numbers_]), tuple(f"{v:g}" for v in values)
    index = {v: i for i, v in enumerate(distinct)}
    return np.array([index[v] for v in raw_labels]), tuple(distinct)


def train_test_split(dataset, test_fraction=0.25, seed=0):
    """A seeded random split into ``(train, test)`` datasets, both non-empty."""
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, numbers.Real) \
            or not 0 < test_fraction < 1:
        raise ConfigurationError(
            f"test_fraction must be a number between 0 and 1, got {test_fraction!r}")
    count = dataset.sample_count
    test_count = round(count * test_fraction)
    if not 0 < test_count < count:
        raise ConfigurationError(f"cannot split {count} samples into two non-empty parts "
                                 f"with test_fraction {test_fraction}")
    order = np.random.default_rng(seed).permutation(count)
    parts = []
    for part, indices in (("train", order[test_count:]), ("test", order[:test_count])):
        parts.append(_dataset(f"{dataset.name} ({part})", dataset.inputs[indices],
                              dataset.labels[indices], dataset.feature_names,
                              dataset.class_names, dataset.description))
    return tuple(parts)


def accuracy(outputs, labels):
    """The fraction of samples classified right: outputs (N x 1: > 0.5; N x c: argmax) vs labels."""
    outputs = np.asarray(outputs, dtype=np.float64)
    labels = np.asarray(labels).reshape(-1)
    if outputs.ndim != 2 or outputs.shape[0] != labels.shape[0]:
        raise DataError(f"accuracy: outputs of shape {outputs.shape} do not match "
                        f"{labels.shape[0]} labels")
    predicted = (outputs[:, 0] > 0.5) if outputs.shape[1] == 1 else outputs.argmax(axis=1)
    return float(np.mean(predicted == labels))

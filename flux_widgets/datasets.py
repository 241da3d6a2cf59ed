"""The kit's datasets: the bundled ones and a learner's own CSV file.

A :class:`Dataset` holds N labelled samples: ``inputs`` (N x d), ``targets``
(N x 1 holding 0/1 for two classes, N x c one-hot for c > 2 classes) and
``labels`` (N class indices). :func:`load_dataset` opens the public datasets
bundled in ``flux_widgets/data/`` (sources and licences in its README.md;
nothing is downloaded) and the two-feature toy sets generated in code
(``circles``, ``spiral``), :func:`load_csv` reads a learner's CSV file and
:func:`parse_csv` the text or bytes of one, :func:`train_test_split` splits a
dataset in two and :func:`accuracy` scores a network's outputs against the
labels.
"""

from __future__ import annotations

import gzip
import math
import os
import stat
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import checks
from .errors import ConfigurationError, DataError

__all__ = ["DATASET_NAMES", "Dataset", "accuracy", "load_csv", "load_dataset", "parse_csv",
           "train_test_split"]

DATA_DIR = Path(__file__).with_name("data")
DATASET_NAMES = ("parity4", "xor", "circles", "spiral", "iris", "banknote", "wine",
                 "breast_cancer", "mnist")
MAX_CSV_BYTES = 200_000_000
MNIST_DEFAULT_SAMPLES = 1000
GENERATED_SAMPLES = 200
GENERATED_NOISE = 0.05

_ALIASES = {"parity": "parity4"}
_STANDARDIZED_BY_DEFAULT = frozenset({"iris", "banknote", "wine", "breast_cancer"})
_CLASS_NAMES = {
    "iris": ("setosa", "versicolor", "virginica"),
    "breast_cancer": ("malignant", "benign"),
    "circles": ("ring", "disc"),
    "spiral": ("arm 0", "arm 1"),
}
_DESCRIPTIONS = {
    "parity4": "4-bit parity, the seed's example: all 16 patterns of 4 bits, labelled with "
               "the XOR of the bits. Generated; public domain.",
    "xor": "XOR of two bits: the 4 patterns of the truth table. Generated; public domain.",
    "circles": f"Circles: {GENERATED_SAMPLES} points (x1, x2) in about [-1, 1]; class 1 "
               "(disc) within radius 0.5 of the centre, class 0 (ring) at radius 0.7 to 1, "
               f"plus Gaussian noise of standard deviation {GENERATED_NOISE}. Generated in "
               "code from the seed, not real data; public domain.",
    "spiral": f"Spiral: {GENERATED_SAMPLES} points (x1, x2) in about [-1, 1] on two "
              "interleaved spiral arms (class 0 and class 1), each turning 1.75 times "
              f"around the centre, plus Gaussian noise of standard deviation "
              f"{GENERATED_NOISE}. Generated in code from the seed, not real data; public "
              "domain.",
    "iris": "Fisher's iris flowers (1936): 150 flowers, 4 measurements in cm, 3 species. "
            "UCI Machine Learning Repository (via scikit-learn), CC BY 4.0.",
    "banknote": "Banknote authentication (Lohweg 2012): 1372 banknote images, 4 wavelet "
                "features, 2 classes. UCI Machine Learning Repository, CC BY 4.0.",
    "wine": "Wine (Forina et al.): 178 Italian wines, 13 chemical measurements, 3 cultivars. "
            "UCI Machine Learning Repository (via scikit-learn), CC BY 4.0.",
    "breast_cancer": "Breast cancer Wisconsin diagnostic (Wolberg, Street, Mangasarian 1995): "
                     "569 cell samples, 30 features, malignant or benign. UCI Machine "
                     "Learning Repository (via scikit-learn), CC BY 4.0.",
    "mnist": "MNIST handwritten digits (LeCun, Cortes, Burges): 28x28 grey images as 784 "
             "values in [0, 1], digits 0-9, from a shuffled 10,000-image subset of the "
             "training set. CC BY-SA 3.0.",
}
_MNIST_CACHE: dict[str, np.ndarray] = {}


@dataclass(frozen=True, eq=False)
class Dataset:
    """N labelled samples for a classifier; every array is a read-only copy.

    Attributes
    ----------
    name : str
        Short name, e.g. ``"iris"``.
    inputs : numpy.ndarray
        N x d float64, C-contiguous: one row of d feature values per sample.
    targets : numpy.ndarray
        N x k float64: what the network should output. Two classes: k = 1,
        holding 0.0 or 1.0; c > 2 classes: k = c, one-hot rows.
    labels : numpy.ndarray
        N int64: the class index (0 .. c-1) of each sample.
    feature_names : tuple of str
        d names, one per input column.
    class_names : tuple of str
        c names, one per class index.
    description : str
        What the data is and where it comes from.

    Raises
    ------
    DataError
        If the shapes of the arrays and names do not fit together.
    """

    name: str
    inputs: np.ndarray
    targets: np.ndarray
    labels: np.ndarray
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...]
    description: str

    def __post_init__(self):
        try:
            inputs = np.array(self.inputs, dtype=np.float64, order="C")
            targets = np.array(self.targets, dtype=np.float64, order="C")
            labels = np.array(self.labels, dtype=np.int64)
        except (TypeError, ValueError) as error:
            raise DataError(f"dataset {self.name!r}: the arrays must hold numbers ({error})") \
                from error
        feature_names = tuple(self.feature_names)
        if (inputs.ndim != 2 or targets.ndim != 2 or labels.ndim != 1
                or not inputs.shape[0] == targets.shape[0] == labels.shape[0]
                or inputs.shape[1] != len(feature_names)):
            raise DataError(
                f"dataset {self.name!r}: inputs {inputs.shape}, targets {targets.shape}, "
                f"labels {labels.shape} and {len(feature_names)} feature names do not fit "
                "together; they must be N x d, N x k, N and d")
        for field, array in (("inputs", inputs), ("targets", targets), ("labels", labels)):
            array.flags.writeable = False
            object.__setattr__(self, field, array)
        object.__setattr__(self, "feature_names", feature_names)
        object.__setattr__(self, "class_names", tuple(self.class_names))

    def __repr__(self):
        return (f"Dataset({self.name!r}: {self.sample_count} samples x "
                f"{self.feature_count} features, {self.class_count} classes)")

    @property
    def sample_count(self) -> int:
        """N, the number of samples (rows of ``inputs``)."""
        return self.inputs.shape[0]

    @property
    def feature_count(self) -> int:
        """d, the number of features (columns of ``inputs``)."""
        return self.inputs.shape[1]

    @property
    def class_count(self) -> int:
        """c, the number of classes (length of ``class_names``)."""
        return len(self.class_names)


def _make(name, inputs, labels, feature_names, class_names, description):
    """A :class:`Dataset` whose N x k targets are derived from the N labels."""
    labels = np.asarray(labels, dtype=np.int64)
    if len(class_names) == 2:
        targets = labels[:, None].astype(np.float64)
    else:
        targets = np.eye(len(class_names))[labels]
    return Dataset(name, inputs, targets, labels, feature_names, class_names, description)


def _standardize(inputs):
    """Z-scores of each column of an N x d array (population std); returns N x d.

    A constant column becomes 0. Each column is first divided by its largest
    magnitude (z-scores do not change) so that huge values cannot overflow.
    """
    constant = inputs.max(axis=0) == inputs.min(axis=0)
    largest = np.abs(inputs).max(axis=0)
    scaled = inputs / np.where(largest == 0, 1.0, largest)
    std = np.where(constant, 1.0, scaled.std(axis=0))
    return np.where(constant, 0.0, (scaled - scaled.mean(axis=0)) / std)


def _rng(seed):
    """``np.random.default_rng(seed)`` for a seed (:func:`flux_widgets.checks.seed`)."""
    return np.random.default_rng(checks.seed(seed))


def _polar_points(rng, radius, angle):
    """N x 2 points (x1, x2) = radius · (cos angle, sin angle) + Gaussian noise.

    ``radius`` and ``angle`` hold N values; the noise has standard deviation
    :data:`GENERATED_NOISE` in each coordinate.
    """
    points = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return points + rng.normal(0.0, GENERATED_NOISE, points.shape)


def _balanced_labels(rng):
    """:data:`GENERATED_SAMPLES` labels, half 0 and half 1, in random order."""
    return rng.permutation(np.arange(GENERATED_SAMPLES) % 2)


def _circles(rng):
    """A disc of class 1 inside a ring of class 0: N x 2 points and N labels (N = 200).

    Radii are uniform in [0, 0.5] for the disc and [0.7, 1] for the ring, angles
    uniform, as in TensorFlow Playground's circle data.
    """
    labels = _balanced_labels(rng)
    radius = np.where(labels == 1, rng.uniform(0.0, 0.5, labels.size),
                      rng.uniform(0.7, 1.0, labels.size))
    return _polar_points(rng, radius, rng.uniform(0.0, 2 * np.pi, labels.size)), labels


def _spiral(rng):
    """Two interleaved spiral arms, one per class: N x 2 points and N labels (N = 200).

    A point at distance ``s`` (uniform in [0, 1]) along its arm has radius ``s``
    and angle 1.75 · 2π · s, plus π for class 1, as in TensorFlow Playground's
    spiral data.
    """
    labels = _balanced_labels(rng)
    along = rng.uniform(0.0, 1.0, labels.size)
    return _polar_points(rng, along, 1.75 * 2 * np.pi * along + np.pi * labels), labels


_GENERATORS = {"circles": _circles, "spiral": _spiral}


def load_dataset(name, *, standardize=None, samples=None, seed=0) -> Dataset:
    """One of the kit's datasets: a bundled file, or circles and spiral generated in code.

    Parameters
    ----------
    name : str
        One of :data:`DATASET_NAMES` (any case); ``"parity"`` means ``"parity4"``.
    standardize : bool or None
        Replace each feature column by its z-scores (population std; a constant
        column becomes 0). ``None`` means True for iris, banknote, wine and
        breast_cancer, False for the 0/1 inputs of parity4 and xor, the
        points of circles and spiral (already in about [-1, 1]) and the pixels
        of mnist.
    samples : int or None
        How many samples to keep, a whole number (30, not 30.0). mnist: the
        first ``samples`` images (the file is already shuffled), default 1000
        of 10,000. Other datasets: all rows by default; otherwise a random
        subset of ``samples`` rows chosen with ``seed``, kept in file order
        (their files are grouped by class, so the first rows would hold one
        class only).
    seed : int or None
        Seed of ``np.random.default_rng`` for the points of circles and spiral
        and for the random subset (not used for mnist, nor for the other
        datasets when all rows are kept): a whole number from 0 to 2³² − 1, as
        every seed of the kit, or ``None`` for fresh randomness.

    Returns
    -------
    Dataset
        ``inputs`` N x d, ``targets`` N x 1 (two classes) or N x c (one-hot),
        ``labels`` N. parity4: 16 x 4 raw 0/1 bits, targets 16 x 1. xor:
        4 x 2. circles, spiral: 200 x 2 points (x1, x2), 2 classes of 100.
        iris: 150 x 4, 3 classes. banknote: 1372 x 4, 2 classes. wine:
        178 x 13, 3 classes. breast_cancer: 569 x 30, 2 classes. mnist:
        ``samples`` x 784 pixels / 255 in [0, 1], 10 classes.

    Raises
    ------
    ConfigurationError
        For an unknown name, or a bad ``standardize``, ``samples`` or ``seed``
        (the same rules and messages as everywhere: :mod:`flux_widgets.checks`).
    DataError
        If a bundled file is missing or damaged.
    """
    key = name.strip().lower() if isinstance(name, str) else None
    key = _ALIASES.get(key, key)
    if key not in DATASET_NAMES:
        raise ConfigurationError(
            f"unknown dataset {name!r}; choose one of {', '.join(DATASET_NAMES)}")
    if standardize is not None and not isinstance(standardize, bool):
        raise ConfigurationError(f"standardize must be True, False or None, got {standardize!r}")
    rng = _rng(seed)
    if key == "mnist":
        images, labels = _mnist()
        count = checks.whole_number(MNIST_DEFAULT_SAMPLES if samples is None else samples,
                                    "samples", 1, len(labels))
        inputs = images[:count].reshape(count, -1) / 255.0
        labels = labels[:count]
        feature_names = [f"pixel_{i}" for i in range(inputs.shape[1])]
        class_names = [str(digit) for digit in range(10)]
    else:
        if key in _GENERATORS:
            inputs, labels = _GENERATORS[key](rng)
            feature_names, class_names = ("x1", "x2"), _CLASS_NAMES[key]
        else:
            table = load_csv(DATA_DIR / f"{key}.csv", name=key)
            inputs, labels, feature_names = table.inputs, table.labels, table.feature_names
            class_names = _CLASS_NAMES.get(key, table.class_names)
        if samples is not None:
            count = checks.whole_number(samples, "samples", 1, len(labels))
            rows = np.sort(rng.choice(len(labels), count, replace=False))
            inputs, labels = inputs[rows], labels[rows]
    if key in _STANDARDIZED_BY_DEFAULT if standardize is None else standardize:
        inputs = _standardize(inputs)
    return _make(key, inputs, labels, feature_names, class_names, _DESCRIPTIONS[key])


def _read_idx(path, magic, dimensions):
    """The array in a gzip IDX file: big-endian uint32 magic and sizes, then uint8 data.

    Returns a read-only uint8 array of the ``dimensions`` sizes in the header.
    """
    try:
        raw = gzip.decompress(path.read_bytes())
    except (OSError, EOFError, zlib.error) as error:
        raise DataError(f"cannot read the MNIST file {path}: {error}") from error
    header = 4 * (1 + dimensions)
    if len(raw) < header:
        raise DataError(f"{path.name} is too short to be an IDX file ({len(raw)} bytes)")
    fields = np.frombuffer(raw, dtype=">u4", count=1 + dimensions)
    if fields[0] != magic:
        raise DataError(f"{path.name}: magic number {fields[0]}, expected {magic}")
    shape = tuple(int(size) for size in fields[1:])
    if len(raw) - header != math.prod(shape):
        raise DataError(f"{path.name}: {len(raw) - header} data bytes, but the header "
                        f"announces {' x '.join(map(str, shape))} = {math.prod(shape)}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def _mnist():
    """The bundled MNIST images (N x 28 x 28 uint8) and labels (N int64), cached."""
    if not _MNIST_CACHE:
        folder = DATA_DIR / "mnist"
        images = _read_idx(folder / "train-10k-images-idx3-ubyte.gz", 2051, 3)
        labels = _read_idx(folder / "train-10k-labels-idx1-ubyte.gz", 2049, 1)
        if images.shape[1:] != (28, 28):
            raise DataError(f"MNIST images are {images.shape[1]} x {images.shape[2]} "
                            "pixels, expected 28 x 28")
        if len(images) != len(labels):
            raise DataError(f"MNIST has {len(images)} images but {len(labels)} labels")
        if labels.size and labels.max() > 9:
            raise DataError(f"MNIST label {labels.max()} is not a digit 0-9")
        labels = labels.astype(np.int64)
        labels.flags.writeable = False
        _MNIST_CACHE.update(images=images, labels=labels)
    return _MNIST_CACHE["images"], _MNIST_CACHE["labels"]


def _read_bytes(path):
    """The bytes of a CSV file of at most :data:`MAX_CSV_BYTES`."""
    try:
        info = path.stat()
    except FileNotFoundError as error:
        raise DataError(f"there is no file {path}") from error
    except (OSError, ValueError) as error:
        raise DataError(f"cannot open {path}: {error}") from error
    if stat.S_ISDIR(info.st_mode):
        raise DataError(f"{path} is a folder, not a CSV file")
    if not stat.S_ISREG(info.st_mode):
        raise DataError(f"{path} is not a regular file")
    too_large = (f"{path.name} is larger than {MAX_CSV_BYTES // 1_000_000} MB, the largest "
                 "CSV file the kit reads")
    if info.st_size > MAX_CSV_BYTES:
        raise DataError(too_large)
    try:
        with path.open("rb") as file:
            # read what stat announced (file.read(n) reserves n bytes at once), then
            # whatever the file grew by since, in pieces, up to one byte over the limit
            raw = file.read(info.st_size + 1)
            while info.st_size < len(raw) <= MAX_CSV_BYTES:
                more = file.read(min(1 << 16, MAX_CSV_BYTES + 1 - len(raw)))
                if not more:
                    break
                raw += more
    except OSError as error:
        raise DataError(f"cannot read {path}: {error}") from error
    if len(raw) > MAX_CSV_BYTES:
        raise DataError(too_large)
    return raw


def _decode(content, file):
    """The text of CSV ``content`` (str, or UTF-8 bytes-like) without a BOM, checked."""
    if isinstance(content, str):
        text = content.removeprefix("\ufeff")
    else:
        raw = bytes(content)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise DataError(f"{file} is not UTF-8 text (byte 0x{raw[error.start]:02x} at "
                            f"position {error.start}); save it as a UTF-8 CSV file") from error
    if "\x00" in text:
        raise DataError(f"{file} is not a text file: it contains NUL bytes")
    return text


def _show(text):
    """``repr`` of a field, cut short if it is long."""
    return repr(text) if len(text) <= 40 else repr(text[:40]) + "..."


def _header(file, number, line, label):
    """The column names in header ``line`` (line ``number`` of ``file``), checked."""
    header = [field.strip() for field in line.split(",")]
    for position, column in enumerate(header, 1):
        if not column:
            raise DataError(f"{file}: line {number}: column {position} of the header has "
                            "no name")
    repeated = sorted({column for column in header if header.count(column) > 1})
    if repeated:
        raise DataError(f"{file}: line {number}: the header names "
                        f"{', '.join(map(repr, repeated))} more than once")
    if label not in header:
        raise DataError(f"{file}: no column named {label!r}; the columns are: "
                        f"{', '.join(header)}")
    if len(header) == 1:
        raise DataError(f"{file} has no feature columns, only the label column {label!r}")
    return header


def _value_error(file, number, columns, fields):
    """The DataError for the first field of a row that ``float`` refuses."""
    for column, field in zip(columns, fields):
        try:
            float(field)
        except ValueError:
            problem = " is empty" if not field else f": {_show(field)} is not a number"
            return DataError(f"{file}: line {number}, column {column!r}{problem}")


def _not_finite(file, number, column, field):
    return DataError(f"{file}: line {number}, column {column!r}: {_show(field)} is not a "
                     "finite number (nan and inf are not allowed)")


def _classes(file, label, texts, numbers_):
    """Class indices (N int64) and class names for the N label ``texts``.

    If every label is a number they are ordered by value, else as strings; the
    class names are the labels as written in the file. ``numbers_`` holds the
    line number of each label.
    """
    try:
        keys = [float(text) for text in texts]
    except ValueError:
        keys = texts
    else:
        for key, text, number in zip(keys, texts, numbers_):
            if not math.isfinite(key):
                raise _not_finite(file, number, label, text)
    names = {}
    for key, text in zip(keys, texts):
        names.setdefault(key, text)
    order = sorted(names)
    if len(order) < 2:
        raise DataError(f"{file}: the label column {label!r} has only one class "
                        f"({_show(texts[0])}); a classifier needs at least two")
    index = {key: position for position, key in enumerate(order)}
    return np.array([index[key] for key in keys], dtype=np.int64), [names[k] for k in order]


def load_csv(path, *, label="label", standardize=False, name=None) -> Dataset:
    """A learner's CSV file as a :class:`Dataset`.

    The file is read as bytes and parsed by :func:`parse_csv`, which
    describes the format.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file, at most 200 MB.
    label, standardize, name
        As for :func:`parse_csv`; ``name`` defaults to the file name without
        its extension.

    Returns
    -------
    Dataset
        As for :func:`parse_csv`.

    Raises
    ------
    DataError
        If there is no such file, it is a folder or larger than 200 MB, or for
        anything :func:`parse_csv` refuses.
    ConfigurationError
        If ``path`` is not a path or ``label`` is not a string.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise ConfigurationError(f"path must be a file path, got {path!r}")
    path = Path(path)
    return parse_csv(_read_bytes(path), file_name=path.name, label=label,
                     standardize=standardize, name=name)


def parse_csv(content, *, file_name="data.csv", label="label", standardize=False,
              name=None) -> Dataset:
    """The contents of a CSV file as a :class:`Dataset`.

    The contents are UTF-8 text (a BOM, CRLF line endings, spaces around
    fields and blank lines are fine) with a header row, one label column and
    numeric feature columns; fields are split at every comma (no quoting).

    Parameters
    ----------
    content : str or bytes-like
        The text of the file, or its bytes (decoded as UTF-8), e.g. the
        ``content`` of an upload.
    file_name : str
        The file's name, used in messages and descriptions.
    label : str
        Name of the label column; every other column is a feature.
    standardize : bool
        Replace each feature column by its z-scores (population std; a
        constant column becomes 0).
    name : str or None
        Name of the dataset; default: ``file_name`` without its extension.

    Returns
    -------
    Dataset
        ``inputs`` N x d (d = columns - 1, in file order), ``labels`` N and
        ``targets`` N x 1 (two classes) or N x c one-hot. Labels that are the
        numbers 0 .. c-1 are the class indices; any other labels (numbers or
        words) are sorted and numbered 0 .. c-1. ``class_names`` are the labels
        as written in the file.

    Raises
    ------
    DataError
        For anything in the contents the kit cannot use: not UTF-8 text,
        empty, no data rows, a bad header, a row of the wrong length, a value
        that is not a finite number, fewer than two classes. The message names
        the file and, where it applies, the line (the header is line 1) and
        the column.
    ConfigurationError
        If ``content`` is neither text nor bytes, or ``label`` is not a string.
    """
    if not isinstance(content, (str, bytes, bytearray, memoryview)):
        raise ConfigurationError("content must be the text or bytes of a CSV file (load_csv "
                                 f"reads a file from its path), got {type(content).__name__}")
    if not isinstance(label, str):
        raise ConfigurationError(f"label must be a column name, got {label!r}")
    file = str(file_name)
    text = _decode(content, file).replace("\r\n", "\n").replace("\r", "\n")
    lines = [(number, line) for number, line in enumerate(text.split("\n"), 1)
             if line.strip()]
    if not lines:
        raise DataError(f"{file} is empty")
    header = _header(file, *lines[0], label)
    if len(lines) == 1:
        raise DataError(f"{file} has a header but no data rows")
    at = header.index(label)
    features = header[:at] + header[at + 1:]
    rows, texts, numbers_ = [], [], []
    for number, line in lines[1:]:
        fields = [field.strip() for field in line.split(",")]
        if len(fields) != len(header):
            raise DataError(f"{file}: line {number} has {len(fields)} values but the header "
                            f"has {len(header)} columns")
        texts.append(fields.pop(at))
        if not texts[-1]:
            raise DataError(f"{file}: line {number}, column {label!r} is empty")
        try:
            rows.append([float(field) for field in fields])
        except ValueError:
            raise _value_error(file, number, features, fields) from None
        numbers_.append(number)
    inputs = np.array(rows, dtype=np.float64)
    bad = np.argwhere(~np.isfinite(inputs))
    if bad.size:
        row, column = bad[0]
        fields = [field.strip() for field in lines[1 + row][1].split(",")]
        fields.pop(at)
        raise _not_finite(file, numbers_[row], features[column], fields[column])
    labels, class_names = _classes(file, label, texts, numbers_)
    if standardize:
        inputs = _standardize(inputs)
    return _make(Path(file).stem if name is None else str(name), inputs, labels, features,
                 class_names, f"From the CSV file {file}: {len(rows)} samples, "
                              f"{len(features)} features, {len(class_names)} classes.")


def train_test_split(dataset, test_fraction=0.25, seed=0) -> tuple[Dataset, Dataset]:
    """Split a dataset at random into a training part and a test part.

    Parameters
    ----------
    dataset : Dataset
        N samples.
    test_fraction : float
        The share of samples for the test part, in (0, 1); the test part gets
        ``round(N * test_fraction)`` samples.
    seed : int or None
        Seed of ``np.random.default_rng`` (a whole number from 0 to 2³² − 1, or
        ``None`` for fresh randomness); the same seed gives the same split.

    Returns
    -------
    tuple of Dataset
        ``(train, test)`` with N - t and t samples (same d, k and classes),
        named ``"<name> (train)"`` and ``"<name> (test)"``.

    Raises
    ------
    ConfigurationError
        If ``dataset`` is not a Dataset, ``test_fraction`` is not a finite
        number in (0, 1), ``seed`` is not a seed (see above), or either part
        would be empty.
    """
    if not isinstance(dataset, Dataset):
        raise ConfigurationError(f"train_test_split needs a Dataset such as load_dataset('iris'), "
                                 f"got {type(dataset).__name__}")
    test_fraction = checks.fraction(test_fraction, "test_fraction", "0.25")
    count = dataset.sample_count
    test_count = round(count * test_fraction)
    if not 0 < test_count < count:
        raise ConfigurationError(
            f"test_fraction {test_fraction} of {count} samples gives {test_count} test and "
            f"{count - test_count} training samples; both parts need at least one")
    order = _rng(seed).permutation(count)
    return tuple(
        Dataset(f"{dataset.name} ({part})", dataset.inputs[rows], dataset.targets[rows],
                dataset.labels[rows], dataset.feature_names, dataset.class_names,
                dataset.description)
        for part, rows in (("train", order[test_count:]), ("test", order[:test_count])))


def accuracy(outputs, labels) -> float:
    """The fraction of samples a network classifies right.

    Parameters
    ----------
    outputs : array_like
        N x 1 (two classes: an output above 0.5 means class 1) or N x c (the
        class is the column of the largest output).
    labels : array_like
        N class indices.

    Returns
    -------
    float
        Correct predictions / N, in [0, 1].

    Raises
    ------
    DataError
        If the outputs are not finite numbers, the labels are not class
        indices (whole numbers), or the shapes do not fit together.
    """
    try:
        outputs = np.asarray(outputs, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise DataError(f"accuracy: the outputs are not a matrix of numbers ({error})") \
            from error
    labels = np.asarray(labels)
    if (outputs.ndim != 2 or labels.ndim != 1 or outputs.shape[0] != labels.shape[0]
            or outputs.size == 0):
        raise DataError(f"accuracy: outputs of shape {outputs.shape} do not match labels of "
                        f"shape {labels.shape}; expected N x 1 or N x c outputs and N labels "
                        "with N >= 1")
    if not np.isfinite(outputs).all():
        row = int(np.argwhere(~np.isfinite(outputs))[0][0])
        raise DataError(f"accuracy: the outputs of sample {row} are not finite numbers (inf or "
                        "nan); a network that diverged classifies nothing")
    if labels.dtype == bool or not (np.issubdtype(labels.dtype, np.integer)
                                    or np.issubdtype(labels.dtype, np.floating)
                                    and np.all(np.mod(labels, 1) == 0)):
        raise DataError(f"accuracy: labels must be class indices (whole numbers such as "
                        f"dataset.labels), got {labels.dtype} values like {labels[0]!r}")
    predicted = outputs[:, 0] > 0.5 if outputs.shape[1] == 1 else outputs.argmax(axis=1)
    return float(np.mean(predicted == labels))

"""The kit's datasets: one record per dataset, the bundled ones and a learner's CSV file.

A :class:`Dataset` holds N labelled samples: ``inputs`` (N x d), ``targets``
(N x 1 holding 0/1 for two classes, N x c one-hot for c > 2 classes) and
``labels`` (N class indices). Everything the kit knows about a dataset of its
own (its name, the panel's label for it, description, licence, class names,
default scaling, bundled files and loader) is one :class:`DatasetRecord` in
:data:`DATASETS`. :func:`load_dataset` opens them: the public datasets bundled
in ``flux_widgets/data/`` (sources and licences in its README.md; nothing is
downloaded) and the two-feature toy sets generated in code (``circles``,
``spiral``). :func:`load_csv` reads a learner's CSV file and :func:`parse_csv`
the text or bytes of one (the file formats are read by
:mod:`flux_widgets.readers`), :func:`train_test_split` splits a dataset in two
and :func:`accuracy` scores a network's outputs against the labels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import checks, readers
from .errors import ConfigurationError, DataError
from .network import predicted_class

__all__ = ["DATASETS", "DATASET_NAMES", "Dataset", "DatasetRecord", "accuracy", "load_csv",
           "load_dataset", "parse_csv", "train_test_split"]

DATA_DIR = Path(__file__).with_name("data")
MNIST_DEFAULT_SAMPLES = 1000
GENERATED_SAMPLES = 200
GENERATED_NOISE = 0.05

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
    """N x 2 points (x0, x1) = radius · (cos angle, sin angle) + Gaussian noise.

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


def _random_rows(rng, inputs, labels, samples):
    """All N rows (``samples`` None), or ``samples`` rows chosen with ``rng``, in file order.

    ``inputs`` is N x d and ``labels`` N; returns both, cut to the same rows.
    """
    if samples is None:
        return inputs, labels
    count = checks.whole_number(samples, "samples", 1, len(labels))
    rows = np.sort(rng.choice(len(labels), count, replace=False))
    return inputs[rows], labels[rows]


def _generated(points):
    """A loader (see :class:`DatasetRecord`) for ``points(rng)``: N x 2 points and N labels.

    It bundles no file; its features are named ``x0`` and ``x1``, as the diagram names
    the inputs.
    """
    def load(paths, rng, samples):
        return (*_random_rows(rng, *points(rng), samples), ("x0", "x1"))
    return load


def _bundled_csv(paths, rng, samples):
    """The loader (see :class:`DatasetRecord`) of a bundled CSV file with a ``label`` column.

    ``paths`` holds the one file; its labels must be the class indices 0 .. c-1.
    """
    (path,) = paths
    table = readers.read_csv(readers.read_csv_file(path), path.name, "label")
    return (*_random_rows(rng, table.inputs, table.labels, samples), table.feature_names)


def _mnist(images_path, labels_path):
    """The bundled MNIST images (N x 28 x 28 uint8) and labels (N int64), cached."""
    if not _MNIST_CACHE:
        images = readers.read_idx(images_path, 2051, 3)
        labels = readers.read_idx(labels_path, 2049, 1)
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


def _bundled_mnist(paths, rng, samples):
    """The loader (see :class:`DatasetRecord`) of MNIST: the first ``samples`` images.

    ``paths`` holds the IDX files of the images and of the labels; the images
    are already shuffled, so ``rng`` is not used. Returns ``samples`` (default
    :data:`MNIST_DEFAULT_SAMPLES`) x 784 pixels / 255 in [0, 1], row by row.
    """
    images, labels = _mnist(*paths)
    count = checks.whole_number(MNIST_DEFAULT_SAMPLES if samples is None else samples,
                                "samples", 1, len(labels))
    inputs = images[:count].reshape(count, -1) / 255.0
    return inputs, labels[:count], [f"pixel_{i}" for i in range(inputs.shape[1])]


@dataclass(frozen=True)
class DatasetRecord:
    """Everything the kit knows about one of its datasets, in one place.

    Attributes
    ----------
    name : str
        The key :func:`load_dataset`, the panel and saved sessions use, e.g. ``"iris"``.
    label : str
        The short text the panel's dataset dropdown shows, e.g. ``"Iris (3 species)"``.
    description : str
        What the data is: samples, features, classes. The :class:`Dataset`'s
        description is this followed by ``licence``.
    licence : str
        One line: where the data comes from and its licence (details in
        ``flux_widgets/data/README.md``).
    class_names : tuple of str
        c names, one per class index 0 .. c-1.
    standardized_by_default : bool
        Whether :func:`load_dataset` standardizes the inputs when
        ``standardize`` is None: True for measurements in differing units,
        False for 0/1 bits, points already in about [-1, 1] and pixels.
    files : tuple of str
        The bundled files the loader reads, relative to ``flux_widgets/data/``;
        empty for data generated in code.
    loader : callable
        ``loader(paths, rng, samples) -> (inputs, labels, feature_names)``:
        ``paths`` the ``files`` as full paths, ``rng`` a
        ``numpy.random.Generator`` (seeded by :func:`load_dataset`),
        ``samples`` None or the learner's sample count (checked by the
        loader); returns N x d inputs, N class indices and d feature names.
    aliases : tuple of str
        Other names :func:`load_dataset` accepts for this dataset.
    """

    name: str
    label: str
    description: str
    licence: str
    class_names: tuple[str, ...]
    standardized_by_default: bool
    files: tuple[str, ...]
    loader: Callable
    aliases: tuple[str, ...] = ()


DATASETS = {record.name: record for record in (
    DatasetRecord(
        name="parity4", label="4-bit parity (the seed's example)",
        description="4-bit parity, the seed's example: all 16 patterns of 4 bits, labelled "
                    "with the XOR of the bits.",
        licence="Generated; public domain.",
        class_names=("0", "1"), standardized_by_default=False,
        files=("parity4.csv",), loader=_bundled_csv, aliases=("parity",)),
    DatasetRecord(
        name="xor", label="XOR",
        description="XOR of two bits: the 4 patterns of the truth table.",
        licence="Generated; public domain.",
        class_names=("0", "1"), standardized_by_default=False,
        files=("xor.csv",), loader=_bundled_csv),
    DatasetRecord(
        name="circles", label="Circles (2 features)",
        description=f"Circles: {GENERATED_SAMPLES} points (x0, x1) in about [-1, 1]; class 1 "
                    "(disc) within radius 0.5 of the centre, class 0 (ring) at radius 0.7 "
                    "to 1, plus Gaussian noise of standard deviation "
                    f"{GENERATED_NOISE}.",
        licence="Generated in code from the seed, not real data; public domain.",
        class_names=("ring", "disc"), standardized_by_default=False,
        files=(), loader=_generated(_circles)),
    DatasetRecord(
        name="spiral", label="Spiral (2 features)",
        description=f"Spiral: {GENERATED_SAMPLES} points (x0, x1) in about [-1, 1] on two "
                    "interleaved spiral arms (class 0 and class 1), each turning 1.75 times "
                    "around the centre, plus Gaussian noise of standard deviation "
                    f"{GENERATED_NOISE}.",
        licence="Generated in code from the seed, not real data; public domain.",
        class_names=("arm 0", "arm 1"), standardized_by_default=False,
        files=(), loader=_generated(_spiral)),
    DatasetRecord(
        name="iris", label="Iris (3 species)",
        description="Fisher's iris flowers (1936): 150 flowers, 4 measurements in cm, "
                    "3 species.",
        licence="UCI Machine Learning Repository (via scikit-learn), CC BY 4.0.",
        class_names=("setosa", "versicolor", "virginica"), standardized_by_default=True,
        files=("iris.csv",), loader=_bundled_csv),
    DatasetRecord(
        name="banknote", label="Banknotes",
        description="Banknote authentication (Lohweg 2012): 1372 banknote images, 4 wavelet "
                    "features, 2 classes.",
        licence="UCI Machine Learning Repository, CC BY 4.0.",
        class_names=("0", "1"), standardized_by_default=True,
        files=("banknote.csv",), loader=_bundled_csv),
    DatasetRecord(
        name="wine", label="Wine (3 cultivars)",
        description="Wine (Forina et al.): 178 Italian wines, 13 chemical measurements, "
                    "3 cultivars.",
        licence="UCI Machine Learning Repository (via scikit-learn), CC BY 4.0.",
        class_names=("0", "1", "2"), standardized_by_default=True,
        files=("wine.csv",), loader=_bundled_csv),
    DatasetRecord(
        name="breast_cancer", label="Breast cancer",
        description="Breast cancer Wisconsin diagnostic (Wolberg, Street, Mangasarian 1995): "
                    "569 cell samples, 30 features, malignant or benign.",
        licence="UCI Machine Learning Repository (via scikit-learn), CC BY 4.0.",
        class_names=("malignant", "benign"), standardized_by_default=True,
        files=("breast_cancer.csv",), loader=_bundled_csv),
    DatasetRecord(
        name="mnist", label=f"MNIST digits ({MNIST_DEFAULT_SAMPLES} images)",
        description="MNIST handwritten digits (LeCun, Cortes, Burges): 28x28 grey images as "
                    "784 values in [0, 1], digits 0-9, from a shuffled 10,000-image subset "
                    "of the training set.",
        licence="CC BY-SA 3.0.",
        class_names=tuple(str(digit) for digit in range(10)), standardized_by_default=False,
        files=("mnist/train-10k-images-idx3-ubyte.gz", "mnist/train-10k-labels-idx1-ubyte.gz"),
        loader=_bundled_mnist),
)}
DATASET_NAMES = tuple(DATASETS)
_BY_KEY = {key: record for record in DATASETS.values() for key in (record.name, *record.aliases)}


def load_dataset(name, *, standardize=None, samples=None, seed=0) -> Dataset:
    """One of the kit's datasets (:data:`DATASETS`): a bundled file, or points generated in code.

    Parameters
    ----------
    name : str
        One of :data:`DATASET_NAMES` (any case); ``"parity"`` means ``"parity4"``.
    standardize : bool or None
        Replace each feature column by its z-scores (population std; a constant
        column becomes 0). ``None`` means the record's
        ``standardized_by_default``: True for iris, banknote, wine and
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
        4 x 2. circles, spiral: 200 x 2 points (x0, x1), 2 classes of 100.
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
    record = _BY_KEY.get(name.strip().lower() if isinstance(name, str) else None)
    if record is None:
        raise ConfigurationError(
            f"unknown dataset {name!r}; choose one of {', '.join(DATASET_NAMES)}")
    if standardize is not None and not isinstance(standardize, bool):
        raise ConfigurationError(f"standardize must be True, False or None, got {standardize!r}")
    rng = _rng(seed)
    inputs, labels, feature_names = record.loader(
        tuple(DATA_DIR / file for file in record.files), rng, samples)
    if record.standardized_by_default if standardize is None else standardize:
        inputs = _standardize(inputs)
    return _make(record.name, inputs, labels, feature_names, record.class_names,
                 f"{record.description} {record.licence}")


def load_csv(path, *, label="label", standardize=False, name=None) -> Dataset:
    """A learner's CSV file as a :class:`Dataset`.

    The file is read as bytes (:func:`flux_widgets.readers.read_csv_file`) and
    parsed by :func:`parse_csv`, which describes the format.

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
    raw = readers.read_csv_file(path)
    return parse_csv(raw, file_name=Path(path).name, label=label, standardize=standardize,
                     name=name)


def parse_csv(content, *, file_name="data.csv", label="label", standardize=False,
              name=None) -> Dataset:
    """The contents of a CSV file as a :class:`Dataset`.

    The contents are UTF-8 text (a BOM, CRLF line endings, spaces around
    fields and blank lines are fine) with a header row, one label column and
    numeric feature columns; fields are split at every comma (no quoting).
    :func:`flux_widgets.readers.read_csv` reads them.

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
    DataError, ConfigurationError
        As :func:`flux_widgets.readers.read_csv`, which reads the contents: a
        DataError names the file, the line and the column of what the kit cannot use.
    """
    file = str(file_name)
    table = readers.read_csv(content, file, label)
    inputs = _standardize(table.inputs) if standardize else table.inputs
    samples, features = inputs.shape
    return _make(Path(file).stem if name is None else str(name), inputs, table.labels,
                 table.feature_names, table.class_names,
                 f"From the CSV file {file}: {samples} samples, {features} features, "
                 f"{len(table.class_names)} classes.")


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
        class is the column of the largest output), as
        :func:`~flux_widgets.network.predicted_class` classifies them.
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
    return float(np.mean(predicted_class(outputs) == labels))

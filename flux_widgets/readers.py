"""The file readers: a CSV file's text as a table of numbers, an IDX file as an array.

:func:`read_csv_file` reads the bytes of a CSV file, :func:`read_csv` turns
the text or bytes of one into a :class:`CsvTable` (inputs N x d, labels N and
the names of the features and classes) and :func:`read_idx` reads the arrays
of the MNIST files. Everything a file can get wrong raises a
:class:`~flux_widgets.errors.DataError` naming the file and, where it applies,
the line and the column. These readers know file formats only; a
:class:`~flux_widgets.datasets.Dataset` is made from their tables by
:mod:`flux_widgets.datasets` (``load_csv``, ``parse_csv``, ``load_dataset``).
"""

from __future__ import annotations

import gzip
import math
import os
import stat
import zlib
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .errors import ConfigurationError, DataError

__all__ = ["CsvTable", "MAX_CSV_BYTES", "read_csv", "read_csv_file", "read_idx"]

MAX_CSV_BYTES = 200_000_000


class CsvTable(NamedTuple):
    """The numbers of a CSV file with a label column.

    Attributes
    ----------
    inputs : numpy.ndarray
        N x d float64, every value finite: the feature columns, in file order.
    labels : numpy.ndarray
        N int64: the class index (0 .. c-1) of each row.
    feature_names : list of str
        d names, the header's feature columns.
    class_names : list of str
        c ≥ 2 names, one per class index: the labels as written in the file.
    """

    inputs: np.ndarray
    labels: np.ndarray
    feature_names: list[str]
    class_names: list[str]


def read_idx(path, magic, dimensions):
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


def read_csv_file(path):
    """The bytes of the CSV file at ``path`` (str or os.PathLike), of at most :data:`MAX_CSV_BYTES`.

    Raises
    ------
    DataError
        If there is no such file, it is a folder or not a regular file, it is
        larger than :data:`MAX_CSV_BYTES`, or it cannot be read.
    ConfigurationError
        If ``path`` is not a path.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise ConfigurationError(f"path must be a file path, got {path!r}")
    path = Path(path)
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


def read_csv(content, file, label) -> CsvTable:
    """The table in the contents of a CSV file.

    The contents are UTF-8 text (a BOM, CRLF line endings, spaces around
    fields and blank lines are fine) with a header row, one label column and
    numeric feature columns; fields are split at every comma (no quoting).
    Labels that are all numbers are ordered by value, any other labels
    (words) as strings, and numbered 0 .. c-1 in that order; the numbers
    0 .. c-1 are thus their own class indices.

    Parameters
    ----------
    content : str or bytes-like
        The text of the file, or its bytes (decoded as UTF-8).
    file : str
        The file's name, used in messages.
    label : str
        Name of the label column; every other column is a feature.

    Returns
    -------
    CsvTable
        ``inputs`` N x d (d = columns - 1, in file order), ``labels`` N, the d
        feature names and the c class names.

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
    return CsvTable(inputs, labels, features, class_names)

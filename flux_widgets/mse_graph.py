"""``MSEGraphPlotter``: the cost curve of training, as the seed's ``plotMSEvsIterations`` draws it.

``plotMSEvsIterations`` returns one kind of object wherever it runs, an
:class:`MSEChart`: the finite points of the curve, which draws itself.

- In Jupyter it shows as a picture: its ``image/svg+xml`` representation is the
  SVG chart this module draws (:func:`svg_chart`). Every front end shows it,
  with or without the widget libraries installed, and a saved lesson keeps it.
- Elsewhere it is text: ``str(chart)`` and its ``text/plain`` representation are
  the ASCII chart, which the plotter also prints when it runs outside a Jupyter
  kernel (a script, a terminal), as the seed's plotter draws when it is called.
- ``path=`` also writes the SVG chart to a file.

This module is part of the engine: it needs numpy only and imports no widget
module, not even lazily. The interactive chart, the panel's cost chart, lives on
the widgets' side (:class:`flux_widgets.widgets.charts.CostChart`) and imports
the data preparation from here (:func:`mse_series`, :func:`downsample`,
:func:`uses_log_scale`, :func:`ticks`, :data:`TITLE`): data flows from the engine
to the views, never back.

The plotter never raises: like the seed's, it must not crash the script that
trains the network. Unusable input is reported in one printed line.
"""

from __future__ import annotations

import math
import os
import sys
import numpy as np

from . import palette
from .checks import whole_number
from .errors import ConfigurationError, DataError
from .svg import document, escape

__all__ = ["MSEGraphPlotter", "MSEChart", "mse_series", "downsample", "decades",
           "uses_log_scale", "ticks", "svg_chart", "LOG_SCALE_DECADES", "TITLE"]

LOG_SCALE_DECADES = 2
MAX_CHART_SIZE = 1000  # characters, for the width and the height of the ASCII chart
TITLE = "MSE vs iterations"
_SVG_BUCKETS = 1000  # an SVG polyline keeps at most 2 points per bucket
_SVG_WIDTH, _SVG_HEIGHT = 640, 400
_SVG_MARGIN = {"left": 75, "right": 25, "top": 40, "bottom": 55}


def mse_series(mse_values, iteration_points):
    """The finite points of an MSE curve as float arrays, in iteration order.

    Returns ``(iterations, mse, skipped)``: ``skipped`` counts the points
    dropped because the value or the iteration is ``nan`` or ``inf``.
    Raises :class:`DataError` for non-numeric input or lengths that differ.
    """
    message = "mse_values and iteration_points must be sequences of numbers"
    try:
        mse = np.asarray(mse_values, dtype=np.float64)
        iterations = np.asarray(iteration_points, dtype=np.float64)
    except (TypeError, ValueError):
        raise DataError(message) from None
    if mse.ndim == 0 or iterations.ndim == 0:
        raise DataError(message)
    if mse.ndim != 1 or iterations.ndim != 1:
        raise DataError(f"{message} (1-D), got shapes {mse.shape} and {iterations.shape}")
    if len(mse) != len(iterations):
        raise DataError(f"mse_values has {len(mse)} numbers but iteration_points has "
                        f"{len(iterations)}; give one iteration point per value")
    finite = np.isfinite(mse) & np.isfinite(iterations)
    skipped = len(mse) - int(np.count_nonzero(finite))
    mse, iterations = mse[finite], iterations[finite]
    if np.any(np.diff(iterations) < 0):
        order = np.argsort(iterations, kind="stable")
        mse, iterations = mse[order], iterations[order]
    return iterations, mse, skipped


def downsample(x, y, buckets):
    """At most ``2 · buckets + 2`` points of ``(x, y)`` that draw the same curve.

    The points are cut into ``buckets`` runs of equal length; each run keeps
    its lowest and highest point, so every spike survives. The first and last
    points are always kept. Short series are returned as they are.
    """
    count = len(y)
    if count <= 2 * buckets + 2:
        return x, y
    size = -(-count // buckets)
    runs = np.pad(y, (0, -count % size), mode="edge").reshape(-1, size)
    starts = np.arange(len(runs)) * size
    # argmin/argmax return the first occurrence, never the padding after the last point.
    keep = np.unique(np.concatenate([[0, count - 1], starts + runs.argmin(axis=1),
                                     starts + runs.argmax(axis=1)]))
    return x[keep], y[keep]


def decades(mse):
    """How many powers of ten the positive values ``mse`` span (0 if any is ≤ 0 or none given)."""
    if len(mse) == 0 or mse.min() <= 0:
        return 0.0
    return math.log10(mse.max()) - math.log10(mse.min())


def uses_log_scale(mse):
    """Whether the MSE axis should be logarithmic: the values span more than 2 decades."""
    return decades(mse) > LOG_SCALE_DECADES


class MSEChart:
    """The cost curve as ``plotMSEvsIterations`` returns it: its points, drawn as text or SVG.

    Parameters
    ----------
    mse_values, iteration_points : sequences of numbers of equal length
        What ``Learn`` returns. Points with ``nan`` or ``inf`` are left out
        (``skipped`` counts them); the rest are put in iteration order.
    width, height : int
        Size of the ASCII chart's plot area in characters, from 1 to 1000
        (raised to at least 10 x 3).

    Attributes
    ----------
    iterations, mse : numpy.ndarray, shape (n,)
        The finite points, ``n ≥ 1``, iterations increasing.
    skipped : int
        How many points were left out.

    Raises :class:`DataError` when nothing can be plotted and
    :class:`ConfigurationError` for a bad size.
    """

    def __init__(self, mse_values, iteration_points, width=60, height=15):
        self.iterations, self.mse, self.skipped = mse_series(mse_values, iteration_points)
        if len(self.mse) == 0:
            raise DataError("every point has nan or inf" if self.skipped
                            else "no MSE values were given")
        self.width, self.height = _chart_size(width, height)

    @property
    def log_scale(self):
        """Whether the MSE axis is logarithmic: the values span more than 2 decades."""
        return uses_log_scale(self.mse)

    def text(self):
        """The ASCII chart: the curve as ``*`` on a ``width`` x ``height`` grid, with axes."""
        return _ascii_chart(self.iterations, self.mse, self.width, self.height)

    __str__ = text

    def svg(self):
        """The standalone SVG chart (:func:`svg_chart`)."""
        return svg_chart(self.iterations, self.mse)

    def _repr_mimebundle_(self, include=None, exclude=None):
        """What Jupyter shows: the SVG chart, with the ASCII chart as its plain-text form."""
        return {"text/plain": self.text(), "image/svg+xml": self.svg()}

    def __repr__(self):
        scale = "log" if self.log_scale else "linear"
        return (f"<MSEChart: {len(self.mse)} points, iterations {_number(self.iterations[0])}"
                f" to {_number(self.iterations[-1])}, MSE {_number(self.mse[0])} to "
                f"{_number(self.mse[-1])}, {scale} scale>")


class MSEGraphPlotter:
    """The seed's ``MSEGraphPlotter``: plot the cost against the iterations."""

    @staticmethod
    def plotMSEvsIterations(mse_values, iteration_points, path=None, width=60, height=15):
        """Plot MSE against iterations; return the chart (``None`` if nothing can be plotted).

        Parameters
        ----------
        mse_values, iteration_points : sequences of numbers of equal length
            What ``Learn`` returns. Points with ``nan`` or ``inf`` are skipped
            (with a printed note).
        path : str or path-like, optional
            Also save the curve as a standalone SVG file there.
        width, height : int
            Size of the ASCII chart in characters (plot area).

        Returns
        -------
        MSEChart
            The same object wherever it runs. In a Jupyter notebook it shows as
            the SVG chart; elsewhere its ASCII chart is printed, and
            ``str(chart)`` gives it. The MSE axis is logarithmic when the values
            span more than 2 decades.
        None
            When nothing can be plotted; the reason is printed.
        """
        try:
            chart = MSEChart(mse_values, iteration_points, width, height)
            if path is not None and not isinstance(path, (str, os.PathLike)):
                raise DataError(f"path must be a file path such as 'mse.svg', got {path!r}")
        except (DataError, ConfigurationError) as error:
            print(f"MSEGraphPlotter: {error}; nothing plotted.")
            return None
        if chart.skipped:
            print(f"MSEGraphPlotter: skipped {chart.skipped} point(s) with nan or inf.")
        if not _in_notebook():
            print(chart)
        if path is not None:
            _save_svg(path, chart)
        return chart

    plot_mse_vs_iterations = plotMSEvsIterations


def _chart_size(width, height):
    """``(width, height)`` of the ASCII chart: whole numbers, raised to 10 x 3, at most 1000."""
    width, height = (whole_number(value, name, 1, MAX_CHART_SIZE)
                     for name, value in (("width", width), ("height", height)))
    return max(width, 10), max(height, 3)


def _in_notebook():
    """Whether this runs in a Jupyter kernel, which shows the returned chart itself
    (found without importing IPython if nobody has)."""
    get_ipython = getattr(sys.modules.get("IPython"), "get_ipython", None)
    return get_ipython is not None and type(get_ipython()).__name__ == "ZMQInteractiveShell"


def _title(mse, label="MSE"):
    """The chart's title: ``"MSE vs iterations"`` (``label`` in place of MSE), with a note
    on a log scale."""
    title, span = TITLE.replace("MSE", label), decades(mse)
    if span > LOG_SCALE_DECADES:
        return f"{title} (log scale: the {label} spans {span:.1f} decades)"
    return title


def _number(value):
    """An iteration or MSE label: whole numbers in full, others to 4 significant digits."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.4g}"


def _scaled(mse):
    """The plotted MSE (its log10 on a log scale) and its lowest and highest value."""
    plotted = np.log10(mse) if uses_log_scale(mse) else mse
    return plotted, plotted.min(), plotted.max()


def _positions(values, low, high, length):
    """Map ``values`` in ``[low, high]`` to whole positions ``0 … length − 1`` (middle if flat)."""
    if high == low:
        return np.full(len(values), (length - 1) // 2)
    return np.rint((values - low) / (high - low) * (length - 1)).astype(int)


def _ascii_chart(iterations, mse, width, height):
    """The curve as ``*`` on a ``width`` x ``height`` grid, with its axes and labels."""
    plotted, low, high = _scaled(mse)
    x, y = downsample(iterations, plotted, 2 * width)
    columns = _positions(x, iterations[0], iterations[-1], width)
    rows = height - 1 - _positions(y, low, high, height)  # row 0 is the top

    top, bottom = np.full(width, height), np.full(width, -1)
    np.minimum.at(top, columns, rows)
    np.maximum.at(bottom, columns, rows)
    filled = np.flatnonzero(bottom >= 0)
    # Columns between two points get the straight line joining them.
    between = np.rint(np.interp(np.arange(width), filled,
                                (top[filled] + bottom[filled]) / 2)).astype(int)
    top = np.where(bottom >= 0, top, between)
    bottom = np.where(bottom >= 0, bottom, between)

    grid = [[" "] * width for _ in range(height)]
    for column in range(filled[0], filled[-1] + 1):
        first, last = top[column], bottom[column]
        if column > filled[0]:  # a vertical stroke joins the previous column
            first = min(first, bottom[column - 1] + 1)
            last = max(last, top[column - 1] - 1)
        for row in range(first, last + 1):
            grid[row][column] = "*"

    if high == low:
        labels = {rows[0]: _number(mse[0])}
    else:
        middle = (height - 1) // 2
        value = low + (height - 1 - middle) / (height - 1) * (high - low)
        labels = {0: _number(mse.max()), height - 1: _number(mse.min()),
                  middle: _number(10 ** value if uses_log_scale(mse) else value)}
    gutter = max(len(label) for label in labels.values())
    first_x, last_x = _number(iterations[0]), _number(iterations[-1])
    lines = [_title(mse)]
    lines += [f"{labels.get(row, ''):>{gutter}} |{''.join(grid[row])}".rstrip()
              for row in range(height)]
    lines.append(f"{'':>{gutter}} +{'-' * width}")
    lines.append(f"{'':>{gutter}}  {first_x}{last_x:>{width - len(first_x)}}")
    lines.append(f"{'':>{gutter}}  {'iteration':^{width}}".rstrip())
    return "\n".join(lines)


def ticks(low, high, log=False, most=6, smallest_step=0):
    """Round values from ``low`` to ``high`` for the ticks of an axis, at most ``most`` of them.

    On a linear axis they are the multiples of the smallest step 1, 2 or 5 times a power
    of ten (and at least ``smallest_step``: 1 keeps iterations whole) that gives at most
    ``most`` ticks. On a log axis (``low`` > 0) they are powers of ten, every second or
    further one over a wide range; a log range holding fewer than 2 powers of ten gets the
    linear ticks. ``low == high`` gets that one value.
    """
    if high == low:
        return [float(low)]
    if log and low > 0:
        first = math.ceil(math.log10(low) - 1e-9)
        last = math.floor(math.log10(high) + 1e-9)
        if last > first:
            every = max(1, math.ceil((last - first) / (most - 1)))  # keep every k-th power
            return [float(f"1e{power}") for power in range(-(-first // every) * every,
                                                          last + 1, every)]
    for factor, power in _round_steps(max((high - low) / most, smallest_step)):
        step = factor * 10.0 ** power
        first = math.ceil(low / step - 1e-9)
        last = math.floor(high / step + 1e-9)
        if step >= smallest_step and last - first + 1 <= most:
            # n · factor / 10^k rather than n · step: 0.3, not 0.30000000000000004
            return [float(n * factor * 10 ** power if power >= 0 else n * factor / 10 ** -power)
                    for n in range(first, last + 1)]


def _round_steps(start):
    """``(factor, power)`` of the steps 1, 2, 5, 10, 20, … times the power of ten at or
    below ``start``, smallest first, without end."""
    power = math.floor(math.log10(start))
    while True:
        for factor in (1, 2, 5):
            yield factor, power
        power += 1


def svg_chart(iterations, mse, label="MSE"):
    """A standalone SVG line chart of the (finite, sorted) curve: axes, ticks, labels, line.

    ``iterations`` and ``mse`` are float arrays of shape (n,), n ≥ 1 (as
    :func:`mse_series` returns them); ``label`` names the cost (``"MSE"``,
    ``"cross-entropy"``) in the title, the axis and the text alternative."""
    log = uses_log_scale(mse)
    plotted, low, high = _scaled(mse)
    x, y = downsample(iterations, plotted, _SVG_BUCKETS)
    m = _SVG_MARGIN
    left, right = m["left"], _SVG_WIDTH - m["right"]
    top, bottom = m["top"], _SVG_HEIGHT - m["bottom"]
    x_low, x_high = iterations[0], iterations[-1]

    def to_x(value):
        share = 0.5 if x_high == x_low else (value - x_low) / (x_high - x_low)
        return left + share * (right - left)

    def to_y(value):
        share = 0.5 if high == low else (value - low) / (high - low)
        return bottom - share * (bottom - top)

    parts = [
        f'<text x="{_SVG_WIDTH / 2}" y="24" text-anchor="middle" font-size="15">'
        f'{escape(_title(mse, label))}</text>',
        f'<g stroke="#333"><line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}"/>'
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}"/></g>',
    ]
    for tick in ticks(x_low, x_high, smallest_step=1):
        px = to_x(tick)
        parts.append(f'<line x1="{px:.1f}" y1="{bottom}" x2="{px:.1f}" y2="{bottom + 5}" '
                     f'stroke="#333"/><text x="{px:.1f}" y="{bottom + 18}" '
                     f'text-anchor="middle">{_number(tick)}</text>')
    for tick in ticks(mse.min(), mse.max(), log):
        py = to_y(math.log10(tick) if log else tick)
        parts.append(f'<line x1="{left - 5}" y1="{py:.1f}" x2="{left}" y2="{py:.1f}" '
                     f'stroke="#333"/><text x="{left - 8}" y="{py + 4:.1f}" '
                     f'text-anchor="end">{_number(tick)}</text>')
    points = " ".join(f"{to_x(a):.1f},{to_y(b):.1f}" for a, b in zip(x, y))
    parts += [
        f'<polyline fill="none" stroke="{palette.CURVE}" stroke-width="1.5" points="{points}"/>',
        f'<text x="{(left + right) / 2}" y="{_SVG_HEIGHT - 12}" text-anchor="middle">'
        'iteration</text>',
        f'<text x="18" y="{(top + bottom) / 2}" text-anchor="middle" '
        f'transform="rotate(-90 18 {(top + bottom) / 2})">{escape(label)}</text>',
    ]
    said = (f"{_title(mse, label)}: {len(mse)} points, from iteration {_number(x_low)} to "
            f"{_number(x_high)}; {label} from {_number(mse[0])} to {_number(mse[-1])}, lowest "
            f"{_number(mse.min())}.")
    return document(_SVG_WIDTH, _SVG_HEIGHT, parts, said)


def _save_svg(path, chart):
    """Write the SVG of :class:`MSEChart` ``chart`` to ``path`` and say where; report
    (never raise) a failure."""
    try:
        with open(path, "w", encoding="utf-8") as file:
            file.write(chart.svg())
    except OSError as error:
        print(f"MSEGraphPlotter: could not write the SVG chart to {path}: {error}")
        return
    print(f"MSEGraphPlotter: SVG chart written to {path}")

"""``MSEGraphPlotter``: the cost curve of training, as the seed's ``plotMSEvsIterations`` draws it.

In a terminal (or any plain script) the curve is printed as an ASCII chart and,
on request, saved as a standalone SVG file. In a Jupyter notebook with bqplot
installed it becomes a bqplot figure (``flux_widgets.widgets.charts``),
imported only then: this module itself needs numpy only.

The plotter never raises: like the seed's, it must not crash the script that
trains the network. Unusable input is reported in one printed line.
"""

from __future__ import annotations

import importlib.util
import math
import os
import sys
from xml.sax.saxutils import escape

import numpy as np

from .checks import whole_number
from .errors import ConfigurationError, DataError

__all__ = ["MSEGraphPlotter", "mse_series", "downsample", "decades", "uses_log_scale",
           "svg_chart", "LOG_SCALE_DECADES"]

LOG_SCALE_DECADES = 2
MAX_CHART_SIZE = 1000  # characters, for the width and the height of the ASCII chart
_TITLE = "MSE vs iterations"
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


class MSEGraphPlotter:
    """The seed's ``MSEGraphPlotter``: plot the cost against the iterations."""

    @staticmethod
    def plotMSEvsIterations(mse_values, iteration_points, path=None, width=60, height=15):
        """Plot MSE against iterations; return the chart, or ``None`` if nothing can be plotted.

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
        bqplot.Figure
            In a Jupyter notebook with bqplot installed.
        str
            Otherwise: the ASCII chart, which is also printed. Its MSE axis is
            logarithmic when the values span more than 2 decades.
        """
        try:
            iterations, mse, skipped = mse_series(mse_values, iteration_points)
            width, height = _chart_size(width, height)
            if path is not None and not isinstance(path, (str, os.PathLike)):
                raise DataError(f"path must be a file path such as 'mse.svg', got {path!r}")
        except (DataError, ConfigurationError) as error:
            print(f"MSEGraphPlotter: {error}; nothing plotted.")
            return None
        if skipped:
            print(f"MSEGraphPlotter: skipped {skipped} point(s) with nan or inf.")
        if len(mse) == 0:
            reason = "every point has nan or inf" if skipped else "no MSE values were given"
            print(f"MSEGraphPlotter: {reason}; nothing plotted.")
            return None

        if _in_notebook() and importlib.util.find_spec("bqplot") is not None:
            from .widgets.charts import mse_figure
            chart = mse_figure(mse, iterations)
        else:
            chart = _ascii_chart(iterations, mse, width, height)
            print(chart)
        if path is not None:
            _save_svg(path, iterations, mse)
        return chart

    plot_mse_vs_iterations = plotMSEvsIterations


def _chart_size(width, height):
    """``(width, height)`` of the ASCII chart: whole numbers, raised to 10 x 3, at most 1000."""
    width, height = (whole_number(value, name, 1, MAX_CHART_SIZE)
                     for name, value in (("width", width), ("height", height)))
    return max(width, 10), max(height, 3)


def _in_notebook():
    """Whether this runs in a Jupyter kernel (without importing IPython if nobody has)."""
    get_ipython = getattr(sys.modules.get("IPython"), "get_ipython", None)
    return get_ipython is not None and type(get_ipython()).__name__ == "ZMQInteractiveShell"


def _title(mse):
    span = decades(mse)
    if span > LOG_SCALE_DECADES:
        return f"{_TITLE} (log scale: the MSE spans {span:.1f} decades)"
    return _TITLE


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


def _ticks(low, high, log):
    """Tick positions on the plotted scale: every power of ten on a log scale, else round steps.

    A linear scale gets about five ticks 1, 2 or 5 times a power of ten apart.
    """
    if high == low:
        return [low]
    if log:
        return list(range(math.ceil(low), math.floor(high) + 1))
    rough = (high - low) / 4
    power = 10.0 ** math.floor(math.log10(rough))
    step = next(factor * power for factor in (1, 2, 5, 10) if factor * power >= rough)
    return list(np.arange(math.ceil(low / step), math.floor(high / step) + 1) * step)


def svg_chart(iterations, mse):
    """A standalone SVG line chart of the (finite, sorted) curve: axes, ticks, labels, line."""
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
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_SVG_WIDTH}" height="{_SVG_HEIGHT}" '
        f'viewBox="0 0 {_SVG_WIDTH} {_SVG_HEIGHT}" font-family="sans-serif" font-size="12">',
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="{_SVG_WIDTH / 2}" y="24" text-anchor="middle" font-size="15">'
        f'{escape(_title(mse))}</text>',
        f'<g stroke="#333"><line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}"/>'
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}"/></g>',
    ]
    for tick in _ticks(x_low, x_high, log=False):
        px = to_x(tick)
        parts.append(f'<line x1="{px:.1f}" y1="{bottom}" x2="{px:.1f}" y2="{bottom + 5}" '
                     f'stroke="#333"/><text x="{px:.1f}" y="{bottom + 18}" '
                     f'text-anchor="middle">{_number(tick)}</text>')
    for tick in _ticks(low, high, log):
        py = to_y(tick)
        label = _number(10.0 ** tick if log else tick)
        parts.append(f'<line x1="{left - 5}" y1="{py:.1f}" x2="{left}" y2="{py:.1f}" '
                     f'stroke="#333"/><text x="{left - 8}" y="{py + 4:.1f}" '
                     f'text-anchor="end">{label}</text>')
    points = " ".join(f"{to_x(a):.1f},{to_y(b):.1f}" for a, b in zip(x, y))
    parts += [
        f'<polyline fill="none" stroke="#1f77b4" stroke-width="1.5" points="{points}"/>',
        f'<text x="{(left + right) / 2}" y="{_SVG_HEIGHT - 12}" text-anchor="middle">'
        'iteration</text>',
        f'<text x="18" y="{(top + bottom) / 2}" text-anchor="middle" '
        f'transform="rotate(-90 18 {(top + bottom) / 2})">MSE</text>',
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


def _save_svg(path, iterations, mse):
    """Write :func:`svg_chart` to ``path`` and say where; report (never raise) a failure."""
    try:
        with open(path, "w", encoding="utf-8") as file:
            file.write(svg_chart(iterations, mse))
    except OSError as error:
        print(f"MSEGraphPlotter: could not write the SVG chart to {path}: {error}")
        return
    print(f"MSEGraphPlotter: SVG chart written to {path}")

"""bqplot charts: the MSE curve of training, made once and then updated in place."""

from __future__ import annotations

import bqplot as bq

from ..mse_graph import downsample, mse_series, uses_log_scale

__all__ = ["mse_figure", "update_mse_figure", "MAX_POINTS"]

MAX_POINTS = 2000  # longer curves are downsampled (each run keeps its lowest and highest MSE)


def _points(mse_values, iteration_points):
    """The finite points of the curve, at most about ``MAX_POINTS`` of them."""
    iterations, mse, _ = mse_series(mse_values, iteration_points)
    return downsample(iterations, mse, MAX_POINTS // 2)


def mse_figure(mse_values, iteration_points, title="MSE vs iterations"):
    """A ``bqplot.Figure`` with one ``Lines`` mark: MSE against iteration.

    The MSE axis is logarithmic when the values span more than 2 decades,
    linear otherwise; the choice is made here, once. Points with ``nan`` or
    ``inf`` are left out. Raises :class:`flux_widgets.errors.DataError` for
    non-numeric values or lengths that differ.
    """
    iterations, mse = _points(mse_values, iteration_points)
    x_scale = bq.LinearScale()
    y_scale = bq.LogScale() if uses_log_scale(mse) else bq.LinearScale()
    line = bq.Lines(x=iterations, y=mse, scales={"x": x_scale, "y": y_scale})
    axes = [bq.Axis(scale=x_scale, label="iteration"),
            bq.Axis(scale=y_scale, label="MSE", side="left")]
    return bq.Figure(marks=[line], axes=axes, title=title)


def update_mse_figure(figure, mse_values, iteration_points):
    """Give the ``Lines`` mark of a :func:`mse_figure` new data, sent as one update.

    The figure, its mark and its scales stay the same objects, so a displayed
    figure redraws in place.
    """
    iterations, mse = _points(mse_values, iteration_points)
    line = figure.marks[0]
    with line.hold_sync():
        line.x = iterations
        line.y = mse

"""The panel's cost chart: the stepper's MSE curve as a bqplot figure, updated in place.

:class:`CostChart` is a :class:`~flux_widgets.widgets.view.View`. It reads
``stepper.mse_values`` and ``stepper.iteration_points`` (the curve the stepper keeps,
see :class:`~flux_widgets.stepper.Stepper`) and prepares them with the engine's
functions (:mod:`flux_widgets.mse_graph`): points with ``nan`` or ``inf`` left out,
long curves downsampled, a log scale over more than 2 decades. It computes nothing
else. The seed's plotter (``MSEGraphPlotter.plotMSEvsIterations``) draws itself
without this module, as SVG or text.
"""

from __future__ import annotations

import bqplot as bq
import ipywidgets as widgets

from .. import palette
from ..mse_graph import TITLE, downsample, mse_series, uses_log_scale
from .closing import close_widgets
from .view import View

__all__ = ["CostChart", "MAX_POINTS"]

MAX_POINTS = 2000  # longer curves are downsampled (each run keeps its lowest and highest MSE)


def _points(mse_values, iteration_points):
    """The finite points of the curve, at most about ``MAX_POINTS`` of them, and whether
    their MSE spans more than 2 decades (a log scale): ``(iterations, mse, log)``."""
    iterations, mse, _ = mse_series(mse_values, iteration_points)
    return (*downsample(iterations, mse, MAX_POINTS // 2), uses_log_scale(mse))


def _line_and_axes(iterations, mse, log, x_scale):
    """A ``Lines`` mark of MSE against iteration, on ``x_scale`` and a new linear or log
    MSE scale, and its two axes ``[iteration, MSE]``."""
    y_scale = bq.LogScale() if log else bq.LinearScale()
    line = bq.Lines(x=iterations, y=mse, scales={"x": x_scale, "y": y_scale},
                    colors=[palette.CURVE])
    return line, [bq.Axis(scale=x_scale, label="iteration"),
                  bq.Axis(scale=y_scale, label="MSE", side="left")]


class CostChart(View):
    """The cost chart of the panel: MSE against iteration, for the network on screen.

    ``widget`` is one ``bqplot.Figure`` (``width`` x ``height``, 400px x 260px unless
    given) for the panel's life; ``line`` is its ``Lines`` mark. A change of the curve
    gives the mark new data, sent as one update.

    The MSE axis is logarithmic while the curve shown spans more than 2 decades, as
    in the seed's plotter. The choice is made for each curve shown, starting again
    at :meth:`network_replaced`; it flips only when the curve crosses 2 decades
    (training past it, a step back before it). A flip replaces the mark and the MSE
    axis inside the same figure.
    """

    def __init__(self, width="400px", height="260px"):
        self._x_scale = bq.LinearScale()
        line, axes = _line_and_axes([], [], False, self._x_scale)
        self.widget = bq.Figure(marks=[line], axes=axes, title=TITLE,
                                layout=widgets.Layout(width=width, height=height))
        self._shown = None  # what identifies the curve on screen (see _show)

    @property
    def line(self):
        """The ``Lines`` mark of the curve."""
        return self.widget.marks[0]

    @property
    def log_scale(self):
        """Whether the MSE axis is logarithmic now."""
        return isinstance(self.line.scales["y"], bq.LogScale)

    def network_replaced(self, stepper):
        """Show the curve of ``stepper`` (usually empty) from scratch, scale chosen again."""
        self._shown = None
        self._show(stepper)

    def step_happened(self, change):
        """Redraw if the curve changed (a step that completed an iteration, a step back,
        a reset, training); a step inside an iteration sends nothing."""
        self._show(change.stepper)

    def _show(self, stepper):
        # The stepper only appends to its curve, thins it or cuts its end (a step back),
        # so its length and last point tell whether it changed since it was shown.
        shown = (len(stepper.mse_values), stepper.iteration_points[-1:], stepper.mse_values[-1:])
        if shown == self._shown:
            return
        self._shown = shown
        iterations, mse, log = _points(stepper.mse_values, stepper.iteration_points)
        if log == self.log_scale:
            with self.line.hold_sync():
                self.line.x, self.line.y = iterations, mse
            return
        old = [self.line, self.widget.axes[1]]
        line, axes = _line_and_axes(iterations, mse, log, self._x_scale)
        with self.widget.hold_sync():
            self.widget.marks, self.widget.axes = [line], axes
        close_widgets(old, keep=[self.widget])


# ---- until the panel holds a CostChart (issue 13) ----------------------------


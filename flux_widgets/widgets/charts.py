"""The panel's cost chart: the stepper's MSE curve as a bqplot figure, updated in place.

:class:`CostChart` is a :class:`~flux_widgets.widgets.view.View`. It reads
``stepper.cost_values`` and ``stepper.iteration_points`` (the curve the stepper keeps,
see :class:`~flux_widgets.stepper.Stepper`) and prepares them with the engine's
functions (:mod:`flux_widgets.mse_graph`): points with ``nan`` or ``inf`` left out,
long curves downsampled, a log scale over more than 2 decades, round tick values. It
computes nothing else. The seed's plotter (``MSEGraphPlotter.plotMSEvsIterations``)
draws itself without this module, as SVG or text.
"""

from __future__ import annotations

import bqplot as bq
import ipywidgets as widgets
import numpy as np

from .. import palette
from ..mse_graph import TITLE, downsample, mse_series, ticks, uses_log_scale
from .closing import close_widgets
from .view import View

__all__ = ["CostChart", "MAX_POINTS", "MSE_AXES", "NO_COST_YET", "TYPE_SIZES"]

MAX_POINTS = 2000  # longer curves are downsampled (each run keeps its lowest and highest MSE)
MSE_AXES = ("auto", "linear", "log")  # the choices of the MSE axis switch
NO_COST_YET = ("no cost yet:", "a point appears as each iteration ends")  # an empty chart's note
# d3 formats of the tick labels: 20k, 1.5M on the iteration axis; 1e-3 on a log MSE axis
ITERATION_FORMAT, LINEAR_FORMAT, LOG_FORMAT = "~s", "~g", "~e"
# for ordinary type and for large type (16 px ticks, the panel's presentation mode): the
# margin around the plot (pixels; bqplot's is 60 each) and the MSE label's distance from
# its axis, clear of the tick labels (bqplot's: 4ex)
TYPE_SIZES = {"ordinary": ({"top": 60, "bottom": 60, "left": 60, "right": 60}, "6ex"),
              "large": ({"top": 50, "bottom": 70, "left": 120, "right": 40}, "100px")}


def _points(mse_values, iteration_points):
    """The finite points of the curve, at most about ``MAX_POINTS`` of them:
    ``(iterations, mse)``."""
    iterations, mse, _ = mse_series(mse_values, iteration_points)
    return downsample(iterations, mse, MAX_POINTS // 2)


def _uses_log_axis(choice, mse):
    """Whether the MSE axis is logarithmic for the switch's ``choice``: over more than 2
    decades for ``"auto"``; never for a curve holding an MSE of 0, which a log axis
    cannot show."""
    if choice == "auto":
        return uses_log_scale(mse)
    return choice == "log" and not np.any(mse <= 0)


def _x_range(iterations):
    """``(min, max)`` of the iteration scale: the curve's first and last iteration, one
    either side of a single point, 0 to 1 for no point."""
    if len(iterations) == 0:
        return 0.0, 1.0
    first, last = float(iterations[0]), float(iterations[-1])
    return (first - 1, last + 1) if first == last else (first, last)


def _tick_traits(values):
    """The traits of an axis that show the ``values`` as its ticks; no tick at all (not
    d3's own) for none."""
    return {"tick_values": values, "num_ticks": None if values else 0}


def _set(widget, traits):
    """Give ``widget`` the ``traits`` (a dict), sent as one update."""
    with widget.hold_sync():
        for name, value in traits.items():
            setattr(widget, name, value)


def _line_and_axis(data, log, x_scale, y_ticks, label_offset, label="MSE"):
    """A ``Lines`` mark of the ``data`` (its traits) on ``x_scale`` and a new linear or log
    cost scale, and the cost axis of that scale (named ``label``) with the traits
    ``y_ticks``."""
    axis = bq.Axis(scale=bq.LogScale() if log else bq.LinearScale(), label=label,
                   side="left", tick_format=LOG_FORMAT if log else LINEAR_FORMAT,
                   label_offset=label_offset, **y_ticks)
    line = bq.Lines(**data, scales={"x": x_scale, "y": axis.scale}, colors=[palette.CURVE])
    return line, axis


class CostChart(View):
    """The cost chart of the panel: MSE against iteration, for the network on screen.

    ``figure`` is one ``bqplot.Figure`` (``width`` x ``height``, 400px x 260px unless
    given) for the panel's life; ``line`` is its ``Lines`` mark. ``log_switch`` chooses
    the MSE axis (``"auto"``, ``"linear"`` or ``"log"``). ``widget`` holds the figure with
    the switch under it. A change of the curve gives the mark new data, sent as one update.

    The iteration axis spans the curve shown, with at most 6 round ticks (``20k``,
    ``1.5M``); the MSE axis likewise, powers of ten on a log axis. An empty chart has no
    ticks and says that no cost was computed yet.

    With the switch on ``"auto"`` the MSE axis is logarithmic while the curve shown spans
    more than 2 decades, as in the seed's plotter. The choice is made for each curve
    shown; it flips only when the curve crosses 2 decades (training past it, a step back
    before it) or the switch is moved. A flip replaces the mark and the MSE axis inside
    the same figure.
    """

    def __init__(self, width="400px", height="260px"):
        self._x_scale = bq.LinearScale()
        self._x_axis = bq.Axis(scale=self._x_scale, label="iteration",
                               tick_format=ITERATION_FORMAT)
        self._note = bq.Label(x=[0.5, 0.5], y=[0.6, 0.4], text=list(NO_COST_YET),
                              align="middle", font_weight="normal", default_size=14,
                              colors=[palette.MUTED],
                              scales={"x": bq.LinearScale(min=0, max=1),
                                      "y": bq.LinearScale(min=0, max=1)})
        self._type_size = "ordinary"
        self._label = "MSE"   # the cost's name (its record's label): the axis and the title
        margin, label_offset = TYPE_SIZES[self._type_size]
        line, mse_axis = _line_and_axis({"x": [], "y": []}, False, self._x_scale,
                                        _tick_traits([]), label_offset)
        self.figure = bq.Figure(marks=[line, self._note], axes=[self._x_axis, mse_axis],
                                title=TITLE, fig_margin=dict(margin),
                                layout=widgets.Layout(width=width, height=height))
        self.log_switch = widgets.ToggleButtons(
            options=MSE_AXES, value="auto", description="MSE axis",
            tooltips=["log while the curve spans more than 2 decades",
                      "linear", "log (not for an MSE of 0)"],
            style={"button_width": "4.5em"})
        self.figure.add_class("flux-chart")
        self.widget = widgets.VBox([self.figure, self.log_switch])
        self._points = _points([], [])
        self._shown = None  # what identifies the curve on screen (see _show)
        self._draw()
        self.log_switch.observe(lambda _: self._draw(), "value")

    def resize(self, width, height, type_size="ordinary"):
        """Size the figure: CSS lengths, ``"400px"`` or of the screen's, ``"45vw"``, with
        room around the plot for tick labels of ``type_size`` (:data:`TYPE_SIZES`; the
        tick labels' type itself is the page's CSS). bqplot lays the figure out again once
        it is in view and its size has settled."""
        self._type_size = type_size
        margin, label_offset = TYPE_SIZES[type_size]
        with self.figure.layout.hold_sync():
            self.figure.layout.width, self.figure.layout.height = width, height
        self.figure.fig_margin = dict(margin)
        self.figure.axes[1].label_offset = label_offset

    @property
    def line(self):
        """The ``Lines`` mark of the curve."""
        return self.figure.marks[0]

    @property
    def log_scale(self):
        """Whether the MSE axis is logarithmic now."""
        return isinstance(self.line.scales["y"], bq.LogScale)

    def network_replaced(self, stepper):
        """Show the curve of ``stepper`` (usually empty) from scratch, scale chosen again,
        named for the network's cost (MSE, cross-entropy)."""
        label = stepper.cost_label
        if label != self._label:
            self._label = label
            with self.figure.hold_sync():
                self.figure.title = TITLE.replace("MSE", label)
                self.figure.axes[1].label = label
        self._shown = None
        self._show(stepper)

    def step_happened(self, change):
        """Redraw if the curve changed (a step that completed an iteration, a step back,
        a reset, training); a step inside an iteration sends nothing."""
        self._show(change.stepper)

    def _show(self, stepper):
        # The stepper only appends to its curve, thins it or cuts its end (a step back),
        # so its length and last point tell whether it changed since it was shown.
        shown = (len(stepper.cost_values), stepper.iteration_points[-1:], stepper.cost_values[-1:])
        if shown == self._shown:
            return
        self._shown = shown
        self._points = _points(stepper.cost_values, stepper.iteration_points)
        self._draw()

    def _draw(self):
        """Draw the points kept, on the MSE axis the switch chooses for them."""
        iterations, mse = self._points
        empty = len(mse) == 0
        log = _uses_log_axis(self.log_switch.value, mse)
        data = {"x": iterations, "y": mse, "marker": "circle" if len(mse) == 1 else None}
        y_ticks = _tick_traits([] if empty else ticks(mse.min(), mse.max(), log))
        if log == self.log_scale:
            _set(self.line, data)
            _set(self.figure.axes[1], y_ticks)
        else:
            old = [self.line, self.figure.axes[1]]
            line, mse_axis = _line_and_axis(data, log, self._x_scale, y_ticks,
                                            TYPE_SIZES[self._type_size][1], self._label)
            with self.figure.hold_sync():
                self.figure.marks, self.figure.axes = [line, self._note], [self._x_axis, mse_axis]
            close_widgets(old, keep=[self.widget])
        with self._x_scale.hold_sync():
            self._x_scale.min, self._x_scale.max = _x_range(iterations)
        _set(self._x_axis, _tick_traits(
            [] if empty else ticks(iterations[0], iterations[-1], smallest_step=1)))
        self._note.visible = empty

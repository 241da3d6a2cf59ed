"""The output map: a 2-feature network's output over the input plane, data points on top.

As in TensorFlow Playground, every point (x0, x1) of a square grid is fed to
the network and coloured by what comes out; the samples are drawn over it,
coloured by their class. The grid is computed with :func:`Predict`, so no
matrix of the network changes. The figure is built once; :meth:`OutputMap.update`
gives its heat map new colours in place. While the network holds a mini-batch, its
samples are drawn large with a black outline and the others faded
(:meth:`OutputMap.show_batch`): size and outline, not colour alone.
"""

from __future__ import annotations

import bqplot as bq
import ipywidgets as widgets
import numpy as np

from .. import palette
from ..checks import is_whole_number, whole_number
from ..errors import ConfigurationError, DataError
from ..layer import PARAMETER_NAMES
from ..network import Predict, predicted_class
from .closing import close_widgets
from .view import View

__all__ = ["OutputMap", "OutputMapView", "MAX_RESOLUTION"]

MAX_RESOLUTION = 200
PADDING = 0.1  # the grid reaches 10 % of the data's range beyond it on every side
# Class 0 orange, class 1 blue, as the diagram's negative and positive weights.
BINARY_COLORS = (palette.NEGATIVE, palette.POSITIVE)
MAP_COLORS = ("#ed8936", "#f7fafc", "#4299e1")  # low, middle, high output: lighter than points
CATEGORY_COLORS = palette.CATEGORIES
NON_FINITE_COLOR = palette.MUTED
BATCH_STYLE = {"stroke": "black", "stroke-width": 2.5, "opacity": 1}   # a mini-batch's samples
OTHERS_STYLE = {"opacity": 0.3}


def _extent(column):
    """The grid's ``(low, high)`` along one feature: the data's range padded by 10 %."""
    low, high = float(column.min()), float(column.max())
    pad = PADDING * (high - low) or 0.5
    return low - pad, high + pad


def _ticks(low, high, count):
    """At most ``count`` + 1 round values (1, 2 or 5 times a power of ten) from low to high."""
    span = high - low
    if not (np.isfinite(span) and span > 0):
        return [low, high]
    step = 10.0 ** np.floor(np.log10(span / count))
    step *= next(m for m in (1, 2, 5, 10) if span / (step * m) <= count)
    ticks = np.arange(np.ceil(low / step), np.floor(high / step) + 1) * step
    return (np.round(ticks, max(0, int(-np.floor(np.log10(step))))) + 0.0).tolist()  # no -0


class OutputMap:
    """A bqplot heat map of one output (or the predicted class) of a 2-input network.

    Parameters
    ----------
    network : Neural_Layer_Information
        A formed network with ``layers_vector[0] == 2`` inputs and k outputs.
    inputs : array-like, N x 2
        The samples drawn as points (usually ``network.inputMatrix``); they fix the grid's extent.
    labels : array-like, N
        The class index (0, 1, ...) of each sample (``Dataset.labels``); colours the points.
    resolution : int
        R, grid points per axis (2 .. ``MAX_RESOLUTION``); the map has R x R cells.
    output : int or "class"
        The output neuron j whose value ``y[:, j]`` is shown, or ``"class"``: the predicted
        class, ``argmax_j y`` for k > 1 outputs and ``y > 0.5`` for one (as ``accuracy``).
    feature_names : pair of str, optional
        The axis labels; ``("x0", "x1")`` by default (as the diagram names the inputs).

    Attributes
    ----------
    figure : bqplot.Figure
        The view to display; the same object for the map's whole life.
    grid_x, grid_y : ndarray, R
        The grid's coordinates along input 0 and input 1 (columns of ``inputs``).
    values : ndarray, R x R
        What :meth:`update` computed: ``values[i, j]`` belongs to ``(grid_x[j], grid_y[i])``;
        ``nan`` where the output is not finite.
    note : str
        ``""``, or a sentence saying how many grid points have non-finite outputs.
    points : bqplot.Scatter
        The samples.
    marked : list of int or None
        The samples marked as the mini-batch held (:meth:`show_batch`).
    """

    def __init__(self, network, inputs, labels, *, resolution=40, output=0,
                 feature_names=("x0", "x1")):
        resolution = whole_number(resolution, "resolution", 2, MAX_RESOLUTION)  # points per axis
        inputs, labels = np.asarray(inputs, dtype=np.float64), np.asarray(labels)
        if inputs.ndim != 2 or inputs.shape[1] != 2 or not len(inputs) \
                or not np.isfinite(inputs).all():
            raise DataError(f"inputs must be N x 2 finite numbers, N ≥ 1; got {inputs.shape}")
        if (labels.shape != (len(inputs),) or not np.issubdtype(labels.dtype, np.integer)
                or (labels < 0).any()):
            raise DataError(f"labels must be {len(inputs)} class indices 0, 1, ... (one per "
                            f"row of inputs), got shape {labels.shape} of {labels.dtype}")
        features, *_, k = network.layers_vector
        if features != 2:
            raise ConfigurationError(f"the output map needs a network with 2 input features "
                                     f"(a plane to colour), this one has {features}")
        if output != "class" and not (is_whole_number(output) and 0 <= output < k):
            raise ConfigurationError(f"output must be an output neuron 0 .. {k - 1} or "
                                     f"'class', got {output!r}")
        self.network, self.output, self.marked = network, output, None
        self.grid_x, self.grid_y = (np.linspace(*_extent(x), resolution) for x in inputs.T)
        # R² x 2: every grid point as one row, the row-major order of an R x R image
        self._points = np.stack(np.meshgrid(self.grid_x, self.grid_y), axis=-1).reshape(-1, 2)
        classes = max(int(labels.max()) + 1, 2, k)
        palette = BINARY_COLORS if classes == 2 else CATEGORY_COLORS
        xy = {"x": bq.LinearScale(min=self.grid_x[0], max=self.grid_x[-1]),
              "y": bq.LinearScale(min=self.grid_y[0], max=self.grid_y[-1])}
        # "class": colour i at value i, the same colour as the points of class i
        colors = [palette[i % len(palette)] for i in range(classes)] if output == "class" \
            else list(MAP_COLORS)
        self._color_scale = bq.ColorScale(colors=colors, min=0.0, max=1.0)
        grid = {"x": self.grid_x, "y": self.grid_y, "color": np.zeros((resolution,) * 2)}
        self._map = bq.HeatMap(**grid, scales={**xy, "color": self._color_scale})
        # bqplot sends no nulls and draws a nan cell in its neighbour's colour, so non-finite
        # cells are greyed by a second map on top, transparent (0) except there (1).
        self._mask = bq.HeatMap(**grid, scales={**xy, "color": bq.ColorScale(
            colors=["rgba(0,0,0,0)", NON_FINITE_COLOR], min=0, max=1)})
        self.points = bq.Scatter(x=inputs[:, 0], y=inputs[:, 1], scales=xy, stroke="white",
                                 colors=[palette[label % len(palette)] for label in labels],
                                 stroke_width=1, default_size=30, selected_style=BATCH_STYLE,
                                 unselected_style=OTHERS_STYLE)
        self._color_axis = bq.ColorAxis(scale=self._color_scale, side="right")
        axes = [bq.Axis(scale=xy[key], label=name, side=side, tick_values=_ticks(g[0], g[-1], 4))
                for key, name, side, g in zip("xy", feature_names, ("bottom", "left"),
                                              (self.grid_x, self.grid_y))]
        self.figure = bq.Figure(
            marks=[self._map, self._mask, self.points], axes=[*axes, self._color_axis],
            title=self._title(),
            title_style={"font-size": "13px"}, layout={"width": "300px", "height": "300px"},
            fig_margin={"top": 30, "bottom": 40, "left": 45, "right": 60}, padding_x=0,
            padding_y=0)
        self.update()

    def _title(self, batch=None):
        shown = "predicted class" if self.output == "class" else f"output {self.output}"
        return shown if batch is None else f"{shown}; mini-batch outlined"

    def show_batch(self, batch):
        """Mark the samples of mini-batch ``batch`` (a :class:`~flux_widgets.network.Batch`,
        ``None``: all samples, none marked): outlined in black and larger, the others faded."""
        selected = None if batch is None else [int(row) for row in batch.rows]
        if selected != self.marked:
            self.marked = selected
            with self.figure.hold_sync():
                self.points.selected = selected
                self.figure.title = self._title(batch)

    def update(self):
        """Recompute ``values`` (R x R) with ``Predict`` and recolour the heat map in place.

        Call it after the network's parameters changed (a step, training, undo). The new
        colours go as one message; the colour scale and axis, and the grey layer, send one
        only when they change. No matrix of the network is written.
        """
        with np.errstate(all="ignore"):  # a diverged network: non-finite values become nan
            y = Predict(self.network, self._points)  # R² x k
            if self.output != "class":
                values = y[:, self.output]
            else:
                values = predicted_class(y)
        finite = np.isfinite(y).all(axis=1)
        values = np.where(finite, values, np.nan).reshape(len(self.grid_y), -1)
        self.values, missing = values, values.size - int(finite.sum())
        self.note = (f"{missing} of {values.size} grid points have non-finite outputs (the "
                     f"network diverged); they are shown grey" if missing else "")
        low, high = self._color_range(values)
        with self._color_scale.hold_sync():  # traitlets send nothing for an unchanged value
            self._color_scale.min, self._color_scale.max = low, high
        self._color_axis.tick_values = (list(range(int(high) + 1)) if self.output == "class"
                                        else _ticks(low, high, 2))
        with self._map.hold_sync():
            self._map.color = np.where(np.isnan(values), low, values)
        self._mask.color = np.isnan(values).astype(np.float64)

    def _color_range(self, values):
        """The colour scale's ``(min, max)``: fixed for a bounded output, else the data's."""
        if self.output == "class":
            return 0.0, float(len(self._color_scale.colors) - 1)
        record = self.network.output_activation.record
        if record.bounded:
            return record.output_range
        shown = values[np.isfinite(values)]
        low, high = (float(shown.min()), float(shown.max())) if shown.size else (0.0, 1.0)
        return (low, high) if high > low else (low - 0.5, high + 0.5)


class OutputMapView(View):
    """The panel's output map: :class:`OutputMap` of a network with 2 inputs, else nothing.

    ``widget`` is a box that holds the map of the network on screen (and is hidden when
    that network has not 2 inputs). The map is redrawn after a change that may have
    written a weight or a bias (it depends on nothing else).
    """

    def __init__(self, resolution=25):
        self.resolution = resolution  # 25 x 25 = 625 cells, redrawn on every weight update
        self.map = None
        self.widget = widgets.Box(layout=widgets.Layout(display="none"))

    def network_replaced(self, stepper):
        network, before = stepper.network, self.map
        self.map = OutputMap(network, network.inputMatrix, predicted_class(network.outputMatrix),
                             resolution=self.resolution) \
            if network.layers_vector[0] == 2 else None
        self.widget.children = [self.map.figure] if self.map else []
        self.widget.layout.display = None if self.map else "none"
        if self.map is not None:
            self.map.show_batch(network.batch)
        if before is not None:
            close_widgets([before.figure])

    def step_happened(self, change):
        if self.map is not None and change.wrote(PARAMETER_NAMES):
            self.map.update()
        if self.map is not None and change.wrote(("input_matrix",)):   # samples taken
            self.map.show_batch(change.network.batch)

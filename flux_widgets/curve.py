"""The cost curve of a run: the cost of completed iterations, thinned to a bounded size.

The curve keeps the cost of every iteration up to ``limit`` points (the
stepper's ``curve_points``, default 4096); past that it keeps every 2nd, then
every 4th, … iteration (iterations 1 + k·stride, evenly spread over the run),
and always the latest. So a panel left training for 10⁵ iterations holds a
curve of at most ``limit + 1`` points, not 10⁵.

Undo is cheap: a run only adds points (and thins), so what it needs to go
back is the latest point and the stride (:meth:`CostCurve.snapshot`); only
going back over a reset needs the whole curve.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["CostCurve", "CurveSnapshot", "EMPTY_CURVE"]


@dataclass(frozen=True)
class CurveSnapshot:
    """What :meth:`CostCurve.restore` needs to put a curve back.

    ``latest`` is ``(iteration, cost)`` of the latest point (``None``: no
    point); ``stride`` the stride then; ``whole`` is ``(iteration_points,
    cost_values)`` of the whole curve, or ``None`` when the curve has since only
    grown (then the points after ``latest`` are dropped and ``latest`` comes
    back if thinning removed it).
    """

    latest: tuple | None
    stride: int
    whole: tuple | None = None


EMPTY_CURVE = CurveSnapshot(latest=None, stride=1, whole=((), ()))


class CostCurve:
    """The cost of completed iterations and their numbers, for the chart.

    Parameters
    ----------
    limit : int
        The most points kept before the curve is thinned (see module docs).

    Attributes
    ----------
    iteration_points : list of int
        Increasing iteration numbers: every iteration while there are at most
        ``limit``, then iterations 1 + k·``stride`` and the latest.
    cost_values : list of float
        The cost C of each of those iterations (the MSE, or the cross-entropy);
        ``mse_values`` is the seed's name for the same list.
    stride : int
        1, 2, 4, …: which iterations the curve keeps.

    The two lists stay the same objects for the curve's life (a chart may hold them).
    """

    def __init__(self, limit=4096):
        self.limit = limit
        self.iteration_points = []
        self.cost_values = []
        self.stride = 1

    mse_values = property(lambda self: self.cost_values,
                          doc="The seed's name for :attr:`cost_values` (the same list).")

    def extend(self, points, costs):
        """Add the costs of completed iterations ``points`` (increasing, after the
        latest) and thin the curve to at most ``limit`` (+ the latest) points."""
        if not len(points):
            return
        if self.iteration_points and (self.iteration_points[-1] - 1) % self.stride:
            self.iteration_points.pop()  # the latest, kept only because it was the latest
            self.cost_values.pop()
        points, costs = np.asarray(points), np.asarray(costs, dtype=np.float64)
        while True:
            keep = (points - 1) % self.stride == 0
            keep[-1] = True
            if len(self.iteration_points) + np.count_nonzero(keep) <= self.limit + 1:
                break
            self.stride *= 2
            kept = [(i, c) for i, c in zip(self.iteration_points, self.cost_values)
                    if (i - 1) % self.stride == 0]
            self.iteration_points[:] = [i for i, _ in kept]
            self.cost_values[:] = [c for _, c in kept]
        self.iteration_points.extend(points[keep].tolist())
        self.cost_values.extend(costs[keep].tolist())

    def snapshot(self, whole=False):
        """A :class:`CurveSnapshot` of this curve: its latest point and stride, and
        with ``whole`` a copy of every point (needed to undo anything but growth)."""
        latest = (self.iteration_points[-1], self.cost_values[-1]) if self.cost_values else None
        points = (tuple(self.iteration_points), tuple(self.cost_values)) if whole else None
        return CurveSnapshot(latest, self.stride, points)

    def restore(self, snapshot):
        """Put the curve back as it was when ``snapshot`` was taken (if it only grew since,
        or ``snapshot`` is whole); :data:`EMPTY_CURVE` empties it."""
        self.stride = snapshot.stride
        if snapshot.whole is not None:
            self.iteration_points[:], self.cost_values[:] = snapshot.whole
        last = snapshot.latest[0] if snapshot.latest else 0
        while self.iteration_points and self.iteration_points[-1] > last:
            self.iteration_points.pop()
            self.cost_values.pop()
        if snapshot.latest and (not self.iteration_points or self.iteration_points[-1] != last):
            self.iteration_points.append(last)  # thinned away since: the latest comes back
            self.cost_values.append(snapshot.latest[1])

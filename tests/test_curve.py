"""The MSE curve: bounded by thinning, the latest point always kept, cheap exact undo."""

import dataclasses
import random

import pytest

from flux_widgets.curve import EMPTY_CURVE, CostCurve, CurveSnapshot


def thinned(points, limit):
    """The reference: the smallest stride 1, 2, 4, … whose points 1 + k·stride, with the
    latest point, number at most ``limit + 1``; returns (kept points, stride)."""
    stride = 1
    while True:
        kept = [p for p in points if (p - 1) % stride == 0]
        if kept[-1:] != points[-1:]:
            kept.append(points[-1])
        if len(kept) <= limit + 1:
            return kept, stride
        stride *= 2


def cost(iteration):
    return 1.0 / iteration


def chunks(points, sizes):
    start = 0
    for size in sizes:
        yield points[start:start + size]
        start += size


@pytest.mark.parametrize("limit", [1, 2, 3, 4, 5, 8])
def test_any_chunking_gives_the_reference_curve(limit):
    rng = random.Random(limit)
    for n in range(1, 70):
        points = list(range(1, n + 1))
        for sizes in ([1] * n, [n], [rng.randint(1, 9) for _ in range(n)]):
            curve = CostCurve(limit)
            for chunk in chunks(points, sizes):
                curve.extend(chunk, [cost(i) for i in chunk])
            expected, stride = thinned(points, limit)
            assert (curve.iteration_points, curve.stride) == (expected, stride), (n, sizes)
            assert curve.mse_values == [cost(i) for i in expected]


def test_up_to_limit_plus_one_points_are_all_kept():
    curve = CostCurve(4)
    curve.extend([1, 2, 3, 4, 5], [5.0, 4.0, 3.0, 2.0, 1.0])
    assert (curve.iteration_points, curve.mse_values, curve.stride) == (
        [1, 2, 3, 4, 5], [5.0, 4.0, 3.0, 2.0, 1.0], 1)
    curve.extend([6], [0.5])
    assert (curve.iteration_points, curve.stride) == ([1, 3, 5, 6], 2)


def test_any_increasing_points_are_thinned_as_the_reference():
    points = [1, 2, 7, 8, 9, 33, 50, 99, 100]
    for limit in range(1, 10):
        curve = CostCurve(limit)
        curve.extend(points, [cost(i) for i in points])
        assert (curve.iteration_points, curve.stride) == thinned(points, limit)


def test_nothing_to_add_changes_nothing():
    curve = CostCurve(2)
    curve.extend([1, 2, 3, 4], [4.0, 3.0, 2.0, 1.0])
    curve.extend([], [])
    assert (curve.iteration_points, curve.mse_values, curve.stride) == ([1, 3, 4], [4.0, 2.0, 1.0],
                                                                        2)


def test_restore_after_growth_is_exact():
    curve = CostCurve(16)
    curve.extend([1, 2, 3], [3.0, 2.0, 1.0])
    snapshot = curve.snapshot()
    assert snapshot == CurveSnapshot(latest=(3, 1.0), stride=1, whole=None)   # no copy
    curve.extend([4, 5], [0.5, 0.25])
    curve.restore(snapshot)
    assert (curve.iteration_points, curve.mse_values, curve.stride) == ([1, 2, 3],
                                                                        [3.0, 2.0, 1.0], 1)


def test_restore_brings_back_the_latest_point_and_stride_that_thinning_changed():
    curve = CostCurve(4)
    curve.extend([1, 2, 3, 4, 5, 6], [cost(i) for i in range(1, 7)])
    assert (curve.iteration_points, curve.stride) == ([1, 3, 5, 6], 2)
    snapshot = curve.snapshot()
    curve.extend([7, 8, 9, 10], [cost(i) for i in range(7, 11)])
    assert (curve.iteration_points, curve.stride) == ([1, 5, 9, 10], 4)
    curve.restore(snapshot)
    assert (curve.iteration_points, curve.mse_values, curve.stride) == (
        [1, 5, 6], [cost(1), cost(5), cost(6)], 2)


def test_a_whole_snapshot_restores_any_change_and_empty_empties():
    curve = CostCurve(4)
    curve.extend([1, 2, 3, 4, 5, 6], [cost(i) for i in range(1, 7)])
    points, values = curve.iteration_points, curve.mse_values
    whole = curve.snapshot(whole=True)
    curve.restore(EMPTY_CURVE)
    assert (curve.iteration_points, curve.mse_values, curve.stride) == ([], [], 1)
    curve.extend([1, 2], [9.0, 8.0])
    curve.restore(whole)
    assert (curve.iteration_points, curve.mse_values, curve.stride) == (
        [1, 3, 5, 6], [cost(1), cost(3), cost(5), cost(6)], 2)
    assert curve.iteration_points is points and curve.mse_values is values   # the same lists


def test_a_snapshot_cannot_change():
    with pytest.raises(dataclasses.FrozenInstanceError):
        EMPTY_CURVE.stride = 2

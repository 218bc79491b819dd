"""A run's points as plain lists (core/point_list.py): the later of a step logged twice, and
the same summary buckets and counts as SeriesPoints give, without numpy."""

from __future__ import annotations

import math
import random

import pytest

from vapor_tui.core.point_list import PointList
from vapor_tui.core.series import SeriesPoints
from vapor_tui.core.series_summary import fold

NAN, INF = math.nan, math.inf


def test_logged_in_any_order_keeps_the_later_value_in_step_order() -> None:
    points = PointList.logged([3, 1, 2, 1], [30.0, 10.0, 20.0, 11.0], [3.0, 1.0, 2.0, 4.0])
    assert (points.step, points.value, points.timestamp) == (
        [1, 2, 3],
        [11.0, 20.0, 30.0],
        [4.0, 2.0, 3.0],
    )
    assert (points.first_step, points.last_step, len(points)) == (1, 3, 3)
    assert points.upto(2).step == [1, 2] and points.upto(0).step == []


@pytest.mark.parametrize("width", [1, 2, 16, 1024])
def test_folded_as_series_points_are(width: int) -> None:
    rng = random.Random(width)
    steps = sorted(rng.sample(range(1, 30_000), 10_000))
    values = [rng.choice([NAN, INF, -INF]) if rng.random() < 0.05 else rng.random() for _ in steps]
    plain = PointList.logged(steps, values, [1.0] * len(steps))
    arrays = SeriesPoints(steps, values, [1.0] * len(steps))
    mine, theirs = fold(plain, width), fold(arrays, width)
    assert len(mine) == len(theirs) > 1
    for got, want in zip(mine, theirs, strict=True):
        assert got[:6] == want[:6] and got[7:] == want[7:]
        assert got[6] == pytest.approx(want[6], rel=1e-9, abs=1e-12)  # numpy sums pairwise


def test_stats_count_nan_and_inf_apart() -> None:
    points = PointList.logged([1, 2, 3, 4, 5], [2.0, NAN, INF, -1.0, -INF], [0.0] * 5)
    assert points.stats() == (1, 2, -1.0, 2.0)
    assert PointList.logged([1], [NAN], [0.0]).stats() == (1, 0, None, None)

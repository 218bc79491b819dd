"""The detail chart's pure decisions: which series are drawn as markers, how far the x axis
reaches when the total is unknown, and the buckets it folds new points into."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from vapor_tui.core.series import SeriesPoints
from vapor_tui.core.series_chart import SeriesBuckets, is_sparse, nice_above, x_limit
from vapor_tui.core.series_summary import SUMMARY_BUCKETS, SeriesSummary, fold, width_for


def test_one_point_an_epoch_or_an_eval_every_500_steps_is_sparse():
    assert is_sparse(3, 200, 600)  # val_loss, one an epoch of 200 steps
    assert is_sparse(4, 500, 2000, columns=100)  # eval every 500 steps
    assert is_sparse(1, 7, 7)  # one point alone: a marker, a line would not show
    assert not is_sparse(0, 0, 0)


def test_a_series_logged_every_step_or_every_few_is_a_line():
    assert not is_sparse(1000, 1, 1000)
    assert not is_sparse(5, 1, 5)  # the first steps of a dense series
    assert not is_sparse(250, 4, 1000)  # every 4th step
    # Every 10th step of a long run: more points than the chart has columns -> a line.
    assert is_sparse(30, 10, 300, columns=100)
    assert not is_sparse(10_000, 10, 100_000, columns=100)


def test_the_x_axis_of_an_unknown_total_ends_at_a_nice_number_above_the_last_step():
    assert [nice_above(n) for n in (0, 1, 2, 4, 5, 9, 10, 99, 100, 101, 450, 999, 1000)] == [
        1, 2, 5, 5, 10, 10, 20, 100, 200, 200, 500, 1000, 2000,
    ]  # fmt: skip
    # It moves a few times a decade, not with every step.
    ends = {nice_above(n) for n in range(1, 100_001)}
    assert sorted(ends)[:6] == [2, 5, 10, 20, 50, 100] and len(ends) == 16
    assert x_limit(None, 0) == 1 and x_limit(None, 37) == 50
    assert x_limit(3000, 37) == 3000  # a known total spans the axis
    assert x_limit(3000, 3400) == 5000  # a run that logs past its total still shows


def _summary(points: SeriesPoints, width: int) -> SeriesSummary:
    rows = fold(points, width)
    finite = points.value[np.isfinite(points.value)]
    stats = (
        len(points),
        float(points.value[-1]),
        float(finite.min()) if len(finite) else None,
        float(finite.max()) if len(finite) else None,
        points.last_step,
    )
    return SeriesSummary.from_rows("m", width, rows, stats)


def _as_whole(points: SeriesPoints, total: int | None) -> SeriesBuckets:
    width = width_for(total, points.last_step)
    return SeriesBuckets.from_summary(_summary(points, width))


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 6000),
    gap=st.integers(1, 40),
    cut=st.floats(0.0, 1.0),
    nans=st.integers(0, 3),
)
def test_points_folded_in_give_the_summary_of_the_whole(n, gap, cut, nans):
    """A summary of the first part with the rest folded in (the width doubling as steps pass
    it, an unknown total) is the summary of the whole."""
    steps = np.arange(1, n + 1) * gap
    values = np.sin(steps / 50.0) + 2.0
    values[: min(nans, n)] = math.nan
    points = SeriesPoints(steps, values, steps.astype(float))
    k = int(cut * n)
    held = _as_whole(points[:k], None) if k else SeriesBuckets("m")
    assert held.add(points[k:]) == n - k
    whole = _as_whole(points, None)
    assert held.width == whole.width and held.count == whole.count == n
    assert held.width * SUMMARY_BUCKETS >= points.last_step
    for name in ("n", "finite", "first", "last", "lo", "hi"):
        assert getattr(held, name).tolist() == getattr(whole, name).tolist(), name
    assert np.allclose(held.sum, whole.sum)
    assert held.add(points) == 0  # nothing past what it holds


def test_merged_display_buckets_hold_each_point_at_its_step_and_skip_nan():
    steps = np.array([100, 200, 300])
    points = SeriesPoints(steps, [1.0, math.nan, 3.0], [0.0] * 3)
    held = SeriesBuckets("eval/loss", 1000)
    held.add(points)
    x, lo, hi, mean = held.merged(200, 1000)
    assert lo.tolist() == hi.tolist() == [1.0, 3.0]
    assert x.tolist() == [100.0, 300.0] and mean.tolist() == [1.0, 3.0]
    assert held.sparse() and held.extent() == (1.0, 3.0)

"""Round ticks and short labels on the chart's axes, and the fitted y range."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from vapor_tui.core.series import SeriesPoints
from vapor_tui.ui.chart_axes import (
    integer_ticks,
    linear_ticks,
    log_ticks,
    nice_ceil,
    nice_floor,
    step_ticks,
    tick_labels,
)
from vapor_tui.ui.chart_data import ChartSeries
from vapor_tui.ui.compare_data import JobCurve, is_sparse, nice_limits


def test_linear_ticks_are_round():
    assert linear_ticks(0.0, 3.0, 6) == [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0]
    assert tick_labels(linear_ticks(0.0, 3.0, 6)) == [
        "0.0",
        "0.5",
        "1.0",
        "1.5",
        "2.0",
        "2.5",
        "3.0",
    ]
    assert tick_labels(linear_ticks(0.25, 0.35, 5)) == ["0.26", "0.28", "0.30", "0.32", "0.34"]


def test_log_ticks_are_one_two_five():
    assert log_ticks(0.1, 10.0, 8) == [0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0]
    assert tick_labels(log_ticks(0.1, 10.0, 8)) == [
        "0.1",
        "0.2",
        "0.5",
        "1.0",
        "2.0",
        "5.0",
        "10.0",
    ]
    assert log_ticks(1e-6, 1.0, 4) == [1e-6, 1e-4, 1e-2, 1.0]  # thinned to every other decade


def test_a_short_log_span_gets_finer_ticks_and_limits_hug_the_data():
    assert log_ticks(0.25, 0.45, 6) == [0.25, 0.3, 0.4]
    assert log_ticks(1.5e-4, 2.5e-4, 6) == [1.5e-4, 2e-4, 2.5e-4]
    assert (nice_floor(0.3, (1, 2, 5, 10)), nice_ceil(2.5, (1, 2, 5, 10))) == (0.2, 5.0)
    assert (nice_floor(0.33), nice_ceil(2.6)) == (0.3, 3.0)


def test_the_step_axis_ends_at_the_last_step():
    assert step_ticks(900, 5, 72) == [0, 200, 400, 600, 800, 900]
    assert step_ticks(1010, 5, 40) == [0, 250, 500, 750, 1010]  # 1000 would touch 1010
    assert step_ticks(1000, 5, 72) == [0, 200, 400, 600, 800, 1000]
    assert step_ticks(1, 8, 72) == [0, 1]


def test_learning_rate_labels_are_short():
    ticks = linear_ticks(0.0, 2.5e-4, 5)
    assert tick_labels(ticks) == ["0", "5e-5", "1e-4", "1.5e-4", "2e-4", "2.5e-4"]


def test_a_one_step_job_has_whole_steps_on_its_axis():
    assert integer_ticks(1, 8) == [0, 1]
    assert integer_ticks(300, 4) == [0, 100, 200, 300]
    assert tick_labels([float(t) for t in integer_ticks(1_000_000, 4)]) == [
        "0",
        "250k",
        "500k",
        "750k",
        "1M",
    ]


@given(
    lo=st.floats(-1e6, 1e6, allow_nan=False),
    span=st.floats(1e-6, 1e6, allow_nan=False),
    most=st.integers(2, 12),
)
def test_linear_ticks_stay_inside_and_evenly_spaced(lo, span, most):
    hi = lo + span
    ticks = linear_ticks(lo, hi, most)
    assert 1 <= len(ticks) <= most + 1
    tolerance = span * 1e-6 + 1e-9 * max(abs(lo), abs(hi))
    assert all(lo - tolerance <= t <= hi + tolerance for t in ticks)
    gaps = np.diff(ticks)
    assert np.allclose(gaps, gaps[0], rtol=1e-6, atol=tolerance) if len(gaps) else True
    labels = tick_labels(ticks)
    assert len(set(labels)) == len(labels)  # no two ticks read the same


def _points(steps: np.ndarray, loss: np.ndarray) -> dict[str, SeriesPoints]:
    """A batch of the simulator's three dense series at these steps."""
    n, time = len(steps), steps.astype(np.float64)
    return {
        "loss": SeriesPoints(steps, loss, time),
        "accuracy": SeriesPoints(steps, np.full(n, 0.5), time),
        "learning_rate": SeriesPoints(steps, np.full(n, 2e-4), time),
    }


def test_a_point_is_drawn_at_its_own_step():
    series = ChartSeries(1)
    series.append(_points(np.array([1]), np.array([2.0])))
    x, _ = series.envelope()
    assert set(x.tolist()) == {1.0}
    series = ChartSeries(10_000)
    series.append(_points(np.arange(1, 10_001), np.linspace(2.5, 0.3, 10_000)))
    x, _ = series.envelope()
    assert 0 < x.min() < 30 and 9_970 < x.max() <= 10_000


def test_the_fitted_range_ignores_the_first_steps_and_hugs_the_rest():
    steps = np.arange(1, 1001)
    loss = 0.3 + 2.2 * np.exp(-steps / 20)  # falls fast, then flat near 0.3
    series = ChartSeries(1000)
    series.append(_points(steps, loss))
    fixed = series.y_range(False)
    lo, hi = series.y_range(False, fit=True)
    assert fixed[0] == 0.0 and fixed[1] >= 2.5
    assert 0.0 <= lo <= 0.3 and 0.3 < hi < 1.0  # the flat part fills the chart
    assert math.isfinite(lo) and math.isfinite(hi)


def test_an_axis_from_zero_keeps_its_top_as_a_loss_falls():
    """The compare chart's y axis starts at 0 for values never negative: its top and ticks
    follow the span from 0, not the data's, so a loss falling from its first value leaves
    them where they are (it rose from 1.8 to 2.0 as the loss fell: the chart sent whole)."""
    first = nice_limits(1.67, 1.67, log=False, from_zero=True)
    assert first == (0.0, 2.0)
    for low in (1.5, 1.0, 0.5, 0.2, 0.05):
        assert nice_limits(low, 1.67, log=False, from_zero=True) == first
    assert nice_limits(1.0, 1.67, log=False, from_zero=False)[0] > 0  # fitted: hugs the data


def test_a_fresh_dense_curve_is_a_line_from_its_first_steps():
    """Drawn as markers only when its points are few over the steps they span (one an
    epoch), as on the detail chart: a job's first ten steps are a line already."""
    curve = JobCurve(1)
    curve.append(SeriesPoints(np.arange(1, 11), np.linspace(2.5, 2.0, 10), np.arange(10.0)))
    assert curve.first_step == 1 and not is_sparse(curve, 108)
    epochs = JobCurve(2)
    epochs.append(SeriesPoints(np.array([100, 200]), np.array([2.0, 1.5]), np.array([1.0, 2])))
    assert is_sparse(epochs, 108)

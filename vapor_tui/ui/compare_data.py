"""What the compare chart draws: each job's curve of one metric, from the store's summary and the
points that arrived since, binned to the chart's width. O(buckets + new points) a frame, never
O(points), and the x axis by step or by time since each job started."""

from __future__ import annotations

import math

import numpy as np

from vapor_tui.core.curves import CurveBase, MetricStats
from vapor_tui.core.points import ema_debiased
from vapor_tui.core.series import SeriesPoints
from vapor_tui.core.series_chart import is_sparse as sparse_over_span
from vapor_tui.ui.chart_axes import ceil_to, floor_to, nice_ceil, nice_floor, nice_step

TIME_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200)


class JobCurve:
    """One job's curve: its summary buckets and the points after them."""

    def __init__(self, job_id: int, started: float | None = None) -> None:
        self.job_id = job_id
        self.started = started  # the job's start, seconds since the epoch (None: not started)
        self.metric = ""
        self.loaded = False
        self.names: tuple[str, ...] = ()
        self.stats = MetricStats("")
        self.first_step: int | None = None
        self.last_step = 0
        empty = np.empty(0)
        self._base = (empty, empty, empty, empty, empty, empty)  # mid step, lo, hi, sum, n, time
        self._new: list[SeriesPoints] = []

    def load(self, base: CurveBase) -> None:
        self.metric, self.names, self.stats = base.metric, base.names, base.stats
        self.loaded, self.last_step, self._new = True, base.last_step, []
        held = base.first_step[base.n > 0]
        self.first_step = int(held[0]) if len(held) else None
        mid = (base.first_step + base.bucket_last) / 2.0
        if len(base.time_step):
            time = np.interp(mid, base.time_step, base.time_at)
        else:
            time = np.full(len(mid), np.nan)
        self._base = (mid, base.lo, base.hi, base.total, base.n.astype(np.float64), time)

    def append(self, points: SeriesPoints) -> int:
        """Fold in the points past the last step held; how many were new."""
        points = points.after(self.last_step)
        if not len(points):
            return 0
        self._new.append(points)
        if self.first_step is None:
            self.first_step = points.first_step
        if len(self._new) > 64:  # a long watch: one array, not hundreds
            self._new = [_joined(self._new)]
        self.last_step = points.last_step
        self.stats = self.stats.with_points(points)
        return len(points)

    @property
    def count(self) -> int:
        return int(self._base[4].sum()) + sum(len(p) for p in self._new)

    def columns(
        self, by_time: bool
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(x, lo, hi, sum, n) of every bucket and new point; x a step, or seconds since the
        job started."""
        mid, lo, hi, total, n, time = self._base
        new = _joined(self._new) if self._new else SeriesPoints.empty()
        finite = np.isfinite(new.value)
        value = np.where(finite, new.value, np.nan)
        if by_time:
            start = self.started if self.started is not None else _first(time, new.timestamp)
            x = np.concatenate([time, new.timestamp]) - start
        else:
            x = np.concatenate([mid, new.step.astype(np.float64)])
        return (
            x,
            np.concatenate([lo, value]),
            np.concatenate([hi, value]),
            np.concatenate([total, np.where(finite, new.value, 0.0)]),
            np.concatenate([n, finite.astype(np.float64)]),
        )

    @property
    def last_time(self) -> float | None:
        """Seconds from the job's start to its last point held."""
        if self._new:
            last = float(self._new[-1].timestamp[-1])
        elif len(self._base[5]) and np.isfinite(self._base[5][-1]):
            last = float(self._base[5][-1])
        else:
            return None
        return last - self.started if self.started is not None else None


def _joined(parts: list[SeriesPoints]) -> SeriesPoints:
    if len(parts) == 1:
        return parts[0]
    return SeriesPoints(
        np.concatenate([p.step for p in parts]),
        np.concatenate([p.value for p in parts]),
        np.concatenate([p.timestamp for p in parts]),
    )


def _first(*arrays: np.ndarray) -> float:
    for a in arrays:
        finite = a[np.isfinite(a)]
        if len(finite):
            return float(finite.min())
    return 0.0


def binned(
    curve: JobCurve, bins: int, x_hi: float, by_time: bool, log: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(x, mean, lo, hi) per bin of [0, x_hi] that holds a value: one point a column. On a
    log axis, without the values at or below 0."""
    x, lo, hi, total, n = curve.columns(by_time)
    keep = np.isfinite(x) & (n > 0) & np.isfinite(lo)
    if log:
        keep &= lo > 0
    x, lo, hi, total, n = x[keep], lo[keep], hi[keep], total[keep], n[keep]
    if not len(x):
        return np.empty(0), np.empty(0), np.empty(0), np.empty(0)
    idx = np.clip((x / max(x_hi, 1e-12) * bins).astype(np.int64), 0, bins - 1)
    b_lo, b_hi = np.full(bins, np.inf), np.full(bins, -np.inf)
    b_sum, b_n = np.zeros(bins), np.zeros(bins)
    np.minimum.at(b_lo, idx, lo)
    np.maximum.at(b_hi, idx, hi)
    np.add.at(b_sum, idx, total)
    np.add.at(b_n, idx, n)
    filled = b_n > 0
    mean = b_sum[filled] / b_n[filled]
    # Each bin at its middle, not at its points' mean x: a bin filling up moved its marker
    # a column right, and the cell was sent cleared and drawn again.
    centres = (np.flatnonzero(filled) + 0.5) * (max(x_hi, 1e-12) / bins)
    return centres, mean, b_lo[filled], b_hi[filled]


def is_sparse(curve: JobCurve, columns: int) -> bool:
    """Drawn as markers: few points over the steps they span (one an epoch, say), as on the
    detail chart. Not the first steps of a dense job: drawn as markers until they were a
    quarter of the columns, every curve of a fresh sweep was then sent again, joined up."""
    first = curve.first_step if curve.first_step is not None else curve.last_step
    return sparse_over_span(curve.count, first, curve.last_step, columns)


def smoothed(mean: np.ndarray, weight: float) -> np.ndarray:
    return ema_debiased(mean, weight)


def time_ticks(hi: float, most: int) -> list[float]:
    """Ticks in seconds at a whole number of seconds, minutes or hours."""
    step = next((s for s in TIME_STEPS if hi / s <= most), None)
    if step is None:
        step = math.ceil(hi / most / 3600) * 3600
    return [float(t) for t in np.arange(0, hi + step / 2, step)]


def time_label(seconds: float) -> str:
    s = round(seconds)
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


class AxisRange:
    """Limits that only ever widen, by nice steps: the frame stays put as points arrive."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.lo, self.hi = math.inf, -math.inf
        self.label_width = 0

    def steady_labels(self, labels: list[str]) -> list[str]:
        """Tick labels as wide as the widest since the reset: ticks of 2.5 giving way to ticks
        of 3 moved the whole plot two columns left, and every line of it was sent again."""
        self.label_width = max(self.label_width, *(len(label) for label in labels))
        return [label.rjust(self.label_width) for label in labels]

    def widen(self, lo: float, hi: float, log: bool, from_zero: bool) -> tuple[float, float]:
        lo, hi = nice_limits(lo, hi, log, from_zero)
        self.lo, self.hi = min(self.lo, lo), max(self.hi, hi)
        return self.lo, self.hi


def nice_limits(lo: float, hi: float, log: bool, from_zero: bool) -> tuple[float, float]:
    """Limits a little around [lo, hi], on values that read well; a linear axis of values
    that are never negative starts at 0 when `from_zero`."""
    if log:
        lo, hi = nice_floor(lo), nice_ceil(hi)
        if hi <= lo:
            lo, hi = nice_floor(lo * 0.99), nice_ceil(hi * 1.01)
        return lo, hi
    if from_zero and lo >= 0:
        lo = 0.0  # the axis's span, not the data's: a falling curve moved its top and ticks
    span = hi - lo if hi > lo else abs(hi) * 0.1 or 1.0
    step = nice_step(span * 1.1, 5)
    lower = floor_to(lo - 0.05 * span, step)
    if lo >= 0:
        lower = 0.0 if from_zero else max(0.0, lower)
    # Headroom of a tenth: a curve still rising early on widens the axis seldom (each widening
    # redraws every line of the chart, about 900 bytes).
    return lower, ceil_to(hi + 0.1 * span, step)

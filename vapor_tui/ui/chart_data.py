"""What the detail chart draws, at a cost that does not grow with the job's history.

The chart starts from the store's summary of each of the job's series (at most SUMMARY_BUCKETS
buckets a series, each with min / max / sum / count: core/series_summary.py) and folds new
points into the same buckets as they arrive, O(new points) (core/series_chart.py). A frame
merges the charted series' buckets into about two per braille column: O(buckets), never
O(points). The x axis spans 0..total steps from the start (0..a nice number above the last step
when the total is unknown), so old parts of the curve stay where they are.
"""

from __future__ import annotations

import math

import numpy as np

from vapor_tui.core.buckets import SUMMARY_BUCKETS, ChartBase
from vapor_tui.core.points import ema_debiased
from vapor_tui.core.series import (
    LOSS_NAMES,
    VALIDATION_NAMES,
    Batch,
    first_present,
    ordered_names,
)
from vapor_tui.core.series_chart import SeriesBuckets, x_limit
from vapor_tui.ui.chart_axes import (
    ceil_to,
    floor_to,
    nice_ceil,
    nice_floor,
    nice_step,
)

# How a series is named on the chart where its logged name reads less well.
METRIC_LABELS = {"learning_rate": "learning rate"}


def metric_label(name: str) -> str:
    return METRIC_LABELS.get(name, name)


_EMPTY = (np.empty(0), np.empty(0))


class ChartSeries:
    """The data behind one job's chart: every series it has, the one charted, fixed axes."""

    def __init__(self, total_steps: int | None, buckets: int = 240):
        self.total = total_steps or None
        self.series: dict[str, SeriesBuckets] = {}
        self.wanted = "loss"  # the metric asked for; charted once the job has it
        self.bucket_count = buckets
        self.last_step = 0
        self._y_hi = self._y_lo = 0.0
        self._y_lo_log = math.inf
        self._y_hi_log = 0.0

    def load(self, base: ChartBase) -> None:
        """Start from the store's summaries (whatever was held before is replaced)."""
        self.series = {n: SeriesBuckets.from_summary(s) for n, s in base.series.items()}
        self.last_step = max((s.last_step for s in self.series.values()), default=0)
        self._reset_axes()

    def append(self, batch: Batch) -> int:
        """Fold in each series' points past the last step held of it (a series not held yet
        is added); returns how many were new."""
        added = 0
        for name, points in batch.items():
            held = self.series.get(name)
            if held is None:
                held = self.series[name] = SeriesBuckets(name, self.total)
            added += held.add(points)
            self.last_step = max(self.last_step, held.last_step)
        return added

    @property
    def names(self) -> list[str]:
        """The series in the order `a` goes through them: loss first, then alphabetical."""
        return ordered_names(self.series)

    @property
    def metric(self) -> str:
        """The series charted: the one asked for, else the job's first."""
        if self.wanted in self.series or not self.series:
            return self.wanted
        return self.names[0]

    @property
    def points_seen(self) -> int:
        """The points of the charted series."""
        current = self._current
        return current.count if current is not None else 0

    def set_metric(self, metric: str) -> None:
        self.wanted = metric
        self._reset_axes()

    def next_metric(self) -> str:
        """The series after the charted one, in `names` order (round to the first)."""
        names = self.names
        if not names:
            return self.wanted
        current = self.metric
        return names[(names.index(current) + 1) % len(names)] if current in names else names[0]

    def set_bucket_count(self, count: int) -> None:
        self.bucket_count = max(1, count)

    def _reset_axes(self) -> None:
        self._y_hi, self._y_lo, self._y_lo_log, self._y_hi_log = 0.0, 0.0, math.inf, 0.0

    @property
    def x_hi(self) -> int:
        return x_limit(self.total, self.last_step)

    @property
    def _current(self) -> SeriesBuckets | None:
        return self.series.get(self.metric)

    def sparse(self, columns: int | None = None) -> bool:
        """Is the charted series drawn as markers (few points over its span)?"""
        current = self._current
        return current is not None and current.sparse(columns)

    @property
    def validation_name(self) -> str | None:
        """The validation series the charted loss is overlaid with, as markers."""
        if self.metric not in LOSS_NAMES:
            return None
        name = first_present(self.series, VALIDATION_NAMES)
        return name if name != self.metric else None

    # --- what a frame draws ---------------------------------------------------------------

    def _display(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(x, min, max, mean) of the display buckets of the charted series."""
        current = self._current
        if current is None:
            e = np.empty(0)
            return e, e, e, e
        return current.merged(min(self.bucket_count, SUMMARY_BUCKETS), self.x_hi)

    def envelope(self, log: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """A zig-zag through each display bucket's min and max: the raw curve as the eye sees
        it, spikes included. On a log axis, without the values at or below 0."""
        x, lo, hi, _ = self._display()
        if not len(x):
            return _EMPTY
        flip = (np.arange(len(x)) % 2).astype(bool)
        first = np.where(flip, hi, lo)
        second = np.where(flip, lo, hi)
        return _drawable(np.repeat(x, 2), np.column_stack([first, second]).ravel(), log)

    def smoothed(self, weight: float, log: bool = False) -> tuple[np.ndarray, np.ndarray]:
        # TensorBoard samples a series down before smoothing it; so do we (bucket means).
        x, _, _, mean = self._display()
        return _drawable(x, ema_debiased(mean, weight), log)

    def markers(self, log: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """The charted series as points, one a bucket (a sparse series: one a point)."""
        return self._points_of(self._current, log)

    def validation(self, log: bool = False) -> tuple[np.ndarray, np.ndarray]:
        name = self.validation_name
        return self._points_of(self.series.get(name) if name else None, log)

    @staticmethod
    def _points_of(held: SeriesBuckets | None, log: bool) -> tuple[np.ndarray, np.ndarray]:
        if held is None:
            return _EMPTY
        mid, _, _, total, n = held.filled()
        return _drawable(mid, total / np.maximum(n, 1), log)

    def extent(self, log: bool = False) -> tuple[float, float] | None:
        """(lowest, highest) value held; on a log axis, of the values above 0 (a bucket that
        reaches 0, as a cosine rate does at its last step, counts by its highest)."""
        current = self._current
        if current is None:
            return None
        _, lo, hi, _, _ = current.filled()
        if log:
            lo = np.where(lo > 0, lo, hi)
            keep = lo > 0
            lo, hi = lo[keep], hi[keep]
        if not len(lo):
            return None
        return float(lo.min()), float(hi.max())

    def left_out(self, log: bool) -> bool:
        """Are there values a log axis cannot show (at or below 0)?"""
        if not log:
            return False
        current = self._current
        lowest = current.filled()[1] if current is not None else np.empty(0)
        _, val = self.validation()
        return bool((lowest <= 0).any() or (val <= 0).any())

    def fitted_range(self, log: bool = False) -> tuple[float, float] | None:
        """Limits around the data after its first tenth (the early steps, whose loss is far
        above the rest, would squash the run into a few rows), from the lowest value to the
        99th percentile of the bucket highs (a lone spike does not set the scale either),
        padded and rounded to a nice step so that they move seldom as points arrive. On a
        log axis, padded in decades and rounded to 1, 1.2, 1.5, 2... x 10^k; None if no
        value there is above 0."""
        x, lo, hi, _ = self._display()
        if not len(x):
            return None
        cut = x.min() + 0.1 * (x.max() - x.min())
        keep = x >= cut
        vx, val = self.validation()
        val = val[vx >= cut] if len(val) else val
        if log:
            lo = np.where(lo > 0, lo, hi)
            keep &= lo > 0
            val = val[val > 0]
        lo, hi = lo[keep], hi[keep]
        if not len(lo):
            return None
        low = float(min(lo.min(), val.min())) if len(val) else float(lo.min())
        high = float(np.quantile(hi, 0.99))
        if len(val):
            high = max(high, float(val.max()))
        if log:
            a, b = math.log10(low), math.log10(max(high, low))
            pad = max(b - a, 0.05) * 0.05
            return nice_floor(10 ** (a - pad)), nice_ceil(10 ** (b + pad))
        span = high - low
        if span <= 0:
            span = abs(high) * 0.1 or 1.0
        step = nice_step(span * 1.1, 5)
        lower = floor_to(low - span * 0.05, step)
        if low >= 0:
            lower = max(0.0, lower)  # a loss or a rate is never negative: no axis below 0
        return lower, ceil_to(high + span * 0.05, step)

    def y_range(self, log: bool, fit: bool = False) -> tuple[float, float]:
        """Axis limits that only ever widen, and then by a 'nice' step: no jumping axis.
        With `fit`, limits around the data instead (see fitted_range). A log axis spans the
        nice values around the data (0.3 to 2.5 for a loss from 0.3 to 2.5, ticked at 0.5, 1
        and 2), not the decades around it (0.1 to 10)."""
        extent = self.extent(log)
        if fit and extent is not None and (fitted := self.fitted_range(log)) is not None:
            return fitted
        if (
            self.metric == "accuracy"
            and not log
            and (extent is None or 0 <= extent[0] <= 1 >= extent[1])
        ):
            return 0.0, 1.0
        if extent is None:
            return (0.1, 10.0) if log else (0.0, 1.0)
        lo, hi = extent
        _, val = self.validation(log)
        if len(val):
            lo, hi = min(lo, float(val.min())), max(hi, float(val.max()))
        if log:
            self._y_lo_log = min(self._y_lo_log, nice_floor(lo))
            self._y_hi_log = max(self._y_hi_log, nice_ceil(hi))
            if self._y_hi_log <= self._y_lo_log:  # one value alone: the nice values around it
                self._y_lo_log = nice_floor(self._y_lo_log * 0.99)
                self._y_hi_log = nice_ceil(self._y_hi_log * 1.01)
            return self._y_lo_log, self._y_hi_log
        if hi > 0:
            self._y_hi = max(self._y_hi, nice_ceil(hi * 1.02))
        if lo < 0:  # a reward, a log-probability: the axis reaches below 0 as far as they do
            self._y_lo = min(self._y_lo, -nice_ceil(-lo * 1.02))
        if self._y_hi <= self._y_lo:  # all values 0
            return self._y_lo, self._y_lo + 1.0
        return self._y_lo, self._y_hi


def _drawable(x: np.ndarray, y: np.ndarray, log: bool) -> tuple[np.ndarray, np.ndarray]:
    """The points a log axis can show: those above 0 (plotext raised ValueError on a 0)."""
    if not log:
        return x, y
    keep = y > 0
    return x[keep], y[keep]

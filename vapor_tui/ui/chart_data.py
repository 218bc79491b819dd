"""What the chart draws, at a cost that does not grow with the job's history.

The chart starts from the store's summary of the job (SUMMARY_BUCKETS buckets over steps
1..total, each with min / max / sum / count of every metric: store/summary.py) and folds new
points into the same buckets as they arrive, O(new points). A frame merges those buckets into
about two per braille column: O(buckets), never O(points). The x axis spans 0..total steps
from the start, so old parts of the curve stay where they are.
"""

from __future__ import annotations

import math

import numpy as np

from vapor_tui.core.buckets import METRICS, SUMMARY_BUCKETS, ChartBase, bucket_of
from vapor_tui.core.points import Points, ema_debiased
from vapor_tui.ui.chart_axes import (
    ceil_to,
    floor_to,
    nice_ceil,
    nice_floor,
    nice_step,
)

METRIC_LABELS = {"loss": "loss", "accuracy": "accuracy", "learning_rate": "learning rate"}


class FineBuckets:
    """The job's summary buckets, held in memory and kept up to date point by point."""

    def __init__(self, total_steps: int):
        self.total = max(1, total_steps)
        size = SUMMARY_BUCKETS
        self.n = np.zeros(size, dtype=np.int64)
        self.first_step = np.full(size, np.iinfo(np.int64).max, dtype=np.int64)
        self.lo = {m: np.full(size, np.inf) for m in METRICS}
        self.hi = {m: np.full(size, -np.inf) for m in METRICS}
        self.sum = {m: np.zeros(size) for m in METRICS}

    def load(self, base: ChartBase) -> None:
        b = base.bucket
        self.n[b] = base.n
        self.first_step[b] = base.first_step
        for metric, (lo, hi, total) in base.stats.items():
            self.lo[metric][b] = lo
            self.hi[metric][b] = hi
            self.sum[metric][b] = total

    def add(self, points: Points) -> None:
        if not len(points):
            return
        idx = bucket_of(points.step, self.total)
        np.add.at(self.n, idx, 1)
        np.minimum.at(self.first_step, idx, points.step)
        for metric in METRICS:
            values = getattr(points, metric)
            np.minimum.at(self.lo[metric], idx, values)
            np.maximum.at(self.hi[metric], idx, values)
            np.add.at(self.sum[metric], idx, values)


class ChartSeries:
    """The data behind one job's chart: its buckets, validation points and fixed axes."""

    def __init__(self, total_steps: int, buckets: int = 240):
        self.total = max(1, total_steps)
        self.fine = FineBuckets(total_steps)
        self.metric = "loss"
        self.bucket_count = buckets
        self.last_step = 0
        self.points_seen = 0
        self._val_step: list[np.ndarray] = []
        self._val_loss: list[np.ndarray] = []
        self._y_hi = 0.0
        self._y_lo_log = math.inf
        self._y_hi_log = 0.0

    def load(self, base: ChartBase) -> None:
        """Start from the store's summary (whatever was held before is replaced)."""
        self.fine = FineBuckets(self.total)
        self.fine.load(base)
        self._val_step = [base.val_step]
        self._val_loss = [base.val_loss]
        self.last_step = base.last_step
        self.points_seen = int(base.n.sum())
        self._reset_axes()

    def append(self, points: Points) -> int:
        """Fold in points past the last step held; returns how many were new."""
        if len(points) and points.step[0] <= self.last_step:
            points = points.slice(int(np.searchsorted(points.step, self.last_step, "right")))
        if not len(points):
            return 0
        self.fine.add(points)
        steps, values = points.validation()
        if len(steps):
            self._val_step.append(steps.astype(np.float64))
            self._val_loss.append(values)
        self.last_step = points.last_step
        self.points_seen += len(points)
        return len(points)

    def set_metric(self, metric: str) -> None:
        self.metric = metric
        self._reset_axes()

    def set_bucket_count(self, count: int) -> None:
        self.bucket_count = max(1, count)

    def _reset_axes(self) -> None:
        self._y_hi, self._y_lo_log, self._y_hi_log = 0.0, math.inf, 0.0

    # --- what a frame draws ---------------------------------------------------------------

    def _display(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(x centres, min, max, mean, filled) of the display buckets, merged from the fine
        ones: each fine bucket goes to the display bucket of its first step."""
        count = min(self.bucket_count, SUMMARY_BUCKETS)
        fine = self.fine
        filled = np.nonzero(fine.n)[0]
        lo = np.full(count, np.inf)
        hi = np.full(count, -np.inf)
        total = np.zeros(count)
        n = np.zeros(count, dtype=np.int64)
        if len(filled):
            idx = np.clip(((fine.first_step[filled] - 1) * count) // self.total, 0, count - 1)
            np.minimum.at(lo, idx, fine.lo[self.metric][filled])
            np.maximum.at(hi, idx, fine.hi[self.metric][filled])
            np.add.at(total, idx, fine.sum[self.metric][filled])
            np.add.at(n, idx, fine.n[filled])
        mask = n > 0
        # A display bucket holds consecutive steps (points come in step order, none missing),
        # so its first step and its count give the middle of the steps it holds: a job with
        # fewer steps than buckets draws each point at its own step.
        first = np.full(count, np.iinfo(np.int64).max, dtype=np.int64)
        if len(filled):
            np.minimum.at(first, idx, fine.first_step[filled])
        centres = np.where(mask, first + (n - 1) / 2.0, 0.0)
        mean = np.divide(total, n, out=np.zeros(count), where=mask)
        return centres[mask], lo[mask], hi[mask], mean[mask], mask

    def envelope(self, log: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """A zig-zag through each display bucket's min and max: the raw curve as the eye sees
        it, spikes included. On a log axis, without the values at or below 0."""
        x, lo, hi, _, _ = self._display()
        if not len(x):
            return np.empty(0), np.empty(0)
        flip = (np.arange(len(x)) % 2).astype(bool)
        first = np.where(flip, hi, lo)
        second = np.where(flip, lo, hi)
        return _drawable(np.repeat(x, 2), np.column_stack([first, second]).ravel(), log)

    def smoothed(self, weight: float, log: bool = False) -> tuple[np.ndarray, np.ndarray]:
        # TensorBoard samples a series down before smoothing it; so do we (bucket means).
        x, _, _, mean, _ = self._display()
        return _drawable(x, ema_debiased(mean, weight), log)

    def extent(self, log: bool = False) -> tuple[float, float] | None:
        """(lowest, highest) value held; on a log axis, of the values above 0 (a bucket that
        reaches 0, as a cosine rate does at its last step, counts by its highest)."""
        filled = self.fine.n > 0
        lo, hi = self.fine.lo[self.metric][filled], self.fine.hi[self.metric][filled]
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
        filled = self.fine.n > 0
        _, val = self.validation()
        lowest = self.fine.lo[self.metric][filled]
        return bool((lowest <= 0).any() or (val <= 0).any())

    def fitted_range(self, log: bool = False) -> tuple[float, float] | None:
        """Limits around the data after its first tenth (the early steps, whose loss is far
        above the rest, would squash the run into a few rows), from the lowest value to the
        99th percentile of the bucket highs (a lone spike does not set the scale either),
        padded and rounded to a nice step so that they move seldom as points arrive. On a
        log axis, padded in decades and rounded to 1, 1.2, 1.5, 2... x 10^k; None if no
        value there is above 0."""
        x, lo, hi, _, _ = self._display()
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

    def validation(self, log: bool = False) -> tuple[np.ndarray, np.ndarray]:
        if self.metric != "loss" or not self._val_step:
            return np.empty(0), np.empty(0)
        return _drawable(np.concatenate(self._val_step), np.concatenate(self._val_loss), log)

    def y_range(self, log: bool, fit: bool = False) -> tuple[float, float]:
        """Axis limits that only ever widen, and then by a 'nice' step: no jumping axis.
        With `fit`, limits around the data instead (see fitted_range). A log axis spans the
        nice values around the data (0.3 to 2.5 for a loss from 0.3 to 2.5, ticked at 0.5, 1
        and 2), not the decades around it (0.1 to 10)."""
        extent = self.extent(log)
        if fit and extent is not None and (fitted := self.fitted_range(log)) is not None:
            return fitted
        if self.metric == "accuracy" and not log:
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
        self._y_hi = max(self._y_hi, nice_ceil(hi * 1.02))
        return 0.0, self._y_hi


def _drawable(x: np.ndarray, y: np.ndarray, log: bool) -> tuple[np.ndarray, np.ndarray]:
    """The points a log axis can show: those above 0 (plotext raised ValueError on a 0)."""
    if not log:
        return x, y
    keep = y > 0
    return x[keep], y[keep]

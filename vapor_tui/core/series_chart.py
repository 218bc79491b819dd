"""What the detail chart holds of one named series, and the pure decisions it draws by: whether a
series is sparse (drawn as markers), and how far the x axis reaches when the total is unknown.

`SeriesBuckets` starts from the store's summary of the series (core/series_summary.py: at most
SUMMARY_BUCKETS buckets of a power-of-two width) and folds new points into the same buckets,
doubling the width as the store does when a step passes them: O(new points), never O(history).
"""

from __future__ import annotations

import math

import numpy as np

from .series import SeriesPoints
from .series_summary import SUMMARY_BUCKETS, SeriesSummary, width_for

# A series with at most one point in this many steps, on average over its span, is sparse
# (one point an epoch, an eval every 500 steps)...
SPARSE_GAP = 8
# ...unless it has more points than this share of the chart's columns (a line then reads
# better than a band of markers).
SPARSE_COLUMNS_SHARE = 0.5
_NO_STEP = np.iinfo(np.int64).max


def is_sparse(count: int, first_step: int, last_step: int, columns: int | None = None) -> bool:
    """Is a series of `count` points over steps first_step..last_step drawn as markers? One
    point alone is; otherwise when its points are SPARSE_GAP or more steps apart on average
    and (given the chart's width) fewer than half its columns."""
    if count <= 0:
        return False
    if count == 1:
        return True
    span = last_step - first_step + 1
    if span < SPARSE_GAP * count:
        return False
    return columns is None or count < SPARSE_COLUMNS_SHARE * columns


def nice_above(step: int) -> int:
    """The x axis' end for a run of unknown length: the smallest of 1, 2, 5 x 10^k above
    `step`, so the axis widens a few times a decade, not with every point."""
    if step < 1:
        return 1
    k: int = 10 ** math.floor(math.log10(step))
    return next(m * k for m in (1, 2, 5, 10) if m * k > step)


def x_limit(total_steps: int | None, last_step: int) -> int:
    """0..this spans the chart: the total when known (and reached by no step past it), else a
    nice number above the last step."""
    if total_steps and total_steps >= last_step:
        return total_steps
    return nice_above(last_step)


class SeriesBuckets:
    """One series folded into at most SUMMARY_BUCKETS buckets of `width` steps: per bucket its
    count, finite count, first and last step, min / max / sum of its finite values."""

    def __init__(self, name: str, total_steps: int | None = None) -> None:
        self.name = name
        self.width = width_for(total_steps, 0)
        size = SUMMARY_BUCKETS
        self.n = np.zeros(size, dtype=np.int64)
        self.finite = np.zeros(size, dtype=np.int64)
        self.first = np.full(size, _NO_STEP, dtype=np.int64)
        self.last = np.zeros(size, dtype=np.int64)
        self.lo = np.full(size, np.inf)
        self.hi = np.full(size, -np.inf)
        self.sum = np.zeros(size)
        self.count = 0
        self.first_step = 0
        self.last_step = 0

    @classmethod
    def from_summary(cls, summary: SeriesSummary) -> SeriesBuckets:
        out = cls(summary.name)
        out.width = summary.bucket_width
        b = np.clip(summary.bucket, 0, SUMMARY_BUCKETS - 1)
        out.n[b] = summary.n
        out.finite[b] = summary.n - summary.n_nan - summary.n_inf
        out.first[b] = summary.first_step
        out.last[b] = summary.last_step
        out.lo[b] = np.where(np.isnan(summary.min), np.inf, summary.min)
        out.hi[b] = np.where(np.isnan(summary.max), -np.inf, summary.max)
        out.sum[b] = summary.sum
        out.count = summary.count
        out.first_step = int(summary.first_step.min()) if len(summary.first_step) else 0
        out.last_step = summary.series_last_step
        return out

    def add(self, points: SeriesPoints) -> int:
        """Fold in the points past the last step held; how many were new."""
        points = points.after(self.last_step)
        if not len(points):
            return 0
        while SUMMARY_BUCKETS * self.width < points.last_step:
            self._double()
        idx = (points.step - 1) // self.width
        value = points.value
        ok = np.isfinite(value)
        np.add.at(self.n, idx, 1)
        np.add.at(self.finite, idx, ok.astype(np.int64))
        np.minimum.at(self.first, idx, points.step)
        np.maximum.at(self.last, idx, points.step)
        np.minimum.at(self.lo, idx, np.where(ok, value, np.inf))
        np.maximum.at(self.hi, idx, np.where(ok, value, -np.inf))
        np.add.at(self.sum, idx, np.where(ok, value, 0.0))
        if not self.count:
            self.first_step = points.first_step
        self.count += len(points)
        self.last_step = points.last_step
        return len(points)

    def _double(self) -> None:
        """Buckets twice as wide: each pair merged, as the store merges its rows."""

        def pairs(a: np.ndarray, how: np.ufunc, fill: float | int) -> np.ndarray:
            merged = how(a[0::2], a[1::2])
            return np.concatenate([merged, np.full(SUMMARY_BUCKETS // 2, fill, dtype=a.dtype)])

        self.n = pairs(self.n, np.add, 0)
        self.finite = pairs(self.finite, np.add, 0)
        self.first = pairs(self.first, np.minimum, _NO_STEP)
        self.last = pairs(self.last, np.maximum, 0)
        self.lo = pairs(self.lo, np.minimum, np.inf)
        self.hi = pairs(self.hi, np.maximum, -np.inf)
        self.sum = pairs(self.sum, np.add, 0.0)
        self.width *= 2

    def sparse(self, columns: int | None = None) -> bool:
        return is_sparse(self.count, self.first_step, self.last_step, columns)

    def filled(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(middle step, min, max, sum, finite count) of each bucket with a finite value."""
        keep = self.finite > 0
        mid = (self.first[keep] + self.last[keep]) / 2.0
        return mid, self.lo[keep], self.hi[keep], self.sum[keep], self.finite[keep]

    def merged(
        self, count: int, x_hi: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(x, min, max, mean) of `count` display buckets over steps 0..x_hi, each made of the
        fine buckets whose first step falls in it; only those holding a finite value."""
        keep = self.finite > 0
        if not keep.any():
            empty = np.empty(0)
            return empty, empty, empty, empty
        first, last = self.first[keep], self.last[keep]
        idx = np.clip(((first - 1) * count) // max(1, int(x_hi)), 0, count - 1)
        lo, hi = np.full(count, np.inf), np.full(count, -np.inf)
        total, n = np.zeros(count), np.zeros(count, dtype=np.int64)
        start, end = np.full(count, _NO_STEP, dtype=np.int64), np.zeros(count, dtype=np.int64)
        np.minimum.at(lo, idx, self.lo[keep])
        np.maximum.at(hi, idx, self.hi[keep])
        np.add.at(total, idx, self.sum[keep])
        np.add.at(n, idx, self.finite[keep])
        np.minimum.at(start, idx, first)
        np.maximum.at(end, idx, last)
        mask = n > 0
        mid = (start[mask] + end[mask]) / 2.0
        return mid, lo[mask], hi[mask], total[mask] / n[mask]

    def extent(self) -> tuple[float, float] | None:
        keep = self.finite > 0
        if not keep.any():
            return None
        return float(self.lo[keep].min()), float(self.hi[keep].max())

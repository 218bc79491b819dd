"""A series folded into at most SUMMARY_BUCKETS buckets of `width` steps (a power of two):
what a chart draws, at a cost that does not grow with the series' length.

`bucket = (step - 1) // width`. For a job with a known total the width is the smallest with
`SUMMARY_BUCKETS * width >= total`; when steps pass that (an unknown total, or a run logging
past it) the width doubles and the buckets are merged pairwise. A bucket keeps the count of
its points, its first and last step, and the min / max / sum of its finite values; NaN and
±inf are counted apart, so one NaN never poisons a chart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .point_list import PointList

if TYPE_CHECKING:
    import numpy as np

    from .point_list import AnyPoints

SUMMARY_BUCKETS = 1024
# (bucket, n, first_step, last_step, min, max, sum, n_nan, n_inf): a stored bucket row.
BucketRow = tuple[int, int, int, int, float, float, float, int, int]
# A tick's batch is a point or two a series: plain Python beats numpy's reductions there (and
# a run's PointList is folded so whatever its length: numpy is not loaded for it).
_FEW = 16


def width_for(total_steps: int | None, last_step: int, current: int = 1) -> int:
    """The bucket width that holds steps up to max(total, last_step) in SUMMARY_BUCKETS."""
    need = max(total_steps or 0, last_step, 1)
    width = max(1, current)
    while SUMMARY_BUCKETS * width < need:
        width *= 2
    return width


def fold(points: AnyPoints, width: int) -> list[BucketRow]:
    """The bucket rows of a batch (to be merged into the stored ones)."""
    if not len(points):
        return []
    if isinstance(points, PointList):
        return _fold_few(points.step, points.value, width)
    if len(points) <= _FEW:
        return _fold_few(points.step.tolist(), points.value.tolist(), width)
    import numpy as np

    step, value = points.step, points.value
    buckets = (step - 1) // width
    starts = np.flatnonzero(np.r_[True, buckets[1:] != buckets[:-1]])
    ends = np.r_[starts[1:], len(buckets)]
    finite = np.isfinite(value)
    nan = np.isnan(value)
    columns = [
        buckets[starts],
        ends - starts,
        step[starts],
        step[ends - 1],
        np.minimum.reduceat(np.where(finite, value, math.inf), starts),
        np.maximum.reduceat(np.where(finite, value, -math.inf), starts),
        np.add.reduceat(np.where(finite, value, 0.0), starts),
        np.add.reduceat(nan.astype(np.int64), starts),
        np.add.reduceat((~finite & ~nan).astype(np.int64), starts),
    ]
    return list(zip(*(c.tolist() for c in columns), strict=True))


def _fold_few(steps: list[int], values: list[float], width: int) -> list[BucketRow]:
    """fold in one pass of plain Python (a tick's point or two, a run's flush): the sums
    added in step order."""
    out: list[BucketRow] = []
    inf = math.inf
    bucket = -1
    n = first = last = nans = infs = 0
    low, high, total = inf, -inf, 0.0
    for step, v in zip(steps, values, strict=True):
        b = (step - 1) // width
        if b != bucket:
            if n:
                out.append((bucket, n, first, last, low, high, total, nans, infs))
            bucket, n, first, nans, infs = b, 0, step, 0, 0
            low, high, total = inf, -inf, 0.0
        n += 1
        last = step
        if v != v:
            nans += 1
        elif v == inf or v == -inf:
            infs += 1
        else:
            if v < low:
                low = v
            if v > high:
                high = v
            total += v
    if n:
        out.append((bucket, n, first, last, low, high, total, nans, infs))
    return out


def merge_rows(rows: list[BucketRow], shift: int = 0) -> list[BucketRow]:
    """Rows folded together by bucket >> shift (a width doubled `shift` times, or batches of
    the same buckets), in bucket order."""
    merged: dict[int, list[Any]] = {}
    for b, n, first, last, low, high, total, nans, infs in rows:
        key = b >> shift
        m = merged.get(key)
        if m is None:
            merged[key] = [key, n, first, last, low, high, total, nans, infs]
            continue
        m[1] += n
        m[2] = min(m[2], first)
        m[3] = max(m[3], last)
        m[4] = min(m[4], low)
        m[5] = max(m[5], high)
        m[6] += total
        m[7] += nans
        m[8] += infs
    return [tuple(merged[k]) for k in sorted(merged)]


@dataclass(frozen=True, eq=False)
class SeriesSummary:
    """What read_summary gives: a series' buckets, and what the store keeps of the series.
    `min`/`max` of a bucket with no finite value are NaN here."""

    name: str
    bucket_width: int
    bucket: np.ndarray
    n: np.ndarray
    first_step: np.ndarray
    last_step: np.ndarray
    min: np.ndarray
    max: np.ndarray
    sum: np.ndarray
    n_nan: np.ndarray
    n_inf: np.ndarray
    count: int  # points in the series
    last_value: float  # NaN when the last point is NaN, or there is none
    value_min: float  # of the finite values; NaN if none
    value_max: float
    series_last_step: int

    @property
    def mean(self) -> np.ndarray:
        """The mean of each bucket's finite values (NaN where it has none)."""
        import numpy as np

        finite = self.n - self.n_nan - self.n_inf
        with np.errstate(invalid="ignore", divide="ignore"):
            out: np.ndarray = np.where(finite > 0, self.sum / np.maximum(finite, 1), np.nan)
        return out

    @classmethod
    def from_rows(
        cls, name: str, width: int, rows: list[BucketRow] | np.ndarray, series: tuple[Any, ...]
    ) -> SeriesSummary:
        import numpy as np

        data = np.array(rows, dtype=np.float64).reshape(-1, 9)
        finite = data[:, 1] - data[:, 7] - data[:, 8]
        count, last_value, low, high, last_step = series
        ints = [data[:, i].astype(np.int64) for i in range(4)]
        return cls(
            name=name,
            bucket_width=width,
            bucket=ints[0],
            n=ints[1],
            first_step=ints[2],
            last_step=ints[3],
            min=np.where(finite > 0, data[:, 4], np.nan),
            max=np.where(finite > 0, data[:, 5], np.nan),
            sum=data[:, 6],
            n_nan=data[:, 7].astype(np.int64),
            n_inf=data[:, 8].astype(np.int64),
            count=int(count),
            last_value=math.nan if last_value is None else float(last_value),
            value_min=math.nan if low is None else float(low),
            value_max=math.nan if high is None else float(high),
            series_last_step=int(last_step),
        )

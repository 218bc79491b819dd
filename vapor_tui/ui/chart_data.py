"""What the chart draws, kept at a cost that does not grow with the job's history.

Points arrive in step order and are appended to growable arrays. For the metric on show, each
of a fixed number of buckets over the x axis (0..total steps, fixed from the start) keeps its
min, max, sum and count, updated only by the points that land in it. A frame is drawn from the
buckets (about two per braille column), never from the raw history.
"""

from __future__ import annotations

import math

import numpy as np

from vapor_tui.core.points import Points, ema_debiased

METRICS = ("loss", "accuracy", "learning_rate")
METRIC_LABELS = {"loss": "loss", "accuracy": "accuracy", "learning_rate": "learning rate"}


class GrowingColumns:
    """Append-only numpy columns with amortised O(1) appends."""

    NAMES = ("step", "loss", "accuracy", "learning_rate", "val_loss")

    def __init__(self) -> None:
        self._n = 0
        self._cap = 0
        self._data: dict[str, np.ndarray] = {
            name: np.empty(0, dtype=np.int64 if name == "step" else np.float64)
            for name in self.NAMES
        }

    def __len__(self) -> int:
        return self._n

    @property
    def last_step(self) -> int:
        return int(self._data["step"][self._n - 1]) if self._n else 0

    def append(self, points: Points) -> Points:
        """Append the points past the last step held; returns the part that was new."""
        if len(points) and self._n and points.step[0] <= self.last_step:
            points = points.slice(int(np.searchsorted(points.step, self.last_step, "right")))
        m = len(points)
        if not m:
            return points
        if self._n + m > self._cap:
            self._cap = max(self._n + m, 2 * self._cap, 1024)
            for name, arr in self._data.items():
                grown = np.empty(self._cap, dtype=arr.dtype)
                grown[: self._n] = arr[: self._n]
                self._data[name] = grown
        for name in self.NAMES:
            self._data[name][self._n : self._n + m] = getattr(points, name)
        self._n += m
        return points

    def column(self, name: str) -> np.ndarray:
        return self._data[name][: self._n]


class Buckets:
    """Per-bucket min / max / mean of one metric over steps 1..total."""

    def __init__(self, total_steps: int, count: int):
        self.total = max(1, total_steps)
        self.count = max(1, min(count, self.total))
        self.lo = np.full(self.count, np.inf)
        self.hi = np.full(self.count, -np.inf)
        self.sum = np.zeros(self.count)
        self.n = np.zeros(self.count, dtype=np.int64)

    def index(self, steps: np.ndarray) -> np.ndarray:
        idx = ((steps - 1) * self.count) // self.total
        return np.clip(idx, 0, self.count - 1)

    def add(self, steps: np.ndarray, values: np.ndarray) -> None:
        if not len(steps):
            return
        idx = self.index(steps)
        np.minimum.at(self.lo, idx, values)
        np.maximum.at(self.hi, idx, values)
        np.add.at(self.sum, idx, values)
        np.add.at(self.n, idx, 1)

    def centres(self) -> np.ndarray:
        return (np.arange(self.count) + 0.5) * self.total / self.count

    def envelope(self) -> tuple[np.ndarray, np.ndarray]:
        """A zig-zag through each bucket's min and max: the raw curve as the eye sees it."""
        filled = np.nonzero(self.n)[0]
        if not len(filled):
            return np.empty(0), np.empty(0)
        x = np.repeat(self.centres()[filled], 2)
        lo, hi = self.lo[filled], self.hi[filled]
        flip = (np.arange(len(filled)) % 2).astype(bool)
        first = np.where(flip, hi, lo)
        second = np.where(flip, lo, hi)
        y = np.column_stack([first, second]).ravel()
        return x, y

    def means(self) -> tuple[np.ndarray, np.ndarray]:
        filled = np.nonzero(self.n)[0]
        return self.centres()[filled], self.sum[filled] / self.n[filled]

    def extent(self) -> tuple[float, float] | None:
        filled = self.n > 0
        if not filled.any():
            return None
        return float(self.lo[filled].min()), float(self.hi[filled].max())


def nice_ceil(value: float) -> float:
    """The next of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 x 10^k at or above value."""
    if value <= 0 or not math.isfinite(value):
        return 1.0
    exp = math.floor(math.log10(value))
    for m in (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0):
        if m * 10**exp >= value * (1 - 1e-12):
            return m * 10**exp
    return 10.0 ** (exp + 1)


class ChartSeries:
    """The data behind one job's chart: raw columns, the shown metric's buckets, fixed axes."""

    def __init__(self, total_steps: int, buckets: int = 240):
        self.total = total_steps
        self.columns = GrowingColumns()
        self.metric = "loss"
        self.bucket_count = buckets
        self.buckets = Buckets(total_steps, buckets)
        self._y_hi = 0.0
        self._y_lo_log = math.inf
        self._y_hi_log = 0.0

    def append(self, points: Points) -> int:
        new = self.columns.append(points)
        self.buckets.add(new.step, getattr(new, self.metric))
        return len(new)

    def set_metric(self, metric: str) -> None:
        self.metric = metric
        self._rebuild()

    def set_bucket_count(self, count: int) -> None:
        if count != self.bucket_count:
            self.bucket_count = count
            self._rebuild()

    def _rebuild(self) -> None:
        self.buckets = Buckets(self.total, self.bucket_count)
        self.buckets.add(self.columns.column("step"), self.columns.column(self.metric))
        self._y_hi, self._y_lo_log, self._y_hi_log = 0.0, math.inf, 0.0

    def validation(self) -> tuple[np.ndarray, np.ndarray]:
        if self.metric != "loss":
            return np.empty(0), np.empty(0)
        val = self.columns.column("val_loss")
        mask = ~np.isnan(val)
        return self.columns.column("step")[mask].astype(np.float64), val[mask]

    def smoothed(self, weight: float) -> tuple[np.ndarray, np.ndarray]:
        # TensorBoard samples a series down before smoothing it; so do we (bucket means).
        x, y = self.buckets.means()
        return x, ema_debiased(y, weight)

    def y_range(self, log: bool) -> tuple[float, float]:
        """Axis limits that only ever widen, and then by a 'nice' step: no jumping axis."""
        extent = self.buckets.extent()
        if self.metric == "accuracy" and not log:
            return 0.0, 1.0
        if extent is None:
            return (0.1, 10.0) if log else (0.0, 1.0)
        lo, hi = extent
        _, val = self.validation()
        if len(val):
            lo, hi = min(lo, float(val.min())), max(hi, float(val.max()))
        if log:
            lo = max(lo, 1e-12)
            self._y_lo_log = min(self._y_lo_log, 10 ** math.floor(math.log10(lo)))
            self._y_hi_log = max(self._y_hi_log, 10 ** math.ceil(math.log10(hi)))
            return self._y_lo_log, self._y_hi_log
        self._y_hi = max(self._y_hi, nice_ceil(hi * 1.02))
        return 0.0, self._y_hi

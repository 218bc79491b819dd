"""What the compare screen and `vapor-tui compare` know of one metric of one job, read at a cost
that does not grow with the job's length: its summary buckets, a timestamp at each bucket's
edges (for the time axis), its latest value and its best value with the step it was reached.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from .series import SeriesPoints

# Metrics where a higher value is the better one; a learning rate has no better value.
_HIGHER = ("acc", "f1", "bleu", "rouge", "reward", "score", "precision", "recall", "auc", "match")
_NO_BEST = ("learning_rate", "lr", "epoch", "grad_norm", "tokens_per_second", "samples_per_second")


def direction(metric: str) -> int:
    """-1 where lower is better (a loss), 1 where higher is (accuracy), 0 where neither is."""
    name = metric.lower().rsplit("/", 1)[-1]
    if name in _NO_BEST or name.endswith(("learning_rate", "_lr")):
        return 0
    return 1 if any(word in name for word in _HIGHER) else -1


@dataclass(frozen=True, slots=True)
class MetricStats:
    """A metric's latest value and best value, each with its step (None: no point yet, or no
    better value, for a learning rate)."""

    metric: str
    latest: float | None = None
    latest_step: int | None = None
    best: float | None = None
    best_step: int | None = None
    points: int = 0

    def with_points(self, points: SeriesPoints) -> MetricStats:
        """These stats with newer points folded in."""
        if not len(points):
            return self
        latest, latest_step = float(points.value[-1]), int(points.step[-1])
        best, best_step = self.best, self.best_step
        sign = direction(self.metric)
        finite = np.isfinite(points.value)
        if sign and finite.any():
            values = np.where(finite, points.value, math.inf if sign < 0 else -math.inf)
            i = int(np.argmin(values) if sign < 0 else np.argmax(values))
            value = float(points.value[i])
            if best is None or (value < best if sign < 0 else value > best):
                best, best_step = value, int(points.step[i])
        return replace(
            self,
            latest=latest,
            latest_step=latest_step,
            best=best,
            best_step=best_step,
            points=self.points + len(points),
        )


@dataclass(frozen=True, eq=False)
class CurveBase:
    """One metric of one job as the store summarises it: per bucket its count, first and last
    step, and min / max / sum of its finite values; `time_step` / `time_at` pair steps with
    their timestamps (the buckets' edges), for a time axis; `last_step`: newer points are
    read after it."""

    job_id: int
    metric: str
    last_step: int
    n: np.ndarray
    first_step: np.ndarray
    bucket_last: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    total: np.ndarray
    time_step: np.ndarray
    time_at: np.ndarray
    stats: MetricStats
    names: tuple[str, ...] = ()  # every metric the job has (loss first)

    @classmethod
    def empty(cls, job_id: int, metric: str, names: tuple[str, ...] = ()) -> CurveBase:
        ints, floats = np.empty(0, np.int64), np.empty(0)
        return cls(job_id, metric, 0, ints, ints, ints, floats, floats, floats, ints, floats,
                   MetricStats(metric), names)  # fmt: skip

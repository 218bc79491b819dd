"""A job's points folded into a fixed number of buckets over steps 1..total: what a chart draws,
at a cost that does not grow with the job's history. The store keeps these buckets beside the
points (store/summary.py); the chart holds them and folds new points in (ui/chart_data.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .points import Points

SUMMARY_BUCKETS = 1024
METRICS = ("loss", "accuracy", "learning_rate")


def bucket_of(steps: np.ndarray, total_steps: int) -> np.ndarray:
    total = max(1, total_steps)
    buckets: np.ndarray = np.clip(((steps - 1) * SUMMARY_BUCKETS) // total, 0, SUMMARY_BUCKETS - 1)
    return buckets


def summarise(points: Points, total_steps: int) -> Iterator[tuple[float | int, ...]]:
    """(bucket, n, first, last, loss min/max/sum, accuracy ..., lr ...) per bucket touched."""
    if not len(points):
        return
    if len(points) <= FEW:
        yield from _summarise_few(points, total_steps)
        return
    buckets = bucket_of(points.step, total_steps)
    starts = np.flatnonzero(np.r_[True, buckets[1:] != buckets[:-1]])
    ends = np.r_[starts[1:], len(buckets)]
    columns = [buckets[starts], ends - starts, points.step[starts], points.step[ends - 1]]
    for metric in METRICS:
        values = getattr(points, metric)
        columns += [
            np.minimum.reduceat(values, starts),
            np.maximum.reduceat(values, starts),
            np.add.reduceat(values, starts),
        ]
    yield from zip(*(c.tolist() for c in columns), strict=True)


# A tick's batch is a step or two: plain Python is faster than numpy's reductions there.
FEW = 16


def _summarise_few(points: Points, total_steps: int) -> Iterator[tuple[float | int, ...]]:
    """summarise() in plain Python: the same counts, minima and maxima; each sum added in
    step order (numpy's pairwise sum may round the last bit differently, as batches cut at
    other steps do anyway)."""
    steps: list[int] = points.step.tolist()
    buckets: list[int] = bucket_of(points.step, total_steps).tolist()
    values: list[list[float]] = [getattr(points, metric).tolist() for metric in METRICS]
    start = 0
    for end in range(1, len(steps) + 1):
        if end < len(steps) and buckets[end] == buckets[start]:
            continue
        row: list[float | int] = [buckets[start], end - start, steps[start], steps[end - 1]]
        for column in values:
            part = column[start:end]
            total = part[0]
            for value in part[1:]:
                total += value
            row += [min(part), max(part), total]
        yield tuple(row)
        start = end


@dataclass(frozen=True, eq=False)
class ChartBase:
    """All a chart needs of a job's history: its summary buckets and validation points, and the
    last step they cover (newer points are read after it)."""

    total_steps: int
    last_step: int
    bucket: np.ndarray
    n: np.ndarray
    first_step: np.ndarray
    stats: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]  # metric -> (min, max, sum)
    val_step: np.ndarray
    val_loss: np.ndarray

"""Named series: what every producer of points (the simulator, the logging API, a launched
command's output) hands the store, and what the store gives back.

A *point* is one value of one metric at one step. A job's points are grouped by metric name
into `SeriesPoints`; a `Batch` maps names to them. No ORM here. A run's writer thread
hands the store `PointList`s instead (point_list.py: the same points in plain lists).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

# Re-exported: the names are numpy-free (metric_names.py), SeriesPoints is not.
from .metric_names import (
    LOSS_NAMES,
    VALIDATION_NAMES,
    first_present,
    ordered_names,
    value_text,
)

__all__ = [
    "LOSS_NAMES",
    "VALIDATION_NAMES",
    "Batch",
    "SeriesPoints",
    "first_present",
    "ordered_names",
    "value_text",
]


def _column(values: object, dtype: type) -> np.ndarray:
    a: np.ndarray = np.array(values, dtype=dtype)  # a copy: the caller's array stays theirs
    if a.ndim != 1:
        raise ValueError(f"a series column must be one-dimensional, not of shape {a.shape}")
    a.flags.writeable = False
    return a


@dataclass(frozen=True, slots=True, eq=False, init=False, repr=False)
class SeriesPoints:
    """The points of one metric, in increasing step order: `step` int64, `value` float64 (NaN
    and ±inf are values like any other), `timestamp` float64 seconds since the Unix epoch.
    The arrays are read-only copies, all of one length."""

    step: np.ndarray
    value: np.ndarray
    timestamp: np.ndarray

    def __init__(self, step: object, value: object, timestamp: object) -> None:
        steps = _column(step, np.int64)
        values = _column(value, np.float64)
        times = _column(timestamp, np.float64)
        if not len(steps) == len(values) == len(times):
            raise ValueError(
                f"a series needs as many values and timestamps as steps: "
                f"{len(steps)} steps, {len(values)} values, {len(times)} timestamps"
            )
        if len(steps) and (steps[0] < 1 or (len(steps) > 1 and np.any(np.diff(steps) <= 0))):
            raise ValueError("a series' steps must be increasing, from 1 on")
        object.__setattr__(self, "step", steps)
        object.__setattr__(self, "value", values)
        object.__setattr__(self, "timestamp", times)

    def __len__(self) -> int:
        return len(self.step)

    def __repr__(self) -> str:
        if not len(self):
            return "SeriesPoints(empty)"
        return f"SeriesPoints({len(self)} points, steps {self.first_step}..{self.last_step})"

    @classmethod
    def empty(cls) -> SeriesPoints:
        return cls((), (), ())

    @classmethod
    def of(cls, points: Iterable[tuple[int, float, float]]) -> SeriesPoints:
        """From (step, value, timestamp) tuples in any order; a step given twice keeps the
        later value (a run resumed from a checkpoint logs steps again)."""
        latest: dict[int, tuple[float, float]] = {}
        for step, value, timestamp in points:
            latest[int(step)] = (float(value), float(timestamp))
        steps = sorted(latest)
        return cls(steps, [latest[s][0] for s in steps], [latest[s][1] for s in steps])

    @property
    def first_step(self) -> int:
        return int(self.step[0]) if len(self) else 0

    @property
    def last_step(self) -> int:
        return int(self.step[-1]) if len(self) else 0

    def after(self, step: int) -> SeriesPoints:
        """The points with a step greater than `step`."""
        start = int(np.searchsorted(self.step, step, side="right"))
        return self if start == 0 else self[start:]

    def __getitem__(self, index: slice) -> SeriesPoints:
        if not isinstance(index, slice):
            raise TypeError("SeriesPoints takes slices; read .step, .value, .timestamp for one")
        return SeriesPoints(self.step[index], self.value[index], self.timestamp[index])

    def merged(self, newer: SeriesPoints) -> SeriesPoints:
        """These points with `newer` laid over them: where both have a step, newer's value."""
        if not len(newer):
            return self
        if not len(self) or newer.first_step > self.last_step:
            return SeriesPoints(
                np.concatenate([self.step, newer.step]),
                np.concatenate([self.value, newer.value]),
                np.concatenate([self.timestamp, newer.timestamp]),
            )
        keep = ~np.isin(self.step, newer.step)
        steps = np.concatenate([self.step[keep], newer.step])
        order = np.argsort(steps, kind="stable")
        return SeriesPoints(
            steps[order],
            np.concatenate([self.value[keep], newer.value])[order],
            np.concatenate([self.timestamp[keep], newer.timestamp])[order],
        )


# Metric name -> its points. A producer's batch and what read_all gives back.
Batch = Mapping[str, SeriesPoints]

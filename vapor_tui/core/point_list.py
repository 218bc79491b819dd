"""A series' points in plain lists: what a run's writer thread hands the store, which writes
them as it writes SeriesPoints (store/series.py), so that a training script's process loads
no numpy for vapor-tui. The rules are SeriesPoints': steps increasing from 1, each with a
value (NaN and ±inf are values) and a timestamp."""

from __future__ import annotations

import bisect
import itertools
import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TypeAlias

    from .series import SeriesPoints

__all__ = ["PointList", "value_stats"]


@dataclass(frozen=True, slots=True, eq=False)
class PointList:
    step: list[int]
    value: list[float]
    timestamp: list[float]

    @classmethod
    def logged(
        cls, steps: Sequence[int], values: Sequence[float], stamps: Sequence[float]
    ) -> PointList:
        """From columns in the order they were logged: in step order, a step logged twice
        keeping its later value (a run resumed from a checkpoint logs steps again)."""
        if all(map(operator.lt, steps, itertools.islice(steps, 1, None))):  # the usual case
            return cls(list(steps), list(values), list(stamps))
        rows = zip(steps, values, stamps, strict=True)
        latest = {step: (value, stamp) for step, value, stamp in rows}
        order = sorted(latest)
        return cls(order, [latest[s][0] for s in order], [latest[s][1] for s in order])

    @classmethod
    def of_rows(cls, rows: Sequence[tuple[int, float, float]]) -> PointList:
        """From (step, value, timestamp) rows in step order, as the store reads them."""
        return cls([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])

    def __len__(self) -> int:
        return len(self.step)

    @property
    def first_step(self) -> int:
        return self.step[0] if self.step else 0

    @property
    def last_step(self) -> int:
        return self.step[-1] if self.step else 0

    def upto(self, step: int) -> PointList:
        """The points with a step of at most `step`."""
        end = bisect.bisect_right(self.step, step)
        return self if end == len(self.step) else self.cut(0, end)

    def cut(self, start: int, end: int) -> PointList:
        return PointList(self.step[start:end], self.value[start:end], self.timestamp[start:end])

    def stats(self) -> tuple[int, int, float | None, float | None]:
        """(NaN count, ±inf count, min and max of the finite values or None)."""
        return value_stats(self.value)


def value_stats(values: list[float]) -> tuple[int, int, float | None, float | None]:
    """(NaN count, ±inf count, min and max of the finite values or None) of plain floats."""
    finite = list(filter(math.isfinite, values))
    nans = sum(map(math.isnan, values))
    infs = len(values) - nans - len(finite)
    return nans, infs, (min(finite) if finite else None), (max(finite) if finite else None)


if TYPE_CHECKING:
    # What the store's write takes for a series: either kind.
    AnyPoints: TypeAlias = SeriesPoints | PointList

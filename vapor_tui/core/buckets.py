"""A job's chart: each of its series folded into at most SUMMARY_BUCKETS buckets (the store keeps
them per series: core/series_summary.py), at a cost that does not grow with the job's history;
the chart holds them and folds new points in (core/series_chart.py, ui/chart_data.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .series import ordered_names
from .series_summary import SUMMARY_BUCKETS, SeriesSummary, width_for

__all__ = ["METRICS", "SUMMARY_BUCKETS", "ChartBase", "bucket_of"]

METRICS = ("loss", "accuracy", "learning_rate")


def bucket_of(steps: np.ndarray, total_steps: int) -> np.ndarray:
    """The summary bucket of each step of a job of `total_steps`: buckets of the
    power-of-two width the store keeps for it (core/series_summary.py)."""
    width = width_for(max(1, total_steps), 0)
    buckets: np.ndarray = np.clip((steps - 1) // width, 0, SUMMARY_BUCKETS - 1)
    return buckets


@dataclass(frozen=True, eq=False)
class ChartBase:
    """All a detail chart needs of a job's history: every series' summary (whatever its
    length), the job's total (None: unknown) and its steps done. Newer points are read after
    each series' own last step (`held`)."""

    total_steps: int | None
    last_step: int
    series: Mapping[str, SeriesSummary]

    @property
    def names(self) -> list[str]:
        return ordered_names(self.series)

    @property
    def held(self) -> dict[str, int]:
        return {name: s.series_last_step for name, s in self.series.items()}

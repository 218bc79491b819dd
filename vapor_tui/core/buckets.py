"""A simulated job's chart: its loss, accuracy and learning-rate series folded into at most
SUMMARY_BUCKETS buckets (the store keeps them per series: core/series_summary.py), at a cost
that does not grow with the job's history; the chart holds them and folds new points in
(ui/chart_data.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .series_summary import SUMMARY_BUCKETS, width_for

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

"""Warnings about a job's values, raised once per (job, series): "loss is NaN at step 812" when
a NaN or an infinity first appears in a series, as the app watches. What was already there when
the app (or a detail screen) first read it is taken as known, not announced: re-opening a screen
or the app does not say it again.

Found in two places: any job's loss, from the job list (its latest loss turned NaN or inf), and
every series of a job a detail screen follows, from the points the tick read (the exact step).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

from vapor_tui.core.job import Job

if TYPE_CHECKING:
    from vapor_tui.core.buckets import ChartBase
    from vapor_tui.core.series import Batch


def _kind(value: float) -> str:
    return "NaN" if value != value else "inf" if value > 0 else "-inf"


def _bad(value: float | None) -> bool:
    return value is not None and not math.isfinite(value)


class ValueAlerts:
    """The (job, series) pairs already known to hold a NaN or an infinity."""

    def __init__(self) -> None:
        self.known: set[tuple[int, str]] = set()

    def _say(self, job: Job | None, job_id: int, name: str, kind: str, step: int) -> str | None:
        if (job_id, name) in self.known:
            return None
        self.known.add((job_id, name))
        who = f"#{job_id} {job.name}" if job is not None else f"#{job_id}"
        return f"{who}: {name} is {kind} at step {step:,}"

    def baseline(self, jobs: Iterable[Job]) -> None:
        """The jobs as first read: a loss already NaN is known."""
        for job in jobs:
            if _bad(job.last_loss):
                self.known.add((job.id, "loss"))

    def from_base(self, job_id: int, base: ChartBase) -> None:
        """A detail screen's first read: the series that already hold one are known."""
        for name, summary in base.series.items():
            if int(summary.n_nan.sum()) or int(summary.n_inf.sum()):
                self.known.add((job_id, name))

    def from_points(self, job: Job | None, job_id: int, batch: Batch) -> list[str]:
        """New points of a followed job: the first NaN or infinity of a series not known."""
        import numpy as np  # a tick's points are numpy already: not an import at start-up

        out = []
        for name in sorted(batch):
            points = batch[name]
            bad = ~np.isfinite(points.value)
            if bad.any():
                i = int(bad.argmax())
                value, step = float(points.value[i]), int(points.step[i])
                text = self._say(job, job_id, name, _kind(value), step)
                if text:
                    out.append(text)
        return out

    def from_jobs(self, before: Iterable[Job], after: Iterable[Job]) -> list[str]:
        """A loss that turned NaN or inf between two reads of the job list (the jobs of
        `before` are looked up only for the few whose loss is one)."""
        bad = [job for job in after if _bad(job.last_loss)]
        if not bad:
            return []
        old = {job.id: job for job in before}
        out = []
        for job in bad:
            prev = old.get(job.id)
            if prev is None or not _bad(job.last_loss) or _bad(prev.last_loss):
                continue
            assert job.last_loss is not None
            text = self._say(job, job.id, "loss", _kind(job.last_loss), job.steps_done)
            if text:
                out.append(text)
        return out

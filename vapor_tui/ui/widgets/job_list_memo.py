"""What the jobs table works out from the whole job list at each sync, kept between syncs.

A tick hands the table every job, and a job the tick did not change is the same (frozen)
object as at the last sync: only the few that moved are new. The widths fitted to the
models and epochs, and the rows' order by id, are worked out again only when a job that is
new (or gone) could move them (issue 14: both went over all 100 jobs at every tick).
"""

from __future__ import annotations

from vapor_tui.core.job import Job
from vapor_tui.core.job_sort import JobOrder
from vapor_tui.ui.widgets.job_rows import fitted_widths


class JobListMemo:
    def __init__(self) -> None:
        self._jobs: dict[int, Job] = {}  # the last sync's jobs, by id
        self._fit_inputs: dict[int, tuple[str, int | None]] = {}
        self._fitted = fitted_widths([])
        self._ids: list[int] = []  # the last sync's ids, in the list's order
        self._ordered: tuple[JobOrder, list[int]] | None = None

    def update(self, jobs: list[Job]) -> None:
        """Take the jobs of this sync; then ask `fitted` and `order`."""
        seen = self._jobs
        inputs = self._fit_inputs
        fit_moved = len(jobs) != len(seen)
        for job in jobs:
            if seen.get(job.id) is not job:
                fit = (job.model, job.epochs)
                fit_moved = fit_moved or inputs.get(job.id) != fit
                inputs[job.id] = fit
        self._jobs = {job.id: job for job in jobs}
        if fit_moved:
            for gone in inputs.keys() - self._jobs.keys():
                del inputs[gone]
            self._fitted = fitted_widths(jobs)
        ids = [job.id for job in jobs]
        if ids != self._ids:
            self._ids, self._ordered = ids, None

    @property
    def fitted(self) -> dict[str, int]:
        """fitted_widths of the jobs."""
        return self._fitted

    def order(self, order: JobOrder, jobs: list[Job]) -> list[int]:
        """order.ids(jobs): by id, the same while the list holds the same ids."""
        if order.column != "id":  # by a value that a step may move
            return order.ids(jobs)
        if self._ordered is None or self._ordered[0] != order:
            self._ordered = (order, order.ids(jobs))
        return list(self._ordered[1])

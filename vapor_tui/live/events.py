"""Lifecycle events, found by comparing two job lists: a job started, is stopping, stopped,
completed, failed, or was deleted, whoever did it (this app, another instance, the command line,
or the clock)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from vapor_tui.core.job import Job
from vapor_tui.core.status import JobStatus


@dataclass(frozen=True, slots=True)
class Lifecycle:
    """`job` as it now is (its status is the event), or as it was when `deleted`."""

    job: Job
    deleted: bool = False


def lifecycle(before: Iterable[Job], after: Iterable[Job]) -> tuple[Lifecycle, ...]:
    """The events by job id, then the deleted jobs by id. A job a tick left alone is the same
    object in both lists (job_list.py): passed over by its identity."""
    old = {j.id: j for j in before}
    changed = []
    for job in after:
        prev = old.pop(job.id, None)
        if prev is job:
            continue
        if prev is None and job.status is JobStatus.QUEUED:
            continue  # a job created queued has not done anything yet
        if prev is not None and prev.status is job.status:
            continue
        changed.append(job)
    events = [Lifecycle(job) for job in sorted(changed, key=lambda j: j.id)]
    events += [Lifecycle(old[job_id], deleted=True) for job_id in sorted(old)]  # what is left
    return tuple(events)

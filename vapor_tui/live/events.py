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
    old = {j.id: j for j in before}
    new = {j.id for j in after}
    events = []
    for job in sorted(after, key=lambda j: j.id):
        prev = old.get(job.id)
        if prev is None and job.status is JobStatus.QUEUED:
            continue  # a job created queued has not done anything yet
        if prev is not None and prev.status is job.status:
            continue
        events.append(Lifecycle(job))
    events += [Lifecycle(old[job_id], deleted=True) for job_id in sorted(set(old) - new)]
    return tuple(events)

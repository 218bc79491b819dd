"""Toasts for lifecycle events, found by comparing two snapshots of the jobs: they appear for
changes made here, by another instance, or by the clock, while you look at any screen."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from vapor_tui.core.job import Job
from vapor_tui.core.status import JobStatus
from vapor_tui.present import text
from vapor_tui.ui.glyphs import Glyphs


@dataclass(frozen=True)
class Notice:
    title: str
    text: str
    severity: str = "information"


def lifecycle(before: Iterable[Job], after: Iterable[Job], glyphs: Glyphs) -> Iterator[Notice]:
    old = {j.id: j for j in before}
    new = {j.id for j in after}
    for job in sorted(after, key=lambda j: j.id):
        prev = old.get(job.id)
        if prev is None and job.status is JobStatus.QUEUED:
            continue  # a job created queued has not done anything yet
        if prev is not None and prev.status is job.status:
            continue
        yield _notice(job, glyphs)
    for job_id in sorted(set(old) - new):
        yield Notice("Deleted", f"#{job_id} {old[job_id].name}", "warning")


def _notice(job: Job, glyphs: Glyphs) -> Notice:
    who = f"#{job.id} {job.name}"
    symbol = glyphs.symbol(job.status)
    status = job.status
    if status is JobStatus.RUNNING:
        return Notice(f"{symbol} Started", who)
    if status is JobStatus.STOPPING:
        end = f" at step {job.stop_at_step:,}" if job.stop_at_step else ""
        return Notice(f"{symbol} Stopping", f"{who} finishes its epoch{end}")
    if status is JobStatus.STOPPED:
        return Notice(f"{symbol} Stopped", f"{who}: {job.reason}", "warning")
    if status is JobStatus.COMPLETE:
        return Notice(f"{symbol} Complete", f"{who}: final loss {text.loss(job.last_loss)}")
    if status is JobStatus.FAILED:
        return Notice(f"{symbol} Failed", f"{who}: {job.reason or 'failed'}", "error")
    return Notice(f"{symbol} {status}", who)

"""Toasts: lifecycle events (vapor_tui.live.events) and action outcomes, as words and symbols."""

from __future__ import annotations

from dataclasses import dataclass

from vapor_tui.core.status import JobStatus
from vapor_tui.live.commands import Cloned, Created, Outcome, Refused
from vapor_tui.live.events import Lifecycle
from vapor_tui.present import text
from vapor_tui.ui.glyphs import Glyphs


@dataclass(frozen=True)
class Notice:
    title: str
    text: str
    severity: str = "information"
    timeout: float | None = None


def lifecycle_notice(event: Lifecycle, glyphs: Glyphs) -> Notice:
    job = event.job
    who = f"#{job.id} {job.name}"
    if event.deleted:
        return Notice("Deleted", who, "warning")
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


def outcome_notice(outcome: Outcome) -> Notice | None:
    """A refusal says why; a created or cloned job says its id. The rest shows as lifecycle
    events (a start as "Started", a delete as "Deleted"), whoever caused them."""
    match outcome:
        case Refused(_, reason):
            return Notice("Refused", text.sentence(reason), "warning", timeout=6)
        case Created(_, job):
            return Notice("", f"Created #{job.id} {job.name}")
        case Cloned(command, job):
            return Notice("", f"Cloned #{command.job_id} as #{job.id}")
    return None

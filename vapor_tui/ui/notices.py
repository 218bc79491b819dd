"""Toasts: lifecycle events (found by vapor_tui.live.events between two job lists: changes made
here, by another instance, or by the clock, while you look at any screen) and action outcomes.

Events of one kind fold: twelve jobs started by a script read "12 jobs started" in one toast,
which grows while it shows instead of stacking twelve over the table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.app import App
from textual.notifications import Notification, Notify

from vapor_tui.core.job import Job
from vapor_tui.core.status import JobStatus
from vapor_tui.live.commands import Cloned, Created, Outcome, Refused
from vapor_tui.live.events import Lifecycle
from vapor_tui.present import text
from vapor_tui.ui import compat
from vapor_tui.ui.glyphs import Glyphs

NAMED = 4  # jobs named in a folded toast, then "and N more"


@dataclass(frozen=True)
class Notice:
    title: str
    text: str
    severity: str = "information"
    timeout: float | None = None


@dataclass(frozen=True)
class Event:
    """One job's change: `kind` is its new status, or "deleted"."""

    kind: str
    job: Job


def notice(jobs: list[Job], kind: str, glyphs: Glyphs) -> Notice:
    """The toast for jobs that changed the same way: one job's says what happened to it;
    several read "12 jobs started" and name the first few."""
    if len(jobs) == 1:
        return _one(jobs[0], kind, glyphs)
    severity = {"stopped": "warning", "deleted": "warning", "failed": "error"}.get(kind)
    symbol = "" if kind == "deleted" else f"{glyphs.symbol(JobStatus(kind))} "
    verb = {"running": "started", "stopping": "stopping"}.get(kind, kind)
    names = ", ".join(f"#{j.id} {j.name}" for j in jobs[:NAMED])
    more = f" and {len(jobs) - NAMED} more" if len(jobs) > NAMED else ""
    return Notice(f"{symbol}{len(jobs)} jobs {verb}", names + more, severity or "information")


def _one(job: Job, kind: str, glyphs: Glyphs) -> Notice:
    who = f"#{job.id} {job.name}"
    if kind == "deleted":
        return Notice("Deleted", who, "warning")
    status = job.status
    symbol = glyphs.symbol(status)
    if status is JobStatus.RUNNING:
        return Notice(f"{symbol} Started", who)
    if status is JobStatus.STOPPING:
        if not job.is_simulated:  # a script decides when it stops: say what was asked of it
            return Notice(f"{symbol} Stopping", f"{who}: {job.reason or 'stop requested'}")
        end = f" at step {job.stop_at_step:,}" if job.stop_at_step else ""
        return Notice(f"{symbol} Stopping", f"{who} finishes its epoch{end}")
    if status is JobStatus.STOPPED:
        return Notice(f"{symbol} Stopped", f"{who}: {job.reason}", "warning")
    if status is JobStatus.COMPLETE:
        return Notice(f"{symbol} Complete", f"{who}: final loss {text.loss(job.last_loss)}")
    if status is JobStatus.FAILED:
        return Notice(f"{symbol} Failed", f"{who}: {job.reason or 'failed'}", "error")
    return Notice(f"{symbol} {status}", who)


class Toasts:
    """The app's toasts, none stacked twice: a toast posted under the key of one still
    showing replaces it. The key is the toast's own text unless given: the same refusal,
    pressed five times, shows once; lifecycle events of a kind share one key, so that the
    toast of a burst grows ("12 jobs started") while it shows."""

    def __init__(self, app: App) -> None:
        self.app = app
        self._live: dict[object, Notification] = {}
        self._folded: dict[str, list[Job]] = {}  # kind -> the jobs its live toast names

    def post(
        self,
        message: str,
        *,
        title: str,
        severity: str,
        timeout: float | None,
        markup: bool,
        key: object = None,
    ) -> Notification:
        key = (severity, title, message) if key is None else key
        for stale in [k for k, n in self._live.items() if n.has_expired]:
            del self._live[stale]
        shown = self._live.get(key)
        if shown is not None:
            self._drop(shown)
        seconds = self.app.NOTIFICATION_TIMEOUT if timeout is None else timeout
        notification = Notification(message, title, severity, seconds, markup=markup)  # type: ignore[arg-type]
        self._live[key] = notification
        self.app.post_message(Notify(notification))
        return notification

    def lifecycle(
        self,
        found: list[Event],
        glyphs: Glyphs,
        notify: Callable[..., object],
    ) -> None:
        """Toast each kind of change once, folded into the toast of its kind still showing."""
        kinds: dict[str, list[Job]] = {}
        for event in found:
            kinds.setdefault(event.kind, []).append(event.job)
        for kind, jobs in kinds.items():
            shown = self._live.get(("lifecycle", kind))
            if shown is not None and not shown.has_expired:
                named = {j.id for j in jobs}
                jobs = [j for j in self._folded.get(kind, []) if j.id not in named] + jobs
            self._folded[kind] = jobs
            note = notice(jobs, kind, glyphs)
            notify(note.text, title=note.title, severity=note.severity, key=("lifecycle", kind))

    def _drop(self, notification: Notification) -> None:
        compat.drop_notification(self.app, notification)


def as_events(found: tuple[Lifecycle, ...]) -> list[Event]:
    return [Event("deleted" if e.deleted else e.job.status.value, e.job) for e in found]


def outcome_notice(outcome: Outcome) -> Notice | None:
    """A refusal says why; a created or cloned job says its id. The rest shows as lifecycle
    events (a start as "Started", a delete as "Deleted"), whoever caused them."""
    match outcome:
        case Refused(_, reason):
            return Notice("Refused", text.sentence(reason), "warning", timeout=6)
        case Created(_, job):
            return Notice("", f"Created #{job.id} {job.name}")
        case Cloned(command, job):
            seed = "same seed" if command.same_seed else f"new seed {job.sim.seed}"
            return Notice("", f"Cloned #{command.job_id} as #{job.id} ({seed})")
    return None

"""Start / stop / fail / clone on the selected job, shared by the jobs and detail screens.

Each key has two bindings: the action itself, shown in the footer only when the job's state
allows it, and a hidden fallback on the same key that says why it is not possible. Textual
tries a key's bindings in order and skips one whose `check_action` is False.
"""

from __future__ import annotations

from textual.binding import Binding

from vapor_tui.core.job import Job
from vapor_tui.core.status import Action, JobStatus, TransitionError, next_status

JOB_ACTION_BINDINGS = [
    Binding("s", "job('start')", "Start", tooltip="Start a queued job", id="job.start"),
    Binding("s", "refused('start')", "Start", show=False, id="job.start.refused"),
    Binding("x", "job('stop')", "Stop", tooltip="Stop after the current epoch", id="job.stop"),
    Binding(
        "x", "job('stop_now')", "Stop now", tooltip="Stop a stopping job at once", id="job.stop_now"
    ),
    Binding("x", "refused('stop')", "Stop", show=False, id="job.stop.refused"),
    Binding("f", "fail", "Fail", tooltip="Mark the job failed (asks first)", id="job.fail"),
    Binding("f", "refused('fail')", "Fail", show=False, id="job.fail.refused"),
    Binding(
        "c",
        "clone",
        "Clone",
        tooltip="A new queued job like this one, with a new seed",
        id="job.clone",
    ),
    Binding(
        "C",
        "clone(True)",
        "Clone, same seed",
        tooltip="Clone with the same seed (the same curve)",
        show=False,
        id="job.clone_same_seed",
    ),
]


def _allowed(job: Job, action: str) -> bool:
    if action == "stop_now":
        return job.status is JobStatus.STOPPING
    if action == "stop" and job.status is JobStatus.STOPPING:
        return False  # shown as "Stop now" instead
    return next_status(job.status, Action(action)) is not None


class JobActions:
    """Mixin for a Screen that has a current job."""

    NO_JOB_TEXT = "No job selected."
    # Does a clone made here get the jobs screen's cursor? Not from a detail screen, whose
    # job `esc` goes back to.
    CLONE_SELECTS = True

    def selected_job(self) -> Job | None:
        raise NotImplementedError

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        job = self.selected_job()
        if action == "job":
            return job is not None and _allowed(job, str(parameters[0]))
        if action == "fail":
            return job is not None and _allowed(job, "fail")
        if action in ("clone", "delete", "open"):
            return job is not None
        return True

    def action_job(self, name: str) -> None:
        job = self.selected_job()
        if job is None:
            return
        if name == "stop" and job.status is JobStatus.QUEUED:
            self._ask_then(  # final and at once: a key the user may not have meant
                f"Stop #{job.id} {job.name}?",
                "It has not started: stopped now, it never will (stopped is final).",
                "stop",
                job,
            )
            return
        action = "stop" if name == "stop_now" else name
        self.app.act(action, job.id, expected=job.status)

    def _ask_then(self, question: str, detail: str, action: str, job: Job) -> None:
        """Ask first; on yes, act on the job as it was when the key was pressed."""
        from vapor_tui.ui.screens.confirm import ConfirmScreen

        job_id, seen = job.id, job.status

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self.app.act(action, job_id, expected=seen)

        self.app.push_screen(ConfirmScreen(question, detail), done)

    def action_refused(self, name: str) -> None:
        job = self.selected_job()
        if job is None:
            self.notify(self.NO_JOB_TEXT, severity="warning")
            return
        text = str(TransitionError(job.id, job.name, job.status, Action(name)))
        self.notify(text[:1].upper() + text[1:], title="Not possible", severity="warning")

    def action_fail(self) -> None:
        job = self.selected_job()
        if job is not None:
            question = f"Mark #{job.id} {job.name} as failed?"
            self._ask_then(question, "Its points are kept.", "fail", job)

    def action_clone(self, same_seed: bool = False) -> None:
        job = self.selected_job()
        if job is not None:
            kind = "clone_same_seed" if same_seed else "clone"
            self.app.act(kind, job.id, select=self.CLONE_SELECTS)

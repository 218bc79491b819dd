"""The screens' base classes: every screen reaches the App through the typed `vapor` property,
and says what the help screen (`?`) shows of it besides its bindings; a LiveScreen is handed
every snapshot while it shows, and has the keys that act on its job.

Start / stop / fail / clone have two bindings each: the action itself, shown in the footer only
when the job's state allows it, and a hidden fallback on the same key that says why it is not
possible. Textual tries a key's bindings in order and skips one whose `check_action` is False.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, TypeVar, cast

from textual.binding import Binding
from textual.screen import Screen

from vapor_tui.core.job import Job
from vapor_tui.core.status import Action, JobStatus, TransitionError, next_status
from vapor_tui.live.commands import Act, Clone
from vapor_tui.live.tick import Snapshot
from vapor_tui.present.text import sentence

if TYPE_CHECKING:
    from vapor_tui.ui.app import VaporApp

ResultT = TypeVar("ResultT")

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


class VaporScreen(Screen[ResultT]):
    HELP_TITLE: ClassVar[str] = "Keys"
    # (keys, what they do) listed with the bindings: the keys of the screen's main widget...
    HELP_EXTRA: ClassVar[tuple[tuple[str, str], ...]] = ()
    # ...and, after them, how to move about.
    HELP_NAVIGATION: ClassVar[tuple[tuple[str, str], ...]] = ()

    @property
    def vapor(self) -> VaporApp:
        return cast("VaporApp", self.app)


def _allowed(job: Job, action: str) -> bool:
    if action == "stop_now":
        return job.status is JobStatus.STOPPING
    if action == "stop" and job.status is JobStatus.STOPPING:
        return False  # shown as "Stop now" instead
    return next_status(job.status, Action(action)) is not None


class LiveScreen(VaporScreen[None]):
    """A screen of live data with a current job."""

    NO_JOB_TEXT: ClassVar[str] = "No job selected."
    # Does a clone made here get the jobs screen's cursor? Not from a detail screen, whose
    # job `esc` goes back to.
    CLONE_SELECTS: ClassVar[bool] = True

    @property
    def followed_job(self) -> int | None:
        """The job whose points this screen follows (it is handed them while it shows)."""
        return None

    @property
    def followed_jobs(self) -> tuple[int, ...]:
        """Every job whose points this screen is handed while it shows."""
        return () if self.followed_job is None else (self.followed_job,)

    def apply_snapshot(self, snap: Snapshot) -> None:
        """Show what a tick (or an action) brought."""

    def redraw_all(self) -> None:
        """Colours changed (a new theme): render everything again."""

    def selected_job(self) -> Job | None:
        return None

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
                Action.STOP,
                job,
            )
            return
        action = Action.STOP if name == "stop_now" else Action(name)
        self.vapor.submit(Act(job.id, action, job.status, job.stop_rung))

    def _ask_then(self, question: str, detail: str, action: Action, job: Job) -> None:
        """Ask first; on yes, act on the job as it was when the key was pressed."""
        from vapor_tui.ui.screens.confirm import ConfirmScreen

        job_id, seen, rung = job.id, job.status, job.stop_rung

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self.vapor.submit(Act(job_id, action, seen, rung))

        self.vapor.push_screen(ConfirmScreen(question, detail), done)

    def action_refused(self, name: str) -> None:
        job = self.selected_job()
        if job is None:
            self.notify(self.NO_JOB_TEXT, severity="warning")
            return
        why = str(TransitionError(job.id, job.name, job.status, Action(name)))
        self.notify(sentence(why), title="Not possible", severity="warning")

    def action_fail(self) -> None:
        job = self.selected_job()
        if job is not None:
            question = f"Mark #{job.id} {job.name} as failed?"
            self._ask_then(question, "Its points are kept.", Action.FAIL, job)

    def action_clone(self, same_seed: bool = False) -> None:
        job = self.selected_job()
        if job is not None:
            self.vapor.submit(Clone(job.id, same_seed, select=self.CLONE_SELECTS))

"""The app's one timer and what it brings: running jobs brought up to now on a worker thread,
then a snapshot applied to the screens that show, with toasts for what changed."""

from __future__ import annotations

from textual import work
from textual.screen import ModalScreen, Screen

from vapor_tui.ui import notices
from vapor_tui.ui.messages import Snapshot, TickDone, TickFailed
from vapor_tui.ui.worker_ops import run_tick


class TickLoop:
    """Mixed into VaporApp (whose __init__ sets the state used here)."""

    def request_tick(self) -> None:
        """Bring running jobs up to now off the UI thread; never two ticks at once."""
        if self.store is None:
            return
        if self._tick_running:
            self._tick_again = True
            return
        self._tick_running = True
        self._tick_worker(dict(self._followed), self._jobs_version)

    @work(thread=True, name="tick", group="tick", exit_on_error=False)
    def _tick_worker(self, followed: dict[int, tuple[int, int, bool]], version) -> None:
        try:
            self.post_message(run_tick(self.store, followed, version, self.snapshot))
        except Exception as exc:  # keep running, but never silently
            self.post_message(TickFailed(f"unexpected error: {exc!r}"))
            raise

    def on_tick_done(self, message: TickDone) -> None:
        self._tick_running = False
        snap = message.snapshot
        self._jobs_version = message.version
        kept, bases = {}, {}
        # A covered screen (under the too-small notice) is not given its points: its cursor
        # stays where it was, and the first tick after it shows again reads them all.
        shown = {getattr(screen, "job_id", None) for screen in self.visible_screens()}

        def token(job_id: int) -> int | None:
            """The follow token, if the screen that asked for this job's points still shows."""
            current = self._followed.get(job_id)
            if current is None or message.tokens.get(job_id) != current[0]:
                return None  # the screen that asked for it is gone
            return current[0] if job_id in shown else None

        for job_id, base in snap.bases.items():
            if (held := token(job_id)) is not None:
                bases[job_id] = base
                self._followed[job_id] = (held, base.last_step, True)
        for job_id, points in snap.points.items():
            if (held := token(job_id)) is not None:
                kept[job_id] = points
                if len(points):
                    self._followed[job_id] = (held, points.last_step, True)
        snap = Snapshot(snap.jobs, snap.now, kept, snap.jobs_changed, bases)
        if snap.jobs_changed and self.snapshot is not None:
            found = notices.events(self.snapshot.jobs, snap.jobs)
            self.toasts.lifecycle(found, self.glyphs, self.notify)
        self.problem = None
        self._apply(snap)
        self._last_tick_error = None
        self.ticks_applied += 1
        self._tick_again_if_asked()

    def _tick_again_if_asked(self) -> None:
        if self._tick_again:
            self._tick_again = False
            self.request_tick()

    def _apply(self, snap: Snapshot) -> None:
        self.snapshot = snap
        for screen in self.visible_screens():
            apply = getattr(screen, "apply_snapshot", None)
            if apply is not None:
                apply(snap)

    def visible_screens(self) -> list[Screen]:
        """The top screen and those that show through it (under modal dialogs).

        A covered screen is left alone: when a background screen changes, Textual repaints
        the whole top screen, which would resend every cell of the terminal on every tick.
        A screen that becomes current again catches up in its on_screen_resume."""
        visible = []
        for screen in reversed(self.screen_stack):
            visible.append(screen)
            if not isinstance(screen, ModalScreen):
                break
        return visible

    def on_tick_failed(self, message: TickFailed) -> None:
        """The app keeps running: it says what is wrong once, shows it in the top bar, and
        tries again on the next tick."""
        self._tick_running = False
        if message.error != self._last_tick_error:
            self.notify(message.error, title="Database", severity="error", timeout=10)
        self._last_tick_error = message.error
        if message.unreachable:  # a server restarting, the network gone: the next tick retries
            self.problem = "cannot reach the database; retrying"
        else:
            self.problem = "cannot update: " + message.error.split(": ")[-1]
        if self.snapshot is not None:
            self._apply(Snapshot(self.snapshot.jobs, self.snapshot.now, {}, False))
        self._tick_again_if_asked()

    # --- following a job's points --------------------------------------------------------

    def follow(self, job_id: int) -> None:
        self._follow_token += 1
        self._followed[job_id] = (self._follow_token, 0, False)
        self.request_tick()

    def unfollow(self, job_id: int) -> None:
        self._followed.pop(job_id, None)

"""The App: one timer, the database work on worker threads, messages routed to the screens.

What a tick and an action are lives in vapor_tui.live; the App only starts workers with
everything they need as arguments, hands their results to the session's bookkeeping, and shows
what it says.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

from vapor_tui.core import startup_gc
from vapor_tui.core.clock import Clock, SystemClock
from vapor_tui.core.job import Job
from vapor_tui.live.action_queue import ActionQueue
from vapor_tui.live.commands import Act, Cloned, Command, Created
from vapor_tui.live.session import Live, TickGate, Update
from vapor_tui.live.tick import Snapshot, TickResult, TickTrouble
from vapor_tui.live.tick_thread import TickThread
from vapor_tui.ui import compat
from vapor_tui.ui.app_keys import APP_BINDINGS
from vapor_tui.ui.chart_options import ChartOptions
from vapor_tui.ui.glyphs import Glyphs
from vapor_tui.ui.heap import StartupFreeze
from vapor_tui.ui.messages import (
    ActionDone,
    ChartPeeked,
    EarlyDeclined,
    Peeked,
    Projected,
    StoreFailed,
    StoreOpened,
    StoreUnreachable,
    TickDone,
    TickRequested,
)
from vapor_tui.ui.notices import Notice, Toasts, as_events, outcome_notice
from vapor_tui.ui.screens.base import LiveScreen
from vapor_tui.ui.startup import QUIET_S, Quiet, open_again, open_in_background

if TYPE_CHECKING:
    from vapor_tui.store.engine import Store

OPEN, ACTIONS = "open", "actions"  # worker groups (ticks run on a TickThread of their own)


class VaporApp(App[int]):
    CSS_PATH = "vapor.tcss"
    TITLE = "vapor-tui"
    BINDINGS = APP_BINDINGS

    def __init__(
        self,
        db: str | None = None,
        *,
        store: Store | None = None,
        clock: Clock | None = None,
        refresh: float = 1.0,
        watch: int | None = None,
        ascii_only: bool = False,
        theme: str | None = None,
        timer: bool = True,
        peeked: tuple[Job, ...] | None = None,
        remember_theme: bool = False,
        notice: str | None = None,
    ) -> None:
        from vapor_tui.ui.terminal import no_color

        compat.apply()
        # With NO_COLOR, Textual's ANSI mode strips colour entirely instead of greying it.
        super().__init__(ansi_color=True if no_color() else None)
        if theme is not None:
            self.theme = theme
        # A theme chosen in the app is saved for the next run (one given by --theme is not).
        self.remember_theme = remember_theme
        self.start_notice = notice  # a toast at the start (where the demo's database is)
        if ascii_only:
            self.add_class("-ascii")
        self.db = db
        self.store = store
        self.clock = clock or (store.clock if store is not None else SystemClock())
        self.refresh_seconds = refresh
        self.watch_id = watch
        self.glyphs = Glyphs(ascii_only)
        self.chart_options = ChartOptions()  # log, smoothing, metric, fit: kept for the session
        self.compare_options = ChartOptions()  # the compare screen's, kept apart
        self.toasts = Toasts(self)
        self.use_timer = timer
        self.live = Live()
        self.ticks = TickGate()
        self.tick_thread = TickThread(lambda result: self.post_message(TickDone(result)))
        self._ticks_idle = asyncio.Event()  # no tick at work: what wait_for_work waits on
        self._ticks_idle.set()
        self.actions = ActionQueue()
        self._uninstall_signals: Callable[[], None] | None = None
        self._peeked = peeked  # the job list read before the app started, for its first frame
        self.quiet = Quiet()
        self.heap = StartupFreeze()

    @property
    def snapshot(self) -> Snapshot | None:
        return self.live.snapshot

    def get_key_display(self, binding: Binding) -> str:
        if self.glyphs.ascii and binding.key == "enter":
            return "enter"
        return super().get_key_display(binding)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,  # messages carry job names, which may look like markup
        key: object = None,
    ) -> None:
        """A toast; one posted again (or under the `key` of one showing) replaces it."""
        self.toasts.post(
            message, title=title, severity=severity, timeout=timeout, markup=markup, key=key
        )

    def show_notice(self, notice: Notice) -> None:
        timeout = {} if notice.timeout is None else {"timeout": notice.timeout}
        self.notify(notice.text, title=notice.title, severity=notice.severity, **timeout)  # type: ignore[arg-type]

    # --- start-up -------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        """The jobs screen, at the bottom of the stack: no blank screen beneath it, whose own
        layout after the first frame had Textual send that whole frame again."""
        from vapor_tui.ui.screens.jobs import JobsScreen

        return JobsScreen()

    def on_mount(self) -> None:
        from vapor_tui.ui import signals

        self._uninstall_signals = signals.install(self.exit, lambda: compat.driver_of(self))
        self._theme_changed()
        self.theme_changed_signal.subscribe(self, lambda _theme: self._theme_changed(True))
        if self._peeked is not None:
            self._show(self.live.accept_peek(self._peeked, self.clock.now()))
        if self.start_notice:
            self.notify(self.start_notice, title="Demo", timeout=15)
        if self.watch_id is not None:
            # Straight to the job: the jobs screen beneath is never painted (it was painted,
            # fully, three or four times before, about 45 KB over an SSH link).
            self.open_detail(self.watch_id)
        self.call_after_refresh(self.quiet.first_frame.set)
        if self.store is None:
            # `watch ID` opens on a chart, which needs the store: no pause for a first key.
            pause = 0.0 if self.watch_id is not None else QUIET_S
            opener = partial(
                open_in_background,
                self.post_message,
                self.db,
                self.clock,
                self._peeked,
                self.quiet,
                pause,
                self.watch_id,
            )
            self.run_worker(opener, thread=True, group=OPEN, exit_on_error=False)
        else:
            self._store_ready()

    def _theme_changed(self, chosen: bool = False) -> None:
        if chosen and self.remember_theme:
            from vapor_tui.ui.palette_commands import remember_theme

            remember_theme(self)
        self.glyphs.use_theme(self.theme_variables)
        for screen in self.screen_stack:
            if isinstance(screen, LiveScreen) and screen.is_mounted:  # else it draws on mount
                screen.redraw_all()

    def on_peeked(self, message: Peeked) -> None:
        self._show(self.live.accept_peek(message.jobs, message.now))

    def on_chart_peeked(self, message: ChartPeeked) -> None:
        self._show(self.live.accept_chart(message.job_id, message.base))

    def on_projected(self, message: Projected) -> None:
        self._show(self.live.project(message.now))

    def on_store_opened(self, message: StoreOpened) -> None:
        self.store = message.store
        self._store_ready()

    def on_store_failed(self, message: StoreFailed) -> None:
        self.exit(return_code=2, message=f"vapor-tui: error: {message.error}")

    def on_store_unreachable(self, message: StoreUnreachable) -> None:
        self._start_over()  # no tick until the server answers
        self._tick_failed(TickTrouble(message.error, unreachable=True))
        self.set_timer(self.refresh_seconds, self._open_again)

    def _open_again(self) -> None:
        opener = partial(open_again, self.post_message, self.db, self.clock)
        self.run_worker(opener, thread=True, group=OPEN, exit_on_error=False)

    def _store_ready(self) -> None:
        if self.store is not None and self.store.warning:  # SQLite on a network filesystem
            self.notify(self.store.warning, title="Database", severity="warning", timeout=30)
        for note in self.store.notes if self.store is not None else ():
            # What opening repaired (a table made again from the points).
            self.notify(note, title="Database", severity="warning", timeout=10)
        if self.use_timer:
            # Straight to the handler: a message a second posted to say "tick" was one more
            # trip through the queue on the UI thread.
            self.set_interval(self.refresh_seconds, self._timer_tick, name="tick")
        self.request_tick()
        self._next_action()  # those pressed while the database opened

    def on_unmount(self) -> None:
        if self._uninstall_signals is not None:
            self._uninstall_signals()
        self.tick_thread.stop()  # it ends after the tick at work, whose store closes now
        self.heap.release()
        if self.store is not None:
            self.store.close()

    # --- ticks ----------------------------------------------------------------------------

    def request_tick(self) -> None:
        self.post_message(TickRequested())

    def on_tick_requested(self, _message: TickRequested) -> None:
        self._timer_tick()

    def _timer_tick(self) -> None:
        if self.store is not None and self.ticks.ask():
            self._tick(self.store)
        elif self.store is not None:
            # The last tick is still at work (a long catch-up): show running jobs as the
            # clock says they are meanwhile.
            self._show(self.live.project(self.clock.now()))

    def _tick(self, store: Store) -> None:
        self._ticks_idle.clear()
        self.tick_thread.submit(store, self.live.request())

    async def wait_for_work(self) -> None:
        """Until the workers are done and no tick is at work (its result handled): what
        tests and benchmarks wait on, as they waited on Textual's workers alone."""
        await self.workers.wait_for_complete()
        await self._ticks_idle.wait()

    def on_tick_done(self, message: TickDone) -> None:
        result = message.result
        if isinstance(result, TickResult):
            screens = [s for s in self.visible_screens() if isinstance(s, LiveScreen)]
            shown = {job for s in screens for job in s.followed_jobs}
            update = self.live.accept_tick(result, shown)
            if update.trouble:  # read, but running jobs could not be brought up to now
                self.notify(update.trouble, title="Database", severity="error", timeout=10)
            self._show(update)
        else:
            self._tick_failed(result)
        self._tick_ended()
        if not self.heap.frozen:  # the first tick's rows and chart: over once drawn
            self.call_after_refresh(self._start_over)

    def _start_over(self) -> None:
        """Start-up is over: collection runs again (held from the entry point on:
        core/startup_gc.py), over only what comes after (ui/heap.py)."""
        startup_gc.release()
        self.heap.freeze()

    def _tick_failed(self, trouble: TickTrouble) -> None:
        """The app keeps running: it says what is wrong once, shows it in the top bar, and
        tries again on the next tick."""
        update, new = self.live.accept_trouble(trouble)
        if new:
            self.notify(trouble.error, title="Database", severity="error", timeout=10)
        self._show(update)

    def _tick_ended(self) -> None:
        if self.ticks.finished() and self.store is not None:
            self._tick(self.store)
        else:
            self._ticks_idle.set()

    def _show(self, update: Update | None) -> None:
        if update is None:
            return
        if update.events:
            self.toasts.lifecycle(as_events(update.events), self.glyphs, self.notify)
        for alert in update.alerts:
            self.notify(alert, title="Metric", severity="warning", timeout=10)
        for screen in self.visible_screens():
            if isinstance(screen, LiveScreen) and screen.is_mounted:  # else it shows on mount
                screen.apply_snapshot(update.snapshot)

    def visible_screens(self) -> list[Screen[Any]]:
        """The top screen and those that show through it (under modal dialogs).

        A covered screen is left alone: when a background screen changes, Textual repaints
        the whole top screen, which would resend every cell of the terminal on every tick.
        A screen that becomes current again catches up in its on_screen_resume."""
        visible: list[Screen[Any]] = []
        for screen in reversed(self.screen_stack):
            visible.append(screen)
            if not isinstance(screen, ModalScreen):
                break
        return visible

    def follow(self, job_id: int, output: bool = False) -> None:
        self.live.follow(job_id, output)
        self.request_tick()

    def unfollow(self, job_id: int) -> None:
        self.live.unfollow(job_id)

    def follow_curves(self, job_ids: list[int], metric: str) -> None:
        """The compare screen's curves: read from their summaries on the next tick."""
        self.live.follow_curves(job_ids, metric)
        self.request_tick()

    # --- actions --------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self.quiet.touch(self.actions.pending)
        await super().on_event(event)

    def submit(self, command: Command) -> None:
        """Carry out a user action, after those asked for before it (and, while the database
        opens, as soon as it is open). The result comes back as ActionDone."""
        self.actions.submit(command)
        self.quiet.touch(self.actions.pending)
        self._next_action()

    def _next_action(self) -> None:
        if self.store is None:
            early = self.actions.next_early()
            if early is not None:
                self._act_early(self.db, early, self.clock)
            return
        command = self.actions.next()
        if command is not None:
            self._act(self.store, command)

    @work(thread=True, group=ACTIONS, exit_on_error=False)
    def _act_early(self, db: str | None, command: Act, clock: Clock) -> None:
        from vapor_tui.live.opening import early

        outcome = early(db, command, clock)
        self.post_message(ActionDone(outcome) if outcome else EarlyDeclined(command))

    def on_early_declined(self, message: EarlyDeclined) -> None:
        self.actions.declined(message.command)
        self._next_action()

    @work(thread=True, group=ACTIONS, exit_on_error=False, description="action")
    def _act(self, store: Store, command: Command) -> None:
        from vapor_tui.live.commands import execute

        self.post_message(ActionDone(execute(store, command)))

    def on_action_done(self, message: ActionDone) -> None:
        outcome = message.outcome
        self.actions.finished(outcome)
        self.quiet.touch(self.actions.pending)
        notice = outcome_notice(outcome)
        if notice is not None:
            self.show_notice(notice)
        if isinstance(outcome, Created) or (isinstance(outcome, Cloned) and outcome.command.select):
            self._select_in_jobs(outcome.job.id)  # so that `s` next starts the new job
        self._show(self.live.accept_outcome(outcome))
        self.request_tick()
        self._next_action()

    # --- worker errors: one place --------------------------------------------------------

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state is not WorkerState.ERROR:
            return
        if worker.group == OPEN:  # say so rather than sit on "Opening the database"
            why = f"unexpected error opening the database: {worker.error!r}"
            self.exit(return_code=2, message=f"vapor-tui: error: {why}")
        elif worker.group == ACTIONS:
            self.actions.finished(None)
            self.notify(f"Unexpected error: {worker.error!r}", title="Refused", severity="warning")
            self._next_action()

    # --- screens --------------------------------------------------------------------------

    def open_detail(self, job_id: int) -> None:
        from vapor_tui.ui.screens.detail import JobDetailScreen

        self._select_in_jobs(job_id)  # where `esc` comes back to
        self.push_screen(JobDetailScreen(job_id))

    def _select_in_jobs(self, job_id: int) -> None:
        from vapor_tui.ui.screens.jobs import JobsScreen

        for screen in self.screen_stack:
            if isinstance(screen, JobsScreen):
                screen.select_later(job_id)

    def on_key(self, event: events.Key) -> None:
        """A key no widget took. An enter typed before the terminal was put in raw mode arrives
        as ctrl+j (the line discipline made its CR a newline): it is an enter. A key typed
        straight after `n` was handed to the jobs screen before the form opened over it
        (Textual passes keys on before the one before them is handled): it is the form's, not
        one to drop."""
        # Not imported for this: no form is open before its module is (the first key waited
        # for that import).
        form = sys.modules.get("vapor_tui.ui.screens.new_job")
        screen = self.screen
        if form is not None and isinstance(screen, form.NewJobScreen):
            if event.key == "ctrl+j":
                screen.action_submit()
            elif event.is_printable and event.character:
                screen.type_early(event.character)
        elif event.key == "ctrl+j":  # the job under the cursor opens, as with a later enter
            self.simulate_key("enter")

    def action_command_palette(self) -> None:
        compat.open_palette(self)

    def action_help(self) -> None:
        from vapor_tui.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    async def action_quit(self) -> None:
        self.exit(return_code=0)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        from vapor_tui.ui.palette_commands import commands

        return commands(self, screen)

    def on_resize(self) -> None:
        self.call_after_refresh(self.check_size)

    def check_size(self) -> None:
        from vapor_tui.ui.screens.too_small import fit_screen

        fit_screen(self)

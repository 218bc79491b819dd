"""The App: one timer, database work on worker threads, snapshots back to the screens."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from vapor_tui.core.clock import Clock, SystemClock
from vapor_tui.core.config import JobConfig
from vapor_tui.core.status import JobStatus
from vapor_tui.ui import palette, patches
from vapor_tui.ui.app_ticks import TickLoop
from vapor_tui.ui.chart_options import ChartOptions
from vapor_tui.ui.glyphs import Glyphs
from vapor_tui.ui.messages import (
    ActionDone,
    Peeked,
    Snapshot,
    StoreFailed,
    StoreOpened,
)
from vapor_tui.ui.notices import Toasts
from vapor_tui.ui.worker_ops import run_action

if TYPE_CHECKING:
    from vapor_tui.store.engine import Store

patches.apply()
palette.guard_paging()

MIN_WIDTH, MIN_HEIGHT = 60, 16
QUIT_TEXT = "Quit"


class VaporApp(TickLoop, App[int]):
    CSS_PATH = "vapor.tcss"
    TITLE = "vapor-tui"
    BINDINGS = [
        Binding("q", "quit", "Quit", tooltip=QUIT_TEXT, id="app.quit"),
        Binding(
            "ctrl+q",
            "quit",
            "Quit",
            tooltip=QUIT_TEXT,
            show=False,
            priority=True,
            id="app.quit.ctrl_q",
        ),
        Binding(
            "ctrl+c",
            "quit",
            "Quit",
            tooltip=QUIT_TEXT,
            show=False,
            priority=True,
            id="app.quit.ctrl_c",
        ),
        Binding("question_mark", "help", "Help", tooltip="This list of keys", id="app.help"),
    ]

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
        remember_theme: bool = False,
        notice: str | None = None,
    ) -> None:
        from vapor_tui.ui.terminal import no_color

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
        self.clock = clock
        self.refresh_seconds = refresh
        self.watch_id = watch
        self.glyphs = Glyphs(ascii_only)
        self.chart_options = ChartOptions()  # log, smoothing, metric, fit: kept for the session
        self.use_timer = timer
        self.snapshot: Snapshot | None = None
        self._jobs_version: tuple[int, int, int] | None = None
        self._tick_running = False
        self._tick_again = False
        self._follow_token = 0
        # job id -> (token, last step held, summary loaded): what each detail screen has.
        self._followed: dict[int, tuple[int, int, bool]] = {}
        self.ticks_applied = 0
        self._last_tick_error: str | None = None
        # What keeps the app from writing (a full disk, say), shown until a tick succeeds.
        self.problem: str | None = None
        # Every toast shown, oldest first, as (severity, title, message): tests read it.
        self.notice_log: list[tuple[str, str, str]] = []
        self.toasts = Toasts(self)
        self._uninstall_signals: Callable[[], None] | None = None

    def get_key_display(self, binding: Binding) -> str:
        if self.glyphs.ascii and binding.key == "enter":
            return "enter"
        return super().get_key_display(binding)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity="information",
        timeout: float | None = None,
        markup: bool = False,  # messages carry job names, which may look like markup
        key: object = None,
    ) -> None:
        """A toast; one posted again (or under the `key` of one showing) replaces it."""
        self.notice_log.append((str(severity), title, message))
        self.toasts.post(
            message, title=title, severity=severity, timeout=timeout, markup=markup, key=key
        )

    # --- start-up -------------------------------------------------------------------------

    def on_mount(self) -> None:
        from vapor_tui.ui.screens.jobs import JobsScreen

        self._install_signal_handlers()
        self._theme_changed()
        self.theme_changed_signal.subscribe(self, lambda _theme: self._theme_changed(True))
        self.push_screen(JobsScreen())
        if self.start_notice:
            self.notify(self.start_notice, title="Demo", timeout=15)
        if self.watch_id is not None:
            # Straight to the job: the jobs screen beneath is never painted (it was painted,
            # fully, three or four times before, about 45 KB over an SSH link).
            self.open_detail(self.watch_id)
        if self.store is None:
            self._open_store()
        else:
            self._store_ready()

    def _theme_changed(self, chosen: bool = False) -> None:
        if chosen and self.remember_theme:
            from vapor_tui.ui.palette_commands import remember_theme

            remember_theme(self)
        self.glyphs.use_theme(self.theme_variables)
        for screen in self.screen_stack:
            redraw = getattr(screen, "redraw_all", None)
            if redraw is not None:
                redraw()

    def _install_signal_handlers(self) -> None:
        from vapor_tui.ui import signals

        self._uninstall_signals = signals.install(self.exit, lambda: self._driver)

    @work(thread=True, name="open-store", exit_on_error=False)
    def _open_store(self) -> None:
        try:
            self._peek_then_open()
        except Exception as exc:  # a bug: say so rather than sit on "Opening the database"
            self.post_message(StoreFailed(f"unexpected error opening the database: {exc!r}"))
            raise

    def _peek_then_open(self) -> None:
        from vapor_tui.store.peek import peek_jobs

        jobs = peek_jobs(self.db)
        if jobs is not None:
            # Paint the job list now; the full store (and its imports) comes next.
            self.post_message(Peeked(tuple(jobs), (self.clock or SystemClock()).now()))

        from vapor_tui.store.engine import StoreError, open_store

        try:
            store = open_store(self.db, clock=self.clock)
        except StoreError as exc:
            self.post_message(StoreFailed(str(exc)))
        else:
            self.post_message(StoreOpened(store))

    def on_peeked(self, message: Peeked) -> None:
        if self.snapshot is None:
            self._apply(Snapshot(message.jobs, message.now, {}, True))

    def on_store_opened(self, message: StoreOpened) -> None:
        self.store = message.store
        self._store_ready()

    def on_store_failed(self, message: StoreFailed) -> None:
        self.exit(return_code=2, message=f"vapor-tui: error: {message.error}")

    def _store_ready(self) -> None:
        if getattr(self.store, "warning", None):  # a SQLite file on a network filesystem
            self.notify(self.store.warning, title="Database", severity="warning", timeout=30)
        if self.use_timer:
            self.set_interval(self.refresh_seconds, self.request_tick, name="tick")
        self.request_tick()

    def on_unmount(self) -> None:
        if self._uninstall_signals is not None:
            self._uninstall_signals()
        if self.store is not None:
            self.store.close()

    # --- actions --------------------------------------------------------------------------

    def act(
        self,
        kind: str,
        job_id: int | None = None,
        config: JobConfig | None = None,
        start: bool = False,
        expected: JobStatus | None = None,
        select: bool = True,
    ) -> None:
        """Run a user action on a worker thread; the result comes back as ActionDone.
        `expected` is the job's status as the user saw it when they pressed the key;
        `select`, whether the jobs screen's cursor goes to a job it creates."""
        if self.store is None:
            self.notify("The database is still opening.", severity="warning")
            return
        self._action_worker(kind, job_id, config, start, expected, select)

    @work(thread=True, group="actions", exit_on_error=False)
    def _action_worker(self, kind, job_id, config, start, expected, select) -> None:
        try:
            done = run_action(self.store, kind, job_id, config, start, expected, select)
            self.post_message(done)
        except Exception as exc:  # keep running, but never silently
            self.post_message(ActionDone("", error=f"Unexpected error: {exc!r}", job_id=job_id))
            raise

    def on_action_done(self, message: ActionDone) -> None:
        if message.error:
            self.notify(message.error, title="Refused", severity="warning", timeout=6)
        elif message.message and message.kind != "delete":  # the next tick says "Deleted"
            self.notify(message.message)
        created = message.kind in ("create", "clone", "clone_same_seed")
        if not message.error and created and message.job_id and message.select:
            self._select_in_jobs(message.job_id)  # so that `s` next starts the new job
        self.request_tick()

    def open_detail(self, job_id: int) -> None:
        from vapor_tui.ui.screens.detail import JobDetailScreen

        self._select_in_jobs(job_id)  # where `esc` comes back to
        self.push_screen(JobDetailScreen(job_id))

    def _select_in_jobs(self, job_id: int) -> None:
        from vapor_tui.ui.screens.jobs import JobsScreen

        for screen in self.screen_stack:
            if isinstance(screen, JobsScreen):
                screen.select_later(job_id)

    def action_command_palette(self) -> None:
        palette.open_palette(self)  # Textual's, with two crashes guarded (see palette.py)

    def action_help(self) -> None:
        from vapor_tui.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    async def action_quit(self) -> None:
        self.exit(return_code=0)

    # --- command palette and size --------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from vapor_tui.ui.palette_commands import commands

        return commands(self, screen)

    def on_resize(self) -> None:
        self.call_after_refresh(self._check_size)

    def _check_size(self) -> None:
        from vapor_tui.ui.screens.too_small import TooSmallScreen

        small = self.size.width < MIN_WIDTH or self.size.height < MIN_HEIGHT
        showing = isinstance(self.screen, TooSmallScreen)
        if small and not showing:
            self.push_screen(TooSmallScreen())
        elif not small and showing:
            self.pop_screen()

"""The jobs screen: every job, live, with the keys to create and control them."""

from __future__ import annotations

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from vapor_tui.core.config import JobConfig
from vapor_tui.core.job import Job
from vapor_tui.core.status import JobStatus
from vapor_tui.live.commands import Create, Delete
from vapor_tui.live.tick import Snapshot
from vapor_tui.present.text import count
from vapor_tui.ui.plain import plain
from vapor_tui.ui.screens.base import JOB_ACTION_BINDINGS, LiveScreen
from vapor_tui.ui.widgets.job_table import JobTable
from vapor_tui.ui.widgets.keys_footer import KeysFooter
from vapor_tui.ui.widgets.live_static import LiveStatic

EMPTY_TEXT = (
    "No jobs yet.\n\nPress [b]n[/b] to create one, or run [b]vapor-tui demo[/b] "
    "to try the app with demo jobs."
)


def matches(job: Job, text: str) -> bool:
    text = text.strip().lower()
    if not text:
        return True
    return text in job.name.lower() or job.status.value.startswith(text) or text == str(job.id)


class JobsScreen(LiveScreen):
    HELP_TITLE = "Jobs: keys"
    AUTO_FOCUS = "#jobs"
    HELP_EXTRA = (("enter", "Open the job: its chart, progress and ETA"),)
    HELP_NAVIGATION = (
        ("up/down, k/j", "Move the cursor"),
        ("pgup/pgdn", "Move by a page"),
        ("home/end, g/G", "First / last job"),
    )
    BINDINGS = [
        Binding("n", "new", "New", tooltip="Create a job (a form; enter creates)", id="jobs.new"),
        *JOB_ACTION_BINDINGS,
        Binding(
            "d",
            "delete",
            "Delete",
            tooltip="Delete the job and its points (asks first)",
            id="jobs.delete",
        ),
        Binding(
            "slash",
            "filter",
            "Filter",
            tooltip="Filter by name, status or id",
            id="jobs.filter",
        ),
        Binding("escape", "clear_filter", "Clear filter", id="jobs.clear_filter"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filter_text = ""
        self._jobs: tuple[Job, ...] = ()
        self._summary = ""
        self._footer_for: tuple[int, JobStatus] | None = None
        self._select_on_mount: int | None = None

    def compose(self) -> ComposeResult:
        yield LiveStatic("vapor-tui", id="topbar")
        yield Input(
            placeholder="filter by name or status; enter keeps it, esc clears",
            id="filter",
            compact=True,
        )
        yield JobTable(self.vapor.glyphs, id="jobs")
        yield Static("Opening the database…", id="empty")
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one(JobTable)
        table.setup_columns(self.vapor.size.width)
        if self._select_on_mount is not None:
            table.select_later(self._select_on_mount)
        if self.vapor.snapshot is not None:
            self.apply_snapshot(self.vapor.snapshot)

    def on_screen_resume(self) -> None:
        if self.vapor.snapshot is not None and self.vapor.snapshot.jobs is not self._jobs:
            self.apply_snapshot(self.vapor.snapshot)
        elif self.vapor.snapshot is not None:
            self._show(self.vapor.snapshot)

    def on_resize(self) -> None:
        table = self.query_one(JobTable)
        if table.setup_columns(self.vapor.size.width) and self.vapor.snapshot is not None:
            self._show(self.vapor.snapshot)
        elif self.vapor.snapshot is not None:
            self._update_topbar(self.vapor.snapshot)  # what fits on the top line changed

    # --- data -----------------------------------------------------------------------------

    def redraw_all(self) -> None:
        """Colours changed (a new theme): rebuild every row."""
        table = self.query_one(JobTable)
        table.setup_columns(self.vapor.size.width, force=True)
        self._summary = ""
        if self.vapor.snapshot is not None:
            self._show(self.vapor.snapshot)

    def apply_snapshot(self, snap: Snapshot) -> None:
        self._jobs = snap.jobs
        self._show(snap)

    def _show(self, snap: Snapshot) -> None:
        table = self.query_one(JobTable)
        visible = [j for j in snap.jobs if matches(j, self.filter_text)]
        table.sync(visible, snap.now)
        empty = self.query_one("#empty", Static)
        if not snap.jobs:
            empty.update(EMPTY_TEXT)
        elif not visible:
            shown = plain(self.filter_text)
            empty.update(f"No job matches “{shown}”. Press esc to clear the filter.")
        # Setting `display`, even to the value it has, restyles the widget: only on change.
        if empty.display != (not visible):
            empty.display = not visible
        if table.display != bool(visible):
            table.display = bool(visible)
        self._update_topbar(snap)
        self._refresh_footer()

    def _update_topbar(self, snap: Snapshot) -> None:
        counts = {s: 0 for s in JobStatus}
        for job in snap.jobs:
            counts[job.status] += 1
        g = self.vapor.glyphs
        sep = f" {g.sep} "
        total = count(len(snap.jobs), "job")
        words = sep.join([total] + [f"{counts[s]} {s}" for s in JobStatus if counts[s]])
        symbols = " ".join([total] + [f"{counts[s]}{g.symbol(s)}" for s in JobStatus if counts[s]])
        # (markup, the text it shows) of each note, so that its width is known exactly.
        notes: list[tuple[str, str]] = []
        if self.filter_text:
            shown = f"  {g.sep}  filter: “{self.filter_text}”"
            notes.append((plain(shown), shown))
        store = self.vapor.store
        if store is not None and store.readonly:
            notes.append(("  [b $warning]read-only: viewing only[/]", "  read-only: viewing only"))
        if store is not None and store.warning:
            note = "  SQLite on a network filesystem: use PostgreSQL"
            notes.append((f"  [b $warning]{note.strip()}[/]", note))
        problem = self.vapor.live.problem
        if problem:
            notes.append((f"  [b $error]{plain(problem)}[/]", f"  {problem}"))
        target = store.target if store is not None else ""
        where = (f"  [dim]{plain(target)}[/dim]", f"  {target}")
        # Narrow terminals: the database path goes first, then the counts shrink to symbols.
        room = self.vapor.size.width - 2
        text = ""
        for counts_text, tail in ((words, [where]), (words, []), (symbols, [])):
            parts = [("[b]vapor-tui[/b]  ", "vapor-tui  "), (counts_text, counts_text)]
            parts += notes + tail
            text = "".join(markup for markup, _ in parts)
            if cell_len("".join(shown for _, shown in parts)) <= room:
                break
        if text != self._summary:
            self._summary = text
            self.query_one("#topbar", Static).update(text)

    def selected_job(self) -> Job | None:
        # No table while the screen is being built or taken down (a palette command can run
        # as the app quits): no job then.
        tables = self.query(JobTable)
        job_id = tables.first().selected_id if tables else None
        for job in self._jobs:
            if job.id == job_id:
                return job
        return None

    @on(JobTable.Highlighted)
    def _highlighted(self) -> None:
        self._refresh_footer()

    def _refresh_footer(self) -> None:
        """The footer offers the keys the selected job's state allows: refresh it when the
        selection or that job's status changed, whoever changed it."""
        selected = self.selected_job()
        footer_for = None if selected is None else (selected.id, selected.status)
        if footer_for != self._footer_for:
            self._footer_for = footer_for
            self.refresh_bindings()

    def select_later(self, job_id: int) -> None:
        """Put the cursor on this job once the table shows it (created, cloned, opened)."""
        if not self.is_mounted:
            self._select_on_mount = job_id
            return
        self.query_one(JobTable).select_later(job_id)
        snap = self.vapor.snapshot
        # A covered screen catches up when it shows again (repainting it now would resend the
        # whole terminal).
        if (
            snap is not None
            and snap.job(job_id) is not None
            and self in self.vapor.visible_screens()
        ):
            self._show(snap)

    @on(JobTable.Selected)
    def _selected(self) -> None:
        self.action_open()

    # --- actions --------------------------------------------------------------------------

    def action_open(self) -> None:
        job = self.selected_job()
        if job is not None:
            self.vapor.open_detail(job.id)

    def action_new(self) -> None:
        from vapor_tui.ui.screens.new_job import NewJobScreen

        def created(result: tuple[JobConfig, bool] | None) -> None:
            if result is not None:
                config, start = result
                self.vapor.submit(Create(config, start))

        self.vapor.push_screen(NewJobScreen(), created)

    def action_delete(self) -> None:
        from vapor_tui.ui.screens.confirm import ConfirmScreen

        job = self.selected_job()
        if job is None:
            return
        job_id = job.id
        points = count(job.steps_done, "point")
        detail = f"Its {points} will be deleted with it." if job.steps_done else "It has no points."

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self.vapor.submit(Delete(job_id))

        self.vapor.push_screen(ConfirmScreen(f"Delete #{job.id} {job.name}?", detail), done)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":  # in the footer only while there is a filter to clear
            boxes = self.query("#filter")
            return bool(self.filter_text) or bool(boxes and boxes.first().display)
        return super().check_action(action, parameters)

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.focus()
        self.refresh_bindings()

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if not box.display and not self.filter_text:
            return
        box.value = ""
        box.display = False
        self.filter_text = ""
        self.query_one(JobTable).focus()
        self.refresh_bindings()
        if self.vapor.snapshot is not None:
            self._show(self.vapor.snapshot)

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if bool(self.filter_text) != bool(event.value):
            self.refresh_bindings()
        self.filter_text = event.value
        if self.vapor.snapshot is not None:
            self._show(self.vapor.snapshot)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        box = self.query_one("#filter", Input)
        if not self.filter_text:
            box.display = False
            self.refresh_bindings()
        self.query_one(JobTable).focus()

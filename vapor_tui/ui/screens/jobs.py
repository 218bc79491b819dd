"""The jobs screen: every job, live, with the keys to create and control them."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from vapor_tui.core.job import Job
from vapor_tui.core.status import JobStatus
from vapor_tui.live.commands import Delete
from vapor_tui.live.tick import Snapshot
from vapor_tui.present.text import count
from vapor_tui.ui.screens.base import JOB_ACTION_BINDINGS, LiveScreen
from vapor_tui.ui.screens.jobs_marks import MARK_BINDINGS, MarksAndOrder, matches, parsed_filter
from vapor_tui.ui.screens.jobs_topbar import TopNotes, topbar_text
from vapor_tui.ui.widgets.job_table import JobTable
from vapor_tui.ui.widgets.keys_footer import KeysFooter
from vapor_tui.ui.widgets.live_static import LiveStatic

EMPTY_TEXT = (
    "No jobs yet.\n\nPress [b]n[/b] to create one, or run [b]vapor-tui demo[/b] "
    "to try the app with demo jobs."
)


class JobsScreen(MarksAndOrder, LiveScreen):
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
            tooltip="Filter by name, status, id or a field (lr>1e-4 model=X status:running)",
            id="jobs.filter",
            # Priority: handled before the keys after it are handed out, so that "/ends" sent
            # in one burst goes into the box ("n" opened the new-job form).
            priority=True,
        ),
        Binding("escape", "clear_filter", "Clear filter", id="jobs.clear_filter"),
        *MARK_BINDINGS,
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filter_text = ""
        self._jobs: tuple[Job, ...] = ()
        self._summary: tuple | None = None
        self._topbar_inputs: tuple | None = None
        self._footer_for: tuple[int, JobStatus] | None = None
        self._select_on_mount: int | None = None
        self._wanted: int | None = None  # a job to put the cursor on once a tick shows it
        self._visible: list[Job] = []
        self._shown_filter = ""  # the filter the rows were last chosen by
        self.marked = {}
        self._table_widget: JobTable | None = None  # kept: a query at every tick cost more

    def compose(self) -> ComposeResult:
        yield LiveStatic("vapor-tui", id="topbar")
        yield Input(
            placeholder="filter: a name, status or id, lr>1e-4, model=LFM2-350M, status:running;"
            " enter keeps it, esc clears",
            id="filter",
            compact=True,
        )
        self._table_widget = JobTable(self.vapor.glyphs, id="jobs")
        yield self._table_widget
        yield Static("Opening the database…", id="empty")
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self._table()
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
        self._summary = None
        if self.vapor.snapshot is not None:
            self._show(self.vapor.snapshot)

    def apply_snapshot(self, snap: Snapshot) -> None:
        self._jobs = snap.jobs
        self._show(snap)

    def _show(self, snap: Snapshot) -> None:
        table = self._table()
        self._reveal_wanted(snap)
        # The selected job stays in view when it stops matching (it completed, say, under a
        # "running" filter) until the cursor leaves it: the cursor never moves to another job
        # under the user's hands, so the next key acts on the job they chose.
        same_filter = self.filter_text == self._shown_filter
        kept = table.selected_id if self.filter_text and same_filter else None
        if self.filter_text:
            visible = [j for j in snap.jobs if matches(j, self.filter_text) or j.id == kept]
        else:  # no filter: every job, without asking each (a tick's 100 calls)
            visible = list(snap.jobs)
        self._visible, self._shown_filter = visible, self.filter_text
        problem = parsed_filter(self.filter_text).problem
        why = f" ({problem})" if problem else ""
        table.empty_text = (
            f"No job matches “{self.filter_text}”{why}. Press esc to clear the filter."
        )
        existing = {job.id for job in snap.jobs}
        self._keep_marks(existing)
        table.sync(visible, snap.now, existing=existing)
        empty = self.query_one("#empty", Static)
        if not snap.jobs:
            empty.update(EMPTY_TEXT)
        # Setting `display`, even to the value it has, restyles the widget: only on change.
        if empty.display != (not snap.jobs):
            empty.display = not snap.jobs
        if table.display != bool(snap.jobs):
            table.display = bool(snap.jobs)
            # A hidden table cannot hold the focus: the first job to arrive (a script's run,
            # another instance's) must take the keys, or enter and the arrows go nowhere.
            if table.display and self.focused is None:
                table.focus()
        self._update_topbar(snap)
        self._refresh_footer()

    def _redisplay(self) -> None:
        if self.vapor.snapshot is not None:
            self._show(self.vapor.snapshot)

    def _reveal_wanted(self, snap: Snapshot) -> None:
        """A job just created or cloned gets the cursor (so that `s` next starts it), even
        when the filter hides it: the filter is cleared, and a toast says so."""
        wanted = self._wanted
        job = snap.job(wanted) if wanted is not None else None
        if job is None:
            return
        self._wanted = None
        if not matches(job, self.filter_text):
            shown = self.filter_text
            self._drop_filter()
            self.vapor.notify(
                f"Filter “{shown}” cleared to show #{job.id} {job.name}.", title="Filter"
            )

    def _update_topbar(self, snap: Snapshot) -> None:
        store = self.vapor.store
        shown = self._visible if self.filter_text else snap.jobs
        notes = TopNotes(
            readonly=store is not None and store.readonly,
            network_fs=store is not None and bool(store.warning),
            problem=self.vapor.live.problem or "",
            target=store.target if store is not None else "",
            marked=len(self.marked),
            order="" if self.order.is_default else self.order.describe(),
        )
        width = self.vapor.size.width - 2
        # What the line is made from: most ticks change none of it (made from scratch, it was
        # about 5% of the UI thread's time at every tick).
        inputs = (len(snap.jobs), tuple(j.status for j in shown), self.filter_text, notes, width)
        if self._summary is not None and inputs == self._topbar_inputs:
            return
        self._topbar_inputs = inputs
        text = topbar_text(
            snap.jobs, shown, self.filter_text, notes=notes, width=width, glyphs=self.vapor.glyphs
        )
        key = (text.plain, tuple(text.spans))  # Content compares its text alone
        if key != self._summary:
            self._summary = key
            self.query_one("#topbar", Static).update(text)

    def selected_job(self) -> Job | None:
        # No table while the screen is being built or taken down (a palette command can run
        # as the app quits): no job then.
        table = self._table_widget
        job_id = table.selected_id if table is not None and table.is_attached else None
        for job in self._jobs:
            if job.id == job_id:
                return job
        return None

    @on(JobTable.Highlighted)
    def _highlighted(self) -> None:
        kept = [job.id for job in self._visible if not matches(job, self.filter_text)]
        if kept and self.vapor.snapshot is not None:
            self._show(self.vapor.snapshot)  # the cursor left a job kept in view: it goes
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
        self._wanted = job_id
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
        if not self.is_current:
            # An enter typed straight after `n`, handed to this screen before the form that
            # now covers it was ready: the form's, not a job to open under it.
            from vapor_tui.ui.screens.new_job import NewJobScreen

            if isinstance(self.vapor.screen, NewJobScreen):
                self.vapor.screen.action_submit()
            return
        job = self.selected_job()
        if job is not None:
            self.vapor.open_detail(job.id)

    def action_new(self) -> None:
        from vapor_tui.ui.screens.new_job import NewJobScreen

        def created(result) -> None:
            if result is not None:  # a Create, or a NewCommand (its Command field filled in)
                self.vapor.submit(result)

        self.vapor.push_screen(NewJobScreen(), created)

    def action_delete(self) -> None:
        from vapor_tui.ui.screens.confirm import ConfirmScreen

        job = self.selected_job()
        if job is None:
            return
        job_id = job.id
        points = count(job.steps_done, "point")
        detail = f"Its {points} will be deleted with it." if job.steps_done else "It has no points."
        if job.status.is_active:
            detail = f"It is {job.status}: deleting it ends the run. {detail}"

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self.query_one(JobTable).release(job_id)  # the cursor moves on from it
                self.vapor.submit(Delete(job_id))

        self.vapor.push_screen(ConfirmScreen(f"Delete #{job.id} {job.name}?", detail), done)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":  # in the footer only while there is a filter to clear
            boxes = self.query("#filter")
            return bool(self.filter_text) or bool(boxes and boxes.first().display)
        return super().check_action(action, parameters)

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if box.has_focus:  # a "/" typed in the filter is part of it
            box.insert_text_at_cursor("/")
            return
        box.display = True
        self.set_focus(box)  # at once (focus() waits): the letters after it go into the box
        self.refresh_bindings()

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if not box.display and not self.filter_text:
            return
        self._drop_filter()
        if self.vapor.snapshot is not None:
            self._show(self.vapor.snapshot)

    def _drop_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.value = ""
        box.display = False
        self.filter_text = ""
        self.query_one(JobTable).focus()
        self.refresh_bindings()

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

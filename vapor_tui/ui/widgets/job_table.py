"""The jobs table: rows keyed by job id, updated cell by cell, the cursor kept on its job.

A line widget rather than Textual's DataTable: each row's line is built once from its cells
and kept until a cell of it changes, so a tick with 100 running jobs re-renders the rows
whose values moved and nothing else, and marks dirty only the cells that changed (DataTable
re-rendered every cell of every repainted row through Rich, about 40 ms a tick at 100 jobs).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from datetime import datetime

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from vapor_tui.core.job import Job
from vapor_tui.core.job_sort import JobOrder
from vapor_tui.ui import compat
from vapor_tui.ui.glyphs import Glyphs
from vapor_tui.ui.widgets.job_cursor import HEADER_HEIGHT, CursorMoves
from vapor_tui.ui.widgets.job_lines import TableLines
from vapor_tui.ui.widgets.job_list_memo import JobListMemo
from vapor_tui.ui.widgets.job_rows import (
    PADDING,
    age_minute,
    fitted_widths,
    fixed_inputs,
    job_cells,
    layout,
)
from vapor_tui.ui.widgets.moving_cells import MovingCells


def _moved(old: Text, new: Text) -> bool:
    """Other words or styles (Text's == leaves its own style out: a badge's colour)."""
    return old.plain != new.plain or old.style != new.style or old.spans != new.spans


class JobTable(CursorMoves, TableLines, ScrollView, can_focus=True):
    COMPONENT_CLASSES = {"job-table--header", "job-table--cursor", "job-table--empty"}
    BINDINGS = [
        Binding("enter", "open", "Open", id="jobs.open"),
        # What htop, k9s and less users reach for: vertical home/end, vi keys.
        Binding("up,k", "move(-1)", "Up", show=False, id="jobs.up"),
        Binding("down,j", "move(1)", "Down", show=False, id="jobs.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="jobs.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="jobs.page_down"),
        Binding("home,g", "first", "Top", show=False, id="jobs.top"),
        Binding("end,G", "last", "Bottom", show=False, id="jobs.bottom"),
    ]

    class Highlighted(Message):
        """The cursor is on another job (or on none). Several waiting are one: the footer
        follows the job the cursor is on now."""

        def __init__(self, job_id: int | None) -> None:
            super().__init__()
            self.job_id = job_id

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, JobTable.Highlighted)

    class Selected(Message):
        """Enter or a double click on a job."""

        def __init__(self, job_id: int) -> None:
            super().__init__()
            self.job_id = job_id

    def __init__(self, glyphs: Glyphs, **kwargs) -> None:
        super().__init__(**kwargs)
        self.glyphs = glyphs
        self._rows: list[int] = []  # job ids, top to bottom
        self._index: dict[int, int] = {}  # job id -> row index
        self._cells: dict[int, dict[str, Text]] = {}
        # What each row's cells were made from: the job's version, and its step (a job shown as
        # the clock says it is, before the store has written it, has moved on at one version),
        # and the minute of its age (its Created cell is worded again only when that moves).
        self._versions: dict[int, tuple[int, int, int]] = {}
        # job id -> (the job its row was made from, then the times (epoch seconds) between
        # which its age's minute cannot have moved): a tick passes over a row that did not
        # change without working its age out again, and over the same job object (a tick
        # hands the job it did not change again, frozen) without asking anything of it.
        self._age_quiet: dict[int, tuple[Job, float, float]] = {}
        self.cells_made = 0  # rows whose cells were made or worded again: what a sync cost
        self._fixed: dict[int, tuple] = {}  # job id -> what its fixed cells were made from
        self._moving = MovingCells(glyphs)
        self._keys: dict[int, tuple] = {}  # job id -> the keys its moving cells were made from
        self._strips: dict[tuple[int, bool], Strip] = {}  # (job id, cursor) -> its line
        self._drawn_for: Size | None = None  # the size its lines were last drawn at
        # (job id, column, cursor) -> the cell's segments, padding included: a line is made
        # again from these, and only a changed cell is rendered again.
        self._cell_segments: dict[tuple[int, str, bool], list[Segment]] = {}
        self._styles: dict[str | None, Style] = {}
        self._header: Strip | None = None
        self._columns: tuple[str, ...] = ()
        self._widths: dict[str, int] = {}
        self._spans: dict[str, tuple[int, int]] = {}  # column -> (x, width) on the line
        self._fitted = fitted_widths([])
        self._terminal_width = 0
        self._cursor = 0
        # The job the cursor goes to at the next sync that shows it: the one it was on before
        # the columns were rebuilt, or one just created or opened elsewhere.
        self._select_next: int | None = None
        # The selected job went (deleted elsewhere): no row is selected until the user moves
        # the cursor, so that the next key does not act on the job that took its place.
        self._orphan = False
        self._released: int | None = None  # a job the user deletes here: its neighbour follows
        # The line under the header when there is no row (a filter that matches nothing).
        self._empty_text = ""
        self._marks: frozenset[int] = frozenset()  # jobs marked with space
        self._order = JobOrder()
        self._memo = JobListMemo()  # the fitted widths and the order, between syncs

    # --- what the screen asks ------------------------------------------------------------

    @property
    def selected_id(self) -> int | None:
        if self._orphan or not 0 <= self._cursor < len(self._rows):
            return None
        return self._rows[self._cursor]

    @property
    def empty_text(self) -> str:
        return self._empty_text

    @empty_text.setter
    def empty_text(self, text: str) -> None:
        if text != self._empty_text:
            self._empty_text = text
            if not self._rows:
                self.refresh(Region(0, HEADER_HEIGHT, self.size.width, 1))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open":  # not in the footer when no row is there to open
            return self.selected_id is not None
        return True

    def select_later(self, job_id: int) -> None:
        """Put the cursor on this job as soon as a sync shows it."""
        self._select_next = job_id

    def release(self, job_id: int) -> None:
        """The user deletes this job: when it goes, the cursor moves on to its neighbour."""
        self._released = job_id

    def setup_columns(self, width: int, force: bool = False) -> bool:
        """Choose the columns that fit a terminal `width` columns wide, with fixed widths so
        nothing shifts as values change. True if they changed (every line is drawn anew)."""
        self._terminal_width = width
        keys, widths = layout(width, self._fitted)
        if (keys, widths) == (self._columns, self._widths) and not force:
            return False
        self._columns, self._widths = keys, widths
        x, self._spans = 0, {}
        for key in keys:
            self._spans[key] = (x, widths[key] + 2 * PADDING)
            x += widths[key] + 2 * PADDING
        self._cells.clear()  # names are cut to the name column's width: made again
        self._versions.clear()
        self._age_quiet.clear()
        self._fixed.clear()
        self._keys.clear()
        self._moving.forget()  # a theme's colours (redraw_all) make every badge and bar again
        self._forget_lines()
        return True

    def sync(self, jobs: list[Job], now: datetime, existing: Collection[int] = ()) -> None:
        """Make the rows show `jobs` (newest first), touching only what changed. `existing`:
        the ids of every job, shown or not: the selected job, gone from them (deleted, and
        not by this user here), leaves no job selected."""
        self._memo.update(jobs)
        fitted = self._memo.fitted
        if fitted != self._fitted:
            self._fitted = fitted
            self.setup_columns(self._terminal_width, force=True)
        selected = self.selected_id
        order = self._memo.order(self._order, jobs)
        if selected is not None and selected not in existing and selected not in order:
            self._orphan = selected != self._released
        if self._select_next is not None and self._select_next in order:
            selected, self._select_next, self._orphan = self._select_next, None, False
        changed: list[tuple[int, str]] = []
        now_s = now.timestamp()
        quiet = self._age_quiet
        for job in jobs:
            same = quiet.get(job.id)
            if same is None or same[0] is not job or not same[1] <= now_s < same[2]:
                changed += self._update_cells(job, now, now_s)
        for gone in set(self._cells) - set(order):
            del self._cells[gone]
            self._versions.pop(gone, None)
            self._age_quiet.pop(gone, None)
            self._fixed.pop(gone, None)
            self._keys.pop(gone, None)
            self._forget_cells(gone, self._columns)
        if order != self._rows:
            self._rows = order
            self._index = {job_id: i for i, job_id in enumerate(order)}
            self.virtual_size = Size(self._line_width(), len(order) + HEADER_HEIGHT)
            self._place_cursor(selected)
            self.refresh()  # rows moved: every line
        else:
            self._place_cursor(selected)
            self._repaint_cells(changed)

    # --- cells and lines -----------------------------------------------------------------

    def _update_cells(self, job: Job, now: datetime, now_s: float) -> list[tuple[int, str]]:
        """Bring a job's cells up to date; the (job, column) pairs that changed."""
        shown = self._cells.get(job.id)
        held = self._versions.get(job.id)
        quiet = self._age_quiet.get(job.id)
        if (
            shown is not None
            and held is not None
            and held[0] == job.version
            and held[1] == job.steps_done
            and quiet is not None
            and quiet[1] <= now_s < quiet[2]
        ):
            self._age_quiet[job.id] = (job, quiet[1], quiet[2])  # the next sync's is this one
            return []  # a row that did not change costs a comparison, nothing more
        minute = age_minute(job, now)
        # A millisecond inside the minute at each end: float seconds and the datetime
        # difference age_minute takes may round apart there, and then the age is worked out.
        start = job.created_at.timestamp() + 60.0 * minute
        self._age_quiet[job.id] = (job, start + 1e-3 if minute else -math.inf, start + 60.0 - 1e-3)
        made = (job.version, job.steps_done, minute)
        if shown is not None and held == made:
            return []
        self.cells_made += 1
        fixed = fixed_inputs(job)
        keys = self._moving.keys(job, minute)
        before = self._keys.get(job.id) if self._fixed.get(job.id) == fixed else None
        if shown is not None and before is not None:
            # A step, a status change or the age's minute: its id, name, model and mark
            # stay, and of the rest only the cells whose keys moved are made again.
            moved = self._moving.cells(job, now, keys, before)
            cells = {**shown, **moved}
            changed = [c for c in self._columns if c in moved]
        else:
            name_width = self._widths.get("name", 40)
            model_width = self._widths.get("model", 18)
            cells = job_cells(job, now, self.glyphs, name_width, model_width, self._moving)
            cells["mark"] = self._mark_cell(job.id)
            changed = (
                [] if shown is None else [c for c in self._columns if _moved(shown[c], cells[c])]
            )
        self._fixed[job.id] = fixed
        self._keys[job.id] = keys
        self._cells[job.id] = cells
        self._versions[job.id] = made
        if changed:
            self._forget_cells(job.id, changed)
        return [(job.id, c) for c in changed]

    def _forget_cells(self, job_id: int, columns: Iterable[str]) -> None:
        """Drop a row's cached lines and these cells' segments (with and without the cursor)."""
        for cursor in (False, True):
            self._strips.pop((job_id, cursor), None)
            for column in columns:
                self._cell_segments.pop((job_id, column, cursor), None)

    def _repaint_cells(self, cells: list[tuple[int, str]]) -> None:
        """Draw exactly these cells again, where they are on screen: written to the terminal
        at once where nothing covers them (compat.write_cells), else marked dirty for the
        next frame."""
        top = self.scroll_offset.y
        visible = range(top, top + max(0, self.size.height - HEADER_HEIGHT))
        pieces = []
        for job_id, column in cells:
            index = self._index.get(job_id)
            if index is None or index not in visible or column not in self._spans:
                continue
            x, width = self._spans[column]
            cursor = index == self._cursor and not self._orphan
            segments = self._cell_of_row(job_id, column, cursor)
            region = Region(x, HEADER_HEIGHT + index - top, width, 1)
            pieces.append((region, segments))  # made a Strip once, filtered, when written
        if pieces and not compat.write_cells(self, pieces):
            self.refresh(*(region for region, _ in pieces))

    def _forget_lines(self) -> None:
        self._strips.clear()
        self._cell_segments.clear()
        self._styles.clear()
        self._header = None
        self.refresh()

    # --- marks and order --------------------------------------------------------------------

    def _mark_cell(self, job_id: int) -> Text:
        marked = job_id in self._marks
        return Text(("*" if self.glyphs.ascii else "●") if marked else "", style="bold")

    def set_marks(self, marks: frozenset[int]) -> None:
        """Show these jobs marked: only the mark cells that changed are drawn again."""
        changed = (marks ^ self._marks) & set(self._cells)
        self._marks = marks
        for job_id in changed:
            self._cells[job_id] = {**self._cells[job_id], "mark": self._mark_cell(job_id)}
            self._forget_cells(job_id, ("mark",))
        self._repaint_cells([(job_id, "mark") for job_id in changed])

    @property
    def order(self) -> JobOrder:
        return self._order

    def set_order(self, order: JobOrder) -> None:
        """Rows in this order from the next sync; the header marks the column."""
        if order != self._order:
            self._order = order
            self._header = None
            self.refresh(Region(0, 0, self.size.width, HEADER_HEIGHT))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._forget_lines()  # a theme, focus or colour change: draw every line anew

    def on_resize(self) -> None:
        self.virtual_size = Size(self._line_width(), len(self._rows) + HEADER_HEIGHT)
        if self.size != self._drawn_for:  # not the first layout's, handled after the first frame
            self._forget_lines()
        self._keep_in_view()

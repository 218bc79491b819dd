"""The jobs table: rows keyed by job id, updated cell by cell, the cursor kept on its job."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.binding import Binding
from textual.cache import LRUCache
from textual.coordinate import Coordinate
from textual.geometry import Region
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, ColumnKey, RowKey

from vapor_tui.core.eta import format_age, format_eta
from vapor_tui.core.job import Job
from vapor_tui.ui.glyphs import Glyphs

# (key, label, minimum terminal width at which the column is shown)
COLUMNS = (
    ("id", "ID", 0),
    ("name", "Name", 0),
    ("model", "Model", 100),
    ("status", "Status", 0),
    ("progress", "Progress", 0),
    ("epoch", "Epoch", 0),
    ("loss", "Loss", 0),
    ("eta", "ETA", 0),
    ("created", "Created", 112),
)
BAR_WIDTH = 8
# The model and epoch columns grow to fit the longest value shown, up to these widths.
MODEL_WIDTHS = (10, 18)
EPOCH_WIDTHS = (5, 13)
FIXED_WIDTHS = {
    "id": 4,
    "model": MODEL_WIDTHS[0],
    "status": 10,
    "progress": BAR_WIDTH + 5,
    "epoch": EPOCH_WIDTHS[0],
    "loss": 6,
    "eta": 11,
    "created": 14,
}


def fitted_widths(jobs: list[Job]) -> dict[str, int]:
    """Widths for the model and epoch columns that fit every job shown (so that `120/120` is
    not cut to `120/1`), within their bounds; the name column gives way."""
    model = max((len(job.model) for job in jobs), default=0)
    epoch = max((2 * len(str(job.config.epochs)) + 1 for job in jobs), default=0)
    return {
        "model": min(max(model, MODEL_WIDTHS[0]), MODEL_WIDTHS[1]),
        "epoch": min(max(epoch, EPOCH_WIDTHS[0]), EPOCH_WIDTHS[1]),
    }


def _fit(text: str, width: int, glyphs: Glyphs) -> str:
    if len(text) <= width:
        return text
    return text[: max(1, width - len(glyphs.ellipsis))] + glyphs.ellipsis


def job_cells(
    job: Job, now: datetime, glyphs: Glyphs, name_width: int, model_width: int = 18
) -> dict[str, Text | str]:
    bar = glyphs.bar(job.progress, BAR_WIDTH)
    return {
        "id": Text(str(job.id), justify="right"),
        # Text, not str: DataTable reads a str as markup, and a name may hold "[/b]".
        "name": Text(_fit(job.name, name_width, glyphs)),
        "model": Text(_fit(job.model, model_width, glyphs)),
        "status": glyphs.badge(job.status),
        "progress": Text.assemble(
            (bar, glyphs.active_bar if job.status.is_active else "grey50"),
            f" {job.progress * 100:3.0f}%",
        ),
        "epoch": f"{job.epoch}/{job.config.epochs}",
        "loss": "-" if job.last_loss is None else f"{job.last_loss:.4f}",
        "eta": format_eta(job.eta_seconds) if job.eta_seconds is not None else "-",
        "created": format_age((now - job.created_at).total_seconds()),
    }


class JobTable(DataTable):
    """A DataTable whose updates repaint only the cells that changed."""

    BINDINGS = [
        Binding("enter", "select_cursor", "Open", id="jobs.open"),
        # What htop, k9s and less users reach for: vertical home/end, vi keys.
        Binding("home,g", "scroll_top", "Top", show=False, id="jobs.top"),
        Binding("end,G", "scroll_bottom", "Bottom", show=False, id="jobs.bottom"),
        Binding("j", "cursor_down", "Down", show=False, id="jobs.down"),
        Binding("k", "cursor_up", "Up", show=False, id="jobs.up"),
    ]

    def __init__(self, glyphs: Glyphs, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self.glyphs = glyphs
        self._shown: dict[str, dict[str, Text | str]] = {}
        self._cell_cache: dict[str, tuple[int, dict[str, Text | str]]] = {}
        self._columns: tuple[str, ...] = ()
        self._name_width = 0
        self._terminal_width = 0
        self._fitted = fitted_widths([])
        self._layout: tuple[tuple[str, ...], dict[str, int]] | None = None
        # The job the cursor goes to at the next sync that shows it: the one it was on before
        # the columns were rebuilt, or one just created or opened elsewhere.
        self._select_next: int | None = None
        self.cells_updated = 0  # read by tests: how many cells a sync touched

    def setup_columns(self, width: int, force: bool = False) -> bool:
        """Choose the columns that fit a terminal `width` columns wide, with fixed widths so
        nothing shifts as values change. True if they changed (rows must be re-added)."""
        self._terminal_width = width
        widths = {**FIXED_WIDTHS, **self._fitted}
        keys = tuple(key for key, _, min_width in COLUMNS if width >= min_width)
        used = sum(widths[k] + 2 for k in keys if k != "name") + 2 + 3
        widths["name"] = max(8, min(40, width - used))
        layout = (keys, widths)
        if layout == self._layout and not force:
            return False
        if self._select_next is None:
            self._select_next = self.selected_id
        self.clear(columns=True)
        self._shown.clear()
        self._cell_cache.clear()
        self._layout = layout
        self._columns, self._name_width = keys, widths["name"]
        for key, label, _ in COLUMNS:
            if key in keys:
                self.add_column(label, width=widths[key], key=key)
        return True

    @property
    def selected_id(self) -> int | None:
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0)).row_key
        except CellDoesNotExist:
            return None
        return int(key.value) if key.value is not None else None

    def select_later(self, job_id: int) -> None:
        """Put the cursor on this job as soon as a sync shows it."""
        self._select_next = job_id

    def sync(self, jobs: list[Job], now: datetime) -> None:
        """Make the rows show `jobs` (newest first), touching only what changed."""
        fitted = fitted_widths(jobs)
        if fitted != self._fitted:
            self._fitted = fitted
            self.setup_columns(self._terminal_width)
        selected = self.selected_id
        wanted_next = self._select_next
        if wanted_next is not None and any(job.id == wanted_next for job in jobs):
            selected, self._select_next = wanted_next, None
        wanted = {str(j.id): j for j in jobs}
        for key in [k for k in self._shown if k not in wanted]:
            self.remove_row(key)
            del self._shown[key]
            self._cell_cache.pop(key, None)
        added = False
        changed: list[tuple[str, str]] = []
        for key, job in wanted.items():
            cells = self._cells(key, job, now)
            shown = self._shown.get(key)
            self._shown[key] = cells
            if shown is None:
                self.add_row(*(cells[c] for c in self._columns), key=key)
                added = True
                continue
            row = self._data[RowKey(key)]
            for column in self._columns:
                if cells[column] != shown[column]:
                    row[ColumnKey(column)] = cells[column]
                    changed.append((key, column))
        if changed:
            self._repaint_cells(changed)
        if added:
            self.sort("id", key=lambda cell: int(cell.plain), reverse=True)
        if selected is not None and str(selected) in wanted:
            row_index = self.get_row_index(str(selected))
            if row_index != self.cursor_row:
                self.move_cursor(row=row_index, animate=False)

    def _cells(self, key: str, job: Job, now: datetime) -> dict[str, Text | str]:
        """The cells of a row; all but the age are reused while the job's row is unchanged."""
        cached = self._cell_cache.get(key)
        if cached is not None and cached[0] == job.version:
            cells = dict(cached[1])
            cells["created"] = format_age((now - job.created_at).total_seconds())
            return cells
        cells = job_cells(job, now, self.glyphs, self._name_width, self._fitted["model"])
        self._cell_cache[key] = (job.version, cells)
        return cells

    def _repaint_cells(self, cells: list[tuple[str, str]]) -> None:
        """Repaint exactly these cells. DataTable.update_cell repaints the whole table, and its
        refresh_coordinate walks every row to find one cell (O(rows) a cell, O(rows²) a tick);
        our rows are all one line high, so a cell's place is arithmetic."""
        self._forget_rendered(cells)
        self.cells_updated += len(cells)
        x = self._row_label_column_width
        spans = {}
        for column in self.ordered_columns:
            width = column.get_render_width(self)
            spans[column.key.value] = (x, width)
            x += width
        top = self.header_height if self.show_header else 0
        window = self.window_region
        scroll = self.scroll_offset
        for key, column in cells:
            row_index = self._row_locations.get(RowKey(key))
            if row_index is None or column not in spans:
                continue
            x, width = spans[column]
            region = Region(x, top + row_index, width, 1)
            if window.overlaps(region):
                self.refresh(region.translate(-scroll))

    def _forget_rendered(self, cells: list[tuple[str, str]]) -> None:
        """Drop the cached renders of these cells and their rows, and nothing else.
        DataTable's way is to bump `_update_count`, which every render cache is keyed on: then
        each repainted line renders all its cells through Rich again (about 40 ms a tick with
        100 running jobs, against under 10 with only the changed cells rendered)."""
        pairs = {(RowKey(key), ColumnKey(column)) for key, column in cells}
        rows = {row for row, _ in pairs}
        indexes = {self._row_locations.get(row) for row in rows} - {None}
        top = self.header_height if self.show_header else 0
        lines = {top + index for index in indexes}
        count = self._update_count
        _discard(self._cell_render_cache, lambda key: (key[0], key[1]) in pairs)
        _discard(self._row_render_cache, lambda key: key[0] in rows)
        _discard(self._line_cache, lambda key: key[0] in lines)
        for index in indexes:
            self._row_renderable_cache.discard((count, index))


def _discard(cache: LRUCache, doomed: Callable[[tuple], bool]) -> None:
    for key in [key for key in list(cache.keys()) if doomed(key)]:
        cache.discard(key)

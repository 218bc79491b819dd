"""The jobs table: rows keyed by job id, updated cell by cell, the cursor kept on its job."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.binding import Binding
from textual.coordinate import Coordinate
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
FIXED_WIDTHS = {
    "id": 4,
    "model": 10,
    "status": 10,
    "progress": BAR_WIDTH + 5,
    "epoch": 5,
    "loss": 6,
    "eta": 11,
    "created": 14,
}


def job_cells(job: Job, now: datetime, glyphs: Glyphs, name_width: int) -> dict[str, Text | str]:
    name = job.name
    if len(name) > name_width:
        name = name[: max(1, name_width - len(glyphs.ellipsis))] + glyphs.ellipsis
    bar = glyphs.bar(job.progress, BAR_WIDTH)
    return {
        "id": Text(str(job.id), justify="right"),
        "name": name,
        "model": job.model,
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

    BINDINGS = [Binding("enter", "select_cursor", "Open", id="jobs.open")]

    def __init__(self, glyphs: Glyphs, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self.glyphs = glyphs
        self._shown: dict[str, dict[str, Text | str]] = {}
        self._columns: tuple[str, ...] = ()
        self._name_width = 0
        self.cells_updated = 0  # read by tests: how many cells a sync touched

    def setup_columns(self, width: int, force: bool = False) -> bool:
        """Choose the columns that fit a terminal `width` columns wide, with fixed widths so
        nothing shifts as values change. True if they changed (rows must be re-added)."""
        keys = tuple(key for key, _, min_width in COLUMNS if width >= min_width)
        used = sum(FIXED_WIDTHS[k] + 2 for k in keys if k != "name") + 2 + 3
        name_width = max(8, min(40, width - used))
        if (keys, name_width) == (self._columns, self._name_width) and not force:
            return False
        self.clear(columns=True)
        self._shown.clear()
        self._columns, self._name_width = keys, name_width
        for key, label, _ in COLUMNS:
            if key in keys:
                self.add_column(label, width=FIXED_WIDTHS.get(key, name_width), key=key)
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

    def sync(self, jobs: list[Job], now: datetime) -> None:
        """Make the rows show `jobs` (newest first), touching only what changed."""
        selected = self.selected_id
        wanted = {str(j.id): j for j in jobs}
        for key in [k for k in self._shown if k not in wanted]:
            self.remove_row(key)
            del self._shown[key]
        added = False
        width = self._name_width
        for key, job in wanted.items():
            cells = job_cells(job, now, self.glyphs, width)
            shown = self._shown.get(key)
            if shown is None:
                self.add_row(*(cells[c] for c in self._columns), key=key)
                self._shown[key] = cells
                added = True
                continue
            for column in self._columns:
                if cells[column] != shown[column]:
                    self._update_cell(key, column, cells[column])
            self._shown[key] = cells
        if added:
            self.sort("id", key=lambda cell: int(cell.plain), reverse=True)
        if selected is not None and str(selected) in wanted:
            row = self.get_row_index(str(selected))
            if row != self.cursor_row:
                self.move_cursor(row=row, animate=False)

    def _update_cell(self, row: str, column: str, value: Text | str) -> None:
        # DataTable.update_cell repaints the whole table; this repaints one cell.
        row_key, column_key = RowKey(row), ColumnKey(column)
        self._data[row_key][column_key] = value
        self._update_count += 1
        self.cells_updated += 1
        self.refresh_coordinate(
            Coordinate(self._row_locations.get(row_key), self._column_locations.get(column_key))
        )

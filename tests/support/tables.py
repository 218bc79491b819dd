"""What the jobs table holds, read for the tests (the table itself offers no such accessors:
the screen needs none)."""

from __future__ import annotations

from vapor_tui.ui.widgets.job_table import JobTable


def row_count(table: JobTable) -> int:
    return len(table._rows)


def row_cells(table: JobTable, index: int) -> list[str]:
    """The cells of the index-th row, top to bottom, as the text they show (the mark column,
    blank but for marked jobs, left out: read it with `cell`)."""
    cells = table._cells[table._rows[index]]
    return [cells[column].plain for column in table._columns if column != "mark"]


def cell(table: JobTable, job_id: int | str, column: str) -> str:
    return table._cells[int(job_id)][column].plain

"""The jobs screen's filter (words and fields), marks (space), order (a column's key, again
to reverse) and `v`, which opens the compare screen on the marked jobs (or the selected one)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual.binding import Binding

from vapor_tui.core.job import Job
from vapor_tui.core.job_filter import JobFilter, parse_filter
from vapor_tui.core.job_sort import SORT_COLUMNS, JobOrder
from vapor_tui.ui.widgets.job_table import JobTable

if TYPE_CHECKING:
    from vapor_tui.ui.app import VaporApp

MAX_COMPARED = 8
# k9s's convention: shift and the column's letter sorts by it, again reverses.
SORT_KEYS = {
    "I": "id",
    "N": "name",
    "M": "model",
    "S": "status",
    "P": "progress",
    "L": "loss",
    "E": "eta",
    "A": "created",
}
_SORT_GROUP = Binding.Group("Sort", compact=True)

MARK_BINDINGS = [
    Binding(
        "space",
        "mark",
        "Mark",
        tooltip="Mark or unmark the job (v compares the marked jobs)",
        id="jobs.mark",
    ),
    Binding(
        "v",
        "compare",
        "Compare",
        tooltip="Compare the marked jobs (or the selected one) on one chart",
        id="jobs.compare",
    ),
    *(
        Binding(
            key,
            f"sort('{column}')",
            f"Sort by {SORT_COLUMNS[column].label}",
            tooltip=f"Sort by {SORT_COLUMNS[column].label} (again: reverse)",
            show=False,
            group=_SORT_GROUP,
            id=f"jobs.sort.{column}",
        )
        for key, column in SORT_KEYS.items()
    ),
]


def matches(job: Job, text: str) -> bool:
    """Does the job pass the filter (words, `lr>1e-4`, `model=X`, `status:running`)?"""
    return parsed_filter(text).matches(job)


_last_filter: list[JobFilter] = []


def parsed_filter(text: str) -> JobFilter:
    if not _last_filter or _last_filter[0].text != text:  # parsed once a keystroke
        _last_filter[:] = [parse_filter(text)]
    return _last_filter[0]


class MarksAndOrder:
    """Mixed into JobsScreen, which holds the table, the job list and `_show`."""

    if TYPE_CHECKING:
        vapor: VaporApp
        _jobs: tuple[Job, ...]

        def selected_job(self) -> Job | None: ...
        def _redisplay(self) -> None: ...

    marked: dict[int, None]  # job ids in the order they were marked
    _table_widget: JobTable | None  # the screen's table, once composed

    def _table(self) -> JobTable:
        if self._table_widget is not None:
            return self._table_widget
        return cast(Any, self).query_one(JobTable)  # a Screen's, once mixed in

    def _keep_marks(self, existing: set[int]) -> None:
        """A deleted job's mark goes with it; every other survives filters and ticks."""
        for job_id in [j for j in self.marked if j not in existing]:
            del self.marked[job_id]
        self._table().set_marks(frozenset(self.marked))

    def action_mark(self) -> None:
        job = self.selected_job()
        if job is None:
            return
        if job.id in self.marked:
            del self.marked[job.id]
        else:
            self.marked[job.id] = None
        self._table().set_marks(frozenset(self.marked))
        self._redisplay()  # the top line counts them

    def compared_ids(self) -> list[int]:
        """The marked jobs in the table's order (the selected one if none is marked)."""
        table = self._table()
        if not self.marked:
            job = self.selected_job()
            return [] if job is None else [job.id]
        existing = {job.id for job in self._jobs}
        return [i for i in table.order.ids(list(self._jobs)) if i in self.marked and i in existing]

    def action_compare(self) -> None:
        from vapor_tui.ui.screens.compare import CompareScreen

        ids = self.compared_ids()
        if not ids:
            return
        if len(ids) > MAX_COMPARED:
            self.vapor.notify(
                f"{len(ids)} jobs are marked: comparing the first {MAX_COMPARED} as listed.",
                title="Compare",
                severity="warning",
            )
            ids = ids[:MAX_COMPARED]
        self.vapor.push_screen(CompareScreen(ids))

    def action_sort(self, column: str) -> None:
        table = self._table()
        table.set_order(table.order.pressed(column))
        self._redisplay()

    @property
    def order(self) -> JobOrder:
        return self._table().order

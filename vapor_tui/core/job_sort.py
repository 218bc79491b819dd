"""The orders the jobs table can take: by a column, either way (htop's and k9s's convention: a
key picks the column, the same key again reverses it). Jobs without a value (no loss yet) go
last whichever way the column is sorted."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .job import Job


@dataclass(frozen=True, slots=True)
class SortColumn:
    key: str  # the table's column key
    label: str
    value: Callable[[Job], object]
    # The first press sorts this way: names A to Z, the newest id first, the lowest loss first.
    descending: bool = False


def _eta(job: Job) -> float | None:
    return job.eta_seconds


SORT_COLUMNS: dict[str, SortColumn] = {
    c.key: c
    for c in (
        SortColumn("id", "ID", lambda j: j.id, descending=True),
        SortColumn("name", "name", lambda j: j.name.casefold()),
        SortColumn("model", "model", lambda j: j.model.casefold()),
        SortColumn("status", "status", lambda j: str(j.status)),
        SortColumn("progress", "progress", lambda j: j.progress, descending=True),
        SortColumn("loss", "loss", lambda j: j.last_loss),
        SortColumn("eta", "ETA", _eta),
        SortColumn("created", "age", lambda j: -j.created_at.timestamp()),
    )
}
DEFAULT = ("id", True)  # newest first, as the table has always shown


@dataclass(frozen=True, slots=True)
class JobOrder:
    column: str = DEFAULT[0]
    descending: bool = DEFAULT[1]

    def pressed(self, column: str) -> JobOrder:
        """The order after the key of `column`: that column its usual way, or reversed."""
        if column == self.column:
            return JobOrder(column, not self.descending)
        return JobOrder(column, SORT_COLUMNS[column].descending)

    @property
    def is_default(self) -> bool:
        return (self.column, self.descending) == DEFAULT

    def describe(self) -> str:
        way = "descending" if self.descending else "ascending"
        return f"sorted by {SORT_COLUMNS[self.column].label}, {way}"

    def ids(self, jobs: Sequence[Job]) -> list[int]:
        """The job ids in this order; ties (and jobs without a value) by id, newest first."""
        value = SORT_COLUMNS[self.column].value
        newest = sorted(jobs, key=lambda j: j.id, reverse=True)
        having = [(value(j), j) for j in newest]
        known = [(v, j) for v, j in having if v is not None]
        missing = [j for v, j in having if v is None]
        known.sort(key=lambda vj: vj[0], reverse=self.descending)  # type: ignore[arg-type,return-value]
        return [j.id for _, j in known] + [j.id for j in missing]

"""A series row as write_points reads it and leaves it (SeriesRow), and the read of the rows of
the jobs a write touches: in one statement, or from rows the caller knows are the file's
(series_kept.py: a tick's write need not read again what the last one left, issue 14)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .bulk import param
from .driver import fetch

if TYPE_CHECKING:
    from typing import TypeAlias

    from sqlalchemy import Connection

STATE_COLUMNS = (
    "id, n, first_step, last_step, last_value, min, max, n_nan, n_inf, bucket_width, packed_blocks"
)
UPDATE_COLUMNS = tuple(c.strip() for c in STATE_COLUMNS.split(","))[1:]


@dataclass(slots=True)
class SeriesRow:
    """A series row as this write leaves it."""

    id: int
    n: int = 0
    first_step: int = 0
    last_step: int = 0
    last_value: float | None = None
    min: float | None = None
    max: float | None = None
    n_nan: int = 0
    n_inf: int = 0
    bucket_width: int = 1
    packed_blocks: int = 0

    def row(self) -> tuple:
        """The UPDATE_COLUMNS columns, then the id (written out: a getattr a column, sixty series a
        tick, cost more than the update's statement)."""
        return (
            self.n,
            self.first_step,
            self.last_step,
            self.last_value,
            self.min,
            self.max,
            self.n_nan,
            self.n_inf,
            self.bucket_width,
            self.packed_blocks,
            self.id,
        )


def _ids(n: int, p: str) -> str:
    return ", ".join([p] * n)


@functools.cache
def _load_sql(count: int, p: str) -> str:
    return (
        f"SELECT j.id, j.total_steps, s.name, {', '.join('s.' + c for c in UPDATE_COLUMNS)}, s.id "
        "FROM jobs j LEFT JOIN series s ON s.job_id = j.id "
        f"WHERE j.id IN ({_ids(count, p)})" + ("" if p == "?" else " FOR KEY SHARE OF j")
        # On a server, the jobs held against a delete until the write commits: the points
        # have no foreign key there (server_keys.py).
    )


def rows_for(conn: Connection, job_ids: list[int], work: dict, known: Known | None) -> Written:
    """load_rows's, the jobs in `known` (with every series the write names) taken from it."""
    if not known:
        return load_rows(conn, job_ids)
    totals: dict[int, int | None] = {}
    states: dict[tuple[int, str], SeriesRow] = {}
    rest = []
    for job_id in job_ids:
        got = known.get(job_id)
        if got is None or not all(name in got[1] for name in work[job_id]):
            rest.append(job_id)
            continue
        totals[job_id] = got[0]
        for name, st in got[1].items():
            states[(job_id, name)] = st
    if rest:
        more_totals, more_states = load_rows(conn, rest)
        totals.update(more_totals)
        states.update(more_states)
    return totals, states


def load_rows(conn: Connection, job_ids: list[int]) -> Written:
    """(job id -> total steps, (job id, name) -> SeriesRow) for these jobs, in one read."""
    p = param(conn)
    rows = fetch(conn, _load_sql(len(job_ids), p), job_ids)
    totals: dict[int, int | None] = {}
    states: dict[tuple[int, str], SeriesRow] = {}
    for job_id, total, name, *values, series_id in rows:
        totals[job_id] = total
        if name is not None:
            states[(job_id, name)] = SeriesRow(series_id, *values)
    return totals, states


if TYPE_CHECKING:
    # Series rows known as they are in the file: job id -> (total steps, name -> SeriesRow).
    Known: TypeAlias = dict[int, tuple[int | None, dict[str, SeriesRow]]]
    # What a write leaves: job id -> total steps, and (job id, name) -> SeriesRow.
    Written: TypeAlias = tuple[dict[int, int | None], dict[tuple[int, str], SeriesRow]]

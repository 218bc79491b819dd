"""The job rows a tick reads, through the driver's own connection (driver.py), as named
tuples: the rows its look and its write plan from, the job list's versions, and the rows of
the list that moved.

These statements run every second: SQLAlchemy's execution of them and the processing of their
rows cost several times SQLite's work (issue 14). Their SQL is written out once from the
table definitions, with the values as parameters; the columns come back as the driver gives
them (none of the jobs table's columns has a type SQLAlchemy converts)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from vapor_tui.core.job import SOURCE_SIMULATOR
from vapor_tui.core.status import JobStatus

from .convert import named_rows
from .driver import fetch, mark
from .tables import jobs_table

if TYPE_CHECKING:
    from sqlalchemy import Connection

ACTIVE = (JobStatus.RUNNING.value, JobStatus.STOPPING.value)
_COLUMNS = ", ".join(f"jobs.{c.name}" for c in jobs_table.c)
_KEYS = tuple(c.name for c in jobs_table.c)
# Every active job and every job owing points (a job that ended owing them, joined to what it
# owes), with `owed_to`.
# On SQLite, with the connection's data_version (the same in every row: it changes when
# another connection commits), which tells a write whether these rows are still the rows.
_WITH_OWED = (
    f"SELECT {_COLUMNS}, owed_points.last_step AS owed_to, {{version}} AS data_version "
    "FROM jobs LEFT OUTER JOIN owed_points ON owed_points.job_id = jobs.id "
)
_DATA_VERSION = "(SELECT data_version FROM pragma_data_version())"
_OWED_KEYS = (*_KEYS, "owed_to", "data_version")
# A job list's row: the latest value of the job's `epoch` series too (job_list.py).
_WITH_EPOCH = (
    f"SELECT {_COLUMNS}, (SELECT series.last_value FROM series WHERE series.job_id = jobs.id "
    "AND series.name = 'epoch') AS last_epoch FROM jobs "
)
_EPOCH_KEYS = (*_KEYS, "last_epoch")


def looked_at(conn: Connection) -> list[Any]:
    """Every active job's row (any source) and every row owing points, with `owed_to`: what a
    tick's look reads, in one statement."""
    return named_rows(_OWED_KEYS, fetch(conn, _looked_at_sql(mark(conn)), ACTIVE))


def due(
    conn: Connection, wanted: set[int] | None, lock: bool = False, skip: bool = False
) -> list[Any]:
    """The active simulated jobs (all, or those in `wanted`) and the jobs owing points, with
    `owed_to`; `lock` (a server): their rows locked for the write, `skip`: those another
    transaction holds passed over."""
    if wanted is not None and not wanted:
        return []
    ids = sorted(wanted) if wanted is not None else []
    sql = _due_sql(mark(conn), None if wanted is None else len(ids), lock, skip)
    return named_rows(_OWED_KEYS, fetch(conn, sql, (*ACTIVE, SOURCE_SIMULATOR, *ids)))


def data_version(conn: Connection) -> int:
    """SQLite's data_version of the connection, as of its transaction."""
    return int(fetch(conn, "PRAGMA data_version")[0][0])


def versions(conn: Connection) -> list[tuple[int, int]]:
    """Every job's (id, version), newest first."""
    return fetch(conn, "SELECT id, version FROM jobs ORDER BY id DESC")


def listed(conn: Connection, ids: list[int]) -> list[Any]:
    """The job list's rows of these jobs, with `last_epoch`."""
    sql = f"{_WITH_EPOCH}WHERE jobs.id IN ({_marks(mark(conn), len(ids))})"
    return named_rows(_EPOCH_KEYS, fetch(conn, sql, ids))


def _marks(p: str, count: int) -> str:
    return ", ".join([p] * count)


def _with_owed(p: str) -> str:
    return _WITH_OWED.format(version=_DATA_VERSION if p == "?" else "NULL")


@functools.cache
def _looked_at_sql(p: str) -> str:
    return (
        f"{_with_owed(p)}WHERE jobs.status IN ({p}, {p}) OR owed_points.job_id IS NOT NULL "
        "ORDER BY jobs.id"
    )


@functools.cache
def _due_sql(p: str, count: int | None, lock: bool, skip: bool) -> str:
    sql = (
        f"{_with_owed(p)}WHERE (jobs.status IN ({p}, {p}) AND jobs.source = {p} "
        "OR owed_points.job_id IS NOT NULL)"
    )
    if count is not None:
        sql += f" AND jobs.id IN ({_marks(p, count)})"
    sql += " ORDER BY jobs.id"
    if lock:
        sql += " FOR UPDATE OF jobs" + (" SKIP LOCKED" if skip else "")
    return sql

"""The job list a tick shows, read again only where it changed.

Every tick of a screen with running jobs changes some rows (their steps, loss, ETA), and a
tick used to read every row and convert each to a Job. Here a tick reads each job's id and
version (what every change bumps) and reads in full only the rows whose version moved; the
rest keep the Job the last tick made.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Select, select

from vapor_tui.core.job import Job

from . import tick_rows
from .convert import JobList, read_rows
from .engine import Store
from .tables import jobs_table, series_table

_IN_CHUNK = 500  # ids per IN (...) list


def with_last_epoch() -> Select[Any]:
    """The jobs rows with the latest value of each one's `epoch` series (a run that logs it:
    the jobs table's Epoch column), found by the series' unique (job_id, name) key."""
    last = (
        select(series_table.c.last_value)
        .where(series_table.c.job_id == jobs_table.c.id, series_table.c.name == "epoch")
        .scalar_subquery()
        .label("last_epoch")
    )
    return select(jobs_table, last)


def jobs_since(
    store: Store, previous: tuple[Job, ...] | None
) -> tuple[tuple[int, int, int], JobList]:
    """(version, every job newest first). The version is store.jobs.jobs_version's (count,
    max id, sum of versions): it changes whenever any job changes, is added or removed. As in
    list_jobs, a row that cannot be read is left out and named in the list's `unreadable`."""
    with store.read() as conn:
        return jobs_since_conn(conn, previous)


def jobs_since_conn(
    conn: Connection, previous: tuple[Job, ...] | None, set_rows: Mapping[int, Any] | None = None
) -> tuple[tuple[int, int, int], JobList]:
    """jobs_since in the caller's transaction (a tick's one read). `set_rows`: job rows this
    transaction wrote (a tick's write, catchup._write_piece), by id: a row whose version is
    still the one written is taken from there, not read again (issue 14)."""
    known = {job.id: job for job in previous or ()}
    versions = tick_rows.versions(conn)
    stale = [(i, v) for i, v in versions if i not in known or known[i].version != v]
    rows: list[Any] = []
    if set_rows:
        rows = [row for i, v in stale if (row := set_rows.get(i)) is not None and row.version == v]
        if rows:
            taken = {row.id for row in rows}
            stale = [(i, v) for i, v in stale if i not in taken]
    ids = [i for i, _ in stale]
    for start in range(0, len(ids), _IN_CHUNK):
        rows += tick_rows.listed(conn, ids[start : start + _IN_CHUNK])
    fresh = read_rows(rows)
    read = {job.id: job for job in fresh}
    jobs = []
    for job_id, version in versions:
        if job_id in read:
            jobs.append(read[job_id])
        elif job_id in known and known[job_id].version == version:
            jobs.append(known[job_id])
        # else: unreadable (named in fresh.unreadable), or deleted between the two reads (a
        # backend whose reads are not one snapshot)
    current = (len(versions), max((i for i, _ in versions), default=0), sum(v for _, v in versions))
    return current, JobList(jobs, fresh.unreadable)

"""Deleting a job: its row first, in a small transaction of its own, then its points in
pieces.

Deleting a million points in one transaction needs about 110 MB of room for SQLite's log,
so on a full disk a long job could not be deleted at all. On SQLite the job's row (with its
summary and what it owes) goes first, with foreign keys off for that transaction so the points
stay; the job is gone for everyone from that commit on, and its id is listed in deleted_jobs
until its points and packed blocks are removed, in pieces (pieces.py). Whatever is left of
them (a kill, no room) is removed by the next catch-up of any process. On a server database
the cascade deletes everything at once.
"""

from __future__ import annotations

import contextlib

from sqlalchemy import Connection, select

from .driver import fetch
from .engine import Store, StoreFull
from .errors import JobNotFound
from .pieces import PIECE_FLOOR, after_full, after_piece, pause, piece
from .series_blocks import BLOCK_STEPS
from .tables import deleted_table, jobs_table, metadata


def delete_job(store: Store, job_id: int) -> None:
    """Delete a job and everything of it. A short one goes in one transaction; a long one
    (on SQLite) row first, then its points in pieces."""
    with store.read() as conn:
        done = conn.execute(
            select(jobs_table.c.steps_done).where(jobs_table.c.id == job_id)
        ).scalar()
    if done is None:
        raise JobNotFound(job_id)
    if not store.is_sqlite or done <= PIECE_FLOOR:
        with store.write() as conn:
            if conn.execute(jobs_table.delete().where(jobs_table.c.id == job_id)).rowcount == 0:
                raise JobNotFound(job_id)
        return
    with store.write(keys=False) as conn:
        for table in _tables_of_a_job():
            conn.execute(table.delete().where(table.c.job_id == job_id))
        if conn.execute(jobs_table.delete().where(jobs_table.c.id == job_id)).rowcount == 0:
            raise JobNotFound(job_id)
        conn.execute(deleted_table.insert().values(job_id=job_id))
    with contextlib.suppress(StoreFull):  # gone; its points go with the next catch-up with room
        sweep_deleted(store, [job_id])


def _tables_of_a_job():
    """What refers to a job, but its points and blocks (left to the sweep): its summary, what
    it owes, and anything a later schema adds."""
    return [
        table
        for table in metadata.sorted_tables
        if table.name != "series"  # its rows name the points the sweep removes
        and any(fk.column.table is jobs_table for fk in table.foreign_keys)
    ]


def deleted_ids(conn: Connection) -> list[int]:
    return [int(r[0]) for r in fetch(conn, "SELECT job_id FROM deleted_jobs")]


def sweep_deleted(store: Store, job_ids: list[int] | None = None) -> int:
    """Remove the points and blocks of deleted jobs (all listed, or those in `job_ids`), a
    piece a transaction. Returns how many points went; StoreFull if the disk cannot take
    even the smallest piece (what went before stays gone)."""
    if job_ids is None:
        with store.read() as conn:
            job_ids = deleted_ids(conn)
    removed = 0
    for job_id in job_ids:
        while True:
            if removed:
                pause()
            budget = piece(store)
            try:
                with store.write() as conn:
                    count, finished = _sweep_piece(conn, job_id, budget)
            except StoreFull:
                if not after_full(store, budget):
                    raise
                continue
            after_piece(store, budget)
            removed += count
            if finished:
                break
    return removed


def _sweep_piece(conn: Connection, job_id: int, budget: int) -> tuple[int, bool]:
    """Up to about `budget` of a deleted job's series points removed, from the last step
    down; once none is left, its series (and their summaries and blocks) go too."""
    p = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    ids = [
        r[0] for r in conn.exec_driver_sql(f"SELECT id FROM series WHERE job_id = {p}", (job_id,))
    ]
    marks = ", ".join([p] * len(ids))
    top = None
    if ids:
        top = conn.exec_driver_sql(
            f"SELECT max(step) FROM series_points WHERE series_id IN ({marks})", tuple(ids)
        ).scalar()
    if top is None:
        for table in ("series_blocks", "series_summary", "series"):
            key = "id" if table == "series" else "series_id"
            if ids:
                conn.exec_driver_sql(f"DELETE FROM {table} WHERE {key} IN ({marks})", tuple(ids))
        conn.execute(deleted_table.delete().where(deleted_table.c.job_id == job_id))
        return 0, True
    low = max(0, int(top) - max(1, budget // len(ids)))
    count = conn.exec_driver_sql(
        f"DELETE FROM series_points WHERE series_id IN ({marks}) AND step > {p}", (*ids, low)
    ).rowcount
    conn.exec_driver_sql(
        f"DELETE FROM series_blocks WHERE series_id IN ({marks}) AND block >= {p}",
        (*ids, low // BLOCK_STEPS),
    )
    return count, False

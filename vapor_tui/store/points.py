"""Metric points in and out: batched inserts through SQLAlchemy Core, reads into numpy."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from vapor_tui.core.points import COLUMNS, Points

from .blocks import read_blocks, write_blocks
from .point_rows import placeholder as _placeholder
from .point_rows import read_points_conn
from .server_write import copy_points
from .summary import upsert_summary

if TYPE_CHECKING:
    from .engine import Store

# What a point takes in a SQLite database once written: its row, its share of the packed
# blocks, the summary and the validation index. Measured, not assumed: a test writes real jobs
# and holds this within 5% of what the file grew by (tests/store/test_store_size.py).
BYTES_PER_POINT = 112
# `new` warns before it creates a job whose points would take more than this.
LARGE_JOB_BYTES = 1_000_000_000

_INSERT_COLUMNS = ("job_id", *COLUMNS)


def insert_points(
    conn: Connection, job_id: int, points: Points, total_steps: int | None = None
) -> int:
    """Write a batch in the caller's transaction as one executemany of plain tuples, and fold
    it into the job's chart summary in the same transaction."""
    if not len(points):
        return 0
    p = _placeholder(conn)
    if conn.dialect.name == "postgresql":
        copy_points(conn, job_id, points)  # a row a protocol round is too slow on a server
    else:
        sql = (
            f"INSERT INTO points ({', '.join(_INSERT_COLUMNS)}) "
            f"VALUES ({', '.join([p] * len(_INSERT_COLUMNS))})"
        )
        conn.exec_driver_sql(sql, [(job_id, *row) for row in points.rows()])
    if total_steps is None:
        total_steps = conn.exec_driver_sql(
            f"SELECT epochs * steps_per_epoch FROM jobs WHERE id = {p}", (job_id,)
        ).scalar()
    if total_steps is not None:
        upsert_summary(conn, job_id, points, int(total_steps))
    write_blocks(conn, job_id, points)
    return len(points)


# Past this many points, reading packed blocks beats reading rows (blocks.py).
BULK_READ = 20_000


def read_points(store: Store, job_id: int, after_step: int = 0, limit: int | None = None) -> Points:
    """Points of one job with step > after_step, in step order."""
    with store.read() as conn:
        if limit is None:
            p = _placeholder(conn)
            done = conn.exec_driver_sql(
                f"SELECT steps_done FROM jobs WHERE id = {p}", (job_id,)
            ).scalar()
            if done is not None and done - after_step > BULK_READ:
                return read_blocks(conn, job_id, after_step)
        return read_points_conn(conn, job_id, after_step, limit)


def iter_point_chunks(store: Store, job_id: int, chunk: int = 50_000) -> Iterator[Points]:
    """All points of a job, a chunk at a time, for export without holding them all."""
    after = 0
    while True:
        part = read_points(store, job_id, after, chunk)
        if not len(part):
            return
        yield part
        after = part.last_step

"""Bringing a database written by an older vapor-tui up to this schema, inside the transaction
that opens it (create_all has already added the new tables)."""

from __future__ import annotations

from sqlalchemy import Connection

from .points import read_points_conn
from .summary import upsert_summary
from .tables import points_table

_CHUNK = 100_000


def upgrade(conn: Connection, from_version: int) -> None:
    if from_version < 2:
        # create_all made the new table, but an index on a table that already existed is ours
        # to add.
        for index in points_table.indexes:
            index.create(conn, checkfirst=True)
        _fill_point_summary(conn)


def _fill_point_summary(conn: Connection) -> None:
    """Schema 2 added the chart summary: build it from the points already there."""
    jobs = conn.exec_driver_sql("SELECT id, epochs * steps_per_epoch FROM jobs").all()
    for job_id, total in jobs:
        after = 0
        while True:
            chunk = read_points_conn(conn, job_id, after, _CHUNK)
            if not len(chunk):
                break
            upsert_summary(conn, job_id, chunk, int(total))
            after = chunk.last_step

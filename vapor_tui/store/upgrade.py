"""Bringing a database written by an older vapor-tui up to this schema, inside the transaction
that opens it (create_all has already added the new tables)."""

from __future__ import annotations

from sqlalchemy import Connection

from .blocks import write_blocks
from .point_rows import read_points_conn
from .summary import upsert_summary
from .tables import SQLModel, points_table

_CHUNK = 100_000


def upgrade(conn: Connection, from_version: int) -> None:
    if from_version < 2:
        # create_all made the new table, but an index on a table that already existed is ours
        # to add.
        for index in points_table.indexes:
            index.create(conn, checkfirst=True)
        _fill(conn, summary=True, blocks=False)  # the blocks: below
    if from_version < 3:
        _fill(conn, summary=False, blocks=True)


def _fill(conn: Connection, summary: bool, blocks: bool) -> None:
    """Build what a newer schema keeps beside the points (the chart summary, the packed
    blocks) from the points already there."""
    jobs = conn.exec_driver_sql("SELECT id, epochs * steps_per_epoch FROM jobs").all()
    for job_id, total in jobs:
        after = 0
        while True:
            chunk = read_points_conn(conn, job_id, after, _CHUNK)
            if not len(chunk):
                break
            if summary:
                upsert_summary(conn, job_id, chunk, int(total))
            if blocks:
                write_blocks(conn, job_id, chunk)
            after = chunk.last_step


def repair(conn: Connection, tables: tuple[str, ...], indexes: tuple[str, ...]) -> list[str]:
    """Make again what a file of this schema lacks (create_all has made the missing tables,
    empty): the derived tables are filled from the points. One line each, for the user."""
    notes = []
    if tables:
        _fill(conn, summary="point_summary" in tables, blocks="point_blocks" in tables)
    for table in tables:
        how = " from the points" if table in ("point_summary", "point_blocks") else ""
        notes.append(f"the table {table} was missing: made again{how}")
    wanted = set(indexes)
    for meta_table in SQLModel.metadata.sorted_tables:
        for index in meta_table.indexes:
            if index.name in wanted:
                index.create(conn, checkfirst=True)
                notes.append(f"the index {index.name} was missing: made again")
    return notes

"""Bringing a database written by an older vapor-tui up to this schema, inside the transaction
that opens it (create_all has already added the new tables)."""

from __future__ import annotations

from sqlalchemy import Connection

from .blocks import write_blocks
from .point_rows import read_points_conn
from .selfcheck import COLUMNS_SINCE_5
from .summary import upsert_summary
from .tables import SQLModel, jobs_table, points_table

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
    if from_version < 5:
        _add_job_columns(conn)


# Only a simulated job has these: NULL for a run or a launched command.
SIMULATOR_COLUMNS = (
    "model",
    "epochs",
    "steps_per_epoch",
    "learning_rate",
    "batch_size",
    "schedule",
    "curve",
    "seed",
    "step_seconds",
)


def _add_job_columns(conn: Connection) -> None:
    """The jobs columns of schema 5, added; the simulator's settings made NULL-able where the
    backend can (PostgreSQL: SQLite cannot drop a NOT NULL without a rebuild of the table)."""
    from sqlalchemy import inspect

    have = {c["name"] for c in inspect(conn).get_columns("jobs")}
    for name in sorted(COLUMNS_SINCE_5 - have, key=list(jobs_table.c.keys()).index):
        column = jobs_table.c[name]
        kind = column.type.compile(conn.dialect)
        default = " NOT NULL DEFAULT 0" if not column.nullable else ""
        conn.exec_driver_sql(f'ALTER TABLE jobs ADD COLUMN "{name}" {kind}{default}')
    conn.exec_driver_sql("UPDATE jobs SET total_steps = epochs * steps_per_epoch")
    if conn.dialect.name == "postgresql":
        for name in SIMULATOR_COLUMNS:
            conn.exec_driver_sql(f"ALTER TABLE jobs ALTER COLUMN {name} DROP NOT NULL")


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

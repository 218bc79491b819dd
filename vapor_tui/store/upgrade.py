"""Bringing a database written by an older vapor-tui up to this schema, inside the transaction
that opens it (create_all has already added the new tables), and making again what a file of
this schema lacks.

Schema 5 (named series): the jobs table gains the columns of real runs and launched commands
and its simulator columns become NULL-able; every wide `points` row (step, epoch, loss,
accuracy, learning rate, validation loss, timestamp) becomes up to four series points, with
their summaries and packed blocks, a chunk of steps at a time; then the old tables go
(children of jobs, dropped as tables: no cascade touches the jobs). Ids and the AUTOINCREMENT
sequence are those of the jobs table itself, which is not rebuilt (see _nullable_on_sqlite).
"""

from __future__ import annotations

import re

import numpy as np
from sqlalchemy import Connection, inspect

from vapor_tui.core.points import COLUMNS, Points

from .points import insert_points
from .selfcheck import COLUMNS_SINCE_5
from .series import rebuild_derived
from .tables import jobs_table, metadata

_CHUNK = 100_000
OLD_TABLES = ("point_blocks", "point_summary", "points")  # children first

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


def upgrade(conn: Connection, from_version: int) -> None:
    if from_version < 5:
        _add_job_columns(conn)
        tables = set(inspect(conn).get_table_names())
        if "points" in tables:
            _points_to_series(conn)
        for table in OLD_TABLES:
            if table in tables:
                conn.exec_driver_sql(f"DROP TABLE {table}")


def _add_job_columns(conn: Connection) -> None:
    have = {c["name"] for c in inspect(conn).get_columns("jobs")}
    for name in sorted(COLUMNS_SINCE_5 - have, key=list(jobs_table.c.keys()).index):
        column = jobs_table.c[name]
        kind = column.type.compile(conn.dialect)
        default = " NOT NULL DEFAULT 0" if not column.nullable else ""
        conn.exec_driver_sql(f'ALTER TABLE jobs ADD COLUMN "{name}" {kind}{default}')
    conn.exec_driver_sql(
        "UPDATE jobs SET total_steps = epochs * steps_per_epoch WHERE total_steps IS NULL"
    )
    if conn.dialect.name == "postgresql":
        for name in SIMULATOR_COLUMNS:
            conn.exec_driver_sql(f"ALTER TABLE jobs ALTER COLUMN {name} DROP NOT NULL")
    else:
        _nullable_on_sqlite(conn)


def _nullable_on_sqlite(conn: Connection) -> None:
    """SQLite has no ALTER COLUMN. Its documented way to remove a NOT NULL constraint, which
    does not change how a row is stored, is to edit the table's definition in the schema
    table, in this transaction (sqlite.org/lang_altertable.html, "the simpler procedure").
    Rebuilding jobs into a new table instead would need foreign keys off for the whole
    upgrade (dropping the old table cascades to every point) and a copy of every row."""
    sql = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'jobs'"
    ).scalar()
    assert sql is not None
    new = sql
    for name in SIMULATOR_COLUMNS:
        new = re.sub(rf"(\b{name}\s+[A-Z]+)\s+NOT NULL", r"\1", new, flags=re.IGNORECASE)
    if new == sql:
        return
    version = conn.exec_driver_sql("PRAGMA schema_version").scalar()
    conn.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        conn.exec_driver_sql(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'jobs'", (new,)
        )
        conn.exec_driver_sql(f"PRAGMA schema_version = {int(version or 0) + 1}")
    finally:
        conn.exec_driver_sql("PRAGMA writable_schema = OFF")


_OLD_SELECT = (
    "SELECT step, epoch, loss, accuracy, learning_rate, val_loss, timestamp FROM points "
    "WHERE job_id = {p} AND step > {p} ORDER BY step LIMIT {p}"
)


def _points_to_series(conn: Connection) -> None:
    """Every wide row as series points, a chunk of steps at a time."""
    p = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    for (job_id,) in conn.exec_driver_sql("SELECT id FROM jobs ORDER BY id").all():
        after = 0
        while True:
            rows = conn.exec_driver_sql(_OLD_SELECT.format(p=p), (job_id, after, _CHUNK)).all()
            if not rows:
                break
            data = np.array(
                [[np.nan if v is None else v for v in r] for r in rows], dtype=np.float64
            )
            columns = {
                name: data[:, i].astype(np.int64) if name in ("step", "epoch") else data[:, i]
                for i, name in enumerate(COLUMNS)
            }
            points = Points.from_columns(columns)
            insert_points(conn, job_id, points)
            after = points.last_step


def repair(conn: Connection, tables: tuple[str, ...], indexes: tuple[str, ...]) -> list[str]:
    """Make again what a file of this schema lacks (create_all has made the missing tables,
    empty): the derived tables are filled from the points. One line each, for the user."""
    notes = []
    derived = {"series_summary", "series_blocks"} & set(tables)
    if derived:
        for (series_id,) in conn.exec_driver_sql("SELECT id FROM series").all():
            rebuild_derived(conn, series_id)
    for table in tables:
        how = " from the points" if table in derived else ""
        notes.append(f"the table {table} was missing: made again{how}")
    wanted = set(indexes)
    for meta_table in metadata.sorted_tables:
        for index in meta_table.indexes:
            if index.name in wanted:
                index.create(conn, checkfirst=True)
                notes.append(f"the index {index.name} was missing: made again")
    return notes

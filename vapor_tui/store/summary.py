"""A fixed-size summary of each job's points, kept in step with them, so a chart of a job with a
million points opens as fast as one with a thousand.

Steps 1..total are split into SUMMARY_BUCKETS buckets; each keeps the count, first and last
step, and min / max / sum of loss, accuracy and learning rate. Every batch of points updates its
buckets in the same transaction that inserts it (an upsert), so the summary can never disagree
with the points. Validation points are few (one an epoch) and are read as they are, through a
partial index.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np

from vapor_tui.core.buckets import METRICS, ChartBase, summarise
from vapor_tui.core.points import Points

if TYPE_CHECKING:
    from sqlalchemy import Connection

_COLUMNS = (
    "n",
    "first_step",
    "last_step",
    *(f"{m}_{agg}" for m in METRICS for agg in ("min", "max", "sum")),
)


_NAMES = ("job_id", "bucket", *_COLUMNS)


def upsert_summary(conn: Connection, job_id: int, points: Points, total_steps: int) -> None:
    """Fold a batch of points into the job's buckets, in the caller's transaction."""
    rows = [(job_id, *row) for row in summarise(points, total_steps)]
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        from .server_write import upsert_summary_arrays

        upsert_summary_arrays(conn, _NAMES, _merges(conn.dialect.name), rows)
        return
    conn.exec_driver_sql(_upsert_sql(conn.dialect.name, conn.dialect.paramstyle), rows)


@functools.cache
def _merges(dialect: str) -> str:
    """How an upsert folds a batch's bucket into the stored one, column by column."""
    low, high = ("min", "max") if dialect == "sqlite" else ("LEAST", "GREATEST")

    def merge(column: str) -> str:
        if column.endswith(("_min", "first_step")):
            return f"{column} = {low}(point_summary.{column}, excluded.{column})"
        if column.endswith(("_max", "last_step")):
            return f"{column} = {high}(point_summary.{column}, excluded.{column})"
        return f"{column} = point_summary.{column} + excluded.{column}"

    return ", ".join(merge(c) for c in _COLUMNS)


@functools.cache
def _upsert_sql(dialect: str, paramstyle: str) -> str:
    p = "?" if paramstyle == "qmark" else "%s"
    return (
        f"INSERT INTO point_summary ({', '.join(_NAMES)}) VALUES ({', '.join([p] * len(_NAMES))}) "
        f"ON CONFLICT (job_id, bucket) DO UPDATE SET {_merges(dialect)}"
    )


def read_chart_base(conn: Connection, job_id: int) -> ChartBase:
    """One read transaction: the job's step count, its summary and its validation points."""
    p = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    row = conn.exec_driver_sql(
        f"SELECT steps_done, COALESCE(epochs * steps_per_epoch, total_steps) FROM jobs "
        f"WHERE id = {p}",
        (job_id,),
    ).first()
    # A run may not say its total (NULL): its chart is its series' (store/series.py).
    last_step, total = (int(row[0]), int(row[1] or max(1, row[0]))) if row else (0, 1)
    data = np.array(
        conn.exec_driver_sql(
            f"SELECT bucket, {', '.join(_COLUMNS)} FROM point_summary "
            f"WHERE job_id = {p} ORDER BY bucket",
            (job_id,),
        ).all(),
        dtype=np.float64,
    ).reshape(-1, 1 + len(_COLUMNS))
    # SQLite's planner would rather walk the primary key (every point of the job) than use
    # the partial index; name the index so the cost stays one row an epoch.
    indexed = " INDEXED BY ix_points_validation" if conn.dialect.name == "sqlite" else ""
    val = np.array(
        conn.exec_driver_sql(
            f"SELECT step, val_loss FROM points{indexed} "
            f"WHERE job_id = {p} AND val_loss IS NOT NULL ORDER BY step",
            (job_id,),
        ).all(),
        dtype=np.float64,
    ).reshape(-1, 2)
    stats = {
        metric: (data[:, 4 + 3 * i], data[:, 5 + 3 * i], data[:, 6 + 3 * i])
        for i, metric in enumerate(METRICS)
    }
    return ChartBase(
        total_steps=total,
        last_step=last_step,
        bucket=data[:, 0].astype(np.int64),
        n=data[:, 1].astype(np.int64),
        first_step=data[:, 2].astype(np.int64),
        stats=stats,
        val_step=val[:, 0],
        val_loss=val[:, 1],
    )

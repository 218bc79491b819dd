"""The detail chart's reads: a job's every series as its stored summary (the first time), then
each tick the points of the series that moved past what the chart holds, a new series included.
A constant cost whatever the job's length: the summaries are at most 1,024 buckets a series,
and a tick reads the series rows (a few, by the job's key) and only the points past them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from vapor_tui.core.buckets import ChartBase
from vapor_tui.core.series import SeriesPoints, ordered_names
from vapor_tui.core.series_summary import SeriesSummary

from .bulk import param
from .points import split_rows
from .series import read_series

if TYPE_CHECKING:
    from sqlalchemy import Connection

# A series that moved this far past what the chart holds is read from its packed blocks.
_ROW_READ = 50_000
_BUCKET = "b.n, b.first_step, b.last_step, b.min, b.max, b.sum, b.n_nan, b.n_inf"


def read_chart_base(conn: Connection, job_id: int) -> ChartBase:
    """Every series' summary in two statements whatever the number of series: the job's and
    its series' rows, then all their buckets. (A series row and then its buckets, each in turn,
    was ten statements for a simulated job: round trips that a server pays for each.)"""
    p = param(conn)
    rows = conn.exec_driver_sql(
        "SELECT j.steps_done, j.total_steps, s.id, s.name, s.bucket_width, s.n, s.last_value, "
        "s.min, s.max, s.last_step FROM jobs j LEFT JOIN series s ON s.job_id = j.id "
        f"WHERE j.id = {p}",
        (job_id,),
    ).all()
    if not rows:
        return ChartBase(None, 0, {})
    last_step, total = int(rows[0][0]), rows[0][1]
    series = {r[2]: r[3:] for r in rows if r[2] is not None}
    buckets = _buckets(conn, job_id) if series else np.empty((0, 10))
    by_name = {row[0]: (series_id, row) for series_id, row in series.items()}
    summaries = {}
    for name in ordered_names(by_name):
        series_id, (_, width, n, last_value, low, high, series_last) = by_name[name]
        mine = buckets[buckets[:, 0] == series_id, 1:]
        state = (n, last_value if n else None, low, high, series_last)
        summaries[name] = SeriesSummary.from_rows(name, width, mine, state)
    return ChartBase(total, last_step, summaries)


def _buckets(conn: Connection, job_id: int) -> np.ndarray:
    """(series id, *BucketRow) of every series of the job, by series and bucket. Through the
    driver's own cursor, whose rows are plain tuples: SQLAlchemy's rows, turned into tuples for
    numpy, cost 3 ms of the 5 ms this read took (4,096 rows). On a server, binary results too
    (no number parsed from text)."""
    sql = (
        f"SELECT b.series_id, b.bucket, {_BUCKET} FROM series s "
        "JOIN series_summary b ON b.series_id = s.id WHERE s.job_id = {p} "
        "ORDER BY s.name, b.bucket"  # the order of both keys: no sort
    )
    raw = conn.connection.driver_connection
    assert raw is not None  # a live connection, inside the caller's transaction
    if conn.dialect.name == "postgresql":
        with raw.cursor(binary=True) as cursor:
            rows = cursor.execute(sql.format(p="%s"), (job_id,)).fetchall()
    else:
        rows = raw.execute(sql.format(p="?"), (job_id,)).fetchall()
    return np.array(rows, dtype=np.float64).reshape(-1, 10)


def read_chart_news(
    conn: Connection, job_id: int, held: Mapping[str, int]
) -> dict[str, SeriesPoints]:
    """The points of each series after the step the chart holds of it (`held`: name -> last
    step; a series not in it is new and read whole), in one read of the series rows and one of
    the points of those that moved."""
    p = param(conn)
    rows = conn.exec_driver_sql(
        f"SELECT name, last_step FROM series WHERE job_id = {p}", (job_id,)
    ).all()
    moved = {name: held.get(name, 0) for name, last in rows if (last or 0) > held.get(name, 0)}
    if not moved:
        return {}
    top = max(last or 0 for name, last in rows if name in moved)
    after = min(moved.values())
    if top - after > _ROW_READ:  # a long way behind (a run that wrote offline): the blocks
        return {name: read_series(conn, job_id, name, step) for name, step in moved.items()}
    names = sorted(moved)
    points = conn.exec_driver_sql(
        "SELECT s.name, p.step, p.value, p.timestamp FROM series s "
        f"JOIN series_points p ON p.series_id = s.id WHERE s.job_id = {p} "
        f"AND s.name IN ({', '.join([p] * len(names))}) AND p.step > {p} "
        "ORDER BY s.name, p.step",
        (job_id, *names, after),
    ).all()
    return {name: s.after(moved[name]) for name, s in split_rows(points).items()}

"""The detail chart's reads: a job's every series as its stored summary (the first time), then
each tick the points of the series that moved past what the chart holds, a new series included.
A constant cost whatever the job's length: the summaries are at most 1,024 buckets a series,
and a tick reads the series rows (a few, by the job's key) and only the points past them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from vapor_tui.core.buckets import ChartBase
from vapor_tui.core.series import SeriesPoints

from .bulk import param
from .chart_base import chart_base
from .points import split_rows
from .series import read_series

if TYPE_CHECKING:
    from sqlalchemy import Connection

# A series that moved this far past what the chart holds is read from its packed blocks.
_ROW_READ = 50_000


def read_chart_base(conn: Connection, job_id: int) -> ChartBase:
    """Every series' summary in two statements (chart_base.py), in the caller's read
    transaction, through the driver's own connection."""
    raw = conn.connection.driver_connection
    assert raw is not None  # a live connection, inside the caller's transaction
    return chart_base(raw, job_id, server=conn.dialect.name == "postgresql")


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

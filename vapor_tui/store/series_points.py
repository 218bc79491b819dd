"""The rows of series_points in and out. `value` NULL is NaN (SQLite stores NaN as NULL, so
both backends do); ±inf are stored as they are."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from vapor_tui.core.series import SeriesPoints

from .bulk import insert_rows, param

if TYPE_CHECKING:
    from sqlalchemy import Connection

_COLUMNS = ("series_id", "step", "value", "timestamp")
_TYPES = ("int4", "int8", "float8", "float8")
_UPSERT = "value = excluded.value, timestamp = excluded.timestamp"
_DTYPE = np.dtype([("step", np.int64), ("value", np.float64), ("timestamp", np.float64)])


def point_rows(series_id: int, points: SeriesPoints) -> list[tuple]:
    """Plain tuples for an executemany: NaN as None (NULL)."""
    values = points.value.tolist()
    if len(values) <= 16:  # a tick's point or two: looked at in Python, not with numpy
        has_nan = any(v != v for v in values)
    else:
        has_nan = bool(np.isnan(points.value).any())
    if has_nan:
        values = [None if v != v else v for v in values]
    return list(
        zip(
            [series_id] * len(points),
            points.step.tolist(),
            values,
            points.timestamp.tolist(),
            strict=True,
        )
    )


def upsert_points(conn: Connection, rows: list[tuple]) -> None:
    """Write (series_id, step, value, timestamp) rows; a step already there takes the later
    value (a run resumed from a checkpoint logs steps again)."""
    insert_rows(conn, "series_points", _COLUMNS, _TYPES, rows, ("series_id", "step"), _UPSERT)


def read_rows(
    conn: Connection,
    series_id: int,
    after_step: int = 0,
    upto_step: int | None = None,
    limit: int | None = None,
) -> SeriesPoints:
    """The series' points with after_step < step (<= upto_step), in step order."""
    p = param(conn)
    sql = f"SELECT step, value, timestamp FROM series_points WHERE series_id = {p} AND step > {p}"
    params: tuple = (series_id, int(after_step))
    if upto_step is not None:
        sql += f" AND step <= {p}"
        params = (*params, int(upto_step))
    sql += " ORDER BY step"
    if limit is not None:
        sql += f" LIMIT {p}"
        params = (*params, int(limit))
    records = np.fromiter(
        ((s, math.nan if v is None else v, t) for s, v, t in conn.exec_driver_sql(sql, params)),
        dtype=_DTYPE,
    )
    return SeriesPoints(records["step"], records["value"], records["timestamp"])

"""The rows of series_points in and out. `value` NULL is NaN (SQLite stores NaN as NULL, so
both backends do); ±inf are stored as they are."""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING, Any

from vapor_tui.core.point_list import PointList

from .bulk import insert_rows, param

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from vapor_tui.core.point_list import AnyPoints
    from vapor_tui.core.series import SeriesPoints

_COLUMNS = ("series_id", "step", "value", "timestamp")
_TYPES = ("int4", "int8", "float8", "float8")
_UPSERT = "value = excluded.value, timestamp = excluded.timestamp"
_SELECT = "SELECT step, value, timestamp FROM series_points WHERE series_id = {p} AND step > {p}"


def point_rows(series_id: int, points: AnyPoints) -> list[tuple]:
    """Plain tuples for an executemany: NaN as None (NULL)."""
    values: list[Any]
    if isinstance(points, PointList):
        steps, values, stamps = points.step, points.value, points.timestamp
        nan = any(v != v for v in values)
    else:
        import numpy as np

        steps, values, stamps = (c.tolist() for c in (points.step, points.value, points.timestamp))
        nan = bool(np.isnan(points.value).any())
    if nan:
        values = [None if v != v else v for v in values]
    return list(zip([series_id] * len(points), steps, values, stamps, strict=True))


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
    import numpy as np

    from vapor_tui.core.series import SeriesPoints

    records = np.fromiter(_tuples(conn, series_id, after_step, upto_step, limit), dtype=_dtype())
    return SeriesPoints(records["step"], records["value"], records["timestamp"])


@functools.cache
def _dtype():
    import numpy as np

    return np.dtype([("step", np.int64), ("value", np.float64), ("timestamp", np.float64)])


def read_tuples(
    conn: Connection, series_id: int, after_step: int, upto_step: int
) -> list[tuple[int, float, float]]:
    """read_rows' points as (step, value, timestamp) tuples: no numpy (a run's write)."""
    return list(_tuples(conn, series_id, after_step, upto_step))


def _tuples(
    conn: Connection,
    series_id: int,
    after_step: int,
    upto_step: int | None = None,
    limit: int | None = None,
):
    p = param(conn)
    sql = _SELECT.format(p=p)
    params: tuple = (series_id, int(after_step))
    if upto_step is not None:
        sql += f" AND step <= {p}"
        params = (*params, int(upto_step))
    sql += " ORDER BY step"
    if limit is not None:
        sql += f" LIMIT {p}"
        params = (*params, int(limit))
    return ((s, math.nan if v is None else v, t) for s, v, t in conn.exec_driver_sql(sql, params))

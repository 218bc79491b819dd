"""The stored summary of each series (core/series_summary.py says what a bucket holds): folded
in by every write in the same transaction, as one upsert for all the series a write touches.
The rare paths (a wider bucket, a step logged again) rebuild from what is stored."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from vapor_tui.core.point_list import PointList
from vapor_tui.core.series_summary import BucketRow, fold, merge_rows

from .bulk import insert_rows, param

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from vapor_tui.core.point_list import AnyPoints

_COLUMNS: tuple[str, ...] = ("series_id", "bucket", "n", "first_step", "last_step", "min")
_COLUMNS = (*_COLUMNS, "max", "sum", "n_nan", "n_inf")
_TYPES = ("int4", "int4", "int8", "int8", "int8", "float8", "float8", "float8", "int8", "int8")
_VALUES = ", ".join(_COLUMNS[2:])


@functools.cache
def _merge(dialect: str) -> str:
    low, high = ("min", "max") if dialect == "sqlite" else ("LEAST", "GREATEST")
    t = "series_summary"
    return (
        f"n = {t}.n + excluded.n, first_step = {low}({t}.first_step, excluded.first_step), "
        f"last_step = {high}({t}.last_step, excluded.last_step), "
        f"min = {low}({t}.min, excluded.min), max = {high}({t}.max, excluded.max), "
        f"sum = {t}.sum + excluded.sum, n_nan = {t}.n_nan + excluded.n_nan, "
        f"n_inf = {t}.n_inf + excluded.n_inf"
    )


def upsert_buckets(conn: Connection, rows: Sequence[tuple]) -> None:
    """Fold (series_id, *BucketRow) rows into the stored buckets."""
    merge = _merge(conn.dialect.name)
    insert_rows(conn, "series_summary", _COLUMNS, _TYPES, rows, ("series_id", "bucket"), merge)


def batch_rows(series_id: int, points: AnyPoints, width: int) -> list[tuple]:
    return [(series_id, *row) for row in fold(points, width)]


def read_buckets(conn: Connection, series_id: int) -> list[BucketRow]:
    p = param(conn)
    rows = conn.exec_driver_sql(
        f"SELECT bucket, {_VALUES} FROM series_summary WHERE series_id = {p} ORDER BY bucket",
        (series_id,),
    ).all()
    return [tuple(r) for r in rows]


def widen(conn: Connection, series_id: int, old: int, new: int) -> None:
    """The buckets of `old` steps merged into buckets of `new` (both powers of two): the
    ≤1,024 rows read, merged pairwise (or more), written back."""
    shift = new.bit_length() - old.bit_length()
    rows = read_buckets(conn, series_id)
    if not rows or shift <= 0:
        return
    p = param(conn)
    conn.exec_driver_sql(f"DELETE FROM series_summary WHERE series_id = {p}", (series_id,))
    upsert_buckets(conn, [(series_id, *r) for r in merge_rows(rows, shift)])


def rebuild_buckets(conn: Connection, series_id: int, width: int, first: int, last: int) -> None:
    """The buckets holding steps first..last made again from the points (a step logged again
    replaced a value the buckets had counted)."""
    from .series_points import read_tuples

    low, high = (first - 1) // width, (last - 1) // width
    p = param(conn)
    conn.exec_driver_sql(
        f"DELETE FROM series_summary WHERE series_id = {p} AND bucket BETWEEN {p} AND {p}",
        (series_id, low, high),
    )
    points = PointList.of_rows(read_tuples(conn, series_id, low * width, (high + 1) * width))
    upsert_buckets(conn, batch_rows(series_id, points, width))


def stats_from_buckets(conn: Connection, series_id: int) -> tuple:
    """(n, first_step, min, max, n_nan, n_inf) of the whole series, from its buckets."""
    p = param(conn)
    row = conn.exec_driver_sql(
        "SELECT sum(n), min(first_step), min(min), max(max), sum(n_nan), sum(n_inf) "
        f"FROM series_summary WHERE series_id = {p}",
        (series_id,),
    ).one()
    return tuple(row)

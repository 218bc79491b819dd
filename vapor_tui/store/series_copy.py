"""The PostgreSQL write path for appended series points: binary COPY, encoded by numpy (a
run's PointList by struct, without it). An INSERT of unnested arrays, or an executemany, was
about 8,000 steps/s on a server against the 100,000 needed; a batch that writes steps again
goes through the upsert instead.

Binary COPY is a 19-byte header, then for each row a field count and, for each field, its
length and its bytes (big-endian), then -1. A NULL (our NaN) is a length of -1 and no bytes,
so rows with and without a value are two numpy record layouts; rows go in any order, the
primary key orders them.
"""

from __future__ import annotations

import functools
import struct
from typing import TYPE_CHECKING

from vapor_tui.core.point_list import PointList

if TYPE_CHECKING:
    import numpy as np
    from sqlalchemy import Connection

    from vapor_tui.core.point_list import AnyPoints

_HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
_TRAILER = (-1).to_bytes(2, "big", signed=True)
_FIELDS = (("series_id", ">i4"), ("step", ">i8"), ("value", ">f8"), ("timestamp", ">f8"))
_SQL = "COPY series_points (series_id, step, value, timestamp) FROM STDIN (FORMAT BINARY)"
_BLOCKS_SQL = "COPY series_blocks (series_id, block, n, data) FROM STDIN (FORMAT BINARY)"
_BLOCK_HEAD = struct.Struct(">hii" + "ii" * 2 + "i")
# A run's rows (a PointList), without numpy: the same two layouts.
_ROW_WITH = struct.Struct(">hiiiqidid")
_ROW_WITHOUT = struct.Struct(">hiiiqiid")


def _layout(with_value: bool) -> np.dtype:
    import numpy as np

    parts: list[tuple[str, str]] = [("count", ">i2")]
    for name, kind in _FIELDS:
        parts.append((f"len_{name}", ">i4"))
        if name != "value" or with_value:
            parts.append((name, kind))
    return np.dtype(parts)


@functools.cache
def _layouts() -> tuple[np.dtype, np.dtype]:
    return _layout(True), _layout(False)


def _plain_rows(series_id: int, points: PointList) -> bytes:
    out = bytearray()
    for step, value, stamp in zip(points.step, points.value, points.timestamp, strict=True):
        if value != value:
            out += _ROW_WITHOUT.pack(4, 4, series_id, 8, step, -1, 8, stamp)
        else:
            out += _ROW_WITH.pack(4, 4, series_id, 8, step, 8, value, 8, stamp)
    return bytes(out)


def payload(parts: list[tuple[int, AnyPoints]]) -> bytes:
    chunks = [_HEADER]
    for series_id, points in parts:
        if isinstance(points, PointList):
            chunks.append(_plain_rows(series_id, points))
            continue
        import numpy as np

        with_value, without = _layouts()
        nan = np.isnan(points.value)
        for layout, mask in ((with_value, ~nan), (without, nan)):
            count = int(mask.sum())
            if not count:
                continue
            rows = np.empty(count, dtype=layout)
            rows["count"] = len(_FIELDS)
            rows["len_series_id"], rows["series_id"] = 4, series_id
            rows["len_step"], rows["step"] = 8, points.step[mask]
            rows["len_timestamp"], rows["timestamp"] = 8, points.timestamp[mask]
            if layout is with_value:
                rows["len_value"], rows["value"] = 8, points.value[mask]
            else:
                rows["len_value"] = -1
            chunks.append(rows.tobytes())
    chunks.append(_TRAILER)
    return b"".join(chunks)


def copy_points(conn: Connection, parts: list[tuple[int, AnyPoints]]) -> None:
    """Insert appended points in the caller's transaction (a step already there fails the
    whole write, by the primary key: the caller sends only steps after each series' last)."""
    if parts:
        _copy(conn, _SQL, payload(parts))


def copy_blocks(conn: Connection, rows: list[tuple[int, int, int, bytes]]) -> None:
    """Insert (series_id, block, n, data) rows: an INSERT of a bytea array sends the bytes
    escaped as text, which cost more than the points' COPY."""
    if not rows:
        return
    chunks = [_HEADER]
    for series_id, block, n, data in rows:
        chunks.append(_BLOCK_HEAD.pack(4, 4, series_id, 4, block, 4, n, len(data)))
        chunks.append(data)
    chunks.append(_TRAILER)
    _copy(conn, _BLOCKS_SQL, b"".join(chunks))


def _copy(conn: Connection, sql: str, data: bytes) -> None:
    import psycopg
    from sqlalchemy.exc import DBAPIError

    raw = conn.connection.driver_connection
    assert raw is not None  # a live connection, inside the caller's transaction
    try:
        with raw.cursor() as cursor, cursor.copy(sql) as copy:
            copy.write(data)
    except psycopg.Error as exc:  # as SQLAlchemy would have wrapped it
        raise DBAPIError.instance(sql, None, exc, psycopg.Error) from exc

"""A series' points packed BLOCK_STEPS steps at a time, for reading a long history into numpy
fast (a million rows turned into Python objects cost about a second whatever numpy does
afterwards). Block b holds steps b*BLOCK_STEPS+1 .. (b+1)*BLOCK_STEPS as float64 rows of
(step, value, timestamp), NaN as NaN.

A block is packed once a later step is written (a sparse series may leave blocks empty: no
row), so a tick does not rewrite the block in progress; `series.packed_blocks` says how many
blocks are final, and the steps after them are read from the rows. A step logged again into a
packed block has the block packed again from the rows (rare)."""

from __future__ import annotations

import bisect
import itertools
from array import array
from typing import TYPE_CHECKING

from vapor_tui.core.point_list import PointList

from .bulk import insert_rows, param
from .series_points import read_rows, read_tuples

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from vapor_tui.core.point_list import AnyPoints
    from vapor_tui.core.series import SeriesPoints

BLOCK_STEPS = 4096
_COLUMNS = ("series_id", "block", "n", "data")
_TYPES = ("int4", "int4", "int4", "bytea")


def packable(last_step: int) -> int:
    """How many blocks are final once a series has reached last_step."""
    return max(0, (last_step - 1) // BLOCK_STEPS)


def pack(
    conn: Connection,
    series_id: int,
    first_block: int,
    end_block: int,
    batch: AnyPoints | None = None,
) -> None:
    """(Re)pack blocks first_block .. end_block - 1 from the points table (which holds the
    caller's batch already, in the same transaction). Given the batch just appended, only
    the steps of those blocks before it are read back (none, mostly)."""
    if end_block <= first_block:
        return
    p = param(conn)
    conn.exec_driver_sql(
        f"DELETE FROM series_blocks WHERE series_id = {p} AND block >= {p} AND block < {p}",
        (series_id, first_block, end_block),
    )
    low, high = first_block * BLOCK_STEPS, end_block * BLOCK_STEPS
    if batch is None or isinstance(batch, PointList):
        out = _plain_blocks(conn, series_id, low, high, batch)
    else:
        out = _array_blocks(conn, series_id, low, high, batch)
    if not out:
        return
    if conn.dialect.name == "postgresql":
        from .series_copy import copy_blocks

        copy_blocks(conn, out)
    else:
        insert_rows(conn, "series_blocks", _COLUMNS, _TYPES, out)


def _plain_blocks(
    conn: Connection, series_id: int, low: int, high: int, batch: PointList | None
) -> list[tuple[int, int, int, bytes]]:
    """The blocks without numpy (a run's batch, or all from the rows: a step logged again),
    the same float64 rows packed by `array`."""
    if batch is None:
        rows = read_tuples(conn, series_id, low, high)
    else:
        before = min(high, batch.first_step - 1)
        rows = read_tuples(conn, series_id, low, before) if before > low else []
        upto = batch.upto(high)
        rows += zip(upto.step, upto.value, upto.timestamp, strict=True)
    steps = [row[0] for row in rows]
    out = []
    start = 0
    while start < len(rows):
        block = (steps[start] - 1) // BLOCK_STEPS
        end = bisect.bisect_right(steps, (block + 1) * BLOCK_STEPS, start)
        data = array("d", itertools.chain.from_iterable(rows[start:end]))
        out.append((series_id, block, end - start, data.tobytes()))
        start = end
    return out


def _array_blocks(
    conn: Connection, series_id: int, low: int, high: int, batch: SeriesPoints
) -> list[tuple[int, int, int, bytes]]:
    import numpy as np

    from vapor_tui.core.series import SeriesPoints

    if len(batch) and batch.first_step <= high:
        earlier = (
            read_rows(conn, series_id, low, batch.first_step - 1)
            if batch.first_step > low + 1
            else SeriesPoints.empty()
        )
        points = earlier.merged(batch[: int(np.searchsorted(batch.step, high, "right"))])
    else:
        points = read_rows(conn, series_id, low, high)
    if not len(points):
        return []
    rows = np.column_stack([points.step.astype(np.float64), points.value, points.timestamp]).astype(
        np.float64
    )
    blocks = (points.step - 1) // BLOCK_STEPS
    starts = np.flatnonzero(np.r_[True, blocks[1:] != blocks[:-1]])
    ends = np.r_[starts[1:], len(blocks)]
    return [
        (series_id, int(blocks[a]), int(b - a), np.ascontiguousarray(rows[a:b]).tobytes())
        for a, b in zip(starts.tolist(), ends.tolist(), strict=True)
    ]


def read_packed(
    conn: Connection, series_id: int, after_step: int = 0, then: SeriesPoints | None = None
) -> SeriesPoints:
    """The points of the packed blocks holding steps after after_step, with `then` (the
    points after the blocks, read from the rows) laid over them."""
    import numpy as np

    from vapor_tui.core.series import SeriesPoints

    sql = "SELECT data FROM series_blocks WHERE series_id = {p} AND block >= {p} ORDER BY block"
    args = (series_id, max(0, after_step) // BLOCK_STEPS)
    if conn.dialect.name == "postgresql":
        # Binary results: as text, a block's bytes come as hex, twice their size, decoded.
        raw = conn.connection.driver_connection
        assert raw is not None  # a live connection, inside the caller's transaction
        with raw.cursor(binary=True) as cursor:
            blocks = cursor.execute(sql.format(p="%s"), args).fetchall()
    else:
        blocks = conn.exec_driver_sql(sql.format(p="?"), args).all()
    then = SeriesPoints.empty() if then is None else then
    if not blocks:
        return then
    rows = np.frombuffer(b"".join([data for (data,) in blocks]), dtype=np.float64).reshape(-1, 3)
    if after_step > 0:
        rows = rows[rows[:, 0] > after_step]
    if len(then) and len(rows) and then.first_step <= rows[-1, 0]:  # a step logged again
        return SeriesPoints(rows[:, 0].astype(np.int64), rows[:, 1], rows[:, 2]).merged(then)
    # One copy of each column, the tail after the blocks included.
    return SeriesPoints(
        np.concatenate([rows[:, 0].astype(np.int64), then.step]),
        np.concatenate([rows[:, 1], then.value]),
        np.concatenate([rows[:, 2], then.timestamp]),
    )

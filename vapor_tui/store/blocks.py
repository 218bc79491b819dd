"""Points packed in blocks, for reading a long history into numpy fast.

The points table has one row per step: right for the unique (job, step) key and for small
reads, but turning a million rows into Python objects costs about a second whatever numpy does
afterwards. So every batch written to it is also written here, in the same transaction: steps
grouped in blocks of BLOCK_STEPS, each block one BLOB of float64 rows (step, epoch, loss,
accuracy, learning rate, validation loss or NaN, timestamp). Reading all of a job is then a few
hundred BLOBs and `np.frombuffer`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from vapor_tui.core.points import COLUMNS, Points

if TYPE_CHECKING:
    from sqlalchemy import Connection

BLOCK_STEPS = 4096
_WIDTH = len(COLUMNS)


def _param(conn: Connection) -> str:
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def _matrix(points: Points) -> np.ndarray:
    return np.column_stack([getattr(points, name).astype(np.float64) for name in COLUMNS])


def _decode(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=np.float64).reshape(-1, _WIDTH)


def write_blocks(conn: Connection, job_id: int, points: Points) -> None:
    """Fold a batch (already in the points table, same transaction) into its blocks."""
    if not len(points):
        return
    p = _param(conn)
    rows = _matrix(points)
    block_of = (points.step - 1) // BLOCK_STEPS
    first, last = int(block_of[0]), int(block_of[-1])
    existing = {
        int(block): _decode(bytes(data))
        for block, data in conn.exec_driver_sql(
            f"SELECT block, data FROM point_blocks "
            f"WHERE job_id = {p} AND block BETWEEN {p} AND {p}",
            (job_id, first, last),
        )
    }
    starts = np.flatnonzero(np.r_[True, block_of[1:] != block_of[:-1]])
    ends = np.r_[starts[1:], len(block_of)]
    out = []
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        block = int(block_of[start])
        part = rows[start:end]
        if block in existing:
            part = np.concatenate([existing[block], part])
            part = part[np.argsort(part[:, 0], kind="stable")]
        out.append((job_id, block, len(part), np.ascontiguousarray(part).tobytes()))
    conn.exec_driver_sql(
        f"DELETE FROM point_blocks WHERE job_id = {p} AND block BETWEEN {p} AND {p}",
        (job_id, first, last),
    )
    conn.exec_driver_sql(
        f"INSERT INTO point_blocks (job_id, block, n, data) VALUES ({p}, {p}, {p}, {p})", out
    )


def read_blocks(conn: Connection, job_id: int, after_step: int = 0) -> Points:
    """Points with step > after_step, from the blocks."""
    p = _param(conn)
    parts = [
        _decode(bytes(data))
        for (data,) in conn.exec_driver_sql(
            f"SELECT data FROM point_blocks WHERE job_id = {p} AND block >= {p} ORDER BY block",
            (job_id, max(0, after_step) // BLOCK_STEPS),
        )
    ]
    if not parts:
        return Points.empty()
    rows = np.concatenate(parts)
    if after_step > 0:
        rows = rows[rows[:, 0] > after_step]
    columns = {}
    for i, name in enumerate(COLUMNS):
        column = rows[:, i]
        columns[name] = column.astype(np.int64) if name in ("step", "epoch") else column.copy()
    return Points.from_columns(columns)

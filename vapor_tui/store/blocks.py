"""Points packed in blocks, for reading a long history into numpy fast.

The points table has one row per step: right for the unique (job, step) key and for small
reads, but turning a million rows into Python objects costs about a second whatever numpy does
afterwards. So every batch written to it is also written here, in the same transaction: steps
grouped in blocks of BLOCK_STEPS, each block one BLOB of float64 rows (step, epoch, loss,
accuracy, learning rate, validation loss or NaN, timestamp). Reading all of a job is then a few
hundred BLOBs and `np.frombuffer`.

A block is written once, when its last step is: a running job's newest steps (fewer than
BLOCK_STEPS) are read from the rows. Rewriting the block in progress on every batch cost a
tick the size of that block (up to 229 KB read, sorted and written again for each job's one
new point) instead of the size of what was new. A block an older version left part-filled
is read as rows too, and replaced when it is complete.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from vapor_tui.core.points import COLUMNS, Points

from .point_rows import read_points_conn

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
    """Pack the blocks this batch (consecutive steps, already in the points table in the same
    transaction) completes. The rest of a block waits in the rows until its last step."""
    if not len(points):
        return
    first_step, last_step = int(points.step[0]), int(points.step[-1])
    first = (first_step - 1) // BLOCK_STEPS
    complete = last_step // BLOCK_STEPS  # blocks 0 .. complete - 1 are whole now
    if complete <= first:
        return
    p = _param(conn)
    rows = _matrix(points)
    begin = first * BLOCK_STEPS + 1
    if first_step > begin:  # the block's earlier steps came in earlier batches
        earlier = read_points_conn(conn, job_id, begin - 1, first_step - begin)
        rows = np.concatenate([_matrix(earlier), rows])
    out = []
    for block in range(first, complete):
        part = rows[(block - first) * BLOCK_STEPS : (block - first + 1) * BLOCK_STEPS]
        if len(part) != BLOCK_STEPS or part[0, 0] != block * BLOCK_STEPS + 1:
            raise ValueError(f"job {job_id}: block {block} is not whole in the points table")
        out.append((job_id, block, BLOCK_STEPS, np.ascontiguousarray(part).tobytes()))
    conn.exec_driver_sql(
        f"DELETE FROM point_blocks WHERE job_id = {p} AND block BETWEEN {p} AND {p}",
        (job_id, first, complete - 1),
    )
    conn.exec_driver_sql(
        f"INSERT INTO point_blocks (job_id, block, n, data) VALUES ({p}, {p}, {p}, {p})", out
    )


def read_blocks(conn: Connection, job_id: int, after_step: int = 0) -> Points:
    """Points with step > after_step: the whole blocks from there on, then the rows after
    the last of them."""
    p = _param(conn)
    block = max(0, after_step) // BLOCK_STEPS
    parts = []
    for number, n, data in conn.exec_driver_sql(
        f"SELECT block, n, data FROM point_blocks WHERE job_id = {p} AND block >= {p} "
        "ORDER BY block",
        (job_id, block),
    ):
        if number != block or n != BLOCK_STEPS:
            break  # a gap or a part-filled block: the rows from here on
        parts.append(_decode(bytes(data)))
        block += 1
    tail = read_points_conn(conn, job_id, max(after_step, block * BLOCK_STEPS))
    if not parts:
        return tail
    rows = np.concatenate([*parts, _matrix(tail)]) if len(tail) else np.concatenate(parts)
    if after_step > 0:
        rows = rows[rows[:, 0] > after_step]
    columns = {}
    for i, name in enumerate(COLUMNS):
        column = rows[:, i]
        columns[name] = column.astype(np.int64) if name in ("step", "epoch") else column.copy()
    return Points.from_columns(columns)

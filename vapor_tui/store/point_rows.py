"""Reading a job's points row by row inside the caller's transaction (the store's bulk reads
decode packed blocks instead: blocks.py). Used by points.py and by the schema upgrade."""

from __future__ import annotations

import numpy as np
from sqlalchemy import Connection

from vapor_tui.core.points import COLUMNS, Points

_READ_DTYPE = np.dtype(
    [
        ("step", np.int64),
        ("epoch", np.int64),
        ("loss", np.float64),
        ("accuracy", np.float64),
        ("learning_rate", np.float64),
        ("val_loss", np.float64),
        ("timestamp", np.float64),
    ]
)
# Loss is never negative, so -1 can stand for "no validation on this step" inside a read.
_NO_VAL = -1.0
_SELECT = (
    "SELECT step, epoch, loss, accuracy, learning_rate, COALESCE(val_loss, -1.0), timestamp "
    "FROM points WHERE job_id = {p} AND step > {p} ORDER BY step"
)


def _placeholder(conn: Connection) -> str:
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def placeholder(conn: Connection) -> str:
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def read_points_conn(
    conn: Connection, job_id: int, after_step: int = 0, limit: int | None = None
) -> Points:
    p = placeholder(conn)
    sql = _SELECT.format(p=p)
    params: tuple = (job_id, after_step)
    if limit is not None:
        sql += f" LIMIT {p}"
        params = (*params, int(limit))
    cursor = conn.exec_driver_sql(sql, params)
    records = np.fromiter((tuple(r) for r in cursor), dtype=_READ_DTYPE)
    val = records["val_loss"]
    val[val == _NO_VAL] = np.nan
    return Points.from_columns({name: np.ascontiguousarray(records[name]) for name in COLUMNS})

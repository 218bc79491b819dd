"""A simulated job's points as the wide `Points` the tick, the chart and the export hold
(step, epoch, loss, accuracy, learning rate, validation loss, timestamp), stored as the four
named series `loss`, `accuracy`, `learning_rate` and `val_loss` (one point an epoch).

Written through series.write_points; read back with one query for the newest steps, or from
the packed blocks for long reads.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import Connection

from vapor_tui.core.points import Points
from vapor_tui.core.series import Batch, SeriesPoints

from .bulk import param
from .points_newest import VALIDATION, on_steps, read_newest, wide_points
from .series import BULK_READ, read_series, write_points

if TYPE_CHECKING:
    from .engine import Store

# What a simulated step takes in a SQLite database once written: its three dense series'
# rows and packed copies, their summaries, and a share of the validation series. Measured,
# not assumed: a test writes real jobs and holds this within 5% of what the file grew by
# (tests/store/test_store_size.py).
BYTES_PER_POINT = 167
# `new` warns before it creates a job whose points would take more than this.
LARGE_JOB_BYTES = 1_000_000_000

DENSE = ("loss", "accuracy", "learning_rate")


def sim_batch(points: Points) -> Batch:
    """The four series of a run of simulated points."""
    # Points' columns are read-only, of one length, steps increasing from 1: taken as they are.
    step, timestamp = points.step, points.timestamp
    batch = {name: SeriesPoints.of_frozen(step, getattr(points, name), timestamp) for name in DENSE}
    has_val = ~np.isnan(points.val_loss)
    if has_val.any():
        batch[VALIDATION] = SeriesPoints(
            step[has_val], points.val_loss[has_val], timestamp[has_val]
        )
    return batch


def insert_points(
    conn: Connection, job_id: int, points: Points, total_steps: int | None = None
) -> int:
    """Write one job's simulated points in the caller's transaction (the jobs row is the
    caller's: the catch-up sets it with its compare-and-set)."""
    if not len(points):
        return 0
    write_points(conn, {job_id: sim_batch(points)}, update_jobs=False)
    return len(points)


def assemble(series: dict[str, SeriesPoints], steps_per_epoch: int | None) -> Points:
    """Wide points on the steps of the loss series (the simulator writes all three dense
    series at every step): a series without a point at a step gives NaN there."""
    loss = series.get("loss", SeriesPoints.empty())
    step = loss.step
    columns: dict[str, np.ndarray] = {"step": step, "loss": loss.value}
    for name in ("accuracy", "learning_rate", VALIDATION):
        s = series.get(name) or SeriesPoints.empty()
        columns[name] = on_steps(step, s.step, s.value)
    columns["timestamp"] = loss.timestamp
    spe = steps_per_epoch or 0
    columns["epoch"] = (step - 1) // spe + 1 if spe else np.zeros(len(step), dtype=np.int64)
    return Points.from_columns({k: np.array(v) for k, v in columns.items()})


# The job's steps per epoch, and the last step of its series: whether to read the rows.
_HEAD = (
    "SELECT j.steps_per_epoch, (SELECT max(s.last_step) FROM series s WHERE s.job_id = j.id) "
    "FROM jobs j WHERE j.id = {p}"
)
_NEWEST = (
    "SELECT s.name, p.step, p.value, p.timestamp FROM series s "
    "JOIN series_points p ON p.series_id = s.id "
    "WHERE s.job_id = {p} AND p.step > {p} AND p.step <= {p} ORDER BY s.name, p.step"
)


def read_points_conn(
    conn: Connection, job_id: int, after_step: int = 0, limit: int | None = None
) -> Points:
    """Points with after_step < step <= after_step + limit, in step order, in the caller's
    transaction. Through the driver's own connection (SQLAlchemy's result rows cost more than
    the server's answer: three statements through them were 1.2 ms of CPU a read of the newest
    10 steps, most of it on this side): on SQLite two statements, on a server one."""
    p = param(conn)
    raw = conn.connection.driver_connection
    assert raw is not None  # a live connection, inside the caller's transaction
    if p == "%s":
        spe, rows = read_newest(raw, job_id, after_step, limit)
        if rows is not None:
            return wide_points(rows, spe)
        return _long_read(conn, job_id, after_step, spe)
    spe, top = raw.execute(_HEAD.format(p=p), (job_id,)).fetchone() or (None, None)
    if limit is not None:
        upto = after_step + limit
    elif top is not None and top - after_step > BULK_READ:
        return _long_read(conn, job_id, after_step, spe)
    else:
        upto = int(top or 0)
    rows = raw.execute(_NEWEST.format(p=p), (job_id, int(after_step), int(upto))).fetchall()
    return wide_points(rows, spe)


def _long_read(conn: Connection, job_id: int, after_step: int, spe: int | None) -> Points:
    names = (*DENSE, VALIDATION)
    return assemble({n: read_series(conn, job_id, n, after_step) for n in names}, spe)


def split_rows(rows: Sequence[Any]) -> dict[str, SeriesPoints]:
    out: dict[str, SeriesPoints] = {}
    if not rows:
        return out
    names = [r[0] for r in rows]
    data = np.array(
        [(r[1], np.nan if r[2] is None else r[2], r[3]) for r in rows], dtype=np.float64
    )
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or names[i] != names[start]:
            part = data[start:i]
            out[names[start]] = SeriesPoints(part[:, 0].astype(np.int64), part[:, 1], part[:, 2])
            start = i
    return out


def read_points(store: Store, job_id: int, after_step: int = 0, limit: int | None = None) -> Points:
    """Points of one simulated job with step > after_step (up to after_step + limit). On a
    server, one statement outside a transaction (a round trip, where BEGIN, two statements and
    COMMIT were four); a long read (the packed blocks, a statement a series) in a read
    transaction, as on SQLite."""
    if not store.is_sqlite:
        with store.read_statement() as conn:
            raw = conn.connection.driver_connection
            spe, rows = read_newest(raw, job_id, after_step, limit)
        if rows is not None:
            return wide_points(rows, spe)
    with store.read() as conn:
        return read_points_conn(conn, job_id, after_step, limit)


def iter_point_chunks(store: Store, job_id: int, chunk: int = 50_000) -> Iterator[Points]:
    """All points of a job, a chunk of steps at a time, for export without holding them all."""
    with store.read() as conn:
        p = param(conn)
        top = conn.exec_driver_sql(
            f"SELECT max(last_step) FROM series WHERE job_id = {p}", (job_id,)
        ).scalar()
    after = 0
    while after < (top or 0):
        part = read_points(store, job_id, after, chunk)
        after += chunk
        if len(part):
            yield part

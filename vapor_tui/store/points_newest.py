"""The newest points of a simulated job: on a server one statement (one round trip, where the
job's head and then its rows were two, inside a BEGIN and a COMMIT), and the rows of either
backend made into wide `Points` at once, without a `SeriesPoints` a series first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from vapor_tui.core.points import COLUMNS, Points

from .series import BULK_READ

VALIDATION = "val_loss"

# The job's head (steps per epoch, the last step of its series) on every row, or on one row
# of NULL points when none are read (no points after after_step, or a long read: more than
# BULK_READ steps and no limit, read from the packed blocks instead).
# Every parameter is used in `h` alone, so that the planner's estimates do not depend on
# them: the prepared statement's generic plan costs what a fresh plan would and is kept
# (with `step > %(after)s` in the points' scan, every read was planned again: 0.3-0.6 ms of
# the server's time). OFFSET 0 keeps the points' scan a subquery run for each series, on the
# (series_id, step) key: flattened, the planner could take a hash join over every point.
_ONE = (
    "WITH h AS MATERIALIZED (SELECT j.id, j.steps_per_epoch AS spe, t.top, "
    "%(after)s::int8 AS after, coalesce(%(upto)s::int8, CASE WHEN t.top - %(after)s::int8 > "
    f"{BULK_READ} THEN %(after)s::int8 ELSE t.top END) AS upto FROM jobs j, LATERAL "
    "(SELECT max(s.last_step) AS top FROM series s WHERE s.job_id = j.id) t "
    "WHERE j.id = %(job)s::int4) "
    "SELECT h.spe, h.top, r.name, r.step, r.value, r.timestamp FROM h LEFT JOIN LATERAL ("
    "SELECT s.name, p.step, p.value, p.timestamp FROM series s CROSS JOIN LATERAL ("
    "SELECT step, value, timestamp FROM series_points WHERE series_id = s.id "
    "AND step > h.after AND step <= h.upto OFFSET 0) p WHERE s.job_id = h.id"
    ") r ON true ORDER BY r.name, r.step"
)


def read_newest(
    raw: Any, job_id: int, after_step: int, limit: int | None
) -> tuple[int | None, list | None]:
    """On a server's psycopg connection: (steps per epoch, rows of (name, step, value,
    timestamp) in name and step order), or rows None for a long read."""
    upto = None if limit is None else int(after_step) + limit
    got = raw.execute(_ONE, {"job": job_id, "after": int(after_step), "upto": upto}).fetchall()
    if not got:
        return None, []  # no such job
    spe, top, name = got[0][:3]
    if name is None:
        if limit is None and top is not None and top - after_step > BULK_READ:
            return spe, None
        return spe, []
    return spe, [r[2:] for r in got]


def wide_points(rows: Sequence[Sequence[Any]], steps_per_epoch: int | None) -> Points:
    """What points.assemble makes of these rows' series (name, step, value, timestamp; by
    name, then step; a NULL value is NaN): on the steps of the loss series."""
    spans: dict[str, tuple[int, int]] = {}
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i][0] != rows[start][0]:
            spans[rows[start][0]] = (start, i)
            start = i
    if "loss" not in spans:
        return Points.empty()
    data = np.array([r[1:] for r in rows], dtype=np.float64)  # None becomes NaN
    first, end = spans["loss"]
    step = data[first:end, 0].astype(np.int64)
    columns = {"step": step, "loss": data[first:end, 1].copy()}
    columns["timestamp"] = data[first:end, 2].copy()
    for name in ("accuracy", "learning_rate", VALIDATION):
        a, b = spans.get(name, (0, 0))
        columns[name] = on_steps(step, data[a:b, 0].astype(np.int64), data[a:b, 1])
    spe = steps_per_epoch or 0
    columns["epoch"] = (step - 1) // spe + 1 if spe else np.zeros(len(step), dtype=np.int64)
    return Points(**{name: columns[name] for name in COLUMNS})


def on_steps(steps: np.ndarray, at: np.ndarray, values: np.ndarray) -> np.ndarray:
    """A series' values (at its steps `at`) on `steps`, NaN where it has none: a new array."""
    if len(at) == len(steps) and np.array_equal(at, steps):
        return np.array(values)
    out = np.full(len(steps), np.nan)
    if not len(at):
        return out
    where = np.searchsorted(steps, at)
    inside = where < len(steps)
    hit = inside.copy()
    hit[inside] = steps[where[inside]] == at[inside]
    out[where[hit]] = values[hit]
    return out

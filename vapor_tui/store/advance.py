"""A job's due points made, and the columns of its row they move: the catch-up's write
(catchup.py) of one job. A tick's step or two comes as plain lists, a long catch-up as numpy
columns in chunks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from vapor_tui.core import catchup as planner
from vapor_tui.core.eta import ema_after_steps
from vapor_tui.core.point_list import PointList
from vapor_tui.core.points import COLUMNS, Points
from vapor_tui.core.simulator import READ_AHEAD

from .catchup_plans import simulator_for
from .points import VALIDATION, sim_batch

if TYPE_CHECKING:
    from vapor_tui.core.point_list import AnyPoints

    Ticked = Mapping[str, AnyPoints]  # a job's new points: SeriesPoints, or a few as lists

# Generate and write at most this many steps at a time, to bound memory on long catch-ups.
CHUNK_STEPS = 200_000


def advance(row, plan: planner.Plan, budget: int) -> tuple[int, bool, bool, Ticked, dict | None]:
    """Up to `budget` of the job's due points, made: (points, whether the job ends, whether
    it is then up to date, the points as the series to write, the columns to set on its row
    or None)."""
    if not plan.changes_anything:  # another process got here first
        return 0, False, True, {}, None
    sim = simulator_for(row)
    last_step = min(plan.last_step, plan.first_step + max(1, budget) - 1)
    finished = last_step == plan.last_step
    written = 0
    if 0 <= last_step - plan.first_step < READ_AHEAD:  # a tick's step or two: plain Python
        written, batch, values = _few(row, sim, plan.first_step, last_step)
    if not written:
        written, batch, values = _many(row, sim, plan.first_step, last_step)
    values["steps_done"] = max(row.steps_done, last_step)
    values["version"] = row.version + 1
    ends = finished and plan.end_status is not None
    if ends and plan.end_status is not None:
        values.update(
            status=plan.end_status.value, reason=plan.reason, finished_at=plan.finished_at
        )
    return written, ends, finished, batch, values


def _few(row, sim, first: int, last: int) -> tuple[int, Ticked, dict]:
    """_many's points and columns for a few steps, from plain lists (a numpy call a column
    was most of the work of a tick's step: issue 14). The same numbers."""
    step, _, loss, accuracy, rate, val, stamps = sim.few_points(first, last, row.started_at)
    if not step:
        return 0, {}, {}
    last_ts = row.started_at if row.last_timestamp is None else row.last_timestamp
    best = min(loss) if row.best_loss is None else min(row.best_loss, *loss)
    batch: dict[str, AnyPoints] = {
        "loss": PointList(step, loss, stamps),
        "accuracy": PointList(step, accuracy, stamps),
        "learning_rate": PointList(step, rate, stamps),
    }
    last_val = row.last_val_loss
    checked = [i for i, v in enumerate(val) if v == v]  # the steps with a validation pass
    if checked:
        batch[VALIDATION] = PointList(
            [step[i] for i in checked], [val[i] for i in checked], [stamps[i] for i in checked]
        )
        last_val = val[checked[-1]]
    values = {
        "ema_step_seconds": ema_after_steps(row.ema_step_seconds, stamps, val, last_ts),
        "last_timestamp": stamps[-1],
        "best_loss": best,
        "last_loss": loss[-1],
        "last_val_loss": last_val,
    }
    return len(step), batch, values


def _many(row, sim, first_step: int, last_step: int) -> tuple[int, Ticked, dict]:
    """The points of steps first_step..last_step, made CHUNK_STEPS at a time, and the
    columns of the job's row they move."""
    ema, last_ts = row.ema_step_seconds, row.last_timestamp
    if last_ts is None:
        last_ts = row.started_at
    best, last_loss, last_val = row.best_loss, row.last_loss, row.last_val_loss
    parts = []
    for first in range(first_step, last_step + 1, CHUNK_STEPS):
        last = min(last_step, first + CHUNK_STEPS - 1)
        pts = sim.points(first, last, row.started_at)
        parts.append(pts)
        ema = ema_after_steps(ema, pts.timestamp, pts.val_loss, last_ts)
        last_ts = float(pts.timestamp[-1])
        chunk_best = float(pts.loss.min())
        best = chunk_best if best is None else min(best, chunk_best)
        last_loss = float(pts.loss[-1])
        _, vals = pts.validation()
        if len(vals):
            last_val = float(vals[-1])
    points = Points.empty() if not parts else parts[0] if len(parts) == 1 else _concat(parts)
    written = len(points)
    values: dict = {
        "ema_step_seconds": ema,
        "last_timestamp": last_ts if written else row.last_timestamp,
        "best_loss": best,
        "last_loss": last_loss,
        "last_val_loss": last_val,
    }
    return written, sim_batch(points) if written else {}, values


def _concat(parts: list[Points]) -> Points:
    return Points(*(np.concatenate([getattr(p, n) for p in parts]) for n in COLUMNS))

"""Bringing running jobs up to now: every due step generated and written, in whole transactions."""

from __future__ import annotations

import functools
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, select

from vapor_tui.core.eta import training_durations, update_ema
from vapor_tui.core.status import JobStatus

from .catchup_plans import is_due, plan_row
from .engine import Store
from .points import insert_points
from .tables import jobs_table

# Generate and write at most this many steps at a time, to bound memory on long catch-ups.
CHUNK_STEPS = 200_000
# At most this many points a transaction (about 2 s of writing), then a pause longer than
# SQLite's longest busy-wait sleep (100 ms), so that a process waiting for the lock gets it.
TXN_POINTS = 500_000
TXN_PAUSE_S = 0.12
_ACTIVE = (JobStatus.RUNNING.value, JobStatus.STOPPING.value)


@dataclass(frozen=True, slots=True)
class CatchUpResult:
    points_written: int
    jobs_advanced: tuple[int, ...]
    jobs_ended: tuple[int, ...]


def catch_up(
    store: Store, now: datetime | None = None, job_ids: Iterable[int] | None = None
) -> CatchUpResult:
    """Bring running and stopping jobs (all, or those in `job_ids`) up to `now`.

    Each transaction writes at most TXN_POINTS points: a job's points, its counts, its chart
    summary and packed blocks, and its status change together, so every commit is whole. A
    long catch-up (a million-step job left for a day) is several of them, with a pause
    between in which another process waiting for the lock gets it."""
    if store.readonly:
        return CatchUpResult(0, (), ())
    now_s = (now or store.clock.now()).timestamp()
    wanted = None if job_ids is None else set(job_ids)
    # A cheap look without the write lock: most ticks have nothing due and write nothing.
    with store.read() as conn:
        due = {r.id for r in _active_rows(conn, wanted) if is_due(r, now_s)}
    written, advanced, ended = 0, [], []
    while due:
        if written:
            time.sleep(TXN_PAUSE_S)
        budget = TXN_POINTS
        with store.write() as conn:
            # On a server, a job another process is writing right now is left to it (SKIP
            # LOCKED): a tick or a `new` does not queue behind its catch-up. An action on the
            # job (job_ids given) waits for it, to act on the job as it is now.
            rows = _active_rows(conn, due, lock=not store.is_sqlite, skip=job_ids is None)
            due &= {row.id for row in rows}  # ended or deleted elsewhere meanwhile
            for row in rows:
                count, end, finished = _advance(conn, row, now_s, budget)
                written += count
                budget -= count
                if count and row.id not in advanced:
                    advanced.append(row.id)
                if end:
                    ended.append(row.id)
                if finished:
                    due.discard(row.id)
                if budget <= 0:
                    break
    return CatchUpResult(written, tuple(advanced), tuple(ended))


# Built once: building them on every tick cost as much as running them.
_ACTIVE_ROWS = select(jobs_table).where(jobs_table.c.status.in_(_ACTIVE)).order_by(jobs_table.c.id)
_WANTED_ROWS = _ACTIVE_ROWS.where(jobs_table.c.id.in_(bindparam("ids", expanding=True)))


def _active_rows(conn: Connection, wanted: set[int] | None, lock: bool = False, skip=False):
    query = _ACTIVE_ROWS if wanted is None else _WANTED_ROWS
    if lock:
        query = query.with_for_update(skip_locked=skip)
    params = {} if wanted is None else {"ids": sorted(wanted)}
    return conn.execute(query, params).all()


def _advance(conn: Connection, row, now_s: float, budget: int) -> tuple[int, bool, bool]:
    """Write up to `budget` of the job's due points. Returns (points written, whether the job
    ended, whether it is now up to date)."""
    sim, plan = plan_row(row, now_s)
    if not plan.changes_anything:  # another process got here first
        return 0, False, True
    last_step = min(plan.last_step, plan.first_step + max(1, budget) - 1)
    finished = last_step == plan.last_step
    ema, last_ts = row.ema_step_seconds, row.last_timestamp
    if last_ts is None:
        last_ts = row.started_at
    best, last_loss, last_val = row.best_loss, row.last_loss, row.last_val_loss
    written = 0
    for first in range(plan.first_step, last_step + 1, CHUNK_STEPS):
        last = min(last_step, first + CHUNK_STEPS - 1)
        pts = sim.points(first, last, row.started_at)
        written += insert_points(conn, row.id, pts, sim.total)
        ema = update_ema(ema, training_durations(pts.timestamp, pts.val_loss, last_ts))
        last_ts = float(pts.timestamp[-1])
        chunk_best = float(pts.loss.min())
        best = chunk_best if best is None else min(best, chunk_best)
        last_loss = float(pts.loss[-1])
        _, vals = pts.validation()
        if len(vals):
            last_val = float(vals[-1])
    values: dict = {
        "steps_done": max(row.steps_done, last_step),
        "ema_step_seconds": ema,
        "last_timestamp": last_ts if written else row.last_timestamp,
        "best_loss": best,
        "last_loss": last_loss,
        "last_val_loss": last_val,
        "version": row.version + 1,
    }
    ends = finished and plan.end_status is not None
    if ends and plan.end_status is not None:
        values.update(
            status=plan.end_status.value, reason=plan.reason, finished_at=plan.finished_at
        )
    sql = _update_sql(tuple(values), conn.dialect.paramstyle)
    conn.exec_driver_sql(sql, (*values.values(), row.id, row.version))
    return written, ends, finished


@functools.cache
def _update_sql(columns: tuple[str, ...], paramstyle: str) -> str:
    """The compare-and-set update of these columns, as plain SQL made once: building the
    statement anew for every job on every tick cost more than running it."""
    p = "?" if paramstyle == "qmark" else "%s"
    assignments = ", ".join(f"{jobs_table.c[column].name} = {p}" for column in columns)
    return f"UPDATE jobs SET {assignments} WHERE id = {p} AND version = {p}"

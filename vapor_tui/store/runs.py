"""Runs of the logging API in the store: making or attaching to a job, a flush of points with
the heartbeat, the one-row read of what the user asked, the end (compare-and-set), and the
runs whose process died, failed by whoever looks first (part of bringing jobs up to now)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from vapor_tui.core.job import Job
from vapor_tui.core.liveness import RunProcess, why_ended
from vapor_tui.core.process import ProcessId
from vapor_tui.core.run_end import run_end
from vapor_tui.core.status import JobStatus

from .engine import Store, StoreError
from .errors import JobNotFound
from .series import write_points
from .tables import jobs_table

if TYPE_CHECKING:
    from .series import AnyBatch

__all__ = [
    "RunRefused",
    "attach_run",
    "create_run",
    "dead_runs",
    "end_dead_runs",
    "end_run",
    "fail_dead_runs",
    "read_control",
    "write_run",
]

SOURCE_API = "api"
SOURCE_COMMAND = "command"
_ACTIVE = (JobStatus.RUNNING.value, JobStatus.STOPPING.value)
_PROCESS_SOURCES = (SOURCE_API,)  # a launched command's supervisor watches its own


class RunRefused(StoreError):
    """init() cannot attach to the job VAPOR_TUI_JOB names: the sentence says why."""


def create_run(
    store: Store,
    *,
    name: str,
    model: str | None,
    config: Mapping[str, Any] | None,
    total_steps: int | None,
    epochs: int | None,
    process: ProcessId,
) -> int:
    """A new job with source `api`, running from now, with the process that logs to it."""
    now = store.clock.now().timestamp()
    with store.write() as conn:
        key = conn.execute(
            jobs_table.insert().values(
                name=name,
                model=model,
                epochs=epochs,
                total_steps=total_steps,
                config=_config_text(config),
                source=SOURCE_API,
                status=JobStatus.RUNNING.value,
                reason="",
                created_at=now,
                started_at=now,
                steps_done=0,
                version=0,
                stop_rung=0,
                heartbeat_at=now,
                **_process_values(process),
            )
        ).inserted_primary_key
    assert key is not None
    return int(key[0])


def attach_run(
    store: Store,
    job_id: int,
    process: ProcessId,
    *,
    config: Mapping[str, Any] | None = None,
    total_steps: int | None = None,
) -> int:
    """Attach to a job vapor-tui launched this process for (VAPOR_TUI_JOB): a `command` job
    that has not ended; a queued one becomes running. The step it had reached."""
    now = store.clock.now().timestamp()
    with store.write() as conn:
        query = select(jobs_table).where(jobs_table.c.id == job_id)
        row = conn.execute(query if store.is_sqlite else query.with_for_update()).first()
        if row is None:
            raise RunRefused(f"VAPOR_TUI_JOB={job_id}: there is no job #{job_id}")
        what = f"VAPOR_TUI_JOB={job_id}: job #{job_id} {row.name}"
        if row.source != SOURCE_COMMAND:
            kind = "a simulated job" if row.source == "simulator" else "another script's run"
            raise RunRefused(f"{what} is {kind}, not a command vapor-tui launched")
        if JobStatus(row.status).is_final:
            raise RunRefused(f"{what} is {row.status}, which is final")
        values: dict[str, Any] = {"heartbeat_at": now, "version": jobs_table.c.version + 1}
        if row.status == JobStatus.QUEUED.value:
            values.update(status=JobStatus.RUNNING.value, started_at=now)
        if row.pid is None:
            values.update(_process_values(process))
        if config is not None and row.config is None:
            values["config"] = _config_text(config)
        if total_steps is not None and row.total_steps is None:
            values["total_steps"] = total_steps
        conn.execute(jobs_table.update().where(jobs_table.c.id == job_id).values(**values))
        return int(row.steps_done or 0)


_PACE = select(jobs_table.c.steps_done, jobs_table.c.last_timestamp, jobs_table.c.ema_step_seconds)


def write_run(store: Store, job_id: int, batch: AnyBatch, heartbeat: float | None) -> None:
    """One flush of a run: its points, its speed (the moving average of its step times, for
    steps/s and the ETA) and its heartbeat, in one transaction."""
    with store.write() as conn:
        values: dict[str, Any] = {}
        if batch:
            pace = conn.execute(_PACE.where(jobs_table.c.id == job_id)).first()
            write_points(conn, {job_id: batch})
            if pace is not None:
                ema = step_seconds(
                    batch, pace.steps_done, pace.last_timestamp, pace.ema_step_seconds
                )
                if ema is not None:
                    values["ema_step_seconds"] = ema
        if heartbeat is not None:
            values["heartbeat_at"] = heartbeat
        if values:
            conn.execute(jobs_table.update().where(jobs_table.c.id == job_id).values(**values))


def step_seconds(
    batch: AnyBatch, done: int, last_ts: float | None, ema: float | None
) -> float | None:
    """The moving average of a step's time after this batch: from its longest series' new
    steps, each interval divided by the steps it spans (a script may log every 10th step).
    Plain Python on the batch's last HORIZON + 1 points: older ones weigh next to nothing."""
    from vapor_tui.core.eta import HORIZON, update_ema

    pts = max(batch.values(), key=len)
    steps, stamps = pts.step[-(HORIZON + 1) :], pts.timestamp[-(HORIZON + 1) :]
    new = [(int(s), float(t)) for s, t in zip(steps, stamps, strict=True) if s > done]
    # The interval from the step done before is the oldest: it counts when every new step
    # is among these (the batch is in step order).
    if last_ts is not None and done and (len(new) < len(steps) or len(pts) == len(steps)):
        new.insert(0, (done, last_ts))
    if len(new) < 2:
        return ema
    durations = [(t1 - t0) / (s1 - s0) for (s0, t0), (s1, t1) in itertools.pairwise(new)]
    return update_ema(ema, [d for d in durations if d >= 0])


_CONTROL = select(jobs_table.c.status, jobs_table.c.stop_rung, jobs_table.c.reason)


def read_control(store: Store, job_id: int) -> tuple[str, int, str] | None:
    """(status, stop rung, reason) of the job, by its primary key; None if it was deleted."""
    with store.read() as conn:
        row = conn.execute(_CONTROL.where(jobs_table.c.id == job_id)).first()
    return None if row is None else (row.status, int(row.stop_rung or 0), row.reason or "")


def correct_stop_reason(store: Store, job_id: int, was: str, reason: str) -> Job | None:
    """The reason of a stop now made to say what happened (the SIGINT could not be sent
    after all): compare-and-set on the reason it recorded, so that a later rung or the run's
    end stands. The job as it then is, or None where something else got there first."""
    from .jobs import get_job

    with store.write() as conn:
        done = conn.execute(
            jobs_table.update()
            .where(
                jobs_table.c.id == job_id,
                jobs_table.c.status == JobStatus.STOPPING.value,
                jobs_table.c.reason == was,
            )
            .values(reason=reason, version=jobs_table.c.version + 1)
        ).rowcount
    return get_job(store, job_id) if done == 1 else None


def end_run(
    store: Store, job_id: int, exit_code: int, error: str | None, last_step: int
) -> tuple[str, str]:
    """Record how the run ended, as core/run_end.py says, on the status read in the same
    transaction: (status, reason) as the row then has them."""
    now = store.clock.now().timestamp()
    with store.write() as conn:
        query = select(jobs_table.c.status, jobs_table.c.reason, jobs_table.c.supervisor_pid).where(
            jobs_table.c.id == job_id
        )
        row = conn.execute(query if store.is_sqlite else query.with_for_update()).first()
        if row is None:
            raise JobNotFound(job_id)
        end = run_end(JobStatus(row.status), exit_code, error, last_step)
        if end is None:
            return row.status, row.reason
        status, reason = end
        unsupervised = row.supervisor_pid is None
        conn.execute(
            jobs_table.update()
            .where(jobs_table.c.id == job_id, jobs_table.c.status == row.status)
            .values(
                status=status.value,
                reason=reason,
                finished_at=now,
                version=jobs_table.c.version + 1,
                # A launched command's exit code is its supervisor's to record: the process's
                # real status, once its output has been read to the end.
                **({"exit_code": exit_code} if error is None and unsupervised else {}),
            )
        )
        return status.value, reason


_WATCHED = select(
    jobs_table.c.id,
    jobs_table.c.status,
    jobs_table.c.source,
    jobs_table.c.host,
    jobs_table.c.pid,
    jobs_table.c.pid_started,
    jobs_table.c.heartbeat_at,
    jobs_table.c.started_at,
).where(jobs_table.c.status.in_(_ACTIVE), jobs_table.c.source.in_(_PROCESS_SOURCES))


def end_dead_runs(
    store: Store,
    now: datetime,
    here: str,
    running: Callable[[int, int | None], bool],
) -> list[int]:
    """Fail every active run whose process ended without finish() (core/liveness.py): the
    ids failed. Compare-and-set on the status and heartbeat read, so two processes looking at
    once agree, and a heartbeat that arrived meanwhile wins."""
    if store.readonly:
        return []
    with store.read() as conn:
        dead = dead_runs(conn, now.timestamp(), here, running)
    return fail_dead_runs(store, dead, now.timestamp())


def dead_runs(
    conn: Connection, now_s: float, here: str, running: Callable[[int, int | None], bool]
) -> list[tuple[Any, str]]:
    """The look of end_dead_runs, in the caller's transaction (a tick's one read): each active
    run whose process ended, with why."""
    return dead_among(conn.execute(_WATCHED).all(), now_s, here, running)


def dead_among(
    rows: Iterable[Any], now_s: float, here: str, running: Callable[[int, int | None], bool]
) -> list[tuple[Any, str]]:
    """dead_runs, from rows already read (a tick's one look reads every active job at once):
    those of active runs among them are checked."""
    dead = []
    for row in rows:
        if row.status not in _ACTIVE or row.source not in _PROCESS_SOURCES:
            continue
        started = None if row.pid_started is None else int(row.pid_started)
        process = RunProcess(row.host, row.pid, started, row.heartbeat_at, row.started_at)
        reason = why_ended(process, now_s, here, running)
        if reason is not None:
            dead.append((row, reason))
    return dead


def fail_dead_runs(store: Store, dead: list[tuple[Any, str]], now_s: float) -> list[int]:
    """What dead_runs found, failed where it is unchanged since: the ids failed."""
    if not dead or store.readonly:
        return []
    failed = []
    with store.write() as conn:
        for row, reason in dead:
            if _fail_if_unchanged(conn, row, reason, now_s):
                failed.append(row.id)
    return failed


def _fail_if_unchanged(conn: Connection, row: Any, reason: str, now_s: float) -> bool:
    beat = jobs_table.c.heartbeat_at
    result = conn.execute(
        jobs_table.update()
        .where(
            jobs_table.c.id == row.id,
            jobs_table.c.status == row.status,
            beat.is_(None) if row.heartbeat_at is None else beat == row.heartbeat_at,
        )
        .values(
            status=JobStatus.FAILED.value,
            reason=reason,
            finished_at=now_s,
            version=jobs_table.c.version + 1,
        )
    )
    return bool(result.rowcount)


def _process_values(process: ProcessId) -> dict[str, Any]:
    return {
        "host": process.host,
        "pid": process.pid,
        "pid_started": None if process.started is None else float(process.started),
        "user_name": process.user,
    }


def _config_text(config: Mapping[str, Any] | None) -> str | None:
    if config is None:
        return None
    if not isinstance(config, Mapping):
        raise TypeError(f"config must be a dict, not {type(config).__name__}")
    return json.dumps(dict(config), default=str, sort_keys=False)

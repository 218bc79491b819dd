"""The jobs row of a launched command as its supervisor reads and writes it: its command, who
supervises it, its process, the control it watches (status, stop rung), its heartbeat, the
progress read from its output and how it ended. Every write but the heartbeat bumps the row's
version, so the screens and `watch` see it."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, case, select

from vapor_tui.core.status import JobStatus

from .tables import jobs_table

__all__ = [
    "CommandRow",
    "beat",
    "claim",
    "climb",
    "control",
    "finish",
    "read_command",
    "record_exit",
    "record_pid",
    "record_progress",
]

_ACTIVE = (JobStatus.RUNNING.value, JobStatus.STOPPING.value)
_c = jobs_table.c


@dataclass(frozen=True, slots=True)
class CommandRow:
    id: int
    name: str
    status: JobStatus
    source: str
    argv: list[str]
    cwd: str | None
    env: dict[str, str]
    stop_grace: float | None
    host: str | None
    user: str | None
    stop_rung: int
    supervisor_pid: int | None


def read_command(conn: Connection, job_id: int) -> CommandRow | None:
    """The job's command row; None if there is no such job, it is not a command job, or its
    row cannot be read (the ordinary path names what is wrong with it)."""
    row = conn.execute(select(jobs_table).where(_c.id == job_id)).first()
    if row is None or row.source != "command" or row.status not in set(JobStatus):
        return None
    try:
        argv = json.loads(row.command) if row.command else []
        env = json.loads(row.env) if row.env else {}
    except ValueError:
        return None
    return CommandRow(
        row.id,
        row.name,
        JobStatus(row.status),
        row.source,
        [str(a) for a in argv],
        row.cwd,
        {str(k): str(v) for k, v in env.items()},
        row.stop_grace,
        row.host,
        row.user_name,
        row.stop_rung or 0,
        row.supervisor_pid,
    )


def _update(conn: Connection, job_id: int, *where: Any, bump: bool = True, **values: Any) -> int:
    if bump:
        values["version"] = _c.version + 1
    stmt = jobs_table.update().where(_c.id == job_id, *where).values(**values)
    return int(conn.execute(stmt).rowcount)


def claim(conn: Connection, job_id: int, pid: int, started: int | None, now: float) -> bool:
    """This supervisor takes the running job, unless another one already has it."""
    return (
        _update(
            conn,
            job_id,
            _c.status.in_(_ACTIVE),
            (_c.supervisor_pid.is_(None)) | (_c.supervisor_pid == pid),
            supervisor_pid=pid,
            supervisor_started=started,
            heartbeat_at=now,
        )
        == 1
    )


def record_pid(conn: Connection, job_id: int, pid: int, started: int | None) -> None:
    _update(conn, job_id, pid=pid, pid_started=started)


def control(conn: Connection, job_id: int) -> tuple[JobStatus, int, float | None] | None:
    """(status, stop rung, heartbeat) in one indexed read; None if the job was deleted."""
    row = conn.execute(
        select(_c.status, _c.stop_rung, _c.heartbeat_at).where(_c.id == job_id)
    ).first()
    return None if row is None else (JobStatus(row[0]), int(row[1] or 0), row[2])


def beat(conn: Connection, job_id: int, now: float, mine: float | None, stale: float) -> bool:
    """Write the heartbeat if the last one is this supervisor's (or older than `stale`). False:
    someone else beats for the job: the script attached through the logging API."""
    written = _update(
        conn,
        job_id,
        _c.heartbeat_at.is_(None) | (_c.heartbeat_at == mine) | (_c.heartbeat_at < now - stale),
        bump=False,
        heartbeat_at=now,
    )
    return written == 1


def climb(conn: Connection, job_id: int, rung: int, reason: str) -> None:
    """The ladder went up by itself (the grace period ran out): record where it is."""
    _update(
        conn, job_id, _c.stop_rung < rung, _c.status == "stopping", stop_rung=rung, reason=reason
    )


def record_progress(
    conn: Connection,
    job_id: int,
    steps: int,
    total: int | None,
    step_seconds: float | None,
) -> None:
    """Progress read from the output (only while no script attached through the logging API
    reports its own): steps only go up."""
    values: dict[str, Any] = {
        "steps_done": case((_c.steps_done < steps, steps), else_=_c.steps_done)
    }
    if step_seconds is not None:
        values["ema_step_seconds"] = step_seconds
    if total:
        values["total_steps"] = total
    _update(conn, job_id, **values)


def finish(
    conn: Connection, job_id: int, status: JobStatus, reason: str, exit_code: int | None, now: float
) -> bool:
    """End the job, unless someone else ended it first (the script's finish(), the user's
    `f`): compare-and-set on its being active. The exit code is recorded either way."""
    done = _update(
        conn,
        job_id,
        _c.status.in_(_ACTIVE),
        status=status.value,
        reason=reason,
        exit_code=exit_code,
        finished_at=now,
    )
    if not done:
        record_exit(conn, job_id, exit_code, now)
    return done == 1


def record_exit(conn: Connection, job_id: int, exit_code: int | None, now: float) -> None:
    _update(
        conn,
        job_id,
        exit_code=exit_code,
        finished_at=case((_c.finished_at.is_(None), now), else_=_c.finished_at),
    )


def create_command(
    conn: Connection,
    *,
    name: str,
    model: str | None,
    argv: list[str],
    cwd: str,
    env: dict[str, str],
    stop_grace: float | None,
    host: str,
    user: str,
    now: float,
) -> int:
    """A queued command job: what `vapor-tui new ... -- CMD ARG...` and the form make."""
    key = conn.execute(
        jobs_table.insert().values(
            name=name,
            model=model,
            source="command",
            status=JobStatus.QUEUED.value,
            reason="",
            created_at=now,
            steps_done=0,
            version=0,
            stop_rung=0,
            command=json.dumps(argv),
            cwd=cwd,
            env=json.dumps(env, sort_keys=True),
            stop_grace=stop_grace,
            host=host,
            user_name=user,
        )
    ).inserted_primary_key
    assert key is not None
    return int(key[0])


def record_supervisor(conn: Connection, job_id: int, pid: int, started: int | None) -> None:
    """The starter's record of the supervisor it spawned (the supervisor claims the job with
    the same values): from now on a supervisor that dies is seen."""
    _update(
        conn,
        job_id,
        _c.supervisor_pid.is_(None),
        supervisor_pid=pid,
        supervisor_started=started,
    )


STARTING_S = 30.0  # a started job's supervisor is given this long to be recorded
LOST_AFTER_S = 60.0  # no heartbeat from another machine's supervisor for this long: lost

_SUPERVISED = select(
    _c.id,
    _c.status,
    _c.source,
    _c.host,
    _c.supervisor_pid,
    _c.supervisor_started,
    _c.heartbeat_at,
    _c.started_at,
    _c.pid,
    _c.pid_started,
).where(_c.status.in_(_ACTIVE), _c.source == "command")


def lost_supervisors(conn: Connection, now: float, here: str, alive: Any) -> list[tuple[Any, str]]:
    """The active command jobs whose supervisor is gone, with the reason to fail them: on this
    machine its pid (with its start time) is not running; elsewhere its heartbeat (or the
    script's, when one attached) stopped for LOST_AFTER_S. `alive(pid, started)` asks the
    process table."""
    return lost_among(conn.execute(_SUPERVISED).all(), now, here, alive)


def lost_among(rows: Iterable[Any], now: float, here: str, alive: Any) -> list[tuple[Any, str]]:
    """lost_supervisors, from rows already read (a tick's one look reads every active job at
    once): those of active command jobs among them are checked."""
    lost = []
    for row in rows:
        if row.status not in _ACTIVE or row.source != "command":
            continue
        if row.host == here:
            if row.supervisor_pid is None:
                since = row.started_at or 0.0
                if now - since > STARTING_S:
                    lost.append((row, "supervisor lost: it never started"))
            elif not alive(row.supervisor_pid, row.supervisor_started):
                lost.append((row, "supervisor lost"))
            continue
        last = row.heartbeat_at if row.heartbeat_at is not None else row.started_at
        if last is not None and now - last >= LOST_AFTER_S:
            lost.append(
                (row, f"supervisor lost: no heartbeat from {row.host} for {LOST_AFTER_S:g} s")
            )
    return lost


def fail_lost(conn: Connection, row: Any, reason: str, now: float) -> bool:
    """Compare-and-set on what was read: a heartbeat that came meanwhile wins."""
    beat = _c.heartbeat_at
    return (
        _update(
            conn,
            row.id,
            _c.status == row.status,
            beat.is_(None) if row.heartbeat_at is None else beat == row.heartbeat_at,
            status=JobStatus.FAILED.value,
            reason=reason,
            finished_at=now,
        )
        == 1
    )

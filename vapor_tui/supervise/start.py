"""Starting a command job: refused from another machine or user, else running from now under a
supervisor spawned for it. The one way the app (`s`), `vapor-tui start` and `new --start` start
a command."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from vapor_tui.core.job import Job
from vapor_tui.core.status import Action, JobStatus
from vapor_tui.store import supervised as rows
from vapor_tui.store.engine import Store, StoreError

from .spawn import spawn_supervisor, where_refused

if TYPE_CHECKING:
    from sqlalchemy import Connection


class CommandRefused(StoreError):
    """This process may not start that command job (another machine's, another user's)."""


def db_target(store: Store) -> str:
    """What the supervisor and the command get as VAPOR_TUI_DB: the file, or the URL with its
    password (in their environment, never on a command line)."""
    if store.is_sqlite:
        return store.target
    return store.engine.url.render_as_string(hide_password=False)


def _command_here(store: Store, job_id: int) -> tuple[Any, str | None]:
    """The command job (None if the job is not a command), and why this machine and user may
    not run it, if they may not."""
    with store.read() as conn:
        job = rows.read_command(conn, job_id)
    if job is None or job.source != "command":
        return None, None
    return job, where_refused(job.id, job.name, job.host, job.user)


def start_command(store: Store, job_id: int, expected: JobStatus | None) -> Job | None:
    """Start the job if it is a command job (None: it is not, start it as any other)."""
    from vapor_tui.store.jobs import apply_action, get_job

    job, refused = _command_here(store, job_id)
    if job is None:
        return None
    if refused is not None:
        raise CommandRefused(refused)
    started = apply_action(store, job_id, Action.START, expected=expected)
    try:
        pid, pid_started = spawn_supervisor(job_id, db_target(store))
    except OSError as exc:
        apply_action(
            store, job_id, Action.FAIL, reason=f"cannot start its supervisor: {exc.strerror}"
        )
        return get_job(store, job_id)
    with store.write() as conn:
        rows.record_supervisor(conn, job_id, pid, pid_started)
    return started


def end_lost_supervisors(store: Store, now_s: float) -> list[int]:
    """Fail every active command job whose supervisor is gone ("supervisor lost"), part of
    bringing jobs up to now wherever that runs; on this machine, kill what is left of its
    command's process group (children it started: the command itself died with its
    supervisor). The ids failed."""
    if store.readonly:
        return []
    with store.read() as conn:
        lost = lost_supervisors(conn, now_s)
    return fail_lost_supervisors(store, lost, now_s)


def lost_supervisors(conn: Connection, now_s: float) -> list[tuple[Any, str]]:
    """The look of end_lost_supervisors, in the caller's transaction (a tick's one read)."""
    from vapor_tui.core.process import host_name, is_running

    return rows.lost_supervisors(conn, now_s, host_name(), is_running)


def lost_supervisors_among(looked_at: Iterable[Any], now_s: float) -> list[tuple[Any, str]]:
    """lost_supervisors, from rows a tick's look read already (every active job)."""
    from vapor_tui.core.process import host_name, is_running

    return rows.lost_among(looked_at, now_s, host_name(), is_running)


def fail_lost_supervisors(store: Store, lost: list[tuple[Any, str]], now_s: float) -> list[int]:
    """What lost_supervisors found, failed where it is unchanged since; the ids failed."""
    from vapor_tui.core.process import host_name

    from .procinfo import kill_leftovers

    if not lost or store.readonly:
        return []
    here = host_name()
    failed = []
    with store.write() as conn:
        for row, reason in lost:
            if rows.fail_lost(conn, row, reason, now_s):
                failed.append(row.id)
    for row, _ in lost:
        if row.id in failed and row.host == here and row.pid:
            kill_leftovers(row.pid, row.pid_started)
    return failed


def clone_command(store: Store, job_id: int) -> Job | None:
    """A new queued command job with the same command, directory, environment and grace (how
    a command is run again); None if the job is not a command. Only this machine's and this
    user's commands: another's would run what this user did not type."""
    from vapor_tui.core.process import host_name, user_name
    from vapor_tui.store.jobs import get_job

    job, refused = _command_here(store, job_id)
    if job is None:
        return None
    if refused is not None:
        raise CommandRefused(
            refused.replace("cannot start", "cannot clone").replace("; start it", "; clone it")
        )
    model = get_job(store, job_id).model or None
    with store.write() as conn:
        new_id = rows.create_command(
            conn,
            name=job.name,
            model=model,
            argv=job.argv,
            cwd=job.cwd or "",
            env=job.env,
            stop_grace=job.stop_grace,
            host=host_name(),
            user=user_name(),
            now=store.clock.now().timestamp(),
        )
    return get_job(store, new_id)

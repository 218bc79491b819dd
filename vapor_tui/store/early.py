"""Starting, stopping or failing a queued job straight in the file, with the standard library's
sqlite3, while the store itself (SQLAlchemy: about 0.2 s to import, numpy with it) is still
being opened: so that the first key the footer offered is carried out at once.

Only where nothing else is involved: a local SQLite file of the current schema, a job that is
queued (it has no points, so there is nothing to bring up to now first), and the write lock free
within a moment. Anywhere else it declines (None) and the action waits for the store. The row it
writes is the one the store's compare-and-set writes (core.change.status_change).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import SimpleNamespace

from vapor_tui.core.change import status_change
from vapor_tui.core.job import Job
from vapor_tui.core.status import Action, JobStatus, TransitionError

from .convert import job_from_row
from .sqlite_file import (
    SCHEMA_VERSION,
    StoreError,
    check_sqlite_file,
    is_url,
    resolve_target,
)

# A lock held longer than this (a catch-up by another process) is waited for by the store.
LOCK_WAIT_S = 0.2


def _row(conn: sqlite3.Connection, job_id: int) -> SimpleNamespace | None:
    cursor = conn.execute("SELECT * FROM jobs WHERE id = ?", (job_id,))
    names = [d[0] for d in cursor.description]
    row = cursor.fetchone()
    return None if row is None else SimpleNamespace(**dict(zip(names, row, strict=True)))


def _launches(job: Job, action: Action) -> bool:
    """Starting a command job spawns its supervisor: the store's path does that."""
    return action is Action.START and job.source == "command"


def act_on_queued(
    db: str | None, job_id: int, action: Action, now_s: float
) -> Job | TransitionError | None:
    """The job after `action`, the refusal if its status does not allow it, or None where this
    early path does not apply (the store's apply_action carries the action out then)."""
    try:
        target = resolve_target(db)
        if is_url(target):
            return None
        path = Path(target).expanduser()
        if not path.is_file():
            return None
        state = check_sqlite_file(path, create=False, verify=False)
    except StoreError:
        return None
    if state.readonly or state.version != SCHEMA_VERSION:
        return None
    try:
        conn = sqlite3.connect(path, timeout=LOCK_WAIT_S, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("BEGIN IMMEDIATE")
        row = _row(conn, job_id)
        job = None if row is None else job_from_row(row)
        if job is None or job.status is not JobStatus.QUEUED or _launches(job, action):
            conn.execute("ROLLBACK")
            return None
        values = status_change(job, action, now_s)
        if values is None:
            conn.execute("ROLLBACK")
            return TransitionError(job.id, job.name, job.status, action)
        columns = ", ".join(f"{name} = ?" for name in values)
        conn.execute(
            f"UPDATE jobs SET {columns}, version = version + 1 WHERE id = ? AND status = ?",
            (*values.values(), job_id, JobStatus.QUEUED.value),
        )
        after = _row(conn, job_id)
        conn.execute("COMMIT")
    except (sqlite3.Error, ValueError, StoreError):  # StoreError: a row it cannot read
        return None  # locked, read-only after all, a row we cannot read: the store will say
    finally:
        conn.close()
    return None if after is None else job_from_row(after)

"""Job repository: create, read, act on (compare-and-set), clone and delete jobs."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import func, select

from vapor_tui.core.change import status_change
from vapor_tui.core.config import JobConfig, new_seed
from vapor_tui.core.job import Job
from vapor_tui.core.status import (
    Action,
    JobStatus,
    TransitionError,
    conflicts,
)

from .catchup import catch_up
from .convert import config_values, job_from_row
from .engine import Store
from .tables import jobs_table


class JobNotFound(LookupError):
    def __init__(self, job_id: int):
        self.job_id = job_id
        super().__init__(f"no job with id {job_id}")


def create_job(store: Store, config: JobConfig, *, start: bool = False) -> Job:
    now = store.clock.now().timestamp()
    with store.write() as conn:
        key = conn.execute(
            jobs_table.insert().values(
                **config_values(config),
                source="simulator",
                status=JobStatus.QUEUED.value,
                reason="",
                created_at=now,
                steps_done=0,
                version=0,
            )
        ).inserted_primary_key
        assert key is not None
        job_id = key[0]
    if start:
        return apply_action(store, job_id, Action.START)
    return get_job(store, job_id)


def get_job(store: Store, job_id: int) -> Job:
    with store.read() as conn:
        row = conn.execute(select(jobs_table).where(jobs_table.c.id == job_id)).first()
    if row is None:
        raise JobNotFound(job_id)
    return job_from_row(row)


def list_jobs(store: Store) -> list[Job]:
    """Every job, newest first."""
    with store.read() as conn:
        rows = conn.execute(select(jobs_table).order_by(jobs_table.c.id.desc())).all()
    return [job_from_row(r) for r in rows]


def jobs_version(store: Store) -> tuple[int, int, int]:
    """(count, max id, sum of versions): changes whenever any job changes, is added or removed."""
    with store.read() as conn:
        row = conn.execute(
            select(
                func.count(),
                func.coalesce(func.max(jobs_table.c.id), 0),
                func.coalesce(func.sum(jobs_table.c.version), 0),
            )
        ).one()
    return int(row[0]), int(row[1]), int(row[2])


def apply_action(
    store: Store,
    job_id: int,
    action: Action,
    reason: str | None = None,
    expected: JobStatus | None = None,
) -> Job:
    """Take a user action. Compare-and-set on the status: of two processes acting on one job
    at once exactly one wins; the other gets a TransitionError and nothing changes.

    `expected` is the status the user saw when they asked (the app passes it): if the job has
    moved on since, whoever moved it won and this action is refused with the reason."""
    action = Action(action)
    now = store.clock.now()
    # Stop and fail act on the job as it is now: write the points that are due first.
    catch_up(store, now, [job_id])
    with store.write() as conn:
        query = select(jobs_table).where(jobs_table.c.id == job_id)
        row = conn.execute(query if store.is_sqlite else query.with_for_update()).first()
        if row is None:
            raise JobNotFound(job_id)
        job = job_from_row(row)
        if expected is not None and conflicts(JobStatus(expected), job.status, action):
            raise TransitionError(
                job.id,
                job.name,
                job.status,
                action,
                f"it changed from {JobStatus(expected)} to {job.status} before this {action} "
                "arrived (another instance, the command line, or the clock got there first)",
            )
        values = status_change(job, action, now.timestamp(), reason)
        if values is None:
            raise TransitionError(job.id, job.name, job.status, action)
        values["version"] = jobs_table.c.version + 1
        # Still compare-and-set: on a server database the row lock is the guard, on SQLite the
        # write lock taken by BEGIN IMMEDIATE is; the WHERE makes the intent explicit in both.
        result = conn.execute(
            jobs_table.update()
            .where(jobs_table.c.id == job_id, jobs_table.c.status == job.status.value)
            .values(**values)
        )
        if result.rowcount != 1:
            raise TransitionError(job.id, job.name, job.status, action, "another process won")
    if values["status"] == JobStatus.STOPPING.value:
        # The epoch may already be over (a stop right at its end): settle it now.
        catch_up(store, now, [job_id])
    return get_job(store, job_id)


def clone_job(store: Store, job_id: int, same_seed: bool = False) -> Job:
    """A new queued job with the same configuration, how a finished job is run again: with
    a new seed (another sample of the run, as a rerun is), or the same one if asked (the
    same curve, point for point)."""
    config = get_job(store, job_id).config
    return create_job(store, config if same_seed else replace(config, seed=new_seed()))


def delete_job(store: Store, job_id: int) -> None:
    with store.write() as conn:
        result = conn.execute(jobs_table.delete().where(jobs_table.c.id == job_id))
        if result.rowcount == 0:
            raise JobNotFound(job_id)

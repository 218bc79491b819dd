"""Job repository: create, read, act on (compare-and-set), clone and delete jobs."""

from __future__ import annotations

from sqlalchemy import func, select

from vapor_tui.core.change import Change, change_at
from vapor_tui.core.config import JobConfig, new_seed, stored_config
from vapor_tui.core.job import Job
from vapor_tui.core.status import Action, JobStatus, TransitionError, conflicts

from .catchup import catch_up
from .convert import JobList, UnreadableJob, config_values, job_from_row, read_rows
from .deletes import JobNotFound, delete_job
from .engine import Store, StoreDamaged, StoreError
from .job_list import with_last_epoch
from .tables import jobs_table, owed_table

__all__ = [
    "JobList",
    "JobNotFound",
    "UnreadableJob",
    "apply_action",
    "clone_job",
    "create_job",
    "delete_job",
    "get_job",
    "jobs_version",
    "list_jobs",
    "points_owed",
]


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
        row = conn.execute(with_last_epoch().where(jobs_table.c.id == job_id)).first()
    if row is None:
        raise JobNotFound(job_id)
    return job_from_row(row)


def list_jobs(store: Store) -> JobList:
    """Every job, newest first. A row that cannot be read is left out, and named in the
    list's `unreadable`: one bad row never hides the others."""
    with store.read() as conn:
        rows = conn.execute(with_last_epoch().order_by(jobs_table.c.id.desc())).all()
    return read_rows(rows)


def points_owed(store: Store, job_id: int) -> int:
    """How many points the job made before it was stopped or failed that are not written
    yet (the disk was full): catch-up writes them when there is room."""
    with store.read() as conn:
        row = conn.execute(
            select(owed_table.c.last_step, jobs_table.c.steps_done)
            .join(jobs_table, jobs_table.c.id == owed_table.c.job_id)
            .where(owed_table.c.job_id == job_id)
        ).first()
    return 0 if row is None else max(0, row[0] - row[1])


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
    expected_rung: int | None = None,
) -> Job:
    """Take a user action. Compare-and-set on the status: of two processes acting on one job
    at once exactly one wins; the other gets a TransitionError and nothing changes.

    `expected` is the status the user saw when they asked (the app passes it): if the job has
    moved on since, whoever moved it won and this action is refused with the reason.
    `expected_rung`, the stop rung the user saw, likewise: of two stops that both saw
    "stopping" at one rung, one climbs the ladder and the other is refused.

    The status change is recorded first, in a transaction of its own, whatever the job's
    backlog: the action acts on the job as the clock has it now (the steps due by now, the
    end it reached), and the points due are written after it, in pieces. A job stopped or
    failed while they could not be written (a full disk) owes them, up to the step it ended
    at, and gets them when there is room (catchup.py)."""
    action = Action(action)
    now = store.clock.now()
    with store.write() as conn:
        query = select(jobs_table).where(jobs_table.c.id == job_id)
        row = conn.execute(query if store.is_sqlite else query.with_for_update()).first()
        if row is None:
            raise JobNotFound(job_id)
        job = job_from_row(row)
        change = change_at(job, action, now.timestamp(), reason)
        refusal = _refusal(job, change, action, expected)
        seen_rung = (row.stop_rung or 0) if expected_rung is None else expected_rung
        if refusal is None and (row.stop_rung or 0) != seen_rung:
            refusal = _rung_moved(job, action, seen_rung, row.stop_rung or 0)
        if refusal is None:
            assert change.values is not None
            values = {**change.values, "version": jobs_table.c.version + 1}
            owed_to = change.owed_to
            # Still compare-and-set: on a server database the row lock is the guard, on
            # SQLite the write lock taken by BEGIN IMMEDIATE is; the WHERE says it in both.
            result = conn.execute(
                jobs_table.update()
                .where(
                    jobs_table.c.id == job_id,
                    jobs_table.c.status == job.status.value,
                    jobs_table.c.stop_rung == row.stop_rung,  # a second "stop now" loses
                )
                .values(**values)
            )
            if result.rowcount != 1:
                why = "another process won"
                raise TransitionError(job.id, job.name, job.status, action, why)
            if owed_to > job.steps_done:
                conn.execute(owed_table.insert().values(job_id=job_id, last_step=owed_to))
    if refusal is not None:
        if change.current is not job.status:
            # Refused for what the clock did (it completed): let the database say so too.
            _catch_up_if_room(store, now, job_id)
        raise refusal
    if owed_to > job.steps_done or JobStatus(values["status"]).is_active:
        _catch_up_if_room(store, now, job_id)  # the change is made: the points come after it
    return get_job(store, job_id)


def _refusal(
    job: Job, change: Change, action: Action, expected: JobStatus | None
) -> TransitionError | None:
    """Why `action` is refused (the job moved on from what the user saw, or its status, as
    the clock has it, does not allow it), or None."""
    current = change.current  # what the clock has made of it by now
    if expected is not None and conflicts(JobStatus(expected), current, action):
        return TransitionError(
            job.id,
            job.name,
            current,
            action,
            f"it changed from {JobStatus(expected)} to {current} before this {action} "
            "arrived (another instance, the command line, or the clock got there first)",
        )
    if change.values is None:
        return TransitionError(job.id, job.name, current, action)
    return None


def _rung_moved(job: Job, action: Action, seen: int, now: int) -> TransitionError:
    return TransitionError(
        job.id,
        job.name,
        job.status,
        action,
        f"its stop went from rung {seen} to rung {now} before this {action} arrived "
        "(another instance or the command line got there first); press x again to go on",
    )


def _catch_up_if_room(store: Store, now, job_id: int) -> None:
    """Write the job's due points, or leave them to the next catch-up where they cannot be
    written now (a full disk): what was decided stands either way."""
    try:
        catch_up(store, now, [job_id])
    except StoreDamaged:
        raise
    except StoreError:
        pass


def clone_job(store: Store, job_id: int, same_seed: bool = False) -> Job:
    """A new queued job with the same configuration, how a finished job is run again: with
    a new seed (another sample of the run, as a rerun is), or the same one if asked (the
    same curve, point for point). The name is kept as stored."""
    job = get_job(store, job_id)
    config = job.config
    if config is None:
        what = "a launched command" if job.source == "command" else "a script's run"
        raise StoreError(
            f"cannot clone job #{job_id} {job.name}: it is {what}, not a simulated job; "
            "run the script again to run it again"
        )
    if not same_seed:
        config = stored_config(**{**config.as_dict(), "seed": new_seed()})
    return create_job(store, config)

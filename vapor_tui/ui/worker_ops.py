"""The database work behind a tick and behind each user action. Runs on worker threads and
returns a message for the UI; nothing here touches a widget."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vapor_tui.core.config import JobConfig
from vapor_tui.core.status import Action, JobStatus, TransitionError
from vapor_tui.ui.messages import ActionDone, Snapshot, TickDone, TickFailed

if TYPE_CHECKING:
    from vapor_tui.store.engine import Store


def run_tick(
    store: Store,
    followed: dict[int, tuple[int, int]],
    version: tuple[int, int, int] | None,
    previous: Snapshot | None,
) -> TickDone | TickFailed:
    from vapor_tui.store.catchup import catch_up
    from vapor_tui.store.engine import StoreError
    from vapor_tui.store.jobs import jobs_version, list_jobs
    from vapor_tui.store.points import read_points

    try:
        now = store.clock.now()
        catch_up(store, now)
        current = jobs_version(store)
        changed = previous is None or current != version
        jobs = tuple(list_jobs(store)) if changed else previous.jobs
        points = {
            job_id: read_points(store, job_id, after) for job_id, (_, after) in followed.items()
        }
    except StoreError as exc:
        return TickFailed(str(exc))
    tokens = {job_id: token for job_id, (token, _) in followed.items()}
    return TickDone(Snapshot(jobs, now, points, changed), current, tokens)


def run_action(
    store: Store,
    kind: str,
    job_id: int | None,
    config: JobConfig | None,
    start: bool,
    expected: JobStatus | None = None,
) -> ActionDone:
    from vapor_tui.store.engine import StoreError
    from vapor_tui.store.jobs import (
        JobNotFound,
        apply_action,
        clone_job,
        create_job,
        delete_job,
        get_job,
    )

    try:
        if kind == "create":
            assert config is not None
            job = create_job(store, config, start=start)
            return ActionDone(f"Created #{job.id} {job.name}", job_id=job.id)
        assert job_id is not None
        if kind == "clone":
            job = clone_job(store, job_id)
            return ActionDone(f"Cloned #{job_id} as #{job.id}", job_id=job.id)
        if kind == "delete":
            name = get_job(store, job_id).name
            delete_job(store, job_id)
            return ActionDone(f"Deleted #{job_id} {name}", job_id=job_id)
        job = apply_action(store, job_id, Action(kind), expected=expected)
        return ActionDone("", job_id=job.id)
    except (TransitionError, JobNotFound, StoreError) as exc:
        return ActionDone("", error=_sentence(str(exc)), job_id=job_id)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text

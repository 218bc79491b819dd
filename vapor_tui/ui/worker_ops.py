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
    followed: dict[int, tuple[int, int, bool]],
    version: tuple[int, int, int] | None,
    previous: Snapshot | None,
) -> TickDone | TickFailed:
    """Bring running jobs up to now, then read what the screens need: the job list if anything
    changed, and for each followed job either its chart summary (the first time) or the points
    after the last step the screen holds."""
    from vapor_tui.store.catchup import catch_up
    from vapor_tui.store.engine import StoreError, StoreUnreachable
    from vapor_tui.store.job_list import jobs_since
    from vapor_tui.store.points import read_points
    from vapor_tui.store.summary import read_chart_base

    try:
        now = store.clock.now()
        catch_up(store, now)
        current, jobs = jobs_since(store, previous.jobs if previous is not None else None)
        changed = previous is None or current != version
        points, bases = {}, {}
        for job_id, (_, after, based) in followed.items():
            if based:
                points[job_id] = read_points(store, job_id, after)
            else:
                with store.read() as conn:
                    bases[job_id] = read_chart_base(conn, job_id)
    except StoreError as exc:
        return TickFailed(str(exc), unreachable=isinstance(exc, StoreUnreachable))
    tokens = {job_id: token for job_id, (token, _, _) in followed.items()}
    return TickDone(Snapshot(jobs, now, points, changed, bases), current, tokens)


def run_action(
    store: Store,
    kind: str,
    job_id: int | None,
    config: JobConfig | None,
    start: bool,
    expected: JobStatus | None = None,
    select: bool = True,
) -> ActionDone:
    """`select`: the jobs screen puts its cursor on a job this creates (not when it was
    cloned from a detail screen, whose job `esc` goes back to)."""
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
            return ActionDone(f"Created #{job.id} {job.name}", job_id=job.id, kind=kind)
        assert job_id is not None
        if kind in ("clone", "clone_same_seed"):
            job = clone_job(store, job_id, same_seed=kind == "clone_same_seed")
            seed = "same seed" if kind == "clone_same_seed" else f"new seed {job.config.seed}"
            text = f"Cloned #{job_id} as #{job.id} ({seed})"
            return ActionDone(text, job_id=job.id, kind=kind, select=select)
        if kind == "delete":
            name = get_job(store, job_id).name
            delete_job(store, job_id)
            return ActionDone(f"Deleted #{job_id} {name}", job_id=job_id, kind=kind)
        job = apply_action(store, job_id, Action(kind), expected=expected)
        return ActionDone("", job_id=job.id, kind=kind)
    except (TransitionError, JobNotFound, StoreError) as exc:
        return ActionDone("", error=_sentence(str(exc)), job_id=job_id, kind=kind)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text

"""Two `x` that both saw a job "stopping" at one rung climb the ladder one rung, not two: the
compare-and-set guards the rung the user saw, not only the status (two racing commands, each
with a store of its own, as two app instances or an app and `vapor-tui stop` are)."""

from __future__ import annotations

import threading

import pytest

from vapor_tui.core.status import Action, JobStatus
from vapor_tui.live.action_queue import ActionQueue
from vapor_tui.live.commands import Act, Acted, Refused, execute
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import get_job
from vapor_tui.store.tables import jobs_table

pytestmark = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)


def stopping_job(store, source: str) -> int:
    """A run (another machine's: nothing here signals it) or a launched command (no supervisor:
    the rung is only recorded), stopping at rung 1."""
    now = store.clock.now().timestamp()
    extra = {"command": '["python", "train.py"]'} if source == "command" else {}
    with store.write() as conn:
        key = conn.execute(
            jobs_table.insert().values(
                name=f"{source}-job",
                source=source,
                status=JobStatus.STOPPING.value,
                reason="stop requested",
                created_at=now,
                started_at=now,
                host="gpu-box-2",
                pid=4242,
                user_name="ada",
                heartbeat_at=now,
                version=1,
                stop_rung=1,
                **extra,
            )
        ).inserted_primary_key
    return int(key[0])


@pytest.mark.parametrize("source", ["api", "command"])
def test_two_stops_that_saw_one_rung_climb_one(db, store, source) -> None:
    job_id = stopping_job(store, source)
    seen = get_job(store, job_id)
    assert (seen.status, seen.stop_rung) == (JobStatus.STOPPING, 1)
    stores = [open_store(db, clock=store.clock) for _ in range(2)]
    start = threading.Barrier(2)
    outcomes: list[object] = [None, None]

    def press(i: int) -> None:
        start.wait()
        outcomes[i] = execute(stores[i], Act(job_id, Action.STOP, seen.status, seen.stop_rung))

    try:
        threads = [threading.Thread(target=press, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        for s in stores:
            s.close()
    acted = [o for o in outcomes if isinstance(o, Acted)]
    refused = [o for o in outcomes if isinstance(o, Refused)]
    assert len(acted) == 1 and len(refused) == 1, outcomes
    assert "from rung 1 to rung 2" in refused[0].reason
    assert get_job(store, job_id).stop_rung == 2  # one rung, not two


@pytest.mark.parametrize("source", ["api", "command"])
def test_a_stop_that_saw_the_rung_it_is_at_climbs(store, source) -> None:
    job_id = stopping_job(store, source)
    first = execute(store, Act(job_id, Action.STOP, JobStatus.STOPPING, 1))
    assert isinstance(first, Acted) and first.job.stop_rung == 2
    late = execute(store, Act(job_id, Action.STOP, JobStatus.STOPPING, 1))  # saw rung 1
    assert isinstance(late, Refused) and get_job(store, job_id).stop_rung == 2
    again = execute(store, Act(job_id, Action.STOP, JobStatus.STOPPING, 2))  # saw rung 2
    assert isinstance(again, Acted)
    assert again.job.stop_rung == (3 if source == "command" else 2)


def test_the_sessions_own_repeated_x_still_climbs(store) -> None:
    """`x x` pressed in one app before the screen showed the first: the second is judged from
    where the first left the job (as for a running job's `x x`), rung included."""
    job_id = stopping_job(store, "command")
    queue = ActionQueue()
    queue.submit(Act(job_id, Action.STOP, JobStatus.STOPPING, 1))
    queue.submit(Act(job_id, Action.STOP, JobStatus.STOPPING, 1))
    rungs = []
    while (command := queue.next()) is not None:
        outcome = execute(store, command)
        assert isinstance(outcome, Acted), outcome
        rungs.append(outcome.job.stop_rung)
        queue.finished(outcome)
    assert rungs == [2, 3]


def _here(store, job_id: int, pid: int, **values) -> None:
    """The run's process as this machine's and this user's (pid_started: as /proc has it)."""
    from vapor_tui.core.process import host_name, start_time, user_name

    with store.write() as conn:
        conn.execute(
            jobs_table.update()
            .where(jobs_table.c.id == job_id)
            .values(
                host=host_name(),
                user_name=user_name(),
                pid=pid,
                pid_started=start_time(pid),
                **values,
            )
        )


def test_stop_now_of_a_run_here_whose_process_is_gone_says_no_sigint_was_sent(store) -> None:
    import subprocess
    import sys

    from vapor_tui.core.process import host_name

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait(30)
    job_id = stopping_job(store, "api")
    _here(store, job_id, gone.pid)
    acted = execute(store, Act(job_id, Action.STOP, JobStatus.STOPPING, 1))
    assert isinstance(acted, Acted) and acted.job.stop_rung == 2
    assert acted.job.reason == (
        f"stop now: process {gone.pid} is not running on {host_name()} any more: no SIGINT sent"
    )


def test_stop_now_of_another_users_run_here_leaves_the_signal_to_the_run(store) -> None:
    import os

    job_id = stopping_job(store, "api")
    _here(store, job_id, os.getpid())
    with store.write() as conn:
        conn.execute(jobs_table.update().where(jobs_table.c.id == job_id).values(user_name="grace"))
    acted = execute(store, Act(job_id, Action.STOP, JobStatus.STOPPING, 1))  # no SIGINT here
    assert isinstance(acted, Acted)
    assert acted.job.reason == (
        f"stop now: process {os.getpid()} is grace's, not yours: the SIGINT is sent by its own "
        "run (its writer thread, within a second)"
    )


def test_stop_now_whose_sigint_finds_the_process_ended_says_so(store, monkeypatch) -> None:
    """The process ends between the look and the signal (a window of microseconds, made here
    by the kill failing as the kernel would fail it): the reason does not claim a SIGINT."""
    import os
    import signal
    import subprocess
    import sys

    import vapor_tui.live.run_actions as run_actions

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        job_id = stopping_job(store, "api")
        _here(store, job_id, child.pid)

        real_kill = os.kill

        def ended(pid: int, sig: int) -> None:
            if sig != signal.SIGINT:  # the look (signal 0) sees it alive
                return real_kill(pid, sig)
            raise ProcessLookupError(pid)

        monkeypatch.setattr(run_actions.os, "kill", ended)
        acted = execute(store, Act(job_id, Action.STOP, JobStatus.STOPPING, 1))
    finally:
        monkeypatch.undo()
        child.kill()
        child.wait(30)
    assert isinstance(acted, Acted) and acted.job.stop_rung == 2
    assert acted.job.reason == f"stop now: process {child.pid} ended before the SIGINT reached it"

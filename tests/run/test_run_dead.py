"""Runs that die, as bring-up-to-now finds them (store/runs.py), on an injected clock: a gone
process on this machine at once; a silent run on another machine after 60 s without a
heartbeat, and not before; two detectors agree (compare-and-set); a heartbeat that arrived
meanwhile wins. Also the heartbeat the writer thread records, and what a run refuses."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

import vapor_tui
from tests.run.conftest import wait_until
from vapor_tui.core.clock import FakeClock
from vapor_tui.core.process import ProcessId
from vapor_tui.core.status import Action, JobStatus
from vapor_tui.live.commands import Act, Clone, Refused, execute
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import get_job
from vapor_tui.store.runs import create_run, end_dead_runs
from vapor_tui.store.tables import jobs_table

pytestmark = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)


def a_run(store, host: str, pid: int = 4242, started: int | None = 77) -> int:
    return create_run(
        store,
        name="far",
        model=None,
        config=None,
        total_steps=None,
        epochs=None,
        process=ProcessId(host, pid, started, "someone"),
    )


def test_a_silent_run_on_another_machine_fails_after_60_s(db, fake_clock: FakeClock) -> None:
    store = open_store(db, clock=fake_clock)
    try:
        job_id = a_run(store, "gpu-box-2")

        def never(pid, started):
            raise AssertionError("not this machine's process")

        fake_clock.advance(59)
        assert end_dead_runs(store, fake_clock.now(), "laptop", never) == []
        assert get_job(store, job_id).status is JobStatus.RUNNING
        fake_clock.advance(1)
        assert end_dead_runs(store, fake_clock.now(), "laptop", never) == [job_id]
        job = get_job(store, job_id)
        assert job.status is JobStatus.FAILED
        assert job.reason == "no heartbeat from gpu-box-2 for 60 s"
        assert end_dead_runs(store, fake_clock.now(), "laptop", never) == []  # once
    finally:
        store.close()


def test_a_gone_process_on_this_machine_fails_at_once(db, fake_clock: FakeClock) -> None:
    store = open_store(db, clock=fake_clock)
    try:
        job_id = a_run(store, "here", pid=4242, started=77)
        seen = []

        def running(pid, started):
            seen.append((pid, started))
            return False

        assert end_dead_runs(store, fake_clock.now(), "here", running) == [job_id]
        assert seen == [(4242, 77)]
        job = get_job(store, job_id)
        assert job.reason == "process 4242 ended without finish()"
    finally:
        store.close()


def test_a_heartbeat_that_arrives_meanwhile_wins(db, fake_clock: FakeClock) -> None:
    store = open_store(db, clock=fake_clock)
    other = open_store(db, clock=fake_clock)
    try:
        job_id = a_run(store, "gpu-box-2")
        fake_clock.advance(120)

        def beat_then_check(pid, started):  # pragma: no cover - other host: not called
            raise AssertionError

        # The detector read the row; the run's heartbeat lands before its compare-and-set.
        from vapor_tui.store import runs

        real = runs._fail_if_unchanged

        def late(conn, row, reason, now_s):
            conn.execute(
                update(jobs_table)
                .where(jobs_table.c.id == row.id)
                .values(heartbeat_at=fake_clock.now().timestamp())
            )
            return real(conn, row, reason, now_s)

        runs._fail_if_unchanged = late
        try:
            assert end_dead_runs(store, fake_clock.now(), "laptop", beat_then_check) == []
        finally:
            runs._fail_if_unchanged = real
        assert get_job(store, job_id).status is JobStatus.RUNNING
        # Two detectors at once: one fails it, the other finds it failed already.
        fake_clock.advance(120)
        first = end_dead_runs(store, fake_clock.now(), "laptop", beat_then_check)
        second = end_dead_runs(other, fake_clock.now(), "laptop", beat_then_check)
        assert first == [job_id] and second == []
    finally:
        store.close()
        other.close()


def test_the_writer_records_heartbeats(db, look) -> None:
    run = vapor_tui.init(name="beating", db=db)
    viewer = look()

    def beat():
        with viewer.store.read() as conn:
            return conn.execute(
                select(jobs_table.c.heartbeat_at).where(jobs_table.c.id == run.id)
            ).scalar()

    first = beat()
    wait_until(lambda: beat() > first, "a heartbeat with nothing logged")
    run.finish()


def test_start_and_clone_of_a_run_are_refused_with_the_reason(db, look) -> None:
    run = vapor_tui.init(name="mine", db=db)
    store = open_store(db)
    try:
        start = execute(store, Act(run.id, Action.START, JobStatus.RUNNING))
        assert isinstance(start, Refused)
        assert "it is a run of a training script, which starts it" in start.reason
        clone = execute(store, Clone(run.id))
        assert isinstance(clone, Refused) and "run the script again" in clone.reason
    finally:
        store.close()
    run.finish()

"""A tick's read after its write takes the job rows that write set instead of reading them again
(catchup._write_piece's set_rows, job_list.jobs_since_conn; issue 14): the list it shows is
the one a full read makes, tick after tick, after another process wrote, and where a value the
write set is one the file does not give back as it is (a NaN, stored as NULL)."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import event, text

import vapor_tui.store.catchup as catchup
from vapor_tui.core.config import JobConfig
from vapor_tui.core.status import Action, JobStatus
from vapor_tui.live.session import Live
from vapor_tui.live.tick import TickResult, run_tick
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import apply_action, create_job, list_jobs


def _start(store, fake_clock, count: int) -> tuple[list[int], Live]:
    ids = [
        create_job(store, JobConfig(f"s{i}", step_seconds=1.0, seed=i), start=True).id
        for i in range(count)
    ]
    create_job(store, JobConfig("queued"))  # a job the ticks leave alone
    fake_clock.advance(30.0)
    live = Live()
    _tick(store, fake_clock, live)
    return ids, live


def _tick(store, fake_clock, live: Live) -> tuple[TickResult, list[int]]:
    """One tick, 2 s on: its result, and how many rows each full read of job rows asked for."""
    read: list[int] = []

    def rows_read(conn, cursor, statement, parameters, context, executemany):
        if "last_epoch" in statement and "jobs.id IN (" in statement:
            read.append(len(parameters))

    fake_clock.advance(2.0)
    event.listen(store.engine, "before_cursor_execute", rows_read)
    try:
        result = run_tick(store, live.request())
    finally:
        event.remove(store.engine, "before_cursor_execute", rows_read)
    assert isinstance(result, TickResult), result
    live.accept_tick(result, set())
    return result, read


def test_the_rows_a_tick_set_are_the_rows_a_full_read_gives(store, fake_clock, backend):
    ids, live = _start(store, fake_clock, 20)
    for _ in range(4):
        result, read = _tick(store, fake_clock, live)
        assert result.jobs_changed
        assert result.jobs == tuple(list_jobs(store))
        assert all(j.steps_done > 30 for j in result.jobs if j.id in ids)
        if backend == "sqlite":  # its driver counts the rows an executemany changed
            assert read == [], read


def test_after_another_process_writes_its_changes_are_shown(store, fake_clock, db):
    ids, live = _start(store, fake_clock, 5)
    other = open_store(db, clock=fake_clock)
    try:
        apply_action(other, ids[0], Action.STOP)  # a row the next tick's write sets again
        with other.write() as conn:  # a column no tick sets, on a row the tick moves
            conn.execute(
                text(
                    f"UPDATE jobs SET reason = 'by hand', version = version + 1 WHERE id = {ids[1]}"
                )
            )
    finally:
        other.close()
    result, _ = _tick(store, fake_clock, live)
    assert result.jobs == tuple(list_jobs(store))
    shown = {j.id: j for j in result.jobs}
    assert shown[ids[0]].status in (JobStatus.STOPPING, JobStatus.STOPPED)
    assert shown[ids[1]].reason == "by hand" and shown[ids[1]].status is JobStatus.RUNNING


@pytest.mark.sqlite_only  # a server stores the NaN as it is
def test_a_nan_the_write_set_is_shown_as_the_file_gives_it(store, fake_clock, monkeypatch):
    """The simulator gives no NaN loss; a write that sets one (made so here) has its row read
    back: the file holds NULL, and the list shows what a full read shows."""
    ids, live = _start(store, fake_clock, 3)
    advance = catchup.advance

    def with_nan(row, plan, budget):
        count, ends, finished, batch, values = advance(row, plan, budget)
        if values is not None and row.id == ids[0]:
            values["last_val_loss"] = math.nan
        return count, ends, finished, batch, values

    monkeypatch.setattr(catchup, "advance", with_nan)
    result, read = _tick(store, fake_clock, live)
    assert result.jobs == tuple(list_jobs(store))
    assert next(j for j in result.jobs if j.id == ids[0]).last_val_loss is None
    assert sum(read) <= 1  # that one row, where it was not taken

"""A tick's write plans from the rows its look read when nothing was committed since, and reads
them again when something was (issue 14)."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from vapor_tui.core.config import JobConfig
from vapor_tui.live.uptonow import act, look
from vapor_tui.store.catchup import catch_up
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import create_job, delete_job, get_job

_JOB_ROWS = "FROM jobs LEFT OUTER JOIN owed_points"  # the look's and the write's read of them


def _running(store, fake_clock, count: int) -> list[int]:
    ids = [
        create_job(store, JobConfig(f"t{i}", step_seconds=1.0, seed=i), start=True).id
        for i in range(count)
    ]
    fake_clock.advance(30.0)
    catch_up(store)
    fake_clock.advance(5.0)  # every job's next steps are due
    return ids


def test_a_due_tick_reads_the_job_rows_once_on_sqlite(store, fake_clock):
    """Twenty jobs due: the look reads their rows and the write plans from them (SQLite's
    data_version says no other connection committed in between; it read them again before).
    A server's write locks them as it reads them again."""
    _running(store, fake_clock, 20)
    seen: list[str] = []

    def listen(conn, cursor, statement, *rest):
        seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", listen)
    try:
        now_s = store.clock.now().timestamp()
        with store.read() as conn:
            found = look(conn, now_s)
        result = act(store, now_s, found)
    finally:
        event.remove(store.engine, "before_cursor_execute", listen)
    assert len(result.jobs_advanced) == 20
    reads = [s for s in seen if _JOB_ROWS in s]
    assert len(reads) == (1 if store.is_sqlite else 2), reads
    assert store.is_sqlite or "FOR UPDATE" in reads[1]


@pytest.mark.parametrize("by", ["another process", "this one"])
def test_a_job_deleted_between_the_look_and_the_write_is_left_out(store, fake_clock, db, by):
    """A due job is deleted after the look, by another process or by this one (an action on
    another thread, perhaps on the connection the look used): the write reads the rows again
    and writes the others (planning from the look's rows, it wrote points to a job that is
    gone, and the whole write failed)."""
    gone, kept = _running(store, fake_clock, 2)
    before = get_job(store, kept).steps_done
    now_s = store.clock.now().timestamp()
    with store.read() as conn:
        found = look(conn, now_s)
    assert found.due.jobs == {gone, kept}
    if by == "this one":
        delete_job(store, gone)
    else:
        other = open_store(db, clock=fake_clock)
        try:
            delete_job(other, gone)
        finally:
            other.close()
    result = act(store, now_s, found)
    assert result.jobs_advanced == (kept,)
    assert get_job(store, kept).steps_done > before

"""A tick's write on SQLite takes the series rows the last tick's write left instead of reading
them again (series_kept.py, issue 14), and only while they are the file's: after another
process wrote, after this process wrote on the same connection, after a write that was rolled
back, the rows are read again, and every series row still says what its points say."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import event

from vapor_tui.core.config import JobConfig
from vapor_tui.live.session import Live
from vapor_tui.live.tick import TickResult, run_tick
from vapor_tui.live.uptonow import look
from vapor_tui.store.catchup import catch_up, catch_up_due
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import create_job
from vapor_tui.store.series import read_series, series_names

_SERIES_READ = "FROM jobs j LEFT JOIN series s"  # write_points' read of the series rows
# The rows are kept on SQLite (its data_version says nothing else committed); a server reads.
pytestmark = pytest.mark.sqlite_only


def _start(store, fake_clock, count: int = 3) -> tuple[list[int], Live]:
    ids = [
        create_job(store, JobConfig(f"k{i}", step_seconds=1.0, seed=i), start=True).id
        for i in range(count)
    ]
    fake_clock.advance(30.0)
    catch_up(store)
    return ids, Live()


def _due_tick(store, fake_clock, live: Live) -> list[str]:
    """One tick with a step or more due for every job: the statements it ran."""
    seen: list[str] = []

    def listen(conn, cursor, statement, *rest):
        seen.append(statement)

    fake_clock.advance(3.0)
    event.listen(store.engine, "before_cursor_execute", listen)
    try:
        result = run_tick(store, live.request())
    finally:
        event.remove(store.engine, "before_cursor_execute", listen)
    assert isinstance(result, TickResult), result
    live.accept_tick(result, set())
    return seen


def _reads_series(statements: list[str]) -> bool:
    return any(_SERIES_READ in s for s in statements)


def _rows_say_what_the_points_say(store, job_ids: list[int]) -> None:
    with store.read() as conn:
        for job_id in job_ids:
            for name in series_names(conn, job_id):
                pts = read_series(conn, job_id, name)
                row = conn.exec_driver_sql(
                    "SELECT n, first_step, last_step, last_value, min, max, n_nan FROM series "
                    "WHERE job_id = ? AND name = ?",
                    (job_id, name),
                ).one()
                values = [v for v in pts.value.tolist() if math.isfinite(v)]
                last = float(pts.value[-1])
                assert tuple(row) == (
                    len(pts),
                    int(pts.step[0]),
                    int(pts.step[-1]),
                    None if last != last else last,
                    min(values) if values else None,
                    max(values) if values else None,
                    sum(1 for v in pts.value.tolist() if v != v),
                ), (job_id, name)


def test_a_due_tick_after_a_due_tick_does_not_read_the_series_rows(store, fake_clock):
    """Twenty jobs due, tick after tick, after a catch-up: each write takes the series rows the
    last one left (it read them at every tick), and the rows stay right."""
    ids, live = _start(store, fake_clock, 20)
    for _ in range(5):
        statements = _due_tick(store, fake_clock, live)
        assert not _reads_series(statements), [s[:80] for s in statements]
        ran = [s for s in statements if not s.startswith("BEGIN")]
        assert len(ran) <= 9  # it was ten (tests/live/test_tick_cost.py)
    _rows_say_what_the_points_say(store, ids)


def test_after_another_process_writes_the_rows_are_read_again(store, fake_clock, db):
    ids, live = _start(store, fake_clock)
    _due_tick(store, fake_clock, live)
    fake_clock.advance(2.0)
    other = open_store(db, clock=fake_clock)
    try:
        catch_up(other)  # the other process brings the jobs up to now: its own points
    finally:
        other.close()
    assert _reads_series(_due_tick(store, fake_clock, live))
    _rows_say_what_the_points_say(store, ids)


def test_after_a_write_on_the_same_connection_the_rows_are_read_again(store, fake_clock):
    """This process writes between two ticks (the user adds a job, on the pool's one
    connection): the tick's write reads the series rows again."""
    ids, live = _start(store, fake_clock)
    _due_tick(store, fake_clock, live)
    create_job(store, JobConfig("added"))
    assert _reads_series(_due_tick(store, fake_clock, live))
    _rows_say_what_the_points_say(store, ids)


def test_after_a_write_rolled_back_the_rows_are_read_again(store, fake_clock):
    """A tick's write that fails after write_points (its read in the same transaction raised,
    say) is rolled back; the rows it left were never the file's, and are not used."""
    ids, live = _start(store, fake_clock)
    _due_tick(store, fake_clock, live)
    fake_clock.advance(2.0)
    now_s = store.clock.now().timestamp()
    with store.read() as conn:
        found = look(conn, now_s)

    def fails(conn, set_rows):
        raise RuntimeError("the read after the write failed")

    with pytest.raises(RuntimeError):
        catch_up_due(store, now_s, found.due, then=fails)
    assert _reads_series(_due_tick(store, fake_clock, live))
    _rows_say_what_the_points_say(store, ids)


def test_with_two_connections_pooled_a_tick_still_writes_on_its_looks(store, fake_clock):
    """An action beside a tick made the pool a second connection: the tick's write is lent the
    connection its look gave back (the last one in), and plans from the look's rows and the
    kept series rows. Lent in turn, the write got the other one at every tick."""
    ids, live = _start(store, fake_clock, 5)
    _due_tick(store, fake_clock, live)
    first, second = store.engine.connect(), store.engine.connect()  # two at once
    first.close()
    second.close()
    assert store.engine.pool.checkedin() >= 2
    _due_tick(store, fake_clock, live)  # the rows kept are on one of them
    for _ in range(3):
        assert not _reads_series(_due_tick(store, fake_clock, live))
    _rows_say_what_the_points_say(store, ids)

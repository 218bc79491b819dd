"""What a tick costs the store, counted (issue 14): the statements and transactions it runs, and
the rows it reads in full. Counts, not wall-clock: they hold on a loaded machine."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from sqlalchemy import event

from vapor_tui.core.config import JobConfig
from vapor_tui.core.simulator import Simulator
from vapor_tui.live.session import Live
from vapor_tui.live.tick import TickResult, run_tick
from vapor_tui.store.jobs import create_job, list_jobs
from vapor_tui.store.tables import jobs_table


@dataclass
class Statements:
    """Every statement a store's engine runs, and every transaction it begins."""

    sql: list[str] = field(default_factory=list)
    begins: int = 0

    def clear(self) -> None:
        self.sql.clear()
        self.begins = 0


@pytest.fixture
def statements(store) -> Iterator[Statements]:
    seen = Statements()

    def on_execute(conn, cursor, statement, parameters, context, executemany):
        if not statement.startswith("BEGIN"):  # SQLite's, sent as a statement: a begin
            seen.sql.append(statement)

    def on_begin(conn):
        seen.begins += 1

    event.listen(store.engine, "before_cursor_execute", on_execute)
    event.listen(store.engine, "begin", on_begin)
    yield seen
    event.remove(store.engine, "before_cursor_execute", on_execute)
    event.remove(store.engine, "begin", on_begin)


def _tick(live: Live, store) -> TickResult:
    result = run_tick(store, live.request())
    assert isinstance(result, TickResult), result
    live.accept_tick(result, set())
    return result


def _slow_jobs(store, count: int) -> None:
    """`count` running jobs at a step an hour (the first done 24 to 96 minutes after the
    start), and as many queued."""
    for i in range(count):
        create_job(store, JobConfig(f"slow-{i}", step_seconds=3600.0, seed=i), start=True)
        create_job(store, JobConfig(f"queued-{i}", seed=100 + i))


def _statements_of_a_quiet_tick(store, fake_clock, statements, jobs: int) -> list[str]:
    _slow_jobs(store, jobs)
    live = Live()
    fake_clock.advance(1.0)
    _tick(live, store)  # the first: every row read
    fake_clock.advance(1.0)
    statements.clear()
    result = _tick(live, store)
    assert not result.jobs_changed
    assert statements.begins == 1  # it was four transactions: one look each, then the read
    return list(statements.sql)


def test_a_tick_with_nothing_due_is_one_read_whatever_the_jobs(
    store, fake_clock, statements, new_db
):
    """Nothing due: one transaction, the same statements for 2 running jobs as for 40, none of
    them a write, and no row read in full but the active ones the look plans from."""
    few = _statements_of_a_quiet_tick(store, fake_clock, statements, 2)
    assert not [s for s in few if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    from vapor_tui.store.engine import open_store

    other = open_store(new_db("many"), clock=fake_clock)
    many_seen = Statements()
    event.listen(
        other.engine,
        "before_cursor_execute",
        lambda *a: a[2].startswith("BEGIN") or many_seen.sql.append(a[2]),
    )
    try:
        _slow_jobs(other, 40)
        live = Live()
        fake_clock.advance(1.0)
        _tick(live, other)
        fake_clock.advance(1.0)
        many_seen.clear()
        _tick(live, other)
    finally:
        other.close()
    # The look (every active job and what it owes, in one), the deleted jobs, the job list:
    # it was six (a look each for dead runs, lost supervisors, due steps and owed points).
    assert len(many_seen.sql) == len(few) == 3, "\n".join(s[:100] for s in many_seen.sql)


def test_a_tick_with_steps_due_writes_them_then_reads_only_the_rows_that_moved(
    store, fake_clock, statements
):
    """Two transactions: the look, and the write with the read after it in the same one (the
    screen shows the new step at once; it was a third transaction of its own); no row in
    full: the one that moved is the row the write just set, taken from it."""
    _slow_jobs(store, 5)
    fast = create_job(store, JobConfig("fast", step_seconds=1.0, seed=9), start=True)
    live = Live()
    fake_clock.advance(31.0)
    _tick(live, store)
    assert fast.config is not None
    expected = Simulator(fast.config).steps_done_by(32.0)
    read: list[int] = []

    def rows_read(conn, cursor, statement, parameters, context, executemany):
        if "jobs.name" in statement and "jobs.id IN (" in statement:
            read.append(statement.split("jobs.id IN (")[1].split(")")[0].count("?"))

    event.listen(store.engine, "before_cursor_execute", rows_read)
    try:
        fake_clock.advance(1.0)
        statements.clear()
        result = _tick(live, store)
    finally:
        event.remove(store.engine, "before_cursor_execute", rows_read)
    assert result.jobs_changed
    assert next(j for j in result.jobs if j.id == fast.id).steps_done == expected
    assert statements.begins == 2
    # The write plans from the look's rows: nothing was committed since (SQLite's
    # data_version), so it does not read them again (it did: [1, 1];
    # tests/store/test_store_tick_write.py); the read after it takes the row the write set
    # (it read it back: [1]), and the job is what a full read of the list makes of it.
    assert read == [], read
    assert result.jobs == tuple(list_jobs(store))
    assert len(jobs_table.c) > 10  # a row read in full is a wide one: worth not reading


def test_a_tick_with_twenty_jobs_due_runs_ten_statements(store, fake_clock, statements):
    """Twenty running jobs, each with a step due: the look and the deleted jobs; the locked
    re-read of the due jobs, their series, the points, summaries, series and job rows (one
    statement each for all twenty); the job list and the rows that moved. It was fourteen:
    the looks for dead runs, lost supervisors and owed points, and the owed points again in
    the write, were a statement each. Two transactions: the read is the write's own."""
    for i in range(20):
        create_job(store, JobConfig(f"due-{i}", step_seconds=1.0, seed=i), start=True)
    live = Live()
    fake_clock.advance(30.0)
    _tick(live, store)
    fake_clock.advance(5.0)  # every job's next steps (a second each, with jitter) are due
    statements.clear()
    result = _tick(live, store)
    assert sum(j.steps_done for j in result.jobs) > 20 * 30  # every job moved
    assert statements.begins == 2
    assert len(statements.sql) <= 10, "\n".join(s[:100] for s in statements.sql)

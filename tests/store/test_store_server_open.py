"""Opening a server database that is as vapor-tui left it takes one statement (server_check.py);
anything else still gets the full check: a table dropped by hand, someone else's `meta`, a
record left by another build, and a role that may only read still opens it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tests.support.postgres import PostgresServer
from vapor_tui.core.clock import FakeClock
from vapor_tui.core.config import JobConfig
from vapor_tui.store.engine import StoreError, open_store
from vapor_tui.store.jobs import create_job, list_jobs
from vapor_tui.store.server_check import CHECKED_KEY


@pytest.fixture
def empty_db(pg_server: PostgresServer) -> Iterator[str]:
    name = pg_server.new_database()
    yield name
    pg_server.drop_database(name)


@contextlib.contextmanager
def statements() -> Iterator[list[str]]:
    """Every statement any engine runs meanwhile (SQLAlchemy's own at a first connection,
    the server version and such, are not statements of ours and do not pass here)."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def open_and_close(url: str) -> list[str]:
    with statements() as seen:
        open_store(url, clock=FakeClock()).close()
    return seen


def full_check(seen: list[str]) -> bool:
    return any("pg_advisory_xact_lock" in s for s in seen)


def test_reopening_a_checked_database_is_one_statement(pg_server, empty_db) -> None:
    url = pg_server.url(empty_db)
    first = open_and_close(url)
    assert full_check(first)  # a first use: created under the lock
    again = open_and_close(url)
    assert len(again) == 1, again
    assert not full_check(again) and "information_schema" not in again[0]
    assert "FROM meta" in again[0] and "pg_class" in again[0]


def test_a_table_dropped_by_hand_is_made_again(pg_server, empty_db) -> None:
    url = pg_server.url(empty_db)
    open_and_close(url)
    pg_server.sql("DROP TABLE owed_points", empty_db)
    seen = open_and_close(url)
    assert full_check(seen)
    assert pg_server.sql("SELECT to_regclass('owed_points') IS NOT NULL", empty_db) == [(True,)]
    assert not full_check(open_and_close(url))  # recorded again: the next open is quick


def test_a_record_of_another_build_gets_the_full_check(pg_server, empty_db) -> None:
    url = pg_server.url(empty_db)
    open_and_close(url)
    pg_server.sql(f"UPDATE meta SET value = 'other:build' WHERE key = '{CHECKED_KEY}'", empty_db)
    assert full_check(open_and_close(url))
    (value,) = pg_server.sql(f"SELECT value FROM meta WHERE key = '{CHECKED_KEY}'", empty_db)[0]
    assert value != "other:build"
    assert not full_check(open_and_close(url))


def test_someone_elses_meta_table_is_refused_and_left_alone(pg_server, empty_db) -> None:
    pg_server.sql(
        "CREATE TABLE meta (key text PRIMARY KEY, value text); "
        "INSERT INTO meta VALUES ('app', 'wiki'), ('schema_version', '5'); "
        "CREATE TABLE jobs (id serial PRIMARY KEY, title text, salary int)",
        empty_db,
    )
    with pytest.raises(StoreError, match="not a vapor-tui database"):
        open_store(pg_server.url(empty_db), clock=FakeClock())
    tables = pg_server.sql(
        "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace "
        "AND relkind = 'r' ORDER BY 1",
        empty_db,
    )
    assert tables == [("jobs",), ("meta",)]
    assert pg_server.sql("SELECT count(*) FROM meta", empty_db) == [(2,)]


def test_a_role_that_may_only_read_opens_a_database_not_yet_recorded(pg_server, empty_db) -> None:
    url = pg_server.url(empty_db)
    store = open_store(url, clock=FakeClock())
    create_job(store, JobConfig("seen", epochs=1, steps_per_epoch=10, step_seconds=1.0, seed=1))
    store.close()
    pg_server.sql(f"DELETE FROM meta WHERE key = '{CHECKED_KEY}'", empty_db)
    pg_server.sql(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'reader') "
        "THEN CREATE ROLE reader LOGIN; END IF; END $$"
    )
    pg_server.sql("GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader", empty_db)
    try:
        for _ in range(2):
            reader = open_store(pg_server.url(empty_db, user="reader"), clock=FakeClock())
            try:
                assert [j.name for j in list_jobs(reader)] == ["seen"]
            finally:
                reader.close()
    finally:
        pg_server.sql("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM reader", empty_db)


def test_watch_of_a_missing_job_on_a_server_changes_nothing(pg_server, empty_db, run_cli) -> None:
    """`watch` checks the job exists before the app opens (no quick look at a server, as at a
    SQLite file): that check brings nothing up to now (the app does, as it opens), so a
    refused `watch` leaves a running job's points unwritten."""
    from datetime import UTC, datetime

    url = pg_server.url(empty_db)
    store = open_store(url, clock=FakeClock(datetime(2026, 1, 1, tzinfo=UTC)))
    cfg = JobConfig("due", epochs=1, steps_per_epoch=10, step_seconds=1.0, seed=1)
    job = create_job(store, cfg, start=True)
    store.close()
    code, out, err = run_cli("--db", url, "watch", str(job.id + 1))
    assert code == 2 and err.strip().endswith(f"no job with id {job.id + 1}"), (out, err)
    assert len(err.strip().splitlines()) == 1
    assert pg_server.sql(f"SELECT steps_done FROM jobs WHERE id = {job.id}", empty_db) == [(0,)]


def test_the_quick_look_reads_every_job_with_psycopg_alone(pg_server, empty_db) -> None:
    """store/peek.py on a server: the jobs as the store lists them (the first frame, and
    watch's check of the id, before SQLAlchemy is imported), from psycopg alone."""
    import subprocess
    import sys

    from vapor_tui.store.peek import peek_jobs

    url = pg_server.url(empty_db)
    assert peek_jobs(url) is None  # nothing there yet: the open will make it
    store = open_store(url, clock=FakeClock())
    for name in ("first", "second"):
        create_job(store, JobConfig(name, epochs=1, steps_per_epoch=10, step_seconds=1.0, seed=1))
    listed = list_jobs(store)
    store.close()
    peeked = peek_jobs(url)
    assert peeked is not None and list(peeked) == listed
    assert peek_jobs(url.replace("+psycopg", "")) == peeked
    # In a fresh process: neither SQLAlchemy nor numpy imported by the look.
    code = (
        "import sys; from vapor_tui.store.peek import peek_jobs; "
        f"jobs = peek_jobs({url!r}); "
        "print(len(jobs), 'sqlalchemy' in sys.modules, 'numpy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["2", "False", "False"]


def test_the_quick_look_leaves_what_is_not_ours_to_the_open(pg_server, empty_db) -> None:
    from vapor_tui.store.peek import peek_jobs

    pg_server.sql("CREATE TABLE jobs (id serial PRIMARY KEY, title text, salary int)", empty_db)
    assert peek_jobs(pg_server.url(empty_db)) is None
    assert peek_jobs("postgresql+psycopg://u:secret@127.0.0.1:1/x") is None  # refused
    assert peek_jobs("postgresql+psycopg2://u@127.0.0.1/x") is None  # another driver's
    tables = pg_server.sql(
        "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace "
        "AND relkind = 'r'",
        empty_db,
    )
    assert tables == [("jobs",)]


def _connections(pg_server: PostgresServer, name: str) -> list[tuple]:
    return pg_server.sql(f"SELECT pid FROM pg_stat_activity WHERE datname = '{name}'")


def test_a_quick_look_then_the_store_is_one_connection(pg_server, empty_db) -> None:
    """`watch ID` looks at the jobs with psycopg alone, then the app opens the store: the
    store's first connection is the look's, so the server starts one process for both."""
    from vapor_tui.store.peek import peek_jobs

    url = pg_server.url(empty_db)
    open_and_close(url)  # a first use: the schema made
    assert _connections(pg_server, empty_db) == []
    assert peek_jobs(url) is not None
    looked = _connections(pg_server, empty_db)
    assert len(looked) == 1  # kept open for the store
    store = open_store(url, clock=FakeClock())
    try:
        with store.read() as conn:
            used = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        assert [(used,)] == looked == _connections(pg_server, empty_db)
    finally:
        store.close()
    assert _connections(pg_server, empty_db) == []


def test_a_look_at_someone_elses_database_keeps_nothing(pg_server, empty_db) -> None:
    from vapor_tui.store.peek import peek_jobs

    pg_server.sql("CREATE TABLE jobs (id int, title text, salary int)", empty_db)
    assert peek_jobs(pg_server.url(empty_db)) is None
    assert _connections(pg_server, empty_db) == []

"""`watch ID`'s first chart on a server, read with psycopg alone on the quick look's kept
connection before SQLAlchemy is imported (store/server_chart.py): the store's own summary
read, on the connection the store then takes; None, and nothing changed, at any doubt."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Iterator

import numpy as np
import pytest

from tests.support.postgres import PostgresServer
from vapor_tui.core.clock import FakeClock
from vapor_tui.core.config import JobConfig
from vapor_tui.store.catchup import catch_up
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import create_job
from vapor_tui.store.peek import peek_jobs
from vapor_tui.store.server_chart import peek_chart
from vapor_tui.store.server_kept import take_kept
from vapor_tui.store.summary import read_chart_base


@pytest.fixture
def job_db(pg_server: PostgresServer) -> Iterator[tuple[str, int]]:
    """(URL, job id) of a database holding a job with about 2,900 steps written."""
    name = pg_server.new_database()
    url = pg_server.url(name)
    clock = FakeClock()
    store = open_store(url, clock=clock)
    cfg = JobConfig("charted", epochs=3, steps_per_epoch=2_000, step_seconds=0.01, seed=7)
    job = create_job(store, cfg, start=True)
    clock.advance(30.0)
    catch_up(store)
    store.close()
    yield url, job.id
    while take_kept(url) is not None:  # a connection a declining test left kept
        pass
    pg_server.drop_database(name)


def _store_base(url: str, job_id: int):
    store = open_store(url, clock=FakeClock())
    try:
        with store.read() as conn:
            return read_chart_base(conn, job_id)
    finally:
        store.close()


def assert_same_base(got, want) -> None:
    assert (got.total_steps, got.last_step) == (want.total_steps, want.last_step)
    assert list(got.series) == list(want.series)
    for name, summary in want.series.items():
        for field in dataclasses.fields(summary):
            a, b = getattr(got.series[name], field.name), getattr(summary, field.name)
            if isinstance(b, (np.ndarray, float)):
                assert np.array_equal(a, b, equal_nan=True), (name, field.name)
            else:
                assert a == b, (name, field.name)


def _database(url: str) -> str:
    return url.split("@/", 1)[1].split("?")[0]


def _connections(pg_server: PostgresServer, url: str) -> list[tuple]:
    return pg_server.sql(
        f"SELECT pid FROM pg_stat_activity WHERE datname = '{_database(url)}' "
        "AND backend_type = 'client backend'"  # not an autovacuum worker after the writes
    )


def test_the_first_chart_read_with_psycopg_is_the_stores_summary_read(job_db) -> None:
    url, job_id = job_db
    want = _store_base(url, job_id)
    assert want.last_step > 2_000 and len(want.series) == 4
    assert peek_jobs(url) is not None  # the look: its connection kept
    got = peek_chart(url, job_id)
    assert got is not None
    assert_same_base(got, want)
    assert peek_chart(url, 999) is not None and peek_chart(url, 999).series == {}


def test_the_chart_is_read_on_the_looks_connection_and_the_store_takes_it(
    pg_server, job_db
) -> None:
    url, job_id = job_db
    assert peek_jobs(url) is not None
    looked = _connections(pg_server, url)
    assert len(looked) == 1
    assert peek_chart(url, job_id) is not None
    assert _connections(pg_server, url) == looked
    store = open_store(url, clock=FakeClock())
    try:
        with store.read() as conn:
            used = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    finally:
        store.close()
    assert [(used,)] == looked


def test_the_first_chart_needs_neither_sqlalchemy_nor_a_second_connection(job_db) -> None:
    url, job_id = job_db
    code = (
        "import sys; from vapor_tui.store.peek import peek_jobs; "
        "from vapor_tui.store.server_chart import peek_chart; "
        f"jobs = peek_jobs({url!r}); base = peek_chart({url!r}, {job_id}); "
        "print(base.last_step, list(base.series), 'sqlalchemy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split(maxsplit=1)[0] == str(_store_base(url, job_id).last_step)
    assert out.stdout.rsplit(maxsplit=1)[1] == "False"
    assert "'loss', 'accuracy', 'learning_rate', 'val_loss'" in out.stdout


def test_no_look_first_no_chart(job_db) -> None:
    url, job_id = job_db
    assert peek_chart(url, job_id) is None  # nothing kept: the store's first tick reads it
    assert peek_chart("/tmp/not-a-server.db", job_id) is None


def test_a_schema_version_changed_since_the_look_is_declined(pg_server, job_db) -> None:
    url, job_id = job_db
    assert peek_jobs(url) is not None
    pg_server.sql("UPDATE meta SET value = '999' WHERE key = 'schema_version'", _database(url))
    assert peek_chart(url, job_id) is None
    kept = take_kept(url)  # still kept for the store, whose open says what is wrong
    assert kept is not None
    kept.close()


def test_a_table_gone_since_the_look_is_declined(pg_server, job_db) -> None:
    url, job_id = job_db
    assert peek_jobs(url) is not None
    pg_server.sql("DROP TABLE series_summary", _database(url))
    assert peek_chart(url, job_id) is None
    kept = take_kept(url)
    assert kept is not None  # autocommit: the failed statement left it usable
    assert kept.execute("SELECT 1").fetchone() == (1,)
    kept.close()


def test_a_server_gone_since_the_look_is_declined_and_the_connection_closed(
    pg_server, job_db
) -> None:
    url, job_id = job_db
    assert peek_jobs(url) is not None
    for (pid,) in _connections(pg_server, url):  # the look's: the server side gone
        pg_server.sql(f"SELECT pg_terminate_backend({pid})")
    assert peek_chart(url, job_id) is None
    assert take_kept(url) is None  # closed, not handed to the store
    base = _store_base(url, job_id)  # the store connects again
    assert base.last_step > 2_000

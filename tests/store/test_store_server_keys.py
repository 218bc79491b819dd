"""On the real PostgreSQL server: the points have no foreign key there (its check per row made
the catch-up's COPY several times slower), and what the key gave still holds: a deleted job's
points go with it, a write racing a delete leaves none behind, and a database made with the
key loses it when opened."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from tests.support.postgres import PostgresServer
from vapor_tui.core.config import JobConfig
from vapor_tui.core.series import SeriesPoints
from vapor_tui.store.engine import Store, open_store
from vapor_tui.store.jobs import create_job, delete_job
from vapor_tui.store.series import read_series, write_points


@pytest.fixture
def server_store(pg_server: PostgresServer, fake_clock):
    name = pg_server.new_database()
    store = open_store(pg_server.url(name), clock=fake_clock)
    yield store, name
    store.close()
    pg_server.drop_database(name)


def pts(first: int, last: int) -> SeriesPoints:
    steps = np.arange(first, last + 1, dtype=np.int64)
    return SeriesPoints(steps, np.cos(steps / 9.0), 1.7e9 + steps.astype(np.float64))


def count(store: Store, sql: str) -> int:
    with store.read() as conn:
        return int(conn.exec_driver_sql(sql).scalar() or 0)


def point_keys(server: PostgresServer, database: str) -> list[str]:
    rows = server.sql(
        "SELECT conname FROM pg_constraint "
        "WHERE conrelid = 'series_points'::regclass AND contype = 'f'",
        database,
    )
    return [r[0] for r in rows]


def test_the_points_have_no_foreign_key_and_go_with_their_job(pg_server, server_store):
    store, name = server_store
    keep, doomed = (create_job(store, JobConfig(n)).id for n in ("keep", "doomed"))
    with store.write() as conn:
        write_points(conn, {j: {"loss": pts(1, 9000), "acc": pts(1, 9000)} for j in (keep, doomed)})
    assert point_keys(pg_server, name) == []
    delete_job(store, doomed)
    assert count(store, "SELECT count(*) FROM series_points") == 18_000
    with store.read() as conn:
        assert len(read_series(conn, keep, "loss")) == 9000
        assert len(read_series(conn, doomed, "loss")) == 0


def test_a_write_racing_a_delete_leaves_no_points(pg_server, server_store, monkeypatch):
    """A job deleted by another process after the write read its series and before the
    points went in: the delete waits for the write (the job's row is held from the first
    read), and its cascade then takes the points the write added. Without the hold, the
    delete went in between and the two deadlocked (the server failed the delete)."""
    import vapor_tui.store.series_copy as series_copy

    store, name = server_store
    j = create_job(store, JobConfig("raced")).id
    with store.write() as conn:
        write_points(conn, {j: {"loss": pts(1, 10)}})
    other = open_store(pg_server.url(name))
    deleted, seen = threading.Event(), []
    real = series_copy.copy_points

    def copy_after_a_delete(conn, parts):
        worker = threading.Thread(target=lambda: (delete_job(other, j), deleted.set()))
        worker.start()
        for _ in range(500):  # the delete done, or seen waiting on a lock by the server
            waiting = pg_server.sql(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            )[0][0]
            if waiting or deleted.wait(0.02):
                break
        seen.append(deleted.is_set())
        real(conn, parts)
        return worker

    monkeypatch.setattr(series_copy, "copy_points", copy_after_a_delete)
    try:
        with store.write() as conn:
            write_points(conn, {j: {"loss": pts(11, 5000)}})
        assert seen == [False]  # the delete waited for the write
        assert deleted.wait(30)
    finally:
        other.close()
    assert count(store, "SELECT count(*) FROM series_points") == 0
    assert count(store, "SELECT count(*) FROM series") == 0


def test_a_database_made_with_the_key_loses_it_when_opened(pg_server, server_store):
    store, name = server_store
    j = create_job(store, JobConfig("old")).id
    with store.write() as conn:
        write_points(conn, {j: {"loss": pts(1, 100)}})
    store.close()
    # As the previous release made it: the key, no trigger, compressible blocks, and no
    # record of a full check (server_check.py).
    pg_server.sql(
        "ALTER TABLE series_points ADD CONSTRAINT series_points_series_id_fkey "
        "FOREIGN KEY (series_id) REFERENCES series (id) ON DELETE CASCADE; "
        "DROP TRIGGER series_points_cascade ON series; "
        "ALTER TABLE series_blocks ALTER COLUMN data SET STORAGE EXTENDED; "
        "DELETE FROM meta WHERE key = 'schema_checked'",
        name,
    )
    assert point_keys(pg_server, name) == ["series_points_series_id_fkey"]
    again = open_store(pg_server.url(name))
    try:
        assert point_keys(pg_server, name) == []
        storage = pg_server.sql(
            "SELECT attstorage FROM pg_attribute "
            "WHERE attrelid = 'series_blocks'::regclass AND attname = 'data'",
            name,
        )
        assert storage == [("e",)]
        with again.read() as conn:
            assert len(read_series(conn, j, "loss")) == 100
        delete_job(again, j)
        assert count(again, "SELECT count(*) FROM series_points") == 0
    finally:
        again.close()

"""The newest points on a PostgreSQL server in one round trip (counted in libpq's own trace of
what the connection sends), the same points as on SQLite; and a connection whose server went
away is not used (there is no pre-ping to find it any more)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from tests.support.points import assert_points_equal
from tests.support.postgres import PostgresServer
from vapor_tui.core.clock import FakeClock
from vapor_tui.core.config import JobConfig
from vapor_tui.core.simulator import Simulator
from vapor_tui.store.engine import Store, open_store
from vapor_tui.store.jobs import create_job
from vapor_tui.store.points import assemble, insert_points, read_points, split_rows
from vapor_tui.store.points_newest import wide_points
from vapor_tui.store.series import BULK_READ
from vapor_tui.store.server_alive import gone

CFG = JobConfig("newest", epochs=3, steps_per_epoch=10_000, seed=5, step_seconds=0.01)
SIM = Simulator(CFG)
HELD = 25_000  # past BULK_READ: a read from step 0 is a long one


def _filled(target: str) -> tuple[Store, int]:
    store = open_store(target, clock=FakeClock(datetime.now(UTC)))
    job = create_job(store, CFG)
    with store.write() as conn:
        insert_points(conn, job.id, SIM.points(1, HELD, 1_767_268_800.0))
    return store, job.id


@pytest.fixture
def server_job(pg_server: PostgresServer) -> Iterator[tuple[Store, int]]:
    name = pg_server.new_database()
    store, job_id = _filled(pg_server.url(name))
    yield store, job_id
    store.close()
    pg_server.drop_database(name)


def _round_trips(store: Store, tmp_path: Path, read) -> list[str]:
    """What the pool's connection sent while `read()` ran, one line a round trip: each ends
    with a Query or a Sync message."""
    with store.engine.connect() as conn:  # the pool's only connection, traced from here on
        raw = conn.connection.driver_connection
    assert raw is not None
    trace = tmp_path / "libpq.trace"
    with open(trace, "w") as f:
        raw.pgconn.trace(f.fileno())
        try:
            read()
        finally:
            raw.pgconn.untrace()
    sent, trips = [], []
    for line in trace.read_text().splitlines():
        fields = line.split("\t")
        if len(fields) > 3 and fields[1] == "F":
            sent.append(fields[3] + (fields[4][:40] if len(fields) > 4 else ""))
            if fields[3] in ("Query", "Sync"):
                trips.append(" ".join(sent))
                sent = []
    return trips


def test_the_newest_points_are_one_round_trip(server_job, tmp_path) -> None:
    """Five before: SQLAlchemy's pre-ping, BEGIN, the job's head, its rows, COMMIT."""
    store, job_id = server_job
    for _ in range(10):  # prepared by psycopg from the fifth
        read_points(store, job_id, after_step=HELD - 10)
    got = []
    trips = _round_trips(store, tmp_path, lambda: got.append(read_points(store, job_id, HELD - 10)))
    assert len(trips) == 1, trips
    assert got[0].step.tolist() == list(range(HELD - 9, HELD + 1))


def test_the_newest_points_are_those_sqlite_reads(server_job, tmp_path) -> None:
    store, job_id = server_job
    lite, lite_id = _filled(str(tmp_path / "same.db"))
    try:
        cases = [(HELD - 10, None), (HELD, None), (HELD - 1, 5), (0, 300), (HELD - BULK_READ, None)]
        cases += [(0, None), (HELD - BULK_READ - 1_000, 200), (HELD + 5, None)]
        for after, limit in cases:
            want = read_points(lite, lite_id, after_step=after, limit=limit)
            assert len(want) == (min(HELD - after, limit or HELD) if after < HELD else 0)
            assert_points_equal(read_points(store, job_id, after, limit), want)
        assert len(read_points(store, 999, 0)) == 0
    finally:
        lite.close()


def test_the_rows_are_made_into_points_as_before() -> None:
    """wide_points builds what assemble made of split_rows' series: gaps, NULL values, a
    series missing, a validation point an epoch."""
    rows = [("accuracy", s, s * 0.01, 1e9 + s) for s in (3, 4, 6)]
    rows += [("learning_rate", s, None if s == 5 else 1e-4, 1e9 + s) for s in range(3, 8)]
    rows += [("loss", s, None if s == 4 else 2.0 / s, 1e9 + s) for s in range(3, 8)]
    rows += [("val_loss", 5, 0.5, 1e9 + 5), ("val_loss", 9, 0.4, 1e9 + 9)]
    for spe in (None, 0, 2):
        for part in (rows, rows[3:], [r for r in rows if r[0] != "loss"], []):
            want = assemble(split_rows(part), spe)
            got = wide_points(part, spe)
            assert_points_equal(got, want)
            assert all(not getattr(got, n).flags.writeable for n in ("step", "loss"))
    assert np.isnan(wide_points(rows, 2).loss[1])


def test_a_connection_whose_server_went_away_is_not_used(pg_server) -> None:
    """The server restarted between two reads, with nothing read meanwhile: the next read
    is answered on a new connection, not an error (the pool's connection was cut)."""
    own = PostgresServer(pg_server.bindir)
    own.start()
    try:
        store, job_id = _filled(own.url(own.new_database()))
        try:
            with store.engine.connect() as conn:
                raw = conn.connection.driver_connection
            assert not gone(raw)
            own.stop()
            own.start()
            assert gone(raw)
            assert len(read_points(store, job_id, HELD - 10)) == 10
            with store.engine.connect() as conn:
                assert conn.connection.driver_connection is not raw
        finally:
            store.close()
    finally:
        own.destroy()


def test_a_connection_the_server_closes_at_once_meets_the_error_of_its_statement(
    pg_server, monkeypatch
) -> None:
    """Every connection looks gone at checkout (a server that closes each one at once): one
    just made is used all the same, so the pool never gives up with an error of its own (an
    InvalidRequestError, which nothing turns into "cannot reach"); one checked out again is
    replaced by a new one."""
    from vapor_tui.store import server_alive

    name = pg_server.new_database()
    store = open_store(pg_server.url(name), clock=FakeClock(datetime.now(UTC)))
    try:
        monkeypatch.setattr(server_alive, "gone", lambda conn: True)
        seen = []
        for _ in range(3):
            with store.engine.connect() as conn:
                assert conn.exec_driver_sql("select 1").scalar() == 1
                seen.append(conn.connection.driver_connection)
        assert len({id(raw) for raw in seen}) == 3  # each checkout after the first: a new one
    finally:
        store.close()
        pg_server.drop_database(name)

"""`q` during a long catch-up on PostgreSQL ends the app at once, in a real terminal.

Found trying it: with a 2M-step job due, the process stayed 9 to 75 s after `q` (its worker
thread was writing every due point, and the interpreter waits for it). The catch-up now
stops between transactions once the store is closing, and a transaction on a server is a
fraction of a second; the next catch-up writes the rest."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from tests.support.pty_app import PtyApp
from vapor_tui.core.clock import FakeClock
from vapor_tui.core.config import JobConfig
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import create_job

STEPS = 3_000_000  # about 20 s of catch-up on this server unloaded: far more than the wait


def _steps_written(server, database) -> int:
    rows = server.sql("SELECT coalesce(max(last_step), 0) FROM series", database)
    return int(rows[0][0])


def test_q_during_a_long_catch_up_exits_at_once(pg_server, helpers):
    database = pg_server.new_database()
    url = pg_server.url(database)
    started = datetime.now(UTC) - timedelta(hours=2)  # every step due
    store = open_store(url, clock=FakeClock(started))
    try:
        cfg = JobConfig("long", epochs=3, steps_per_epoch=STEPS // 3, step_seconds=0.001)
        create_job(store, cfg, start=True)
    finally:
        store.close()
    app = PtyApp(["--db", url], helpers.cli_env())
    try:
        deadline = time.monotonic() + 60
        while _steps_written(pg_server, database) == 0:  # the catch-up is under way
            assert time.monotonic() < deadline, "the catch-up never began"
            app.pump(0.05)
        app.send("q")
        pressed = time.monotonic()
        assert app.wait_exit(timeout=30) == 0
        took = time.monotonic() - pressed
    finally:
        app.close()
    written = _steps_written(pg_server, database)
    assert 0 < written < STEPS, written  # it stopped part way, with whole transactions
    # ~1 s on a quiet machine; the margin is for a loaded one (it took 9-12 s and more).
    print(f"exit after q: {took:.2f} s, {written:,} steps written")
    assert took < 4.0, f"the app took {took:.1f} s to exit after q"
    pg_server.drop_database(database)

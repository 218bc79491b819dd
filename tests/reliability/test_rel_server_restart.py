"""The PostgreSQL server going away and coming back, with the real server stopped and started
in the middle: the app says "cannot reach the database" in its top bar and carries on by
itself once the server answers; a command fails with one line and exit status 2; a store that
was open before the restart works again after it."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest

from tests.support.postgres import PostgresServer
from tests.support.pty_app import PtyApp
from vapor_tui.core.clock import FakeClock
from vapor_tui.core.config import JobConfig
from vapor_tui.store.engine import StoreUnreachable, open_store
from vapor_tui.store.jobs import create_job, list_jobs

UNREACHABLE = "cannot reach the database"


@pytest.fixture
def server(pg_server: PostgresServer):
    """A server of this test's own, to stop and start (pg_server is the suite's, shared)."""
    own = PostgresServer(pg_server.bindir)
    own.start()
    yield own
    own.destroy()


@pytest.fixture
def url(server: PostgresServer) -> str:
    target = server.url(server.new_database())
    store = open_store(target, clock=FakeClock(datetime.now(UTC)))
    try:
        create_job(
            store, JobConfig("steady", epochs=1, steps_per_epoch=100_000, seed=3), start=True
        )
        create_job(store, JobConfig("waiting", seed=4))
    finally:
        store.close()
    return target


def test_a_command_while_the_server_is_down_is_one_line(server, url, run_cli) -> None:
    assert run_cli("--db", url, "jobs")[0] == 0
    server.stop()
    code, out, err = run_cli("--db", url, "jobs")
    assert (code, out) == (2, "")
    assert err.startswith(f"vapor-tui: error: {UNREACHABLE} ") and err.count("\n") == 1, err
    assert "Traceback" not in err and "DETAIL" not in err
    server.start()
    code, out, err = run_cli("--db", url, "jobs")
    assert code == 0 and "steady" in out, err


def test_a_store_open_across_a_restart_works_again(server, url) -> None:
    store = open_store(url, clock=FakeClock(datetime.now(UTC)))
    try:
        assert len(list_jobs(store)) == 2
        server.stop()
        with pytest.raises(StoreUnreachable, match=UNREACHABLE):
            list_jobs(store)
        server.start()
        assert [j.name for j in list_jobs(store)] == ["waiting", "steady"]
    finally:
        store.close()


def test_a_look_before_a_restart_leaves_the_store_a_working_connection(server, url) -> None:
    """The connection a quick look keeps for the store (server_peek.py) was cut by the
    restart: the store does not use it, and opens as usual."""
    from vapor_tui.store.peek import peek_jobs

    assert peek_jobs(url) is not None
    server.stop()
    server.start()
    store = open_store(url, clock=FakeClock(datetime.now(UTC)))
    try:
        assert [j.name for j in list_jobs(store)] == ["waiting", "steady"]
    finally:
        store.close()


@pytest.fixture
def opening_held(monkeypatch):
    """The app's first open of the store waits until the test sets the event."""
    from vapor_tui.live import opening

    gate = threading.Event()
    real, calls = opening.open_live, []

    def held(db, clock):
        calls.append(db)
        if len(calls) == 1:
            assert gate.wait(30)
        return real(db, clock)

    monkeypatch.setattr(opening, "open_live", held)
    yield gate
    gate.set()


async def test_the_server_stopping_as_the_app_opens_is_said_and_recovered(
    server, url, opening_held
) -> None:
    """The rows are drawn from the quick look, then the server stops before the store is
    open: the app keeps them, says it cannot reach the database, and opens the store once
    the server is back (it ended with exit status 2 before)."""
    from vapor_tui.ui.app import VaporApp

    app = VaporApp(url, refresh=0.2, timer=False)

    async def until(condition, timeout: float = 30.0) -> None:
        end = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < end, "it never happened"
            assert app.return_code is None, "the app ended"
            await pilot.pause(0.02)

    async with app.run_test(size=(120, 40)) as pilot:
        await until(lambda: app.snapshot is not None)  # drawn from the look at the server
        server.stop()
        opening_held.set()
        await until(lambda: app.live.problem == "cannot reach the database; retrying")
        assert app.store is None and app.return_code is None
        assert [j.name for j in app.snapshot.jobs] == ["waiting", "steady"]
        server.start()
        await until(lambda: app.store is not None and app.live.problem is None)
        assert [j.name for j in app.snapshot.jobs] == ["waiting", "steady"]


def test_the_app_says_so_and_recovers_by_itself(server, url, helpers) -> None:
    app = PtyApp(["--db", url, "--refresh", "0.2"], helpers.cli_env())
    try:
        app.wait_for("steady")
        server.stop()
        app.wait_for(UNREACHABLE)
        app.pump(1.0)
        assert app.child.isalive() and UNREACHABLE in app.text()
        assert "steady" in app.text()  # the last rows it had stay on screen
        server.start()
        end = time.monotonic() + 30
        while UNREACHABLE in app.text():
            assert time.monotonic() < end, f"the app did not recover:\n{app.text()}"
            app.pump(0.2)
        assert "steady" in app.text() and "waiting" in app.text()
        app.send("s")  # and it acts again: the cursor is on the newest job, "waiting"
        app.wait_for("2 running")
        app.send("q")
        assert app.wait_exit() == 0
    finally:
        app.close()

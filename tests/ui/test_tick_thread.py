"""The app's ticks run on one thread of its own (issue 14): no Textual worker, and no worker
messages on the UI thread, per tick; a tick that raises is still said; the thread ends with
the app."""

from __future__ import annotations

import threading

from textual.worker import Worker

from tests.support.recorder import messages, notes
from tests.support.tables import cell
from vapor_tui.live import tick_thread
from vapor_tui.store.jobs import create_job
from vapor_tui.ui.messages import TickDone
from vapor_tui.ui.widgets.job_table import JobTable

from .conftest import config, settle, tick


async def test_ticks_run_on_one_thread_and_post_no_worker_messages(make_app, ui_store, clock):
    """Five ticks: one thread ran them all, and no Worker.StateChanged went through the app's
    queue (a Textual worker a tick posted three: pending, running, success)."""
    create_job(ui_store, config("ticking"), start=True)
    app = make_app()
    ran_on: set[int] = set()
    deliver = app.tick_thread._deliver

    def noted(result):
        ran_on.add(threading.get_ident())
        return deliver(result)

    app.tick_thread._deliver = noted
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        before = len(messages(app, TickDone))
        for _ in range(5):
            clock.advance(1.0)
            await tick(app, pilot)
        assert len(messages(app, TickDone)) - before == 5
        assert cell(app.screen.query_one(JobTable), 1, "progress").endswith("2%")
        assert len(ran_on) == 1 and threading.get_ident() not in ran_on
        assert not [m for m in messages(app, Worker.StateChanged) if m.worker.name == "_tick"]
        assert not [m for m in messages(app, Worker.StateChanged) if "tick" in str(m.worker)]


async def test_a_tick_that_raises_is_said_and_the_next_one_runs(
    make_app, ui_store, clock, monkeypatch
):
    """A bug in a tick (here one injected into the first) is a toast and the top bar's
    trouble, as a failed Textual worker's was; the next tick runs and clears it."""
    job = create_job(ui_store, config("after-a-bug"), start=True)
    real = tick_thread.run_tick
    calls: list[int] = []

    def first_raises(store, request):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("a bug")
        return real(store, request)

    monkeypatch.setattr(tick_thread, "run_tick", first_raises)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        said = "error | Database | unexpected error: RuntimeError('a bug')"
        assert said in notes(app), notes(app)
        assert app.live.problem is not None and "a bug" in app.live.problem
        clock.advance(5.5)
        await tick(app, pilot)
        assert len(calls) == 2
        assert app.live.problem is None
        assert app.snapshot is not None and app.snapshot.job(job.id).steps_done == 5


async def test_the_tick_thread_ends_when_the_app_closes(make_app, ui_store, clock):
    create_job(ui_store, config("closing"), start=True)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        assert app.tick_thread.alive
    assert app.tick_thread.join(timeout=30)
    assert not app.tick_thread.alive


def test_a_tick_thread_never_stopped_does_not_hold_up_the_exit(tmp_path) -> None:
    """An app that never unmounted (its tick thread never told to stop): the process still
    ends when its main thread does, instead of waiting for the thread for ever."""
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(
        f"""
        import threading
        from vapor_tui.live.tick import TickRequest
        from vapor_tui.live.tick_thread import TickThread
        from vapor_tui.store.engine import open_store

        store = open_store({str(tmp_path / "t.db")!r})
        done = threading.Event()
        thread = TickThread(lambda result: done.set())
        thread.submit(store, TickRequest())
        assert done.wait(30)
        print("ticked", flush=True)
        """
    )
    ended = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert ended.returncode == 0 and ended.stdout == "ticked\n", ended.stderr

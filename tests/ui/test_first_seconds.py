"""The first seconds after launch (issue 8): keys the footer offered are carried out even while
the database opens, a form filled in then is kept, `x x` stops at once, and a database with a
backlog shows its jobs as they are now."""

from __future__ import annotations

import threading

import pytest
from textual import events

from vapor_tui.core.status import Action, JobStatus
from vapor_tui.live import opening
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import apply_action, create_job, get_job, list_jobs
from vapor_tui.ui.app import VaporApp
from vapor_tui.ui.screens.jobs import JobsScreen

from .conftest import config, notes, recorded, settle


def burst(app: VaporApp, keys: list[str]) -> None:
    """Keys as a terminal sends them when typed fast: all queued at once, none waited for."""
    for key in keys:
        char = {"enter": "\r", "space": " "}.get(key, key if len(key) == 1 else None)
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)


@pytest.fixture
def opening_held(monkeypatch):
    """The database takes as long to open as the test wants: until the event is set."""
    gate = threading.Event()
    real = opening.open_live

    def held(db, clock):
        assert gate.wait(30)
        return real(db, clock)

    monkeypatch.setattr(opening, "open_live", held)
    yield gate
    gate.set()


async def until(pilot, condition) -> None:
    """Let the app run until `condition()` holds (the open worker is held: no waiting for it)."""
    for _ in range(500):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError("it never happened")


async def shown(app: VaporApp, pilot) -> None:
    """Until the first frame's rows are there (read before the store opens)."""
    await until(pilot, lambda: app.snapshot is not None and isinstance(app.screen, JobsScreen))


def db_with(tmp_path, clock, *configs):
    db = tmp_path / "first.db"
    store = open_store(db, clock=clock)
    try:
        return str(db), [create_job(store, c) for c in configs]
    finally:
        store.close()


async def test_keys_pressed_while_the_database_opens_are_carried_out_once(
    tmp_path, clock, opening_held
):
    db, (job,) = db_with(tmp_path, clock, config("early"))
    app = recorded(VaporApp(db, clock=clock, timer=False))
    async with app.run_test(size=(120, 40)) as pilot:
        await shown(app, pilot)
        burst(app, ["s", "s", "s"])  # pressed again and again, as people do
        # Carried out straight in the file (a queued job needs nothing of the store), and
        # shown, while the store is still opening.
        await until(pilot, lambda: app.snapshot.job(job.id).status is JobStatus.RUNNING)
        assert app.store is None
        row = next(r for r in rows_on_screen(app) if " early " in r)
        assert "running" in row
        look = open_store(db, clock=clock)
        assert get_job(look, job.id).status is JobStatus.RUNNING
        look.close()
        opening_held.set()
        await settle(app, pilot, rounds=6)
        assert app.store is not None
        assert get_job(app.store, job.id).status is JobStatus.RUNNING
        log = notes(app)
        assert [n for n in log if "Started" in n] == [f"information | ▶ Started | #{job.id} early"]
        assert not [n for n in log if n.startswith("warning")], log  # no refusal, no "opening"


async def test_a_form_filled_in_while_the_database_opens_is_kept(tmp_path, clock, opening_held):
    db, _ = db_with(tmp_path, clock, config("older"))
    app = recorded(VaporApp(db, clock=clock, timer=False))
    async with app.run_test(size=(120, 40)) as pilot:
        await shown(app, pilot)
        burst(app, ["n", *"early-bird", "enter"])
        await until(pilot, lambda: app.actions.pending == 1)  # the form sent it, and closed
        assert isinstance(app.screen, JobsScreen) and app.store is None
        opening_held.set()
        await settle(app, pilot, rounds=6)
        assert [j.name for j in list_jobs(app.store)] == ["early-bird", "older"]
        assert not [n for n in notes(app) if n.startswith("warning")], notes(app)


async def test_x_x_on_a_running_job_stops_it_at_once(make_app, ui_store, clock):
    job = create_job(ui_store, config("twice"), start=True)
    clock.advance(30)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        burst(app, ["x", "x"])  # the second before the first's result is back
        await settle(app, pilot, rounds=6)
        stopped = get_job(ui_store, job.id)
        assert stopped.status is JobStatus.STOPPED and stopped.reason == "stopped by user"
        assert not [n for n in notes(app) if "Refused" in n], notes(app)


async def test_a_start_pressed_again_before_the_row_changed_is_not_a_conflict(
    make_app, ui_store, clock
):
    job = create_job(ui_store, config("again"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        burst(app, ["s", "s"])
        await settle(app, pilot, rounds=6)
        assert get_job(ui_store, job.id).status is JobStatus.RUNNING
        assert not [n for n in notes(app) if "changed from" in n], notes(app)


async def test_someone_elses_start_meanwhile_is_still_a_conflict(make_app, ui_store, clock):
    job = create_job(ui_store, config("theirs"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        apply_action(ui_store, job.id, Action.START)  # another instance, before our press
        burst(app, ["s"])
        await settle(app, pilot)
        refused = [n for n in notes(app) if "Refused" in n]
        assert refused and "changed from queued to running" in refused[-1]


async def test_a_backlog_shows_the_jobs_as_they_are_now_before_it_is_written(
    tmp_path, clock, opening_held
):
    """A 10,000 steps/s job left running 90 s with nothing open: before the store has opened
    (let alone written 900,000 points), the rows show it where the clock says it is."""
    from vapor_tui.core.catchup import project
    from vapor_tui.ui.widgets.job_table import JobTable

    fast = config("backlog", epochs=10, steps_per_epoch=100_000, step_seconds=0.0001)
    db, (job, queued) = db_with(tmp_path, clock, fast, config("waiting"))
    store = open_store(db, clock=clock)
    apply_action(store, job.id, Action.START)
    store.close()
    clock.advance(90)
    expected = project(get_job(open_store(db, clock=clock), job.id), clock.now())
    assert 850_000 < expected.steps_done < 900_000
    app = recorded(VaporApp(db, clock=clock, timer=False))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(
            pilot, lambda: app.snapshot is not None and app.snapshot.job(job.id).steps_done > 0
        )
        assert app.store is None  # the store has not even opened
        shown = app.snapshot.job(job.id)
        assert (shown.steps_done, shown.last_loss) == (expected.steps_done, expected.last_loss)
        row = next(r for r in rows_on_screen(app) if " backlog " in r)
        assert f"{expected.last_loss:.4f}" in row and " 0%" not in row
        burst(app, ["s", "s", "s"])  # start the queued one (newest: the cursor is on it), again
        opening_held.set()
        await settle(app, pilot, rounds=8)
        assert get_job(app.store, queued.id).status is JobStatus.RUNNING
        assert not [n for n in notes(app) if n.startswith("warning")], notes(app)
        assert app.snapshot.job(job.id).steps_done >= expected.steps_done
        assert app.screen.query_one(JobTable).selected_id == queued.id


def rows_on_screen(app: VaporApp) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]

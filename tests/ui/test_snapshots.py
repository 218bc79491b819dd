"""What the screens look like, pinned as SVG snapshots (pytest-textual-snapshot).

The versions these were made with are pinned in constraints.txt. After a deliberate upgrade,
review the differences with `pytest tests/ui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from vapor_tui.core.clock import FakeClock
from vapor_tui.core.status import Action
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import apply_action, create_job
from vapor_tui.ui.app import VaporApp

from .conftest import START, config

SIZES = [pytest.param((120, 40), id="120x40"), pytest.param((80, 24), id="80x24")]
# The top bar may show the database path, so snapshots need one that does not vary per run:
# relative, in the test's own temporary directory (one shared folder in /tmp was emptied by
# one run while another used it).
SNAP_DB = Path("a-fresh-database-for-each-snapshot") / "snap.db"


@pytest.fixture
def seeded_app(tmp_path, monkeypatch):
    """An app on a database with one job in each state, driven by a fake clock."""
    monkeypatch.chdir(tmp_path)
    SNAP_DB.parent.mkdir()
    clock = FakeClock(START)
    store = open_store(SNAP_DB, clock=clock)
    done = create_job(store, config("alpaca-sft", epochs=2, steps_per_epoch=60, step_seconds=0.5))
    apply_action(store, done.id, Action.START)
    failed = create_job(store, config("lr-sweep-3e-3", learning_rate=3e-3, seed=12))
    apply_action(store, failed.id, Action.START)
    clock.advance(100)
    apply_action(store, failed.id, Action.FAIL)
    stopped = create_job(store, config("dpo-preference", model="LFM2-700M", seed=13))
    apply_action(store, stopped.id, Action.STOP)
    running = create_job(
        store,
        config(
            "chat-1.2b",
            model="LFM2-1.2B",
            epochs=4,
            steps_per_epoch=150,
            seed=14,
            curve="power-law",
            step_seconds=0.8,
        ),
    )
    apply_action(store, running.id, Action.START)
    clock.advance(240)
    create_job(store, config("long-context", model="LFM2-1.2B", seed=16))
    app = VaporApp(store=store, clock=clock, timer=False)
    app.running_job_id = running.id
    yield app
    store.close()


async def _settle(pilot) -> None:
    for _ in range(3):
        await pilot.app.wait_for_work()
        await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_jobs_screen(snap_compare, seeded_app, size):
    assert snap_compare(seeded_app, terminal_size=size, run_before=_settle)


@pytest.mark.parametrize("size", SIZES)
def test_detail_screen(snap_compare, seeded_app, size):
    async def run_before(pilot) -> None:
        await _settle(pilot)
        pilot.app.open_detail(pilot.app.running_job_id)
        await _settle(pilot)

    assert snap_compare(seeded_app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_new_job_form_with_errors(snap_compare, seeded_app, size):
    async def run_before(pilot) -> None:
        await _settle(pilot)
        await pilot.press("n")
        form = pilot.app.screen
        # A blinking cursor is drawn or not depending on when the picture is taken.
        for box in form.query(Input):
            box.cursor_blink = False
        form.query_one("#field-seed").value = "1234"
        # The directory field starts empty (where vapor-tui was started); set, it shows as typed.
        form.query_one("#field-cwd").value = "/srv/train"
        form.query_one("#field-epochs").value = "0"
        form.query_one("#field-learning_rate").value = "fast"
        await pilot.press("enter")
        await _settle(pilot)

    assert snap_compare(seeded_app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_help_screen(snap_compare, seeded_app, size):
    async def run_before(pilot) -> None:
        await _settle(pilot)
        await pilot.press("question_mark")
        await _settle(pilot)

    assert snap_compare(seeded_app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_compare_screen(snap_compare, seeded_app, size):
    """Three jobs marked on the jobs screen (space), then `v`."""

    async def run_before(pilot) -> None:
        await _settle(pilot)
        await pilot.press("down", "space", "down", "space", "down", "down", "space", "v")
        await _settle(pilot)
        pilot.app.request_tick()
        await _settle(pilot)

    assert snap_compare(seeded_app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_jobs_screen_marked_and_sorted(snap_compare, seeded_app, size):
    async def run_before(pilot) -> None:
        await _settle(pilot)
        await pilot.press("space", "down", "down", "space", "L")
        await _settle(pilot)

    assert snap_compare(seeded_app, terminal_size=size, run_before=run_before)

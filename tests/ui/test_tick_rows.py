"""What a tick costs the UI thread, counted (issue 14): the rows of the jobs table worded
again. Counts, not wall-clock: they hold on a loaded machine."""

from __future__ import annotations

import pytest
from textual.widget import Widget

from tests.support.tables import cell
from vapor_tui.store.jobs import create_job
from vapor_tui.ui.widgets import job_table
from vapor_tui.ui.widgets.job_table import JobTable

from .conftest import config, settle, tick


@pytest.fixture
def worded(monkeypatch) -> list[int]:
    """Every row's cells made, and every age worded, by the jobs table."""
    calls: list[int] = []
    make, word = job_table.job_cells, job_table.age

    def making(job, *args, **kwargs):
        calls.append(job.id)
        return make(job, *args, **kwargs)

    def wording(job, now):
        calls.append(job.id)
        return word(job, now)

    monkeypatch.setattr(job_table, "job_cells", making)
    monkeypatch.setattr(job_table, "age", wording)
    return calls


def _slow_and_queued(store, make_app, count: int):
    """`count` running jobs at a step an hour and as many queued; the app that will show them."""
    for i in range(count):
        create_job(store, config(f"slow{i}", seed=i, step_seconds=3600.0), start=True)
        create_job(store, config(f"queued{i}", seed=100 + i))
    return make_app()


async def test_a_tick_with_nothing_new_words_no_row_again(make_app, ui_store, clock, worded):
    """60 jobs, none with a step due (a step an hour): a tick words no row again. Every age
    was worded again at every tick; now a row's age is, once its minute moves."""
    app = _slow_and_queued(ui_store, make_app, 30)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(JobTable)
        assert cell(table, 1, "created") == "just now"
        worded.clear()
        for _ in range(5):
            clock.advance(1.0)
            await tick(app, pilot)
        assert worded == []
        clock.advance(60.0)  # every age moves on a minute, the rows' other cells do not
        await tick(app, pilot)
        assert sorted(worded) == list(range(1, 61))
        assert cell(table, 1, "created") == "a minute ago"


@pytest.fixture
def refreshed(monkeypatch) -> list[str]:
    """The widget (its class name) of every refresh asked for, anywhere in the app."""
    calls: list[str] = []
    original = Widget.refresh

    def counted(self, *regions, **kwargs):
        calls.append(type(self).__name__)
        return original(self, *regions, **kwargs)

    monkeypatch.setattr(Widget, "refresh", counted)
    return calls


async def test_a_quiet_tick_refreshes_no_widget_and_a_step_only_its_cells(
    make_app, ui_store, clock, refreshed
):
    """Nothing due: a tick asks no widget to repaint (the top bar, the footer, the table). A
    job's step: only the jobs table repaints, the cells that changed (issue 14)."""
    app = _slow_and_queued(ui_store, make_app, 10)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        clock.advance(1.0)
        await tick(app, pilot)
        refreshed.clear()
        for _ in range(5):
            clock.advance(1.0)
            await tick(app, pilot)
        assert refreshed == []
        create_job(ui_store, config("fast", seed=99, step_seconds=1.0), start=True)
        for _ in range(2):
            clock.advance(1.0)
            await tick(app, pilot)
        refreshed.clear()
        clock.advance(1.0)
        await tick(app, pilot)
        assert set(refreshed) == {"JobTable"}
        assert len(refreshed) <= 3  # its loss, and at most its progress and ETA

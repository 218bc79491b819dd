"""Behaviour that keeps terminal traffic low (the figures themselves live in the benchmark)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pyte
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from tests.support.pty_app import PtyApp
from tests.support.tables import cell, row_cells
from vapor_tui.core.clock import FakeClock
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import create_job
from vapor_tui.ui.screens.detail import JobDetailScreen
from vapor_tui.ui.widgets.diff import changed_span
from vapor_tui.ui.widgets.job_table import JobTable
from vapor_tui.ui.widgets.live_static import LiveStatic

from .conftest import Repaints, config, settle, tick


def _line(*cells: tuple[str, str]) -> Strip:
    return Strip([Segment(text, Style.parse(style)) for text, style in cells])


def _paint(data: str, screen: pyte.Screen) -> None:
    pyte.Stream(screen).feed(data)


def test_changed_span_none_when_equal_and_covers_style_changes():
    a = _line(("abc", "red"), ("def", ""))
    assert changed_span(a, _line(("abc", "red"), ("def", ""))) is None
    assert changed_span(a, _line(("abc", "blue"), ("def", ""))) == (0, 3)
    assert changed_span(a, _line(("abc", "red"), ("deg", ""))) == (5, 6)
    assert changed_span(a, _line(("abc", "red"), ("defgh", ""))) == (6, 8)

    # The ETA grows shorter by two characters: everything after it moved left and must be
    # repainted, although its characters match the old line's ending.
    before = _line(("ETA 12 minutes   loss 0.5000   best 0.4000   val -", ""))
    after = _line(("ETA 1 minute   loss 0.5000   best 0.4000   val -", ""))
    assert changed_span(before, after) == (5, before.cell_length)


@given(
    st.lists(st.tuples(st.text("ab -中", max_size=6), st.sampled_from(["", "red"])), max_size=5),
    st.lists(st.tuples(st.text("ab -中", max_size=6), st.sampled_from(["", "red"])), max_size=5),
)
def test_repainting_the_changed_span_turns_the_old_line_into_the_new(old, new):
    a, b = _line(*old), _line(*new)
    width = max(a.cell_length, b.cell_length)
    screen = _cols(a, width)
    span = changed_span(a, b)
    if span is not None:
        first, end = span
        screen[first:end] = _cols(b, width)[first:end]
    assert screen == _cols(b, width)


def _cols(strip: Strip, width: int) -> list[tuple[str, object]]:
    cols = []
    for segment in strip:
        for char in segment.text:
            cols.append((char, segment.style))
            cols.extend([("", segment.style)] * (cell_len(char) - 1))
    return cols + [(" ", None)] * (width - len(cols))


async def test_live_static_marks_only_the_changed_cells(make_app, ui_store, clock):
    job = create_job(ui_store, config("stats"), start=True)
    clock.advance(42)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_detail(job.id)
        await settle(app, pilot)
        stats = app.screen.query_one("#detail-stats", LiveStatic)
        stats.update("Epoch 1/3 - step 42/300")
        await pilot.pause()
        stats._dirty_regions.clear()
        stats.update("Epoch 1/3 - step 43/300")
        regions = list(stats._dirty_regions)
        assert len(regions) == 1 and regions[0].width <= 2  # "42" -> "43"


async def test_covered_screen_is_not_updated_until_it_is_shown_again(make_app, ui_store, clock):
    job = create_job(ui_store, config("covered"), start=True)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(JobTable)
        app.open_detail(job.id)
        await settle(app, pilot)
        repaints = Repaints(table)
        for _ in range(3):
            clock.advance(10)
            await tick(app, pilot)
        assert isinstance(app.screen, JobDetailScreen)
        assert repaints.calls == 0  # nothing painted underneath the detail screen
        await pilot.press("escape")
        await settle(app, pilot)
        assert repaints.calls > 0  # and it caught up on return
        row = row_cells(table, 0)
        assert row[4].strip().endswith("%") and not row[4].strip().endswith(" 0%")


def _bytes_after_settling(
    args: list[str], needle: str, tmp_path, window: float, ready: str | None = None
) -> int:
    env = {k: v for k, v in os.environ.items() if k != "VAPOR_TUI_DB"}
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    app = PtyApp(args, env)
    try:
        app.wait_for(needle)
        if ready is not None:
            app.wait_for(ready)
        app.pump(2.5)  # the first frame and the first ticks
        sent = app.pump(window)
        app.send("q")
        assert app.wait_exit() == 0
    finally:
        app.close()
    return sent


def test_an_idle_screen_sends_nothing(tmp_path):
    # Made 150 minutes ago: "2 hours ago" in every row for half an hour. (Made just now, the
    # rows said "just now" until a minute had passed, and on a loaded machine that minute
    # could end inside the window.)
    db = tmp_path / "idle.db"
    store = open_store(db, clock=FakeClock(datetime.now(UTC) - timedelta(minutes=150)))
    try:
        for i in range(5):
            create_job(store, config(f"idle{i}", seed=i))
    finally:
        store.close()
    # Settled once the database is open (its path in the top bar) and the first tick is in.
    sent = _bytes_after_settling(["--db", str(db)], "idle4", tmp_path, 3.0, ready=str(db))
    assert sent == 0


def test_watching_a_live_job_sends_a_little_every_second(tmp_path, run_cli):
    db = str(tmp_path / "live.db")
    code, out, _ = run_cli(
        "new", "--name", "live", "--step-seconds", "1", "--seed", "3", "--start", "--db", db
    )
    assert code == 0
    sent = _bytes_after_settling(["watch", out.strip(), "--db", db], "Epoch", tmp_path, 3.0)
    # Something changes every second (step, elapsed, the curve), but only those cells.
    assert 0 < sent < 3 * 1000


async def test_rows_out_of_view_update_their_data_and_show_it_when_scrolled_to(
    make_app, ui_store, clock
):
    jobs = [create_job(ui_store, config(f"many{i}", seed=i), start=True) for i in range(60)]
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(JobTable)
        oldest = str(jobs[0].id)
        before = cell(table, oldest, "progress")
        clock.advance(90)
        await tick(app, pilot)
        after = cell(table, oldest, "progress")
        assert after != before  # the data moved although the row is far below the window
        await pilot.press("end")  # to the last (oldest) job
        await settle(app, pilot)
        assert table.selected_id == jobs[0].id
        row = next(line for line in _screen_lines(app) if " many0 " in line)
        assert after.split()[-1] in row  # the percent it shows is the updated one


def _screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def test_the_painted_rows_show_each_changed_cell(make_app, ui_store, clock):
    """Only the changed cells' renders are dropped: every painted row, the cursor's included,
    must still show what the table now holds, not what it held a tick ago."""
    jobs = [create_job(ui_store, config(f"paint{i}", seed=i), start=True) for i in range(5)]
    clock.advance(5)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("down")  # the cursor on the second row
        table = app.screen.query_one(JobTable)
        before = {job.id: cell(table, job.id, "loss") for job in jobs}
        _screen_lines(app)  # every row rendered, so every render is cached
        clock.advance(7)
        await tick(app, pilot)
        lines = _screen_lines(app)
        for job in jobs:
            loss = cell(table, job.id, "loss")
            assert loss != before[job.id] and "." in before[job.id]
            row = next(line for line in lines if f" paint{job.id - 1} " in line)
            assert loss in row and before[job.id] not in row, (row, loss)


async def test_the_no_points_line_is_not_repainted_at_each_tick(make_app, ui_store, clock):
    """It was updated with the same text at every tick: 3 KB a second watching a job that has
    no points yet (a launched command that logs none, a queued job)."""
    from textual.widgets import Static

    from tests.support.recorder import Repaints

    job = create_job(ui_store, config("waiting"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_detail(job.id)
        await settle(app, pilot)
        placeholder = app.screen.query_one("#chart-placeholder", Static)
        assert "has not started" in str(placeholder.content)
        repaints = Repaints(placeholder)
        for _ in range(3):
            clock.advance(1.0)
            await tick(app, pilot)
        assert repaints.calls == 0

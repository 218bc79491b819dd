"""What a tick costs the UI thread, counted (issue 14): the rows of the jobs table worded
again. Counts, not wall-clock: they hold on a loaded machine."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.segment import Segment
from rich.style import Style
from textual.widget import Widget

from tests.support.tables import cell
from vapor_tui.store.jobs import create_job
from vapor_tui.ui import compat
from vapor_tui.ui.widgets import job_lines, job_table
from vapor_tui.ui.widgets.job_table import JobTable
from vapor_tui.ui.widgets.moving_cells import MovingCells

from .conftest import config, settle, tick


@pytest.fixture
def worded(monkeypatch) -> list[int]:
    """Every row whose age the jobs table worded (whole rows made included: those word it)."""
    calls: list[int] = []
    make = MovingCells.cells

    def making(self, job, *args, **kwargs):
        made = make(self, job, *args, **kwargs)
        if "created" in made:
            calls.append(job.id)
        return made

    monkeypatch.setattr(MovingCells, "cells", making)
    return calls


def _slow_and_queued(store, make_app, count: int):
    """`count` running jobs at a step an hour and as many queued; the app that will show them."""
    for i in range(count):
        create_job(store, config(f"slow{i}", seed=i, step_seconds=3600.0), start=True)
        create_job(store, config(f"queued{i}", seed=100 + i))
    return make_app()


async def test_a_tick_with_nothing_new_words_no_row_again(make_app, ui_store, clock, worded):
    """60 jobs, none with a step due (a step an hour): a tick words no row again, nor works
    out any row's age. Every age was worded again at every tick; now a row's age is, once its
    minute moves."""
    app = _slow_and_queued(ui_store, make_app, 30)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(JobTable)
        assert cell(table, 1, "created") == "just now"
        worded.clear()
        minutes: list[int] = []
        age_minute = job_table.age_minute
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(job_table, "age_minute", lambda *a: minutes.append(1) or age_minute(*a))
            for _ in range(5):
                clock.advance(1.0)
                await tick(app, pilot)
        assert worded == []
        # Nor is any age's minute worked out again: each row knows until when its stays.
        assert minutes == []
        clock.advance(60.0)  # every age moves on a minute, the rows' other cells do not
        await tick(app, pilot)
        assert sorted(worded) == list(range(1, 61))
        assert cell(table, 1, "created") == "a minute ago"


async def test_a_tick_passes_over_the_jobs_it_handed_before(make_app, ui_store, clock):
    """60 jobs, none with a step due: a tick hands the table the same (frozen) job objects,
    and the table asks nothing of them, not even their version and step (100 rows were each
    brought up to date at every tick, most of them to find nothing: issue 14); a minute
    later every age moves on, and is shown."""
    app = _slow_and_queued(ui_store, make_app, 30)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(JobTable)
        updated: list[int] = []
        update = JobTable._update_cells
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(
                JobTable,
                "_update_cells",
                lambda self, job, *a: updated.append(job.id) or update(self, job, *a),
            )
            for _ in range(5):
                clock.advance(1.0)
                await tick(app, pilot)
            assert updated == []
            clock.advance(60.0)
            await tick(app, pilot)
            assert sorted(updated) == list(range(1, 61))
        assert cell(table, 1, "created") == "a minute ago"


@contextlib.asynccontextmanager
async def _ticked_table(app, clock) -> AsyncIterator[tuple]:
    """The app at 120x40, settled and a tick later: (app, pilot, its jobs table)."""
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(JobTable)
        clock.advance(1.0)
        await tick(app, pilot)
        yield app, pilot, table


async def test_a_step_makes_only_the_cells_that_move_again(make_app, ui_store, clock, monkeypatch):
    """20 jobs a step a second: a tick makes their status, progress, epoch, loss, ETA and age
    cells again, not their id, name and model (every cell of 20 rows a tick before); a job
    renamed elsewhere gets its whole row made again."""
    for i in range(20):
        create_job(ui_store, config(f"moving{i}", seed=i), start=True)
    whole: list[int] = []
    moving: list[int] = []
    make_whole, make_moving = job_table.job_cells, MovingCells.cells

    def counted_whole(job, *args, **kwargs):
        whole.append(job.id)
        return make_whole(job, *args, **kwargs)

    def counted_moving(self, job, now, keys, before):
        if before is not None:  # a row made again in part (job_cells passes None)
            moving.append(job.id)
        return make_moving(self, job, now, keys, before)

    monkeypatch.setattr(job_table, "job_cells", counted_whole)
    monkeypatch.setattr(MovingCells, "cells", counted_moving)
    async with _ticked_table(make_app(), clock) as (app, pilot, table):
        whole.clear(), moving.clear()
        loss_before, made_before = cell(table, 1, "loss"), table.cells_made
        for _ in range(3):
            clock.advance(1.0)
            await tick(app, pilot)
        assert whole == []
        # Steps are a second apart on average: most jobs took one or more.
        assert len(set(moving)) >= 15 and set(moving) <= set(range(1, 21))
        assert len(moving) == table.cells_made - made_before
        assert cell(table, 1, "loss") != loss_before  # the moved cells are shown
        assert cell(table, 20, "name") == "moving19" and cell(table, 20, "id") == "20"


async def test_a_step_keeps_the_cells_it_did_not_move_and_words_ages_once(
    make_app, ui_store, clock, monkeypatch
):
    """A step makes the loss cell again, and keeps the status, epoch, ETA and age cells whose
    words did not move: the same objects, compared by identity, not made and compared again;
    an age is worded by humanize once for each minute, not on every row's step (issue 14)."""
    from vapor_tui.present import text

    for i in range(5):
        create_job(ui_store, config(f"kept{i}", seed=i, step_seconds=1.0), start=True)
    worded: list[object] = []
    naturaltime = text.humanize.naturaltime

    def counted(value, *args, **kwargs):
        worded.append(value)
        return naturaltime(value, *args, **kwargs)

    async with _ticked_table(make_app(), clock) as (app, pilot, table):
        before = {job_id: dict(cells) for job_id, cells in table._cells.items()}
        monkeypatch.setattr(text.humanize, "naturaltime", counted)
        clock.advance(3.0)
        await tick(app, pilot)
        moved = [i for i, cells in table._cells.items() if cells["loss"] != before[i]["loss"]]
        assert len(moved) >= 3  # most of the jobs took a step
        for job_id in moved:
            cells, old = table._cells[job_id], before[job_id]
            for column in ("status", "epoch", "eta", "created"):
                if cells[column].plain == old[column].plain:
                    assert cells[column] is old[column], column
        assert worded == []  # the same minute: every age worded before


async def test_a_step_words_no_eta_and_makes_no_bar_that_did_not_move(
    make_app, ui_store, clock, monkeypatch
):
    """20 jobs days from their end, a step a second: a tick makes their loss cells again, and
    neither words their ETAs with humanize (its words move once a day: worded once for each
    day) nor makes their progress Text (its bar and percentage move every 3,000 steps), nor
    compares either with the cell shown (issue 14: the progress Text and the ETA wording,
    made and compared for every running job at every tick, were a third of the UI thread's
    tick). The cells still show each job's ETA and progress."""
    from rich.text import Text

    from vapor_tui.present import text

    for i in range(20):
        create_job(ui_store, config(f"long{i}", seed=i, steps_per_epoch=100_000), start=True)
    async with _ticked_table(make_app(), clock) as (app, pilot, table):
        clock.advance(30.0)  # enough steps for an ETA
        await tick(app, pilot)
        assert cell(table, 1, "eta") == "3 days"
        worded, assembled = [], []
        naturaldelta, assemble = text.humanize.naturaldelta, Text.assemble
        monkeypatch.setattr(
            text.humanize, "naturaldelta", lambda *a, **k: worded.append(a) or naturaldelta(*a, **k)
        )
        monkeypatch.setattr(
            Text, "assemble", lambda *a, **k: assembled.append(a) or assemble(*a, **k)
        )
        losses = {job_id: cell(table, job_id, "loss") for job_id in range(1, 21)}
        made = table.cells_made
        for _ in range(3):
            clock.advance(1.0)
            await tick(app, pilot)
        assert table.cells_made - made >= 40  # rows made again: most took three steps
        assert sum(cell(table, i, "loss") != losses[i] for i in range(1, 21)) >= 15
        assert worded == [] and assembled == []
        assert cell(table, 1, "eta") == "3 days"
        assert cell(table, 1, "progress").endswith("  0%")


async def test_steps_fit_no_width_and_sort_no_row_again_and_a_new_job_does(
    make_app, ui_store, clock, monkeypatch
):
    """A tick whose jobs only took steps neither fits the model and epoch columns to every
    job again nor sorts the rows (both went over all the jobs at every tick: issue 14); a job
    created with a longer model does both at the next tick: its row on top, the column wider."""
    from vapor_tui.core.job_sort import JobOrder
    from vapor_tui.ui.widgets import job_list_memo

    for i in range(20):
        create_job(ui_store, config(f"step{i}", seed=i), start=True)
    async with _ticked_table(make_app(), clock) as (app, pilot, table):
        fitted, sorted_ = [], []
        fit, ids = job_list_memo.fitted_widths, JobOrder.ids
        monkeypatch.setattr(job_list_memo, "fitted_widths", lambda j: fitted.append(1) or fit(j))
        monkeypatch.setattr(JobOrder, "ids", lambda self, j: sorted_.append(1) or ids(self, j))
        losses = {job_id: cell(table, job_id, "loss") for job_id in range(1, 21)}
        for _ in range(3):
            clock.advance(1.0)
            await tick(app, pilot)
        assert sum(cell(table, i, "loss") != losses[i] for i in range(1, 21)) >= 15
        assert fitted == [] and sorted_ == []
        width = table._widths["model"]
        create_job(ui_store, config("wide", seed=99, model="org/a-model-of-16"), start=True)
        clock.advance(1.0)
        await tick(app, pilot)
        assert fitted and sorted_
        assert table._rows[0] == 21 and table._widths["model"] == 17 > width
        assert cell(table, 21, "model") == "org/a-model-of-16"


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
    make_app, ui_store, clock, refreshed, monkeypatch
):
    """Nothing due: a tick asks no widget to repaint (the top bar, the footer, the table). A
    job's step: only the jobs table's cells that changed are drawn, written at once with no
    widget refreshed (issue 14: the frame a refresh makes cost more than the tick)."""
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
        written = _written_cells(monkeypatch)
        clock.advance(1.0)
        await tick(app, pilot)
        # Written at once, not refreshed for a frame (compat.write_cells): nothing covers them.
        assert refreshed == []
        assert len(written) == 1 and set(written[0]) == {"JobTable"}
        assert len(written[0]["JobTable"]) <= 3  # its loss, and at most its progress and ETA


def _written_cells(monkeypatch) -> list[dict[str, list]]:
    """Each call to compat.write_cells that wrote: {widget's class name: its pieces}."""
    calls: list[dict[str, list]] = []
    original = compat.write_cells

    def kept(widget, pieces):
        done = original(widget, pieces)
        if done:
            calls.append({type(widget).__name__: list(pieces)})
        return done

    monkeypatch.setattr(compat, "write_cells", kept)
    return calls


_STYLES = (None, Style(bold=True), Style(bold=True), Style(color="red"), Style(color="red"))
# A cell is rendered Text: no control segments (simplify merges text into a control
# segment and drops its codes, so with them it is not the same cut at cell boundaries).
_SEGMENTS = st.builds(
    Segment,
    st.sampled_from(("", " ", "ab", "▶ ")),
    st.sampled_from(_STYLES),  # equal styles that are distinct objects among them
    control=st.none(),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_SEGMENTS, max_size=5), max_size=8))
def test_a_row_joined_from_simplified_cells_is_the_row_simplified(cells):
    """A row is made again from its cells' segments, simplified once each when the cell was
    made, merged only where two cells meet: the same segments as simplifying the whole row
    (what the row's line was made with before)."""
    joined: list[Segment] = []
    for made in cells:
        job_lines._join(joined, list(Segment.simplify(made)))
    assert joined == list(Segment.simplify([s for made in cells for s in made]))

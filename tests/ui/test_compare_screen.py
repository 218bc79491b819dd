"""The jobs screen's marks, sort and field filter, and the compare screen (Pilot)."""

from __future__ import annotations

import pytest

from tests.support.tables import cell, row_cells, row_count
from vapor_tui.core.status import Action
from vapor_tui.store.jobs import apply_action, create_job, list_jobs
from vapor_tui.ui.screens.compare import CompareScreen
from vapor_tui.ui.screens.new_job import NewJobScreen
from vapor_tui.ui.widgets.compare_chart import ASCII_MARKERS, MARKERS, CompareChart
from vapor_tui.ui.widgets.job_table import JobTable

from .conftest import config, settle, static_text, tick


def screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def names(app) -> list[str]:
    table = app.screen.query_one(JobTable)
    return [row_cells(table, i)[1] for i in range(row_count(table))]


@pytest.fixture
def sweep(ui_store, clock):
    """Three running jobs of a learning-rate sweep and a queued one, 20 steps in."""
    jobs = []
    for lr in (1e-4, 3e-4, 3e-3):
        job = create_job(ui_store, config(f"sweep-{lr:g}", learning_rate=lr))
        apply_action(ui_store, job.id, Action.START)
        jobs.append(job)
    jobs.append(create_job(ui_store, config("waiting", model="LFM2-700M", seed=9)))
    clock.advance(20.5)
    return jobs


async def test_space_marks_and_marks_survive_filters_and_ticks(make_app, sweep, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(JobTable)
        await pilot.press("space", "down", "space")  # the two newest
        await settle(app, pilot)
        first, second = table._rows[0], table._rows[1]
        assert cell(table, first, "mark") == "●" and cell(table, second, "mark") == "●"
        assert "2 marked" in screen_lines(app)[0]
        await pilot.press("slash", *"waiting", "enter")
        await settle(app, pilot)
        await pilot.press("escape")  # the filter goes, the marks stay
        clock.advance(3)
        await tick(app, pilot)
        assert app.screen.marked.keys() == {first, second}
        assert cell(table, first, "mark") == "●"
        await pilot.press("up", "space")  # unmark: the cursor is back on the second row
        await settle(app, pilot)
        assert cell(table, table.selected_id, "mark") == ""
        assert len(app.screen.marked) == 1


async def test_v_compares_the_marked_jobs_or_else_the_selected_one(make_app, sweep):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("v")
        await settle(app, pilot)
        assert isinstance(app.screen, CompareScreen)
        assert app.screen.job_ids == [sweep[-1].id]  # none marked: the selected one
        await pilot.press("escape", "down", "space", "down", "space", "v")
        await settle(app, pilot)
        assert app.screen.job_ids == [sweep[2].id, sweep[1].id]  # in the table's order


async def test_sort_by_a_column_and_again_to_reverse(make_app, sweep):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert names(app) == ["waiting", "sweep-0.003", "sweep-0.0003", "sweep-0.0001"]
        await pilot.press("N")
        await settle(app, pilot)
        assert names(app) == ["sweep-0.0001", "sweep-0.0003", "sweep-0.003", "waiting"]
        lines = screen_lines(app)
        assert "Name▲" in lines[1] and "sorted by name, ascending" in lines[0]
        await pilot.press("N")
        await settle(app, pilot)
        assert names(app) == ["waiting", "sweep-0.003", "sweep-0.0003", "sweep-0.0001"]
        assert "Name▼" in screen_lines(app)[1]
        await pilot.press("L")  # the lowest loss first; no loss yet (queued) last
        await settle(app, pilot)
        losses = [j.last_loss for j in sorted(list_jobs(app.store), key=lambda j: j.id)]
        assert names(app)[-1] == "waiting" and None not in losses[:3]
        await pilot.press("question_mark")
        await settle(app, pilot)
        help_text = "\n".join(screen_lines(app))
        assert "Sort by name (again: reverse)" in help_text and "Mark or unmark" in help_text


async def test_the_filter_takes_fields(make_app, sweep):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"lr>1e-4 status:running", "enter")
        await settle(app, pilot)
        assert names(app) == ["sweep-0.003", "sweep-0.0003"]
        assert "2 of 4 jobs" in screen_lines(app)[0]
        await pilot.press("slash", "ctrl+u", *"model=lfm2-700m", "enter")
        await settle(app, pilot)
        assert names(app) == ["waiting"]
        await pilot.press("slash", "ctrl+u", *"lr>fast", "enter")
        await settle(app, pilot)
        assert any("lr>fast: fast is not a number" in line for line in screen_lines(app))


async def open_compare(app, pilot, ids):
    app.push_screen(CompareScreen(list(ids)))
    await settle(app, pilot)
    await tick(app, pilot)


async def test_compare_shows_each_jobs_curve_legend_and_config(make_app, sweep, clock):
    app = make_app()
    ids = [j.id for j in sweep]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await open_compare(app, pilot, ids)
        screen = app.screen
        chart = screen.query_one(CompareChart)
        assert [chart.curves[i].last_step for i in ids] == [20, 20, 20, 0]
        legend = static_text(screen.query_one("#compare-legend"))
        for job, mark in zip(sweep, MARKERS, strict=False):
            assert f"{mark} #{job.id} {job.name}" in legend
        assert "best" in legend and " @ " in legend
        text = "\n".join(screen_lines(app))
        assert "≠ learning_rate" in text and "≠ model" in text and "≠ seed" in text
        assert "≠ epochs" not in text and "  epochs" in text
        chart_text = "\n".join(chart._lines)
        for mark in MARKERS[:3]:  # each running job's curve, in its own marker
            assert mark in chart_text, mark
        await pilot.press("d")  # only the differences
        await settle(app, pilot)
        text = "\n".join(screen_lines(app))
        assert "≠ learning_rate" in text and "epochs" not in text
        # Live jobs grow in place: the next ticks read only the newer points.
        clock.advance(5)
        app.live.request()
        await tick(app, pilot)
        assert [chart.curves[i].last_step for i in ids[:3]] == [25, 25, 25]
        assert all(c.has_base for c in app.live.request().curves)


async def test_a_cycles_metrics_t_switches_to_time_and_caption_says_so(make_app, sweep):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await open_compare(app, pilot, [j.id for j in sweep[:2]])
        caption = lambda: static_text(app.screen.query_one("#compare-caption"))  # noqa: E731
        assert caption().startswith("loss · x: step")
        await pilot.press("a")
        await tick(app, pilot)
        assert caption().startswith("accuracy")
        assert {c.metric for c in app.live.request().curves} == {"accuracy"}
        chart = app.screen.query_one(CompareChart)
        assert chart.curves[sweep[0].id].last_step == 20
        await pilot.press("t")
        await settle(app, pilot)
        assert "x: time" in caption()
        assert any("time since the job started" in line for line in chart._lines)
        for key in ("m", "l", "z"):
            await pilot.press(key)
        await settle(app, pilot)
        assert "smoothed" in caption() and "log y" in caption() and "y fitted" in caption()


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])  # 80x24: the configs overflow
async def test_c_clones_the_selected_job_into_the_form(make_app, sweep, ui_store, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await open_compare(app, pilot, [j.id for j in sweep[:3]])
        await pilot.press("down", "down", "c")  # the third: lr 3e-3
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, NewJobScreen)
        values = form.values()
        assert values["name"] == "sweep-0.003" and float(values["learning_rate"]) == 3e-3
        assert values["step_seconds"] == "1.0" and values["seed"] != "7"
        await pilot.press("ctrl+u", *"sweep-5e-3")  # edit the name, then create
        form.query_one("#field-learning_rate").value = "5e-3"
        await pilot.press("enter")
        await settle(app, pilot)
        made = list_jobs(ui_store)[0]
        assert made.name == "sweep-5e-3" and made.config.learning_rate == 5e-3
        assert made.config.step_seconds == 1.0 and made.config.seed != 7
        assert isinstance(app.screen, CompareScreen)


async def test_page_keys_scroll_the_configurations_where_they_overflow(make_app, sweep):
    from vapor_tui.ui.screens.compare import ConfigsScroll

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await open_compare(app, pilot, [j.id for j in sweep[:3]])
        configs = app.screen.query_one(ConfigsScroll)
        assert configs.max_scroll_y > 0 and configs.scroll_y == 0
        await pilot.press("pagedown")
        await settle(app, pilot)
        assert configs.scroll_y > 0
        await pilot.press("pageup")
        await settle(app, pilot)
        assert configs.scroll_y == 0 and app.screen.selected == 0


@pytest.mark.parametrize("ascii_only", [False, True])
async def test_no_color_and_ascii_keep_the_curves_apart_by_marker(
    make_app, sweep, monkeypatch, ascii_only
):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(ascii_only=ascii_only)
    markers = ASCII_MARKERS if ascii_only else MARKERS
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await open_compare(app, pilot, [j.id for j in sweep[:3]])
        chart = app.screen.query_one(CompareChart)
        lines = "\n".join(chart._lines)
        assert len(set(markers[:3])) == 3
        for mark in markers[:3]:
            assert mark in lines, mark
        legend = static_text(app.screen.query_one("#compare-legend"))
        for job, mark in zip(sweep[:3], markers, strict=False):
            assert f"{mark} #{job.id}" in legend
        if ascii_only:
            assert all(ord(ch) < 128 for ch in "".join(screen_lines(app)))


async def test_a_tick_repaints_what_changed_not_the_configurations(make_app, sweep, clock):
    """Live jobs: the legend's values and the curves change; the configuration table, which
    did not, is not sent again (it was, every tick: 965 B/s of a 40 B/s screen)."""
    from .conftest import Repaints

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await open_compare(app, pilot, [j.id for j in sweep[:3]])
        table = Repaints(app.screen.query_one("#compare-table"))
        legend = Repaints(app.screen.query_one("#compare-legend"))
        chart = app.screen.query_one(CompareChart)
        builds = []
        original = chart._build
        chart._build = lambda w, h: builds.append(1) or original(w, h)  # type: ignore[method-assign]
        clock.advance(3)
        await tick(app, pilot)
        assert table.calls == 0
        assert legend.regions > 0  # the latest values moved
        assert len(builds) == 1  # three curves grew: one frame


async def test_a_job_deleted_while_compared_says_so_and_c_refuses(make_app, sweep, ui_store):
    from vapor_tui.store.jobs import delete_job

    app = make_app()
    gone = sweep[0]
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        await open_compare(app, pilot, [gone.id, sweep[1].id])
        delete_job(ui_store, gone.id)
        await tick(app, pilot)
        legend = static_text(app.screen.query_one("#compare-legend"))
        assert f"#{gone.id} deleted" in legend
        assert "(1 deleted)" in screen_lines(app)[0]
        assert f"#{gone.id}" not in static_text(app.screen.query_one("#compare-table"))
        await pilot.press("c")  # the selected (first) job is the deleted one
        await settle(app, pilot)
        assert isinstance(app.screen, CompareScreen)


async def test_more_than_eight_marked_compares_the_first_eight_and_says_so(make_app, ui_store):
    from .conftest import notes

    for i in range(9):
        create_job(ui_store, config(f"job-{i}"))
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press(*["space", "down"] * 9, "v")
        await settle(app, pilot)
        assert isinstance(app.screen, CompareScreen)
        assert len(app.screen.job_ids) == 8
        assert any("9 jobs are marked: comparing the first 8" in n for n in notes(app))


async def test_c_on_a_real_run_says_why_not(make_app, ui_store, sweep):
    from tests.store.test_store_runs import make_run

    from .conftest import notes

    run_id = make_run(ui_store, total=100)
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        await open_compare(app, pilot, [run_id, sweep[0].id])
        text = "\n".join(screen_lines(app))
        assert "lr" in text and "batch_size" in text  # the run's own config dict
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, CompareScreen)
        assert any("is not simulated" in n and "run the script again" in n for n in notes(app))

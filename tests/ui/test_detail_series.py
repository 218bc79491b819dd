"""The detail chart of a real run: `a` goes through every series it logs (loss first, then the
others alphabetically), a series that appears mid-run joins them, a sparse series is drawn as
markers, and the x axis of a run of unknown length ends at a nice number above its last step."""

from __future__ import annotations

import numpy as np

from tests.store.test_store_runs import make_run  # another machine's run: left alone
from vapor_tui.core.series import SeriesPoints
from vapor_tui.store.series import write_points
from vapor_tui.ui.widgets.chart import MetricChart

from .conftest import tick
from .test_chart_screen import caption, plain_lines, x_labels
from .test_detail_screen import open_detail


def log(store, job_id: int, first: int, last: int, eval_every: int = 100) -> None:
    steps = np.arange(first, last + 1)
    time = steps.astype(float)
    batch = {
        "loss": SeriesPoints(steps, 2.0 / np.sqrt(steps), time),
        "grad_norm": SeriesPoints(steps, 1.0 + np.cos(steps / 30.0) ** 2, time),
        "tokens_per_second": SeriesPoints(steps, np.full(len(steps), 5_000.0), time),
    }
    evals = steps[steps % eval_every == 0]
    if len(evals):
        batch["eval/loss"] = SeriesPoints(evals, 2.2 / np.sqrt(evals), evals.astype(float))
    with store.write() as conn:
        write_points(conn, {job_id: batch})


async def test_a_cycles_through_every_series_of_a_run(make_app, ui_store):
    job_id = make_run(ui_store)
    log(ui_store, job_id, 1, 300)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, job_id)
        chart = screen.query_one(MetricChart)
        assert chart.series.names == ["loss", "eval/loss", "grad_norm", "tokens_per_second"]
        assert chart.series.metric == "loss" and caption(screen).startswith("loss")
        assert "◆ eval/loss" in caption(screen)  # the loss chart overlays the eval loss
        assert sum(line.count("◆") for line in plain_lines(chart)) == 3
        seen = []
        for _ in range(4):
            await pilot.press("a")
            seen.append((chart.series.metric, caption(screen).split("  ")[0]))
        assert seen == [
            ("eval/loss", "eval/loss"),
            ("grad_norm", "grad_norm"),
            ("tokens_per_second", "tokens_per_second"),
            ("loss", "loss"),
        ]
        await pilot.press("a")  # eval/loss: three points over 300 steps, drawn as markers
        assert chart.sparse and "● a point each" in caption(screen)
        assert sum(line.count("●") for line in plain_lines(chart)) == 3
        await pilot.press("a")  # grad_norm: a point a step, a line
        assert not chart.sparse and sum(line.count("●") for line in plain_lines(chart)) == 0


async def test_a_series_that_appears_mid_run_joins_the_cycle(make_app, ui_store):
    job_id = make_run(ui_store)
    log(ui_store, job_id, 1, 50)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, job_id)
        chart = screen.query_one(MetricChart)
        assert chart.series.names == ["loss", "grad_norm", "tokens_per_second"]
        with ui_store.write() as conn:
            steps = np.arange(40, 61)
            write_points(conn, {job_id: {"accuracy": SeriesPoints(steps, steps / 100, steps)}})
        log(ui_store, job_id, 51, 60)
        await tick(app, pilot)
        assert chart.series.names == ["loss", "accuracy", "grad_norm", "tokens_per_second"]
        await pilot.press("a")
        assert chart.series.metric == "accuracy" and caption(screen).startswith("accuracy")
        assert chart.series.points_seen == 21


async def test_the_x_axis_of_an_unknown_total_grows_by_nice_steps(make_app, ui_store):
    job_id = make_run(ui_store)
    log(ui_store, job_id, 1, 130)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, job_id)
        chart = screen.query_one(MetricChart)
        assert x_labels(chart)[0] == "0" and x_labels(chart)[-1] == "200"  # not 0..1
        assert "unknown" in str(screen.query_one("#detail-bar").content)
        stats = str(screen.query_one("#detail-stats").content)
        assert "step 130/unknown" in stats and "ETA unknown" in stats
        for last in (140, 150, 160):  # inside 0..200: the axis stays, a few lines change
            log(ui_store, job_id, last - 9, last)
            before = list(chart._lines)
            await tick(app, pilot)
            changed = sum(a != b for a, b in zip(before, chart._lines, strict=True))
            assert x_labels(chart)[-1] == "200" and changed < len(before) // 2
        log(ui_store, job_id, 161, 230)
        await tick(app, pilot)
        assert x_labels(chart)[-1] == "500"

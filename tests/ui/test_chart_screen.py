"""What the detail screen's chart shows a user: any data on a log axis, the end of the job on
the x axis, tight log limits, a word before the first point, options kept between jobs, and
toasts that leave the x labels alone."""

from __future__ import annotations

import numpy as np
from rich.text import Text

from vapor_tui.store.jobs import create_job, get_job
from vapor_tui.ui.chart_data import ChartSeries
from vapor_tui.ui.widgets.chart import MetricChart

from .conftest import config, settle, static_text
from .test_chart_axes import _points
from .test_detail_screen import _y_labels, open_detail


def plain_lines(chart: MetricChart) -> list[str]:
    return [Text.from_ansi(line).plain for line in chart._lines]


def x_labels(chart: MetricChart) -> list[str]:
    """The numbers under the x axis, left to right."""
    lines = plain_lines(chart)
    axis = next(i for i, line in enumerate(lines) if "└" in line)
    return lines[axis + 1].split()


def caption(screen) -> str:
    return static_text(screen.query_one("#chart-caption")).strip()


async def test_a_finished_cosine_job_draws_its_learning_rate_on_a_log_axis(
    make_app, ui_store, clock
):
    """The rate reaches 0 at the last step: "the chart could not be drawn: ValueError"."""
    job = create_job(ui_store, config("cosine", epochs=1, steps_per_epoch=200), start=True)
    clock.advance(3600)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, job.id)
        assert get_job(ui_store, job.id).status.value == "complete"
        chart = screen.query_one(MetricChart)
        await pilot.press("a", "a", "l")
        await settle(app, pilot)
        lines = plain_lines(chart)
        assert chart.series.metric == "learning_rate" and chart.log_y
        assert not any("could not be drawn" in line for line in lines), lines[:2]
        assert sum(ch >= "⠁" and ch <= "⣿" for line in lines for ch in line) > 100
        assert "values ≤ 0 left out" in caption(screen)
        labels = _y_labels(chart)
        assert labels and min(labels) > 0
        await pilot.press("l")  # linear: every value drawn, and no note
        assert "left out" not in caption(screen)


def test_negative_values_are_left_out_of_a_log_axis():
    series = ChartSeries(100)
    steps = np.arange(1, 101)
    series.append(_points(steps, np.linspace(-1.0, 2.0, 100)))
    x, y = series.envelope(log=True)
    assert len(x) and np.all(y > 0)
    lo, hi = series.y_range(log=True)
    assert 0 < lo <= y.min() and hi >= 2.0
    assert series.left_out(log=True) and not series.left_out(log=False)


async def test_z_fits_a_log_axis_too_and_says_so(make_app, ui_store, clock):
    job = create_job(ui_store, config("logfit", epochs=1, steps_per_epoch=400), start=True)
    clock.advance(3600)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, job.id)
        chart = screen.query_one(MetricChart)
        await pilot.press("l")
        plain_log = _y_labels(chart)
        await pilot.press("z")
        fitted = _y_labels(chart)
        assert "log y" in caption(screen) and "y fitted" in caption(screen)
        final = get_job(ui_store, job.id).last_loss
        assert min(fitted) <= final <= max(fitted)
        fixed_lo, fixed_hi = chart.series.y_range(log=True)
        fit_lo, fit_hi = chart.series.y_range(log=True, fit=True)
        assert fixed_lo <= fit_lo and fit_hi < fixed_hi and fit_hi / fit_lo < fixed_hi / fixed_lo
        await pilot.press("z")
        assert _y_labels(chart) == plain_log and "fitted" not in caption(screen)


async def test_the_caption_shows_the_options_before_the_first_point(make_app, ui_store):
    job = create_job(ui_store, config("queued"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, job.id)
        await pilot.press("z")
        assert "y fitted" in caption(screen)
        await pilot.press("l")
        assert "log y" in caption(screen) and "y fitted" in caption(screen)


async def test_a_queued_job_says_no_points_yet_instead_of_an_empty_frame(make_app, ui_store, clock):
    job = create_job(ui_store, config("waiting"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, job.id)
        text = "\n".join(strip.text for strip in screen._compositor.render_strips())
        assert "No points yet" in text and "└" not in text and "┌" not in text
        await pilot.press("s")
        clock.advance(30)
        await settle(app, pilot)
        app.request_tick()
        await settle(app, pilot)
        text = "\n".join(strip.text for strip in screen._compositor.render_strips())
        assert "No points yet" not in text and "└" in text


async def test_the_x_axis_ends_with_the_jobs_last_step(make_app, ui_store, clock):
    job = create_job(ui_store, config("nine", epochs=3, steps_per_epoch=300), start=True)
    clock.advance(100)
    app = make_app()
    for size in ((120, 40), (80, 24), (100, 30)):
        async with app.run_test(size=size) as pilot:
            screen = await open_detail(app, pilot, job.id)
            labels = x_labels(screen.query_one(MetricChart))
            assert labels[0] == "0" and labels[-1] == "900", (size, labels)
            assert len(labels) >= 3
        app = make_app()


async def test_a_loss_on_a_log_axis_does_not_span_whole_decades(make_app, ui_store, clock):
    job = create_job(ui_store, config("tight"), start=True)
    clock.advance(3600)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, job.id)
        chart = screen.query_one(MetricChart)
        lo, hi = chart.series.extent()
        await pilot.press("l")
        labels = _y_labels(chart)
        # Limits at the nice values just around the data, not at the decades around it.
        bottom, top = chart.series.y_range(log=True)
        assert lo / 1.3 < bottom <= lo and hi <= top < hi * 1.3, (lo, hi, bottom, top)
        assert len(labels) >= 3 and bottom <= min(labels) and max(labels) <= top
        for value in labels:
            mantissa = value / 10 ** np.floor(np.log10(value))
            assert round(mantissa, 6) in (1.0, 2.0, 5.0), labels


async def test_log_smoothing_metric_and_fit_are_kept_for_the_session(make_app, ui_store, clock):
    first = create_job(ui_store, config("first"), start=True)
    second = create_job(ui_store, config("second"), start=True)
    clock.advance(120)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, first.id)
        await pilot.press("a", "l", "m", "z")
        before = caption(screen)
        await pilot.press("escape")
        screen = await open_detail(app, pilot, second.id)
        chart = screen.query_one(MetricChart)
        assert chart.series.metric == "accuracy" and chart.log_y and chart.smoothing
        assert chart.fit_y and caption(screen) == before


async def test_toasts_leave_the_x_labels_alone(make_app, ui_store, clock):
    job = create_job(ui_store, config("toasted"), start=True)
    clock.advance(120)
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_detail(app, pilot, job.id)
        before = [strip.text for strip in app.screen._compositor.render_strips()]
        for n in range(3):
            app.notify(f"A toast with some words in it, number {n}", title="Started")
        await settle(app, pilot)
        after = [strip.text for strip in app.screen._compositor.render_strips()]
        assert after != before  # the toasts are on screen
        axis = max(i for i, line in enumerate(before) if "└" in line)
        assert after[axis:] == before[axis:]  # the axis, its labels, "step", the footer

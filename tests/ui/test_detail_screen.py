"""The job detail screen: live stats, the chart's fixed axes, its keys, constant-cost updates."""

from __future__ import annotations

import numpy as np
import pytest
from rich.text import Text

from vapor_tui.core.simulator import Simulator
from vapor_tui.core.status import JobStatus
from vapor_tui.store.jobs import create_job, get_job
from vapor_tui.store.points import insert_points
from vapor_tui.store.tables import jobs_table
from vapor_tui.ui.screens.detail import JobDetailScreen
from vapor_tui.ui.screens.jobs import JobsScreen
from vapor_tui.ui.widgets.chart import MetricChart

from .conftest import Repaints, config, notes, settle, static_text, tick


class Builds:
    """Counts the frames plotext builds for a chart, from outside it."""

    def __init__(self, chart: MetricChart) -> None:
        self.count = 0
        build = chart.plt.build

        def counted() -> str:
            self.count += 1
            return build()

        chart.plt.build = counted


async def open_detail(app, pilot, job_id: int) -> JobDetailScreen:
    await settle(app, pilot)
    app.open_detail(job_id)
    await settle(app, pilot)
    assert isinstance(app.screen, JobDetailScreen)
    return app.screen


async def test_shows_config_status_progress_and_stats(make_app, ui_store, clock):
    job = create_job(ui_store, config("detail", learning_rate=2e-4, batch_size=16), start=True)
    clock.advance(180.5)  # about 1 step/s: mid epoch 2
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, job.id)
        now = get_job(ui_store, job.id)
        title = static_text(screen.query_one("#detail-title"))
        assert f"#{job.id} detail" in title and "running" in title
        conf = static_text(screen.query_one("#detail-config"))
        for part in (
            "LFM2-350M",
            "3 epochs x 100 steps",
            "lr 0.0002",
            "batch 16",
            "cosine",
            "exponential",
            "seed 7",
            "1 s/step",
        ):
            assert part in conf, part
        stats = static_text(screen.query_one("#detail-stats"))
        assert f"Epoch 2/3 - step {now.steps_done}/300" in stats
        assert "steps/s" in stats and "elapsed 3:00" in stats
        assert "ETA 2 minutes" in stats or "ETA 1 minute" in stats
        assert f"loss {now.last_loss:.4f}" in stats and f"best {now.best_loss:.4f}" in stats
        bar = static_text(screen.query_one("#detail-bar"))
        assert f"{now.progress * 100:5.1f}%" in bar


async def test_chart_axes_fixed_from_the_start(make_app, ui_store, clock):
    job = create_job(ui_store, config("axes"), start=True)
    clock.advance(20)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, job.id)
        chart = screen.query_one(MetricChart)
        text = "\n".join(chart._lines)
        assert "300" in text.splitlines()[-2]  # x axis already spans the whole job
        first_range = chart.series.y_range(False)
        lines_before = list(chart._lines)
        clock.advance(100)
        await tick(app, pilot)
        assert chart.series.y_range(False) == first_range  # the y axis did not jump
        changed = [
            i for i, (a, b) in enumerate(zip(lines_before, chart._lines, strict=False)) if a != b
        ]
        # The axes rows and the labels did not change; only rows the curve passes through.
        assert (
            changed and chart._lines[-2] == lines_before[-2] and chart._lines[0] == lines_before[0]
        )
        assert len(changed) < len(chart._lines) // 2


async def test_no_repaint_when_a_tick_brings_nothing(make_app, ui_store, clock):
    job = create_job(ui_store, config("quiet"), start=True)
    clock.advance(50)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, job.id)
        chart = screen.query_one(MetricChart)
        builds = Builds(chart)
        repaints = Repaints(chart)
        await tick(app, pilot)  # the clock did not move: no new points
        assert (builds.count, repaints.calls) == (0, 0)
        clock.advance(5)
        await tick(app, pilot)
        assert builds.count == 1
        assert repaints.calls == 1 and 0 < repaints.regions < len(chart._lines)


async def test_keys_toggle_log_smoothing_and_metric(make_app, ui_store, clock):
    job = create_job(ui_store, config("keys"), start=True)
    clock.advance(120)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, job.id)
        chart = screen.query_one(MetricChart)
        caption = lambda: static_text(screen.query_one("#chart-caption"))  # noqa: E731
        assert caption().startswith("loss")
        await pilot.press("l")
        assert chart.log_y and "log y" in caption()
        assert any("0.1" in line or "1.0" in line for line in chart._lines)
        await pilot.press("l", "m")
        assert not chart.log_y and chart.smoothing and "smoothed" in caption()
        await pilot.press("a")
        assert chart.series.metric == "accuracy" and caption().startswith("accuracy")
        await pilot.press("a")
        assert chart.series.metric == "learning_rate" and caption().startswith("learning rate")
        await pilot.press("a")  # 120 steps: an epoch's validation pass is in
        assert chart.series.metric == "val_loss" and caption().startswith("val_loss")
        assert chart.sparse and "● a point each" in caption()
        await pilot.press("a")
        assert chart.series.metric == "loss" and "◆ val_loss" in caption()
        await pilot.press("escape")
        assert isinstance(app.screen, JobsScreen)


async def test_validation_markers_once_per_epoch(make_app, ui_store, clock):
    job = create_job(ui_store, config("val", epochs=3, steps_per_epoch=50), start=True)
    clock.advance(3600)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, job.id)
        chart = screen.query_one(MetricChart)
        steps, values = chart.series.validation()
        assert steps.tolist() == [50.0, 100.0, 150.0]
        assert sum(line.count("◆") for line in chart._lines) == 3
        assert np.all(values > 0)


async def test_same_keys_act_on_the_job(make_app, ui_store, clock):
    job = create_job(ui_store, config("act"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_detail(app, pilot, job.id)
        await pilot.press("s")
        await settle(app, pilot)
        assert get_job(ui_store, job.id).status is JobStatus.RUNNING
        assert "running" in static_text(app.screen.query_one("#detail-title"))
        await pilot.press("f", "y")
        await settle(app, pilot)
        assert get_job(ui_store, job.id).status is JobStatus.FAILED
        assert "marked failed by user" in static_text(app.screen.query_one("#detail-title"))
        await pilot.press("c")
        await settle(app, pilot)
        assert any("Cloned" in n for n in notes(app))


async def test_million_point_job_opens_from_its_summary_not_its_points(
    make_app, ui_store, clock, monkeypatch
):
    cfg = config("big", epochs=10, steps_per_epoch=100_000, step_seconds=0.001)
    job = create_job(ui_store, cfg)
    sim = Simulator(cfg)
    with ui_store.write() as conn:
        for first in range(1, 1_000_001, 250_000):
            insert_points(conn, job.id, sim.points(first, first + 249_999))
        conn.execute(
            jobs_table.update()
            .where(jobs_table.c.id == job.id)
            .values(steps_done=1_000_000, status="complete", version=5)
        )
    read = []
    import vapor_tui.store.points as points_module

    real_read = points_module.read_points
    monkeypatch.setattr(
        points_module, "read_points", lambda *a, **k: read.append(a) or real_read(*a, **k)
    )
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, job.id)
        chart = screen.query_one(MetricChart)
        assert chart.series.points_seen == 1_000_000  # every point is in the picture...
        assert read == []  # ...yet not one was read: only the summary and the 10 validations
        assert chart.series.validation()[0].tolist() == [100_000.0 * k for k in range(1, 11)]
        x, _ = chart.series.envelope()
        assert len(x) <= 2 * 2 * chart.size.width  # what plotext sees is ~2 points a cell
        assert any("⣀" in row or "⠉" in row for row in chart._lines)


async def test_log_scale_before_the_first_point(make_app, ui_store):
    # Found by the monkey test: plotext cannot lay out a log axis with no data on it.
    job = create_job(ui_store, config("empty"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, job.id)
        await pilot.press("l", "a", "m", "a", "a")
        await settle(app, pilot)
        chart = screen.query_one(MetricChart)
        assert "No points yet" in static_text(screen.query_one("#chart-placeholder"))
        plain = [Text.from_ansi(line).plain for line in chart._build(120, 30)]
        assert chart.log_y and any("step" in line for line in plain)  # an empty frame
        assert not any("could not be drawn" in line for line in plain)
        assert app.return_code is None


def _y_labels(chart: MetricChart) -> list[float]:
    """The numbers on the chart's y axis, top to bottom."""
    labels = []
    for line in chart._lines:
        head = Text.from_ansi(line).plain.split("┤")
        if len(head) > 1 and head[0].strip():
            labels.append(float(head[0]))
    return labels


async def test_z_fits_the_y_axis_to_the_data_and_back(make_app, ui_store, clock):
    job = create_job(ui_store, config("fit", epochs=1, steps_per_epoch=400), start=True)
    clock.advance(3600)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, job.id)
        chart = screen.query_one(MetricChart)
        fixed = _y_labels(chart)
        assert fixed[-1] == 0.0 and fixed[0] >= 2.0
        await pilot.press("z")
        fitted = _y_labels(chart)
        final = get_job(ui_store, job.id).last_loss
        assert "y fitted" in static_text(screen.query_one("#chart-caption"))
        assert fitted[-1] <= final < fitted[0] < fixed[0]  # the converged loss, magnified
        assert (fitted[0] - fitted[-1]) < (fixed[0] - fixed[-1]) / 2
        await pilot.press("z")
        assert _y_labels(chart) == fixed


async def test_the_log_axis_reads_in_round_numbers(make_app, ui_store, clock):
    job = create_job(ui_store, config("logticks"), start=True)
    clock.advance(3600)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, job.id)
        await pilot.press("l")
        labels = _y_labels(screen.query_one(MetricChart))
        assert len(labels) >= 3
        for value in labels:
            mantissa = value / 10 ** np.floor(np.log10(value))
            assert round(mantissa, 6) in (1.0, 2.0, 5.0), labels


async def test_stats_wrap_between_items_in_a_narrow_terminal(make_app, ui_store, clock):
    job = create_job(ui_store, config("narrow-terminal-run-name"), start=True)
    clock.advance(75)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(app, pilot, job.id)
        for widget, first in (("#detail-stats", "Epoch "), ("#detail-config", "LFM2-350M")):
            lines = static_text(screen.query_one(widget)).splitlines()
            assert len(lines) >= 2 and lines[0].startswith(first)
            assert all(len(line) <= 78 for line in lines), lines
        stats = static_text(screen.query_one("#detail-stats"))
        # Every item whole on one line: a label and its value are never split.
        for item in ("loss ", "best ", "val ", "ETA ", "elapsed "):
            line = next(line for line in stats.splitlines() if item in line)
            assert line.split(item, 1)[1][:1] not in ("", " "), (item, stats)


async def test_a_job_deleted_while_watched_says_so_and_offers_nothing(make_app, ui_store, clock):
    from vapor_tui.store.jobs import delete_job

    job = create_job(ui_store, config("gone"), start=True)
    clock.advance(30)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, job.id)
        delete_job(ui_store, job.id)  # from another process
        await tick(app, pilot)
        assert "deleted" in static_text(screen.query_one("#detail-title"))
        assert "deleted" in static_text(screen.query_one("#detail-stats"))
        assert not {"s", "x", "f", "c"} & {
            b.binding.key for b in screen.active_bindings.values() if b.enabled and b.binding.show
        }
        assert f"warning | Deleted | #{job.id} gone" in notes(app)
        await pilot.press("x")
        assert notes(app)[-1] == "warning |  | This job was deleted."


async def test_no_color_shows_the_smoothed_curve_alone_and_says_so(
    make_app, ui_store, clock, monkeypatch
):
    monkeypatch.setenv("NO_COLOR", "1")
    job = create_job(ui_store, config("mono"), start=True)
    clock.advance(200)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, job.id)
        chart = screen.query_one(MetricChart)
        braille = sum(ch >= "⠁" and ch <= "⣿" for line in chart._lines for ch in line)
        await pilot.press("m")
        caption = static_text(screen.query_one("#chart-caption"))
        assert "hidden without colour" in caption
        smoothed = sum(ch >= "⠁" and ch <= "⣿" for line in chart._lines for ch in line)
        assert 0 < smoothed < braille  # one thin curve instead of the noisy raw one


@pytest.mark.parametrize(("size", "length"), [((120, 40), 120), ((80, 24), 68), ((80, 24), 200)])
async def test_a_long_name_is_cut_and_the_status_always_shows(make_app, ui_store, size, length):
    name = ("very-long-run-name-" * 12)[:length]
    job = create_job(ui_store, config(name))
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await open_detail(app, pilot, job.id)
        title = screen._compositor.render_strips()[0].text.rstrip()
        assert title.endswith("○ queued"), title
        assert title.startswith(f" #{job.id} {name[:20]}") and "…" in title, title
        assert len(title) <= size[0] - 1


async def test_the_reason_gives_way_to_the_name_and_the_status(make_app, ui_store, clock):
    from vapor_tui.core.status import Action
    from vapor_tui.store.jobs import apply_action

    job = create_job(ui_store, config("n" * 70), start=True)
    apply_action(ui_store, job.id, Action.FAIL)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(app, pilot, job.id)
        title = screen._compositor.render_strips()[0].text.rstrip()
        assert f"#{job.id} {'n' * 70}  ✖ failed  marked failed by user" in title, title
        await pilot.resize_terminal(90, 30)
        await settle(app, pilot)
        title = screen._compositor.render_strips()[0].text.rstrip()
        assert "✖ failed" in title and "…" in title and len(title) <= 89, title

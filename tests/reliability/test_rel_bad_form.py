"""Garbage in every field of the new-job form, and the terminal shrunk to nothing and back:
the form stays open with a message under each wrong field, nothing is written, and nothing
the user had typed or opened is lost."""

from __future__ import annotations

from vapor_tui.core.config import JobConfig
from vapor_tui.core.status import JobStatus
from vapor_tui.store.jobs import create_job, get_job, list_jobs
from vapor_tui.ui.screens.detail import JobDetailScreen
from vapor_tui.ui.screens.help import HelpScreen
from vapor_tui.ui.screens.new_job import NewJobScreen
from vapor_tui.ui.screens.too_small import TooSmallScreen
from vapor_tui.ui.widgets.chart import MetricChart

from .conftest import settle
from .rel_garbage import GARBAGE, TEXT_FIELDS, acceptable

# Sizes down to a single cell; the app needs 60x16.
TINY = ((59, 40), (120, 15), (40, 10), (10, 3), (1, 1))
# Quoted in docs/RELIABILITY.md.
FORM_CHECKS = (
    sum(not acceptable(f, v) for f in TEXT_FIELDS for v in GARBAGE.values())
    + len(TEXT_FIELDS)  # typed on the keyboard
    + len(TINY)
    + 1  # the help opened while too small, over a half-typed form
)


def error_of(form: NewJobScreen, field: str) -> str:
    label = form.query_one(f"#error-{field}")
    return str(label.content) if label.display else ""


async def test_garbage_in_every_form_field(make_app, ui_store):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n", *"form-run")
        form = app.screen
        assert isinstance(form, NewJobScreen)
        refused = 0
        for field in TEXT_FIELDS:
            box = form.query_one(f"#field-{field}")
            default = box.value
            for kind, value in GARBAGE.items():
                if acceptable(field, value):
                    continue
                box.value = value
                form.action_submit()  # what ctrl+s runs (the keys themselves: below)
                await pilot.pause(0)
                assert app.screen is form, (field, kind)
                message = error_of(form, field)
                assert message and "\n" not in message and len(message) < 80, (field, kind)
                assert app.focused is box, (field, kind)
                refused += 1
            # Typed on the keyboard, and sent with enter as a user would.
            box.value = ""
            box.focus()
            keys = ("space", "enter") if field == "name" else ("minus", "1", "x", "enter")
            await pilot.press(*keys)
            await pilot.pause()
            assert app.screen is form and error_of(form, field), field
            box.value = default
        assert (
            list_jobs(ui_store) == [] and refused == FORM_CHECKS - len(TEXT_FIELDS) - len(TINY) - 1
        )
        # Every field put right: the form creates the job it shows.
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        (job,) = list_jobs(ui_store)
        assert job.name == "form-run" and job.config.epochs == 3


async def test_a_tiny_terminal_and_back(make_app, ui_store, clock):
    job = create_job(ui_store, JobConfig("shrink", seed=3, step_seconds=1.0), start=True)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_detail(job.id)
        await settle(app, pilot)
        detail = app.screen
        assert isinstance(detail, JobDetailScreen)
        for width, height in TINY:
            await pilot.resize_terminal(width, height)
            await settle(app, pilot)
            assert isinstance(app.screen, TooSmallScreen), (width, height)
            clock.advance(10)  # jobs run on while it is too small to show them
            app.request_tick()
            await settle(app, pilot)
            await pilot.resize_terminal(120, 40)
            await settle(app, pilot)
            assert app.screen is detail, (width, height)
        steps = get_job(ui_store, job.id).steps_done
        assert steps > 40 and detail.job is not None and detail.job.steps_done == steps
        # Every point written while the notice covered the chart is on the chart: no gap.
        series = detail.query_one(MetricChart).series
        assert (series.points_seen, series.last_step) == (steps, steps)
        # A half-typed form, the help opened while too small, and back: nothing lost.
        await pilot.press("escape", "n", *"half-typed")
        form = app.screen
        await pilot.resize_terminal(10, 3)
        await settle(app, pilot)
        await pilot.press("question_mark")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.resize_terminal(120, 40)
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is form, type(app.screen).__name__
        assert form.query_one("#field-name").value == "half-typed"
        await pilot.press("enter")
        await settle(app, pilot)
    assert [j.name for j in list_jobs(ui_store)] == ["half-typed", "shrink"]
    assert get_job(ui_store, job.id).status is JobStatus.RUNNING

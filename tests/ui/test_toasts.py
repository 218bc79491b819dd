"""Toasts on screen: a burst of lifecycle events folds into one ("12 jobs started"), and the
same message again replaces the one showing instead of stacking another."""

from __future__ import annotations

from textual.widgets._toast import Toast

from vapor_tui.core.status import Action
from vapor_tui.store.jobs import apply_action, create_job

from .conftest import config, settle, tick

# Long enough that no toast expires while a loaded machine runs the test: the folding is
# what is tested, not the timeout.
TIMEOUT = 600


def toasts(app) -> list[str]:
    """Each toast on screen, as its text on one line."""
    return [" ".join(str(toast.render()).split()) for toast in app.screen.query(Toast)]


async def test_twelve_jobs_started_elsewhere_fold_into_one_toast(make_app, ui_store):
    """Twelve jobs started from the command line stacked seven or more toasts over the
    table's right half."""
    jobs = [create_job(ui_store, config(f"sweep-{n}")) for n in range(12)]
    app = make_app()
    app.NOTIFICATION_TIMEOUT = TIMEOUT
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        for batch in (jobs[:3], jobs[3:8], jobs[8:]):  # seen by three ticks
            for job in batch:
                apply_action(ui_store, job.id, Action.START)
            await tick(app, pilot)
        shown = toasts(app)
        assert len(shown) == 1, shown
        assert "12 jobs started" in shown[0] and "#1 sweep-0" in shown[0], shown
        assert "and 8 more" in shown[0], shown


async def test_one_event_reads_as_before_and_kinds_fold_apart(make_app, ui_store, clock):
    quick = [create_job(ui_store, config(f"quick-{n}", epochs=1, steps_per_epoch=10)) for n in "ab"]
    lone = create_job(ui_store, config("lone"))
    app = make_app()
    app.NOTIFICATION_TIMEOUT = TIMEOUT
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        apply_action(ui_store, lone.id, Action.START)
        await tick(app, pilot)
        assert toasts(app) == [f"▶ Started #{lone.id} lone"]
        for job in quick:
            apply_action(ui_store, job.id, Action.START)
        clock.advance(60)  # both complete within the tick
        await tick(app, pilot)
        shown = toasts(app)
        assert len(shown) == 2, shown
        assert any("2 jobs complete" in t for t in shown), shown
        # They started and completed between two ticks: seen complete, and only that.
        assert f"▶ Started #{lone.id} lone" in shown


async def test_the_same_refusal_pressed_again_does_not_stack(make_app, ui_store):
    job = create_job(ui_store, config("busy"), start=True)
    app = make_app()
    app.NOTIFICATION_TIMEOUT = TIMEOUT
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        for _ in range(5):
            await pilot.press("s")
        await settle(app, pilot)
        shown = toasts(app)
        assert len(shown) == 1 and f"Cannot start job #{job.id} busy" in shown[0], shown

"""The jobs screen's filter: what it says when it hides jobs, and that the cursor never moves
to another job under the user's hands."""

from __future__ import annotations

from tests.support.tables import row_count
from vapor_tui.core.status import Action, JobStatus
from vapor_tui.store.jobs import apply_action, create_job, get_job, list_jobs
from vapor_tui.ui.screens.jobs import JobsScreen
from vapor_tui.ui.widgets.job_table import JobTable

from .conftest import config, settle, tick
from .test_jobs_screen import footer_shown


def screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def test_no_match_keeps_the_header_says_so_and_offers_no_open(make_app, ui_store):
    for name in ("alpha", "beta", "gamma"):
        create_job(ui_store, config(name))
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        assert footer_shown(app)["enter"] == "Open"
        await pilot.press("slash", *"zzz", "enter")  # enter keeps the filter: the table's keys
        await settle(app, pilot)
        lines = screen_lines(app)
        header = next(i for i, line in enumerate(lines) if "Name" in line and "Status" in line)
        assert "No job matches “zzz”" in lines[header + 1], lines[: header + 3]
        assert "enter" not in footer_shown(app) and "s" not in footer_shown(app)
        assert "0 of 3 jobs" in lines[0], lines[0]
        await pilot.press("slash", "ctrl+u", *"al", "enter")
        await settle(app, pilot)
        assert "1 of 3 jobs" in screen_lines(app)[0]
        assert footer_shown(app)["enter"] == "Open"


async def test_the_placeholder_names_every_way_to_filter(make_app, ui_store):
    create_job(ui_store, config("one"))
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        await settle(app, pilot)
        assert "filter: a name, status or id, lr>1e-4" in screen_lines(app)[1]


async def test_a_job_created_while_the_filter_hides_it_gets_the_cursor(make_app, ui_store):
    create_job(ui_store, config("alpha"))
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"alpha", "enter", "n", *"zeta", "enter")
        await settle(app, pilot)
        created = list_jobs(ui_store)[0]
        assert created.name == "zeta"
        table = app.screen.query_one(JobTable)
        assert table.selected_id == created.id
        assert any("zeta" in line for line in screen_lines(app))
        await pilot.press("s")  # "s next starts it"
        await settle(app, pilot)
        assert get_job(ui_store, created.id).status is JobStatus.RUNNING


async def test_a_created_job_the_filter_shows_keeps_the_filter(make_app, ui_store):
    create_job(ui_store, config("alpha"))
    create_job(ui_store, config("beta"))
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"alpha", "enter", "n", *"alpha-2", "enter")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, JobsScreen) and screen.filter_text == "alpha"
        assert screen.query_one(JobTable).selected_id == list_jobs(ui_store)[0].id


async def test_the_selected_job_stays_when_it_leaves_the_filter(make_app, ui_store, clock):
    """Filtered on "running", the selected job completes: the cursor stayed where it was, on
    the next running job, and the next key acted on that job instead."""
    first = create_job(ui_store, config("first", epochs=1, steps_per_epoch=10), start=True)
    second = create_job(ui_store, config("second", epochs=1, steps_per_epoch=10_000), start=True)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"running", "enter", "down")
        table = app.screen.query_one(JobTable)
        assert table.selected_id == first.id
        clock.advance(60)  # first completes
        await tick(app, pilot)
        assert get_job(ui_store, first.id).status is JobStatus.COMPLETE
        assert table.selected_id == first.id
        await pilot.press("x")  # refused for the complete job; the other one keeps running
        await settle(app, pilot)
        assert get_job(ui_store, second.id).status is JobStatus.RUNNING
        await pilot.press("up")  # moving on: the job that left the filter goes
        await tick(app, pilot)
        assert table.selected_id == second.id and row_count(table) == 1
        apply_action(ui_store, second.id, Action.FAIL)
        await tick(app, pilot)
        assert table.selected_id == second.id  # selected, so it stays until the cursor moves


async def test_a_filter_typed_in_one_burst_goes_into_the_box(make_app, ui_store):
    """`/ends` sent at once (tmux, a paste, a fast typist): focus moved to the box after the
    letters were handed out, and the `n` of "ends" opened the new-job form."""
    from textual import events

    create_job(ui_store, config("ends"))
    create_job(ui_store, config("other"))
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        for key in ["slash", *"ends", "enter"]:  # all sent before any is handled
            event = events.Key(key, "/" if key == "slash" else key if len(key) == 1 else None)
            event.set_sender(app)
            app._driver.send_message(event)
        await settle(app, pilot)
        assert isinstance(app.screen, JobsScreen) and app.screen.filter_text == "ends"
        assert row_count(app.screen.query_one(JobTable)) == 1


async def test_a_slash_in_the_filter_is_part_of_it(make_app, ui_store):
    create_job(ui_store, config("meta/llama"))
    create_job(ui_store, config("meta-other"))
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"a/l", "enter")
        await settle(app, pilot)
        assert app.screen.filter_text == "a/l"
        assert row_count(app.screen.query_one(JobTable)) == 1


async def test_a_job_deleted_elsewhere_leaves_no_job_selected(make_app, ui_store, clock):
    """Deleted by another process, the selected job's neighbour took the cursor, and the
    next key (a stop) acted on a job the user had not chosen."""
    from vapor_tui.store.jobs import delete_job

    below = create_job(ui_store, config("below"), start=True)
    chosen = create_job(ui_store, config("chosen"))
    above = create_job(ui_store, config("above"), start=True)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("down")
        table = app.screen.query_one(JobTable)
        assert table.selected_id == chosen.id
        delete_job(ui_store, chosen.id)
        await tick(app, pilot)
        assert table.selected_id is None and "x" not in footer_shown(app)
        await pilot.press("x")
        await settle(app, pilot)
        assert get_job(ui_store, below.id).status is JobStatus.RUNNING
        await pilot.press("down")  # the user picks again: the job below the one that went
        assert table.selected_id == below.id
        await pilot.press("up")
        assert table.selected_id == above.id


async def test_a_job_deleted_here_hands_the_cursor_to_its_neighbour(make_app, ui_store):
    first = create_job(ui_store, config("first"))
    create_job(ui_store, config("second"))
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("d", "y")
        await settle(app, pilot)
        assert app.screen.query_one(JobTable).selected_id == first.id

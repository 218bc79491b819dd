"""The jobs screen, driven by keys through Pilot, with a fake clock and a temporary database."""

from __future__ import annotations

from tests.support.tables import row_cells, row_count
from vapor_tui.core.status import Action, JobStatus
from vapor_tui.store.jobs import apply_action, create_job, get_job, list_jobs
from vapor_tui.ui.screens.confirm import ConfirmScreen
from vapor_tui.ui.screens.detail import JobDetailScreen
from vapor_tui.ui.screens.help import HelpScreen
from vapor_tui.ui.screens.jobs import JobsScreen
from vapor_tui.ui.widgets.job_table import JobTable
from vapor_tui.ui.widgets.keys_footer import KeysFooter

from .conftest import Repaints, config, notes, settle, static_text, tick


def table_rows(app) -> list[list[str]]:
    table = app.screen.query_one(JobTable)
    rows = []
    for index in range(row_count(table)):
        rows.append(row_cells(table, index))
    return rows


def footer_keys(app) -> set[str]:
    return {
        b.binding.key
        for b in app.screen.active_bindings.values()
        if b.enabled and b.binding.show and b.binding.description
    }


async def test_empty_state_says_how_to_start(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        empty = app.screen.query_one("#empty")
        assert empty.display
        text = static_text(empty)
        assert "Press n" in text and "vapor-tui demo" in text, text
        assert not app.screen.query_one(JobTable).display


async def test_a_first_job_made_elsewhere_opens_with_enter(make_app, ui_store):
    """On an empty database the table is hidden and so has no focus; the first job to arrive
    (a script's run, another instance's job) must take the keys: enter opens it."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert not app.screen.query_one(JobTable).display
        job = create_job(ui_store, config("late"))
        await tick(app, pilot)
        assert app.screen.query_one(JobTable).has_focus
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, JobDetailScreen), app.screen
        assert app.screen.job_id == job.id


async def test_a_first_job_made_with_the_form_opens_with_enter(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press(*"first", "enter")
        await settle(app, pilot)
        await tick(app, pilot)
        assert isinstance(app.screen, JobsScreen)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, JobDetailScreen), app.screen


async def test_stopping_a_scripts_run_says_what_was_asked_not_an_epoch(make_app, ui_store):
    """A script's run has no epoch the simulator finishes: the toast says what x asked."""
    from vapor_tui.core.process import current_process
    from vapor_tui.store.runs import create_run

    job_id = create_run(
        ui_store,
        name="script",
        model=None,
        config=None,
        total_steps=None,
        epochs=None,
        process=current_process(),
    )
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        assert get_job(ui_store, job_id).status is JobStatus.STOPPING
        stopping = [n for n in notes(app) if "Stopping" in n]
        assert stopping and "epoch" not in stopping[-1], notes(app)
        assert "stop requested" in stopping[-1], stopping


async def test_rows_newest_first_with_all_columns(make_app, ui_store, clock):
    first = create_job(ui_store, config("first"))
    clock.advance(60)
    second = create_job(ui_store, config("second"), start=True)
    clock.advance(150)  # 150 s at 1 s/step: half of epoch 2
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        rows = table_rows(app)
        assert [r[0] for r in rows] == [str(second.id), str(first.id)]
        running = rows[0]
        assert running[1] == "second" and running[2] == "LFM2-350M"
        assert "running" in running[3] and "▶" in running[3]
        assert running[5] == "2/3"
        assert len(running[6]) == 6 and float(running[6]) > 0  # 4 decimals
        assert "minute" in running[7]  # ETA, humanized
        assert running[8] == "2 minutes ago"
        assert "queued" in rows[1][3] and rows[1][6] == "-"


async def test_rows_update_live_cell_by_cell(make_app, ui_store, clock):
    job = create_job(ui_store, config("live"), start=True)
    idle = create_job(ui_store, config("idle"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(JobTable)
        before = table_rows(app)
        clock.advance(30)
        await tick(app, pilot)
        after = table_rows(app)
        live_before = next(r for r in before if r[1] == "live")
        live_after = next(r for r in after if r[1] == "live")
        assert live_before[4] != live_after[4]  # progress moved
        assert live_before[6] != live_after[6]  # a new latest loss
        # The idle row did not change at all (its age reads "just now" for a minute), and a
        # tick with nothing new touches no cell.
        idle_before = next(r for r in before if r[1] == "idle")
        idle_after = next(r for r in after if r[1] == "idle")
        assert idle_before == idle_after and idle_after[8] == "just now"
        repaints = Repaints(table)
        await tick(app, pilot)
        assert repaints.calls == 0
        assert get_job(ui_store, job.id).steps_done > 0 and idle.steps_done == 0


async def test_cursor_stays_on_its_job_when_rows_change(make_app, ui_store, clock):
    jobs = [create_job(ui_store, config(f"job{i}")) for i in range(3)]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("down")  # from job2 (newest) to job1
        table = app.screen.query_one(JobTable)
        assert table.selected_id == jobs[1].id
        create_job(ui_store, config("newer"))  # another process adds a job above
        await tick(app, pilot)
        assert row_count(table) == 4
        assert table.selected_id == jobs[1].id


async def test_start_stop_twice_and_refusal(make_app, ui_store, clock):
    job = create_job(ui_store, config("ctl"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert "s" in footer_keys(app)
        await pilot.press("s")
        await settle(app, pilot)
        assert get_job(ui_store, job.id).status is JobStatus.RUNNING
        assert any("Started" in n for n in notes(app))
        assert "s" not in footer_keys(app)  # the footer shows only keys that apply
        await pilot.press("s")  # start a running job: refused, says why
        await settle(app, pilot)
        assert any(n.startswith("warning") and "cannot start" in n.lower() for n in notes(app))
        assert get_job(ui_store, job.id).status is JobStatus.RUNNING
        clock.advance(20)
        await pilot.press("x")
        await settle(app, pilot)
        assert get_job(ui_store, job.id).status is JobStatus.STOPPING
        assert any("Stopping" in n for n in notes(app))
        await pilot.press("x")  # a second x stops at once
        await settle(app, pilot)
        stopped = get_job(ui_store, job.id)
        assert stopped.status is JobStatus.STOPPED and stopped.reason == "stopped by user"
        assert any(n.startswith("warning | ■ Stopped") for n in notes(app))


async def test_start_on_complete_job_warns_and_changes_nothing(make_app, ui_store, clock):
    job = create_job(ui_store, config("done", epochs=1, steps_per_epoch=10), start=True)
    clock.advance(3600)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert get_job(ui_store, job.id).status is JobStatus.COMPLETE
        version = get_job(ui_store, job.id).version
        await pilot.press("s")
        await settle(app, pilot)
        warning = [n for n in notes(app) if n.startswith("warning")]
        assert warning and "it is complete" in warning[-1] and "clone" in warning[-1]
        assert get_job(ui_store, job.id).version == version


async def test_fail_asks_first_escape_cancels_y_and_enter_confirm(make_app, ui_store):
    a = create_job(ui_store, config("a"))
    b = create_job(ui_store, config("b"), start=True)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)  # cursor on b (newest)
        await pilot.press("f")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, JobsScreen)
        assert get_job(ui_store, b.id).status is JobStatus.RUNNING
        await pilot.press("f", "y")
        await settle(app, pilot)
        failed = get_job(ui_store, b.id)
        assert failed.status is JobStatus.FAILED and failed.reason == "marked failed by user"
        assert any(n.startswith("error | ✖ Failed") and "marked failed" in n for n in notes(app))
        await pilot.press("down", "f", "enter")
        await settle(app, pilot)
        assert get_job(ui_store, a.id).status is JobStatus.FAILED


async def test_clone_and_delete_with_confirmation(make_app, ui_store):
    job = create_job(ui_store, config("orig", learning_rate=3e-4))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("c")
        await settle(app, pilot)
        jobs = list_jobs(ui_store)
        assert len(jobs) == 2 and jobs[0].config.learning_rate == job.config.learning_rate
        assert jobs[0].status is JobStatus.QUEUED
        assert table_rows(app)[0][0] == str(jobs[0].id)
        # The cursor went to the clone, so that `s` next starts it.
        clone_id = jobs[0].id
        assert app.screen.query_one(JobTable).selected_id == clone_id
        await pilot.press("down", "d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # no
        await settle(app, pilot)
        assert len(list_jobs(ui_store)) == 2
        await pilot.press("d", "y")
        await settle(app, pilot)
        assert [j.id for j in list_jobs(ui_store)] == [clone_id]
        assert [r[0] for r in table_rows(app)] == [str(clone_id)]
        assert [n for n in notes(app) if "Deleted" in n] == [f"warning | Deleted | #{job.id} orig"]


async def test_enter_opens_detail_and_escape_returns(make_app, ui_store):
    job = create_job(ui_store, config("detail"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, JobDetailScreen) and app.screen.job_id == job.id
        await pilot.press("escape")
        assert isinstance(app.screen, JobsScreen)


async def test_filter_by_name_and_status(make_app, ui_store):
    create_job(ui_store, config("alpha"))
    create_job(ui_store, config("beta"), start=True)
    create_job(ui_store, config("alphabet"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"alpha")
        await pilot.pause()
        assert sorted(r[1] for r in table_rows(app)) == ["alpha", "alphabet"]
        await pilot.press("escape")
        assert len(table_rows(app)) == 3
        assert "escape" not in footer_shown(app)  # nothing to clear
        await pilot.press("slash", *"running", "enter")
        await pilot.pause()
        assert [r[1] for r in table_rows(app)] == ["beta"]
        assert footer_shown(app)["escape"] == "Clear filter"  # how to get them all back
        await pilot.press("slash", "ctrl+u", *"zzz")
        await pilot.pause()
        assert app.screen.query_one(JobTable).empty_text.startswith("No job matches “zzz”")


async def test_help_lists_every_key_and_quit_exits_zero(make_app, ui_store):
    create_job(ui_store, config("h"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        lines = static_text(app.screen.query_one("#help-keys")).splitlines()
        keys = {line.split("  ")[0].strip() for line in lines}
        for key in ("n", "s", "x", "f", "c", "d", "/", "enter", "?", "^q, ^c, q", "esc", "^p"):
            assert key in keys, key
        assert "up/down, k/j" in keys  # moving about: on the jobs screen only
        assert not {"tab", "shift+tab", "super+c"} & keys  # Textual's own keys are noise here
        assert any("Stop after the current epoch" in line for line in lines)
        await pilot.press("escape")
        assert isinstance(app.screen, JobsScreen)
        await pilot.press("q")
    assert app.return_code == 0


async def test_palette_offers_the_screen_actions(make_app, ui_store):
    create_job(ui_store, config("p"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"New", "Start", "Clone", "Delete", "Filter", "Help"} <= set(titles)
        assert titles.count("Quit") == 1
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Start")
        command.callback()
        await settle(app, pilot)
        assert list_jobs(ui_store)[0].status is JobStatus.RUNNING


async def test_toasts_for_changes_made_elsewhere(make_app, ui_store, clock):
    job = create_job(ui_store, config("elsewhere", epochs=1, steps_per_epoch=20))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        apply_action(ui_store, job.id, Action.START)  # another process starts it
        await tick(app, pilot)
        clock.advance(3600)
        await tick(app, pilot)
        log = notes(app)
        assert any("Started" in n and "elsewhere" in n for n in log)
        final = get_job(ui_store, job.id).last_loss
        assert any("Complete" in n and f"final loss {final:.4f}" in n for n in log)


async def test_tiny_terminal_shows_a_notice_then_recovers(make_app, ui_store):
    from vapor_tui.ui.screens.too_small import TooSmallScreen

    app = make_app()
    async with app.run_test(size=(50, 12)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, TooSmallScreen)
        assert "too small" in static_text(app.screen.query_one("#too-small"))
        await pilot.resize_terminal(100, 30)
        await settle(app, pilot)
        assert isinstance(app.screen, JobsScreen)


async def test_conflicting_action_from_elsewhere_loses_and_says_why(make_app, ui_store, clock):
    job = create_job(ui_store, config("contested"), start=True)
    clock.advance(30)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        apply_action(ui_store, job.id, Action.STOP)  # another terminal stops it...
        await pilot.press("x")  # ...as the user, who still sees it running, presses x
        await settle(app, pilot)
        assert get_job(ui_store, job.id).status is JobStatus.STOPPING  # not stopped at once
        refused = [n for n in notes(app) if n.startswith("warning | Refused")]
        assert refused and "changed from running to stopping" in refused[-1]


async def test_a_fail_and_a_stop_from_elsewhere_do_not_conflict(make_app, ui_store, clock):
    job = create_job(ui_store, config("failed anyway"), start=True)
    clock.advance(30)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f")  # the user sees "running" and is asked to confirm
        assert isinstance(app.screen, ConfirmScreen)
        apply_action(ui_store, job.id, Action.STOP)  # meanwhile another terminal stops it
        await pilot.press("y")
        await settle(app, pilot)
        assert get_job(ui_store, job.id).status is JobStatus.FAILED  # a stopping job fails too
        assert not [n for n in notes(app) if "Refused" in n]


def footer_shown(app) -> dict[str, str]:
    """What the footer on screen shows now: key -> description."""
    return {key.key: key.description for key in app.screen.query_one(KeysFooter).keys}


async def test_the_footer_follows_the_selected_jobs_status(make_app, ui_store, clock):
    job = create_job(ui_store, config("foot"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert {"s", "x", "f"} <= set(footer_shown(app))
        await pilot.press("s")
        await settle(app, pilot)
        assert "s" not in footer_shown(app) and footer_shown(app)["x"] == "Stop"
        await pilot.press("x")
        await settle(app, pilot)
        assert footer_shown(app)["x"] == "Stop now"
        # Changed elsewhere (another process): the footer follows at the next tick.
        apply_action(ui_store, job.id, Action.FAIL)
        await tick(app, pilot)
        assert not {"s", "x", "f"} & set(footer_shown(app)) and "c" in footer_shown(app)


async def test_the_cursor_keeps_its_job_through_a_resize_and_a_theme(make_app, ui_store):
    jobs = [create_job(ui_store, config(f"keep{i}")) for i in range(4)]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "down")
        table = app.screen.query_one(JobTable)
        assert table.selected_id == jobs[1].id
        await pilot.resize_terminal(90, 30)  # fewer columns: the table is rebuilt
        await settle(app, pilot)
        assert table.selected_id == jobs[1].id
        await pilot.resize_terminal(120, 40)
        await settle(app, pilot)
        assert table.selected_id == jobs[1].id
        app.theme = "textual-light"
        await settle(app, pilot)
        assert table.selected_id == jobs[1].id


async def test_a_new_job_gets_the_cursor_and_s_starts_it(make_app, ui_store):
    older = create_job(ui_store, config("older"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n", *"fresh", "enter")
        await settle(app, pilot)
        fresh = next(j for j in list_jobs(ui_store) if j.name == "fresh")
        assert app.screen.query_one(JobTable).selected_id == fresh.id
        await pilot.press("s")
        await settle(app, pilot)
        assert get_job(ui_store, fresh.id).status is JobStatus.RUNNING
        assert get_job(ui_store, older.id).status is JobStatus.QUEUED


async def test_back_from_a_watched_job_lands_on_it(make_app, ui_store):
    jobs = [create_job(ui_store, config(f"w{i}")) for i in range(3)]
    app = make_app(watch=jobs[0].id)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, JobDetailScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen.query_one(JobTable).selected_id == jobs[0].id


async def test_long_epochs_and_models_are_not_cut_silently(make_app, ui_store, clock):
    create_job(ui_store, config("short"))
    long = create_job(
        ui_store,
        config("long", epochs=120, steps_per_epoch=1, model="meta-llama/Llama-3.1-8B"),
        start=True,
    )
    clock.advance(10)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        epoch = get_job(ui_store, long.id).epoch
        assert epoch >= 10
        lines = [strip.text for strip in app.screen._compositor.render_strips()]
        row = next(line for line in lines if " long " in line)
        assert f" {epoch}/120 " in row  # the whole epoch count, not "10/12"
        assert "meta-llama/Llama-…" in row  # cut where it must be, and shown to be
        assert "Epoch" in lines[1] and "Loss" in lines[1]


async def test_every_theme_can_be_chosen_on_every_screen(make_app, ui_store, clock):
    """The ANSI themes name colours the terminal picks ("ansi_default"); choosing one from the
    palette once ended the app."""
    from textual.theme import BUILTIN_THEMES

    job = create_job(ui_store, config("themes"), start=True)
    clock.advance(30)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        for opened in (False, True):
            if opened:
                app.open_detail(job.id)
                await settle(app, pilot)
            for name in BUILTIN_THEMES:
                app.theme = name
                await settle(app, pilot)
        await tick(app, pilot)
        assert app.is_running


async def test_the_mouse_picks_a_row_and_a_double_click_opens_it(make_app, ui_store):
    jobs = [create_job(ui_store, config(f"m{i}")) for i in range(5)]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(JobTable)
        await pilot.click(JobTable, offset=(10, 3))  # the header, then rows 0, 1, 2
        assert table.selected_id == jobs[2].id  # newest first: m4, m3, m2
        assert isinstance(app.screen, JobsScreen)
        await pilot.double_click(JobTable, offset=(10, 2))
        await settle(app, pilot)
        assert isinstance(app.screen, JobDetailScreen) and app.screen.job_id == jobs[3].id


async def test_scrolling_shows_the_rows_below_under_a_header_that_stays(make_app, ui_store):
    jobs = [create_job(ui_store, config(f"row{i:02d}")) for i in range(50)]
    app = make_app()
    async with app.run_test(size=(120, 20)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(JobTable)
        table.scroll_to(y=20, animate=False)
        await pilot.pause()
        lines = [strip.text for strip in app.screen._compositor.render_strips()]
        assert "Name" in lines[1] and "Status" in lines[1]  # the header, still on top
        assert f" row{49 - 20:02d} " in lines[2]  # then the 21st newest
        await pilot.press("pagedown")  # the cursor follows the page, the view follows it
        assert table.selected_id != jobs[-1].id  # moved down from the newest
        row_line = next(i for i, line in enumerate(lines) if f" row{49 - 20:02d} " in line)
        assert row_line == 2
        await pilot.press("end")
        lines = [strip.text for strip in app.screen._compositor.render_strips()]
        assert table.selected_id == jobs[0].id and any(" row00 " in line for line in lines)


async def test_at_80_columns_the_footer_keeps_help_and_drops_quit(make_app, ui_store, clock):
    job = create_job(ui_store, config("narrow"))  # queued: start and stop both apply
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_detail(job.id)
        await settle(app, pilot)
        shown = footer_shown(app)
        assert "question_mark" in shown and "q" not in shown
        footer = app.screen.query_one(KeysFooter)
        assert footer.keys[-1].end <= 80  # nothing cut
        assert footer.keys[-1].description in footer.render_line(0).text
        await pilot.resize_terminal(120, 40)
        await settle(app, pilot)
        assert {"question_mark", "q"} <= set(footer_shown(app))
        await pilot.press("q")  # still quits, shown or not
    assert app.return_code == 0


async def test_stopping_a_queued_job_asks_first(make_app, ui_store):
    """`x` on a queued job made it stopped at once, for good, with no question."""
    job = create_job(ui_store, config("waiting"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("x")
        assert isinstance(app.screen, ConfirmScreen)
        question = static_text(app.screen.query_one("#confirm-question"))
        assert f"Stop #{job.id} waiting" in question
        assert "final" in static_text(app.screen.query_one("#confirm-detail"))
        await pilot.press("escape")
        await settle(app, pilot)
        assert get_job(ui_store, job.id).status is JobStatus.QUEUED
        await pilot.press("x", "y")
        await settle(app, pilot)
        assert get_job(ui_store, job.id).status is JobStatus.STOPPED


async def test_the_delete_dialog_of_a_running_job_says_it_is_running(make_app, ui_store, clock):
    job = create_job(ui_store, config("busy"), start=True)
    clock.advance(30)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        detail = static_text(app.screen.query_one("#confirm-detail"))
        points = get_job(ui_store, job.id).steps_done
        assert "running" in detail and f"{points} points" in detail, detail
        await pilot.press("escape")


async def test_clone_from_the_detail_screen_then_back_lands_on_the_job_that_was_open(
    make_app, ui_store
):
    job = create_job(ui_store, config("original", seed=4321))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_detail(job.id)
        await settle(app, pilot)
        await pilot.press("c")
        await settle(app, pilot)
        clone = list_jobs(ui_store)[0]
        assert clone.id != job.id and clone.config.seed != 4321  # a new seed
        assert any(f"as #{clone.id}" in n and "new seed" in n for n in notes(app))
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, JobsScreen)
        assert app.screen.query_one(JobTable).selected_id == job.id
        await pilot.press("C")  # clone, same seed: on the jobs screen the cursor goes to it
        await settle(app, pilot)
        twin = list_jobs(ui_store)[0]
        assert twin.config == job.config
        assert app.screen.query_one(JobTable).selected_id == twin.id

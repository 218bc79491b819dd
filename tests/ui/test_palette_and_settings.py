"""The command palette keeps only what works here, and the theme chosen is remembered across
restarts (a settings file in the platform's config directory; `--theme` still wins)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from vapor_tui import settings
from vapor_tui.store.jobs import create_job
from vapor_tui.ui.launch import initial_theme

from .conftest import config, settle
from .test_detail_screen import open_detail


def _titles(app) -> list[str]:
    return [c.title for c in app.get_system_commands(app.screen)]


async def test_the_palette_has_no_keys_panel_no_maximize_and_one_quit(make_app, ui_store):
    create_job(ui_store, config("p"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        titles = _titles(app)
        assert "Keys" not in titles and "Maximize" not in titles, titles
        assert "Theme" in titles and "Screenshot" in titles and titles.count("Quit") == 1
        assert {"New", "Start", "Help"} <= set(titles)


async def test_the_screenshot_is_saved_where_it_says(make_app, ui_store, tmp_path, monkeypatch):
    """Textual's failed with "Failed to save screenshot": there is no ~/Downloads here."""
    from textual.widgets._toast import Toast

    assert not (Path.home() / "Downloads").exists()
    monkeypatch.chdir(tmp_path)
    create_job(ui_store, config("pictured"))
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Screenshot")
        assert str(tmp_path) in command.help
        command.callback()
        await pilot.pause(0.3)
        await settle(app, pilot)
        (saved,) = tmp_path.glob("*.svg")
        assert "pictured" in saved.read_text(encoding="utf-8")
        shown = "".join("".join(str(t.render()).split()) for t in app.screen.query(Toast))
        assert str(saved) in shown, shown  # the toast says where (wrapped, spaces left out)


async def test_a_theme_chosen_in_the_app_is_remembered_and_the_command_line_wins(make_app):
    assert settings.load() == {}
    app = make_app(remember_theme=True, theme=initial_theme(None))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert not settings.settings_path().exists()  # the default is not written down
        app.theme = "nord"  # what the palette's theme picker does
        await settle(app, pilot)
    path = settings.settings_path()
    assert path.parent == Path(os.environ["XDG_CONFIG_HOME"]) / "vapor-tui"
    assert json.loads(path.read_text(encoding="utf-8")) == {"theme": "nord"}
    assert initial_theme(None) == "nord"  # the next run
    assert initial_theme("dracula") == "dracula"  # --theme wins
    app = make_app(remember_theme=True, theme=initial_theme("dracula"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert app.theme == "dracula"
    assert settings.load() == {"theme": "nord"}  # and is not saved


def test_a_damaged_or_unknown_saved_theme_is_ignored():
    path = settings.settings_path()
    path.parent.mkdir(parents=True)
    path.write_text("{not json", encoding="utf-8")
    assert settings.load() == {} and initial_theme(None) is None
    path.write_text('{"theme": "no-such-theme"}', encoding="utf-8")
    assert initial_theme(None) is None
    assert settings.save(theme="nord") is None and initial_theme(None) == "nord"


def test_an_unwritable_config_dir_is_said_not_raised(tmp_path, monkeypatch):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the directory should be", encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(blocked))
    problem = settings.save(theme="nord")
    assert problem is not None and "cannot save settings" in problem


async def test_a_palette_command_that_lands_late_never_closes_another_screen(make_app, ui_store):
    """Found by the random keys in a real terminal: "Back" chosen in the palette runs after
    the palette closes; a key in the same burst had opened another screen by then, and Back
    closed that one instead, until a palette closing itself found no screen left to close
    (ScreenStackError: the app ended)."""
    from vapor_tui.ui.screens.detail import JobDetailScreen
    from vapor_tui.ui.screens.help import HelpScreen

    job = create_job(ui_store, config("late"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        detail = await open_detail(app, pilot, job.id)
        back = next(c for c in app.get_system_commands(detail) if c.title == "Back")
        back.callback()  # as the palette runs it: later, after it has closed
        app.push_screen(HelpScreen(detail))  # `?` in the same burst, handled first
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        assert isinstance(app.screen_stack[-2], JobDetailScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is detail
    assert app.return_code in (None, 0)


async def test_enter_twice_in_one_burst_on_the_palette_runs_one_command(make_app, ui_store):
    """Found by the random keys: the second enter reached the palette after the first had
    closed it, and Textual's palette closed again, the screen beneath it this time (and ran
    its command again), until there was no screen left to close: ScreenStackError."""
    from textual import events

    from vapor_tui.store.jobs import list_jobs
    from vapor_tui.ui.screens.jobs import JobsScreen

    create_job(ui_store, config("twice"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p", *"clone")
        await pilot.pause(0.3)
        await settle(app, pilot)
        for key in ("enter", "enter", "enter"):  # all sent before any is handled
            event = events.Key(key, "\r")
            event.set_sender(app)
            app._driver.send_message(event)
        await pilot.pause(0.3)
        await settle(app, pilot)
        assert isinstance(app.screen, JobsScreen), app.screen_stack
        assert len(list_jobs(ui_store)) == 2  # cloned once
    assert app.return_code in (None, 0)

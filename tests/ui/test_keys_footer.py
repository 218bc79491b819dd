"""The footer draws its keys as one line: a key that changes what it offers (`s Start` gives way
to `x Stop`) repaints that line, with nothing mounted and nothing laid out, so the row it acted
on is painted at once. Counted, not timed."""

from __future__ import annotations

import pytest
from textual.screen import Screen
from textual.widget import Widget

from vapor_tui.core.status import JobStatus
from vapor_tui.store.jobs import create_job, get_job
from vapor_tui.ui.screens.help import HelpScreen
from vapor_tui.ui.widgets.job_table import JobTable
from vapor_tui.ui.widgets.keys_footer import KeysFooter

from .conftest import config, settle


@pytest.fixture
def layouts(monkeypatch) -> list[str]:
    """Every layout of a screen and every recompose of a widget, as they happen."""
    seen: list[str] = []
    layout, recompose = Screen._refresh_layout, Widget.recompose

    def counted_layout(self, *args, **kwargs):
        seen.append(f"layout {type(self).__name__}")
        return layout(self, *args, **kwargs)

    async def counted_recompose(self):
        seen.append(f"recompose {type(self).__name__}")
        return await recompose(self)

    monkeypatch.setattr(Screen, "_refresh_layout", counted_layout)
    monkeypatch.setattr(Widget, "recompose", counted_recompose)
    return seen


async def test_a_first_start_lays_nothing_out(make_app, ui_store, layouts):
    job = create_job(ui_store, config("first"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        footer = app.screen.query_one(KeysFooter)
        assert "s" in {key.key for key in footer.keys}
        layouts.clear()
        await pilot.press("s")
        await settle(app, pilot)
        assert get_job(ui_store, job.id).status is JobStatus.RUNNING
        row = app.screen.query_one(JobTable).render_line(1).text  # under the header
        assert " first " in row and "running" in row
        line = footer.render_line(0).text
        assert "x Stop" in line and "s Start" not in line
        assert layouts == []


@pytest.mark.parametrize("by", ["click", "hover"])
async def test_the_mouse_on_a_key(make_app, ui_store, by):
    """A click presses the key (as on Textual's Footer); the key under the mouse is lit."""
    create_job(ui_store, config("mouse"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        footer = app.screen.query_one(KeysFooter)
        if by == "click":
            help_key = next(key for key in footer.keys if key.action == "help")
            await pilot.click(KeysFooter, offset=(help_key.start, 0))
            await settle(app, pilot)
            assert isinstance(app.screen, HelpScreen)
            return
        new = next(key for key in footer.keys if key.key == "n")

        def background_at(x: int):
            cells = footer.render_line(0).crop(x, x + 1)
            return next(iter(cells)).style.bgcolor

        plain = background_at(new.start)
        await pilot.hover(KeysFooter, offset=(new.start, 0))
        await pilot.pause()
        assert background_at(new.start) != plain
        assert background_at(new.end + 1) == plain  # the next key is not


@pytest.mark.parametrize("width", [60, 80, 90, 100, 105, 110, 120, 140])
async def test_help_always_shows_and_the_palette_only_where_it_fits(make_app, ui_store, width):
    """`? Help` is never cut (at 105 columns it read `? He▏^p palette`): the palette hint goes
    first, then `q Quit`, then `space Mark`; below 80 columns keys on the right go before it."""
    create_job(ui_store, config("queued"))
    running = create_job(ui_store, config("running"))
    app = make_app()
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(app, pilot)
        footer = app.screen.query_one(KeysFooter)
        for screen in ("jobs", "detail"):
            if screen == "detail":
                app.open_detail(running.id)
                await settle(app, pilot)
                footer = app.screen.query_one(KeysFooter)
            line = footer.render_line(0).text
            assert len(line) == width
            assert "? Help" in line, line
            words = line.replace("▏", " ").split()
            assert words[-2:] == ["^p", "palette"] or words[-2:] == ["?", "Help"], line
            shown = {key.action for key in footer.keys}
            palette = "command_palette" in shown
            assert palette == ("^p palette" in line)
            if palette:  # everything else shows where the palette does
                assert "quit" in shown
                assert screen == "detail" or "mark" in shown
            if screen == "jobs" and "mark" not in shown:  # quit went first
                assert "quit" not in shown

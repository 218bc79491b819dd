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

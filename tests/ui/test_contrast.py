"""The selected row reads in every theme, in truecolor and in 256 colours: the contrast of what
is rendered on the cursor row (WCAG 4.5:1 for text), for every built-in theme, table focused
and not, each status. The status badge kept its own colour on the cursor's background: 1.03:1
to 2.6:1 (stopped in 256 colours: fg 24 on bg 24 in textual-light)."""

from __future__ import annotations

import pytest
from rich.color import Color, ColorSystem, ColorType
from rich.style import Style
from textual.theme import BUILTIN_THEMES
from textual.widgets import Input

from tests.support.tables import row_count
from vapor_tui.core.status import JobStatus
from vapor_tui.ui.contrast import contrast_ratio
from vapor_tui.ui.widgets.job_table import HEADER_HEIGHT, JobTable

from .conftest import settle

FLOOR = 4.5
# ANSI themes name colours the terminal chooses: judged on xterm's palette, with its default
# foreground and background for a dark or a light terminal.
XTERM = [
    (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205),
    (0, 205, 205), (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0),
    (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
]  # fmt: skip


def _rgb(color: Color | None, foreground: bool, light: bool, system: ColorSystem):
    """The colour a terminal shows for this Rich colour, as it is sent in `system`."""
    if color is None or color.type is ColorType.DEFAULT:
        dark_pair = ((229, 229, 229), (0, 0, 0))
        fg, bg = ((0, 0, 0), (255, 255, 255)) if light else dark_pair
        return fg if foreground else bg
    if color.type is ColorType.STANDARD or (color.number is not None and color.number < 16):
        return XTERM[color.number]
    if system is ColorSystem.EIGHT_BIT:
        color = color.downgrade(ColorSystem.EIGHT_BIT)
    return tuple(color.get_truecolor())


def _worst_cell(style_cells: list[tuple[str, Style]], light: bool, system: ColorSystem):
    worst = (99.0, "")
    for char, style in style_cells:
        if char.isspace():
            continue
        fg = _rgb(style.color, True, light, system)
        bg = _rgb(style.bgcolor, False, light, system)
        if style.reverse:
            fg, bg = bg, fg
        ratio = contrast_ratio(fg, bg)
        if ratio < worst[0]:
            worst = (ratio, f"{char!r} {style}")
    return worst


def _cursor_row(app, table: JobTable) -> list[tuple[str, Style]]:
    strips = app.screen._compositor.render_strips()
    y = table.region.y + HEADER_HEIGHT + table._cursor - table.scroll_offset.y
    return [(char, seg.style or Style()) for seg in strips[y] for char in seg.text]


@pytest.fixture
def every_status(store, fake_clock, helpers):
    for status in JobStatus:
        helpers.drive_job(store, fake_clock, status, helpers.small_config(f"{status}-job"))
    return store


@pytest.mark.parametrize("focused", [True, False], ids=["table-focused", "filter-focused"])
async def test_the_cursor_row_reads_in_every_theme_and_colour_system(
    every_status, fake_clock, focused
):
    from vapor_tui.ui.app import VaporApp

    app = VaporApp(store=every_status, clock=fake_clock, timer=False)
    failures = []
    async with app.run_test(size=(120, 20)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(JobTable)
        if not focused:
            await pilot.press("slash")  # the cursor shows blurred while the filter has focus
            assert isinstance(app.focused, Input)
        for theme in BUILTIN_THEMES:
            app.theme = theme
            await pilot.pause()
            light = not app.current_theme.dark
            for row in range(row_count(table)):
                table.move_cursor(row)
                await pilot.pause()
                cells = _cursor_row(app, table)
                for system in (ColorSystem.TRUECOLOR, ColorSystem.EIGHT_BIT):
                    ratio, where = _worst_cell(cells, light, system)
                    if ratio < FLOOR:
                        failures.append(f"{theme} row {row} {system.name}: {ratio:.2f} {where}")
    assert not failures, "\n".join(failures[:20]) + f"\n({len(failures)} in all)"

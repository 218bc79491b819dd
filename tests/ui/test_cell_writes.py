"""compat.write_cells: a line widget's changed cells written at once, not through a frame, and
the terminal left showing what a full render shows (issue 14)."""

from __future__ import annotations

import pyte
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from vapor_tui.store.jobs import create_job
from vapor_tui.ui import compat
from vapor_tui.ui.widgets import job_rows
from vapor_tui.ui.widgets.job_table import JobTable

from .conftest import config, settle, tick
from .test_compat import _Framed, _Rows

WIDTH, HEIGHT = 60, 24


class _Covered(_Framed):
    CSS = "Screen { layers: base top; } #over { layer: top; offset: 0 4; width: 30; height: 3; }"

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield Static("a toast over the rows", id="over")


def _terminal(app: App) -> pyte.Screen:
    """A terminal showing the app's screen as a full render draws it."""
    screen = pyte.Screen(*app.size)
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        pyte.Stream(screen).feed(f"\x1b[{y + 1};1H" + "".join(seg.text for seg in strip))
    return screen


def _rendered(app: App) -> list[str]:
    return [
        "".join(s.text for s in strip).rstrip() for strip in app.screen._compositor.render_strips()
    ]


def _kept_displays(app: App, monkeypatch) -> list[object]:
    """What the app hands its display from now on (headless, the display writes nothing)."""
    kept: list[object] = []
    display = app._display

    def keeping(screen, update) -> None:
        kept.append(update)
        display(screen, update)

    monkeypatch.setattr(app, "_display", keeping)
    return kept


def _frames(monkeypatch, of: type[Widget] = Widget) -> list[int]:
    """The lines of every frame's renders (the compositor at work) of widgets of this class."""
    lines: list[int] = []
    render_lines = of.render_lines

    def counted(self, crop):
        lines.append(crop.height)
        return render_lines(self, crop)

    monkeypatch.setattr(of, "render_lines", counted)
    return lines


def _change(rows: _Rows, ys: range) -> list[tuple[Region, Strip]]:
    """Change column 8 of these lines; the pieces that show it."""
    pieces = []
    for y in ys:
        rows.rows[y] = rows.rows[y][:8] + "X" + rows.rows[y][9:]
        pieces.append((Region(8, y, 1, 1), rows.render_line(y).crop(8, 9)))
    return pieces


async def test_written_cells_go_out_at_once_and_the_terminal_shows_a_full_render(monkeypatch):
    compat.apply()  # the chops writer, which VaporApp installs
    app = _Framed()
    console = Console(color_system="truecolor", width=WIDTH, force_terminal=True)
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await pilot.pause()
        terminal = _terminal(app)
        rows = app.query_one(_Rows)
        displays = _kept_displays(app, monkeypatch)
        frames = _frames(monkeypatch)
        assert compat.write_cells(rows, _change(rows, range(2, 18)))
        assert len(displays) == 1  # one update, written before any frame
        await pilot.pause()
        assert frames == []  # and no frame made for it
        monkeypatch.undo()
        for update in displays:
            pyte.Stream(terminal).feed(update.render_segments(console))
        shown = [line.rstrip() for line in terminal.display]
        assert shown[3].startswith("row 02 .X.")  # under the top bar
        assert shown == _rendered(app)  # the styles cache renders the new lines too


async def test_cells_not_written_where_a_frame_must_draw_them(monkeypatch):
    """Covered by a widget in front, on a screen not shown, or inside a batch: False, and
    nothing handed to the display (the caller refreshes)."""
    compat.apply()
    app = _Covered()
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await pilot.pause()
        rows = app.query_one(_Rows)
        displays = _kept_displays(app, monkeypatch)
        assert not compat.write_cells(rows, _change(rows, range(3, 5)))  # under the toast
        assert compat.write_cells(rows, _change(rows, range(10, 12)))  # clear of it
        with app.batch_update():
            assert not compat.write_cells(rows, _change(rows, range(12, 13)))
        assert len(displays) == 1
        # Its own layout or scroll pending (reaching the screen only at its next idle): the
        # frame that follows places it anew.
        rows._layout_required = True
        assert not compat.write_cells(rows, _change(rows, range(12, 13)))
        rows._layout_required, rows._scroll_required = False, True
        assert not compat.write_cells(rows, _change(rows, range(12, 13)))
        rows._scroll_required = False
        assert len(displays) == 1
        await app.push_screen(Screen())
        await pilot.pause()
        shown = len(displays)  # the new screen's frames
        assert not compat.write_cells(rows, _change(rows, range(14, 15)))
        assert len(displays) == shown


async def test_a_tick_writes_the_changed_cells_of_its_rows_and_nothing_else(
    make_app, ui_store, clock, monkeypatch
):
    """Ten jobs a step a second: a tick's changed cells (their loss, and what else moved) go
    to the terminal at once, no frame is made for them, and the terminal shows what a full
    render of the screen shows. Before, each cell was a dirty region and the next frame
    rendered the ten lines through the compositor."""
    for i in range(10):
        create_job(ui_store, config(f"fast{i}", seed=i, step_seconds=1.0), start=True)
    app = make_app()
    console = Console(color_system="truecolor", width=120, force_terminal=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        for _ in range(2):
            clock.advance(1.0)
            await tick(app, pilot)
        terminal = _terminal(app)
        table = app.screen.query_one(JobTable)
        displays = _kept_displays(app, monkeypatch)
        table_frames = _frames(monkeypatch, JobTable)
        for _ in range(3):
            clock.advance(1.0)
            await tick(app, pilot)
        assert table_frames == []
        assert len(displays) >= 3  # a write a tick, at least (the top bar may add frames)
        monkeypatch.undo()
        for update in displays:
            pyte.Stream(terminal).feed(update.render_segments(console))
        shown = [line.rstrip() for line in terminal.display]
        assert shown == _rendered(app)
        assert table.selected_id is not None


def _rich_cell(cell: Text, width: int, base: Style, over: Style | None) -> list[Segment]:
    """A cell made through Rich's copy, truncate, pad and render (what every cell was made
    with before plain cells took a shorter way), simplified as the table simplifies it."""
    text = cell.copy()
    text.truncate(width)
    text.pad_right(width - text.cell_len)
    pad = Segment(" " * job_rows.PADDING, base)
    made = [pad]
    for segment in text.render(Console()):
        style = base + segment.style if segment.style else base
        if over is not None:
            style = job_rows._on(style, over)
        made.append(Segment(segment.text, style))
    return list(Segment.simplify([*made, pad]))


_BASES = (Style(color="#e0e0e0", bgcolor="#1e1e1e"), Style(bold=True, color="white"))
_OVERS = (None, Style(color="#ffffff", bgcolor="#0178d4"), Style(reverse=True, bold=True))


@settings(max_examples=300, deadline=None)
@given(
    st.text(st.sampled_from("ab 1.-%▶日本"), max_size=16),
    st.integers(1, 14),
    st.sampled_from(_BASES),
    st.sampled_from(_OVERS),
)
def test_a_plain_cell_is_made_as_rich_makes_it(words, width, base, over):
    """A loss, an ETA or an age (no style, no spans) is cut or padded and styled as Rich's
    truncate, pad and render did, with the cursor and without, wide characters too."""
    ours = list(
        Segment.simplify(job_rows.cell_segments(Text(words), width, False, base, over, Console()))
    )
    assert ours == _rich_cell(Text(words), width, base, over)

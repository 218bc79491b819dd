"""Each workaround in vapor_tui/ui/compat: a test that fails when the library it works around no
longer needs it (delete the workaround then), and one that fails when it no longer works."""

from __future__ import annotations

import asyncio
import inspect
import os
import re
import selectors
import threading
import time
from types import SimpleNamespace

import pyte
import pytest
import textual
import textual.widgets
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual._compositor import ChopsUpdate, Compositor
from textual.app import App, ComposeResult
from textual.command import CommandPalette
from textual.drivers.linux_driver import LinuxDriver
from textual.geometry import Region, Size
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Checkbox, Footer, Static
from textual_plotext import PlotextPlot

from vapor_tui.ui import compat
from vapor_tui.ui.compat import chops, input_wait, palette, partial_renders, resume
from vapor_tui.ui.widgets.diff import changed_span
from vapor_tui.ui.widgets.form_fields import FormSelect, TickBox

from .conftest import settle


def test_apply_installs_what_fits_this_textual():
    assert textual.__version__.startswith("8.")  # what the workarounds were written for
    assert compat.apply() == {
        "chops": True,
        "input_wait": True,
        "palette.guard_paging": True,
        "partial_renders": True,
        "resume": True,
    }
    assert ChopsUpdate.render_segments is chops._render_segments
    assert LinuxDriver.run_input_thread is input_wait._run_input_thread
    assert Screen._on_screen_resume is resume._resume
    assert Compositor._get_renders is partial_renders._get_renders
    assert CommandPalette._action_command_list is palette._guarded_action_command_list


# --- resume: a screen resumed at a new size is sent once ---------------------------------


class _Painted(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("\n".join(f"line {i}" for i in range(20)))


async def _whole_screen_sends() -> int:
    """How many times the app sent the whole screen, from launch to settled."""
    from textual._compositor import LayoutUpdate

    sent: list[object] = []
    display = App._display

    def counted(self, screen, renderable):
        if isinstance(renderable, LayoutUpdate):
            sent.append(renderable)
        return display(self, screen, renderable)

    App._display = counted  # type: ignore[method-assign]
    try:
        app = _Painted()
        async with app.run_test(size=(60, 20)) as pilot:
            await pilot.pause()
            await pilot.pause()
    finally:
        App._display = display  # type: ignore[method-assign]
    return len(sent)


async def test_a_resumed_screen_is_not_sent_again_after_its_layout(monkeypatch):
    """When this fails, Textual's resume no longer repaints a screen its layout has just sent
    whole: delete compat/resume.py."""
    compat.apply()
    ours = await _whole_screen_sends()
    monkeypatch.setattr(Screen, "_on_screen_resume", resume.TEXTUAL_RESUME)
    textuals = await _whole_screen_sends()
    assert ours == textuals - 1


# --- partial_renders: a partial update renders only the lines it writes ---------------------


class _Rows(Widget):
    """20 lines, one of which a test changes and refreshes alone (a tick's changed cell)."""

    DEFAULT_CSS = "_Rows { height: 20; }"

    def __init__(self) -> None:
        super().__init__()
        self.rows = [f"row {i:02d} " + "." * 40 for i in range(20)]

    def render_line(self, y: int) -> Strip:
        return Strip([Segment(self.rows[y].ljust(self.size.width), Style.parse("green"))])


class _Framed(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("the top bar")
        yield _Rows()
        yield Static("the footer")


async def _partial_update(get_renders) -> tuple[int, list[str], list[str]]:
    """Change one cell of line 7 and let a frame write it, with this `_get_renders`: (the lines
    rendered for that frame, the screen as the terminal shows it after, as a full render)."""
    rendered: list[int] = []
    updates: list[ChopsUpdate] = []
    render_lines, partial = Widget.render_lines, Compositor.render_partial_update

    def counted(self, crop):
        rendered.append(crop.height)
        return render_lines(self, crop)

    def kept(self):
        update = partial(self)
        if update is not None:
            updates.append(update)
        return update

    console = Console(color_system="truecolor", width=60, force_terminal=True)
    app = _Framed()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Compositor, "_get_renders", get_renders)
        async with app.run_test(size=(60, 24)) as pilot:
            await pilot.pause()
            screen = pyte.Screen(60, 24)
            before = app.screen._compositor.render_strips()
            for y, strip in enumerate(before):
                feed = f"\x1b[{y + 1};1H" + "".join(seg.text for seg in strip)
                pyte.Stream(screen).feed(feed)
            rows = app.query_one(_Rows)
            rows.rows[6] = rows.rows[6][:8] + "X" + rows.rows[6][9:]
            patch.setattr(Widget, "render_lines", counted)
            patch.setattr(Compositor, "render_partial_update", kept)
            rows.refresh(Region(8, 6, 1, 1))
            await pilot.pause()
            patch.setattr(Widget, "render_lines", render_lines)
            after = ["".join(seg.text for seg in s) for s in app.screen._compositor.render_strips()]
    for update in updates:
        pyte.Stream(screen).feed(update.render_segments(console))
    return sum(rendered), [line.rstrip() for line in screen.display], after


async def test_a_partial_update_renders_only_its_lines_and_paints_the_same():
    """Needed while Textual renders, for one changed cell, every widget beside it in whole
    (the top bar, the footer, all 20 lines): here one line of the widget and of the screen
    behind it. Works: the terminal shows the same as with Textual's, and as a full render."""
    ours = await _partial_update(partial_renders._get_renders)
    textuals = await _partial_update(partial_renders.TEXTUAL_GET_RENDERS)
    assert textuals[0] >= 20 + 2 and ours[0] <= 2
    assert ours[1] == textuals[1]
    assert ours[1][7].startswith("row 06 .X.")  # under the top bar
    assert ours[1] == [line.rstrip() for line in ours[2]]


# --- chops: a changed cell sends only itself ---------------------------------------------


def _line(*cells: tuple[str, str]) -> Strip:
    return Strip([Segment(text, Style.parse(style)) for text, style in cells])


def test_a_partial_update_sends_only_the_changed_span_and_paints_the_same():
    """Needed while Textual resends a dirty line from the widget's left edge: our bytes are a
    third of Textual's for a one-digit change at column 23. Works: both paint the same."""
    console = Console(color_system="truecolor", width=40, force_terminal=True)
    old = _line(("  7  ", "bold"), ("alpha    ", ""), ("running ", "green"), ("12 sec", "dim"))
    new = _line(("  7  ", "bold"), ("alpha    ", ""), ("running ", "green"), ("13 sec", "dim"))
    span = changed_span(old, new)
    assert span == (23, 24)  # the one digit that changed
    update = ChopsUpdate([{0: new}], [(0, span[0], span[1])], [[40]])
    screens = []
    for render in (chops.TEXTUAL_RENDER_SEGMENTS, chops._render_segments):
        screen = pyte.Screen(40, 2)
        pyte.Stream(screen).feed("\x1b[1;1H" + "".join(s.text for s in old))
        data = render(update, console)
        pyte.Stream(screen).feed(data)
        screens.append((screen.display[0], len(data)))
    (textual_line, textual_bytes), (our_line, our_bytes) = screens
    assert our_line == textual_line and "13 sec" in our_line
    assert our_bytes < textual_bytes / 3


# --- the palette ----------------------------------------------------------------------------


async def _palette_just_mounted(app: App[None]) -> CommandPalette:
    palette_screen = CommandPalette(id="--command-palette")
    await app.push_screen(palette_screen)
    await asyncio.sleep(0)  # composed, its list not drawn yet
    return palette_screen


async def test_a_page_key_before_the_palette_list_is_drawn_needs_the_guard():
    app: App[None] = App()
    async with app.run_test():
        palette_screen = await _palette_just_mounted(app)
        with pytest.raises(KeyError):
            palette.TEXTUAL_ACTION_COMMAND_LIST(palette_screen, "page_down")


async def test_the_guard_ignores_that_page_key():
    compat.apply()
    app: App[None] = App()
    async with app.run_test() as pilot:
        palette_screen = await _palette_just_mounted(app)
        palette_screen._action_command_list("page_down")  # does nothing, raises nothing
        await pilot.pause()
        palette_screen._action_command_list("page_down")  # drawn now: it pages
        assert app.screen is palette_screen


async def test_textual_opens_a_second_palette_when_one_is_under_another_screen():
    app: App[None] = App()
    async with app.run_test() as pilot:
        App.action_command_palette(app)
        await pilot.pause()
        app.push_screen(Screen())
        await pilot.pause()
        with pytest.raises(Exception, match="--command-palette"):  # DuplicateIds
            App.action_command_palette(app)
            await pilot.pause()


async def test_open_palette_does_not():
    app: App[None] = App()
    async with app.run_test() as pilot:
        compat.open_palette(app)
        await pilot.pause()
        app.push_screen(Screen())
        await pilot.pause()
        compat.open_palette(app)
        await pilot.pause()
        assert sum(isinstance(s, CommandPalette) for s in app.screen_stack) == 1


# --- Static's private content --------------------------------------------------------------


class _OneStatic(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("Epoch 1/3 - step 42/300", id="s")


async def test_static_update_repaints_the_whole_widget():
    app = _OneStatic()
    async with app.run_test(size=(60, 5)) as pilot:
        await pilot.pause()
        static = app.query_one(Static)
        static._dirty_regions.clear()
        static._repaint_regions.clear()
        static.update("Epoch 1/3 - step 43/300")
        dirty = Region.from_union(list(static._dirty_regions or static._repaint_regions))
        assert dirty.width == static.size.width  # all of it, for a change of two cells


async def test_set_static_content_changes_what_the_static_shows():
    app = _OneStatic()
    async with app.run_test(size=(60, 5)) as pilot:
        await pilot.pause()
        static = app.query_one(Static)
        from textual.visual import visualize

        visual = visualize(static, "changed")
        assert compat.set_static_content(static, "changed", visual)
        assert static.content == "changed" and static.visual is visual


# --- a widget's size without a second layout ------------------------------------------------


class _Leaf(Widget):
    """A widget with no children that never scrolls, counting the paints of its first line."""

    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def render_line(self, y: int) -> Strip:
        if y == 0:
            self.paints += 1
        return Strip.blank(self.size.width)


class _QuietLeaf(_Leaf):
    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        return compat.size_without_relayout(self, size, virtual_size, container_size, layout)


class _Shows(App[None]):
    def __init__(self, leaf: _Leaf) -> None:
        super().__init__()
        self.leaf = leaf

    def compose(self) -> ComposeResult:
        yield Static("above")
        yield self.leaf


async def _paints_once_shown(leaf: _Leaf) -> int:
    """The leaf mounted hidden and then shown, as the detail screen shows its chart."""
    leaf.display = False
    app = _Shows(leaf)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        leaf.display = True
        for _ in range(5):
            await pilot.pause(0.02)
        return leaf.paints


async def test_textual_paints_a_shown_widget_twice():
    assert await _paints_once_shown(_Leaf()) == 2  # the layout, then the one its size asks for


async def test_size_without_relayout_paints_it_once():
    assert await _paints_once_shown(_QuietLeaf()) == 1


# --- the footer's keys, a node's bindings, the driver ---------------------------------------


class _Footed(App[None]):
    BINDINGS = [("x", "stop", "Stop"), ("x", "stop_now", "Stop now"), ("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Footer()


async def test_bindings_of_lists_what_active_bindings_cannot():
    app = _Footed()
    async with app.run_test():
        public = [b for b in app.active_bindings.values() if b.binding.key == "x"]
        assert len(public) == 1  # the public map keeps one binding a key
        ours = [b.action for b in compat.bindings_of(app) if b.key == "x"]
        assert ours == ["stop", "stop_now"]


async def test_driver_of_gives_the_running_apps_driver():
    assert not hasattr(App, "driver")  # no public way to it
    app: App[None] = App()
    assert compat.driver_of(app) is None
    async with app.run_test():
        assert compat.driver_of(app) is not None


# --- the form's controls ---------------------------------------------------------------------


class _Form(App[None]):
    def compose(self) -> ComposeResult:
        yield Checkbox("plain", id="plain")
        yield TickBox("ours", id="ours")
        yield FormSelect([("a", "a")], value="a", allow_blank=False, ascii_only=True, id="sel")


async def test_textuals_checkbox_looks_the_same_ticked_or_not():
    app = _Form()
    async with app.run_test():
        box = app.query_one("#plain", Checkbox)
        before = box._button.plain
        box.value = True
        assert box._button.plain == before  # only colour tells them apart


async def test_tick_box_shows_its_state_in_characters():
    app = _Form()
    async with app.run_test():
        box = app.query_one(TickBox)
        assert box._button.plain == "[ ]"
        box.value = True
        assert box._button.plain == "[x]"


async def test_ascii_select_arrows_replace_the_arrow():
    app = _Form()
    async with app.run_test(size=(40, 8)) as pilot:
        await pilot.pause()
        lines = [strip.text for strip in app.screen._compositor.render_strips()]
        assert any(" v" in line for line in lines) and not any("▼" in line for line in lines)


# --- plotext's size and theme ----------------------------------------------------------------


def _chart_lines(plt, width: int, height: int, fix: bool) -> int:
    plt.clear_figure()
    if fix:
        compat.plot_size(plt, width, height)
    else:
        plt.plotsize(width, height)
    plt.xlim(0, 100)
    plt.xticks([0, 50, 100], ["0", "50", "100"])
    plt.plot(list(range(100)), [3 * 0.97**i for i in range(100)], marker="braille")
    return len(plt.build().split("\n"))


def test_plotsize_alone_leaves_the_canvas_short_after_a_resize():
    plt = PlotextPlot().plt
    _chart_lines(plt, 40, 10, fix=False)
    assert _chart_lines(plt, 118, 33, fix=False) < 33


def test_plot_size_lays_the_canvas_out_at_the_size_asked():
    plt = PlotextPlot().plt
    _chart_lines(plt, 40, 10, fix=True)
    assert _chart_lines(plt, 118, 33, fix=True) >= 33


async def test_plot_theme_names_the_theme_textual_plotext_registered(make_app):
    from plotext._dict import themes

    assert not hasattr(PlotextPlot, "plotext_theme_name")  # no public way to it
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        plot = PlotextPlot()
        await app.screen.mount(plot)
        await pilot.pause()
        assert compat.plot_theme(plot, app.theme) in themes


async def test_a_toast_is_taken_down_only_through_textuals_privates():
    assert not hasattr(App, "unnotify")  # no public way to take one toast down
    from textual.notifications import Notification, Notify

    app: App[None] = App()
    async with app.run_test() as pilot:
        shown = Notification("one", "t", "information", 30)
        app.post_message(Notify(shown))
        await pilot.pause()
        assert shown in app._notifications
        compat.drop_notification(app, shown)
        await pilot.pause()
        assert shown not in app._notifications


# --- scroll.scroll_rows_up: the terminal scrolls the output pane's rows --------------------


_LAST_LINE = "line 30 " + "ab" * 2
_PANE_ROWS = 10  # OutputPane's height


def _screen(app) -> str:
    return "the screen was:\n" + app.text()


def _wait_screen(app, holds, what: str, timeout: float = 30.0):
    """Read the app's output until `holds(rows)` returns something (never a fixed window)."""
    end = time.monotonic() + timeout
    while True:
        found = holds(app.screen.display)
        if found:
            return found
        assert time.monotonic() < end and app.child.isalive(), f"never {what}; {_screen(app)}"
        app.pump(0.1)


def _full_pane(rows: list[str]) -> list[str] | None:
    """The pane's rows when it shows the last ten output lines (line 30 in its bottom row),
    found by their text, wherever the layout put them."""
    bottom = next((y for y, row in enumerate(rows) if row.strip() == _LAST_LINE), None)
    if bottom is None or bottom < _PANE_ROWS - 1:
        return None
    pane = rows[bottom - _PANE_ROWS + 1 : bottom + 1]
    return pane if all(re.search(r"\b(line \d\d|warn \d\d)\b", row) for row in pane) else None


def _settled_pane(app) -> list[str]:
    """The full pane, read again after the next bytes the app sends: not a frame half read."""
    while True:
        pane = _wait_screen(app, _full_pane, "a pane full of the last ten lines")
        app.pump(0.2)
        if _full_pane(app.screen.display) == pane:
            return pane


def test_output_scrolled_by_the_terminal_shows_what_a_full_repaint_shows(tmp_path, helpers):
    """In a real terminal emulator: the pane scrolled by a scroll region (DECSTBM) line by
    line holds, cell for cell, what the app paints when it paints the pane anew."""
    import subprocess
    import sys
    import textwrap

    from tests.support.pty_app import VAPOR, PtyApp

    db = str(tmp_path / "c.db")
    env = helpers.cli_env({"VAPOR_TUI_DB": db})
    script = tmp_path / "lines.py"
    go = tmp_path / "go"
    script.write_text(
        textwrap.dedent(
            """
            import sys, time
            from pathlib import Path
            print("lines to come", flush=True)
            while not Path(__file__).with_name("go").exists():  # the pane shows the line
                time.sleep(0.02)
            for i in range(1, 31):
                print(f"line {i:02d} " + "ab" * (i % 7), flush=True)
                if i % 9 == 0:
                    print(f"warn {i}", file=sys.stderr, flush=True)
                time.sleep(0.15)
            time.sleep(600)
            """
        )
    )
    made = subprocess.run(
        [VAPOR, "new", "--name", "lines", "--start", "--", sys.executable, str(script)],
        env=env, capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    job_id = made.stdout.strip()
    # 40 rows: at 30, a command line long enough to wrap once more (the checkout's path, the
    # temporary directory's number) put the pane's bottom row under the footer.
    app = PtyApp(["--db", db, "watch", job_id], env, cols=100, rows=40)
    try:
        # The thirty lines come one by one once the pane shows the first (its own text: no
        # other part of the screen says it), so the pane scrolls, even on a loaded machine
        # where the app could otherwise open on all of them at once.
        _wait_screen(app, lambda rows: any("lines to come" in r for r in rows), "the pane")
        go.touch()
        scrolled = _settled_pane(app)
        raw = bytes(app.raw)
        assert b"r\x1b[" in raw and b"\x1b[r" in raw, f"no scroll region; {_screen(app)}"
        app.send("o")  # hidden, and shown again: the pane and the chart above it painted anew
        _wait_screen(app, lambda rows: not any("line 30" in r for r in rows), "the pane hidden")
        app.send("o")
        again = _settled_pane(app)
        assert again == scrolled, "\n".join(
            ["scrolled:", *scrolled, "repainted:", *again, _screen(app)]
        )
    finally:
        app.close()
        subprocess.run([VAPOR, "fail", job_id], env=env, capture_output=True, timeout=60)


def test_textual_input_thread_still_wakes_ten_times_a_second():
    """When this fails, Textual's input thread no longer polls on a 0.1 s timeout (or is no
    longer the function input_wait copied): delete compat/input_wait.py, or copy it again."""
    source = inspect.getsource(input_wait.TEXTUAL_RUN_INPUT)
    assert "process_selector_events(selector.select(0.1))" in source
    assert input_wait.source_digest(input_wait.TEXTUAL_RUN_INPUT) == input_wait.COPIED_FROM


def test_the_input_thread_reads_keys_times_out_a_lone_escape_and_ends_on_close(monkeypatch):
    """Run on a pipe for a keyboard: a key, a lone ESC (the escape key once the parser's
    0.1 s is up), and closing, which wakes a thread that waits without a timeout while
    nothing is pending."""
    waits: list[float | None] = []
    select = selectors.SelectSelector.select

    def recorded(self, timeout=None):
        waits.append(timeout)
        return select(self, timeout)

    monkeypatch.setattr(selectors.SelectSelector, "select", recorded)
    keyboard, typing = os.pipe()
    keys: list[str] = []
    got = threading.Condition()

    def process_message(message) -> None:
        with got:
            keys.append(getattr(message, "key", type(message).__name__))
            got.notify_all()

    driver = SimpleNamespace(
        fileno=keyboard, _debug=False, exit_event=threading.Event(), process_message=process_message
    )
    thread = threading.Thread(target=input_wait._run_input_thread, args=(driver,))
    thread.start()
    try:
        os.write(typing, b"a")
        with got:
            assert got.wait_for(lambda: "a" in keys, timeout=30), keys
        os.write(typing, b"\x1b")
        with got:
            assert got.wait_for(lambda: "escape" in keys, timeout=30), keys
        assert input_wait.IDLE_WAIT_S in waits and input_wait.PENDING_WAIT_S in waits
    finally:
        driver.exit_event.set()  # the waking event the thread put in its place
        thread.join(timeout=input_wait.IDLE_WAIT_S / 2)  # woken, not timed out
        os.close(typing)
        os.close(keyboard)
    assert not thread.is_alive()

"""A line's changed runs sent apart, and the partial-update writer that sends them: what the
terminal ends up showing is exactly what a full repaint would show, cell by cell and style by
style, for fewer bytes (issue 14: the progress bar's edge and its percentage, not the hundred
unchanged bar cells between them)."""

from __future__ import annotations

import itertools
import os
import re

import pyte
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual._compositor import ChopsUpdate
from textual.strip import SGR_STYLES, Strip

from tests.support.pty_app import PtyApp
from vapor_tui.ui.compat import chops
from vapor_tui.ui.widgets.diff import changed_runs, changed_span

from .test_traffic import _cols

ORIGINAL = chops.TEXTUAL_RENDER_SEGMENTS
WIDTH = 30


def _line(*cells: tuple[str, str]) -> Strip:
    return Strip([Segment(text, Style.parse(style) if style else None) for text, style in cells])


def test_a_progress_bar_line_is_two_runs_its_edge_and_its_percentage():
    bar = "green on grey11"
    old = _line(("█" * 12 + "▌" + "░" * 100, bar), (" ", ""), (" 11.3%", "bold"))
    new = _line(("█" * 12 + "▉" + "░" * 100, bar), (" ", ""), (" 11.7%", "bold"))
    assert changed_runs(old, new) == [(12, 13), (118, 119)]
    assert changed_span(old, new) == (12, 119)  # the old span: a hundred cells for nothing


def test_runs_a_few_cells_apart_are_sent_as_one():
    old = _line(("step 41/300 loss 0.51", ""))
    new = _line(("step 42/300 loss 0.52", ""))
    # Eleven unchanged cells cost more than a cursor move: two runs.
    assert changed_runs(old, new) == [(6, 7), (20, 21)]
    old, new = _line(("a1b1", "")), _line(("a2b2", ""))
    assert changed_runs(old, new) == [(1, 4)]  # one cell between: cheaper to send it


CELLS = st.lists(
    st.tuples(st.text("ab -中░▌", max_size=8), st.sampled_from(["", "red", "bold", "red on blue"])),
    max_size=6,
)


@given(CELLS, CELLS)
def test_repainting_the_runs_turns_the_old_line_into_the_new(old, new):
    a, b = _line(*old), _line(*new)
    width = max(a.cell_length, b.cell_length)
    screen, target = _cols(a, width), _cols(b, width)
    runs = changed_runs(a, b)
    assert runs == sorted(runs)
    for first, end in runs:
        assert 0 <= first < end <= width
        assert target[first][0] != "" and (end == width or target[end][0] != "")  # whole chars
        screen[first:end] = target[first:end]
    assert screen == target
    for (_, end), (first, _) in itertools.pairwise(runs):
        assert end < first  # apart, or they would have been one run


# --- the writer ----------------------------------------------------------------------------

STYLES = st.builds(
    lambda attrs, fg, bg: Style(
        bold="b" in attrs,
        dim="d" in attrs,
        italic="i" in attrs,
        underline="u" in attrs,
        reverse="r" in attrs,
        strike="s" in attrs,
        color=fg,
        bgcolor=bg,
    ),
    st.text("bdiurs", max_size=4),
    st.sampled_from([None, "red", "color(71)", "#203040", "default"]),
    st.sampled_from([None, "blue", "color(233)", "#ffeedd"]),
)
SEGMENTS = st.lists(
    st.tuples(st.text("xy░中", min_size=1, max_size=5), st.none() | STYLES), max_size=5
)


def _strip(segments, width: int) -> Strip:
    return Strip([Segment(t, s) for t, s in segments]).adjust_cell_length(width)


def _update(lines) -> tuple[list[Strip], list[Strip], ChopsUpdate | None]:
    """(old lines, new lines, the update that turns one into the other, or None)."""
    old_lines = [_strip(old, WIDTH) for old, _ in lines]
    new_lines = [_strip(new, WIDTH) for _, new in lines]
    spans = [
        (y, first, end)
        for y, (a, b) in enumerate(zip(old_lines, new_lines, strict=True))
        for first, end in changed_runs(a, b)
    ]
    if not spans:
        return old_lines, new_lines, None
    chops = [{0: line} for line in new_lines]
    return old_lines, new_lines, ChopsUpdate(chops, spans, [[WIDTH]] * len(new_lines))


# One colour system throughout, as in the app (Textual keeps a style's codes for the first
# system it met); 256 colours, as over SSH without COLORTERM.
CONSOLE = Console(color_system="256", force_terminal=True)


def _seen(char: pyte.screens.Char) -> object:
    """What a cell shows: a blank, its background and the lines through or under it, not its
    foreground, bold or italics (the writer draws blanks in the pen at hand); in reverse
    video, everything."""
    if char.data == " " and not char.reverse:
        return (" ", char.bg, char.underscore, char.strikethrough)
    return char


def _painted(data: str, old_lines: list[Strip]) -> list[list[object]]:
    screen = pyte.Screen(WIDTH, len(old_lines))
    stream = pyte.Stream(screen)
    console = Console(color_system="256", width=WIDTH, force_terminal=True)
    for y, line in enumerate(old_lines):
        stream.feed(f"\x1b[{y + 1};1H" + line.render(console))
    stream.feed(data)
    return [[_seen(screen.buffer[y][x]) for x in range(WIDTH)] for y in range(len(old_lines))]


@settings(max_examples=300)
@given(st.lists(st.tuples(SEGMENTS, SEGMENTS), min_size=1, max_size=4))
def test_the_writer_paints_what_textual_paints(lines):
    """Cell for cell, with colours and every attribute pyte keeps (of a blank, what shows),
    the screen after our update is the screen after Textual's own (which resends each line
    from its left edge)."""
    old_lines, _, update = _update(lines)
    if update is None:
        return
    ours, textual = chops._render_segments(update, CONSOLE), ORIGINAL(update, CONSOLE)
    assert _painted(ours, old_lines) == _painted(textual, old_lines)


# An SGR interpreter written from ECMA-48, independent of the writer's tables, for what pyte
# does not keep (faint, and the order in which attributes are turned off).
_ENDS = {"22": {"1", "2"}, "23": {"3"}, "24": {"4", "21"}, "25": {"5", "6"}, "27": {"7"}}
_ENDS |= {"28": {"8"}, "29": {"9"}, "54": {"51", "52"}, "55": {"53"}}


def _pens(data: str) -> dict[tuple[int, int], tuple[frozenset, tuple, tuple]]:
    """(x, y) -> (attributes, foreground, background) each printed cell was drawn with."""
    attrs: set[str] = set()
    fg: tuple = ()
    bg: tuple = ()
    x = y = 0
    drawn = {}
    for token in re.findall(r"\x1b\[[0-9;]*[A-Za-z]|\x1b\][^\x1b]*\x1b\\\\|\x1bD|.", data, re.S):
        if token.startswith("\x1b]"):
            continue
        if token == "\x1bD":  # IND: down a line, same column
            y += 1
            continue
        if token == "\b":
            x = max(0, x - 1)
            continue
        if token.startswith("\x1b["):
            params, final = token[2:-1], token[-1]
            count = int(params) if final in "ABCD" and params else 1
            if final == "H":
                row, col = params.split(";")
                y, x = int(row) - 1, int(col) - 1
            elif final == "G":
                x = int(params) - 1
            elif final in "AB":
                y += count if final == "B" else -count
            elif final in "CD":
                x += count if final == "C" else -count
            elif final == "m":
                codes = params.split(";") if params else ["0"]
                i = 0
                while i < len(codes):
                    code = codes[i]
                    if code == "0":
                        attrs, fg, bg = set(), (), ()
                    elif code in ("38", "48"):
                        n = 3 if codes[i + 1] == "5" else 5
                        colour = tuple(codes[i : i + n])
                        fg, bg = (colour, bg) if code == "38" else (fg, colour)
                        i += n - 1
                    elif code == "39":
                        fg = ()
                    elif code == "49":
                        bg = ()
                    elif code in _ENDS:
                        attrs -= _ENDS[code]
                    elif code in SGR_STYLES:
                        attrs.add(code)
                    elif 30 <= int(code) <= 37 or 90 <= int(code) <= 97:
                        fg = (code,)
                    else:  # 40-47, 100-107
                        bg = (code,)
                    i += 1
            continue
        drawn[(x, y)] = (frozenset(attrs), fg, bg)
        x += cell_len(token)
    return drawn


def _expected_pen(style: Style | None) -> tuple[frozenset, tuple, tuple]:
    if style is None:
        return frozenset(), (), ()
    return _pens(f"\x1b[{Strip.render_ansi(style, CONSOLE._color_system)}m.")[(0, 0)]


# What a blank shows of its pen (unless in reverse video): its background and these.
_SHOWN_ON_BLANK = {"4", "21", "9", "53", "51", "52"}


def _blank_seen(pen: tuple[frozenset, tuple, tuple]) -> object:
    attrs, _, bg = pen
    if "7" in attrs:
        return pen
    return attrs & _SHOWN_ON_BLANK, bg


@settings(max_examples=200)
@given(st.lists(st.tuples(SEGMENTS, SEGMENTS), min_size=1, max_size=4))
def test_every_cell_sent_is_drawn_with_its_own_style(lines):
    _, new_lines, update = _update(lines)
    if update is None:
        return
    data = chops._render_segments(update, CONSOLE)
    drawn = _pens(data)
    for y, line in enumerate(new_lines):
        x = 0
        for segment in line:
            for char in segment.text:
                if (x, y) in drawn and char == " ":
                    seen = _blank_seen(drawn[(x, y)])
                    assert seen == _blank_seen(_expected_pen(segment.style)), (x, y)
                elif (x, y) in drawn:
                    assert drawn[(x, y)] == _expected_pen(segment.style), (x, y, char)
                x += cell_len(char)
    # The update leaves the terminal's style as it found it: whatever comes next is plain.
    assert _pens(data + "\x1b[1;1H.")[(0, 0)] == (frozenset(), (), ())


# --- in a real terminal ----------------------------------------------------------------------


def test_watching_a_short_job_resends_none_of_the_bar_between_its_edge_and_percent(
    tmp_path, run_cli
):
    """`new` defaults at a step a second: 300 steps, so the bar's edge moves a third of a cell
    and its percentage a tenth each tick. They used to go out with every unchanged bar cell
    between them (about a hundred "░", three bytes each, a tick)."""
    db = str(tmp_path / "short.db")
    code, out, _ = run_cli(
        "new", "--name", "short", "--step-seconds", "1", "--seed", "3", "--start", "--db", db
    )
    assert code == 0
    env = {k: v for k, v in os.environ.items() if k != "VAPOR_TUI_DB"}
    app = PtyApp(["watch", out.strip(), "--db", db], env)
    try:
        app.wait_for("Epoch")
        app.pump(2.5)  # the first frame, the chart, the first ticks
        start = len(app.raw)
        app.pump(4.0)
        window = bytes(app.raw[start:])
        shown = app.text()
        app.send("q")
        assert app.wait_exit() == 0
    finally:
        app.close()
    assert "%" in shown and "░" in shown  # the bar is there, part done
    text = window.decode(errors="replace")
    assert any(glyph in text for glyph in "▏▎▍▌▋▊▉█"), text  # the edge moved
    assert text.count("░") <= 3, text


def test_values_under_each_other_are_reached_by_a_move_down_and_back():
    """Four legend lines' values changing in one column (issue 12): after the first, each is
    reached from the end of the one above (down a line, back four columns: 6 bytes, not the
    8 of an absolute move), and the screen ends as Textual's own update leaves it. After the
    last column the cursor waits there to wrap: the next line is reached by an absolute move."""
    old_lines = [_line(("loss ", ""), (f"2.{i}000", "bold"), (" " * 19, "")) for i in range(4)]
    new_lines = [_line(("loss ", ""), (f"2.{i}123", "bold"), (" " * 19, "")) for i in range(4)]
    update = ChopsUpdate(
        [{0: line} for line in new_lines], [(y, 7, 10) for y in range(4)], [[WIDTH]] * 4
    )
    ours, textual = chops._render_segments(update, CONSOLE), ORIGINAL(update, CONSOLE)
    assert ours.count("\x1bD\b\b\b") == 3 and ours.count("H") == 1, repr(ours)
    assert _painted(ours, old_lines) == _painted(textual, old_lines)
    edge = [_line(("x" * (WIDTH - 1), ""), ("y", "")), _line(("z" * WIDTH, ""))]
    update = ChopsUpdate(
        [{0: edge[0]}, {0: edge[1]}], [(0, WIDTH - 1, WIDTH), (1, 0, 1)], [[WIDTH]] * 2
    )
    ours = chops._render_segments(update, CONSOLE)
    assert "\x1b[2;1H" in ours, repr(ours)
    assert _painted(ours, edge) == _painted(ORIGINAL(update, CONSOLE), edge)


def test_a_blank_is_drawn_in_the_pen_at_hand():
    """A compare curve's cell cleared between two of its markers (issue 12): the blank shows
    only its background, so it keeps the markers' colour, where it cost a change to the
    default colour and one back (16 bytes). In reverse video a blank shows its colour: then
    it is drawn as it is."""
    curve, cleared = "color(174) on color(234)", "on color(234)"
    old_lines = [_line(("x" * WIDTH, ""))]
    new_lines = [_line(("●", curve), (" ", cleared), ("●", curve), ("x" * (WIDTH - 3), ""))]
    update = ChopsUpdate([{0: new_lines[0]}], [(0, 0, 3)], [[WIDTH]])
    ours = chops._render_segments(update, CONSOLE)
    assert ours == "\x1b[1;1H\x1b[38;5;174;48;5;234m● ●\x1b[0m", repr(ours)
    assert _painted(ours, old_lines) == _painted(ORIGINAL(update, CONSOLE), old_lines)
    reversed_blank = [_line(("●", curve), (" ", "reverse on color(234)"), ("x" * 28, ""))]
    update = ChopsUpdate([{0: reversed_blank[0]}], [(0, 0, 2)], [[WIDTH]])
    ours = chops._render_segments(update, CONSOLE)
    assert "7" in ours.split("●")[1], repr(ours)
    assert _painted(ours, old_lines) == _painted(ORIGINAL(update, CONSOLE), old_lines)

"""Which cells of a line changed: the smallest span to repaint, or the runs worth sending.

A line's changed cells may lie apart with unchanged ones between: the edge of a progress bar
and its percentage at the end of the line, a hundred unchanged bar cells (three bytes each)
apart; a step count, a speed and a loss along a stats line. Sending each run alone costs a
cursor move (and a change of style, where the next run's differs); sending the gap costs its
characters. `changed_runs` joins two runs only where the gap is the cheaper of the two.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.strip import Strip

# What the terminal is sent, in bytes, estimated (ui/compat/chops.py writes it): a cursor move
# along the line ("\x1b[116G") and a change of style (at most its whole SGR, with a 256-colour
# foreground and background: "\x1b[0;38;5;71;48;5;233m").
MOVE_BYTES = 6
STYLE_BYTES = 22

_Columns = list[tuple[str, object]]


def _columns(strip: Strip) -> _Columns:
    """What each terminal column shows: (character, style); the second column of a wide
    character holds ("", style)."""
    columns: _Columns = []
    for segment in strip:
        style = segment.style
        for char in segment.text:
            columns.append((char, style))
            columns.extend([("", style)] * (cell_len(char) - 1))
    return columns


def _padded(old: Strip, new: Strip) -> tuple[_Columns, _Columns]:
    a, b = _columns(old), _columns(new)
    width = max(len(a), len(b))
    blank = (" ", None)
    a.extend([blank] * (width - len(a)))
    b.extend([blank] * (width - len(b)))
    return a, b


def changed_span(old: Strip, new: Strip) -> tuple[int, int] | None:
    """(first column, end column) of the columns whose character or style differs, or None if
    the lines look the same. Compared column by column, because that is what the screen holds:
    text that moved left or right has changed wherever it now stands."""
    runs = changed_runs(old, new, join_all=True)
    return runs[0] if runs else None


def changed_runs(old: Strip, new: Strip, join_all: bool = False) -> list[tuple[int, int]]:
    """The (first, end) column runs to repaint to turn `old` into `new`, left to right: every
    changed column is in one, and two runs are joined where resending the cells between them
    costs no more than moving the cursor and starting the style again (always, `join_all`)."""
    a, b = _padded(old, new)
    width = len(b)
    runs: list[tuple[int, int]] = []
    x = 0
    while x < width:
        if a[x] == b[x]:
            x += 1
            continue
        start = x
        while start > 0 and b[start][0] == "":  # never from the middle of a wide character
            start -= 1
        while x < width and (a[x] != b[x] or b[x][0] == ""):
            x += 1
        if runs and (join_all or _join_is_cheaper(b, runs[-1][1], start)):
            runs[-1] = (runs[-1][0], x)
        else:
            runs.append((start, x))
    return runs


def _join_is_cheaper(columns: _Columns, gap_start: int, gap_end: int) -> bool:
    """Is sending the unchanged columns [gap_start, gap_end) between two runs no dearer than
    moving the cursor to the second run (and changing the style, if it differs there)?"""
    if gap_end <= gap_start:
        return True
    gap_bytes = sum(len(char.encode()) for char, _ in columns[gap_start:gap_end])
    # The style in force carries across a move: joined, it changes wherever it changes along
    # the gap and into the second run; split, only if the second run starts in another one.
    joined_changes = sum(
        1 for x in range(gap_start, gap_end + 1) if columns[x][1] != columns[x - 1][1]
    )
    split_changes = columns[gap_end][1] != columns[gap_start - 1][1]
    joined = gap_bytes + STYLE_BYTES * joined_changes
    return joined <= MOVE_BYTES + STYLE_BYTES * split_changes

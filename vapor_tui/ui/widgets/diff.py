"""Which cells of a line changed: the smallest span to repaint."""

from __future__ import annotations

from rich.cells import cell_len
from textual.strip import Strip


def _cells(strip: Strip) -> list[tuple[int, str, object]]:
    cells = []
    x = 0
    for segment in strip:
        style = segment.style
        for char in segment.text:
            cells.append((x, char, style))
            x += cell_len(char)
    return cells


def changed_span(old: Strip, new: Strip) -> tuple[int, int] | None:
    """(first column, end column) of the cells that differ, or None if the lines look the same."""
    a, b = _cells(old), _cells(new)
    n = min(len(a), len(b))
    first = 0
    while first < n and a[first] == b[first]:
        first += 1
    if first == len(a) == len(b):
        return None
    end_a, end_b = len(a), len(b)
    while end_a > first and end_b > first and a[end_a - 1][1:] == b[end_b - 1][1:]:
        end_a -= 1
        end_b -= 1
    start = min(
        a[first][0] if first < len(a) else old.cell_length,
        b[first][0] if first < len(b) else new.cell_length,
    )
    stop_a = a[end_a - 1][0] + cell_len(a[end_a - 1][1]) if end_a > first else start
    stop_b = b[end_b - 1][0] + cell_len(b[end_b - 1][1]) if end_b > first else start
    return start, max(stop_a, stop_b, start + 1)

"""Which cells of a line changed: the smallest span to repaint."""

from __future__ import annotations

from rich.cells import cell_len
from textual.strip import Strip


def _columns(strip: Strip) -> list[tuple[str, object]]:
    """What each terminal column shows: (character, style); the second column of a wide
    character holds ("", style)."""
    columns: list[tuple[str, object]] = []
    for segment in strip:
        style = segment.style
        for char in segment.text:
            columns.append((char, style))
            columns.extend([("", style)] * (cell_len(char) - 1))
    return columns


def changed_span(old: Strip, new: Strip) -> tuple[int, int] | None:
    """(first column, end column) of the columns whose character or style differs, or None if
    the lines look the same. Compared column by column, because that is what the screen holds:
    text that moved left or right has changed wherever it now stands."""
    a, b = _columns(old), _columns(new)
    width = max(len(a), len(b))
    blank = (" ", None)
    a.extend([blank] * (width - len(a)))
    b.extend([blank] * (width - len(b)))
    first = 0
    while first < width and a[first] == b[first]:
        first += 1
    if first == width:
        return None
    end = width
    while end > first and a[end - 1] == b[end - 1]:
        end -= 1
    return first, end

"""One correction to Textual, for terminal traffic over SSH.

Textual marks exactly the cells that changed as dirty, but when it writes a partial update
(`ChopsUpdate.render_segments`) it crops each dirty line from the *left edge of the widget* to
the end of the dirty span. One changed cell at the right of a 120-column table therefore resends
the whole row. This version crops from the start of the dirty span as well, and moves the
cursor there. The output differs only in what is left out: cells that did not change.

A Textual bug to report: `ChopsUpdate.render_segments` (textual/_compositor.py) should crop to
the dirty span's start `x1` as it crops to its end; once a release does, delete this file and its
entry in compat/__init__.py (`test_compat.py` fails on that release to say so). It is applied
only to the Textual version it was written against (constraints.txt pins it); the same test
checks that a patched update leaves the screen exactly as a full repaint would.
"""

from __future__ import annotations

import textual
from rich.console import Console
from rich.control import Control
from textual._compositor import ChopsUpdate

PATCHED_FOR = ("8.",)
TEXTUAL_RENDER_SEGMENTS = ChopsUpdate.render_segments  # Textual's own, to tell if still needed


def _render_segments(self: ChopsUpdate, console: Console) -> str:
    sequences: list[str] = []
    append = sequences.append
    move_to = Control.move_to
    chops = self.chops
    chop_ends = self.chop_ends
    last_y = self.spans[-1][0]
    for y, x1, x2 in self.spans:
        line = chops[y]
        ends = chop_ends[y]
        for end, (x, strip) in zip(ends, line.items(), strict=False):
            if strip is None or x > x2 or end <= x1:
                continue
            start = max(x1 - x, 0)
            stop = min(end, x2) - x
            if start or stop < end - x:
                strip = strip.crop(start, stop)
            append(move_to(x + start, y).segment.text)
            append(strip.render(console))
        if y != last_y:
            append("\n")
    return "".join(sequences)


def apply() -> bool:
    """Install the correction if this Textual is one it was written for."""
    if not textual.__version__.startswith(PATCHED_FOR):
        return False
    if ChopsUpdate.render_segments is _render_segments:
        return True
    ChopsUpdate.render_segments = _render_segments  # type: ignore[method-assign]
    return True

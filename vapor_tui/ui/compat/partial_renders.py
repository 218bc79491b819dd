"""Textual's `Compositor._get_renders` for a partial update: what a frame renders of each widget.

A partial update (a tick's changed cells) crops to the box around the dirty regions, but
Textual renders every widget whose *clip* overlaps that box, each in whole: its clip is its
container's region, so the top bar, the footer and the table's scroll bar (the screen's
children, clipped to the screen) and all 38 of the table's lines were rendered on every tick
that changed one column of 20 rows, and all but those 20 lines thrown away (issue 14). Here a
partial update renders only the widgets whose visible part overlaps the box, and of each only
the lines the box spans: what the update writes is the same, cut from the same strips.

A Textual inefficiency: `tests/ui/test_compat.py` fails when Textual's own renders no more
lines than this does (delete this then), and checks that the screen is painted the same.
"""

from __future__ import annotations

from collections.abc import Iterable

import textual
from textual._compositor import Compositor
from textual.geometry import Region
from textual.strip import Strip

PATCHED_FOR = "8."
TEXTUAL_GET_RENDERS = Compositor._get_renders


def _get_renders(
    self: Compositor, crop: Region | None = None
) -> Iterable[tuple[Region, Region, list[Strip]]]:
    """Textual's, but a crop's renders are only the lines of it each widget shows."""
    if not crop:
        yield from TEXTUAL_GET_RENDERS(self, crop)
        return
    top, bottom = crop.y, crop.bottom
    for widget, (region, clip) in self.visible_widgets.items():
        x, y, width, height = region.intersection(clip)
        if not (width and height and crop.overlaps(Region(x, y, width, height))):
            continue
        first, last = max(y, top), min(y + height, bottom)
        # The region handed on starts at the first line rendered: the caller pairs the
        # strips with the lines of its intersection with the clip, from its top.
        lines = Region(region.x, first, region.width, last - first)
        crop_in_widget = Region(x - region.x, first - region.y, width, last - first)
        yield lines, clip, widget.render_lines(crop_in_widget)


def apply() -> bool:
    """Install it if this Textual is one it was written for."""
    if not textual.__version__.startswith(PATCHED_FOR):
        return False
    if Compositor._get_renders is not _get_renders:
        Compositor._get_renders = _get_renders  # type: ignore[method-assign]
    return True

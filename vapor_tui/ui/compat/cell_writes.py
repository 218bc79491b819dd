"""Changed cells of a line widget written to the terminal at once, not through a frame.

A tick changes a few cells of 20 rows. Through `Widget.refresh(region)` each became a dirty
region, a Prompt message, the screen's update timer, then a frame: the compositor's renders
(the styles cache making each dirty line again, its filters, `Strip` after `Strip`, seven
caches each), its chops cut at every widget's edges, then the chops' update written out. That
machinery cost more of the UI thread than everything vapor-tui does for the tick (issue 14: a
bare Textual app that refreshes 20 cells a second costs about as much). Here the widget's own
lines, filtered as the styles cache filters them, are handed to the app's display as the
update a frame would have written for those regions (`ChopsUpdate`, written by `chops`'s
writer), and the styles cache is told that those lines changed, so that any later frame
renders them anew.

It writes only where a frame would write the same: the widget on the screen shown, nothing
in front of it over those cells, no layout, scroll or repaint pending, no batch, a widget with
no border, padding, tint, hatch or opacity (which the styles cache would add). Anywhere else
`write_cells` returns False and the caller refreshes as before. `tests/ui/test_cell_writes.py`
checks that the terminal shows what a full render shows, and that it declines where it must.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import textual
from rich.segment import Segment
from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region, Spacing
from textual.strip import Strip

from vapor_tui.ui.compat import chops

if TYPE_CHECKING:
    from textual.widget import Widget

PATCHED_FOR = "8."
FITS = textual.__version__.startswith(PATCHED_FOR)  # read once: the lookup is a metadata read
_NO_SPACING = Spacing(0, 0, 0, 0)


def _plain(widget: Widget) -> bool:
    """Nothing the styles cache adds to the widget's own lines."""
    styles = widget.styles
    return (
        styles.gutter == _NO_SPACING  # border and padding (scroll bars are widgets apart)
        and widget.content_offset == (0, 0)
        and not styles.tint.a
        and styles.text_opacity == 1.0
        and widget.opacity == 1.0
        and not (styles.has_rule("hatch") and styles.hatch != "none")
        and not any(edge for edge, _ in styles.outline)
    )


def _in_front(compositor: Compositor, widget: Widget, box: Region) -> bool:
    """Is anything drawn in front of `widget` over `box` (screen cells)? Visible widgets
    come front first."""
    for other, (region, clip) in compositor.visible_widgets.items():
        if other is widget:
            return False
        if region.intersection(clip).overlaps(box):
            return True
    return True  # not drawn at all


def write_cells(widget: Widget, pieces: Sequence[tuple[Region, Iterable[Segment]]]) -> bool:
    """Write these pieces of `widget` to the terminal now, as a frame would: each a region
    one line high in the widget's own coordinates, and the segments (a Strip, or a list) the
    widget's render_line shows there, exactly as wide. False, having done nothing, where it
    cannot: refresh those regions then."""
    if not pieces:
        return True
    if not FITS or ChopsUpdate.render_segments is not chops._render_segments:
        return False
    app = widget.app
    screen = widget.screen
    if (
        screen is not app.screen
        or app.is_inline  # an inline app's frames are drawn whole (render_inline)
        or app._batch_count  # the display writes nothing inside a batch
        or getattr(app, "_driver", None) is None
        or screen._layout_required
        or screen._scroll_required
        or screen._repaint_required
        # The widget's own pending layout or scroll reaches the screen only at its next idle.
        or widget._layout_required
        or widget._scroll_required
        or not widget.is_mounted
        or not _plain(widget)
    ):
        return False
    compositor = screen._compositor
    placed = compositor.visible_widgets.get(widget)
    if placed is None:
        return False
    region, clip = placed
    regions = [piece for piece, _ in pieces]
    on_screen = [r.translate(region.offset) for r in regions]
    box = Region.from_union(on_screen)
    if not region.intersection(clip).contains_region(box) or _in_front(compositor, widget, box):
        return False
    background = widget.background_colors[1]
    filters = widget.get_line_filters()
    by_line: dict[int, list[tuple[int, Strip]]] = {}
    for (x, y, width, _), (_, piece) in zip(on_screen, pieces, strict=True):
        # The filters over the segments, then one Strip: Strip.apply_filter makes a Strip
        # (seven caches) for each filter, and a written cell is not filtered again.
        segments = piece._segments if isinstance(piece, Strip) else list(piece)
        for line_filter in filters:
            segments = line_filter.apply(segments, background)
        by_line.setdefault(y, []).append((x, Strip(segments, width)))
    height = compositor.size.height
    lines: list[dict[int, Strip]] = [{} for _ in range(height)]
    ends: list[list[int]] = [[] for _ in range(height)]
    for y, placed_strips in by_line.items():
        # The writer pairs a line's pieces with their ends in order, left to right.
        for x, strip in sorted(placed_strips, key=lambda piece: piece[0]):
            lines[y][x] = strip
            ends[y].append(x + strip.cell_length)
    widget._styles_cache.set_dirty(*regions)  # a later frame renders these lines anew
    update = ChopsUpdate(lines, list(Compositor._regions_to_spans(on_screen)), ends)
    app._display(screen, update)
    return True

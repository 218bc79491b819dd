"""Scrolling a widget's rows in the terminal itself (a scroll region, DECSTBM), so that a log
that moves up by a line costs that line's bytes, not a repaint of every row.

Textual has no scroll regions: scrolling a widget repaints it whole. Here the terminal moves
the rows (written through the App's driver, in order with Textual's own frames), and the
widget marks only the rows that came in. Done only where nothing else is drawn on those rows:
the widget on the top screen, and no other visible widget (a toast, a tooltip, a dialog)
overlapping them but the widget's own ancestors, with only blank margin beside it; anywhere
else it declines, and the caller repaints as Textual would. `Compositor.visible_widgets` is
Textual's private map of what is drawn where; `tests/ui/test_compat.py` checks, in a real
terminal emulator, that a scrolled screen shows what a full repaint shows.
"""

from __future__ import annotations

from typing import Any

from rich.color import ColorSystem
from rich.style import Style
from textual.widget import Widget

from .internals import driver_of

MARGIN = 2  # columns beside the widget that may be blank screen background


def scroll_rows_up(widget: Widget, lines: int) -> bool:
    """Move the widget's rows up by `lines` on the terminal (the top ones leave, blank rows
    come in at the bottom). False: not done, repaint instead."""
    app = widget.app
    driver: Any = driver_of(app)
    if driver is None or app.is_headless or widget.screen is not app.screen:
        return False
    region = widget.region
    screen = widget.screen
    if lines <= 0 or lines >= region.height or region.width < screen.size.width - MARGIN:
        return False
    compositor = getattr(screen, "_compositor", None)
    drawn = getattr(compositor, "visible_widgets", None)
    if not isinstance(drawn, dict) or widget not in drawn:
        return False
    rows = region.y, region.bottom
    allowed = {widget, *widget.ancestors_with_self}
    for other, (where, _clip) in drawn.items():
        if other in allowed:
            continue
        if where.y < rows[1] and where.bottom > rows[0]:
            return False  # drawn on those rows too: it would move with them
    top, bottom = rows[0] + 1, rows[1]  # 1-based, inclusive
    # The rows that come in are blanked in the current background: the widget's own, so that
    # they need no painting but where there is text.
    driver.write(
        f"\x1b[{top};{bottom}r\x1b[{bottom};1H{_background(widget)}"
        + "\n" * lines
        + "\x1b[0m\x1b[r"
    )
    return True


_SYSTEMS = {
    "standard": ColorSystem.STANDARD,
    "256": ColorSystem.EIGHT_BIT,
    "truecolor": ColorSystem.TRUECOLOR,
    "windows": ColorSystem.WINDOWS,
}


def _background(widget: Widget) -> str:
    """The SGR sequence that sets the widget's background as Textual would write it."""
    system = _SYSTEMS.get(widget.app.console.color_system or "")
    if system is None:
        return "\x1b[0m"
    rendered = Style(bgcolor=widget.rich_style.bgcolor).render("x", color_system=system)
    return "\x1b[0m" + rendered[: rendered.index("x")]

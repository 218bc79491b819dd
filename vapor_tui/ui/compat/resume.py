"""Textual's `Screen._on_screen_resume`: a screen that resumes at a new size (the first screen,
at launch) is laid out, which sends the whole of it to the terminal, and then repainted whole,
which sends it all again on the next update (7 KB more at 120x40, and at launch the first key
waited behind it). Here the repaint is left out when the layout has just drawn the screen.

A Textual inefficiency: `tests/ui/test_compat.py` fails when Textual's resume no longer repaints
after its layout (delete this then).
"""

from __future__ import annotations

import textual
from textual import events
from textual.screen import Screen

PATCHED_FOR = "8."
TEXTUAL_RESUME = Screen._on_screen_resume


def _resume(self: Screen, event: events.ScreenResume) -> None:
    """Textual's, but for the repaint after a layout that drew the whole screen."""
    if self.app.SUSPENDED_SCREEN_CLASS:
        self.remove_class(self.app.SUSPENDED_SCREEN_CLASS)
    self.stack_updates += 1
    self.app._refresh_notifications()
    size = self.app.size
    self._update_auto_focus()
    if self.is_attached:
        if event.refresh_styles:
            self.update_node_styles(animate=False)
        if self._size != size and self.is_current and not self.app._batch_count:
            self._refresh_layout(size)  # lays out and sends the whole screen at once
            self._repaint_required = False  # (asked for before it was mounted): just done
            self._dirty_widgets.clear()
            return
        if self._size != size:
            self._refresh_layout(size)
        self.refresh()


def apply() -> bool:
    """Install it if this Textual is one it was written for."""
    if not textual.__version__.startswith(PATCHED_FOR):
        return False
    if Screen._on_screen_resume is not _resume:
        Screen._on_screen_resume = _resume  # type: ignore[method-assign]
    return True

"""The footer, fitted to the terminal: at 80 columns the screen's own keys and `? Help` need
the whole line (`? Help` was cut), so the palette hint and `q Quit` (known to everyone, and
listed by `?`) show only from 100 columns."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer

from vapor_tui.ui import compat

ROOMY_WIDTH = 100
# Left out below ROOMY_WIDTH (`?` lists them): quit, and the jobs screen's space (mark), whose
# `v Compare` shows.
NARROW_HIDDEN = ("quit", "mark")


class KeysFooter(Footer):
    def __init__(self, **kwargs) -> None:
        super().__init__(compact=True, **kwargs)

    def compose(self) -> ComposeResult:
        roomy = self.app.size.width >= ROOMY_WIDTH
        footer_key = compat.footer_key_class()
        for widget in super().compose():
            is_key = footer_key is not None and isinstance(widget, footer_key)
            if not roomy and is_key and getattr(widget, "action", None) in NARROW_HIDDEN:
                continue
            yield widget

    def on_mount(self) -> None:
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        roomy = self.app.size.width >= ROOMY_WIDTH
        if self.show_command_palette != roomy:
            self.show_command_palette = roomy
            self.refresh(recompose=True)

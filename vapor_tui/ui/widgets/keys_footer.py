"""The footer, fitted to the terminal: at 80 columns the screen's own keys and `? Help` need
the whole line (`? Help` was cut), so the palette hint and `q Quit` (known to everyone, and
listed by `?`) show only from 100 columns."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

ROOMY_WIDTH = 100


class KeysFooter(Footer):
    def __init__(self, **kwargs) -> None:
        super().__init__(compact=True, **kwargs)

    def compose(self) -> ComposeResult:
        roomy = self.app.size.width >= ROOMY_WIDTH
        for widget in super().compose():
            if not roomy and isinstance(widget, FooterKey) and widget.action == "quit":
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

"""The footer, with the palette hint only where there is room for it and the keys."""

from __future__ import annotations

from textual.widgets import Footer

# Below this width the screen's own keys need the whole line (`? Help` was cut at 80).
PALETTE_HINT_WIDTH = 100


class KeysFooter(Footer):
    def __init__(self, **kwargs) -> None:
        super().__init__(compact=True, **kwargs)

    def on_mount(self) -> None:
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        wanted = self.app.size.width >= PALETTE_HINT_WIDTH
        if self.show_command_palette != wanted:
            self.show_command_palette = wanted
            self.refresh(recompose=True)

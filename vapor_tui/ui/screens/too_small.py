"""Shown instead of a broken layout when the terminal is smaller than the app needs."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from vapor_tui.ui.screens.base import VaporScreen
from vapor_tui.ui.size import MIN_HEIGHT, MIN_WIDTH


class TooSmallScreen(VaporScreen[None]):
    BINDINGS = [Binding("q", "app.quit", "Quit", id="small.quit")]

    def compose(self) -> ComposeResult:
        yield Static(id="too-small")

    def on_mount(self) -> None:
        self._describe()

    def on_resize(self) -> None:
        self._describe()

    def on_screen_resume(self) -> None:
        # Back on top after a screen opened over it (help, the palette) has closed: the
        # terminal may have grown meanwhile, and no resize event will come to say so.
        self.app.call_after_refresh(self.vapor.check_size)

    def _describe(self) -> None:
        w, h = self.app.size
        self.query_one("#too-small", Static).update(
            f"Terminal too small ({w}x{h}).\nvapor-tui needs at least {MIN_WIDTH}x{MIN_HEIGHT}."
            "\nEnlarge the window, or press q to quit."
        )


def fit_screen(app: App[Any]) -> None:
    """Cover the screens with this notice while the terminal is too small, and take it away
    when it is large enough again."""
    small = app.size.width < MIN_WIDTH or app.size.height < MIN_HEIGHT
    showing = isinstance(app.screen, TooSmallScreen)
    if small and not showing:
        app.push_screen(TooSmallScreen())
    elif not small and showing:
        app.pop_screen()

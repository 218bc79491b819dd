"""The footer, fitted to the terminal: at 80 columns the screen's own keys and `? Help` need
the whole line (`? Help` was cut), so the palette hint and `q Quit` (known to everyone, and
listed by `?`) show only from 100 columns.

It is composed again only when what it shows changes. Textual's Footer composes itself anew
on every bindings signal (a focus change, any refreshed `check_action`): six times in the
first half second after launch, 10 to 20 ms of the UI thread each, while the user's first
key waited behind them."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

from vapor_tui.ui import compat

ROOMY_WIDTH = 100
# Left out below ROOMY_WIDTH (`?` lists them): quit, and the jobs screen's space (mark), whose
# `v Compare` shows.
NARROW_HIDDEN = ("quit", "mark")


class KeysFooter(Footer):
    def __init__(self, **kwargs) -> None:
        super().__init__(compact=True, **kwargs)
        self._composed: tuple[Any, ...] | None = None
        self._ready = False  # the bindings are known: compose the keys

    def _shows(self, screen: Screen[Any]) -> tuple[Any, ...]:
        """What compose would draw for `screen`: its shown keys, whether each is enabled, and
        the width class."""
        keys = tuple(
            (b.key, b.action, b.description, enabled, tooltip, b.group)
            for _node, b, enabled, tooltip in screen.active_bindings.values()
            if b.show
        )
        return keys, self.show_command_palette, self.app.size.width >= ROOMY_WIDTH

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if not compat.mark_footer_ready(self):
            super().bindings_changed(screen)
            return
        self._ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if self._shows(screen) == self._composed:
            return
        # At the next idle moment, not after the next refresh as Textual's own does: at
        # launch that was after the first frame, whose every line then went out again (a
        # layout repaints the whole screen: 6.3 KB more at 120x40).
        self.refresh(recompose=True)

    def compose(self) -> ComposeResult:
        if self._ready:
            self._composed = self._shows(self.screen)
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

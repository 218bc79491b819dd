"""The command palette (ctrl+p), with two ways it could end the app guarded.

- Textual looks only at the top screen for a palette already open; one can be open under the
  too-small notice, and a second one (with the same fixed id) raised DuplicateIds.
- Its option list pages by a line map built when the list is next drawn: PageUp or PageDown
  arriving before that (ctrl+p and PageDown in one burst of input) raised KeyError. Such a key
  now does nothing; the next one, after the list is drawn, pages as usual.
"""

from __future__ import annotations

import contextlib

from textual.app import App
from textual.command import CommandPalette


class VaporPalette(CommandPalette):
    def _action_command_list(self, action: str) -> None:
        with contextlib.suppress(KeyError, IndexError):
            super()._action_command_list(action)


def open_palette(app: App) -> None:
    if not app.use_command_palette:
        return
    if not any(isinstance(screen, CommandPalette) for screen in app.screen_stack):
        app.push_screen(VaporPalette(id="--command-palette"))

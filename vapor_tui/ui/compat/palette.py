"""The command palette (ctrl+p), with two ways it could end the app guarded.

- Textual looks only at the top screen for a palette already open; one can be open under the
  too-small notice, and a second one (with the same fixed id) raised DuplicateIds.
- Its option list pages by a line map built when the list is next drawn: PageUp or PageDown
  arriving before that (ctrl+p and PageDown in one burst of input) raised KeyError. Such a key
  now does nothing; the next one, after the list is drawn, pages as usual. The guard is on
  Textual's class itself, because Textual opens palettes of its own too ("Change theme").

Both are Textual bugs to report: `App.action_command_palette` should look for an open palette in
the whole screen stack, and `OptionList._move_page` should do nothing before the list is drawn.
Once a release fixes one, delete its part here (`test_compat.py` fails on that release to say so).
"""

from __future__ import annotations

import contextlib
from typing import Any

from textual.app import App
from textual.command import CommandPalette

TEXTUAL_ACTION_COMMAND_LIST = CommandPalette._action_command_list


def _guarded_action_command_list(self: CommandPalette, action: str) -> None:
    with contextlib.suppress(KeyError, IndexError):
        TEXTUAL_ACTION_COMMAND_LIST(self, action)


def guard_paging() -> bool:
    """Make every CommandPalette ignore a page key that arrives before its list is drawn."""
    CommandPalette._action_command_list = _guarded_action_command_list  # type: ignore[method-assign]
    return True


def open_palette(app: App[Any]) -> None:
    if not app.use_command_palette:
        return
    if not any(isinstance(screen, CommandPalette) for screen in app.screen_stack):
        app.push_screen(CommandPalette(id="--command-palette"))

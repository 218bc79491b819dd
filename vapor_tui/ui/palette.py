"""The command palette (ctrl+p), with four ways it could end the app guarded.

- Textual looks only at the top screen for a palette already open; one can be open under the
  too-small notice, and a second one (with the same fixed id) raised DuplicateIds.
- Its option list pages by a line map built when the list is next drawn: PageUp or PageDown
  arriving before that (ctrl+p and PageDown in one burst of input) raised KeyError. Such a key
  now does nothing; the next one, after the list is drawn, pages as usual. The guard is on
  Textual's class itself, because Textual opens palettes of its own too ("Change theme").
- Keys of one burst are queued for the palette before it handles the first: an enter that
  chose a command closes it, and a second enter, handled after, ran the command again and
  closed the screen beneath (patches.py); a third ended the app (seen on a loaded machine).
  A palette that is no longer the screen on top now ignores them.
- Its search runs in a worker that fills the list as results come in; closed in the middle
  of one (ctrl+p, a letter, escape, in one burst), the worker went on into a list no longer
  there and ended the app (NoMatches, found by the random keys on a loaded machine). Filling
  a list that is gone now does nothing.
"""

from __future__ import annotations

import contextlib

from textual.app import App
from textual.command import CommandPalette
from textual.css.query import NoMatches

TEXTUAL_ACTION_COMMAND_LIST = CommandPalette._action_command_list
TEXTUAL_SELECT_OR_COMMAND = CommandPalette._select_or_command
TEXTUAL_REFRESH_COMMAND_LIST = CommandPalette._refresh_command_list
TEXTUAL_WATCH_SHOW_BUSY = CommandPalette._watch__show_busy


def _guarded_action_command_list(self: CommandPalette, action: str) -> None:
    with contextlib.suppress(KeyError, IndexError):
        TEXTUAL_ACTION_COMMAND_LIST(self, action)


def _guarded_select_or_command(self: CommandPalette, event=None) -> None:
    if not (self.is_attached and self.app.screen is self):
        if event is not None:
            event.stop()
        return
    TEXTUAL_SELECT_OR_COMMAND(self, event)


def _guarded_refresh_command_list(self: CommandPalette, *args, **kwargs) -> None:
    with contextlib.suppress(NoMatches):  # closed meanwhile: its list is gone
        TEXTUAL_REFRESH_COMMAND_LIST(self, *args, **kwargs)


async def _guarded_watch_show_busy(self: CommandPalette) -> None:
    with contextlib.suppress(NoMatches):
        await TEXTUAL_WATCH_SHOW_BUSY(self)


def guard_paging() -> None:
    """Make every CommandPalette ignore a page key that arrives before its list is drawn, and
    the keys that arrive after it closed."""
    CommandPalette._action_command_list = _guarded_action_command_list  # type: ignore[method-assign]
    CommandPalette._select_or_command = _guarded_select_or_command  # type: ignore[method-assign]
    CommandPalette._refresh_command_list = _guarded_refresh_command_list  # type: ignore[method-assign]
    CommandPalette._watch__show_busy = _guarded_watch_show_busy  # type: ignore[method-assign]
    # Textual calls the handlers its @on decorator collected, not the attribute: swap it there.
    for handlers in CommandPalette.__dict__.get("_decorated_handlers", {}).values():
        for i, (method, selectors) in enumerate(handlers):
            if method is TEXTUAL_SELECT_OR_COMMAND:
                handlers[i] = (_guarded_select_or_command, selectors)


def open_palette(app: App) -> None:
    if not app.use_command_palette:
        return
    if not any(isinstance(screen, CommandPalette) for screen in app.screen_stack):
        app.push_screen(CommandPalette(id="--command-palette"))

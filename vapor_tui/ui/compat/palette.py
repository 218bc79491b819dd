"""The command palette (ctrl+p), with the ways it could end the app guarded.

- Textual looks only at the top screen for a palette already open; one can be open under the
  too-small notice, and a second one (with the same fixed id) raised DuplicateIds.
- Its option list pages by a line map built when the list is next drawn: PageUp or PageDown
  arriving before that (ctrl+p and PageDown in one burst of input) raised KeyError. Such a key
  now does nothing; the next one, after the list is drawn, pages as usual. The guard is on
  Textual's class itself, because Textual opens palettes of its own too ("Change theme").
- A second enter (or escape) of the same burst reached a palette the first had closed: it
  closed again, popping the screen beneath it, ran its command again, and the next one found
  no screen left (ScreenStackError ended the app). A palette that is not on top now ignores
  them: Textual's `Screen.dismiss` pops whatever screen is on top, not necessarily itself.
- Its search runs in a worker that fills the list as results come in; closed in the middle
  of one (ctrl+p, a letter, escape, in one burst), the worker went on into a list no longer
  there and ended the app (NoMatches, found by the random keys on a loaded machine). Filling
  a list that is gone now does nothing.

All four are Textual bugs to report: `App.action_command_palette` should look for an open
palette in the whole screen stack, `OptionList._move_page` should do nothing before the list is
drawn, `Screen.dismiss` should pop only the screen it is called on, and the palette's search
should stop with the palette. Once a release fixes
one, delete its part here (`tests/ui/test_compat.py` fails on that release to say so).
"""

from __future__ import annotations

import contextlib
from typing import Any

from textual.app import App
from textual.command import CommandPalette
from textual.css.query import NoMatches

TEXTUAL_ACTION_COMMAND_LIST = CommandPalette._action_command_list
TEXTUAL_SELECT_OR_COMMAND = CommandPalette._select_or_command
TEXTUAL_DISMISS = CommandPalette.dismiss
TEXTUAL_REFRESH_COMMAND_LIST = CommandPalette._refresh_command_list
TEXTUAL_WATCH_SHOW_BUSY = CommandPalette._watch__show_busy


def _guarded_action_command_list(self: CommandPalette, action: str) -> None:
    with contextlib.suppress(KeyError, IndexError):
        TEXTUAL_ACTION_COMMAND_LIST(self, action)


def _select_if_open(self: CommandPalette, event: Any = None) -> None:
    if self.app.screen is self:
        TEXTUAL_SELECT_OR_COMMAND(self, event)


def _dismiss_if_open(self: CommandPalette, result: Any = None) -> Any:
    if self.app.screen is self:
        return TEXTUAL_DISMISS(self, result)
    return None


def _refresh_if_there(self: CommandPalette, *args: Any, **kwargs: Any) -> None:
    with contextlib.suppress(NoMatches):  # closed meanwhile: its list is gone
        TEXTUAL_REFRESH_COMMAND_LIST(self, *args, **kwargs)


async def _show_busy_if_there(self: CommandPalette) -> None:
    with contextlib.suppress(NoMatches):
        await TEXTUAL_WATCH_SHOW_BUSY(self)


def guard_paging() -> bool:
    """Make every CommandPalette ignore a page key that arrives before its list is drawn,
    and a selection or a close that arrives once it is closed."""
    CommandPalette._action_command_list = _guarded_action_command_list  # type: ignore[method-assign]
    CommandPalette._select_or_command = _select_if_open  # type: ignore[method-assign]
    CommandPalette.dismiss = _dismiss_if_open  # type: ignore[method-assign, assignment]
    CommandPalette._refresh_command_list = _refresh_if_there  # type: ignore[method-assign]
    CommandPalette._watch__show_busy = _show_busy_if_there  # type: ignore[method-assign]
    # It also answers Input.Submitted and Button.Pressed through @on, which keeps the function
    # itself, not the attribute: the guarded one goes there too.
    for handlers in CommandPalette.__dict__["_decorated_handlers"].values():
        handlers[:] = [
            (_select_if_open if method is TEXTUAL_SELECT_OR_COMMAND else method, selectors)
            for method, selectors in handlers
        ]
    return True


def open_palette(app: App[Any]) -> None:
    if not app.use_command_palette:
        return
    if not any(isinstance(screen, CommandPalette) for screen in app.screen_stack):
        app.push_screen(CommandPalette(id="--command-palette"))

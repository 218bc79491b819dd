"""The footer: the screen's keys drawn as one line by one widget, fitted to the terminal.

Textual's Footer is a container of one widget per key, composed anew whenever the keys change:
mounting those widgets and laying the screen out again took 30 to 70 ms of the UI thread at
launch (twice before the first frame) and 45 ms after the first `s`, whose row was painted only
after it (`s Start` gives way to `x Stop`). This one repaints its own line: no widgets to mount,
no layout. It draws what Textual's compact Footer draws, keys clickable as there.

The screen's own keys and `? Help` always show: where the line has no room for everything, the
palette hint goes first, then `q Quit` and `space Mark` (known to everyone, and listed by `?`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

# Left out in this order, after the palette hint, while the line is too narrow (`?` lists them):
# quit, then the jobs screen's space (mark), whose `v Compare` shows.
NARROW_HIDDEN = ("quit", "mark")


@dataclass(frozen=True)
class FooterKey:
    """One key the footer shows, and the columns it takes (`start` to `end`)."""

    key: str
    display: str
    description: str
    action: str
    enabled: bool
    tooltip: str
    start: int = 0
    end: int = 0


class KeysFooter(Widget, can_focus=False):
    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "footer-key--key",
        "footer-key--description",
        "keys-footer--hover",
        "keys-footer--separator",
    }
    DEFAULT_CSS = """
    KeysFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .footer-key--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .keys-footer--hover {
            background: $block-hover-background;
        }
        .keys-footer--separator {
            color: $foreground 20%;
        }
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._shown: tuple[Any, ...] | None = None  # what the keys were made from
        self._keys: list[FooterKey] = []
        self._palette: FooterKey | None = None  # drawn at the right-hand end
        self._hover: str | None = None  # the action under the mouse

    # --- what it shows --------------------------------------------------------------------

    def _shows(self, active: dict[str, Any]) -> tuple[Any, ...]:
        """What the footer draws from the screen's active bindings: its shown keys, whether
        each is enabled, and the width."""
        keys = tuple(
            (b.key, b.action, b.description, enabled, tooltip)
            for _node, b, enabled, tooltip in active.values()
            if b.show
        )
        return keys, self.app.size.width

    def _update_keys(self) -> bool:
        """Make the keys from the screen's bindings; whether they changed."""
        active = self.screen.active_bindings  # asks the screen's check_action for each key
        shown = self._shows(active)
        if shown == self._shown:
            return False
        self._shown = shown
        width, app = shown[1], self.app
        palette = None
        if app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in active:
            _node, b, enabled, _tooltip = active[app.COMMAND_PALETTE_BINDING]
            tooltip = b.tooltip or b.description
            palette = FooterKey(
                b.key, app.get_key_display(b), b.description, b.action, enabled, tooltip
            )
        shown_bindings = [entry for entry in active.values() if entry[1].show]
        keys = self._laid_out(shown_bindings)
        if _line_width(keys) + _palette_width(palette) > width:
            palette = None
            for action in NARROW_HIDDEN:
                if _line_width(keys) <= width:
                    break
                shown_bindings = [entry for entry in shown_bindings if entry[1].action != action]
                keys = self._laid_out(shown_bindings)
            while _line_width(keys) > width and len(shown_bindings) > 1:
                # Narrower than 80 columns: the keys on the right go, `? Help` stays.
                last = -2 if shown_bindings[-1][1].action == "help" else -1
                del shown_bindings[last]
                keys = self._laid_out(shown_bindings)
        self._keys, self._palette = keys, palette
        return True

    def _laid_out(self, bindings: list[Any]) -> list[FooterKey]:
        """The keys of `bindings` (active bindings' values), each with its columns."""
        keys, at = [], 0
        for _node, b, enabled, tooltip in bindings:
            display = self.app.get_key_display(b)
            width = cell_len(f"{display} {b.description}" if b.description else display)
            keys.append(
                FooterKey(b.key, display, b.description, b.action, enabled, tooltip, at, at + width)
            )
            at += width + 1  # a space between keys
        return keys

    @property
    def keys(self) -> list[FooterKey]:
        """The keys drawn, the palette's last (where it shows), with the columns they take."""
        if self._shown is None:
            self._update_keys()
        if self._palette is None:
            return list(self._keys)
        width = self.size.width
        start = width - _palette_width(self._palette)
        return [*self._keys, replace(self._palette, start=start, end=width)]

    # --- drawing --------------------------------------------------------------------------

    def _key_text(self, key: FooterKey) -> Text:
        key_style = self.get_component_rich_style("footer-key--key")
        description_style = self.get_component_rich_style("footer-key--description")
        if key.action == self._hover:
            hover = self.get_component_rich_style("keys-footer--hover", partial=True)
            key_style, description_style = key_style + hover, description_style + hover
        text = Text.assemble((key.display, key_style))
        if key.description:
            text.append(f" {key.description}", description_style)
        if not key.enabled:
            text.stylize(Style(dim=True))
        return text

    def render_line(self, y: int) -> Strip:
        """The line as drawn: the spaces between keys only the footer's background (a whole
        widget's render would colour their foreground too)."""
        width, blank = self.size.width, Style(bgcolor=self.rich_style.bgcolor)
        if y != 0:
            return Strip.blank(width, blank)
        segments = self._line().render(self.app.console)
        return Strip(list(segments)).crop_extend(0, width, blank).simplify()

    def _line(self) -> Text:
        if self._shown is None:  # drawn before the first bindings signal
            self._update_keys()
        line = Text(no_wrap=True, overflow="crop", end="")
        blank = Style(bgcolor=self.rich_style.bgcolor)
        for key in self._keys:
            line.append_text(self._key_text(key))
            line.append(" ", blank)
        if self._palette is not None:
            width = self.size.width
            line.append(" " * max(0, width - _palette_width(self._palette) - line.cell_len), blank)
            bar = "|" if self.app.has_class("-ascii") else "▏"
            border = self.get_component_rich_style("keys-footer--separator")  # as a border's
            line.append(bar, Style(color=border.color, bgcolor=border.bgcolor))
            line.append_text(self._key_text(self._palette))
            line.append(" ", blank)
        return line

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if self._update_keys():
            self.refresh()  # its own line: no layout

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def on_resize(self) -> None:
        if self._update_keys():
            self.refresh()

    # --- the mouse, as on Textual's Footer ------------------------------------------------

    def _key_at(self, x: int) -> FooterKey | None:
        return next((key for key in self.keys if key.start <= x < key.end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        key = self._key_at(event.x)
        action = None if key is None else key.action
        if action != self._hover:
            self._hover = action
            self.tooltip = None if key is None else (key.tooltip or None)
            self.refresh()

    def on_leave(self) -> None:
        if self._hover is not None:
            self._hover = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        key = self._key_at(event.x)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()


def _line_width(keys: list[FooterKey]) -> int:
    """The columns the keys take, with the space after the last."""
    return keys[-1].end + 1 if keys else 0


def _palette_width(palette: FooterKey | None) -> int:
    return 0 if palette is None else cell_len(f"|{palette.display} {palette.description} ")

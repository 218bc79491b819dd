"""`?`: every key of the screen underneath, made from its bindings so it cannot drift."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Static

from vapor_tui.ui import compat
from vapor_tui.ui.screens.base import VaporScreen


def _key_name(binding: Binding, app: App[Any]) -> str:
    names = [app.get_key_display(Binding(k.strip(), "")) for k in binding.key.split(",")]
    return ", ".join(names)


def screen_keys(screen: Screen) -> list[tuple[str, str]]:
    """(keys, what they do) for the bindings that answer on this screen, one row per action.

    A key is listed only under the layer that wins it: the app's priority bindings, then the
    screen's (with the keys of its main widget, HELP_EXTRA), then the app's other bindings."""
    app = screen.app
    app_bindings = compat.bindings_of(app)
    screen_bindings = compat.bindings_of(screen)
    # Textual's own focus and copy keys: true everywhere, and noise in a list of this screen's.
    generic = ("app.focus_next", "app.focus_previous", "screen.copy_text")
    screen_bindings = [b for b in screen_bindings if b.action not in generic]
    layers = [
        [b for b in app_bindings if b.priority],
        screen_bindings,
        [b for b in app_bindings if not b.priority],
    ]
    rows: list[dict[str, list[str]]] = [{}, {}, {}]
    taken: set[str] = set()
    for layer, bindings in enumerate(layers):
        layer_keys = set()
        for binding in bindings:
            if binding.key in taken or binding.action.startswith("refused"):
                continue
            layer_keys.add(binding.key)
            if not binding.description:
                continue
            label = binding.tooltip or binding.description
            keys = rows[layer].setdefault(label, [])
            name = _key_name(binding, app)
            if name not in keys:
                keys.append(name)
        taken |= layer_keys
    for extra, label in screen.HELP_EXTRA if isinstance(screen, VaporScreen) else ():
        rows[1].setdefault(label, []).append(extra)
    # The screen's own keys first, then the app's.
    merged: dict[str, list[str]] = {}
    for label, keys in [*rows[1].items(), *rows[0].items(), *rows[2].items()]:
        merged.setdefault(label, []).extend(k for k in keys if k not in merged.get(label, []))
    return [(", ".join(keys), label) for label, keys in merged.items()]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close", id="help.close")]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        under = self.under
        title = under.HELP_TITLE if isinstance(under, VaporScreen) else "Keys"
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for keys, label in screen_keys(self.under):
            table.add_row(keys, label)
        navigation = under.HELP_NAVIGATION if isinstance(under, VaporScreen) else ()
        if navigation:
            table.add_row("", "")
        for keys, label in navigation:
            table.add_row(Text(keys, style="bold"), label)
        with VerticalScroll(id="help-box", classes="dialog"):
            yield Static(f"[b]{title}[/b]", id="help-title")
            yield Static(table, id="help-keys")
            yield Static("[dim]esc or ? closes[/dim]", id="help-foot")
        yield Footer(compact=True)  # this dialog's keys, not those of the screen beneath

    def action_close(self) -> None:
        if self.app.screen is self:  # dismiss() closes whatever is on top (detail.action_back)
            self.dismiss(None)

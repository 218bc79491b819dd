"""Form controls that behave the same in every terminal: `enter` always submits the form."""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.widgets import Checkbox, Select

from vapor_tui.ui import compat


class TickBox(Checkbox, inherit_bindings=False):
    """A checkbox drawn `[x]` / `[ ]`, so that its state shows without colour (Textual's draws
    an X either way and tells them apart by colour alone). Space ticks it; enter is left to
    the form."""

    BINDINGS = [Binding("space", "toggle_button", "Tick", show=False)]

    @property
    def _button(self) -> Content:
        return compat.tick_box_button(self)


class FormSelect(Select, inherit_bindings=False):
    """A select that opens with space or the arrows; enter is left to the form."""

    BINDINGS = [Binding("down,space,up", "show_overlay", "Open", show=False)]

    def __init__(self, *args, ascii_only: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._ascii_only = ascii_only

    def on_mount(self) -> None:
        if self._ascii_only:
            compat.ascii_select_arrows(self)

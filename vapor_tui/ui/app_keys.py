"""The keys every screen has: quit (q, and ctrl+q / ctrl+c from anywhere) and help (?)."""

from __future__ import annotations

from textual.binding import Binding, BindingType

QUIT_TEXT = "Quit"

APP_BINDINGS: list[BindingType] = [
    Binding("q", "quit", "Quit", tooltip=QUIT_TEXT, id="app.quit"),
    Binding(
        "ctrl+q",
        "quit",
        "Quit",
        tooltip=QUIT_TEXT,
        show=False,
        priority=True,
        id="app.quit.ctrl_q",
    ),
    Binding(
        "ctrl+c",
        "quit",
        "Quit",
        tooltip=QUIT_TEXT,
        show=False,
        priority=True,
        id="app.quit.ctrl_c",
    ),
    Binding("question_mark", "help", "Help", tooltip="This list of keys", id="app.help"),
]

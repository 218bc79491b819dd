"""A yes/no question: y or enter confirms, n or escape cancels."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("y,enter", "answer(True)", "Confirm", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "Cancel", id="confirm.no"),
    ]

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="dialog"):
            # Plain text: the question holds a job's name, which may look like markup.
            yield Static(self.question, id="confirm-question", markup=False)
            if self.detail:
                yield Static(self.detail, id="confirm-detail", markup=False)
            yield Static("[b]y[/b]/[b]enter[/b] confirm   [b]esc[/b] cancel", id="confirm-keys")
        yield Footer(compact=True)  # this dialog's keys, not those of the screen beneath

    def action_answer(self, answer: bool) -> None:
        if self.app.screen is self:  # dismiss() closes whatever is on top (detail.action_back)
            self.dismiss(answer)

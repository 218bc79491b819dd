"""The jobs table's cursor: moved by keys and the mouse, kept on its job while rows come and
go, and on no job once the one it was on is gone (deleted elsewhere) until the user moves it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import events
from textual.geometry import Region
from textual.message import Message
from textual.scroll_view import ScrollView

HEADER_HEIGHT = 1


if TYPE_CHECKING:  # what JobTable brings: a ScrollView holding the rows and the cursor
    _Table = ScrollView
else:
    _Table = object


class CursorMoves(_Table):
    """Mixed into JobTable (which holds `_rows`, `_index`, `_cursor` and `_orphan`)."""

    if TYPE_CHECKING:
        _rows: list[int]
        _index: dict[int, int]
        _cursor: int
        _orphan: bool
        Highlighted: Callable[[int | None], Message]
        Selected: Callable[[int], Message]

        @property
        def selected_id(self) -> int | None: ...

    def _place_cursor(self, job_id: int | None) -> None:
        index = self._index.get(job_id, self._cursor) if job_id is not None else self._cursor
        self.move_cursor(min(index, max(0, len(self._rows) - 1)))

    def move_cursor(self, row: int, by_user: bool = False) -> None:
        row = min(max(row, 0), max(0, len(self._rows) - 1))
        before, moved = self.selected_id, row != self._cursor
        if by_user and self._orphan:  # the user picks a job again: j/k from where it was
            self._orphan, moved = False, True
        if moved:
            top = self.scroll_offset.y
            for old_or_new in (self._cursor, row):
                self.refresh(Region(0, HEADER_HEIGHT + old_or_new - top, self.size.width, 1))
            self._cursor = row
        self._keep_in_view()
        if self.selected_id != before:
            self.post_message(self.Highlighted(self.selected_id))

    def _keep_in_view(self) -> None:
        rows_shown = max(1, self.size.height - HEADER_HEIGHT)
        top = self.scroll_offset.y
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False, immediate=True)
        elif self._cursor >= top + rows_shown:
            self.scroll_to(y=self._cursor - rows_shown + 1, animate=False, immediate=True)

    def action_move(self, delta: int) -> None:
        if self._orphan and delta > 0:
            delta -= 1  # the row below the one that went has moved up into its place
        self.move_cursor(self._cursor + delta, by_user=True)

    def action_page(self, direction: int) -> None:
        rows = max(1, self.size.height - HEADER_HEIGHT)
        self.move_cursor(self._cursor + direction * rows, by_user=True)

    def action_first(self) -> None:
        self.move_cursor(0, by_user=True)

    def action_last(self) -> None:
        self.move_cursor(len(self._rows) - 1, by_user=True)

    def action_open(self) -> None:
        if self.selected_id is not None:
            self.post_message(self.Selected(self.selected_id))

    def on_click(self, event: events.Click) -> None:
        index = self.scroll_offset.y + event.y - HEADER_HEIGHT
        if event.y >= HEADER_HEIGHT and 0 <= index < len(self._rows):
            self.move_cursor(index, by_user=True)
            if event.chain >= 2:  # a double click opens, as enter does
                self.action_open()

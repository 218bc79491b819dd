"""A launched command's output under the chart: its latest lines, following as they come,
scrollable, stderr marked apart (a `!` gutter, and colour where there is colour).

Cheap over SSH: a new line is painted into the next free row, and only that row is marked
dirty. Scrolling the view by one line would change every row (Textual has no terminal scroll
regions), so while following the view jumps instead: once the last row is used, it moves on so
that the newest few lines are at the top and the rows below are free again. A line costs its
own bytes, plus its share of one repaint a jump (measured in tests/ui/test_output_pane.py).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from vapor_tui.core.output import KEEP_LINES, OutputLine

KEEP_ON_JUMP = 2  # lines still shown at the top after a jump: what came just before


class OutputPane(Widget, can_focus=False):
    DEFAULT_CSS = "OutputPane { height: 10; }"

    def __init__(self, *, colourless: bool = False, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.colourless = colourless
        self.lines: list[OutputLine] = []
        self._seqs: list[int] = []
        self.top = 0  # index of the line in the first row
        self.following = True

    # --- data -----------------------------------------------------------------------------

    def add(self, lines: Sequence[OutputLine]) -> None:
        """New lines and new states of lines held (a progress line), in seq order."""
        rows = self.size.height
        dirty: set[int] = set()
        for line in lines:
            i = bisect_left(self._seqs, line.seq)
            if i < len(self._seqs) and self._seqs[i] == line.seq:
                if self.lines[i] != line:
                    self.lines[i] = line
                    dirty.add(i)
            elif i == len(self._seqs):
                self.lines.append(line)
                self._seqs.append(line.seq)
                dirty.add(i)
            # else: older than what is held (trimmed in the store meanwhile): nothing to show
        if len(self.lines) > KEEP_LINES:
            cut = len(self.lines) - KEEP_LINES
            del self.lines[:cut], self._seqs[:cut]
            self.top = max(0, self.top - cut)
            dirty = {i - cut for i in dirty if i >= cut}
            self.refresh()
            return
        n = len(self.lines)
        if self.following and rows > 0 and n > self.top + rows:
            # Jump: the newest few lines at the top, the rows below free for what comes. Many
            # lines at once (the first read of a long output): the pane full of the newest.
            jump = n - KEEP_ON_JUMP if rows > KEEP_ON_JUMP else n - 1
            self.top = max(0, n - rows if len(dirty) > rows - KEEP_ON_JUMP else jump)
            self.refresh()
            return
        width = self.size.width
        regions = [Region(0, i - self.top, width, 1) for i in dirty if 0 <= i - self.top < rows]
        if regions:
            self.refresh(*regions)

    # --- scrolling ------------------------------------------------------------------------

    def scroll_lines(self, delta: int) -> None:
        rows = max(1, self.size.height)
        last_top = max(0, len(self.lines) - rows)
        top = min(max(0, self.top + delta), last_top)
        self.following = False
        if top != self.top:
            self.top = top
            self.refresh()

    def page(self, pages: int) -> None:
        self.scroll_lines(pages * max(1, self.size.height - 1))

    def home(self) -> None:
        self.scroll_lines(-len(self.lines))

    def follow(self) -> None:
        """Back to the newest lines, following them."""
        self.following = True
        rows = max(1, self.size.height)
        top = max(0, len(self.lines) - rows)
        if top != self.top:
            self.top = top
            self.refresh()

    @property
    def where(self) -> str:
        """What the caption says of the view: following, or which lines are shown."""
        n = len(self.lines)
        if not n:
            return "no output yet"
        if self.following:  # no count: it would cost bytes with every line
            return "following"
        last = min(n, self.top + self.size.height)
        return f"lines {self.top + 1:,}-{last:,} of {n:,} (End follows)"

    # --- painting -------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        i = self.top + y
        if i >= len(self.lines) or width <= 0:
            return Strip.blank(width)
        line = self.lines[i]
        err = line.stream == "err"
        gutter = "! " if err else "  "
        style = Style() if self.colourless or not err else Style(color="yellow")
        text = line.text[: max(0, width - 2)]
        strip = Strip([Segment(gutter, Style(bold=err)), Segment(text, style)])
        return strip.adjust_cell_length(width)

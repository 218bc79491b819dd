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

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from vapor_tui.core.output import KEEP_LINES, OutputLine
from vapor_tui.ui import compat

KEEP_ON_JUMP = 2  # lines still shown at the top after a jump: what came just before
TRIM_EVERY = 1_000  # lines past KEEP_LINES before the oldest are let go


def _cells(line: OutputLine) -> int:
    """The cells a line takes in its row: its gutter and its text."""
    return 2 + cell_len(line.text)


class OutputPane(Widget, can_focus=False):
    DEFAULT_CSS = "OutputPane { height: 10; }"

    def __init__(self, *, colourless: bool = False, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.colourless = colourless
        self.lines: list[OutputLine] = []
        self._seqs: list[int] = []
        self.top = 0  # index of the line in the first row
        self.following = True
        self.painted = False  # a line of it drawn on the screen since it was last shown

    # --- data -----------------------------------------------------------------------------

    def add(self, lines: Sequence[OutputLine]) -> None:
        """New lines and new states of lines held (a progress line), in seq order."""
        rows = self.size.height
        before = self._shown()  # what each row shows now: (line index, cells) or None
        changed: set[int] = set()
        for line in lines:
            i = bisect_left(self._seqs, line.seq)
            if i < len(self._seqs) and self._seqs[i] == line.seq:
                if self.lines[i] != line:
                    self.lines[i] = line
                    changed.add(i)
            elif i == len(self._seqs):
                self.lines.append(line)
                self._seqs.append(line.seq)
                changed.add(i)
            # else: older than what is held (trimmed in the store meanwhile): nothing to show
        if len(self.lines) > KEEP_LINES + TRIM_EVERY:  # in chunks: a cut renumbers the lines
            cut = len(self.lines) - KEEP_LINES
            del self.lines[:cut], self._seqs[:cut]
            self.top = max(0, self.top - cut)
            before = [None if b is None else (b[0] - cut, b[1]) for b in before]
            changed = {i - cut for i in changed if i >= cut}
        n = len(self.lines)
        over = n - (self.top + rows)
        if self.following and rows > 0 and over > 0:
            if compat.scroll_rows_up(self, over):
                # The terminal moved the rows up: each now shows what the one below it did.
                before = before[over:] + [None] * over
                self.top += over
            else:
                # Jump: the newest few lines at the top, the rows below free for what comes.
                # Many lines at once (the first read of a long output): the pane full of them.
                jump = n - KEEP_ON_JUMP if rows > KEEP_ON_JUMP else n - 1
                self.top = max(0, n - rows if over > rows - KEEP_ON_JUMP else jump)
        self._repaint(before, changed)

    def _shown(self) -> list[tuple[int, int] | None]:
        n = len(self.lines)
        return [
            (i, _cells(self.lines[i])) if (i := self.top + y) < n else None
            for y in range(self.size.height)
        ]

    def _repaint(self, before: list[tuple[int, int] | None], changed: set[int]) -> None:
        """Mark the rows whose line changed, each only as wide as what it showed then or shows
        now: the rest of the row is blank both times."""
        width = self.size.width
        regions = []
        for y, (old, new) in enumerate(zip(before, self._shown(), strict=True)):
            if new is None and old is None:
                continue
            if old is not None and new is not None and old[0] == new[0] and new[0] not in changed:
                continue
            cells = max(old[1] if old else 0, new[1] if new else 0)
            regions.append(Region(0, y, min(width, cells), 1))
        if regions:
            self.refresh(*regions)

    # --- scrolling ------------------------------------------------------------------------

    def on_resize(self) -> None:
        if self.following:
            self.follow()

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
        base = self.rich_style  # the theme's colours, as the rest of the screen has them
        if i >= len(self.lines) or width <= 0:
            return Strip.blank(width, base)
        self.painted = True
        line = self.lines[i]
        err = line.stream == "err"
        gutter = "! " if err else "  "
        style = base if self.colourless or not err else base + Style(color="yellow")
        text = line.text[: max(0, width - 2)]
        strip = Strip([Segment(gutter, base + Style(bold=err)), Segment(text, style)])
        return strip.adjust_cell_length(width, base)

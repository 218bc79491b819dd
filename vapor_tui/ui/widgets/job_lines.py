"""The jobs table's lines: its cells' segments made once and kept, each row's line joined
from them, the header and the line shown when no job matches. Mixed into JobTable, which
holds the rows, their cells and the caches, and drops a cache where what it holds changed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from vapor_tui.core.job_sort import JobOrder
from vapor_tui.ui.contrast import readable_pair
from vapor_tui.ui.glyphs import Glyphs
from vapor_tui.ui.widgets.job_cursor import HEADER_HEIGHT
from vapor_tui.ui.widgets.job_rows import COLUMNS, RIGHT_ALIGNED, cell_segments

if TYPE_CHECKING:  # what JobTable brings: a ScrollView holding the rows
    _Table = ScrollView
else:
    _Table = object


def _join(segments: list[Segment], cell: list[Segment]) -> None:
    """Append a simplified cell to simplified segments, merging the two where they meet: the
    result is what Segment.simplify makes of the whole (cells are rendered Text, which has
    no control segments)."""
    if not cell:
        return
    first = cell[0]
    if segments and not first.control and segments[-1].style == first.style:
        last = segments[-1]
        segments[-1] = Segment(last.text + first.text, last.style)
        segments.extend(cell[1:])
    else:
        segments.extend(cell)


class TableLines(_Table):
    """The lines of JobTable's rows, made from its `_cells` through its caches."""

    if TYPE_CHECKING:
        glyphs: Glyphs
        _rows: list[int]
        _cursor: int
        _orphan: bool
        _cells: dict[int, dict[str, Text]]
        _strips: dict[tuple[int, bool], Strip]
        _cell_segments: dict[tuple[int, str, bool], list[Segment]]
        _styles: dict[str | None, Style]
        _header: Strip | None
        _drawn_for: Size | None
        _columns: tuple[str, ...]
        _widths: dict[str, int]
        _spans: dict[str, tuple[int, int]]
        _terminal_width: int
        _empty_text: str
        _order: JobOrder

    def _line_width(self) -> int:
        # Columns are chosen to fit: no sideways scrolling. Before the first layout, the
        # terminal's width (the table's): a virtual size that the first resize changed laid the
        # screen out again and repainted every line a frame after the first.
        return self.size.width or self._terminal_width

    def _row_strip(self, job_id: int, cursor: bool) -> Strip:
        key = (job_id, cursor)
        strip = self._strips.get(key)
        if strip is None:
            base = self._style("job-table--cursor" if cursor else None)
            cells = self._cells[job_id]
            segments: list[Segment] = []
            length = 0
            for column in self._columns:
                _join(segments, self._cell_of_row(job_id, column, cursor, cells, base))
                length += self._spans[column][1]  # a cell is padded and cut to its span
            strip = self._line(segments, length, base)
            self._strips[key] = strip
        return strip

    def _cell_of_row(
        self,
        job_id: int,
        column: str,
        cursor: bool,
        cells: dict[str, Text] | None = None,
        base: Style | None = None,
    ) -> list[Segment]:
        """A cell's segments on its row (with the cursor or not), padded to its span: made
        once, kept until the cell changes."""
        key = (job_id, column, cursor)
        cell = self._cell_segments.get(key)
        if cell is None:
            if base is None:
                base = self._style("job-table--cursor" if cursor else None)
            text = (cells or self._cells[job_id])[column]
            cell = self._cell(column, text, base, base if cursor else None)
            self._cell_segments[key] = cell
        return cell

    def _line(self, segments: list[Segment], length: int, base: Style) -> Strip:
        """The segments of a row, `length` cells, as a line of the table's width. One Strip,
        not the three that padding and simplifying make (each with seven caches): a tick
        makes a line again for every row whose cells changed (issue 14). `segments` are
        simplified already (_join)."""
        width = self._line_width()
        if length > width:
            return Strip(segments).adjust_cell_length(width, base).simplify()
        if length < width:
            _join(segments, [Segment(" " * (width - length), base)])
        return Strip(segments, width)

    def _cell(self, column: str, cell: Text, base: Style, over: Style | None) -> list[Segment]:
        """A cell's segments, simplified once when the cell is made: a row made again from
        its cells then compares styles only where two cells meet (Segment.simplify over the
        whole row compared every pair, for every row a tick changed)."""
        right = column in RIGHT_ALIGNED
        made = cell_segments(cell, self._widths[column], right, base, over, self.app.console)
        return made if len(made) == 1 else list(Segment.simplify(made))  # a plain cell's one

    def _header_label(self, column: str, label: str) -> str:
        if column != self._order.column or self._order.is_default:
            return label
        up, down = ("^", "v") if self.glyphs.ascii else ("▲", "▼")
        return f"{label}{down if self._order.descending else up}"

    def _header_strip(self) -> Strip:
        labels = {key: self._header_label(key, label) for key, label, _ in COLUMNS}
        base = self._style("job-table--header")
        segments: list[Segment] = []
        for column in self._columns:
            segments += self._cell(column, Text(labels[column]), base, None)
        return Strip(segments).adjust_cell_length(self._line_width(), base).simplify()

    def _style(self, component: str | None) -> Style:
        style = self._styles.get(component)
        if style is None:
            style = self.rich_style
            if component is not None:
                style = style + self.get_component_rich_style(component)
            if component == "job-table--cursor" and style.bgcolor is not None:
                # Some themes' own cursor text is below 4.5:1 (textual-dark's 3.8:1).
                text, background = readable_pair(style.color, style.bgcolor)
                style = style + Style(color=text, bgcolor=background)
            self._styles[component] = style
        return style

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y < HEADER_HEIGHT:
            if self._header is None:
                self._header = self._header_strip()
                self._drawn_for = self.size
            return self._header.crop(0, width)
        index = self.scroll_offset.y + y - HEADER_HEIGHT
        if not self._rows and index == 0 and self._empty_text:
            text = Text(f" {self._empty_text}", style=self._style("job-table--empty"))
            return Strip(text.render(self.app.console)).adjust_cell_length(width, self.rich_style)
        if not 0 <= index < len(self._rows):
            return Strip.blank(width, self.rich_style)
        job_id = self._rows[index]
        cursor = index == self._cursor and not self._orphan
        return self._row_strip(job_id, cursor).crop(0, width)

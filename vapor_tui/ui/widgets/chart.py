"""The metric chart: plotext through textual-plotext, repainted one changed line at a time.

textual-plotext's own widget rebuilds and resends the whole plot on every refresh (about 14 KB
a frame at 120x40). This one keeps the lines of the last build and, after a rebuild, refreshes
only the lines whose text changed: with fixed axes a new point changes a column or two, so a
tick sends a few hundred bytes instead of the whole chart.
"""

from __future__ import annotations

import math

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.color import Color
from textual.geometry import Region, Size
from textual.strip import Strip
from textual_plotext import PlotextPlot

from vapor_tui.core.buckets import ChartBase
from vapor_tui.core.series import Batch
from vapor_tui.ui import compat
from vapor_tui.ui.chart_axes import linear_ticks, log_ticks, step_ticks, tick_labels
from vapor_tui.ui.chart_data import ChartSeries, metric_label
from vapor_tui.ui.chart_options import ChartOptions
from vapor_tui.ui.glyphs import theme_colour
from vapor_tui.ui.widgets.diff import changed_runs

SMOOTHING_WEIGHT = 0.7
# Used until the theme is known: (raw, smoothed, validation).
DEFAULT_COLOURS = ((95, 175, 255), (255, 175, 0), (255, 95, 135))
_ASCII_FRAME = str.maketrans("│─┌┐└┘├┤┬┴┼╭╮╰╯", "|-+++++++++++++")


def theme_colours(variables: dict[str, str]) -> tuple[tuple[int, int, int], ...]:
    """(raw, faint raw, smoothed, validation) from the theme's contrast-adjusted text colours,
    so that the curves read on a light background as well as a dark one."""
    raw, smooth, validation = (
        theme_colour(variables, name, Color(*fallback))
        for name, fallback in zip(
            ("text-primary", "text-warning", "text-error"), DEFAULT_COLOURS, strict=True
        )
    )
    faint = theme_colour(variables, "background", Color(0, 0, 0)).blend(raw, 0.45)
    return tuple(c.rgb for c in (raw, faint, smooth, validation))


class MetricChart(PlotextPlot):
    # One span a changed line; False: the runs worth sending apart (curves far apart on a line).
    JOIN_RUNS = True

    def __init__(
        self,
        total_steps: int | None,
        *,
        ascii_only: bool = False,
        options: ChartOptions | None = None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        # Shared with the app: what the keys change here, the next job's chart starts from.
        self.options = options if options is not None else ChartOptions()
        self.series = ChartSeries(total_steps)
        self.series.set_metric(self.options.metric)
        self._colour_key: tuple | None = None  # the theme the curve colours were taken from
        self._theme_colours: tuple[tuple[int, int, int], ...] = ()
        self.ascii_only = ascii_only
        self.colourless = False  # NO_COLOR: a faint raw curve would look like the smoothed one
        self._lines: list[str] = []
        self._strips: list[Strip] = []
        self._built_size = Size(0, 0)

    # --- data and options -----------------------------------------------------------------

    def load_base(self, base: ChartBase) -> None:
        """Start from the store's summary of the job's history, whatever its length."""
        self.series.load(base)
        self.redraw()

    def add_points(self, batch: Batch) -> int:
        """Fold in new points of any series; redraw only if any were new. Returns how many
        were new."""
        added = self.series.append(batch)
        if added:
            self.redraw()
        return added

    @property
    def log_y(self) -> bool:
        return self.options.log_y

    @property
    def smoothing(self) -> bool:
        return self.options.smoothing

    @property
    def fit_y(self) -> bool:
        return self.options.fit_y

    def toggle_log(self) -> None:
        self.options.log_y = not self.options.log_y
        self.redraw()

    def toggle_fit(self) -> None:
        self.options.fit_y = not self.options.fit_y
        self.redraw()

    def toggle_smoothing(self) -> None:
        self.options.smoothing = not self.options.smoothing
        self.redraw()

    def cycle_metric(self) -> str:
        """Chart the job's next series (loss first, then the others alphabetically)."""
        metric = self.series.next_metric()
        self.series.set_metric(metric)
        self.options.metric = metric
        self.redraw()
        return metric

    @property
    def sparse(self) -> bool:
        """The charted series is drawn as markers: few points over its span."""
        return self.series.sparse(max(1, self.size.width - 8) if self.size.width else None)

    @property
    def has_points(self) -> bool:
        return self.series.points_seen > 0

    @property
    def description(self) -> str:
        parts = [metric_label(self.series.metric)]
        if self.smoothing and not self.sparse:
            parts.append(f"smoothed {SMOOTHING_WEIGHT:g}")
        if self.log_y:
            parts.append("log y")
        if self.fit_y:
            parts.append("y fitted")
        if self.series.left_out(self.log_y):
            parts.append("values <= 0 left out" if self.ascii_only else "values ≤ 0 left out")
        return " · ".join(parts) if not self.ascii_only else " - ".join(parts)

    # --- drawing --------------------------------------------------------------------------

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # The second layout Textual asks for when the virtual size changes only repainted the
        # whole chart, the same bytes, a frame after it first showed (9 KB twice on `watch`
        # of a finished job). Its own size still marks it for repaint and sends a Resize.
        return compat.size_without_relayout(self, size, virtual_size, container_size, layout)

    def on_resize(self) -> None:
        # The first paint after a layout may have built this size already (render_line does):
        # building it again resent the whole chart, the same bytes, a frame later.
        if self._built_size != self.size:
            self.redraw()

    def redraw(self, *, painting: bool = False) -> None:
        """Build the plot and mark what changed for repaint (everything, at a new size), unless
        `painting`: called from render_line, the paint under way shows the new lines."""
        width, height = self.size
        if width <= 0 or height <= 0 or not self.is_mounted:
            return
        self.series.set_bucket_count(max(16, 2 * width))
        lines = self._build(width, height)
        full = self._built_size != self.size or len(lines) != len(self._lines)
        if full:
            self._strips = [self._to_strip(line, width) for line in lines]
            self._lines = lines
            self._built_size = self.size
            if not painting:
                self.refresh()
            return
        regions = []
        for y, line in enumerate(lines):
            if line == self._lines[y]:
                continue
            strip = self._to_strip(line, width)
            runs = changed_runs(self._strips[y], strip, join_all=self.JOIN_RUNS)
            self._strips[y] = strip
            regions += [Region(first, y, end - first, 1) for first, end in runs]
        self._lines = lines
        if regions:
            self.refresh(*regions)

    def _new_plot(self, width: int, height: int):
        """plotext's figure, cleared and sized, in the app's theme."""
        plt = self.plt
        plt.clear_figure()
        compat.plot_size(plt, width, height)
        plt.theme(compat.plot_theme(self, self.app.theme))
        return plt

    def _y_axis(self, lo: float, hi: float, log: bool, height: int) -> None:
        """The y limits and their ticks, on a log axis or a linear one."""
        plt = self.plt
        most = max(2, (height - 4) // 3)
        yticks = log_ticks(lo, hi, most) if log else linear_ticks(lo, hi, most)
        if yticks:
            plt.yticks(yticks, self._y_labels(tick_labels(yticks)))
        if log:
            # plotext log-scales the data but takes the limits as they are given.
            plt.yscale("log")
            lo, hi = math.log10(lo), math.log10(hi)
        plt.ylim(lo, hi)

    def _y_labels(self, labels: list[str]) -> list[str]:
        """The y axis's tick labels as drawn (a subclass may pad them)."""
        return labels

    def _finished_plot(self, height: int) -> list[str]:
        """The figure as lines of text (ANSI colours), its frame in ASCII where asked."""
        try:
            text = self.plt.build()
        except Exception as exc:  # a charting library's corner case must not end the app
            self.log.error(f"plotext could not draw the chart: {exc!r}")
            return [f" (the chart could not be drawn: {type(exc).__name__})"] + [""] * (height - 1)
        if self.ascii_only:
            text = text.translate(_ASCII_FRAME)
        return text.split("\n")

    def _build(self, width: int, height: int) -> list[str]:
        plt = self._new_plot(width, height)
        series = self.series
        total = series.x_hi
        plt.xlim(0, total)
        xticks = step_ticks(total, max(1, (width - 8) // 14), width - 8)
        plt.xticks([float(t) for t in xticks], tick_labels(xticks))
        x, y = series.envelope(self.log_y)
        # plotext cannot lay out a log axis with nothing on it: linear until there is data
        # above 0 (values at or below 0 are left out of a log axis, and the caption says so).
        log = self.log_y and len(x) > 0
        if self.log_y and not log:
            x, y = series.envelope()
        lo, hi = series.y_range(log, self.fit_y)
        self._y_axis(lo, hi, log, height)
        plt.xlabel("step")
        marker = "." if self.ascii_only else "braille"
        raw, faint, smooth, validation = self._colours()
        if self.sparse:
            mx, my = series.markers(log)
            point = "*" if self.ascii_only else "●"
            plt.scatter(mx.tolist(), my.tolist(), marker=point, color=raw)
        elif len(x):
            # Without colour a faint curve looks like a bold one: show the smoothed one alone.
            if not (self.smoothing and self.colourless):
                plt.plot(
                    x.tolist(), y.tolist(), marker=marker, color=faint if self.smoothing else raw
                )
            if self.smoothing:
                sx, sy = series.smoothed(SMOOTHING_WEIGHT, log)
                plt.plot(
                    sx.tolist(),
                    sy.tolist(),
                    marker="*" if self.ascii_only else "braille",
                    color=smooth,
                    style="bold",
                )
        vx, vy = series.validation(log)
        if len(vx):
            plt.scatter(
                vx.tolist(), vy.tolist(), marker="o" if self.ascii_only else "◆", color=validation
            )
        return self._finished_plot(height)

    def _colours(self) -> tuple[tuple[int, int, int], ...]:
        variables = self.app.theme_variables
        key = (self.app.theme, variables.get("background"))
        if self._colour_key != key:
            self._colour_key = key
            self._theme_colours = theme_colours(variables)
        return self._theme_colours

    def _to_strip(self, line: str, width: int) -> Strip:
        text = Text.from_ansi(line, no_wrap=True, end="")
        segments = [
            Segment(seg.text, seg.style) for seg in text.render(self.app.console) if seg.text
        ]
        return Strip(segments).adjust_cell_length(width, Style())

    def render_line(self, y: int) -> Strip:
        if self._built_size != self.size:
            self.redraw(painting=True)
        if 0 <= y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width)

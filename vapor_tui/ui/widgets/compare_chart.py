"""The compare chart: one curve of one metric per job (up to 8) on shared axes, each in its own
colour and drawn with its own marker, so the curves read apart with NO_COLOR and --ascii too.

It repaints as the detail chart does, one changed line at a time, and sends the changed runs of
a line apart (four curves growing at four places on one line are four short runs, not one
that spans them): watching four live jobs costs little more than watching one.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from textual.color import Color

from vapor_tui.live.curves import CurveRead
from vapor_tui.ui.chart_axes import nice_ceil, step_ticks, tick_labels
from vapor_tui.ui.chart_options import ChartOptions
from vapor_tui.ui.compare_data import (
    AxisRange,
    JobCurve,
    binned,
    is_sparse,
    nice_limits,
    smoothed,
    time_label,
    time_ticks,
)
from vapor_tui.ui.glyphs import theme_colour
from vapor_tui.ui.widgets.chart import SMOOTHING_WEIGHT, MetricChart

MARKERS = ("●", "■", "▲", "◆", "✚", "✖", "★", "▼")
ASCII_MARKERS = ("*", "+", "o", "x", "#", "@", "%", "&")
# The theme's text colours first (they read on its background), then two of our own.
_THEME_COLOURS = ("text-primary", "text-warning", "text-error", "text-success", "text-accent")
_FALLBACKS = (
    (95, 175, 255),
    (255, 175, 0),
    (255, 95, 135),
    (95, 215, 95),
    (255, 135, 255),
    (0, 215, 215),
    (175, 135, 255),
    (215, 215, 95),
)


def marker(index: int, ascii_only: bool) -> str:
    return (ASCII_MARKERS if ascii_only else MARKERS)[index % len(MARKERS)]


class CompareChart(MetricChart):
    JOIN_RUNS = False

    def __init__(
        self,
        job_ids: list[int],
        *,
        ascii_only: bool = False,
        options: ChartOptions | None = None,
        **kwargs,
    ) -> None:
        super().__init__(1, ascii_only=ascii_only, options=options, **kwargs)
        self.job_ids = list(job_ids)
        self.curves = {job_id: JobCurve(job_id) for job_id in job_ids}
        self.totals: dict[int, int] = {}
        self.by_time = False
        self._y = AxisRange()
        self._x_time = 0.0
        self._x_steps = 0.0
        self._palette: tuple[tuple[int, int, int], ...] = ()
        self._palette_key: tuple | None = None

    # --- data and options -----------------------------------------------------------------

    @property
    def metric(self) -> str:
        return self.options.metric

    def set_job(self, job_id: int, total_steps: int | None, started: float | None) -> None:
        """What the axes need of a job: its length (None: not known) and when it started."""
        self.totals[job_id] = total_steps or 0
        self.curves[job_id].started = started

    def take(self, reads: Iterable[CurveRead]) -> bool:
        """Fold in what a tick read for the curves (summaries, newer points), then draw once:
        eight curves arriving together are one frame, not eight. True if any changed."""
        changed = False
        for read in reads:
            curve = self.curves.get(read.follow.job_id)
            if curve is None:
                continue
            if read.base is not None and read.base.metric == self.metric:
                curve.load(read.base)
                changed = True
            if read.points is not None and curve.loaded and curve.metric == read.follow.metric:
                changed = bool(curve.append(read.points)) or changed
        if changed:
            self.redraw()
        return changed

    def set_metric(self, metric: str) -> None:
        """Chart another metric: every curve is read again from its summary."""
        self.options.metric = metric
        for job_id, curve in self.curves.items():
            fresh = JobCurve(job_id, curve.started)
            fresh.names = curve.names
            self.curves[job_id] = fresh
        self._y.reset()
        self.redraw()

    def toggle_time(self) -> None:
        self.by_time = not self.by_time
        self._y.reset()
        self.redraw()

    def toggle_log(self) -> None:
        self._y.reset()
        super().toggle_log()

    @property
    def has_points(self) -> bool:
        return any(curve.count for curve in self.curves.values())

    @property
    def names(self) -> list[str]:
        """Every metric any of the jobs has, loss first."""
        from vapor_tui.core.series import ordered_names

        return ordered_names(name for curve in self.curves.values() for name in curve.names)

    @property
    def description(self) -> str:
        parts = [self.metric.replace("_", " "), "x: time" if self.by_time else "x: step"]
        if self.smoothing:
            parts.append(f"smoothed {SMOOTHING_WEIGHT:g}")
        if self.log_y:
            parts.append("log y")
        if self.fit_y:
            parts.append("y fitted")
        return (" - " if self.ascii_only else " · ").join(parts)

    # --- drawing --------------------------------------------------------------------------

    def _x_hi(self) -> float:
        if not self.by_time:
            known = [self.totals.get(j, 0) for j in self.job_ids]
            last = max([1, *(c.last_step for c in self.curves.values())])
            if last > max(known, default=0):  # a length not known: a nice number above
                self._x_steps = max(self._x_steps, nice_ceil(last * 1.05, (1.0, 2.0, 5.0)))
            return float(max([1, *known, self._x_steps]))
        longest = max((c.last_time or 0.0 for c in self.curves.values()), default=0.0)
        if longest > self._x_time:  # widen by nice steps, never narrow
            self._x_time = float(max(time_ticks(longest * 1.05, 6)[-1], longest * 1.05))
        return max(self._x_time, 10.0)

    def _build(self, width: int, height: int) -> list[str]:
        plt = self._new_plot(width, height)
        columns = max(8, width - 10)
        x_hi = self._x_hi()
        plt.xlim(0, x_hi)
        if self.by_time:
            xt = time_ticks(x_hi, max(1, columns // 12))
            plt.xticks(xt, [time_label(t) for t in xt])
            plt.xlabel("time since the job started")
        else:
            steps = step_ticks(int(x_hi), max(1, columns // 14), columns)
            plt.xticks([float(t) for t in steps], tick_labels(steps))
            plt.xlabel("step")
        drawn = []
        for index, job_id in enumerate(self.job_ids):
            curve = self.curves[job_id]
            x, mean, lo, hi = binned(curve, columns, x_hi, self.by_time, self.log_y)
            if self.smoothing and len(mean) > 1:
                mean = smoothed(mean, SMOOTHING_WEIGHT)
            drawn.append((index, curve, x, mean, lo, hi))
        log = self.log_y and any(len(d[2]) for d in drawn)
        self._y_axis(*self._y_limits(drawn, log, x_hi), log, height)
        colours = self._palette_colours()
        for index, curve, x, mean, _, _ in drawn:
            if not len(x):
                continue
            mark, colour = marker(index, self.ascii_only), colours[index % len(colours)]
            if is_sparse(curve, columns):
                plt.scatter(x.tolist(), mean.tolist(), marker=mark, color=colour)
            else:
                plt.plot(x.tolist(), mean.tolist(), marker=mark, color=colour)
        return self._finished_plot(height)

    def _y_labels(self, labels: list[str]) -> list[str]:
        if not self.has_points:  # the empty frame's 0..1 does not set the width
            return labels
        return self._y.steady_labels(labels)

    def _y_limits(self, drawn: list, log: bool, x_hi: float) -> tuple[float, float]:
        lows = [d[4] for d in drawn if len(d[4])]
        highs = [d[5] for d in drawn if len(d[5])]
        if not lows:
            return (0.1, 10.0) if log else (0.0, 1.0)
        if self.fit_y:  # past each curve's first tenth; a lone spike does not set the scale
            late = [d for d in drawn if len(d[2])]
            lo_parts = [d[4][d[2] >= 0.1 * d[2].max()] for d in late]
            hi_parts = [d[5][d[2] >= 0.1 * d[2].max()] for d in late]
            lo_all = np.concatenate([p for p in lo_parts if len(p)] or [np.concatenate(lows)])
            hi_all = np.concatenate([p for p in hi_parts if len(p)] or [np.concatenate(highs)])
            return nice_limits(float(lo_all.min()), float(np.quantile(hi_all, 0.99)), log, False)
        if self.metric == "accuracy" and not log:
            return 0.0, 1.0
        # What is drawn (a column's mean), not the column's extremes: a noisy step in the
        # first columns of a fresh job widened the axis a few seconds in, and every line of
        # the chart was sent again (about 530 bytes; more likely the more curves there are).
        means = [d[3] for d in drawn if len(d[3])]
        low = float(min(a.min() for a in means))
        high = float(max(a.max() for a in means))
        return self._y.widen(low, high, log, from_zero=True)

    def _palette_colours(self) -> tuple[tuple[int, int, int], ...]:
        variables = self.app.theme_variables
        key = (self.app.theme, variables.get("background"))
        if self._palette_key != key:
            self._palette_key = key
            themed = [
                theme_colour(variables, name, Color(*fallback)).rgb
                for name, fallback in zip(_THEME_COLOURS, _FALLBACKS, strict=False)
            ]
            self._palette = (*themed, *_FALLBACKS[len(themed) :])
        return self._palette

    def colour(self, index: int) -> tuple[int, int, int]:
        """The colour of the index-th job's curve (for its legend line)."""
        palette = self._palette_colours()
        return palette[index % len(palette)]

"""One job, live: configuration, status, progress, speed, ETA, and the metric chart."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

from vapor_tui.core.job import Job
from vapor_tui.core.output import OutputLine
from vapor_tui.core.series import LOSS_NAMES
from vapor_tui.core.status import JobStatus
from vapor_tui.live.tick import Snapshot
from vapor_tui.present.text import clock, count, job_eta
from vapor_tui.present.text import loss as loss_text
from vapor_tui.ui.plain import markup
from vapor_tui.ui.screens.base import JOB_ACTION_BINDINGS, LiveScreen
from vapor_tui.ui.screens.detail_text import pack, title_line
from vapor_tui.ui.terminal import no_color
from vapor_tui.ui.widgets.chart import MetricChart
from vapor_tui.ui.widgets.keys_footer import KeysFooter
from vapor_tui.ui.widgets.live_static import LiveStatic
from vapor_tui.ui.widgets.output_pane import OutputPane


class JobDetailScreen(LiveScreen):
    HELP_TITLE = "Job detail: keys"
    NO_JOB_TEXT = "This job was deleted."
    CLONE_SELECTS = False  # `esc` goes back to this job, not to its clone
    BINDINGS = [
        Binding("escape", "back", "Back", tooltip="Back to the jobs", id="detail.back"),
        *JOB_ACTION_BINDINGS,
        Binding("l", "log", "Log y", tooltip="Log or linear y axis", id="detail.log"),
        Binding(
            "m",
            "smooth",
            "Smooth",
            tooltip="Smoothing on or off (the raw curve stays, faint)",
            id="detail.smooth",
        ),
        Binding(
            "a",
            "metric",
            "Metric",
            tooltip="Chart the job's next metric (loss first, then A to Z)",
            id="detail.metric",
        ),
        Binding("o", "output", "Output", tooltip="Show or hide the output", id="detail.output"),
        Binding("up", "output_scroll(-1)", show=False),
        Binding("down", "output_scroll(1)", show=False),
        Binding("pageup", "output_page(-1)", show=False),
        Binding("pagedown", "output_page(1)", show=False),
        Binding("home", "output_home", show=False),
        Binding("end", "output_end", show=False),
        Binding(
            "z",
            "fit",
            "Fit y",
            tooltip="Fit the y axis to the data past the first tenth (again: from 0)",
            id="detail.fit",
        ),
    ]

    def __init__(self, job_id: int) -> None:
        super().__init__()
        self.job_id = job_id
        self.job: Job | None = None
        self._covered = False  # by the too-small notice: ticks leave a covered screen alone
        self._texts: dict[str, object] = {}

    def compose(self) -> ComposeResult:
        yield LiveStatic(f"Job #{self.job_id}", id="detail-title")
        yield LiveStatic("", id="detail-config")
        yield LiveStatic("", id="detail-bar")
        yield LiveStatic("", id="detail-stats")
        yield LiveStatic("", id="chart-caption")
        yield Static("Loading points…", id="chart-placeholder")
        yield KeysFooter()

    @property
    def followed_job(self) -> int | None:
        return self.job_id

    def on_mount(self) -> None:
        self.vapor.follow(self.job_id, output=True)
        snap = self.vapor.snapshot
        if snap is not None:
            self.apply_snapshot(Snapshot(snap.jobs, snap.now, {}, True, {}))

    def on_unmount(self) -> None:
        self.vapor.unfollow(self.job_id)

    def on_screen_suspend(self) -> None:
        self._covered = True

    def on_screen_resume(self) -> None:
        # Shown again after the too-small notice covered it: ticks left it alone meanwhile,
        # and its points since then wait in the store for the next one.
        snap = self.vapor.snapshot
        if self._covered and snap is not None and self.job is not None:
            self._covered = False
            self.apply_snapshot(Snapshot(snap.jobs, snap.now, {}, True, {}))
            self.vapor.request_tick()

    def on_resize(self) -> None:
        if self.job is not None:
            self._render_job(self.job, self.vapor.snapshot)

    # --- data -----------------------------------------------------------------------------

    def apply_snapshot(self, snap: Snapshot) -> None:
        job = snap.job(self.job_id)
        if job is None:
            if self.job is not None:
                # Deleted while shown: say so, keep the chart, offer no action on it.
                name, self.job = self.job.name, None
                gone = Content("deleted")
                width = self.size.width - 2
                title = title_line(self.job_id, name, gone, "", width, self.vapor.glyphs)
                self._set("detail-title", title)
                self._set("detail-stats", "This job was deleted; its points are gone.")
                self.refresh_bindings()
            elif snap.jobs_changed:
                self._set("detail-title", f"Job #{self.job_id} no longer exists.")
            return
        first = self.job is None
        status_changed = self.job is None or self.job.status is not job.status
        self.job = job
        if first:
            self._mount_chart(job)
            if job.source == "command":
                self._mount_output()
        lines = snap.output.get(self.job_id)
        if lines:
            self._output_lines(lines)
        base = snap.bases.get(self.job_id)
        points = snap.points.get(self.job_id)
        if base is not None or points is not None:
            chart = self.query_one(MetricChart)
            if base is not None:
                chart.load_base(base)
            if points is not None:
                chart.add_points(points)
            self._show_chart(chart, job)
        self._render_job(job, snap)
        if status_changed:
            self.refresh_bindings()

    def redraw_all(self) -> None:
        """Colours changed (a new theme): render every text again."""
        self._texts.clear()
        if self.job is not None:
            self._render_job(self.job, self.vapor.snapshot)

    def _show_chart(self, chart: MetricChart, job: Job) -> None:
        """The chart once it has a point; before that, a line that says why there is none
        (an empty frame looked like a chart that failed)."""
        placeholder = self.query_one("#chart-placeholder", Static)
        if chart.has_points:
            if placeholder.display:
                placeholder.display = False
                chart.display = True
            return
        if job.status is JobStatus.QUEUED:
            text = "No points yet: this job has not started (s starts it)."
        elif job.status.is_active:
            text = "No points yet: its first step is under way."
        else:
            text = f"No points: it ended ({job.status}) before its first step."
        if str(placeholder.content) != text:  # each update repaints all of it (3 KB)
            placeholder.update(text)

    def _mount_chart(self, job: Job) -> None:
        chart = MetricChart(
            job.known_total,
            ascii_only=self.vapor.glyphs.ascii,
            options=self.vapor.chart_options,
            id="chart",
        )
        chart.colourless = no_color()
        chart.display = False
        self.mount(chart, after=self.query_one("#chart-placeholder"))

    def _mount_output(self) -> None:
        pane = OutputPane(colourless=no_color(), id="output")
        caption = LiveStatic("", id="output-caption")
        self.mount(caption, pane, after=self.query_one(MetricChart))
        self._update_output_caption()
        self.refresh_bindings()

    def _output(self) -> OutputPane | None:
        panes = self.query(OutputPane)
        return panes.first() if panes else None

    def _output_lines(self, lines: Sequence[OutputLine]) -> None:
        pane = self._output()
        if pane is None:
            self._mount_output()  # output from a job not known as a command (yet)
            pane = self.query_one(OutputPane)
        pane.add(lines)
        self._update_output_caption()

    def _update_output_caption(self) -> None:
        pane = self._output()
        if pane is not None:
            hint = "; o hides" if pane.lines else ""  # o shows output, it hides none unseen
            self._set("output-caption", f"[b]Output[/b]  ({pane.where}{hint})")

    def _render_job(self, job: Job, snap: Snapshot | None) -> None:
        g = self.vapor.glyphs
        c = job.config
        sep = f" {g.sep} "
        line_width = max(20, self.size.width - 2)
        badge = g.badge_content(job.status)
        title = title_line(job.id, job.name, badge, job.reason or "", line_width, g)
        self._set("detail-title", title)
        self._set(
            "detail-config",
            pack(
                [
                    markup("[b]$model[/b]", model=job.model or "-"),
                    *(
                        [
                            f"{count(c.epochs, 'epoch')} x {count(c.steps_per_epoch, 'step')}",
                            *job.setting_words()[1:],
                        ]
                        if c is not None
                        else [markup("$w", w=w) for w in job.setting_words()]
                    ),
                ],
                sep,
                line_width,
            ),
        )
        bar = self.query_one("#detail-bar", Static)
        width = max(10, (bar.content_region.width or self.size.width - 2) - 7)
        colour = "$success" if job.status.is_active else "$text-muted"
        self._set(
            "detail-bar",
            f"[{colour}]{g.bar(job.progress, width)}[/] [b]{job.progress * 100:5.1f}%[/b]"
            if job.known_total
            else f"[{colour}]{g.bar(0.0, width)}[/] [b]unknown[/b]",
        )
        now = snap.now if snap is not None else None
        elapsed = job.elapsed_seconds(now) if now is not None else None
        speed = job.steps_per_second
        sps = f"{speed:,.2f} steps/s" if speed else "- steps/s"
        if not job.status.is_active and speed:
            sps += " avg"
        stats: list[str | Content] = [
            (f"Epoch {job.epoch_label} - " if job.epoch_label != "-" else "")
            + f"step {job.steps_done:,}/"
            + (f"{job.known_total:,}" if job.known_total else "unknown"),
            sps if job.status.is_active else f"[dim]{sps}[/dim]",
            f"elapsed {clock(elapsed)}",
            f"ETA {job_eta(job)}",
            f"loss {loss_text(job.last_loss)}",
            f"best {loss_text(job.best_loss)}",
            f"val {loss_text(job.last_val_loss)}",
        ]
        self._set("detail-stats", pack(stats, "   ", line_width))
        self._update_caption()

    def _update_caption(self) -> None:
        chart = self._chart()
        if chart is None:
            return
        g = self.vapor.glyphs
        if chart.sparse:
            legend = f"{'*' if g.ascii else '●'} a point each"
        elif not chart.smoothing:
            legend = "train" if chart.series.metric in LOSS_NAMES else "raw"
        elif chart.colourless:
            legend = "smoothed; the raw curve is hidden without colour"
        else:
            legend = "raw faint, smoothed bold"
        if validation := chart.series.validation_name:
            legend += f", {'o' if g.ascii else '◆'} {validation}"
        self._set("chart-caption", f"[b]{chart.description}[/b]  ({legend})")

    def _set(self, widget_id: str, text: str | Content) -> None:
        # Content compares its text alone: a colour that changed (a theme) counts too.
        key = (text.plain, tuple(text.spans)) if isinstance(text, Content) else text
        if self._texts.get(widget_id) != key:
            self._texts[widget_id] = key
            self.query_one(f"#{widget_id}", Static).update(text)

    def selected_job(self) -> Job | None:
        return self.job

    # --- keys -----------------------------------------------------------------------------

    def action_back(self) -> None:
        # Only while this screen is on top: pop_screen() closes whatever is. A "Back" chosen in
        # the palette runs after the palette closes, and a key of the same burst may have
        # opened another screen by then: Back closed that one, and the screens below it went
        # one by one until none was left (the app ended; found by the random keys).
        if self.vapor.screen is self:
            self.vapor.pop_screen()

    def _chart(self) -> MetricChart | None:
        charts = self.query(MetricChart)
        return charts.first() if charts else None

    def action_log(self) -> None:
        if chart := self._chart():
            chart.toggle_log()
            self._update_caption()

    def action_smooth(self) -> None:
        if chart := self._chart():
            chart.toggle_smoothing()
            self._update_caption()

    def action_fit(self) -> None:
        if chart := self._chart():
            chart.toggle_fit()
            self._update_caption()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action.startswith("output"):  # only a launched command has output
            return self._output() is not None
        return super().check_action(action, parameters)

    def action_output(self) -> None:
        """Show the output if the user cannot see any, else hide it. A key typed as the screen
        opened (`vapor-tui watch ID` and `o` at once) came before the pane drew a line: it hid
        a pane the user never saw, and `o` seemed to do nothing."""
        pane = self._output()
        if pane is None:
            return
        shown = pane.display and pane.painted and bool(pane.region)
        pane.display = not shown
        pane.painted = False
        self.query_one("#output-caption").display = pane.display

    def _shown_output(self) -> OutputPane | None:
        pane = self._output()
        return pane if pane is not None and pane.display else None

    def action_output_scroll(self, delta: int) -> None:
        if pane := self._shown_output():
            pane.scroll_lines(delta)
            self._update_output_caption()

    def action_output_page(self, pages: int) -> None:
        if pane := self._shown_output():
            pane.page(pages)
            self._update_output_caption()

    def action_output_home(self) -> None:
        if pane := self._shown_output():
            pane.home()
            self._update_output_caption()

    def action_output_end(self) -> None:
        if pane := self._shown_output():
            pane.follow()
            self._update_output_caption()

    def action_metric(self) -> None:
        if chart := self._chart():
            chart.cycle_metric()
            self._update_caption()

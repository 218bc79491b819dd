"""Several jobs on one chart, their configurations side by side (`v` on the jobs screen)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from vapor_tui.core.job import Job
from vapor_tui.live.tick import Snapshot
from vapor_tui.present.compare import Comparison, compare
from vapor_tui.ui.screens.base import LiveScreen
from vapor_tui.ui.screens.compare_text import config_table, legend
from vapor_tui.ui.terminal import no_color
from vapor_tui.ui.widgets.compare_chart import CompareChart
from vapor_tui.ui.widgets.keys_footer import KeysFooter
from vapor_tui.ui.widgets.live_static import LiveStatic

# The legend's values (each job's latest and best) are redrawn at most this often while jobs
# run; the chart grows on every update. Four live jobs' new values then go out in one frame
# every two seconds, not in one frame each as their steps land, and a number stays long enough
# to be read.
LEGEND_SECONDS = 2.0


class ConfigsScroll(VerticalScroll, can_focus=False):
    """The configurations table: scrolled by page up/down and the wheel, never focused, so
    that up/down (and j/k) move between jobs at 80x24 too, where it overflows."""


class CompareScreen(LiveScreen):
    HELP_TITLE = "Compare: keys"
    NO_JOB_TEXT = "No job selected."
    HELP_NAVIGATION = (
        ("up/down, k/j", "Select a job (c clones it)"),
        ("legend", f"Latest and best values refresh every {LEGEND_SECONDS:g} s"),
    )
    BINDINGS = [
        Binding("escape", "back", "Back", tooltip="Back to the jobs", id="compare.back"),
        Binding("a", "metric", "Metric", tooltip="Chart the next metric", id="compare.metric"),
        Binding(
            "t",
            "time",
            "Step/time",
            tooltip="x axis: step or time since each job started",
            id="compare.time",
        ),
        Binding("m", "smooth", "Smooth", tooltip="Smoothing on or off", id="compare.smooth"),
        Binding("l", "log", "Log y", tooltip="Log or linear y axis", id="compare.log"),
        Binding(
            "z",
            "fit",
            "Fit y",
            tooltip="Fit the y axis to the data past the first tenth",
            id="compare.fit",
        ),
        Binding(
            "d",
            "differences",
            "Diff",
            tooltip="Show only the fields that differ (again: all)",
            id="compare.differences",
        ),
        Binding(
            "c",
            "clone",
            "Clone",
            tooltip="Clone the selected job into the new-job form",
            id="compare.clone",
        ),
        Binding("up,k", "select(-1)", "Previous job", show=False, id="compare.up"),
        Binding("down,j", "select(1)", "Next job", show=False, id="compare.down"),
        Binding("pageup", "configs(-1)", "Configurations up", show=False, id="compare.pgup"),
        Binding("pagedown", "configs(1)", "Configurations down", show=False, id="compare.pgdn"),
    ]

    def __init__(self, job_ids: list[int]) -> None:
        super().__init__()
        self.job_ids = list(job_ids)
        self.jobs: dict[int, Job] = {}
        self.selected = 0
        self.only_differences = False
        self.comparison: Comparison | None = None
        self._texts: dict[str, object] = {}
        self._legend_at: float | None = None  # when the legend's values were last drawn
        self._legend_behind = False  # values came in since
        self._shown_state: tuple = ()  # what is redrawn at once when it changes

    def compose(self) -> ComposeResult:
        yield LiveStatic("Compare", id="compare-title")
        yield LiveStatic("", id="compare-caption")
        yield CompareChart(
            self.job_ids,
            ascii_only=self.vapor.glyphs.ascii,
            options=self.vapor.compare_options,
            id="compare-chart",
        )
        yield LiveStatic("", id="compare-legend")
        with ConfigsScroll(id="compare-configs"):
            yield Static("", id="compare-table")
        yield KeysFooter()

    @property
    def chart(self) -> CompareChart:
        return self.query_one(CompareChart)

    @property
    def followed_jobs(self) -> tuple[int, ...]:
        return tuple(self.job_ids)

    def on_mount(self) -> None:
        self.chart.colourless = no_color()
        self.vapor.follow_curves(self.job_ids, self.chart.metric)
        if self.vapor.snapshot is not None:
            self.apply_snapshot(self.vapor.snapshot)

    def on_unmount(self) -> None:
        self.vapor.live.unfollow_curves()

    def on_resize(self) -> None:
        self._render_texts()

    # --- data -----------------------------------------------------------------------------

    def apply_snapshot(self, snap: Snapshot) -> None:
        chart = self.chart
        jobs_changed = False
        for job_id in self.job_ids:
            job = snap.job(job_id)
            if job is None and job_id in self.jobs:  # deleted: ids are never reused
                del self.jobs[job_id]
                jobs_changed = True
            if job is not None and self.jobs.get(job_id) is not job:
                before = self.jobs.get(job_id)
                self.jobs[job_id] = job
                # A running job is a new row every tick (its step, its heartbeat): only what
                # the screen shows of it is redrawn at once.
                jobs_changed = jobs_changed or before is None or _shown(before) != _shown(job)
                started = job.started_at.timestamp() if job.started_at else None
                chart.set_job(job_id, job.known_total, started)
        changed = chart.take(snap.curves.values())
        if jobs_changed or self.comparison is None or self._state() != self._shown_state:
            self._render_texts()
            return
        self._legend_behind = self._legend_behind or changed
        if self._legend_behind and self._legend_due():
            self._render_texts()

    def _state(self) -> tuple:
        """What shows at once when it changes: the first points, a curve read (its values no
        longer "…")."""
        chart = self.chart
        return chart.has_points, tuple(curve.loaded for curve in chart.curves.values())

    def _legend_due(self) -> bool:
        """Have LEGEND_SECONDS passed since the legend's values were drawn? (Less half an
        update: at a refresh a second, every other update, whatever the ticks' jitter.)"""
        if self._legend_at is None:
            return True
        elapsed = self.vapor.clock.now().timestamp() - self._legend_at
        return elapsed >= LEGEND_SECONDS - 0.5 * self.vapor.refresh_seconds

    def redraw_all(self) -> None:
        self._texts.clear()
        self._render_texts()

    def _comparison(self) -> Comparison:
        jobs = [self.jobs[i] for i in self.job_ids if i in self.jobs]
        curves = self.chart.curves
        stats = {i: {curves[i].metric: curves[i].stats} for i in self.jobs if curves[i].loaded}
        return compare(jobs, stats)

    def _render_texts(self) -> None:
        if not self.is_mounted:
            return
        self._shown_state = self._state()
        self._legend_at = self.vapor.clock.now().timestamp()
        self._legend_behind = False
        self.comparison = self._comparison()
        width = max(20, self.size.width - 2)
        shown = [i for i in self.job_ids if i in self.jobs]
        gone = len(self.job_ids) - len(shown)
        title = f"[b]Compare[/b]  {len(shown)} jobs"
        if gone:
            title += f"  [dim]({gone} deleted)[/dim]"
        self._set("compare-title", title)
        chart = self.chart
        caption = f"[b]{chart.description}[/b]"
        if not chart.has_points:
            caption += "  (no points yet)"
        self._set("compare-caption", caption)
        g = self.vapor.glyphs
        self._set("compare-legend", legend(self.job_ids, self.jobs, chart, self.selected, g, width))
        comparison = self.comparison
        shown_rows = comparison.differences if self.only_differences else comparison.fields
        table_key = (width, self.only_differences, [j.id for j in comparison.jobs], shown_rows)
        if self._texts.get("compare-table") != table_key:  # configurations change seldom
            table = config_table(comparison, self.job_ids, self.only_differences, g, width)
            self._set("compare-table", table, key=table_key)

    def _set(self, widget_id: str, content: object, key: object = None) -> None:
        """Update a widget only when what it shows changed (`key`, else the text itself)."""
        if key is None:
            key = (content.plain, tuple(content.spans)) if isinstance(content, Text) else content
        if self._texts.get(widget_id) == key:
            return
        self._texts[widget_id] = key
        self.query_one(f"#{widget_id}", Static).update(content)  # type: ignore[arg-type]

    def selected_job(self) -> Job | None:
        if not self.job_ids:
            return None
        return self.jobs.get(self.job_ids[self.selected])

    # --- keys -----------------------------------------------------------------------------

    def action_back(self) -> None:
        if self.vapor.screen is self:
            self.vapor.pop_screen()

    def action_metric(self) -> None:
        names = self.chart.names or ["loss"]
        current = self.chart.metric
        metric = names[(names.index(current) + 1) % len(names)] if current in names else names[0]
        self.chart.set_metric(metric)
        self.vapor.follow_curves(self.job_ids, metric)
        self._render_texts()

    def action_time(self) -> None:
        self.chart.toggle_time()
        self._render_texts()

    def action_smooth(self) -> None:
        self.chart.toggle_smoothing()
        self._render_texts()

    def action_log(self) -> None:
        self.chart.toggle_log()
        self._render_texts()

    def action_fit(self) -> None:
        self.chart.toggle_fit()
        self._render_texts()

    def action_differences(self) -> None:
        self.only_differences = not self.only_differences
        self._render_texts()

    def action_select(self, delta: int) -> None:
        self.selected = (self.selected + delta) % max(1, len(self.job_ids))
        self._render_texts()
        self.refresh_bindings()

    def action_configs(self, pages: int) -> None:
        configs = self.query_one(ConfigsScroll)
        if pages < 0:
            configs.scroll_page_up()
        else:
            configs.scroll_page_down()

    def action_clone(self, same_seed: bool = False) -> None:
        """The selected job's configuration in the new-job form (a new seed), to edit and
        create: the best run of a sweep is one key from its successor."""
        from vapor_tui.ui.screens.new_job import NewJobScreen

        job = self.selected_job()
        if job is None:
            self.notify("The selected job was deleted.", severity="warning")
            return
        if job.config is None:  # no simulator settings to fill the form with
            again = (
                "c on the jobs screen queues its command again"
                if job.source == "command"
                else "its script starts it: run the script again"
            )
            self.notify(
                f"#{job.id} {job.name} is not simulated, so the form has nothing to fill in; "
                f"{again}.",
                title="Not possible",
                severity="warning",
            )
            return

        def created(result) -> None:
            if result is not None:  # a Create (a NewCommand if a command was typed in)
                self.vapor.submit(result)

        self.vapor.push_screen(NewJobScreen(job.config), created)


def _shown(job: Job) -> tuple:
    """What the compare screen shows of a job besides its points: the legend's name and status,
    the axes' length and start, the configuration table's fields."""
    run_config = job.run.config if job.run is not None else None
    return (
        job.name,
        job.status,
        job.started_at,
        job.known_total,
        job.model,
        job.config,
        run_config,
    )

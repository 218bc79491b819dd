"""What the compare screen writes under its chart: the legend (a line a job) and the jobs'
configurations side by side."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.style import Style
from rich.table import Table
from rich.text import Text

from vapor_tui.core.job import Job
from vapor_tui.present.compare import Comparison, metric_text, value_text
from vapor_tui.ui.glyphs import Glyphs
from vapor_tui.ui.widgets.compare_chart import CompareChart, marker
from vapor_tui.ui.widgets.job_rows import fit


def legend(
    job_ids: Sequence[int],
    jobs: Mapping[int, Job],
    chart: CompareChart,
    selected: int,
    g: Glyphs,
    width: int,
) -> Text:
    """One line a job: its marker in its colour, id, name, status, the metric's latest
    value and its best value with the step. The selected job (for `c`) is bold, with an
    arrow."""
    lines = Text()
    name_width = max(8, min(32, width - 60))
    for index, job_id in enumerate(job_ids):
        job = jobs.get(job_id)
        curve = chart.curves[job_id]
        pointer = (">" if g.ascii else "▸") if index == selected else " "
        colour = "#{:02x}{:02x}{:02x}".format(*chart.colour(index))
        line = Text(f"{pointer} ", style="bold")
        line.append(f"{marker(index, g.ascii)} ", style=Style.parse(f"bold {colour}"))
        if job is None:
            line.append(f"#{job_id} deleted", style="dim")
        else:
            line.append(f"#{job.id} ", style="bold" if index == selected else "")
            line.append(fit(job.name, name_width, g).ljust(name_width) + "  ")
            badge = g.badge(job.status)
            badge.pad_right(11 - badge.cell_len)
            line.append_text(badge)
            stats = curve.stats
            latest = metric_text(stats.latest, None) if curve.loaded else "…"
            line.append(f"  {chart.metric} {latest}")
            if stats.best is not None:
                line.append(f"  best {metric_text(stats.best, stats.best_step)}")
        if index:
            lines.append("\n")
        lines.append_text(line)
    return lines


def config_table(
    comparison: Comparison,
    job_ids: Sequence[int],
    only_differences: bool,
    g: Glyphs,
    width: int,
) -> Table:
    """The configurations side by side; a field that differs is marked and bold."""
    mark = "*" if g.ascii else "≠"
    table = Table(box=None, pad_edge=False, show_edge=False, expand=False, padding=(0, 1))
    table.add_column("", no_wrap=True)
    jobs = comparison.jobs
    for job in jobs:
        head = f"{marker(job_ids.index(job.id), g.ascii)} #{job.id}"
        table.add_column(head, no_wrap=True, max_width=max(8, (width - 20) // max(1, len(jobs))))
    rows = comparison.differences if only_differences else comparison.fields
    for row in rows:
        style = "bold" if row.differs else "dim"
        label = f"{mark if row.differs else ' '} {row.name}"
        cells = [Text(value_text(v)) for v in row.values]  # never markup: text as stored
        table.add_row(Text(label), *cells, style=style)
    if only_differences and not rows:
        table.add_row("  (no field differs)")
    return table

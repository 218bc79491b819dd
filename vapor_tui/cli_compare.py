"""`vapor-tui compare ID ID... [--json]`: jobs side by side, the fields that differ marked."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click
from rich.cells import cell_len

from vapor_tui.cli_group import cli, db_option, open_db, parse_job_id
from vapor_tui.core.text import escaped
from vapor_tui.text_table import cut

if TYPE_CHECKING:
    # numpy, through core.curves: not on the way to the app's first frame (this module is
    # imported by every `vapor-tui` command).
    from vapor_tui.present.compare import Comparison

COLUMN_CELLS = 24
DIFFERS = "*"


@cli.command("compare")
@click.argument("job_ids", nargs=-1, required=True, metavar="ID ID...")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@db_option
@click.pass_context
def compare_cmd(ctx: click.Context, job_ids: tuple[str, ...], as_json: bool, db: str | None):
    """Compare jobs: each one's configuration, latest and best values; the fields that differ
    are marked."""
    from vapor_tui.present.compare import compare
    from vapor_tui.store.curves import read_stats
    from vapor_tui.store.jobs import get_job

    numbers = list(dict.fromkeys(parse_job_id(value) for value in job_ids))
    store = open_db(ctx, db, reading=True, job_id=numbers[0])
    jobs = [get_job(store, number) for number in numbers]
    with store.read() as conn:
        stats = {job.id: read_stats(conn, job.id) for job in jobs}
    comparison = compare(jobs, stats)
    if as_json:
        click.echo(json.dumps(comparison.as_json(), indent=2))
        return
    click.echo(comparison_text(comparison))


def comparison_text(comparison: Comparison) -> str:
    """The jobs as columns; a `*` before a field whose values differ."""
    from vapor_tui.present.compare import metric_text, value_text

    jobs = comparison.jobs
    rows: list[tuple[str, list[str]]] = [
        ("", [cut(f"#{job.id} {escaped(job.name)}", COLUMN_CELLS) for job in jobs]),
        ("status", [str(job.status) for job in jobs]),
        ("step", [f"{job.steps_done:,}/{job.total_steps:,}" for job in jobs]),
    ]
    for row in comparison.fields:
        mark = DIFFERS if row.differs else " "
        cells = [cut(escaped(value_text(v)), COLUMN_CELLS) for v in row.values]
        rows.append((f"{mark} {escaped(row.name)}", cells))
    for metric in comparison.metrics:
        latest = [comparison.stat(i, metric) for i in range(len(jobs))]
        name = escaped(metric)
        rows.append((f"  {name}", [metric_text(s.latest, s.latest_step) for s in latest]))
        if any(s.best is not None for s in latest):
            best = [metric_text(s.best, s.best_step) for s in latest]
            rows.append((f"  {name} best", best))
    label_width = max(cell_len(label) for label, _ in rows)
    widths = [max(cell_len(cells[i]) for _, cells in rows) for i in range(len(jobs))]
    lines = []
    for label, cells in rows:
        parts = [label + " " * (label_width - cell_len(label))]
        parts += [c + " " * (w - cell_len(c)) for c, w in zip(cells, widths, strict=True)]
        lines.append("  ".join(parts).rstrip())
    if comparison.differences:
        lines.append(f"{DIFFERS} differs between the jobs")
    return "\n".join(lines)

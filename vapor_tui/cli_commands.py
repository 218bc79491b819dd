"""The subcommands of `vapor-tui`: everything the app does, scriptable without a screen."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import click

from vapor_tui.cli_group import (
    UserError,
    _db,
    _run_app,
    app_options,
    cli,
    db_option,
    late_warning,
    open_db,
    parse_job_id,
    up_to_now,
)
from vapor_tui.core.text import escaped, shown
from vapor_tui.live.commands import Act, Clone, Command, Create, Delete, Outcome, Refused

if TYPE_CHECKING:
    from vapor_tui.store.engine import Store

job_id_argument = click.argument("job_id", metavar="ID")


@cli.command("jobs")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
@db_option
@click.pass_context
def jobs_cmd(ctx: click.Context, as_json: bool, db: str | None) -> None:
    """List jobs, newest first."""
    from vapor_tui.store.jobs import list_jobs

    store = open_db(ctx, db, reading=True)
    jobs = list_jobs(store)
    problem = jobs.problem()
    if problem:
        click.echo(f"vapor-tui: warning: {escaped(problem)}", err=True)
    if as_json:
        from vapor_tui.present.shapes import job_summary

        click.echo(json.dumps([job_summary(j) for j in jobs], indent=2))
        return
    from vapor_tui.text_table import jobs_table_text

    if not jobs:
        click.echo(
            "No jobs yet. Create one with `vapor-tui new --name NAME`, or try `vapor-tui demo`."
        )
        return
    click.echo(jobs_table_text(jobs, store.clock.now()))


@cli.command("new")
@click.option("--name", required=True, help="A name for the job.")
@click.option("--model", default="LFM2-350M", show_default=True, help="Base model (any text).")
@click.option("--epochs", default="3", show_default=True, metavar="N")
@click.option("--steps-per-epoch", default="100", show_default=True, metavar="N")
@click.option(
    "--lr",
    "learning_rate",
    default="2e-4",
    show_default=True,
    metavar="RATE",
    help="Learning rate.",
)
@click.option("--batch-size", default="8", show_default=True, metavar="N")
@click.option("--schedule", default="cosine", show_default=True, help="constant or cosine.")
@click.option("--curve", default="exponential", show_default=True, help="exponential or power-law.")
@click.option("--seed", default=None, metavar="N", help="Random seed (default: a random one).")
@click.option(
    "--step-seconds",
    default="0.5",
    show_default=True,
    metavar="SECONDS",
    help="Simulated seconds per step.",
)
@click.option("--cwd", default=None, metavar="DIR", help="A command's working directory.")
@click.option("--env", multiple=True, metavar="K=V", help="Set in a command's environment.")
@click.option(
    "--stop-grace", default=None, metavar="SECONDS", help="Before SIGTERM on a stop (60)."
)
@click.option("--start", is_flag=True, help="Start the job at once.")
@click.argument("command", nargs=-1, type=click.UNPROCESSED, metavar="[-- CMD ARG...]")
@db_option
@click.pass_context
def new_cmd(
    ctx: click.Context,
    db: str | None,
    start: bool,
    seed: str | None,
    command: tuple[str, ...],
    cwd: str | None,
    env: tuple[str, ...],
    stop_grace: str | None,
    **fields: str,
) -> None:
    """Create a job and print its id: a simulated one, or with `-- CMD ARG...` a command that
    runs under vapor-tui (without a shell) when it starts."""
    from vapor_tui.core.config import JobConfig, new_seed
    from vapor_tui.live.commands import Created

    if command or cwd is not None or env or stop_grace is not None:
        from vapor_tui.cli_launch import new_command_job

        name, model = fields["name"], fields["model"]
        new_command_job(ctx, db, name, model, command, cwd, env, stop_grace, start)
        return

    config = JobConfig(seed=new_seed() if seed is None else seed, **fields)  # type: ignore[arg-type]
    store = open_db(ctx, db)
    from vapor_tui.store.pieces import size_warning

    warning = size_warning(store, config.total_steps)
    if warning:
        click.echo(f"vapor-tui: warning: {warning}", err=True)
    created = _execute(store, Create(config, start))
    assert isinstance(created, Created)
    click.echo(created.job.id)


def _execute(store: Store, command: Command) -> Outcome:
    """Carry the command out as the app does; a refusal is one line and exit status 2."""
    from vapor_tui.live.commands import execute

    outcome = execute(store, command)
    if isinstance(outcome, Refused):
        raise UserError(outcome.reason)
    return outcome


def _action_command(name: str, help_text: str) -> None:
    @cli.command(name, help=help_text)
    @job_id_argument
    @db_option
    @click.pass_context
    def command(ctx: click.Context, job_id: str, db: str | None) -> None:
        from vapor_tui.core.status import Action
        from vapor_tui.live.commands import Acted
        from vapor_tui.live.uptonow import status_now
        from vapor_tui.store.jobs import get_job, points_owed

        number = parse_job_id(job_id)  # before opening: bad input writes nothing
        store = open_db(ctx, db, catch_up=False, job_id=number)
        # The status to compare and set on is read before this command writes anything, its
        # own catch-up included: of two stops racing on a running job, one makes it stopping
        # and the other is refused, rather than turning it into a stop at once.
        before = get_job(store, number)
        seen = status_now(before, store.clock.now())
        # A full disk does not stand in the way: the action records its change first, and
        # the points due come after it, when there is room (store/jobs.py).
        up_to_now(store, tolerant=True)
        acted = _execute(store, Act(number, Action(name), seen, before.stop_rung))
        assert isinstance(acted, Acted)
        click.echo(f"job #{acted.job.id} {escaped(acted.job.name)}: {acted.job.status}")
        owed = points_owed(store, number)
        if owed:
            late_warning(f"{owed:,} points of job #{number} are not written yet")


_action_command("start", "Start a queued job.")
_action_command(
    "stop",
    "Stop a job: a simulated job finishes its epoch first; a second stop, "
    "or a stop on a queued job, stops it at once. A script's run sees should_stop(); "
    "a launched command climbs the stop ladder (SIGINT, SIGTERM, SIGKILL).",
)
_action_command("fail", "Mark a job failed.")


@cli.command("clone")
@job_id_argument
@click.option("--same-seed", is_flag=True, help="Keep the seed: the same curve, point for point.")
@db_option
@click.pass_context
def clone_cmd(ctx: click.Context, job_id: str, same_seed: bool, db: str | None) -> None:
    """Create a queued copy of a job's configuration, with a new seed, and print its id."""
    from vapor_tui.live.commands import Cloned

    number = parse_job_id(job_id)
    cloned = _execute(open_db(ctx, db, job_id=number), Clone(number, same_seed))
    assert isinstance(cloned, Cloned)
    click.echo(cloned.job.id)


@cli.command("delete")
@job_id_argument
@db_option
@click.pass_context
def delete_cmd(ctx: click.Context, job_id: str, db: str | None) -> None:
    """Delete a job and all its points."""
    number = parse_job_id(job_id)
    _execute(open_db(ctx, db, job_id=number, acting=True), Delete(number))
    click.echo(f"deleted job {number}")


@cli.command("show")
@job_id_argument
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@db_option
@click.pass_context
def show_cmd(ctx: click.Context, job_id: str, as_json: bool, db: str | None) -> None:
    """Show one job: progress, configuration and status reason."""
    from vapor_tui.store.jobs import get_job

    number = parse_job_id(job_id)
    store = open_db(ctx, db, reading=True, job_id=number)
    job = get_job(store, number)
    if as_json:
        from vapor_tui.present.shapes import job_details
        from vapor_tui.store.series import series_names

        with store.read() as conn:
            metrics = series_names(conn, number)
        click.echo(json.dumps(job_details(job, metrics), indent=2))
        return
    from vapor_tui.text_table import job_details_text

    click.echo(job_details_text(job, store.clock.now()))


@cli.command("export")
@job_id_argument
@click.option("--format", "fmt", default="csv", show_default=True, help="csv or json.")
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    default=None,
    help="Write to FILE (replaced only once complete; - is standard output).",
)
@db_option
@click.pass_context
def export_cmd(
    ctx: click.Context, job_id: str, fmt: str, output: str | None, db: str | None
) -> None:
    """Export a job's points: step, epoch, timestamp and one column per metric."""
    from vapor_tui.export import ExportRefused, export_to, is_the_database

    if fmt.lower() not in ("csv", "json"):
        raise UserError(f"unknown export format {shown(fmt)}: use csv or json")
    fmt = fmt.lower()
    number = parse_job_id(job_id)
    store = open_db(ctx, db, reading=True, job_id=number)
    from vapor_tui.store.jobs import get_job

    get_job(store, number)  # unknown id: say so before creating an output file
    output = "-" if output is None else output
    if output != "-" and is_the_database(Path(output), store.target):
        raise UserError(f"cannot write {output}: it is the database itself (or its log)")
    try:
        export_to(store, number, fmt, output, sys.stdout)
    except ExportRefused as exc:
        raise UserError(str(exc)) from exc


@cli.command("demo")
@click.option(
    "--db",
    "db",
    metavar="PATH|URL",
    default=None,
    help="The database to fill (default: a new temporary file; $VAPOR_TUI_DB is not used, "
    "so that a demo never fills your real database).",
)
@click.option("--no-tui", is_flag=True, help="Only fill the database and print its path.")
@app_options
@click.pass_context
def demo_cmd(ctx: click.Context, db: str | None, no_tui: bool, **options) -> None:
    """Fill a database (a fresh temporary one by default) with demo jobs and open the app on it."""
    from vapor_tui.demo import fill_demo
    from vapor_tui.store.engine import open_store
    from vapor_tui.ui.launch import LaunchError, check_theme

    try:  # before anything is created: a wrong theme leaves no demo database behind
        check_theme(options.get("theme") or ctx.find_root().params.get("theme"))
    except LaunchError as exc:
        raise UserError(str(exc)) from exc
    target = _db(ctx, db)
    temporary = target is None
    if target is None:
        target = str(Path(tempfile.mkdtemp(prefix="vapor-demo-")) / "demo.db")
    store = open_store(target)
    fill_demo(store)
    store.close()
    if no_tui:
        click.echo(store.target)  # a URL without its password
        return
    if not temporary:
        _run_app(ctx, target, **options)
        return
    # The top bar has no room for the path at 110 columns: a toast says it at the start, and
    # a line on the way out says it again.
    notice = f"Its database stays after you quit:\n{target}"
    try:
        _run_app(ctx, target, notice=notice, **options)
    finally:
        click.echo(f"The demo database is kept at {target}")
        click.echo(f"Open it again with: vapor-tui --db {target}")


@cli.command("watch")
@job_id_argument
@db_option
@app_options
@click.pass_context
def watch_cmd(ctx: click.Context, job_id: str, db: str | None, **options) -> None:
    """Open the app straight on one job's detail screen."""
    from vapor_tui.store.peek import peek_jobs

    number = parse_job_id(job_id)
    # Check the id with the quick stdlib look when the file allows it: opening the full store
    # here would put SQLAlchemy's import in front of the first frame.
    jobs = peek_jobs(_db(ctx, db))
    if jobs is None:
        from vapor_tui.store.jobs import get_job

        # Whether the job exists, nothing more: the app brings jobs up to now as it opens.
        store = open_db(ctx, db, catch_up=False, job_id=number)
        get_job(store, number)
        store.close()
    elif number not in {job.id for job in jobs}:
        bad = [e for e in jobs.unreadable if e.job_id == number]
        raise UserError(str(bad[0]) if bad else f"no job with id {number}")
    # The jobs just read are the first frame's: the app does not read them again (on a
    # server, it would connect again for them).
    peeked = None if jobs is None else tuple(jobs)
    _run_app(ctx, db, watch=number, peeked=peeked, **options)

"""The command line of launched commands: `new ... -- CMD ARG...` (its command-job half) and
`logs ID [-f] [-n N]`."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

import click

from vapor_tui.cli_group import UserError, cli, db_option, open_db, parse_job_id
from vapor_tui.core.config import SIMULATOR_SETTINGS
from vapor_tui.core.text import escaped

if TYPE_CHECKING:
    from vapor_tui.core.output import OutputLine

SIMULATOR_OPTIONS = SIMULATOR_SETTINGS
FOLLOW_POLL_S = 0.25


def new_command_job(
    ctx: click.Context,
    db: str | None,
    name: str,
    model: str | None,
    argv: tuple[str, ...],
    cwd: str | None,
    env: tuple[str, ...],
    stop_grace: str | None,
    start: bool,
) -> None:
    """`new --name N [--model M] [--cwd DIR] [--env K=V ...] [--stop-grace S] [--start] -- CMD`"""
    from click.core import ParameterSource

    from vapor_tui.core.command import command_spec, parse_env, parse_grace
    from vapor_tui.live.commands import Created, NewCommand, Refused, execute

    for option in SIMULATOR_OPTIONS:
        if ctx.get_parameter_source(option) is ParameterSource.COMMANDLINE:
            flag = "--lr" if option == "learning_rate" else "--" + option.replace("_", "-")
            raise UserError(f"{flag} is for simulated jobs: a command job runs its own training")
    if ctx.get_parameter_source("model") is not ParameterSource.COMMANDLINE:
        model = None
    try:
        spec = command_spec(argv, cwd, parse_env(env), parse_grace(stop_grace))
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    store = open_db(ctx, db)
    outcome = execute(store, NewCommand(name, spec, model, start))
    if isinstance(outcome, Refused):
        raise UserError(outcome.reason)
    assert isinstance(outcome, Created)
    click.echo(outcome.job.id)


def _show(line: OutputLine, plain: bool) -> str:
    text = escaped(line.text) if not plain else line.text
    return f"{text}" if line.stream == "out" else f"[stderr] {text}"


@cli.command("logs")
@click.argument("job_id", metavar="ID")
@click.option("-f", "--follow", is_flag=True, help="Keep printing new lines until the job ends.")
@click.option(
    "-n",
    "--lines",
    "last",
    default="100",
    show_default=True,
    metavar="N",
    help="Print the last N lines (all: 0).",
)
@db_option
@click.pass_context
def logs_cmd(ctx: click.Context, job_id: str, follow: bool, last: str, db: str | None) -> None:
    """Print a launched command's output (stderr lines marked [stderr])."""
    from vapor_tui.store.jobs import get_job
    from vapor_tui.store.output import read_output

    number = parse_job_id(job_id)
    if not last.isdecimal():
        raise UserError(f"-n {escaped(last)}: give a number of lines (0: all of them)")
    store = open_db(ctx, db, reading=True, job_id=number)
    job = get_job(store, number)
    with store.read() as conn:
        lines = read_output(conn, number, last=int(last) or None)
    rev = max((line.rev for line in lines), default=0)
    printed = 0  # the last seq printed whole
    for line in lines:
        if line.partial and follow:
            break
        click.echo(_show(line, False))
        printed = line.seq
    if not follow:
        if not lines and job.source != "command":
            click.echo(
                f"job #{number} {escaped(job.name)} is not a launched command: it has no output",
                err=True,
            )
        return
    tty = sys.stdout.isatty()
    shown_partial = ""
    while True:
        status = get_job(store, number).status
        with store.read() as conn:
            new = read_output(conn, number, after_rev=rev)
        for line in new:
            rev = max(rev, line.rev)
            if line.seq <= printed:
                continue  # an older line changed (a progress line closed): already shown
            if line.partial:
                if tty:  # redrawn in place, as the command drew it
                    shown_partial = _show(line, False)
                    click.echo("\r\x1b[2K" + shown_partial, nl=False)
                continue
            if shown_partial:
                click.echo("\r\x1b[2K", nl=False)
                shown_partial = ""
            click.echo(_show(line, False))
            printed = line.seq
        sys.stdout.flush()
        if status.is_final:
            if shown_partial:
                click.echo()
            return
        time.sleep(FOLLOW_POLL_S)

"""The `vapor-tui` command group and what every command shares: its options, its errors, opening
the database and bringing running jobs up to now first. The commands are in cli_commands.py;
the entry point, which attaches them, in cli.py. Heavy imports (sqlmodel, numpy, textual) happen
inside commands so that `--help` and the first frame of the app are quick."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from vapor_tui import __version__

if TYPE_CHECKING:
    from vapor_tui.store.engine import Store

EXIT_USAGE = 2


class UserError(click.ClickException):
    exit_code = EXIT_USAGE


def db_option(f: Callable) -> Callable:
    return click.option(
        "--db",
        "db",
        metavar="PATH|URL",
        default=None,
        help="Database file or SQLAlchemy URL (default: $VAPOR_TUI_DB, else the data directory).",
    )(f)


def _db(ctx: click.Context, db: str | None) -> str | None:
    value = db if db is not None else ctx.find_root().params.get("db")
    if value is not None and not value.strip():
        # `--db "$UNSET"`: say so, rather than quietly use the default database.
        raise UserError("--db is empty: give a database file, or leave --db out for the default")
    return value


def open_db(
    ctx: click.Context,
    db: str | None,
    catch_up: bool = True,
    reading: bool = False,
    job_id: int | None = None,
) -> Store:
    """Open the database and bring running jobs up to now, as every command does first (an
    action brings them up to now itself, after reading the status it acts on).

    A command about one job (`job_id`) does not create a database that does not exist: it has
    no such job."""
    from vapor_tui.store.engine import StoreMissing, open_store

    try:
        store = open_store(_db(ctx, db), create=job_id is None)
    except StoreMissing as exc:
        raise UserError(f"no job with id {job_id}: {exc}") from exc
    ctx.call_on_close(store.close)
    if store.warning:
        click.echo(f"vapor-tui: warning: {store.warning}", err=True)
    if catch_up:
        up_to_now(store, reading)
    return store


def up_to_now(store: Store, reading: bool = False) -> None:
    """Bring running jobs up to now. A command that only reads (`reading`) still answers when
    that cannot be written (a full disk): it warns on stderr and shows what the database holds."""
    from vapor_tui.live.uptonow import bring_up_to_now
    from vapor_tui.store.engine import StoreDamaged, StoreError

    try:
        bring_up_to_now(store)
    except StoreError as exc:
        if not reading or isinstance(exc, StoreDamaged):
            raise
        click.echo(f"vapor-tui: warning: running jobs not brought up to date: {exc}", err=True)


def parse_job_id(value: str) -> int:
    text = value.strip()
    # isdecimal, not isdigit: int() refuses digits such as "²" that isdigit accepts.
    if not text.isdecimal() or len(text) > 18:
        raise UserError(f"job id must be a positive whole number, not {value!r}")
    return int(text)


def _run_app(ctx: click.Context, db: str | None, **options: Any) -> None:
    from vapor_tui.ui.launch import LaunchError, run_app

    root = ctx.find_root().params
    for name in ("ascii_only", "theme"):  # given before the subcommand
        if options.get(name) is None:
            options[name] = root.get(name)
    try:
        code = run_app(_db(ctx, db), **options)
    except LaunchError as exc:
        raise UserError(str(exc)) from exc
    ctx.exit(code or 0)


def _finite(_ctx: click.Context, _param: click.Parameter, value: float) -> float:
    # FloatRange lets NaN through (every comparison with it is false); a NaN refresh interval
    # would leave the app unable to tick or to quit.
    if value != value:
        raise click.BadParameter("must be a number of seconds, not NaN")
    return value


def app_options(f: Callable) -> Callable:
    """Options of every command that opens the app."""
    f = click.option(
        "--theme",
        default=None,
        metavar="NAME",
        help="A Textual theme, e.g. textual-light for a light terminal (default: the one "
        "last chosen in the app, else textual-dark).",
    )(f)
    f = click.option(
        "--ascii",
        "ascii_only",
        flag_value=True,
        default=None,
        help="Draw the chart and status symbols in plain ASCII "
        "(the default when the locale is not UTF-8).",
    )(f)
    return click.option(
        "--refresh",
        type=click.FloatRange(0.05, 3600),
        callback=_finite,
        default=1.0,
        show_default=True,
        metavar="SECONDS",
        help="How often the screens update.",
    )(f)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="vapor-tui")
@db_option
@app_options
@click.pass_context
def cli(ctx: click.Context, db: str | None, **options: Any) -> None:
    """Launch, control and watch model fine-tuning jobs from the terminal.

    With no command, opens the app on the database.
    """
    if ctx.invoked_subcommand is None:
        _run_app(ctx, db, **options)

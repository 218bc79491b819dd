"""The `vapor-tui` command group and what every command shares: its options, its errors, opening
the database and bringing running jobs up to now first. The commands are in cli_commands.py;
the entry point, which attaches them, in cli.py. Heavy imports (SQLAlchemy, numpy, textual) happen
inside commands so that `--help` and the first frame of the app are quick."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from vapor_tui import __version__
from vapor_tui.core import startup_gc
from vapor_tui.core.text import escaped, shown

if TYPE_CHECKING:
    from vapor_tui.store.engine import Store

EXIT_USAGE = 2
# What opens the app straight away: no command, or `watch` (`demo` fills a database first).
APP_COMMANDS = (None, "watch")


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
    acting: bool = False,
) -> Store:
    """Open the database and bring running jobs up to now, as every command does first (an
    action brings them up to now itself, after reading the status it acts on).

    A command that only reads (`reading`) still answers when the catch-up cannot be written
    (a full disk), and so does a stop, a fail, a start or a delete (`acting`: it records its
    change first, whatever is due). Either says so in a warning once it has succeeded; had it
    failed, its one error line says it all. A command about one job (`job_id`) does not create
    a database that does not exist: it has no such job."""
    from vapor_tui.store.engine import StoreMissing, open_store

    try:
        store = open_store(_db(ctx, db), create=job_id is None)
    except StoreMissing as exc:
        raise UserError(f"no job with id {job_id}: {exc}") from exc
    ctx.call_on_close(store.close)
    if store.warning:
        click.echo(f"vapor-tui: warning: {escaped(store.warning)}", err=True)
    said.extend(f"vapor-tui: note: {escaped(note)}" for note in store.notes)
    if catch_up:
        up_to_now(store, reading or acting)
    return store


def up_to_now(store: Store, tolerant: bool = False) -> None:
    """Bring running jobs up to now. A command that only reads, or that acts whatever is due
    (`tolerant`), still goes on when that cannot be written (a full disk): a warning says so
    once it has succeeded, and it shows what the database holds."""
    from vapor_tui.live.uptonow import bring_up_to_now
    from vapor_tui.store.engine import StoreDamaged, StoreError

    try:
        bring_up_to_now(store)
    except StoreError as exc:
        if not tolerant or isinstance(exc, StoreDamaged):
            raise
        behind.append(escaped(str(exc)))


# What a command has to say on stderr once it has succeeded (cli.main prints it): notes of
# what opening repaired, and why running jobs could not be brought up to date.
said: list[str] = []
behind: list[str] = []


def late_warning(what: str) -> None:
    """What an action left to do (points it owes that could not be written), said with the
    reason in one warning once it has succeeded."""
    why = behind.pop() if behind else "no room on the disk"
    said.append(f"vapor-tui: warning: {what}: {why}; any vapor-tui writes them once there is room")


def say_what_is_left() -> None:
    for line in said:
        click.echo(line, err=True)
    for why in behind:
        click.echo(f"vapor-tui: warning: running jobs not brought up to date: {why}", err=True)


# ASCII digits only: str.isdecimal() also takes U+0661 ARABIC-INDIC DIGIT ONE, which int()
# reads as 1: `delete` with it deleted job 1.
_JOB_ID = re.compile(r"[0-9]{1,18}")


def parse_job_id(value: str) -> int:
    text = value.strip()
    if not _JOB_ID.fullmatch(text):
        raise UserError(f"job id must be a positive whole number, not {shown(value)}")
    return int(text)


def _run_app(ctx: click.Context, db: str | None, **options: Any) -> None:
    from vapor_tui.store.sqlite_file import resolve_target
    from vapor_tui.ui.launch import LaunchError, run_app

    resolve_target(db)  # a blank $VAPOR_TUI_DB: one line now, not from inside the app

    root = ctx.find_root().params
    for name in ("ascii_only", "theme"):  # given before the subcommand
        if options.get(name) is None:
            options[name] = root.get(name)
    try:
        code = run_app(_db(ctx, db), **options)
    except LaunchError as exc:
        raise UserError(str(exc)) from exc
    ctx.exit(code or 0)


class Seconds(click.ParamType):
    """A number of seconds in a range, in the digits 0-9; the message says what is expected
    (click's FloatRange said "'abc' is not a valid float range", and took NaN and the
    digits of other scripts)."""

    name = "seconds"

    def __init__(self, low: float, high: float) -> None:
        self.low, self.high = low, high

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None):
        if isinstance(value, float):
            return value
        text = str(value).strip()
        try:
            number = float(text) if text.isascii() else float("nan")
        except ValueError:
            number = float("nan")
        if not self.low <= number <= self.high:  # NaN is in no range
            self.fail(
                f"must be a number of seconds from {self.low:g} to {self.high:g}, "
                f"not {shown(value, 20)}",
                param,
                ctx,
            )
        return number


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
        type=Seconds(0.05, 3600),
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
    if ctx.invoked_subcommand not in APP_COMMANDS:
        startup_gc.release()  # the collector is held for the app's start only
    if ctx.invoked_subcommand is None:
        _run_app(ctx, db, **options)

"""The `vapor-tui` command. Heavy imports (sqlmodel, numpy, textual) happen inside commands so
that `--help` and the first frame of the app are quick."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

import click

from vapor_tui import __version__
from vapor_tui.core.text import escaped, shown

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
    acting: bool = False,
):
    """Open the database and bring running jobs up to now, as every command does first.

    A command that only reads (`reading`) still answers when the catch-up cannot be written
    (a full disk), and so does a stop, a fail, a start or a delete (`acting`: it records its
    change first, whatever is due). Either says so in a warning once it has succeeded; had it
    failed, its one error line says it all. A command about one job (`job_id`) does not create
    a database that does not exist: it has no such job."""
    from vapor_tui.store.catchup import catch_up as do_catch_up
    from vapor_tui.store.engine import StoreDamaged, StoreError, StoreMissing, open_store

    try:
        store = open_store(_db(ctx, db), create=job_id is None)
    except StoreMissing as exc:
        raise UserError(f"no job with id {job_id}: {exc}") from exc
    ctx.call_on_close(store.close)
    if store.warning:
        click.echo(f"vapor-tui: warning: {escaped(store.warning)}", err=True)
    _said.extend(f"vapor-tui: note: {escaped(note)}" for note in store.notes)
    if catch_up:
        try:
            do_catch_up(store)
        except StoreError as exc:
            if not (reading or acting) or isinstance(exc, StoreDamaged):
                raise
            _behind.append(escaped(str(exc)))
    return store


# What a command has to say on stderr once it has succeeded (main prints it): notes of what
# opening repaired, and why running jobs could not be brought up to date.
_said: list[str] = []
_behind: list[str] = []


def late_warning(what: str) -> None:
    """What an action left to do (points it owes that could not be written), said with the
    reason in one warning once it has succeeded."""
    why = _behind.pop() if _behind else "no room on the disk"
    _said.append(f"vapor-tui: warning: {what}: {why}; any vapor-tui writes them once there is room")


def _say_what_is_left() -> None:
    for line in _said:
        click.echo(line, err=True)
    for why in _behind:
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
    if ctx.invoked_subcommand is None:
        _run_app(ctx, db, **options)


def _register() -> None:
    # Subcommands live in their own modules; importing them attaches them to `cli`.
    from vapor_tui import cli_commands  # noqa: F401


def main(argv: list[str] | None = None) -> int:
    """Entry point: every error the user can cause is one line on stderr and exit status 2."""
    _register()
    _said.clear()
    _behind.clear()
    try:
        rv = cli.main(args=argv, prog_name="vapor-tui", standalone_mode=False)
        _say_what_is_left()
    except click.exceptions.Exit as exc:
        if exc.exit_code == 0:
            _say_what_is_left()
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("vapor-tui: aborted", err=True)
        return 130
    except click.UsageError as exc:
        message = exc.format_message().splitlines()[0] if exc.format_message() else str(exc)
        click.echo(f"vapor-tui: error: {escaped(message)}", err=True)
        return EXIT_USAGE
    except click.ClickException as exc:
        click.echo(f"vapor-tui: error: {escaped(exc.format_message())}", err=True)
        return exc.exit_code
    except BrokenPipeError:
        sys.stderr.close()
        return 1
    except OSError as exc:  # standard output is a full disk (/dev/full), say
        _silence_stdout()
        where = f" ({exc.filename})" if exc.filename else ""
        click.echo(f"vapor-tui: error: cannot write the output{where}: {exc.strerror}", err=True)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        message = user_message(exc)
        if message is None:
            raise
        click.echo(f"vapor-tui: error: {escaped(message)}", err=True)
        return EXIT_USAGE
    return rv if isinstance(rv, int) else 0


def _silence_stdout() -> None:
    """What is left in stdout's buffer would fail again at exit, with a traceback."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def user_message(exc: BaseException) -> str | None:
    """The one line a user sees for an error they can act on, or None for a bug."""
    from vapor_tui.core.config import ConfigError
    from vapor_tui.core.status import TransitionError
    from vapor_tui.store.engine import StoreError
    from vapor_tui.store.jobs import JobNotFound

    if isinstance(exc, ConfigError):
        option = {"learning_rate": "lr"}.get(exc.field, exc.field.replace("_", "-"))
        return f"--{option}: {exc.message}"
    if isinstance(exc, (TransitionError, StoreError, JobNotFound)):
        return str(exc)
    return None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

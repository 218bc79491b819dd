"""The `vapor-tui` entry point: every error the user can cause is one line on stderr and exit
status 2. The command group and its options are in cli_group.py, the commands in cli_commands.py.
"""

from __future__ import annotations

import sys

import click

from vapor_tui import cli_group
from vapor_tui.cli_group import EXIT_USAGE, UserError, cli, parse_job_id
from vapor_tui.core import startup_gc
from vapor_tui.core.text import escaped

__all__ = ["UserError", "main", "parse_job_id", "user_message"]


def _register() -> None:
    # Subcommands live in their own module; importing it attaches them to `cli`.
    from vapor_tui import cli_commands, cli_compare, cli_launch  # noqa: F401


def main(argv: list[str] | None = None) -> int:
    """Entry point: every error the user can cause is one line on stderr and exit status 2."""
    # Collection waits until the app is up (core/startup_gc.py); a command that does not open
    # the app lets it run again as it starts (cli_group.cli).
    startup_gc.hold()
    try:
        return _main(argv)
    finally:
        startup_gc.release()


def _main(argv: list[str] | None) -> int:
    _register()
    cli_group.said.clear()
    cli_group.behind.clear()
    try:
        rv = cli.main(args=argv, prog_name="vapor-tui", standalone_mode=False)
        cli_group.say_what_is_left()
    except click.exceptions.Exit as exc:
        if exc.exit_code == 0:
            cli_group.say_what_is_left()
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
        why = user_message(exc)
        if why is None:
            raise
        click.echo(f"vapor-tui: error: {escaped(why)}", err=True)
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

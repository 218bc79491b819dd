"""`vapor-tui ARGS` run inside the test's own process, as the installed command would run them:
the same entry point (`vapor_tui.cli.main`), the test's environment with its additions, its
working directory, standard input from `input`, and standard output and error captured
apart. What a process would leave behind at its exit is done at the end: the files it found
sound are stamped (store/check_memo.py), and what it learned is forgotten, so the next call
starts as a new process would. A bug's traceback goes to stderr with exit status 1, as
Python's own would.

A call costs milliseconds where a process costs about 0.65 CPU-seconds (mostly importing
SQLAlchemy). Tests about a real process (signals, kill -9, supervisors, terminals, several
processes at once, what a start-up imports) start the installed command instead."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path

from click.testing import CliRunner

CliResult = tuple[int, str, str]


def run_in_process(
    args: tuple[str | os.PathLike, ...],
    cwd: os.PathLike | str,
    env: dict[str, str] | None = None,
    input: str | None = None,
) -> CliResult:
    from vapor_tui.cli import main
    from vapor_tui.store import check_memo

    overrides = {**(env or {}), "PYTHONUNBUFFERED": "1"}
    vouched, damage_seen = dict(check_memo._vouched), check_memo._damage_seen
    check_memo._vouched.clear()
    check_memo._damage_seen = False
    runner = CliRunner()
    try:
        with (
            contextlib.chdir(Path(cwd)),
            runner.isolation(input=input, env=overrides) as streams,
            _sized_as_a_pipe(),
        ):
            out, err = streams[0], streams[1]
            try:
                code = main([str(a) for a in args])
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            except Exception:
                traceback.print_exc()
                code = 1
            finally:
                check_memo._stamp_at_exit()  # what atexit does in the installed command
            sys.stdout.flush()
            sys.stderr.flush()
            return code, _text(out.getvalue()), _text(err.getvalue())
    finally:
        check_memo._vouched.clear()
        check_memo._vouched.update(vouched)
        check_memo._damage_seen = damage_seen


@contextlib.contextmanager
def _sized_as_a_pipe() -> Iterator[None]:
    """The terminal size a process whose output is a pipe sees ($COLUMNS and $LINES, else
    80x24), not the test runner's terminal nor CliRunner's forced 80 columns: click cuts
    the commands' help to fit it."""
    import click.formatting

    def size(fallback: tuple[int, int] = (80, 24)) -> os.terminal_size:
        columns = int(os.environ.get("COLUMNS") or 0) or fallback[0]
        return os.terminal_size((columns, int(os.environ.get("LINES") or 0) or fallback[1]))

    forced, measured = click.formatting.FORCED_WIDTH, shutil.get_terminal_size
    click.formatting.FORCED_WIDTH = None
    shutil.get_terminal_size = size  # type: ignore[assignment]
    try:
        yield
    finally:
        click.formatting.FORCED_WIDTH, shutil.get_terminal_size = forced, measured


def _text(data: bytes) -> str:
    # What subprocess.run(text=True) gives: universal newlines.
    return data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")

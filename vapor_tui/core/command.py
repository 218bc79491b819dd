"""A command job's command, checked: what `vapor-tui new ... -- CMD ARG...` and the form's
Command field make. Kept as an argument list and run without a shell."""

from __future__ import annotations

import os
import re
import shlex
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
RESERVED_ENV = ("VAPOR_TUI_DB", "VAPOR_TUI_JOB")
MAX_GRACE_S = 7 * 24 * 3600.0


@dataclass(frozen=True, slots=True)
class CommandSpec:
    argv: tuple[str, ...]
    cwd: str
    env: dict[str, str] = field(default_factory=dict)
    stop_grace: float | None = None  # None: the default (60 s)


def parse_env(items: Iterable[str]) -> dict[str, str]:
    """K=V items, each checked: a ValueError says which is wrong."""
    env: dict[str, str] = {}
    for item in items:
        name, eq, value = item.partition("=")
        if not eq or not _ENV_NAME.fullmatch(name):
            raise ValueError(f"--env {item!r} is not NAME=VALUE (a name of letters, digits, _)")
        if name in RESERVED_ENV:
            raise ValueError(f"--env {name} is set by vapor-tui itself for every command")
        env[name] = value
    return env


def parse_grace(text: str | float | None) -> float | None:
    if text is None or text == "":
        return None
    try:
        grace = float(text)
    except ValueError:
        raise ValueError(f"stop grace {text!r} is not a number of seconds") from None
    if not 0 <= grace <= MAX_GRACE_S:
        raise ValueError(f"stop grace {text!r} must be between 0 and {MAX_GRACE_S:g} seconds")
    return grace


def split_command(text: str) -> tuple[str, ...]:
    """The form's Command field: words as a shell would split them (quotes kept together),
    but never run by one."""
    try:
        return tuple(shlex.split(text))
    except ValueError as exc:
        raise ValueError(f"the command cannot be read: {exc}") from None


def command_spec(
    argv: Sequence[str],
    cwd: str | None,
    env: dict[str, str] | None = None,
    stop_grace: float | None = None,
    path: str | None = None,
) -> CommandSpec:
    """Check the command where it will run: its directory exists, its program can be found
    (on PATH, or as a path from that directory). A ValueError says what is wrong."""
    if not argv or not argv[0]:
        raise ValueError("no command given: put it after --, e.g. -- python train.py")
    where = os.path.abspath(os.path.expanduser(cwd or os.getcwd()))
    if not os.path.isdir(where):
        raise ValueError(f"working directory {where} does not exist")
    program = argv[0]
    env = dict(env or {})
    search = env.get("PATH", path if path is not None else os.environ.get("PATH", ""))
    if os.sep in program:
        full = os.path.join(where, os.path.expanduser(program))
        if not (os.path.isfile(full) and os.access(full, os.X_OK)):
            raise ValueError(f"{program} is not an executable file (from {where})")
    elif shutil.which(program, path=search) is None:
        raise ValueError(f"no program {program!r} on PATH")
    return CommandSpec(tuple(argv), where, env, stop_grace)

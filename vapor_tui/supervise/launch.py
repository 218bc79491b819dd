"""Starting a command: as an argument list without a shell, in its own process group, in its
working directory, with its environment, and made to die with the process that started it.

Linux's PR_SET_PDEATHSIG (set in the child between fork and exec) sends the child SIGKILL when
the thread that started it ends: start commands from the supervisor's main thread, which lives
as long as the supervisor does.

SIGINT and SIGTERM are the stop ladder's rungs, so the command gets them at their defaults: a
shell's background job (`vapor-tui start 3 &` in a script, a CI runner) inherits SIGINT ignored,
and a Python script started so never raises KeyboardInterrupt.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence

PR_SET_PDEATHSIG = 1


def _death_hook() -> Callable[[], None] | None:
    """The preexec hook: set in the parent (no loading of libraries between fork and exec)."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)
    prctl, set_handler = libc.prctl, libc.signal
    set_handler.argtypes, set_handler.restype = [ctypes.c_int, ctypes.c_void_p], ctypes.c_void_p
    parent = os.getpid()
    kill = int(signal.SIGKILL)
    rungs = (int(signal.SIGINT), int(signal.SIGTERM))

    def hook() -> None:
        if prctl(PR_SET_PDEATHSIG, kill, 0, 0, 0) != 0:
            os._exit(126)
        if os.getppid() != parent:  # the parent died before the line above took effect
            os._exit(126)
        for sig in rungs:  # SIG_DFL (0): an ignored signal would stay ignored through exec
            set_handler(sig, 0)

    return hook


def launch(argv: Sequence[str], cwd: str | None, env: Mapping[str, str]) -> subprocess.Popen[bytes]:
    """Start `argv`. Raises OSError (no such program, a bad directory) as subprocess does."""
    return subprocess.Popen(
        list(argv),
        cwd=cwd or None,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=_death_hook(),
        close_fds=True,
        bufsize=0,
    )


def signal_group(proc: subprocess.Popen[bytes], sig: signal.Signals) -> bool:
    """Send `sig` to the command's process group (its pid: it leads a session of its own).
    False if the group is gone."""
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False
    return True

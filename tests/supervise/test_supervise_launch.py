"""Starting a command, with real processes: no shell, its own process group and directory, its
environment, and its death with the process that started it (PR_SET_PDEATHSIG)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from vapor_tui.core.process import is_running as is_alive
from vapor_tui.core.process import start_time
from vapor_tui.supervise.launch import launch, signal_group

BOUND_S = 20.0  # the most any of these waits, on a loaded machine


def _gone(pid: int, started: int | None, bound: float = BOUND_S) -> bool:
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        if not is_alive(pid, started):
            return True
        time.sleep(0.02)
    return False


def test_a_command_runs_without_a_shell_in_its_group_directory_and_environment(tmp_path):
    script = (
        "import json, os, sys; print(json.dumps([sys.argv[1:], os.getcwd(), "
        "os.environ.get('ONLY'), os.environ.get('HOME'), os.getpgrp(), os.getsid(0)]))"
    )
    proc = launch([sys.executable, "-c", script, "$HOME", "a b;c"], str(tmp_path), {"ONLY": "1"})
    out, _err = proc.communicate(timeout=BOUND_S)
    args, cwd, only, home, pgrp, sid = json.loads(out)
    assert args == ["$HOME", "a b;c"]  # no shell: nothing expanded or split
    assert cwd == str(tmp_path) and only == "1" and home is None
    assert pgrp == proc.pid and sid == proc.pid  # its own session and process group
    assert proc.returncode == 0


def test_a_program_that_does_not_exist_or_a_missing_directory_raise_oserror(tmp_path):
    with pytest.raises(FileNotFoundError):
        launch(["no-such-program-vapor"], None, {})
    with pytest.raises(FileNotFoundError):
        launch([sys.executable, "-c", "pass"], str(tmp_path / "missing"), {})


def test_the_command_dies_when_the_process_that_started_it_is_killed(tmp_path):
    parent = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {os.getcwd()!r})
        from vapor_tui.supervise.launch import launch
        child = launch([sys.executable, "-c", "import time; time.sleep(600)"], None, {{}})
        print(child.pid, flush=True)
        time.sleep(600)
        """
    )
    starter = subprocess.Popen([sys.executable, "-c", parent], stdout=subprocess.PIPE, text=True)
    child, started = 0, None
    try:
        child = int(starter.stdout.readline())
        started = start_time(child)
        assert started is not None and is_alive(child, started)
        starter.kill()  # SIGKILL: nothing of ours runs in the starter after this
        starter.wait(BOUND_S)
        assert _gone(child, started), "the command outlived the process that started it"
    finally:
        starter.kill()
        if is_alive(child, started):  # the test failed: leave nothing running
            os.kill(child, signal.SIGKILL)


def test_a_signal_to_the_group_reaches_the_commands_own_children():
    script = textwrap.dedent(
        """
        import subprocess, sys, time
        kid = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        print(kid.pid, flush=True)
        time.sleep(600)
        """
    )
    proc = launch([sys.executable, "-c", script], None, {})
    grandchild = int(proc.stdout.readline())
    started = start_time(grandchild)
    assert signal_group(proc, signal.SIGTERM)
    assert proc.wait(BOUND_S) == -signal.SIGTERM
    assert _gone(grandchild, started)


def test_a_reused_pid_is_not_taken_for_the_process_that_had_it():
    assert is_alive(os.getpid(), start_time(os.getpid()))
    assert not is_alive(os.getpid(), (start_time(os.getpid()) or 0) + 1)
    zombie = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + BOUND_S
    started = start_time(zombie.pid)
    while is_alive(zombie.pid, started) and time.monotonic() < deadline:
        time.sleep(0.02)  # ended, not reaped yet: a zombie is not alive
    assert not is_alive(zombie.pid, started)
    zombie.wait()


def test_the_command_gets_the_stop_signals_at_their_defaults_when_its_starter_ignores_them():
    """A shell's background job (`vapor-tui start 3 &` in a script, a CI runner) inherits SIGINT
    ignored; a Python command started so never raised KeyboardInterrupt, and "stop now" did
    nothing until the ladder's SIGTERM (found running the suite from such a job)."""
    child = (
        "import signal; print(signal.getsignal(signal.SIGINT) is signal.default_int_handler, "
        "signal.getsignal(signal.SIGTERM) == signal.SIG_DFL)"
    )
    starter = textwrap.dedent(
        f"""
        import os, signal, sys
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        from vapor_tui.supervise.launch import launch
        proc = launch([sys.executable, "-c", {child!r}], None, dict(os.environ))
        print(proc.communicate(timeout={BOUND_S})[0].decode().strip())
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", starter], capture_output=True, text=True, timeout=BOUND_S, check=True
    )
    assert done.stdout.split() == ["True", "True"]

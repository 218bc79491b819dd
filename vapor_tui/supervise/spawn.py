"""Starting a command job's supervisor, detached from whoever starts it (the app, the command
line): a session of its own, stdin from /dev/null, its own messages to a log file. Closing the
app, the tmux pane or the SSH session does not stop the job.

A command job runs only on the machine, and as the user, that created it: the database may be
shared, and nothing from it is run that this user did not type here."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from vapor_tui.core.process import host_name, start_time, user_name

ENV_DB = "VAPOR_TUI_DB"


def log_path(job_id: int) -> Path:
    import platformdirs

    base = Path(platformdirs.user_state_dir("vapor-tui", appauthor=False))
    return base / "supervisors" / f"job-{job_id}.log"


def where_refused(job_id: int, name: str, host: str | None, user: str | None) -> str | None:
    """Why this process may not start the command job, in a sentence; None if it may."""
    here, me = host_name(), user_name()
    if host is not None and host != here:
        who = f" as {user}" if user and user != me else ""
        return (
            f"cannot start job #{job_id} {name} here: it is a command created on {host}; "
            f"start it there{who}"
        )
    if user is not None and user != me:
        return f"cannot start job #{job_id} {name}: it is a command of {user}; start it as {user}"
    return None


def spawn_supervisor(job_id: int, db_target: str) -> tuple[int, int | None]:
    """Start `python -m vapor_tui.supervise JOB_ID`: (its pid, its start time). Raises OSError
    if it cannot be started."""
    log = log_path(job_id)
    log.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, ENV_DB: db_target}
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "vapor_tui.supervise", str(job_id)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=out,
            start_new_session=True,
            close_fds=True,
            env=env,
        )
    # Reaped when it ends, so a long-lived app keeps no zombie (which would look alive).
    threading.Thread(target=proc.wait, name=f"reap-{proc.pid}", daemon=True).start()
    return proc.pid, start_time(proc.pid)

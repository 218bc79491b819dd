"""The command-line tests call vapor-tui in-process (tests/support/in_process.py): what they
get is what the installed command gives, byte for byte, in a real process, for output, errors
and exit status."""

from __future__ import annotations

from tests.support.in_process import run_in_process
from vapor_tui.core.status import JobStatus


def cases(state_db) -> list[tuple[str, ...]]:
    running = str(state_db.jobs[JobStatus.RUNNING].id)
    complete = str(state_db.jobs[JobStatus.COMPLETE].id)
    db = ("--db", state_db.target)
    return [
        ("--help",),
        (*db, "jobs"),
        (*db, "show", running, "--json"),
        (*db, "show", "999"),  # no such job: one line, status 2
        (*db, "stop", complete),  # refused: status 2
        ("--db", "postgresql+psycopg://u:s3cret@nohost/x", "jobs"),  # never shows the password
        (*db, "frobnicate"),  # no such command: click's usage error, status 2
    ]


def test_in_process_is_what_the_installed_command_gives(state_db, run_cli_process, isolated_env):
    codes = set()
    for argv in cases(state_db):
        real = run_cli_process(*argv)
        here = run_in_process(argv, isolated_env)
        assert here == real, argv
        codes.add(here[0])
    assert codes == {0, 2}

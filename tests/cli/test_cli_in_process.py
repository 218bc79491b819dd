"""The command-line tests call vapor-tui in-process (tests/support/in_process.py): what they
get is what the installed command gives, byte for byte, in a real process, for output, errors
and exit status."""

from __future__ import annotations

from tests.support.in_process import CliResult, run_in_process
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


def same_as_either(real: CliResult, before: CliResult, after: CliResult) -> bool:
    """Whether `real`, run between `before` and `after`, gave what they gave. The job list
    words each job's age by the whole minute from the moment a call reads the clock: where a
    minute turned between the two calls here (seconds apart under load), each line of the
    real one is that line of the call before or of the call after."""
    if before == after:
        return real == before
    lines = [out.splitlines() for out in (real[1], before[1], after[1])]
    return (
        real[0] == before[0] == after[0]
        and real[2] == before[2] == after[2]
        and len(lines[0]) == len(lines[1]) == len(lines[2])
        and all(line in (b, a) for line, b, a in zip(*lines, strict=True))
    )


def test_in_process_is_what_the_installed_command_gives(state_db, run_cli_process, isolated_env):
    codes = set()
    for argv in cases(state_db):
        before = run_in_process(argv, isolated_env)
        real = run_cli_process(*argv)
        after = run_in_process(argv, isolated_env)
        assert same_as_either(real, before, after), (argv, real, before, after)
        codes.add(real[0])
    assert codes == {0, 2}


def test_a_line_worded_a_minute_later_is_one_or_the_other():
    before = (0, "7  job  59 minutes ago\n8  job  just now\n", "")
    after = (0, "7  job  an hour ago\n8  job  a minute ago\n", "")
    between = (0, "7  job  an hour ago\n8  job  just now\n", "")
    assert same_as_either(between, before, after)
    assert same_as_either(before, before, before)
    assert not same_as_either((0, "7  job  2 hours ago\n8  job  just now\n", ""), before, after)
    assert not same_as_either((2, before[1], ""), before, after)
    assert not same_as_either(after, before, before)

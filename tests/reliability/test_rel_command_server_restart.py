"""A launched command on PostgreSQL while the server is stopped and started again: the
command keeps running (its supervisor does not end it for a database that does not answer),
its output waits in memory and is written when the server answers, none lost; the end is
recorded."""

from __future__ import annotations

import sys
import textwrap
import time

import pytest

from tests.support.postgres import PostgresServer
from vapor_tui.core.command import command_spec
from vapor_tui.live.commands import Created, NewCommand, execute
from vapor_tui.store.engine import open_store
from vapor_tui.store.output import read_output
from vapor_tui.store.tables import jobs_table
from vapor_tui.supervise.spawn import log_path

BOUND_S = 90.0


@pytest.fixture
def server(pg_server: PostgresServer):
    """A server of this test's own, to stop and start (pg_server is the suite's, shared)."""
    own = PostgresServer(pg_server.bindir)
    own.start()
    yield own
    own.destroy()


def _until(pred, what: str):
    deadline = time.monotonic() + BOUND_S
    while True:
        try:
            got = pred()
        except Exception:
            got = None
        if got:
            return got
        assert time.monotonic() < deadline, f"waited {BOUND_S} s for {what}"
        time.sleep(0.1)


def test_output_printed_while_the_server_is_down_is_written_after(server, tmp_path):
    url = server.url(server.new_database())
    go_on = tmp_path / "go-on"
    script = tmp_path / "prints.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import os, time
            i = 0
            while not os.path.exists({str(go_on)!r}) or i < 60:
                i += 1
                print("line", i, flush=True)
                time.sleep(0.05)
            print("done at", i, flush=True)
            """
        )
    )
    store = open_store(url)
    try:
        spec = command_spec([sys.executable, str(script)], str(tmp_path))
        created = execute(store, NewCommand("prints", spec, start=True))
        assert isinstance(created, Created)
        job_id = created.job.id

        def lines() -> list[str]:
            with store.read() as conn:
                return [x.text for x in read_output(conn, job_id)]

        _until(lambda: len(lines()) > 10, "lines before the restart")
        server.stop()
        # Down until the supervisor has found it so (its log says it once) while the command
        # printed on: those lines can only be written once the server is back.
        _until(
            lambda: "the database does not answer" in log_path(job_id).read_text(),
            "the supervisor to find the server gone",
        )
        server.start()
        go_on.touch()

        def ended():
            with store.read() as conn:
                row = conn.execute(jobs_table.select().where(jobs_table.c.id == job_id)).first()
            return row if row is not None and row.exit_code is not None else None

        row = _until(ended, "the end recorded")
        assert (row.status, row.reason) == ("complete", "exited with status 0")
        out = lines()
        last = int(out[-1].split()[-1])
        assert out == [f"line {i}" for i in range(1, last + 1)] + [f"done at {last}"]
        said = log_path(job_id).read_text()
        assert said.count("the database does not answer") == 1, said  # once, in its log
    finally:
        store.close()

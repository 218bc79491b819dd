"""A training script logging to PostgreSQL while the server is stopped and started again: it
keeps training, its points wait in memory, it says so once on stderr, and when the server
answers they are written: none lost, none doubled."""

from __future__ import annotations

import threading

import pytest

from tests.run.conftest import Look, wait_until
from tests.run.scripts import ready, start
from tests.support.postgres import PostgresServer
from vapor_tui.core.status import JobStatus


@pytest.fixture
def server(pg_server: PostgresServer):
    """A server of this test's own, to stop and start (pg_server is the suite's, shared)."""
    own = PostgresServer(pg_server.bindir)
    own.start()
    yield own
    own.destroy()


def test_points_logged_while_the_server_is_down_are_written_after(server, tmp_path) -> None:
    url = server.url(server.new_database())
    sentinel = tmp_path / "enough"
    proc = start(tmp_path, url, "until_file", str(sentinel))
    job_id = ready(proc)
    lines: list[str] = []
    assert proc.stderr is not None
    reader = threading.Thread(target=lambda: lines.extend(proc.stderr), daemon=True)  # type: ignore[arg-type]
    reader.start()
    look = Look(url)
    try:
        wait_until(lambda: len(look.series(job_id, "loss")) > 20, "points before the restart")
        server.stop()
        wait_until(lambda: any("kept in memory" in line for line in lines), "the one warning")
        assert proc.poll() is None  # still training
        server.start()
        wait_until(lambda: any("answers again" in line for line in lines), "written again")
        sentinel.touch()
        out, _ = proc.communicate(timeout=120)
        reader.join(timeout=30)
        assert proc.returncode == 0, "".join(lines)
        last = int(out.split()[-1])
        assert out.split()[:2] == ["done", "complete"]
        loss = look.series(job_id, "loss")
        assert loss.step.tolist() == list(range(1, last + 1))  # none lost, none doubled
        assert look.job(job_id).status is JobStatus.COMPLETE
        assert sum("kept in memory" in line for line in lines) == 1, lines
    finally:
        if proc.poll() is None:
            proc.kill()
        look.close()

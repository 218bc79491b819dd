"""Two processes acting on one job at the same moment: exactly one wins."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from vapor_tui.core.clock import FakeClock
from vapor_tui.core.status import JobStatus
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import get_job

VAPOR_TUI = Path(sys.executable).parent / "vapor-tui"


def test_two_processes_starting_one_job(queued_jobs, helpers, isolated_env: Path) -> None:
    db, ids = queued_jobs(3)
    env = helpers.cli_env()
    for job_id in ids:
        procs = [
            subprocess.Popen(
                [str(VAPOR_TUI), "--db", db, "start", str(job_id)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
                cwd=isolated_env,
            )
            for _ in range(2)
        ]
        outcomes = []
        for p in procs:
            out, err = p.communicate(timeout=60)
            outcomes.append((p.returncode, out, err))
        codes = sorted(code for code, _, _ in outcomes)
        assert codes == [0, 2], outcomes
        (winner,) = [o for o in outcomes if o[0] == 0]
        (loser,) = [o for o in outcomes if o[0] == 2]
        assert winner[1] == f"job #{job_id} q{ids.index(job_id)}: running\n"
        assert winner[2] == ""
        assert loser[1] == ""
        assert len(loser[2].splitlines()) == 1 and "Traceback" not in loser[2]
        assert f"cannot start job #{job_id}" in loser[2]
        store = open_store(db, clock=FakeClock())
        try:
            job = get_job(store, job_id)
        finally:
            store.close()
        assert job.status is JobStatus.RUNNING
        assert job.version == 1  # one update landed, not two

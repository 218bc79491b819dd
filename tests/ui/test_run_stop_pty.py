"""The stop round trip with the installed app in a real pseudo-terminal: a training script
runs; `x` on its row; the script sees should_stop(), saves its checkpoint, finishes; the row
says stopped, with the step."""

from __future__ import annotations

from tests.run.conftest import Look, wait_until
from tests.run.scripts import ready, start
from tests.support.pty_app import PtyApp
from vapor_tui.core.status import JobStatus


def test_x_in_the_app_stops_a_real_script(tmp_path, helpers) -> None:
    db = str(tmp_path / "runs.db")
    checkpoint = tmp_path / "ckpt.txt"
    proc = start(tmp_path, db, "obeys", str(checkpoint))
    job_id = ready(proc)
    app = PtyApp(["--db", db], helpers.cli_env())
    look = Look(db)
    try:
        app.wait_for("obeys")
        app.wait_for("running")
        app.send("x")
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        step = int(out.split()[1])
        assert checkpoint.read_text() == f"checkpoint at step {step}"
        job = wait_until(lambda: look.job(job_id), "the job")
        assert (job.status, job.reason) == (JobStatus.STOPPED, f"stopped by user at step {step}")
        app.wait_for("stopped")
        app.send("\r")  # the detail screen says why
        app.wait_for(f"stopped by user at step {step}")
        app.send("q")
        assert app.wait_exit() == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        app.close()
        look.close()

"""Real scripts in subprocesses: killed with SIGKILL (failed, with the reason, by whoever looks
next), raising (failed with the exception), ending without finish() (complete), stopped
cooperatively and with "stop now" (SIGINT), two at once with command-line calls beside them."""

from __future__ import annotations

import signal
import threading

import pytest

from tests.run.conftest import wait_until
from tests.run.scripts import ready, start
from tests.support.pty_app import PtyApp
from vapor_tui.core.status import Action, JobStatus
from vapor_tui.live.commands import Act, Acted, execute
from vapor_tui.live.uptonow import bring_up_to_now
from vapor_tui.store.engine import open_store

pytestmark = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)


def test_a_script_killed_with_sigkill_is_failed_with_the_reason(db, tmp_path, look) -> None:
    proc = start(tmp_path, db, "forever")
    job_id = ready(proc)
    viewer = look()
    wait_until(lambda: len(viewer.series(job_id, "loss")) > 5, "points written")
    bring_up_to_now(viewer.store)
    assert viewer.job(job_id).status is JobStatus.RUNNING  # alive: left alone
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    bring_up_to_now(viewer.store)
    job = viewer.job(job_id)
    assert (job.status, job.reason) == (
        JobStatus.FAILED,
        f"process {proc.pid} ended without finish()",
    )
    assert job.finished_at is not None


def test_a_script_that_raises_is_failed_with_the_exception(db, tmp_path, look) -> None:
    proc = start(tmp_path, db, "raises")
    job_id = ready(proc)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert "ValueError: bad shape (3, 4)" in err and "Traceback" in err  # its own traceback
    job = look().job(job_id)
    assert (job.status, job.reason) == (JobStatus.FAILED, "ValueError: bad shape (3, 4)")


def test_a_script_that_ends_without_finish_is_complete(db, tmp_path, look) -> None:
    proc = start(tmp_path, db, "no_finish")
    job_id = ready(proc)
    proc.communicate(timeout=60)
    assert proc.returncode == 0
    viewer = look()
    job = viewer.job(job_id)
    assert (job.status, job.reason) == (JobStatus.COMPLETE, "finished at step 50")
    assert viewer.series(job_id, "loss").step.tolist() == list(range(1, 51))


@pytest.mark.parametrize(
    ("script", "code"), [("exits", "3"), ("exits", "1"), ("exits_builtin", "2")]
)
def test_a_script_that_calls_sys_exit_with_a_status_is_failed_with_it(
    db, tmp_path, look, script, code
) -> None:
    proc = start(tmp_path, db, script, code)
    job_id = ready(proc)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == int(code), err
    job = look().job(job_id)
    assert (job.status, job.reason, job.run.exit_code) == (
        JobStatus.FAILED,
        f"exited with status {code}",
        int(code),
    )


@pytest.mark.parametrize("code", ["0", "none"])
def test_a_script_that_calls_sys_exit_0_is_complete(db, tmp_path, look, code) -> None:
    proc = start(tmp_path, db, "exits", code)
    job_id = ready(proc)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    job = look().job(job_id)
    assert (job.status, job.reason) == (JobStatus.COMPLETE, "finished at step 2")


def test_stop_the_script_sees_saves_and_finishes(db, tmp_path, look) -> None:
    checkpoint = tmp_path / "ckpt.txt"
    proc = start(tmp_path, db, "obeys", str(checkpoint))
    job_id = ready(proc)
    store = open_store(db)
    try:
        acted = execute(store, Act(job_id, Action.STOP, JobStatus.RUNNING))
        assert isinstance(acted, Acted), acted
        out, err = proc.communicate(timeout=60)
    finally:
        store.close()
    assert proc.returncode == 0, err
    step = int(out.split()[1])
    assert checkpoint.read_text() == f"checkpoint at step {step}"
    job = look().job(job_id)
    assert (job.status, job.reason) == (JobStatus.STOPPED, f"stopped by user at step {step}")


@pytest.mark.parametrize("script", ["deaf", "sleeper"])
def test_stop_now_sends_sigint_and_the_interrupt_ends_it_stopped(
    db, tmp_path, look, script
) -> None:
    proc = start(tmp_path, db, script)
    job_id = ready(proc)
    store = open_store(db)
    try:
        assert isinstance(execute(store, Act(job_id, Action.STOP, JobStatus.RUNNING)), Acted)
        acted = execute(store, Act(job_id, Action.STOP, JobStatus.STOPPING))
        assert isinstance(acted, Acted), acted
        # The job read back after the action may already be the script's end (it is quick).
        assert acted.job.stop_rung == 2
        assert acted.job.reason == f"stop now: SIGINT sent to process {proc.pid}" or (
            acted.job.status is JobStatus.STOPPED
        )
        _, err = proc.communicate(timeout=60)
    finally:
        store.close()
    assert "KeyboardInterrupt" in err
    job = look().job(job_id)
    assert job.status is JobStatus.STOPPED and job.reason.startswith("stopped by user at step ")


@pytest.mark.parametrize("script", ["deaf", "sleeper"])
def test_stop_now_of_a_run_on_another_machine_is_sent_by_the_run_itself(
    db, tmp_path, look, script
) -> None:
    from sqlalchemy import update

    from vapor_tui.store.tables import jobs_table

    proc = start(tmp_path, db, script)
    job_id = ready(proc)
    store = open_store(db)
    try:
        with store.write() as conn:  # as if the app ran on another machine than the script
            conn.execute(update(jobs_table).where(jobs_table.c.id == job_id).values(host="gpu-2"))
        assert isinstance(execute(store, Act(job_id, Action.STOP, JobStatus.RUNNING)), Acted)
        acted = execute(store, Act(job_id, Action.STOP, JobStatus.STOPPING))
        assert isinstance(acted, Acted) and acted.job.stop_rung == 2
        # Nothing here signalled it (another host): its own thread did. The job read back
        # after the action may already be the script's end.
        assert "by its own run" in acted.job.reason or acted.job.status is JobStatus.STOPPED
        _, err = proc.communicate(timeout=60)
    finally:
        store.close()
    assert "KeyboardInterrupt" in err
    assert look().job(job_id).status is JobStatus.STOPPED


def test_two_scripts_with_the_app_and_command_line_calls_open(
    db, tmp_path, look, run_cli, helpers
) -> None:
    steps = 20_000
    app = PtyApp(["--db", db, "--refresh", "0.2"], helpers.cli_env())
    app.wait_for("No jobs yet")
    procs = [
        start(tmp_path / f"s{i}", db, "burst", str(steps))
        for i in range(2)
        if (tmp_path / f"s{i}").mkdir() is None
    ]
    ids = [ready(p) for p in procs]
    errors: list[str] = []
    done = threading.Event()

    def commands() -> None:
        while not done.is_set():
            for args in (("jobs",), ("show", str(ids[0])), ("jobs", "--json")):
                code, _, err = run_cli("--db", db, *args)
                if code != 0 or "locked" in err:
                    errors.append(err)

    caller = threading.Thread(target=commands)
    caller.start()
    try:
        results = [p.communicate(timeout=300) for p in procs]
        wait_until(lambda: app.pump(0.1) >= 0 and app.text().count("complete") >= 2, "the app")
    finally:
        done.set()
        caller.join()
        app.send("q")
        app.close()
    shown = app.raw.decode("utf-8", "replace")
    assert "locked" not in shown and "rror" not in shown  # no error reached the app either
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0 and "done complete" in out, err
        assert "locked" not in err and "vapor-tui:" not in err, err
    assert errors == []
    viewer = look()
    for job_id in ids:
        loss = viewer.series(job_id, "loss")
        assert loss.step.tolist() == list(range(1, steps + 1))  # nothing lost, nothing doubled
        assert viewer.job(job_id).status is JobStatus.COMPLETE


def test_a_script_left_running_by_a_failed_test_is_killed(db, tmp_path) -> None:
    from tests.run.scripts import kill_leftovers

    proc = start(tmp_path, db, "deaf")
    ready(proc)
    assert proc.poll() is None
    assert kill_leftovers() == [proc.pid]  # what the suite's autouse fixture calls after a test
    assert proc.returncode is not None and kill_leftovers() == []

"""The logging API in-process, against a real database (SQLite, and the suite's PostgreSQL
server where the backend is parametrized): init, log, should_stop, finish, the context
manager, attaching with VAPOR_TUI_JOB, bad values."""

from __future__ import annotations

import math

import numpy as np
import pytest

import vapor_tui
from tests.run.conftest import wait_until
from vapor_tui.core.process import current_process
from vapor_tui.core.status import Action, JobStatus
from vapor_tui.live.commands import Act, Acted, execute
from vapor_tui.store.engine import open_store

pytestmark = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)


def test_a_run_is_a_running_api_job_of_this_process(db, look) -> None:
    run = vapor_tui.init(
        name="sft",
        model="LFM2-350M",
        config={"lr": 2e-4, "batch_size": 8},
        total_steps=30,
        epochs=3,
        db=db,
    )
    job = look().job(run.id)
    assert (job.status, job.source, job.name) == (JobStatus.RUNNING, "api", "sft")
    me = current_process()
    assert job.run is not None and not job.is_simulated
    assert (job.run.host, job.run.pid, job.run.user_name) == (me.host, me.pid, me.user)
    assert job.run.pid_started == me.started and job.total_steps == 30 and job.epochs == 3
    assert job.model == "LFM2-350M" and job.stop_rung == 0
    assert job.run.config == {"lr": 2e-4, "batch_size": 8}
    run.finish()


def test_points_logged_reach_the_database_and_finish_completes(db, look) -> None:
    run = vapor_tui.init(name="fit", db=db)
    for step in range(1, 101):
        assert run.log({"loss": 1.0 / step, "accuracy": np.float32(step / 100)}) == step
    run.log({"eval_loss": 0.5}, step=50)
    viewer = look()
    wait_until(lambda: len(viewer.series(run.id, "loss")) == 100, "the points written")
    run.finish()
    run.finish()  # idempotent
    job = viewer.job(run.id)
    assert (job.status, job.reason) == (JobStatus.COMPLETE, "finished at step 100")
    loss = viewer.series(run.id, "loss")
    assert loss.step.tolist() == list(range(1, 101)) and loss.value[1] == 0.5
    assert viewer.series(run.id, "eval_loss").step.tolist() == [50]
    assert viewer.series(run.id, "accuracy").value[-1] == pytest.approx(1.0)
    with pytest.raises(RuntimeError, match="finished"):
        run.log({"loss": 1.0})


def test_nan_inf_and_relogged_steps(db, look) -> None:
    run = vapor_tui.init(name="nan", db=db)
    run.log({"loss": 1.0}, step=1)
    run.log({"loss": math.nan}, step=2)
    run.log({"loss": math.inf}, step=3)
    run.finish()
    resumed = vapor_tui.init(name="nan-again", db=db)
    resumed.log({"loss": 2.0}, step=1)
    resumed.log({"loss": 3.0}, step=1)  # the later value is kept
    resumed.finish()
    values = look().series(run.id, "loss").value
    assert values[0] == 1.0 and math.isnan(values[1]) and values[2] == math.inf
    assert look().series(resumed.id, "loss").value.tolist() == [3.0]


def test_bad_values_are_refused_with_the_metric_named_and_nothing_kept(db, look) -> None:
    run = vapor_tui.init(name="bad", db=db)
    with pytest.raises(TypeError, match="metric 'acc' must be a number, not str"):
        run.log({"loss": 1.0, "acc": "high"})
    with pytest.raises(ValueError, match="step must be 1 or more"):
        run.log({"loss": 1.0}, step=0)
    run.log({"loss": 2.0})
    run.finish()
    assert look().series(run.id, "loss").value.tolist() == [2.0]  # the refused call left nothing


def test_exit_code_and_exceptions(db, look) -> None:
    run = vapor_tui.init(name="code", db=db)
    run.finish(exit_code=3)
    assert (run.status, run.reason) == ("failed", "exited with status 3")
    with pytest.raises(ValueError), vapor_tui.init(name="ctx", db=db) as inner:
        inner.log({"loss": 1.0})
        raise ValueError("bad shape\nmore detail")
    job = look().job(inner.id)
    assert (job.status, job.reason) == (JobStatus.FAILED, "ValueError: bad shape")
    with vapor_tui.init(name="fine", db=db) as fine:
        fine.log({"loss": 1.0})
    assert look().job(fine.id).status is JobStatus.COMPLETE


def test_module_level_functions_act_on_the_current_run(db, look) -> None:
    assert vapor_tui.should_stop() is False
    with pytest.raises(RuntimeError, match=r"call vapor_tui.init\(\) before"):
        vapor_tui.log({"loss": 1.0})
    run = vapor_tui.init(name="module", db=db)
    assert vapor_tui.current_run() is run
    vapor_tui.log({"loss": 1.0})
    vapor_tui.log({"loss": 0.5})
    assert not vapor_tui.should_stop()
    vapor_tui.finish()
    assert vapor_tui.current_run() is None
    assert look().series(run.id, "loss").step.tolist() == [1, 2]


def test_stop_and_fail_from_the_app_layer(db, look) -> None:
    run = vapor_tui.init(name="stop-me", db=db)
    run.log({"loss": 1.0})
    store = open_store(db)
    try:
        acted = execute(store, Act(run.id, Action.STOP, JobStatus.RUNNING))
        assert isinstance(acted, Acted) and acted.job.status is JobStatus.STOPPING
        assert acted.job.reason == "stop requested"
        wait_until(run.should_stop, "should_stop() after x")
        run.log({"loss": 0.9})
        run.finish()
        job = look().job(run.id)
        assert (job.status, job.reason) == (JobStatus.STOPPED, "stopped by user at step 2")
        failing = vapor_tui.init(name="fail-me", db=db)
        acted = execute(store, Act(failing.id, Action.FAIL, JobStatus.RUNNING))
        assert isinstance(acted, Acted) and acted.job.reason == "marked failed by user"
        wait_until(failing.should_stop, "should_stop() after f")
        failing.finish()
        job = look().job(failing.id)
        assert (job.status, job.reason) == (JobStatus.FAILED, "marked failed by user")
    finally:
        store.close()


def test_attach_to_a_launched_command_job(db, look, monkeypatch) -> None:
    from tests.run.conftest import command_job

    job_id = command_job(db, name="launched")
    monkeypatch.setenv("VAPOR_TUI_JOB", str(job_id))
    run = vapor_tui.init(name="ignored", config={"lr": 0.1}, db=db)
    assert run.id == job_id
    job = look().job(job_id)
    assert job.status is JobStatus.RUNNING and job.name == "launched"
    run.log({"loss": 1.0})
    run.finish()
    assert look().job(job_id).status is JobStatus.COMPLETE


def test_attach_refuses_what_is_not_a_launched_command(db, monkeypatch) -> None:
    from vapor_tui.core.config import JobConfig
    from vapor_tui.store.jobs import create_job

    store = open_store(db)
    try:
        simulated = create_job(store, JobConfig("sim", seed=1)).id
    finally:
        store.close()
    monkeypatch.setenv("VAPOR_TUI_JOB", str(simulated))
    with pytest.raises(Exception, match=f"job #{simulated} sim is a simulated job"):
        vapor_tui.init(db=db)
    monkeypatch.setenv("VAPOR_TUI_JOB", "999")
    with pytest.raises(Exception, match="there is no job #999"):
        vapor_tui.init(db=db)
    monkeypatch.setenv("VAPOR_TUI_JOB", "x1")
    with pytest.raises(ValueError, match="is not a job number"):
        vapor_tui.init(db=db)

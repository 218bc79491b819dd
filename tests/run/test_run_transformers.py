"""VaporCallback against the real transformers classes (TrainingArguments, TrainerState,
TrainerControl, and the CallbackHandler the Trainer calls its callbacks through, with the
Trainer's own DefaultFlowCallback), driven in the order Trainer's training loop calls them.
transformers installs and imports without torch; importing the callback imports neither."""

from __future__ import annotations

import subprocess
import sys

import pytest
from transformers import TrainerControl, TrainerState, TrainingArguments
from transformers.trainer_callback import CallbackHandler, DefaultFlowCallback

import vapor_tui
from tests.run.conftest import wait_until
from vapor_tui.core.status import Action, JobStatus
from vapor_tui.integrations.transformers import VaporCallback
from vapor_tui.live.commands import Act, execute
from vapor_tui.store.engine import open_store


def train(handler: CallbackHandler, args, state: TrainerState, steps: int, on_step=None):
    """What Trainer.train does with its callbacks, in its order, without a model."""
    control = TrainerControl()
    control = handler.on_init_end(args, state, control)
    state.max_steps = steps
    state.compute_steps(args, steps)  # as Trainer does before on_train_begin
    control = handler.on_train_begin(args, state, control)
    control = handler.on_epoch_begin(args, state, control)
    for _ in range(steps):
        control = handler.on_step_begin(args, state, control)
        control = handler.on_pre_optimizer_step(args, state, control)
        control = handler.on_optimizer_step(args, state, control)
        state.global_step += 1
        state.epoch = state.global_step / steps
        if on_step is not None:
            on_step(state.global_step)
        control = handler.on_step_end(args, state, control)
        if control.should_log:  # Trainer._maybe_log_save_evaluate
            logs = {"loss": 1.0 / state.global_step, "grad_norm": 0.5, "learning_rate": 2e-5}
            logs["epoch"] = state.epoch
            control = handler.on_log(args, state, control, logs)
            control.should_log = False
        if control.should_save:
            control = handler.on_save(args, state, control)
            control.should_save = False
            state.saved = [*getattr(state, "saved", []), state.global_step]
        if control.should_training_stop:
            break
    control = handler.on_epoch_end(args, state, control)
    logs = {"train_runtime": 1.5, "train_loss": 0.4, "total_flos": 0.0, "note": "text"}
    control = handler.on_log(args, state, control, logs)
    handler.on_train_end(args, state, control)
    return control


def make(tmp_path, db, **kwargs):
    args = TrainingArguments(
        output_dir=str(tmp_path / "out"), logging_steps=2, report_to=[], **kwargs
    )
    callback = VaporCallback(db=db)
    handler = CallbackHandler([DefaultFlowCallback(), callback], None, None, None, None)
    return args, callback, handler


def test_a_training_run_is_logged_and_finished(tmp_path, db, look) -> None:
    args, callback, handler = make(tmp_path, db, num_train_epochs=2, learning_rate=3e-5)
    started = []
    train(handler, args, TrainerState(), 10, on_step=lambda s: started.append(callback.run))
    run = started[0]
    assert run is not None and vapor_tui.current_run() is None
    viewer = look()
    job = viewer.job(run.id)
    assert (job.status, job.reason) == (JobStatus.COMPLETE, "finished at step 10")
    assert job.name == "out" and job.total_steps == 10
    assert job.run.config["learning_rate"] == 3e-5
    assert viewer.series(run.id, "loss").step.tolist() == [2, 4, 6, 8, 10]
    assert viewer.series(run.id, "grad_norm").value.tolist() == [0.5] * 5
    assert viewer.series(run.id, "train_loss").step.tolist() == [10]


def test_a_stop_request_saves_and_ends_training(tmp_path, db, look) -> None:
    args, callback, handler = make(tmp_path, db, save_strategy="no")
    store = open_store(db)

    def press_x_at_step_4(step: int) -> None:
        if step == 4:
            execute(store, Act(callback.run.id, Action.STOP, JobStatus.RUNNING))
            wait_until(callback.run.should_stop, "should_stop() seen by the callback")

    state = TrainerState()
    run_ids = []
    try:
        control = train(
            handler,
            args,
            state,
            100,
            on_step=lambda s: (run_ids.append(callback.run.id), press_x_at_step_4(s)),
        )
    finally:
        store.close()
    assert state.global_step == 4 and state.saved == [4]  # saved, though saving was off
    assert control.should_training_stop
    job = look().job(run_ids[0])
    assert (job.status, job.reason) == (JobStatus.STOPPED, "stopped by user at step 4")


def test_only_the_main_process_logs(tmp_path, db) -> None:
    args, callback, handler = make(tmp_path, db)
    state = TrainerState(is_world_process_zero=False)
    seen = []
    train(handler, args, state, 4, on_step=lambda s: seen.append(callback.run))
    assert seen == [None] * 4


def test_a_run_the_script_started_is_used_and_left_to_it(tmp_path, db, look) -> None:
    run = vapor_tui.init(name="mine", db=db)
    args, _, handler = make(tmp_path, db)
    train(handler, args, TrainerState(), 4)
    assert vapor_tui.current_run() is run and look().job(run.id).status is JobStatus.RUNNING
    run.finish()
    assert look().series(run.id, "loss").step.tolist() == [2, 4]


@pytest.mark.parametrize("module", ["vapor_tui.integrations.transformers", "vapor_tui"])
def test_importing_it_imports_neither_torch_nor_transformers(module) -> None:
    probe = (
        f"import sys, {module}; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'torch', 'transformers'}))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

"""Launched commands end to end, with real processes: how they end, what is read from their
output, the stop ladder climbed by `x`, the clock and `f`, and a supervisor that is killed."""

from __future__ import annotations

import json
import os
import signal
import time

from vapor_tui.core.process import is_running as is_alive
from vapor_tui.core.status import Action
from vapor_tui.live.uptonow import bring_up_to_now
from vapor_tui.store.series import read_series

# The bar on stdout (tqdm(file=sys.stdout)), so that the Trainer line comes after it in the
# order it was written: across two pipes the order they are read in is not the order written.
# A line is printed over the bar as tqdm.write does it: the bar cleared first.
TRAINS = """
    import json, sys, time
    for i in range(1, 6):
        sys.stdout.write("\\r" + " " * 50 + "\\r")
        print(json.dumps({"step": i, "loss": 1.0 / i, "lr": 0.1}))
        sys.stdout.write(f"\\r{i * 20}%|##  | {i}/5 [00:0{i}<00:01,  4.00it/s]")
    sys.stdout.write("\\n")
    print("{'loss': 0.125, 'grad_norm': 1.5, 'learning_rate': 2e-05, 'epoch': 1.0}")
    print("warming up", file=sys.stderr)
"""


def test_a_command_that_exits_0_is_complete_with_its_output_points_and_progress(commands, store):
    job_id = commands.new(TRAINS, start=True)
    row = commands.ended(job_id)
    assert (row["status"], row["reason"], row["exit_code"]) == (
        "complete",
        "exited with status 0",
        0,
    )
    assert row["host"] and row["user_name"] and row["supervisor_pid"] and row["pid"]
    assert (row["steps_done"], row["total_steps"]) == (5, 5)
    assert row["ema_step_seconds"] == 0.25
    lines = commands.output(job_id)
    # A bar redrawn by carriage returns is one line at its last state; a line printed over a
    # bar (cleared first) replaces it, and the bar's next state is a line of its own again.
    out = [text for stream, text in lines if stream == "out"]
    assert out == [
        *(json.dumps({"step": i, "loss": 1.0 / i, "lr": 0.1}) for i in range(1, 6)),
        "100%|##  | 5/5 [00:05<00:01,  4.00it/s]",
        "{'loss': 0.125, 'grad_norm': 1.5, 'learning_rate': 2e-05, 'epoch': 1.0}",
    ]
    assert ("err", "warming up") in lines
    with store.read() as conn:
        loss = read_series(conn, job_id, "loss")
        grad = read_series(conn, job_id, "grad_norm")
    # The Trainer's dict line comes at the bar's step (5): it replaces the JSON line's loss.
    assert loss.step.tolist() == [1, 2, 3, 4, 5]
    assert loss.value.tolist() == [1.0, 0.5, 1 / 3, 0.25, 0.125]
    assert grad.step.tolist() == [5] and row["last_loss"] == 0.125


def test_exit_2_raise_and_sigkill_fail_with_what_happened(commands):
    exits = commands.new(
        "import sys\nprint('usage: x', file=sys.stderr)\n"
        "print('error: unknown flag --fast', file=sys.stderr)\nsys.exit(2)",
        name="exits",
        start=True,
    )
    raises = commands.new("raise ValueError('bad shape')", name="raises", start=True)
    killed = commands.new(
        "import os, signal\nprint('going', flush=True)\nos.kill(os.getpid(), signal.SIGKILL)",
        name="killed",
        start=True,
    )
    row = commands.ended(exits)
    assert (row["status"], row["reason"], row["exit_code"]) == (
        "failed",
        "exited with status 2: error: unknown flag --fast",
        2,
    )
    row = commands.ended(raises)
    assert (row["status"], row["reason"]) == (
        "failed",
        "exited with status 1: ValueError: bad shape",
    )
    row = commands.ended(killed)
    assert (row["status"], row["reason"], row["exit_code"]) == (
        "failed",
        "killed by SIGKILL",
        -9,
    )
    assert ("out", "going") in commands.output(killed)


STUBBORN = """
    import signal, sys, time
    def said(signum, frame):
        print("got", signal.Signals(signum).name, flush=True)
    signal.signal(signal.SIGINT, said)
    signal.signal(signal.SIGTERM, said)
    for step in range(1, 100000):
        print({"step": step, "loss": 1.0 / step}.__repr__().replace("'", '"'), flush=True)
        time.sleep(0.05)
"""


def test_a_command_that_ignores_sigint_and_sigterm_is_climbed_to_sigkill(commands):
    job_id = commands.new(STUBBORN, grace=1.0, start=True)
    commands.said(job_id, '"step": 3')
    commands.act(job_id, Action.STOP)  # rung 1: it did not attach, so SIGINT at once
    commands.said(job_id, "got SIGINT")
    # The grace (1 s here) passes: SIGTERM, and the supervisor records the rung it reached.
    commands.wait(job_id, lambda r: r["stop_rung"] == 3, "SIGTERM after the grace")
    commands.said(job_id, "got SIGTERM")
    assert commands.row(job_id)["status"] == "stopping"
    commands.act(job_id, Action.STOP)  # x again: the next rung at once (SIGKILL)
    row = commands.ended(job_id)
    assert (row["status"], row["reason"], row["exit_code"]) == (
        "stopped",
        "stopped by user (SIGKILL)",
        -9,
    )


def test_sigterm_after_the_grace_ends_a_command_that_only_ignores_sigint(commands):
    script = STUBBORN.replace("    signal.signal(signal.SIGTERM, said)\n", "")
    job_id = commands.new(script, grace=1.0, start=True)
    commands.said(job_id, '"step": 2')
    commands.act(job_id, Action.STOP)
    row = commands.ended(job_id)
    assert (row["status"], row["reason"], row["exit_code"], row["stop_rung"]) == (
        "stopped",
        "stopped by user (SIGTERM after 1 s)",
        -15,
        3,
    )


def test_a_command_that_stops_on_sigint_is_stopped_at_its_step(commands):
    script = """
        import json, time
        step = 0
        try:
            while True:
                step += 1
                print(json.dumps({"step": step, "loss": 1.0 / step}), flush=True)
                time.sleep(0.05)
        except KeyboardInterrupt:
            print("saving checkpoint", flush=True)
    """
    job_id = commands.new(script, start=True)
    commands.said(job_id, '"step": 4')
    commands.act(job_id, Action.STOP)
    row = commands.ended(job_id)
    assert row["status"] == "stopped" and row["exit_code"] == 0
    assert row["reason"] == f"stopped by user at step {row['steps_done']}"
    assert row["steps_done"] >= 4
    assert ("out", "saving checkpoint") in commands.output(job_id)


def test_f_terms_the_group_and_the_job_stays_failed(commands):
    script = """
        import subprocess, sys, time
        kid = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        print("kid", kid.pid, flush=True)
        time.sleep(600)
    """
    job_id = commands.new(script, start=True)
    row = commands.said(job_id, "kid ")
    kid = int(next(t for _, t in commands.output(job_id) if t.startswith("kid "))[4:])
    commands.act(job_id, Action.FAIL)
    row = commands.wait(job_id, lambda r: r["exit_code"] is not None, "the exit recorded")
    assert (row["status"], row["reason"], row["exit_code"]) == (
        "failed",
        "marked failed by user",
        -15,
    )
    deadline = time.monotonic() + 30
    while is_alive(kid, None) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not is_alive(kid, None), "the command's child outlived the SIGTERM to its group"


def test_a_killed_supervisor_takes_its_command_with_it_and_the_job_says_why(commands, store):
    job_id = commands.new(STUBBORN, start=True)
    commands.said(job_id, '"step": 2')
    row = commands.row(job_id)
    supervisor, command = row["supervisor_pid"], row["pid"]
    os.kill(supervisor, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while is_alive(command, row["pid_started"]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not is_alive(command, row["pid_started"]), "the command outlived its supervisor"
    while is_alive(supervisor, row["supervisor_started"]) and time.monotonic() < deadline:
        time.sleep(0.05)  # reaped by the thread that started it
    bring_up_to_now(store)  # what any look at the database does first
    row = commands.row(job_id)
    assert (row["status"], row["reason"]) == ("failed", "supervisor lost")


def test_a_command_whose_directory_is_gone_fails_with_why(commands, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    job_id = commands.new("print('hi')", cwd=work)
    work.rmdir()
    commands.start(job_id)
    row = commands.ended(job_id)
    assert row["status"] == "failed" and row["exit_code"] is None
    assert row["reason"] == (
        f"cannot start {commands.row(job_id)['command'].split(chr(34))[1]} in {work}: "
        "No such file or directory"
    )


def test_a_script_attached_through_the_api_stops_cooperatively(commands, store):
    script = """
        import time, vapor_tui
        run = vapor_tui.init()
        step = 0
        while not run.should_stop():
            step += 1
            run.log({"loss": 1.0 / step})
            print({"loss": 123.0}, flush=True)  # printed, not logged: not read as a metric
            time.sleep(0.02)
        print("stopping cleanly at step", step, flush=True)
        run.finish()
    """
    job_id = commands.new(script, start=True)
    # Logged for a while: the supervisor has seen it attach (the run's own heartbeat).
    commands.wait(job_id, lambda r: r["steps_done"] >= 60, "60 steps logged")
    commands.act(job_id, Action.STOP)
    row = commands.wait(job_id, lambda r: r["exit_code"] is not None, "the exit recorded")
    assert (row["status"], row["exit_code"]) == ("stopped", 0)
    assert row["reason"] == f"stopped by user at step {row['steps_done']}"
    out = [text for _, text in commands.output(job_id)]
    assert out[-1] == f"stopping cleanly at step {row['steps_done']}"
    assert not any("KeyboardInterrupt" in line for line in out)  # no SIGINT was sent
    with store.read() as conn:
        loss = read_series(conn, job_id, "loss")
    assert len(loss) == row["steps_done"] and 123.0 not in loss.value.tolist()

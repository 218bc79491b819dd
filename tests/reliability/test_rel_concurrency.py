"""Several processes on one database at once: app instances (the real app without a terminal)
and the command line in loops. Nobody is told "database is locked", no point is written
twice, every instance shows what the database holds within two ticks of each change, and two
conflicting actions on one job have exactly one winner, the loser told why it lost."""

from __future__ import annotations

import random
import re
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from vapor_tui.core.clock import FakeClock
from vapor_tui.core.config import JobConfig
from vapor_tui.core.status import Action, JobStatus, TransitionError
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import apply_action, create_job

from .rel_checks import check_database, read_jobs
from .rel_processes import TROUBLE, CliCall, Instance, run_cli, spawn_cli

SEED = 4242
INSTANCES = 2
CLI_WORKERS = 3
CLI_CALLS_EACH = 6
# Processes on the database at once in the mixed test, quoted in docs/RELIABILITY.md.
PROCESSES = INSTANCES + CLI_WORKERS
GLACIAL = 10_000.0
REFUSAL = re.compile(
    r"^vapor-tui: error: (cannot \w+ job #\d+ .*: it is \w+(, which is final.*|; .+| \(.+\))"
    r"|no job with id \d+)$"
)


def make_jobs(db: Path | str, shapes: list[tuple[str, str, float]]) -> dict[str, int]:
    """Jobs by name: (name, status to leave it in, seconds a step)."""
    store = open_store(db, clock=FakeClock(datetime.now(UTC)))
    ids = {}
    try:
        for n, (name, status, step_s) in enumerate(shapes):
            config = JobConfig(name, epochs=2, steps_per_epoch=3000, step_seconds=step_s, seed=n)
            job = create_job(store, config, start=status != "queued")
            if status == "stopping":
                apply_action(store, job.id, Action.STOP)
            ids[name] = job.id
    finally:
        store.close()
    return ids


def worker_calls(db: Path | str, worker: int, env, cwd: Path, out: list[CliCall]) -> None:
    rng = random.Random(SEED + worker)
    for n in range(CLI_CALLS_EACH):
        ids = sorted(read_jobs(db))
        job = str(rng.choice(ids))
        roll = rng.random()
        if roll < 0.25:
            shape = ["--epochs", "1", "--steps-per-epoch", "2000", "--step-seconds", "0.002"]
            args = ["new", "--name", f"w{worker}-{n}", "--start", *shape]
        elif roll < 0.4:
            args = ["jobs", "--json"]
        elif roll < 0.5:
            args = ["show", job, "--json"]
        elif roll < 0.6:
            args = ["export", job, "-o", str(cwd / f"w{worker}.csv")]
        else:
            args = [rng.choice(["start", "stop", "fail", "clone", "delete"]), job]
        out.append(run_cli(db, args, env, cwd))


def assert_no_trouble(calls: list[CliCall], instances: list[Instance]) -> None:
    for call in calls:
        assert not any(t in call.err for t in TROUBLE), call
        if call.code == 2:
            assert REFUSAL.match(call.err.strip()) and call.err.count("\n") == 1, call
        else:
            assert call.code == 0 and call.err == "", call
    for instance in instances:
        for note in instance.notes():
            assert not any(t in " ".join(note) for t in TROUBLE), note
        assert all(r["problem"] is None for r in instance.ticks())
        assert not any(t in instance.stderr for t in TROUBLE), instance.stderr


def shown_within_two_ticks(instance: Instance, since: float, expect, what: str) -> None:
    """The second tick an instance applies after `since` was read after it: it must show it."""
    ticks = instance.wait_for(
        lambda records: len([r for r in records if "tick" in r and r["t"] > since]) >= 2,
        f"two ticks after {what}",
    )
    later = [r for r in instance.ticks() if r["t"] > since]
    assert ticks and expect(later[1]["jobs"]), f"{what}: the second tick after showed {later[1]}"


def test_instances_and_command_line_on_one_database(tmp_path, new_db, helpers):
    db = new_db("shared")
    make_jobs(
        db,
        [("run-a", "running", 0.002), ("run-b", "running", 0.003), ("wait", "queued", 0.002)],
    )
    env = helpers.cli_env()
    instances = [Instance(db, env, tmp_path) for _ in range(INSTANCES)]
    try:
        for instance in instances:
            instance.wait_for(lambda records: any("tick" in r for r in records), "a first tick")
        calls: list[CliCall] = []
        threads = [
            threading.Thread(target=worker_calls, args=(db, w, env, tmp_path, calls))
            for w in range(CLI_WORKERS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        assert len(calls) == CLI_WORKERS * CLI_CALLS_EACH
        # Each deletion is shown by every instance within two ticks.
        for call in (c for c in calls if c.args[0] == "delete" and c.code == 0):
            gone = int(call.args[1])
            for instance in instances:
                shown_within_two_ticks(
                    instance,
                    call.ended,
                    lambda jobs, gone=gone: gone not in [j[0] for j in jobs],
                    f"`delete {gone}`",
                )
        # Then everything ends; every instance shows exactly what the database holds.
        store = open_store(db)
        try:
            for job_id, job in read_jobs(db).items():
                if not job.status.is_final:
                    try:
                        apply_action(store, job_id, Action.FAIL)
                    except TransitionError:
                        assert read_jobs(db)[job_id].status is JobStatus.COMPLETE
        finally:
            store.close()
        settled = time.time()
        final = sorted([j.id, str(j.status), j.steps_done] for j in read_jobs(db).values())
        for instance in instances:
            shown_within_two_ticks(
                instance, settled, lambda jobs: sorted(jobs) == final, "the last change"
            )
    finally:
        codes = [instance.close() for instance in instances]
    assert codes == [0] * INSTANCES, [i.stderr for i in instances]
    assert_no_trouble(calls, instances)
    assert any(c.args[0] == "new" and c.code == 0 for c in calls)
    check_database(db, "after the mixed load")


def race(instances: list[Instance], kind_a: str, kind_b: str, job_id: int, seen: str):
    instances[0].act(kind_a, job_id, seen)
    instances[1].act(kind_b, job_id, seen)


def test_conflicting_actions_from_two_instances(tmp_path, new_db, helpers):
    """The same key pressed on one job in two instances at once, as the user saw it: one wins,
    the other shows a warning that names the status that won."""
    db = new_db("race")
    ids = make_jobs(
        db,
        [
            ("q", "queued", GLACIAL),
            ("s", "stopping", GLACIAL),
            ("r", "running", GLACIAL),
            ("r2", "running", GLACIAL),
        ],
    )
    env = helpers.cli_env()
    instances = [Instance(db, env, tmp_path) for _ in range(INSTANCES)]
    cases = [
        ("start", "start", "q", "queued", {"running"}),
        ("stop", "fail", "s", "stopping", {"stopped", "failed"}),
        ("fail", "fail", "r", "running", {"failed"}),
    ]
    try:
        for instance in instances:
            instance.wait_for(lambda records: any("tick" in r for r in records), "a first tick")
        for kind_a, kind_b, name, seen, results in cases:
            job_id = ids[name]
            race(instances, kind_a, kind_b, job_id, seen)
            loser = instances[0].wait_for(
                lambda _r, job_id=job_id: [i for i in instances if i.refusals(job_id)],
                f"a refusal for {kind_a} vs {kind_b}",
            )
            for instance in instances:  # a second refusal, were there one, is in by then
                instance.wait_settled()
            assert len(loser) == 1 and len(loser[0].refusals(job_id)) == 1
            (message,) = loser[0].refusals(job_id)
            status = read_jobs(db)[job_id].status
            assert str(status) in results
            assert f"it changed from {seen} to {status} before this" in message, message
        # The command line against an instance: `fail` and the f key on one running job.
        job_id = ids["r2"]
        cli = spawn_cli(db, ["fail", str(job_id)], env, tmp_path)
        instances[1].act("fail", job_id, "running")
        _out, err = cli.communicate(timeout=60)
        if cli.returncode == 0:  # the command line won: the app must say it lost
            instances[1].wait_for(
                lambda _r, job_id=job_id: instances[1].refusals(job_id), "the app's refusal"
            )
        else:  # the app won: the command line said so, and the app was not refused
            assert cli.returncode == 2 and "it is failed" in err, err
            instances[1].wait_settled()  # a refusal, were there one, is in by then
            assert not instances[1].refusals(job_id), instances[1].notes()
        assert read_jobs(db)[job_id].status is JobStatus.FAILED
    finally:
        codes = [instance.close() for instance in instances]
    assert codes == [0] * INSTANCES
    assert_no_trouble([], instances)
    check_database(db, "after the races")


def test_conflicting_actions_from_two_command_lines(tmp_path, new_db, helpers):
    """Two `vapor-tui` calls on one job at once: exactly one exits 0, the other exits 2 with one
    line naming the status that won. (Stop against fail on a running job is no conflict: the
    stop asks for the end of the epoch, and a stopping job can still be failed.)"""
    shapes = []
    for round_ in range(2):
        shapes += [
            (f"q{round_}", "queued", GLACIAL),
            (f"s{round_}", "stopping", GLACIAL),
            (f"r{round_}", "running", GLACIAL),
        ]
    db = new_db("cli-race")
    ids = make_jobs(db, shapes)
    env = helpers.cli_env()
    cases = []
    for round_ in range(2):
        cases += [
            ("stop", "fail", f"q{round_}", {"stopped", "failed"}),
            ("stop", "fail", f"s{round_}", {"stopped", "failed"}),
            ("fail", "fail", f"r{round_}", {"failed"}),
        ]
    for kind_a, kind_b, name, results in cases:
        job_id = ids[name]
        procs = [spawn_cli(db, [kind, str(job_id)], env, tmp_path) for kind in (kind_a, kind_b)]
        outcomes = [(p, *p.communicate(timeout=60)) for p in procs]
        codes = sorted(p.returncode for p, _, _ in outcomes)
        assert codes == [0, 2], [(p.returncode, out, err) for p, out, err in outcomes]
        status = read_jobs(db)[job_id].status
        assert str(status) in results
        (loser_err,) = [err for p, _, err in outcomes if p.returncode == 2]
        assert REFUSAL.match(loser_err.strip()) and loser_err.count("\n") == 1, loser_err
        # It read the job before or after the winner wrote: told so either way.
        assert f"it is {status}, which is final" in loser_err or (
            f"it is {status}; it changed from " in loser_err
        ), loser_err
        (winner_out,) = [out for p, out, _ in outcomes if p.returncode == 0]
        assert winner_out.strip().endswith(f": {status}"), winner_out
    check_database(db, "after the command-line races")


def test_a_run_logged_by_another_process_is_shown_within_two_ticks(tmp_path, new_db, helpers):
    """A training script logging through the API in a process of its own (on another machine,
    as far as the app can tell: they share only the database): the app shows its job, and
    its steps as they are written, by the second tick after each write."""
    from tests.run.scripts import ready, start
    from vapor_tui.store.jobs import get_job

    db = new_db("runs")
    open_store(db).close()  # the schema made before the script and the app race to make it
    instance = Instance(db, helpers.cli_env(), tmp_path)
    script = None
    try:
        instance.wait_for(lambda records: any("tick" in r for r in records), "a first tick")
        script = start(tmp_path, db, "forever")
        job_id = ready(script)  # logged (its writer commits it within half a second)
        store = open_store(db)
        try:
            before = 0  # its first step, then its later ones, as each flush commits them
            for _ in range(4):
                while (done := get_job(store, job_id).steps_done) == before:
                    time.sleep(0.02)
                at, before = time.time(), done
                shown_within_two_ticks(
                    instance,
                    at,
                    lambda jobs, done=done: any(
                        j[0] == job_id and j[1] == "running" and j[2] >= done for j in jobs
                    ),
                    f"step {done} of the run",
                )
        finally:
            store.close()
    finally:
        if script is not None:
            script.kill()
            script.communicate(timeout=30)
        assert instance.close() == 0

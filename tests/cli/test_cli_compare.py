"""`vapor-tui compare ID ID... [--json]` through the installed console command."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import numpy as np
import pytest

from vapor_tui.core.clock import FakeClock
from vapor_tui.core.config import JobConfig
from vapor_tui.core.status import Action
from vapor_tui.live.uptonow import bring_up_to_now
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import apply_action, create_job
from vapor_tui.store.points import read_points

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def two_runs(new_db):
    """Two complete jobs that differ in their learning rate, and a queued one."""
    db = new_db()
    clock = FakeClock(START)
    store = open_store(db, clock=clock)
    ids = []
    for lr in (1e-4, 3e-3):
        config = JobConfig(f"lr-{lr:g}", epochs=2, steps_per_epoch=50, learning_rate=lr, seed=3)
        job = create_job(store, config)
        apply_action(store, job.id, Action.START)
        ids.append(job.id)
    clock.advance(200)
    queued = create_job(store, JobConfig("later", seed=4))
    bring_up_to_now(store)
    points = {i: read_points(store, i) for i in ids}
    store.close()
    return db, ids, queued.id, points


def test_compare_json_best_and_latest_are_the_points(run_cli, two_runs):
    db, ids, queued, points = two_runs
    code, out, err = run_cli("compare", *map(str, ids), str(queued), "--json", "--db", db)
    assert code == 0, err
    data = json.loads(out)
    assert [j["id"] for j in data["jobs"]] == [*ids, queued]
    assert data["differences"] == ["epochs", "steps_per_epoch", "learning_rate", "seed"]
    for entry in data["jobs"][:2]:
        p = points[entry["id"]]
        loss = entry["metrics"]["loss"]
        best = int(np.argmin(p.loss))
        assert loss["best"] == pytest.approx(float(p.loss[best]))
        assert loss["best_step"] == int(p.step[best])
        assert loss["latest"] == pytest.approx(float(p.loss[-1]))
        assert loss["latest_step"] == 100
        acc = entry["metrics"]["accuracy"]
        assert acc["best"] == pytest.approx(float(p.accuracy.max()))
        assert entry["metrics"]["learning_rate"]["best"] is None
        val = entry["metrics"]["val_loss"]
        assert val["latest_step"] == 100 and val["best_step"] in (50, 100)
    assert data["jobs"][2]["metrics"] == {}  # queued: no points, no metrics


@pytest.mark.real_process
def test_compare_text_marks_the_differences(run_cli, two_runs):
    db, ids, _queued, _ = two_runs
    code, out, err = run_cli("compare", *map(str, ids), "--db", db)
    assert code == 0, err
    lines = out.splitlines()
    assert f"#{ids[0]} lr-0.0001" in lines[0] and f"#{ids[1]} lr-0.003" in lines[0]
    marked = {line.split()[1] for line in lines[:-1] if line.startswith("* ")}
    assert marked == {"learning_rate"}
    assert any(line.split()[0] == "model" for line in lines)  # the same: not marked
    assert any(line.strip().startswith("loss best") and " @ " in line for line in lines)
    assert lines[-1] == "* differs between the jobs"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("99",), "no job with id 99"),
        (("1", "x"), "job id must be a positive whole number, not 'x'"),
        ((), "Missing argument"),
    ],
)
def test_compare_errors_are_one_line_and_status_2(run_cli, two_runs, args, message):
    db, *_ = two_runs
    code, out, err = run_cli("compare", *args, "--db", db)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and message in err, err

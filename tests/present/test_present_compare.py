"""The comparison both the compare screen and `vapor-tui compare` show: configurations side by
side with the differing fields marked, each metric's latest and best value with its step."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime

import numpy as np

from vapor_tui.core.config import JobConfig
from vapor_tui.core.curves import MetricStats, direction
from vapor_tui.core.job import Job
from vapor_tui.core.series import SeriesPoints
from vapor_tui.core.status import JobStatus
from vapor_tui.present.compare import compare, config_fields, metric_text, value_text

WHEN = datetime(2026, 3, 1, tzinfo=UTC)


def job(job_id: int, **config) -> Job:
    values = dict(seed=1, learning_rate=2e-4)
    values.update(config)
    return Job(job_id, JobConfig(name=f"run-{job_id}", **values), JobStatus.COMPLETE, "", WHEN)


def test_fields_that_differ_are_marked_and_only_those():
    jobs = [job(1, learning_rate=1e-4), job(2, learning_rate=3e-4), job(3, learning_rate=1e-4)]
    result = compare(jobs, {})
    differs = {row.name for row in result.fields if row.differs}
    assert differs == {"learning_rate"}
    assert [row.name for row in result.differences] == ["learning_rate"]
    lr = next(row for row in result.fields if row.name == "learning_rate")
    assert lr.values == (1e-4, 3e-4, 1e-4)
    assert "name" not in {row.name for row in result.fields}  # the name is each column's title


def test_one_job_has_no_differences():
    assert compare([job(1)], {}).differences == ()


def test_a_real_runs_config_dict_is_compared_key_by_key_missing_ones_differ():
    a, b = job(1), job(2)
    extras = {1: {"lr": 1e-4, "optim": {"name": "adamw"}}, 2: {"lr": 1e-4, "warmup": 100}}
    result = compare([a, b], {}, extras)
    rows = {row.name: row for row in result.fields}
    assert not rows["lr"].differs and not rows["model"].differs
    assert rows["optim.name"].values == ("adamw", None) and rows["optim.name"].differs
    assert rows["warmup"].values == (None, 100) and rows["warmup"].differs
    assert config_fields(a) == {k: a.config.as_dict()[k] for k in config_fields(a)}


def test_numbers_compare_by_value_not_by_type():
    extras = {1: {"epochs": 3, "flag": True}, 2: {"epochs": 3.0, "flag": 1}}
    rows = {r.name: r for r in compare([job(1), job(2)], {}, extras).fields}
    assert not rows["epochs"].differs
    assert rows["flag"].differs  # True is not the number 1 in a config


def test_metrics_loss_first_and_stats_per_job():
    stats = {
        1: {"accuracy": MetricStats("accuracy", 0.7, 300, 0.78, 200), "loss": MetricStats("loss")},
        2: {"eval/loss": MetricStats("eval/loss", 0.5, 100, 0.4, 50)},
    }
    result = compare([job(1), job(2)], stats)
    assert result.metrics == ("loss", "accuracy", "eval/loss")
    assert result.stat(1, "loss") == MetricStats("loss")  # job 2 has none: empty stats
    data = result.as_json()
    assert json.loads(json.dumps(data)) == data
    assert data["jobs"][0]["metrics"]["accuracy"] == {
        "latest": 0.7,
        "latest_step": 300,
        "best": 0.78,
        "best_step": 200,
    }
    assert data["differences"] == []


def test_nan_is_named_in_json_and_text():
    stats = {1: {"loss": MetricStats("loss", math.nan, 5, 0.3, 2)}}
    data = compare([job(1)], stats).as_json()
    assert data["jobs"][0]["metrics"]["loss"]["latest"] == "NaN"
    assert json.dumps(data)  # valid JSON: no bare NaN
    assert metric_text(math.nan, 5) == "NaN @ 5"
    assert metric_text(0.30123, 1200) == "0.3012 @ 1,200"
    assert metric_text(2e-5, None) == "2e-05"
    assert value_text(None) == "-" and value_text(True) == "true" and value_text(1e-4) == "0.0001"


def test_direction_of_metrics():
    assert direction("loss") == -1 and direction("eval/loss") == -1
    assert direction("accuracy") == 1 and direction("eval/acc") == 1 and direction("reward") == 1
    assert direction("learning_rate") == 0 and direction("lr") == 0


def test_stats_fold_newer_points_in():
    stats = MetricStats("loss", 0.5, 10, 0.4, 8, 10)
    newer = SeriesPoints([11, 12, 13], [0.45, 0.35, np.nan], [1.0, 2.0, 3.0])
    folded = stats.with_points(newer)
    assert (folded.best, folded.best_step) == (0.35, 12)
    assert folded.latest_step == 13 and math.isnan(folded.latest)
    assert folded.points == 13
    acc = MetricStats("accuracy").with_points(SeriesPoints([1, 2], [0.6, 0.5], [0, 0]))
    assert (acc.best, acc.best_step) == (0.6, 1)
    lr = MetricStats("learning_rate").with_points(SeriesPoints([1], [1e-4], [0]))
    assert lr.best is None and lr.latest == 1e-4


def test_a_real_run_is_compared_by_its_config_dict():
    from vapor_tui.core.job import RunInfo

    run = Job(
        9, None, JobStatus.RUNNING, "", WHEN, source="api",
        run=RunInfo("sft", "LFM2-350M", config={"learning_rate": 2e-4, "warmup": 10}),
    )  # fmt: skip
    rows = {r.name: r for r in compare([job(1), run], {}).fields}
    assert not rows["model"].differs
    assert rows["warmup"].values == (None, 10) and rows["warmup"].differs
    assert rows["epochs"].values == (3, None)

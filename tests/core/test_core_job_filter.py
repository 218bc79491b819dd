"""The `/` filter's parser: words, field comparisons, aliases, real runs' config keys."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from vapor_tui.core.config import JobConfig
from vapor_tui.core.job import Job
from vapor_tui.core.job_filter import flatten, lookup, parse_filter
from vapor_tui.core.status import JobStatus

WHEN = datetime(2026, 3, 1, tzinfo=UTC)


def job(job_id: int, name: str, status=JobStatus.QUEUED, **config) -> Job:
    values = dict(seed=1, learning_rate=2e-4, model="LFM2-350M")
    values.update(config)
    return Job(job_id, JobConfig(name=name, **values), status, "", WHEN)


JOBS = [
    job(1, "lr-sweep-1e-4", learning_rate=1e-4),
    job(2, "lr-sweep-3e-4", JobStatus.RUNNING, learning_rate=3e-4),
    job(3, "lr-sweep-3e-3", JobStatus.FAILED, learning_rate=3e-3, model="LFM2-700M"),
    job(4, "chat 1.2b", JobStatus.RUNNING, model="LFM2-1.2B", batch_size=32),
]


def ids(text: str) -> list[int]:
    f = parse_filter(text)
    return [j.id for j in JOBS if f.matches(j)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", [1, 2, 3, 4]),
        ("sweep", [1, 2, 3]),
        ("run", [2, 4]),  # a word: status prefix too, as before
        ("3", [2, 3]),  # a word: in the name, or the id
        ("lr>1e-4", [2, 3, 4]),  # 2e-4 (job 4's default) is above 1e-4
        ("lr>=1e-4", [1, 2, 3, 4]),
        ("lr<2e-4", [1]),
        ("learning_rate=3e-3", [3]),
        ("lr=0.0003", [2]),
        ("model=LFM2-350M", [1, 2]),
        ("model=lfm2-350m", [1, 2]),  # any case
        ("model:700", [3]),
        ("status:running", [2, 4]),
        ("status!=running", [1, 3]),
        ("status:running lr>2e-4", [2]),  # combined: every term
        ("lr>1e-4 model=LFM2-350M status:running", [2]),
        ("batch>=32", [4]),
        ("bs=8", [1, 2, 3]),
        ('name:"chat 1.2b"', [4]),
        ("id>2", [3, 4]),
        ("progress<50", [1, 2, 3, 4]),
        ("loss<1", []),  # no loss yet: a job without the value does not match
        ("nosuchfield=1", []),
        ("sweep status:failed", [3]),
    ],
)
def test_terms(text, expected):
    assert ids(text) == expected


@pytest.mark.parametrize("text", ["lr>fast", "lr<", "batch>="])
def test_a_term_that_can_match_nothing_says_why(text):
    f = parse_filter(text)
    assert f.problem is not None and text.split(">")[0].split("<")[0] in f.problem
    assert [j for j in JOBS if f.matches(j)] == []


def test_an_unclosed_quote_while_typing_still_filters():
    assert [j.id for j in JOBS if parse_filter('name:"chat').matches(j)] == [4]


def test_real_run_config_keys_nested_and_aliased():
    extra = {"lr": 5e-5, "optim": {"name": "adamw", "beta1": 0.9}, "fp16": True}
    j = JOBS[0]
    assert parse_filter("optim.name=adamw").matches(j, extra)
    assert parse_filter("optim.beta1>0.5").matches(j, extra)
    assert parse_filter("fp16=true").matches(j, extra)
    # `lr` names the run's own key before the simulator's learning_rate.
    assert parse_filter("lr<1e-4").matches(j, extra)
    assert not parse_filter("lr<1e-4").matches(j)
    assert flatten({"a": {"b": {"c": 1}}}) == {"a.b.c": 1}
    assert lookup({"learning_rate": 1.0}, "LR") == (True, 1.0)
    assert lookup({"lr": 2.0}, "learning_rate") == (True, 2.0)


def test_a_real_run_is_filtered_by_its_own_config_dict():
    from vapor_tui.core.job import RunInfo

    run = Job(
        9,
        None,
        JobStatus.RUNNING,
        "",
        WHEN,
        source="api",
        run=RunInfo("sft", "LFM2-350M", config={"lr": 5e-5, "optim": {"name": "adamw"}}),
    )
    assert parse_filter("lr<1e-4 optim.name=adamw source=api").matches(run)
    assert parse_filter("model=LFM2-350M status:running sft").matches(run)
    assert not parse_filter("batch=8").matches(run)  # a run without the field
    assert parse_filter("total_steps>0").matches(run) is False  # not known: no match


def test_backslashes_and_hashes_are_text_not_escapes_or_comments():
    named = [job(1, "back\\slash"), job(2, "ends\\"), job(3, "run#2")]
    for j in named:
        assert [x.id for x in named if parse_filter(j.name).matches(x)] == [j.id], j.name
    assert parse_filter('name:"back\\slash"').matches(named[0])

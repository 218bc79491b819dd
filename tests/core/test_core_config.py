"""Configuration validators shared by the command line and the new-job form."""

from __future__ import annotations

import math

import pytest

from vapor_tui.core.config import (
    MAX_SEED,
    MAX_TOTAL_STEPS,
    ConfigError,
    Curve,
    JobConfig,
    Schedule,
    model_size_billions,
    parse_float,
    parse_int,
    parse_learning_rate,
)


def test_defaults_match_the_readme() -> None:
    cfg = JobConfig("x")
    assert (cfg.model, cfg.epochs, cfg.steps_per_epoch) == ("LFM2-350M", 3, 100)
    assert (cfg.learning_rate, cfg.batch_size, cfg.step_seconds) == (2e-4, 8, 0.5)
    assert (cfg.schedule, cfg.curve) == (Schedule.COSINE, Curve.EXPONENTIAL)
    assert 0 <= cfg.seed <= MAX_SEED
    assert cfg.total_steps == 300


def test_text_values_are_parsed() -> None:
    cfg = JobConfig(
        " name ",
        model="m",
        epochs="2",
        steps_per_epoch="1_000",
        learning_rate="1e-3",
        batch_size="4",
        schedule="CONSTANT",
        curve="power-law",
        seed="12",
        step_seconds="0.00001",
    )
    assert cfg.name == "name"
    assert (cfg.epochs, cfg.steps_per_epoch, cfg.batch_size, cfg.seed) == (2, 1000, 4, 12)
    assert cfg.learning_rate == 1e-3 and cfg.step_seconds == 1e-5
    assert cfg.schedule is Schedule.CONSTANT and cfg.curve is Curve.POWER_LAW
    assert JobConfig("a", seed=5).as_dict()["schedule"] == "cosine"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"epochs": 0}, "epochs"),
        ({"epochs": -1}, "epochs"),
        ({"epochs": "2.5"}, "epochs"),
        ({"epochs": True}, "epochs"),
        ({"steps_per_epoch": 0}, "steps_per_epoch"),
        ({"learning_rate": 0}, "learning_rate"),
        ({"learning_rate": -1}, "learning_rate"),
        ({"learning_rate": math.nan}, "learning_rate"),
        ({"learning_rate": "inf"}, "learning_rate"),
        ({"learning_rate": "abc"}, "learning_rate"),
        ({"learning_rate": 11}, "learning_rate"),
        ({"batch_size": 0}, "batch_size"),
        ({"schedule": "linear"}, "schedule"),
        ({"curve": "sigmoid"}, "curve"),
        ({"seed": -1}, "seed"),
        ({"seed": MAX_SEED + 1}, "seed"),
        ({"step_seconds": 0}, "step_seconds"),
        ({"step_seconds": 1e-7}, "step_seconds"),
        ({"step_seconds": "nan"}, "step_seconds"),
        ({"name": "   "}, "name"),
        ({"name": "a\nb"}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"model": ""}, "model"),
        ({"epochs": 2, "steps_per_epoch": MAX_TOTAL_STEPS}, "steps_per_epoch"),
    ],
)
def test_bad_values_name_their_field(kwargs: dict, field: str) -> None:
    args = {"name": "x", **kwargs}
    with pytest.raises(ConfigError) as info:
        JobConfig(**args)
    assert info.value.field == field
    assert str(info.value).startswith(f"{field}: ")
    assert "\n" not in str(info.value)


def test_the_largest_job_is_accepted() -> None:
    assert JobConfig("x", epochs=1, steps_per_epoch=MAX_TOTAL_STEPS).total_steps == MAX_TOTAL_STEPS


def test_parsers() -> None:
    assert parse_int("n", " 42 ", 0, 100) == 42
    assert parse_int("n", 3.0, 0, 100) == 3
    with pytest.raises(ConfigError, match="at most 100"):
        parse_int("n", 101, 0, 100)
    assert parse_float("f", "0.5", 0.0, 1.0) == 0.5
    with pytest.raises(ConfigError, match="finite"):
        parse_learning_rate(math.inf)
    with pytest.raises(ConfigError, match="greater than 0"):
        parse_learning_rate("-1")
    with pytest.raises(ConfigError, match="not 'abc'"):
        parse_learning_rate("abc")


@pytest.mark.parametrize(
    ("model", "size"),
    [("LFM2-350M", 0.35), ("LFM2-1.2B", 1.2), ("llama-70b", 70.0), ("mystery", 0.35)],
)
def test_model_size_from_name(model: str, size: float) -> None:
    assert model_size_billions(model) == pytest.approx(size)

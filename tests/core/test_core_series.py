"""SeriesPoints and Batch: the values every producer of points hands the store."""

from __future__ import annotations

import math

import numpy as np
import pytest

from vapor_tui.core.series import (
    LOSS_NAMES,
    VALIDATION_NAMES,
    SeriesPoints,
    first_present,
    ordered_names,
    value_text,
)


def test_columns_are_read_only_copies_of_the_right_types() -> None:
    steps = np.array([1, 2, 3])
    s = SeriesPoints(steps, [0.5, 0.4, 0.3], [10.0, 11.0, 12.0])
    assert s.step.dtype == np.int64 and s.value.dtype == np.float64
    assert s.timestamp.dtype == np.float64
    steps[0] = 99  # the caller's array is not the series'
    assert s.step[0] == 1
    with pytest.raises(ValueError):
        s.value[0] = 1.0
    with pytest.raises(AttributeError):
        s.step = np.array([1])  # type: ignore[misc]
    assert len(s) == 3 and (s.first_step, s.last_step) == (1, 3)


def test_lengths_must_agree_and_steps_increase() -> None:
    with pytest.raises(ValueError, match="as many values"):
        SeriesPoints([1, 2], [1.0], [0.0, 0.0])
    with pytest.raises(ValueError, match="increasing"):
        SeriesPoints([1, 1], [1.0, 2.0], [0.0, 0.0])
    with pytest.raises(ValueError, match="increasing"):
        SeriesPoints([3, 2], [1.0, 2.0], [0.0, 0.0])
    with pytest.raises(ValueError, match="from 1"):
        SeriesPoints([0], [1.0], [0.0])
    with pytest.raises(ValueError, match="one-dimensional"):
        SeriesPoints([[1]], [[1.0]], [[0.0]])


def test_nan_and_inf_are_values() -> None:
    s = SeriesPoints([1, 2, 3], [math.nan, math.inf, -math.inf], [0, 0, 0])
    assert np.isnan(s.value[0]) and s.value[1] == math.inf and s.value[2] == -math.inf
    assert [value_text(v) for v in s.value] == ["NaN", "inf", "-inf"]
    assert value_text(0.123456) == "0.1235"


def test_empty_and_after() -> None:
    e = SeriesPoints.empty()
    assert len(e) == 0 and e.last_step == 0 and e.first_step == 0
    s = SeriesPoints([2, 4, 6], [1.0, 2.0, 3.0], [0, 0, 0])
    assert s.after(0) is s
    assert s.after(4).step.tolist() == [6]
    assert len(s.after(6)) == 0
    assert s[1:].value.tolist() == [2.0, 3.0]
    with pytest.raises(TypeError):
        s[0]  # type: ignore[index]


def test_of_sorts_and_keeps_the_later_value_of_a_relogged_step() -> None:
    s = SeriesPoints.of([(3, 0.3, 30.0), (1, 0.1, 10.0), (3, 0.33, 31.0)])
    assert s.step.tolist() == [1, 3]
    assert s.value.tolist() == [0.1, 0.33]
    assert s.timestamp.tolist() == [10.0, 31.0]


def test_merged_lays_the_newer_points_over_the_older() -> None:
    old = SeriesPoints([1, 2, 3], [1.0, 2.0, 3.0], [1, 2, 3])
    assert old.merged(SeriesPoints.empty()) is old
    appended = old.merged(SeriesPoints([4], [4.0], [4]))
    assert appended.step.tolist() == [1, 2, 3, 4]
    over = old.merged(SeriesPoints([2, 5], [20.0, 50.0], [9, 9]))
    assert over.step.tolist() == [1, 2, 3, 5]
    assert over.value.tolist() == [1.0, 20.0, 3.0, 50.0]
    assert over.timestamp.tolist() == [1, 9, 3, 9]


def test_names_in_the_order_they_are_shown() -> None:
    assert ordered_names(["val_loss", "accuracy", "loss", "eval/loss", "loss"]) == [
        "loss",
        "accuracy",
        "eval/loss",
        "val_loss",
    ]
    assert ordered_names(["b", "a"]) == ["a", "b"]
    assert first_present(["train_loss", "x"], LOSS_NAMES) == "train_loss"
    assert first_present(["eval/loss", "eval_loss"], VALIDATION_NAMES) == "eval_loss"
    assert first_present(["x"], LOSS_NAMES) is None


def test_of_frozen_takes_read_only_columns_as_they_are_and_copies_the_rest() -> None:
    """A tick hands the simulator's read-only columns over without copying them (issue 14);
    anything else is copied and made read-only, as the constructor does."""
    step = np.arange(1, 4, dtype=np.int64)
    value = np.array([1.0, 2.0, 3.0])
    stamp = np.array([10.0, 11.0, 12.0])
    for column in (step, value, stamp):
        column.flags.writeable = False
    kept = SeriesPoints.of_frozen(step, value, stamp)
    assert kept.step is step and kept.value is value and kept.timestamp is stamp
    writable = np.array([1.0, 2.0, 3.0])
    copied = SeriesPoints.of_frozen(step, writable, stamp)
    assert copied.value is not writable and not copied.value.flags.writeable
    narrow = step.astype(np.int32)
    narrow.flags.writeable = False
    assert SeriesPoints.of_frozen(narrow, value, stamp).step.dtype == np.int64

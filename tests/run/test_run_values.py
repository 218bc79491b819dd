"""What log() accepts and refuses, and how pending points become the store's batch."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from vapor_tui.run.batch import to_batch
from vapor_tui.run.buffer import PointBuffer, merge
from vapor_tui.run.values import metric_values, step_number


class OneValueTensor:
    """What a torch tensor offers log(): .item() giving a Python number."""

    def __init__(self, *values: float):
        self.values = values

    def item(self) -> float:
        if len(self.values) != 1:
            raise RuntimeError(f"a Tensor with {len(self.values)} elements cannot be converted")
        return self.values[0]


def test_numbers_of_every_kind_become_floats() -> None:
    got = dict(
        metric_values(
            {
                "f": 0.5,
                "i": 3,
                "b": True,
                "np64": np.float64(1.5),
                "np32": np.float32(0.25),
                "npint": np.int64(7),
                "np0d": np.array(2.5),
                "tensor": OneValueTensor(0.125),
                "dec": Decimal("0.75"),
                "frac": Fraction(1, 4),
                "nan": math.nan,
                "inf": -math.inf,
            }
        )
    )
    assert got["f"] == 0.5 and got["i"] == 3.0 and got["b"] == 1.0
    assert got["np64"] == 1.5 and got["np32"] == 0.25 and got["npint"] == 7.0
    assert got["np0d"] == 2.5 and got["tensor"] == 0.125
    assert got["dec"] == 0.75 and got["frac"] == 0.25
    assert math.isnan(got["nan"]) and got["inf"] == -math.inf
    assert all(type(v) is float for v in got.values())


@pytest.mark.parametrize(
    ("value", "error", "words"),
    [
        ("0.5", TypeError, "metric 'loss' must be a number, not str '0.5'"),
        (None, TypeError, "metric 'loss' must be a number, not None"),
        ({"a": 1}, TypeError, "'group/name' keys"),
        ([1.0], TypeError, "not list"),
        (OneValueTensor(1.0, 2.0), ValueError, "metric 'loss' must be one number"),
        (np.array([1.0, 2.0]), ValueError, "metric 'loss' must be one number"),
        (object(), TypeError, "metric 'loss' must be a number, not object"),
        (10**400, ValueError, "too large"),
    ],
)
def test_bad_values_name_the_metric(value, error, words) -> None:
    with pytest.raises(error, match=None) as caught:
        metric_values({"ok": 1.0, "loss": value})
    assert words in str(caught.value)


def test_bad_names_and_calls() -> None:
    with pytest.raises(TypeError, match="non-empty string"):
        metric_values({"": 1.0})
    with pytest.raises(TypeError, match="non-empty string"):
        metric_values({3: 1.0})
    with pytest.raises(TypeError, match="takes a dict"):
        metric_values([("loss", 1.0)])  # type: ignore[arg-type]


def test_steps() -> None:
    assert step_number(5) == 5 and step_number(np.int32(6)) == 6
    assert step_number(OneValueTensor(7)) == 7  # type: ignore[arg-type]
    for bad, error in ((0, ValueError), (-1, ValueError), (1.5, TypeError), (True, TypeError)):
        with pytest.raises(error):
            step_number(bad)


def test_the_buffer_numbers_steps_and_keeps_order() -> None:
    buf = PointBuffer(last_step=10)  # an attached job that had 10 steps
    assert buf.add(None, [("loss", 1.0), ("acc", 0.5)], 100.0) == 11
    assert buf.add(None, [("loss", 0.9)], 101.0) == 12
    assert buf.add(5, [("eval", 2.0)], 102.0) == 5  # an earlier step: the next is still 13
    assert buf.add(None, [("loss", 0.8)], 103.0) == 13
    assert len(buf) == 5 and buf.count == 5
    taken = buf.take()
    assert taken["loss"] == ([11, 12, 13], [1.0, 0.9, 0.8], [100.0, 101.0, 103.0])
    assert len(buf) == 0 and buf.take() == {}


def test_a_relogged_step_keeps_the_later_value() -> None:
    buf = PointBuffer()
    for step, value in ((1, 1.0), (2, 2.0), (3, 3.0), (2, 20.0), (1, 10.0), (4, 4.0)):
        buf.add(step, [("loss", value)], float(step))
    later = PointBuffer()
    later.add(3, [("loss", 30.0)], 9.0)
    batch = to_batch(merge(buf.take(), later.take()))
    points = batch["loss"]
    assert list(points.step) == [1, 2, 3, 4]
    assert list(points.value) == [10.0, 20.0, 30.0, 4.0]
    assert list(points.timestamp) == [1.0, 2.0, 9.0, 4.0]


def test_the_batch_is_plain_lists_unless_the_script_loaded_numpy(monkeypatch) -> None:
    import sys

    from vapor_tui.core.point_list import PointList
    from vapor_tui.core.series import SeriesPoints

    buf = PointBuffer()
    buf.add(None, [("loss", 1.0)], 1.0)
    pending = buf.take()
    assert isinstance(to_batch(pending)["loss"], SeriesPoints)  # numpy is loaded here
    monkeypatch.delitem(sys.modules, "numpy")
    assert isinstance(to_batch(pending)["loss"], PointList)

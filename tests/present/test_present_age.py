"""An age's words are a function of its whole minute: the jobs table words a row's age again
only when that minute moves (issue 14: every row's age was worded at every tick)."""

from __future__ import annotations

import random

from vapor_tui.present.text import age, age_minute


def test_an_age_is_worded_the_same_through_its_minute():
    rng = random.Random(14)
    # Every 7 s of the first two days (where the words change most often), then samples
    # up to ten years, each against the start of its minute.
    seconds = [s + rng.random() for s in range(0, 2 * 86_400, 7)]
    seconds += [rng.uniform(0, 10 * 365 * 86_400) for _ in range(20_000)]
    seconds += [-5.0, -0.5, 59.999, 60.0, 119.999, 3599.5, 3600.0, 86_399.9, 86_400.0]
    for s in seconds:
        assert age(s) == age(age_minute(s) * 60.0), s


def test_the_minute_moves_once_a_minute():
    assert [age_minute(s) for s in (-30.0, 0.0, 59.9, 60.0, 61.0, 119.9, 120.0)] == [
        0, 0, 0, 1, 1, 1, 2,
    ]  # fmt: skip

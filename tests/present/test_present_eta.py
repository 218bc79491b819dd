"""An ETA's words, cached by what humanize words them from (whole days, or seconds under a
day), are humanize's own words for the ETA (issue 14: every running job's ETA was worded by
humanize at every tick)."""

from __future__ import annotations

import random
from datetime import timedelta

import humanize

from vapor_tui.present.text import eta


def test_an_eta_is_worded_as_humanize_words_it():
    rng = random.Random(14)
    # Every 7 s of the first two days (where the words change most often), then samples up
    # to ten years, and the edges of a second, a minute, an hour, a day, a month and a year.
    seconds = [s + rng.random() for s in range(1, 2 * 86_400, 7)]
    seconds += [rng.uniform(1, 10 * 365 * 86_400) for _ in range(20_000)]
    seconds += [1.0, 1.0000004, 1.9999996, 59.5, 89.5, 3599.9999996, 86_399.9999996]
    seconds += [86_400.0, 45.75 * 86_400, 365 * 86_400 - 1e-7, 365 * 86_400.0]
    for s in seconds:
        assert eta(s) == humanize.naturaldelta(timedelta(seconds=s)), s
    assert (eta(None), eta(0.0), eta(0.9999)) == ("-", "a moment", "a moment")

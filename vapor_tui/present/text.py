"""Values as words and figures: a loss, an ETA, an age, a clock, a count, a sentence."""

from __future__ import annotations

import functools
import math
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import humanize

if TYPE_CHECKING:
    from vapor_tui.core.job import Job


def loss(value: float | None) -> str:
    """A loss (or any metric) with four decimals; '-' for none yet; NaN and inf named."""
    if value is None:
        return "-"
    if value != value:
        return "NaN"
    if value in (math.inf, -math.inf):
        return "inf" if value > 0 else "-inf"
    return f"{value:.4f}"


def eta(seconds: float | None) -> str:
    """'2 minutes', 'a moment' for under a second, '-' for unknown."""
    if seconds is None:
        return "-"
    if seconds < 1:
        return "a moment"
    delta = timedelta(seconds=seconds)
    # humanize words a second or more from its whole days alone, or under a day from its
    # seconds: a tick words each running job's ETA, and a job days from its end kept it.
    return _delta_words(delta.days, 0 if delta.days else delta.seconds)


@functools.lru_cache(maxsize=4096)
def _delta_words(days: int, seconds: int) -> str:
    return humanize.naturaldelta(timedelta(days=days, seconds=seconds))


def job_eta(job: Job) -> str:
    """A job's ETA; 'unknown' while a run that did not say its total steps is active (an
    ETA then would be a guess)."""
    if job.status.is_active and job.known_total is None:
        return "unknown"
    return eta(job.eta_seconds)


def age(seconds: float) -> str:
    """'just now', '3 minutes ago', '2 days ago': an age that changes at most once a minute,
    so a screen full of them costs nothing to keep open. Worded from its whole minutes
    (humanize rounds the seconds it is given: 90 s was "2 minutes ago", 89 s "a minute ago"),
    so that a screen words it again only when age_minute moves."""
    return _age_words(age_minute(seconds))


@functools.lru_cache(maxsize=4096)
def _age_words(minute: int) -> str:
    """Worded once for each minute: a tick words the age of every row that moved (issue 14),
    and humanize took about a quarter of the time of making a row's cells."""
    if minute == 0:
        return "just now"
    return humanize.naturaltime(timedelta(minutes=minute))


def age_minute(seconds: float) -> int:
    """The whole minutes of an age, which alone its words depend on."""
    return max(0, math.floor(seconds / 60))


def ago(when: datetime, now: datetime) -> str:
    return age((now - when).total_seconds())


def clock(seconds: float | None) -> str:
    """Compact h:mm:ss, as htop shows times."""
    if seconds is None:
        return "-"
    s = round(seconds)
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def count(n: int, singular: str, plural: str | None = None) -> str:
    """'1 job', '3 jobs', '1,500 points'."""
    return f"{n:,} {singular if n == 1 else plural or singular + 's'}"


def sentence(text: str) -> str:
    """A message as a sentence: its first letter capital ('cannot start...' -> 'Cannot...')."""
    return text[:1].upper() + text[1:] if text else text

"""A deterministic training-curve simulator.

Every value of step k (loss, accuracy, learning rate, validation loss and when the step
finished) is a pure function of the configuration, the seed and k: random numbers come from
a counter-based hash of (seed, stream, k), never from a stateful generator. Regenerating any
range of steps gives identical numbers, which is what makes catch-up after a crash, and two
processes catching up one job, safe.

Step durations jitter around `step_seconds` in a telescoping way (d_k = s + s*J*(e_k - e_{k-1})),
so the finish time of step k has a closed form: the jitter-free time of step k (s*k plus the
validation pauses so far) give or take at most 2*s*J. "How many steps are done after T
seconds" inverts the jitter-free time, which is arithmetic, and then evaluates the exact
finish times of the few steps within that margin in one call: its cost is the same at step
10 as at step 10 million (a binary search hashed about 25 steps one at a time).
"""

from __future__ import annotations

import functools
import math
from typing import cast

import numpy as np

from .config import Curve, JobConfig, Schedule, model_size_billions
from .points import COLUMNS, Points

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_MASK64 = 0xFFFF_FFFF_FFFF_FFFF
_STREAM_LOSS, _STREAM_ACC, _STREAM_VAL, _STREAM_DUR = 1, 3, 4, 5

OPTIMAL_LR = 2e-4
DURATION_JITTER = 0.3  # each step takes between 0.4x and 1.6x step_seconds
VALIDATION_PAUSE = 0.05  # validation at an epoch's end costs 5% of an epoch's time
WARMUP_FRACTION = 0.05
READ_AHEAD = 64  # steps made at once when a step or two is asked for


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser on uint64 arrays (wrapping arithmetic is intended)."""
    x = x ^ (x >> np.uint64(30))
    x = x * _M1
    x = x ^ (x >> np.uint64(27))
    x = x * _M2
    return cast(np.ndarray, x ^ (x >> np.uint64(31)))


@functools.lru_cache(maxsize=4096)
def _stream_key(seed: int, stream: int) -> np.ndarray:
    """The hash key of one (seed, stream): the same for every step, so it is made once."""
    with np.errstate(over="ignore"):
        # The seed and the stream are mixed separately: combining them linearly first
        # (seed * 8 + stream) made seed s's stream 17 the same numbers as seed s+2's stream 1.
        seed_key = _mix(np.array([seed & _MASK64], dtype=np.uint64) * _GOLDEN)
        key = _mix(seed_key ^ np.uint64(stream))
    key.flags.writeable = False
    return key


@functools.lru_cache(maxsize=4096)
def _stream_keys(seed: int, streams: tuple[int, ...]) -> np.ndarray:
    keys = np.stack([_stream_key(seed, stream) for stream in streams])  # one row a stream
    keys.flags.writeable = False
    return keys


def _uniforms(seed: int, streams: tuple[int, ...], k: np.ndarray) -> np.ndarray:
    """Uniform numbers in (0, 1): a row per stream, a column per step in k. Hashing several
    streams in one array gives each number exactly as hashing its stream alone does, for a
    fraction of numpy's per-call cost when k is a step or two (a tick's catch-up)."""
    with np.errstate(over="ignore"):
        h = _mix(_stream_keys(seed, streams) + k.astype(np.uint64) * _GOLDEN)
    return ((h >> np.uint64(11)).astype(np.float64) + 0.5) * (1.0 / 9007199254740992.0)


def _uniform(seed: int, stream: int, k: np.ndarray) -> np.ndarray:
    """Uniform numbers in (0, 1), one per step in k."""
    row: np.ndarray = _uniforms(seed, (stream,), k)[0]
    return row


def _box_muller(u1: np.ndarray, u2: np.ndarray) -> np.ndarray:
    return cast(np.ndarray, np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * math.pi * u2))


def _normal(seed: int, stream: int, k: np.ndarray) -> np.ndarray:
    u = _uniforms(seed, (stream, stream + 16), k)
    return _box_muller(u[0], u[1])


# The streams a batch of points draws on: three normals (two uniforms each), then duration.
_POINT_STREAMS = (
    *(s for base in (_STREAM_LOSS, _STREAM_ACC, _STREAM_VAL) for s in (base, base + 16)),
    _STREAM_DUR,
)


class Simulator:
    def __init__(self, config: JobConfig):
        self.config = config
        self.total = config.total_steps
        self.spe = config.steps_per_epoch
        self.seed = config.seed
        size = min(max(model_size_billions(config.model), 0.02), 200.0)
        size_gain = math.log2(size / 0.35)
        lr_ratio = min(max(config.learning_rate / OPTIMAL_LR, 0.01), 100.0)
        lr_off = math.log10(lr_ratio)
        # A per-seed nudge so two runs of one configuration are not the same curve.
        nudge = float(_uniform(self.seed, 9, np.array([0]))[0]) - 0.5

        self.loss_init = 2.5 + 0.12 * nudge - 0.05 * size_gain
        self.loss_final = max(0.05, 0.34 - 0.05 * size_gain + 0.12 * lr_off**2 + 0.03 * nudge)
        speed = math.sqrt(lr_ratio) * (1.0 + 0.08 * size_gain)
        self.rate = min(max(5.0 * speed, 0.3), 40.0)
        self.power = min(max(0.55 * speed, 0.12), 1.5)
        batch = min(max(math.sqrt(8.0 / config.batch_size), 0.3), 3.0)
        self.noise = 0.07 * batch * (1.0 + 0.6 * max(0.0, lr_off))
        self.warmup = max(1, round(WARMUP_FRACTION * self.total))
        self._noise_at_0 = 2.0 * float(_uniform(self.seed, _STREAM_DUR, np.zeros(1))[0]) - 1.0
        self.end_time = float(self.time_at(self.total))
        # The steps made ahead of a tick's asking, and the same as plain lists once asked for:
        # one attribute, replaced whole, as threads share a simulator (catchup_plans.py).
        self._ahead: tuple[Points, tuple[list[float], ...] | None] | None = None

    # --- time ---------------------------------------------------------------------------

    def time_at(self, k: np.ndarray | int) -> np.ndarray | float:
        """Seconds from the job's start until step k finished (0 for k = 0)."""
        arr = np.atleast_1d(np.asarray(k, dtype=np.int64))
        t = self._times(arr, _uniform(self.seed, _STREAM_DUR, arr))
        return t if np.ndim(k) else float(t[0])

    def _times(self, arr: np.ndarray, duration_uniform: np.ndarray) -> np.ndarray:
        s = self.config.step_seconds
        jitter = (2.0 * duration_uniform - 1.0) - self._noise_at_0
        pause = VALIDATION_PAUSE * self.spe * s
        t = s * arr + s * DURATION_JITTER * jitter + pause * (arr // self.spe)
        return np.where(arr <= 0, 0.0, t)

    def _steps_by_smooth_time(self, elapsed: float) -> int:
        """The last step whose jitter-free finish time, s*k + pause*(k // spe), is <= elapsed
        (within a step: the caller widens the window it searches)."""
        s = self.config.step_seconds
        epoch_s = self.spe * s * (1.0 + VALIDATION_PAUSE)
        epochs = math.floor(elapsed / epoch_s)
        within = elapsed - epochs * epoch_s
        return epochs * self.spe + min(math.floor(within / s), self.spe - 1)

    def steps_done_by(self, elapsed: float) -> int:
        """The number of steps finished `elapsed` seconds after the start (0..total)."""
        if elapsed <= 0:
            return 0
        if self.end_time <= elapsed:
            return self.total
        # time_at(k) is the jitter-free time of k within +-margin, so the answer (the last k
        # with time_at(k) <= elapsed) lies between these; a step more each side for rounding.
        margin = 2.0 * DURATION_JITTER * self.config.step_seconds
        lo = max(0, self._steps_by_smooth_time(elapsed - margin) - 1)
        hi = min(self.total, self._steps_by_smooth_time(elapsed + margin) + 2)
        times = cast(np.ndarray, self.time_at(np.arange(lo, hi + 1, dtype=np.int64)))
        # time_at increases strictly: the count of window steps done, after the lo - 1 before.
        done = int(np.searchsorted(times, elapsed, side="right"))
        if done == 0 or (done == len(times) and hi < self.total):
            return self._binary_search(elapsed)  # outside the window: never expected
        return lo + done - 1

    def _binary_search(self, elapsed: float) -> int:
        lo, hi = 0, self.total  # time_at(lo) <= elapsed < time_at(hi)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self.time_at(mid) <= elapsed:
                lo = mid
            else:
                hi = mid
        return lo

    # --- metrics -----------------------------------------------------------------------

    def learning_rate(self, k: np.ndarray) -> np.ndarray:
        lr = self.config.learning_rate
        kf = k.astype(np.float64)
        if self.config.schedule is Schedule.CONSTANT:
            return np.full(len(k), lr)
        w, span = self.warmup, max(self.total - self.warmup, 1)
        warm = lr * np.minimum(kf, w) / w
        cosine = lr * 0.5 * (1.0 + np.cos(math.pi * np.clip(kf - w, 0, span) / span))
        return np.where(kf <= w, warm, cosine)

    def progress(self, k: np.ndarray) -> np.ndarray:
        """Training done by step k, in [0, 1]: the integral of the schedule so far."""
        kf = k.astype(np.float64)
        if self.config.schedule is Schedule.CONSTANT:
            return kf / self.total
        w, span = float(self.warmup), float(max(self.total - self.warmup, 1))
        j = np.clip(kf - w, 0.0, span)
        warm = np.minimum(kf, w) ** 2 / (2.0 * w)
        cos_part = 0.5 * (j + span / math.pi * np.sin(math.pi * j / span))
        return (warm + cos_part) / (w / 2.0 + span / 2.0)

    def base_loss(self, k: np.ndarray) -> np.ndarray:
        """The noise-free curve."""
        u = self.progress(k)
        li, lf = self.loss_init, self.loss_final
        if self.config.curve is Curve.EXPONENTIAL:
            return lf + (li - lf) * np.exp(-self.rate * u)
        n0 = 200.0
        q = (1.0 + n0) ** -self.power
        floor = max((lf - li * q) / (1.0 - q), 0.02)
        return cast(np.ndarray, floor + (li - floor) * (1.0 + n0 * u) ** -self.power)

    def points(self, first: int, last: int, start_time: float = 0.0) -> Points:
        """Steps first..last (inclusive, 1-based), timestamped from `start_time`."""
        first = max(first, 1)
        last = min(last, self.total)
        if last < first:
            return Points.empty()
        if last - first >= READ_AHEAD:
            part, cut = self._generate(first, last), slice(None)
        else:
            # A tick asks for a step or two: numpy's cost per call, not per step, is most of
            # that, so the next READ_AHEAD steps are made at once and handed out in slices
            # (the same numbers: any range regenerates bit for bit).
            held = self._ahead
            ahead = held[0] if held is not None else None
            if ahead is None or not ahead.step[0] <= first <= last <= ahead.step[-1]:
                ahead = self._generate(first, min(self.total, first + READ_AHEAD))
                self._ahead = (ahead, None)
            part = ahead
            offset = int(part.step[0])
            cut = slice(first - offset, last - offset + 1)
        return Points(
            *(
                start_time + part.timestamp[cut]
                if name == "timestamp"
                else getattr(part, name)[cut]
                for name in COLUMNS
            )
        )

    def few_points(self, first: int, last: int, start_time: float) -> tuple[list[float], ...]:
        """points(first, last, start_time) as plain lists in COLUMNS order, for at most
        READ_AHEAD steps (a tick's step or two): slices of the read-ahead turned into lists
        once, where each column of a Points is a numpy call. The same numbers, bit for bit
        (the start added to each finish time as numpy adds it)."""
        first = max(first, 1)
        last = min(last, self.total, first + READ_AHEAD - 1)
        if last < first:
            return tuple([] for _ in COLUMNS)
        ahead, lists = self._ahead or (None, None)
        if ahead is None or not ahead.step[0] <= first <= last <= ahead.step[-1]:
            ahead = self._generate(first, min(self.total, first + READ_AHEAD))
            lists = None
        if lists is None:
            lists = tuple(getattr(ahead, n).tolist() for n in COLUMNS)
            self._ahead = (ahead, lists)
        a = first - int(lists[0][0])
        b = a + last - first + 1
        *columns, stamps = (column[a:b] for column in lists)
        return (*columns, [start_time + t for t in stamps])

    def _generate(self, first: int, last: int) -> Points:
        """Steps first..last (within 1..total), timestamped from the job's start."""
        k = np.arange(first, last + 1, dtype=np.int64)
        u = _uniforms(self.seed, _POINT_STREAMS, k)
        loss_normal, acc_normal, val_normal = _box_muller(u[0:6:2], u[1:6:2])
        frac = k / self.total
        base = self.base_loss(k)
        sigma = self.noise * (0.3 + 0.7 * (1.0 - frac))
        loss = base * np.exp(sigma * loss_normal - 0.5 * sigma**2)
        acc_noise = (0.004 + 0.012 * (1.0 - frac)) * acc_normal
        accuracy = np.clip(0.97 * np.exp(-0.6 * loss) + acc_noise, 0.0, 1.0)
        is_epoch_end = k % self.spe == 0
        val_noise = np.exp(0.015 * val_normal)
        val = base * (1.04 + 0.08 * frac) * val_noise
        return Points(
            step=k,
            epoch=(k - 1) // self.spe + 1,
            loss=loss,
            accuracy=accuracy,
            learning_rate=self.learning_rate(k),
            val_loss=np.where(is_epoch_end, val, np.nan),
            timestamp=self._times(k, u[6]),
        )

"""The training-curve simulator: deterministic, bounded, plausible, fast, with closed-form time."""

from __future__ import annotations

import itertools
import math
import time

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.points import concat
from vapor_tui.core.config import Curve, JobConfig, Schedule
from vapor_tui.core.points import COLUMNS, Points
from vapor_tui.core.simulator import WARMUP_FRACTION, Simulator


def make(
    *,
    model: str = "LFM2-350M",
    epochs: int = 4,
    spe: int = 500,
    lr: float = 2e-4,
    batch: int = 8,
    schedule: Schedule = Schedule.COSINE,
    curve: Curve = Curve.EXPONENTIAL,
    seed: int = 7,
    step_seconds: float = 0.5,
) -> Simulator:
    return Simulator(
        JobConfig("sim", model, epochs, spe, lr, batch, schedule, curve, seed, step_seconds)
    )


def run(sim: Simulator) -> Points:
    return sim.points(1, sim.total)


def assert_identical(a: Points, b: Points) -> None:
    for name in COLUMNS:
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype, name
        assert x.tobytes() == y.tobytes(), f"column {name} differs"


CURVES_AND_SCHEDULES = list(itertools.product(Curve, Schedule))


def cs_id(cs: tuple[Curve, Schedule]) -> str:
    return f"{cs[0]}-{cs[1]}"


# --- determinism --------------------------------------------------------------------------


def test_points_cover_the_requested_steps() -> None:
    sim = make(epochs=2, spe=50)
    p = run(sim)
    assert len(p) == 100
    assert p.step.tolist() == list(range(1, 101))
    assert p.epoch.tolist() == [1] * 50 + [2] * 50
    assert p.step.dtype == np.int64
    assert len(sim.points(0, 10)) == 10  # clipped to step 1
    assert len(sim.points(95, 500)) == 6  # clipped to the last step
    assert len(sim.points(60, 59)) == 0


SUB_SIM = make(epochs=3, spe=400, curve=Curve.POWER_LAW, seed=99)
SUB_FULL = SUB_SIM.points(1, SUB_SIM.total, start_time=1_700_000_000.0)


@given(first=st.integers(1, 1200), length=st.integers(1, 1200))
def test_any_sub_range_regenerates_bit_identically(first: int, length: int) -> None:
    last = min(first + length - 1, SUB_SIM.total)
    again = make(epochs=3, spe=400, curve=Curve.POWER_LAW, seed=99)  # a fresh simulator
    part = again.points(first, last, start_time=1_700_000_000.0)
    assert_identical(part, SUB_FULL.slice(first - 1, last))


def test_regeneration_is_identical_in_any_order_of_chunks() -> None:
    sim = make(epochs=2, spe=1000, seed=5)
    chunks = [sim.points(a, min(a + 136, sim.total), 10.0) for a in range(1, sim.total + 1, 137)]
    assert_identical(concat(chunks), sim.points(1, sim.total, 10.0))


@pytest.mark.parametrize("cs", CURVES_AND_SCHEDULES, ids=cs_id)
def test_different_seeds_give_different_curves(cs: tuple[Curve, Schedule]) -> None:
    a = run(make(curve=cs[0], schedule=cs[1], seed=1))
    b = run(make(curve=cs[0], schedule=cs[1], seed=2))
    for name in ("loss", "accuracy", "timestamp"):
        x, y = getattr(a, name), getattr(b, name)
        assert np.mean(x != y) > 0.99, name
    va, vb = a.validation()[1], b.validation()[1]
    assert np.all(va != vb)
    # ... but the same schedule: the learning rate does not depend on the seed.
    assert_identical(
        Points.from_columns({"learning_rate": a.learning_rate, **_rest(a)}),
        Points.from_columns({"learning_rate": b.learning_rate, **_rest(a)}),
    )


def _rest(p: Points) -> dict[str, np.ndarray]:
    return {n: getattr(p, n) for n in COLUMNS if n != "learning_rate"}


def test_large_seeds_work_and_differ() -> None:
    big = 2**63 - 1
    a, b = run(make(seed=big, spe=100)), run(make(seed=big - 1, spe=100))
    assert np.all(np.isfinite(a.loss))
    assert not np.array_equal(a.loss, b.loss)


# --- bounds and schedule ------------------------------------------------------------------


@given(
    model=st.sampled_from(["LFM2-350M", "LFM2-700M", "LFM2-1.2B", "tiny-20M", "huge-70B", "?"]),
    epochs=st.integers(1, 6),
    spe=st.integers(1, 400),
    lr=st.floats(1e-9, 10.0),
    batch=st.integers(1, 1_048_576),
    schedule=st.sampled_from(Schedule),
    curve=st.sampled_from(Curve),
    seed=st.integers(0, 2**63 - 1),
    step_seconds=st.floats(1e-6, 100.0),
)
def test_every_value_is_in_bounds(
    model: str,
    epochs: int,
    spe: int,
    lr: float,
    batch: int,
    schedule: Schedule,
    curve: Curve,
    seed: int,
    step_seconds: float,
) -> None:
    sim = make(
        model=model,
        epochs=epochs,
        spe=spe,
        lr=lr,
        batch=batch,
        schedule=schedule,
        curve=curve,
        seed=seed,
        step_seconds=step_seconds,
    )
    p = run(sim)
    assert len(p) == epochs * spe
    assert np.all(np.isfinite(p.loss)) and np.all(p.loss > 0)
    assert not np.any(np.isnan(p.accuracy))
    assert np.all((p.accuracy >= 0) & (p.accuracy <= 1))
    assert np.all(np.isfinite(p.learning_rate)) and np.all(p.learning_rate >= 0)
    assert np.all(p.learning_rate <= lr * (1 + 1e-12))
    assert np.all(np.isfinite(p.timestamp)) and np.all(np.diff(p.timestamp) > 0)
    steps, val = p.validation()
    assert np.all(steps % spe == 0) and len(steps) == epochs
    assert np.all(np.isfinite(val)) and np.all(val > 0)


@pytest.mark.parametrize("curve", list(Curve))
def test_constant_schedule_is_constant(curve: Curve) -> None:
    p = run(make(schedule=Schedule.CONSTANT, curve=curve, lr=3e-4))
    assert np.all(p.learning_rate == 3e-4)


@pytest.mark.parametrize("curve", list(Curve))
def test_cosine_schedule_warms_up_then_decays(curve: Curve) -> None:
    sim = make(schedule=Schedule.COSINE, curve=curve, lr=3e-4, epochs=4, spe=500)
    lr = run(sim).learning_rate
    warmup = round(WARMUP_FRACTION * sim.total)
    assert warmup == 100
    head, tail = lr[:warmup], lr[warmup - 1 :]
    assert np.all(np.diff(head) > 0), "warm-up rises"
    assert head[0] == pytest.approx(3e-4 / warmup)
    assert lr.max() == pytest.approx(3e-4) and int(np.argmax(lr)) == warmup - 1
    assert np.all(np.diff(tail) <= 0), "then it only falls"
    assert np.all(np.diff(tail)[:-1] < 0)
    assert lr[-1] < 1e-3 * lr.max(), "and ends near zero"
    # Half way through the decay it is at half the peak: a cosine, not a line or a step.
    middle = warmup + (sim.total - warmup) // 2
    assert lr[middle - 1] == pytest.approx(1.5e-4, rel=1e-2)


# --- shape of the curves -------------------------------------------------------------------


def window_means(x: np.ndarray, windows: int) -> np.ndarray:
    n = len(x) - len(x) % windows
    return x[:n].reshape(windows, -1).mean(axis=1)


@pytest.mark.parametrize("cs", CURVES_AND_SCHEDULES, ids=cs_id)
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_loss_trends_down_for_the_default_configuration(
    cs: tuple[Curve, Schedule], seed: int
) -> None:
    p = run(make(curve=cs[0], schedule=cs[1], seed=seed, epochs=3, spe=1000))
    means = window_means(p.loss, 5)
    assert np.all(np.diff(means) < 0), means
    assert means[0] > 2 * means[-1]


@pytest.mark.parametrize("cs", CURVES_AND_SCHEDULES, ids=cs_id)
def test_the_rolling_mean_of_a_default_run_falls_to_within_its_noise(
    cs: tuple[Curve, Schedule],
) -> None:
    """The default job (300 steps) in tenths, over many seeds: each tenth's mean is below the
    one before, or above it by less than the noise of a tail where the schedule has stopped
    learning (a cosine's last tenth moves the curve by a few parts in a thousand)."""
    worst = 0.0
    for seed in range(20):
        p = run(make(curve=cs[0], schedule=cs[1], seed=seed, epochs=3, spe=100))
        means = window_means(p.loss, 10)
        worst = max(worst, float(np.max(means[1:] / means[:-1])))
        assert means[0] > 2 * means[-1], means
        assert np.all(means[1:6] < means[:5]), means  # the first half falls, always
    assert worst < 1.02, worst


@pytest.mark.parametrize("cs", CURVES_AND_SCHEDULES, ids=cs_id)
@pytest.mark.parametrize("model", ["LFM2-350M", "LFM2-1.2B"])
@pytest.mark.parametrize("lr", [2e-5, 2e-4, 2e-3])
@pytest.mark.parametrize("batch", [1, 64])
def test_loss_never_trends_up(
    cs: tuple[Curve, Schedule], model: str, lr: float, batch: int
) -> None:
    # A fast learner plateaus early, so late windows may wobble by noise, never climb.
    for seed in (0, 1):
        p = run(make(curve=cs[0], schedule=cs[1], model=model, lr=lr, batch=batch, seed=seed))
        means = window_means(p.loss, 4)
        assert np.all(means[1:] < means[:-1] * 1.03), means
        assert means[0] > 1.1 * means[-1], means


@pytest.mark.parametrize("cs", CURVES_AND_SCHEDULES, ids=cs_id)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_noise_shrinks_over_the_run(cs: tuple[Curve, Schedule], seed: int) -> None:
    sim = make(curve=cs[0], schedule=cs[1], seed=seed)
    p = run(sim)
    residual = np.log(p.loss / sim.base_loss(p.step))
    fifth = len(residual) // 5
    early, late = residual[:fifth].std(), residual[-fifth:].std()
    assert early > 1.5 * late, (early, late)
    assert abs(residual.mean()) < 0.01, "noise is centred on the curve"


@pytest.mark.parametrize("cs", CURVES_AND_SCHEDULES, ids=cs_id)
def test_base_loss_falls_monotonically(cs: tuple[Curve, Schedule]) -> None:
    sim = make(curve=cs[0], schedule=cs[1])
    base = sim.base_loss(np.arange(0, sim.total + 1))
    assert np.all(np.diff(base) <= 0)
    assert base[0] > base[-1] > 0


def test_the_two_curves_have_different_shapes() -> None:
    exp_ = make(curve=Curve.EXPONENTIAL, schedule=Schedule.CONSTANT)
    pow_ = make(curve=Curve.POWER_LAW, schedule=Schedule.CONSTANT)
    k = np.arange(1, exp_.total + 1)
    a, b = exp_.base_loss(k), pow_.base_loss(k)
    assert np.max(np.abs(a - b) / a) > 0.2
    # The power law drops faster at first and then crawls; the exponential catches up.
    early = exp_.total // 50
    assert b[early] < a[early]


@pytest.mark.parametrize("cs", CURVES_AND_SCHEDULES, ids=cs_id)
def test_validation_loss_at_epoch_ends_a_little_above_train_base(
    cs: tuple[Curve, Schedule],
) -> None:
    sim = make(curve=cs[0], schedule=cs[1], epochs=20, spe=50)
    p = run(sim)
    has_val = ~np.isnan(p.val_loss)
    assert np.array_equal(has_val, p.step % 50 == 0)
    steps, val = p.validation()
    assert steps.tolist() == list(range(50, 1001, 50))
    ratio = val / sim.base_loss(steps)
    assert np.all((ratio > 0.95) & (ratio < 1.25)), ratio
    assert 1.02 < np.median(ratio) < 1.15


def final_loss(sim: Simulator) -> float:
    p = run(sim)
    return float(p.loss[-len(p) // 10 :].mean())


def test_model_size_visibly_changes_the_curve() -> None:
    small, large = make(model="LFM2-350M"), make(model="LFM2-1.2B")
    assert small.loss_final > large.loss_final
    assert final_loss(large) < 0.85 * final_loss(small)
    # Same seed, same schedule: only the size differs, yet every part of the curve moves.
    a, b = run(small).loss, run(large).loss
    assert np.mean(np.abs(a - b) / a) > 0.1


@pytest.mark.parametrize("off_lr", [2e-6, 2e-2])
def test_learning_rate_far_from_optimal_converges_worse(off_lr: float) -> None:
    good, bad = make(lr=2e-4), make(lr=off_lr)
    assert final_loss(bad) > 1.5 * final_loss(good)


def test_larger_batches_give_less_noisy_curves() -> None:
    def noise(batch: int) -> float:
        sim = make(batch=batch)
        p = run(sim)
        return float(np.log(p.loss / sim.base_loss(p.step)).std())

    assert noise(1) > noise(8) > noise(64)


# --- time ----------------------------------------------------------------------------------


TIME_SIM = make(epochs=5, spe=300, step_seconds=0.25, seed=3)
TIME_AT = TIME_SIM.time_at(np.arange(0, TIME_SIM.total + 1))


def test_time_at_is_zero_at_the_start_and_strictly_increasing() -> None:
    assert TIME_SIM.time_at(0) == 0.0
    assert isinstance(TIME_SIM.time_at(5), float)
    durations = np.diff(TIME_AT)
    assert np.all(durations > 0)
    s = 0.25
    normal = np.delete(durations, np.arange(299, len(durations), 300))
    assert normal.min() >= 0.4 * s - 1e-12 and normal.max() <= 1.6 * s + 1e-12
    assert abs(normal.mean() - s) < 0.02 * s
    # Each epoch end pays for the validation pass on top.
    assert np.all(durations[299::300] >= 0.4 * s + 0.05 * 300 * s - 1e-9)


def test_time_at_array_matches_scalars() -> None:
    for k in (1, 2, 299, 300, 301, 1500):
        assert TIME_SIM.time_at(k) == TIME_AT[k]


def test_points_are_timestamped_from_the_start_time() -> None:
    p = TIME_SIM.points(1, TIME_SIM.total, start_time=1000.0)
    assert np.array_equal(p.timestamp, 1000.0 + TIME_AT[1:])


@given(k=st.integers(0, TIME_SIM.total))
def test_steps_done_by_inverts_time_at(k: int) -> None:
    assert TIME_SIM.steps_done_by(TIME_SIM.time_at(k)) == k
    if k > 0:
        just_before = (TIME_AT[k - 1] + TIME_AT[k]) / 2
        assert TIME_SIM.steps_done_by(just_before) == k - 1
        assert TIME_SIM.steps_done_by(math.nextafter(TIME_AT[k], 0)) == k - 1


def test_steps_done_by_at_the_edges() -> None:
    assert TIME_SIM.steps_done_by(-5.0) == 0
    assert TIME_SIM.steps_done_by(0.0) == 0
    assert TIME_SIM.steps_done_by(TIME_AT[-1]) == TIME_SIM.total
    assert TIME_SIM.steps_done_by(1e12) == TIME_SIM.total


@given(
    seed=st.integers(0, 2**40),
    step_seconds=st.floats(1e-5, 1000.0),
    spe=st.integers(1, 50),
    epochs=st.integers(1, 5),
    data=st.data(),
)
def test_steps_done_by_inverts_time_at_for_any_configuration(
    seed: int, step_seconds: float, spe: int, epochs: int, data: st.DataObject
) -> None:
    sim = make(seed=seed, step_seconds=step_seconds, spe=spe, epochs=epochs)
    k = data.draw(st.integers(0, sim.total))
    assert sim.steps_done_by(sim.time_at(k)) == k
    assert np.all(np.diff(sim.time_at(np.arange(0, sim.total + 1))) > 0)


@given(
    seed=st.integers(0, 2**40),
    step_seconds=st.floats(1e-6, 86_400.0),
    spe=st.integers(1, 100_000),
    epochs=st.integers(1, 1_000),
    fraction=st.floats(0.0, 1.1),
)
def test_steps_done_by_finds_its_answer_in_the_window_it_evaluates(
    seed: int, step_seconds: float, spe: int, epochs: int, fraction: float
) -> None:
    """The answer is the last step whose finish time is <= elapsed, found from the jitter-free
    time's window without the binary search (which is there only if the window were wrong)."""
    sim = make(seed=seed, step_seconds=step_seconds, spe=spe, epochs=epochs)
    elapsed = fraction * sim.end_time
    calls = []
    sim._binary_search = lambda e: calls.append(e) or 0  # type: ignore[method-assign]
    done = sim.steps_done_by(elapsed)
    assert not calls, "the window missed the answer"
    assert 0 <= done <= sim.total
    if done > 0:
        assert sim.time_at(done) <= elapsed
    if done < sim.total:
        assert sim.time_at(done + 1) > elapsed


def test_steps_done_by_costs_one_evaluation_whatever_the_length() -> None:
    """A tick asks every running job how far it is: one vectorised time_at of a few steps,
    not one per halving of a million steps (each a numpy hash of one step)."""
    for total_epochs, spe in ((3, 100), (10, 100_000), (100, 1_000_000)):
        sim = make(epochs=total_epochs, spe=spe, step_seconds=0.5)
        original, calls = sim.time_at, []

        def counting(k, original=original, calls=calls):
            calls.append(np.size(k))
            return original(k)

        sim.time_at = counting  # type: ignore[method-assign]
        k = sim.total // 3
        assert sim.steps_done_by(original(k) + 1e-9) == k
        assert len(calls) == 1 and calls[0] <= 8, calls


# --- scale ---------------------------------------------------------------------------------


def test_a_million_steps_in_under_a_second() -> None:
    sim = make(epochs=10, spe=100_000)
    best = math.inf
    for _ in range(3):
        # CPU time, not wall time: other tests sharing the two cores do not count against it.
        t0 = time.process_time()
        p = sim.points(1, 1_000_000)
        best = min(best, time.process_time() - t0)
    assert len(p) == 1_000_000
    assert best < 1.0, f"1,000,000 steps took {best:.2f} s of CPU"


def test_ten_million_tiny_steps_are_accepted() -> None:
    cfg = JobConfig("big", epochs=10, steps_per_epoch=1_000_000, step_seconds=0.00001, seed=1)
    assert cfg.total_steps == 10_000_000
    assert cfg.step_seconds == 0.00001
    sim = Simulator(cfg)
    end = sim.time_at(sim.total)
    assert 90.0 < end < 120.0  # 100 s of steps plus the validation pauses
    assert sim.steps_done_by(end) == sim.total
    assert sim.steps_done_by(end / 2) == pytest.approx(sim.total / 2, rel=0.02)
    for k in (1, 4_999_999, 10_000_000):
        assert sim.steps_done_by(sim.time_at(k)) == k
    tail = sim.points(sim.total - 999, sim.total)
    assert len(tail) == 1000 and tail.step[-1] == 10_000_000
    assert np.all(np.diff(tail.timestamp) > 0)


def test_curves_do_not_drift_between_versions() -> None:
    # Pinned values: saved seeds, catch-up across versions and screen snapshots rely on them.
    sim = Simulator(JobConfig("g", seed=42))
    p = sim.points(1, 300)
    # Re-pinned once, deliberately, when seeds and streams were first mixed separately.
    assert p.loss[0] == 2.3462523341408903
    assert p.loss[299] == 0.35693391170377925
    assert p.accuracy[150] == 0.7919609355089234
    assert p.val_loss[99] == 0.4793730301530672
    assert sim.time_at(300) == 157.67029289501323


def test_no_two_seeds_share_a_stream() -> None:
    from vapor_tui.core.simulator import _uniform

    k = np.arange(1, 65)
    streams = (1, 3, 4, 5, 9, 17, 19, 20, 21)
    seen = {}
    for seed in range(0, 40):
        for stream in streams:
            key = _uniform(seed, stream, k)[:4].tobytes()
            assert key not in seen, (seed, stream, seen.get(key))
            seen[key] = (seed, stream)

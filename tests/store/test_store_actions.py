"""User actions on jobs in a real database: the transition table, compare-and-set, clone."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from vapor_tui.core.clock import FakeClock
from vapor_tui.core.job import Job
from vapor_tui.core.status import (
    TRANSITIONS,
    USER_ACTIONS,
    Action,
    JobStatus,
    TransitionError,
    next_status,
)
from vapor_tui.store.catchup import catch_up
from vapor_tui.store.engine import Store, open_store
from vapor_tui.store.jobs import (
    JobNotFound,
    apply_action,
    clone_job,
    create_job,
    get_job,
    jobs_version,
    list_jobs,
)

Q, R, SG = JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.STOPPING
C, F, S = JobStatus.COMPLETE, JobStatus.FAILED, JobStatus.STOPPED
START, STOP, FAIL = Action.START, Action.STOP, Action.FAIL

# The README's diagram, written out independently of vapor_tui.core.status.
EXPECTED: dict[tuple[JobStatus, Action], JobStatus | None] = {
    (Q, START): R,
    (Q, STOP): S,
    (Q, FAIL): F,
    (R, START): None,
    (R, STOP): SG,
    (R, FAIL): F,
    (SG, START): None,
    (SG, STOP): S,
    (SG, FAIL): F,
    **{(final, a): None for final in (C, F, S) for a in (START, STOP, FAIL)},
}
PAIRS = list(EXPECTED)
ALLOWED = [p for p in PAIRS if EXPECTED[p] is not None]
REFUSED = [p for p in PAIRS if EXPECTED[p] is None]
EDGES = {(s, t) for (s, _a), t in TRANSITIONS.items()}


def pair_id(pair: tuple[JobStatus, Action]) -> str:
    return f"{pair[0]}-{pair[1]}"


@pytest.fixture
def padded(store: Store, helpers: SimpleNamespace) -> None:
    """A few unrelated jobs first, so that the job under test does not have id 1."""
    for i in range(3):
        create_job(store, helpers.small_config(f"other-{i}"))


@pytest.mark.parametrize("pair", ALLOWED, ids=pair_id)
def test_allowed_action_in_the_database(
    pair: tuple[JobStatus, Action],
    store: Store,
    drive: Callable[..., Job],
    helpers: SimpleNamespace,
    padded: None,
) -> None:
    status, action = pair
    job = drive(status)
    others = {j.id: helpers.job_row(store, j.id) for j in list_jobs(store) if j.id != job.id}
    after = apply_action(store, job.id, action)
    assert after.status is EXPECTED[pair]
    assert get_job(store, job.id).status is EXPECTED[pair]
    assert after.version > job.version
    assert after.steps_done == job.steps_done  # no time passed: no new points
    if after.status.is_final:
        assert after.finished_at == store.clock.now()
        assert after.reason
    if action is START:
        assert after.started_at == store.clock.now()
    if after.status is SG:
        assert after.stop_at_step == job.config.steps_per_epoch
    # Nothing else in the database moved.
    for other_id, before in others.items():
        assert helpers.job_row(store, other_id) == before


@pytest.mark.parametrize("pair", REFUSED, ids=pair_id)
def test_refused_action_changes_nothing(
    pair: tuple[JobStatus, Action],
    store: Store,
    drive: Callable[..., Job],
    helpers: SimpleNamespace,
    padded: None,
) -> None:
    status, action = pair
    job = drive(status)
    assert job.id > 3
    before = helpers.job_row(store, job.id)
    count_before = jobs_version(store)
    with pytest.raises(TransitionError) as info:
        apply_action(store, job.id, action)
    err = info.value
    text = str(err)
    assert f"job #{job.id} " in text
    assert job.name in text
    assert status.value in text
    assert action.value in text
    assert (err.job_id, err.status, err.action) == (job.id, status, action)
    assert helpers.job_row(store, job.id) == before
    assert jobs_version(store) == count_before


def test_the_clock_action_is_not_a_user_action(
    store: Store, drive: Callable[..., Job], helpers: SimpleNamespace
) -> None:
    job = drive(R)
    before = helpers.job_row(store, job.id)
    with pytest.raises(TransitionError):
        apply_action(store, job.id, Action.COMPLETE)
    assert helpers.job_row(store, job.id) == before


def test_unknown_job(store: Store) -> None:
    with pytest.raises(JobNotFound, match="no job with id 99"):
        apply_action(store, 99, START)
    with pytest.raises(JobNotFound):
        get_job(store, 99)
    with pytest.raises(JobNotFound):
        clone_job(store, 99)


def test_create_with_start(store: Store, helpers: SimpleNamespace) -> None:
    job = create_job(store, helpers.small_config("now"), start=True)
    assert job.status is R
    assert job.started_at == store.clock.now()
    assert job.created_at == store.clock.now()


def test_list_jobs_newest_first(store: Store, helpers: SimpleNamespace) -> None:
    ids = [create_job(store, helpers.small_config(f"j{i}")).id for i in range(4)]
    assert [j.id for j in list_jobs(store)] == ids[::-1]


@pytest.mark.parametrize("status", list(JobStatus))
def test_clone_makes_a_new_queued_job_with_the_same_configuration_and_a_new_seed(
    status: JobStatus, store: Store, drive: Callable[..., Job], helpers: SimpleNamespace
) -> None:
    job = drive(
        status, helpers.small_config("original", seed=1234, learning_rate=3e-4, batch_size=4)
    )
    original_before = helpers.job_row(store, job.id)
    clone = clone_job(store, job.id)
    assert clone.id != job.id
    assert clone.status is Q
    # A new seed: a run again is a new sample, not the same curve point for point.
    assert clone.config.seed != 1234
    assert replace(clone.config, seed=1234) == job.config
    assert (clone.steps_done, clone.started_at, clone.finished_at) == (0, None, None)
    assert helpers.point_stats(store, clone.id)[0] == 0
    assert helpers.job_row(store, job.id) == original_before
    # Asked for, the same seed: the clone runs exactly as the original did.
    twin = clone_job(store, job.id, same_seed=True)
    assert twin.config == job.config
    assert apply_action(store, twin.id, START).status is R


def test_ids_are_never_reused(store: Store, helpers: SimpleNamespace) -> None:
    from vapor_tui.store.jobs import delete_job

    a = create_job(store, helpers.small_config("a"))
    delete_job(store, a.id)
    b = create_job(store, helpers.small_config("b"))
    assert b.id > a.id


# --- two threads racing ----------------------------------------------------------------


def race(store: Store, job_id: int, action: Action) -> list[Job | TransitionError]:
    barrier = threading.Barrier(2)
    results: list[Job | TransitionError] = []
    lock = threading.Lock()

    def go() -> None:
        barrier.wait()
        try:
            outcome: Job | TransitionError = apply_action(store, job_id, action)
        except TransitionError as exc:
            outcome = exc
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=go) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return results


@pytest.mark.parametrize("round_", range(5))
def test_two_threads_starting_one_job_exactly_one_wins(
    round_: int, store: Store, helpers: SimpleNamespace
) -> None:
    job = create_job(store, helpers.small_config(f"race-{round_}"))
    results = race(store, job.id, START)
    wins = [r for r in results if isinstance(r, Job)]
    losses = [r for r in results if isinstance(r, TransitionError)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert wins[0].status is R
    assert losses[0].job_id == job.id
    assert f"job #{job.id}" in str(losses[0])
    final = get_job(store, job.id)
    assert final.status is R
    assert final.version == job.version + 1  # exactly one update landed


def test_two_threads_stopping_one_running_job(
    store: Store, drive: Callable[..., Job], helpers: SimpleNamespace
) -> None:
    job = drive(R)
    results = race(store, job.id, STOP)
    # Either the second stop lost the compare-and-set (the job stays stopping), or it came
    # after the first had landed and was a legal "stop now" (the job is stopped).
    wins = [r for r in results if isinstance(r, Job)]
    losses = [r for r in results if isinstance(r, TransitionError)]
    assert len(wins) + len(losses) == 2 and wins
    final = get_job(store, job.id)
    assert final.version == job.version + len(wins)
    assert final.status is (SG if losses else S)
    assert final.steps_done == job.steps_done


# --- a property: no path outside the table ----------------------------------------------

STEP = st.one_of(
    st.sampled_from(USER_ACTIONS),
    st.floats(0.0, 8.0, allow_nan=False),  # a clock advance, in seconds
)


@settings(max_examples=40)
@given(
    start_first=st.booleans(),
    steps=st.lists(STEP, max_size=14),
    spe=st.integers(1, 6),
    epochs=st.integers(1, 3),
    step_seconds=st.sampled_from([0.3, 1.0, 2.5]),
)
def test_random_actions_and_time_never_leave_the_table(
    tmp_path_factory: pytest.TempPathFactory,
    helpers: SimpleNamespace,
    start_first: bool,
    steps: list,
    spe: int,
    epochs: int,
    step_seconds: float,
) -> None:
    if start_first:  # most interesting paths begin with a start
        steps = [START, *steps]
    clock = FakeClock()
    store = open_store(tmp_path_factory.mktemp("prop") / "p.db", clock=clock)
    try:
        config = helpers.small_config(
            "prop", epochs=epochs, steps_per_epoch=spe, step_seconds=step_seconds
        )
        job = create_job(store, config)
        status = job.status

        def observe(prev: JobStatus, how: str) -> JobStatus:
            now = get_job(store, job.id)
            if now.status is not prev:
                assert (prev, now.status) in EDGES, f"{prev} -> {now.status} by {how}"
                assert prev not in (C, F, S), f"final {prev} changed by {how}"
                event(f"{prev} -> {now.status} by the clock")
            return now.status

        for step in steps:
            before = helpers.job_row(store, job.id)
            if isinstance(step, float):
                clock.advance(step)
                catch_up(store, job_ids=[job.id])
                new = observe(status, f"advancing {step}s")
                if status is R and new is not R:
                    assert new is C and get_job(store, job.id).steps_done == config.total_steps
                if status is SG and new is S:
                    j = get_job(store, job.id)
                    assert j.steps_done == j.stop_at_step and j.steps_done % spe == 0
                status = new
            else:
                # Bring the job to now first, so the action meets the status seen here.
                catch_up(store, job_ids=[job.id])
                status = observe(status, "catch-up")
                before = helpers.job_row(store, job.id)
                expected = next_status(status, step)
                try:
                    result = apply_action(store, job.id, step)
                except TransitionError:
                    event(f"{step} refused from {status}")
                    assert expected is None, f"{step} refused from {status}"
                    assert helpers.job_row(store, job.id) == before
                    continue
                assert expected is not None, f"{step} allowed from {status}"
                if result.status is not expected:
                    # A stop that lands on an epoch's end settles at once: two steps.
                    assert (expected, result.status) == (SG, S), (status, step, result.status)
                    assert (SG, S) in EDGES
                assert (status, expected) in EDGES
                event(f"{status} -> {result.status} by {step}")
                status = result.status
            if status.is_final and before["row"]["status"] == status.value:
                assert helpers.job_row(store, job.id) == before, "a final job changed"
        final = get_job(store, job.id)
        count, lo, hi, distinct = helpers.point_stats(store, job.id)
        assert count == distinct == final.steps_done
        if count:
            assert (lo, hi) == (1, final.steps_done)
        # Time alone never revives or changes a final job.
        if final.status.is_final:
            frozen = helpers.job_row(store, job.id)
            clock.advance(10_000)
            catch_up(store)
            assert helpers.job_row(store, job.id) == frozen
    finally:
        store.close()


def test_store_fixture_uses_the_fake_clock(
    store: Store, fake_clock: FakeClock, db_path: Path, backend: str, helpers: SimpleNamespace
) -> None:
    assert store.clock is fake_clock
    assert store.is_sqlite == (backend == "sqlite")
    if store.is_sqlite:
        assert Path(store.target) == db_path
    fake_clock.advance(3600)
    job = create_job(store, helpers.small_config("t"))
    assert job.created_at == fake_clock.now()

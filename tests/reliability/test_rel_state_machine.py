"""Hypothesis drives the store through random sequences of create, start, stop, fail, clone,
delete and time passing (with catch-up), and after every step checks that statuses only ever
moved along the transition table, final stays final, and the points are exactly what the
statuses say. Plus properties of the validators behind the form and `new`."""

from __future__ import annotations

import collections
import itertools
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from vapor_tui.cli import UserError, parse_job_id
from vapor_tui.core.clock import FakeClock
from vapor_tui.core.config import JobConfig
from vapor_tui.core.status import (
    TRANSITIONS,
    USER_ACTIONS,
    Action,
    JobStatus,
    TransitionError,
    conflicts,
)
from vapor_tui.store.catchup import catch_up
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import JobNotFound, apply_action, clone_job, create_job, delete_job
from vapor_tui.ui.screens.new_job import ORDER, build_config

from .rel_checks import check_database, expected_steps, read_jobs
from .rel_garbage import GARBAGE, TEXT_FIELDS, acceptable

# Quoted in docs/RELIABILITY.md.
MACHINE_EXAMPLES = 100
MACHINE_STEPS = 30
FORM_EXAMPLES = 400


def _reachable() -> dict[JobStatus, set[JobStatus]]:
    """Every status each one can lead to by any sequence of moves in the table."""
    edges = {(a, b) for (a, _), b in TRANSITIONS.items()}
    edges.add((JobStatus.STOPPING, JobStatus.STOPPED))  # the clock ends a stop at its epoch
    reach = {s: {b for a, b in edges if a is s} for s in JobStatus}
    for _ in JobStatus:
        for s in JobStatus:
            reach[s] |= set().union(*(reach[t] for t in reach[s]))
    return reach


REACHABLE = _reachable()
_counter = itertools.count()
# The moves the machine made, to show it made them all (user actions, and the clock's ends).
MOVES: collections.Counter = collections.Counter()


class StoreMachine(RuleBasedStateMachine):
    jobs = Bundle("jobs")

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.clock = FakeClock(datetime(2026, 5, 1, tzinfo=UTC))
        self.path = root / f"machine-{next(_counter)}.db"
        self.store = open_store(self.path, clock=self.clock)
        self.seen: dict[int, tuple[JobStatus, int]] = {}
        self.final_rows: dict[int, tuple] = {}

    @rule(
        target=jobs,
        epochs=st.integers(1, 3),
        steps=st.integers(1, 12),
        step_s=st.sampled_from([0.5, 1.0, 4.0]),
        start=st.booleans(),
    )
    def create(self, epochs, steps, step_s, start):
        config = JobConfig("m", epochs=epochs, steps_per_epoch=steps, step_seconds=step_s, seed=7)
        return create_job(self.store, config, start=start).id

    @rule(
        job_id=jobs,
        action=st.sampled_from(USER_ACTIONS),
        as_seen=st.sampled_from([True, True, True, False]),
    )
    def act(self, job_id, action, as_seen):
        self._act(job_id, action, as_seen)

    @rule(
        job_id=jobs,
        then=st.sampled_from(["fail", "stop", "wait"]),
        as_seen=st.booleans(),
        seconds=st.floats(0, 20),
    )
    def stop_then(self, job_id, then, as_seen, seconds):
        """A stopping job lasts until its epoch ends: act on it before then, or let it end."""
        self._act(job_id, Action.STOP, True)
        if then == "wait":
            self.time_passes(seconds)
        else:
            self._act(job_id, Action(then), as_seen)

    def _act(self, job_id, action, as_seen):
        catch_up(self.store)  # what the user sees is the job as it is now
        before = read_jobs(self.path).get(job_id)
        # With `as_seen`, the status the user saw; without, a status it might have had.
        seen = before.status if before and as_seen else JobStatus.RUNNING
        try:
            after = apply_action(self.store, job_id, action, expected=seen)
        except JobNotFound:
            assert before is None
            return
        except TransitionError:
            assert before is not None
            allowed = TRANSITIONS.get((before.status, action)) and not conflicts(
                seen, before.status, action
            )
            assert not allowed, f"{action} refused on a {before.status} job"
            assert read_jobs(self.path)[job_id] == before, "a refused action changed the job"
            return
        # Accepted only where the status seen is the job's, or the action does from the job's
        # what it would have done from the one seen (a fail on a job stopped meanwhile).
        assert before is not None and not conflicts(seen, before.status, action)
        MOVES[(before.status, action)] += 1
        step = TRANSITIONS[(before.status, action)]
        # A graceful stop right at an epoch end settles at once.
        assert after.status is step or (step, after.status) == (
            JobStatus.STOPPING,
            JobStatus.STOPPED,
        )

    @rule(job_id=jobs)
    def clone(self, job_id):
        try:
            clone_job(self.store, job_id)
        except JobNotFound:
            assert job_id not in read_jobs(self.path)

    @rule(job_id=jobs)
    def delete(self, job_id):
        try:
            delete_job(self.store, job_id)
        except JobNotFound:
            assert job_id not in read_jobs(self.path)
        self.seen.pop(job_id, None)
        self.final_rows.pop(job_id, None)

    @rule(seconds=st.floats(0, 20))
    def time_passes(self, seconds):
        before = read_jobs(self.path)
        self.clock.advance(seconds)
        now = self.clock.now().timestamp()
        catch_up(self.store)
        after = read_jobs(self.path)
        for job_id, job in before.items():
            if job.status.is_active:
                assert after[job_id].steps_done == expected_steps(job, now)
                if after[job_id].status is not job.status:
                    MOVES[(job.status, after[job_id].status)] += 1

    @invariant()
    def statuses_move_along_the_table(self):
        jobs = check_database(self.path, "machine", integrity=False)
        for job_id, job in jobs.items():
            old = self.seen.get(job_id)
            if old is not None:
                status, steps = old
                assert job.status is status or job.status in REACHABLE[status], (status, job)
                assert job.steps_done >= steps, "points went away"
            self.seen[job_id] = (job.status, job.steps_done)
            if job.status.is_final:
                row = (job.status, job.steps_done, job.version)
                assert self.final_rows.setdefault(job_id, row) == row, "a final job changed"

    def teardown(self):
        self.store.close()
        check_database(self.path, "machine, at the end")


def test_random_sequences_of_actions_and_time(tmp_path):
    MOVES.clear()
    run_state_machine_as_test(
        lambda: StoreMachine(tmp_path),
        settings=settings(
            max_examples=MACHINE_EXAMPLES, stateful_step_count=MACHINE_STEPS, deadline=None
        ),
    )
    # Not vacuous: users' actions and the clock moved jobs. (Every move of the table, each
    # time, is the next test's job: which ones a random run reaches varies.)
    assert sum(MOVES.values()) >= MACHINE_EXAMPLES and len(MOVES) >= 5, MOVES


def test_every_move_of_the_table_under_the_same_checks(tmp_path):
    """Each transition made on purpose, by the machine's own rules and invariant."""
    MOVES.clear()
    machine = StoreMachine(tmp_path)
    try:
        for status, action in TRANSITIONS:
            if action is Action.COMPLETE:
                continue
            job_id = machine.create(
                epochs=2, steps=10, step_s=1.0, start=status is not JobStatus.QUEUED
            )
            machine.time_passes(3.5)  # three steps into the first epoch
            if status is JobStatus.STOPPING:
                machine.act(job_id, Action.STOP, True)
            machine.statuses_move_along_the_table()
            machine.act(job_id, action, True)
            machine.statuses_move_along_the_table()
        for end_by_clock in (True, False):  # a stop that ends at its epoch, a job that completes
            job_id = machine.create(epochs=2, steps=10, step_s=1.0, start=True)
            if end_by_clock:
                machine.act(job_id, Action.STOP, True)
            machine.time_passes(40.0)
            machine.statuses_move_along_the_table()
    finally:
        machine.teardown()
    user_moves = {(status, a) for (status, a) in TRANSITIONS if a is not Action.COMPLETE}
    assert user_moves <= set(MOVES), f"never made: {user_moves - set(MOVES)}"
    for end in (JobStatus.COMPLETE, JobStatus.STOPPED):
        assert any(key[1] is end for key in MOVES), f"the clock never ended a job {end}"


DEFAULTS = {f: "" for f in ORDER} | {
    "name": "x",
    "model": "LFM2-350M",
    "epochs": "3",
    "steps_per_epoch": "100",
    "learning_rate": "2e-4",
    "batch_size": "8",
    "schedule": "cosine",
    "curve": "exponential",
    "seed": "1",
    "step_seconds": "0.5",
}
field_text = st.one_of(
    st.sampled_from(list(GARBAGE.values())),
    st.text(max_size=12),
    st.integers(-(10**25), 10**25).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.from_regex(r"\s*[+-]?[0-9_]{0,25}(\.[0-9]*)?([eE][+-]?[0-9]{1,4})?\s*", fullmatch=True),
)


@settings(max_examples=FORM_EXAMPLES, deadline=None)
@given(texts=st.fixed_dictionaries({}, optional={f: field_text for f in TEXT_FIELDS}))
def test_the_form_refuses_exactly_the_wrong_fields(texts):
    """Any mix of fields: the form names exactly the fields that are wrong (as an oracle
    written apart from the validators judges them), one short line each, and builds the job
    when there are none."""
    values = DEFAULTS | texts
    config, errors = build_config(values)
    wrong = {f for f, text in texts.items() if not acceptable(f, text)}
    # epochs x steps per epoch can be too large together although each is fine alone.
    together = not wrong and config is None and set(errors) == {"steps_per_epoch"}
    assert set(errors) == wrong or together, (texts, errors)
    for message in errors.values():
        # One short line: long input is cut, control characters shown escaped.
        assert message and len(message) < 200
        assert not any(ord(c) < 32 or ord(c) == 127 for c in message), message
    assert (config is None) == bool(errors)


@given(text=st.one_of(st.text(max_size=30), st.sampled_from(list(GARBAGE.values()))))
def test_a_job_id_is_a_number_or_a_clear_refusal(text):
    try:
        number = parse_job_id(text)
    except UserError as exc:
        assert "job id must be a positive whole number" in exc.format_message()
    else:
        assert number >= 0 and str(number) == str(int(text.strip()))


def test_the_garbage_is_mostly_garbage():
    """The oracle is not vacuous: most of the garbage is refused in every text field."""
    for field in TEXT_FIELDS:
        refused = [k for k, v in GARBAGE.items() if not acceptable(field, v)]
        assert len(refused) >= 5, field
    assert {Action.START, Action.STOP, Action.FAIL} == set(USER_ACTIONS)

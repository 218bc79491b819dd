"""Statuses and transitions, checked against a table written out independently of the code."""

from __future__ import annotations

import pytest

from vapor_tui.core.status import (
    FINAL_STATUSES,
    TRANSITIONS,
    USER_ACTIONS,
    Action,
    JobStatus,
    TransitionError,
    conflicts,
    explain_refusal,
    next_status,
    reason_for,
)

Q, R, SG = JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.STOPPING
C, F, S = JobStatus.COMPLETE, JobStatus.FAILED, JobStatus.STOPPED
START, STOP, FAIL = Action.START, Action.STOP, Action.FAIL

# What the README's state diagram says, for every (status, user action) pair.
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
ALL_PAIRS = sorted(EXPECTED, key=lambda p: (list(JobStatus).index(p[0]), p[1].value))
ALLOWED = [p for p in ALL_PAIRS if EXPECTED[p] is not None]
REFUSED = [p for p in ALL_PAIRS if EXPECTED[p] is None]


def pair_id(pair: tuple[JobStatus, Action]) -> str:
    return f"{pair[0]}-{pair[1]}"


def test_the_table_covers_every_status_and_user_action() -> None:
    assert set(JobStatus) == {Q, R, SG, C, F, S}
    assert set(USER_ACTIONS) == {START, STOP, FAIL}
    assert len(EXPECTED) == 18
    assert {C, F, S} == FINAL_STATUSES


@pytest.mark.parametrize("pair", ALLOWED, ids=pair_id)
def test_allowed_pair_leads_to_the_right_status(pair: tuple[JobStatus, Action]) -> None:
    status, action = pair
    assert next_status(status, action) is EXPECTED[pair]
    # Plain strings work too (the CLI and the database hand over text).
    assert next_status(status.value, action.value) is EXPECTED[pair]


@pytest.mark.parametrize("pair", REFUSED, ids=pair_id)
def test_refused_pair_has_no_next_status(pair: tuple[JobStatus, Action]) -> None:
    status, action = pair
    assert next_status(status, action) is None


def test_user_transitions_in_the_table_are_exactly_the_expected_ones() -> None:
    user = {k: v for k, v in TRANSITIONS.items() if k[1] in USER_ACTIONS}
    assert user == {k: v for k, v in EXPECTED.items() if v is not None}


def test_only_the_clock_completes_and_only_active_jobs() -> None:
    completing = {s for (s, a) in TRANSITIONS if a is Action.COMPLETE}
    assert completing == {R, SG}
    assert all(TRANSITIONS[(s, Action.COMPLETE)] is C for s in completing)
    assert Action.COMPLETE not in USER_ACTIONS


@pytest.mark.parametrize("status", sorted(FINAL_STATUSES))
def test_final_statuses_have_no_way_out(status: JobStatus) -> None:
    assert status.is_final
    assert not status.is_active
    assert all(next_status(status, a) is None for a in USER_ACTIONS)
    assert all(s is not status for (s, _a) in TRANSITIONS)


def test_active_statuses() -> None:
    assert {s for s in JobStatus if s.is_active} == {R, SG}
    assert {s for s in JobStatus if s.is_final} == {C, F, S}


@pytest.mark.parametrize("pair", REFUSED, ids=pair_id)
def test_transition_error_names_id_name_status_and_action(pair: tuple[JobStatus, Action]) -> None:
    status, action = pair
    err = TransitionError(4711, "my-finetune", status, action)
    text = str(err)
    assert "job #4711 my-finetune: " in text
    assert "my-finetune" in text
    assert f"it is {status.value}" in text
    assert f"cannot {action.value}" in text
    assert err.why == explain_refusal(status, action)
    assert err.why in text
    assert "\n" not in text
    assert (err.job_id, err.name, err.status, err.action) == (4711, "my-finetune", status, action)


def test_refusal_explanations() -> None:
    assert "clone" in explain_refusal(C, START)
    assert "final" in explain_refusal(F, STOP)
    assert explain_refusal(R, START) == " (only a queued job can be started)"
    assert str(TransitionError(2, "run", C, START)) == (
        "cannot start job #2 run: it is complete, which is final (clone it to run it again)"
    )


def test_transition_error_with_a_custom_reason() -> None:
    err = TransitionError(3, "x", R, START, "another process changed it from queued to running")
    assert str(err).endswith("another process changed it from queued to running")


@pytest.mark.parametrize("pair", ALLOWED, ids=pair_id)
def test_every_allowed_user_action_has_a_reason(pair: tuple[JobStatus, Action]) -> None:
    if pair[1] is START:
        assert reason_for(*pair) == ""
    else:
        assert reason_for(*pair), pair


@pytest.mark.parametrize("pair", REFUSED, ids=pair_id)
def test_refused_actions_have_no_reason(pair: tuple[JobStatus, Action]) -> None:
    assert reason_for(*pair) == ""


def test_counts_in_words() -> None:
    from vapor_tui.present.text import count

    assert [count(n, "job") for n in (0, 1, 2, 1500)] == ["0 jobs", "1 job", "2 jobs", "1,500 jobs"]
    assert count(1, "epoch") == "1 epoch" and count(3, "batch", "batches") == "3 batches"


@pytest.mark.parametrize(
    ("seen", "now", "action", "refused"),
    [
        (R, R, Action.STOP, False),  # nothing changed: the table decides
        (R, SG, Action.STOP, True),  # a second stop would stop it at once: not what was asked
        (R, SG, Action.FAIL, False),  # a stop and a fail do not conflict: it fails either way
        (R, F, Action.STOP, True),
        (Q, R, Action.START, True),
        (Q, R, Action.FAIL, False),  # failed either way
        (Q, S, Action.FAIL, True),
        (SG, S, Action.FAIL, True),  # the clock ended the epoch first
        (SG, S, Action.STOP, True),
    ],
)
def test_a_change_meanwhile_conflicts_only_where_the_action_would_mean_something_else(
    seen: JobStatus, now: JobStatus, action: Action, refused: bool
) -> None:
    assert conflicts(seen, now, action) is refused

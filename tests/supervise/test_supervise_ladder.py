"""The stop ladder's timing, on a clock the test moves: never waits for a grace period."""

from __future__ import annotations

from signal import SIGINT, SIGKILL, SIGTERM

from vapor_tui.supervise.ladder import Ladder, Step


def test_a_command_that_did_not_attach_gets_sigint_then_sigterm_after_the_grace_then_sigkill():
    ladder = Ladder(grace_s=60.0)
    assert ladder.climb(1, now=100.0, attached=False) == [Step(SIGINT, 1)]
    assert ladder.next_due() == 160.0
    assert ladder.due(159.9) == []
    assert ladder.due(160.0) == [Step(SIGTERM, 3, by_clock=True)]
    assert ladder.stop_reason(812) == "stopped by user (SIGTERM after 60 s)"
    assert ladder.next_due() == 170.0
    assert ladder.due(169.0) == []
    assert ladder.due(170.0) == [Step(SIGKILL, 4, by_clock=True)]
    assert ladder.next_due() is None and ladder.due(1e9) == []
    assert ladder.stop_reason(812) == "stopped by user (SIGKILL 10 s after SIGTERM)"


def test_an_attached_script_is_left_to_stop_itself_until_asked_again():
    ladder = Ladder(grace_s=30.0)
    assert ladder.climb(1, now=0.0, attached=True) == []
    assert ladder.stop_reason(812) == "stopped by user at step 812"
    assert ladder.climb(1, now=5.0, attached=True) == []  # the same rung again: nothing
    assert ladder.climb(2, now=6.0, attached=True) == [Step(SIGINT, 2)]
    assert ladder.climb(3, now=7.0, attached=True) == [Step(SIGTERM, 3)]
    assert ladder.stop_reason(None) == "stopped by user (SIGTERM)"
    assert ladder.next_due() == 17.0  # SIGKILL 10 s after the SIGTERM, not the grace
    assert ladder.climb(4, now=8.0, attached=True) == [Step(SIGKILL, 4)]
    assert ladder.stop_reason(None) == "stopped by user (SIGKILL)"


def test_rungs_skipped_between_two_looks_act_at_the_highest_and_fail_terms_then_kills():
    ladder = Ladder(grace_s=60.0)
    assert ladder.climb(3, now=0.0, attached=False) == [Step(SIGTERM, 3)]
    assert ladder.climb(9, now=1.0, attached=False) == [Step(SIGKILL, 4)]
    failing = Ladder(grace_s=60.0)
    assert failing.fail(now=0.0) == [Step(SIGTERM, 3)]
    assert failing.fail(now=1.0) == []
    assert failing.due(9.9) == [] and failing.due(10.0) == [Step(SIGKILL, 4, by_clock=True)]

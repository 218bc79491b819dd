"""The writer thread's rules, one round at a time on an injected clock (the same writer against
real databases: test_run_store.py and tests/reliability/test_rel_runs.py)."""

from __future__ import annotations

import itertools

from vapor_tui.core.run_stop import SIGNAL_SENT
from vapor_tui.run.buffer import Pending, PointBuffer
from vapor_tui.run.link import Control
from vapor_tui.run.writer import CONTROL_S, HEARTBEAT_S, Writer


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


class Recording:
    """A link that records what it was given and fails while told to."""

    job_id = 7

    def __init__(self) -> None:
        self.written: list[tuple[Pending, float | None]] = []
        self.down = False
        self.controls = 0
        self.row: Control | None = Control("running", 0, "")

    def write(self, pending: Pending, heartbeat: float | None) -> None:
        if self.down:
            raise OSError("connection refused\nDETAIL: more")
        self.written.append(({k: tuple(map(list, v)) for k, v in pending.items()}, heartbeat))

    def control(self) -> Control | None:
        self.controls += 1
        if self.down:
            raise OSError("connection refused")
        return self.row

    def end(self, exit_code, error, last_step):  # pragma: no cover - not used here
        raise NotImplementedError

    def close(self) -> None:
        pass


def make():
    link, buf, clock, warned, interrupts = Recording(), PointBuffer(), Clock(), [], []
    writer = Writer(
        link, buf, clock=clock, warn=warned.append, interrupt=lambda: interrupts.append(1)
    )
    return link, buf, clock, writer, warned, interrupts


def points(link: Recording, name: str = "loss") -> list[int]:
    return [s for pending, _ in link.written for s in pending.get(name, ([], [], []))[0]]


def test_points_wait_in_memory_while_the_database_is_down_with_one_warning() -> None:
    link, buf, clock, writer, warned, _ = make()
    link.down = True
    for step in range(1, 201):
        buf.add(None, [("loss", 1.0 / step)], clock.t)
        clock.t += 0.25
        writer.step()
    assert link.written == [] and len(warned) == 1
    assert "kept in memory" in warned[0] and "\n" not in warned[0]
    link.down = False
    clock.t += 10  # past any backoff
    assert writer.step()
    assert points(link) == list(range(1, 201))  # none dropped, none doubled
    assert len(warned) == 2 and "answers again" in warned[1]


def test_backoff_grows_while_down() -> None:
    link, buf, clock, writer, _, _ = make()
    link.down = True
    attempts = []
    original = link.write

    def counting(pending, beat):
        attempts.append(clock.t)
        original(pending, beat)

    link.write = counting  # type: ignore[method-assign]
    buf.add(None, [("loss", 1.0)], clock.t)
    for _ in range(200):
        writer.step()
        clock.t += 0.25
    gaps = [b - a for a, b in itertools.pairwise(attempts)]
    assert gaps[0] <= 0.5 and max(gaps) <= 5.25 and gaps[-1] >= 5.0


def test_heartbeat_even_with_nothing_logged() -> None:
    link, _, clock, writer, _, _ = make()
    beats = []
    for _ in range(40):
        writer.step()
        beats += [b for _, b in link.written if b is not None and b not in beats]
        clock.t += 0.25
    gaps = [b - a for a, b in itertools.pairwise(beats)]
    assert gaps and max(gaps) <= 5.0 and min(gaps) >= HEARTBEAT_S


def test_controls_read_at_most_once_a_second_and_stop_seen() -> None:
    link, _, clock, writer, _, interrupts = make()
    for _ in range(40):  # 10 s
        writer.step()
        clock.t += 0.25
    assert 9 <= link.controls <= 10 / CONTROL_S + 1
    assert not writer.stop_asked.is_set()
    link.row = Control("stopping", 1, "stop requested")
    clock.t += CONTROL_S
    writer.step()
    assert writer.stop_asked.is_set() and interrupts == []


def test_stop_now_from_another_machine_interrupts_once() -> None:
    link, _, clock, writer, _, interrupts = make()
    link.row = Control(
        "stopping", 2, "stop now: process 7 on gpu-box-2 gets SIGINT from its own machine"
    )
    for _ in range(20):
        writer.step()
        clock.t += 0.5
    assert interrupts == [1]


def test_stop_now_signalled_by_the_app_is_not_signalled_again() -> None:
    link, _, clock, writer, _, interrupts = make()
    link.row = Control("stopping", 2, f"{SIGNAL_SENT} to process 7")
    for _ in range(8):
        writer.step()
        clock.t += 0.5
    assert interrupts == [] and writer.stop_asked.is_set()


def test_a_deleted_job_stops_the_run_and_its_points() -> None:
    link, buf, clock, writer, warned, _ = make()
    link.row = None
    buf.add(None, [("loss", 1.0)], clock.t)
    writer.step()
    assert writer.stop_asked.is_set() and writer.deleted
    assert any("deleted" in w for w in warned)
    link.written.clear()
    buf.add(None, [("loss", 1.0)], clock.t)
    clock.t += 1
    writer.step()
    assert link.written == []

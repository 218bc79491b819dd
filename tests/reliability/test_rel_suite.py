"""The reliability suite checks itself: its database checks catch each kind of damage they are
there to catch, and the figures docs/RELIABILITY.md quotes are the ones the suite reaches."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest

from tests.cli import test_cli_export, test_cli_messages
from tests.store import test_store_selfcheck
from tests.supervise import test_supervisor
from tests.ui import test_command_pty
from vapor_tui.core.clock import FakeClock
from vapor_tui.core.config import JobConfig
from vapor_tui.store.catchup import catch_up
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import create_job

from . import (
    test_rel_bad_files,
    test_rel_bad_form,
    test_rel_bad_options,
    test_rel_bad_places,
    test_rel_concurrency,
    test_rel_crash,
    test_rel_full_disk,
    test_rel_monkey,
    test_rel_signal_reentry,
    test_rel_signals,
    test_rel_state_machine,
)
from .rel_checks import check_database, edit_by_hand

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sound_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete job, a running one and a queued one (ids 1, 2, 3)."""
    path = tmp_path_factory.mktemp("sound") / "sound.db"
    clock = FakeClock(datetime(2026, 2, 1, tzinfo=UTC))
    store = open_store(path, clock=clock)
    try:
        create_job(store, JobConfig("done", epochs=2, steps_per_epoch=10, seed=1), start=True)
        clock.advance(100)
        # Thousands of steps, so that its first packed blocks are whole (written) by now.
        cfg = JobConfig("runs", epochs=2, steps_per_epoch=10_000, step_seconds=0.002, seed=2)
        create_job(store, cfg, start=True)
        create_job(store, JobConfig("waits", seed=3))
        clock.advance(20)
        catch_up(store)
    finally:
        store.close()
    check_database(path, "the sound database")
    return path


def _sql(*statements: str) -> Callable[[Path], None]:
    return lambda path: edit_by_hand(path, *statements)


def _bytes(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[4096 : 4096 + 8] = bytes(8)  # the b-tree header of page 2, the jobs table
    path.write_bytes(bytes(data))


DAMAGE = {
    "a missing point": (_sql("DELETE FROM points WHERE job_id = 2 AND step = 5"), "points"),
    "a count off by one": (
        _sql("UPDATE jobs SET steps_done = steps_done + 1 WHERE id = 2"),
        "points",
    ),
    "queued with a point": (
        _sql(
            "INSERT INTO points SELECT 3, step, epoch, loss, accuracy, learning_rate, "
            "val_loss, timestamp FROM points WHERE job_id = 1 AND step = 1"
        ),
        "points",
    ),
    "a point changed": (_sql("UPDATE points SET loss = loss * 2 WHERE job_id = 2"), "loss"),
    "a summary astray": (_sql("UPDATE point_summary SET n = n + 1 WHERE job_id = 2"), "summary"),
    "a block astray": (_sql("DELETE FROM point_blocks WHERE job_id = 2"), "blocks"),
    "a status astray": (_sql("UPDATE jobs SET status = 'complete' WHERE id = 2"), "complete"),
    "bytes astray": (_bytes, "integrity_check"),
}


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_the_checks_catch_each_kind_of_damage(kind, sound_db, tmp_path):
    damage, words = DAMAGE[kind]
    path = tmp_path / "damaged.db"
    shutil.copyfile(sound_db, path)
    damage(path)
    with pytest.raises(AssertionError, match=re.escape(words)):
        check_database(path, kind)


def cases(module: ModuleType) -> int:
    """The test cases a module's test functions make, their parametrizations multiplied out."""
    total = 0
    for name, test in vars(module).items():
        if name.startswith("test_") and callable(test):
            count = 1
            for mark in getattr(test, "pytestmark", []):
                if mark.name == "parametrize":
                    count *= len(mark.args[1])
            total += count
    return total


def figures() -> dict[str, int]:
    """The figure each row of the reliability tables quotes, keyed by the row's first cell."""
    bad_inputs = (
        test_rel_bad_files.BAD_FILE_CHECKS
        + test_rel_bad_places.PLACE_CHECKS
        + test_rel_bad_options.OPTION_CHECKS
        + test_rel_bad_form.FORM_CHECKS
    )
    monkey = test_rel_monkey
    return {
        "kill -9": test_rel_crash.KILLS,
        "several processes": test_rel_concurrency.PROCESSES,
        "signals": cases(test_rel_signals) + cases(test_rel_signal_reentry),
        "bad input": bad_inputs,
        "full disk": test_rel_full_disk.FULL_DISK_CHECKS,
        "database checks": cases(test_store_selfcheck),
        "messages": cases(test_cli_messages) + cases(test_cli_export),
        "random keys": monkey.MONKEY_KEYS + monkey.PTY_BURSTS * monkey.PTY_BURST_KEYS,
        "state machine": test_rel_state_machine.MACHINE_EXAMPLES,
        "validators": test_rel_state_machine.FORM_EXAMPLES,
        "launched commands": cases(test_supervisor) + cases(test_command_pty),
    }


def _reaches(text: str) -> dict[str, str]:
    """The last cell of each table row, keyed by its first cell."""
    rows = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) >= 3:
            rows[cells[0]] = cells[-1]
    return rows


@pytest.mark.parametrize("where", ["README.md", "docs/RELIABILITY.md"])
def test_the_documents_quote_the_figures_the_suite_reaches(where):
    text = (ROOT / where).read_text(encoding="utf-8")
    if where == "README.md":
        text = text[text.index("## Reliability") :]
    rows = _reaches(text)
    for guarantee, figure in figures().items():
        assert guarantee in rows, f"{where} has no row for {guarantee}"
        quoted = [int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", rows[guarantee])]
        assert quoted[:1] == [figure], f"{where}, {guarantee}: {quoted}, the suite: {figure:,}"

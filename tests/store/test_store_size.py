"""How much room a point takes (issue 8.22): measured on real databases, so that the figure
`new` warns with, and the pieces a full disk is written in, are what the file really grows by."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from vapor_tui.cli import main
from vapor_tui.core.clock import FakeClock
from vapor_tui.core.config import JobConfig
from vapor_tui.core.simulator import Simulator
from vapor_tui.store.catchup import catch_up
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import create_job
from vapor_tui.store.points import BYTES_PER_POINT


def used_bytes(path: Path) -> int:
    """The pages of the file in use, once the log is copied into it."""
    store = open_store(path, clock=FakeClock())
    try:
        store.checkpoint()
        with store.read() as conn:
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
            free = conn.exec_driver_sql("PRAGMA freelist_count").scalar()
            size = conn.exec_driver_sql("PRAGMA page_size").scalar()
    finally:
        store.close()
    return (pages - free) * size


@pytest.mark.parametrize(
    "shape",
    [
        {"epochs": 3, "steps_per_epoch": 100_000},  # the defaults' shape, made long
        {"epochs": 200, "steps_per_epoch": 1000},  # a validation point every 1,000
    ],
    ids=["3-epochs", "200-epochs"],
)
def test_a_point_takes_what_the_store_says(shape, tmp_path):
    path = tmp_path / "size.db"
    clock = FakeClock()
    store = open_store(path, clock=clock)
    store.close()
    sizes = [used_bytes(path)]
    for seed in (1, 2):
        store = open_store(path, clock=clock)
        try:
            config = JobConfig(f"j{seed}", seed=seed, step_seconds=0.001, **shape)
            create_job(store, config, start=True)
            clock.advance(Simulator(config).time_at(config.total_steps) + 1)
            catch_up(store)
        finally:
            store.close()
        sizes.append(used_bytes(path))
    per_point = [
        (b - a) / (shape["epochs"] * shape["steps_per_epoch"]) for a, b in itertools.pairwise(sizes)
    ]
    for measured in per_point:
        assert abs(measured - BYTES_PER_POINT) <= 0.05 * BYTES_PER_POINT, per_point


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_new_says_how_large_a_large_job_will_be(tmp_path, capsys):
    db = ("--db", tmp_path / "v.db")
    code, out, err = run(
        capsys, *db, "new", "--name", "big", "--epochs", "1000", "--steps-per-epoch", "100000"
    )
    assert (code, out) == (0, "1\n")
    assert (
        err.startswith(
            "vapor-tui: warning: 100,000,000 steps will take about 16.7 GB in the database when "
            "done (about 167 bytes a step); "
        )
        and err.endswith(" free there\n")
        and err.count("\n") == 1
    )
    assert run(capsys, *db, "new", "--name", "default") == (0, "2\n", "")
    code, _, err = run(
        capsys,
        *db,
        "new",
        "--name",
        "ten-million",
        "--epochs",
        "100",
        "--steps-per-epoch",
        "100000",
    )
    assert code == 0 and "about 1.7 GB" in err

"""A run's flushes in the store: the points, the heartbeat, and the speed (steps/s and the ETA
come from the moving average of step times, a script logging every Nth step included)."""

from __future__ import annotations

import pytest

from vapor_tui.core.process import current_process
from vapor_tui.core.series import SeriesPoints
from vapor_tui.store.engine import open_store
from vapor_tui.store.jobs import get_job
from vapor_tui.store.runs import create_run, write_run

pytestmark = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
T0 = 1_800_000_000.0


def test_speed_and_eta_from_the_points_logged(db, fake_clock) -> None:
    store = open_store(db, clock=fake_clock)
    try:
        job_id = create_run(
            store,
            name="pace",
            model=None,
            config=None,
            total_steps=1000,
            epochs=None,
            process=current_process(),
        )
        steps = list(range(1, 11))
        loss = SeriesPoints(steps, [1.0] * 10, [T0 + 0.5 * s for s in steps])
        write_run(store, job_id, {"loss": loss, "eval": SeriesPoints([5], [2.0], [T0 + 3])}, T0)
        job = get_job(store, job_id)
        assert job.steps_done == 10 and job.ema_step_seconds == pytest.approx(0.5)
        assert job.run is not None and job.run.heartbeat_at == T0
        # Every 10th step from now on, 5 s apart: still half a second a step.
        sparse = SeriesPoints([20, 30], [0.5, 0.4], [T0 + 10, T0 + 15])
        write_run(store, job_id, {"loss": sparse}, None)
        job = get_job(store, job_id)
        assert job.steps_done == 30 and job.ema_step_seconds == pytest.approx(0.5)
        assert job.steps_per_second == pytest.approx(2.0)
        assert job.eta_seconds == pytest.approx(0.5 * 970)
        assert job.run is not None and job.run.heartbeat_at == T0  # not moved without one
    finally:
        store.close()

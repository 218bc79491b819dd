"""Lost supervisors found on an injected clock, on both backends: on this machine by the
process table at once, from another only after 60 s without a heartbeat; compare-and-set on
the heartbeat read."""

from __future__ import annotations

from sqlalchemy import text

from vapor_tui.store.supervised import create_command, fail_lost, lost_supervisors

NOW = 1_800_000_000.0


def _command(store, host: str, **values) -> int:
    with store.write() as conn:
        job_id = create_command(
            conn,
            name="c",
            model=None,
            argv=["python", "train.py"],
            cwd="/tmp",
            env={},
            stop_grace=None,
            host=host,
            user="me",
            now=NOW - 100,
        )
        values = {"status": "running", "started_at": NOW - 90, **values}
        sets = ", ".join(f"{k} = :{k}" for k in values)
        conn.execute(text(f"UPDATE jobs SET {sets} WHERE id = :i"), {"i": job_id, **values})
    return job_id


def test_lost_supervisors_here_at_once_elsewhere_after_60_s(store):
    here_dead = _command(store, "here", supervisor_pid=101, supervisor_started=5.0)
    here_alive = _command(store, "here", supervisor_pid=102, supervisor_started=6.0)
    never = _command(store, "here")  # no supervisor recorded, 90 s after its start
    quiet = _command(store, "gpu-box-2", supervisor_pid=7, heartbeat_at=NOW - 60)
    talking = _command(store, "gpu-box-2", supervisor_pid=8, heartbeat_at=NOW - 59)
    alive = {(102, 6.0)}
    with store.read() as conn:
        lost = lost_supervisors(conn, NOW, "here", lambda pid, t: (pid, t) in alive)
    found = {row.id: reason for row, reason in lost}
    assert found == {
        here_dead: "supervisor lost",
        never: "supervisor lost: it never started",
        quiet: "supervisor lost: no heartbeat from gpu-box-2 for 60 s",
    }
    assert here_alive not in found and talking not in found
    # A heartbeat that came after the look wins: the job is not failed.
    row = next(row for row, _ in lost if row.id == quiet)
    with store.write() as conn:
        conn.execute(
            text("UPDATE jobs SET heartbeat_at = :t WHERE id = :i"), {"t": NOW, "i": quiet}
        )
        assert not fail_lost(conn, row, "supervisor lost", NOW)
        row = next(row for row, _ in lost if row.id == here_dead)
        assert fail_lost(conn, row, "supervisor lost", NOW)
        assert not fail_lost(conn, row, "supervisor lost", NOW)  # once

"""One vapor-tui app instance without a terminal, for the concurrency tests.

Runs the real VaporApp (its timer, worker threads and database code) under App.run_test, and
speaks JSON lines: on stdout, every tick it applies (the job list it shows) and every toast it
shows; on stdin, `act KIND ID [EXPECTED]` (what pressing the key on that job does: the action
with the status the user saw) and `quit`.

    python rel_headless.py DB REFRESH_SECONDS
"""

from __future__ import annotations

import asyncio
import json
import queue
import sys
import threading
import time

from vapor_tui.core.status import JobStatus
from vapor_tui.ui.app import VaporApp


def emit(record: dict) -> None:
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


def read_commands(lines: queue.Queue) -> None:
    for line in sys.stdin:
        lines.put(line.strip())
    lines.put("quit")


async def main(db: str, refresh: float) -> int:
    commands: queue.Queue[str] = queue.Queue()
    threading.Thread(target=read_commands, args=(commands,), daemon=True).start()
    app = VaporApp(db, refresh=refresh)
    async with app.run_test(headless=True, size=(120, 40)) as pilot:
        ticks = notes = 0
        emit({"ready": True})
        while True:
            if app.ticks_applied != ticks and app.snapshot is not None:
                ticks = app.ticks_applied
                jobs = [[j.id, str(j.status), j.steps_done] for j in app.snapshot.jobs]
                emit({"tick": ticks, "t": time.time(), "jobs": jobs, "problem": app.problem})
            while notes < len(app.notice_log):
                emit({"note": list(app.notice_log[notes]), "t": time.time()})
                notes += 1
            try:
                command = commands.get_nowait().split()
            except queue.Empty:
                await asyncio.sleep(0.005)
                continue
            if not command or command[0] == "quit":
                break
            kind, job_id = command[1], int(command[2])
            expected = JobStatus(command[3]) if len(command) > 3 else None
            app.act(kind, job_id, expected=expected)
        await pilot.press("q")
        await pilot.pause()
    emit({"exit": app.return_code})
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], float(sys.argv[2]))))

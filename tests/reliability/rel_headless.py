"""One vapor-tui app instance without a terminal, for the concurrency tests.

Runs the real VaporApp (its timer, worker threads and database code) under App.run_test, and
speaks JSON lines: on stdout, every tick it applies (the job list it shows), every toast it
shows, and `settled N` once the first N actions it was given have all ended (their toasts
written before it); on stdin, `act KIND ID [EXPECTED]` (what pressing the key on that job does:
the action with the status the user saw) and `quit`.

    python rel_headless.py DB REFRESH_SECONDS
"""

from __future__ import annotations

import asyncio
import json
import queue
import sys
import threading
import time

from textual.message import Message
from textual.notifications import Notification, Notify

from vapor_tui.core.status import Action, JobStatus
from vapor_tui.live.commands import Act, Clone, Delete
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
    shown: list[Notification] = []

    def hook(message: Message) -> None:
        if isinstance(message, Notify):
            shown.append(message.notification)

    async with app.run_test(headless=True, size=(120, 40), message_hook=hook) as pilot:
        ticks = notes = given = settled = 0
        seen_at = None
        emit({"ready": True})
        while True:
            # A tick applied: the snapshot's time moves (an action's result keeps it).
            if app.snapshot is not None and app.snapshot.now != seen_at:
                seen_at, ticks = app.snapshot.now, ticks + 1
                jobs = [[j.id, str(j.status), j.steps_done] for j in app.snapshot.jobs]
                emit({"tick": ticks, "t": time.time(), "jobs": jobs, "problem": app.live.problem})
            while notes < len(shown):
                n = shown[notes]
                emit({"note": [n.severity, n.title, n.message], "t": time.time()})
                notes += 1
            # An action's toast is posted in the same handler that ends it (on_action_done), so
            # with none pending every toast of the actions given so far is written above.
            if settled < given and app.actions.pending == 0:
                settled = given
                emit({"settled": settled, "t": time.time()})
            try:
                command = commands.get_nowait().split()
            except queue.Empty:
                await asyncio.sleep(0.005)
                continue
            if not command or command[0] == "quit":
                break
            given += 1
            kind, job_id = command[1], int(command[2])
            expected = JobStatus(command[3]) if len(command) > 3 else None
            if kind == "delete":
                app.submit(Delete(job_id))
            elif kind == "clone":
                app.submit(Clone(job_id))
            else:
                app.submit(Act(job_id, Action(kind), expected))
        await pilot.press("q")
        await pilot.pause()
    emit({"exit": app.return_code})
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], float(sys.argv[2]))))

"""An xdist worker's last seconds. After a worker has told the controller it finished, pytest's
cleanup collects garbage five times over (unraisableexception's gc_collect_harder), and
execnet sends the worker a SIGINT of its own when it has not ended 5 s after the controller
asked it to (gateway_base's _terminate_execution). On a loaded machine five full collections
of a worker's heap took longer: the KeyboardInterrupt came during one, raised inside a gc
callback (hypothesis's) and ignored.

So the worker collects and freezes its heap before it says it finished (the controller waits
for that without a time limit): pytest's collections afterwards look only at what came since.
What the collection finds goes to pytest's unraisable-exception hook, still installed then."""

from __future__ import annotations

import gc

import pytest


def pytest_sessionfinish(session: pytest.Session) -> None:
    # Called inside xdist's own pytest_sessionfinish wrapper, which reports "finished" after.
    if hasattr(session.config, "workerinput"):
        gc.collect()
        gc.freeze()

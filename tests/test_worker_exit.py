"""An xdist worker ends quickly once it has said it finished (tests/support/worker_exit.py):
pytest's five collections of garbage at its cleanup take less than one full collection of
the worker's heap took, where without the freeze they take five (and, on a loaded machine,
longer than the 5 s after which execnet interrupts the worker with a SIGINT)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests import conftest
from tests.support import worker_exit

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
    import gc, os, time
    import pytest
    from tests.support.worker_exit import pytest_sessionfinish  # noqa: F401 - under test

    OUT = os.environ["PROBE_OUT"]
    _unconfigured = []

    @pytest.hookimpl(tryfirst=True)
    def pytest_configure(config):
        if hasattr(config, "workerinput"):  # the first cleanup added: it runs last
            config.add_cleanup(lambda: _note("cleanup", time.perf_counter() - _unconfigured[0]))

    @pytest.hookimpl(trylast=True)
    def pytest_unconfigure(config):
        _unconfigured.append(time.perf_counter())

    def _note(what, seconds):
        with open(OUT, "a") as f:
            f.write(f"{what} {seconds}\\n")
"""

HEAP = """
    import gc, time
    from conftest import _note

    HEAP = [[i] for i in range(400_000)]  # a worker's heap: tests, fixtures, apps, modules

    def test_a_full_collection():
        start = time.perf_counter()
        gc.collect()
        _note("full", time.perf_counter() - start)
"""


def test_the_suite_uses_the_hook():
    assert conftest.pytest_sessionfinish is worker_exit.pytest_sessionfinish


def test_a_worker_cleans_up_in_less_than_one_full_collection(tmp_path):
    (tmp_path / "conftest.py").write_text(textwrap.dedent(PROBE))
    (tmp_path / "test_heap.py").write_text(textwrap.dedent(HEAP))
    out = tmp_path / "probe.txt"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PROBE_OUT": str(out)}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "1", "-p", "no:cacheprovider"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    noted = dict(line.split() for line in out.read_text().splitlines())
    full, cleanup = float(noted["full"]), float(noted["cleanup"])
    assert cleanup < full, f"cleanup {cleanup:.3f} s, one full collection {full:.3f} s"

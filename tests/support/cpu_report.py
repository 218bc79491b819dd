"""Per-test CPU beside wall time, for finding the tests that wait rather than work (opt-in:
`pytest -p tests.support.cpu_report`). Each test's call, setup and teardown included: the CPU
of the process running it (an xdist worker) and of the children it waited for meanwhile
(`vapor-tui` runs, scripts, pexpect spawns once closed), as `cpu_s` and `wall_s` properties of
its junit-xml record, and a table of the tests that waited most at the end.

Not counted: what a session's PostgreSQL server did for the test (started once a worker), and
children still running when the test ended."""

from __future__ import annotations

import resource
import time
from collections.abc import Iterator

import pytest

_TOP = 25


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    report = yield
    if report.when == "teardown":
        cpu, wall = item.stash.get(_STARTED, (None, None))
        if cpu is not None:
            report.user_properties += [
                ("cpu_s", round(_cpu() - cpu, 3)),
                ("wall_s", round(time.perf_counter() - wall, 3)),
            ]
    return report


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    item.stash[_STARTED] = (_cpu(), time.perf_counter())


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Here, or in xdist's controller as each worker's reports arrive."""
    measured = dict(report.user_properties)
    if report.when == "teardown" and "cpu_s" in measured:
        _results.append((report.nodeid, float(measured["cpu_s"]), float(measured["wall_s"])))


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    """Totals, and the tests that waited most (wall time less CPU)."""
    results = _results
    if not results:
        return
    cpu = sum(r[1] for r in results)
    wall = sum(r[2] for r in results)
    terminalreporter.section("CPU beside wall time (tests.support.cpu_report)")
    terminalreporter.write_line(f"{len(results)} tests: {cpu:.1f} CPU-s in {wall:.1f} s")
    for nodeid, c, w in sorted(results, key=lambda r: r[1] - r[2])[:_TOP]:
        terminalreporter.write_line(f"{w:8.2f} s wall {c:8.2f} CPU-s  {nodeid}")


_results: list[tuple[str, float, float]] = []  # (nodeid, CPU-s, wall s) of each test
_STARTED = pytest.StashKey[tuple[float, float]]()

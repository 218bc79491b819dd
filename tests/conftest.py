"""Shared fixtures: an isolated data directory for every test, a fake clock, a fresh database,
and a runner for the installed `vapor-tui` command."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from vapor_tui.core.clock import FakeClock
from vapor_tui.store.engine import ENV_VAR, Store, open_store

# Database work is real I/O: no per-example deadline, and no example database in the repo.
settings.register_profile(
    "vapor",
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("vapor")

VAPOR_TUI = Path(sys.executable).parent / "vapor-tui"
CLI_TIMEOUT_S = 60.0

CliResult = tuple[int, str, str]


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every directory platformdirs (and anything else) might use at a temporary home,
    and forget $VAPOR_TUI_DB, so no test can read or write the user's real data."""
    home = tmp_path_factory.mktemp("home")
    for var, sub in (
        ("HOME", ""),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_STATE_HOME", ".local/state"),
        ("TMPDIR", "tmp"),
    ):
        path = home / sub if sub else home
        path.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(var, str(path))
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.delenv("XDG_DATA_DIRS", raising=False)
    return home


@pytest.fixture
def data_home(isolated_env: Path) -> Path:
    """The XDG_DATA_HOME every test (and every subprocess it starts) sees."""
    return Path(os.environ["XDG_DATA_HOME"])


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A path where no file exists yet; a fresh one for every test."""
    path = tmp_path / "db" / "vapor.db"
    assert not path.exists()
    return path


@pytest.fixture
def store(db_path: Path, fake_clock: FakeClock) -> Iterator[Store]:
    s = open_store(db_path, clock=fake_clock)
    assert s.clock is fake_clock
    yield s
    s.close()


def cli_env(extra: dict[str, str] | None = None, drop: tuple[str, ...] = ()) -> dict[str, str]:
    """The environment for a subprocess: the isolated one of the test, passed explicitly."""
    env = dict(os.environ)
    env.pop(ENV_VAR, None)
    for name in drop:
        env.pop(name, None)
    env.update(extra or {})
    env["PYTHONUNBUFFERED"] = "1"
    return env


@pytest.fixture
def run_cli(isolated_env: Path) -> Callable[..., CliResult]:
    """run_cli(*args, env=None, input=None, timeout=60) -> (returncode, stdout, stderr), running
    the installed console command in a subprocess with the test's isolated environment."""
    assert VAPOR_TUI.exists(), f"{VAPOR_TUI} is not installed"

    def run(
        *args: str | os.PathLike,
        env: dict[str, str] | None = None,
        input: str | None = None,
        timeout: float = CLI_TIMEOUT_S,
        cwd: os.PathLike | None = None,
    ) -> CliResult:
        proc = subprocess.run(
            [str(VAPOR_TUI), *map(str, args)],
            env=cli_env(env),
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=cwd or isolated_env,
        )
        return proc.returncode, proc.stdout, proc.stderr

    return run

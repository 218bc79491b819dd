"""Shared fixtures: an isolated data directory for every test, a fake clock, a fresh database
(SQLite, or a database on the suite's own PostgreSQL server), and a runner for the installed
`vapor-tui` command.

Tests under BOTH_BACKENDS that ask for `backend` (through `db`, `new_db` or `store`) run once on
SQLite and once on PostgreSQL; `@pytest.mark.sqlite_only` keeps a test about SQLite files (WAL,
damaged files, small filesystems) to SQLite."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import select, text

from tests.support.postgres import PostgresServer, ServerMissing
from tests.support.worker_exit import pytest_sessionfinish  # noqa: F401 - a hook of this suite's
from vapor_tui.core.clock import FakeClock
from vapor_tui.core.config import JobConfig
from vapor_tui.core.job import Job
from vapor_tui.core.simulator import Simulator
from vapor_tui.core.status import Action, JobStatus
from vapor_tui.store.catchup import catch_up
from vapor_tui.store.engine import ENV_VAR, Store, open_store
from vapor_tui.store.jobs import apply_action, create_job, get_job
from vapor_tui.store.tables import jobs_table

# Database work is real I/O: no per-example deadline, and no example database in the repo.
# Derandomized: every run draws the same examples, so a failure happens again when run again.
settings.register_profile(
    "vapor",
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("vapor")

VAPOR_TUI = Path(sys.executable).parent / "vapor-tui"


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    """The snapshot plugin's report of failed snapshots goes under pytest's temporary
    directory, not into the checkout (its default: snapshot_report.html in the current one)."""
    if getattr(config.option, "snapshot_report", None) == "snapshot_report.html":
        base = config._tmp_path_factory.getbasetemp()  # type: ignore[attr-defined]
        config.option.snapshot_report = str(base / "snapshot_report.html")
    # Run from a shell's background job (a CI runner's, `bash .ci/run &`) the suite inherits
    # SIGINT ignored, and so would every script a test starts: the scripts the stop tests
    # interrupt behave as started from a terminal only with Python's own handler back.
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


# The slowest tests (`pytest --durations`), slowest first. They run first: under pytest-xdist
# a long test drawn last keeps one worker busy after the other has run out of work. Workers take
# tests one at a time in this order (`--maxschedchunk 1`, pyproject.toml), so the long ones are
# spread over both. A test left off this list still runs, only in its place (collection order:
# tests/ui last, so a 13 s test there ended the run alone). The list: every test that took 12 s
# or more in the last whole loaded run (-n 2, load 5-6, 2026-12-03; a parametrized test by its
# slowest case), in that run's order; tests/test_slow_first.py checks that each name exists.
SLOW_FIRST = (
    "tests/reliability/test_rel_crash.py::test_sigkill_the_command_line_mid_write",
    "tests/bench/test_bench_quick.py::test_quick_benchmark",
    "tests/reliability/test_rel_crash.py::test_sigkill_inside_a_long_write_transaction",
    "tests/reliability/test_rel_crash.py::test_sigkill_the_app_in_a_terminal",
    "tests/reliability/test_rel_state_machine.py::test_random_sequences_of_actions_and_time",
    "tests/reliability/test_rel_concurrency.py::test_instances_and_command_line_on_one_database",
    "tests/ui/test_detail_screen.py::test_million_point_job_opens_from_its_summary_not_its_points",
    "tests/reliability/test_rel_bad_form.py::test_garbage_in_every_form_field",
    "tests/reliability/test_rel_monkey.py::test_thousands_of_random_keys",
    "tests/cli/test_cli_launch.py::test_clone_queues_the_same_command_again",
    "tests/reliability/test_rel_concurrency.py::test_conflicting_actions_from_two_command_lines",
    "tests/store/test_store_server.py::test_first_use_by_four_processes_at_once",
    "tests/reliability/test_rel_crash.py::test_sigkill_while_the_database_is_being_created",
    "tests/reliability/test_rel_bad_places.py::test_a_read_only_database_is_for_viewing",
    "tests/store/test_store_size.py::test_a_point_takes_what_the_store_says",
    "tests/reliability/test_rel_full_disk.py::test_a_runaway_job_on_a_small_disk",
    "tests/cli/test_cli_launch.py::test_new_start_logs_and_a_stop_from_another_shell",
    "tests/store/test_store_catchup.py::test_another_writer_gets_in_during_a_long_catch_up",
    "tests/ui/test_first_seconds.py::test_a_backlog_shows_the_jobs_as_they_are_now_before_it_is_written",
    "tests/run/test_run_scripts.py::test_two_scripts_with_the_app_and_command_line_calls_open",
    "tests/cli/test_cli_commands.py::test_start_stop_fail_clone_delete",
    "tests/reliability/test_rel_bad_places.py::test_a_full_disk",
    "tests/ui/test_command_pty.py::test_the_app_closed_and_opened_again_while_a_command_runs",
    "tests/ui/test_command_pty.py::test_a_new_output_line_costs_about_its_own_bytes",
    "tests/reliability/test_rel_bad_places.py::test_a_disk_with_no_room_at_all",
    "tests/cli/test_cli_in_process.py::test_in_process_is_what_the_installed_command_gives",
    "tests/test_worker_exit.py::test_a_worker_cleans_up_in_less_than_one_full_collection",
    "tests/reliability/test_rel_concurrency.py::test_conflicting_actions_from_two_instances",
    "tests/cli/test_cli_race.py::test_two_commands_racing_on_a_running_job",
    "tests/store/test_store_server_password.py::test_no_command_line_holds_the_password",
    "tests/cli/test_cli_race.py::test_two_processes_starting_one_job",
    "tests/ui/test_jobs_screen.py::test_every_theme_can_be_chosen_on_every_screen",
    "tests/reliability/test_rel_bad_places.py::test_a_file_nobody_may_write",
    "tests/ui/test_contrast.py::test_the_cursor_row_reads_in_every_theme_and_colour_system",
    "tests/store/test_store_server_password.py::test_the_password_from_pgpassword",
    "tests/ui/test_compare_traffic.py::test_four_fresh_default_jobs_are_sent_cell_by_cell_never_whole",
    "tests/reliability/test_rel_server_restart.py::test_a_command_while_the_server_is_down_is_one_line",
    "tests/ui/test_new_job_form.py::test_the_form_creates_a_command_job_that_s_starts",
    "tests/ui/test_compat.py::test_output_scrolled_by_the_terminal_shows_what_a_full_repaint_shows",
    "tests/store/test_store_summary.py::test_summary_matches_points_after_any_catch_ups",
    "tests/cli/test_cli_commands.py::test_new_with_every_option_and_start",
    "tests/reliability/test_rel_server_restart.py::test_the_app_says_so_and_recovers_by_itself",
    "tests/store/test_store_server.py::test_the_password_is_never_printed",
    "tests/cli/test_cli_launch.py::test_logs_follow_prints_lines_as_they_come_until_the_job_ends",
    "tests/ui/test_traffic_runs.py::test_the_writer_paints_what_textual_paints",
    "tests/ui/test_command_pty.py::test_o_typed_as_the_detail_screen_opens_shows_the_output_it_never_hid",
    "tests/store/test_store_server_password.py::test_the_password_from_pgpass_in_home",
    "tests/ui/test_terminals.py::test_light_theme_status_colours_differ_from_dark",
    "tests/ui/test_compare_traffic.py::test_four_live_jobs_cost_well_under_twice_the_bytes_of_one",
    "tests/reliability/test_rel_bad_form.py::test_a_tiny_terminal_and_back",
    "tests/reliability/test_rel_bad_places.py::test_an_unwritable_place",
    "tests/ui/test_traffic_runs.py::test_watching_a_short_job_resends_none_of_the_bar_between_its_edge_and_percent",
    "tests/ui/test_traffic.py::test_watching_a_live_job_sends_a_little_every_second",
    "tests/store/test_store_server_password.py::test_a_wrong_or_missing_password_is_one_line",
    "tests/store/test_store_actions.py::test_random_actions_and_time_never_leave_the_table",
    "tests/ui/test_watch_first_paint.py::test_watching_a_finished_job_sends_its_chart_once",
    "tests/ui/test_traffic.py::test_an_idle_screen_sends_nothing",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("[")[0], len(rank)))


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
    monkeypatch.chdir(home)  # what a test saves "in the current directory" lands here
    return home


@pytest.fixture(autouse=True)
def no_script_outlives_its_test() -> Iterator[None]:
    """A test that failed while a script it started still ran (tests/run/scripts.py) leaves no
    process behind: a SIGINT-deaf one would otherwise run until the machine stops."""
    yield
    scripts = sys.modules.get("tests.run.scripts")
    if scripts is not None:
        scripts.kill_leftovers()


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


# --- backends ---------------------------------------------------------------------------------

BACKENDS = ("sqlite", "postgres")
BOTH_BACKENDS = ("tests/store/", "tests/cli/", "tests/supervise/")
BOTH_BACKENDS += ("tests/reliability/test_rel_concurrency.py",)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" not in metafunc.fixturenames or metafunc.definition.get_closest_marker(
        "sqlite_only"
    ):
        return
    where = Path(metafunc.definition.path).relative_to(metafunc.config.rootpath).as_posix()
    if where.startswith(BOTH_BACKENDS):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """ "sqlite" or "postgres": where `db`, `new_db` and `store` put the test's database."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """The suite's own PostgreSQL server (one per xdist worker), started on first use."""
    try:
        server = PostgresServer()
    except ServerMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        server.start()
        yield server
    finally:
        server.destroy()


@pytest.fixture(scope="session")
def _prebuilt() -> dict[tuple[str, str], tuple[str, object]]:
    """Databases built once a session (per worker) by new_db(like=...): (backend, key) ->
    (where it is, what its builder returned)."""
    return {}


@pytest.fixture
def new_db(
    backend: str,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
    _prebuilt: dict[tuple[str, str], tuple[str, object]],
) -> Iterator[Callable]:
    """new_db(name="vapor") -> a database nothing has used yet: a path on SQLite, a URL of a
    fresh empty database on PostgreSQL (dropped after the test).

    new_db(name, like=build) -> (database, value): a copy of the database `build(target)`
    made, and the value it returned. `build` runs once a session for each backend (its
    __qualname__ names it); every test gets its own copy (a file copy on SQLite, CREATE
    DATABASE .. TEMPLATE on PostgreSQL), the same bytes, for a fraction of building it."""
    made: list[str] = []
    server: PostgresServer | None = None

    def make(name: str = "vapor", like: Callable[[str], object] | None = None):
        nonlocal server
        if like is not None:
            return copy_of(name, like)
        if backend == "sqlite":
            first = not made and name == "vapor"
            path = request.getfixturevalue("db_path") if first else tmp_path / "db" / f"{name}.db"
            n = 1
            while path.exists() or str(path) in made:
                n += 1
                path = tmp_path / "db" / f"{name}-{n}.db"
            made.append(str(path))
            return str(path)
        server = server or request.getfixturevalue("pg_server")
        database = server.new_database()
        made.append(database)
        return server.url(database)

    def copy_of(name: str, build: Callable[[str], object]) -> tuple[str, object]:
        nonlocal server
        key = (backend, build.__qualname__)
        if key not in _prebuilt:
            if backend == "sqlite":
                source = str(tmp_path_factory.mktemp("prebuilt") / f"{name}.db")
            else:
                pg: PostgresServer = request.getfixturevalue("pg_server")
                source = pg.new_database()
            value = build(source if backend == "sqlite" else pg.url(source))
            _prebuilt[key] = (source, value)
        source, value = _prebuilt[key]
        if backend == "sqlite":
            assert not Path(source + "-wal").exists(), "the builder left its database open"
            target = make(name)
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            return target, value
        server = server or request.getfixturevalue("pg_server")
        database = server.new_database(template=source)
        made.append(database)
        return server.url(database), value

    yield make
    if server is not None:
        for database in made:
            server.drop_database(database)


@pytest.fixture
def db(new_db: Callable[..., str]) -> str:
    """The test's database: on SQLite the path `db_path` names (not created yet)."""
    return new_db()


@pytest.fixture
def store(db: str, fake_clock: FakeClock) -> Iterator[Store]:
    s = open_store(db, clock=fake_clock)
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
def run_cli_process(isolated_env: Path) -> Callable[..., CliResult]:
    """run_cli_process(*args, env=None, input=None, timeout=60, cwd=None) -> (returncode,
    stdout, stderr), running the installed console command in a subprocess with the test's
    isolated environment."""
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


@pytest.fixture
def run_cli(run_cli_process: Callable[..., CliResult]) -> Callable[..., CliResult]:
    """The installed command in a subprocess (tests/cli/conftest.py runs it in-process there,
    but for tests marked real_process)."""
    return run_cli_process


# --- jobs in a given state ------------------------------------------------------------------

SMALL = {"epochs": 3, "steps_per_epoch": 10, "step_seconds": 1.0, "seed": 1}


def small_config(name: str = "job", **overrides: object) -> JobConfig:
    """A 3 x 10 step job at about a second a step, unless told otherwise."""
    return JobConfig(name, **{**SMALL, **overrides})  # type: ignore[arg-type]


def drive_job(store: Store, clock: FakeClock, status: JobStatus, config: JobConfig) -> Job:
    """Create a job and take it, by the ordinary actions and the clock, to `status`.

    Running, stopping and failed jobs have a few steps of their first epoch done; a stopped one
    was stopped gracefully at the end of epoch 1; a complete one has every step."""
    assert config.steps_per_epoch > 5, "needs room for a few steps inside the first epoch"
    job = create_job(store, config)
    if status is JobStatus.QUEUED:
        return job
    apply_action(store, job.id, Action.START)
    sim = Simulator(config)
    if status is JobStatus.COMPLETE:
        clock.advance(sim.time_at(sim.total) + 1.0)
        catch_up(store, job_ids=[job.id])
        return _expect(store, job.id, status)
    clock.advance((sim.time_at(4) + sim.time_at(5)) / 2)  # 4 steps done
    catch_up(store, job_ids=[job.id])
    if status is JobStatus.RUNNING:
        return _expect(store, job.id, status)
    if status is JobStatus.FAILED:
        apply_action(store, job.id, Action.FAIL)
        return _expect(store, job.id, status)
    apply_action(store, job.id, Action.STOP)
    if status is JobStatus.STOPPED:
        clock.advance(sim.time_at(config.steps_per_epoch) + 1.0)
        catch_up(store, job_ids=[job.id])
    return _expect(store, job.id, status)


def _expect(store: Store, job_id: int, status: JobStatus) -> Job:
    job = get_job(store, job_id)
    assert job.status is status, (job.status, status)
    return job


def job_row(store: Store, job_id: int) -> dict:
    """Everything stored about one job: its row and its points."""
    with store.read() as conn:
        row = conn.execute(select(jobs_table).where(jobs_table.c.id == job_id)).mappings().first()
        points = conn.execute(
            text(
                "SELECT s.name, p.step, p.value, p.timestamp FROM series_points p "
                "JOIN series s ON s.id = p.series_id WHERE s.job_id = :id ORDER BY s.name, p.step"
            ),
            {"id": job_id},
        ).all()
    return {"row": dict(row) if row is not None else None, "points": [tuple(p) for p in points]}


def point_stats(store: Store, job_id: int) -> tuple[int, int | None, int | None, int]:
    """(count, min step, max step, distinct steps) of one job's points (its loss series), by
    SQL."""
    with store.read() as conn:
        return tuple(
            conn.execute(
                text(
                    "SELECT count(*), min(step), max(step), count(DISTINCT step) "
                    "FROM series_points p JOIN series s ON s.id = p.series_id "
                    "WHERE s.job_id = :id AND s.name = 'loss'"
                ),
                {"id": job_id},
            ).one()
        )


@pytest.fixture(scope="session")
def helpers() -> SimpleNamespace:
    """The helpers above, for test modules (importing from conftest is fragile)."""
    return SimpleNamespace(
        small_config=small_config,
        drive_job=drive_job,
        job_row=job_row,
        point_stats=point_stats,
        cli_env=cli_env,
    )


@pytest.fixture
def drive(store: Store, fake_clock: FakeClock) -> Callable[..., Job]:
    """drive(status, config=None) -> a job of the `store` fixture in that status."""

    def make(status: JobStatus, config: JobConfig | None = None) -> Job:
        return drive_job(store, fake_clock, status, config or small_config(f"{status}-job"))

    return make

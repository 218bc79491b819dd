"""The README's "Several machines" steps, followed as a user would, against a server that asks
for a password: a cluster of its own made with `initdb --auth=scram-sha-256 --pwfile`, on TCP
at 127.0.0.1 only (`host all all 127.0.0.1/32 scram-sha-256`, no Unix socket).

The password comes from PGPASSWORD, ~/.pgpass or PGPASSFILE, never from the URL; it shows in
no message and in no process's command line (`ps`): not the app's, not a launched command's
supervisor's, not the command's. A wrong or missing password is one line and exit status 2."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.postgres import SUPERUSER, find_bindir

VAPOR_TUI = Path(sys.executable).parent / "vapor-tui"
SECRET = "Pw-0f-the-vapor-user"
_START_TIMEOUT_S = 60.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PasswordServer:
    """A cluster whose every connection gives a password: TCP on 127.0.0.1, no socket."""

    def __init__(self) -> None:
        self.bindir = find_bindir()
        self.user = "postgres" if os.geteuid() == 0 else None
        self.root = Path(tempfile.mkdtemp(prefix="vapor-pgpw-", dir="/tmp"))
        self.port = _free_port()
        if self.user is not None:
            os.chmod(self.root, 0o755)
            shutil.chown(self.root, self.user)
        pwfile = self.root / "pwfile"
        pwfile.write_text(SECRET + "\n", encoding="utf-8")
        if self.user is not None:
            shutil.chown(pwfile, self.user)
        data = self.root / "data"
        self._run(
            [
                str(self.bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                SUPERUSER,
                "--auth=scram-sha-256",
                f"--pwfile={pwfile}",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ]
        )
        pwfile.unlink()
        (data / "pg_hba.conf").write_text(
            "host all all 127.0.0.1/32 scram-sha-256\n", encoding="utf-8"
        )
        with open(data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(
                f"\nlisten_addresses = '127.0.0.1'\nport = {self.port}\n"
                "unix_socket_directories = ''\nfsync = off\nlog_min_messages = warning\n"
            )
        log = open(self.root / "server.log", "a", encoding="utf-8")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [str(self.bindir / "postgres"), "-D", str(data)],
            user=self.user,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self.root,
            start_new_session=True,
        )
        log.close()
        self._wait_ready()

    def _run(self, args: list[str]) -> None:
        result = subprocess.run(args, user=self.user, capture_output=True, text=True, cwd=self.root)
        if result.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {result.stderr.strip()}")

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + _START_TIMEOUT_S
        args = [str(self.bindir / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)]
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError((self.root / "server.log").read_text()[-2000:])
            if subprocess.run(args, capture_output=True).returncode == 0:
                return
            time.sleep(0.05)
        raise RuntimeError(f"PostgreSQL did not answer in {_START_TIMEOUT_S:g}s")

    def destroy(self) -> None:
        self.proc.send_signal(signal.SIGINT)  # a fast shutdown: clients cut off
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="module")
def server() -> Iterator[PasswordServer]:
    made = PasswordServer()
    try:
        yield made
    finally:
        made.destroy()


ROLE = "trainer"


@pytest.fixture
def database(server: PasswordServer, isolated_env: Path) -> str:
    """As the README's server steps: a role of vapor-tui's own (not a superuser) and an empty
    database it owns, made with `createuser` and `createdb --owner` by the server's admin
    (here over TCP, its password from PGPASSWORD); the URL every machine exports, without a
    password."""
    name = f"vapor_{os.getpid()}_{_free_port()}"
    env = {**os.environ, "PGPASSWORD": SECRET}
    where = ["-h", "127.0.0.1", "-p", str(server.port), "-U", SUPERUSER]
    for args in (
        [str(server.bindir / "psql"), *where, "-d", "postgres", "-qc", _ROLE_SQL],
        [str(server.bindir / "createdb"), *where, "--owner", ROLE, name],
    ):
        result = subprocess.run(args, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    return f"postgresql+psycopg://{ROLE}@127.0.0.1:{server.port}/{name}"


# `createuser --pwprompt trainer` asks on the terminal; this is what it does.
_ROLE_SQL = (
    f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ROLE}') THEN "
    f"CREATE ROLE {ROLE} LOGIN PASSWORD '{SECRET}'; END IF; END $$"
)


def vapor(args: list[str], env: dict[str, str], home: Path) -> tuple[int, str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    base.pop("VAPOR_TUI_DB", None)
    proc = subprocess.run(
        [str(VAPOR_TUI), *args],
        env={**base, "PYTHONUNBUFFERED": "1", **env},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=home,
    )
    return proc.returncode, proc.stdout, proc.stderr


def one_line(result: tuple[int, str, str]) -> str:
    code, out, err = result
    assert code == 2, result
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert SECRET not in out + err
    return err.strip()


def test_the_password_from_pgpassword(server, database, isolated_env) -> None:
    env = {"VAPOR_TUI_DB": database, "PGPASSWORD": SECRET}
    code, out, err = vapor(["new", "--name", "from-env"], env, isolated_env)
    assert (code, err) == (0, ""), (out, err)
    code, out, err = vapor(["jobs"], env, isolated_env)
    assert code == 0 and "from-env" in out, (out, err)
    code, out, err = vapor(["demo", "--no-tui"], env, isolated_env)
    assert code == 0 and SECRET not in out + err, (out, err)


def test_the_password_from_pgpass_in_home(server, database, isolated_env) -> None:
    # The README's line, `db-host:5432:vapor:vapor:PASSWORD`, for this server and database.
    pgpass = isolated_env / ".pgpass"
    line = f"127.0.0.1:{server.port}:{database.rsplit('/', 1)[1]}:{ROLE}:{SECRET}\n"
    pgpass.write_text(line, encoding="utf-8")
    pgpass.chmod(0o600)
    env = {"VAPOR_TUI_DB": database, "HOME": str(isolated_env)}
    code, out, err = vapor(["new", "--name", "from-pgpass"], env, isolated_env)
    assert (code, err) == (0, ""), (out, err)
    code, out, _ = vapor(["jobs"], env, isolated_env)
    assert "from-pgpass" in out


def test_the_password_from_pgpassfile(server, database, isolated_env) -> None:
    elsewhere = isolated_env / "secrets" / "pgpass"
    elsewhere.parent.mkdir()
    elsewhere.write_text(f"127.0.0.1:{server.port}:*:{ROLE}:{SECRET}\n", encoding="utf-8")
    elsewhere.chmod(0o600)
    env = {"VAPOR_TUI_DB": database, "PGPASSFILE": str(elsewhere)}
    code, out, err = vapor(["new", "--name", "from-pgpassfile"], env, isolated_env)
    assert (code, err) == (0, ""), (out, err)


def test_a_pgpass_others_can_read_is_ignored_and_said_in_one_line(
    server, database, isolated_env
) -> None:
    """libpq skips a password file with group or world access (and warns on stderr): the
    connection then has no password, which the one line says, with how to give it."""
    pgpass = isolated_env / ".pgpass"
    pgpass.write_text(f"127.0.0.1:{server.port}:*:{ROLE}:{SECRET}\n", encoding="utf-8")
    pgpass.chmod(0o644)
    line = one_line(vapor(["jobs"], {"VAPOR_TUI_DB": database}, isolated_env))
    assert "asks for a password and none was given" in line, line
    assert f"{pgpass} is ignored because others can read it (mode 0644)" in line
    assert f"chmod 600 {pgpass}" in line and "PGPASSWORD" in line
    pgpass.chmod(0o600)  # as the message says: then it works
    code, _, err = vapor(["jobs"], {"VAPOR_TUI_DB": database}, isolated_env)
    assert (code, err) == (0, "")


def test_a_wrong_or_missing_password_is_one_line(server, database, isolated_env) -> None:
    wrong = one_line(
        vapor(["jobs"], {"VAPOR_TUI_DB": database, "PGPASSWORD": "not-it"}, isolated_env)
    )
    assert "password authentication failed" in wrong and "not-it" not in wrong
    missing = one_line(vapor(["jobs"], {"VAPOR_TUI_DB": database}, isolated_env))
    assert "asks for a password and none was given" in missing
    assert "~/.pgpass (mode 0600) or PGPASSWORD" in missing
    in_url = database.replace(f"{ROLE}@", f"{ROLE}:not-{SECRET}@")
    line = one_line(vapor(["--db", in_url, "demo", "--no-tui"], {}, isolated_env))
    assert f"{ROLE}:***@" in line


def _command_lines(text: str) -> list[str]:
    """Every process's command line, as `ps` shows them."""
    result = subprocess.run(["ps", "-ww", "-eo", "args="], capture_output=True, text=True)
    assert result.returncode == 0
    return [line for line in result.stdout.splitlines() if text in line]


@pytest.mark.parametrize("how", ["pgpassword", "in the URL"])
def test_no_command_line_holds_the_password(server, database, isolated_env, how) -> None:
    """A launched command, started with the password in PGPASSWORD or (accepted, not
    advised) in the URL: `ps` shows neither the supervisor's nor the command's holding it, and
    the supervisor still reaches the database: the command's output is there."""
    url, env = database, {"PGPASSWORD": SECRET}
    if how == "in the URL":
        url, env = database.replace(f"{ROLE}@", f"{ROLE}:{SECRET}@"), {}
    marker = isolated_env / "started"
    script = (
        "import os, time; print('hello from the command', flush=True); "
        f"open({str(marker)!r}, 'w').write(os.environ['VAPOR_TUI_DB']); time.sleep(60)"
    )
    code, out, err = vapor(
        ["--db", url, "new", "--name", "cmd", "--start", "--", sys.executable, "-c", script],
        env,
        isolated_env,
    )
    assert code == 0, (out, err)
    job_id = out.strip().split()[-1]
    try:
        deadline = time.monotonic() + 60
        logs = (0, "", "")
        while "hello from the command" not in logs[1] and time.monotonic() < deadline:
            time.sleep(0.2)
            logs = vapor(["--db", url, "logs", job_id], env, isolated_env)
        assert "hello from the command" in logs[1], logs  # the supervisor wrote it there
        assert marker.read_text() == url  # what the command gets, in its environment only
        supervisors = _command_lines(f"vapor_tui.supervise {job_id}")
        commands = _command_lines(str(marker))
        assert supervisors and commands
        assert not [line for line in supervisors + commands if SECRET in line]
        assert SECRET not in out + err
        shown = vapor(["--db", url, "show", job_id], env, isolated_env)
        assert shown[0] == 0 and SECRET not in shown[1] + shown[2]
    finally:
        vapor(["--db", url, "stop", job_id], env, isolated_env)
        deadline = time.monotonic() + 60
        while _command_lines(str(marker)) and time.monotonic() < deadline:
            time.sleep(0.1)

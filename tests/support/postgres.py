"""A real PostgreSQL server for the tests: its own cluster in a temporary directory, listening on
a Unix socket there (no TCP port), run as an unprivileged user when the tests run as root
(PostgreSQL refuses to run as root), and a fresh database for every test.

The server binaries are found in $VAPOR_TUI_PG_BIN, Debian's /usr/lib/postgresql/*/bin (the
`postgresql` package, which .ci/run installs), `pg_config --bindir` or PATH. Without them the
tests that need a server fail with MISSING, one line on how to get it.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

MISSING = (
    "PostgreSQL server not found (no initdb in $VAPOR_TUI_PG_BIN, /usr/lib/postgresql/*/bin, "
    "`pg_config --bindir` or PATH): install it with `apt-get install -y postgresql` "
    "(what .ci/run does), or set VAPOR_TUI_PG_BIN to a directory holding initdb and postgres"
)
SUPERUSER = "vapor"
# A role that must give its password (scram), for the tests of URLs that hold one.
PASSWORD_ROLE, PASSWORD = "secretive", "s3cr3t-pw"
_START_TIMEOUT_S = 60.0


class ServerMissing(RuntimeError):
    pass


def find_bindir() -> Path:
    candidates: list[str] = []
    if os.environ.get("VAPOR_TUI_PG_BIN"):
        candidates.append(os.environ["VAPOR_TUI_PG_BIN"])
    debian = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += sorted(debian, key=lambda p: int(Path(p).parent.name or 0), reverse=True)
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
            candidates.append(out.stdout.strip())
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(str(Path(initdb).resolve().parent))
    for candidate in candidates:
        path = Path(candidate)
        if (path / "initdb").is_file() and (path / "postgres").is_file():
            return path
    raise ServerMissing(MISSING)


def _run_as() -> str | None:
    """PostgreSQL will not run as root: as root, run it as the `postgres` user (Debian's
    package makes one), else as `nobody`."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise ServerMissing("running as root, and no unprivileged user to run PostgreSQL as")


class PostgresServer:
    """One cluster. `url(db)` names a database in it; `new_database()` makes an empty one."""

    _names = itertools.count(1)

    def __init__(self, bindir: Path | None = None):
        self.bindir = bindir or find_bindir()
        self.user = _run_as()
        # Not under pytest's base temp: that is 0700 to root, and the server's user must reach
        # its directory. Short, too: a Unix socket's path has room for about 100 bytes.
        self.root = Path(tempfile.mkdtemp(prefix="vapor-pg-", dir="/tmp"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.proc: subprocess.Popen | None = None
        self._initdb()

    # --- the cluster ------------------------------------------------------------------

    def _as_server_user(self, args: list[str], **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(
            args, user=self.user, capture_output=True, text=True, cwd=self.root, **kwargs
        )

    def _initdb(self) -> None:
        if self.user is not None:
            os.chmod(self.root, 0o755)
            shutil.chown(self.root, self.user)
        pwfile = self.root / "pw"
        result = self._as_server_user(
            [
                str(self.bindir / "initdb"),
                "-D",
                str(self.data),
                "-U",
                SUPERUSER,
                "--auth-local=trust",
                "--auth-host=reject",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ]
        )
        if result.returncode != 0:
            raise RuntimeError(f"initdb failed: {result.stderr.strip()}")
        hba = self.data / "pg_hba.conf"
        # The password role first: its connections must give the password.
        hba.write_text(
            f"local all {PASSWORD_ROLE} scram-sha-256\nlocal all all trust\n", encoding="utf-8"
        )
        pwfile.unlink(missing_ok=True)
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(
                "\n# vapor-tui tests: a socket in the test directory only, no durability\n"
                "listen_addresses = ''\n"
                f"unix_socket_directories = '{self.root}'\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                "max_connections = 200\nshared_buffers = 64MB\n"
                "log_min_messages = warning\n"
            )

    def start(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            return
        log = open(self.log, "a", encoding="utf-8")  # noqa: SIM115 - kept by the server
        self.proc = subprocess.Popen(
            [str(self.bindir / "postgres"), "-D", str(self.data)],
            user=self.user,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self.root,
            start_new_session=True,  # a Ctrl-C in the terminal is the suite's, not the server's
        )
        log.close()
        deadline = time.monotonic() + _START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"PostgreSQL did not start: {self.log.read_text()[-2000:]}")
            if self._ready():
                self._set_up_roles()
                return
            time.sleep(0.05)
        raise RuntimeError(f"PostgreSQL did not answer in {_START_TIMEOUT_S:g}s")

    def _ready(self) -> bool:
        isready = self.bindir / "pg_isready"
        if isready.exists():
            args = [str(isready), "-q", "-h", str(self.root), "-U", SUPERUSER, "-d", "postgres"]
            return subprocess.run(args, capture_output=True).returncode == 0
        return (self.root / ".s.PGSQL.5432").exists()

    def _set_up_roles(self) -> None:
        self.sql(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{PASSWORD_ROLE}') "
            f"THEN CREATE ROLE {PASSWORD_ROLE} LOGIN CREATEDB PASSWORD '{PASSWORD}'; END IF; END $$"
        )

    def stop(self, mode: signal.Signals = signal.SIGINT) -> None:
        """SIGINT: PostgreSQL's fast shutdown (clients are cut off, the data is kept)."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(mode)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    # --- databases --------------------------------------------------------------------

    def url(self, database: str, user: str = SUPERUSER, password: str | None = None) -> str:
        auth = user if password is None else f"{user}:{password}"
        return f"postgresql+psycopg://{auth}@/{database}?host={self.root}"

    def sql(self, statement: str, database: str = "postgres") -> list[tuple]:
        import psycopg

        with psycopg.connect(
            host=str(self.root), user=SUPERUSER, dbname=database, autocommit=True
        ) as conn:
            cur = conn.execute(statement)
            return cur.fetchall() if cur.description else []

    def new_database(self, owner: str = SUPERUSER, template: str = "template0") -> str:
        """A fresh database, a copy of `template` (template0: an empty one; a few
        milliseconds); returns its name. A template must have no one connected to it."""
        name = f"t{os.getpid()}_{next(self._names)}"
        self.sql(f"CREATE DATABASE {name} OWNER {owner} TEMPLATE {template}")
        return name

    def drop_database(self, name: str) -> None:
        with contextlib.suppress(Exception):
            self.sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def connect_url(url: str, **kwargs):
    """A plain psycopg connection to a database the tests named by SQLAlchemy URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    params = {k: v for k, v in parsed.query.items() if isinstance(v, str)}
    return psycopg.connect(
        host=params.pop("host", parsed.host),
        port=parsed.port,
        user=parsed.username,
        password=parsed.password,
        dbname=parsed.database,
        **params,
        **kwargs,
    )

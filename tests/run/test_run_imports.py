"""`import vapor_tui` costs a script almost nothing: no Textual, plotext, Rich, SQLAlchemy or
numpy; init(), log() and finish() bring SQLAlchemy Core (the database) but no ORM, SQLModel,
pydantic or numpy (half of what a run's start cost), and no Textual or plotext. Each in a
fresh interpreter, as a training script starts."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest

HEAVY = ("textual", "textual_plotext", "plotext", "rich", "sqlalchemy", "sqlmodel", "numpy")
HEAVY += ("pydantic", "sqlalchemy.orm")
# Beyond SQLAlchemy Core, none of these is for the run: the app's and the old schema's.
NOT_FOR_A_RUN = {"textual", "textual_plotext", "plotext", "rich", "sqlmodel", "numpy", "pydantic"}
PROBE = """
import json, sys, time
import vapor_tui
assert callable(vapor_tui.init) and callable(vapor_tui.log)
assert callable(vapor_tui.should_stop) and callable(vapor_tui.finish) and vapor_tui.Run
def loaded():
    return sorted(({m.split('.')[0] for m in sys.modules} | set(sys.modules)) & set(sys.argv[2:]))
after_import = loaded()
run = vapor_tui.init(name="probe", db=sys.argv[1])
for step in range(1, 5000):  # past a packed block (4,096 steps), NaN and inf among the values
    run.log({"loss": 1.0 / step, "nan": float("nan"), "inf": float("inf")})
while True:  # written (a flush, or several): what follows is a later flush's
    with run._link.store.read() as conn:
        sql = f"SELECT steps_done FROM jobs WHERE id = {run.id}"
        if conn.exec_driver_sql(sql).scalar() == 4999:
            break
    time.sleep(0.02)
run.log({"loss": 0.5}, step=10)  # a step logged again (a resumed run): its block packed again
run.should_stop()
run.finish()
after_init = loaded()
print(json.dumps([after_import, after_init]))
"""


@pytest.fixture(params=["sqlite", "postgres"])
def run_db(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A database for the probe: a file, or a fresh database on the suite's server."""
    if request.param == "sqlite":
        yield str(tmp_path / "probe.db")
        return
    server = request.getfixturevalue("pg_server")
    database = server.new_database()
    try:
        yield server.url(database)
    finally:
        server.drop_database(database)


def test_import_loads_nothing_heavy_and_a_run_only_sqlalchemy_core(run_db: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, run_db, *HEAVY],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    after_import, after_init = json.loads(proc.stdout)
    assert after_import == []
    assert "sqlalchemy" in after_init  # the guard above is not vacuous
    assert not set(after_init) & NOT_FOR_A_RUN
    assert "sqlalchemy.orm" not in after_init

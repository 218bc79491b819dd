"""`import vapor_tui` costs a script almost nothing: no Textual, plotext, Rich, SQLAlchemy or
numpy; init() brings SQLAlchemy (the database) but still no Textual or plotext. Each in a
fresh interpreter, as a training script starts."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("textual", "textual_plotext", "plotext", "rich", "sqlalchemy", "sqlmodel", "numpy")
PROBE = """
import json, sys
import vapor_tui
assert callable(vapor_tui.init) and callable(vapor_tui.log)
assert callable(vapor_tui.should_stop) and callable(vapor_tui.finish) and vapor_tui.Run
after_import = sorted({m.split('.')[0] for m in sys.modules} & set(sys.argv[2:]))
run = vapor_tui.init(name="probe", db=sys.argv[1])
run.log({"loss": 1.0})
run.finish()
after_init = sorted({m.split('.')[0] for m in sys.modules} & set(sys.argv[2:]))
print(json.dumps([after_import, after_init]))
"""


def test_import_loads_nothing_heavy_and_init_no_ui(tmp_path) -> None:
    db = tmp_path / "probe.db"
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(db), *HEAVY],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    after_import, after_init = json.loads(proc.stdout)
    assert after_import == []
    assert "sqlalchemy" in after_init  # the guard above is not vacuous
    assert not set(after_init) & {"textual", "textual_plotext", "plotext", "rich"}

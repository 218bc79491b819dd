"""vapor_tui.core stays free of the UI and the ORM: checked at run time and by import-linter."""

from __future__ import annotations

import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import vapor_tui.core
from vapor_tui.store.engine import ENV_VAR

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
FORBIDDEN = ("textual", "sqlmodel", "sqlalchemy")
CORE_MODULES = sorted(
    f"vapor_tui.core.{m.name}" for m in pkgutil.iter_modules(vapor_tui.core.__path__)
)

PROBE = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
forbidden = set(sys.argv[2:])
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in forbidden)))
"""


def isolated() -> dict[str, str]:
    # The autouse fixture has already pointed HOME and XDG_* at a temporary directory.
    return {k: v for k, v in os.environ.items() if k != ENV_VAR}


def loaded_after_import(module: str, cwd: Path) -> list[str]:
    """The forbidden packages in sys.modules after importing `module` in a fresh interpreter."""
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, module, *FORBIDDEN],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env=isolated(),
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_core_has_the_expected_modules() -> None:
    # Guards the parametrisation below against silently testing nothing.
    for name in ("catchup", "clock", "config", "eta", "job", "points", "simulator", "status"):
        assert f"vapor_tui.core.{name}" in CORE_MODULES


@pytest.mark.parametrize("module", ["vapor_tui.core", *CORE_MODULES])
def test_core_module_imports_no_ui_and_no_orm(module: str, isolated_env: Path) -> None:
    assert loaded_after_import(module, isolated_env) == []


def test_the_probe_notices_a_forbidden_import(isolated_env: Path) -> None:
    # The same probe on the store must report sqlalchemy: the check above can fail.
    assert "sqlalchemy" in loaded_after_import("vapor_tui.store.engine", isolated_env)


def run_lint_imports(*args: str) -> subprocess.CompletedProcess:
    exe = BIN / "lint-imports"
    assert exe.exists(), f"{exe} is not installed"
    return subprocess.run(
        [str(exe), "--no-cache", "--no-logo", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=isolated(),
    )


def test_import_linter_contracts_pass() -> None:
    proc = run_lint_imports()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = " ".join(proc.stdout.split())  # long names are wrapped
    for contract in (
        "layers: the command line, the UI, the application layer and presentation, the store, core",
        "no import cycles between sibling modules, at any depth",
        "the UI reaches the store only through the application layer",
        "core imports neither textual, sqlmodel nor sqlalchemy",
        "the application layer, presentation and the logging API import neither textual nor "
        "plotext",
        "store does not import the UI",
    ):
        assert f"{contract} KEPT" in out, contract
    assert " 0 broken" in proc.stdout


def test_import_linter_would_catch_a_broken_contract(tmp_path: Path) -> None:
    # The store does import sqlalchemy: a contract forbidding it must break, so the run above
    # really checks something.
    config = tmp_path / "importlinter.toml"
    config.write_text(
        "[tool.importlinter]\n"
        'root_package = "vapor_tui"\n'
        "include_external_packages = true\n\n"
        "[[tool.importlinter.contracts]]\n"
        'name = "store without sqlalchemy"\n'
        'type = "forbidden"\n'
        'source_modules = ["vapor_tui.store"]\n'
        'forbidden_modules = ["sqlalchemy"]\n',
        encoding="utf-8",
    )
    proc = run_lint_imports("--config", str(config))
    assert proc.returncode != 0, proc.stdout
    assert "BROKEN" in proc.stdout

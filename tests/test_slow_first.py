"""The list of the slowest tests, run first, names tests that exist (a renamed test would
silently go back to its place in the queue)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import SLOW_FIRST

ROOT = Path(__file__).resolve().parent.parent


def test_every_slow_first_entry_names_a_test_function():
    for entry in SLOW_FIRST:
        path, name = entry.split("::")
        tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
        names = {
            node.name
            for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        assert name in names, f"{entry}: no such test"
    assert len(set(SLOW_FIRST)) == len(SLOW_FIRST)

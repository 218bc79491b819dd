"""The README's quick-start commands are the ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def quick_start_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^## Quick start\n(.*?)(?=^## )", text, re.M | re.S)
    assert match, "README.md has no '## Quick start' section"
    return [b.strip() for b in re.findall(r"^```sh\n(.*?)^```", match.group(1), re.M | re.S)]


def test_quick_start_has_two_sh_blocks() -> None:
    blocks = quick_start_blocks()
    assert len(blocks) >= 2, blocks
    assert all(blocks), blocks


def test_install_block_ends_by_opening_the_demo() -> None:
    first = quick_start_blocks()[0]
    assert first.endswith("vapor-tui demo"), first


def test_readme_test_command_is_a_line_of_ci_run() -> None:
    command = quick_start_blocks()[1]
    assert "\n" not in command, "the test command should be one line"
    assert "pytest" in command
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert command in ci_lines, f"{command!r} is not a line of .ci/run"

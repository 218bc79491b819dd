"""Processes for the concurrency tests: app instances without a terminal (rel_headless.py)
and command-line calls, all on one database, with what each said and when."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HEADLESS = str(Path(__file__).with_name("rel_headless.py"))
VAPOR = str(Path(sys.executable).parent / "vapor-tui")
WAIT_S = 30.0
TROUBLE = ("locked", "busy", "Traceback", "nexpected")  # "unexpected", "Unexpected"


@dataclass(frozen=True)
class CliCall:
    args: tuple[str, ...]
    code: int
    out: str
    err: str
    started: float
    ended: float


def run_cli(db: Path, args: list[str], env: dict[str, str], cwd: Path) -> CliCall:
    started = time.time()
    proc = subprocess.run(
        [VAPOR, "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )
    return CliCall(tuple(args), proc.returncode, proc.stdout, proc.stderr, started, time.time())


def spawn_cli(db: Path, args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [VAPOR, "--db", str(db), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=cwd,
    )


class Instance:
    """A running app instance: its reports, as they come, and a way to press keys on jobs."""

    def __init__(
        self,
        db: Path,
        env: dict[str, str],
        cwd: Path,
        refresh: float = 0.1,
        prefix: tuple[str, ...] = (),
    ):
        # `prefix`: what runs it, e.g. nsenter into a mount namespace (rel_mounts.py).
        self.proc = subprocess.Popen(
            [*prefix, sys.executable, HEADLESS, str(db), str(refresh)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=cwd,
        )
        self.records: list[dict] = []
        self.given = 0  # actions sent
        self.stderr = ""
        self._lock = threading.Lock()
        threading.Thread(target=self._read_out, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()

    def _read_out(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._lock:
                self.records.append(json.loads(line))

    def _read_err(self) -> None:
        assert self.proc.stderr is not None
        self.stderr = self.proc.stderr.read()

    def snapshot(self) -> list[dict]:
        with self._lock:
            return list(self.records)

    def wait_for(self, test: Callable[[list[dict]], object], what: str, timeout=WAIT_S):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            found = test(self.snapshot())
            if found:
                return found
            if self.proc.poll() is not None:
                break
            time.sleep(0.01)
        raise AssertionError(f"{what} never happened; stderr: {self.stderr[-2000:]}")

    def ticks(self) -> list[dict]:
        return [r for r in self.snapshot() if "tick" in r]

    def notes(self) -> list[list[str]]:
        return [r["note"] for r in self.snapshot() if "note" in r]

    def refusals(self, job_id: int) -> list[str]:
        return [n[2] for n in self.notes() if n[1] == "Refused" and f"job #{job_id} " in n[2]]

    def act(self, kind: str, job_id: int, expected: str | None = None) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"act {kind} {job_id} {expected or ''}\n")
        self.proc.stdin.flush()
        self.given += 1

    def wait_settled(self) -> None:
        """Until every action sent has ended and its toast, if any, is in the notes."""
        given = self.given
        self.wait_for(
            lambda records: any(r.get("settled", 0) >= given for r in records),
            f"the end of the {given} actions sent",
        )

    def close(self) -> int | None:
        if self.proc.poll() is None:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.write("quit\n")
                self.proc.stdin.close()
                self.proc.wait(timeout=WAIT_S)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        exits = [r["exit"] for r in self.snapshot() if "exit" in r]
        return exits[0] if exits else None

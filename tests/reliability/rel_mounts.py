"""Read-only and tiny filesystems for the bad-input tests, in a private mount namespace.

As root, permission bits stop nothing: an unwritable place has to be a read-only mount, and a
full disk a tiny tmpfs. They are mounted in a mount namespace of their own, kept alive by a
waiting process and entered with nsenter, so nothing is mounted on the machine itself and
nothing is left mounted if a test dies. Without root, a user namespace maps the user to root
first (`unshare --user --map-root-user`). Files in the namespace's own mounts are read from
outside through /proc/PID/root.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import tests.support.pty_app as pty_app
from tests.support.pty_app import PtyApp

from .rel_processes import VAPOR

ROOT = os.geteuid() == 0


class MountNamespace:
    def __init__(self) -> None:
        user = [] if ROOT else ["--user", "--map-root-user"]
        self.proc = subprocess.Popen(
            ["unshare", *user, "--mount", "--propagation", "private", "sh", "-c", "echo; exec cat"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.proc.stdout.readline()  # unshare has made the namespace and exec'd the shell
        self.pid = self.proc.pid

    def enter(self) -> list[str]:
        user = [] if ROOT else ["--user", "--preserve-credentials"]
        return [shutil.which("nsenter") or "nsenter", "-t", str(self.pid), "--mount", *user]

    def sh(self, script: str) -> None:
        subprocess.run([*self.enter(), "sh", "-ec", script], check=True, timeout=30)

    def read_only(self, directory: Path) -> None:
        self.sh(
            f"mount --bind '{directory}' '{directory}' && mount -o remount,bind,ro '{directory}'"
        )

    def tmpfs(self, directory: Path, size: str) -> None:
        self.sh(f"mount -t tmpfs -o size={size} tmpfs '{directory}'")

    def outside(self, path: Path) -> Path:
        """The path as seen from outside the namespace."""
        return Path(f"/proc/{self.pid}/root") / Path(path).relative_to("/")

    def cli(self, args: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
        proc = subprocess.run(
            [*self.enter(), VAPOR, *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=cwd,
            timeout=60,
        )
        return proc.returncode, proc.stdout, proc.stderr

    def app(self, args: list[str], env: dict[str, str]) -> PtyApp:
        """The app in a pty, inside the namespace."""
        nsenter, *rest = self.enter()
        saved = pty_app.VAPOR
        pty_app.VAPOR = nsenter  # PtyApp runs its module's VAPOR with the arguments given
        try:
            return PtyApp([*rest, VAPOR, *args], env)
        finally:
            pty_app.VAPOR = saved

    def close(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

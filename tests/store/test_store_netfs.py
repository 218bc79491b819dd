"""A SQLite database on a network filesystem gets a warning pointing to PostgreSQL: the
detection from statfs(2)'s real magic numbers, and the warning on the command line and in the
app (the filesystem reader pointed at NFS: this machine has no network filesystem)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support.recorder import notes, recorded
from vapor_tui.cli import main
from vapor_tui.core.clock import FakeClock
from vapor_tui.store import netfs
from vapor_tui.store.engine import open_store

pytestmark = pytest.mark.sqlite_only


@pytest.mark.parametrize(
    ("f_type", "name"),
    [
        (0x6969, "NFS"),  # NFS_SUPER_MAGIC
        (0xFF534D42, "CIFS"),  # CIFS_SUPER_MAGIC
        (0xFE534D42, "SMB2"),  # SMB2_SUPER_MAGIC
        (0x517B, "SMB"),  # SMB_SUPER_MAGIC
        (0x0BD00BD0, "Lustre"),  # LL_SUPER_MAGIC
        (0x47504653, "GPFS"),  # "GPFS"
        (0x65735546, "FUSE"),  # FUSE_SUPER_MAGIC
        (0x00C36400, "CephFS"),
        (-0x00ACB2BE, "CIFS"),  # 0xFF534D42 as a signed 32-bit f_type
    ],
)
def test_network_filesystems_by_their_statfs_magic(f_type: int, name: str) -> None:
    assert netfs.kind(f_type) == name


@pytest.mark.parametrize(
    ("f_type", "mount"),
    [
        (0xEF53, "ext4"),
        (0x58465342, "xfs"),
        (0x01021994, "tmpfs"),
        (0x9123683E, "btrfs"),
        (0x794C7630, "overlay"),
    ],
)
def test_local_filesystems_are_not(f_type: int, mount: str) -> None:
    assert netfs.kind(f_type, mount) is None


@pytest.mark.parametrize(
    ("mount", "name"), [("wekafs", "WekaFS"), ("fuse.sshfs", "fuse.sshfs"), ("nfs4", "nfs4")]
)
def test_by_mount_type_where_no_magic_is_published(mount: str, name: str) -> None:
    assert netfs.kind(0xDEADBEEF, mount) == name


def test_this_machines_filesystem_is_read_for_real(tmp_path: Path) -> None:
    shown = subprocess.run(
        ["stat", "-f", "-c", "%t", str(tmp_path)], capture_output=True, text=True, check=True
    )
    assert netfs.statfs_type(tmp_path) & 0xFFFFFFFF == int(shown.stdout, 16)
    assert netfs.mount_type(tmp_path)
    if netfs.network_filesystem(tmp_path) is None:  # a local disk: no warning anywhere
        store = open_store(tmp_path / "local.db", clock=FakeClock())
        assert store.warning is None
        store.close()


@pytest.fixture
def on_nfs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(netfs, "statfs_type", lambda _path: 0x6969)


def test_the_command_line_warns_and_goes_on(on_nfs, tmp_path: Path, capsys) -> None:
    db = tmp_path / "shared" / "vapor.db"
    assert main(["--db", str(db), "new", "--name", "on-nfs"]) == 0
    out, err = capsys.readouterr()
    assert out == "1\n"
    (line,) = err.splitlines()
    assert line.startswith(f"vapor-tui: warning: {db} is on a network filesystem (NFS)")
    assert "PostgreSQL" in line


async def test_the_app_warns_in_its_top_bar(on_nfs, tmp_path: Path) -> None:
    from vapor_tui.ui.app import VaporApp

    store = open_store(tmp_path / "app.db", clock=FakeClock())
    app = recorded(VaporApp(store=store, clock=store.clock, timer=False))
    async with app.run_test(size=(120, 30)) as pilot:
        for _ in range(3):
            await app.wait_for_work()
            await pilot.pause()
        assert any("network filesystem (NFS)" in n for n in notes(app)), notes(app)
        header = str(app.screen.query_one("#topbar").content)
        assert "SQLite on a network filesystem: use PostgreSQL" in header
    store.close()

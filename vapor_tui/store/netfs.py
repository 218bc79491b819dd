"""Is a SQLite file on a network filesystem? SQLite's locks and its WAL shared memory do not
hold across machines there (trackio#555: SIGBUS on WekaFS; aim#1865 on NFS; mlflow#4034;
wandb#637): such a database gets a warning pointing to PostgreSQL.

The filesystem is told by statfs(2)'s f_type; a type whose magic number is not published
(WekaFS) by the mount table's name. Standard library only, Linux only (elsewhere: no answer).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from pathlib import Path

# statfs f_type -> name (linux/magic.h and the filesystems' own sources).
NETWORK_MAGIC = {
    0x6969: "NFS",
    0x517B: "SMB",
    0xFF534D42: "CIFS",
    0xFE534D42: "SMB2",
    0x0BD00BD0: "Lustre",
    0x47504653: "GPFS",
    0x65735546: "FUSE",
    0x00C36400: "CephFS",
    0x5346414F: "AFS",
    0x6B414653: "AFS",
    0x01021997: "9P",
    0x19830326: "BeeGFS",
    0x20030528: "OrangeFS",
    0x73757245: "Coda",
}
# Mount types known by name only (/proc/self/mountinfo), and prefixes such as fuse.sshfs.
NETWORK_NAMES = {"wekafs": "WekaFS", "panfs": "PanFS", "glusterfs": "GlusterFS"}
NETWORK_PREFIXES = ("nfs", "cifs", "smb", "fuse", "lustre", "gpfs", "ceph", "9p", "beegfs")


def kind(f_type: int | None, mount_type: str | None = None) -> str | None:
    """The network filesystem's name for a statfs f_type (or a mount type), else None."""
    if f_type is not None and (f_type & 0xFFFFFFFF) in NETWORK_MAGIC:
        return NETWORK_MAGIC[f_type & 0xFFFFFFFF]
    if mount_type:
        name = mount_type.lower()
        if name in NETWORK_NAMES:
            return NETWORK_NAMES[name]
        if name.startswith(NETWORK_PREFIXES):
            return mount_type
    return None


def statfs_type(path: str | os.PathLike) -> int | None:
    """statfs(2)'s f_type of the filesystem holding `path`, or None if it cannot be read."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    except OSError:
        return None
    buf = ctypes.create_string_buffer(256)  # struct statfs is 120 bytes on 64-bit Linux
    if libc.statfs(os.fsencode(str(path)), buf) != 0:
        return None
    # f_type is the first field, a C long (__fsword_t).
    return ctypes.c_long.from_buffer(buf).value


def mount_type(path: str | os.PathLike) -> str | None:
    """The type of the mount that holds `path`, from /proc/self/mountinfo."""
    try:
        lines = Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    target = os.path.realpath(path)
    best, found = -1, None
    for line in lines.splitlines():
        left, _, right = line.partition(" - ")
        fields = left.split()
        if len(fields) < 5 or not right:
            continue
        point = fields[4].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) > best:
            best, found = len(point), right.split()[0]
    return found


def network_filesystem(path: str | os.PathLike) -> str | None:
    """The name of the network filesystem the database file (or, before it exists, its
    directory) lives on, or None on a local one."""
    where = Path(path)
    while not where.exists() and where != where.parent:
        where = where.parent
    return kind(statfs_type(where), mount_type(where))


def warning_for(path: str | os.PathLike) -> str | None:
    name = network_filesystem(path)
    if name is None:
        return None
    return (
        f"{path} is on a network filesystem ({name}): SQLite's locking is not safe there and "
        "the database can be damaged; for several machines use PostgreSQL "
        "(--db postgresql+psycopg://..., see the README's Several machines)"
    )

"""Which database files are known sound: SQLite's full check passed on them, and they have not
changed since, or since a vapor-tui that had checked them closed them.

The full check (`PRAGMA quick_check`) reads the whole file: on a cold page cache, a 1M-point
job's 111 MB took seconds, where its chart needs a few hundred KB. A file is stamped (device,
inode, size, modification and change times, with no write-ahead log pending) when the check
passes, and again when a process that checked it exits in good order, the file's log
checkpointed away. An open that finds the stamp unchanged skips the check; any write, copy or
restore (which moves the change time, which no program can set back) makes it check again.

Kept in the user's cache directory; losing it costs one full check. Every failure to read or
write it is ignored.
"""

from __future__ import annotations

import atexit
import json
import os
import threading
from pathlib import Path

MAX_FILES = 64
_lock = threading.Lock()
# Files this process checked (or found stamped), to stamp at exit, with the memo file they
# were vouched for in (where it was then: the environment may have changed by the exit).
_vouched: dict[str, Path] = {}
_damage_seen = False


def _memo_file() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("vapor-tui", appauthor=False)) / "checked.json"


def _key(path: Path) -> str:
    return str(path.resolve())


def stamp(path: Path) -> list[int] | None:
    """What identifies the file's bytes as they are: None while its log holds pages (the
    database is then more than the file)."""
    try:
        st = path.stat()
        wal = path.with_name(path.name + "-wal")
        if wal.exists() and wal.stat().st_size:
            return None
    except OSError:
        return None
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def _load(memo_file: Path) -> dict[str, list[int]]:
    try:
        data = json.loads(memo_file.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _save(key: str, value: list[int] | None, target: Path) -> None:
    with _lock:
        memo = _load(target)
        memo.pop(key, None)
        if value is not None:
            memo[key] = value
        memo = dict(list(memo.items())[-MAX_FILES:])
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
            temporary.write_text(json.dumps(memo), encoding="utf-8")
            os.replace(temporary, target)
        except OSError:
            pass


def known_sound(path: Path) -> bool:
    """Did the file pass the full check, and has it not changed since?"""
    current = stamp(path)
    if current is None or _damage_seen:
        return False
    if _load(_memo_file()).get(_key(path)) != current:
        return False
    _vouch(path)
    return True


def checked(path: Path, before: list[int] | None) -> None:
    """The full check passed on the file as `before` stamped it (taken before the check)."""
    if before is not None and stamp(path) == before:
        _save(_key(path), before, _memo_file())
    _vouch(path)


def damaged() -> None:
    """Damage was found in some database: vouch for nothing this process saw."""
    global _damage_seen
    _damage_seen = True


def _vouch(path: Path) -> None:
    with _lock:
        if not _vouched:
            atexit.register(_stamp_at_exit)
        _vouched[_key(path)] = _memo_file()


def _stamp_at_exit() -> None:
    """Files this process found sound and left in good order (every connection closed, the
    log checkpointed away: no other process has them open) are sound as they are now."""
    if _damage_seen:
        return
    for key, memo_file in sorted(_vouched.items()):
        current = stamp(Path(key))
        if current is not None and not Path(key + "-wal").exists():
            _save(key, current, memo_file)

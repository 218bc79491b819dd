"""Writing a job's points out as CSV or JSON, a chunk at a time, to standard output or a file."""

from __future__ import annotations

import csv
import errno
import json
import os
import signal
import stat
import tempfile
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from vapor_tui.present.shapes import number
from vapor_tui.store.engine import Store
from vapor_tui.store.export_rows import export_rows

FIXED = ("step", "epoch", "timestamp")


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="microseconds")


def write_export(store: Store, job_id: int, fmt: str, out: TextIO) -> int:
    """step, epoch, timestamp and one column per metric (loss first, then alphabetical),
    blank (null) where a series has no point at that step."""
    metrics, rows = export_rows(store, job_id)
    count = 0
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([*FIXED, *metrics])
        for step, epoch, ts, values in rows:
            cells = [step, "" if epoch is None else _cell(epoch), _iso(ts)]
            writer.writerow(cells + ["" if v is None else repr(v) for v in values])
            count += 1
        return count
    out.write("[")
    for step, epoch, ts, values in rows:
        record = {"step": step, "epoch": number(epoch), "timestamp": _iso(ts)}
        record.update(zip(metrics, (number(v) for v in values), strict=True))
        out.write(",\n  " if count else "\n  ")
        out.write(json.dumps(record))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def _cell(value: float | int) -> str:
    return repr(value) if isinstance(value, float) and not value.is_integer() else str(int(value))


class ExportRefused(Exception):
    """An output that cannot be written; the message says why. Nothing was left behind."""


def export_to(store: Store, job_id: int, fmt: str, output: str, stdout: TextIO) -> int:
    """Write the export to `output`: "-" is standard output; a FIFO or a device is written
    straight (a FIFO nobody reads is refused, not waited on); anything else goes to a
    temporary file beside it (mode 0600, like the database) that replaces it only once
    complete, so a failed export (a full disk, a damaged database, a signal) never empties
    an existing file, nor leaves a partial one. An existing file keeps its permissions."""
    if output == "-":
        return write_export(store, job_id, fmt, stdout)
    path = Path(output)
    try:
        mode = path.stat().st_mode  # through a symbolic link: what it points at
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise ExportRefused(f"cannot write {output}: {exc.strerror}") from exc
    if mode is not None and stat.S_ISDIR(mode):
        raise ExportRefused(f"cannot write {output}: it is a directory")
    if mode is not None and stat.S_ISFIFO(mode):
        return _to_fifo(store, job_id, fmt, output)
    if mode is not None and stat.S_ISCHR(mode):
        return _guarded(output, lambda: _to_device(store, job_id, fmt, output))
    if mode is not None and not stat.S_ISREG(mode):
        raise ExportRefused(f"cannot write {output}: it is not a regular file")
    return _guarded(output, lambda: _replace(store, job_id, fmt, path.resolve(), mode))


def _guarded(output: str, write: Callable[[], int]) -> int:
    """`write()`, with SIGTERM and SIGHUP turned into an exception meanwhile, so that the
    temporary file is removed on the way out."""

    def stop(signum: int, _frame) -> None:
        raise ExportRefused(f"cannot write {output}: stopped by signal {signum}")

    saved = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGHUP):
            saved[sig] = signal.signal(sig, stop)
    try:
        return write()
    except OSError as exc:
        raise ExportRefused(f"cannot write {output}: {exc.strerror or exc}") from exc
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def _replace(store: Store, job_id: int, fmt: str, target: Path, mode: int | None) -> int:
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    temp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            count = write_export(store, job_id, fmt, fh)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(temp, stat.S_IMODE(mode))
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return count


def _to_device(store: Store, job_id: int, fmt: str, output: str) -> int:
    with open(output, "w", encoding="utf-8", newline="") as fh:
        return write_export(store, job_id, fmt, fh)


def _to_fifo(store: Store, job_id: int, fmt: str, output: str) -> int:
    try:
        fd = os.open(output, os.O_WRONLY | os.O_NONBLOCK)  # at once, reader or not
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise ExportRefused(
                f"cannot write {output}: it is a FIFO and nothing is reading from it"
            ) from exc
        raise ExportRefused(f"cannot write {output}: {exc.strerror}") from exc
    os.set_blocking(fd, True)  # a reader is there: write at its pace
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            return write_export(store, job_id, fmt, fh)
    except BrokenPipeError as exc:
        raise ExportRefused(f"cannot write {output}: the reader went away") from exc
    except OSError as exc:
        raise ExportRefused(f"cannot write {output}: {exc.strerror}") from exc


def is_the_database(output: Path, target: str) -> bool:
    """Would writing `output` overwrite the database file, its log or its shared memory?"""
    if "://" in target:
        return False
    db = Path(target).expanduser()
    for name in (db, *(db.with_name(db.name + s) for s in ("-wal", "-shm", "-journal"))):
        try:
            if output.resolve() == name.resolve() or (
                output.exists() and name.exists() and output.samefile(name)
            ):
                return True
        except OSError:
            continue
    return False

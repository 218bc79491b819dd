"""`export -o` (issue 15.3): the output replaces its target only once complete, so a failed
export never empties an existing file nor leaves a partial one; `-` is standard output; a
FIFO is written when someone reads it and refused when nobody does, never waited on; a new
file is 0600, like the database. (A full disk: tests/reliability/test_rel_full_disk.py.)"""

from __future__ import annotations

import os
import select
import stat
import subprocess
import threading
from pathlib import Path

import pytest

from tests.cli.test_cli_errors import assert_one_line_error
from vapor_tui.cli import main
from vapor_tui.core.status import JobStatus
from vapor_tui.store.engine import StoreDamaged

HEADER = "step,epoch,timestamp,loss,accuracy,learning_rate,val_loss\n"


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def job(state_db) -> tuple[tuple[str, ...], int]:
    return ("--db", str(state_db.target), "export"), state_db.jobs[JobStatus.COMPLETE].id


@pytest.fixture
def out(tmp_path) -> Path:
    """An empty directory for the outputs (the database is elsewhere)."""
    path = tmp_path / "out"
    path.mkdir()
    return path


def beside(target: Path) -> list[str]:
    return sorted(p.name for p in target.parent.iterdir())


def test_a_dash_is_standard_output(job, capsys, out, monkeypatch):
    (export, job_id) = job
    monkeypatch.chdir(out)
    code, text, err = run(capsys, *export, job_id, "-o", "-")
    assert (code, err) == (0, "") and text.startswith(HEADER) and text.count("\n") == 31
    assert run(capsys, *export, job_id)[1] == text
    assert list(out.iterdir()) == []  # no file named "-"


def test_a_new_file_is_private_whatever_the_umask(job, capsys, out):
    (export, job_id) = job
    target = out / "points.csv"
    old = os.umask(0)
    try:
        assert run(capsys, *export, job_id, "-o", target)[0] == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text().startswith(HEADER) and beside(target) == ["points.csv"]


def test_an_existing_file_is_replaced_whole_and_keeps_its_mode(job, capsys, out):
    (export, job_id) = job
    target = out / "points.csv"
    target.write_text("old\n")
    target.chmod(0o644)
    link = out / "latest.csv"
    link.symlink_to(target)
    assert run(capsys, *export, job_id, "-o", link)[0] == 0
    assert link.is_symlink() and target.read_text().startswith(HEADER)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert beside(target) == ["latest.csv", "points.csv"]


def _fails_after_the_first_chunk(monkeypatch) -> None:
    import vapor_tui.export as export_module

    real = export_module.export_rows

    def failing(store, job_id, chunk=50_000):
        metrics, rows = real(store, job_id, chunk=10)

        def then_damaged():
            for i, row in enumerate(rows):
                if i == 10:
                    raise StoreDamaged(
                        f"{store.target} is damaged (database disk image is malformed)"
                    )
                yield row

        return metrics, then_damaged()

    monkeypatch.setattr(export_module, "export_rows", failing)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_failed_export_leaves_every_file_as_it_was(fmt, job, capsys, out, monkeypatch):
    """It emptied an existing file, or left a header-only one, on a damaged database."""
    (export, job_id) = job
    _fails_after_the_first_chunk(monkeypatch)
    existing, new = out / "keep.csv", out / "new.csv"
    existing.write_text("my earlier export\n")
    for target in (existing, new):
        result = run(capsys, *export, job_id, "--format", fmt, "-o", target)
        assert_one_line_error(result, "is damaged")
    assert existing.read_text() == "my earlier export\n"
    assert beside(existing) == ["keep.csv"]  # no new file, no temporary one


def test_a_directory_is_refused(job, capsys, out):
    (export, job_id) = job
    assert_one_line_error(run(capsys, *export, job_id, "-o", out), "is a directory")


@pytest.mark.real_process
def test_a_fifo_nobody_reads_is_refused_at_once(run_cli, state_db, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    job_id = state_db.jobs[JobStatus.COMPLETE].id
    try:
        result = run_cli("--db", state_db.target, "export", job_id, "-o", fifo, timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("export waited for a reader")
    assert_one_line_error(result, "it is a FIFO and nothing is reading from it")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


@pytest.mark.real_process
def test_a_fifo_with_a_reader_gets_the_export(run_cli, state_db, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    job_id = state_db.jobs[JobStatus.COMPLETE].id
    got: list[bytes] = []
    ready = threading.Event()

    def read() -> None:
        # A reader from now on; without a writer a read says end of file, so read until the
        # end of file that comes after the export's bytes.
        fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        ready.set()
        data = b""
        try:
            while True:
                select.select([fd], [], [], 0.05)
                try:
                    chunk = os.read(fd, 65536)
                except BlockingIOError:
                    continue
                if not chunk and data:
                    break
                data += chunk
        finally:
            os.close(fd)
            got.append(data)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    ready.wait(10)
    code, out, err = run_cli("--db", state_db.target, "export", job_id, "-o", fifo, timeout=60)
    reader.join(30)
    assert (code, out, err) == (0, "", "")
    assert got and got[0].decode().startswith(HEADER) and got[0].count(b"\n") == 31
    assert stat.S_ISFIFO(fifo.stat().st_mode)

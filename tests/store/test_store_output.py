"""The output table: lines appended and progress lines updated in place, read back by rev,
the last lines of a job kept, on both backends."""

from __future__ import annotations

from vapor_tui.core.output import OutputFold, Segment
from vapor_tui.store.jobs import create_job, delete_job
from vapor_tui.store.output import append_output, output_tail, read_output
from vapor_tui.supervise.lines import LineSplitter


def _write(store, job_id, fold, stream, data, ts, keep=10_000):
    splitter = LineSplitter()
    fold.add(stream, splitter.feed(data) + splitter.close(), ts)
    with store.write() as conn:
        append_output(conn, job_id, fold.take(), keep=keep)


def test_lines_and_a_progress_line_round_trip_and_read_by_rev(store, helpers):
    job = create_job(store, helpers.small_config())
    fold = OutputFold()
    splitter = LineSplitter()
    fold.add("out", splitter.feed(b"hello\n\xff\xfebad bytes\nhalf"), 1.0)
    fold.add("err", [Segment("10%|#  | 1/10", final=False)], 1.5)
    with store.write() as conn:
        append_output(conn, job.id, fold.take())
    with store.read() as conn:
        first = read_output(conn, job.id)
        rev = max(line.rev for line in first)
    assert [(x.seq, x.stream, x.text, x.partial) for x in first] == [
        (1, "out", "hello", False),
        (2, "out", "\ufffd\ufffdbad bytes", False),
        (3, "err", "10%|#  | 1/10", True),
    ]
    fold.add("err", [Segment("20%|## | 2/10", final=False)], 2.0)
    fold.add("err", [Segment("100%|###| 10/10", final=True)], 3.0)
    fold.add("out", splitter.feed(b" done\n"), 3.0)
    with store.write() as conn:
        append_output(conn, job.id, fold.take())
    with store.read() as conn:
        changed = read_output(conn, job.id, after_rev=rev)
        everything = read_output(conn, job.id)
        assert output_tail(conn, job.id) == (4, max(x.rev for x in everything))
    # The progress line is one row, changed in place; the new line comes after it.
    assert [(x.seq, x.text, x.partial) for x in changed] == [
        (3, "100%|###| 10/10", False),
        (4, "half done", False),
    ]
    assert [x.seq for x in everything] == [1, 2, 3, 4]


def test_only_the_last_lines_are_kept_and_deleting_the_job_takes_them(store, helpers):
    job = create_job(store, helpers.small_config())
    other = create_job(store, helpers.small_config("other"))
    fold, fold2 = OutputFold(), OutputFold()
    body = b"".join(b"line %d\n" % i for i in range(1, 251))
    _write(store, job.id, fold, "out", body, 1.0, keep=100)
    _write(store, other.id, fold2, "err", b"kept\n", 1.0, keep=100)
    with store.read() as conn:
        lines = read_output(conn, job.id)
        last = read_output(conn, job.id, last=3)
    assert [x.seq for x in lines] == list(range(151, 251))
    assert [x.text for x in last] == ["line 248", "line 249", "line 250"]
    delete_job(store, job.id)
    with store.read() as conn:
        assert read_output(conn, job.id) == []
        assert [x.text for x in read_output(conn, other.id)] == ["kept"]

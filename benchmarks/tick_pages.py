"""The pages a due tick writes on SQLite, by table (issue 14): what its commit costs.

The CPU benchmark's database (benchmarks.dbs.jobs_db, `--running` of 100 jobs running, brought
up to now) and `run_tick` with the jobs screen's request, an injected clock moved 1 s a tick.
Before each tick the log is copied back and emptied (another connection's checkpoint); after
it, each frame of the `-wal` file is a page the tick's transactions wrote, named by its table
from SQLite's `dbstat`.

    python -m benchmarks.tick_pages [--running 20] [--ticks 30]
"""

from __future__ import annotations

import argparse
import collections
import sqlite3
import struct
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

_WAL_HEADER, _FRAME_HEADER = 32, 24


def _pages(wal: Path) -> list[int]:
    """The page number of each frame in a WAL file."""
    data = wal.read_bytes()
    if len(data) < _WAL_HEADER:
        return []
    (page_size,) = struct.unpack(">I", data[8:12])
    out, at = [], _WAL_HEADER
    while at + _FRAME_HEADER <= len(data):
        out.append(struct.unpack(">I", data[at : at + 4])[0])
        at += _FRAME_HEADER + page_size
    return out


def main() -> None:
    from benchmarks import dbs
    from vapor_tui.core.clock import FakeClock
    from vapor_tui.live.session import Live
    from vapor_tui.live.tick import TickResult, run_tick
    from vapor_tui.store.engine import open_store

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--running", type=int, default=20)
    parser.add_argument("--ticks", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tick-pages-") as tmp:
        db = Path(tmp) / "vapor.db"
        dbs.jobs_db(db, running=args.running, total=100, caught_up=True)
        clock = FakeClock(datetime.fromtimestamp(time.time(), UTC))
        store = open_store(db, clock=clock)
        side = sqlite3.connect(db)
        by_table: collections.Counter[str] = collections.Counter()
        try:
            live = Live()
            for _ in range(args.ticks):
                clock.advance(1.0)
                side.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                result = run_tick(store, live.request())
                if not isinstance(result, TickResult):
                    raise SystemExit(f"the tick failed: {result}")
                live.accept_tick(result, set())
                owner = dict(side.execute("SELECT pageno, name FROM dbstat").fetchall())
                by_table.update(owner.get(p, "?") for p in _pages(Path(f"{db}-wal")))
        finally:
            side.close()
            store.close()
    print(f"{args.running} running, {args.ticks} ticks: pages written a tick")
    for name, count in by_table.most_common():
        print(f"  {name:24s} {count / args.ticks:6.1f}")
    print(f"  {'all':24s} {sum(by_table.values()) / args.ticks:6.1f}")


if __name__ == "__main__":
    main()

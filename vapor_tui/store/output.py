"""The `output` table: each launched command's stdout and stderr, line by line, so any machine
sharing the database can read it. The last KEEP_LINES lines of a job are kept; a progress line
is one row, updated in place (core/output.py says how lines and revs are numbered)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func, select

from vapor_tui.core.output import KEEP_LINES, OutputLine

from .tables import output_table

__all__ = ["append_output", "output_table", "output_tail", "read_output"]


def append_output(
    conn: Connection, job_id: int, lines: Sequence[OutputLine], keep: int = KEEP_LINES
) -> None:
    """Write new lines and the new state of changed ones (same seq), in the caller's
    transaction, and drop the job's lines older than its last `keep`."""
    if not lines:
        return
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt: Any = pg_insert(output_table)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(output_table)
    stmt = stmt.on_conflict_do_update(
        index_elements=[output_table.c.job_id, output_table.c.seq],
        set_={
            "text": stmt.excluded.text,
            "ts": stmt.excluded.ts,
            "partial": stmt.excluded.partial,
            "rev": stmt.excluded.rev,
        },
    )
    conn.execute(
        stmt,
        [
            {
                "job_id": job_id,
                "seq": line.seq,
                "stream": line.stream,
                "text": line.text,
                "ts": line.ts,
                "partial": line.partial,
                "rev": line.rev,
            }
            for line in lines
        ],
    )
    newest = max(line.seq for line in lines)
    if newest > keep:
        conn.execute(
            output_table.delete().where(
                output_table.c.job_id == job_id, output_table.c.seq <= newest - keep
            )
        )


def read_output(
    conn: Connection, job_id: int, after_rev: int = 0, last: int | None = None
) -> list[OutputLine]:
    """The job's lines written or changed after `after_rev`, in line order; `last`: only the
    last that many lines."""
    query = select(output_table).where(output_table.c.job_id == job_id)
    if after_rev:
        query = query.where(output_table.c.rev > after_rev)
    if last is not None:
        query = query.order_by(output_table.c.seq.desc()).limit(max(0, last))
        rows = list(reversed(conn.execute(query).all()))
    else:
        rows = list(conn.execute(query.order_by(output_table.c.seq)).all())
    return [OutputLine(r.seq, r.stream, r.text, r.ts, bool(r.partial), r.rev) for r in rows]


def output_tail(conn: Connection, job_id: int) -> tuple[int, int]:
    """(last seq, last rev) of the job's output: where its supervisor carries on from."""
    row = conn.execute(
        select(
            func.coalesce(func.max(output_table.c.seq), 0),
            func.coalesce(func.max(output_table.c.rev), 0),
        ).where(output_table.c.job_id == job_id)
    ).one()
    return int(row[0]), int(row[1])

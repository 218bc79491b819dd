"""The first chart of `watch ID` on a server, read with psycopg alone on the connection the
quick look kept (server_peek.py, server_kept.py), before SQLAlchemy and its PostgreSQL dialect
are imported: the chart is drawn while the store opens, as the job list is. The read is the
store's own (chart_base.py); the store's first tick then reads only the points after it.

None at the least doubt, and the store's open and first tick go on as without it: no
connection kept (the look found nothing of ours, or none was taken), the database no longer
ours or of another schema version, a table missing, the server gone. The connection goes back
for the store when the read worked or was refused by the server, and is closed when the
server no longer answers on it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .chart_base import chart_base
from .server_kept import borrow, keep
from .server_peek import is_ours

if TYPE_CHECKING:
    from vapor_tui.core.buckets import ChartBase


def peek_chart(target: str, job_id: int) -> ChartBase | None:
    """The chart base of job `job_id` in the server database at `target` (the URL as given to
    the look), or None."""
    conn = borrow(target)
    if conn is None:
        return None
    import psycopg

    base = None
    try:
        if is_ours(conn):
            base = chart_base(conn, job_id, server=True)
    except (psycopg.Error, OSError, ValueError):
        base = None
    if conn.closed or conn.broken:
        conn.close()
    else:
        keep(target, conn)
    return base

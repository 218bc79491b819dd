"""Whether a pooled server connection still has its server, checked at every checkout without a
round trip (in place of SQLAlchemy's pre-ping, a `;` sent and answered each time: one round
trip of every read's five, PERFORMANCE.md's pg-read6).

A server that goes away (restarted, shut down, a backend ended by idle_session_timeout or
pg_terminate_backend) writes its last words to the socket and closes it; an idle connection
that is still served has nothing to read (the store never LISTENs). So a readable socket, or
one psycopg already knows to be closed or broken, is a connection gone: the pool drops every
connection it held (as a failed ping did) and makes a new one, and a server still down is the
usual error in connecting. A network that dropped silently shows nothing either way: the
statement meets it, as the ping would have, after the keepalives (server.CONNECT_DEFAULTS).
"""

from __future__ import annotations

import select
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Engine


_NEW = "vapor_tui.new"  # the pool record's flag: made since its last checkout


def watch_checkouts(engine: Engine) -> None:
    from sqlalchemy import event
    from sqlalchemy.exc import InvalidatePoolError

    def connect(dbapi_conn: Any, record: Any) -> None:
        record.info[_NEW] = True

    def checkout(dbapi_conn: Any, record: Any, proxy: Any) -> None:
        # A connection just made is not checked (as pre-ping skips it): one the server closes
        # at once meets its statement's usual error, where the pool, finding it gone again
        # after making it anew, would give up with an error that is not the database's.
        if record.info.pop(_NEW, False):
            return
        if gone(dbapi_conn):
            raise InvalidatePoolError("the server closed this connection")

    event.listen(engine, "connect", connect)
    event.listen(engine, "checkout", checkout)


def gone(conn: Any) -> bool:
    """Whether an idle psycopg connection has lost its server."""
    if conn.closed or conn.broken:
        return True
    try:
        fd = conn.fileno()
        if hasattr(select, "poll"):
            poller = select.poll()
            poller.register(fd, select.POLLIN)
            return bool(poller.poll(0))
        return bool(select.select([fd], [], [], 0)[0])
    except (OSError, ValueError):
        return True

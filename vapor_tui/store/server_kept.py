"""The connection of a quick look at a server (server_peek.py), kept for the store opened next
in this process: server.make_engine takes it as its pool's first. One connection, not two: one
server process started, where each costs a fork and the login on the server (and on a real
network a TCP handshake and the password exchange)."""

from __future__ import annotations

import threading
from typing import Any

# By target (the URL as given), until the store takes it.
_kept: dict[str, Any] = {}
_kept_lock = threading.Lock()


def keep(target: str, conn: Any) -> None:
    """Keep a look's connection (idle, in autocommit) for `target`'s store; an older one
    for the same target is closed."""
    with _kept_lock:
        older = _kept.pop(target, None)
        _kept[target] = conn
    if older is not None:
        older.close()


def borrow(target: str) -> Any | None:
    """The connection kept for `target`, as the look left it (in autocommit), for another
    look before the store opens (server_chart.py), which keeps it again, or closes it; None if
    none is kept."""
    with _kept_lock:
        return _kept.pop(target, None)


def take_kept(target: str) -> Any | None:
    """The connection a look at `target` kept, once, if it still answers (the server may have
    restarted since): idle and out of autocommit, as the store's are; else None."""
    import psycopg

    with _kept_lock:
        conn = _kept.pop(target, None)
    if conn is None:
        return None
    try:
        conn.execute(";")  # a round trip that runs nothing, as SQLAlchemy's ping
        conn.autocommit = False
    except psycopg.Error:
        conn.close()
        return None
    return conn

"""The PostgreSQL write path: points by binary COPY, encoded by numpy, and the chart summary as
one upsert of arrays. An executemany of plain tuples (what SQLite is fast with) is a round of
the protocol a row on a server: about 25,000 points/s against the 100,000 needed.

Binary COPY is a 19-byte header, then for each row a field count and, for each field, its
length and its bytes (big-endian), then -1. Rows with and without a validation loss have
different layouts (a NULL is a length of -1 and no bytes), so each kind is one numpy record
array; rows go in any order, the table's primary key orders them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from vapor_tui.core.points import Points

if TYPE_CHECKING:
    from sqlalchemy import Connection

_HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
_TRAILER = (-1).to_bytes(2, "big", signed=True)
# (column, numpy type) in the table's order: integer columns are int4, the rest float8.
_FIELDS = (
    ("job_id", ">i4"),
    ("step", ">i4"),
    ("epoch", ">i4"),
    ("loss", ">f8"),
    ("accuracy", ">f8"),
    ("learning_rate", ">f8"),
    ("val_loss", ">f8"),
    ("timestamp", ">f8"),
)
_COPY_SQL = f"COPY points ({', '.join(n for n, _ in _FIELDS)}) FROM STDIN (FORMAT BINARY)"


def _layout(with_val: bool) -> np.dtype:
    parts: list[tuple[str, str]] = [("count", ">i2")]
    for name, kind in _FIELDS:
        parts.append((f"len_{name}", ">i4"))
        if name != "val_loss" or with_val:
            parts.append((name, kind))
    return np.dtype(parts)


_WITH_VAL, _WITHOUT_VAL = _layout(True), _layout(False)


def copy_payload(job_id: int, points: Points) -> bytes:
    """The whole COPY stream for one batch."""
    has_val = ~np.isnan(points.val_loss)
    chunks = [_HEADER]
    for layout, mask in ((_WITH_VAL, has_val), (_WITHOUT_VAL, ~has_val)):
        count = int(mask.sum())
        if not count:
            continue
        rows = np.empty(count, dtype=layout)
        rows["count"] = len(_FIELDS)
        for name, kind in _FIELDS:
            if name == "val_loss" and layout is _WITHOUT_VAL:
                rows["len_val_loss"] = -1
                continue
            rows[f"len_{name}"] = np.dtype(kind).itemsize
            rows[name] = job_id if name == "job_id" else getattr(points, name)[mask]
        chunks.append(rows.tobytes())
    chunks.append(_TRAILER)
    return b"".join(chunks)


def copy_points(conn: Connection, job_id: int, points: Points) -> None:
    """Insert a batch in the caller's transaction. A step already there fails the whole batch
    (the primary key), as the executemany does."""
    import psycopg
    from sqlalchemy.exc import DBAPIError

    payload = copy_payload(job_id, points)
    raw = conn.connection.driver_connection
    assert raw is not None  # a live connection, inside the caller's transaction
    try:
        with raw.cursor() as cursor, cursor.copy(_COPY_SQL) as copy:
            copy.write(payload)
    except psycopg.Error as exc:  # as SQLAlchemy would have wrapped it (IntegrityError...)
        raise DBAPIError.instance(_COPY_SQL, None, exc, psycopg.Error) from exc


def upsert_summary_arrays(conn: Connection, names: tuple[str, ...], merge: str, rows) -> None:
    """The summary's upsert as one statement: each column sent as an array and unnested."""
    columns = list(zip(*rows, strict=True))
    types = [
        "int4" if n in ("job_id", "bucket", "n", "first_step", "last_step") else "float8"
        for n in names
    ]
    arrays = ", ".join(f"%s::{t}[]" for t in types)
    conn.exec_driver_sql(
        f"INSERT INTO point_summary ({', '.join(names)}) SELECT * FROM unnest({arrays}) "
        f"ON CONFLICT (job_id, bucket) DO UPDATE SET {merge}",
        tuple(list(c) for c in columns),
    )

"""What a server database's tables have that create_all does not make.

On PostgreSQL, series_points has no foreign key to series: the key's check is a trigger
that runs once a row, and it made a COPY of points three to five times slower on the server
(about 100,000 rows/s with it, 430,000 without, same server). What the key gave is kept
otherwise:

- the cascade: a statement trigger on series deletes the points of the series a statement
  deleted (a job's delete cascades to its series, and so to their points), one DELETE a
  statement whatever the number of rows;
- no point for a series that is gone: write_points reads its jobs' rows FOR KEY SHARE,
  which holds them for its transaction, so a job's delete, which locks the row FOR UPDATE,
  waits for the write, and its cascade then removes what the write added.

The packed blocks are stored uncompressed (STORAGE EXTERNAL), for the same reason.

SQLite keeps the foreign key (its checks cost little there, and its deletes go in pieces:
deletes.py). A server database made before this loses the key the next time it is opened,
once (ensure_points_cascade)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Connection

_FUNCTION = "vapor_series_points_cascade"
_TRIGGER = "series_points_cascade"

_CREATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM series_points p USING gone g WHERE p.series_id = g.id;
    RETURN NULL;
END $$
"""
_CREATE_TRIGGER = (
    f"CREATE TRIGGER {_TRIGGER} AFTER DELETE ON series REFERENCING OLD TABLE AS gone "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {_FUNCTION}()"
)
# What ensure_points_cascade makes: part of the schema a full check records (server_check.py).
SERVER_LAYOUT = f"{_CREATE_FUNCTION}{_CREATE_TRIGGER}; no key on series_points; blocks EXTERNAL"
_STATE = f"""
SELECT
    (SELECT array_agg(conname::text) FROM pg_constraint
     WHERE conrelid = 'series_points'::regclass AND contype = 'f'),
    EXISTS (SELECT FROM pg_trigger
            WHERE tgrelid = 'series'::regclass AND tgname = '{_TRIGGER}'),
    (SELECT attstorage FROM pg_attribute
     WHERE attrelid = 'series_blocks'::regclass AND attname = 'data')
"""


def ensure_points_cascade(conn: Connection) -> bool:
    """In the schema transaction (after create_all): the points' foreign key gone and the
    cascade trigger there. One catalog read when it is so already; True if it changed
    anything."""
    keys, has_trigger, storage = conn.exec_driver_sql(_STATE).one()
    changed = False
    if storage != "e":
        # Packed float64 rows hardly compress: the server's attempt at every block cost
        # five times the block's write.
        conn.exec_driver_sql("ALTER TABLE series_blocks ALTER COLUMN data SET STORAGE EXTERNAL")
        changed = True
    for name in keys or ():
        conn.exec_driver_sql(f'ALTER TABLE series_points DROP CONSTRAINT "{name}"')
        changed = True
    if not has_trigger:
        conn.exec_driver_sql(_CREATE_FUNCTION)
        conn.exec_driver_sql(_CREATE_TRIGGER)
        changed = True
    return changed

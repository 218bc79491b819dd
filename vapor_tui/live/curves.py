"""What the compare screen follows: one metric of each of its jobs. A tick reads, for each, the
curve's summary the first time (or after the metric changed) and the newer points after that:
watching more live jobs costs a few rows a job, never their history again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy: not needed to paint the first frame
    from sqlalchemy import Connection

    from vapor_tui.core.curves import CurveBase
    from vapor_tui.core.series import SeriesPoints


@dataclass(frozen=True, slots=True)
class CurveFollow:
    """One job's curve of `metric`, as the screen holds it: its summary (`has_base`) and the
    points up to `after_step`. `token` tells one screen's request from the next one's."""

    job_id: int
    metric: str
    token: int
    after_step: int = 0
    has_base: bool = False


@dataclass(frozen=True, slots=True)
class CurveRead:
    follow: CurveFollow
    base: CurveBase | None = None
    points: SeriesPoints | None = None


def read_curves(conn: Connection, follows: tuple[CurveFollow, ...]) -> tuple[CurveRead, ...]:
    """Answer the curve follows in the caller's read transaction (the tick's, on its worker
    thread)."""
    if not follows:
        return ()
    from vapor_tui.store.curves import read_curve_base, read_curve_points

    out = []
    for follow in follows:
        if follow.has_base:
            points = read_curve_points(conn, follow.job_id, follow.metric, follow.after_step)
            out.append(CurveRead(follow, points=points))
        else:
            out.append(CurveRead(follow, base=read_curve_base(conn, follow.job_id, follow.metric)))
    return tuple(out)

"""How the chart is drawn (metric, log axis, smoothing, fit): chosen once, kept for the
session, so that every job's detail screen opens the way the user left the last one."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ChartOptions:
    metric: str = "loss"
    log_y: bool = False
    smoothing: bool = False
    fit_y: bool = False  # y limits around the data instead of fixed from 0

"""The floors issue 4 sets, for a 2-core machine, on the medians."""

from benchmarks.stats import Floor

FLOORS: dict[str, Floor] = {
    "bytes_per_s.watch_live": Floor("<=", 2_000),
    "bytes_per_s.jobs_5_running": Floor("<=", 1_500),
    "bytes_per_s.idle": Floor("<=", 100),
    "launch_ratio.vapor_over_bare": Floor("<=", 3.0),
    # Issue 8: the first key the footer offered, acted on, within twice a bare app's first frame.
    "first_key_ratio.over_bare_frame": Floor("<=", 2.0),
    "chart_frame_ms.1M": Floor("<=", 30.0),
    "tick_ms.100": Floor("<=", 10.0),
    # The floor again on the whole main-thread cost: the handler and the repaint it causes.
    "tick_repaint_ms.100": Floor("<=", 10.0),
    "catchup_points_per_s": Floor(">=", 200_000),
    "read_newest_ms": Floor("<=", 1.0),
    "read_all_numpy_s.1M": Floor("<=", 0.5),
    "peak_rss_mb.watch_1M": Floor("<=", 250),
    # Issue 14: the whole process on the jobs screen (100 jobs, 20 running), beside htop.
    "cpu_ratio.vapor_over_htop": Floor("<=", 3.0),
    # Issue 14: watching a 300-step job (`new` defaults, a step a second).
    "bytes_per_s.watch_short": Floor("<=", 200),
    # Issue 13: PostgreSQL beside SQLite.
    "catchup_points_per_s.postgres": Floor(">=", 100_000),
    "ingest_points_per_s.postgres": Floor(">=", 100_000),
    "read_newest_ms.postgres": Floor("<=", 2.0),
    # "A 1M-point chart opens as fast as on SQLite": within 5%, pair by pair in one run.
    "time_to_chart_ratio.1M.postgres_over_sqlite": Floor("<=", 1.05),
    # Issue 12: 8 jobs of 1M points open in at most twice the time of one; four live jobs
    # watched cost at most twice the bytes per second of one: long jobs, and jobs of the `new`
    # defaults (300 steps), whose curves take a new column every second or two.
    "compare_open_ratio.8_over_1": Floor("<=", 2.0),
    "compare_bytes_ratio.4_over_1": Floor("<=", 2.0),
    "compare_bytes_ratio.default_4_over_1": Floor("<=", 2.0),
    # Issue 10: the logging API.
    "import_init_s": Floor("<=", 0.5),
    "init_s.in_process": Floor("<=", 0.5),
    "init_s.process": Floor("<=", 0.5),
    "log_calls_s.100k": Floor("<=", 1.0),
    "log_calls_ratio.over_fastest_peer": Floor("<=", 1.0),
    "log_to_db_s.max": Floor("<=", 0.5),
    "log_to_app_s.max": Floor("<=", 1.5),
    "stop_seen_s.max": Floor("<=", 1.0),
}

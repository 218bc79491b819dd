"""Launched commands (issue 11): the process side, and the supervisor that runs one command job.

`launch` starts a command (no shell, its own process group, dying with its supervisor),
`lines` cuts its output into lines, `metrics` reads metrics and progress from them, `ladder` is
the stop ladder's timing, `exits` says how a process ended, and `supervisor` (run as
`python -m vapor_tui.supervise JOB_ID`) ties them to the store. Only `supervisor` and `spawn`
touch the database.
"""

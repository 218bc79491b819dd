"""The vapor-tui benchmark suite (issue 4): `python -m benchmarks [--quick] [--json PATH]`.

Terminal figures come from the installed `vapor-tui` run in a real pseudo-terminal
(120x40, TERM=xterm-256color); the rest are timed in-process with the app's own code. Every
figure is a median of several runs, reported with its min and max and next to its floor.
See docs/PERFORMANCE.md for the latest figures and what limits each one.
"""

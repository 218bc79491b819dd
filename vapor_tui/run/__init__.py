"""A training script's run: the logging API behind `vapor_tui.init/log/should_stop/finish`."""

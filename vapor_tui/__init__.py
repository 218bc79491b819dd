"""vapor-tui: launch, control and watch model fine-tuning jobs from the terminal."""

__version__ = "0.1.0"

"""The smallest terminal the screens are laid out for; below it the too-small notice shows."""

MIN_WIDTH, MIN_HEIGHT = 60, 16

"""Integrations with training libraries, each importing nothing of its library at import time."""

"""Persistence: SQLModel tables, engine set-up, repository functions. Imports no UI."""

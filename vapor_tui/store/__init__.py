"""Persistence: the schema as SQLAlchemy Core tables, engine set-up, repository functions.
Imports no UI."""

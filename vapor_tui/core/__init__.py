"""The domain: statuses, configuration, simulator, ETA and clock. Imports no UI and no ORM."""

"""Running the system for real: the nginx front, the store health check, backups, the production store."""
